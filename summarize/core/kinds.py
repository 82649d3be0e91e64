"""Kinds of setting values: how each is checked, and read from a config file.

:mod:`summarize.core.config` gives every setting one of these; the checks raise ConfigError
with a message naming the setting and what it takes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarize.core.errors import ConfigError
from summarize.core.languages import canonical_code, get_language, parse_languages
from summarize.core.urls import safe_href, url_scheme


@dataclass(frozen=True)
class Kind:
    """How a setting's values are checked, and read from a config file."""

    #: (name, raw value) -> the value RunConfig holds; raises ConfigError naming the problem.
    check: Callable[[str, Any], Any]
    #: (config file's folder, name, raw value) -> the value with paths made relative to it.
    from_file: Callable[[Path, str, Any], Any] | None = None


def setting_name(key: str) -> str:
    """A setting as the user wrote it, as a flag or as a config-file key: ``--batch-size
    (batch_size)``."""
    return f"--{key.replace('_', '-')} ({key})"


def _inputs(key: str, value: Any) -> tuple[str, ...]:
    # Kept as the user wrote them: Path("https://a/b") would eat the "//" of a URL.
    if isinstance(value, str | Path):
        value = [value]
    if not all(isinstance(p, str | Path) for p in value):
        raise ConfigError("'inputs' must be a list of paths, URLs or -")
    given = tuple(str(p) for p in value)
    if not given:
        raise ConfigError("'inputs' is empty; name at least one file, folder or URL")
    return given


def _inputs_from_file(base: Path, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ConfigError("'inputs' must be a list of paths, URLs or -")
    return [relative_input(base, p) for p in value]


def relative_input(base: Path, given: str) -> str:
    """An input named in a file (config file, --inputs-from list) as a run reads it: a path
    relative to the file's folder ``base``; a URL or ``-`` (standard input) as written."""
    if given == "-" or url_scheme(given) is not None:
        return given
    return str(base / given)


def _path_from_file(base: Path, key: str, value: Any) -> Path:
    if not isinstance(value, str):
        raise ConfigError(f"{key!r} must be a path string")
    return base / value


def _model_relative_to(base: Path, model: Any) -> Any:
    """A model path from a config file, made relative to its folder; a Hub id is kept.

    ``org/name`` could be either: it counts as a path when it starts like one (``./``,
    ``../``, ``/``, ``~``) or names an existing folder next to the config file.
    """
    if not isinstance(model, str) or not model:
        return model  # the check reports it
    if model.startswith("~"):
        return str(Path(model).expanduser())
    candidate = base / model
    if model.startswith(("./", "../", "/")) or candidate.is_dir():
        return str(candidate)
    return model


def _model_table_from_file(base: Path, key: str, value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value  # the check reports it
    return {code: _model_relative_to(base, model) for code, model in value.items()}


def _languages(key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple) and all(isinstance(code, str) for code in value):
        value = ",".join(value)
    if not isinstance(value, str):
        raise ConfigError(
            "'languages' must be a list of language codes, as in ['hu', 'zh'], "
            f"or a string 'hu,zh'; got {value!r}"
        )
    return parse_languages(value)


def _source_language(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"source_language must be 'auto' or a language code, got {value!r}")
    if value.strip().lower() == "auto":
        return "auto"
    code = canonical_code(value)  # EN, eng -> en: English articles need no pivot
    get_language(code)  # an unknown code is an error naming it
    return code


def model_table(role: str) -> Kind:
    def check(key: str, value: Any) -> dict[str, str]:
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key!r} must map language codes to models")
        models = {}
        for code, model in value.items():
            if not isinstance(model, str) or not model:
                raise ConfigError(f"{role} for {code!r} must be a model id or path")
            code = canonical_code(code)  # HU, hun -> hu, as --languages has it
            get_language(code)  # an unknown code is an error naming it
            models[code] = model
        return models

    return Kind(check, _model_table_from_file)


def _revisions(key: str, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping) or not all(
        isinstance(name, str) and name and isinstance(rev, str) and rev
        for name, rev in value.items()
    ):
        raise ConfigError(
            "'revisions' must map model ids to revisions, as in "
            '[revisions] "Helsinki-NLP/opus-mt-en-zh" = "COMMIT"'
        )
    return dict(value)


def whole(lowest: int) -> Kind:
    def check(key: str, value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{setting_name(key)} must be a whole number, got {value!r}")
        if value < lowest:
            raise ConfigError(f"{setting_name(key)} must be at least {lowest}, got {value}")
        return value

    return Kind(check)


def _address(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(
            f"'ray' must be a cluster address (\"\" for Ray's default), got {value!r}"
        )
    return value


def _site_url(key: str, value: Any) -> str:
    href = safe_href(value) if isinstance(value, str) else None
    if href is None or "?" in href or "#" in href:
        raise ConfigError(
            f"{setting_name(key)} must be the public http(s) URL the output folder is served "
            f"at, such as https://example.com/news/, got {value!r}"
        )
    # A base URL names a folder: without the slash, urljoin would drop its last segment.
    return href if href.endswith("/") else href + "/"


def _switch(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{key!r} must be true or false, got {value!r}")
    return value


def text(choices: tuple[str, ...] = (), *, model: bool = False) -> Kind:
    """A non-empty string, one of ``choices`` if given; a model may be a folder's path."""

    def check(key: str, value: Any) -> str:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{key!r} must be a non-empty string, got {value!r}")
        if choices and value not in choices:
            raise ConfigError(f"{key} must be one of {', '.join(choices)}, got {value!r}")
        return value

    def from_file(base: Path, key: str, value: Any) -> Any:
        return _model_relative_to(base, value)

    return Kind(check, from_file if model else None)


#: Files, folders, URLs and ``-``: a list (a config file may give one as a string).
PATHS = Kind(_inputs, _inputs_from_file)
#: A file or folder.
PATH = Kind(lambda key, value: Path(value), _path_from_file)
#: Language codes: a list or a comma-separated string.
LANGUAGES = Kind(_languages)
#: ``auto`` or a language code.
SOURCE_LANGUAGE = Kind(_source_language)
#: Model id -> Hub revision.
REVISIONS = Kind(_revisions)
#: A Ray cluster address ("" for Ray's own default).
ADDRESS = Kind(_address)
#: An absolute http(s) URL of a folder (ends in ``/``).
SITE_URL = Kind(_site_url)
#: True or false.
SWITCH = Kind(_switch)
#: A whole number, at least 1.
POSITIVE = whole(1)
