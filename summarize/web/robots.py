"""robots.txt: read once per host per run, then asked for every article page there.

The conventions are RFC 9309's: a robots.txt that is missing (404 and the other 4xx) allows
everything; 401 and 403 disallow everything; a server error (5xx, after retries) disallows
everything until it answers; a host that cannot be reached at all allows everything (its pages
will fail on their own, with the reason). Rules are matched as RFC 9309 says (the longest
match wins, ``*`` and ``$`` wildcards) by protego, Scrapy's parser; the standard library's
``urllib.robotparser`` takes the first matching line and knows no wildcards, so
``Allow: /`` before ``Disallow: /private`` let every private page through.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from protego import Protego

from summarize.web.records import FetchFailed

logger = logging.getLogger(__name__)

#: RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt; the rest is ignored.
ROBOTS_MAX_BYTES = 500 * 1024


@dataclass(frozen=True)
class RobotsAnswer:
    """What a robots.txt fetch gave: the status (0: none reached us) and the body."""

    status: int
    body: bytes = b""
    reason: str = ""


@dataclass(frozen=True)
class _Rules:
    parser: Protego | None
    #: Why every page is refused (401/403, a server error), after "robots.txt of HOST";
    #: empty when the parser decides.
    refusal: str = ""


class RobotsRules:
    """The rules of each host, fetched through ``fetch_robots`` the first time a host is asked
    about; threads asking about one host at once wait for one fetch."""

    def __init__(self, token: str, fetch_robots: Callable[[str], RobotsAnswer]) -> None:
        self._token = token
        self._fetch_robots = fetch_robots
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, _Rules] = {}

    def check(self, url: httpx.URL) -> None:
        """Raise FetchFailed when the robots.txt of ``url``'s host keeps us from it."""
        origin = _origin(url)
        rules = self._rules_for(origin)
        host = _host_text(url)
        if rules.refusal:
            raise FetchFailed(f"robots.txt of {host} {rules.refusal}")
        if rules.parser is not None and not rules.parser.can_fetch(str(url), self._token):
            raise FetchFailed(f"robots.txt of {host} disallows it")

    def _rules_for(self, origin: str) -> _Rules:
        with self._lock:
            host_lock = self._host_locks.setdefault(origin, threading.Lock())
        with host_lock:
            rules = self._rules.get(origin)
            if rules is None:
                rules = self._read(origin)
                self._rules[origin] = rules
            return rules

    def _read(self, origin: str) -> _Rules:
        answer = self._fetch_robots(f"{origin}/robots.txt")
        logger.debug("robots.txt of %s: status %s %s", origin, answer.status, answer.reason)
        if answer.status == 0:
            return _Rules(None)  # unreachable: allow (the page fetch says what is wrong)
        if answer.status in (401, 403):
            return _Rules(None, f"answered HTTP {answer.status}: no page may be fetched")
        if 400 <= answer.status < 500:
            return _Rules(None)  # no robots.txt: everything is allowed
        if answer.status >= 500:
            return _Rules(
                None,
                f"could not be read ({answer.reason}); its pages are fetched once it answers",
            )
        return _Rules(Protego.parse(answer.body.decode("utf-8-sig", "replace")))  # BOM or not


def _origin(url: httpx.URL) -> str:
    """``scheme://host[:port]``: robots.txt rules apply to exactly this."""
    port = f":{url.port}" if url.port is not None else ""
    host = f"[{url.host}]" if ":" in url.host else url.host
    return f"{url.scheme}://{host}{port}"


def _host_text(url: httpx.URL) -> str:
    """The host as a user wrote it, with the port when one was given."""
    return url.netloc.decode("ascii", "replace").rpartition("@")[2]
