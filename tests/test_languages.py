from __future__ import annotations

import pytest

from summarize.core.errors import ConfigError
from summarize.core.languages import (
    DEFAULT_LANGUAGES,
    ENGLISH,
    LANGUAGES,
    get_language,
    parse_languages,
)
from summarize.engines.generation import ModelInfo, Target
from summarize.stages.translator import resolve_target


def test_the_four_default_languages_and_their_family_codes() -> None:
    assert DEFAULT_LANGUAGES == ("hu", "zh", "ru", "uk")
    zh = LANGUAGES["zh"]
    assert (zh.html_lang, zh.nllb_code, zh.mbart_code, zh.marian_tokens[0]) == (
        "zh-Hans",
        "zho_Hans",
        "zh_CN",
        ">>cmn_Hans<<",
    )
    assert zh.sentence_joiner == ""
    assert [LANGUAGES[c].native_name for c in ("hu", "ru", "uk")] == [
        "Magyar",
        "Русский",
        "Українська",
    ]


def test_languages_outside_the_table_are_described_from_their_iso_code() -> None:
    finnish = get_language("fi")
    assert (finnish.name, finnish.native_name) == ("Finnish", "suomi")
    assert (finnish.marian_tokens, finnish.nllb_code, finnish.mbart_code) == (
        (">>fin<<",),
        "fin_Latn",
        "fi_FI",
    )
    assert finnish.default_model is None
    assert get_language("ja").sentence_joiner == ""
    nllb = ModelInfo("nllb", "m2m_100", frozenset({"eng_Latn", "fin_Latn"}))
    assert resolve_target(nllb, finnish) == Target(src_lang="eng_Latn", forced_bos_token="fin_Latn")


@pytest.mark.parametrize("code", ["xx", "../", "HU", "hungarian", ""])
def test_unknown_codes_are_config_errors(code: str) -> None:
    with pytest.raises(ConfigError, match="unknown language"):
        get_language(code)


def test_parse_languages_keeps_order_and_drops_repeats() -> None:
    assert parse_languages(" zh, hu ,zh,FI") == ("zh", "hu", "fi")
    with pytest.raises(ConfigError, match="at least one"):
        parse_languages(" , ")


# NLLB-200's FLORES-200 codes: for a macrolanguage, its usual individual language's.
FLORES_CODES = {
    "fa": "pes_Arab",
    "ar": "arb_Arab",
    "zh": "zho_Hans",
    "ms": "zsm_Latn",
    "et": "est_Latn",
    "lv": "lvs_Latn",
    "sq": "als_Latn",
    "az": "azj_Latn",
    "uz": "uzn_Latn",
    "ps": "pbt_Arab",
    "mn": "khk_Cyrl",
    "om": "gaz_Latn",
    "sw": "swh_Latn",
    "no": "nob_Latn",
    "qu": "quy_Latn",
    "ku": "kmr_Latn",
    "gn": "grn_Latn",
    "mg": "plt_Latn",
    "kr": "knc_Latn",
    "ne": "npi_Deva",
    "yi": "ydd_Hebr",
    "ko": "kor_Hang",  # CLDR writes Korean Kore (Hangul and Han); NLLB has Hangul only
}


@pytest.mark.parametrize(("code", "flores"), sorted(FLORES_CODES.items()))
def test_nllb_codes_are_the_ones_nllb_has(code: str, flores: str) -> None:
    from transformers.models.nllb.tokenization_nllb import FAIRSEQ_LANGUAGE_CODES

    assert flores in FAIRSEQ_LANGUAGE_CODES  # the expectation itself is NLLB's real list
    nllb = ModelInfo(
        "facebook/nllb-200-distilled-600M", "m2m_100", frozenset(FAIRSEQ_LANGUAGE_CODES)
    )
    # As a pivot source (article in that language) and as a translation target.
    assert resolve_target(nllb, ENGLISH, source=get_language(code)) == Target(
        src_lang=flores, forced_bos_token="eng_Latn"
    )
    assert resolve_target(nllb, get_language(code)) == Target(
        src_lang="eng_Latn", forced_bos_token=flores
    )


@pytest.mark.parametrize(
    ("code", "mbart"), [("fa", "fa_IR"), ("ar", "ar_AR"), ("zh", "zh_CN"), ("hi", "hi_IN")]
)
def test_mbart50_codes_are_the_ones_mbart50_has(code: str, mbart: str) -> None:
    from transformers.models.mbart50.tokenization_mbart50 import FAIRSEQ_LANGUAGE_CODES

    mbart50 = ModelInfo(
        "facebook/mbart-large-50-many-to-one-mmt", "mbart", frozenset(FAIRSEQ_LANGUAGE_CODES)
    )
    assert resolve_target(mbart50, ENGLISH, source=get_language(code)) == Target(
        src_lang=mbart, forced_bos_token="en_XX"
    )
