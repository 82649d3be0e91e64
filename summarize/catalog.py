"""``summarize models``: which models a run would use, whether they are here, and fetching them.

The list comes from the run's own planning (:func:`summarize.pipeline.translation_models`,
the config's source models) and licences from :data:`summarize.languages.MODEL_LICENCES`, so it
can never disagree with what ``summarize run`` loads.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from summarize.config import RunConfig
from summarize.errors import ConfigError, ModelLoadError
from summarize.files import check_writable_folder
from summarize.generation import ModelInfo
from summarize.hub import (
    ModelSources,
    cached_folder,
    check_export_folders,
    export_model,
    folder_size,
    go_offline,
    has_weights,
    model_folder,
    write_manifest,
)
from summarize.languages import (
    DEFAULT_SOURCE_MODELS,
    FALLBACK_SOURCE_MODEL,
    licence_notices,
    model_licence,
)
from summarize.pipeline import translation_models
from summarize.tables import format_size, format_table

logger = logging.getLogger(__name__)

Stage = Literal["summary", "translation", "source"]


@dataclass(frozen=True)
class ModelUse:
    """One model a run would use, and what for."""

    #: Hub id or local folder, as configured.
    model: str
    #: summary; translation (of summaries); source (articles into English before summarising).
    stage: Stage
    #: Target languages (translation) or article languages (source); ``*``: any other language.
    languages: tuple[str, ...] = ()
    #: Loaded only when articles in these languages appear (source models).
    on_demand: bool = False


@dataclass(frozen=True)
class ModelStatus:
    """Whether a model's files are here, and how it would run."""

    use: ModelUse
    #: Revision it loads at: pinned in the config, or the cached / exported commit.
    revision: str | None
    #: SPDX licence, None when not in our table (see the model card).
    licence: str | None
    #: Local folder with its config and weights; None when it would have to be downloaded.
    folder: Path | None
    #: Bytes on disk (the snapshot), when available.
    size: int | None
    #: Engine ``summarize run`` would pick (needs the model's config.json); None if unknown.
    engine: str | None
    #: The CTranslate2 copy, when that engine is picked and the model was converted already.
    converted: Path | None


def planned_models(config: RunConfig) -> list[ModelUse]:
    """Every model a run with ``config`` may load, in stage order, each once per stage."""
    uses = [ModelUse(config.summary_model, "summary")]
    uses += [
        ModelUse(model, "translation", tuple(codes))
        for model, codes in translation_models(config).items()
    ]
    if config.source_language == "auto":
        codes = list(dict.fromkeys([*DEFAULT_SOURCE_MODELS, *config.source_models]))
        by_model: dict[str, list[str]] = {}
        for code in codes:
            by_model.setdefault(config.source_model_for(code), []).append(code)
        # Any language without a model of its own (the fallback covers many).
        by_model.setdefault(FALLBACK_SOURCE_MODEL, []).append("*")
        uses += [
            ModelUse(model, "source", tuple(codes), on_demand=True)
            for model, codes in by_model.items()
        ]
    elif config.source_language != "en":
        language = config.source_language
        uses.append(ModelUse(config.source_model_for(language), "source", (language,)))
    return uses


def list_models(config: RunConfig) -> list[ModelStatus]:
    """What ``summarize models list`` shows; reads local files only, never the network."""
    go_offline()
    sources = ModelSources.open(config.revisions, config.models_dir)
    uses = planned_models(config)
    _announce_licences(uses)
    return [_status(use, config, sources) for use in uses]


def _status(use: ModelUse, config: RunConfig, sources: ModelSources) -> ModelStatus:
    licence = model_licence(use.model)
    try:
        location, revision = sources.locate(use.model)
    except ModelLoadError:  # not in the models folder
        location, revision = None, None
    folder = cached_folder(location, revision) if location else None
    if folder is not None and not has_weights(folder):
        folder = None
    engine = converted = None
    if folder is not None and location is not None:
        engine, converted = _engine_and_copy(location, folder, revision, config)
    return ModelStatus(
        use=use,
        revision=sources.revision_used(use.model),
        licence=licence[0] if licence else None,
        folder=folder,
        size=folder_size(folder) if folder is not None else None,
        engine=engine,
        converted=converted,
    )


def _engine_and_copy(
    location: str, folder: Path, revision: str | None, config: RunConfig
) -> tuple[str | None, Path | None]:
    """The engine a run picks for a model, and its CTranslate2 copy if it was converted."""
    from summarize.backends import choose_engine, converted_models_dir
    from summarize.engine import resolve_device

    try:
        model_type = json.loads((folder / "config.json").read_text("utf-8"))["model_type"]
        device = resolve_device(config.device)
        choice = choose_engine(config.engine, model_type, device, model=location, folder=folder)
    except (OSError, ValueError, KeyError, ConfigError):
        return None, None
    if choice.engine != "ctranslate2":
        return choice.engine, None
    from summarize.ct2_engine import compute_type_for, converted_copy_path

    copy = converted_copy_path(
        location,
        folder,
        compute_type=compute_type_for(device, config.dtype),
        cache_root=converted_models_dir(),
        revision=revision,
    )
    return choice.engine, copy if (copy / "model.bin").is_file() else None


def format_model_list(statuses: Sequence[ModelStatus]) -> str:
    """The table ``summarize models list`` prints, and a note on source models."""
    header = ["stage", "languages", "model", "revision", "licence", "local", "size", "engine"]
    rows = [header]
    for status in statuses:
        use = status.use
        languages = ",".join(use.languages) or "-"
        engine = status.engine or "-"
        if status.converted is not None:
            engine += f" (converted: {status.converted})"
        rows.append(
            [
                use.stage + (" *" if use.on_demand else ""),
                languages,
                use.model,
                (status.revision or "-")[:12],
                status.licence or "see model card",
                "yes" if status.folder is not None else "no",
                format_size(status.size) if status.size is not None else "-",
                engine,
            ]
        )
    text = format_table(rows)
    if any(status.use.on_demand for status in statuses):
        text += (
            "\n* loaded only when articles in those languages appear (language '*': any other "
            "non-English language); --source-language en skips them"
        )
    missing = [status.use.model for status in statuses if status.folder is None]
    if missing:
        text += f"\n{len(missing)} not available locally: run `summarize models pull`"
    return text


@dataclass(frozen=True)
class PulledModel:
    """A model fetched (or found) by ``summarize models pull``."""

    model: str
    #: Where its files are: the Hub cache snapshot or the local folder.
    folder: Path
    #: Its copy in the export folder, when ``--to`` was given.
    exported: Path | None = None


def pull_models(config: RunConfig, to: Path | None = None) -> list[PulledModel]:
    """Download every model a run with ``config`` needs, check each loads, optionally export.

    Downloads go into the Hugging Face cache (``HF_HOME``; ``HF_TOKEN`` for gated models) at
    each model's pinned revision. Each model is then checked the way ``summarize run`` checks it
    before any work (config, tokenizer, weights, and every requested language). With ``to``,
    the files are copied into ``to/<org>--<name>/`` (one folder per model, see
    ``hub.export_folder_name``) with a ``manifest.json`` mapping model ids to those folders,
    and the copies are checked again from there: ``summarize run --models-dir TO`` then needs
    nothing else.
    """
    from summarize.engine import inspect_model, resolve_device
    from summarize.pipeline import plan_translations

    if config.offline:
        go_offline()
    uses = planned_models(config)
    _announce_licences(uses)
    models = list(dict.fromkeys(use.model for use in uses))
    if to is not None:
        check_writable_folder(to, "--to")  # before any download, not after
        check_export_folders(models, to)
    folders = {}
    for model in models:
        folders[model] = model_folder(model, config.revisions.get(model))
        logger.info("%s: %s", model, folders[model])
    pulled = [PulledModel(model, folders[model]) for model in models]

    sources = ModelSources(revisions=config.revisions)
    if to is not None:
        to.mkdir(parents=True, exist_ok=True)
        exported = {model: export_model(model, folders[model], to) for model in models}
        write_manifest(to, exported)
        sources = ModelSources(models_dir=to, exported=exported)
        pulled = [
            PulledModel(model, folders[model], to / exported[model].folder) for model in models
        ]

    @functools.cache
    def inspect(name: str) -> ModelInfo:
        return inspect_model(*sources.locate(name))

    for model in models:
        inspect(model)
    plan_translations(config, inspect, device=resolve_device(config.device))
    return pulled


def format_pulled(pulled: Sequence[PulledModel], to: Path | None) -> str:
    """What ``summarize models pull`` prints: each model and where its files are."""
    rows = [["model", "files", "size"]]
    for item in pulled:
        where = item.exported or item.folder
        rows.append([item.model, str(where), format_size(folder_size(where))])
    text = format_table(rows) + f"\n{len(pulled)} model(s) ready and checked"
    if to is not None:
        text += f"; copy {to} to the offline machine and run `summarize run --models-dir {to}`"
    return text


def _announce_licences(uses: Sequence[ModelUse]) -> None:
    for notice in licence_notices(use.model for use in uses):
        logger.warning(notice)
