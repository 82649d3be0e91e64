"""How a setting of ``summarize run`` is declared: one :func:`option` field of RunConfig.

Each field of :class:`~summarize.core.config.RunConfig` is declared with :func:`option`, whose
:class:`Option` says how the setting is checked, its command-line flags and help, whether it
enters cache keys (under which name, in which stage) and whether run.json's ``settings``
records it; the field itself gives its type and default. The argparse flags
(:mod:`summarize.commands.arguments`), the config-file keys and validation, run.json's settings
and the cache-key fields are all read from those fields (``OPTIONS`` in
:mod:`summarize.core.config`): a new setting is one field there.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal

from summarize.core.kinds import Kind

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

    kind: Kind
    #: The RunConfig field it sets (filled in by :func:`options_of`).
    name: str = ""
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


#: The key of a RunConfig field's metadata that holds its :class:`Option`.
OPTION = "option"


def flag(*names: str, help: str, **details: Any) -> Flag:
    """One command-line spelling: ``flag("--batch-size", help=..., type=int)``."""
    return Flag(names, help, **details)


def int_flag(name: str, help: str) -> tuple[Flag, ...]:
    """The flags of a setting taking one whole number."""
    return (flag(name, help=help, type=int, metavar="N"),)


def option(
    kind: Kind,
    default: Any,
    *,
    flags: tuple[Flag, ...] = (),
    group: Group = "run",
    keys: Mapping[str, str] | None = None,
    keys_only_when_true: bool = False,
    report: int | None = None,
    report_as: str | None = None,
) -> Any:
    """A RunConfig field with ``default`` that is a setting: its :class:`Option` in metadata."""
    declared = Option(
        kind,
        flags=flags,
        group=group,
        keys=dict(keys or {}),
        keys_only_when_true=keys_only_when_true,
        report=report,
        report_as=report_as,
    )
    metadata = {OPTION: declared}
    if isinstance(default, dict):  # a mutable default: each RunConfig gets its own copy
        return field(default_factory=lambda: dict(default), metadata=metadata)
    return field(default=default, metadata=metadata)


def options_of(settings: Any) -> dict[str, Option]:
    """The options of a dataclass (or instance) declared with :func:`option`, in field order."""
    return dict(_declared(settings if isinstance(settings, type) else type(settings)))


@functools.cache  # cache keys read it for every unit of work
def _declared(settings: type) -> tuple[tuple[str, Option], ...]:
    return tuple(
        (each.name, replace(each.metadata[OPTION], name=each.name))
        for each in fields(settings)
        if OPTION in each.metadata
    )


def key_fields(config: Any, stage: Stage) -> dict[str, Any]:
    """The settings of ``config`` (a RunConfig) that enter ``stage``'s cache keys, by key name."""
    found: dict[str, Any] = {}
    for each in options_of(config).values():
        if stage in each.keys:
            value = getattr(config, each.name)
            if value or not each.keys_only_when_true:
                found[each.keys[stage]] = value
    return found


def run_settings(config: Any, computed: Mapping[str, Any]) -> dict[str, Any]:
    """run.json's ``settings`` for ``config`` (a RunConfig), as JSON values.

    ``computed`` gives the values the run works out rather than reads from ``config`` (by their
    run.json name: ``offline``, ``cache``).
    """
    reported = sorted(
        (each for each in options_of(config).values() if each.report is not None),
        key=lambda each: each.report or 0,
    )
    settings: dict[str, Any] = {}
    for each in reported:
        name = each.report_as or each.name
        settings[name] = (
            computed[name] if name in computed else _jsonable(getattr(config, each.name))
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
