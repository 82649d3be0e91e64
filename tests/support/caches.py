"""Reading a run's work cache from the outside, while the run may still be writing it."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any


def cache_entries(cache: Path, field: str) -> dict[Path, Any]:
    """The cache's entries that hold ``field``: file -> that field's value.

    Summaries hold ``chunks``, translations ``sentences``, every unit of work ``text``
    (detected languages do not). An entry being replaced right now is skipped.
    """
    found = {}
    for entry in cache.rglob("*.json"):
        with contextlib.suppress(OSError, ValueError):
            value = json.loads(entry.read_text("utf-8"))
            if field in value:
                found[entry] = value[field]
    return found
