"""Planning a run: which models its remaining work needs and how each runs, checked before any
weights load."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from summarize.core.config import RunConfig
from summarize.core.errors import ConfigError, ModelLoadError
from summarize.core.languages import ENGLISH, Language, get_language
from summarize.engines.backends import EngineChoice, choose_engine
from summarize.engines.generation import ModelInfo, Target
from summarize.engines.hub import model_folder
from summarize.stages.translator import check_model_languages, resolve_target
from summarize.stages.work import WorkItem, needs_english_headline

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


def engine_choice(
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
                choice=engine_choice(
                    config.engine, model, info, device, config.revisions.get(model)
                ),
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
        if item.pivot_model and (
            (item.summary is None and item.english_text is None) or needs_english_headline(item)
        ):
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
                model=model,
                targets=targets,
                choice=engine_choice(engine, model, info, device, revision),
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
