"""The command line's grammar: subcommands, flags and their help, and flags -> raw settings.

:mod:`summarize.commands.cli` parses with it, then builds a RunConfig and runs; keeping the flag
definitions here keeps that module to parsing, calling and exit codes.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from summarize import __version__
from summarize.core.config import OPTIONS, load_config_file, parse_translation_model_flag
from summarize.core.errors import ConfigError
from summarize.core.options import Flag, Group, Option


def build_parser() -> argparse.ArgumentParser:
    """The ``summarize`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="summarize",
        description="Summarise news articles, translate the summaries and render HTML briefings.",
    )
    parser.add_argument("--version", action="version", version=f"summarize {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = commands.add_parser(
        "run",
        help="summarise, translate and render a batch of articles",
        description="Read articles, summarise each, translate every summary and write HTML "
        "briefings plus results.jsonl. Flags override the config file.",
        argument_default=argparse.SUPPRESS,
    )
    added: set[Group] = set()
    for option in OPTIONS.values():  # a group's flags go where its first setting stands
        if option.group == "run":
            _add_option_flags(run, option)
        elif option.group not in added:
            added.add(option.group)
            {"model": add_model_flags, "decoding": add_decoding_flags}[option.group](run)
    _add_models_command(commands)
    _add_eval_command(commands)
    _add_check_command(commands)
    return parser


def add_model_flags(parser: argparse.ArgumentParser) -> None:
    """The flags that choose the models and how they load (run, models list, models pull)."""
    parser.add_argument(
        "--config", type=Path, help="TOML file with any of these settings (flags win)"
    )
    _add_flags(parser, "model")


def add_decoding_flags(parser: argparse.ArgumentParser) -> None:
    """The flags that change how the models decode (run; models list shows them applied)."""
    _add_flags(parser, "decoding")


def _add_flags(parser: argparse.ArgumentParser, group: Group) -> None:
    for option in OPTIONS.values():
        if option.group == group:
            _add_option_flags(parser, option)


def _add_option_flags(parser: argparse.ArgumentParser, option: Option) -> None:
    for flag in option.flags:
        parser.add_argument(*flag.names, **_argparse_details(flag))


def _argparse_details(flag: Flag) -> dict[str, Any]:
    action = argparse.BooleanOptionalAction if flag.action == "switch" else flag.action
    details = {
        "help": flag.help,
        "metavar": flag.metavar,
        "type": flag.type,
        "action": action,
        "nargs": flag.nargs,
        "const": flag.const,
        "choices": flag.choices,
        "dest": flag.dest,
    }
    return {key: value for key, value in details.items() if value is not None}


def _add_models_command(commands: Any) -> None:
    models = commands.add_parser(
        "models",
        help="list or download the models a run would use",
        description="The models `summarize run` would load with the same flags or config file.",
    )
    actions = models.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list",
        help="each model per stage and language: licence, local or not, size, engine; with -v "
        "its decoding settings",
        description="List the models a run with these flags would use (never downloads).",
        argument_default=argparse.SUPPRESS,
    )
    pull = actions.add_parser(
        "pull",
        help="download the models a run needs, check they load, optionally export them",
        description="Download into the Hugging Face cache (HF_HOME; HF_TOKEN for gated models) "
        "at the pinned revisions, check every model loads and serves its languages, and with "
        "--to copy them into a folder for `summarize run --models-dir`.",
        argument_default=argparse.SUPPRESS,
    )
    pull.add_argument(
        "--to", type=Path, metavar="DIR", help="also copy the models into DIR, with a manifest"
    )
    add_model_flags(listing)
    add_decoding_flags(listing)
    listing.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also show, per model, the engine, what goes before each input and the decoding "
        "settings a run would use (beams, lengths, ...), and debug logs",
    )
    add_model_flags(pull)
    pull.add_argument("-v", "--verbose", action="store_true", help="debug logs")


def _add_eval_command(commands: Any) -> None:
    evaluate = commands.add_parser(
        "eval",
        help="score a finished output folder against reference summaries and translations",
        description="ROUGE-1/2/L of the summaries and BLEU and chrF of each language's "
        "translations against references; prints a table and writes OUTPUT/eval.json.",
    )
    evaluate.add_argument(
        "references",
        type=Path,
        metavar="REFERENCES",
        help='JSONL of {"id", "summary", "translations": {lang: text}} records, or a folder of '
        "<id>.summary.txt and <id>.<lang>.txt files",
    )
    evaluate.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("outputs"),
        help="the output folder to score, with results.jsonl (default: outputs/)",
    )
    evaluate.add_argument(
        "--comet",
        nargs="?",
        const="Unbabel/wmt22-comet-da",
        metavar="MODEL",
        help="also score translations with COMET (needs `pip install unbabel-comet`; MODEL: a "
        "Hub id, default Unbabel/wmt22-comet-da, or a downloaded model's folder)",
    )
    evaluate.add_argument("-v", "--verbose", action="store_true", help="debug logs")


def _add_check_command(commands: Any) -> None:
    check = commands.add_parser(
        "check",
        help="run the quality checks on summaries and translations made elsewhere (no models)",
        description="Run the checks `summarize run` gives every summary and translation, with "
        "the same thresholds, on JSONL lines: a translation "
        '{"id", "source": English text, "translation", "language": code}, a summary '
        '{"id", "article", "summary"}, or both as results.jsonl holds them ("summary", '
        '"translations": {code: text}); a run\'s results.jsonl is read as it is, its articles '
        "from the inputs its run.json names. Writes one JSONL record per line "
        '({"id", "warnings"}). Exit 0: nothing flagged; 1: something flagged; 2: an unusable '
        "line (reported with its number; the others are still checked).",
    )
    check.add_argument("input", metavar="FILE", help="a JSONL file, or - for standard input")
    check.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="write the records to FILE (default: standard output)",
    )
    check.add_argument("-v", "--verbose", action="store_true", help="debug logs")


# Parsed arguments that are not run settings: which command, and the commands' own flags.
_COMMAND_ARGUMENTS = frozenset({"command", "action", "to"})


def settings_from_arguments(arguments: argparse.Namespace) -> dict[str, Any]:
    """Merge config file and flags (flags win) into raw settings for build_run_config."""
    given = {key: value for key, value in vars(arguments).items() if key not in _COMMAND_ARGUMENTS}
    settings: dict[str, Any] = {}
    config_path = given.pop("config", None)
    if config_path is not None:
        settings.update(load_config_file(config_path))
    if given.get("inputs"):
        settings["inputs"] = given.pop("inputs")
    given.pop("inputs", None)
    for flag in given.pop("translation_model", []):
        code, model = parse_translation_model_flag(flag)
        if code is None:
            settings["translation_model"] = model
        else:
            settings["translation_models"] = {**settings.get("translation_models", {}), code: model}
    for flag in given.pop("source_model", []):
        code, model = parse_translation_model_flag(flag)
        if code is None:
            raise ConfigError(f"--source-model {flag}: name the language, as in hu=MODEL")
        settings["source_models"] = {**settings.get("source_models", {}), code: model}
    settings.update(given)
    return settings
