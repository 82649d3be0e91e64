"""Credits: every model a briefing used, what for, and its licence."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from babel import Locale

from summarize.core.languages import model_licence
from summarize.core.records import (
    Briefing,
)
from summarize.outputs.locales import language_name_in
from summarize.outputs.messages import Messages
from summarize.outputs.results import models_record

#: Where a known model's card (and full licence terms) can be read.
_MODEL_CARD_URL = "https://huggingface.co/{model}"


def licence_terms(model: str) -> tuple[str | None, str | None, str | None]:
    """(licence, condition message key, model card URL) of a model; Nones when unknown."""
    known = model_licence(model)
    if known is None:
        return None, None, None
    licence, note = known
    return licence, note, _MODEL_CARD_URL.format(model=quote(model, safe="/"))


def model_credits(briefing: Briefing, t: Messages, locale: Locale) -> list[dict[str, Any]]:
    """Every model the briefing used, what for (in the page's language) and its licence."""
    run = briefing.run
    models = models_record(run)
    rows: list[tuple[str, str]] = []
    if models["summary"] is not None:
        rows.append((t("summary_model"), models["summary"]))
    for code, model in models["translation"].items():
        rows.append((t("translation_model", language=language_name_in(locale, code)), model))
    pivots: dict[tuple[str, str], None] = {}
    for outcome in briefing.results:
        if outcome.pivot_model:
            pivots[(outcome.language, outcome.pivot_model)] = None
    for code, model in pivots:
        rows.append((t("pivot_model", language=language_name_in(locale, code)), model))
    for key, model in models.items():
        if key not in ("summary", "translation"):
            rows.append((key, model))
    credits = []
    for stage, model in rows:
        licence, note, url = licence_terms(model)
        credits.append(
            {
                "stage": stage,
                "model": model,
                "licence": licence,
                "note": t(note) if note else None,
                "url": url,
            }
        )
    return credits
