"""The command line: arguments, run, models, eval, check."""

from __future__ import annotations

# The entry point (``summarize`` and ``python -m summarize``).
__all__ = [
    "cli",
]
