"""The batch job: read -> summarise -> translate -> render, one model in memory at a time.

Every finished unit of work (an article's summary, a summary's translation into one language)
goes into the cache the moment it exists, so an interrupted run resumes where it stopped, and a
run with everything cached loads no model at all. Whatever happens, the outputs are rendered at
the end from what is done.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from summarize.core.cache import cache_folder
from summarize.core.config import RunConfig
from summarize.core.errors import InputError
from summarize.core.files import check_writable_folder
from summarize.core.progress import ProgressFactory, silent_progress
from summarize.core.records import Article, ArticleOutcome, LanguageUnavailable
from summarize.engines import allocator
from summarize.engines.backends import EngineChoice
from summarize.inputs import (
    BYTES_PER_MB,
    SUPPORTED_SUFFIXES,
    ReadResult,
    merge_duplicates,
    read_articles,
)
from summarize.outputs import check_templates
from summarize.outputs.writer import RunOutcome, RunResults, write_outputs
from summarize.stages.caching import Cached
from summarize.stages.context import StageContext, make_context
from summarize.stages.loading import LoadFailure, load_or_fail
from summarize.stages.plan import StagePlan
from summarize.stages.preparation import plan_stages, prepare
from summarize.stages.review import review
from summarize.stages.stage import Stage
from summarize.stages.work import WorkItem

logger = logging.getLogger(__name__)


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
    #: Target languages this run could not produce, each once.
    unavailable: tuple[LanguageUnavailable, ...] = ()

    def available(self, languages: Sequence[str]) -> tuple[str, ...]:
        """Of the run's target ``languages``, those it could produce."""
        missing = {entry.language for entry in self.unavailable}
        return tuple(code for code in languages if code not in missing)

    def outcomes(self, languages: Sequence[str]) -> list[ArticleOutcome]:
        """Every article as a record, given the run's target ``languages``: one that reached
        every available language is done (or cached)."""
        return [item.outcome(self.available(languages)) for item in self.work]

    def results(self, languages: Sequence[str]) -> RunResults:
        """The computation as records, for the outputs (``languages``: the run's targets)."""
        return RunResults(
            articles=tuple(self.outcomes(languages)),
            unavailable=self.unavailable,
            engines=dict(self.engines),
            device=self.device,
            interrupted=self.interrupted,
            versions=dict(self.versions),
            revisions=dict(self.revisions),
        )


def run(config: RunConfig, progress: ProgressFactory = silent_progress) -> RunOutcome:
    """Run the whole batch job described by ``config`` and write its outputs.

    Raises RunInterrupted (after writing what is done) when interrupted with Ctrl-C.
    """
    started = datetime.now(UTC).astimezone()
    clock = time.perf_counter()
    read = read_inputs(config)
    computation = compute(config, read.articles, progress)
    return write_outputs(
        computation.results(config.languages),
        read.failures,
        config,
        started,
        time.perf_counter() - clock,
        duplicates=read.duplicates,
    )


def read_inputs(config: RunConfig) -> ReadResult:
    """Read every input, one article per story (copies merged: see merge_duplicates; all of
    them with --keep-duplicates); no article at all is a usage error."""
    _check_input_paths(config)
    # The run's own outputs are never read back as articles (a file named explicitly still is).
    read = read_articles(
        config.inputs,
        exclude=(config.output, cache_folder(config)),
        max_bytes=config.max_input_mb * BYTES_PER_MB,
    )
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
    if config.keep_duplicates:
        return read
    # Every runner reads through here, so a story is summarised once however the run is spread.
    merged = merge_duplicates(read.articles)
    if merged.duplicates:
        logger.info("merged %d duplicate stories", len(merged.duplicates))
    return replace(read, articles=merged.articles, duplicates=merged.duplicates)


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
        for stage in plan_stages(plan):
            run_stage(stage, work, context)
    except KeyboardInterrupt:
        interrupted = True
        logger.warning("interrupted: writing what is done so far")
    return conclude(work, plan, context, interrupted=interrupted)


def run_stage(stage: Stage, work: Sequence[WorkItem], context: StageContext) -> None:
    """Run one stage over every article waiting for it: its model loaded once, wave by wave,
    each wave's units cached as it ends. A model that fails to load fails its articles, or
    makes its languages unavailable (a translation model: see LoadFailure.settle)."""
    waiting = stage.waiting(work)
    if not waiting:
        return
    waves = list(stage.waves(work))
    model = load_or_fail(stage, context)
    if isinstance(model, LoadFailure):
        logger.error("%s", model.message)
        model.settle(stage, waiting, context)
        return
    cached = Cached(stage)
    bar = context.progress(stage.label, 0)
    try:
        for wave in waves:
            cached.run_wave(wave, model, context, bar)
    finally:
        bar.close()
        model.close()


def conclude(
    work: list[WorkItem], plan: StagePlan, context: StageContext, *, interrupted: bool
) -> Computation:
    """Run the quality checks on the finished work and describe how it ran."""
    from summarize.engines import transformers_engine as engine  # imports torch: only to run

    review(work, context)
    return Computation(
        work=work,
        engines=plan.engines(context.config.summary_model) | context.fallbacks,
        device=context.device,
        interrupted=interrupted,
        versions=engine.library_versions(),
        revisions=plan.revisions,
        unavailable=tuple(context.unavailable.values()),
    )
