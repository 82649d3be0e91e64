"""Records (dataclasses) to JSON values and back, driven by their fields' type hints."""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


def to_json(value: Any) -> Any:
    """A record (nested dataclasses, mappings, tuples, lists) as JSON values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_json(getattr(value, field.name)) for field in fields(value)}
    if isinstance(value, Mapping):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value


def from_json(cls: type[T], data: Mapping[str, Any], **given: Any) -> T:
    """The inverse of :func:`to_json` for the record type ``cls``; ``given`` fields are used
    as they are (and need not be in ``data``), missing ones take their defaults."""
    hints = get_type_hints(cls)
    values = {
        field.name: _typed(hints[field.name], data[field.name])
        for field in fields(cls)  # type: ignore[arg-type]
        if field.name not in given and field.name in data
    }
    return cls(**values, **given)


def _typed(hint: Any, value: Any) -> Any:
    """``value`` (JSON) as the type ``hint`` says: records, tuples and nested containers."""
    if value is None:
        return None
    origin, args = get_origin(hint), get_args(hint)
    if origin is not None and not args:
        return value
    if origin in (Union, types.UnionType):
        options = [arg for arg in args if arg is not type(None)]
        return _typed(options[0], value) if len(options) == 1 else value
    if is_dataclass(hint):
        return from_json(hint, value)  # type: ignore[arg-type]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_typed(args[0], item) for item in value)
        return tuple(_typed(arg, item) for arg, item in zip(args, value, strict=True))
    if origin is list:
        return [_typed(args[0], item) for item in value]
    if origin in (dict, Mapping):
        return {key: _typed(args[1], item) for key, item in value.items()}
    return value
