"""Run configuration: every setting of ``summarize run``, declared once as a RunConfig field.

Each field carries its :func:`~summarize.core.options.option`: how it is checked, its flags and
help, whether it enters cache keys and run.json. Values come from defaults < config file
(TOML) < command-line flags and are frozen into a RunConfig.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.core import kinds
from summarize.core.errors import ConfigError
from summarize.core.input_lists import read_input_list
from summarize.core.languages import (
    DEFAULT_LANGUAGES,
    DEFAULT_SOURCE_MODELS,
    DEFAULT_SUMMARY_MODEL,
    FALLBACK_SOURCE_MODEL,
    LANGUAGES,
    get_language,
)
from summarize.core.options import (
    CPU_MAX_BATCH_TOKENS,
    DEVICES_HELP,
    DTYPE_CHOICES,
    ENGINE_CHOICES,
    Option,
    flag,
    int_flag,
    option,
    options_of,
)


@dataclass(frozen=True)
class RunConfig:
    """Everything one ``summarize run`` needs to know.

    Fields are in the order of ``summarize run --help``; each group's flags (``model``,
    ``decoding``) are listed where its first setting stands.
    """

    #: What to read, as given: files, folders (recursively), http(s) URLs of pages or feeds,
    #: ``-`` for standard input; with ``--inputs-from``'s lines after them.
    inputs: tuple[str, ...] = option(
        kinds.PATHS,
        ("seeds",),
        flags=(
            flag(
                "inputs",
                nargs="*",
                metavar="INPUT",
                help="files (.txt .md .html .htm .jsonl, feeds .xml .rss .atom .json), folders "
                "(read recursively), http(s) URLs of pages or feeds, or - for standard input "
                "(default: seeds/)",
            ),
        ),
        report=0,
    )
    #: A file listing more inputs, one a line; they follow the positional ones.
    inputs_from: Path | None = option(
        kinds.PATH,
        None,
        flags=(
            flag(
                "--inputs-from",
                type=Path,
                metavar="FILE",
                help="read more inputs from FILE, one a line (paths relative to FILE's folder, "
                "URLs; blank lines and # comments skipped)",
            ),
        ),
        report=19,
    )
    #: Folder the briefing, pages and results.jsonl are written to.
    output: Path = option(
        kinds.PATH,
        Path("outputs"),
        flags=(flag("-o", "--output", type=Path, help="output folder (default: outputs/)"),),
        report=1,
    )
    #: Archive folder: each run writes ``DIR/<YYYY-MM-DD>/`` and refreshes the front pages,
    #: feeds and list of past briefings at the top; None writes ``output`` as usual.
    archive: Path | None = option(
        kinds.PATH,
        None,
        flags=(
            flag(
                "--archive",
                type=Path,
                metavar="DIR",
                help="keep every run: write DIR/<date>/ and refresh DIR/index.html, its feeds "
                "and DIR/archive.html (instead of -o)",
            ),
        ),
        report=21,
    )
    #: With ``archive``: how many dated folders to keep (the oldest beyond it are removed);
    #: None keeps them all.
    keep: int | None = option(
        kinds.POSITIVE,
        None,
        flags=int_flag("--keep", "with --archive: keep the newest N runs, remove older ones"),
        report=22,
    )
    #: Public URL the output folder (the archive folder) is served at: feed links become
    #: absolute under it. None: links relative to the feed file.
    site_url: str | None = option(
        kinds.SITE_URL,
        None,
        flags=(
            flag(
                "--site-url",
                metavar="URL",
                help="public URL the output (or archive) folder is served at; makes feed "
                "links absolute, as feed readers need",
            ),
        ),
        report=23,
    )
    #: Target language codes, in output order.
    languages: tuple[str, ...] = option(
        kinds.LANGUAGES,
        DEFAULT_LANGUAGES,
        group="model",
        flags=(
            flag(
                "--languages",
                help=f"comma-separated target languages (default: "
                f"{','.join(DEFAULT_LANGUAGES)}; known: {','.join(LANGUAGES)})",
            ),
        ),
    )
    #: Summariser: Hugging Face Hub id or local folder.
    summary_model: str = option(
        kinds.text(model=True),
        DEFAULT_SUMMARY_MODEL,
        group="model",
        flags=(
            flag(
                "--summary-model",
                metavar="NAME_OR_PATH",
                help="seq2seq summariser, Hub id or local folder "
                f"(default: {DEFAULT_SUMMARY_MODEL})",
            ),
        ),
    )
    #: One translation model (id or folder) for every language; None uses per-language defaults.
    translation_model: str | None = option(
        kinds.text(model=True),
        None,
        group="model",
        flags=(
            flag(
                "--translation-model",
                action="append",
                metavar="[LANG=]NAME_OR_PATH",
                help="model for one language (hu=NAME) or for every language (NAME); repeatable",
            ),
        ),
    )
    #: Language code -> translation model; wins over translation_model and the defaults.
    #: Set by ``--translation-model LANG=NAME`` (see translation_model).
    translation_models: Mapping[str, str] = option(
        kinds.model_table("translation model"), {}, group="model"
    )
    #: Language of the articles: ``auto`` detects it per article; a code (``en``) skips detection.
    source_language: str = option(
        kinds.SOURCE_LANGUAGE,
        "auto",
        group="model",
        flags=(
            flag(
                "--source-language",
                metavar="auto|LANG",
                help="language of the articles: auto detects it per article (default); a "
                "code skips that",
            ),
        ),
        report=11,
    )
    #: Language code -> model translating articles in that language into English first.
    source_models: Mapping[str, str] = option(
        kinds.model_table("source model"),
        {},
        group="model",
        flags=(
            flag(
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
    )
    #: auto (CTranslate2 where it supports the model, else transformers), transformers, ctranslate2.
    engine: str = option(
        kinds.text(ENGINE_CHOICES),
        "auto",
        group="model",
        flags=(
            flag(
                "--engine",
                choices=ENGINE_CHOICES,
                help="auto: CTranslate2 where it supports the model (int8 on CPU), else "
                "transformers",
            ),
        ),
        report=2,
    )
    #: auto, cpu, cuda, cuda:N or mps (auto: cuda if available, else mps, else cpu).
    device: str = option(
        kinds.text(),
        "auto",
        group="model",
        flags=(flag("--device", help=f"{DEVICES_HELP} (default: auto)"),),
    )
    #: Weight dtype: auto (float32 on CPU, bfloat16/float16 on GPU), float32, float16, bfloat16.
    dtype: str = option(
        kinds.text(DTYPE_CHOICES),
        "auto",
        group="model",
        flags=(flag("--dtype", choices=DTYPE_CHOICES, help="weight dtype (default: auto)"),),
        report=3,
    )
    #: Folder written by ``summarize models pull --to``; models load from it only (implies offline).
    models_dir: Path | None = option(
        kinds.PATH,
        None,
        group="model",
        flags=(
            flag(
                "--models-dir",
                type=Path,
                metavar="DIR",
                help="load every model from DIR (written by `summarize models pull --to "
                "DIR`); offline",
            ),
        ),
        report=13,
    )
    #: Use local files only (Hugging Face cache, folders): no network request (HF_HUB_OFFLINE=1).
    offline: bool = option(
        kinds.SWITCH,
        False,
        group="model",
        flags=(
            flag(
                "--offline",
                action="switch",
                help="use local files only (the Hugging Face cache, folders); like "
                "HF_HUB_OFFLINE=1",
            ),
        ),
        # run.json records whether the Hub was off limits, HF_HUB_OFFLINE=1 included.
        report=14,
    )
    #: Inputs per generate() call; None picks one for the device and stage.
    batch_size: int | None = option(
        kinds.POSITIVE,
        None,
        flags=int_flag("--batch-size", "inputs per generate call (default: by device)"),
        report=4,
    )
    #: Most input tokens per batch, counted padded; None: CPU_MAX_BATCH_TOKENS on CPU,
    #: unbounded on GPU.
    max_batch_tokens: int | None = option(
        kinds.POSITIVE,
        None,
        flags=int_flag(
            "--max-batch-tokens",
            f"most input tokens per batch, padded (default: {CPU_MAX_BATCH_TOKENS} on CPU, "
            "unbounded on GPU)",
        ),
        report=5,
    )
    #: CPU threads for either engine (torch's intra-op threads, or CTranslate2's workers x
    #: threads); None uses all cores.
    threads: int | None = option(
        kinds.POSITIVE,
        None,
        flags=int_flag("--threads", "CPU threads for either engine (default: all cores)"),
        report=6,
    )
    #: Beam width for both stages; None keeps each model's generation_config.json value.
    num_beams: int | None = option(
        kinds.POSITIVE,
        None,
        group="decoding",
        flags=int_flag("--num-beams", "beam width for both stages (default: the model's)"),
        keys={"pivot": "num_beams", "summary": "num_beams", "translation": "num_beams"},
        report=7,
    )
    #: Most tokens in a summary (and in each chunk summary); None keeps the model's setting.
    max_summary_tokens: int | None = option(
        kinds.POSITIVE,
        None,
        group="decoding",
        flags=int_flag("--max-summary-tokens", "most tokens per summary (default: the model's)"),
        keys={"summary": "max_new_tokens"},
        report=8,
    )
    #: Fewest tokens in a summary; None keeps the model's setting.
    min_summary_tokens: int | None = option(
        kinds.whole(0),
        None,
        group="decoding",
        flags=int_flag("--min-summary-tokens", "fewest tokens per summary (default: the model's)"),
        keys={"summary": "min_new_tokens"},
        report=9,
    )
    #: Folder of Jinja2 templates overriding any of the built-in ones; None uses the built-ins.
    templates: Path | None = option(
        kinds.PATH,
        None,
        flags=(
            flag(
                "--templates",
                type=Path,
                metavar="DIR",
                help="folder of Jinja2 templates overriding the built-in ones",
            ),
        ),
        report=10,
    )
    #: Folder of cached finished work; None: ``.cache`` inside the output folder.
    cache_dir: Path | None = option(
        kinds.PATH,
        None,
        flags=(
            flag(
                "--cache-dir",
                type=Path,
                metavar="DIR",
                help="cache of finished work (default: OUTPUT/.cache)",
            ),
        ),
    )
    #: Recompute everything, ignoring (and not writing) the cache.
    no_cache: bool = option(
        kinds.SWITCH,
        False,
        flags=(
            flag(
                "--no-cache",
                action="store_true",
                help="recompute everything; read and write no cache",
            ),
            flag(
                "--cache",
                dest="no_cache",
                action="store_false",
                help="use the cache even where the config file says no_cache = true",
            ),
        ),
        # run.json names the cache folder used, or null.
        report=15,
        report_as="cache",
    )
    #: Run the stages on Ray Data: None runs here; "" connects where Ray's own default says
    #: (RAY_ADDRESS, a cluster started on this machine, else a new local instance); otherwise
    #: a cluster address such as ``auto`` or ``ray://head:10001``.
    ray: str | None = option(
        kinds.ADDRESS,
        None,
        flags=(
            flag(
                "--ray",
                nargs="?",
                const="",
                metavar="ADDRESS",
                help="run the stages on a Ray cluster (pip install 'summarize[ray]'); without "
                "ADDRESS, Ray's default: RAY_ADDRESS, a cluster on this machine, else a new "
                "local one",
            ),
        ),
    )
    #: Processes to run on this machine, each with a share of the articles (started as
    #: ``torchrun --standalone`` would); 1 runs here. Ignored in a process a launcher started.
    processes: int = option(
        kinds.POSITIVE,
        1,
        flags=int_flag(
            "--processes",
            "run N processes on this machine, each with a share of the articles "
            "(one per GPU, or a share of the CPU cores); default 1",
        ),
    )
    #: Translate sentences the quality checks flag once more with safer decoding; keep the better.
    retry_suspect: bool = option(
        kinds.SWITCH,
        False,
        flags=(
            flag(
                "--retry-suspect",
                action="switch",
                help="translate sentences the quality checks flag once more, with safer decoding",
            ),
        ),
        # A retried translation differs from a plain one; keys without retries stay valid.
        keys={"translation": "retry_suspect"},
        keys_only_when_true=True,
        report=16,
    )
    #: Fail (leave out, exit 1) every article with a quality warning instead of publishing it.
    strict: bool = option(
        kinds.SWITCH,
        False,
        flags=(
            flag(
                "--strict",
                action="switch",
                help="fail every article with a quality warning (exit code 1) instead of "
                "publishing it",
            ),
        ),
        report=17,
    )
    #: Largest input file read, in MB (1,000,000 bytes); a JSONL file counts as one file.
    max_input_mb: int = option(
        kinds.POSITIVE,
        10,
        flags=int_flag(
            "--max-input-mb",
            "largest input file to read, in MB (default 10; a news article is tens of KB, so a "
            "bigger file is rarely one and reading it could exhaust memory); per file, JSONL too",
        ),
        # Which files are read, not what becomes of them: run.json records it, keys do not.
        report=18,
    )
    #: Most entries read from one feed, newest first.
    max_feed_entries: int = option(
        kinds.POSITIVE,
        50,
        flags=int_flag(
            "--max-feed-entries",
            "most entries read from each feed, newest first (default 50; each may mean a page "
            "to fetch)",
        ),
        report=20,
    )
    #: Summarise every input, copies of one story too (same URL, feed id or near-identical
    #: text): for an evaluation set or a benchmark, where each input must get its own result.
    keep_duplicates: bool = option(
        kinds.SWITCH,
        False,
        flags=(
            flag(
                "--keep-duplicates",
                action="switch",
                help="summarise every input, even copies of one story (the same URL or feed id, "
                "or near-identical text); by default each story is summarised once",
            ),
        ),
        # Which articles are summarised, not how: run.json records it, cache keys do not.
        report=25,
    )
    #: In archive mode, publish again the stories an earlier run into the same archive
    #: published (recognised by URL, feed id or near-identical text); by default they are left
    #: out (see summarize.inputs.seen).
    include_seen: bool = option(
        kinds.SWITCH,
        False,
        flags=(
            flag(
                "--include-seen",
                action="switch",
                help="in archive mode, include stories already published in an earlier run",
            ),
        ),
        # Which stories are published, not how: run.json records it, cache keys do not.
        report=24,
    )
    #: No progress bars, and nothing printed when the run succeeds (warnings and failures
    #: still go to stderr; the exit code says how it went).
    quiet: bool = option(
        kinds.SWITCH,
        False,
        flags=(
            flag(
                "-q",
                "--quiet",
                action="store_true",
                help="print nothing when the run succeeds (for cron); warnings and failures "
                "still go to stderr",
            ),
        ),
    )
    #: Debug logs and tracebacks.
    verbose: bool = option(
        kinds.SWITCH,
        False,
        flags=(flag("-v", "--verbose", action="store_true", help="debug logs and tracebacks"),),
    )
    #: Model id -> Hub revision (branch, tag or commit) to load it at; recorded in run.json.
    #: Config file only: ``[revisions]`` ``"org/model" = "COMMIT"``.
    revisions: Mapping[str, str] = option(kinds.REVISIONS, {})

    def translation_model_for(self, language: str) -> str:
        """The model that translates into ``language`` under this configuration."""
        if language in self.translation_models:
            return self.translation_models[language]
        if self.translation_model is not None:
            return self.translation_model
        default = get_language(language).default_model
        if default is None:
            raise ConfigError(
                f"there is no default model for {language!r}; "
                f"pass --translation-model {language}=MODEL"
            )
        return default

    def source_model_for(self, language: str) -> str:
        """The model that translates an article in ``language`` into English."""
        if language in self.source_models:
            return self.source_models[language]
        return DEFAULT_SOURCE_MODELS.get(language, FALLBACK_SOURCE_MODEL)


#: Every setting by name, in RunConfig's order.
OPTIONS: dict[str, Option] = options_of(RunConfig)
#: Every setting, in RunConfig's order (the config-file keys an error message lists).
FIELD_NAMES: tuple[str, ...] = tuple(OPTIONS)


def validated(key: str, value: Any) -> Any:
    """``value`` checked and converted for setting ``key``; raises ConfigError naming the fault."""
    return OPTIONS[key].kind.check(key, value)


def from_config_file(base: Path, key: str, value: Any) -> Any:
    """A config file's raw value for ``key`` with its paths made relative to the file's folder."""
    from_file = OPTIONS[key].kind.from_file
    return value if from_file is None else from_file(base, key, value)


def load_config_file(path: Path) -> dict[str, Any]:
    """Read a TOML config file into raw settings; relative paths are relative to the file."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a folder; pass --config the TOML file") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"config file {path} is not UTF-8 text ({error}); save it as UTF-8"
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read config file {path}: {error.strerror or error}") from None
    settings = {key.replace("-", "_"): value for key, value in data.items()}
    unknown = sorted(set(settings) - set(FIELD_NAMES))
    if unknown:
        raise ConfigError(
            f"unknown key(s) in {path}: {', '.join(unknown)}; valid keys: {', '.join(FIELD_NAMES)}"
        )
    base = path.parent
    try:
        settings = {key: from_config_file(base, key, value) for key, value in settings.items()}
    except ConfigError as error:
        raise ConfigError(f"{path}: {error}") from None
    for key, value in settings.items():
        try:
            validated(key, value)  # name the file in the message; flags are checked later
        except ConfigError as error:
            raise ConfigError(f"{path}: {error}") from None
    return settings


def build_run_config(settings: Mapping[str, Any]) -> RunConfig:
    """Validate merged settings and freeze them; raises ConfigError naming the bad value."""
    values: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in FIELD_NAMES:
            raise ConfigError(f"unknown setting {key!r}; valid: {', '.join(FIELD_NAMES)}")
        if value is None:
            continue
        values[key] = validated(key, value)
    if values.get("processes", 1) > 1 and values.get("ray") is not None:
        raise ConfigError(
            "--processes and --ray are two ways to scale out; use one: --processes for this "
            "machine, --ray for a cluster"
        )
    _check_archive(values)
    low, high = values.get("min_summary_tokens"), values.get("max_summary_tokens")
    if low is not None and high is not None and low > high:
        raise ConfigError(
            f"--min-summary-tokens ({low}) is larger than --max-summary-tokens ({high}); "
            "lower the first or raise the second"
        )
    if values.get("inputs_from") is not None:
        # The listed inputs join the positional ones; alone, they replace the default seeds/.
        listed = read_input_list(values["inputs_from"])
        values["inputs"] = (*values.get("inputs", ()), *listed)
    return RunConfig(**values)


def _check_archive(values: Mapping[str, Any]) -> None:
    """Settings that make no sense with (or without) ``--archive``."""
    if values.get("archive") is None:
        if values.get("keep") is not None:
            raise ConfigError(
                "--keep prunes an archive's oldest runs; pass --archive DIR with it, or leave "
                "--keep out"
            )
        return
    if "output" in values:
        raise ConfigError(
            "--archive and -o/--output both say where to write; use --archive DIR alone (each "
            "run writes DIR/<date>/) or -o DIR alone"
        )
    if values.get("processes", 1) > 1 or values.get("ray") is not None:
        raise ConfigError(
            "--archive runs on this machine's single process only; leave out --processes or "
            "--ray, or write with -o and archive the folder yourself"
        )


def parse_translation_model_flag(value: str) -> tuple[str | None, str]:
    """Split ``hu=NAME`` into (``hu``, NAME); a bare NAME applies to every language."""
    code, separator, model = value.partition("=")
    if separator and code.isalpha() and 2 <= len(code) <= 3:
        get_language(code.lower())
        if not model:
            raise ConfigError(f"--translation-model {value}: the model after '=' is missing")
        return code.lower(), model
    return None, value
