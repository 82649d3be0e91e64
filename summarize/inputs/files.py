"""Finding the files to read: supported suffixes, folders walked in a stable order.

Policy for what a folder walk reads (docs/usage.md, "Inputs"):

- only regular files; a FIFO, socket or device is reported and skipped, also behind a link;
- a symbolic link (to a file or a folder alike) is followed only when its target lies inside
  the folder given as input; a link leading outside it is reported and not followed;
- a link loop, or a folder link back to a folder it sits in, is reported, never followed;
- a file or folder reached twice (through links) is read once.

A file named as an input itself is the user's choice and is read wherever a link leads.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from summarize.core.files import printable
from summarize.core.records import InputFailure

logger = logging.getLogger(__name__)


#: File-name suffixes read from folders (compared case-insensitively).
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"}
)

#: File-name suffixes of feeds, also read from folders: a file of these (or a named file of any
#: suffix) is a feed when its content says so (summarize.inputs.feeds).
FEED_SUFFIXES: frozenset[str] = frozenset({".xml", ".rss", ".atom", ".json"})
#: A ``.json`` file in a folder that is no feed is skipped quietly: folders of news often hold
#: JSON data or settings, which are no articles; a named one that is no feed is a failure.
QUIET_SUFFIXES: frozenset[str] = frozenset({".json"})

#: Suffixes of each format with a reader of its own; any other file is read as plain text.
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIX = ".jsonl"

LOOP = "symbolic link loop (the link leads back to itself)"


@dataclass(frozen=True)
class InputFile:
    """One file to read and the id its article gets when the content names none."""

    path: Path
    base_id: str
    #: The first sub-folder under the input folder it was found in (``world``); None for a
    #: file directly in it or named as an input.
    section: str | None = None
    #: Found in a folder walk rather than named as an input.
    in_folder: bool = False


def input_files(
    paths: Sequence[Path], skipped: frozenset[Path], failures: list[InputFailure]
) -> Iterator[InputFile]:
    """Yield the files to read, in order; folders are walked in sorted relative-path order."""
    for path in paths:
        found = _stat(path)
        if isinstance(found, str):
            failures.append(InputFailure(printable(path), found))
        elif stat.S_ISDIR(found.st_mode):
            yield from _folder_files(path, skipped, failures)
        elif stat.S_ISREG(found.st_mode):
            yield InputFile(path=path, base_id=printable(path.stem or path.name))
        else:
            failures.append(InputFailure(printable(path), not_regular(found.st_mode)))


def not_regular(mode: int) -> str:
    """Why a file of this ``mode`` is not read: ``not a regular file: a FIFO``."""
    if stat.S_ISFIFO(mode):
        kind = "a FIFO"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    else:
        kind = "neither a file nor a folder"
    return f"not a regular file: {kind}"


def _stat(path: Path) -> os.stat_result | str:
    """``os.stat`` of ``path`` through links, or why it cannot be had."""
    try:
        return os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            return LOOP
        if error.errno == errno.ENOENT and os.path.islink(path):
            return "broken symbolic link (its target does not exist)"
        return f"cannot read file ({error.strerror or error})"


@dataclass
class _Walk:
    """One folder walk: its root, what it found, and the folders already walked."""

    root: Path
    top: Path
    skipped: frozenset[Path]
    failures: list[InputFailure]
    found: list[tuple[str, Path]]
    visited: set[Path]

    def fail(self, path: Path, reason: str) -> None:
        self.failures.append(InputFailure(printable(path), reason))


def _folder_files(
    root: Path, skipped: frozenset[Path], failures: list[InputFailure]
) -> list[InputFile]:
    """Supported, non-hidden regular files under ``root`` outside the ``skipped`` folders
    (resolved paths), sorted by relative POSIX path."""
    top = resolved(root)
    walk = _Walk(root, top, skipped, failures, [], {top})
    _walk_folder(walk, root, "", (top,))
    walk.found.sort(key=lambda pair: pair[0])
    return [
        InputFile(
            path=path, base_id=printable(_strip_suffix(rel)), section=_section(rel), in_folder=True
        )
        for rel, path in walk.found
    ]


def _walk_folder(walk: _Walk, folder: Path, prefix: str, chain: tuple[Path, ...]) -> None:
    """Add the files under ``folder`` (real path ``chain[-1]``, inside ``chain``'s folders)."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        walk.fail(folder, f"cannot read folder ({error.strerror or error})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(folder, entry.name)
        supported = path.suffix.lower() in SUPPORTED_SUFFIXES | FEED_SUFFIXES
        try:
            link = entry.is_symlink()
            found = _stat(path) if link else entry.stat(follow_symlinks=False)
        except OSError as error:
            walk.fail(path, f"cannot read file ({error.strerror or error})")
            continue
        if isinstance(found, str):
            if supported:
                walk.fail(path, found)
            else:
                logger.debug("skipping %s: %s", path, found)
            continue
        folder_entry = stat.S_ISDIR(found.st_mode)
        if not (folder_entry or supported):
            logger.debug("skipping %s: unsupported file type", path)
            continue
        real = resolved(path) if link or folder_entry else path
        if link and not real.is_relative_to(walk.top):
            walk.fail(
                path,
                f"symbolic link to {printable(real)}, outside the input folder "
                f"{printable(walk.root)}; not followed (name it as an input to read it)",
            )
        elif folder_entry:
            _enter(walk, path, real, f"{prefix}{entry.name}/", chain)
        elif not stat.S_ISREG(found.st_mode):
            walk.fail(path, not_regular(found.st_mode))
        else:
            walk.found.append((f"{prefix}{entry.name}", path))


def _enter(walk: _Walk, path: Path, real: Path, prefix: str, chain: tuple[Path, ...]) -> None:
    """Walk the folder ``path`` unless it is excluded, a loop or walked already."""
    # An output folder inside the input folder holds last run's pages and results.jsonl:
    # read back, they would become articles.
    if real in walk.skipped:
        return
    if real in chain:
        walk.fail(path, f"symbolic link loop (leads back to the folder {printable(real)})")
    elif real in walk.visited:
        logger.debug("skipping %s: folder already read", path)
    else:
        walk.visited.add(real)
        _walk_folder(walk, path, prefix, (*chain, real))


def _section(relative: str) -> str | None:
    """The first sub-folder of ``relative`` (``world/a.txt`` -> ``world``), else None."""
    head, slash, _ = relative.partition("/")
    return printable(head) if slash and head else None


def _strip_suffix(relative: str) -> str:
    """``a/story.txt`` -> ``a/story`` (only the last suffix goes)."""
    head, _, name = relative.rpartition("/")
    stem = Path(name).stem or name
    return f"{head}/{stem}" if head else stem


def resolved(path: Path) -> Path:
    """Canonical path used to read each file once (never raises, even on a link loop)."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, ValueError):
        return path.absolute()
