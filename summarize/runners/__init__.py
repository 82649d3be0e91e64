"""What drives the stages: in this process, in several processes, on Ray."""

from __future__ import annotations

# Its modules, which the command line imports when it runs one (they import the stages).
__all__ = [
    "cluster",
    "distributed",
    "local",
    "transcripts",
]
