"""An article's editorial metadata: its section, its publisher's name, a date from a file name.

Each value is a single clean line for readers (terminal- and HTML-safe as titles are; the
templates escape it): never a local file path.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from summarize.core.files import printable
from summarize.core.records import Article
from summarize.core.urls import display_host, safe_href
from summarize.inputs.cleanup import clean_line
from summarize.inputs.drafts import without_bidi
from summarize.inputs.files import InputFile

#: A section or publisher name longer than this (characters) is cut: it is a label on a card.
_NAME_MAX_CHARS = 80
#: ``2026-12-05`` or ``20261205`` in a file name, not inside a longer run of digits.
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})(?:-(\d{2})-(\d{2})|(\d{2})(\d{2}))(?!\d)")
#: Years a file-name date may have; other eight-digit runs (ids, counters) are not dates.
_NAME_YEARS = range(1900, 2100)
#: A JSONL priority outside this range is refused (a reading warning): it is a rank, not data.
_PRIORITY_LIMIT = 1_000_000


def with_metadata(draft: Article, item: InputFile | None) -> Article:
    """``draft`` with what the input left unset filled in from where it was found.

    The section comes from the input's sub-folder, the publisher's name from the URL's host,
    the publication date from a date in the file name; every name is made a clean label.
    """
    section = draft.section or (item.section if item else None)
    source_name = draft.source_name or host_name(draft.url)
    published = draft.published or (date_from_name(item.path.name) if item else None)
    return replace(
        draft,
        section=label(section),
        source_name=label(source_name),
        published=published,
    )


def label(text: str | None) -> str | None:
    """``text`` as a short label on one line without bidi controls; None when empty."""
    line = clean_line(without_bidi(printable(text))) if text else None
    if not line:
        return None
    if len(line) > _NAME_MAX_CHARS:
        line = line[: _NAME_MAX_CHARS - 1].rstrip() + "…"
    return line


def site_name(name: str | None) -> str | None:
    """A page's site name for readers; one given as a URL (it happens) becomes its host."""
    name = clean_line(name)
    if name and re.match(r"https?://", name, re.IGNORECASE):
        return host_name(name)
    return name


def host_name(url: str | None) -> str | None:
    """The host of an ``http(s)`` URL without ``www.``, as the pages show a link's host (a
    look-alike label in its ``xn--`` form); None for any URL the pages would not link."""
    href = safe_href(url)
    if href is None:
        return None
    host = display_host(urlsplit(href).hostname)
    if host and host.startswith("www."):
        host = host[4:]
    return host or None


def date_from_name(name: str) -> str | None:
    """The ISO date a file name carries (``2026-12-05-vote.txt``, ``20261205.jsonl``)."""
    for match in _NAME_DATE.finditer(name):
        year = int(match.group(1))
        month = int(match.group(2) or match.group(4))
        day = int(match.group(3) or match.group(5))
        if year not in _NAME_YEARS:
            continue
        try:
            return datetime.date(year, month, day).isoformat()
        except ValueError:
            continue
    return None


def parse_priority(value: Any) -> tuple[int | None, str | None]:
    """A JSONL ``priority`` as an int, or None and a warning saying why it was ignored."""
    if value is None:
        return None, None
    number: int | None = None
    whole_float = isinstance(value, float) and value.is_integer()
    digits = isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d{1,9}\s*", value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif whole_float or digits:
        number = int(value)
    if number is not None and abs(number) <= _PRIORITY_LIMIT:
        return number, None
    if isinstance(value, str):
        shown = label(value) or "empty"
    elif isinstance(value, (int, float)):
        shown = str(value)[:20]
    else:
        shown = type(value).__name__
    return None, (
        f"'priority' must be a whole number from -{_PRIORITY_LIMIT:,} to {_PRIORITY_LIMIT:,}, "
        f"got {shown[:40]!r}; ignored"
    )
