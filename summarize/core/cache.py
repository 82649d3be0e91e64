"""A store of finished units of work, so an interrupted run resumes where it stopped.

A unit is one article's summary or one summary's translation into one language. Each is
stored as its own small JSON file the moment it exists, under a key that hashes everything
that changes the output (input text, model, revision, generation settings, target language).
Files are written to a temporary name and renamed, so a crash at any moment leaves either the
whole file or none: a later run never trusts a half-written result.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarize.core.errors import write_failure
from summarize.core.files import write_atomic

if TYPE_CHECKING:
    from summarize.core.config import RunConfig

logger = logging.getLogger(__name__)

#: Bump when the meaning of cached values changes, to invalidate every older entry. 2: decoding
#: settings read from wherever the checkpoint keeps them (config.json, task entries, prefix).
CACHE_FORMAT = 2


def unit_key(stage: str, **fields: Any) -> str:
    """A stable key for one unit of work: a hash of the stage and every field, order-free."""
    payload = json.dumps(
        {"format": CACHE_FORMAT, "stage": stage, **fields},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class WorkCache:
    """JSON values by key, one file each, in ``directory`` (None: a cache that keeps nothing)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def get(self, key: str, shape: Mapping[str, type] | None = None) -> dict[str, Any] | None:
        """The value stored under ``key``, or None when absent, unreadable or not of ``shape``.

        ``shape`` maps each field the caller reads to its type: an entry edited by hand or
        written by an older version is computed again rather than trusted (or crashing the run).
        """
        if self.directory is None:
            return None
        path = self._path(key)
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            logger.warning("ignoring unreadable cache entry %s (%s)", path, error)
            return None
        if not isinstance(value, dict) or value.get("key") != key:
            return None
        wrong = [name for name, kind in (shape or {}).items() if not _is(value.get(name), kind)]
        if wrong:
            logger.warning(
                "ignoring cache entry %s: %s missing or of the wrong type; computing it again",
                path,
                ", ".join(wrong),
            )
            return None
        return value

    def put(self, key: str, value: Mapping[str, Any]) -> None:
        """Store ``value`` under ``key``; atomic, so a crash never leaves a half-written entry."""
        if self.directory is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # a full disk ends the run as one clear line (exit 4)
            failure = write_failure(error, path.parent)
            if failure is None:
                raise
            raise failure from error
        write_atomic(path, json.dumps({**value, "key": key}, ensure_ascii=False))

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.json"


def _is(value: Any, kind: type) -> bool:
    """``isinstance``, except that JSON's true and false are not numbers."""
    return isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)


def cache_folder(config: RunConfig) -> Path:
    """Where finished units of work are kept: ``--cache-dir``, else ``OUTPUT/.cache``."""
    return config.cache_dir or config.output / ".cache"
