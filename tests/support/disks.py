"""A small disk for tests of what a full disk does: a tmpfs mounted on a folder (Linux, root)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

#: tmpfs hands out space in pages: sizes are rounded up to a whole number of them.
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class SmallDisk:
    """A tmpfs mounted at ``path``; its size can be changed while files are on it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def used(self) -> int:
        """Bytes in use on the disk."""
        stats = os.statvfs(self.path)
        return (stats.f_blocks - stats.f_bfree) * stats.f_frsize

    def resize(self, size: int) -> None:
        """Make the disk ``size`` bytes (rounded up to whole pages; not below what is used)."""
        pages = -(-size // PAGE)
        _mount(["-o", f"remount,size={pages * PAGE}", str(self.path)])

    def leave_free(self, free: int) -> None:
        """Shrink (or grow) the disk so that ``free`` bytes are left on it."""
        self.resize(self.used() + free)


@contextmanager
def mounted_tmpfs(path: Path, size: int) -> Iterator[SmallDisk]:
    """Mount a tmpfs of ``size`` bytes on ``path`` (made if needed) for the block; skip the
    test, saying why, where it cannot be mounted (not Linux, not root, no mount(8))."""
    if not sys.platform.startswith("linux"):
        pytest.skip(f"cannot mount a tmpfs on {sys.platform}")
    path.mkdir(parents=True, exist_ok=True)
    pages = -(-size // PAGE)
    try:
        _mount(["-t", "tmpfs", "-o", f"size={pages * PAGE},mode=0755", "tmpfs", str(path)])
    except (OSError, subprocess.CalledProcessError) as error:
        reason = getattr(error, "stderr", None) or error
        pytest.skip(f"cannot mount a tmpfs (needs root): {str(reason).strip()}")
    try:
        yield SmallDisk(path)
    finally:
        # Lazily, should a process of the test still hold a file open there.
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def _mount(arguments: list[str]) -> None:
    subprocess.run(["mount", *arguments], capture_output=True, text=True, check=True)
