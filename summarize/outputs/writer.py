"""Writing a run's outputs: the briefing's pages, results.jsonl and run.json, from the records."""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from summarize import __version__
from summarize.core.cache import cache_folder
from summarize.core.config import RunConfig
from summarize.core.errors import RunInterrupted, WriteFailed
from summarize.core.files import (
    RESULTS_FILE,
    folder_lock,
    move_into_place,
    remove_unwritten_outputs,
    staging_folder,
)
from summarize.core.languages import ENGLISH
from summarize.core.options import run_settings
from summarize.core.records import (
    ArticleOutcome,
    Briefing,
    Duplicate,
    InputFailure,
    LanguageUnavailable,
    RunInfo,
)
from summarize.engines.backends import EngineChoice, precision
from summarize.engines.hub import is_offline
from summarize.outputs.briefing import write_briefing
from summarize.outputs.layout import (
    INDEX_FILE,
    about_name,
    edition_codes,
    edition_name,
    feed_names,
)
from summarize.outputs.report import (
    RUN_REPORT_FILE,
    build_run_report,
    files_of_last_run,
    write_run_report,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOutcome:
    """What a run produced."""

    briefing: Briefing
    #: Files written into the output folder.
    written: tuple[Path, ...]
    #: The run.json document.
    report: dict[str, Any]
    #: The folder it was written into (an archive run's dated folder).
    folder: Path | None = None

    @property
    def failed(self) -> int:
        """Number of inputs or articles that produced no result."""
        return len(self.briefing.failures)

    @property
    def unavailable(self) -> tuple[LanguageUnavailable, ...]:
        """Target languages the run could not produce (the others are written)."""
        return self.briefing.unavailable


@dataclass(frozen=True)
class RunResults:
    """What a run computed, as the outputs are written from it."""

    #: Every article in input order, done or not.
    articles: Sequence[ArticleOutcome]
    #: Model id -> the engine it ran on (only models that ran).
    engines: Mapping[str, EngineChoice]
    #: Resolved torch device(s), e.g. ``cpu`` or ``cuda:0``.
    device: str
    #: Whether Ctrl-C stopped the work before it finished.
    interrupted: bool
    #: Library name -> version, for run.json.
    versions: Mapping[str, str]
    #: Model -> the revision (commit) it was loaded at; None for a local folder.
    revisions: Mapping[str, str | None]
    #: Target languages the run could not produce: their articles are written without them.
    unavailable: tuple[LanguageUnavailable, ...] = ()


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


def write_outputs(
    computed: RunResults,
    input_failures: tuple[InputFailure, ...],
    config: RunConfig,
    started: datetime,
    seconds: float,
    *,
    report_extras: Mapping[str, Any] | None = None,
    duplicates: Sequence[Duplicate] = (),
) -> RunOutcome:
    """Render the briefing and run.json from every finished article.

    ``report_extras`` are added to run.json (how a distributed run was spread out);
    ``duplicates``, the copies of stories merged into others, are listed in it. An
    interrupted run's results are written too, then RunInterrupted says how to resume; a
    Ctrl-C while the files are written counts as one (run.json says ``interrupted``).
    A write that fails (full disk) raises WriteFailed and leaves the previous files as they were.
    """
    work, device, engines = computed.articles, computed.device, computed.engines
    missing = {entry.language for entry in computed.unavailable}
    available = [code for code in config.languages if code not in missing]
    results = tuple(
        replace(
            item,
            translations={code: item.translations[code] for code in available},
            # A language the run could not produce shows nowhere, not even a headline.
            headlines={
                code: headline
                for code, headline in item.headlines.items()
                if code == ENGLISH.code or code in available
            },
        )
        for item in work
        if item.status in ("done", "cached")
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
    briefing = Briefing(
        results=results, run=run_info, failures=failures, unavailable=computed.unavailable
    )
    # Another run writing the same folder is waited for, so the files all come from one run
    # or the other. A Ctrl-C while the files are written waits for them: they are the run's
    # record. Every file is written into a staging folder first and moved into place only
    # once all are on disk, so a run that fails or is killed part way leaves the previous
    # briefing as it was.
    with folder_lock(config.output), _interrupts_deferred() as received:
        written_before = files_of_last_run(config.output)
        with staging_folder(config.output) as staging:
            with _nothing_changed_on_failure(config.output):
                staged = write_briefing(
                    briefing,
                    staging,
                    user_templates=config.templates,
                    site_url=config.site_url,
                    archived=config.archive is not None,
                )
                # A Ctrl-C that came while the pages were written stops the run too: run.json
                # says so.
                interrupted = computed.interrupted or bool(received)
                report = _run_report(
                    computed, input_failures, config, run_info, seconds, interrupted, duplicates
                )
                report |= report_extras or {}
                # What this run wrote, so the next one can remove pages it no longer writes. An
                # interrupted run removes nothing (what it has not reached yet may come back on
                # resume) and keeps the earlier run's files listed for the run that finishes.
                files = [path.name for path in staged] + [RUN_REPORT_FILE]
                if interrupted:
                    files = list(dict.fromkeys([*files, *written_before]))
                files += _kept_feeds(briefing, written_before, files, config.output)
                report["files"] = files
                staged.append(write_run_report(report, staging))
            move_into_place(staging, config.output, _switch_order(staged, run_info))
        # Kept in the order written: index.html first, run.json last.
        written = [config.output / path.name for path in staged]
        logger.info(
            "wrote %d articles in %d editions to %s",
            len(results),
            len(edition_codes(run_info)) + 1,
            config.output,
        )
        if not interrupted:
            # An article now failing (or held back by --strict), or a language dropped, leaves
            # no page behind from an earlier run; files this tool never wrote are not touched.
            for name in remove_unwritten_outputs(config.output, written_before, files):
                logger.info("removed %s: this run did not write it", name)
    outcome = RunOutcome(
        briefing=briefing, written=tuple(written), report=report, folder=config.output
    )
    if interrupted or received:
        _raise_interrupted(outcome, config)
    return outcome


def _kept_feeds(
    briefing: Briefing, before: Sequence[str], files: Sequence[str], folder: Path
) -> list[str]:
    """The feeds of languages unavailable this run that an earlier run wrote, and the story
    pages they link to: kept and listed again, so a subscriber keeps last run's entries (a
    feed that vanished would unsubscribe some readers) and can open them, and a later run
    that writes the language again, or drops it for good, removes what it no longer needs."""
    kept = []
    for entry in briefing.unavailable:
        feeds = [name for name in feed_names(entry.language) if name in before]
        kept += feeds
        if feeds:
            # A kept story's page in every edition: its language switcher leads to them.
            slugs = _linked_slugs(folder / feed_names(entry.language)[1])
            kept += [
                name
                for name in before
                if name.endswith(".html") and name.partition(".")[0] in slugs
            ]
    return [name for name in dict.fromkeys(kept) if name not in files]


def _linked_slugs(json_feed: Path) -> set[str]:
    """The slugs of the story pages a JSON Feed written by an earlier run links to."""
    try:
        items = json.loads(json_feed.read_text("utf-8")).get("items", [])
    except (OSError, ValueError, AttributeError):
        return set()  # no feed, or not one of ours: its pages go as any unwritten page
    names = [
        urlsplit(item["url"]).path.rpartition("/")[2]
        for item in items
        if isinstance(item, dict) and isinstance(item.get("url"), str)
    ]
    return {name.partition(".")[0] for name in names if name.endswith(".html")}


def _run_report(
    computed: RunResults,
    input_failures: tuple[InputFailure, ...],
    config: RunConfig,
    run_info: RunInfo,
    seconds: float,
    interrupted: bool,
    duplicates: Sequence[Duplicate] = (),
) -> dict[str, Any]:
    """The run.json document of a run, before the files it wrote are listed."""
    device = computed.device
    return build_run_report(
        run=run_info,
        settings=_settings(config)
        | {
            # The revision (commit) each model was loaded at; null for a local folder.
            "revisions": computed.revisions,
            "engines": {
                model: {
                    "engine": choice.engine,
                    "precision": precision(choice.engine, device, config.dtype),
                    "fallback_reason": choice.fallback_reason,
                }
                for model, choice in computed.engines.items()
            },
        },
        versions=computed.versions,
        articles=computed.articles,
        input_failures=input_failures,
        unavailable=computed.unavailable,
        duplicates=duplicates,
        finished_at=datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
        seconds=seconds,
        interrupted=interrupted,
    )


@contextlib.contextmanager
def _nothing_changed_on_failure(output: Path) -> Iterator[None]:
    """Say in a failed write's message that the output folder was left as it was."""
    try:
        yield
    except WriteFailed as failure:
        raise WriteFailed(f"{failure}; nothing in {output} was changed") from failure


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


def _switch_order(staged: Sequence[Path], run: RunInfo) -> list[str]:
    """The order to move a run's files into place in, so that no page ever links to one not
    there yet: the "About this briefing" pages (every page's footer links to them), article
    pages, the language editions, index.html, the feeds (they link to all of those), then
    results.jsonl and run.json (last: it says which run the folder holds)."""
    codes = edition_codes(run)
    editions = {edition_name(code) for code in codes}
    abouts = {about_name(code) for code in (ENGLISH.code, *codes)}
    feeds = {name for code in (ENGLISH.code, *codes) for name in feed_names(code)}

    def rank(name: str) -> int:
        if name in abouts:
            return -1
        if name == RUN_REPORT_FILE:
            return 5
        if name == RESULTS_FILE:
            return 4
        if name in feeds:
            return 3
        if name == INDEX_FILE:
            return 2
        return 1 if name in editions else 0

    return sorted((path.name for path in staged), key=rank)


def _precisions(engines: Mapping[str, EngineChoice], device: str, dtype: str) -> str:
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
