"""Feeds and web pages for the web-input tests: a fake fetcher, feeds built to order, pages.

The feed documents that stand for real publishers' feeds are files in ``tests/data/feeds/``;
the ones made here are those whose point is their shape (only teasers, 500 entries).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from summarize.web import Fetched, FetchFailed

if TYPE_CHECKING:
    from support.wire import Copy

#: The feed documents written for the tests.
FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"

#: About 60 words: long enough to summarise when its page cannot be had.
LONG_TEASER = (
    "Rescue teams reached the last of the villages cut off by the landslide on Sunday, after "
    "two days in which helicopters had dropped food and blankets to about six hundred people. "
    "Engineers said the mountain road would stay closed for at least a month while they "
    "stabilise the slope above it and rebuild the retaining wall that gave way."
)
#: A dozen words: too short to summarise on its own.
SHORT_TEASER = "The harbour festival drew record crowds despite the rain on Saturday."


class FakeFetcher:
    """A :class:`~summarize.web.records.PageFetcher` over a dict: URL -> what it gives.

    A URL it does not know fails as a server would answer it (HTTP 404). Every call is
    recorded, with whether it asked for a page.
    """

    def __init__(self, responses: Mapping[str, Fetched | FetchFailed]) -> None:
        self.responses = dict(responses)
        self.calls: list[tuple[str, bool]] = []

    def fetch(self, url: str, *, page: bool = False) -> Fetched:
        self.calls.append((url, page))
        found = self.responses.get(url, FetchFailed("HTTP 404 Not Found"))
        if isinstance(found, FetchFailed):
            raise found
        return found

    def fetch_all(
        self, urls: Sequence[str], *, page: bool = False
    ) -> Mapping[str, Fetched | FetchFailed]:
        results: dict[str, Fetched | FetchFailed] = {}
        for url in urls:
            try:
                results[url] = self.fetch(url, page=page)
            except FetchFailed as failed:
                results[url] = failed
        return results


def fetched(
    url: str,
    body: bytes | str,
    content_type: str | None = "text/html",
    charset: str | None = None,
    final_url: str | None = None,
) -> Fetched:
    """A response as the fetcher gives it (text bodies as UTF-8)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Fetched(url, final_url or url, data, content_type, charset)


def article_page(title: str, paragraphs: Sequence[str], *, site: str = "Coast Herald") -> str:
    """A news page as publishers serve them: chrome around one article."""
    body = "\n".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{escape(title)} | {escape(site)}</title>"
        f"<meta property='og:site_name' content='{escape(site)}'>"
        f"<meta property='og:title' content='{escape(title)}'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{escape(title)}</h1>{body}</article>"
        "<footer>Copyright Coast Herald</footer></body></html>"
    )


def rss(items: Sequence[Mapping[str, str]], *, title: str = "Coast Herald") -> str:
    """An RSS 2.0 feed of ``items`` (keys: title, link, guid, date, description, content)."""
    parts = []
    for item in items:
        fields = [f"<title>{escape(item['title'])}</title>"]
        if "link" in item:
            fields.append(f"<link>{escape(item['link'])}</link>")
        if "guid" in item:
            fields.append(f"<guid isPermaLink='false'>{escape(item['guid'])}</guid>")
        if "date" in item:
            fields.append(f"<pubDate>{item['date']}</pubDate>")
        if "description" in item:
            fields.append(f"<description>{escape(item['description'])}</description>")
        if "content" in item:
            fields.append(f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>")
        parts.append("<item>" + "".join(fields) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>https://herald.example.com/</link>"
        "<description>News</description>" + "".join(parts) + "</channel></rss>"
    )


def rfc822(days_ago: float) -> str:
    """An RSS date ``days_ago`` days before 2026-12-05 noon UTC."""
    return format_datetime(datetime(2026, 12, 5, 12, tzinfo=UTC) - timedelta(days=days_ago))


def long_feed(count: int) -> str:
    """An RSS feed of ``count`` full-text entries, oldest first (so capping must sort)."""
    body = (
        "<p>" + " ".join(["The council met again and discussed the harbour budget."] * 25) + "</p>"
    )
    return rss(
        [
            {
                "title": f"Council meeting number {n}",
                "link": f"https://herald.example.com/council/{n}",
                "date": rfc822(count - n),
                "content": body,
            }
            for n in range(1, count + 1)
        ]
    )


#: When rss_feed's and atom_feed's newest story was published.
NOW = datetime(2026, 12, 6, 6, 0, tzinfo=UTC)


def rss_feed(title: str, copies: Sequence[Copy]) -> str:
    """An RSS 2.0 feed of ``copies`` (newest first, an hour apart from NOW) whose items carry
    their whole text (content:encoded)."""
    items = "".join(
        f"<item><title>{escape(copy.title)}</title><link>{escape(copy.url)}</link>"
        f"<guid isPermaLink='true'>{escape(copy.url)}</guid>"
        f"<pubDate>{format_datetime(NOW - timedelta(hours=number))}</pubDate>"
        "<content:encoded><![CDATA["
        + "".join(f"<p>{escape(part)}</p>" for part in copy.text.split("\n\n"))
        + "]]></content:encoded></item>"
        for number, copy in enumerate(copies)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n<rss version='2.0' "
        "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
        f"<title>{escape(title)}</title><link>https://example.org/</link>"
        f"<description>News</description>{items}</channel></rss>"
    )


def atom_feed(title: str, copies: Sequence[Copy]) -> str:
    """An Atom feed of ``copies`` (as rss_feed) whose entries carry their whole text as HTML
    content."""
    entries = "".join(
        f"<entry><title>{escape(copy.title)}</title><link href='{escape(copy.url)}'/>"
        f"<id>{escape(copy.url)}</id>"
        f"<updated>{(NOW - timedelta(hours=number)).isoformat()}</updated>"
        "<author><name>Staff</name></author><content type='html'>"
        + escape("".join(f"<p>{escape(part)}</p>" for part in copy.text.split("\n\n")))
        + "</content></entry>"
        for number, copy in enumerate(copies)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?>\n<feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>{escape(title)}</title><id>urn:test:{escape(title)}</id>"
        f"<updated>{NOW.isoformat()}</updated>{entries}</feed>"
    )
