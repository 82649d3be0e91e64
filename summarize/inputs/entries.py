"""Feed entries as articles: full content as it is, a teaser replaced by its fetched page.

An entry whose text (full content, else summary) has fewer than :data:`FULL_TEXT_MIN_WORDS`
words and a link is a teaser: its page is fetched and read as an HTML file is. When the page
cannot be had, a teaser of at least :data:`TEASER_MIN_WORDS` words is summarised with a warning
on the article; a shorter one is an input failure naming the entry.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from summarize.core.records import Article, InputFailure
from summarize.core.urls import private_host
from summarize.inputs.drafts import Unreadable, make_draft
from summarize.inputs.feeds import FeedEntry, FeedFormat, parse_feed
from summarize.inputs.pages import looks_like_html, page_draft
from summarize.inputs.titles import derive_title
from summarize.web import Fetched, FetchFailed, PageFetcher

logger = logging.getLogger(__name__)

#: An entry text shorter than this (words) is a teaser: its page is fetched when it has a link.
#: A news article runs to several hundred words; a feed's summary to one to three sentences.
FULL_TEXT_MIN_WORDS = 120
#: A teaser at least this long (words, a short paragraph) is summarised when its page cannot be
#: fetched; a shorter one gives a summary of nothing and fails the entry instead.
TEASER_MIN_WORDS = 40
#: Why pages are not fetched in an offline run.
OFFLINE = "--offline is set"


def read_feed(
    data: bytes,
    kind: FeedFormat,
    *,
    source: str,
    base_id: str,
    base_url: str | None,
    fetcher: PageFetcher | None,
    max_entries: int,
    warnings: Sequence[str] = (),
) -> tuple[list[Article], list[InputFailure]]:
    """The articles of the feed in ``data`` (newest ``max_entries`` entries, newest first) and
    the entries that failed. ``fetcher`` None: no page is fetched (offline).

    Raises Unreadable when the feed itself cannot be read or has no entries.
    """
    feed = parse_feed(data, kind, base_url)
    if not feed.entries:
        raise Unreadable("the feed has no entries")
    entries = _newest_first(feed.entries)
    if len(entries) > max_entries:
        logger.warning(
            "%s: the feed has %d entries; reading the newest %d (raise --max-feed-entries to "
            "read more)",
            source,
            len(entries),
            max_entries,
        )
        entries = entries[:max_entries]
    notes = (*warnings, *feed.warnings)
    for note in feed.warnings:
        logger.warning("%s: %s", source, note)
    teasers = {e.number: e.link for e in entries if e.link and _words(e.body) < FULL_TEXT_MIN_WORDS}
    pages = _fetch_pages(fetcher, list(teasers.values()), base_url)
    drafts: list[Article] = []
    failures: list[InputFailure] = []
    for entry in entries:
        where = f"{source} entry {entry.number}"
        try:
            link = teasers.get(entry.number)
            page = pages.get(link) if link else None
            drafts.append(_entry_article(entry, where, base_id, page, notes))
        except Unreadable as exc:
            named = f" ({entry.title})" if entry.title else ""
            failures.append(InputFailure(where, f"{exc}{named}"))
    return drafts, failures


def _newest_first(entries: Sequence[FeedEntry]) -> list[FeedEntry]:
    """Dated entries newest first, then the undated in feed order (a stable sort)."""

    def age(entry: FeedEntry) -> tuple[bool, float]:
        moment = _moment(entry.published)
        return (moment is None, -moment.timestamp() if moment else 0.0)

    return sorted(entries, key=age)


def _moment(published: str | None) -> datetime.datetime | None:
    if not published:
        return None
    try:
        moment = datetime.datetime.fromisoformat(published)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _fetch_pages(
    fetcher: PageFetcher | None, links: Sequence[str], feed_url: str | None
) -> Mapping[str, Fetched | FetchFailed]:
    unique = list(dict.fromkeys(links))
    if not unique:
        return {}
    if fetcher is None:
        return {link: FetchFailed(OFFLINE) for link in unique}
    # A feed from the web is untrusted: its links must not make the run read (and publish)
    # pages of this machine or its network (a router's admin page, a cloud's metadata
    # service). A feed served from such an address itself may link to its neighbours.
    inside = feed_url is not None and private_host(urlsplit(feed_url).hostname)
    refused = {link for link in unique if not inside and private_host(urlsplit(link).hostname)}
    pages = dict(fetcher.fetch_all([link for link in unique if link not in refused], page=True))
    for link in refused:
        pages[link] = FetchFailed("it links to a private network address; not fetched")
    return pages


def _words(text: str) -> int:
    return len(text.split())


def _entry_article(
    entry: FeedEntry,
    where: str,
    base_id: str,
    page: Fetched | FetchFailed | None,
    notes: Sequence[str],
) -> Article:
    """One entry as a draft: its own text, its page's, or its teaser with a warning."""
    entry_id = entry.guid or entry.link or f"{base_id}-{entry.number}"
    fields = {
        "id": entry_id,
        "source": where,
        "url": entry.link,
        "published": entry.published,
        "source_name": entry.source_name,
        "author": entry.author,
        "guid": entry.guid,
    }
    warnings = list(notes)
    if isinstance(page, Fetched):
        problem = _page_problem(page)
        if problem is None:
            try:
                article = _with_page(entry, page, fields, warnings)
            except Unreadable as exc:
                problem = str(exc)
            else:
                if _words(article.text) >= _words(entry.body):
                    return article
                # A consent wall, a paywall or an error page that still answered 200.
                problem = "the page has less text than the feed's teaser"
        page = FetchFailed(problem)
    if isinstance(page, FetchFailed):
        words = _words(entry.body)
        if words < TEASER_MIN_WORDS:
            told = f"only a {words}-word teaser" if words else "no text"
            raise Unreadable(
                f"the feed gives {told} and the article's page could not be fetched ({page})"
            )
        message = f"page could not be fetched ({page}); summarised from the feed's teaser"
        logger.warning("%s: %s", where, message)
        warnings.append(message)
    if not entry.body.strip():
        raise Unreadable("the entry has no text and no link to its page")
    return make_draft(
        title=entry.title or derive_title(entry.body),
        text=entry.body,
        warnings=tuple(warnings),
        **fields,
    )


def _page_problem(page: Fetched) -> str | None:
    if looks_like_html(page):
        return None
    return f"not an HTML page but {page.content_type or 'an unknown content type'}"


def _with_page(
    entry: FeedEntry, page: Fetched, fields: dict[str, str | None], warnings: list[str]
) -> Article:
    """The page's article, the entry's details kept where the page lacks them."""
    entry_id = str(fields["id"])
    draft = page_draft(page, entry_id, str(fields["source"]))
    # read_html derives a title from the text when the page names none: the entry's is better.
    named = draft.title != derive_title(draft.text)
    return replace(
        draft,
        id=entry_id,
        # The entry's link is the story: a page's canonical URL is often its home page
        # (consent and error pages), which would merge distinct stories as one.
        url=fields["url"] or draft.url,
        title=draft.title if named or not entry.title else entry.title,
        published=draft.published or entry.published,
        source_name=draft.source_name or entry.source_name,
        author=draft.author or entry.author,
        guid=entry.guid,
        warnings=(*warnings, *draft.warnings),
    )
