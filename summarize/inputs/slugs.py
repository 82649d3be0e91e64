"""Page names (slugs) that stay the same from run to run, whatever folder was named.

A story's page name must not depend on how the run was started: a nightly job that reads
``news`` one day and ``news/world`` the next, or a feed that lists its entries in another
order, must not break links to yesterday's pages. So a slug is made from what identifies the
story itself, in this order:

1. its URL (plain http/https): the last meaningful path segment(s), e.g.
   ``https://example.com/2026/12/06/heatwave-hits-europe.html`` -> ``heatwave-hits-europe``;
2. a JSONL record's own ``id`` (the reader passes it to :func:`~summarize.inputs.drafts.
   make_draft` as the slug's seed);
3. else the file name's stem (``news/world/heatwave.txt`` -> ``heatwave``; a JSONL line
   without an id: ``daily-3``), never the path relative to the folder given.

Two stories of one run that would share a slug both get a short digest of their normalised
URL (else of their text) appended, so the outcome does not depend on input order; a slug
that is reserved (a Windows device name, a page of the briefing) gets one too.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from urllib.parse import unquote, urlsplit

from slugify import slugify

from summarize.core.records import Article
from summarize.core.urls import normalise_url, safe_href

#: Slugs are cut to this many characters before any digest is added.
SLUG_MAX_CHARS = 60
#: Hex digits of the digest that tells two stories with the same slug apart.
_DIGEST_CHARS = 8
#: Names Windows refuses as file names (any extension), and names the output files use.
RESERVED_SLUGS = frozenset(
    {"con", "prn", "aux", "nul", "clock"}
    | {f"com{n}" for n in range(10)}
    | {f"lpt{n}" for n in range(10)}
    # "briefing": its page in the hu edition would be briefing.hu.html, the edition itself.
    | {"index", "about", "results", "run", "briefing"}
)
#: URL path segments that name a kind of page, not a story (``/news/article/123``).
_GENERIC_SEGMENTS = frozenset(
    {"index", "default", "amp", "article", "articles", "story", "stories", "news", "post"}
    | {"posts", "p", "a", "item", "items", "content", "view", "www", "en", "html"}
)
#: A page's file extension at the end of a URL path segment.
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cgi)$", re.IGNORECASE)


def assign_slugs(articles: Sequence[Article]) -> list[str]:
    """A unique, safe slug per article (in order), by the rules in this module's docstring.

    ``article.slug`` may hold the seed a reader chose (a JSONL record's id); ``article.id`` is
    the run-unique id. Every slug is lowercase ASCII ``a-z0-9-``, never empty, never
    reserved, never containing ``.`` or a path separator.
    """
    bases = [_base(article) for article in articles]
    counts = Counter(bases)
    digests = [_digest(_digest_source(article)) for article in articles]
    # Two stories with the same text and no URL (one file copied into two folders): their
    # ids, unique within the run, tell them apart.
    repeated = Counter(zip(bases, digests, strict=True))
    slugs = []
    for article, base, digest in zip(articles, bases, digests, strict=True):
        if repeated[(base, digest)] > 1:
            digest = _digest(f"{_digest_source(article)}\x00{article.id}")
        if not base:
            slugs.append(f"article-{digest}")
        elif base in RESERVED_SLUGS or counts[base] > 1:
            cut = base[: SLUG_MAX_CHARS - _DIGEST_CHARS - 1].rstrip("-")
            slugs.append(f"{cut}-{digest}")
        else:
            slugs.append(base)
    return _unique(slugs)


def _unique(slugs: list[str]) -> list[str]:
    """``slugs`` with any repeat left over numbered (``-2``): only when digests themselves
    collide, or a slug happens to equal another's base plus digest; never otherwise."""
    used: set[str] = set()
    unique = []
    for slug in slugs:
        candidate, number = slug, 2
        while candidate in used:
            candidate = f"{slug}-{number}"
            number += 1
        used.add(candidate)
        unique.append(candidate)
    return unique


def _base(article: Article) -> str:
    """The slug an article asks for before collisions: from its URL, its seed, its file."""
    href = safe_href(article.url)
    if href is not None:
        text = url_words(href)
    elif article.slug:
        text = article.slug
    else:
        # A path-based id (``world/heatwave``, ``feeds/daily-3``): its last segment only.
        text = article.id.rsplit("/", 1)[-1]
    return slugify(text, max_length=SLUG_MAX_CHARS, word_boundary=True)


def url_words(url: str) -> str:
    """The words of ``url`` that name its story: the last meaningful path segment, with an id
    that follows it (``/world/story/12345`` -> ``world-12345``); the host when the path
    names nothing."""
    parts = urlsplit(url)
    segments = [_PAGE_SUFFIX.sub("", unquote(segment)) for segment in parts.path.split("/")]
    segments = [s for s in segments if slugify(s) and slugify(s) not in _GENERIC_SEGMENTS]
    named = [s for s in segments if _names_something(s)]
    if not named:
        # Only numbers (``/2026/12/06/123``), or nothing: the host and what numbers there are.
        return "-".join([parts.hostname or "", *segments[-2:]])
    word, last = named[-1], segments[-1]
    if not _names_something(last):
        return f"{word}-{last}"  # an id after the words (``/rail-strike/a-70111222``)
    return word


def _names_something(segment: str) -> bool:
    """Whether a path segment has words in it, not only an id (``123``, ``a-70111222``)."""
    return sum(char.isalpha() for char in segment) >= 3


def _digest_source(article: Article) -> str:
    """What tells a story apart from another with the same slug: its URL, else its text."""
    href = safe_href(article.url)
    return f"url:{normalise_url(href)}" if href is not None else f"text:{article.text}"


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:_DIGEST_CHARS]
