"""The real :class:`~summarize.web.records.PageFetcher`: polite, bounded HTTP over httpx.

Every URL gets at most ``retries`` tries within ``total_timeout_s``; a body is cut at
``max_bytes`` (decoded bytes, so a gzip bomb is bounded too); redirects are followed by hand,
so a loop, too many hops or a hop to another scheme fail with that reason; article pages
(``page=True``) honour robots.txt; with a state folder, a URL fetched before is asked for with
its ETag / Last-Modified and a 304 gives the kept body back. Whatever goes wrong comes out as
a :class:`FetchFailed` whose message is the reason.
"""

from __future__ import annotations

import importlib.metadata
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx

from summarize.core.urls import private_host
from summarize.web.bodies import ACCEPT_ENCODING, parse_content_type, read_bounded, too_large
from summarize.web.failures import (
    TryFailed,
    after_tries,
    status_failure,
    status_text,
    transport_failure,
)
from summarize.web.records import Fetched, FetchFailed
from summarize.web.robots import ROBOTS_MAX_BYTES, RobotsAnswer, RobotsRules
from summarize.web.state import Kept, StateFolder, sendable

logger = logging.getLogger(__name__)

#: The product token robots.txt rules name us by, and the first word of our User-Agent.
ROBOTS_TOKEN = "summarize"
#: Answers worth another try (after a wait): rate limits and passing server trouble.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_SCHEMES = ("http", "https")
#: How often one URL may come back in one redirect chain: once is a cookie being set and the
#: page asked for again; twice is a loop.
_MAX_VISITS = 2


def default_user_agent() -> str:
    """``summarize/<version>``, with the project's address when the installed metadata has one."""
    try:
        metadata = importlib.metadata.metadata("summarize")
        version = metadata["Version"] or "unknown"
        urls = metadata.get_all("Project-URL") or []
    except importlib.metadata.PackageNotFoundError:  # run from a source tree
        version, urls = "unknown", []
    home = next((u.partition(",")[2].strip() for u in urls if u.partition(",")[2].strip()), "")
    return f"{ROBOTS_TOKEN}/{version}" + (f" (+{home})" if home else "")


@dataclass(frozen=True)
class _Answer:
    """One HTTP response: its status and headers, and the body of a 2xx."""

    status: int
    headers: httpx.Headers
    body: bytes = b""


class _Clock:
    """The total deadline of one URL: it starts when its first request does, not while the
    URL waits its turn behind others to the same host."""

    def __init__(self, total_s: float) -> None:
        self.total_s = total_s
        self.deadline: float | None = None

    def start(self) -> None:
        if self.deadline is None:
            self.deadline = time.monotonic() + self.total_s

    def remaining(self) -> float:
        return self.total_s if self.deadline is None else self.deadline - time.monotonic()


class Fetcher:
    """Fetches URLs for the web inputs; use it as a context manager (it holds connections).

    Keyword-only settings:

    - ``state_folder``: where conditional-request state is kept (one file per URL: its ETag,
      Last-Modified and last body); None keeps nothing and always fetches in full.
    - ``user_agent``: the User-Agent header; default ``summarize/<version>``. robots.txt
      rules are matched against the token ``summarize`` whatever it says.
    - ``per_host``: requests at once to one host (``fetch_all`` and concurrent callers alike).
    - ``timeout_s``: seconds to connect, and between two pieces of an answer.
    - ``total_timeout_s``: seconds for a URL from its first request to its body, tries,
      waits and redirects included.
    - ``max_bytes``: the largest body taken (decoded); a bigger one fails.
    - ``retries``: how many tries in all a URL gets when the failure may pass (HTTP 429, 500,
      502, 503, 504, a timeout, a failed connection); 1 tries once. Other 4xx fail at once.
    - ``backoff_s``: the wait before the second try; it doubles for each try after that, and
      a longer ``Retry-After`` from the server is honoured (never past the total deadline).
    - ``robots``: honour robots.txt for article pages (``page=True``).
    - ``max_redirects``: redirects followed per URL.
    - ``workers``: threads of ``fetch_all``.
    """

    def __init__(
        self,
        *,
        state_folder: Path | None,
        user_agent: str | None = None,
        per_host: int = 2,
        timeout_s: float = 20.0,
        total_timeout_s: float = 60.0,
        max_bytes: int = 10_000_000,
        retries: int = 3,
        backoff_s: float = 1.0,
        robots: bool = True,
        max_redirects: int = 5,
        workers: int = 8,
    ) -> None:
        for name, value in (("per_host", per_host), ("retries", retries), ("workers", workers)):
            if value < 1:
                raise ValueError(f"{name} must be at least 1, not {value}")
        if min(timeout_s, total_timeout_s, max_bytes) <= 0 or min(backoff_s, max_redirects) < 0:
            raise ValueError(
                "timeouts and max_bytes must be positive; backoff_s and max_redirects not negative"
            )
        self.user_agent = user_agent or default_user_agent()
        self.per_host = per_host
        self.timeout_s = timeout_s
        self.total_timeout_s = total_timeout_s
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_redirects = max_redirects
        self.workers = workers
        self._state = StateFolder(state_folder) if state_folder is not None else None
        self._robots = RobotsRules(ROBOTS_TOKEN, self._fetch_robots) if robots else None
        self._slots_lock = threading.Lock()
        self._slots: dict[tuple[str, int | None], threading.Semaphore] = {}
        # Accept-Encoding names only what bodies.read_bounded decodes within the limit
        # (httpx would also offer br and zstd when those packages are installed).
        self._client = httpx.Client(
            headers={"User-Agent": self.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=False,
            timeout=httpx.Timeout(timeout_s),
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections kept open for reuse."""
        self._client.close()

    def fetch(self, url: str, *, page: bool = False) -> Fetched:
        """The body at ``url``; ``page``: an article page (robots.txt is honoured).

        Raises FetchFailed, whose message is the reason in a user's words."""
        try:
            return self._fetch(url, page)
        except TryFailed as failure:  # a plain FetchFailed pickles (process runners)
            raise FetchFailed(failure.reason) from None

    def _fetch(self, url: str, page: bool) -> Fetched:
        start = _parse_url(url)
        kept = self._state.load(url) if self._state is not None else None
        answer, final = self._follow(start, page=page, headers=kept.conditions() if kept else {})
        if answer.status == 304 and kept is None:
            # We asked nothing conditional, yet a cache on the way says "unchanged": ask again,
            # telling caches to check with the server.
            logger.debug("%s: 304 with no kept copy; fetching again in full", url)
            answer, final = self._follow(start, page=page, headers={"Cache-Control": "no-cache"})
            if answer.status == 304:
                raise FetchFailed("HTTP 304 Not Modified, but no earlier copy is kept")
        if answer.status == 304 and kept is not None:
            logger.debug("%s: not modified; using the kept copy", url)
            return Fetched(
                url=url,
                final_url=kept.final_url,
                body=kept.body,
                content_type=kept.content_type,
                charset=kept.charset,
                not_modified=True,
            )
        content_type, charset = parse_content_type(answer.headers.get("content-type"))
        fetched = Fetched(
            url=url,
            final_url=str(final),
            body=answer.body,
            content_type=content_type,
            charset=charset,
        )
        self._keep(fetched, answer)
        return fetched

    def fetch_all(
        self, urls: Sequence[str], *, page: bool = False
    ) -> Mapping[str, Fetched | FetchFailed]:
        """Every URL's body or failure (keyed by the URL as given), fetched by a few threads,
        never more than ``per_host`` at once to one host."""
        unique = list(dict.fromkeys(urls))
        if not unique:
            return {}
        results: dict[str, Fetched | FetchFailed] = {}
        with ThreadPoolExecutor(
            max_workers=min(self.workers, len(unique)), thread_name_prefix="summarize-fetch"
        ) as pool:
            futures = {
                url: pool.submit(self._fetch_or_failure, url, page)
                for url in _interleaved_by_host(unique)
            }
            for url in unique:
                results[url] = futures[url].result()
        return results

    def _fetch_or_failure(self, url: str, page: bool) -> Fetched | FetchFailed:
        try:
            return self.fetch(url, page=page)
        except FetchFailed as failure:
            return FetchFailed(str(failure))
        except Exception as error:  # a bug: one URL's, not the whole batch's
            logger.exception("fetching %s failed unexpectedly", url)
            return FetchFailed(f"unexpected error ({type(error).__name__}: {error})")

    def _keep(self, fetched: Fetched, answer: _Answer) -> None:
        """Keep a full 200 answer that carries a validator, for the next run's conditions."""
        etag = answer.headers.get("etag")
        last_modified = answer.headers.get("last-modified")
        etag = etag if sendable(etag) else None
        last_modified = last_modified if sendable(last_modified) else None
        if self._state is None or answer.status != 200 or not (etag or last_modified):
            return
        self._state.save(
            Kept(
                url=fetched.url,
                final_url=fetched.final_url,
                body=fetched.body,
                content_type=fetched.content_type,
                charset=fetched.charset,
                etag=etag,
                last_modified=last_modified,
            )
        )

    def _fetch_robots(self, url: str) -> RobotsAnswer:
        """robots.txt at ``url``, as RobotsRules wants it (status 0: it could not be reached)."""
        try:
            answer, _ = self._follow(
                _parse_url(url), page=False, headers={}, limit=ROBOTS_MAX_BYTES, truncate=True
            )
        except TryFailed as failure:
            return RobotsAnswer(failure.status, reason=failure.reason)
        except FetchFailed as failure:
            return RobotsAnswer(0, reason=str(failure))
        return RobotsAnswer(answer.status, answer.body)

    def _follow(
        self,
        url: httpx.URL,
        *,
        page: bool,
        headers: Mapping[str, str],
        limit: int | None = None,
        truncate: bool = False,
    ) -> tuple[_Answer, httpx.URL]:
        """The answer at the end of ``url``'s redirects (2xx or 304) and where that was; tries
        again as the settings say. Raises FetchFailed (a TryFailed when there was a status)."""
        clock = _Clock(self.total_timeout_s)
        visits: dict[str, int] = {}
        tries = 0
        redirects = 0
        while True:
            if page and self._robots is not None:
                self._robots.check(url)
            try:
                answer = self._request(url, headers, clock, limit or self.max_bytes, truncate)
                if answer.status in RETRY_STATUSES:
                    raise status_failure(answer.status, answer.headers, retry=True)
            except TryFailed as failure:
                tries += 1
                self._wait_before_retry(failure, tries, clock)
                continue
            if answer.status in _REDIRECT_STATUSES:
                redirects += 1
                url = self._redirect_target(url, answer, redirects, visits)
                continue
            if 200 <= answer.status < 300 or answer.status == 304:
                return answer, url
            raise status_failure(answer.status, answer.headers, retry=False)

    def _wait_before_retry(self, failure: TryFailed, tries: int, clock: _Clock) -> None:
        """Sleep before the next try, or raise the failure when no try is left in time."""
        if not failure.retry or tries >= self.retries:
            raise TryFailed(after_tries(failure, tries), retry=False, status=failure.status)
        wait = self.backoff_s * 2 ** (tries - 1)
        if failure.retry_after is not None:
            wait = max(wait, failure.retry_after)
        if wait >= clock.remaining():
            reason = after_tries(failure, tries)
            if failure.retry_after is not None and failure.retry_after >= clock.remaining():
                reason += f"; the server asks to wait {failure.retry_after:.0f} s"
            raise TryFailed(reason, retry=False, status=failure.status)
        logger.debug("%s; trying again in %.2f s", failure.reason, wait)
        time.sleep(wait)

    def _redirect_target(
        self, url: httpx.URL, answer: _Answer, redirects: int, visits: dict[str, int]
    ) -> httpx.URL:
        location = answer.headers.get("location")
        if not location:
            raise FetchFailed(f"{status_text(answer.status)} without a Location to go to")
        try:
            target = url.join(location.strip()).copy_with(fragment=None)
        except (httpx.InvalidURL, ValueError, TypeError):
            raise FetchFailed("redirected to an invalid URL") from None
        if target.scheme not in _SCHEMES:
            raise FetchFailed(f"redirected to a URL that is not http(s) ({target.scheme}:)")
        # A public page that sends us to this machine or its network (a router, a cloud's
        # metadata service) would have us read and publish what is there.
        if private_host(target.host) and not private_host(url.host):
            raise FetchFailed(f"redirected to a private network address ({target.host})")
        visits[str(url)] = visits.get(str(url), 0) + 1
        if visits.get(str(target), 0) >= _MAX_VISITS:
            raise FetchFailed(f"redirect loop (back to {target} again)")
        if redirects > self.max_redirects:
            raise FetchFailed(f"more than {self.max_redirects} redirects")
        logger.debug("%s redirects to %s", url, target)
        return target

    def _request(
        self,
        url: httpx.URL,
        headers: Mapping[str, str],
        clock: _Clock,
        limit: int,
        truncate: bool,
    ) -> _Answer:
        """One GET within the host's slots; a 2xx body read within ``limit``."""
        with self._slot(url):
            clock.start()
            remaining = clock.remaining()
            if remaining <= 0:
                raise TryFailed(self._deadline_passed(), retry=False)
            timeout_s = min(self.timeout_s, remaining)
            # Cut short by the total deadline, a timeout is that deadline's.
            limit_s = self.timeout_s if timeout_s == self.timeout_s else self.total_timeout_s
            timed_out = f"timed out after {limit_s:g} s"
            logger.debug("GET %s", url)
            try:
                with self._client.stream(
                    "GET", url, headers=dict(headers), timeout=httpx.Timeout(timeout_s)
                ) as response:
                    body = b""
                    if 200 <= response.status_code < 300:
                        body = self._read(response, limit, truncate, clock)
                    else:
                        _drain_small(response)
                    logger.debug("%s: %s, %d bytes", url, response.status_code, len(body))
                    return _Answer(response.status_code, response.headers, body)
            except httpx.TimeoutException:
                raise TryFailed(timed_out, retry=True) from None
            except httpx.TransportError as error:
                raise transport_failure(url, error) from None
            except httpx.InvalidURL:
                # ``url`` was checked; httpx also parses a redirect's Location as it answers.
                raise FetchFailed("redirected to an invalid URL") from None

    def _read(self, response: httpx.Response, limit: int, truncate: bool, clock: _Clock) -> bytes:
        length = response.headers.get("content-length", "")
        if not truncate and length.strip().isdigit() and int(length) > limit:
            raise too_large(limit)  # said up front: nothing read
        return read_bounded(
            response.iter_raw(),
            content_encoding=response.headers.get("content-encoding", ""),
            limit=limit,
            truncate=truncate,
            deadline=clock.deadline,
            on_deadline=lambda: TryFailed(self._deadline_passed(), retry=False),
        )

    def _deadline_passed(self) -> str:
        """The reason of a URL that ran out of its total time."""
        return f"timed out after {self.total_timeout_s:g} s"

    def _slot(self, url: httpx.URL) -> threading.Semaphore:
        """The semaphore that keeps requests to ``url``'s host within ``per_host``."""
        key = (url.host, url.port)
        with self._slots_lock:
            slot = self._slots.get(key)
            if slot is None:
                slot = self._slots[key] = threading.Semaphore(self.per_host)
            return slot


#: The largest body of a redirect or error read only so that its connection can be reused.
_DRAIN_BYTES = 64 * 1024


def _drain_small(response: httpx.Response) -> None:
    """Read the (unused) body of a redirect or an error when it says it is small: httpx keeps a
    connection for the next request only once its answer was read to the end."""
    length = response.headers.get("content-length", "").strip()
    if length.isdigit() and int(length) <= _DRAIN_BYTES:
        for _ in response.iter_raw():
            pass


def _parse_url(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise FetchFailed("not a valid URL") from None
    if parsed.scheme not in _SCHEMES or not parsed.host:
        raise FetchFailed("not an http(s) URL")
    return parsed.copy_with(fragment=None)


def _interleaved_by_host(urls: list[str]) -> list[str]:
    """``urls`` taking each host in turn, so busy hosts do not hold every thread waiting."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        try:
            host = httpx.URL(url).host
        except (httpx.InvalidURL, ValueError, TypeError):
            host = ""
        by_host.setdefault(host, []).append(url)
    queues = list(by_host.values())
    order = []
    for index in range(max(len(q) for q in queues)):
        order.extend(q[index] for q in queues if index < len(q))
    return order
