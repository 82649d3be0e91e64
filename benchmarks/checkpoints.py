"""Random-weight models with the configurations of the product's default checkpoints.

``benchmarks/configs/*.json`` holds, for each default model (summariser and translators), the
real checkpoint's ``config.json`` values and its generation defaults, written down once so
nothing is downloaded. :func:`build` makes a model from one of them with the test suite's
builders (``tests/support/tiny_models.py``): the same architecture, sizes and activation, random
weights, and a small sentencepiece/BPE tokenizer trained on the spot whose vocabulary is padded
to the real size. Its generation config keeps the checkpoint's beam and penalties but forces a
fixed output length (``min_new_tokens == max_new_tokens``), so every engine does the same work.

Values a config file lists under ``estimated`` could not be read from a public copy of the
checkpoint (see ``configs/README.md``); they change only the vocabulary projection's size.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

HERE = Path(__file__).resolve().parent
CONFIGS = HERE / "configs"

#: Logit bias (fits float16) that keeps ids past the small test tokenizer from being generated.
_UNUSED_ID_BIAS = -1e4
#: Written next to a built model, so a reused model folder is rebuilt when its spec changed.
_STAMP = "benchmark-model.json"
#: Config keys that are sizes (handed to the builders' ``sizes``).
_SIZE_KEYS = (
    "d_model",
    "encoder_layers",
    "decoder_layers",
    "encoder_attention_heads",
    "decoder_attention_heads",
    "encoder_ffn_dim",
    "decoder_ffn_dim",
    "vocab_size",
)
#: Generation defaults carried over from the checkpoint; lengths are forced instead.
_GENERATION_KEYS = (
    "num_beams",
    "length_penalty",
    "no_repeat_ngram_size",
    "repetition_penalty",
    "early_stopping",
)


@dataclass(frozen=True)
class ModelSpec:
    """One default checkpoint's configuration, as written in ``configs/NAME.json``."""

    #: File stem under configs/, also the built model's folder name.
    name: str
    #: The Hub id of the real checkpoint.
    checkpoint: str
    #: Which builder of tests/support/tiny_models.py makes it: ``bart``, ``marian`` or ``nllb``.
    family: str
    #: Multi-target Marian models' ``>>xxx<<`` tokens (empty for single-target models).
    target_tokens: tuple[str, ...]
    #: The real ``config.json`` values.
    config: Mapping[str, Any]
    #: The real generation defaults.
    generation: Mapping[str, Any]
    #: Config keys whose value is an estimate, not read from the checkpoint.
    estimated: tuple[str, ...]
    #: The language code an NLLB model is forced to start its output with (``hun_Latn``),
    #: as the product forces it; None for models that pick the language from the input.
    target_language: str | None = None

    @property
    def sizes(self) -> dict[str, int]:
        return {key: int(self.config[key]) for key in _SIZE_KEYS}

    @property
    def max_positions(self) -> int:
        return int(self.config["max_position_embeddings"])

    @property
    def num_beams(self) -> int:
        return int(self.generation.get("num_beams", 1))


def load_spec(name: str) -> ModelSpec:
    """The spec in ``configs/NAME.json``."""
    data = json.loads((CONFIGS / f"{name}.json").read_text("utf-8"))
    return ModelSpec(
        name=name,
        checkpoint=data["checkpoint"],
        family=data["family"],
        target_tokens=tuple(data.get("target_tokens", ())),
        config=data["config"],
        generation=data.get("generation", {}),
        estimated=tuple(data.get("estimated", ())),
        target_language=data.get("target_language"),
    )


def _stamp(spec: ModelSpec, new_tokens: int) -> dict[str, Any]:
    """What a build depends on (compared with the stamp of a reused folder)."""
    return {
        "checkpoint": spec.checkpoint,
        "family": spec.family,
        "target_tokens": list(spec.target_tokens),
        "target_language": spec.target_language,
        "config": dict(spec.config),
        "generation": dict(spec.generation),
        "new_tokens": new_tokens,
    }


def build(spec: ModelSpec, root: Path, new_tokens: int) -> Path:
    """Build ``spec``'s random-weight model in ``root/NAME`` (or reuse a matching build).

    The build runs in a child process, so its memory never counts in the caller's peak RSS.
    """
    dest = root / spec.name
    stamp = dest / _STAMP
    if stamp.is_file() and json.loads(stamp.read_text()) == _stamp(spec, new_tokens):
        return dest
    child = multiprocessing.get_context("spawn").Process(
        target=_build, args=(spec, dest, new_tokens), name=f"build-{spec.name}"
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(f"building the {spec.name} model failed (exit {child.exitcode})")
    return dest


def _build(spec: ModelSpec, dest: Path, new_tokens: int) -> None:
    """Build, finish and stamp one model (run in a child process)."""
    from summarize.engines.transformers_engine import show_library_progress_bars

    show_library_progress_bars(False)
    from tests.support import tiny_models

    common: dict[str, Any] = {
        "max_positions": spec.max_positions,
        "new_tokens": new_tokens,
        "sizes": spec.sizes,
        "config_values": spec.config,
        # The checkpoint's own spread keeps float16 activations in range (the builders' wide
        # default overflows float16 at these sizes and CTranslate2 then decodes nothing).
        "init_std": float(spec.config.get("init_std", 0.02)),
    }
    #: (tokenizer entries, model vocabulary rows), as the builder made them.
    sizes: list[tuple[int, int]] = []

    def finish(model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase) -> None:
        sizes.append((len(tokenizer), model.config.vocab_size))
        _finish_model(spec, model, tokenizer)

    if spec.family == "bart":
        tiny_models.build_bart(dest, before_save=finish, **common)
    elif spec.family == "marian":
        tiny_models.build_marian(
            dest, target_tokens=spec.target_tokens, before_save=finish, **common
        )
    elif spec.family == "nllb":
        tiny_models.build_nllb(dest, before_save=finish, **common)
    else:
        raise ValueError(f"{spec.name}: unknown family {spec.family!r}")
    if spec.family != "nllb":
        # CTranslate2's NLLB converter names the ids past the tokenizer itself
        # ("madeupwordN"), and NllbTokenizer numbers its language codes right after its
        # pieces, so entries added there would take the codes' ids.
        _pad_vocabulary(dest, *sizes[0])
    (dest / _STAMP).write_text(json.dumps(_stamp(spec, new_tokens)))


def _finish_model(
    spec: ModelSpec, model: PreTrainedModel, tokenizer: PreTrainedTokenizerBase
) -> None:
    """Make the built model decode like the real checkpoint: its beam, penalties and target.

    The builders ban every id past their small tokenizer with ``bad_words_ids``: with a real
    vocabulary size that is ~50,000-256,000 entries, whose logits processor costs time at every
    step, and which the product would hand CTranslate2 with every batch. Only the builder's few
    special and unreadable ids stay in ``bad_words_ids``, as in a real generation config.

    The rest are kept out at no cost, since no tokenizer can decode them: BART and Marian by
    a large negative ``final_logits_bias``, M2M100 (NLLB), which has none, by
    :func:`_push_down_unused_rows`.
    """
    import torch

    known = len(tokenizer)
    bias = getattr(model, "final_logits_bias", None)
    with torch.no_grad():
        if bias is not None:
            bias[:, known:] = _UNUSED_ID_BIAS
        else:
            _push_down_unused_rows(model, known)
    generation = model.generation_config
    generation.bad_words_ids = [ids for ids in generation.bad_words_ids or [] if ids[0] < known]
    for key in _GENERATION_KEYS:
        if key in spec.generation:
            setattr(generation, key, spec.generation[key])
    if spec.target_language is not None:
        generation.forced_bos_token_id = tokenizer.convert_tokens_to_ids(spec.target_language)


def _push_down_unused_rows(model: PreTrainedModel, known: int) -> None:
    """Give the output rows of ids ``known`` and up a logit of about ``_UNUSED_ID_BIAS``.

    For a model without ``final_logits_bias``: one feature of the decoder's final layer norm
    becomes a constant 1 (weight 0, bias 1), and those rows weigh that feature by the bias. The
    logits of the other ids barely move (their weight on it is a random ~0.02), and each step
    costs what it did. The rows are shared with the input embeddings, which these ids never
    reach.
    """
    norm = model.get_decoder().layer_norm
    norm.weight[0] = 0.0
    norm.bias[0] = 1.0
    model.get_output_embeddings().weight[known:, 0] = _UNUSED_ID_BIAS


def _pad_vocabulary(dest: Path, known: int, size: int) -> None:
    """Give the tokenizer as many entries as the model has rows, as real checkpoints do.

    CTranslate2's converters check that the vocabulary matches the embedding matrix. The extra
    entries are never produced (their logits are pushed down above) nor reachable from text.
    """
    filler = {f"<unused_{index}>": index for index in range(known, size)}
    vocab_json = dest / "vocab.json"  # Marian: the id map the tokenizer and converter read
    if vocab_json.is_file():
        vocab = json.loads(vocab_json.read_text("utf-8"))
        # Real Marian checkpoints have one embedding row more than CTranslate2's vocabulary
        # (the converter counts config.vocab_size - 1), so fill up to that.
        vocab.update({token: index for token, index in filler.items() if index < size - 1})
        vocab_json.write_text(json.dumps(vocab, ensure_ascii=False), "utf-8")
    tokenizer_json = dest / "tokenizer.json"  # BART: a byte-level BPE vocabulary
    if tokenizer_json.is_file():
        data = json.loads(tokenizer_json.read_text("utf-8"))
        vocab = data["model"].get("vocab")
        if isinstance(vocab, dict):
            taken = set(vocab.values())
            vocab.update({token: index for token, index in filler.items() if index not in taken})
            tokenizer_json.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
