"""Input stage: turn files and folders of news articles into :class:`Article` records.

Supported inputs are plain text (``.txt``), Markdown (``.md``, ``.markdown``), HTML (``.html``,
``.htm``), JSON Lines (``.jsonl``, one article per line) and news feeds (RSS, Atom, JSON Feed:
``.xml``, ``.rss``, ``.atom``, ``.json``, or any file or URL whose content is one, an article
per entry); http(s) URLs of pages and feeds, and ``-`` (standard input). Every file is read as
bytes and decoded here (UTF-8, UTF-16/32 with a byte-order mark, else a guessed legacy
encoding), so a bad file or line becomes an :class:`InputFailure` and never stops the rest of
the batch.
"""

from __future__ import annotations

from summarize.inputs.duplicates import Merged, merge_duplicates
from summarize.inputs.files import FEED_SUFFIXES, SUPPORTED_SUFFIXES
from summarize.inputs.reader import BYTES_PER_MB, ReadResult, read_articles, read_texts
from summarize.inputs.seen import SEEN_FILE, hold_back_seen, remember_published
from summarize.inputs.sources import InputSource, classify_all
from summarize.inputs.web import LazyFetcher, make_fetcher

__all__ = [
    "BYTES_PER_MB",
    "FEED_SUFFIXES",
    "SEEN_FILE",
    "SUPPORTED_SUFFIXES",
    "InputSource",
    "LazyFetcher",
    "Merged",
    "ReadResult",
    "classify_all",
    "hold_back_seen",
    "make_fetcher",
    "merge_duplicates",
    "read_articles",
    "read_texts",
    "remember_published",
]
