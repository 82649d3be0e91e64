"""The only module that talks to torch and transformers.

Resolves device and dtype, loads models and tokenizers (never with ``trust_remote_code``), and
runs ``generate`` in length-sorted batches under ``torch.inference_mode()``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import pickle
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import torch
import transformers
from safetensors import safe_open
from torch.nn.attention import SDPBackend, sdpa_kernel
from transformers import AutoConfig, AutoModelForSeq2SeqLM, GenerationConfig
from transformers.utils import logging as transformers_logging

from summarize.core.errors import ConfigError, ModelLoadError
from summarize.core.languages import is_language_token
from summarize.core.options import CPU_MAX_BATCH_TOKENS
from summarize.engines.batching import run_sorted_batches
from summarize.engines.decoding import Decoding
from summarize.engines.generation import GenerationOverrides, ModelInfo, Target
from summarize.engines.hub import WEIGHT_FILES
from summarize.engines.pickles import unsafe_globals
from summarize.engines.tokenizing import (
    CheckpointDecoding,
    count_tokens,
    decodable_ids,
    encode_inputs,
    load_failure,
    load_tokenizer,
    max_input_tokens,
    model_file,
    token_spans,
)

logger = logging.getLogger(__name__)

DTYPES: dict[str, torch.dtype] = {
    "float32": torch.float32,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
}


def resolve_device(requested: str) -> str:
    """Turn ``auto|cpu|cuda|cuda:N|mps`` into a device that exists here."""
    if requested == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if requested.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ConfigError(
                f"--device {requested} was asked for, but this torch build sees no CUDA GPU; "
                "install a CUDA build of torch or run with --device cpu"
            )
        index = requested.partition(":")[2]
        if index and (not index.isdigit() or int(index) >= torch.cuda.device_count()):
            raise ConfigError(
                f"--device {requested}: there are {torch.cuda.device_count()} CUDA devices "
                f"(cuda:0 to cuda:{torch.cuda.device_count() - 1})"
            )
        return requested
    if requested == "mps":
        if not torch.backends.mps.is_available():
            raise ConfigError("--device mps was asked for, but MPS is not available here")
        return requested
    if requested == "cpu":
        return requested
    raise ConfigError(f"unknown device {requested!r}; use auto, cpu, cuda, cuda:N or mps")


def resolve_dtype(requested: str, device: str) -> str:
    """Pick the weight dtype: float32 on CPU, bfloat16 on GPUs that support it, else float16."""
    if requested != "auto":
        if requested not in DTYPES:
            raise ConfigError(f"unknown dtype {requested!r}; use auto, {', '.join(DTYPES)}")
        return requested  # a request that suits the device badly is noted once per run
    if device.startswith("cuda"):
        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    if device == "mps":
        return "float16"
    return "float32"


def set_cpu_threads(threads: int | None) -> None:
    """Limit torch's intra-op CPU threads (None keeps torch's default)."""
    if threads is not None:
        torch.set_num_threads(threads)


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape the output, for run.json."""
    return {"torch": torch.__version__, "transformers": transformers.__version__}


def show_library_progress_bars(enabled: bool) -> None:
    """Turn transformers' and huggingface_hub's own bars (downloads, weight loading) on or off."""
    if enabled:
        transformers_logging.enable_progress_bar()
    else:
        transformers_logging.disable_progress_bar()


def default_max_batch_tokens(device: str) -> int | None:
    """Padded input tokens per batch on CPU, so a few very long inputs can't exhaust RAM.

    GPUs need no such bound: a batch that does not fit is halved on out-of-memory instead.
    """
    return CPU_MAX_BATCH_TOKENS if device == "cpu" else None


def default_batch_size(device: str, *, long_inputs: bool) -> int:
    """A batch size that suits the device; GPU batches shrink on out-of-memory by themselves."""
    if device == "cpu":
        return 4 if long_inputs else 16
    return 16 if long_inputs else 64


def inspect_model(name: str, revision: str | None = None) -> ModelInfo:
    """Read a model's config and tokenizer (no weights) to learn what it can do."""
    try:
        config = AutoConfig.from_pretrained(name, revision=revision, trust_remote_code=False)
    except Exception as error:
        raise load_failure(name, "model", error, revision) from error
    if not getattr(config, "is_encoder_decoder", False):
        raise ModelLoadError(
            f"{name!r} is a {config.model_type!r} model, not a sequence-to-sequence "
            "(encoder-decoder) model; pass a summarisation or translation model such as "
            "BART, PEGASUS, T5, Marian, NLLB or mBART"
        )
    tokenizer = load_tokenizer(name, revision)
    _require_weights(name, revision)
    language_tokens = frozenset(
        token for token in tokenizer.get_vocab() if is_language_token(token)
    )
    task_params = getattr(config, "task_specific_params", None) or {}
    task_prefixes = {
        task: params["prefix"]
        for task, params in task_params.items()
        if isinstance(params, dict) and isinstance(params.get("prefix"), str)
    }
    return ModelInfo(
        name=name,
        model_type=config.model_type,
        language_tokens=language_tokens,
        task_prefixes=task_prefixes,
        prefix=prefix if isinstance(prefix := getattr(config, "prefix", None), str) else None,
        max_input_tokens=max_input_tokens(config, tokenizer),
        decodable_ids=decodable_ids(tokenizer),
    )


def _require_weights(name: str, revision: str | None) -> None:
    """Fail now, not hours into a run, when a model's weights are missing or cut short
    (downloads them if the Hub is reachable: loading would need them anyway)."""
    for path in _weight_paths(name, revision):
        problem = _unreadable_weights(path)
        if problem is not None:
            raise ModelLoadError(
                f"the weights of {name!r} in {path} are incomplete or damaged ({problem}); "
                "an interrupted download or copy leaves them so. Fetch the model again "
                "(`summarize models pull`, after deleting its folder from the Hugging Face "
                "cache), or copy the folder again."
            )
        if not path.endswith(".safetensors"):
            _require_weights_only(name, path)


def _require_weights_only(name: str, path: str) -> None:
    """Refuse a pickled checkpoint that torch's weights_only loader would not build: loading it
    would need an unrestricted unpickle, which can run any code its author put in it."""
    refused = unsafe_globals(path)
    if refused:
        more = f" and {len(refused) - 5} more" if len(refused) > 5 else ""
        raise unsafe_pickle(name, f"{path} references {', '.join(refused[:5])}{more}")


def unsafe_pickle(name: str, detail: str) -> ModelLoadError:
    """The refusal of a checkpoint only an unrestricted pickle load would build (``detail``
    says where and what); it recommends safetensors, never an unrestricted load."""
    return ModelLoadError(
        f"refusing the weights of {name!r}: {detail}, which only an unrestricted pickle load "
        "would build, and such a load can run any code the file's author chose. Convert the "
        "checkpoint to safetensors (transformers' `save_pretrained(safe_serialization=True)`, "
        "on a machine you trust it on), or use a checkpoint that has model.safetensors."
    )


def _weight_paths(name: str, revision: str | None) -> list[str]:
    """The local weight files of ``name``: the first format of WEIGHT_FILES it has, with every
    shard a sharded checkpoint's index names."""
    for filename in WEIGHT_FILES:
        found = model_file(name, filename, revision)
        if found is None:
            continue
        if not filename.endswith(".index.json"):
            return [found]
        shards = {shard: model_file(name, shard, revision) for shard in _shards(found)}
        missing = [shard for shard, path in shards.items() if path is None]
        if missing:
            raise load_failure(
                name, "model", FileNotFoundError(f"missing weight shards: {missing}")
            )
        return [path for path in shards.values() if path is not None]
    raise load_failure(
        name,
        "model",
        FileNotFoundError(f"no weights found (looked for {', '.join(WEIGHT_FILES)})"),
    )


def _shards(index_path: str) -> list[str]:
    """The weight files a sharded checkpoint's index names, each once, in order."""
    try:
        weight_map = json.loads(Path(index_path).read_text(encoding="utf-8"))["weight_map"]
        return list(dict.fromkeys(weight_map.values()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ModelLoadError(f"the weight index {index_path} cannot be read: {error}") from error


def _unreadable_weights(path: str) -> str | None:
    """Why a weight file cannot be loaded, found by reading its header only; None if fine.

    A safetensors header lists every tensor's byte range, so a truncated file is caught
    without reading the weights. Zip-format torch files keep their directory at the end; older
    pickle files have no such check and pass.
    """
    try:
        if path.endswith(".safetensors"):
            with safe_open(path, framework="pt"):
                return None
        with open(path, "rb") as handle:
            if handle.read(2) != b"PK":
                return None
        with zipfile.ZipFile(path):
            return None
    except Exception as error:  # every library's error here means a damaged file
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def attention_backends(device: str) -> contextlib.AbstractContextManager[None]:
    """Attention kernels to allow while generating on ``device``.

    On CUDA, torch prefers cuDNN attention for padded batches, and cuDNN builds a new plan for
    every new tensor shape: with generate's growing decoder length that cost seconds per batch
    (figures: benchmarks/README.md). The flash, memory-efficient and math kernels need no such
    plans.
    """
    if not device.startswith("cuda"):
        return contextlib.nullcontext()
    return sdpa_kernel(
        [SDPBackend.FLASH_ATTENTION, SDPBackend.EFFICIENT_ATTENTION, SDPBackend.MATH]
    )


def _is_out_of_memory(error: BaseException) -> bool:
    if isinstance(error, torch.OutOfMemoryError):
        return True
    return isinstance(error, RuntimeError) and "out of memory" in str(error).lower()


class TransformersEngine:
    """A seq2seq model loaded with transformers on one device."""

    def __init__(
        self,
        name: str,
        *,
        device: str,
        dtype: str,
        batch_size: int,
        overrides: GenerationOverrides = GenerationOverrides(),
        revision: str | None = None,
        max_batch_tokens: int | None = None,
    ) -> None:
        self.name = name
        self.revision = revision
        self.device = device
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.overrides = overrides
        self.tokenizer = load_tokenizer(name, revision)
        try:
            # Never run code from a model repository, and never unpickle arbitrary objects:
            # .bin checkpoints (some Helsinki-NLP models ship only those) load through torch's
            # weights_only path; safetensors are preferred where a repository has both.
            model = AutoModelForSeq2SeqLM.from_pretrained(
                name,
                revision=revision,
                dtype=DTYPES[dtype],
                trust_remote_code=False,
                weights_only=True,
            )
        except pickle.UnpicklingError as error:  # torch's refusal; its advice is unsafe
            raise unsafe_pickle(
                name, "its weights file holds objects other than tensors"
            ) from error
        except Exception as error:
            raise load_failure(name, "model", error, revision) from error
        self.model = model.to(device).eval()
        # Every call states its decoding settings (see _generation_config); the model keeps only
        # its token ids, so generate() fills in none of the checkpoint's lengths behind them.
        own = model.generation_config
        self.model.generation_config = GenerationConfig(
            decoder_start_token_id=own.decoder_start_token_id,
            bos_token_id=own.bos_token_id,
            eos_token_id=own.eos_token_id,
            pad_token_id=own.pad_token_id,
        )
        self.max_input_tokens = max_input_tokens(self.model.config, self.tokenizer)
        #: The checkpoint's decoding settings per task (before the user's overrides).
        self.decoding = CheckpointDecoding(
            name,
            revision,
            input_limit=self.max_input_tokens,
            decodable_ids=decodable_ids(self.tokenizer),
        )
        logger.debug("loaded %s on %s as %s", name, device, dtype)

    def count_tokens(self, texts: Sequence[str], *, special_tokens: bool = False) -> list[int]:
        """Number of tokens of each text."""
        return count_tokens(self.tokenizer, texts, special_tokens=special_tokens)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character (start, end) of each token of ``text``, without special tokens."""
        return token_spans(self.tokenizer, text)

    def generate(
        self,
        texts: Sequence[str],
        target: Target = Target(),
        on_batch: Callable[[Mapping[int, str]], None] | None = None,
        *,
        overrides: GenerationOverrides | None = None,
    ) -> list[str]:
        """Generate one output per text, in input order, batching inputs of similar length.

        ``overrides`` changes decoding for this call only.
        """
        if not texts:
            return []
        encoded = encode_inputs(self.tokenizer, texts, target, self.name, self.max_input_tokens)
        decoding = self.decoding(target.task).overridden(self.overrides.merged(overrides))
        settings = self._generation_config(decoding, target)
        return run_sorted_batches(
            encoded,
            [len(ids) for ids in encoded],
            self.batch_size,
            lambda batch, _report: self._generate_batch(batch, settings),
            is_out_of_memory=self._recover_from_out_of_memory,
            on_batch=on_batch,
            max_batch_tokens=self.max_batch_tokens,
        )

    def _generation_config(self, decoding: Decoding, target: Target) -> GenerationConfig:
        """Every decoding setting for ``generate``, stated explicitly.

        Lengths go in as ``*_new_tokens`` and win over the checkpoint's ``max_length`` /
        ``min_length``, which generate() would otherwise fill in from the model's own config.
        """
        forced_bos = decoding.forced_bos_token_id
        if target.forced_bos_token is not None:
            forced_bos = self.tokenizer.convert_tokens_to_ids(target.forced_bos_token)
        return GenerationConfig(
            **self.model.generation_config.to_diff_dict(),
            # Summaries and translations are cached as the one output of their inputs.
            do_sample=False,
            num_beams=decoding.num_beams,
            min_new_tokens=decoding.min_new_tokens,
            max_new_tokens=decoding.max_new_tokens,
            length_penalty=decoding.length_penalty,
            repetition_penalty=decoding.repetition_penalty,
            no_repeat_ngram_size=decoding.no_repeat_ngram_size,
            early_stopping=decoding.early_stopping,
            bad_words_ids=[list(ids) for ids in decoding.bad_words_ids] or None,
            suppress_tokens=list(decoding.suppress_tokens) or None,
            forced_bos_token_id=forced_bos,
            forced_eos_token_id=decoding.forced_eos_token_id,
        )

    def _generate_batch(self, batch: list[list[int]], settings: GenerationConfig) -> list[str]:
        padded = self.tokenizer.pad({"input_ids": batch}, return_tensors="pt").to(self.device)
        with torch.inference_mode(), attention_backends(self.device):
            output = self.model.generate(**padded, generation_config=settings)
        return [
            text.strip() for text in self.tokenizer.batch_decode(output, skip_special_tokens=True)
        ]

    def _recover_from_out_of_memory(self, error: BaseException) -> bool:
        if not _is_out_of_memory(error):
            return False
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
        return True

    def close(self) -> None:
        """Drop the model and give its memory back before the next one loads."""
        self.model = None  # type: ignore[assignment]
        gc.collect()
        if self.device.startswith("cuda"):
            torch.cuda.empty_cache()
        elif self.device == "mps":
            torch.mps.empty_cache()
