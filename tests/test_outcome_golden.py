"""Pins the JSON of one results.jsonl line and one run.json item built from a fixed article.

``also_reported_by`` was added at the end of the results line (issue #20)."""

from __future__ import annotations

import json

from summarize.core.records import (
    Article,
    ArticleOutcome,
    InputFailure,
    QualityWarning,
    RunInfo,
    Summary,
)
from summarize.outputs import build_run_report, result_record

ARTICLE = Article(
    id="news/a.txt",
    slug="a",
    title="Árvíz <b>",
    text="Body.",
    source="inputs/news/a.txt",
    url="https://example.com/a",
    published="2026-01-31",
    warnings=("encoding guessed as cp1250",),
)
SUMMARY = Summary(article_id=ARTICLE.id, text="A summary.", chunks=2)
WARNINGS = (
    QualityWarning("summary", "en", "repetition", "repeats “a” 5 times"),
    QualityWarning("translation", "hu", "wrong_language", "reads as en"),
)
RUN = RunInfo(
    generated_at="2026-01-31T12:00:00+00:00",
    models={
        "summary": "sum/model",
        "translation:zh": "zh/model",
        "translation:hu": "hu/model",
        "pivot": "x/y",
    },
    device="cpu",
    dtype="float32",
    languages=("hu", "zh"),
    version="1.2.3",
)

RESULT_LINE = (
    '{"id": "news/a.txt", "title": "Árvíz <b>", "source": "inputs/news/a.txt", '
    '"url": "https://example.com/a", "published": "2026-01-31", "summary": "A summary.", '
    '"translations": {"hu": "Összefoglaló.", "zh": "摘要。", "fi": "Tiivistelmä."}, '
    '"headlines": {"en": "Flood <b>", "hu": "Árvíz", "zh": "洪水"}, '
    '"models": {"summary": "sum/model", "translation": {"hu": "hu/model", "zh": "zh/model"}, '
    '"pivot": "x/y"}, "chunks": 2, "language": "de", "pivot": "de/en-model", "slug": "a", '
    '"warnings": [{"stage": "input", "language": null, "kind": "reading", '
    '"detail": "encoding guessed as cp1250"}, {"stage": "summary", "language": "en", '
    '"kind": "repetition", "detail": "repeats “a” 5 times"}, {"stage": "translation", '
    '"language": "hu", "kind": "wrong_language", "detail": "reads as en"}], '
    '"also_reported_by": []}'
)

REPORT_ITEMS = (
    '[{"id": "news/a.txt", "source": "inputs/news/a.txt", "status": "done", "reason": null, '
    '"chunks": 2, "language": "de", "pivot": "de/en-model", '
    '"seconds": {"pivot": 0.123, "summary": 1.0}, "warnings": [{"stage": "input", '
    '"language": null, "kind": "reading", "detail": "encoding guessed as cp1250"}, '
    '{"stage": "summary", "language": "en", "kind": "repetition", '
    '"detail": "repeats “a” 5 times"}, {"stage": "translation", "language": "hu", '
    '"kind": "wrong_language", "detail": "reads as en"}]}, '
    '{"id": "b", "source": "b.txt", "status": "failed", "reason": "too long", "chunks": null, '
    '"language": "en", "pivot": null, "seconds": {}, "warnings": []}, '
    '{"id": null, "source": "broken.pdf", "status": "failed", "reason": "unsupported", '
    '"chunks": null, "language": null, "pivot": null, "seconds": {}, "warnings": []}]'
)

REPORT_COUNTS = (
    '{"articles": 3, "done": 1, "cached": 0, "failed": 2, "skipped": 0, '
    '"status": "finished", "quality": {"flagged": 1, "warnings": 2, '
    '"kinds": {"repetition": 1, "wrong_language": 1}}}'
)


def test_results_line_is_byte_identical() -> None:
    result = ArticleOutcome(
        article=ARTICLE,
        summary=SUMMARY,
        translations={"zh": "摘要。", "fi": "Tiivistelmä.", "hu": "Összefoglaló."},
        # English first, then the run's languages, whatever order they came in.
        headlines={"zh": "洪水", "hu": "Árvíz", "en": "Flood <b>"},
        language="de",
        pivot_model="de/en-model",
        quality_warnings=WARNINGS,
    )
    assert json.dumps(result_record(result, RUN), ensure_ascii=False) == RESULT_LINE


def test_run_json_items_are_byte_identical() -> None:
    other = Article(id="b", slug="b", title="B", text="B.", source="b.txt")
    report = build_run_report(
        run=RUN,
        settings={},
        versions={},
        articles=[
            ArticleOutcome(
                article=ARTICLE,
                status="done",
                language="de",
                pivot_model="de/en-model",
                summary=SUMMARY,
                translations={"hu": "Összefoglaló."},
                quality_warnings=WARNINGS,
                computed=True,
                seconds={"pivot": 0.12345, "summary": 1.0},
            ),
            ArticleOutcome(article=other, status="failed", failure="too long"),
        ],
        input_failures=[InputFailure(source="broken.pdf", reason="unsupported")],
        finished_at="2026-01-31T12:01:00+00:00",
        seconds=60.0,
        interrupted=False,
    )
    assert json.dumps(report["items"], ensure_ascii=False) == REPORT_ITEMS
    counts = {key: report[key] for key in json.loads(REPORT_COUNTS)}
    assert json.dumps(counts, ensure_ascii=False) == REPORT_COUNTS
