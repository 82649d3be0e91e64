"""Command line: parse flags and the config file into a RunConfig, run, map errors to exit codes.

Exit codes (summarize.core.errors): 0 all articles done; 1 the run finished but some inputs
failed or a language was unavailable (its model failed; the rest is written); 2 usage,
configuration or model-loading error; 3 crashed (a bug, a crashed process); 4 a file could not
be written (full, read-only or over-quota disk); 130 interrupted.
Everything printed to stderr escapes control and bidi characters (terminal_safe).
"""

from __future__ import annotations

import argparse
import logging
import numbers
import os
import shlex
import sys
import tempfile
import traceback
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from summarize.commands import evaluation
from summarize.commands.arguments import build_parser, settings_from_arguments
from summarize.core.config import build_run_config
from summarize.core.errors import (
    EXIT_CRASHED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SOME_FAILED,
    NothingNew,
    RunInterrupted,
    SummarizeError,
    write_failure,
)
from summarize.core.files import terminal_safe, write_atomic
from summarize.core.progress import silent_progress
from summarize.runners import transcripts

if TYPE_CHECKING:
    from summarize.core.config import RunConfig
    from summarize.outputs.writer import RunOutcome

logger = logging.getLogger("summarize")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``summarize`` command; returns the exit code."""
    transcripts.copy_stderr_if_asked()  # the main process of --processes only
    argv = sys.argv[1:] if argv is None else list(argv)
    arguments = build_parser().parse_args(argv)
    # The flag alone until the config file is read (see _settings): it may say verbose too.
    _configure_logging(getattr(arguments, "verbose", False))
    command = {
        "run": partial(_run, argv=argv),
        "models": _models,
        "eval": _evaluate,
        "check": _check,
    }[arguments.command]
    global _crash_log_folder
    _crash_log_folder = getattr(arguments, "output", None) if arguments.command == "eval" else None
    try:
        return command(arguments)
    except KeyboardInterrupt:
        _say("summarize: interrupted")
        return EXIT_INTERRUPTED
    except Exception as error:
        failure = write_failure(error) if isinstance(error, OSError) else None
        if isinstance(error, SummarizeError) or failure is not None:
            expected = failure or error
            logger.debug("stopped by an expected error", exc_info=True)
            kind = "" if isinstance(expected, RunInterrupted) else "error: "
            # The tool's own message, laid out over lines with its fix: its newlines stay.
            _say(f"summarize: {kind}{terminal_safe(expected, keep_layout=True)}")
            return expected.exit_code
        return _crashed(error, argv)


#: Where a crash's traceback goes: the output folder once the settings name one (else a
#: temporary file).
_crash_log_folder: Path | None = None

#: Name of the traceback file a crash leaves in the output folder.
CRASH_LOG = ".summarize-crash.log"


def _crashed(error: Exception, argv: list[str]) -> int:
    """Report an unexpected error in one line, its traceback in a file; the exit code."""
    trace = "".join(traceback.format_exception(error))
    if logger.isEnabledFor(logging.DEBUG):  # --verbose
        _say(terminal_safe(trace, keep_layout=True).rstrip("\n"))
    log = _write_crash_log(f"summarize {shlex.join(argv)}\n\n{trace}")
    message = " ".join(str(error).split())  # one line, whatever the exception's text
    if len(message) > 300:
        message = message[:300] + "..."
    what = f"{type(error).__name__}: {message}" if message else type(error).__name__
    where = f"traceback in {log}" if log else "the traceback could not be saved; run with --verbose"
    _say(f"summarize: crashed: {terminal_safe(what)} ({terminal_safe(where)})")
    return EXIT_CRASHED


def _write_crash_log(text: str) -> Path | None:
    """Save ``text`` in the output folder, else in a temporary file; the path, or None."""
    if _crash_log_folder is not None and Path(_crash_log_folder).is_dir():
        path = Path(_crash_log_folder) / CRASH_LOG
        try:
            write_atomic(path, text)
            return path
        except (OSError, SummarizeError):
            pass  # an unwritable output folder: a temporary file instead
    try:
        fd, name = tempfile.mkstemp(prefix="summarize-crash-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(text)
        return Path(name)
    except OSError:
        return None


def _say(line: str) -> None:
    """Print one of the CLI's own lines to stderr; values in it are made terminal_safe first."""
    print(line, file=sys.stderr)


def _run(arguments: argparse.Namespace, argv: list[str]) -> int:
    config = _settings(arguments)
    # Imported here: the pipeline imports torch; keep --help fast.
    from summarize.runners.distributed import launched_with_several_processes

    if config.processes > 1 and not launched_with_several_processes():
        from summarize.runners import distributed  # see above

        return distributed.launch(config, argv)  # each process runs this command again
    # -q as the user gave it: silent on success. Off a terminal there are no progress bars
    # either, but the closing line stays (a log shows how the run went).
    silent_on_success = config.quiet
    if not sys.stderr.isatty():
        config = replace(config, quiet=True)  # progress bars only on a terminal
    try:
        outcome = _execute(config)
    except NothingNew as nothing:
        # A nightly run on feeds that did not change: no briefing, and no mail from cron.
        if nothing.failures or not silent_on_success:
            _say(f"summarize: {terminal_safe(nothing)}")
        for failure in nothing.failures:
            _say(f"  failed: {terminal_safe(failure.source)}: {terminal_safe(failure.reason)}")
        return EXIT_SOME_FAILED if nothing.failures else EXIT_OK
    if outcome is None:  # one of several launched processes: the main one reports
        return EXIT_OK
    if silent_on_success and not (outcome.failed or outcome.unavailable):
        return EXIT_OK  # cron mails whatever a job prints: nothing when all went well
    report = outcome.report
    _say(
        f"summarize: {report['done']} done, {report['cached']} cached, {report['failed']} failed, "
        f"{report['quality']['flagged']} flagged by quality checks; "
        f"briefing: {terminal_safe((config.archive or config.output) / 'index.html')}"
    )
    for entry in outcome.unavailable:
        _say(f"  unavailable: {entry.language}: {terminal_safe(entry.detail)}")
    if outcome.failed:
        for failure in outcome.briefing.failures:
            _say(f"  failed: {terminal_safe(failure.source)}: {terminal_safe(failure.reason)}")
    return EXIT_SOME_FAILED if outcome.failed or outcome.unavailable else EXIT_OK


def _execute(config: RunConfig) -> RunOutcome | None:
    """This process's run: the whole job, or its share when launched as one of several."""
    # Imported here: the pipeline imports torch; keep --help fast.
    from summarize.runners.distributed import launched_with_several_processes

    if config.ray is not None:
        from summarize.runners import cluster  # see above

        return cluster.run(config, progress=_progress_factory(config.quiet))
    if launched_with_several_processes():
        from summarize.runners import distributed  # see above

        return distributed.run(config, progress=_progress_factory(config.quiet))
    from summarize.runners.local import run  # see above

    return run(config, progress=_progress_factory(config.quiet))


def _models(arguments: argparse.Namespace) -> int:
    config = _settings(arguments)
    from summarize.commands import catalog  # imports the pipeline's planning

    if arguments.action == "list":
        statuses = catalog.list_models(config, details=config.verbose)
        print(catalog.format_model_list(statuses))
        if config.verbose:
            print("\n" + catalog.format_model_details(statuses))
    else:
        to = getattr(arguments, "to", None)
        print(catalog.format_pulled(catalog.pull_models(config, to), to))
    return 0


def _evaluate(arguments: argparse.Namespace) -> int:
    scores = evaluation.evaluate(arguments.references, arguments.output, comet=arguments.comet)
    print(evaluation.format_scores(scores))
    return 0


def _check(arguments: argparse.Namespace) -> int:
    from summarize.commands import checking  # reads inputs and loads the checks' tables

    outcome = checking.check(arguments.input, arguments.output)
    for line in outcome.messages():
        _say(line)
    return outcome.exit_code


def _settings(arguments: argparse.Namespace) -> RunConfig:
    """The run's configuration (config file < flags), with logging set up as it says."""
    global _crash_log_folder
    config = build_run_config(settings_from_arguments(arguments))
    _configure_logging(config.verbose)
    _crash_log_folder = config.archive or config.output
    return config


#: Whether TRANSFORMERS_VERBOSITY is this process's own setting, not the user's.
_transformers_verbosity_set = False


def _configure_logging(verbose: bool) -> None:
    root = logging.getLogger()
    if not root.handlers:  # as logging.basicConfig, with names and text made terminal-safe
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(TerminalSafeFormatter("summarize: %(levelname)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.WARNING)
    logger.setLevel(logging.DEBUG if verbose else logging.WARNING)
    # huggingface_hub prints with a handler of its own and also passes its records up to
    # ours: each retry message appeared twice.
    logging.getLogger("huggingface_hub").propagate = False
    # transformers is chatty about generation flags and legacy config keys (distilBART's
    # force_bos_token_to_be_generated, which the decoding settings already honour); our own
    # messages say what matters. It sets its level from TRANSFORMERS_VERBOSITY when it first
    # logs, after this, so the variable carries the choice (a user's own value is kept).
    global _transformers_verbosity_set
    if _transformers_verbosity_set or "TRANSFORMERS_VERBOSITY" not in os.environ:
        os.environ["TRANSFORMERS_VERBOSITY"] = "warning" if verbose else "error"
        _transformers_verbosity_set = True
    logging.getLogger("transformers").setLevel(logging.WARNING if verbose else logging.ERROR)


class TerminalSafeFormatter(logging.Formatter):
    """Escapes control and bidi characters in a record's arguments (names, text) entirely, and
    in its template all but the newlines and tabs the tool's own messages are laid out with."""

    def format(self, record: logging.LogRecord) -> str:
        safe = logging.makeLogRecord(record.__dict__)  # other handlers see the record as it was
        safe.msg = terminal_safe(record.msg, keep_layout=True)
        if isinstance(record.args, Mapping):
            safe.args = {name: _safe_argument(value) for name, value in record.args.items()}
        elif record.args:
            safe.args = tuple(_safe_argument(value) for value in record.args)
        return super().format(safe)

    def formatException(self, ei) -> str:
        return terminal_safe(super().formatException(ei), keep_layout=True)


def _safe_argument(value: object) -> object:
    """A logging argument as printed; numbers stay numbers, for %d and %.1f."""
    if isinstance(value, numbers.Number):
        return value
    return terminal_safe(value)


def _progress_factory(quiet: bool):
    if quiet:
        return silent_progress
    from tqdm import tqdm  # only when bars are shown: keeps --help and -q lean

    class _Bar:
        def __init__(self, description: str, total: int) -> None:
            self._bar = tqdm(total=total, desc=description, unit="text", file=sys.stderr)

        def update(self, done: int) -> None:
            self._bar.update(done)

        def grow(self, more: int) -> None:
            self._bar.total = (self._bar.total or 0) + more
            self._bar.refresh()

        def close(self) -> None:
            self._bar.close()

    return _Bar
