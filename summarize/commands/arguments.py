"""The command line's grammar: subcommands, flags and their help, and flags -> raw settings.

:mod:`summarize.commands.cli` parses with it, then builds a RunConfig and runs; keeping the flag
definitions here keeps that module to parsing, calling and exit codes.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from summarize import __version__
from summarize.core.config import (
    DEVICES_HELP,
    DTYPE_CHOICES,
    load_config_file,
    parse_translation_model_flag,
)
from summarize.core.errors import ConfigError
from summarize.core.languages import DEFAULT_LANGUAGES, DEFAULT_SUMMARY_MODEL, LANGUAGES
from summarize.engines.backends import ENGINE_CHOICES


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
    run.add_argument(
        "inputs",
        nargs="*",
        metavar="INPUT",
        type=Path,
        help="files (.txt .md .html .htm .jsonl) or folders, read recursively (default: seeds/)",
    )
    run.add_argument("-o", "--output", type=Path, help="output folder (default: outputs/)")
    add_model_flags(run)
    run.add_argument(
        "--batch-size", type=int, metavar="N", help="inputs per generate call (default: by device)"
    )
    run.add_argument(
        "--max-batch-tokens",
        type=int,
        metavar="N",
        help="most input tokens per batch, padded (default: 16384 on CPU, unbounded on GPU)",
    )
    run.add_argument(
        "--threads",
        type=int,
        metavar="N",
        help="CPU threads for either engine (default: all cores)",
    )
    add_decoding_flags(run)
    run.add_argument(
        "--templates",
        type=Path,
        metavar="DIR",
        help="folder of Jinja2 templates overriding the built-in ones",
    )
    run.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="cache of finished work (default: OUTPUT/.cache)",
    )
    run.add_argument(
        "--no-cache", action="store_true", help="recompute everything; read and write no cache"
    )
    run.add_argument(
        "--cache",
        dest="no_cache",
        action="store_false",
        help="use the cache even where the config file says no_cache = true",
    )
    run.add_argument(
        "--ray",
        nargs="?",
        const="",
        metavar="ADDRESS",
        help="run the stages on a Ray cluster (pip install 'summarize[ray]'); without ADDRESS, "
        "Ray's default: RAY_ADDRESS, a cluster on this machine, else a new local one",
    )
    run.add_argument(
        "--processes",
        type=int,
        metavar="N",
        help="run N processes on this machine, each with a share of the articles "
        "(one per GPU, or a share of the CPU cores); default 1",
    )
    run.add_argument(
        "--retry-suspect",
        # --no-retry-suspect too: flags must be able to undo the config file.
        action=argparse.BooleanOptionalAction,
        help="translate sentences the quality checks flag once more, with safer decoding",
    )
    run.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        help="fail every article with a quality warning (exit code 1) instead of publishing it",
    )
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    run.add_argument("-v", "--verbose", action="store_true", help="debug logs and tracebacks")
    _add_models_command(commands)
    _add_eval_command(commands)
    return parser


def add_model_flags(parser: argparse.ArgumentParser) -> None:
    """The flags that choose the models and how they load (run, models list, models pull)."""
    parser.add_argument(
        "--config", type=Path, help="TOML file with any of these settings (flags win)"
    )
    parser.add_argument(
        "--languages",
        help=f"comma-separated target languages (default: {','.join(DEFAULT_LANGUAGES)}; "
        f"known: {','.join(LANGUAGES)})",
    )
    parser.add_argument(
        "--summary-model",
        metavar="NAME_OR_PATH",
        help=f"seq2seq summariser, Hub id or local folder (default: {DEFAULT_SUMMARY_MODEL})",
    )
    parser.add_argument(
        "--translation-model",
        action="append",
        metavar="[LANG=]NAME_OR_PATH",
        help="model for one language (hu=NAME) or for every language (NAME); repeatable",
    )
    parser.add_argument(
        "--source-language",
        metavar="auto|LANG",
        help="language of the articles: auto detects it per article (default); a code skips that",
    )
    parser.add_argument(
        "--source-model",
        action="append",
        metavar="LANG=NAME_OR_PATH",
        help="model translating LANG articles into English before summarising; repeatable "
        "(default: Helsinki-NLP/opus-mt-LANG-en for hu, zh, ru, uk, else opus-mt-mul-en)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINE_CHOICES,
        help="auto: CTranslate2 where it supports the model (int8 on CPU), else transformers",
    )
    parser.add_argument("--device", help=f"{DEVICES_HELP} (default: auto)")
    parser.add_argument("--dtype", choices=DTYPE_CHOICES, help="weight dtype (default: auto)")
    parser.add_argument(
        "--models-dir",
        type=Path,
        metavar="DIR",
        help="load every model from DIR (written by `summarize models pull --to DIR`); offline",
    )
    parser.add_argument(
        "--offline",
        action=argparse.BooleanOptionalAction,
        help="use local files only (the Hugging Face cache, folders); like HF_HUB_OFFLINE=1",
    )


def add_decoding_flags(parser: argparse.ArgumentParser) -> None:
    """The flags that change how the models decode (run; models list shows them applied)."""
    parser.add_argument(
        "--num-beams",
        type=int,
        metavar="N",
        help="beam width for both stages (default: the model's)",
    )
    parser.add_argument(
        "--max-summary-tokens",
        type=int,
        metavar="N",
        help="most tokens per summary (default: the model's)",
    )
    parser.add_argument(
        "--min-summary-tokens",
        type=int,
        metavar="N",
        help="fewest tokens per summary (default: the model's)",
    )


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
