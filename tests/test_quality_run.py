"""End to end on tiny random models, whose output is garbage: the quality flags reach
results.jsonl, run.json and the pages; --strict fails flagged articles, --retry-suspect
retranslates flagged sentences with safer decoding, and a resumed run flags the same."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from support.cli import tiny_model_flags
from support.configs import marian_config
from support.spies import GenerateSpy

from summarize.core.records import QualityWarning

LANGUAGES = ("hu", "zh", "ru", "uk")
KEYS = ["stage", "language", "kind", "detail"]
NOTICES = {
    "hu": "gépi fordításban",
    "zh": "这段机器翻译",
    "ru": "машинном переводе",
    "uk": "машинному перекладі",
}


@pytest.fixture(scope="module")
def news(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("news")
    (folder / "a.txt").write_text(
        "Markets rally\n\nShares rose 4 percent on Monday. Analysts in London were surprised.",
        encoding="utf-8",
    )
    (folder / "b.txt").write_text(
        "Rain ahead\n\nRain is expected across the region tomorrow. Farmers welcomed it.",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def flagged_run(tiny_models, news, tmp_path_factory):
    from summarize.runners.local import run

    output = tmp_path_factory.mktemp("out")
    outcome = run(marian_config(tiny_models, (news,), output))
    return outcome, output


def records(output: Path) -> list[dict]:
    return [json.loads(line) for line in (output / "results.jsonl").read_text("utf-8").splitlines()]


def report(output: Path) -> dict:
    return json.loads((output / "run.json").read_text("utf-8"))


def flags(entry: dict) -> list[dict]:
    """A record's or run.json item's quality warnings (its warnings without reading problems)."""
    return [warning for warning in entry["warnings"] if warning["stage"] != "input"]


def test_garbage_is_flagged_in_results_jsonl(flagged_run) -> None:
    outcome, output = flagged_run
    assert outcome.failed == 0  # flags never drop an article unless --strict
    for record in records(output):
        warnings = flags(record)
        assert warnings and all(list(warning) == KEYS for warning in warnings)
        assert {w["stage"] for w in warnings} <= {"summary", "translation", "headline"}
        # Random weights translate into no language at all: every edition is flagged.
        flagged = {w["language"] for w in warnings if w["stage"] == "translation"}
        assert flagged == set(LANGUAGES), record["id"]
        # Headlines are translated and checked the same way, under their own stage.
        assert set(record["headlines"]) == set(LANGUAGES)
        assert {w["language"] for w in warnings if w["stage"] == "headline"} == set(LANGUAGES)


def test_run_json_counts_the_flags(flagged_run) -> None:
    _, output = flagged_run
    document = report(output)
    items = document["items"]
    total = sum(len(flags(item)) for item in items)
    assert document["quality"]["flagged"] == len(items) == 2
    assert document["quality"]["warnings"] == total > 0
    assert sum(document["quality"]["kinds"].values()) == total
    assert document["settings"]["strict"] is False
    assert document["settings"]["retry_suspect"] is False
    by_item = {item["id"]: item["warnings"] for item in items}
    assert by_item == {record["id"]: record["warnings"] for record in records(output)}


def test_pages_mark_flagged_text_with_a_localised_notice_and_keep_it(flagged_run) -> None:
    _, output = flagged_run
    for record in records(output):
        page = (output / f"{record['slug']}.html").read_text("utf-8")
        # English UI on the article page: one notice per flagged translation, saying what.
        assert (
            page.count("Automatic checks found possible problems in this machine translation") == 4
        )
        assert 'class="quality-note" role="note" lang="en"' in page
        for language in LANGUAGES:
            edition = (output / f"briefing.{language}.html").read_text("utf-8")
            assert NOTICES[language] in edition
            # Never hidden: the flagged text itself is on the page (escaped as the page does).
            first_word = record["translations"][language].split()[0]
            assert first_word.replace("&", "&amp;").replace("<", "&lt;") in edition


def test_strict_fails_flagged_articles_and_exits_1(tiny_models, news, flagged_run) -> None:
    from summarize.commands.cli import main

    _, output = flagged_run
    arguments = [
        "run",
        str(news),
        "-o",
        str(output / "strict"),
        "--cache-dir",
        str(output / ".cache"),  # the first run's work: nothing is generated again
        *tiny_model_flags(tiny_models),
        "--engine",
        "transformers",
        "--device",
        "cpu",
        "--strict",
        "-q",
    ]
    assert main(arguments) == 1
    strict = report(output / "strict")
    assert strict["failed"] == 2 and strict["cached"] == 0
    assert all(item["reason"].startswith("--strict: ") for item in strict["items"])
    assert all(flags(item) for item in strict["items"])
    assert records(output / "strict") == []
    # Without --strict the same cached work publishes, flagged.
    assert main([a for a in arguments if a != "--strict"]) == 0


def test_a_resumed_run_flags_exactly_the_same(tiny_models, news, flagged_run, monkeypatch) -> None:
    from summarize.runners.local import run

    _, output = flagged_run
    spy = GenerateSpy(monkeypatch)
    again = run(marian_config(tiny_models, (news,), output))
    assert spy.loads == [] and again.report["cached"] == 2
    first = {item["id"]: flags(item) for item in report(output)["items"]}
    assert first == {
        result.article.id: [w.as_record() for w in result.quality_warnings]
        for result in again.briefing.results
    }


def test_retry_suspect_retranslates_flagged_sentences_with_safer_decoding(
    tiny_models, news, tmp_path, monkeypatch
) -> None:
    from summarize.runners.local import run

    spy = GenerateSpy(monkeypatch)
    config = replace(
        marian_config(tiny_models, (news,), tmp_path / "out"),
        languages=("hu",),
        retry_suspect=True,
    )
    outcome = run(config)
    # Every call states all its settings; the tiny model's own block no n-gram.
    retries = [
        settings
        for name, _, settings in spy.batches
        if name.endswith("marian") and settings["no_repeat_ngram_size"] == 3
    ]
    assert retries, "no flagged sentence was retried"
    assert all(s["repetition_penalty"] > 1 for s in retries)
    assert all(s["max_new_tokens"] >= 8 for s in retries)
    # The first pass decoded as configured: no safer settings leaked into it.
    plain = [s for name, _, s in spy.batches if name.endswith("marian") and s not in retries]
    assert plain
    assert all(s["repetition_penalty"] == 1.0 and s["no_repeat_ngram_size"] == 0 for s in plain)
    assert outcome.report["settings"]["retry_suspect"] is True
    for result in outcome.briefing.results:
        assert all(isinstance(w, QualityWarning) for w in result.quality_warnings)
        assert result.translations["hu"]


def test_only_the_flagged_blocks_carry_a_notice_in_valid_html(tmp_path: Path) -> None:
    from support.briefings import make_briefing
    from support.pages import parse_strict

    from summarize.outputs import write_briefing

    briefing = make_briefing()
    first, *rest = briefing.results
    warnings = (
        QualityWarning("summary", "en", "unsupported_name", "names not in the article: Xi"),
        QualityWarning("translation", "hu", "repetition", "repeats “a” 5 times in a row"),
    )
    flagged = replace(first, quality_warnings=warnings)
    write_briefing(replace(briefing, results=(flagged, *rest)), tmp_path)

    def notes(name: str) -> int:
        return (tmp_path / name).read_text("utf-8").count('class="quality-note"')

    hungarian = (tmp_path / "briefing.hu.html").read_text("utf-8")
    assert notes("briefing.hu.html") == 1 and NOTICES["hu"] in hungarian
    assert "szavakat ismétel" in hungarian and "esetleg kitalált név: Xi" in hungarian
    assert first.translations["hu"] in hungarian  # flagged, still shown
    # A name the summary made up is made up in every translation of it: flagged there too.
    assert notes("briefing.zh.html") == notes("briefing.ru.html") == 1
    assert "возможно, выдуманное имя: Xi" in (tmp_path / "briefing.ru.html").read_text("utf-8")
    index = (tmp_path / "index.html").read_text("utf-8")
    assert notes("index.html") == 1 and "problems in this machine summary" in index
    page = (tmp_path / f"{first.article.slug}.html").read_text("utf-8")
    assert notes(f"{first.article.slug}.html") == 5  # the summary and its 4 translations
    assert "possibly invented name: Xi" in page and "names not in the article" not in page
    assert all(notes(f"{r.article.slug}.html") == 0 for r in rest)
    for path in tmp_path.glob("*.html"):
        parse_strict(path)


def test_a_later_run_removes_the_pages_it_no_longer_writes(
    tiny_models, news, flagged_run, tmp_path
) -> None:
    from summarize.commands.cli import main

    _, first = flagged_run
    output = tmp_path / "briefing"
    arguments = [
        *("run", str(news), "-o", str(output), "--cache-dir", str(first / ".cache")),
        *tiny_model_flags(tiny_models),
        *("--engine", "transformers", "--device", "cpu", "-q"),
    ]
    assert main(arguments) == 0
    slugs = [record["slug"] for record in records(output)]
    assert all((output / f"{slug}.html").is_file() for slug in slugs)
    (output / "notes.html").write_text("the user's own file", "utf-8")
    # Every article is flagged, so --strict publishes none; only Hungarian is asked for.
    assert main([*arguments, "--strict", "--languages", "hu"]) == 1
    left = sorted(path.name for path in output.iterdir() if not path.name.startswith("."))
    emails = ["briefing.email.html", "briefing.hu.email.html"]
    feeds = ["feed.en.json", "feed.en.xml", "feed.hu.json", "feed.hu.xml"]
    assert left == [
        "about.html",
        "about.hu.html",
        *emails,
        "briefing.hu.html",
        *feeds,
        "index.html",
        "notes.html",
        "results.jsonl",
        "run.json",
    ]
    assert sorted(report(output)["files"]) == [
        "about.html",
        "about.hu.html",
        *emails,
        "briefing.hu.html",
        *feeds,
        "index.html",
        "results.jsonl",
        "run.json",
    ]
