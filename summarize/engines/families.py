"""What each family of seq2seq checkpoints needs, in one registry keyed by ``config.model_type``.

A family says how a caller picks its output language (:class:`TargetStyle`), the prefix its
summarisers expect when the checkpoint names none, and whether the CTranslate2 engine runs it
and what CTranslate2 4.8's converter (its ``@register_loader("MarianConfig")`` loaders) needs
then. Code that varies by architecture looks the family up with :func:`family_of` instead of
testing model types; a type the registry does not know gets :data:`DEFAULT_FAMILY`: a
single-pair model with no prefix that runs with transformers only.

Nothing here imports torch, transformers or ctranslate2.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = [
    "CTRANSLATE2_MODEL_TYPES",
    "DEFAULT_FAMILY",
    "FAMILIES",
    "CTranslate2Support",
    "Family",
    "Summaries",
    "TargetStyle",
    "family_of",
]


class TargetStyle(StrEnum):
    """How a model is told which language to write."""

    #: It cannot be told: a single-pair model (BART, PEGASUS, an unknown family).
    NONE = "none"
    #: Marian: a ``>>hun<<`` prefix when its vocabulary has such tokens, else the pair its
    #: OPUS-MT id names.
    MARIAN_TOKEN = "marian_token"
    #: M2M100 and NLLB-200 (which share the type): the source code as the tokenizer's
    #: ``src_lang`` and the target's token forced first; NLLB writes FLORES-200 codes
    #: (``hun_Latn``), M2M100 ``__hu__``.
    M2M100_CODE = "m2m100_code"
    #: mBART-50: ``src_lang`` and forced first token, written ``hu_HU`` / ``en_XX``.
    MBART_CODE = "mbart_code"
    #: T5: the checkpoint's ``translation_xx_to_yy`` task, else a ``translate English to
    #: Hungarian: `` prompt.
    T5_PROMPT = "t5_prompt"


class Summaries(StrEnum):
    """Whether a family's checkpoints can be the summary model."""

    #: Summarisers exist among them (BART, PEGASUS, T5, an unknown family).
    YES = "yes"
    #: Most of its published checkpoints translate (mBART-50): worth a warning.
    UNSURE = "unsure"
    #: Every checkpoint of it translates (Marian, M2M100, NLLB-200): refused.
    NO = "no"


#: (tokenizer's tokens in id order, ``config.vocab_size``, tokenizer) -> tokens in the
#: vocabulary the converter builds.
VocabularyCount = Callable[[list[str], int, Any], int]


def _bart_count(tokens: list[str], vocab_size: int, tokenizer: Any) -> int:
    """BartLoader (and mBART's): the list cut to ``vocab_size``."""
    return min(len(tokens), vocab_size)


def _marian_count(tokens: list[str], vocab_size: int, tokenizer: Any) -> int:
    """MarianMTLoader: BART's list without a trailing ``<pad>``."""
    kept = tokens[:vocab_size]
    return len(kept) - 1 if kept and kept[-1] == "<pad>" else len(kept)


def _m2m100_count(tokens: list[str], vocab_size: int, tokenizer: Any) -> int:
    """M2M100Loader: BART's list, the extra special tokens, then the filler entries."""
    kept = tokens[:vocab_size]
    extra = getattr(tokenizer, "special_tokens_map", {}).get("additional_special_tokens", [])
    count = len(kept) + len(set(extra) - set(kept))
    madeup = getattr(tokenizer, "num_madeup_words", vocab_size - count)
    return count + max(0, madeup)


def _t5_count(tokens: list[str], vocab_size: int, tokenizer: Any) -> int:
    """T5Loader: filled with sentinels up to ``vocab_size``, never cut."""
    return max(len(tokens), vocab_size)


@dataclass(frozen=True)
class CTranslate2Support:
    """What CTranslate2's converter does with a family it runs (see engines.convertibility)."""

    #: The converter's loader for it, registered under the config's class name.
    loader: str
    #: How long the vocabulary the converter builds from the tokenizer is.
    vocabulary_count: VocabularyCount
    #: Config keys the loader reads that transformers v5 no longer writes when it re-saves a
    #: config (published config.json files still have them), with what the architecture means.
    legacy_config: Mapping[str, Any] = field(default_factory=dict)
    #: Whether the loader reads ``tokenizer_class`` from config.json (v5 keeps it in
    #: tokenizer_config.json only).
    reads_tokenizer_class: bool = False
    #: Whether the converter drops the last embedding row (Marian's ``<pad>``, the decoder's
    #: zero start embedding).
    drops_last_row: bool = False
    #: Whether a checkpoint with separate source and target vocabularies would be converted
    #: with the source one on both sides (so it is refused).
    shared_vocabulary_only: bool = False


@dataclass(frozen=True)
class Family:
    """One family of checkpoints and the ``config.model_type`` values that belong to it."""

    name: str
    model_types: tuple[str, ...]
    target_style: TargetStyle = TargetStyle.NONE
    #: Text put before every article to summarise when the checkpoint names no prefix.
    summary_prefix: str = ""
    #: How CTranslate2 runs it; None: the CTranslate2 engine does not.
    ctranslate2: CTranslate2Support | None = None
    #: Whether its checkpoints can summarise (a translator as summary model is refused).
    summaries: Summaries = Summaries.YES


#: Every family known. CTranslate2 support is given where its converter works on these
#: checkpoints and its greedy float32 output equals transformers' (tests/test_ct2_engine.py).
FAMILIES: tuple[Family, ...] = (
    Family(
        "bart",
        ("bart",),
        ctranslate2=CTranslate2Support(
            "BartLoader", _bart_count, legacy_config={"normalize_before": False}
        ),
    ),
    Family(
        "mbart",
        ("mbart",),
        TargetStyle.MBART_CODE,
        # The loader picks the decoder start token by tokenizer class: mBART-50 starts from
        # </s>, mBART-25 (or an unknown class) from the language code.
        ctranslate2=CTranslate2Support(
            "MBartLoader",
            _bart_count,
            legacy_config={"normalize_before": True},
            reads_tokenizer_class=True,
        ),
        summaries=Summaries.UNSURE,
    ),
    Family(
        "marian",
        ("marian",),
        TargetStyle.MARIAN_TOKEN,
        ctranslate2=CTranslate2Support(
            "MarianMTLoader", _marian_count, drops_last_row=True, shared_vocabulary_only=True
        ),
        summaries=Summaries.NO,
    ),
    Family(
        "m2m_100",
        ("m2m_100",),
        TargetStyle.M2M100_CODE,
        ctranslate2=CTranslate2Support("M2M100Loader", _m2m100_count),
        summaries=Summaries.NO,
    ),
    Family(
        "t5",
        ("t5",),
        TargetStyle.T5_PROMPT,
        summary_prefix="summarize: ",
        ctranslate2=CTranslate2Support("T5Loader", _t5_count),
    ),
    Family("mt5", ("mt5", "umt5"), TargetStyle.T5_PROMPT, summary_prefix="summarize: "),
    Family("longt5", ("longt5",), TargetStyle.T5_PROMPT),
    Family("pegasus", ("pegasus",)),
)

#: The family of a model type no entry names: single-pair, no prefix, transformers only.
DEFAULT_FAMILY = Family("other", ())

_BY_MODEL_TYPE: dict[str, Family] = {
    model_type: family for family in FAMILIES for model_type in family.model_types
}

#: ``config.model_type`` values the CTranslate2 engine runs.
CTRANSLATE2_MODEL_TYPES: frozenset[str] = frozenset(
    model_type for model_type, family in _BY_MODEL_TYPE.items() if family.ctranslate2
)


def family_of(model_type: str | None) -> Family:
    """The family of a ``config.model_type``; :data:`DEFAULT_FAMILY` for any other."""
    if not isinstance(model_type, str):  # a config.json may hold anything
        return DEFAULT_FAMILY
    return _BY_MODEL_TYPE.get(model_type, DEFAULT_FAMILY)
