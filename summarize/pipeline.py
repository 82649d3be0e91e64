"""The batch job: read -> summarise -> translate -> render, one model in memory at a time.

Every finished unit of work (an article's summary, a summary's translation into one language)
goes into the cache the moment it exists, so an interrupted run resumes where it stopped, and a
run with everything cached loads no model at all. Whatever happens, the outputs are rendered at
the end from what is done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from summarize import __version__
from summarize.backends import EngineChoice, choose_engine, load_engine, precision
from summarize.cache import WorkCache, unit_key
from summarize.config import RunConfig
from summarize.detection import detect_language
from summarize.errors import ConfigError, InputError, ModelLoadError, RunInterrupted
from summarize.generation import Engine, GenerationOverrides, ModelInfo, Target
from summarize.hub import ModelSources, go_offline, is_offline
from summarize.languages import ENGLISH, Language, get_language, licence_notices
from summarize.progress import Progress, ProgressFactory, silent_progress
from summarize.reader import SUPPORTED_SUFFIXES, read_articles
from summarize.records import Article, ArticleResult, Briefing, InputFailure, RunInfo, Summary
from summarize.render import make_environment, write_briefing
from summarize.report import ArticleReport, Status, build_run_report, write_run_report
from summarize.summarizer import SummaryFailure, summarize_articles, summary_prefix
from summarize.translator import ModelTranslator, check_model_languages, resolve_target

logger = logging.getLogger(__name__)

# Articles summarised (or summaries translated) between two saves to the cache: small enough
# that an interruption loses little work, large enough for well-filled, length-sorted batches.
SUMMARY_WAVE = 32
TRANSLATION_WAVE = 64


@dataclass(frozen=True)
class TranslationPlan:
    """One translation model and the languages it serves (loaded once for all of them)."""

    model: str
    #: Language code -> how to ask the model for it.
    targets: dict[str, Target]
    #: The engine the model runs on.
    choice: EngineChoice = EngineChoice("transformers")


@dataclass(frozen=True)
class _Context:
    """What every stage of one run needs besides the articles."""

    config: RunConfig
    cache: WorkCache
    #: Resolved torch device, e.g. ``cpu`` or ``cuda:0``.
    device: str
    progress: ProgressFactory
    #: Where each model loads from (models folder, pinned revision).
    sources: ModelSources

    def output_fields(self) -> dict[str, str]:
        """Settings beyond the model that change outputs, for cache keys."""
        return {
            "engine": self.config.engine,
            "dtype": self.config.dtype,
            "device": self.device.partition(":")[0],
        }


@dataclass(frozen=True)
class RunOutcome:
    """What a run produced."""

    briefing: Briefing
    #: Files written into the output folder.
    written: tuple[Path, ...]
    #: The run.json document.
    report: dict[str, Any]

    @property
    def failed(self) -> int:
        """Number of inputs or articles that produced no result."""
        return len(self.briefing.failures)


@dataclass
class _Work:
    """One article's progress through the run (mutable: filled in stage by stage)."""

    article: Article
    #: The article's language (ISO 639-1), detected or set by the user.
    language: str = ENGLISH.code
    #: Model translating the article into English first (None for English articles).
    pivot_model: str | None = None
    #: The article's text in English, once a non-English article has been translated.
    english_text: str | None = None
    summary: Summary | None = None
    translations: dict[str, str] = field(default_factory=dict)
    failure: str | None = None
    #: Whether any of its units was computed (not read from the cache) in this run.
    computed: bool = False
    #: Stage -> seconds spent on this article in this run.
    seconds: dict[str, float] = field(default_factory=dict)


def run(config: RunConfig, progress: ProgressFactory = silent_progress) -> RunOutcome:
    """Run the whole batch job described by ``config`` and write its outputs.

    Raises RunInterrupted (after writing what is done) when interrupted with Ctrl-C.
    """
    from summarize import engine  # torch loads here, not at import time

    started = datetime.now(UTC).astimezone()
    clock = time.perf_counter()
    read = read_articles(config.inputs)
    if not read.articles and not read.failures:
        raise InputError(
            f"no articles found in {', '.join(map(str, config.inputs))}; "
            f"supported files: {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    make_environment(config.templates)  # a wrong --templates folder fails now, not after hours
    sources = ModelSources.open(config.revisions, config.models_dir)
    if config.offline or config.models_dir is not None:
        go_offline()
    device = engine.resolve_device(config.device)
    engine.resolve_dtype(config.dtype, device)  # validates the request
    engine.set_cpu_threads(config.threads)
    engine.show_library_progress_bars(not config.quiet)
    cache = WorkCache(None if config.no_cache else config.cache_dir or config.output / ".cache")
    context = _Context(
        config=config, cache=cache, device=device, progress=progress, sources=sources
    )
    work = [_Work(article) for article in read.articles]
    detected = _set_languages(work, cache, config)
    used = _models_in_use(config, work)
    for notice in licence_notices(used):
        logger.warning(notice)

    def inspect(name: str) -> ModelInfo:
        return engine.inspect_model(*sources.locate(name))

    _take_cached_summaries(work, context)
    _take_cached_translations(work, context)
    _take_cached_pivots(work, context)

    # Everything that can fail on configuration fails here, before any weights load; models
    # whose work is all cached are not even looked at.
    summary_info = (
        inspect(config.summary_model) if any(item.summary is None for item in work) else None
    )
    summary_choice = (
        choose_engine(config.engine, summary_info.model_type, device) if summary_info else None
    )
    pivot_plans = plan_pivots(work, inspect, config.engine, device)
    languages_left = [
        code for code in config.languages if any(code not in item.translations for item in work)
    ]
    plans = plan_translations(config, inspect, languages_left, device=device)

    for key, value in detected.items():
        cache.put(key, value)
    interrupted = False
    try:
        _pivot(work, pivot_plans, context)
        if summary_info is not None and summary_choice is not None:
            _summarise(work, summary_info, summary_choice, context)
        _translate(work, plans, context)
    except KeyboardInterrupt:
        interrupted = True
        logger.warning("interrupted: writing what is done so far")

    engines = {plan.model: plan.choice for plan in [*pivot_plans, *plans]}
    if summary_choice is not None:
        engines[config.summary_model] = summary_choice
    outcome = _write_outputs(
        work,
        read.failures,
        config,
        device,
        engines,
        started,
        time.perf_counter() - clock,
        interrupted,
        versions=engine.library_versions(),
        revisions={model: sources.revision_used(model) for model in used},
    )
    if interrupted:
        done = len(outcome.briefing.results)
        resume = (
            "run without --no-cache to keep finished work next time"
            if config.no_cache
            else "run the same command again to resume: finished work is cached"
        )
        raise RunInterrupted(
            f"interrupted; {done} finished article(s) written to {config.output}; {resume}"
        )
    return outcome


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
                choice=choose_engine(config.engine, info.model_type, device),
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


def _models_in_use(config: RunConfig, work: Sequence[_Work]) -> list[str]:
    """Every model the run's configuration and articles call for, each once, in stage order."""
    pivots = [item.pivot_model for item in work if item.pivot_model]
    return list(dict.fromkeys([*pivots, config.summary_model, *translation_models(config)]))


def plan_pivots(
    work: Sequence[_Work], inspect: Callable[[str], ModelInfo], engine: str, device: str
) -> list[TranslationPlan]:
    """Models translating the non-English articles still to summarise, grouped by model.

    A plan's targets are keyed by *source* language: each serves one language into English.
    """
    languages_by_model: dict[str, set[str]] = {}
    for item in work:
        if item.pivot_model and item.summary is None and item.english_text is None:
            languages_by_model.setdefault(item.pivot_model, set()).add(item.language)
    plans = []
    for model, codes in languages_by_model.items():
        try:
            info = inspect(model)
        except ModelLoadError as error:
            names = ", ".join(f"{_source(code).name} ({code})" for code in sorted(codes))
            first = sorted(codes)[0]
            raise ModelLoadError(
                f"articles in {names} are translated into English before summarising, "
                f"with {model!r}. {error}\nOr pass --source-model {first}=MODEL, or "
                "--source-language en to summarise every article as English."
            ) from error
        targets = {
            code: resolve_target(info, ENGLISH, source=_source(code)) for code in sorted(codes)
        }
        plans.append(
            TranslationPlan(
                model=model, targets=targets, choice=choose_engine(engine, info.model_type, device)
            )
        )
    return plans


def _source(code: str) -> Language:
    """A detected language as a source; one our tables can't describe passes as English."""
    try:
        return get_language(code)
    except ConfigError:
        return ENGLISH


def _set_languages(
    work: Sequence[_Work], cache: WorkCache, config: RunConfig
) -> dict[str, dict[str, str]]:
    """Detect (or take from the config) each article's language and the model to pivot with.

    Returns the new detections to cache: they are saved once the models check out, so a run
    stopped by a configuration error leaves the output folder untouched.
    """
    detected: dict[str, dict[str, str]] = {}
    for item in work:
        if config.source_language != "auto":
            item.language = config.source_language
        else:
            key = unit_key("language", text=item.article.text, detector="fasttext-lid.176")
            cached = cache.get(key)
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


def _pivot_key(item: _Work, context: _Context) -> str:
    return unit_key(
        "pivot",
        text=item.article.text,
        language=item.language,
        **_model_fields(context.config, item.pivot_model),
        num_beams=context.config.num_beams,
        **context.output_fields(),
    )


def _model_fields(config: RunConfig, model: str | None) -> dict[str, str | None]:
    """A model for cache keys, with its pinned revision when there is one (other keys stay as
    they were before revisions could be pinned)."""
    revision = config.revisions.get(model) if model else None
    return {"model": model} if revision is None else {"model": model, "revision": revision}


def _take_cached_pivots(work: Sequence[_Work], context: _Context) -> None:
    for item in work:
        if item.pivot_model and item.summary is None:
            cached = context.cache.get(_pivot_key(item, context))
            if cached is not None:
                item.english_text = cached["text"]


def _summary_key(item: _Work, context: _Context) -> str:
    config = context.config
    return unit_key(
        "summary",
        text=item.article.text,
        language=item.language,
        pivot=item.pivot_model,
        **_model_fields(config, config.summary_model),
        num_beams=config.num_beams,
        max_new_tokens=config.max_summary_tokens,
        min_new_tokens=config.min_summary_tokens,
        **context.output_fields(),
    )


def _translation_key(summary: str, language: str, context: _Context) -> str:
    return unit_key(
        "translation",
        text=summary,
        language=language,
        **_model_fields(context.config, context.config.translation_model_for(language)),
        num_beams=context.config.num_beams,
        **context.output_fields(),
    )


def _take_cached_summaries(work: Sequence[_Work], context: _Context) -> None:
    for item in work:
        cached = context.cache.get(_summary_key(item, context))
        if cached is not None:
            item.summary = Summary(item.article.id, cached["text"], cached["chunks"])


def _take_cached_translations(work: Sequence[_Work], context: _Context) -> None:
    for item in work:
        if item.summary is None:
            continue
        for code in context.config.languages:
            cached = context.cache.get(_translation_key(item.summary.text, code, context))
            if cached is not None:
                item.translations[code] = cached["text"]


def _waves(items: Sequence[_Work], size: int) -> Iterator[list[_Work]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _share_time(items: Sequence[_Work], stage: str, seconds: float, weights: list[int]) -> None:
    """Spread a batch's time over its articles by input length."""
    total = sum(weights) or 1
    for item, weight in zip(items, weights, strict=True):
        item.seconds[stage] = item.seconds.get(stage, 0.0) + seconds * weight / total


def _summarise(
    work: Sequence[_Work], info: ModelInfo, choice: EngineChoice, context: _Context
) -> None:
    pending = [item for item in work if item.summary is None and item.failure is None]
    if not pending:
        return
    config = context.config
    model = _load(
        config.summary_model,
        choice,
        context,
        long_inputs=True,
        overrides=GenerationOverrides(
            num_beams=config.num_beams,
            max_new_tokens=config.max_summary_tokens,
            min_new_tokens=config.min_summary_tokens,
        ),
    )
    bar = context.progress("summarising", 0)
    try:
        for wave in _waves(pending, SUMMARY_WAVE):
            _summarise_wave(wave, model, summary_prefix(info), context, bar)
    finally:
        bar.close()
        model.close()


def _load(
    name: str,
    choice: EngineChoice,
    context: _Context,
    *,
    long_inputs: bool,
    overrides: GenerationOverrides,
) -> Engine:
    """Load a model on its engine with the run's batching settings."""
    from summarize.engine import default_batch_size, default_max_batch_tokens

    config, device = context.config, context.device
    location, revision = context.sources.locate(name)
    return load_engine(
        location,
        choice,
        device=device,
        dtype=config.dtype,
        batch_size=config.batch_size or default_batch_size(device, long_inputs=long_inputs),
        max_batch_tokens=config.max_batch_tokens or default_max_batch_tokens(device),
        overrides=overrides,
        threads=config.threads,
        revision=revision,
    )


def _summarise_wave(
    wave: list[_Work], model: Engine, prefix: str, context: _Context, bar: Progress
) -> None:
    started = time.perf_counter()
    try:
        outcomes = summarize_articles(
            [_english_article(item) for item in wave], model, prefix=prefix, progress=bar
        )
    except Exception as error:  # one bad input must not sink the others: retry one by one
        if len(wave) > 1:
            for item in wave:
                _summarise_wave([item], model, prefix, context, bar)
            return
        logger.debug("summarising %s failed", wave[0].article.source, exc_info=True)
        outcomes = [SummaryFailure(wave[0].article.id, f"summarising failed: {error}")]
    _share_time(wave, "summary", time.perf_counter() - started, [len(i.article.text) for i in wave])
    for item, outcome in zip(wave, outcomes, strict=True):
        if isinstance(outcome, SummaryFailure):
            item.failure = outcome.reason
            logger.warning("%s: %s", item.article.source, outcome.reason)
            continue
        item.summary, item.computed = outcome, True
        context.cache.put(
            _summary_key(item, context), {"text": outcome.text, "chunks": outcome.chunks}
        )


def _english_article(item: _Work) -> Article:
    """The article as the summariser sees it: in English."""
    if item.english_text is None:
        return item.article
    return replace(item.article, text=item.english_text)


def _pivot(work: Sequence[_Work], plans: Sequence[TranslationPlan], context: _Context) -> None:
    """Translate non-English articles into English, one model at a time."""
    for plan in plans:
        model = _sentence_engine(plan, context)
        bar = context.progress(f"translating articles into English ({', '.join(plan.targets)})", 0)
        try:
            for code, target in plan.targets.items():
                translator = ModelTranslator(
                    model, {ENGLISH.code: target}, progress=bar, source_language=code
                )
                items = [
                    item
                    for item in work
                    if item.pivot_model == plan.model
                    and item.language == code
                    and item.summary is None
                    and item.english_text is None
                ]
                for wave in _waves(items, SUMMARY_WAVE):
                    _pivot_wave(wave, translator, context)
        finally:
            bar.close()
            model.close()


def _pivot_wave(wave: list[_Work], translator: ModelTranslator, context: _Context) -> None:
    started = time.perf_counter()
    try:
        english = translator.translate([item.article.text for item in wave], ENGLISH.code)
    except Exception as error:  # one bad input must not sink the others: retry one by one
        if len(wave) > 1:
            for item in wave:
                _pivot_wave([item], translator, context)
            return
        logger.debug("translating %s into English failed", wave[0].article.source, exc_info=True)
        wave[0].failure = f"translating the article into English failed: {error}"
        logger.warning("%s: %s", wave[0].article.source, wave[0].failure)
        return
    _share_time(wave, "pivot", time.perf_counter() - started, [len(i.article.text) for i in wave])
    for item, text in zip(wave, english, strict=True):
        item.english_text, item.computed = text, True
        context.cache.put(_pivot_key(item, context), {"text": text})


def _sentence_engine(plan: TranslationPlan, context: _Context) -> Engine:
    """Load a translation model, batched for sentence-length inputs."""
    return _load(
        plan.model,
        plan.choice,
        context,
        long_inputs=False,
        overrides=GenerationOverrides(num_beams=context.config.num_beams),
    )


def _translate(work: Sequence[_Work], plans: Sequence[TranslationPlan], context: _Context) -> None:
    for plan in plans:
        pending = {
            code: [
                i
                for i in work
                if i.summary is not None and i.failure is None and code not in i.translations
            ]
            for code in plan.targets
        }
        if not any(pending.values()):
            continue
        model = _sentence_engine(plan, context)
        bar = context.progress(f"translating ({', '.join(plan.targets)})", 0)
        try:
            translator = ModelTranslator(model, plan.targets, progress=bar)
            for code, items in pending.items():
                for wave in _waves(items, TRANSLATION_WAVE):
                    _translate_wave(wave, code, translator, context)
        finally:
            bar.close()
            model.close()


def _translate_wave(
    wave: list[_Work], code: str, translator: ModelTranslator, context: _Context
) -> None:
    started = time.perf_counter()
    texts = [item.summary.text for item in wave if item.summary is not None]
    try:
        translated = translator.translate(texts, code)
    except Exception as error:  # one bad input must not sink the others: retry one by one
        if len(wave) > 1:
            for item in wave:
                _translate_wave([item], code, translator, context)
            return
        logger.debug("translating %s failed", wave[0].article.source, exc_info=True)
        wave[0].failure = f"translating into {code} failed: {error}"
        logger.warning("%s: %s", wave[0].article.source, wave[0].failure)
        return
    _share_time(wave, f"translation:{code}", time.perf_counter() - started, [len(t) for t in texts])
    for item, text, source in zip(wave, translated, texts, strict=True):
        item.translations[code], item.computed = text, True
        context.cache.put(_translation_key(source, code, context), {"text": text})


def _status(item: _Work, languages: Sequence[str]) -> Status:
    if item.failure is not None:
        return "failed"
    if item.summary is None or any(code not in item.translations for code in languages):
        return "skipped"
    return "done" if item.computed else "cached"


def _write_outputs(
    work: Sequence[_Work],
    input_failures: tuple[InputFailure, ...],
    config: RunConfig,
    device: str,
    engines: dict[str, EngineChoice],
    started: datetime,
    seconds: float,
    interrupted: bool,
    *,
    versions: dict[str, str],
    revisions: dict[str, str | None],
) -> RunOutcome:
    """Render the briefing and run.json from every finished article."""
    statuses = [_status(item, config.languages) for item in work]
    results = tuple(
        ArticleResult(
            article=item.article,
            summary=item.summary,
            translations={code: item.translations[code] for code in config.languages},
            source_language=item.language,
            pivot_model=item.pivot_model,
        )
        for item, status in zip(work, statuses, strict=True)
        if status in ("done", "cached") and item.summary is not None
    )
    failures = input_failures + tuple(
        InputFailure(source=item.article.source, reason=item.failure)
        for item in work
        if item.failure is not None
    )
    run_info = RunInfo(
        generated_at=started.isoformat(timespec="seconds"),
        models={"summary": config.summary_model}
        | {f"translation:{code}": config.translation_model_for(code) for code in config.languages},
        device=device,
        dtype=_precisions(engines, device, config.dtype),
        languages=config.languages,
        version=__version__,
    )
    briefing = Briefing(results=results, run=run_info, failures=failures)
    written = write_briefing(briefing, config.output, user_templates=config.templates)
    report = build_run_report(
        run=run_info,
        settings=_settings(config)
        | {
            # The revision (commit) each model was loaded at; null for a local folder.
            "revisions": revisions,
            "engines": {
                model: {
                    "engine": choice.engine,
                    "precision": precision(choice.engine, device, config.dtype),
                    "fallback_reason": choice.fallback_reason,
                }
                for model, choice in engines.items()
            },
        },
        versions=versions,
        articles=[
            ArticleReport(
                id=item.article.id,
                source=item.article.source,
                status=status,
                reason=item.failure,
                chunks=item.summary.chunks if item.summary else None,
                language=item.language,
                pivot=item.pivot_model,
                warnings=item.article.warnings,
                seconds=item.seconds,
            )
            for item, status in zip(work, statuses, strict=True)
        ],
        input_failures=input_failures,
        finished_at=datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
        seconds=seconds,
        interrupted=interrupted,
    )
    written.append(write_run_report(report, config.output))
    return RunOutcome(briefing=briefing, written=tuple(written), report=report)


def _precisions(engines: dict[str, EngineChoice], device: str, dtype: str) -> str:
    """How the models ran, for the briefing: e.g. ``int8 (CTranslate2)``."""
    used = {(choice.engine, precision(choice.engine, device, dtype)) for choice in engines.values()}
    if not used:  # everything came from the cache
        return "cached results"
    names = {"ctranslate2": "CTranslate2", "transformers": "transformers"}
    return ", ".join(f"{value} ({names[engine]})" for engine, value in sorted(used))


def _settings(config: RunConfig) -> dict[str, Any]:
    """The settings that shaped the output, as JSON values, for run.json."""
    return {
        "inputs": [str(path) for path in config.inputs],
        "output": str(config.output),
        "engine": config.engine,
        "dtype": config.dtype,
        "batch_size": config.batch_size,
        "max_batch_tokens": config.max_batch_tokens,
        "threads": config.threads,
        "num_beams": config.num_beams,
        "max_summary_tokens": config.max_summary_tokens,
        "min_summary_tokens": config.min_summary_tokens,
        "templates": str(config.templates) if config.templates else None,
        "source_language": config.source_language,
        "source_models": dict(config.source_models),
        "models_dir": str(config.models_dir) if config.models_dir else None,
        # Whether the Hub was off limits: --offline, --models-dir or HF_HUB_OFFLINE=1.
        "offline": is_offline(),
        "cache": None if config.no_cache else str(config.cache_dir or config.output / ".cache"),
    }
