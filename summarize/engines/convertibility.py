"""Whether CTranslate2 4.8's converter takes a checkpoint, told from its files before any
weights load.

The converter (``ctranslate2/converters/transformers.py``) builds one token list from the
tokenizer's ``get_vocab()`` and registers it as both the source and the target vocabulary;
``ModelSpec.validate`` then refuses the model unless that list is exactly as long as the
encoder's and the decoder's embedding matrices. Each family's loader adjusts the list first,
and :func:`conversion_problem` repeats those adjustments here, loader by loader (each family's
rule is its :class:`~summarize.engines.families.CTranslate2Support`), so the engine is chosen
up front instead of failing when the model loads:

- BART, mBART, Marian, M2M100: the list is cut to ``config.vocab_size``; it is never filled up,
  so embeddings padded past the tokenizer (``resize_token_embeddings(pad_to_multiple_of=...)``)
  are refused.
- Marian: a trailing ``<pad>`` is dropped, and so is the last embedding row (of the decoder's
  too when it has as many rows as the encoder's).
- M2M100 / NLLB: the tokenizer's extra special tokens are appended, then its
  ``num_madeup_words`` (M2M100: 8) filler entries, or as many as fill ``config.vocab_size``
  when the tokenizer has no such count (NLLB).
- T5: filled with ``<extra_id_N>`` up to ``config.vocab_size``, never cut.

Marian checkpoints with separate source and target vocabularies (``target_vocab.json``) are
refused too although some convert: the converter gives them the source vocabulary on both
sides, so CTranslate2 would name each output id with the wrong token.

Nothing here imports torch, transformers or ctranslate2: the caller hands in the tokenizer it
has loaded; weight shapes come from the safetensors header.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from summarize.engines.families import family_of

# Embedding tensors of the seq2seq families, by the names save_pretrained writes. A tied
# checkpoint may keep only the shared one.
_ENCODER_EMBEDDINGS = (
    "model.encoder.embed_tokens.weight",
    "encoder.embed_tokens.weight",
    "model.shared.weight",
    "shared.weight",
)
_DECODER_EMBEDDINGS = (
    "model.decoder.embed_tokens.weight",
    "decoder.embed_tokens.weight",
    "model.shared.weight",
    "shared.weight",
)
# A header bigger than this is not a safetensors header (real ones are kilobytes).
_MAX_HEADER_BYTES = 100_000_000


def conversion_problem(folder: Path, tokenizer: Any) -> str | None:
    """Why CTranslate2 cannot convert (or would mis-run) the checkpoint in ``folder``, whose
    tokenizer (as ``AutoTokenizer`` loads it) is ``tokenizer``; None when it converts.

    Only the families the CTranslate2 engine runs (see summarize.engines.families) are
    judged; for any other type, or files that cannot be read, the answer is None (the load
    itself then decides).
    """
    config = _read_json(folder / "config.json")
    support = family_of(config.get("model_type")).ctranslate2
    vocab_size = config.get("vocab_size")
    if not isinstance(vocab_size, int) or support is None:
        return None
    if support.shared_vocabulary_only and getattr(tokenizer, "separate_vocabs", False):
        return (
            "it has separate source and target vocabularies (target_vocab.json), and "
            "CTranslate2's converter gives it the source vocabulary on both sides, so the "
            "output ids would be read as the wrong words"
        )
    tokens = support.vocabulary_count(_vocabulary(tokenizer), vocab_size, tokenizer)
    encoder_rows, decoder_rows = _embedding_rows(folder, config)
    expected = {"source": encoder_rows, "target": decoder_rows}
    if support.drops_last_row:
        expected = {
            "source": encoder_rows - 1,
            "target": decoder_rows - 1 if decoder_rows == encoder_rows else decoder_rows,
        }
    for side, rows in expected.items():
        if tokens != rows:
            return (
                f"its {side} embeddings have {rows} rows for CTranslate2 but its tokenizer "
                f"names {tokens} tokens (the converter requires them equal; embeddings padded "
                "past the vocabulary, as resize_token_embeddings(pad_to_multiple_of=...) leaves "
                "them, are the usual cause)"
            )
    return None


def _vocabulary(tokenizer: Any) -> list[str]:
    """The tokenizer's tokens in id order, as the converter lists them."""
    vocab: Mapping[str, int] = tokenizer.get_vocab()
    return [token for token, _ in sorted(vocab.items(), key=lambda item: item[1])]


def _embedding_rows(folder: Path, config: Mapping[str, Any]) -> tuple[int, int]:
    """Rows of the encoder's and the decoder's token embeddings.

    Read from the safetensors header where there is one (the shapes the converter will see);
    otherwise from the config, which transformers holds the weights to when it loads them.
    """
    shapes = _safetensors_shapes(folder)
    vocab_size = config["vocab_size"]
    decoder_default = config.get("decoder_vocab_size") or vocab_size
    if config.get("share_encoder_decoder_embeddings", True) is not False:
        decoder_default = vocab_size  # Marian ties both to config.vocab_size then
    encoder = next((shapes[n][0] for n in _ENCODER_EMBEDDINGS if n in shapes), vocab_size)
    decoder = next((shapes[n][0] for n in _DECODER_EMBEDDINGS if n in shapes), decoder_default)
    return encoder, decoder


def _safetensors_shapes(folder: Path) -> dict[str, list[int]]:
    """Tensor name -> shape from the headers of ``folder``'s safetensors files (no weights
    read); empty when there are none (``pytorch_model.bin`` has no cheap header)."""
    shapes: dict[str, list[int]] = {}
    for path in sorted(folder.glob("*.safetensors")):
        try:
            with path.open("rb") as handle:
                # The format: an 8-byte little-endian header length, then the JSON header.
                (length,) = struct.unpack("<Q", handle.read(8))
                if length > _MAX_HEADER_BYTES:
                    continue
                header = json.loads(handle.read(length))
        except (OSError, ValueError, struct.error):
            continue  # a damaged file is reported by the weight check, not here
        for name, entry in header.items():
            if isinstance(entry, dict) and isinstance(entry.get("shape"), list):
                shapes[name] = entry["shape"]
    return shapes


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
