"""Articles not in English: detected, translated into English first, then handled as usual."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from support.articles import ENGLISH, HUNGARIAN
from support.configs import marian_config
from support.spies import GenerateSpy

from summarize.core.errors import ModelLoadError, UnsupportedLanguageError
from summarize.text.detection import detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (HUNGARIAN, "hu"),
        ("Премьер-министр Венгрии посетил Пекин и встретился с председателем КНР.", "ru"),
        ("Прем'єр-міністр Угорщини відвідав Пекін і зустрівся з головою КНР.", "uk"),
        # lingua called this one Kazakh: the reason for fastText.
        (
            "Прем'єр-міністр Угорщини Віктор Орбан відвідав Пекін, де зустрівся з лідером "
            "Китаю Сі Цзіньпіном. Ця зустріч відбулася після його візитів до Москви та Києва.",
            "uk",
        ),
        ("匈牙利总理访问了北京，并与中国国家主席会面。", "zh"),
        (ENGLISH, "en"),
        ("Shares rose.", "en"),
        # English with foreign names or a quoted chant: translating it "into English" first
        # would garble it, so it must stay English.
        ("Viktor Orbán, Péter Magyar and Gergely Karácsony met in Budapest on Monday.", "en"),
        (
            'Protesters chanted "Слава Україні!" and "Героям слава!" outside the Russian '
            "embassy in London on Saturday, police said.",
            "en",
        ),
        ("暴雨来袭。", "zh"),  # fastText's small model says Japanese, but there is no kana
        (
            'Protesters in Paris chanted "Liberté, égalité, fraternité" and "Macron démission" '
            "on Saturday. Police said 12,000 people marched.",
            "en",
        ),
    ],
)
def test_detects_the_article_language(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a_english.txt").write_text(ENGLISH, "utf-8")
    (folder / "b_magyar.txt").write_text(HUNGARIAN, "utf-8")
    return folder


def pivot_config(tiny_models, folder: Path, tmp_path: Path, code: str, family: str, **changes):
    """marian_config with the tiny ``family`` model translating ``code`` articles into English."""
    return replace(
        marian_config(tiny_models, (folder,), tmp_path / "out"),
        source_models={code: str(tiny_models[family])},
        **changes,
    )


def test_non_english_article_is_pivoted_then_summarised_and_recorded(
    tiny_models, mixed, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    # The tiny Marian stands in for Helsinki-NLP/opus-mt-hu-en.
    config = pivot_config(tiny_models, mixed, tmp_path, "hu", "marian")
    outcome = run(config)
    assert outcome.failed == 0
    # The pivot model loads first, before the summariser.
    assert [Path(n).name for n in spy.loads][:2] == ["marian", "bart"]
    pivot_inputs = spy.batches[0][1]
    assert len(pivot_inputs) == 3  # the Hungarian article's three sentences, one each
    records = {
        r["id"]: r
        for r in map(
            json.loads, (tmp_path / "out" / "results.jsonl").read_text("utf-8").splitlines()
        )
    }
    assert (records["b_magyar"]["language"], records["b_magyar"]["pivot"]) == (
        "hu",
        str(tiny_models["marian"]),
    )
    assert (records["a_english"]["language"], records["a_english"]["pivot"]) == ("en", None)
    assert set(records["b_magyar"]["translations"]) == {"hu", "zh", "ru", "uk"}
    page = (tmp_path / "out" / f"{records['b_magyar']['slug']}.html").read_text("utf-8")
    assert "Original language" in page and 'lang="hu"' in page
    report = json.loads((tmp_path / "out" / "run.json").read_text("utf-8"))
    item = next(i for i in report["items"] if i["id"] == "b_magyar")
    assert item["language"] == "hu" and "pivot" in item["seconds"]

    # Rerun: detection, pivot and everything else come from the cache.
    spy.loads.clear()
    again = run(config)
    assert spy.loads == [] and again.report["cached"] == 2


def test_missing_pivot_model_fails_before_any_work_and_says_how_to_go_on(
    tiny_models, mixed, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    (mixed / "c_russian.txt").write_text(
        "Премьер-министр Венгрии посетил Пекин и встретился с председателем КНР.", "utf-8"
    )
    config = marian_config(tiny_models, (mixed,), tmp_path / "out")  # default: opus-mt-hu-en
    with pytest.raises(ModelLoadError) as caught:
        run(config)
    # Both missing models at once (opus-mt-hu-en, opus-mt-ru-en), each with its flag.
    message = str(caught.value)
    assert "Hungarian (hu)" in message and "--source-model hu=MODEL" in message
    assert "Russian (ru)" in message and "--source-model ru=MODEL" in message
    assert message.count("--source-language en") == 1
    assert spy.loads == []
    assert not (tmp_path / "out").exists()


def test_source_model_that_cannot_translate_into_english_names_the_source_flag(
    tiny_models, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run

    news = tmp_path / "news"
    news.mkdir()
    (news / "ru.txt").write_text(
        "Премьер-министр Венгрии посетил Пекин и встретился с председателем КНР. "
        "Лидеры обсудили двусторонние отношения.",
        "utf-8",
    )
    spy = GenerateSpy(monkeypatch)
    # Marian into Russian, Ukrainian and Belarusian: it offers no >>eng<< to pivot with.
    config = pivot_config(tiny_models, news, tmp_path, "ru", "marian_multi_zle")
    with pytest.raises(UnsupportedLanguageError) as raised:
        run(config)
    message = str(raised.value)
    assert "cannot translate into English (en)" in message
    assert "pass --source-model ru=MODEL" in message and "--source-language en" in message
    # --translation-model sets the target languages' models, not this one.
    assert "--translation-model" not in message
    assert spy.loads == [] and not (tmp_path / "out").exists()


def test_source_language_setting_skips_detection(tiny_models, mixed, tmp_path, monkeypatch) -> None:
    from summarize.runners.local import run
    from summarize.stages import preparation

    monkeypatch.setattr(preparation, "detect_language", lambda text: pytest.fail("detected"))
    config = replace(marian_config(tiny_models, (mixed,), tmp_path / "out"), source_language="en")
    outcome = run(config)
    assert outcome.failed == 0
    assert all(item["pivot"] is None for item in outcome.report["items"])


PERSIAN = (
    "نخست‌وزیر مجارستان به پکن سفر کرد و با رئیس‌جمهور چین دیدار کرد. "
    "دو رهبر درباره روابط دوجانبه و جنگ اوکراین گفت‌وگو کردند."
)


def test_persian_article_pivots_through_nllb_with_the_code_nllb_has(
    tiny_models, tmp_path, monkeypatch
) -> None:
    from transformers import AutoTokenizer

    from summarize.runners.local import run

    news = tmp_path / "news"
    news.mkdir()
    (news / "fa.txt").write_text(PERSIAN, "utf-8")
    spy = GenerateSpy(monkeypatch)
    config = pivot_config(tiny_models, news, tmp_path, "fa", "nllb", languages=("ru",))
    assert run(config).failed == 0
    name, pivot_inputs, _ = spy.batches[0]
    assert name == str(tiny_models["nllb"])
    # NLLB calls Persian pes_Arab (Iranian Persian); fas_Arab is not in its vocabulary and
    # would have become <unk>.
    tokenizer = AutoTokenizer.from_pretrained(tiny_models["nllb"])
    persian = tokenizer.convert_tokens_to_ids("pes_Arab")
    assert persian != tokenizer.unk_token_id
    assert all(ids[0] == persian for ids in pivot_inputs)


def test_source_code_missing_from_the_pivot_model_fails_before_any_work(
    tiny_models, mixed, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    # mBART-50 has no Hungarian (no hu_HU): the article would reach it as <unk> and text.
    config = pivot_config(tiny_models, mixed, tmp_path, "hu", "mbart50")
    with pytest.raises(UnsupportedLanguageError) as raised:
        run(config)
    message = str(raised.value)
    assert f"{str(tiny_models['mbart50'])!r} (mbart) cannot translate from Hungarian (hu)" in (
        message
    )
    assert "it offers af_ZA, ar_AR" in message and "--source-model hu=MODEL" in message
    assert spy.loads == [] and not (tmp_path / "out").exists()
