"""Headlines translated like summaries: in the summaries' calls, cached, and in results.jsonl."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from support.articles import ENGLISH, HUNGARIAN
from support.configs import marian_config
from support.spies import GenerateSpy

LANGUAGES = {"hu", "zh", "ru", "uk"}
ENGLISH_TITLE = "Forint gains as markets rally"
HUNGARIAN_TITLE = "Orbán Pekingben tárgyalt"


@pytest.fixture
def titled(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a_english.txt").write_text(f"{ENGLISH_TITLE}\n\n{ENGLISH}", "utf-8")
    (folder / "b_magyar.txt").write_text(f"{HUNGARIAN_TITLE}\n\n{HUNGARIAN}", "utf-8")
    return folder


def records(output: Path) -> dict[str, dict]:
    lines = (output / "results.jsonl").read_text("utf-8").splitlines()
    return {record["id"]: record for record in map(json.loads, lines)}


def test_headlines_are_translated_with_the_summaries_cached_and_recorded(
    tiny_models, titled, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run
    from summarize.stages.translator import ModelTranslator

    calls: list[tuple[str, list[str]]] = []
    original = ModelTranslator.translate_sentences

    def translate_sentences(self, texts, target, on_text=None):
        calls.append((target, list(texts)))
        return original(self, texts, target, on_text)

    monkeypatch.setattr(ModelTranslator, "translate_sentences", translate_sentences)
    config = replace(
        marian_config(tiny_models, (titled,), tmp_path / "out"),
        source_models={"hu": str(tiny_models["marian"])},
    )
    outcome = run(config)
    assert outcome.failed == 0

    # The Hungarian article and its headline go into English in one call ...
    pivot = [texts for target, texts in calls if target == "en"]
    assert len(pivot) == 1 and HUNGARIAN_TITLE in pivot[0] and HUNGARIAN in pivot[0]
    found = records(config.output)
    english_headline = found["b_magyar"]["headlines"]["en"]
    assert english_headline
    # ... and each language's headlines ride in the same call as its summaries.
    for code in LANGUAGES:
        (texts,) = [texts for target, texts in calls if target == code]
        summaries = {record["summary"] for record in found.values()}
        assert summaries <= set(texts)
        assert ENGLISH_TITLE in texts and english_headline in texts

    assert set(found["a_english"]["headlines"]) == LANGUAGES  # no "en": it is the original
    assert list(found["b_magyar"]["headlines"]) == ["en", "hu", "zh", "ru", "uk"]
    assert all(found["a_english"]["headlines"].values())

    # Everything, headlines included, comes from the cache the second time: no model loads.
    spy = GenerateSpy(monkeypatch)
    again = run(config)
    assert spy.loads == [] and again.report["cached"] == 2
    assert {r["id"]: r["headlines"] for r in records(config.output).values()} == {
        key: record["headlines"] for key, record in found.items()
    }


def test_headlines_missing_from_the_cache_are_translated_without_redoing_summaries(
    tiny_models, titled, tmp_path, monkeypatch
) -> None:
    """A cache from before headlines were translated: only the headlines are computed."""
    from summarize.runners.local import run

    config = marian_config(tiny_models, (titled,), tmp_path / "out")
    config = replace(config, source_models={"hu": str(tiny_models["marian"])}, languages=("hu",))
    run(config)
    cache = config.output / ".cache"
    headlines = set(records(config.output)["a_english"]["headlines"].values())
    headlines |= set(records(config.output)["b_magyar"]["headlines"].values())
    removed = 0
    for entry in cache.rglob("*.json"):
        data = json.loads(entry.read_text("utf-8"))
        if data.get("text") in headlines:
            entry.unlink()
            removed += 1
    assert removed >= 3  # two Hungarian headlines and an English one

    spy = GenerateSpy(monkeypatch)
    again = run(config)
    assert again.failed == 0
    assert str(tiny_models["bart"]) not in spy.loads  # the summaries are cached
    found = records(config.output)
    assert set(found["a_english"]["headlines"]) == {"hu"}
    assert set(found["b_magyar"]["headlines"]) == {"en", "hu"}
