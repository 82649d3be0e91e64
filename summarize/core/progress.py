"""How stages report progress. The CLI supplies a progress bar; the library default is silent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Progress(Protocol):
    """A counter for one stage; ``grow`` raises the total when more work turns up."""

    def update(self, done: int) -> None: ...

    def grow(self, more: int) -> None: ...

    def close(self) -> None: ...


#: Starts progress for a stage: (description, expected total) -> Progress.
ProgressFactory = Callable[[str, int], Progress]


class SilentProgress:
    """Progress that reports nothing."""

    def update(self, done: int) -> None:
        """Ignore progress."""

    def grow(self, more: int) -> None:
        """Ignore more work."""

    def close(self) -> None:
        """Nothing to close."""


def silent_progress(description: str, total: int) -> Progress:
    """The default ProgressFactory: no output."""
    return SilentProgress()
