from __future__ import annotations

import pytest

from summarize.errors import ConfigError
from summarize.generation import ModelInfo, Target
from summarize.languages import DEFAULT_LANGUAGES, LANGUAGES, get_language, parse_languages
from summarize.translator import resolve_target


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
