"""Which engine runs a model: CTranslate2 where it can, transformers otherwise.

CTranslate2 (int8 on CPU) is several times faster than transformers on the same model (see
shared measurements and benchmarks/), so ``--engine auto`` picks it whenever it supports the
model's architecture and the device, and says why when it falls back.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from summarize.core.errors import ConfigError, ModelLoadError
from summarize.core.options import ENGINE_CHOICES
from summarize.engines.convertibility import conversion_problem
from summarize.engines.families import family_of
from summarize.engines.generation import Engine, GenerationOverrides
from summarize.engines.hub import folder_fingerprint, model_folder

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineChoice:
    """The engine one model runs on, and why CTranslate2 was not used (if it was not)."""

    engine: str
    fallback_reason: str | None = None
    #: Whether the user asked for this engine by name (``--engine ctranslate2``): then a model
    #: CTranslate2 cannot convert is an error, where ``auto`` runs it with transformers.
    explicit: bool = False
    #: Whether the fallback is worth telling the user (once per run): it comes from this
    #: checkpoint's files, which its architecture alone would not make them expect.
    notice: bool = False


def choose_engine(
    requested: str,
    model_type: str,
    device: str,
    *,
    model: str | None = None,
    folder: Path | None = None,
) -> EngineChoice:
    """Decide the engine for a model; ``--engine ctranslate2`` that cannot work is an error.

    With ``folder`` (the checkpoint's local files), what CTranslate2's converter would refuse
    in them is found now, before any weights load: ``auto`` then runs ``model`` with
    transformers, and ``--engine ctranslate2`` is a configuration error naming it.
    """
    if requested not in ENGINE_CHOICES:
        raise ConfigError(f"unknown engine {requested!r}; use {', '.join(ENGINE_CHOICES)}")
    if requested == "transformers":
        return EngineChoice("transformers")
    problem = _ctranslate2_problem(model_type, device)
    if problem is None and folder is not None:
        unconvertible = checkpoint_problem(folder)
        if unconvertible is not None and requested == "auto":
            reason = f"CTranslate2 cannot run this checkpoint: {unconvertible}"
            return EngineChoice("transformers", reason, notice=True)
        if unconvertible is not None:
            problem = f"CTranslate2 cannot run {model or str(folder)!r}: {unconvertible}"
    if problem is None:
        return EngineChoice("ctranslate2", explicit=requested == "ctranslate2")
    if requested == "ctranslate2":
        raise ConfigError(f"--engine ctranslate2: {problem}; use --engine auto or transformers")
    return EngineChoice("transformers", problem)


def checkpoint_problem(folder: Path) -> str | None:
    """Why CTranslate2 cannot convert (or would mis-run) the checkpoint in ``folder``, read
    from its config, tokenizer and weight headers; None when it converts or cannot be told."""
    try:
        # The fingerprint (file names, sizes, times) keys the cache: a replaced file is read
        # again, while the planning stages that ask about one model load its tokenizer once.
        return _checkpoint_problem(folder, tuple(folder_fingerprint(folder)))
    except OSError:
        return None


@functools.lru_cache(maxsize=32)
def _checkpoint_problem(folder: Path, fingerprint: tuple[tuple[str, int, int], ...]) -> str | None:
    from summarize.engines.tokenizing import load_tokenizer  # imports transformers

    try:
        return conversion_problem(folder, load_tokenizer(str(folder)))
    except ModelLoadError:
        return None  # the run's own checks name an unloadable tokenizer


def engine_for_keys(requested: str, device: str) -> str:
    """The ``--engine`` setting as cache keys name it.

    ``auto`` on a device where CTranslate2 cannot run here (not installed, no CUDA libraries,
    MPS) means transformers for every model, and is keyed so: its work is not passed off as
    CTranslate2's on a machine sharing the cache where ``auto`` runs that. Elsewhere ``auto``
    resolves by the model's type and checkpoint files, which the model's identity fixes.
    """
    if requested == "auto" and _device_problem(device) is not None:
        return "transformers"
    return requested


def dtype_for_keys(requested: str, device: str) -> str:
    """The ``--dtype`` setting as cache keys name it.

    ``auto`` on a GPU means bfloat16 where the card has it and float16 where it does not
    (transformers), so it is keyed with that choice: a cache shared by two such machines
    keeps their work apart. Elsewhere the request is the key, as before.
    """
    if requested == "auto" and device.startswith("cuda"):
        from summarize.engines.transformers_engine import resolve_dtype  # imports torch

        return f"auto:{resolve_dtype(requested, device)}"
    return requested


def _conversion_fallback(
    name: str, *, device: str, dtype: str, revision: str | None
) -> EngineChoice | None:
    """Convert ``name`` for CTranslate2 now (a no-op once converted); the transformers choice
    that replaces CTranslate2 when the converter refuses it, else None."""
    # These import transformers, and torch: only when a model loads.
    from summarize.engines.ctranslate2_engine import compute_type_for, converted_model_dir

    compute_type = compute_type_for(device, dtype)
    model_folder(name, revision)  # a missing model is an error on any engine: not caught
    try:
        converted_model_dir(
            name, compute_type=compute_type, cache_root=converted_models_dir(), revision=revision
        )
    except ModelLoadError as error:
        reason = str(error).strip().splitlines()[0]
        return EngineChoice("transformers", reason, notice=True)
    return None


def _ctranslate2_problem(model_type: str, device: str) -> str | None:
    from summarize.engines.ctranslate2_engine import ctranslate2_available  # imports transformers

    if ctranslate2_available() and family_of(model_type).ctranslate2 is None:
        return f"CTranslate2 does not run {model_type!r} models"
    return _device_problem(device)


def _device_problem(device: str) -> str | None:
    """Why CTranslate2 cannot run any model on ``device`` here, else None."""
    from summarize.engines.ctranslate2_engine import ctranslate2_available  # imports transformers

    if not ctranslate2_available():
        return "the ctranslate2 package is not installed"
    if device == "mps":
        return "CTranslate2 has no MPS (Apple GPU) backend"
    if device.startswith("cuda") and not _ctranslate2_sees_cuda():
        return "CTranslate2's CUDA libraries did not load"
    return None


@functools.cache
def _ctranslate2_sees_cuda() -> bool:
    import ctranslate2  # optional; imported only where CTranslate2 is chosen

    try:
        return ctranslate2.get_cuda_device_count() > 0
    except (RuntimeError, OSError):
        return False


def converted_models_dir() -> Path:
    """Where CTranslate2 copies of models are kept: beside the Hugging Face cache."""
    from huggingface_hub import constants  # reads HF_HOME once, at import

    return Path(constants.HF_HOME) / "summarize"


def precision(engine: str, device: str, dtype: str) -> str:
    """The numeric precision a model runs at, for reports: ``int8``, ``float32``, ..."""
    if engine == "ctranslate2":
        from summarize.engines.ctranslate2_engine import compute_type_for  # imports transformers

        return compute_type_for(device, dtype)
    from summarize.engines.transformers_engine import resolve_dtype  # imports torch

    return resolve_dtype(dtype, device)


def dtype_notices(engines: Iterable[str], device: str, dtype: str) -> list[str]:
    """What to tell the user, once per run, about a ``--dtype`` that runs otherwise than
    asked on ``device``, given the engines the run's models will use."""
    notices = []
    if device != "cpu" or dtype not in ("float16", "bfloat16"):
        return notices
    if "ctranslate2" in engines:
        notices.append(
            f"--dtype {dtype}: CTranslate2 has no 16-bit float types on CPU, so its models run "
            "int8 (the faster choice there); --dtype float32 runs them at full precision"
        )
    if dtype == "float16" and "transformers" in engines:
        notices.append("float16 on CPU is slow and may fail; bfloat16 is the CPU choice")
    return notices


def load_engine(
    name: str,
    choice: EngineChoice,
    *,
    device: str,
    dtype: str,
    batch_size: int,
    max_batch_tokens: int | None,
    overrides: GenerationOverrides,
    threads: int | None,
    revision: str | None = None,
    on_fallback: Callable[[EngineChoice], None] | None = None,
) -> Engine:
    """Load ``name`` (at ``revision``) on the chosen engine; ``dtype`` is the user's request.

    A model ``auto`` gave to CTranslate2 that its converter still refuses (what the up-front
    check could not see) runs with transformers instead: the user is told, and ``on_fallback``
    gets the choice that replaced ``choice``.
    """
    if choice.engine == "ctranslate2" and not choice.explicit:
        fallback = _conversion_fallback(name, device=device, dtype=dtype, revision=revision)
        if fallback is not None:
            logger.warning("running %s with transformers: %s", name, fallback.fallback_reason)
            if on_fallback is not None:
                on_fallback(fallback)
            choice = fallback
    elif choice.fallback_reason:
        logger.info("running %s with transformers: %s", name, choice.fallback_reason)
    if choice.engine == "ctranslate2":
        from summarize.engines.ctranslate2_engine import CTranslate2Engine  # imports transformers

        return CTranslate2Engine(
            name,
            device=device,
            dtype=dtype,
            batch_size=batch_size,
            overrides=overrides,
            cache_root=converted_models_dir(),
            threads=threads,
            max_batch_tokens=max_batch_tokens,
            revision=revision,
        )
    # Imports torch: only once a model loads.
    from summarize.engines.transformers_engine import TransformersEngine, resolve_dtype

    return TransformersEngine(
        name,
        device=device,
        dtype=resolve_dtype(dtype, device),
        batch_size=batch_size,
        overrides=overrides,
        max_batch_tokens=max_batch_tokens,
        revision=revision,
    )
