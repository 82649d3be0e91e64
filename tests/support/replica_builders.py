"""Tokenizers and weights of the replicas (see ``replicas.py``), one builder per family.

A builder trains a tiny tokenizer with the family's real token layout on
``tiny_models.CORPUS`` and returns it with the ids and sizes ``config.json`` needs. The model is
then made from the written config, so weights and config always agree.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import torch
from tokenizers import AddedToken
from transformers import (
    AutoConfig,
    AutoModelForSeq2SeqLM,
    M2M100Tokenizer,
    MarianTokenizer,
    MBart50Tokenizer,
    NllbTokenizer,
    PegasusTokenizer,
    PreTrainedModel,
    PreTrainedTokenizerBase,
    T5Tokenizer,
)
from transformers.models.m2m_100.tokenization_m2m_100 import FAIRSEQ_LANGUAGE_CODES
from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES as NLLB_CODES
from transformers.utils import logging as hf_logging

from support.tiny_models import (
    _init_model,
    _sentencepiece_pieces,
    _train_sentencepiece,
    train_bart_tokenizer,
)

# Sizes shared by the BART-like families; T5 names them differently (see _t5_sizes).
_D_MODEL, _HEADS, _FFN, _LAYERS = 16, 2, 32, 1

Built = tuple[PreTrainedTokenizerBase, dict[str, Any]]


def _bart_sizes(vocab_size: int) -> dict[str, int]:
    return {
        "d_model": _D_MODEL,
        "encoder_layers": _LAYERS,
        "decoder_layers": _LAYERS,
        "num_hidden_layers": _LAYERS,
        "encoder_attention_heads": _HEADS,
        "decoder_attention_heads": _HEADS,
        "encoder_ffn_dim": _FFN,
        "decoder_ffn_dim": _FFN,
        "vocab_size": vocab_size,
    }


def _ids(tokenizer: PreTrainedTokenizerBase, vocab_extra: int, family: str) -> dict[str, Any]:
    vocab_size = len(tokenizer) + vocab_extra
    if family == "t5":
        sizes = {
            "d_model": _D_MODEL,
            "d_kv": _D_MODEL // _HEADS,
            "d_ff": _FFN,
            "num_layers": _LAYERS,
            "num_heads": _HEADS,
            "vocab_size": vocab_size,
        }
    else:
        sizes = _bart_sizes(vocab_size)
    return {"pad": tokenizer.pad_token_id, "vocab_size": vocab_size, "sizes": sizes}


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")


def bart_tokenizer(spec: Any, scratch: Path) -> Built:
    """Byte-level BPE with BART's ids: <s>0 <pad>1 </s>2 <unk>3, <mask> appended last."""
    tokenizer, trained = train_bart_tokenizer(spec.config["max_position_embeddings"])
    # v5 saves only tokenizer.json; the published repositories have GPT-2 style files.
    _write_json(scratch / "vocab.json", trained["vocab"])
    merges = [" ".join(m) if isinstance(m, list) else m for m in trained["merges"]]
    (scratch / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", "utf-8")
    return tokenizer, _ids(tokenizer, spec.vocab_extra, "bart")


def marian_tokenizer(spec: Any, scratch: Path) -> Built:
    """OPUS-MT layout: vocab.json with </s>0 <unk>1, the pieces (labels among them), <pad> last."""
    spm_path = _train_sentencepiece(
        scratch / "source.spm",
        model_type="unigram",
        unk_id=0,
        bos_id=-1,
        eos_id=1,
        pad_id=-1,
        user_defined_symbols=spec.language_tokens,
    )
    shutil.copyfile(spm_path, scratch / "target.spm")
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for piece in _sentencepiece_pieces(spm_path):
        vocab.setdefault(piece, len(vocab))
    vocab["<pad>"] = len(vocab)
    _write_json(scratch / "vocab.json", vocab)
    tokenizer = MarianTokenizer(
        source_spm=str(scratch / "source.spm"),
        target_spm=str(scratch / "target.spm"),
        vocab=str(scratch / "vocab.json"),
        model_max_length=512,
    )
    return tokenizer, _ids(tokenizer, 0, "marian")


def nllb_or_m2m_tokenizer(spec: Any, scratch: Path) -> Built:
    """NLLB-200 (FLORES codes after the pieces, <mask> last) or M2M100 (__xx__ codes)."""
    if spec.config.get("tokenizer_class") == "NllbTokenizer":
        _train_sentencepiece(
            scratch / "sentencepiece.bpe.model",
            model_type="bpe",
            unk_id=0,
            bos_id=1,
            eos_id=2,
            pad_id=-1,
        )
        _write_json(scratch / "tokenizer_config.json", {"tokenizer_class": "NllbTokenizer"})
        # As in the published tokenizer.json: the 202 codes after the pieces, <mask> last. Built
        # with a mask, the v5 tokenizer would put it before the codes.
        tokenizer = NllbTokenizer.from_pretrained(
            scratch,
            src_lang="eng_Latn",
            additional_special_tokens=list(NLLB_CODES),
            model_max_length=1024,
            mask_token=None,
        )
        mask = AddedToken("<mask>", normalized=True, lstrip=True, special=True)
        tokenizer.add_special_tokens({"mask_token": mask})
        return tokenizer, _ids(tokenizer, 0, "m2m_100")
    spm_path = _train_sentencepiece(
        scratch / "sentencepiece.bpe.model",
        model_type="bpe",
        unk_id=3,
        bos_id=0,
        eos_id=2,
        pad_id=1,
    )
    _write_json(
        scratch / "vocab.json", {p: i for i, p in enumerate(_sentencepiece_pieces(spm_path))}
    )
    tokenizer = M2M100Tokenizer(
        vocab_file=str(scratch / "vocab.json"),
        spm_file=str(spm_path),
        src_lang="en",
        additional_special_tokens=[f"__{c}__" for c in FAIRSEQ_LANGUAGE_CODES["m2m100"]],
        model_max_length=1024,
    )
    # The model's vocabulary also holds the 8 "madeup words" after the language codes.
    return tokenizer, _ids(tokenizer, tokenizer.num_madeup_words, "m2m_100")


def mbart50_tokenizer(spec: Any, scratch: Path) -> Built:
    """mBART-50: fairseq ids, the 52 codes after the pieces, <mask> last."""
    _train_sentencepiece(
        scratch / "sentencepiece.bpe.model",
        model_type="unigram",
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
    )
    _write_json(scratch / "tokenizer_config.json", {"tokenizer_class": "MBart50Tokenizer"})
    tokenizer = MBart50Tokenizer.from_pretrained(scratch, src_lang="en_XX", model_max_length=1024)
    return tokenizer, _ids(tokenizer, 0, "mbart")


def t5_tokenizer(spec: Any, scratch: Path) -> Built:
    """T5: <pad>0 </s>1 <unk>2, then the pieces and 100 <extra_id_N> counting down."""
    _train_sentencepiece(
        scratch / "spiece.model", model_type="unigram", unk_id=2, bos_id=-1, eos_id=1, pad_id=0
    )
    _write_json(scratch / "tokenizer_config.json", {"tokenizer_class": "T5Tokenizer"})
    tokenizer = T5Tokenizer.from_pretrained(scratch, model_max_length=512)
    return tokenizer, _ids(tokenizer, spec.vocab_extra, "t5")


def pegasus_tokenizer(spec: Any, scratch: Path) -> Built:
    """PEGASUS: <pad>0 </s>1 <mask_1>2 <mask_2>3 <unk_2>..<unk_102>, pieces from offset 103."""
    _train_sentencepiece(
        scratch / "spiece.model", model_type="unigram", unk_id=2, bos_id=-1, eos_id=1, pad_id=0
    )
    _write_json(scratch / "tokenizer_config.json", {"tokenizer_class": "PegasusTokenizer"})
    tokenizer = PegasusTokenizer.from_pretrained(scratch, model_max_length=512)
    return tokenizer, _ids(tokenizer, 0, "pegasus")


BUILDERS: dict[str, Callable[[Any, Path], Built]] = {
    "bart": bart_tokenizer,
    "marian": marian_tokenizer,
    "m2m_100": nllb_or_m2m_tokenizer,
    "mbart": mbart50_tokenizer,
    "t5": t5_tokenizer,
    "pegasus": pegasus_tokenizer,
}


def make_model(config_path: Path, family: str, pad: int) -> PreTrainedModel:
    """Random weights for the written config.json (Marian: zero ``<pad>`` row, as converted)."""
    values = json.loads(config_path.read_text(encoding="utf-8"))
    config = AutoConfig.for_model(values.pop("model_type"), **values)
    model = _init_model(type(AutoModelForSeq2SeqLM.from_config(config)), config)
    if family == "marian":
        # convert_marian_to_pytorch.add_emb_entries appends <pad> as a zero embedding row with
        # a zero logit bias; the decoder starts from it.
        with torch.no_grad():
            model.get_input_embeddings().weight[pad].zero_()
            model.get_decoder().embed_tokens.weight[pad].zero_()
            model.final_logits_bias[..., pad] = 0.0
    return model


def special_tokens_map(tokenizer: PreTrainedTokenizerBase) -> dict[str, Any]:
    """special_tokens_map.json as transformers 4 saved it (v5 no longer writes the file)."""
    names = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token")
    content: dict[str, Any] = {
        name: str(getattr(tokenizer, name))
        for name in (*names, "mask_token")
        if getattr(tokenizer, name, None) is not None
    }
    extra = [str(t) for t in getattr(tokenizer, "additional_special_tokens", None) or []]
    if extra:
        content["additional_special_tokens"] = extra
    return content


def save_weights(model: PreTrainedModel, dest: Path, weights: Iterable[str]) -> None:
    """Write ``model.safetensors`` and/or ``pytorch_model.bin`` (v5 saves only the former)."""
    wanted = set(weights)
    if "model.safetensors" in wanted:
        scratch = dest / ".weights"
        bars_were_on = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
        try:
            model.save_pretrained(scratch)
        finally:
            if bars_were_on:
                hf_logging.enable_progress_bar()
        shutil.move(scratch / "model.safetensors", dest / "model.safetensors")
        shutil.rmtree(scratch)
    if "pytorch_model.bin" in wanted:
        state = {k: v.contiguous().clone() for k, v in model.state_dict().items()}
        torch.save(state, dest / "pytorch_model.bin")
