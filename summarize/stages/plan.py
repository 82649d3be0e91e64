"""Planning a run: languages, finished work from the cache, and the models still needed, checked
before any weights load."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from summarize.core.cache import WorkCache
from summarize.core.config import RunConfig
from summarize.core.errors import ConfigError, ModelLoadError
from summarize.core.languages import ENGLISH, Language, get_language, licence_notices
from summarize.core.records import Article
from summarize.engines.backends import (
    EngineChoice,
    choose_engine,
    dtype_notices,
)
from summarize.engines.generation import ModelInfo, Target
from summarize.engines.hub import HubCheck, model_folder
from summarize.stages.caching import (
    take_cached_pivots,
    take_cached_summaries,
    take_cached_translations,
)
from summarize.stages.context import StageContext
from summarize.stages.keys import (
    LANGUAGE_ENTRY,
    language_key,
)
from summarize.stages.translator import (
    check_model_languages,
    resolve_target,
)
from summarize.stages.work import (
    WorkItem,
)
from summarize.text.detection import detect_language, detector_id

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TranslationPlan:
    """One translation model and the languages it serves (loaded once for all of them)."""

    model: str
    #: Language code -> how to ask the model for it.
    targets: dict[str, Target]
    #: The engine the model runs on.
    choice: EngineChoice = EngineChoice("transformers")


@dataclass(frozen=True)
class StagePlan:
    """Which models a run's remaining work needs, checked before any weights load."""

    #: The summariser, when some article still needs a summary.
    summary_info: ModelInfo | None
    summary_choice: EngineChoice | None
    #: Models translating non-English articles into English, one plan per model.
    pivots: list[TranslationPlan]
    #: Models translating summaries, one plan per model.
    translations: list[TranslationPlan]
    #: Every model the run calls for -> the revision (commit) it loads at; None: a local folder.
    revisions: dict[str, str | None] = field(default_factory=dict)

    def engines(self, summary_model: str) -> dict[str, EngineChoice]:
        """Model id -> the engine it runs on, for every model this plan loads."""
        engines = {plan.model: plan.choice for plan in [*self.pivots, *self.translations]}
        if self.summary_choice is not None:
            engines[summary_model] = self.summary_choice
        return engines


def prepare(
    config: RunConfig, articles: Sequence[Article], context: StageContext
) -> tuple[list[WorkItem], StagePlan]:
    """Detect languages, take finished work from the cache and check every model still needed.

    Everything that can fail on configuration fails here, before any weights load; models whose
    work is all cached are not even looked at.
    """
    from summarize.engines import transformers_engine as engine

    device, cache, sources = context.device, context.cache, context.sources
    work = [WorkItem(article) for article in articles]
    detected = _set_languages(work, cache, config)
    used = _models_in_use(config, work)
    for notice in licence_notices(used):
        logger.warning(notice)

    hub = HubCheck()  # a model to download, with no Hub to answer, fails now, not in ~25 s

    def inspect(name: str) -> ModelInfo:
        location, revision = sources.locate(name)
        hub.require(location, revision)
        info = engine.inspect_model(location, revision)
        # Inspecting a Hub id fetches it (or a newer commit) when online: the work this run
        # computes with it is keyed by the commit now in the cache, not the one (or none)
        # seen before.
        context.identities.pop(name, None)
        return info

    take_cached_summaries(work, context)
    take_cached_translations(work, context)
    take_cached_pivots(work, context)

    summary_info = (
        inspect(config.summary_model) if any(item.summary is None for item in work) else None
    )
    summary_choice = (
        _choose(
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
    languages_left = [
        code for code in config.languages if any(code not in item.translations for item in work)
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


def _choose(
    engine: str, model: str, info: ModelInfo, device: str, revision: str | None
) -> EngineChoice:
    """The engine ``model`` runs on, judged by its type, the device and its checkpoint's files
    where they are on this machine (they are once ``info`` has been read)."""
    # info.name is where the model loads from (a Hub id, a folder, an exported copy); a folder
    # is its own files whatever the revision.
    try:
        folder = model_folder(info.name, revision, local_only=True)
    except ModelLoadError:
        folder = None  # not judged now; a conversion that fails at load time still falls back
    return choose_engine(engine, info.model_type, device, model=model, folder=folder)


def plan_translations(
    config: RunConfig,
    inspect: Callable[[str], ModelInfo],
    languages: Sequence[str] | None = None,
    *,
    device: str = "cpu",
) -> list[TranslationPlan]:
    """Group languages by model and check each model can produce its languages."""
    plans = []
    for model, codes in translation_models(config, languages).items():
        info = inspect(model)
        plans.append(
            TranslationPlan(
                model=model,
                targets=check_model_languages(info, codes),
                choice=_choose(config.engine, model, info, device, config.revisions.get(model)),
            )
        )
    return plans


def translation_models(
    config: RunConfig, languages: Sequence[str] | None = None
) -> dict[str, list[str]]:
    """Translation model -> the languages (of ``languages``, default all) it translates into."""
    languages_by_model: dict[str, list[str]] = {}
    for code in config.languages if languages is None else languages:
        languages_by_model.setdefault(config.translation_model_for(code), []).append(code)
    return languages_by_model


def _models_in_use(config: RunConfig, work: Sequence[WorkItem]) -> list[str]:
    """Every model the run's configuration and articles call for, each once, in stage order."""
    pivots = [item.pivot_model for item in work if item.pivot_model]
    return list(dict.fromkeys([*pivots, config.summary_model, *translation_models(config)]))


def plan_pivots(
    work: Sequence[WorkItem],
    inspect: Callable[[str], ModelInfo],
    engine: str,
    device: str,
    *,
    revisions: Mapping[str, str] | None = None,
) -> list[TranslationPlan]:
    """Models translating the non-English articles still to summarise, grouped by model.

    A plan's targets are keyed by *source* language: each serves one language into English.
    """
    languages_by_model: dict[str, set[str]] = {}
    for item in work:
        if item.pivot_model and item.summary is None and item.english_text is None:
            languages_by_model.setdefault(item.pivot_model, set()).add(item.language)
    plans = []
    # Every missing model is named at once, so one look at the message fixes them all.
    missing: list[str] = []
    for model, codes in languages_by_model.items():
        try:
            info = inspect(model)
        except ModelLoadError as error:
            names = ", ".join(f"{_source(code).name} ({code})" for code in sorted(codes))
            flags = " or ".join(f"--source-model {code}=MODEL" for code in sorted(codes))
            missing.append(
                f"articles in {names} are translated into English before summarising, "
                f"with {model!r}. {error}\nOr pass {flags}."
            )
            continue
        # The default advice (--translation-model) has no effect on this stage.
        targets = {
            code: resolve_target(
                info,
                ENGLISH,
                source=_source(code),
                fix=f"pass --source-model {code}=MODEL with a model that translates {code} "
                "into English, or --source-language en to summarise every article as English",
            )
            for code in sorted(codes)
        }
        revision = (revisions or {}).get(model)
        plans.append(
            TranslationPlan(
                model=model, targets=targets, choice=_choose(engine, model, info, device, revision)
            )
        )
    if missing:
        raise ModelLoadError(
            "\n\n".join(missing)
            + "\n\nOr pass --source-language en to summarise every article as English."
        )
    return plans


def _source(code: str) -> Language:
    """A detected language as a source; one our tables can't describe passes as English."""
    try:
        return get_language(code)
    except ConfigError:
        return ENGLISH


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
