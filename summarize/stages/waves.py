"""The stages' loops: pivot, summarise, translate, wave by wave, one model at a time."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from summarize.core.languages import ENGLISH
from summarize.core.progress import Progress
from summarize.core.records import Article
from summarize.engines.backends import (
    EngineChoice,
)
from summarize.engines.generation import Engine, ModelInfo
from summarize.quality.checks import retry_suspects
from summarize.stages.context import StageContext
from summarize.stages.keys import (
    pivot_key,
    summary_key,
    translation_entry,
    translation_key,
)
from summarize.stages.loading import (
    load_or_fail,
    sentence_engine,
    summary_engine,
)
from summarize.stages.plan import (
    TranslationPlan,
)
from summarize.stages.summarizer import SummaryFailure, summarize_articles, summary_prefix
from summarize.stages.translator import (
    ModelTranslator,
    join_sentences,
)
from summarize.stages.work import (
    WorkItem,
    awaiting_pivot,
    awaiting_pivot_model,
    awaiting_summary,
    awaiting_translation,
    awaiting_translation_model,
    share_time,
    waves,
)

logger = logging.getLogger(__name__)


# Articles summarised (or summaries translated) between two saves to the cache: small enough
# that an interruption loses little work, large enough for well-filled, length-sorted batches.
SUMMARY_WAVE = 32


TRANSLATION_WAVE = 64


def summarise(
    work: Sequence[WorkItem], info: ModelInfo, choice: EngineChoice, context: StageContext
) -> None:
    pending = awaiting_summary(work)
    if not pending:
        return
    model = load_or_fail(partial(summary_engine, choice, context), pending, "summary model")
    if model is None:
        return
    bar = context.progress("summarising", 0)
    try:
        for wave in waves(pending, SUMMARY_WAVE):
            summarise_wave(wave, model, summary_prefix(info), context, bar)
    finally:
        bar.close()
        model.close()


def summarise_wave(
    wave: list[WorkItem], model: Engine, prefix: str, context: StageContext, bar: Progress
) -> None:
    started = time.perf_counter()
    try:
        outcomes = summarize_articles(
            [_english_article(item) for item in wave], model, prefix=prefix, progress=bar
        )
    except Exception as error:  # one bad input must not sink the others: retry one by one
        if len(wave) > 1:
            for item in wave:
                summarise_wave([item], model, prefix, context, bar)
            return
        logger.debug("summarising %s failed", wave[0].article.source, exc_info=True)
        outcomes = [SummaryFailure(wave[0].article.id, f"summarising failed: {error}")]
    share_time(wave, "summary", time.perf_counter() - started, [len(i.article.text) for i in wave])
    for item, outcome in zip(wave, outcomes, strict=True):
        if isinstance(outcome, SummaryFailure):
            item.failure = outcome.reason
            logger.warning("%s: %s", item.article.source, outcome.reason)
            continue
        item.summary, item.computed = outcome, True
        context.cache.put(
            summary_key(item, context), {"text": outcome.text, "chunks": outcome.chunks}
        )


def _english_article(item: WorkItem) -> Article:
    """The article as the summariser sees it: in English."""
    if item.english_text is None:
        return item.article
    return replace(item.article, text=item.english_text)


def pivot(
    work: Sequence[WorkItem], plans: Sequence[TranslationPlan], context: StageContext
) -> None:
    """Translate non-English articles into English, one model at a time."""
    for plan in plans:
        waiting = awaiting_pivot_model(work, plan)
        if not waiting:
            continue
        model = load_or_fail(partial(sentence_engine, plan, context), waiting, "pivot model")
        if model is None:
            continue
        bar = context.progress(f"translating articles into English ({', '.join(plan.targets)})", 0)
        try:
            for code, target in plan.targets.items():
                translator = ModelTranslator(
                    model, {ENGLISH.code: target}, progress=bar, source_language=code
                )
                items = awaiting_pivot(work, plan.model, code)
                for wave in waves(items, SUMMARY_WAVE):
                    pivot_wave(wave, translator, context)
        finally:
            bar.close()
            model.close()


def pivot_wave(wave: list[WorkItem], translator: ModelTranslator, context: StageContext) -> None:
    started = time.perf_counter()
    try:
        english = translator.translate([item.article.text for item in wave], ENGLISH.code)
    except Exception as error:  # one bad input must not sink the others: retry one by one
        if len(wave) > 1:
            for item in wave:
                pivot_wave([item], translator, context)
            return
        logger.debug("translating %s into English failed", wave[0].article.source, exc_info=True)
        wave[0].failure = f"translating the article into English failed: {error}"
        logger.warning("%s: %s", wave[0].article.source, wave[0].failure)
        return
    share_time(wave, "pivot", time.perf_counter() - started, [len(i.article.text) for i in wave])
    for item, text in zip(wave, english, strict=True):
        item.english_text, item.computed = text, True
        context.cache.put(pivot_key(item, context), {"text": text})


def translate(
    work: Sequence[WorkItem], plans: Sequence[TranslationPlan], context: StageContext
) -> None:
    for plan in plans:
        waiting = awaiting_translation_model(work, plan)
        if not waiting:
            continue
        pending = {code: awaiting_translation(waiting, code) for code in plan.targets}
        model = load_or_fail(partial(sentence_engine, plan, context), waiting, "translation model")
        if model is None:
            continue
        bar = context.progress(f"translating ({', '.join(plan.targets)})", 0)
        try:
            translator = ModelTranslator(model, plan.targets, progress=bar)
            for code, items in pending.items():
                for wave in waves(items, TRANSLATION_WAVE):
                    translate_wave(wave, code, translator, context)
        finally:
            bar.close()
            model.close()


def translate_wave(
    wave: list[WorkItem], code: str, translator: ModelTranslator, context: StageContext
) -> None:
    started = time.perf_counter()
    texts = [item.summary.text for item in wave if item.summary is not None]
    try:
        translated = translator.translate_sentences(texts, code)
        if context.config.retry_suspect:
            translated, replaced = retry_suspects(
                translated, code, lambda sentences: translator.retranslate(sentences, code)
            )
            logger.info("%s: %d flagged sentence(s) replaced by a retry", code, replaced)
    except Exception as error:  # one bad input must not sink the others: retry one by one
        if len(wave) > 1:
            for item in wave:
                translate_wave([item], code, translator, context)
            return
        logger.debug("translating %s failed", wave[0].article.source, exc_info=True)
        wave[0].failure = f"translating into {code} failed: {error}"
        logger.warning("%s: %s", wave[0].article.source, wave[0].failure)
        return
    share_time(wave, f"translation:{code}", time.perf_counter() - started, [len(t) for t in texts])
    for item, pairs, source in zip(wave, translated, texts, strict=True):
        text = join_sentences(pairs, code)
        item.translations[code], item.sentences[code], item.computed = text, pairs, True
        context.cache.put(translation_key(source, code, context), translation_entry(text, pairs))
