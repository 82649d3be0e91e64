"""Finished units of work in and out of the cache."""

from __future__ import annotations

from collections.abc import Sequence

from summarize.core.records import Summary
from summarize.stages.context import StageContext
from summarize.stages.keys import (
    PIVOT_ENTRY,
    SUMMARY_ENTRY,
    TRANSLATION_ENTRY,
    pivot_key,
    summary_key,
    translation_entry,
    translation_key,
)
from summarize.stages.work import (
    WorkItem,
    cached_pairs,
)


def take_cached_pivots(work: Sequence[WorkItem], context: StageContext) -> None:
    for item in work:
        if item.pivot_model and item.summary is None:
            cached = context.cache.get(pivot_key(item, context), PIVOT_ENTRY)
            if cached is not None:
                item.english_text = cached["text"]


def take_cached_summaries(work: Sequence[WorkItem], context: StageContext) -> None:
    for item in work:
        cached = context.cache.get(summary_key(item, context), SUMMARY_ENTRY)
        if cached is not None:
            item.summary = Summary(item.article.id, cached["text"], cached["chunks"])


def take_cached_translations(work: Sequence[WorkItem], context: StageContext) -> None:
    for item in work:
        if item.summary is None:
            continue
        for code in context.config.languages:
            cached = context.cache.get(
                translation_key(item.summary.text, code, context), TRANSLATION_ENTRY
            )
            if cached is not None:
                item.translations[code] = cached["text"]
                pairs = cached_pairs(cached.get("sentences"))
                if pairs is not None:
                    item.sentences[code] = pairs


def save_finished(
    work: Sequence[WorkItem], before: Sequence[WorkItem], context: StageContext
) -> None:
    """Put the units a stage computed elsewhere (by Ray actors) into this run's cache.

    ``before`` holds the same articles as they were when the stage started: only what the stage
    added is written, so earlier stages' units are not written again.
    """
    for item, old in zip(work, before, strict=True):
        if item.pivot_model and item.english_text is not None and old.english_text is None:
            context.cache.put(pivot_key(item, context), {"text": item.english_text})
        if item.summary is None:
            continue
        summary = item.summary
        if old.summary is None:
            context.cache.put(
                summary_key(item, context), {"text": summary.text, "chunks": summary.chunks}
            )
        for code, text in item.translations.items():
            if code not in old.translations:
                context.cache.put(
                    translation_key(summary.text, code, context),
                    translation_entry(text, item.sentences.get(code)),
                )
