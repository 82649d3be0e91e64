"""What the processes of ``summarize run --processes N`` print, shown once.

The main process (rank 0) writes to the terminal as a single run does, so its progress bars
and messages appear live; it also keeps a copy of what it writes. The other processes' stderr
goes to files (torch's launcher redirects it). When the launch ends, the launcher prints the
lines the other processes wrote and the main process did not, each once, naming the processes
that wrote it: a message every process prints (a model that cannot load, a licence notice,
Ctrl-C) appears once, as in a single run; one process's own (its GPU failed, it crashed)
appears as ``summarize: process 2 of 4: ...``.

Nothing here imports torch: the CLI installs the copy before anything else runs.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

#: Set by the launcher in the main process's environment only: the file to copy stderr into.
COPY_VARIABLE = "SUMMARIZE_STDERR_COPY"

_TOOL_PREFIX = "summarize: "


class _Copying:
    """A text stream that writes to ``stream`` and to ``copy``; everything else is ``stream``'s
    (``isatty``, ``fileno``, ``encoding``), so progress bars still see the terminal."""

    def __init__(self, stream: TextIO, copy: TextIO) -> None:
        self._stream = stream
        self._copy = copy

    def write(self, text: str) -> int:
        written = self._stream.write(text)
        # A full disk or a closed copy must not stop the run: at worst a line shows twice.
        with contextlib.suppress(OSError, ValueError):
            self._copy.write(text)
        return written

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()
        with contextlib.suppress(OSError, ValueError):
            self._copy.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def copy_stderr_if_asked() -> None:
    """In the main process of ``--processes``: keep a copy of everything written to stderr.

    Called first thing, before logging handlers take hold of ``sys.stderr``. The variable is
    removed so that processes this one starts do not write to the copy.
    """
    path = os.environ.pop(COPY_VARIABLE, None)
    if not path:
        return
    # Line-buffered: a process stopped by the launcher leaves every whole line it printed.
    copy = open(path, "a", encoding="utf-8", errors="replace", buffering=1)  # noqa: SIM115
    sys.stderr = _Copying(sys.stderr, copy)


def _lines(path: Path | str | None) -> list[str]:
    """The non-blank lines of a file (none if it was never written)."""
    if path is None:
        return []
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def unseen_lines(main: Path | str | None, others: Mapping[int, Path | str]) -> dict[str, list[int]]:
    """Each line the other processes (keyed by rank) wrote and the main one did not, with the
    ranks that wrote it, in the order first written (by rank, then line)."""
    seen = set(_lines(main))
    unseen: dict[str, list[int]] = {}
    for rank in sorted(others):
        for line in _lines(others[rank]):
            if line not in seen:
                ranks = unseen.setdefault(line, [])
                if rank not in ranks:
                    ranks.append(rank)
    return unseen


def format_unseen(unseen: Mapping[str, list[int]], count: int) -> list[str]:
    """The lines to print, each naming the processes (counted from 1) that wrote it."""
    formatted = []
    for line, ranks in unseen.items():
        numbers = ", ".join(str(rank + 1) for rank in ranks)
        who = f"process{'es' if len(ranks) > 1 else ''} {numbers} of {count}"
        text = line.removeprefix(_TOOL_PREFIX)
        formatted.append(f"{_TOOL_PREFIX}{who}: {text}")
    return formatted
