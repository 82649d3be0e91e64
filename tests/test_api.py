"""The Python API: ``summarize.run`` and ``summarize.summarise`` on the tiny models."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.articles import SEED
from support.configs import TINY_TRANSLATORS

import summarize
from summarize import ConfigError, InputError

ARTICLE = SEED.read_text(encoding="utf-8")


def settings(tiny: dict[str, Path]) -> dict:
    """The tiny models, as the config file's keys."""
    return {
        "summary_model": str(tiny["bart"]),
        "translation_models": {code: str(tiny[name]) for code, name in TINY_TRANSLATORS.items()},
        "device": "cpu",
        "engine": "transformers",
        "source_language": "en",
    }


def test_import_summarize_loads_nothing_heavy() -> None:
    code = (
        "import sys, summarize; "
        "assert callable(summarize.summarise) and callable(summarize.run); "
        "print(sorted(m for m in ('torch', 'transformers', 'ctranslate2') if m in sys.modules))"
    )
    # Only `import summarize` itself: the public names resolve on first use.
    bare = "import sys, summarize; print([m for m in sys.modules if m.startswith('summarize.')])"
    assert (
        subprocess.run(
            [sys.executable, "-c", bare], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "[]"
    )
    assert (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "[]"
    )


def test_public_names_are_documented() -> None:
    assert set(summarize.__all__) <= set(dir(summarize))
    for name in ("run", "summarise"):
        assert "Example::" in getattr(summarize, name).__doc__
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        summarize.nothing  # noqa: B018


def test_summarise_in_memory_writes_nothing(tiny_models, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    texts = [ARTICLE, "Markets rose on Monday.\n\n" + ARTICLE.replace("\n", " ")]
    results = summarize.summarise(texts, languages=["hu", "uk"], **settings(tiny_models))
    assert [result.article.id for result in results] == ["text-1", "text-2"]
    assert results[1].article.title == "Markets rose on Monday."  # a headline line, as in .txt
    for result in results:
        assert result.failure is None
        assert result.summary is not None and result.summary.text
        assert set(result.translations) == {"hu", "uk"}
        assert all(result.translations.values())
        assert result.language == "en"
    assert list(tmp_path.iterdir()) == []  # no outputs, no cache


def test_summarise_without_languages_only_summarises(tiny_models, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    [result] = summarize.summarise([ARTICLE], **settings(tiny_models))
    assert result.summary is not None and result.translations == {}


def test_summarise_keeps_a_cache_only_when_asked(tiny_models, tmp_path) -> None:
    cache = tmp_path / "cache"
    summarize.summarise([ARTICLE], cache_dir=str(cache), **settings(tiny_models))
    assert any(cache.rglob("*.json"))


def test_summarise_refuses_bad_input_and_settings() -> None:
    with pytest.raises(ConfigError, match="list of texts"):
        summarize.summarise(ARTICLE)
    with pytest.raises(InputError, match="text 2: empty text"):
        summarize.summarise([ARTICLE, "  \n"])
    with pytest.raises(ConfigError, match="num_beams"):
        summarize.summarise([ARTICLE], num_beams=0)
    with pytest.raises(ConfigError, match="unknown setting 'beams'"):
        summarize.summarise([ARTICLE], beams=2)


def test_run_writes_the_briefing_like_the_command(tiny_models, tmp_path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "storm.txt").write_text(ARTICLE, encoding="utf-8")
    output = tmp_path / "out"
    outcome = summarize.run([news], output, languages=["hu"], **settings(tiny_models))
    assert outcome.failed == 0
    assert (output / "index.html") in outcome.written
    assert (output / "briefing.hu.html").is_file()
    lines = (output / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["storm"]
    assert outcome.report["settings"]["output"] == str(output)
