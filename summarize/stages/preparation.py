"""Preparing a run: each article's language, its finished work from the cache, and the plan
of the models still needed, checked before any weights load."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from summarize.core.cache import WorkCache
from summarize.core.config import RunConfig
from summarize.core.errors import ConfigError
from summarize.core.languages import DEFAULT_SUMMARY_MODEL, ENGLISH, licence_notices
from summarize.core.records import Article
from summarize.engines.backends import dtype_notices
from summarize.engines.families import Summaries, family_of
from summarize.engines.generation import ModelInfo
from summarize.engines.hub import HubCheck
from summarize.stages.caching import take_cached
from summarize.stages.context import StageContext
from summarize.stages.keys import LANGUAGE_ENTRY, language_key
from summarize.stages.pivot import PivotStage
from summarize.stages.plan import (
    StagePlan,
    engine_choice,
    plan_pivots,
    plan_translations,
    translation_models,
)
from summarize.stages.stage import Stage
from summarize.stages.summary import SummaryStage
from summarize.stages.translation import TranslationStage
from summarize.stages.work import WorkItem
from summarize.text.detection import detect_language, detector_id

logger = logging.getLogger(__name__)


def prepare(
    config: RunConfig, articles: Sequence[Article], context: StageContext
) -> tuple[list[WorkItem], StagePlan]:
    """Detect languages, take finished work from the cache and check every model still needed.

    Everything that can fail on configuration fails here, before any weights load; models whose
    work is all cached are not even looked at.
    """
    from summarize.engines import transformers_engine as engine  # imports torch: only to run

    device, cache, sources = context.device, context.cache, context.sources
    work = [WorkItem(article) for article in articles]
    detected = _set_languages(work, cache, config)
    used = _models_in_use(config, work)
    for notice in licence_notices(used):
        logger.warning(notice)

    hub = HubCheck()  # a model to download, with no Hub to answer, fails now, not after retries

    def inspect(name: str) -> ModelInfo:
        location, revision = sources.locate(name)
        hub.require(location, revision)
        info = engine.inspect_model(location, revision)
        # Inspecting a Hub id fetches it (or a newer commit) when online: the work this run
        # computes with it is keyed by the commit now in the cache, not the one (or none)
        # seen before.
        context.identities.pop(name, None)
        return info

    take_cached(work, context)

    summary_info = (
        inspect(config.summary_model) if any(item.summary is None for item in work) else None
    )
    if summary_info is not None:
        _check_summariser(summary_info)
    summary_choice = (
        engine_choice(
            config.engine,
            config.summary_model,
            summary_info,
            device,
            config.revisions.get(config.summary_model),
        )
        if summary_info
        else None
    )
    pivot_plans = plan_pivots(work, inspect, config.engine, device, revisions=config.revisions)
    # A headline still to translate needs the model too (an article's English headline may
    # come from the pivot stage of this run).
    languages_left = [
        code
        for code in config.languages
        if any(
            code not in item.translations
            or (code not in item.headlines and item.article.title.strip())
            for item in work
        )
    ]
    plans = plan_translations(config, inspect, languages_left, device=device)
    for key, value in detected.items():
        cache.put(key, value)
    revisions = {model: sources.revision_used(model) for model in used}
    stage_plan = StagePlan(summary_info, summary_choice, pivot_plans, plans, revisions)
    choices = stage_plan.engines(config.summary_model)
    for model, choice in choices.items():
        if choice.notice:  # once per model, however many stages use it
            logger.warning("running %s with transformers: %s", model, choice.fallback_reason)
    engines = {choice.engine for choice in choices.values()}
    for notice in dtype_notices(engines, device, config.dtype):
        logger.warning(notice)
    return work, stage_plan


def _check_summariser(info: ModelInfo) -> None:
    """Refuse a translation model given as the summary model; warn where its family may be."""
    family = family_of(info.model_type)
    if family.summaries is Summaries.NO:
        raise ConfigError(
            f"--summary-model {info.name!r} is a {family.name} translation model, which cannot "
            f"summarise; pass a summariser such as {DEFAULT_SUMMARY_MODEL} (the default), and "
            "give translation models with --translation-model"
        )
    if family.summaries is Summaries.UNSURE:
        logger.warning(
            "--summary-model %s is a %s model, a family most of whose checkpoints translate "
            "rather than summarise; if its summaries are translations, pass a summariser such "
            "as %s",
            info.name,
            family.name,
            DEFAULT_SUMMARY_MODEL,
        )


def _models_in_use(config: RunConfig, work: Sequence[WorkItem]) -> list[str]:
    """Every model the run's configuration and articles call for, each once, in stage order."""
    pivots = [item.pivot_model for item in work if item.pivot_model]
    return list(dict.fromkeys([*pivots, config.summary_model, *translation_models(config)]))


def _set_languages(
    work: Sequence[WorkItem], cache: WorkCache, config: RunConfig
) -> dict[str, dict[str, str]]:
    """Detect (or take from the config) each article's language and the model to pivot with.

    Returns the new detections to cache: they are saved once the models check out, so a run
    stopped by a configuration error leaves the output folder untouched.
    """
    detected: dict[str, dict[str, str]] = {}
    detector = detector_id()
    for item in work:
        if config.source_language != "auto":
            item.language = config.source_language
        else:
            key = language_key(item.article.text, detector)
            cached = cache.get(key, LANGUAGE_ENTRY)
            if cached is not None:
                item.language = cached["language"]
            else:
                item.language = detect_language(item.article.text) or ENGLISH.code
                detected[key] = {"language": item.language}
        if item.language != ENGLISH.code:
            item.pivot_model = config.source_model_for(item.language)
            logger.info(
                "%s is in %s: translating it into English with %s first",
                item.article.source,
                item.language,
                item.pivot_model,
            )
    return detected


def plan_stages(plan: StagePlan) -> list[Stage]:
    """The stages a plan calls for, in the order they run: pivot, summarise, translate."""
    stages: list[Stage] = [PivotStage(pivot) for pivot in plan.pivots]
    if plan.summary_info is not None and plan.summary_choice is not None:
        stages.append(SummaryStage(plan.summary_info, plan.summary_choice))
    return stages + [TranslationStage(translation) for translation in plan.translations]
