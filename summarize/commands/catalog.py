"""``summarize models``: which models a run would use, whether they are here, and fetching them.

The list comes from the run's own planning (:func:`summarize.stages.plan.translation_models`,
the config's source models) and licences from :data:`summarize.core.languages.MODEL_LICENCES`, so it
can never disagree with what ``summarize run`` loads.
"""

from __future__ import annotations

import functools
import json
import logging
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Literal

from summarize.core.config import RunConfig
from summarize.core.errors import ConfigError, ModelLoadError, SummarizeError
from summarize.core.files import check_writable_folder
from summarize.core.languages import (
    DEFAULT_SOURCE_MODELS,
    ENGLISH,
    FALLBACK_SOURCE_MODEL,
    get_language,
    licence_notices,
    model_licence,
)
from summarize.core.tables import format_size, format_table
from summarize.engines.backends import choose_engine, converted_models_dir
from summarize.engines.decoding import Decoding
from summarize.engines.generation import ModelInfo, Target
from summarize.engines.hub import (
    HubCheck,
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
from summarize.stages.loading import stage_overrides
from summarize.stages.plan import plan_translations, translation_models
from summarize.stages.summarizer import SUMMARY_TASK, summary_prefix
from summarize.stages.translator import check_model_languages, resolve_target

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
    #: How a run would feed and decode it (``models list --verbose``), when asked for.
    details: ModelDetails | None = None


@dataclass(frozen=True)
class ModelDetails:
    """How a run would use a model: what goes before each input and how it decodes."""

    #: Language (``""`` for the summariser) -> how each input is put to the model; None:
    #: decided per article (a source model's ``*``, any other language).
    targets: Mapping[str, Target | None]
    #: Longest input, in tokens; longer articles are split, longer sentences refused.
    input_limit: int = 0
    #: Task (None: the checkpoint's general settings) -> settings, the run's flags applied.
    decodings: Mapping[str | None, Decoding] = field(default_factory=dict)
    #: The decoding settings the run's flags (or config file) set over the checkpoint's.
    overridden: tuple[str, ...] = ()
    #: Why the model could not be read like a run reads it (then nothing else is known).
    problem: str | None = None


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


def list_models(config: RunConfig, *, details: bool = False) -> list[ModelStatus]:
    """What ``summarize models list`` shows; reads local files only, never the network.

    With ``details`` (``--verbose``), each model available here is also read the way a run
    reads it (config, tokenizer, decoding settings), which takes a few seconds per model.
    """
    go_offline()
    sources = ModelSources.open(config.revisions, config.models_dir)
    uses = planned_models(config)
    _announce_licences(uses)
    statuses = [_status(use, config, sources) for use in uses]
    if details:
        statuses = [
            replace(status, details=_details(status, config, sources)) for status in statuses
        ]
    return statuses


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
    from summarize.engines.transformers_engine import resolve_device  # imports torch

    try:
        model_type = json.loads((folder / "config.json").read_text("utf-8"))["model_type"]
        device = resolve_device(config.device)
        choice = choose_engine(config.engine, model_type, device, model=location, folder=folder)
    except (OSError, ValueError, KeyError, ConfigError):
        return None, None
    if choice.engine != "ctranslate2":
        return choice.engine, None
    # Imports transformers: only for models CTranslate2 runs.
    from summarize.engines.ctranslate2_engine import compute_type_for, converted_copy_path

    copy = converted_copy_path(
        location,
        folder,
        compute_type=compute_type_for(device, config.dtype),
        cache_root=converted_models_dir(),
        revision=revision,
    )
    return choice.engine, copy if (copy / "model.bin").is_file() else None


def _details(status: ModelStatus, config: RunConfig, sources: ModelSources) -> ModelDetails | None:
    """Read a model available here as a run would, for ``models list --verbose``."""
    if status.folder is None:
        return None
    # Imported here: they import transformers, which the plain list does without.
    from summarize.engines.tokenizing import CheckpointDecoding
    from summarize.engines.transformers_engine import inspect_model

    use = status.use
    try:
        location, revision = sources.locate(use.model)
        info = inspect_model(location, revision)
        targets = _targets(use, info)
        checkpoint = CheckpointDecoding(
            location,
            revision,
            input_limit=info.max_input_tokens,
            decodable_ids=info.decodable_ids,
        )
    except SummarizeError as error:
        return ModelDetails(targets={}, problem=str(error).strip().splitlines()[0])
    overrides = stage_overrides(config, use.stage)
    tasks = dict.fromkeys(None if target is None else target.task for target in targets.values())
    return ModelDetails(
        targets=targets,
        input_limit=info.max_input_tokens,
        decodings={task: checkpoint(task).overridden(overrides) for task in tasks},
        overridden=tuple(
            f.name for f in fields(overrides) if getattr(overrides, f.name) is not None
        ),
    )


def _targets(use: ModelUse, info: ModelInfo) -> dict[str, Target | None]:
    """How a run puts each input to the model, per language, as the run's planning decides."""
    if use.stage == "summary":
        return {"": Target(prefix=summary_prefix(info), task=SUMMARY_TASK)}
    if use.stage == "translation":
        return check_model_languages(info, use.languages)
    return {
        code: None if code == "*" else resolve_target(info, ENGLISH, source=get_language(code))
        for code in use.languages
    }


# Width of the verbose blocks (a terminal's 80 columns) and of their labels.
_WIDTH = 80
_LABEL = 12


def format_model_details(statuses: Sequence[ModelStatus]) -> str:
    """One block per model for ``models list --verbose``: engine, inputs and decoding."""
    blocks = []
    for status in statuses:
        use = status.use
        languages = f" ({','.join(use.languages)})" if use.languages else ""
        lines = [f"{use.stage}{languages}: {use.model}"]
        details = status.details
        if status.folder is None:
            lines += _field("files", "not available locally: run `summarize models pull`")
        else:
            engine = (
                status.engine or "unknown: its config.json is unreadable, or --engine refuses it"
            )
            lines += _field("engine", engine)
        if details is not None and details.problem is not None:
            lines += _field("problem", details.problem)
        elif details is not None:
            lines += _describe_inputs(use, details)
            for task, decoding in details.decodings.items():
                lines += _describe_decoding(task, decoding, details, status.engine)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _describe_inputs(use: ModelUse, details: ModelDetails) -> list[str]:
    """The input limit, and what goes before each input (and which tokens) per language."""
    per = "article (longer ones are split)" if use.stage == "summary" else "sentence"
    lines = _field("input", f"at most {details.input_limit} tokens per {per}")
    for code, target in details.targets.items():
        label = f"{code}: " if code else ""
        if target is None:
            lines += _field("", f"{label}set for each article's detected language")
            continue
        parts = [f"prefix {target.prefix!r}" if target.prefix else "no prefix"]
        if target.src_lang:
            parts.append(f"source language {target.src_lang}")
        if target.forced_bos_token:
            parts.append(f"first token {target.forced_bos_token}")
        lines += _field("", label + ", ".join(parts))
    return lines


def _describe_decoding(
    task: str | None, decoding: Decoding, details: ModelDetails, engine: str | None
) -> list[str]:
    """The settings both engines decode with, and CTranslate2's own where they differ."""
    languages = [
        code or "summary"
        for code, target in details.targets.items()
        if (None if target is None else target.task) == task
    ]
    label = "decoding" if len(details.decodings) == 1 else f"decoding ({','.join(languages)})"
    origin = decoding.origin
    if details.overridden:
        origin += " + your settings: " + ", ".join(details.overridden)
    values = {
        key: value
        for key, value in decoding.describe().items()
        if key != "origin" and (key in _ALWAYS_SHOWN or value not in (None, []))
    }
    text = ", ".join(f"{key}={_short(value)}" for key, value in values.items())
    lines = _field(label, f"from {origin}") + _field("", text)
    if engine == "ctranslate2":
        from summarize.engines.ctranslate2_engine import translate_options  # imports transformers

        options = translate_options(decoding, vocabulary=[])
        low, high = options["min_decoding_length"], options["max_decoding_length"]
        if (low, high) != (decoding.min_new_tokens, decoding.max_new_tokens):
            lines += _field(
                "",
                f"on CTranslate2: min_decoding_length={low}, max_decoding_length={high} "
                "(transformers spends its last token on the end token the checkpoint forces; "
                "CTranslate2 stops one step earlier instead: the same text)",
            )
    for note in decoding.notes:
        lines += _field("note", note)
    return lines


# Decoding settings shown even at their defaults; the others only when the checkpoint sets them.
_ALWAYS_SHOWN = frozenset(
    {
        "num_beams",
        "min_new_tokens",
        "max_new_tokens",
        "length_penalty",
        "repetition_penalty",
        "no_repeat_ngram_size",
        "early_stopping",
    }
)


def _short(value: object) -> str:
    """A setting's value; runs of consecutive ids as ``first-last``, many runs counted."""
    if not (isinstance(value, list) and value and all(isinstance(i, int) for i in value)):
        return str(value)
    runs: list[list[int]] = []
    for token_id in value:
        if runs and token_id == runs[-1][-1] + 1:
            runs[-1].append(token_id)
        else:
            runs.append([token_id])
    shown = [f"{run[0]}-{run[-1]}" if len(run) > 2 else ",".join(map(str, run)) for run in runs]
    more = f",...({len(value)} ids)" if len(shown) > 6 else ""
    return f"[{','.join(shown[:6])}{more}]"


def _field(label: str, text: str) -> list[str]:
    """``label`` and ``text`` wrapped to the terminal's width, continued under the text."""
    head = f"  {label + ':' if label else ''}".ljust(_LABEL)
    return textwrap.wrap(
        text,
        width=_WIDTH,
        initial_indent=head,
        subsequent_indent=" " * _LABEL,
        break_long_words=False,
        break_on_hyphens=False,
    )


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
    from summarize.engines.transformers_engine import inspect_model, resolve_device  # torch

    if config.offline:
        go_offline()
    uses = planned_models(config)
    _announce_licences(uses)
    models = list(dict.fromkeys(use.model for use in uses))
    if to is not None:
        check_writable_folder(to, "--to")  # before any download, not after
        check_export_folders(models, to)
    folders = {}
    hub = HubCheck()  # no Hub to answer: a missing model fails now, not after the retries
    for model in models:
        hub.require(model, config.revisions.get(model))
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
