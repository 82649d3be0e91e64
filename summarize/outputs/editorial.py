"""The front page's editorial choices: story order, sections, dates and reading times.

Pure functions of the records, so every edition (web page, email) orders and labels the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from babel.dates import format_date
from slugify import slugify

from summarize.core.languages import SOURCE_LANGUAGE
from summarize.core.records import ArticleOutcome
from summarize.outputs.locales import babel_locale, language_display

#: Silent reading speed of adult readers of non-fiction, in words a minute (Brysbaert 2019,
#: "How many words do we read per minute?", a meta-analysis of 190 studies).
WORDS_PER_MINUTE = 238
#: The same study's rate for Chinese, in characters a minute (words are not spaced there).
CHARACTERS_PER_MINUTE = 255

#: Han characters and Japanese kana: read, and counted, one character at a time.
_CJK_CHARACTER = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
)

#: Headings of common section folders, per edition language; other names are title-cased.
#: In code, not in the message catalogues: they name the inputs' folders, not the UI, and a
#: catalogue can still override one with a ``section_<name>`` string.
SECTION_HEADINGS: Mapping[str, Mapping[str, str]] = {
    "world": {"en": "World", "hu": "Világ", "zh": "国际", "ru": "В мире", "uk": "Світ"},
    "business": {
        "en": "Business",
        "hu": "Gazdaság",
        "zh": "财经",
        "ru": "Экономика",
        "uk": "Економіка",
    },
    "tech": {
        "en": "Technology",
        "hu": "Technológia",
        "zh": "科技",
        "ru": "Технологии",
        "uk": "Технології",
    },
    "science": {"en": "Science", "hu": "Tudomány", "zh": "科学", "ru": "Наука", "uk": "Наука"},
    "sport": {"en": "Sport", "hu": "Sport", "zh": "体育", "ru": "Спорт", "uk": "Спорт"},
    "culture": {
        "en": "Culture",
        "hu": "Kultúra",
        "zh": "文化",
        "ru": "Культура",
        "uk": "Культура",
    },
    "politics": {
        "en": "Politics",
        "hu": "Politika",
        "zh": "政治",
        "ru": "Политика",
        "uk": "Політика",
    },
}
#: Other spellings of the sections above (compared case-insensitively).
_SECTION_ALIASES = {"sports": "sport", "technology": "tech", "political": "politics"}
#: The heading of the articles that name no section, shown after the named sections.
OTHER_HEADINGS: Mapping[str, str] = {
    "en": "More news",
    "hu": "További hírek",
    "zh": "更多新闻",
    "ru": "Другие новости",
    "uk": "Інші новини",
}


@dataclass(frozen=True)
class FrontSection:
    """One section of the front page and its stories, in the order they are shown."""

    #: The section as the inputs name it (``world``); None for the stories that name none.
    name: str | None
    #: A fragment id for the section's heading, unique on the page (``section-world``).
    anchor: str
    #: The stories, in front-page order.
    outcomes: tuple[ArticleOutcome, ...]


def front_page(outcomes: Iterable[ArticleOutcome]) -> list[FrontSection]:
    """The stories grouped into sections and ordered as the front page shows them.

    Sections come in the order they first appear in the input (the order the user gave the
    inputs, folders sorted by name), so the user decides it; sorting them alphabetically would
    override a deliberate order such as ``world/ business/`` on the command line. Names that
    differ only in case, or are aliases (``sports``, ``sport``), are one section. Stories that
    name no section come last, as one group. Within a section: higher ``priority`` first (none
    counts as 0), then newest first among those whose date is known, then the undated ones,
    each in input order.
    """
    groups: dict[str | None, list[ArticleOutcome]] = {}
    names: dict[str | None, str | None] = {}
    for outcome in outcomes:
        key = section_key(outcome.article.section)
        groups.setdefault(key, []).append(outcome)
        names.setdefault(key, outcome.article.section)
    keys = [key for key in groups if key is not None] + ([None] if None in groups else [])
    used: set[str] = set()
    return [
        FrontSection(
            name=names[key],
            anchor=_anchor(key, used),
            outcomes=tuple(sorted(groups[key], key=_story_rank)),
        )
        for key in keys
    ]


def section_key(name: str | None) -> str | None:
    """The key that groups a section's stories: case-folded, aliases resolved."""
    if name is None or not name.strip():
        return None
    key = " ".join(name.split()).casefold()
    return _SECTION_ALIASES.get(key, key)


def section_heading(
    name: str | None, language: str = SOURCE_LANGUAGE, messages: Mapping[str, Any] | None = None
) -> str:
    """The heading of a section in an edition's ``language``.

    A ``section_<key>`` string in ``messages`` (the edition's catalogue) wins; then the table of
    common sections (:data:`SECTION_HEADINGS`, English for a language it lacks); any other name
    is shown with each word capitalised (``middle-east`` -> ``Middle East``). No name gives the
    heading of the stories that name no section (:data:`OTHER_HEADINGS`).
    """
    key = section_key(name)
    override = (messages or {}).get(f"section_{key or 'other'}")
    if isinstance(override, str) and override:
        return override
    if key is None:
        return OTHER_HEADINGS.get(language, OTHER_HEADINGS[SOURCE_LANGUAGE])
    known = SECTION_HEADINGS.get(key)
    if known is not None:
        return known.get(language, known[SOURCE_LANGUAGE])
    assert name is not None
    words = re.split(r"[\s_\-]+", name.strip())
    return " ".join(word[:1].upper() + word[1:] for word in words if word)


def edition_date(value: str | None, language: str = SOURCE_LANGUAGE) -> str | None:
    """A publication date as an edition shows it (``5 декабря 2026 г.``); None when ``value``
    is no date this can read (it is then left out, never printed raw)."""
    moment = parse_moment(value)
    if moment is None:
        return None
    locale = babel_locale(language_display(language)["html_lang"])
    return format_date(moment.date(), format="long", locale=locale)


def parse_moment(value: str | None) -> datetime | None:
    """An ISO 8601 date or timestamp, or an RFC 2822 one (feeds), as a naive UTC datetime."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def reading_minutes(text: str) -> int:
    """Minutes an adult takes to read ``text`` silently, rounded up, at least 1.

    Spaced words count at :data:`WORDS_PER_MINUTE`; Han characters and kana (Chinese, Japanese)
    one by one at :data:`CHARACTERS_PER_MINUTE`, so mixed text is timed part by part.
    """
    characters = len(_CJK_CHARACTER.findall(text))
    words = sum(1 for word in _CJK_CHARACTER.sub(" ", text).split() if _has_letters(word))
    minutes = words / WORDS_PER_MINUTE + characters / CHARACTERS_PER_MINUTE
    return max(1, math.ceil(minutes))


def _has_letters(word: str) -> bool:
    """Whether a whitespace-separated token is a word (not a lone dash or bullet)."""
    return any(char.isalnum() for char in word)


def _story_rank(outcome: ArticleOutcome) -> tuple[int, int, float]:
    """Sort key within a section (the sort is stable, so input order breaks ties)."""
    article = outcome.article
    moment = parse_moment(article.published)
    dated = 0 if moment is not None else 1
    newest_first = -_ordinal(moment) if moment is not None else 0.0
    return (-(article.priority or 0), dated, newest_first)


def _ordinal(moment: datetime) -> float:
    """Seconds since year 1: comparable for every date, unlike a timestamp before 1970."""
    return (moment - datetime(1, 1, 1)).total_seconds()


def _anchor(key: str | None, used: set[str]) -> str:
    """A unique ``section-…`` fragment id for a section's heading."""
    base = "section-" + (slugify(key, max_length=40) or "x") if key is not None else "section-more"
    anchor, number = base, 2
    while anchor in used:
        anchor = f"{base}-{number}"
        number += 1
    used.add(anchor)
    return anchor
