"""What the pages say about a run and its checks, in the reader's language: quality flags per
kind, the status line, and why a language is unavailable. English details stay in
results.jsonl and run.json."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from summarize.core.records import LanguageUnavailable, QualityWarning
from summarize.outputs.messages import Messages
from summarize.quality import UNSUPPORTED_NAME, UNSUPPORTED_NUMBER

#: Kinds whose finding (the numbers or names) a flag quotes: they read the same in any language.
_QUOTED_KINDS = frozenset({UNSUPPORTED_NUMBER, UNSUPPORTED_NAME})
#: The list at the end of a faithfulness check's detail: "numbers not in the article: 4.6, 12".
_FINDINGS = re.compile(r"not in the (?:article|English): ([^“”]+)$")


def flag_texts(warnings: Iterable[QualityWarning], t: Messages) -> list[str]:
    """One line per kind of finding, in ``t``'s language, in the order first found."""
    texts: dict[str, None] = {}
    for warning in warnings:
        key = f"flag_{warning.kind}"
        if key not in t.strings:
            texts[t("flag_other")] = None
            continue
        if warning.kind in _QUOTED_KINDS:
            found = _FINDINGS.search(warning.detail)
            if found:
                values = [value.strip() for value in found[1].split(", ") if value.strip()]
                texts[t(key, count=len(values), value=", ".join(values))] = None
                continue
            texts[t(f"{key}_unquoted")] = None
            continue
        texts[t(key)] = None
    return list(texts)


def status_line(
    t: Messages,
    *,
    articles: int,
    flagged: Sequence[str],
    failures: int,
    unavailable: Sequence[str],
) -> list[dict[str, Any]]:
    """The parts of a page's status line (``{text, fragment, about}``; fragment None: no link;
    about True: the fragment is on the "About this briefing" page, else on the edition's
    front page), or an empty list when all is well: nothing flagged, failed or unavailable."""
    if not (flagged or failures or unavailable):
        return []
    parts: list[dict[str, Any]] = [
        {"text": t("article_count", count=articles), "fragment": None, "about": False}
    ]
    if flagged:
        parts.append(
            {
                "text": t("status_flagged", count=len(flagged)),
                "fragment": "#" + flagged[0],
                "about": False,
            }
        )
    if failures:
        parts.append(
            {"text": t("status_failed", count=failures), "fragment": "#failures", "about": True}
        )
    if unavailable:
        parts.append(
            {
                "text": t("status_unavailable", count=len(unavailable)),
                "fragment": "#editions",
                "about": False,
            }
        )
    return parts


def unavailable_notice(
    unavailable: Mapping[str, LanguageUnavailable], language: str, t: Messages
) -> dict[str, str] | None:
    """What an unavailable language's edition says at its top (never the raw detail)."""
    entry = unavailable.get(language)
    if entry is None:
        return None
    key = f"unavailable_{entry.reason}"
    return {
        "title": t("unavailable_title"),
        "reason": t(key if key in t.strings else "unavailable_other"),
    }
