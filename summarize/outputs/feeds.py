"""Each edition as a feed: Atom 1.0 (``feed.<code>.xml``) and JSON Feed 1.1 (``feed.<code>.json``).

One entry per story: the edition's headline, its summary in the edition's language with the
machine-generated notice, a link to the story's page in that edition and (``related``, JSON
``external_url``) to the original when its URL is plain http(s). Entry ids are ``urn:uuid``
names made from the story's feed id, normalised URL, or slug and text, never from the run, so
a feed reader shows a story once however many runs carry it. Links are absolute under
``--site-url``; without it they are relative to the feed file (Atom resolves them against the
document, ``xml:base`` says so).

Atom is written with :mod:`xml.etree.ElementTree`: feedgen (installed) cannot set ``xml:base``,
which relative links need. Text that XML cannot carry (C0 controls) is dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from summarize.core.records import Article, Briefing
from summarize.core.urls import guid_key, host_of, normalise_url, safe_href
from summarize.outputs.editorial import parse_moment
from summarize.outputs.layout import edition_page, feed_names

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
#: The namespace of every uuid5 id the feeds use; never change it: ids must outlast releases.
_ID_NAMESPACE = uuid.UUID("5f0c8d1e-2a57-4c1b-9d3e-7b6a41e0c2f9")
#: Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class FeedEntry:
    """One story in one edition's feed."""

    #: ``urn:uuid:...``, the same in every run that carries the story.
    id: str
    title: str
    #: The headline's language (an untranslated headline stays in the original's).
    title_lang: str
    #: The summary as escaped HTML paragraphs, the notice last.
    content_html: str
    content_text: str
    #: The summary's language (the English summary where the edition has no translation).
    content_lang: str
    #: The story's page in the edition: relative to the feed file, or absolute.
    link: str
    #: The original article, when its URL is plain http(s).
    external_url: str | None
    #: RFC 3339: the article's date when known, else the run's time.
    published: str
    updated: str
    author: str | None = None


@dataclass(frozen=True)
class Feed:
    """One edition's feed, ready to write as Atom or JSON Feed."""

    id: str
    #: The edition's language code (``en``, ``hu``) and its HTML/XML language tag.
    code: str
    lang: str
    title: str
    #: Who the feed is by (Atom wants one where entries name none): the briefing's title.
    author: str
    #: RFC 3339: the run's time.
    updated: str
    #: ``--site-url`` (ending in ``/``), or None: links are then relative to the feed file.
    site_url: str | None
    #: The edition's front page, and the feeds themselves, as links.
    home: str
    atom_href: str
    json_href: str
    version: str
    entries: tuple[FeedEntry, ...]


def feed_links(code: str) -> dict[str, str]:
    """The page context's ``feed``: where an edition's two feeds are, beside its pages."""
    atom, json_feed = feed_names(code)
    return {"atom_href": "./" + quote(atom), "json_href": "./" + quote(json_feed)}


def edition_feed(
    briefing: Briefing, context: Mapping[str, Any], site_url: str | None = None
) -> Feed:
    """The feed of the edition ``context`` was built for (see
    :func:`~summarize.outputs.context.build_context`), its stories in front-page order."""
    code = context["page_lang"]["code"]
    t = context["t"]
    articles = {outcome.article.id: outcome.article for outcome in briefing.results}
    run_time = run_moment(briefing.run.generated_at)
    notice = t("machine_notice")
    fallback = t("not_translated")
    entries = []
    for section in context["sections"]:
        for story in section["articles"]:
            article = articles[story["id"]]
            block = story["edition"]
            lead = [fallback] if block["code"] != code else []
            entries.append(
                FeedEntry(
                    id=entry_id(article, code),
                    title=story["headline"]["text"],
                    title_lang=story["headline"]["html_lang"],
                    content_html=_html([*lead, *_paragraphs(block["text"])], notice),
                    content_text="\n\n".join([*lead, *_paragraphs(block["text"]), notice]),
                    content_lang=block["html_lang"],
                    link=absolute(story["href"], site_url),
                    external_url=story["url_href"],
                    published=_published(article, run_time),
                    updated=_published(article, run_time),
                    author=article.author,
                )
            )
    atom, json_feed = feed_names(code)
    return Feed(
        id=feed_id(code, site_url),
        code=code,
        lang=context["page_lang"]["html_lang"],
        title=context["title"],
        author=context["title"],
        updated=rfc3339(run_time),
        site_url=site_url,
        home=absolute("./" + quote(edition_page(code)), site_url),
        atom_href=absolute("./" + quote(atom), site_url),
        json_href=absolute("./" + quote(json_feed), site_url),
        version=briefing.run.version,
        entries=tuple(entries),
    )


def feed_files(feed: Feed) -> list[tuple[str, str]]:
    """The feed's two files: (name, text) of the Atom feed, then the JSON Feed."""
    atom, json_feed = feed_names(feed.code)
    return [(atom, render_atom(feed)), (json_feed, render_json(feed))]


def entry_id(article: Article, code: str) -> str:
    """A story's entry id in the ``code`` edition's feed: from its feed id, else its normalised
    URL, else its slug and text; the same in every run that carries it."""
    href = safe_href(article.url)
    # A feed id is unique only within its feed: two outlets both numbering entries from 1
    # must not share an entry id (readers would drop one), so it counts with the publisher.
    guid = guid_key(article.guid, article.source_name or host_of(article.url))
    if guid:
        key = f"guid:{guid}"
    elif href is not None:
        key = f"url:{normalise_url(href)}"
    else:
        digest = hashlib.sha256(article.text.encode("utf-8", "replace")).hexdigest()[:16]
        key = f"slug:{article.slug}:{digest}"
    return _urn(code, key)


def feed_id(code: str, site_url: str | None) -> str:
    """A feed's id: by its language and site, never by the run."""
    return _urn("feed", code, site_url or "")


def _urn(*parts: str) -> str:
    """A ``urn:uuid`` name (uuid5) of ``parts``."""
    return f"urn:uuid:{uuid.uuid5(_ID_NAMESPACE, chr(10).join(parts))}"


def absolute(href: str, site_url: str | None) -> str:
    """``href`` (relative to the output folder) under ``site_url``; as it is without one."""
    return urljoin(site_url, href) if site_url else href


def run_moment(generated_at: str) -> datetime:
    """The run's start as an aware datetime (UTC when the record names no offset)."""
    moment = datetime.fromisoformat(generated_at)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def rfc3339(moment: datetime) -> str:
    """``moment`` as RFC 3339, to the second, with its offset."""
    return moment.isoformat(timespec="seconds")


def _published(article: Article, run_time: datetime) -> str:
    moment = parse_moment(article.published)
    return rfc3339(moment.replace(tzinfo=UTC)) if moment is not None else rfc3339(run_time)


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def _html(paragraphs: Sequence[str], notice: str) -> str:
    """Paragraphs as escaped HTML, the machine-generated notice last, emphasised."""
    body = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs)
    return f"{body}<p><em>{escape(notice)}</em></p>"


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def render_atom(feed: Feed) -> str:
    """The feed as an Atom 1.0 document."""
    root = ET.Element(
        "feed",
        {"xmlns": ATOM_NAMESPACE, "xml:lang": feed.lang, "xml:base": feed.site_url or "./"},
    )

    def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> None:
        names = {key.replace("_", ":"): _xml(value) for key, value in attributes.items()}
        element = ET.SubElement(parent, tag, names)
        if text is not None:
            element.text = _xml(text)

    add(root, "id", feed.id)
    add(root, "title", feed.title)
    add(root, "updated", feed.updated)
    author = ET.SubElement(root, "author")
    add(author, "name", feed.author)
    add(root, "link", rel="self", type="application/atom+xml", href=feed.atom_href)
    add(root, "link", rel="alternate", type="text/html", hreflang=feed.lang, href=feed.home)
    add(root, "link", rel="alternate", type="application/feed+json", href=feed.json_href)
    add(root, "generator", "summarize", version=feed.version)
    for item in feed.entries:
        entry = ET.SubElement(root, "entry")
        add(entry, "id", item.id)
        if item.title_lang != feed.lang:
            add(entry, "title", item.title, xml_lang=item.title_lang)
        else:
            add(entry, "title", item.title)
        add(entry, "updated", item.updated)
        add(entry, "published", item.published)
        if item.author:
            entry_author = ET.SubElement(entry, "author")
            add(entry_author, "name", item.author)
        add(entry, "link", rel="alternate", type="text/html", hreflang=feed.lang, href=item.link)
        if item.external_url:
            add(entry, "link", rel="related", type="text/html", href=item.external_url)
        add(entry, "content", item.content_html, type="html", xml_lang=item.content_lang)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def render_json(feed: Feed) -> str:
    """The feed as a JSON Feed 1.1 document."""
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": feed.home,
        "feed_url": feed.json_href,
        "language": feed.lang,
        "authors": [{"name": feed.author}],
        "items": [_json_item(item) for item in feed.entries],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _json_item(item: FeedEntry) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": item.id,
        "url": item.link,
        "title": item.title,
        "content_html": item.content_html,
        "content_text": item.content_text,
        "date_published": item.published,
        "date_modified": item.updated,
        "language": item.content_lang,
        # JSON Feed has no language for the title alone; an extension (leading "_") keeps it.
        "_summarize": {"title_language": item.title_lang},
    }
    if item.external_url:
        record["external_url"] = item.external_url
    if item.author:
        record["authors"] = [{"name": item.author}]
    return record


def read_json_entries(text: str, prefix: str = "") -> list[FeedEntry]:
    """The entries of a JSON Feed this module wrote, their relative links put under
    ``prefix`` (a dated folder of the archive, ``2026-12-06/``); items it cannot read are
    skipped (a hand-edited file must not stop a run)."""
    try:
        items = json.loads(text)["items"]
    except (ValueError, KeyError, TypeError):
        return []
    entries = []
    for item in items if isinstance(items, list) else []:
        try:
            link = urljoin(prefix, str(item["url"]))
            if urlsplit(link).scheme and safe_href(link) is None:
                continue  # only a page link or an http(s) URL, whatever the file says
            authors = item.get("authors") or [{}]
            entries.append(
                FeedEntry(
                    id=str(item["id"]),
                    title=str(item["title"]),
                    title_lang=str(item.get("_summarize", {}).get("title_language", "")),
                    content_html=str(item["content_html"]),
                    content_text=str(item.get("content_text", "")),
                    content_lang=str(item.get("language", "")),
                    link=link,
                    external_url=safe_href(item.get("external_url")),
                    published=str(item["date_published"]),
                    updated=str(item.get("date_modified", item["date_published"])),
                    author=authors[0].get("name"),
                )
            )
        except (KeyError, TypeError, AttributeError, IndexError):
            continue
    return entries
