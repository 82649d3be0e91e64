"""The settings of ``summarize run``, one table: each declared once, everything else derived.

An :class:`Option` says how a setting is checked, its default, its command-line flags and help,
whether it enters cache keys (under which name, in which stage) and whether run.json's
``settings`` records it. The argparse flags (:mod:`summarize.commands.arguments`), the
config-file keys and validation (:mod:`summarize.core.config`), run.json's settings and the
cache-key fields are all read from :data:`OPTIONS`: a new setting is one entry here (and its
field in :class:`~summarize.core.config.RunConfig`, which a test holds to this table).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from summarize.core import kinds
from summarize.core.kinds import Kind
from summarize.core.languages import DEFAULT_LANGUAGES, DEFAULT_SUMMARY_MODEL, LANGUAGES

#: Values of ``--engine``.
ENGINE_CHOICES = ("auto", "transformers", "ctranslate2")
#: Values of ``--dtype``.
DTYPE_CHOICES = ("auto", "float32", "float16", "bfloat16")
DEVICES_HELP = "auto, cpu, cuda, cuda:N or mps"
#: Padded input tokens per batch on CPU when --max-batch-tokens is not given (GPUs: unbounded).
CPU_MAX_BATCH_TOKENS = 16_384

#: The stages whose cache keys carry settings.
Stage = Literal["pivot", "summary", "translation"]
#: Where a setting's flags go: ``run`` only, or the flags that ``models`` shares with it.
Group = Literal["run", "model", "decoding"]


@dataclass(frozen=True)
class Flag:
    """One command-line spelling of a setting: what argparse's ``add_argument`` takes."""

    names: tuple[str, ...]
    help: str
    metavar: str | None = None
    type: Callable[[str], Any] | None = None
    #: An argparse action; ``switch`` is ``--name`` with ``--no-name`` to undo a config file.
    action: str | None = None
    nargs: str | None = None
    const: Any = None
    choices: tuple[str, ...] | None = None
    #: The setting it sets, where not the one its option names (``--cache`` sets no_cache).
    dest: str | None = None


@dataclass(frozen=True)
class Option:
    """One setting of ``summarize run``."""

    name: str
    kind: Kind
    default: Any
    flags: tuple[Flag, ...] = ()
    group: Group = "run"
    #: Stage -> the setting's field name in that stage's cache keys.
    keys: Mapping[str, str] = field(default_factory=dict)
    #: Enter cache keys only when true, so keys made without the setting stay valid.
    keys_only_when_true: bool = False
    #: Position in run.json's ``settings`` (they keep the order they were first written in);
    #: None leaves the setting out.
    report: int | None = None
    #: Its name in run.json's ``settings``, where not the option's own.
    report_as: str | None = None


def _flag(*names: str, help: str, **details: Any) -> Flag:
    return Flag(names, help, **details)


def _int_flag(name: str, help: str) -> tuple[Flag, ...]:
    return (_flag(name, help=help, type=int, metavar="N"),)


#: Every setting, in the order of ``summarize run --help``; each group's flags are added where
#: its first setting stands.
OPTIONS: dict[str, Option] = {
    option.name: option
    for option in (
        Option(
            "inputs",
            kinds.PATHS,
            (Path("seeds"),),
            flags=(
                _flag(
                    "inputs",
                    nargs="*",
                    metavar="INPUT",
                    type=Path,
                    help="files (.txt .md .html .htm .jsonl) or folders, read recursively "
                    "(default: seeds/)",
                ),
            ),
            report=0,
        ),
        Option(
            "output",
            kinds.PATH,
            Path("outputs"),
            flags=(_flag("-o", "--output", type=Path, help="output folder (default: outputs/)"),),
            report=1,
        ),
        Option(
            "languages",
            kinds.LANGUAGES,
            DEFAULT_LANGUAGES,
            group="model",
            flags=(
                _flag(
                    "--languages",
                    help=f"comma-separated target languages (default: "
                    f"{','.join(DEFAULT_LANGUAGES)}; known: {','.join(LANGUAGES)})",
                ),
            ),
        ),
        Option(
            "summary_model",
            kinds.text(model=True),
            DEFAULT_SUMMARY_MODEL,
            group="model",
            flags=(
                _flag(
                    "--summary-model",
                    metavar="NAME_OR_PATH",
                    help="seq2seq summariser, Hub id or local folder "
                    f"(default: {DEFAULT_SUMMARY_MODEL})",
                ),
            ),
        ),
        Option(
            "translation_model",
            kinds.text(model=True),
            None,
            group="model",
            flags=(
                _flag(
                    "--translation-model",
                    action="append",
                    metavar="[LANG=]NAME_OR_PATH",
                    help="model for one language (hu=NAME) or for every language (NAME); "
                    "repeatable",
                ),
            ),
        ),
        # Set by --translation-model LANG=NAME (see translation_model).
        Option("translation_models", kinds.model_table("translation model"), {}, group="model"),
        Option(
            "source_language",
            kinds.SOURCE_LANGUAGE,
            "auto",
            group="model",
            flags=(
                _flag(
                    "--source-language",
                    metavar="auto|LANG",
                    help="language of the articles: auto detects it per article (default); a "
                    "code skips that",
                ),
            ),
            report=11,
        ),
        Option(
            "source_models",
            kinds.model_table("source model"),
            {},
            group="model",
            flags=(
                _flag(
                    "--source-model",
                    dest="source_model",
                    action="append",
                    metavar="LANG=NAME_OR_PATH",
                    help="model translating LANG articles into English before summarising; "
                    "repeatable (default: Helsinki-NLP/opus-mt-LANG-en for hu, zh, ru, uk, else "
                    "opus-mt-mul-en)",
                ),
            ),
            report=12,
        ),
        Option(
            "engine",
            kinds.text(ENGINE_CHOICES),
            "auto",
            group="model",
            flags=(
                _flag(
                    "--engine",
                    choices=ENGINE_CHOICES,
                    help="auto: CTranslate2 where it supports the model (int8 on CPU), else "
                    "transformers",
                ),
            ),
            report=2,
        ),
        Option(
            "device",
            kinds.text(),
            "auto",
            group="model",
            flags=(_flag("--device", help=f"{DEVICES_HELP} (default: auto)"),),
        ),
        Option(
            "dtype",
            kinds.text(DTYPE_CHOICES),
            "auto",
            group="model",
            flags=(_flag("--dtype", choices=DTYPE_CHOICES, help="weight dtype (default: auto)"),),
            report=3,
        ),
        Option(
            "models_dir",
            kinds.PATH,
            None,
            group="model",
            flags=(
                _flag(
                    "--models-dir",
                    type=Path,
                    metavar="DIR",
                    help="load every model from DIR (written by `summarize models pull --to "
                    "DIR`); offline",
                ),
            ),
            report=13,
        ),
        Option(
            "offline",
            kinds.SWITCH,
            False,
            group="model",
            flags=(
                _flag(
                    "--offline",
                    action="switch",
                    help="use local files only (the Hugging Face cache, folders); like "
                    "HF_HUB_OFFLINE=1",
                ),
            ),
            # run.json records whether the Hub was off limits, HF_HUB_OFFLINE=1 included.
            report=14,
        ),
        Option(
            "batch_size",
            kinds.POSITIVE,
            None,
            flags=_int_flag("--batch-size", "inputs per generate call (default: by device)"),
            report=4,
        ),
        Option(
            "max_batch_tokens",
            kinds.POSITIVE,
            None,
            flags=_int_flag(
                "--max-batch-tokens",
                f"most input tokens per batch, padded (default: {CPU_MAX_BATCH_TOKENS} on CPU, "
                "unbounded on GPU)",
            ),
            report=5,
        ),
        Option(
            "threads",
            kinds.POSITIVE,
            None,
            flags=_int_flag("--threads", "CPU threads for either engine (default: all cores)"),
            report=6,
        ),
        Option(
            "num_beams",
            kinds.POSITIVE,
            None,
            group="decoding",
            flags=_int_flag("--num-beams", "beam width for both stages (default: the model's)"),
            keys={"pivot": "num_beams", "summary": "num_beams", "translation": "num_beams"},
            report=7,
        ),
        Option(
            "max_summary_tokens",
            kinds.POSITIVE,
            None,
            group="decoding",
            flags=_int_flag(
                "--max-summary-tokens", "most tokens per summary (default: the model's)"
            ),
            keys={"summary": "max_new_tokens"},
            report=8,
        ),
        Option(
            "min_summary_tokens",
            kinds.whole(0),
            None,
            group="decoding",
            flags=_int_flag(
                "--min-summary-tokens", "fewest tokens per summary (default: the model's)"
            ),
            keys={"summary": "min_new_tokens"},
            report=9,
        ),
        Option(
            "templates",
            kinds.PATH,
            None,
            flags=(
                _flag(
                    "--templates",
                    type=Path,
                    metavar="DIR",
                    help="folder of Jinja2 templates overriding the built-in ones",
                ),
            ),
            report=10,
        ),
        Option(
            "cache_dir",
            kinds.PATH,
            None,
            flags=(
                _flag(
                    "--cache-dir",
                    type=Path,
                    metavar="DIR",
                    help="cache of finished work (default: OUTPUT/.cache)",
                ),
            ),
        ),
        Option(
            "no_cache",
            kinds.SWITCH,
            False,
            flags=(
                _flag(
                    "--no-cache",
                    action="store_true",
                    help="recompute everything; read and write no cache",
                ),
                _flag(
                    "--cache",
                    dest="no_cache",
                    action="store_false",
                    help="use the cache even where the config file says no_cache = true",
                ),
            ),
            # run.json names the cache folder used, or null.
            report=15,
            report_as="cache",
        ),
        Option(
            "ray",
            kinds.ADDRESS,
            None,
            flags=(
                _flag(
                    "--ray",
                    nargs="?",
                    const="",
                    metavar="ADDRESS",
                    help="run the stages on a Ray cluster (pip install 'summarize[ray]'); without "
                    "ADDRESS, Ray's default: RAY_ADDRESS, a cluster on this machine, else a new "
                    "local one",
                ),
            ),
        ),
        Option(
            "processes",
            kinds.POSITIVE,
            1,
            flags=_int_flag(
                "--processes",
                "run N processes on this machine, each with a share of the articles "
                "(one per GPU, or a share of the CPU cores); default 1",
            ),
        ),
        Option(
            "retry_suspect",
            kinds.SWITCH,
            False,
            flags=(
                _flag(
                    "--retry-suspect",
                    action="switch",
                    help="translate sentences the quality checks flag once more, with safer "
                    "decoding",
                ),
            ),
            # A retried translation differs from a plain one; keys without retries stay valid.
            keys={"translation": "retry_suspect"},
            keys_only_when_true=True,
            report=16,
        ),
        Option(
            "strict",
            kinds.SWITCH,
            False,
            flags=(
                _flag(
                    "--strict",
                    action="switch",
                    help="fail every article with a quality warning (exit code 1) instead of "
                    "publishing it",
                ),
            ),
            report=17,
        ),
        Option(
            "quiet",
            kinds.SWITCH,
            False,
            flags=(_flag("-q", "--quiet", action="store_true", help="no progress bars"),),
        ),
        Option(
            "verbose",
            kinds.SWITCH,
            False,
            flags=(
                _flag("-v", "--verbose", action="store_true", help="debug logs and tracebacks"),
            ),
        ),
        # Config file only: [revisions] "org/model" = "COMMIT".
        Option("revisions", kinds.REVISIONS, {}),
    )
}


def validated(key: str, value: Any) -> Any:
    """``value`` checked and converted for setting ``key``; raises ConfigError naming the fault."""
    return OPTIONS[key].kind.check(key, value)


def from_config_file(base: Path, key: str, value: Any) -> Any:
    """A config file's raw value for ``key`` with its paths made relative to the file's folder."""
    from_file = OPTIONS[key].kind.from_file
    return value if from_file is None else from_file(base, key, value)


def key_fields(config: Any, stage: Stage) -> dict[str, Any]:
    """The settings of ``config`` (a RunConfig) that enter ``stage``'s cache keys, by key name."""
    fields: dict[str, Any] = {}
    for option in OPTIONS.values():
        if stage in option.keys:
            value = getattr(config, option.name)
            if value or not option.keys_only_when_true:
                fields[option.keys[stage]] = value
    return fields


def run_settings(config: Any, computed: Mapping[str, Any]) -> dict[str, Any]:
    """run.json's ``settings`` for ``config`` (a RunConfig), as JSON values.

    ``computed`` gives the values the run works out rather than reads from ``config`` (by their
    run.json name: ``offline``, ``cache``).
    """
    reported = sorted(
        (option for option in OPTIONS.values() if option.report is not None),
        key=lambda option: option.report or 0,
    )
    settings: dict[str, Any] = {}
    for option in reported:
        name = option.report_as or option.name
        settings[name] = (
            computed[name] if name in computed else _jsonable(getattr(config, option.name))
        )
    return settings


def _jsonable(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_jsonable(item) for item in value]
    return value
