"""The pivot stage: non-English articles translated into English before summarising."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from summarize.core.languages import ENGLISH
from summarize.core.progress import Progress
from summarize.engines.generation import Engine
from summarize.quality import SentencePair
from summarize.stages.context import StageContext
from summarize.stages.keys import PIVOT_ENTRY, pivot_key
from summarize.stages.loading import sentence_engine
from summarize.stages.plan import TranslationPlan
from summarize.stages.stage import (
    SUMMARY_WAVE,
    Finished,
    Stage,
    Wave,
    chunks,
    nothing_to_keep,
    retry_singly,
)
from summarize.stages.translator import ModelTranslator, join_sentences
from summarize.stages.work import WorkItem, share_time

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PivotStage(Stage):
    """Translates articles into English with one model, each language it serves in turn."""

    plan: TranslationPlan
    role = "pivot model"
    wave_size = SUMMARY_WAVE

    @property
    def label(self) -> str:
        return f"translating articles into English ({', '.join(self.plan.targets)})"

    def waiting(self, work: Sequence[WorkItem]) -> list[WorkItem]:
        """Articles still to translate into English with this model, in any of its languages."""
        return [item for code in self.plan.targets for item in self.waiting_in(work, code)]

    def waiting_in(self, work: Sequence[WorkItem], language: str) -> list[WorkItem]:
        """Articles in ``language`` still to translate into English with this model."""
        return [
            item
            for item in work
            if item.pivot_model == self.plan.model
            and item.language == language
            and item.summary is None
            and item.english_text is None
            and item.failure is None
        ]

    def waves(self, work: Sequence[WorkItem]) -> Iterator[Wave]:
        for code in self.plan.targets:
            for items in chunks(self.waiting_in(work, code), self.wave_size):
                yield Wave(items, code)

    def load_model(self, context: StageContext) -> Engine:
        return sentence_engine(self.plan, context)

    def run_wave(
        self,
        wave: Wave,
        model: Engine,
        context: StageContext,
        progress: Progress,
        finished: Finished = nothing_to_keep,
    ) -> None:
        assert wave.language is not None
        translator = ModelTranslator(
            model,
            {ENGLISH.code: self.plan.targets[wave.language]},
            progress=progress,
            source_language=wave.language,
        )

        def settle(item: WorkItem, pairs: list[SentencePair]) -> None:
            item.english_text, item.computed = join_sentences(pairs, ENGLISH.code), True
            finished(item)

        def attempt(items: list[WorkItem]) -> None:
            # A retry after a failed batch skips what the batch settled before it failed.
            items = [item for item in items if item.english_text is None and item.failure is None]
            if not items:
                return
            started = time.perf_counter()
            english = translator.translate_sentences(
                [item.article.text for item in items],
                ENGLISH.code,
                on_text=lambda index, pairs: settle(items[index], pairs),
            )
            share_time(
                items, "pivot", time.perf_counter() - started, [len(i.article.text) for i in items]
            )
            for item, pairs in zip(items, english, strict=True):
                if item.english_text is None:
                    settle(item, pairs)

        retry_singly(wave.items, attempt, _fail)

    @staticmethod
    def restore(item: WorkItem, context: StageContext) -> None:
        if item.pivot_model and item.summary is None:
            cached = context.cache.get(pivot_key(item, context), PIVOT_ENTRY)
            if cached is not None:
                item.english_text = cached["text"]

    @staticmethod
    def entries(item: WorkItem, context: StageContext) -> dict[str, dict[str, Any]]:
        if not item.pivot_model or item.english_text is None:
            return {}
        return {pivot_key(item, context): {"text": item.english_text}}


def _fail(item: WorkItem, error: Exception) -> None:
    logger.debug("translating %s into English failed", item.article.source, exc_info=True)
    item.failure = f"translating the article into English failed: {error}"
    logger.warning("%s: %s", item.article.source, item.failure)
