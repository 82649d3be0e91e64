"""Languages and dates as a page shows them: names, writing direction, Babel locale."""

from __future__ import annotations

import functools
from datetime import date, datetime

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from summarize.core.errors import ConfigError
from summarize.core.languages import SOURCE_LANGUAGE, get_language


def babel_locale(html_lang: str) -> Locale:
    """Babel locale of a BCP 47 tag, English when Babel doesn't know it."""
    try:
        return Locale.parse(html_lang, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en")


def language_name_in(locale: Locale, code: str) -> str:
    """A language's name in ``locale`` (``zh`` in Hungarian: kínai), else its English name."""
    return locale.languages.get(code) or language_display(code)["name"]


def long_date(value: str | None, locale: Locale) -> str | None:
    """An ISO 8601 date or timestamp as a long date of ``locale``; other text is kept as is."""
    day = parse_date(value)
    if day is None:
        return value
    return format_date(day, format="long", locale=locale)


def parse_date(value: str | None) -> date | None:
    """The calendar date of an ISO 8601 date or timestamp, else None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None


def language_display(code: str) -> dict[str, str]:
    """Display metadata of a language; an unknown code stands for itself.

    ``dir`` is the language's writing direction (``ltr``, ``rtl``; ``auto``, left to the
    browser, when Babel does not know it) for every element that carries its ``lang``.
    """
    if code == SOURCE_LANGUAGE:
        return {
            "code": code,
            "html_lang": "en",
            "name": "English",
            "native_name": "English",
            "dir": "ltr",
        }
    try:
        language = get_language(code)
    except ConfigError:
        return {
            "code": code,
            "html_lang": code,
            "name": code,
            "native_name": code,
            "dir": _direction(code),
        }
    return {
        "code": code,
        "html_lang": language.html_lang,
        "name": language.name,
        "native_name": language.native_name,
        "dir": _direction(language.html_lang),
    }


@functools.cache
def _direction(html_lang: str) -> str:
    """``rtl`` or ``ltr`` for a BCP 47 tag, as CLDR has it; ``auto`` when Babel doesn't know it."""
    try:
        return Locale.parse(html_lang, sep="-").text_direction
    except (UnknownLocaleError, ValueError, TypeError):
        return "auto"


def date_part(timestamp: str) -> str:
    """The calendar date of an ISO 8601 timestamp, or the timestamp itself if it isn't one."""
    try:
        return datetime.fromisoformat(timestamp).date().isoformat()
    except ValueError:
        return timestamp
