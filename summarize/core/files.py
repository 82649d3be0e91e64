"""Writing files so that a reader (or a resumed run) never sees a partial one."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn

from summarize.core.errors import ConfigError, write_failure

logger = logging.getLogger(__name__)

#: Name of the machine-readable results a run writes next to its pages (``summarize eval``
#: reads it back).
RESULTS_FILE = "results.jsonl"

#: Lone UTF-16 surrogates: an undecodable byte of a file name or command-line argument
#: (Python's ``surrogateescape``) or a ``\ud800`` escape in JSON. UTF-8 cannot encode them.
_SURROGATES = re.compile("[\ud800-\udfff]")


def printable(text: object) -> str:
    """``text`` (a path, too) as a string UTF-8 can encode: lone surrogates become U+FFFD."""
    return _SURROGATES.sub("\ufffd", str(text))


#: What must not reach a terminal raw: C0 controls, DEL, C1 controls (an escape sequence can
#: clear the screen, a newline forge a line), bidi controls (they reorder what follows), line and
#: paragraph separators, and lone surrogates (undecodable bytes of a name).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_UNSAFE_BUT_LAYOUT = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def terminal_safe(text: object, keep_layout: bool = False) -> str:
    """``text`` with control and bidi characters escaped as ``\\x1b``, ``\\n``, ``\\u202e``.

    ``keep_layout`` keeps newlines and tabs: for the tool's own multi-line text, never for names.
    """
    pattern = _UNSAFE_BUT_LAYOUT if keep_layout else _UNSAFE
    return pattern.sub(_escape, str(text))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def write_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` via a synced temporary file in the same folder and a rename.

    A lone surrogate (say, a non-UTF-8 folder name named in the text) is written as U+FFFD
    rather than failing the write at the end of a run. A full, read-only or over-quota disk
    raises WriteFailed, which names ``path`` and the fix; nothing half-written is left.
    """
    try:
        _write_atomic(path, text)
    except OSError as error:
        _raise_write_error(error, path)


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(printable(text).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file owner-only; briefings are meant to be read (and served).
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


#: Where a run writes its files inside the output folder before it moves them into place all
#: together; hidden, and on the output folder's file system, so each move is an atomic rename.
STAGING_FOLDER = ".summarize-staging"


@contextlib.contextmanager
def staging_folder(folder: Path) -> Iterator[Path]:
    """A new, empty staging folder inside ``folder`` for the block; removed after it, whatever
    happens, so a failed run leaves nothing half-written behind.

    Call it under folder_lock: a staging folder already there is then one a killed run left,
    and it is removed first. A full, read-only or over-quota disk raises WriteFailed.
    """
    staging = folder / STAGING_FOLDER
    try:
        _remove(staging)
        staging.mkdir(parents=True)
    except OSError as error:
        _raise_write_error(error, staging)
    try:
        yield staging
    finally:
        try:
            _remove(staging)
        except OSError as error:  # the next run removes it
            logger.warning("could not remove %s (%s)", staging, error.strerror or error)


def move_into_place(staging: Path, folder: Path, names: Sequence[str]) -> list[Path]:
    """Move the files ``names`` from ``staging`` into ``folder``, in the order given, each by an
    atomic rename; then sync ``folder`` so the renames outlast a power cut. Returns the paths."""
    moved = []
    for name in names:
        target = folder / name
        try:
            os.replace(staging / name, target)
        except OSError as error:
            _raise_write_error(error, target)
        moved.append(target)
    _sync_folder(folder)
    return moved


def _sync_folder(folder: Path) -> None:
    """fsync ``folder`` itself, so renames in it are on disk; skipped where folders cannot be
    opened (Windows). Only logged when it fails: the files are in place and complete."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as error:
        logger.warning("could not sync %s to disk (%s)", folder, error.strerror or error)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    """Remove ``path``, a folder with everything in it or a file; nothing there is fine."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _raise_write_error(error: OSError, path: Path) -> NoReturn:
    """Raise ``error`` as a WriteFailed naming ``path`` when the disk is the cause (full,
    read-only, quota); otherwise as it is."""
    failure = write_failure(error, path)
    if failure is None:
        raise error
    raise failure from error


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` for the block, waiting for any other holder.

    Two runs writing one output folder take turns, so its pages, results.jsonl and run.json
    all come from one run and each run's cleanup sees what the other wrote. The lock is an
    ``flock`` on the folder itself: no lock file is left behind, and it goes with the
    process. Where the system cannot lock a folder (Windows, some network file systems),
    the block runs unlocked.
    """
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl  # POSIX only

        fd = os.open(folder, os.O_RDONLY)
    except (ImportError, OSError):
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as error:
            logger.debug("cannot lock %s (%s); writing unlocked", folder, error)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def check_writable_folder(folder: Path, setting: str) -> None:
    """Raise ConfigError unless ``folder`` is, or can be made, a folder files can be written in.

    Checked by doing it, and undone: a run stopped later by another error leaves nothing behind.
    ``setting`` is the flag that chose the folder, for the message.
    """
    in_the_way = next((p for p in _folder_chain(folder) if _is_in_the_way(p)), None)
    if in_the_way is not None:
        raise ConfigError(
            f"{setting} {folder}: {in_the_way} is a file, not a folder; "
            f"pass {setting} a folder path, or move the file away"
        )
    # Several processes of one run check at once; one may remove what another's check just
    # saw, so a failure counts only when it repeats.
    for attempt in range(3):
        try:
            _try_writing_in(folder)
            return
        except OSError as error:
            if attempt == 2:
                raise ConfigError(
                    f"{setting} {folder}: cannot create it or write in it "
                    f"({error.strerror or error}); pass {setting} a folder you can write to"
                ) from None


def _is_in_the_way(path: Path) -> bool:
    """Whether something other than a folder is at ``path``.

    One look (``stat``), not ``exists()`` then ``is_dir()``: another process of the run may
    make and remove the folder between two looks, and a folder gone in between is no file.
    """
    try:
        return not stat.S_ISDIR(path.stat().st_mode)
    except OSError:  # nothing there (or nothing we may look at: writing will tell)
        return False


def _folder_chain(folder: Path) -> list[Path]:
    """``folder`` and the folders above it, outermost first."""
    return [*reversed(folder.parents), folder]


def _try_writing_in(folder: Path) -> None:
    """Make ``folder`` if needed and write a file in it; then remove both again."""
    made: list[Path] = []
    try:
        for part in _folder_chain(folder):
            try:
                part.mkdir()
                made.append(part)
            except FileExistsError:
                pass  # a folder (files in the way were reported) or one made meanwhile
        with tempfile.TemporaryFile(dir=folder):
            pass
    finally:
        for part in reversed(made):
            with contextlib.suppress(OSError):  # another process wrote in it: it stays
                part.rmdir()


def remove_unwritten_outputs(folder: Path, before: Sequence[str], now: Sequence[str]) -> list[str]:
    """Delete the files an earlier run wrote into ``folder`` that this run did not write.

    ``before`` and ``now`` are file names (as run.json lists them). Only plain names of files
    directly in ``folder`` are touched, so nothing else the folder holds is ever deleted.
    Returns the names removed.
    """
    removed = []
    for name in sorted(set(before) - set(now)):
        path = folder / name
        if not name or name != Path(name).name or name.startswith(".") or path.parent != folder:
            continue  # never a path: a hand-edited run.json cannot point elsewhere
        if path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(name)
    return removed
