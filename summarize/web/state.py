"""What a conditional request needs from the last run: a URL's validators and its last body.

One JSON file per URL in the state folder, named by a hash of the URL (so no URL, however
hostile, becomes a path), replaced atomically. A file that cannot be read or does not match
is ignored: the URL is then fetched in full, never a crash.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from summarize.core.errors import SummarizeError
from summarize.core.files import write_atomic

logger = logging.getLogger(__name__)

#: Bumped when the file layout changes; files of another version are ignored.
_FORMAT = 1


@dataclass(frozen=True)
class Kept:
    """The last full answer for one URL, and the validators to ask whether it changed."""

    url: str
    final_url: str
    body: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None

    def conditions(self) -> dict[str, str]:
        """Request headers asking the server to answer 304 when the body is unchanged."""
        headers = {}
        if sendable(self.etag):
            headers["If-None-Match"] = self.etag
        if sendable(self.last_modified):
            headers["If-Modified-Since"] = self.last_modified
        return headers


def sendable(value: str | None) -> bool:
    """Whether a validator can go back in a request header: printable ASCII only. A server may
    send ``ETag: "café"``; httpx reads it, but refuses to send it (UnicodeEncodeError), and a
    state file holding one would stop every later run."""
    return bool(value) and value.isascii() and value.isprintable()


class StateFolder:
    """Kept answers under ``folder``, one file per URL."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path(self, url: str) -> Path:
        """The file for ``url``: a hash, so any URL is a safe, fixed-length file name."""
        digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:40]
        return self.folder / f"{digest}.json"

    def load(self, url: str) -> Kept | None:
        """The kept answer for ``url``; None when there is none or it cannot be trusted."""
        path = self.path(url)
        try:
            data = json.loads(path.read_bytes())
            if data.get("format") != _FORMAT or data.get("url") != url:
                return None  # another layout, or (vanishingly unlikely) a hash collision
            kept = Kept(
                url=url,
                final_url=_text(data["final_url"]),
                body=base64.b64decode(data["body"], validate=True),
                content_type=_optional_text(data.get("content_type")),
                charset=_optional_text(data.get("charset")),
                etag=_optional_text(data.get("etag")),
                last_modified=_optional_text(data.get("last_modified")),
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError, binascii.Error) as error:
            logger.debug("ignoring the web state file %s (%s)", path, error)
            return None
        return kept if kept.etag or kept.last_modified else None

    def save(self, kept: Kept) -> None:
        """Keep ``kept`` for the next run; a disk that refuses is logged, not raised (the body
        in hand is good, and the next run only fetches it in full)."""
        data = {
            "format": _FORMAT,
            "url": kept.url,
            "final_url": kept.final_url,
            "content_type": kept.content_type,
            "charset": kept.charset,
            "etag": kept.etag,
            "last_modified": kept.last_modified,
            # base64 keeps the file valid JSON (and UTF-8) whatever bytes the body holds.
            "body": base64.b64encode(kept.body).decode("ascii"),
        }
        path = self.path(kept.url)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(data, ensure_ascii=True))
        except (OSError, SummarizeError) as error:
            logger.warning("could not keep the web state file %s (%s)", path, error)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, not {type(value).__name__}")
    return value


def _optional_text(value: object) -> str | None:
    return None if value is None else _text(value)
