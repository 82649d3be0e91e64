"""What every layer shares: records, errors, files, languages, configuration, the cache."""

from __future__ import annotations

# Its modules that other packages import (the rest are internal to it).
__all__ = [
    "cache",
    "config",
    "conversion",
    "errors",
    "files",
    "languages",
    "options",
    "progress",
    "records",
    "tables",
    "urls",
]
