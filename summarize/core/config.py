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
    canonical_code,
    get_language,
    parse_languages,
)
from summarize.engines.backends import ENGINE_CHOICES

DEVICES_HELP = "auto, cpu, cuda, cuda:N or mps"
DTYPE_CHOICES = ("auto", "float32", "float16", "bfloat16")


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
    #: Most input tokens per batch, counted padded; None: 16384 on CPU, unbounded on GPU.
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


FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(RunConfig))
_PATH_FIELDS = {"output", "templates", "cache_dir", "models_dir"}
_POSITIVE_INT_FIELDS = {
    "batch_size",
    "max_batch_tokens",
    "threads",
    "processes",
    "num_beams",
    "max_summary_tokens",
}
_NON_NEGATIVE_INT_FIELDS = {"min_summary_tokens"}
_STRING_FIELDS = {"summary_model", "translation_model", "device", "dtype", "engine"}
#: Model settings: a Hub id, or a folder that a config file names relative to itself.
_MODEL_FIELDS = {"summary_model", "translation_model"}
_MODEL_TABLE_FIELDS = {"translation_models", "source_models"}
_BOOL_FIELDS = {"quiet", "verbose", "no_cache", "retry_suspect", "strict", "offline"}


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
    if "inputs" in settings:
        raw_inputs = settings["inputs"]
        if isinstance(raw_inputs, str):
            raw_inputs = [raw_inputs]
        if not isinstance(raw_inputs, list) or not all(isinstance(p, str) for p in raw_inputs):
            raise ConfigError(f"{path}: 'inputs' must be a list of paths")
        settings["inputs"] = [base / p for p in raw_inputs]
    for key in _PATH_FIELDS & settings.keys():
        if not isinstance(settings[key], str):
            raise ConfigError(f"{path}: {key!r} must be a path string")
        settings[key] = base / settings[key]
    for key in _MODEL_FIELDS & settings.keys():
        settings[key] = _model_relative_to(base, settings[key])
    for key in _MODEL_TABLE_FIELDS & settings.keys():
        if isinstance(settings[key], Mapping):
            settings[key] = {
                code: _model_relative_to(base, model) for code, model in settings[key].items()
            }
    for key, value in settings.items():
        try:
            _validated(key, value)  # name the file in the message; flags are checked later
        except ConfigError as error:
            raise ConfigError(f"{path}: {error}") from None
    return settings


def _model_relative_to(base: Path, model: Any) -> Any:
    """A model path from a config file, made relative to its folder; a Hub id is kept.

    ``org/name`` could be either: it counts as a path when it starts like one (``./``,
    ``../``, ``/``, ``~``) or names an existing folder next to the config file.
    """
    if not isinstance(model, str) or not model:
        return model  # _validated reports it
    if model.startswith("~"):
        return str(Path(model).expanduser())
    candidate = base / model
    if model.startswith(("./", "../", "/")) or candidate.is_dir():
        return str(candidate)
    return model


def build_run_config(settings: Mapping[str, Any]) -> RunConfig:
    """Validate merged settings and freeze them; raises ConfigError naming the bad value."""
    values: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in FIELD_NAMES:
            raise ConfigError(f"unknown setting {key!r}; valid: {', '.join(FIELD_NAMES)}")
        if value is None:
            continue
        values[key] = _validated(key, value)
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


def _validated(key: str, value: Any) -> Any:
    if key == "inputs":
        paths = tuple(Path(p) for p in value)
        if not paths:
            raise ConfigError("'inputs' is empty; name at least one file or folder")
        return paths
    if key in _PATH_FIELDS:
        return Path(value)
    if key == "languages":
        if isinstance(value, list | tuple) and all(isinstance(code, str) for code in value):
            value = ",".join(value)
        if not isinstance(value, str):
            raise ConfigError(
                "'languages' must be a list of language codes, as in ['hu', 'zh'], "
                f"or a string 'hu,zh'; got {value!r}"
            )
        return parse_languages(value)
    if key == "source_language":
        if not isinstance(value, str):
            raise ConfigError(f"source_language must be 'auto' or a language code, got {value!r}")
        if value.strip().lower() == "auto":
            return "auto"
        code = canonical_code(value)  # EN, eng -> en: English articles need no pivot
        get_language(code)  # an unknown code is an error naming it
        return code
    if key in ("translation_models", "source_models"):
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key!r} must map language codes to models")
        role = "translation model" if key == "translation_models" else "source model"
        models = {}
        for code, model in value.items():
            if not isinstance(model, str) or not model:
                raise ConfigError(f"{role} for {code!r} must be a model id or path")
            code = canonical_code(code)  # HU, hun -> hu, as --languages has it
            get_language(code)  # an unknown code is an error naming it
            models[code] = model
        return models
    if key == "revisions":
        if not isinstance(value, Mapping) or not all(
            isinstance(name, str) and name and isinstance(rev, str) and rev
            for name, rev in value.items()
        ):
            raise ConfigError(
                "'revisions' must map model ids to revisions, as in "
                '[revisions] "Helsinki-NLP/opus-mt-en-zh" = "COMMIT"'
            )
        return dict(value)
    if key in _POSITIVE_INT_FIELDS or key in _NON_NEGATIVE_INT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{_setting_name(key)} must be a whole number, got {value!r}")
        lowest = 1 if key in _POSITIVE_INT_FIELDS else 0
        if value < lowest:
            raise ConfigError(f"{_setting_name(key)} must be at least {lowest}, got {value}")
        return value
    if key == "ray":
        if not isinstance(value, str):
            raise ConfigError(
                f"'ray' must be a cluster address (\"\" for Ray's default), got {value!r}"
            )
        return value
    if key in _BOOL_FIELDS:
        if not isinstance(value, bool):
            raise ConfigError(f"{key!r} must be true or false, got {value!r}")
        return value
    if key in _STRING_FIELDS:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{key!r} must be a non-empty string, got {value!r}")
        if key == "engine" and value not in ENGINE_CHOICES:
            raise ConfigError(f"engine must be one of {', '.join(ENGINE_CHOICES)}, got {value!r}")
        if key == "dtype" and value not in DTYPE_CHOICES:
            raise ConfigError(f"dtype must be one of {', '.join(DTYPE_CHOICES)}, got {value!r}")
        return value
    return value


def _setting_name(key: str) -> str:
    """A setting as the user wrote it, as a flag or as a config-file key: ``--batch-size
    (batch_size)``."""
    return f"--{key.replace('_', '-')} ({key})"


def parse_translation_model_flag(value: str) -> tuple[str | None, str]:
    """Split ``hu=NAME`` into (``hu``, NAME); a bare NAME applies to every language."""
    code, separator, model = value.partition("=")
    if separator and code.isalpha() and 2 <= len(code) <= 3:
        get_language(code.lower())
        if not model:
            raise ConfigError(f"--translation-model {value}: the model after '=' is missing")
        return code.lower(), model
    return None, value
