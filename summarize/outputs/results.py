"""results.jsonl: one record per article, with its models grouped by stage."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from summarize.core.records import (
    ArticleOutcome,
    RunInfo,
)
from summarize.quality import (
    warning_records,
)

#: Prefix of ``RunInfo.models`` keys naming a translation model: ``translation:<lang>``.
TRANSLATION_PREFIX = "translation:"


def result_record(outcome: ArticleOutcome, run: RunInfo) -> dict[str, Any]:
    """Build one done or cached article's ``results.jsonl`` record.

    Keys, in order: ``id``, ``title``, ``source``, ``url``, ``published``, ``summary``
    (English), ``translations`` (language code -> text, in ``run.languages`` order),
    ``headlines`` (language code -> the headline translated into it: ``en`` first for an
    article not in English, then ``run.languages`` order; a language it did not reach is absent),
    ``models`` (``{"summary": model, "translation": {lang: model}}``; any other stage keys of
    ``run.models`` are kept as they are), ``chunks``, ``language`` (the article's own),
    ``pivot`` (the model that translated it into English first, or null), ``slug``,
    ``warnings``: problems met reading it, then what the quality checks flagged, each as
    ``stage``, ``language``, ``kind``, ``detail`` (see :func:`quality.warning_records`), and
    ``also_reported_by``: the other outlets that carried the story (copies merged into this
    one), each ``{name, url}`` (either may be null), ``[]`` for most articles.
    """
    article, summary = outcome.article, outcome.summary
    assert summary is not None, "results.jsonl holds only articles with a summary"
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published,
        "summary": summary.text,
        "translations": dict(ordered_items(outcome.translations, run.languages)),
        "headlines": dict(ordered_items(outcome.headlines, ("en", *run.languages))),
        "models": models_record(run),
        "chunks": summary.chunks,
        "language": outcome.language,
        "pivot": outcome.pivot_model,
        "slug": article.slug,
        "warnings": warning_records(article.warnings, outcome.quality_warnings),
        # The other outlets that carried the story (copies merged into this one).
        "also_reported_by": [
            {"name": reference.name, "url": reference.url} for reference in article.also_reported_by
        ],
    }


def ordered_items(mapping: Mapping[str, str], order: tuple[str, ...]) -> list[tuple[str, str]]:
    """Items of ``mapping`` with keys in ``order`` first, then any others as they come."""
    items = [(key, mapping[key]) for key in order if key in mapping]
    items += [(key, value) for key, value in mapping.items() if key not in order]
    return items


def models_record(run: RunInfo) -> dict[str, Any]:
    """``RunInfo.models`` grouped by stage for results.jsonl."""
    translation = {
        key.removeprefix(TRANSLATION_PREFIX): model
        for key, model in run.models.items()
        if key.startswith(TRANSLATION_PREFIX)
    }
    record: dict[str, Any] = {
        "summary": run.models.get("summary"),
        "translation": dict(ordered_items(translation, run.languages)),
    }
    for key, model in run.models.items():
        if key != "summary" and not key.startswith(TRANSLATION_PREFIX):
            record[key] = model
    return record
