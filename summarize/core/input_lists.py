"""``--inputs-from FILE``: a list of inputs, one a line, added to those on the command line."""

from __future__ import annotations

from pathlib import Path

from summarize.core.errors import ConfigError
from summarize.core.kinds import relative_input

#: A list longer than this (bytes) is no list of inputs: refused before it fills memory.
_LIST_MAX_BYTES = 10_000_000


def read_input_list(path: Path) -> tuple[str, ...]:
    """The inputs ``path`` lists: paths relative to its folder, URLs and ``-`` as written;
    blank lines and ``#`` comments are skipped. Raises ConfigError naming the fix."""
    flag = f"--inputs-from {path}"
    try:
        with path.open("rb") as handle:
            data = handle.read(_LIST_MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{flag}: the file does not exist; check the path") from None
    except IsADirectoryError:
        raise ConfigError(
            f"{flag}: is a folder; pass the folder as an input, or a text file listing inputs"
        ) from None
    except OSError as error:
        raise ConfigError(f"{flag}: cannot read it ({error.strerror or error})") from None
    if len(data) > _LIST_MAX_BYTES:
        raise ConfigError(f"{flag}: larger than 10 MB; that is no list of inputs")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{flag}: not UTF-8 text; save it as UTF-8") from None
    lines = (line.strip() for line in text.splitlines())
    listed = tuple(
        relative_input(path.parent, line) for line in lines if line and not line.startswith("#")
    )
    if not listed:
        raise ConfigError(f"{flag}: lists no input (only blank lines or # comments)")
    return listed
