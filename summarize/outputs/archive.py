"""The dated archive (``--archive DIR``): every run kept in a folder of its own.

Each run writes a whole output folder ``DIR/<YYYY-MM-DD>/`` (the local date it started;
``-2``, ``-3`` for later runs that day) with the ordinary writer, then refreshes the top:

- ``DIR/index.html`` and ``DIR/briefing.<code>.html``: the latest run's front pages, rendered
  with the same templates, their story links leading into its folder (no redirect);
- ``DIR/feed.<code>.xml`` and ``.json``: the newest :data:`FEED_ENTRIES` entries over the
  kept runs, newest run first, each story once (entry ids do not depend on the run);
- ``DIR/archive.html`` and ``DIR/archive.<code>.html``: every kept run, newest first.

The top is written like a run's folder: rendered in memory, staged, then each file renamed
into place, so a full disk leaves the last good top-level pages as they were. ``--keep N``
removes the oldest dated folders beyond N, and only folders this tool made: named like a
run's folder *and* holding its run.json. Nothing else an earlier run wrote is removed.

There is no manifest: the list of runs is read from the dated folders' run.json files, so it
cannot disagree with what is on disk (a folder removed by hand simply drops out), and a
crash between writing a run and updating a manifest cannot lose one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import quote

from summarize.core.config import RunConfig
from summarize.core.errors import WriteFailed, write_failure
from summarize.core.files import folder_lock, move_into_place, staging_folder, write_atomic
from summarize.core.languages import SOURCE_LANGUAGE
from summarize.core.records import Briefing, Duplicate, InputFailure
from summarize.outputs.context import build_context
from summarize.outputs.environment import (
    EDITION_TEMPLATE,
    blamed_on,
    make_environment,
    render_template,
)
from summarize.outputs.feeds import edition_feed, feed_files, feed_links, read_json_entries
from summarize.outputs.layout import (
    INDEX_FILE,
    archive_name,
    edition_codes,
    edition_name,
    edition_page,
    feed_names,
)
from summarize.outputs.locales import babel_locale, language_display, long_date
from summarize.outputs.messages import catalogue_name, load_user_messages
from summarize.outputs.report import RUN_REPORT_FILE
from summarize.outputs.writer import RunOutcome, RunResults, write_outputs

logger = logging.getLogger(__name__)

#: Entries in each top-level feed: enough for a reader away for a week of daily runs.
FEED_ENTRIES = 100
#: The cache of an archive, shared by every run (inside a dated folder, each run would
#: start with an empty one).
CACHE_FOLDER = ".cache"
#: A run's folder: its date, then ``-2``, ``-3``... for later runs that day.
_RUN_FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-([2-9]|[1-9]\d+))?$")
#: The archive list's page template.
ARCHIVE_TEMPLATE = "archive.html"


@dataclass(frozen=True)
class ArchivedRun:
    """One dated folder of the archive, as its run.json describes it."""

    #: The folder's name: ``2026-12-06`` or ``2026-12-06-2``.
    folder: str
    day: date
    #: 1 for the day's first run, then 2, 3...
    number: int
    #: When the run started (ISO 8601).
    started: str
    #: Stories the run published (done or cached).
    stories: int
    #: The run's target languages, and those it could not produce.
    languages: tuple[str, ...]


def prepare_archive(config: RunConfig) -> RunConfig:
    """The settings a run in archive mode reads and computes with, before its folder exists:
    the archive as the output (so nothing in it is read back as an article and it is checked
    to be writable), its cache in ``DIR/.cache`` unless ``--cache-dir`` says otherwise.

    The archive's memory of the stories it published (``summarize.inputs.seen``) is the
    runner's to consult and update: the inputs layer keeps it, this one writes pages.
    """
    if config.archive is None:
        return config
    return replace(
        config, output=config.archive, cache_dir=config.cache_dir or config.archive / CACHE_FOLDER
    )


def write_archived(
    computed: RunResults,
    input_failures: tuple[InputFailure, ...],
    config: RunConfig,
    started: datetime,
    seconds: float,
    *,
    duplicates: Sequence[Duplicate] = (),
) -> RunOutcome:
    """Write the run into a new dated folder of ``config.archive``, then refresh the top.

    ``config`` is :func:`prepare_archive`'s. A run that fails to write leaves no folder; an
    interrupted one keeps its folder (the next run lists it) and raises RunInterrupted
    before the top is refreshed.
    """
    assert config.archive is not None
    archive = config.archive
    folder = claim_run_folder(archive, started)
    site_url = None if config.site_url is None else f"{config.site_url}{quote(folder.name)}/"
    try:
        outcome = write_outputs(
            computed,
            input_failures,
            replace(config, output=folder, site_url=site_url),
            started,
            seconds,
            duplicates=duplicates,
        )
    except WriteFailed:
        _remove_if_empty(folder)
        raise
    refresh_archive(archive, outcome.briefing, folder.name, config)
    return outcome


def claim_run_folder(archive: Path, started: datetime) -> Path:
    """Create the run's folder, ``<date>``, else ``<date>-2``, ``-3``...: the first name free.

    ``mkdir`` claims it, so two runs starting at once never share one.
    """
    day = started.astimezone().date().isoformat()
    try:
        archive.mkdir(parents=True, exist_ok=True)
        for number in count(1):
            folder = archive / (day if number == 1 else f"{day}-{number}")
            try:
                folder.mkdir()
            except FileExistsError:
                continue
            return folder
    except OSError as error:
        failure = write_failure(error, archive)
        if failure is None:
            raise
        raise failure from error
    raise AssertionError("unreachable")


def archived_runs(archive: Path) -> list[ArchivedRun]:
    """The archive's runs, newest first: folders named like a run's holding its run.json."""
    runs = []
    for path in archive.iterdir() if archive.is_dir() else ():
        match = _RUN_FOLDER.match(path.name)
        if match is None or not path.is_dir() or path.is_symlink():
            continue
        try:
            report = json.loads((path / RUN_REPORT_FILE).read_text("utf-8"))
            day = date.fromisoformat(match.group(1))
            runs.append(
                ArchivedRun(
                    folder=path.name,
                    day=day,
                    number=int(match.group(2) or 1),
                    started=str(report["started_at"]),
                    stories=int(report["done"]) + int(report["cached"]),
                    languages=tuple(str(code) for code in report["languages"]),
                )
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a run's folder (or a damaged one): never listed, never removed
    return sorted(runs, key=lambda run: (run.day, run.number), reverse=True)


def refresh_archive(
    archive: Path, briefing: Briefing, folder: str, config: RunConfig
) -> list[Path]:
    """Rewrite the top-level pages and feeds for the run in ``folder`` (just written, whose
    ``briefing`` it is) over the newest ``config.keep`` runs, then remove the older runs'
    folders; returns the files written."""
    with folder_lock(archive):
        runs = archived_runs(archive)
        # The run just written leads, whatever the clock did since the last one.
        runs = [run for run in runs if run.folder == folder] + [
            run for run in runs if run.folder != folder
        ]
        dropped = runs[config.keep :] if config.keep is not None else []
        runs = runs[: len(runs) - len(dropped)]
        files = _render_top(archive, briefing, folder, runs, config)
        with staging_folder(archive) as staging:
            for name, text in files:
                write_atomic(staging / name, text)
            # The lists and feeds link only into dated folders, already whole; the front
            # pages link to them, so they move last.
            order = sorted((name for name, _ in files), key=_top_rank)
            moved = move_into_place(staging, archive, order)
        # Only once nothing at the top links into them any more.
        for run in dropped:
            _prune(archive / run.folder)
    logger.info("refreshed the archive's front pages and feeds in %s", archive)
    return moved


def _top_rank(name: str) -> int:
    if name == INDEX_FILE:
        return 2
    return 1 if name.startswith("briefing.") else 0


def _prune(folder: Path) -> None:
    try:
        shutil.rmtree(folder)
        logger.info("removed %s: older than the runs --keep keeps", folder)
    except OSError as error:
        logger.warning("could not remove %s (%s)", folder, error.strerror or error)


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # something was written: it stays for the user to see
        folder.rmdir()


def _render_top(
    archive: Path,
    briefing: Briefing,
    folder: str,
    runs: Sequence[ArchivedRun],
    config: RunConfig,
) -> list[tuple[str, str]]:
    """The top-level files: front pages, archive lists, then feeds (name, text)."""
    prefix = quote(folder) + "/"
    languages = [SOURCE_LANGUAGE, *edition_codes(briefing.run)]
    env = make_environment(config.templates)
    contexts: dict[str, dict[str, Any]] = {}
    for code in languages:
        with blamed_on(config.templates, catalogue_name(code), "message catalogue"):
            messages = load_user_messages(code, config.templates)
            context = build_context(briefing, code, messages=messages, prefix=prefix)
        # The top always has every language's feed: earlier runs' entries, if not this one's.
        contexts[code] = context | {
            "feed": feed_links(code),
            "archive_href": "./" + quote(archive_name(code)),
        }
    files = []
    for code, context in contexts.items():
        template = INDEX_FILE if code == SOURCE_LANGUAGE else EDITION_TEMPLATE
        files.append(
            (edition_page(code), render_template(env, template, context, config.templates))
        )
    for code, context in contexts.items():
        page = _archive_context(context, runs, archive)
        files.append(
            (archive_name(code), render_template(env, ARCHIVE_TEMPLATE, page, config.templates))
        )
    for code, context in contexts.items():
        feed = edition_feed(briefing, context, config.site_url)
        feed = replace(feed, entries=tuple(_merged_entries(archive, runs, code)))
        files.extend(feed_files(feed))
    return files


def _archive_context(
    context: Mapping[str, Any], runs: Sequence[ArchivedRun], archive: Path
) -> dict[str, Any]:
    """An edition's context for its list of past briefings."""
    code = context["page_lang"]["code"]
    locale = babel_locale(context["page_lang"]["html_lang"])
    editions = [
        {**entry, "href": "./" + quote(archive_name(entry["code"]))}
        for entry in context["editions"]
    ]
    per_day = Counter(run.day for run in runs)
    listed = []
    for number, run in enumerate(runs):
        run_editions = []
        codes = [code for code in dict.fromkeys(run.languages) if code != SOURCE_LANGUAGE]
        for language in [SOURCE_LANGUAGE, *codes]:
            page = INDEX_FILE if language == SOURCE_LANGUAGE else edition_name(language)
            if (archive / run.folder / page).is_file():
                run_editions.append(
                    {**language_display(language), "href": f"./{quote(run.folder)}/{page}"}
                )
        listed.append(
            {
                "folder": run.folder,
                "generated_at": run.started,
                "date_display": _run_date(run, locale, per_day[run.day] > 1),
                "stories": run.stories,
                "latest": number == 0,
                "editions": run_editions,
            }
        )
    return {
        **context,
        "editions": editions,
        "runs": listed,
        "status_page": "./" + quote(edition_page(code)),
        "home_href": "./" + quote(edition_page(code)),
    }


def _run_date(run: ArchivedRun, locale: Any, several: bool) -> str:
    """The run's date in the page's language; with its time when the day had ``several``."""
    shown = long_date(run.started, locale) or run.day.isoformat()
    if several:
        try:
            moment = datetime.fromisoformat(run.started)
        except ValueError:
            return shown
        return f"{shown}, {moment:%H:%M}"
    return shown


def _merged_entries(archive: Path, runs: Sequence[ArchivedRun], code: str) -> list[Any]:
    """The newest :data:`FEED_ENTRIES` entries of the ``code`` feeds over ``runs`` (newest run
    first), each story once: the newest run's entry wins."""
    _, json_name = feed_names(code)
    seen: set[str] = set()
    entries = []
    for run in runs:
        try:
            text = (archive / run.folder / json_name).read_text("utf-8")
        except OSError:
            continue  # the language was unavailable in that run: no feed there
        for entry in read_json_entries(text, prefix=quote(run.folder) + "/"):
            if entry.id in seen:
                continue
            seen.add(entry.id)
            entries.append(entry)
            if len(entries) == FEED_ENTRIES:
                return entries
    return entries
