from __future__ import annotations

from pathlib import Path

import pytest
from support.fakes import WordEngine

from summarize.core.errors import UnsupportedLanguageError
from summarize.core.languages import ENGLISH, LANGUAGES, get_language
from summarize.engines.generation import ModelInfo, Target
from summarize.stages.translator import (
    SAFER_DECODING,
    ModelTranslator,
    check_model_languages,
    join_sentences,
    resolve_target,
    retry_token_limit,
)


def info(model_type: str, tokens=(), name: str = "some/model", prefixes=None) -> ModelInfo:
    return ModelInfo(
        name=name,
        model_type=model_type,
        language_tokens=frozenset(tokens),
        task_prefixes=prefixes or {},
    )


@pytest.mark.parametrize(
    ("tokens", "code", "expected"),
    [
        ((">>cmn_Hans<<", ">>cmn_Hant<<", ">>yue<<"), "zh", ">>cmn_Hans<< "),
        ((">>rus<<", ">>ukr<<", ">>bel<<"), "ru", ">>rus<< "),
        ((">>rus<<", ">>ukr<<", ">>bel<<"), "uk", ">>ukr<< "),
        ((">>hun<<", ">>fin<<"), "hu", ">>hun<< "),
    ],
)
def test_marian_multi_target_uses_the_prefix_token_in_the_vocabulary(tokens, code, expected):
    assert resolve_target(info("marian", tokens), LANGUAGES[code]) == Target(prefix=expected)


def test_marian_multi_target_without_the_language_names_both() -> None:
    with pytest.raises(UnsupportedLanguageError, match=r"opus-zle.*Hungarian \(hu\)"):
        resolve_target(info("marian", (">>rus<<", ">>ukr<<"), name="opus-zle"), LANGUAGES["hu"])


def test_marian_single_pair_trusts_a_matching_or_unnamed_model() -> None:
    assert (
        resolve_target(info("marian", name="Helsinki-NLP/opus-mt-tc-big-en-hu"), LANGUAGES["hu"])
        == Target()
    )
    assert resolve_target(info("marian", name="/models/my-hungarian"), LANGUAGES["hu"]) == Target()


def test_marian_single_pair_for_another_language_is_refused() -> None:
    with pytest.raises(UnsupportedLanguageError, match="opus-mt-en-de"):
        resolve_target(info("marian", name="Helsinki-NLP/opus-mt-en-de"), LANGUAGES["hu"])


def test_nllb_m2m_and_mbart_use_source_and_forced_target_tokens() -> None:
    nllb = info("m2m_100", ("eng_Latn", "hun_Latn", "zho_Hans", "rus_Cyrl", "ukr_Cyrl"))
    assert resolve_target(nllb, LANGUAGES["zh"]) == Target(
        src_lang="eng_Latn", forced_bos_token="zho_Hans"
    )
    m2m = info("m2m_100", ("__en__", "__hu__", "__uk__"))
    assert resolve_target(m2m, LANGUAGES["uk"]) == Target(src_lang="en", forced_bos_token="__uk__")
    mbart = info("mbart", ("en_XX", "hu_HU", "ru_RU"))
    assert resolve_target(mbart, LANGUAGES["ru"]) == Target(
        src_lang="en_XX", forced_bos_token="ru_RU"
    )
    with pytest.raises(UnsupportedLanguageError, match="Chinese"):
        resolve_target(mbart, LANGUAGES["zh"])


def test_t5_uses_task_prefixes_when_the_config_lists_them() -> None:
    t5 = info("t5", prefixes={"translation_en_to_de": "translate English to German: "})
    # The task entry also holds the task's beams and lengths: the target names it.
    assert resolve_target(t5, LANGUAGES["de"]) == Target(
        prefix="translate English to German: ", task="translation_en_to_de"
    )
    with pytest.raises(UnsupportedLanguageError, match="translation_en_to_de"):
        resolve_target(t5, LANGUAGES["hu"])
    bare = info("t5")
    assert resolve_target(bare, LANGUAGES["hu"]) == Target(
        prefix="translate English to Hungarian: "
    )
    # A pivot asks for the pair from the article's language into English.
    assert resolve_target(bare, ENGLISH, source=LANGUAGES["de"]) == Target(
        prefix="translate German to English: "
    )
    with pytest.raises(UnsupportedLanguageError, match=r"cannot translate from Hungarian"):
        resolve_target(t5, ENGLISH, source=LANGUAGES["hu"])


def test_one_single_pair_model_cannot_serve_several_languages() -> None:
    single = info("marian", name="/models/mystery")
    assert check_model_languages(single, ["hu"]) == {"hu": Target()}
    with pytest.raises(UnsupportedLanguageError, match="hu, zh"):
        check_model_languages(single, ["hu", "zh"])


def test_translator_goes_sentence_by_sentence_and_rejoins_in_order() -> None:
    engine = WordEngine(max_input_tokens=12, output_words=3)
    translator = ModelTranslator(engine, {"zh": Target(prefix=">>cmn_Hans<< "), "hu": Target()})
    texts = ["First sentence here. Second one.", "", "Second one. " + " ".join(["w"] * 15) + "."]
    out = translator.translate(texts, "zh")
    assert len(out) == 3 and out[1] == ""
    ((sent, target),) = engine.calls
    assert target.prefix == ">>cmn_Hans<< "
    # Distinct sentences only; the over-long one split so every input fits.
    assert sent.count("Second one.") == 1
    assert all(len((target.prefix + s).split()) + 2 <= 12 for s in sent)
    # Chinese joins sentences without spaces; order is kept.
    assert out[0] == "First sentence [3].Second one. [2]."
    hu = translator.translate(texts[:1], "hu")
    assert hu == ["First sentence [3]. Second one. [2]."]


def test_sentence_pairs_show_what_each_sentence_became() -> None:
    engine = WordEngine(max_input_tokens=12, output_words=3)
    translator = ModelTranslator(engine, {"hu": Target()})
    pairs = translator.translate_sentences(["First sentence here. Second one.", ""], "hu")
    assert pairs == [
        [("First sentence here.", "First sentence [3]."), ("Second one.", "Second one. [2].")],
        [],
    ]
    assert (
        join_sentences(pairs[0], "hu")
        == translator.translate(["First sentence here. Second one."], "hu")[0]
    )


def test_joined_translations_have_single_joiners_even_around_blanks() -> None:
    pairs = [("One.", " Első. "), ("Two.", ""), ("Three.", "Harmadik.  ")]
    assert join_sentences(pairs, "hu") == "Első. Harmadik."
    assert join_sentences([("A.", "第一。 "), ("B.", " 第二。")], "zh") == "第一。第二。"


def test_retranslation_decodes_more_safely_with_a_limit_per_input_length() -> None:
    engine = WordEngine(max_input_tokens=50, output_words=3)
    translator = ModelTranslator(engine, {"ru": Target(prefix=">>rus<< ")})
    sentences = ["One two three.", "Four five six seven eight nine ten.", "A b c."]
    out = translator.retranslate(sentences, "ru")
    assert out == ["One two [3].", "Four five [7].", "A b [3]."]
    # One call per length limit, in the language's target, each with the safer settings.
    assert [texts for texts, _ in engine.calls] == [["One two three.", "A b c."], [sentences[1]]]
    assert {target.prefix for _, target in engine.calls} == {">>rus<< "}
    limits = [overrides.max_new_tokens for overrides in engine.overrides]
    assert limits == [retry_token_limit(3), retry_token_limit(7)]
    assert all(
        (o.repetition_penalty, o.no_repeat_ngram_size)
        == (SAFER_DECODING.repetition_penalty, SAFER_DECODING.no_repeat_ngram_size)
        and o.repetition_penalty > 1
        for o in engine.overrides
    )


def test_marian_multi_target_takes_two_letter_tokens_most_specific_first() -> None:
    romance = info("marian", (">>fr<<", ">>es<<", ">>it<<", ">>pt<<", ">>pt_br<<"))
    assert resolve_target(romance, LANGUAGES["fr"]) == Target(prefix=">>fr<< ")
    assert resolve_target(romance, LANGUAGES["es"]) == Target(prefix=">>es<< ")
    # A three-letter token wins over a two-letter one; zh keeps its order (cmn_Hans first).
    both = info("marian", (">>fra<<", ">>fr<<", ">>zh<<", ">>cmn_Hans<<", ">>zho<<"))
    assert resolve_target(both, LANGUAGES["fr"]) == Target(prefix=">>fra<< ")
    assert resolve_target(both, LANGUAGES["zh"]) == Target(prefix=">>cmn_Hans<< ")
    assert resolve_target(info("marian", (">>zh<<", ">>ja<<")), LANGUAGES["zh"]) == Target(
        prefix=">>zh<< "
    )


def test_a_source_code_the_model_lacks_is_refused_before_any_work() -> None:
    # Hungarian into English with mBART-50, which has no hu_HU: the article would start <unk>.
    mbart = info("mbart", ("en_XX", "ru_RU", "zh_CN"), name="mbart-50")
    fix = "pass --source-model hu=MODEL"
    with pytest.raises(UnsupportedLanguageError) as raised:
        resolve_target(mbart, ENGLISH, source=LANGUAGES["hu"], fix=fix)
    message = str(raised.value)
    assert "'mbart-50' (mbart) cannot translate from Hungarian (hu)" in message
    assert "en_XX, ru_RU, zh_CN" in message and message.endswith(f"{fix}.")
    # The same for the source of every translation: English.
    nllb = info("m2m_100", ("hun_Latn", "rus_Cyrl"), name="no-english")
    with pytest.raises(UnsupportedLanguageError, match=r"cannot translate from English \(en\)"):
        check_model_languages(nllb, ["hu"])


def test_macrolanguage_with_several_individual_languages_and_no_usual_one_is_refused() -> None:
    # Mesopotamian and Levantine Arabic, but no Standard Arabic (arb_Arab): which one is
    # "Arabic" is not ours to guess, so the error names them.
    dialects = info("m2m_100", ("eng_Latn", "acm_Arab", "apc_Arab", "fra_Latn"), name="dialects")
    arabic = get_language("ar")
    with pytest.raises(UnsupportedLanguageError, match=r"Arabic \(ar\): it offers acm_Arab, apc"):
        resolve_target(dialects, arabic)
    # With one individual language only, that one is Arabic for this model.
    levantine = info("m2m_100", ("eng_Latn", "apc_Arab"))
    assert resolve_target(levantine, arabic).forced_bos_token == "apc_Arab"
    # The table's languages keep their own codes: Cantonese is not Chinese (Simplified).
    with pytest.raises(UnsupportedLanguageError, match=r"Chinese \(Simplified\) \(zh\)"):
        resolve_target(info("marian", (">>yue<<", ">>cmn_Hant<<")), LANGUAGES["zh"])


@pytest.fixture(scope="module")
def marian_romance(tmp_path_factory) -> Path:
    """A tiny replica of opus-mt-en-ROMANCE: two-letter target tokens."""
    from support.tiny_models import build_marian

    return build_marian(
        tmp_path_factory.mktemp("romance") / "marian", target_tokens=(">>fr<<", ">>es<<", ">>it<<")
    )


def test_marian_with_two_letter_tokens_gets_its_token_as_the_first_input_id(
    marian_romance,
) -> None:
    from summarize.engines.tokenizing import encode_inputs, load_tokenizer
    from summarize.engines.transformers_engine import inspect_model

    target = check_model_languages(inspect_model(str(marian_romance)), ["fr", "es"])
    assert target == {"fr": Target(prefix=">>fr<< "), "es": Target(prefix=">>es<< ")}
    tokenizer = load_tokenizer(str(marian_romance))
    (ids,) = encode_inputs(tokenizer, ["Hello world."], target["fr"], "romance", 128)
    assert ids[0] == tokenizer.convert_tokens_to_ids(">>fr<<") != tokenizer.unk_token_id


def test_a_single_pair_pivot_must_name_the_articles_language() -> None:
    """opus-mt-hu-en would "translate" a Russian article as if it were Hungarian."""
    from summarize.core.languages import ENGLISH

    hu_en = info("marian", name="Helsinki-NLP/opus-mt-hu-en")
    assert resolve_target(hu_en, ENGLISH, LANGUAGES["hu"]) == Target()
    with pytest.raises(UnsupportedLanguageError, match=r"'hu' into English only, not Russian"):
        resolve_target(hu_en, ENGLISH, LANGUAGES["ru"], fix="pass --source-model ru=MODEL")
    # Group and many-language sources (three letters) are not judged by their name.
    for name in ("Helsinki-NLP/opus-mt-zle-en", "Helsinki-NLP/opus-mt-mul-en"):
        assert resolve_target(info("marian", name=name), ENGLISH, LANGUAGES["ru"]) == Target()
