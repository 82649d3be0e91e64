"""News feeds: telling one by its first bytes, and parsing RSS, Atom and JSON Feed into entries.

RSS 0.9x/1.0/2.0 and Atom are parsed by feedparser (which honours the encoding the XML prolog
declares, and recovers what it can of a malformed feed); JSON Feed 1.0/1.1 with :mod:`json`
(feedparser 6 does not read it). Entries become articles in :mod:`summarize.inputs.entries`.
"""

from __future__ import annotations

import calendar
import datetime
import io
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin

from summarize.core.urls import safe_href
from summarize.inputs.cleanup import clean, clean_line, paragraphs
from summarize.inputs.drafts import Unreadable, without_bidi
from summarize.inputs.files import FEED_SUFFIXES
from summarize.inputs.html import html_text

logger = logging.getLogger(__name__)

__all__ = ["FEED_SUFFIXES", "NOT_A_FEED", "Feed", "FeedEntry", "parse_feed", "sniff_feed"]

#: What a file or body with a feed suffix or URL that is no feed fails with.
NOT_A_FEED = "not a news feed (RSS, Atom or JSON Feed)"

FeedFormat = Literal["rss", "atom", "rdf", "json"]

#: Bytes looked at to tell a feed (the prolog, comments and a doctype come before the root).
_SNIFF_BYTES = 4096
#: The root element after an optional prolog, comments and doctype.
_XML_ROOT = re.compile(
    r"^\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<([A-Za-z_][\w.:-]*)([^>]*)",
    re.DOTALL,
)
_ATOM_NAMESPACES = ("http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#")
#: JSON Feed's version URL, also with JSON's escaped slashes (``https:\/\/jsonfeed.org``).
_JSON_FEED_VERSION = re.compile(
    r'"version"\s*:\s*"https?:(?:\\?/){2}jsonfeed\.org(?:\\?/)version(?:\\?/)1(?:\.\d+)?"'
)
#: feedparser's complaints that are no fault of the feed: it was handed bytes, not a response.
_HARMLESS_BOZO = frozenset({"NonXMLContentType", "CharacterEncodingOverride"})


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, its fields as one clean line each (``html`` and ``text`` aside)."""

    #: Its position in the feed, from 1.
    number: int
    title: str | None
    #: Absolute http(s) link to the article's page; None when absent or of another scheme.
    link: str | None
    #: ISO 8601 (``published``, else ``updated``); None when the entry has no date.
    published: str | None
    author: str | None
    #: RSS ``guid``, Atom ``id``, JSON Feed ``id``.
    guid: str | None
    #: The entry's own ``source`` element's title, else the feed's title.
    source_name: str | None
    #: The entry's body as plain text: its full content (``content:encoded``, Atom content,
    #: JSON Feed ``content_html``/``content_text``), else its summary or teaser; may be ''.
    body: str


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title, its entries in feed order, and what was wrong with it."""

    title: str | None
    entries: tuple[FeedEntry, ...]
    warnings: tuple[str, ...] = ()


def sniff_feed(data: bytes) -> FeedFormat | None:
    """Which feed format ``data`` starts like (RSS, Atom, RSS 1.0 RDF, JSON Feed), else None."""
    head = _head_text(data)
    stripped = head.lstrip()
    if stripped.startswith("{"):
        # "version" may come after a long "items": look through the whole (bounded) body.
        whole = head if len(data) <= _SNIFF_BYTES else _head_text(data, len(data))
        return "json" if _JSON_FEED_VERSION.search(whole) else None
    match = _XML_ROOT.match(head)
    if match is None:
        return None
    name, attributes = match.group(1), match.group(2)
    local = name.rpartition(":")[2]
    if local == "rss":
        return "rss"
    if local == "RDF" and name.startswith("rdf:"):
        return "rdf"
    if local == "feed" and any(namespace in attributes for namespace in _ATOM_NAMESPACES):
        return "atom"
    return None


def _head_text(data: bytes, size: int = _SNIFF_BYTES) -> str:
    """The first ``size`` bytes as text for sniffing (markup is ASCII in any 8-bit encoding)."""
    head = data[:size]
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="ignore")
    return head.decode("latin-1")


def parse_feed(data: bytes, kind: FeedFormat, base_url: str | None = None) -> Feed:
    """The feed in ``data`` (sniffed as ``kind``); relative links resolve against ``base_url``
    (the feed's own URL) or the feed's ``xml:base``. Raises Unreadable when no entry can be had.
    """
    if kind == "json":
        return _parse_json_feed(data, base_url)
    return _parse_xml_feed(data, base_url)


def _parse_xml_feed(data: bytes, base_url: str | None) -> Feed:
    import feedparser  # deferred: only feeds need it

    # A file object, never bytes or str: feedparser opens a str naming a URL or file itself.
    # "application/xml" makes it take the encoding from the XML prolog (RFC 3023 reads text/xml
    # without a charset as ASCII).
    headers = {"content-type": "application/xml"}
    if base_url:
        headers["content-location"] = base_url
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    warnings: list[str] = []
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if problem is not None and type(problem).__name__ in _HARMLESS_BOZO:
        problem = None
    if problem is not None:
        if not parsed.entries:
            raise Unreadable(f"{NOT_A_FEED} that can be read: {_reason(problem)}")
        warnings.append(f"the feed is malformed ({_reason(problem)}); read what could be recovered")
    feed_title = clean_line(_text(parsed.feed, "title"))
    entries = tuple(
        _xml_entry(number, entry, feed_title, base_url)
        for number, entry in enumerate(parsed.entries, start=1)
    )
    return Feed(feed_title, entries, tuple(warnings))


def _reason(problem: BaseException) -> str:
    """A parser's complaint in words: ``not well-formed (invalid token) at line 2``."""
    text = clean_line(str(problem)) or type(problem).__name__
    place = re.match(r"^<unknown>:(\d+):\d+:\s*(.*)$", text)
    if place:
        text = f"{place.group(2)} at line {place.group(1)}"
    return text[:200]


def _xml_entry(
    number: int, entry: Mapping[str, Any], feed_title: str | None, base: str | None
) -> FeedEntry:
    content = [part for part in entry.get("content") or () if (part.get("value") or "").strip()]
    if content:
        body = "\n\n".join(_part_text(part) for part in content)
    else:
        body = _part_text(entry.get("summary_detail") or {"value": entry.get("summary")})
    source = entry.get("source") or {}
    date = entry.get("published_parsed") or entry.get("updated_parsed")
    author = (entry.get("author_detail") or {}).get("name") or entry.get("author")
    return FeedEntry(
        number=number,
        title=_title(entry),
        link=_link(entry.get("link"), base),
        published=_iso_from_struct(date),
        author=_name(author),
        guid=clean_line(entry.get("id")),
        source_name=clean_line(_text(source, "title")) or feed_title,
        body=body,
    )


def _part_text(part: Mapping[str, Any]) -> str:
    """A feedparser content or summary part as plain text (HTML converted)."""
    value = part.get("value") or ""
    # feedparser types RSS descriptions by a look at them; markup in "plain" text is HTML.
    if part.get("type") == "text/plain" and "<" not in value:
        return paragraphs(clean(value)[0])
    return html_text(value)


def _title(entry: Mapping[str, Any]) -> str | None:
    title = entry.get("title")
    detail = entry.get("title_detail") or {}
    if title and "html" in (detail.get("type") or "") and "<" in title:
        return clean_line(html_text(title))
    return clean_line(title)


def _name(text: str | None) -> str | None:
    """A byline: one line without bidi controls (an unclosed override flips the card)."""
    line = clean_line(text)
    return clean_line(without_bidi(line)) if line else None


def _text(mapping: Mapping[str, Any], key: str) -> str | None:
    value = mapping.get(key)
    return value if isinstance(value, str) else None


def _link(link: Any, base: str | None) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    return safe_href(urljoin(base, link.strip()) if base else link.strip())


def _iso_from_struct(date: Any) -> str | None:
    """feedparser's UTC ``time.struct_time`` as ISO 8601."""
    if date is None:
        return None
    try:
        moment = datetime.datetime.fromtimestamp(calendar.timegm(date), datetime.UTC)
    except (OverflowError, ValueError, TypeError):
        return None
    return moment.isoformat()


def _parse_json_feed(data: bytes, base_url: str | None) -> Feed:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as error:  # bad UTF-8 or JSON, a 5,000-digit number
        raise Unreadable(f"{NOT_A_FEED} that can be read: invalid JSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise Unreadable(f"{NOT_A_FEED} that can be read: a JSON Feed needs an 'items' list")
    title = clean_line(_json_str(document.get("title")))
    # Relative item URLs resolve against the feed's home page or own URL (JSON Feed 1.1).
    base = (
        base_url or _json_str(document.get("feed_url")) or _json_str(document.get("home_page_url"))
    )
    entries = tuple(
        _json_entry(number, item, title, base, document)
        for number, item in enumerate(document["items"], start=1)
        if isinstance(item, dict)
    )
    return Feed(title, entries)


def _json_entry(
    number: int,
    item: Mapping[str, Any],
    feed_title: str | None,
    base: str | None,
    feed: Mapping[str, Any],
) -> FeedEntry:
    html, text = _json_str(item.get("content_html")), _json_str(item.get("content_text"))
    if html and html.strip():
        body = html_text(html)
    elif text and text.strip():
        body = _part_text({"value": text, "type": "text/plain"})
    else:
        body = _part_text({"value": _json_str(item.get("summary")) or ""})
    authors = item.get("authors") or feed.get("authors")
    if not isinstance(authors, list):
        single = item.get("author") or feed.get("author")  # JSON Feed 1.0
        authors = [single] if isinstance(single, dict) else []
    names = [_json_str(a.get("name")) for a in authors if isinstance(a, dict)]
    guid = item.get("id")
    return FeedEntry(
        number=number,
        title=clean_line(_json_str(item.get("title"))),
        link=_link(_json_str(item.get("url")), base),
        published=_iso_from_text(item.get("date_published") or item.get("date_modified")),
        author=_name(", ".join(name for name in names if name)),
        guid=clean_line(str(guid)) if isinstance(guid, str | int) else None,
        source_name=feed_title,
        body=body,
    )


def _json_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _iso_from_text(value: Any) -> str | None:
    """An RFC 3339 date as ISO 8601 (as given when Python cannot read it)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.datetime.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return clean_line(value)
