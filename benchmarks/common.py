"""What the benchmark's processes share: memory and timing probes, the product's CTranslate2
engine as ``summarize run`` loads it, and raw CTranslate2 as a user writes it.

``engine_speed`` (the parent) and ``turns`` (the child processes it times) both use these, so
they live here rather than in either.
"""

from __future__ import annotations

import os
import resource
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase


def sync(device: str) -> None:
    """Wait for queued GPU work, so a timer reads finished work."""
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def rss_mib() -> float | None:
    """Resident memory of this process now, in MiB (Linux only)."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def reset_peak_rss() -> bool:
    """Restart the kernel's count of peak resident memory; False where it cannot be (non-Linux).

    Writing 5 to ``/proc/self/clear_refs`` resets the high-water mark that ``getrusage``
    reports, so each variant's peak is its own rather than the largest of all before it.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mib() -> float:
    """Peak resident memory since the last reset (else of the whole process), in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def warm_up(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase, device: str) -> None:
    """One short generate, so one-off costs (kernel choice, allocator) stay out of the timing."""
    import torch

    inputs = tokenizer(["The government announced a new budget."], return_tensors="pt")
    with torch.inference_mode():
        model.generate(**inputs.to(device), min_new_tokens=4, max_new_tokens=4)
    sync(device)


def reset_cuda_peak(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats(device)


def cuda_peak_mib(device: str) -> float | None:
    import torch

    if not device.startswith("cuda"):
        return None
    return torch.cuda.max_memory_allocated(device) / 2**20


def product_engine(path: Path, device: str, dtype: str, *, long_inputs: bool) -> Any:
    """The product's CTranslate2 engine with its default batching, as ``summarize run`` loads it."""
    from summarize.engines.backends import EngineChoice, load_engine
    from summarize.engines.generation import GenerationOverrides
    from summarize.engines.transformers_engine import default_batch_size, default_max_batch_tokens

    return load_engine(
        str(path),
        EngineChoice("ctranslate2"),
        device=device,
        dtype=dtype,
        batch_size=default_batch_size(device, long_inputs=long_inputs),
        max_batch_tokens=default_max_batch_tokens(device),
        overrides=GenerationOverrides(),
        threads=None,
    )


class LengthSpy:
    """Stands in for a ``ctranslate2.Translator`` and records each output's token count.

    A forced first token (NLLB's language code) counts: transformers counts it among the new
    tokens too, and CTranslate2's decoding length includes it.
    """

    def __init__(self, translator: Any, lengths: list[int]) -> None:
        self._translator = translator
        self._lengths = lengths

    def translate_batch(self, source: Any, target_prefix: Any = None, **options: Any) -> Any:
        results = self._translator.translate_batch(source, target_prefix, **options)
        if options.get("asynchronous"):
            # Recorded when the caller collects each result, so batches still run together.
            return [RecordedResult(result, self._lengths) for result in results]
        self._lengths += [len(result.hypotheses[0]) for result in results]
        return results

    def __getattr__(self, name: str) -> Any:
        return getattr(self._translator, name)


class RecordedResult:
    """An asynchronous CTranslate2 result whose output length is recorded when collected."""

    def __init__(self, pending: Any, lengths: list[int]) -> None:
        self._pending, self._lengths = pending, lengths

    def result(self) -> Any:
        result = self._pending.result()
        self._lengths.append(len(result.hypotheses[0]))
        return result

    def done(self) -> bool:
        return self._pending.done()


def product_options(
    path: Path, compute_type: str, tokenizer: PreTrainedTokenizerBase
) -> tuple[Path, dict[str, Any], list[str]]:
    """The folder the product converts ``path`` into (converting it there if it is missing),
    its decoding options, and the target prefix of every input: the first token the model's
    config forces (NLLB's language code), or none. ``tokenizer`` is the model's, loaded once
    by the caller.

    The raw CTranslate2 anchors decode with exactly the product's options (beam, forced
    length, banned tokens, penalties, forced first token), so they differ from the product
    only in how work is handed to CTranslate2.
    """
    from transformers import AutoConfig

    from summarize.engines.backends import converted_models_dir
    from summarize.engines.ctranslate2_engine import (
        _read_vocabulary,
        converted_model_dir,
        translate_options,
    )
    from summarize.engines.tokenizing import CheckpointDecoding, decodable_ids, max_input_tokens

    model_dir = converted_model_dir(
        str(path), compute_type=compute_type, cache_root=converted_models_dir()
    )
    limit = max_input_tokens(AutoConfig.from_pretrained(path), tokenizer)
    decoding = CheckpointDecoding(
        str(path), None, input_limit=limit, decodable_ids=decodable_ids(tokenizer)
    )()
    options = translate_options(decoding, _read_vocabulary(model_dir))
    forced = decoding.forced_bos_token_id
    return model_dir, options, [] if forced is None else [tokenizer.convert_ids_to_tokens(forced)]


def hand_written_ct2(
    translator: Any,
    tokenizer: PreTrainedTokenizerBase,
    texts: Sequence[str],
    options: Mapping[str, Any],
    prefix: list[str],
    **batching: Any,
) -> list[Any]:
    """What a user of raw CTranslate2 writes: tokenize, ``translate_batch``, decode.

    Timed whole, as the product's engine is: both pay for turning text into tokens and back.
    """
    source = [tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(list(texts))["input_ids"]]
    results = translator.translate_batch(
        source, target_prefix=[prefix] * len(source) if prefix else None, **batching, **options
    )
    tokenizer.batch_decode(
        [tokenizer.convert_tokens_to_ids(result.hypotheses[0]) for result in results],
        skip_special_tokens=True,
    )
    return results
