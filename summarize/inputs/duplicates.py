"""Once per story: copies of one story in a run's inputs are merged into the one kept.

Copies are recognised by :mod:`summarize.inputs.fingerprints` (same URL, same feed id,
near-identical text). The kept copy lists the others as ``also_reported_by``; the others
leave the run, each recorded as a :class:`~summarize.core.records.Duplicate` for the log and
run.json.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from summarize.core.records import Article, Duplicate, Reference
from summarize.core.urls import normalise_url
from summarize.inputs.fingerprints import Match, StoryIndex, fingerprint
from summarize.inputs.metadata import host_name

logger = logging.getLogger(__name__)

#: A later copy is kept instead of the first when its text is at least this many times as
#: long: the first is then a teaser (a feed's summary, a paywalled page's first paragraph) and
#: the later the full text, which is what the summary should be made from. Rewrites of one
#: report by two outlets differ by a sentence or two, far less than this.
TEASER_RATIO = 2.0


@dataclass(frozen=True)
class Merged:
    """What :func:`merge_duplicates` made of a run's articles."""

    #: One article per story, in input order, each listing the other copies in
    #: ``also_reported_by``.
    articles: tuple[Article, ...]
    #: Every copy merged away: which article it went into, and why.
    duplicates: tuple[Duplicate, ...]


def merge_duplicates(articles: Sequence[Article]) -> Merged:
    """Keep one article per story (same normalised URL, same feed id, or near-identical
    text); the others are listed on it as ``also_reported_by`` and leave the run.

    Which copy is kept: the first in input order, unless a later copy's text is at least
    TEASER_RATIO times as long as the one kept so far (a full text after a teaser). Kept
    articles stay in input order. ``also_reported_by`` names each other copy's publisher
    (``source_name``, else its URL's host) with its URL, in input order, once per publisher;
    a copy from the kept article's own publisher, or with neither name nor URL, adds nothing
    to show. A copy's ``reason`` is how it was recognised (for the first copy, when a later
    one is kept: how that one was).
    """
    index: StoryIndex[int] = StoryIndex()
    stories: list[list[tuple[int, Match[int] | None]]] = []
    for position, article in enumerate(articles):
        print_ = fingerprint(article)
        match = index.match(print_)
        if match is None:
            key = len(stories)
            stories.append([(position, None)])
        else:
            key = match.key
            stories[key].append((position, match))
        index.add(key, print_)
    kept: list[int] = []
    duplicates: list[Duplicate] = []
    merged_into: dict[int, Article] = {}
    for copies in stories:
        chosen = _kept_copy([articles[position] for position, _ in copies])
        keeper = articles[copies[chosen][0]]
        others = [(position, match) for n, (position, match) in enumerate(copies) if n != chosen]
        for position, match in others:
            match = match or copies[chosen][1]  # the first copy: how the kept one matched it
            assert match is not None
            copy = articles[position]
            duplicates.append(
                Duplicate(
                    kept=keeper.id,
                    merged=copy.id,
                    source=copy.source,
                    reason=match.reason,
                    similarity=match.similarity,
                )
            )
            logger.info(
                "%s is another copy of %s (%s): merged into it",
                copy.source,
                keeper.source,
                _why(match),
            )
        kept.append(copies[chosen][0])
        merged_into[copies[chosen][0]] = _with_references(
            keeper, [articles[position] for position, _ in others]
        )
    return Merged(
        articles=tuple(merged_into[position] for position in sorted(kept)),
        duplicates=tuple(duplicates),
    )


def _kept_copy(copies: Sequence[Article]) -> int:
    """Which of one story's ``copies`` (in input order) is kept: see merge_duplicates."""
    chosen = 0
    for number, copy in enumerate(copies[1:], start=1):
        if len(copy.text) >= TEASER_RATIO * len(copies[chosen].text):
            chosen = number
    return chosen


def _why(match: Match[int]) -> str:
    if match.reason == "text":
        return f"similar text, {match.similarity:.2f} of its word sequences in common"
    return {"url": "same URL", "guid": "same feed id"}[match.reason]


def _with_references(kept: Article, others: Sequence[Article]) -> Article:
    """``kept`` with ``others`` (and what they had merged into them) in ``also_reported_by``."""
    if not others:
        return kept
    references = list(kept.also_reported_by)
    # Publishers and pages already named: the kept article's own, and what it lists.
    names = {name.casefold() for name in [_publisher(kept), *(r.name for r in references)] if name}
    urls = {url for url in [kept.url, *(r.url for r in references)] if url}
    pages = {normalise_url(url) for url in urls} - {None}
    candidates = [Reference(_publisher(copy), copy.url) for copy in others]
    candidates += [reference for copy in others for reference in copy.also_reported_by]
    for reference in candidates:
        if reference.name is None and reference.url is None:
            continue  # nothing a reader could be shown
        page = normalise_url(reference.url)
        if page is not None and page in pages:
            continue  # a page already named, reached another way
        if reference.name is not None and reference.name.casefold() in names:
            continue  # the kept article's publisher, or one already listed
        if page is not None:
            pages.add(page)
        if reference.name is not None:
            names.add(reference.name.casefold())
        references.append(reference)
    return replace(kept, also_reported_by=tuple(references))


def _publisher(article: Article) -> str | None:
    return article.source_name or host_name(article.url)
