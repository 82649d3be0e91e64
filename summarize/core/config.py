"""Run configuration: defaults < config file (TOML) < command-line flags, frozen into RunConfig."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from summarize.core.errors import ConfigError
from summarize.core.languages import (
    DEFAULT_LANGUAGES,
    DEFAULT_SOURCE_MODELS,
    DEFAULT_SUMMARY_MODEL,
    FALLBACK_SOURCE_MODEL,
    get_language,
)
from summarize.core.options import from_config_file, validated


@dataclass(frozen=True)
class RunConfig:
    """Everything one ``summarize run`` needs to know."""

    #: Files and folders to read (folders recursively).
    inputs: tuple[Path, ...] = (Path("seeds"),)
    #: Folder the briefing, pages and results.jsonl are written to.
    output: Path = Path("outputs")
    #: Target language codes, in output order.
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    #: Summariser: Hugging Face Hub id or local folder.
    summary_model: str = DEFAULT_SUMMARY_MODEL
    #: One translation model (id or folder) for every language; None uses per-language defaults.
    translation_model: str | None = None
    #: Language code -> translation model; wins over translation_model and the defaults.
    translation_models: Mapping[str, str] = field(default_factory=dict)
    #: Language of the articles: ``auto`` detects it per article; a code (``en``) skips detection.
    source_language: str = "auto"
    #: Language code -> model translating articles in that language into English first.
    source_models: Mapping[str, str] = field(default_factory=dict)
    #: auto (CTranslate2 where it supports the model, else transformers), transformers, ctranslate2.
    engine: str = "auto"
    #: auto, cpu, cuda, cuda:N or mps (auto: cuda if available, else mps, else cpu).
    device: str = "auto"
    #: Weight dtype: auto (float32 on CPU, bfloat16/float16 on GPU), float32, float16, bfloat16.
    dtype: str = "auto"
    #: Inputs per generate() call; None picks one for the device and stage.
    batch_size: int | None = None
    #: Most input tokens per batch, counted padded; None: CPU_MAX_BATCH_TOKENS on CPU,
    #: unbounded on GPU.
    max_batch_tokens: int | None = None
    #: CPU threads for either engine (torch's intra-op threads, or CTranslate2's workers x
    #: threads); None uses all cores.
    threads: int | None = None
    #: Beam width for both stages; None keeps each model's generation_config.json value.
    num_beams: int | None = None
    #: Most tokens in a summary (and in each chunk summary); None keeps the model's setting.
    max_summary_tokens: int | None = None
    #: Fewest tokens in a summary; None keeps the model's setting.
    min_summary_tokens: int | None = None
    #: Folder of Jinja2 templates overriding any of the built-in ones; None uses the built-ins.
    templates: Path | None = None
    #: Folder of cached finished work; None: ``.cache`` inside the output folder.
    cache_dir: Path | None = None
    #: Recompute everything, ignoring (and not writing) the cache.
    no_cache: bool = False
    #: Translate sentences the quality checks flag once more with safer decoding; keep the better.
    retry_suspect: bool = False
    #: Fail (leave out, exit 1) every article with a quality warning instead of publishing it.
    strict: bool = False
    #: Model id -> Hub revision (branch, tag or commit) to load it at; recorded in run.json.
    revisions: Mapping[str, str] = field(default_factory=dict)
    #: Folder written by ``summarize models pull --to``; models load from it only (implies offline).
    models_dir: Path | None = None
    #: Use local files only (Hugging Face cache, folders): no network request (HF_HUB_OFFLINE=1).
    offline: bool = False
    #: No progress bars.
    quiet: bool = False
    #: Debug logs and tracebacks.
    verbose: bool = False
    #: Run the stages on Ray Data: None runs here; "" connects where Ray's own default says
    #: (RAY_ADDRESS, a cluster started on this machine, else a new local instance); otherwise
    #: a cluster address such as ``auto`` or ``ray://head:10001``.
    ray: str | None = None
    #: Processes to run on this machine, each with a share of the articles (started as
    #: ``torchrun --standalone`` would); 1 runs here. Ignored in a process a launcher started.
    processes: int = 1

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


#: Every setting, in RunConfig's order (the config-file keys an error message lists).
FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(RunConfig))


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
    low, high = values.get("min_summary_tokens"), values.get("max_summary_tokens")
    if low is not None and high is not None and low > high:
        raise ConfigError(
            f"--min-summary-tokens ({low}) is larger than --max-summary-tokens ({high}); "
            "lower the first or raise the second"
        )
    return RunConfig(**values)


def parse_translation_model_flag(value: str) -> tuple[str | None, str]:
    """Split ``hu=NAME`` into (``hu``, NAME); a bare NAME applies to every language."""
    code, separator, model = value.partition("=")
    if separator and code.isalpha() and 2 <= len(code) <= 3:
        get_language(code.lower())
        if not model:
            raise ConfigError(f"--translation-model {value}: the model after '=' is missing")
        return code.lower(), model
    return None, value
