"""The batch job: read -> summarise -> translate -> render, one model in memory at a time.

Every finished unit of work (an article's summary, a summary's translation into one language)
goes into the cache the moment it exists, so an interrupted run resumes where it stopped, and a
run with everything cached loads no model at all. Whatever happens, the outputs are rendered at
the end from what is done.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property, partial
from pathlib import Path
from typing import Any

from summarize import __version__
from summarize.core.cache import WorkCache, unit_key
from summarize.core.config import RunConfig
from summarize.core.errors import ConfigError, InputError, ModelLoadError, RunInterrupted
from summarize.core.files import check_writable_folder, folder_lock, remove_unwritten_outputs
from summarize.core.languages import ENGLISH, Language, get_language, licence_notices
from summarize.core.options import key_fields, run_settings
from summarize.core.progress import Progress, ProgressFactory, silent_progress
from summarize.core.records import (
    Article,
    ArticleResult,
    Briefing,
    InputFailure,
    QualityWarning,
    RunInfo,
    Summary,
)
from summarize.engines import allocator
from summarize.engines.backends import (
    EngineChoice,
    choose_engine,
    dtype_for_keys,
    dtype_notices,
    engine_for_keys,
    load_engine,
    precision,
)
from summarize.engines.generation import Engine, GenerationOverrides, ModelInfo, Target
from summarize.engines.hub import HubCheck, ModelSources, go_offline, is_offline, model_folder
from summarize.inputs import SUPPORTED_SUFFIXES, ReadResult, read_articles
from summarize.outputs import (
    RUN_REPORT_FILE,
    ArticleReport,
    Status,
    build_run_report,
    check_templates,
    files_of_last_run,
    write_briefing,
    write_run_report,
)
from summarize.quality import SentencePair, check_article, retry_suspects
from summarize.stages.summarizer import SummaryFailure, summarize_articles, summary_prefix
from summarize.stages.translator import (
    ModelTranslator,
    check_model_languages,
    join_sentences,
    resolve_target,
)
from summarize.text.detection import detect_language, detector_id

logger = logging.getLogger(__name__)

# Articles summarised (or summaries translated) between two saves to the cache: small enough
# that an interruption loses little work, large enough for well-filled, length-sorted batches.
SUMMARY_WAVE = 32
TRANSLATION_WAVE = 64

# What each kind of cache entry must hold to be used (field -> type); a translation's
# sentences are optional and checked on their own (see _cached_pairs).
_LANGUAGE_ENTRY = {"language": str}
_PIVOT_ENTRY = {"text": str}
_SUMMARY_ENTRY = {"text": str, "chunks": int}
_TRANSLATION_ENTRY = {"text": str}


@dataclass(frozen=True)
class TranslationPlan:
    """One translation model and the languages it serves (loaded once for all of them)."""

    model: str
    #: Language code -> how to ask the model for it.
    targets: dict[str, Target]
    #: The engine the model runs on.
    choice: EngineChoice = EngineChoice("transformers")


@dataclass(frozen=True)
class StageContext:
    """What every stage of one run needs besides the articles."""

    config: RunConfig
    cache: WorkCache
    #: Resolved torch device, e.g. ``cpu`` or ``cuda:0``.
    device: str
    progress: ProgressFactory
    #: Where each model loads from (models folder, pinned revision).
    sources: ModelSources
    #: Model -> its identity for cache keys, worked out once per run (it stats the files).
    identities: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)
    #: Model -> transformers, for models ``auto`` gave to CTranslate2 whose conversion failed
    #: when they loaded: later loads skip CTranslate2, and run.json says why.
    fallbacks: dict[str, EngineChoice] = field(default_factory=dict, compare=False)

    @cached_property
    def output_fields(self) -> dict[str, str]:
        """Settings beyond the model that change outputs, for cache keys; worked out once (on
        a GPU, ``--dtype auto`` asks the card), not for every key."""
        return {
            "engine": engine_for_keys(self.config.engine, self.device),
            "dtype": dtype_for_keys(self.config.dtype, self.device),
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
class WorkItem:
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
    #: Language -> the summary's sentences and what each became (absent: an old cache entry).
    sentences: dict[str, list[SentencePair]] = field(default_factory=dict)
    #: What the quality checks flagged, once the article is finished.
    quality: tuple[QualityWarning, ...] = ()
    failure: str | None = None
    #: Whether any of its units was computed (not read from the cache) in this run.
    computed: bool = False
    #: Stage -> seconds spent on this article in this run.
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Computation:
    """One process's share of a run: its articles stage by stage, and how the models ran."""

    work: list[WorkItem]
    #: Model id -> the engine it ran on (only models that ran).
    engines: dict[str, EngineChoice]
    #: Resolved torch device, e.g. ``cpu`` or ``cuda:0``.
    device: str
    #: Whether Ctrl-C stopped the work before it finished.
    interrupted: bool
    #: Library name -> version, for run.json.
    versions: dict[str, str]
    #: Model -> the revision (commit) it was loaded at; None for a local folder.
    revisions: dict[str, str | None] = field(default_factory=dict)


def run(config: RunConfig, progress: ProgressFactory = silent_progress) -> RunOutcome:
    """Run the whole batch job described by ``config`` and write its outputs.

    Raises RunInterrupted (after writing what is done) when interrupted with Ctrl-C.
    """
    started = datetime.now(UTC).astimezone()
    clock = time.perf_counter()
    read = read_inputs(config)
    computation = compute(config, read.articles, progress)
    return write_outputs(computation, read.failures, config, started, time.perf_counter() - clock)


def read_inputs(config: RunConfig) -> ReadResult:
    """Read every input; no article at all is a usage error."""
    _check_input_paths(config)
    # The run's own outputs are never read back as articles (a file named explicitly still is).
    read = read_articles(config.inputs, exclude=(config.output, cache_folder(config)))
    if not read.articles and not read.failures:
        raise InputError(
            f"no articles found in {', '.join(map(str, config.inputs))}; "
            f"supported files: {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    # A wrong --templates folder or a broken template fails now, not after hours of work;
    # likewise an output or cache folder that cannot be written.
    check_templates(config.templates, config.languages)
    check_writable_folder(config.output, "--output")
    if not config.no_cache:
        check_writable_folder(cache_folder(config), "--cache-dir")
    return read


def _check_input_paths(config: RunConfig) -> None:
    """Usage errors in the inputs that reading alone would not make plain."""
    if config.inputs == RunConfig.inputs and not config.inputs[0].exists():
        raise InputError(
            f"input folder {config.inputs[0]}/ not found (it is what runs read when no INPUT "
            "is given); pass the files or folders to read, e.g. `summarize run news/`"
        )
    output = config.output.resolve()
    for path in config.inputs:
        if path.is_dir() and path.resolve() == output:
            raise InputError(
                f"{path} is both an input folder and the output folder: the briefing's pages "
                "would be read back as articles on the next run; write it elsewhere with -o"
            )


def cache_folder(config: RunConfig) -> Path:
    """Where finished units of work are kept: ``--cache-dir``, else ``OUTPUT/.cache``."""
    return config.cache_dir or config.output / ".cache"


def _raise_interrupted(outcome: RunOutcome, config: RunConfig) -> None:
    """Say what an interrupted run kept and how to resume."""
    done = len(outcome.briefing.results)
    resume = (
        "run without --no-cache to keep finished work next time"
        if config.no_cache
        else "run the same command again to resume: finished work is cached"
    )
    raise RunInterrupted(
        f"interrupted; {done} finished article(s) written to {config.output}; {resume}"
    )


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


def compute(
    config: RunConfig, articles: Sequence[Article], progress: ProgressFactory = silent_progress
) -> Computation:
    """Detect, pivot, summarise and translate ``articles``, one model at a time, with the cache.

    Ctrl-C stops the work and returns what is done (``interrupted`` set).
    """
    from summarize.engines import (
        transformers_engine as engine,  # torch loads here, not at import time
    )

    device = engine.resolve_device(config.device)
    engine.resolve_dtype(config.dtype, device)  # validates the request
    allocator.reuse_freed_memory(device)  # before any model's threads first allocate
    engine.set_cpu_threads(config.threads)
    engine.show_library_progress_bars(not config.quiet)
    context = make_context(config, device, progress)
    work, plan = prepare(config, articles, context)
    interrupted = False
    try:
        _pivot(work, plan.pivots, context)
        if plan.summary_info is not None and plan.summary_choice is not None:
            _summarise(work, plan.summary_info, plan.summary_choice, context)
        _translate(work, plan.translations, context)
    except KeyboardInterrupt:
        interrupted = True
        logger.warning("interrupted: writing what is done so far")
    return conclude(work, plan, context, interrupted=interrupted)


def conclude(
    work: list[WorkItem], plan: StagePlan, context: StageContext, *, interrupted: bool
) -> Computation:
    """Run the quality checks on the finished work and describe how it ran."""
    from summarize.engines import transformers_engine as engine

    review(work, context)
    return Computation(
        work=work,
        engines=plan.engines(context.config.summary_model) | context.fallbacks,
        device=context.device,
        interrupted=interrupted,
        versions=engine.library_versions(),
        revisions=plan.revisions,
    )


def make_context(config: RunConfig, device: str, progress: ProgressFactory) -> StageContext:
    """What every stage needs besides the articles: settings, cache, device, progress bars."""
    cache = WorkCache(None if config.no_cache else cache_folder(config))
    sources = ModelSources.open(config.revisions, config.models_dir)
    if config.offline or config.models_dir is not None:
        go_offline()
    return StageContext(
        config=config, cache=cache, device=device, progress=progress, sources=sources
    )


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

    _take_cached_summaries(work, context)
    _take_cached_translations(work, context)
    _take_cached_pivots(work, context)

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
            key = unit_key("language", text=item.article.text, detector=detector)
            cached = cache.get(key, _LANGUAGE_ENTRY)
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


def _pivot_key(item: WorkItem, context: StageContext) -> str:
    return unit_key(
        "pivot",
        text=item.article.text,
        language=item.language,
        **_model_fields(context, item.pivot_model),
        **key_fields(context.config, "pivot"),
        **context.output_fields,
    )


def _model_fields(context: StageContext, model: str | None) -> dict[str, Any]:
    """A model for cache keys: what its files are, not only its name (see
    ModelSources.identity), so other weights under the same name never reuse its work.

    Every process of a run (distributed, Ray driver) keys through here, with its own memo.
    """
    if model is None:
        return {"model": None}
    if model not in context.identities:
        context.identities[model] = context.sources.identity(model)
    return context.identities[model]


def _take_cached_pivots(work: Sequence[WorkItem], context: StageContext) -> None:
    for item in work:
        if item.pivot_model and item.summary is None:
            cached = context.cache.get(_pivot_key(item, context), _PIVOT_ENTRY)
            if cached is not None:
                item.english_text = cached["text"]


def _summary_key(item: WorkItem, context: StageContext) -> str:
    config = context.config
    return unit_key(
        "summary",
        text=item.article.text,
        language=item.language,
        # The summary is of the pivot model's English: its files matter as much as its name.
        pivot=_model_fields(context, item.pivot_model) if item.pivot_model else None,
        **_model_fields(context, config.summary_model),
        **key_fields(config, "summary"),
        **context.output_fields,
    )


def _translation_key(summary: str, language: str, context: StageContext) -> str:
    return unit_key(
        "translation",
        text=summary,
        language=language,
        **_model_fields(context, context.config.translation_model_for(language)),
        **key_fields(context.config, "translation"),
        **context.output_fields,
    )


def _take_cached_summaries(work: Sequence[WorkItem], context: StageContext) -> None:
    for item in work:
        cached = context.cache.get(_summary_key(item, context), _SUMMARY_ENTRY)
        if cached is not None:
            item.summary = Summary(item.article.id, cached["text"], cached["chunks"])


def _take_cached_translations(work: Sequence[WorkItem], context: StageContext) -> None:
    for item in work:
        if item.summary is None:
            continue
        for code in context.config.languages:
            cached = context.cache.get(
                _translation_key(item.summary.text, code, context), _TRANSLATION_ENTRY
            )
            if cached is not None:
                item.translations[code] = cached["text"]
                pairs = _cached_pairs(cached.get("sentences"))
                if pairs is not None:
                    item.sentences[code] = pairs


def _cached_pairs(value: Any) -> list[SentencePair] | None:
    """A cached translation's sentence pairs; None for an entry from before they were kept."""
    if not isinstance(value, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in pair)
        for pair in value
    ):
        return None
    return [(source, translated) for source, translated in value]


def _waves(items: Sequence[WorkItem], size: int) -> Iterator[list[WorkItem]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _share_time(items: Sequence[WorkItem], stage: str, seconds: float, weights: list[int]) -> None:
    """Spread a batch's time over its articles by input length."""
    total = sum(weights) or 1
    for item, weight in zip(items, weights, strict=True):
        item.seconds[stage] = item.seconds.get(stage, 0.0) + seconds * weight / total


def _summarise(
    work: Sequence[WorkItem], info: ModelInfo, choice: EngineChoice, context: StageContext
) -> None:
    pending = awaiting_summary(work)
    if not pending:
        return
    model = _load_or_fail(partial(summary_engine, choice, context), pending, "summary model")
    if model is None:
        return
    bar = context.progress("summarising", 0)
    try:
        for wave in _waves(pending, SUMMARY_WAVE):
            summarise_wave(wave, model, summary_prefix(info), context, bar)
    finally:
        bar.close()
        model.close()


def awaiting_summary(work: Sequence[WorkItem]) -> list[WorkItem]:
    """Articles still to summarise."""
    return [item for item in work if item.summary is None and item.failure is None]


def awaiting_pivot(work: Sequence[WorkItem], model: str, language: str) -> list[WorkItem]:
    """Articles in ``language`` still to translate into English with ``model``."""
    return [
        item
        for item in work
        if item.pivot_model == model
        and item.language == language
        and item.summary is None
        and item.english_text is None
        and item.failure is None
    ]


def awaiting_pivot_model(work: Sequence[WorkItem], plan: TranslationPlan) -> list[WorkItem]:
    """Articles still to translate into English with ``plan``'s model, in any of its languages."""
    return [item for code in plan.targets for item in awaiting_pivot(work, plan.model, code)]


def awaiting_translation_model(work: Sequence[WorkItem], plan: TranslationPlan) -> list[WorkItem]:
    """Articles whose summary is still to translate into any language ``plan``'s model serves."""
    return [
        item
        for item in work
        if item.summary is not None
        and item.failure is None
        and any(code not in item.translations for code in plan.targets)
    ]


def awaiting_translation(work: Sequence[WorkItem], language: str) -> list[WorkItem]:
    """Articles whose summary is still to translate into ``language``."""
    return [
        item
        for item in work
        if item.summary is not None and item.failure is None and language not in item.translations
    ]


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


def _english_article(item: WorkItem) -> Article:
    """The article as the summariser sees it: in English."""
    if item.english_text is None:
        return item.article
    return replace(item.article, text=item.english_text)


def _pivot(
    work: Sequence[WorkItem], plans: Sequence[TranslationPlan], context: StageContext
) -> None:
    """Translate non-English articles into English, one model at a time."""
    for plan in plans:
        waiting = awaiting_pivot_model(work, plan)
        if not waiting:
            continue
        model = _load_or_fail(partial(sentence_engine, plan, context), waiting, "pivot model")
        if model is None:
            continue
        bar = context.progress(f"translating articles into English ({', '.join(plan.targets)})", 0)
        try:
            for code, target in plan.targets.items():
                translator = ModelTranslator(
                    model, {ENGLISH.code: target}, progress=bar, source_language=code
                )
                items = awaiting_pivot(work, plan.model, code)
                for wave in _waves(items, SUMMARY_WAVE):
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
    _share_time(wave, "pivot", time.perf_counter() - started, [len(i.article.text) for i in wave])
    for item, text in zip(wave, english, strict=True):
        item.english_text, item.computed = text, True
        context.cache.put(_pivot_key(item, context), {"text": text})


def _load_or_fail(
    load: Callable[[], Engine], waiting: Sequence[WorkItem], role: str
) -> Engine | None:
    """The loaded model, or None after failing every article waiting for it.

    Every model was checked before any work, so a load that still fails (a conversion that
    breaks, a GPU out of memory) is rare; it fails the articles that need the model, and the
    run goes on and writes what the other models finished, instead of ending with nothing.
    """
    try:
        return load()
    except Exception as error:  # any failure to load means the same for these articles
        logger.error("%s", load_failure_message(role, error))
        logger.debug("loading the %s failed", role, exc_info=True)
        for item in waiting:
            item.failure = load_failure_reason(role, error)
        return None


def load_failure_message(role: str, error: Exception) -> str:
    """The whole message for a model that failed to load, with whatever fix the error names."""
    return f"the {role} failed to load: {str(error).strip() or repr(error)}"


def load_failure_reason(role: str, error: Exception) -> str:
    """Why each article waiting for a model that failed to load failed: one line."""
    return load_failure_message(role, error).splitlines()[0]


def sentence_engine(plan: TranslationPlan, context: StageContext) -> Engine:
    """Load a translation model, batched for sentence-length inputs."""
    return _load_engine(
        plan.model,
        plan.choice,
        context,
        long_inputs=False,
        overrides=stage_overrides(context.config, "translation"),
    )


def _translate(
    work: Sequence[WorkItem], plans: Sequence[TranslationPlan], context: StageContext
) -> None:
    for plan in plans:
        waiting = awaiting_translation_model(work, plan)
        if not waiting:
            continue
        pending = {code: awaiting_translation(waiting, code) for code in plan.targets}
        model = _load_or_fail(partial(sentence_engine, plan, context), waiting, "translation model")
        if model is None:
            continue
        bar = context.progress(f"translating ({', '.join(plan.targets)})", 0)
        try:
            translator = ModelTranslator(model, plan.targets, progress=bar)
            for code, items in pending.items():
                for wave in _waves(items, TRANSLATION_WAVE):
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
    _share_time(wave, f"translation:{code}", time.perf_counter() - started, [len(t) for t in texts])
    for item, pairs, source in zip(wave, translated, texts, strict=True):
        text = join_sentences(pairs, code)
        item.translations[code], item.sentences[code], item.computed = text, pairs, True
        context.cache.put(_translation_key(source, code, context), _translation_entry(text, pairs))


def review(work: Sequence[WorkItem], context: StageContext) -> None:
    """Run the quality checks on every summarised article; --strict fails the flagged ones.

    The checks are cheap, so they run on every run, over cached work too.
    """
    for item in work:
        if item.summary is None or item.failure is not None:
            continue
        english = item.english_text
        if item.pivot_model and english is None:  # summary came from the cache
            cached = context.cache.get(_pivot_key(item, context), _PIVOT_ENTRY)
            english = cached["text"] if cached is not None else None
        item.quality = tuple(
            check_article(
                item.summary.text,
                [item.article.text] + ([english] if english else []),
                item.translations,
                item.sentences,
                # Names can only be compared with English text.
                names=item.pivot_model is None or english is not None,
            )
        )
        if item.quality:
            logger.info("%s: %d quality warning(s)", item.article.source, len(item.quality))
        if item.quality and context.config.strict:
            item.failure = f"--strict: {len(item.quality)} quality warning(s), first: " + (
                f"{item.quality[0].stage} ({item.quality[0].language}) {item.quality[0].detail}"
            )


def work_to_record(item: WorkItem) -> dict[str, Any]:
    """An article's progress as JSON values (the article itself is referred to by id)."""
    return {
        "id": item.article.id,
        "language": item.language,
        "pivot_model": item.pivot_model,
        "english_text": item.english_text,
        "summary": asdict(item.summary) if item.summary else None,
        "translations": item.translations,
        "sentences": {
            code: [list(pair) for pair in pairs] for code, pairs in item.sentences.items()
        },
        "quality": [warning.as_record() for warning in item.quality],
        "failure": item.failure,
        "computed": item.computed,
        "seconds": item.seconds,
    }


def work_from_record(article: Article, data: dict[str, Any]) -> WorkItem:
    """The inverse of :func:`work_to_record`, given the same article."""
    if data["id"] != article.id:  # results came back out of step with the inputs
        raise RuntimeError(f"results out of step: {data['id']!r} is not {article.id!r}")
    return WorkItem(
        article=article,
        language=data["language"],
        pivot_model=data["pivot_model"],
        english_text=data["english_text"],
        summary=Summary(**data["summary"]) if data["summary"] else None,
        translations=data["translations"],
        sentences={code: _cached_pairs(pairs) or [] for code, pairs in data["sentences"].items()},
        quality=tuple(QualityWarning(**warning) for warning in data["quality"]),
        failure=data["failure"],
        computed=data["computed"],
        seconds=data["seconds"],
    )


def save_finished(
    work: Sequence[WorkItem], before: Sequence[WorkItem], context: StageContext
) -> None:
    """Put the units a stage computed elsewhere (by Ray actors) into this run's cache.

    ``before`` holds the same articles as they were when the stage started: only what the stage
    added is written, so earlier stages' units are not written again.
    """
    for item, old in zip(work, before, strict=True):
        if item.pivot_model and item.english_text is not None and old.english_text is None:
            context.cache.put(_pivot_key(item, context), {"text": item.english_text})
        if item.summary is None:
            continue
        summary = item.summary
        if old.summary is None:
            context.cache.put(
                _summary_key(item, context), {"text": summary.text, "chunks": summary.chunks}
            )
        for code, text in item.translations.items():
            if code not in old.translations:
                context.cache.put(
                    _translation_key(summary.text, code, context),
                    _translation_entry(text, item.sentences.get(code)),
                )


def _translation_entry(text: str, pairs: Sequence[SentencePair] | None) -> dict[str, Any]:
    """A translation's cache entry: the text, and each sentence with what it became."""
    entry: dict[str, Any] = {"text": text}
    if pairs is not None:
        entry["sentences"] = [list(pair) for pair in pairs]
    return entry


def _status(item: WorkItem, languages: Sequence[str]) -> Status:
    if item.failure is not None:
        return "failed"
    if item.summary is None or any(code not in item.translations for code in languages):
        return "skipped"
    return "done" if item.computed else "cached"


def write_outputs(
    computation: Computation,
    input_failures: tuple[InputFailure, ...],
    config: RunConfig,
    started: datetime,
    seconds: float,
    *,
    report_extras: Mapping[str, Any] | None = None,
) -> RunOutcome:
    """Render the briefing and run.json from every finished article.

    ``report_extras`` are added to run.json (how a distributed run was spread out). An
    interrupted computation is written too, then RunInterrupted says how to resume.
    """
    work, device, engines = computation.work, computation.device, computation.engines
    statuses = [_status(item, config.languages) for item in work]
    results = tuple(
        ArticleResult(
            article=item.article,
            summary=item.summary,
            translations={code: item.translations[code] for code in config.languages},
            source_language=item.language,
            pivot_model=item.pivot_model,
            quality_warnings=item.quality,
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
    # Another run writing the same folder is waited for, so the files all come from one run
    # or the other. A Ctrl-C while the files are written waits for them: they are the run's
    # record.
    with folder_lock(config.output), _interrupts_deferred() as received:
        written_before = files_of_last_run(config.output)
        written = write_briefing(briefing, config.output, user_templates=config.templates)
        report = build_run_report(
            run=run_info,
            settings=_settings(config)
            | {
                # The revision (commit) each model was loaded at; null for a local folder.
                "revisions": computation.revisions,
                "engines": {
                    model: {
                        "engine": choice.engine,
                        "precision": precision(choice.engine, device, config.dtype),
                        "fallback_reason": choice.fallback_reason,
                    }
                    for model, choice in engines.items()
                },
            },
            versions=computation.versions,
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
                    quality_warnings=item.quality,
                    seconds=item.seconds,
                )
                for item, status in zip(work, statuses, strict=True)
            ],
            input_failures=input_failures,
            finished_at=datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
            seconds=seconds,
            interrupted=computation.interrupted,
        )
        report |= report_extras or {}
        # What this run wrote, so the next one can remove pages it no longer writes. An
        # interrupted run removes nothing (what it has not reached yet may come back on resume)
        # and keeps the earlier run's files listed for the run that finishes.
        files = [path.name for path in written] + [RUN_REPORT_FILE]
        if computation.interrupted:
            files = list(dict.fromkeys([*files, *written_before]))
        report["files"] = files
        written.append(write_run_report(report, config.output))
        if not computation.interrupted:
            # An article now failing (or held back by --strict), or a language dropped, leaves
            # no page behind from an earlier run; files this tool never wrote are not touched.
            for name in remove_unwritten_outputs(config.output, written_before, files):
                logger.info("removed %s: this run did not write it", name)
    outcome = RunOutcome(briefing=briefing, written=tuple(written), report=report)
    if computation.interrupted or received:
        _raise_interrupted(outcome, config)
    return outcome


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[list[int]]:
    """Hold back a Ctrl-C (SIGINT) that arrives inside the block; the list yielded says
    whether one came, for the caller to stop once the block is done.

    Only the main thread can set signal handlers; elsewhere the block runs as it is.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = signal.signal(signal.SIGINT, lambda number, frame: received.append(number))
    try:
        yield received
    finally:
        signal.signal(signal.SIGINT, previous)


def _precisions(engines: dict[str, EngineChoice], device: str, dtype: str) -> str:
    """How the models ran, for the briefing: e.g. ``int8 (CTranslate2)``."""
    used = {(choice.engine, precision(choice.engine, device, dtype)) for choice in engines.values()}
    if not used:  # everything came from the cache
        return "cached results"
    names = {"ctranslate2": "CTranslate2", "transformers": "transformers"}
    return ", ".join(f"{value} ({names[engine]})" for engine, value in sorted(used))


def _settings(config: RunConfig) -> dict[str, Any]:
    """The settings that shaped the output, as JSON values, for run.json."""
    computed = {
        # Whether the Hub was off limits: --offline, --models-dir or HF_HUB_OFFLINE=1.
        "offline": is_offline(),
        "cache": None if config.no_cache else str(cache_folder(config)),
    }
    return run_settings(config, computed)
