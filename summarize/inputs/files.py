"""Finding the files to read: supported suffixes, folders walked in a stable order."""

from __future__ import annotations

import logging
import os
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

#: Suffixes of each format with a reader of its own; any other file is read as plain text.
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIX = ".jsonl"


@dataclass(frozen=True)
class InputFile:
    """One file to read and the id its article gets when the content names none."""

    path: Path
    base_id: str


def input_files(
    paths: Sequence[Path], skipped: frozenset[Path], failures: list[InputFailure]
) -> Iterator[InputFile]:
    """Yield the files to read, in order; folders are walked in sorted relative-path order."""
    for path in paths:
        if path.is_dir():
            yield from _folder_files(path, skipped, failures)
        elif path.is_file():
            yield InputFile(path=path, base_id=printable(path.stem or path.name))
        else:
            failures.append(InputFailure(printable(path), "not a regular file or folder"))


def _folder_files(
    root: Path, skipped: frozenset[Path], failures: list[InputFailure]
) -> list[InputFile]:
    """Supported, non-hidden files under ``root`` outside the ``skipped`` folders (resolved
    paths), sorted by relative POSIX path."""

    def on_error(error: OSError) -> None:
        failures.append(
            InputFailure(printable(error.filename), f"cannot read folder ({error.strerror})")
        )

    found: list[tuple[str, Path]] = []
    for folder, dirnames, filenames in os.walk(root, onerror=on_error):
        # An output folder inside the input folder holds last run's pages and results.jsonl:
        # read back, they would become articles.
        dirnames[:] = [
            d
            for d in dirnames
            if not d.startswith(".") and resolved(Path(folder, d)) not in skipped
        ]
        for name in filenames:
            if name.startswith("."):
                continue
            path = Path(folder, name)
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                logger.debug("skipping %s: unsupported file type", path)
                continue
            found.append((path.relative_to(root).as_posix(), path))
    found.sort(key=lambda pair: pair[0])
    return [InputFile(path=path, base_id=printable(_strip_suffix(rel))) for rel, path in found]


def _strip_suffix(relative: str) -> str:
    """``a/story.txt`` -> ``a/story`` (only the last suffix goes)."""
    head, _, name = relative.rpartition("/")
    stem = Path(name).stem or name
    return f"{head}/{stem}" if head else stem


def resolved(path: Path) -> Path:
    """Canonical path used to read each file once."""
    try:
        return path.resolve()
    except OSError:
        return path.absolute()
