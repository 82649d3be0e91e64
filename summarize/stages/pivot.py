"""The pivot stage: non-English articles (and their headlines) translated into English before
summarising."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from summarize.core.errors import WriteFailed
from summarize.core.languages import ENGLISH
from summarize.core.progress import Progress
from summarize.engines.generation import Engine
from summarize.quality import SentencePair
from summarize.stages.context import StageContext
from summarize.stages.keys import PIVOT_ENTRY, headline_pivot_key, pivot_key
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
from summarize.stages.work import WorkItem, needs_english_headline, share_time

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
        """Articles in ``language`` whose text or headline is still to translate into English
        with this model."""
        return [
            item
            for item in work
            if item.pivot_model == self.plan.model
            and item.language == language
            and item.failure is None
            and (_needs_text(item) or needs_english_headline(item))
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

        def settle_headline(item: WorkItem, pairs: list[SentencePair]) -> None:
            item.headlines[ENGLISH.code] = join_sentences(pairs, ENGLISH.code)
            item.computed = True
            finished(item)

        def attempt(items: list[WorkItem], headlines: bool = True) -> None:
            # A retry after a failed batch skips what the batch settled before it failed.
            items = [item for item in items if item.failure is None]
            texts = [item for item in items if _needs_text(item)]
            titled = [item for item in items if headlines and needs_english_headline(item)]
            if not texts and not titled:
                return
            started = time.perf_counter()
            # The headlines share the articles' call, so their sentences share its batches.
            units = [*((item, settle) for item in texts), *((i, settle_headline) for i in titled)]
            sources = [item.article.text for item in texts] + [i.article.title for i in titled]
            english = translator.translate_sentences(
                sources,
                ENGLISH.code,
                on_text=lambda index, pairs: units[index][1](units[index][0], pairs),
            )
            share_time(
                [item for item, _ in units],
                "pivot",
                time.perf_counter() - started,
                [len(source) for source in sources],
            )
            for (item, keep), pairs in zip(units, english, strict=True):
                if (
                    item.english_text if keep is settle else item.headlines.get(ENGLISH.code)
                ) is None:
                    keep(item, pairs)

        def fail(item: WorkItem, error: Exception) -> None:
            if _needs_text(item) and needs_english_headline(item):
                try:  # the headline alone may be at fault: the text is what must not fail
                    attempt([item], headlines=False)
                except WriteFailed:
                    raise  # a disk that cannot be written stops the run (see retry_singly)
                except Exception as retried:
                    error = retried
            if not _needs_text(item):
                logger.debug("translating %s's headline failed", item.article.source, exc_info=True)
                logger.warning(
                    "%s: its headline could not be translated into English (%s); its pages "
                    "show the original",
                    item.article.source,
                    error,
                )
                return
            _fail(item, error)

        retry_singly(wave.items, attempt, fail)

    @staticmethod
    def restore(item: WorkItem, context: StageContext) -> None:
        if not item.pivot_model:
            return
        if item.summary is None:
            cached = context.cache.get(pivot_key(item, context), PIVOT_ENTRY)
            if cached is not None:
                item.english_text = cached["text"]
        if needs_english_headline(item):
            cached = context.cache.get(headline_pivot_key(item, context), PIVOT_ENTRY)
            if cached is not None:
                item.headlines[ENGLISH.code] = cached["text"]

    @staticmethod
    def entries(item: WorkItem, context: StageContext) -> dict[str, dict[str, Any]]:
        if not item.pivot_model:
            return {}
        found = {}
        if item.english_text is not None:
            found[pivot_key(item, context)] = {"text": item.english_text}
        if ENGLISH.code in item.headlines:
            found[headline_pivot_key(item, context)] = {"text": item.headlines[ENGLISH.code]}
        return found


def _needs_text(item: WorkItem) -> bool:
    """Whether the article's text is still to translate into English (to be summarised)."""
    return item.summary is None and item.english_text is None


def _fail(item: WorkItem, error: Exception) -> None:
    logger.debug("translating %s into English failed", item.article.source, exc_info=True)
    item.failure = f"translating the article into English failed: {error}"
    logger.warning("%s: %s", item.article.source, item.failure)
