"""URL inputs: a feed's entries or a page's article; and the fetcher a run reads them with."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from summarize.core.cache import cache_folder
from summarize.core.records import Article, InputFailure
from summarize.inputs.drafts import Unreadable
from summarize.inputs.entries import read_feed
from summarize.inputs.feeds import FEED_SUFFIXES, sniff_feed
from summarize.inputs.pages import looks_like_html, page_draft
from summarize.web import Fetched, Fetcher, FetchFailed, PageFetcher

if TYPE_CHECKING:
    from summarize.core.config import RunConfig

logger = logging.getLogger(__name__)

#: Last path segments that name a feed (``/feed``, ``/rss``): fetched as feeds, not pages.
_FEED_NAMES = frozenset({"feed", "rss", "atom", "feeds", "rss.xml", "atom.xml", "index.xml"})


def read_url(
    url: str, fetcher: PageFetcher, *, max_entries: int
) -> tuple[list[Article], list[InputFailure]]:
    """The articles at ``url``: a feed's entries, or the one article of an HTML page.

    Anything else, and every fetch that fails, is a failure with the URL as its source.
    """
    try:
        fetched = fetcher.fetch(url, page=not _looks_like_feed(url))
        kind = sniff_feed(fetched.body)
        if kind is not None:
            return read_feed(
                fetched.body,
                kind,
                source=url,
                base_id=_url_id(fetched.final_url or url),
                base_url=fetched.final_url or url,
                fetcher=fetcher,
                max_entries=max_entries,
            )
        if not looks_like_html(fetched):
            what = fetched.content_type or "unknown"
            raise Unreadable(f"not a news feed or an HTML page (content type {what})")
        if _looks_like_feed(url):
            # Fetched as a feed, it is a page: ask again as one, so robots.txt has its say.
            fetched = fetcher.fetch(url, page=True)
        return [page_draft(fetched, _url_id(fetched.final_url or url), url)], []
    except (FetchFailed, Unreadable) as exc:
        return [], [InputFailure(url, str(exc))]
    except Exception as exc:  # as for a file: one bad feed or page must not stop the batch
        logger.debug("unexpected error reading %s", url, exc_info=True)
        return [], [InputFailure(url, f"could not read it ({type(exc).__name__}: {exc})")]


def _looks_like_feed(url: str) -> bool:
    name = PurePosixPath(urlsplit(url).path).name.lower()
    return name in _FEED_NAMES or PurePosixPath(name).suffix in FEED_SUFFIXES


def _url_id(url: str) -> str:
    """An article id from a URL: host and path (``example.com/news/story``)."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    return f"{parts.hostname or 'page'}/{path}" if path else parts.hostname or "page"


def make_fetcher(config: RunConfig) -> PageFetcher:
    """The real fetcher for a run: its conditional-request state in ``<cache>/web`` (none
    without a cache), responses no larger than ``--max-input-mb``."""
    from summarize.inputs.reader import BYTES_PER_MB  # reader imports this module

    state = None if config.no_cache else cache_folder(config) / "web"
    return Fetcher(state_folder=state, max_bytes=config.max_input_mb * BYTES_PER_MB)


class LazyFetcher:
    """A fetcher made on first use, so a run that fetches nothing never builds one; one that
    is a context manager (the real one, holding connections) is entered then, and left by
    :meth:`close`."""

    def __init__(self, make: Callable[[], PageFetcher]) -> None:
        self._make = make
        self._made: Any = None
        self._fetcher: PageFetcher | None = None

    def _get(self) -> PageFetcher:
        if self._fetcher is None:
            self._made = self._make()
            enter = getattr(self._made, "__enter__", None)
            self._fetcher = enter() if enter is not None else self._made
        return self._fetcher

    def fetch(self, url: str, *, page: bool = False) -> Fetched:
        return self._get().fetch(url, page=page)

    def fetch_all(
        self, urls: Sequence[str], *, page: bool = False
    ) -> Mapping[str, Fetched | FetchFailed]:
        return self._get().fetch_all(urls, page=page)

    def close(self) -> None:
        """Leave (or close) the fetcher if one was made."""
        made, self._made, self._fetcher = self._made, None, None
        if made is None:
            return
        leave = getattr(made, "__exit__", None)
        if leave is not None:
            leave(None, None, None)
        elif callable(getattr(made, "close", None)):
            made.close()
