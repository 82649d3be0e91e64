"""Caching around the stages: finished units are taken from the cache before a stage runs and
put in as each engine batch finishes them, so an interrupted run resumes where it stopped."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from summarize.core.progress import Progress
from summarize.stages.context import StageContext
from summarize.stages.pivot import PivotStage
from summarize.stages.stage import Stage, Wave
from summarize.stages.summary import SummaryStage
from summarize.stages.translation import TranslationStage
from summarize.stages.work import WorkItem

#: Every kind of stage whose units are cached, in the order their units are taken: a cached
#: summary makes its article's pivot unneeded, translations are keyed by the summary, and a
#: headline's translations by its English from the pivot.
CACHED_STAGES: tuple[type[Stage], ...] = (SummaryStage, PivotStage, TranslationStage)


class Cached:
    """A stage whose every finished unit goes into the cache the moment its batch ends."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage

    def run_wave(self, wave: Wave, model: Any, context: StageContext, progress: Progress) -> None:
        """Run the wave, putting each unit it adds into the cache as soon as it is finished."""
        before = {id(item): set(self.stage.entries(item, context)) for item in wave.items}

        def keep(item: WorkItem) -> None:
            known = before.setdefault(id(item), set())
            for key, entry in self.stage.entries(item, context).items():
                if key not in known:
                    context.cache.put(key, entry)
                    known.add(key)

        self.stage.run_wave(wave, model, context, progress, keep)
        # A stage that settles some articles only at the end of the wave is caught up here.
        for item in wave.items:
            keep(item)


def take_cached(work: Sequence[WorkItem], context: StageContext) -> None:
    """Give every article what the cache holds of it, stage by stage."""
    for stage in CACHED_STAGES:
        for item in work:
            stage.restore(item, context)


def save_finished(
    work: Sequence[WorkItem], before: Sequence[WorkItem], context: StageContext
) -> None:
    """Put the units a stage computed elsewhere (by Ray actors) into this run's cache.

    ``before`` holds the same articles as they were when the stage started: only what the stage
    added is written, so earlier stages' units are not written again.
    """
    for item, old in zip(work, before, strict=True):
        for stage in CACHED_STAGES:
            known = stage.entries(old, context)
            for key, entry in stage.entries(item, context).items():
                if key not in known:
                    context.cache.put(key, entry)
