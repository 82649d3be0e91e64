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
from functools import partial

from summarize.core.cache import cache_folder
from summarize.core.config import RunConfig
from summarize.core.errors import InputError, NothingNew
from summarize.core.files import check_writable_folder
from summarize.core.progress import ProgressFactory, silent_progress
from summarize.core.records import Article, ArticleOutcome, LanguageUnavailable
from summarize.engines import allocator
from summarize.engines.backends import EngineChoice
from summarize.inputs import (
    BYTES_PER_MB,
    FEED_SUFFIXES,
    SEEN_FILE,
    SUPPORTED_SUFFIXES,
    InputSource,
    LazyFetcher,
    ReadResult,
    classify_all,
    hold_back_seen,
    make_fetcher,
    merge_duplicates,
    read_articles,
    remember_published,
)
from summarize.outputs import check_templates
from summarize.outputs.archive import prepare_archive, write_archived
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
    # In archive mode the run reads and computes with the archive as its output (and its
    # cache); its dated folder is made only once there is something to write into it.
    config = prepare_archive(config)
    read = read_inputs(config)
    if config.archive is not None:
        read = _unpublished(read, config)
    computation = compute(config, read.articles, progress)
    write = write_outputs if config.archive is None else write_archived
    outcome = write(
        computation.results(config.languages),
        read.failures,
        config,
        started,
        time.perf_counter() - clock,
        duplicates=read.duplicates,
    )
    if config.archive is not None and outcome.folder is not None:
        published = [item.article for item in outcome.briefing.results if item.summary]
        remember_published(
            config.archive / SEEN_FILE,
            published,
            where=outcome.folder.name,
            when=started.date().isoformat(),
        )
    return outcome


def _unpublished(read: ReadResult, config: RunConfig) -> ReadResult:
    """An archive run's articles less those an earlier run into the archive published (all of
    them with --include-seen); NothingNew when none is left to publish."""
    assert config.archive is not None
    new, seen = hold_back_seen(read.articles, config.archive / SEEN_FILE, config)
    if seen and not new:
        raise NothingNew(
            f"nothing new: all {len(seen)} stories were published by earlier runs into "
            f"{config.archive}; no briefing written (--include-seen publishes them again)",
            read.failures,
        )
    if not new:  # every input failed: the archive keeps serving its last good briefing
        raise NothingNew(
            f"no story to publish; no briefing written into {config.archive}", read.failures
        )
    kept = {article.id for article in new}
    # A copy merged into a story held back is held back with it: run.json lists no merge into
    # an article the briefing does not have.
    duplicates = tuple(entry for entry in read.duplicates if entry.kept in kept)
    return replace(read, articles=tuple(new), duplicates=duplicates)


def read_inputs(config: RunConfig) -> ReadResult:
    """Read every input, one article per story (copies merged: see merge_duplicates; all of
    them with --keep-duplicates); no article at all is a usage error."""
    sources = _check_inputs(config)
    # Made on the first fetch (a URL input, a feed entry's page): a run of local files that
    # needs no page builds no HTTP client. An offline run fetches nothing.
    fetcher = None if config.offline else LazyFetcher(partial(make_fetcher, config))
    try:
        # The run's own outputs are never read back as articles (a file named explicitly
        # still is).
        read = read_articles(
            sources,
            exclude=(config.output, cache_folder(config)),
            max_bytes=config.max_input_mb * BYTES_PER_MB,
            fetcher=fetcher,
            max_feed_entries=config.max_feed_entries,
        )
    finally:
        if fetcher is not None:
            fetcher.close()
    if not read.articles and read.failures and all(source.kind == "url" for source in sources):
        # Before any model loads: most likely no network (or every URL is wrong), and an empty
        # briefing would replace the last good one.
        first = read.failures[0]
        raise InputError(
            f"no web input could be read ({first.source}: {first.reason}); check the network "
            "connection and the URLs"
        )
    if not read.articles and not read.failures:
        raise InputError(
            f"no articles found in {', '.join(config.inputs)}; supported files: "
            f"{', '.join(sorted(SUPPORTED_SUFFIXES | FEED_SUFFIXES))}"
        )
    # A wrong --templates folder or a broken template fails now, not after hours of work;
    # likewise an output or cache folder that cannot be written.
    check_templates(config.templates, config.languages)
    check_writable_folder(config.output, "--output" if config.archive is None else "--archive")
    if not config.no_cache:
        check_writable_folder(cache_folder(config), "--cache-dir")
    if config.keep_duplicates:
        return read
    # Every runner reads through here, so a story is summarised once however the run is spread.
    merged = merge_duplicates(read.articles)
    if merged.duplicates:
        logger.info("merged %d duplicate stories", len(merged.duplicates))
    return replace(read, articles=merged.articles, duplicates=merged.duplicates)


def _check_inputs(config: RunConfig) -> tuple[InputSource, ...]:
    """The inputs classified, with the usage errors reading alone would not make plain (or
    would make only after work: a URL in an offline run)."""
    sources = classify_all(config.inputs)
    if config.inputs == RunConfig.inputs and not sources[0].path.exists():
        raise InputError(
            f"input folder {config.inputs[0]}/ not found (it is what runs read when no INPUT "
            "is given); pass the files or folders to read, e.g. `summarize run news/`"
        )
    urls = [source.text for source in sources if source.kind == "url"]
    if urls and config.offline:
        raise InputError(
            f"{urls[0]} is a URL but --offline is set; drop --offline or give local files"
        )
    if config.processes > 1 and any(source.kind == "stdin" for source in sources):
        raise InputError(
            "- (standard input) cannot be shared by --processes: each process reads the "
            "inputs; save it to a file and name that instead"
        )
    output = config.output.resolve()
    for source in sources:
        path = source.path
        if source.kind == "path" and path.is_dir() and path.resolve() == output:
            raise InputError(
                f"{path} is both an input folder and the output folder: the briefing's pages "
                "would be read back as articles on the next run; write it elsewhere with -o"
            )
    return sources


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
