"""Tokenizer-side work shared by every engine: loading, limits, counting and encoding inputs.

Both engines tokenise with the model's own Hugging Face tokenizer, so the same text gives the
same input ids (and the same language tokens) whichever engine runs the model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from transformers import AutoTokenizer
from transformers.utils import cached_file

from summarize.core.errors import ModelLoadError
from summarize.engines.decoding import GENERATION_CONFIG_FILE, Decoding, checkpoint_decoding
from summarize.engines.generation import Target
from summarize.engines.hub import OFFLINE_HINT, is_offline

#: A run of non-space characters.
_WORD = re.compile(r"\S+")

# Tokenizers report this kind of value when they know no limit.
_NO_LIMIT = 100_000


def load_failure(
    name: str, what: str, error: BaseException, revision: str | None = None
) -> ModelLoadError:
    """A ModelLoadError that names the model (and revision) and the ways to make it loadable."""
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    at = f" at revision {revision!r}" if revision else ""
    return ModelLoadError(
        f"could not load the {what} {name!r}{at}: {reason}\n"
        f"{OFFLINE_HINT if is_offline() else ''}"
        "If it is a Hugging Face Hub id, check the spelling and run `summarize models pull` "
        "(or any run) once with network access so it is downloaded into the cache; later runs "
        "can be offline (--offline). If it is a "
        "local folder, check the path: it must hold config.json, the tokenizer files and the "
        "weights (as written by save_pretrained)."
    )


def load_tokenizer(name: str, revision: str | None = None) -> Any:
    """The model's own tokenizer; never runs code from the repository."""
    try:
        return AutoTokenizer.from_pretrained(name, revision=revision, trust_remote_code=False)
    except Exception as error:
        raise load_failure(name, "tokenizer of", error, revision) from error


def max_input_tokens(config: Any, tokenizer: Any) -> int:
    """Longest input the model accepts, in tokens, from its tokenizer and config."""
    limits = [
        value
        for value in (
            getattr(tokenizer, "model_max_length", None),
            getattr(config, "max_position_embeddings", None),
            getattr(config, "n_positions", None),
        )
        if isinstance(value, int) and 0 < value < _NO_LIMIT
    ]
    return min(limits) if limits else 512


def count_tokens(
    tokenizer: Any, texts: Sequence[str], *, special_tokens: bool = False
) -> list[int]:
    """Number of tokens of each text."""
    if not texts:
        return []
    # Counting is how over-long texts are found before they are split, so transformers'
    # warning that a text exceeds the model's limit would be wrong here: silenced.
    encoded = tokenizer(list(texts), add_special_tokens=special_tokens, verbose=False)
    return [len(ids) for ids in encoded["input_ids"]]


def token_spans(tokenizer: Any, text: str) -> list[tuple[int, int]]:
    """Character (start, end) in ``text`` of each of its tokens, without special tokens."""
    if getattr(tokenizer, "is_fast", False):
        encoded = tokenizer(
            text, add_special_tokens=False, return_offsets_mapping=True, verbose=False
        )
        return list(encoded["offset_mapping"])
    # Slow (SentencePiece-only) tokenizers give no offsets: each word's tokens, counted in one
    # call, all span that word. Callers use spans to estimate where to split, then count.
    words = [(match.start(), match.end()) for match in _WORD.finditer(text)]
    counts = count_tokens(tokenizer, [text[start:end] for start, end in words])
    return [span for span, count in zip(words, counts, strict=True) for _ in range(count)]


def encode_inputs(
    tokenizer: Any, texts: Sequence[str], target: Target, name: str, limit: int
) -> list[list[int]]:
    """Input ids of each text for ``target``; refuses any input over ``limit`` tokens."""
    if target.src_lang is not None:
        # NLLB, M2M100 and mBART put the source-language token into the input.
        tokenizer.src_lang = target.src_lang
    encoded = tokenizer([target.prefix + text for text in texts])["input_ids"]
    too_long = [len(ids) for ids in encoded if len(ids) > limit]
    if too_long:
        raise ValueError(
            f"{len(too_long)} inputs exceed {name}'s limit of {limit} "
            f"tokens (longest {max(too_long)}); they must be split before generation"
        )
    return encoded


def decodable_ids(tokenizer: Any) -> int:
    """How many output ids (0 to n - 1) the tokenizer can turn back into text."""
    # A Marian checkpoint with separate vocabularies decodes with its target vocabulary.
    if getattr(tokenizer, "separate_vocabs", False):
        return len(tokenizer.target_encoder)
    return len(tokenizer)


class CheckpointDecoding:
    """The decoding settings a checkpoint specifies, per task, read from its local files once
    (see :func:`summarize.engines.decoding.checkpoint_decoding`); both engines decode with them."""

    def __init__(
        self, name: str, revision: str | None, *, input_limit: int, decodable_ids: int | None
    ) -> None:
        model_config = _config_file(name, "config.json", revision)
        if model_config is None:
            raise load_failure(name, "model", FileNotFoundError("no config.json"), revision)
        self._model_config = model_config
        self._generation_config = _config_file(name, GENERATION_CONFIG_FILE, revision)
        self._input_limit = input_limit
        self._decodable = decodable_ids
        self._by_task: dict[str | None, Decoding] = {}

    def __call__(self, task: str | None = None) -> Decoding:
        """The settings for ``task`` (a ``task_specific_params`` key, or None)."""
        if task not in self._by_task:
            self._by_task[task] = checkpoint_decoding(
                self._model_config,
                self._generation_config,
                task=task,
                input_limit=self._input_limit,
                decodable_ids=self._decodable,
            )
        return self._by_task[task]


def model_file(name: str, filename: str, revision: str | None = None) -> str | None:
    """Local path of one of ``name``'s files (its folder or the Hub cache, downloading it when
    online), or None when the model has no such file."""
    try:
        return cached_file(
            name,
            filename,
            revision=revision,
            _raise_exceptions_for_missing_entries=False,
            _raise_exceptions_for_connection_errors=False,
        )
    except Exception as error:  # any failure here means the same to the user
        raise load_failure(name, "model", error, revision) from error


def _config_file(name: str, filename: str, revision: str | None) -> dict[str, Any] | None:
    """One of a model's JSON files, None when it has no such file."""
    path = model_file(name, filename, revision)
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        raise load_failure(name, "model", error, revision) from error
    if not isinstance(data, dict):
        raise load_failure(name, "model", ValueError(f"{filename} is not a JSON object"), revision)
    return data
