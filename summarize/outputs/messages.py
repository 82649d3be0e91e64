"""Message catalogues: each language's UI strings over the English ones, for ``t()``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale

from summarize.core.errors import ConfigError
from summarize.core.languages import SOURCE_LANGUAGE
from summarize.outputs.environment import builtin_templates_dir

#: Folder of message catalogues inside a templates folder: ``<code>.json`` per language.
MESSAGES_DIR = "messages"


def load_messages(language: str, user_templates: Path | None = None) -> dict[str, Any]:
    """Merge the UI strings of ``language`` over the English ones.

    Layers, later ones winning string by string: built-in ``messages/en.json``, the user's
    ``messages/en.json``, built-in ``messages/<language>.json``, the user's. A language with
    no catalogue is English throughout. A value is a string with ``{placeholders}``, or a
    dict of CLDR plural categories (``one``, ``few``, ``many``, ``other``) to strings.

    Raises:
        ConfigError: a catalogue is not a JSON object of strings (or plural dicts).
    """
    folders = [builtin_templates_dir()]
    if user_templates is not None:
        folders.append(Path(user_templates))
    merged: dict[str, Any] = {}
    codes = [SOURCE_LANGUAGE] if language == SOURCE_LANGUAGE else [SOURCE_LANGUAGE, language]
    for code in codes:
        for folder in folders:
            merged.update(_read_catalogue(folder / catalogue_name(code)))
    return merged


class Messages:
    """A language's UI strings, callable from templates as ``t(key, **values)``."""

    def __init__(self, strings: Mapping[str, Any], locale: Locale) -> None:
        self.strings = strings
        self.locale = locale

    def __call__(self, key: str, /, **values: Any) -> str:
        """The string ``key`` with ``values`` filled in; plural forms are chosen by ``count``."""
        try:
            entry = self.strings[key]
        except KeyError:
            raise jinja2.UndefinedError(f"no UI string {key!r} in the message catalogue") from None
        if isinstance(entry, Mapping):
            if "count" not in values:
                raise jinja2.UndefinedError(f"UI string {key!r} has plural forms: pass count=")
            entry = entry.get(self.locale.plural_form(values["count"])) or entry["other"]
        try:
            return str(entry).format(**values)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
            raise jinja2.UndefinedError(f"UI string {key!r} could not be filled in: {exc}") from exc


def load_user_messages(language: str, user_templates: Path | None) -> dict[str, Any]:
    """:func:`load_messages`, naming the templates folder when a user catalogue is broken."""
    try:
        return load_messages(language, user_templates)
    except ConfigError as exc:
        if user_templates is None:
            raise
        raise ConfigError(
            f"{exc} (templates directory {str(user_templates)!r}); fix the catalogue or remove "
            "it to use the built-in one"
        ) from exc


def _read_catalogue(path: Path) -> dict[str, Any]:
    """One message catalogue, checked; an absent file is an empty catalogue."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"message catalogue {str(path)!r} could not be read: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"message catalogue {str(path)!r} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"message catalogue {str(path)!r} must be a JSON object")
    for key, value in data.items():
        plural = isinstance(value, dict) and "other" in value
        if not (isinstance(value, str) or plural) or (
            plural and not all(isinstance(form, str) for form in value.values())
        ):
            raise ConfigError(
                f"message catalogue {str(path)!r}: {key!r} must be a string or an object of "
                'plural forms with at least "other"'
            )
    return data


def catalogue_name(code: str) -> str:
    """A language's message catalogue, relative to a templates folder."""
    return f"{MESSAGES_DIR}/{code}.json"
