"""Replicas: tiny random-weight models that are real checkpoints in everything but size.

Each replica has the published checkpoint's files (present and absent), its ``config.json``
keys and values other than sizes (legacy keys included: the file is written as JSON, because
transformers v5's ``save_pretrained`` drops them), its special-token layout and its language
tokens. Decoding settings are the checkpoint's own; random weights may emit anything.

``REPLICAS`` is keyed by Hub id; :func:`build_replica` builds one (optionally a ``variant``
listed in its spec), :func:`build_all_replicas` every (replica, variant). Facts and their
sources: ``replica_facts.py`` and ``REPLICAS.md``.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support import replica_facts as facts

__all__ = [
    "CHECKPOINTS",
    "REPLICAS",
    "ReplicaSpec",
    "Variant",
    "build_all_replicas",
    "build_replica",
    "replica_matrix",
]

#: The checkpoints issue #18 asks for; a test fails if ``REPLICAS`` misses one.
CHECKPOINTS: tuple[str, ...] = (
    "sshleifer/distilbart-cnn-12-6",
    "Helsinki-NLP/opus-mt-tc-big-en-hu",
    "Helsinki-NLP/opus-mt-tc-big-en-zle",
    "Helsinki-NLP/opus-mt-en-zh",
    "Helsinki-NLP/opus-mt-hu-en",
    "Helsinki-NLP/opus-mt-zh-en",
    "Helsinki-NLP/opus-mt-ru-en",
    "Helsinki-NLP/opus-mt-uk-en",
    "Helsinki-NLP/opus-mt-mul-en",
    "facebook/nllb-200-distilled-600M",
    "facebook/m2m100_418M",
    "facebook/mbart-large-50-many-to-many-mmt",
    "google-t5/t5-small",
    "facebook/bart-large-cnn",
    "google/pegasus-xsum",
)

# Tiny sizes: the real code paths (2 heads, FFN, one layer each side) at a size that builds in
# milliseconds and beam-searches 142 tokens well under a second.
_D_MODEL = 16
_HEADS = 2
_FFN = 32
_LAYERS = 1

_BIN = "pytorch_model.bin"
_SAFETENSORS = "model.safetensors"
_GENERATION = "generation_config.json"


@dataclass(frozen=True)
class Variant:
    """How a snapshot of the checkpoint differs in files: decoding file and weight files."""

    generation_config: bool
    weights: frozenset[str]


@dataclass(frozen=True)
class ReplicaSpec:
    """One published checkpoint, as its replica reproduces it."""

    hub_id: str
    family: str  # bart, marian, m2m_100, mbart, t5, pegasus
    role: str  # summary, translation, pivot
    source_languages: tuple[str, ...]
    target_languages: tuple[str, ...]
    #: config.json less sizes (``replica_facts.TOKEN`` marks Marian's pad id).
    config: Mapping[str, Any]
    #: Tokenizer and other files besides config.json, weights and generation_config.json.
    tokenizer_files: frozenset[str]
    #: Files the published repository does not have (tokenizer files a save would add).
    absent: frozenset[str]
    #: Decoding settings the checkpoint specifies (config.json legacy keys or generation config).
    decoding: Mapping[str, Any]
    #: Settings whose value is a token id of the vocabulary, as token strings.
    decoding_tokens: Mapping[str, Any] = field(default_factory=dict)
    #: Per-task settings (``task_specific_params``), e.g. T5's.
    tasks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Content of generation_config.json when a variant has one.
    generation_config: Mapping[str, Any] | None = None
    tokenizer_config: Mapping[str, Any] | None = None
    special_tokens_map: Mapping[str, Any] | None = None
    #: Token -> id; a negative id counts from the end of the tokenizer's vocabulary.
    special_ids: Mapping[str, int] = field(default_factory=dict)
    #: Language tokens that must be single vocabulary entries.
    language_tokens: tuple[str, ...] = ()
    #: Model vocabulary minus the tokenizer's (BART drops <mask>: -1; T5 pads by 28).
    vocab_extra: int = 0
    #: Variant name -> files; "published" is the snapshot most users download.
    variants: Mapping[str, Variant] = field(default_factory=dict)
    #: Whether CTranslate2 4.8.5's TransformersConverter has a loader for the family.
    ct2: bool = True

    def variant(self, name: str | None) -> Variant:
        """The named variant (``None``: the published one)."""
        key = name or "published"
        if key not in self.variants:
            raise KeyError(f"{self.hub_id} has no variant {key!r}; valid: {sorted(self.variants)}")
        return self.variants[key]

    def files(self, variant: str | None = None) -> frozenset[str]:
        """Files the replica folder holds for ``variant``."""
        chosen = self.variant(variant)
        extra = {_GENERATION} if chosen.generation_config else set()
        return frozenset({"config.json", *self.tokenizer_files, *chosen.weights, *extra})

    def expected_settings(self, variant: str | None = None) -> dict[str, Any]:
        """Decoding settings the checkpoint specifies, generation_config.json included."""
        settings = dict(self.decoding)
        if self.variant(variant).generation_config and self.generation_config:
            settings.update(
                (k, v)
                for k, v in self.generation_config.items()
                if k in {"renormalize_logits"} and k not in settings
            )
        return settings


def _variants(
    generation: bool, weights: tuple[str, ...], *, other_generation: bool, other_weights: bool
) -> dict[str, Variant]:
    """The published variant plus the alternatives a user may have on disk."""
    published = Variant(generation, frozenset(weights))
    table = {"published": published}
    if other_generation:
        name = "no_generation_config" if generation else "generation_config"
        table[name] = Variant(not generation, frozenset(weights))
    if other_weights:
        table["safetensors"] = Variant(generation, frozenset({_SAFETENSORS}))
        table["pytorch_model_bin"] = Variant(generation, frozenset({_BIN}))
        table = {k: v for k, v in table.items() if k == "published" or v != published}
    return table


_MARIAN_FILES = frozenset({"source.spm", "target.spm", "vocab.json", "tokenizer_config.json"})
_MARIAN_ABSENT = frozenset({"tokenizer.json", "special_tokens_map.json", "target_vocab.json"})
_MARIAN_DECODING = {"num_beams": 4, "max_length": 512}
_MARIAN_TOKENS = {"bad_words_ids": [["<pad>"]], "forced_eos_token_id": "</s>"}
_MARIAN_IDS = {"</s>": 0, "<unk>": 1, "<pad>": -1}


def _opus_mt(
    hub_id: str, role: str, source: tuple[str, ...], target: tuple[str, ...], tokenizer: dict
) -> ReplicaSpec:
    """A 2020 OPUS-MT model (transformer, swish, 512 positions); en-zh holds target labels."""
    labels = facts.EN_ZH_LABELS if hub_id.endswith("en-zh") else ()
    return ReplicaSpec(
        hub_id=hub_id,
        family="marian",
        role=role,
        source_languages=source,
        target_languages=target,
        config=facts.opus_mt_config(activation="swish", max_positions=512, tc_big=False),
        tokenizer_files=_MARIAN_FILES,
        absent=_MARIAN_ABSENT,
        decoding=_MARIAN_DECODING,
        decoding_tokens=_MARIAN_TOKENS,
        generation_config=facts.OPUS_MT_GENERATION,
        tokenizer_config=tokenizer,
        special_ids=_MARIAN_IDS,
        language_tokens=labels,
        variants=_variants(True, (_BIN,), other_generation=True, other_weights=True),
    )


def _tc_big(hub_id: str, target: tuple[str, ...], labels: tuple[str, ...]) -> ReplicaSpec:
    """A 2022 tc-big OPUS-MT model (transformer-big, relu, 1024 positions)."""
    code = hub_id.rsplit("-", 1)[-1]
    return ReplicaSpec(
        hub_id=hub_id,
        family="marian",
        role="translation",
        source_languages=("en",),
        target_languages=target,
        config=facts.opus_mt_config(activation="relu", max_positions=1024, tc_big=True),
        tokenizer_files=_MARIAN_FILES | {"special_tokens_map.json"},
        absent=frozenset({"tokenizer.json", "target_vocab.json"}),
        decoding=_MARIAN_DECODING,
        decoding_tokens=_MARIAN_TOKENS,
        generation_config=facts.OPUS_MT_GENERATION,
        tokenizer_config=facts.tc_big_tokenizer_config(
            "en", code, "opusTCv20210807+bt_transformer-big_2022-03-13"
        ),
        special_tokens_map=facts.TC_BIG_SPECIAL_TOKENS,
        special_ids=_MARIAN_IDS,
        language_tokens=labels,
        variants=_variants(False, (_BIN,), other_generation=True, other_weights=True),
    )


def _bart(hub_id: str, config: dict, generation: dict | None, files: frozenset[str]) -> ReplicaSpec:
    decoding = {k: config[k] for k in (*facts._CNN_SETTINGS, "prefix")}
    if "forced_bos_token_id" in config:
        decoding.update(forced_bos_token_id=0, forced_eos_token_id=2)
    tokenizer_config = {"model_max_length": 1024} if "tokenizer_config.json" in files else None
    if generation is None:
        variants = _variants(False, (_BIN,), other_generation=True, other_weights=True)
    else:
        variants = _variants(True, (_BIN, _SAFETENSORS), other_generation=False, other_weights=True)
    return ReplicaSpec(
        hub_id=hub_id,
        family="bart",
        role="summary",
        source_languages=("en",),
        target_languages=("en",),
        config=config,
        tokenizer_files=files,
        absent=frozenset({"tokenizer_config.json", "special_tokens_map.json", "tokenizer.json"})
        - files,
        decoding=decoding,
        tasks=config["task_specific_params"],
        # distilbart's generation_config.json, where a snapshot has one: from_model_config of a
        # config without forced_bos/forced_eos ids.
        generation_config=generation
        or {
            **facts.BART_LARGE_CNN_GENERATION,
            "forced_bos_token_id": None,
            "forced_eos_token_id": None,
        },
        tokenizer_config=tokenizer_config,
        special_ids={"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "<mask>": -1},
        vocab_extra=-1,  # vocab_size 50264: the embeddings stop before <mask> (50264)
        variants=variants,
    )


_EN_SIDE = ("en", "hu", "zh", "ru", "uk", "be")

REPLICAS: dict[str, ReplicaSpec] = {
    spec.hub_id: spec
    for spec in (
        _bart(
            "sshleifer/distilbart-cnn-12-6",
            facts.DISTILBART_CNN_CONFIG,
            None,
            frozenset({"vocab.json", "merges.txt", "tokenizer_config.json"}),
        ),
        _bart(
            "facebook/bart-large-cnn",
            facts.BART_LARGE_CNN_CONFIG,
            facts.BART_LARGE_CNN_GENERATION,
            frozenset({"vocab.json", "merges.txt", "tokenizer.json"}),
        ),
        _tc_big("Helsinki-NLP/opus-mt-tc-big-en-hu", ("hu",), ()),
        _tc_big("Helsinki-NLP/opus-mt-tc-big-en-zle", ("be", "ru", "uk"), facts.EN_ZLE_LABELS),
        _opus_mt(
            "Helsinki-NLP/opus-mt-en-zh",
            "translation",
            ("en",),
            ("zh",),
            {"target_lang": "zho", "source_lang": "eng"},
        ),
        *(
            _opus_mt(
                f"Helsinki-NLP/opus-mt-{src}-en",
                "pivot",
                (src,),
                ("en",),
                {"target_lang": "eng" if tatoeba else "en", "source_lang": code},
            )
            for src, code, tatoeba in (
                ("hu", "hu", False),
                ("zh", "zho", True),
                ("ru", "ru", False),
                ("uk", "uk", False),
                ("mul", "mul", True),
            )
        ),
        ReplicaSpec(
            hub_id="facebook/nllb-200-distilled-600M",
            family="m2m_100",
            role="translation",
            source_languages=_EN_SIDE,
            target_languages=_EN_SIDE,
            config=facts.NLLB_600M_CONFIG,
            tokenizer_files=frozenset(
                {
                    "sentencepiece.bpe.model",
                    "tokenizer.json",
                    "tokenizer_config.json",
                    "special_tokens_map.json",
                }
            ),
            absent=frozenset({"vocab.json"}),
            decoding={"max_length": 200},
            decoding_tokens={"forced_bos_token_id": "<target language code>"},
            generation_config=facts.NLLB_GENERATION,
            # As the real one: the 202 codes follow the pieces and <mask> is last (256203).
            special_ids={"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3},
            language_tokens=(
                "eng_Latn",
                "hun_Latn",
                "zho_Hans",
                "rus_Cyrl",
                "ukr_Cyrl",
                "bel_Cyrl",
            ),
            variants=_variants(True, (_BIN,), other_generation=True, other_weights=True),
        ),
        ReplicaSpec(
            hub_id="facebook/m2m100_418M",
            family="m2m_100",
            role="translation",
            source_languages=_EN_SIDE,
            target_languages=_EN_SIDE,
            config=facts.M2M100_418M_CONFIG,
            tokenizer_files=frozenset(
                {
                    "sentencepiece.bpe.model",
                    "vocab.json",
                    "tokenizer_config.json",
                    "special_tokens_map.json",
                }
            ),
            absent=frozenset({"tokenizer.json"}),
            decoding={"num_beams": 5, "max_length": 200, "early_stopping": True},
            decoding_tokens={"forced_bos_token_id": "<target language code>"},
            generation_config=facts.M2M100_GENERATION,
            special_ids={"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3},
            language_tokens=tuple(f"__{c}__" for c in ("en", "hu", "zh", "ru", "uk", "be")),
            vocab_extra=8,  # 128112 embeddings: the 8 "madeup words" after the codes
            variants=_variants(True, (_BIN,), other_generation=True, other_weights=True),
        ),
        ReplicaSpec(
            hub_id="facebook/mbart-large-50-many-to-many-mmt",
            family="mbart",
            role="translation",
            source_languages=("en", "zh", "ru", "uk"),
            target_languages=("en", "zh", "ru", "uk"),
            config=facts.MBART50_MMT_CONFIG,
            tokenizer_files=frozenset(
                {"sentencepiece.bpe.model", "tokenizer_config.json", "special_tokens_map.json"}
            ),
            absent=frozenset({"tokenizer.json", "vocab.json"}),
            decoding={"num_beams": 5, "max_length": 200, "early_stopping": True},
            decoding_tokens={
                "forced_bos_token_id": "<target language code>",
                "forced_eos_token_id": "</s>",
            },
            generation_config=facts.MBART50_GENERATION,
            special_ids={"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "<mask>": -1},
            language_tokens=("en_XX", "zh_CN", "ru_RU", "uk_UA"),
            variants=_variants(True, (_BIN,), other_generation=True, other_weights=True),
        ),
        ReplicaSpec(
            hub_id="google-t5/t5-small",
            family="t5",
            role="summary",
            source_languages=("en",),
            target_languages=("en",),
            config=facts.T5_SMALL_CONFIG,
            tokenizer_files=frozenset({"spiece.model", "tokenizer.json"}),
            absent=frozenset({"tokenizer_config.json", "special_tokens_map.json"}),
            decoding={},
            tasks=facts.T5_TASKS,
            generation_config=facts.T5_GENERATION,
            special_ids={
                "<pad>": 0,
                "</s>": 1,
                "<unk>": 2,
                "<extra_id_0>": -1,
                "<extra_id_99>": -100,
            },
            vocab_extra=28,  # 32128 embeddings for 32100 tokens
            variants=_variants(
                True, (_BIN, _SAFETENSORS), other_generation=False, other_weights=True
            ),
        ),
        ReplicaSpec(
            hub_id="google/pegasus-xsum",
            family="pegasus",
            role="summary",
            source_languages=("en",),
            target_languages=("en",),
            config=facts.PEGASUS_XSUM_CONFIG,
            tokenizer_files=frozenset(
                {"spiece.model", "tokenizer_config.json", "special_tokens_map.json"}
            ),
            absent=frozenset({"tokenizer.json"}),
            decoding={"num_beams": 8, "max_length": 64, "length_penalty": 0.6},
            decoding_tokens={"forced_eos_token_id": "</s>"},
            tasks=facts.PEGASUS_XSUM_CONFIG["task_specific_params"],
            generation_config=None,
            # Real (transformers 4 layout): <mask_1> 2, <mask_2> 3. v5's PegasusTokenizer
            # swaps the two (see test_replicas' known gap).
            special_ids={"<pad>": 0, "</s>": 1, "<unk_2>": 4, "<unk_102>": 104, "<unk>": 105},
            variants=_variants(False, (_BIN,), other_generation=False, other_weights=True),
            ct2=True,
        ),
    )
}

# The short name the tool and older docs use.
REPLICAS["t5-small"] = REPLICAS["google-t5/t5-small"]


def replica_matrix() -> list[tuple[str, str]]:
    """Every (hub id, variant name), each replica once (aliases skipped)."""
    return [
        (hub_id, name)
        for hub_id, spec in REPLICAS.items()
        if hub_id == spec.hub_id
        for name in spec.variants
    ]


def build_all_replicas(root: Path) -> dict[str, Path]:
    """Build every (replica, variant) under ``root``.

    Keys: the Hub id for the published snapshot, ``"<hub id>@<variant>"`` for the others.
    """
    built: dict[str, Path] = {}
    for hub_id, name in replica_matrix():
        key = hub_id if name == "published" else f"{hub_id}@{name}"
        built[key] = build_replica(hub_id, root / key.replace("/", "--"), variant=name)
    return built


def build_replica(hub_id: str, dest: Path, *, variant: str | None = None) -> Path:
    """Build the replica of ``hub_id`` (its ``variant``, default the published one) in ``dest``."""
    from support import replica_builders

    if hub_id not in REPLICAS:
        raise KeyError(f"no replica of {hub_id!r}; known: {sorted(REPLICAS)}")
    spec = REPLICAS[hub_id]
    chosen = spec.variant(variant)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="replica-") as scratch, warnings.catch_warnings():
        # Tokenizer classes warn about missing optional packages (sacremoses); not ours to fix.
        warnings.simplefilter("ignore")
        tokenizer, ids = replica_builders.BUILDERS[spec.family](spec, Path(scratch))
        tokenizer.save_pretrained(scratch)
        for name in spec.tokenizer_files:
            if (Path(scratch) / name).exists():
                shutil.copyfile(Path(scratch) / name, dest / name)
        # v5 writes no special_tokens_map.json; the published ones are the pre-v5 save format.
        special_map = spec.special_tokens_map or replica_builders.special_tokens_map(tokenizer)
    for name in spec.absent | {_GENERATION, _BIN, _SAFETENSORS}:
        (dest / name).unlink(missing_ok=True)
    _write_json(dest / "config.json", _resolve(spec.config, ids))
    if spec.tokenizer_config is not None:
        _write_json(dest / "tokenizer_config.json", dict(spec.tokenizer_config))
    if "special_tokens_map.json" in spec.tokenizer_files:
        _write_json(dest / "special_tokens_map.json", dict(special_map))
    if chosen.generation_config and spec.generation_config is not None:
        content = {k: v for k, v in spec.generation_config.items() if v is not None}
        _write_json(dest / _GENERATION, _resolve(content, ids))
    model = replica_builders.make_model(dest / "config.json", spec.family, ids["pad"])
    replica_builders.save_weights(model, dest, chosen.weights)
    return dest


def _resolve(values: Mapping[str, Any], ids: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` with ``TOKEN`` replaced by the pad id and sizes from ``ids`` added."""

    def fill(value: Any) -> Any:
        if value == facts.TOKEN:
            return ids["pad"]
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value

    resolved = {k: fill(v) for k, v in values.items()}
    if "decoder_vocab_size" in resolved:
        resolved["decoder_vocab_size"] = ids["vocab_size"]
    if "extra_pos_embeddings" in resolved and values["extra_pos_embeddings"] == facts.TOKEN:
        resolved["extra_pos_embeddings"] = ids["vocab_size"]
    if "model_type" in resolved:
        resolved.update(ids["sizes"])
    return dict(sorted(resolved.items()))


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
