"""The registry of model families: every replicated checkpoint's family has an entry."""

from __future__ import annotations

import pytest
from support.replicas import REPLICAS

from summarize.engines.families import (
    CTRANSLATE2_MODEL_TYPES,
    DEFAULT_FAMILY,
    FAMILIES,
    Summaries,
    TargetStyle,
    family_of,
)

SPECS = sorted({spec.hub_id: spec for spec in REPLICAS.values()}.values(), key=lambda s: s.hub_id)


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.hub_id)
def test_every_replicated_family_has_an_entry(spec) -> None:
    model_type = spec.config["model_type"]
    family = family_of(model_type)
    assert family is not DEFAULT_FAMILY
    assert model_type in family.model_types


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.hub_id)
def test_translation_replicas_can_be_told_their_language_or_are_single_pair(spec) -> None:
    style = family_of(spec.config["model_type"]).target_style
    if spec.role == "summary" and spec.config["model_type"] in ("bart", "pegasus"):
        assert style is TargetStyle.NONE
    if len(spec.target_languages) > 1 and spec.role != "summary":
        assert style is not TargetStyle.NONE  # a many-target model must be told which


def test_ctranslate2_runs_the_families_the_replicas_say_it_converts() -> None:
    for spec in SPECS:
        model_type = spec.config["model_type"]
        if not spec.ct2:
            assert model_type not in CTRANSLATE2_MODEL_TYPES, spec.hub_id
    assert sorted(CTRANSLATE2_MODEL_TYPES) == ["bart", "m2m_100", "marian", "mbart", "t5"]
    for model_type in CTRANSLATE2_MODEL_TYPES:
        support = family_of(model_type).ctranslate2
        assert support is not None and support.loader.endswith("Loader")


def test_what_each_family_says() -> None:
    assert family_of("marian").target_style is TargetStyle.MARIAN_TOKEN
    assert family_of("m2m_100").target_style is TargetStyle.M2M100_CODE  # NLLB-200 too
    assert family_of("mbart").target_style is TargetStyle.MBART_CODE
    for t5 in ("t5", "mt5", "umt5", "longt5"):
        assert family_of(t5).target_style is TargetStyle.T5_PROMPT
    assert {t: family_of(t).summary_prefix for t in ("t5", "mt5", "umt5", "longt5", "bart")} == {
        "t5": "summarize: ",
        "mt5": "summarize: ",
        "umt5": "summarize: ",
        "longt5": "",
        "bart": "",
    }
    assert family_of("bart").ctranslate2.legacy_config == {"normalize_before": False}
    mbart = family_of("mbart").ctranslate2
    assert mbart.legacy_config == {"normalize_before": True} and mbart.reads_tokenizer_class
    marian = family_of("marian").ctranslate2
    assert marian.drops_last_row and marian.shared_vocabulary_only


@pytest.mark.parametrize("model_type", ["prophetnet", "", None, 5])
def test_unknown_families_get_the_documented_default(model_type) -> None:
    family = family_of(model_type)
    assert family is DEFAULT_FAMILY
    assert family.target_style is TargetStyle.NONE
    assert family.summary_prefix == ""
    assert family.ctranslate2 is None


def test_each_model_type_belongs_to_one_family() -> None:
    types = [model_type for family in FAMILIES for model_type in family.model_types]
    assert len(types) == len(set(types))
    assert len({family.name for family in FAMILIES}) == len(FAMILIES)


def test_vocabulary_counts_follow_the_converters_loaders() -> None:
    from types import SimpleNamespace

    tokenizer = SimpleNamespace(
        special_tokens_map={"additional_special_tokens": ["__hu__", "__en__"]}, num_madeup_words=8
    )

    tokens = ["<s>", "<pad>", "</s>", "a", "b", "<pad>"]
    count = {t: family_of(t).ctranslate2.vocabulary_count for t in CTRANSLATE2_MODEL_TYPES}
    assert count["bart"](tokens, 4, None) == count["mbart"](tokens, 4, None) == 4
    assert count["marian"](tokens, 6, None) == 5  # a trailing <pad> is dropped
    assert count["marian"](tokens, 4, None) == 4
    assert count["m2m_100"](tokens, 6, tokenizer) == 6 + 2 + 8
    assert count["t5"](tokens, 10, None) == 10 and count["t5"](tokens, 3, None) == 6


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.hub_id)
def test_no_published_summariser_is_refused_as_one(spec) -> None:
    summaries = family_of(spec.config["model_type"]).summaries
    if spec.role == "summary":
        assert summaries is not Summaries.NO
    if summaries is Summaries.NO:
        assert spec.role != "summary"


def test_only_families_that_always_translate_are_refused_as_summarisers() -> None:
    refused = {family.name for family in FAMILIES if family.summaries is Summaries.NO}
    assert refused == {"marian", "m2m_100"}
    assert family_of("mbart").summaries is Summaries.UNSURE  # mBART-50 translates; others may not
    assert DEFAULT_FAMILY.summaries is Summaries.YES
