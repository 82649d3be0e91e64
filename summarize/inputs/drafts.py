"""Articles before and after the run-wide pass that makes ids unique and assigns slugs."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from summarize.core.records import Article
from summarize.inputs.slugs import assign_slugs
from summarize.inputs.titles import derive_title

logger = logging.getLogger(__name__)

#: Bidirectional embeddings, overrides and isolates, dropped from titles: an unclosed
#: right-to-left override in a headline reverses the rest of its line in the contents list
#: and the page title. Right-to-left text itself needs none of them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def without_bidi(text: str) -> str:
    """``text`` without bidi embeddings, overrides and isolates."""
    return _BIDI_CONTROLS.sub("", text)


class Unreadable(Exception):
    """A file or record that cannot become an article; the message is the failure reason."""


def make_draft(**fields: Any) -> Article:
    """An article before run-wide id de-duplication and slug assignment.

    ``slug`` may name the slug's seed (a JSONL record's own id); left out, the slug comes from
    the URL or the file name (see :mod:`summarize.inputs.slugs`).
    """
    if not any(char.isalnum() for char in fields["text"]):
        # "!!!" or a stray "<" is no article: a model would invent a summary of nothing.
        raise Unreadable("no words in the text (only punctuation or symbols)")
    title = without_bidi(fields["title"]).strip()
    if not _is_visible(title):
        title = without_bidi(derive_title(fields["text"]))
    return Article(**{"slug": "", **fields, "title": title})


#: Letters and signs that render as blank space: Hangul fillers and the blank Braille cell.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _is_visible(text: str) -> bool:
    """Whether ``text`` shows anything: a headline of zero-width, format or filler characters
    would be a link nobody can see or have read aloud."""
    return any(
        unicodedata.category(char)[0] not in "CZ" and char not in _BLANK_GLYPHS for char in text
    )


def finalise(drafts: Sequence[Article]) -> tuple[Article, ...]:
    """Make ids unique (``~2``, ``~3``) and give every article a unique, safe slug.

    Slugs follow :func:`~summarize.inputs.slugs.assign_slugs`: from the story's URL, record id
    or file name, never from input order or the folder named on the command line.
    """
    used_ids: set[str] = set()
    articles: list[Article] = []
    for draft in drafts:
        article_id = draft.id
        warnings = list(draft.warnings)
        if article_id in used_ids:
            number = 2
            while f"{draft.id}~{number}" in used_ids:
                number += 1
            article_id = f"{draft.id}~{number}"
            message = f"id {draft.id!r} was already used; renamed to {article_id!r}"
            logger.warning("%s: %s", draft.source, message)
            warnings.append(message)
        used_ids.add(article_id)
        articles.append(replace(draft, id=article_id, warnings=tuple(warnings)))
    slugs = assign_slugs(articles)
    return tuple(replace(article, slug=slug) for article, slug in zip(articles, slugs, strict=True))
