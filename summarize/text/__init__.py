"""Plain-text analysis: sentences and language detection."""

from __future__ import annotations

# Its modules that other packages import (the rest are internal to it).
__all__ = [
    "detection",
    "sentences",
]
