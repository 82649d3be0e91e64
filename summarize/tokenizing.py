"""Tokenizer-side work shared by every engine: loading, limits, counting and encoding inputs.

Both engines tokenise with the model's own Hugging Face tokenizer, so the same text gives the
same input ids (and the same language tokens) whichever engine runs the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from transformers import AutoTokenizer

from summarize.errors import ModelLoadError
from summarize.generation import Target
from summarize.hub import OFFLINE_HINT, is_offline

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
