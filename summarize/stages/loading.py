"""Loading a stage's model with the run's settings; one that fails to load fails its articles,
or makes its languages unavailable."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from summarize.core.config import RunConfig
from summarize.core.records import LanguageUnavailable
from summarize.engines.backends import EngineChoice, load_engine
from summarize.engines.generation import Engine, GenerationOverrides
from summarize.stages.context import StageContext
from summarize.stages.plan import TranslationPlan
from summarize.stages.stage import Stage
from summarize.stages.work import WorkItem

logger = logging.getLogger(__name__)


def summary_engine(choice: EngineChoice, context: StageContext) -> Engine:
    """Load the summariser, batched for article-length inputs, with the run's length limits."""
    config = context.config
    return _load_engine(
        config.summary_model,
        choice,
        context,
        long_inputs=True,
        overrides=stage_overrides(config, "summary"),
    )


def stage_overrides(config: RunConfig, stage: str) -> GenerationOverrides:
    """The decoding flags the user set for a stage's model: ``summary``, or a model that
    translates (``translation``, ``source``); ``models list --verbose`` shows them applied."""
    if stage == "summary":
        return GenerationOverrides(
            num_beams=config.num_beams,
            max_new_tokens=config.max_summary_tokens,
            min_new_tokens=config.min_summary_tokens,
        )
    return GenerationOverrides(num_beams=config.num_beams)


def _load_engine(
    name: str,
    choice: EngineChoice,
    context: StageContext,
    *,
    long_inputs: bool,
    overrides: GenerationOverrides,
) -> Engine:
    """Load a model on its engine with the run's batching settings."""
    # Imports torch: only once a model loads.
    from summarize.engines.transformers_engine import default_batch_size, default_max_batch_tokens

    config, device = context.config, context.device
    location, revision = context.sources.locate(name)
    return load_engine(
        location,
        # A model that fell back when it last loaded goes straight to transformers.
        context.fallbacks.get(name, choice),
        device=device,
        dtype=config.dtype,
        batch_size=config.batch_size or default_batch_size(device, long_inputs=long_inputs),
        max_batch_tokens=config.max_batch_tokens or default_max_batch_tokens(device),
        overrides=overrides,
        threads=config.threads,
        revision=revision,
        on_fallback=partial(context.fallbacks.__setitem__, name),
    )


def sentence_engine(plan: TranslationPlan, context: StageContext) -> Engine:
    """Load a translation model, batched for sentence-length inputs."""
    return _load_engine(
        plan.model,
        plan.choice,
        context,
        long_inputs=False,
        overrides=stage_overrides(context.config, "translation"),
    )


@dataclass(frozen=True)
class LoadFailure:
    """Why a stage's model failed to load, for the log and for each article that needed it."""

    #: The whole message, with whatever fix the error names.
    message: str
    #: Its first line: why each article waiting for the model failed.
    reason: str

    def fail(self, items: Sequence[WorkItem]) -> None:
        """Fail the articles that needed the model."""
        for item in items:
            item.failure = self.reason

    def settle(self, stage: Stage, items: Sequence[WorkItem], context: StageContext) -> None:
        """What the failure means: the stage's languages unavailable for the run (their
        articles are published without them), or, for a stage with none, its articles failed."""
        if not stage.editions:
            self.fail(items)
            return
        for code in stage.editions:
            context.unavailable.setdefault(
                code, LanguageUnavailable(code, "model_failed_to_load", self.message)
            )


def load_or_fail(stage: Stage, context: StageContext) -> Engine | LoadFailure:
    """The stage's loaded model, or why it failed to load.

    Every model was checked before any work, so a load that still fails (a conversion that
    breaks, a GPU out of memory) is rare; it fails the articles that need the model, or makes
    a translation model's languages unavailable (see LoadFailure.settle), and the run goes on
    and writes what the other models finished, instead of ending with nothing.
    """
    try:
        return stage.load_model(context)
    except Exception as error:  # any failure to load means the same for these articles
        logger.debug("loading the %s failed", stage.role, exc_info=True)
        return LoadFailure(
            load_failure_message(stage.role, error), load_failure_reason(stage.role, error)
        )


def load_failure_message(role: str, error: Exception) -> str:
    """The whole message for a model that failed to load, with whatever fix the error names."""
    return f"the {role} failed to load: {str(error).strip() or repr(error)}"


def load_failure_reason(role: str, error: Exception) -> str:
    """Why each article waiting for a model that failed to load failed: one line."""
    return load_failure_message(role, error).splitlines()[0]
