"""The translation stage: summaries translated into the languages one model serves."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from summarize.core.progress import Progress
from summarize.engines.generation import Engine
from summarize.quality import SentencePair, retry_suspects
from summarize.stages.context import StageContext
from summarize.stages.keys import TRANSLATION_ENTRY, translation_entry, translation_key
from summarize.stages.loading import sentence_engine
from summarize.stages.plan import TranslationPlan
from summarize.stages.stage import (
    TRANSLATION_WAVE,
    Finished,
    Stage,
    Wave,
    chunks,
    nothing_to_keep,
    retry_singly,
)
from summarize.stages.translator import ModelTranslator, join_sentences
from summarize.stages.work import WorkItem, cached_pairs, share_time

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TranslationStage(Stage):
    """Translates summaries with one model into each language it serves."""

    plan: TranslationPlan
    role = "translation model"
    wave_size = TRANSLATION_WAVE

    @property
    def label(self) -> str:
        return f"translating ({', '.join(self.plan.targets)})"

    def waiting(self, work: Sequence[WorkItem]) -> list[WorkItem]:
        """Articles whose summary is still to translate into any of the model's languages."""
        return [item for item in work if any(_needs(item, code) for code in self.plan.targets)]

    def waves(self, work: Sequence[WorkItem]) -> Iterator[Wave]:
        # Who waits for each language is settled first: an article that fails in one
        # language is still translated into the others.
        targets = self.plan.targets
        pending = {code: [item for item in work if _needs(item, code)] for code in targets}
        for code, items in pending.items():
            for wave in chunks(items, self.wave_size):
                yield Wave(wave, code)

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
        code = wave.language
        assert code is not None
        translator = ModelTranslator(model, self.plan.targets, progress=progress)
        retry = context.config.retry_suspect

        def settle(item: WorkItem, pairs: list[SentencePair]) -> None:
            item.translations[code] = join_sentences(pairs, code)
            item.sentences[code], item.computed = pairs, True
            finished(item)

        def attempt(items: list[WorkItem]) -> None:
            # A retry after a failed batch skips what the batch settled before it failed.
            items = [item for item in items if _needs(item, code)]
            if not items:
                return
            started = time.perf_counter()
            texts = [item.summary.text for item in items if item.summary is not None]
            translated = translator.translate_sentences(
                texts,
                code,
                # With --retry-suspect a translation is final only after the retries.
                on_text=None if retry else lambda index, pairs: settle(items[index], pairs),
            )
            if retry:
                translated, replaced = retry_suspects(
                    translated, code, lambda sentences: translator.retranslate(sentences, code)
                )
                logger.info("%s: %d flagged sentence(s) replaced by a retry", code, replaced)
            seconds = time.perf_counter() - started
            share_time(items, f"translation:{code}", seconds, [len(t) for t in texts])
            for item, pairs in zip(items, translated, strict=True):
                if code not in item.translations:
                    settle(item, pairs)

        def fail(item: WorkItem, error: Exception) -> None:
            logger.debug("translating %s failed", item.article.source, exc_info=True)
            item.failure = f"translating into {code} failed: {error}"
            logger.warning("%s: %s", item.article.source, item.failure)

        retry_singly(wave.items, attempt, fail)

    @staticmethod
    def restore(item: WorkItem, context: StageContext) -> None:
        if item.summary is None:
            return
        for code in context.config.languages:
            cached = context.cache.get(
                translation_key(item.summary.text, code, context), TRANSLATION_ENTRY
            )
            if cached is not None:
                item.translations[code] = cached["text"]
                pairs = cached_pairs(cached.get("sentences"))
                if pairs is not None:
                    item.sentences[code] = pairs

    @staticmethod
    def entries(item: WorkItem, context: StageContext) -> dict[str, dict[str, Any]]:
        if item.summary is None:
            return {}
        return {
            translation_key(item.summary.text, code, context): translation_entry(
                text, item.sentences.get(code)
            )
            for code, text in item.translations.items()
        }


def _needs(item: WorkItem, language: str) -> bool:
    """Whether ``item``'s summary is still to translate into ``language``."""
    return item.summary is not None and item.failure is None and language not in item.translations
