"""The translation stage: summaries and headlines translated into the languages one model
serves."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from summarize.core.errors import WriteFailed
from summarize.core.languages import ENGLISH
from summarize.core.progress import Progress
from summarize.core.records import LanguageUnavailable
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
from summarize.stages.work import WorkItem, cached_pairs, headline_source, share_time

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TranslationStage(Stage):
    """Translates summaries with one model into each language it serves."""

    plan: TranslationPlan
    #: Languages it has translated at least one article into in this run: a model that then
    #: fails on every article of a wave is not at fault for all of its language.
    reached: set[str] = field(default_factory=set, compare=False, repr=False)
    role = "translation model"
    wave_size = TRANSLATION_WAVE

    @property
    def label(self) -> str:
        return f"translating ({', '.join(self.plan.targets)})"

    @property
    def editions(self) -> tuple[str, ...]:
        return tuple(self.plan.targets)

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
        if code in context.unavailable:
            return
        translator = ModelTranslator(model, self.plan.targets, progress=progress)
        attempted = [item for item in wave.items if _needs(item, code)]
        failed: list[tuple[WorkItem, Exception]] = []
        retry = context.config.retry_suspect

        def settle(item: WorkItem, pairs: list[SentencePair]) -> None:
            item.translations[code] = join_sentences(pairs, code)
            item.sentences[code], item.computed = pairs, True
            self.reached.add(code)
            finished(item)

        def settle_headline(item: WorkItem, pairs: list[SentencePair]) -> None:
            item.headlines[code] = join_sentences(pairs, code)
            item.headline_sentences[code], item.computed = pairs, True
            finished(item)

        def attempt(items: list[WorkItem], headlines: bool = True) -> None:
            # A retry after a failed batch skips what the batch settled before it failed.
            items = [item for item in items if _needs(item, code)]
            summaries = [item for item in items if code not in item.translations]
            titled = [item for item in items if headlines and _needs_headline(item, code)]
            if not summaries and not titled:
                return
            started = time.perf_counter()
            # Headlines go in the same call as the summaries, so their sentences share the
            # length-sorted batches.
            texts = [item.summary.text for item in summaries if item.summary is not None]
            texts += [headline_source(item) or "" for item in titled]
            units = [
                *((item, settle) for item in summaries),
                *((i, settle_headline) for i in titled),
            ]
            translated = translator.translate_sentences(
                texts,
                code,
                # With --retry-suspect a translation is final only after the retries.
                on_text=None
                if retry
                else lambda index, pairs: units[index][1](units[index][0], pairs),
            )
            if retry:
                translated, replaced = retry_suspects(
                    translated, code, lambda sentences: translator.retranslate(sentences, code)
                )
                logger.info("%s: %d flagged sentence(s) replaced by a retry", code, replaced)
            seconds = time.perf_counter() - started
            share_time(
                [item for item, _ in units], f"translation:{code}", seconds, [len(t) for t in texts]
            )
            for (item, keep), pairs in zip(units, translated, strict=True):
                done = item.translations if keep is settle else item.headlines
                if code not in done:
                    keep(item, pairs)

        def fail(item: WorkItem, error: Exception) -> None:
            if code not in item.translations and _needs_headline(item, code):
                try:  # the headline alone may be at fault: the summary is what must not fail
                    attempt([item], headlines=False)
                except WriteFailed:
                    raise  # a disk that cannot be written stops the run (see retry_singly)
                except Exception as retried:
                    error = retried
            if code in item.translations:
                logger.debug("translating %s's headline failed", item.article.source, exc_info=True)
                logger.warning(
                    "%s: its headline could not be translated into %s (%s); its pages show "
                    "the original",
                    item.article.source,
                    code,
                    error,
                )
                return
            logger.debug("translating %s failed", item.article.source, exc_info=True)
            failed.append((item, error))

        retry_singly(wave.items, attempt, fail)
        if failed and len(failed) == len(attempted) and code not in self.reached:
            # Every article failed, one at a time too: the model is at fault, not them.
            error = failed[0][1]
            detail = (
                f"the {self.role} {self.plan.model} failed on every article it translated into "
                f"{code}, so this run has no {code} edition: {str(error).strip() or repr(error)}"
            )
            context.unavailable[code] = LanguageUnavailable(code, "model_failed", detail)
            logger.error("%s", detail)
            return
        for item, error in failed:
            item.failure = f"translating into {code} failed: {error}"
            logger.warning("%s: %s", item.article.source, item.failure)

    @staticmethod
    def restore(item: WorkItem, context: StageContext) -> None:
        texts = {
            "summary": item.summary.text if item.summary is not None else None,
            # Known once the pivot stage's units are restored (see caching.CACHED_STAGES).
            "headline": headline_source(item),
        }
        for kind, text in texts.items():
            if text is None:
                continue
            done, sentences = (
                (item.translations, item.sentences)
                if kind == "summary"
                else (item.headlines, item.headline_sentences)
            )
            for code in context.config.languages:
                cached = context.cache.get(translation_key(text, code, context), TRANSLATION_ENTRY)
                if cached is not None:
                    done[code] = cached["text"]
                    pairs = cached_pairs(cached.get("sentences"))
                    if pairs is not None:
                        sentences[code] = pairs

    @staticmethod
    def entries(item: WorkItem, context: StageContext) -> dict[str, dict[str, Any]]:
        if item.summary is None:
            return {}
        found = {
            translation_key(item.summary.text, code, context): translation_entry(
                text, item.sentences.get(code)
            )
            for code, text in item.translations.items()
        }
        source = headline_source(item)
        if source is not None:
            # A headline is a text like any other: keyed as the translation of its text.
            found |= {
                translation_key(source, code, context): translation_entry(
                    text, item.headline_sentences.get(code)
                )
                for code, text in item.headlines.items()
                if code != ENGLISH.code
            }
        return found


def _needs_headline(item: WorkItem, language: str) -> bool:
    """Whether ``item``'s headline is still to translate into ``language``."""
    return language not in item.headlines and headline_source(item) is not None


def _needs(item: WorkItem, language: str) -> bool:
    """Whether ``item``'s summary (or its headline) is still to translate into ``language``."""
    return (
        item.summary is not None
        and item.failure is None
        and (language not in item.translations or _needs_headline(item, language))
    )
