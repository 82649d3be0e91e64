"""The stages of a run: pivot, summarise, translate, review."""

from __future__ import annotations

# Its modules that other packages import (the rest are internal to it).
__all__ = [
    "caching",
    "context",
    "loading",
    "plan",
    "preparation",
    "review",
    "stage",
    "summarizer",
    "translator",
    "work",
]
