"""Command line: parse flags and the config file into a RunConfig, run, map errors to exit codes.

Exit codes: 0 all articles done; 1 the run finished but some inputs failed, or a process of
--processes crashed; 2 usage, configuration or model-loading error; 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from summarize.commands import evaluation
from summarize.commands.arguments import build_parser, settings_from_arguments
from summarize.core.config import build_run_config
from summarize.core.errors import RunInterrupted, SummarizeError
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
    command = {"run": partial(_run, argv=argv), "models": _models, "eval": _evaluate}[
        arguments.command
    ]
    try:
        return command(arguments)
    except SummarizeError as error:
        logger.debug("stopped by an expected error", exc_info=True)
        kind = "" if isinstance(error, RunInterrupted) else "error: "
        print(f"summarize: {kind}{error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("summarize: interrupted", file=sys.stderr)
        return 130


def _run(arguments: argparse.Namespace, argv: list[str]) -> int:
    config = _settings(arguments)
    # Imported here: the pipeline imports torch; keep --help fast.
    from summarize.runners.distributed import launched_with_several_processes

    if config.processes > 1 and not launched_with_several_processes():
        from summarize.runners import distributed  # see above

        return distributed.launch(config, argv)  # each process runs this command again
    if not sys.stderr.isatty():
        config = replace(config, quiet=True)  # progress bars only on a terminal
    outcome = _execute(config)
    if outcome is None:  # one of several launched processes: the main one reports
        return 0
    report = outcome.report
    print(
        f"summarize: {report['done']} done, {report['cached']} cached, {report['failed']} failed, "
        f"{report['quality']['flagged']} flagged by quality checks; "
        f"briefing: {config.output / 'index.html'}",
        file=sys.stderr,
    )
    if outcome.failed:
        for failure in outcome.briefing.failures:
            print(f"  failed: {failure.source}: {failure.reason}", file=sys.stderr)
        return 1
    return 0


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


def _settings(arguments: argparse.Namespace) -> RunConfig:
    """The run's configuration (config file < flags), with logging set up as it says."""
    config = build_run_config(settings_from_arguments(arguments))
    _configure_logging(config.verbose)
    return config


#: Whether TRANSFORMERS_VERBOSITY is this process's own setting, not the user's.
_transformers_verbosity_set = False


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.WARNING,
        format="summarize: %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
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
