"""The batch job: read -> summarise -> translate -> render, one model in memory at a time."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from summarize import __version__
from summarize.config import RunConfig
from summarize.errors import InputError
from summarize.generation import GenerationOverrides, ModelInfo, Target
from summarize.progress import ProgressFactory, silent_progress
from summarize.reader import SUPPORTED_SUFFIXES, read_articles
from summarize.records import Article, ArticleResult, Briefing, InputFailure, RunInfo, Summary
from summarize.render import write_briefing
from summarize.summarizer import SummaryFailure, summarize_articles, summary_prefix
from summarize.translator import ModelTranslator, check_model_languages

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TranslationPlan:
    """One translation model and the languages it serves (loaded once for all of them)."""

    model: str
    #: Language code -> how to ask the model for it.
    targets: dict[str, Target]


@dataclass(frozen=True)
class RunOutcome:
    """What a run produced."""

    briefing: Briefing
    #: Files written into the output folder.
    written: tuple[Path, ...]

    @property
    def failed(self) -> int:
        """Number of inputs or articles that produced no result."""
        return len(self.briefing.failures)


def run(config: RunConfig, progress: ProgressFactory = silent_progress) -> RunOutcome:
    """Run the whole batch job described by ``config`` and write its outputs."""
    from summarize import engine  # torch loads here, not at import time

    started = datetime.now(UTC).astimezone()
    read = read_articles(config.inputs)
    if not read.articles and not read.failures:
        raise InputError(
            f"no articles found in {', '.join(map(str, config.inputs))}; "
            f"supported files: {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )

    # Everything that can fail on configuration fails here, before any weights load.
    device = engine.resolve_device(config.device)
    dtype = engine.resolve_dtype(config.dtype, device)
    engine.set_cpu_threads(config.threads)
    engine.show_library_progress_bars(not config.quiet)
    summary_info = engine.inspect_model(config.summary_model)
    plans = plan_translations(config, engine.inspect_model)

    summaries, summary_failures = _summarise(
        read.articles, summary_info, config, device, dtype, progress
    )
    translations = _translate([s.text for s in summaries], plans, config, device, dtype, progress)

    by_id = {article.id: article for article in read.articles}
    results = tuple(
        ArticleResult(
            article=by_id[summary.article_id],
            summary=summary,
            translations={code: translations[code][position] for code in config.languages},
        )
        for position, summary in enumerate(summaries)
    )
    models = {"summary": config.summary_model} | {
        f"translation:{code}": config.translation_model_for(code) for code in config.languages
    }
    briefing = Briefing(
        results=results,
        run=RunInfo(
            generated_at=started.isoformat(timespec="seconds"),
            models=models,
            device=device,
            dtype=dtype,
            languages=config.languages,
            version=__version__,
        ),
        failures=read.failures + summary_failures,
    )
    written = write_briefing(briefing, config.output, user_templates=config.templates)
    return RunOutcome(briefing=briefing, written=tuple(written))


def plan_translations(config: RunConfig, inspect) -> list[TranslationPlan]:
    """Group languages by model and check each model can produce its languages."""
    languages_by_model: dict[str, list[str]] = {}
    for code in config.languages:
        languages_by_model.setdefault(config.translation_model_for(code), []).append(code)
    plans = []
    for model, codes in languages_by_model.items():
        info: ModelInfo = inspect(model)
        plans.append(TranslationPlan(model=model, targets=check_model_languages(info, codes)))
    return plans


def _summarise(
    articles: Sequence[Article],
    info: ModelInfo,
    config: RunConfig,
    device: str,
    dtype: str,
    progress: ProgressFactory,
) -> tuple[list[Summary], tuple[InputFailure, ...]]:
    from summarize.engine import TransformersEngine, default_batch_size

    if not articles:
        return [], ()
    model = TransformersEngine(
        config.summary_model,
        device=device,
        dtype=dtype,
        batch_size=config.batch_size or default_batch_size(device, long_inputs=True),
        overrides=GenerationOverrides(
            num_beams=config.num_beams,
            max_new_tokens=config.max_summary_tokens,
            min_new_tokens=config.min_summary_tokens,
        ),
    )
    bar = progress("summarising", 0)
    try:
        outcomes = summarize_articles(articles, model, prefix=summary_prefix(info), progress=bar)
    finally:
        bar.close()
        model.close()
    sources = {article.id: article.source for article in articles}
    summaries = [outcome for outcome in outcomes if isinstance(outcome, Summary)]
    failures = tuple(
        InputFailure(source=sources[outcome.article_id], reason=outcome.reason)
        for outcome in outcomes
        if isinstance(outcome, SummaryFailure)
    )
    for failure in failures:
        logger.warning("%s: %s", failure.source, failure.reason)
    return summaries, failures


def _translate(
    texts: list[str],
    plans: Sequence[TranslationPlan],
    config: RunConfig,
    device: str,
    dtype: str,
    progress: ProgressFactory,
) -> dict[str, list[str]]:
    from summarize.engine import TransformersEngine, default_batch_size

    translations: dict[str, list[str]] = {}
    if not texts:
        return {code: [] for plan in plans for code in plan.targets}
    for plan in plans:
        model = TransformersEngine(
            plan.model,
            device=device,
            dtype=dtype,
            batch_size=config.batch_size or default_batch_size(device, long_inputs=False),
            overrides=GenerationOverrides(num_beams=config.num_beams),
        )
        bar = progress(f"translating ({', '.join(plan.targets)})", 0)
        try:
            translator = ModelTranslator(model, plan.targets, progress=bar)
            for code in plan.targets:
                translations[code] = translator.translate(texts, code)
        finally:
            bar.close()
            model.close()
    return translations
