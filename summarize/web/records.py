"""What a fetch gives back, and the interface the input readers fetch through."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Fetched:
    """One response body, bounded in size, after redirects."""

    #: The URL asked for.
    url: str
    #: Where the body came from after redirects (links in the page resolve against it).
    final_url: str
    body: bytes
    #: The media type, lowercased, without parameters (``application/rss+xml``); None if absent.
    content_type: str | None
    #: The ``charset`` parameter of Content-Type, when the server named one.
    charset: str | None
    #: The server answered 304 Not Modified and ``body`` is the copy kept from an earlier run.
    not_modified: bool = False


class FetchFailed(Exception):
    """A URL that gave no usable body; the message is the reason, in words a user can act on
    (``HTTP 404 Not Found``, ``timed out after 20 s``, ``larger than 10 MB``)."""


class PageFetcher(Protocol):
    """How the input readers fetch (the real one is :class:`summarize.web.client.Fetcher`;
    tests pass fakes)."""

    def fetch(self, url: str, *, page: bool = False) -> Fetched:
        """The body at ``url``; ``page``: an article page (robots.txt is honoured).

        Raises FetchFailed."""
        ...

    def fetch_all(
        self, urls: Sequence[str], *, page: bool = False
    ) -> Mapping[str, Fetched | FetchFailed]:
        """Every URL's body or failure, fetched concurrently within the per-host limit."""
        ...
