"""The review stage: the quality checks over a run's summarised articles, with no model."""

from __future__ import annotations

import logging
from collections.abc import Container, Sequence
from dataclasses import replace
from typing import Any

from summarize.core.languages import ENGLISH
from summarize.core.progress import Progress, silent_progress
from summarize.core.records import QualityWarning
from summarize.quality import check_article, check_translation
from summarize.stages.context import StageContext
from summarize.stages.keys import PIVOT_ENTRY, pivot_key
from summarize.stages.stage import Finished, Stage, Wave, nothing_to_keep
from summarize.stages.work import WorkItem, headline_source

logger = logging.getLogger(__name__)

#: The ``stage`` of a quality warning about a headline's translation.
HEADLINE_STAGE = "headline"


class ReviewStage(Stage):
    """Flags what the quality checks find; --strict fails the flagged articles."""

    @property
    def label(self) -> str:
        return "reviewing"

    def waiting(self, work: Sequence[WorkItem]) -> list[WorkItem]:
        """Every summarised article that has not failed, its units cached or not."""
        return [item for item in work if item.summary is not None and item.failure is None]

    def run_wave(
        self,
        wave: Wave,
        model: Any,
        context: StageContext,
        progress: Progress,
        finished: Finished = nothing_to_keep,
    ) -> None:
        for item in wave.items:
            _check(item, context)


def review(work: Sequence[WorkItem], context: StageContext) -> None:
    """Run the quality checks on every summarised article; --strict fails the flagged ones.

    The checks are cheap, so they run on every run, over cached work too, in one wave.
    """
    stage = ReviewStage()
    stage.run_wave(Wave(stage.waiting(work)), None, context, silent_progress("", 0))


def _check(item: WorkItem, context: StageContext) -> None:
    assert item.summary is not None
    unavailable = context.unavailable
    english = item.english_text
    if item.pivot_model and english is None:  # summary came from the cache
        cached = context.cache.get(pivot_key(item, context), PIVOT_ENTRY)
        english = cached["text"] if cached is not None else None
    item.quality_warnings = tuple(
        check_article(
            item.summary.text,
            [item.article.text] + ([english] if english else []),
            # A language the run could not produce is not published, nor checked.
            {code: text for code, text in item.translations.items() if code not in unavailable},
            item.sentences,
            # Names can only be compared with English text.
            names=item.pivot_model is None or english is not None,
        )
    ) + _check_headlines(item, unavailable)
    warnings = item.quality_warnings
    if warnings:
        logger.info("%s: %d quality warning(s)", item.article.source, len(warnings))
    if warnings and context.config.strict:
        item.failure = f"--strict: {len(warnings)} quality warning(s), first: " + (
            f"{warnings[0].stage} ({warnings[0].language}) {warnings[0].detail}"
        )


def _check_headlines(item: WorkItem, unavailable: Container[str]) -> tuple[QualityWarning, ...]:
    """The translation checks over the headline's translations, as stage ``headline``."""
    source = headline_source(item)
    if source is None:
        return ()
    return tuple(
        replace(warning, stage=HEADLINE_STAGE)
        for code, headline in item.headlines.items()
        if code != ENGLISH.code and code not in unavailable
        for warning in check_translation(source, headline, code, item.headline_sentences.get(code))
    )
