"""Records to JSON and back: what ships an article's progress between processes."""

from __future__ import annotations

import json

import pytest

from summarize.core.conversion import from_json, to_json
from summarize.core.records import Article, ArticleOutcome, QualityWarning, Summary
from summarize.stages.work import WorkItem, work_from_record, work_to_record

ARTICLE = Article(
    id="a",
    slug="a",
    title="Árvíz",
    text="Szöveg.",
    source="a.txt",
    url="https://example.com/a",
    warnings=("encoding guessed as cp1250",),
)


def full_item() -> WorkItem:
    """A work item with every field set away from its default."""
    return WorkItem(
        article=ARTICLE,
        language="hu",
        pivot_model="hu/en",
        english_text="Flood.",
        summary=Summary(article_id="a", text="A flood.", chunks=2),
        translations={"zh": "洪水。"},
        sentences={"zh": [("A flood.", "洪水。")]},
        quality_warnings=(QualityWarning("summary", "en", "repetition", "x"),),
        failure="too long",
        computed=True,
        seconds={"summary": 1.5},
    )


def test_a_work_item_survives_json_unchanged() -> None:
    item = full_item()
    record = json.loads(json.dumps(work_to_record(item)))
    assert record["article"] == "a"  # the article itself is known at both ends
    assert work_from_record(ARTICLE, record) == item


def test_an_empty_work_item_survives_json_unchanged() -> None:
    item = WorkItem(article=ARTICLE)
    assert work_from_record(ARTICLE, json.loads(json.dumps(work_to_record(item)))) == item


def test_results_out_of_step_with_the_inputs_are_refused() -> None:
    other = Article(id="b", slug="b", title="B", text="B.", source="b.txt")
    with pytest.raises(RuntimeError, match="out of step"):
        work_from_record(other, work_to_record(full_item()))


def test_records_come_back_with_their_own_types() -> None:
    outcome = full_item().outcome(("zh",))
    data = json.loads(json.dumps(to_json(outcome)))
    back = from_json(ArticleOutcome, data)
    assert back == outcome
    assert isinstance(back.article.warnings, tuple)
    assert isinstance(back.quality_warnings[0], QualityWarning)
    assert from_json(Article, to_json(ARTICLE)) == ARTICLE


def test_a_missing_field_takes_its_default() -> None:
    assert from_json(
        Article, {"id": "a", "slug": "a", "title": "T", "text": "", "source": "s"}
    ) == (Article(id="a", slug="a", title="T", text="", source="s"))


@pytest.mark.parametrize(
    ("item", "status"),
    [
        (WorkItem(article=ARTICLE, failure="bad"), "failed"),
        (WorkItem(article=ARTICLE), "skipped"),
        (WorkItem(article=ARTICLE, summary=Summary("a", "S.", 1)), "skipped"),
        (
            WorkItem(article=ARTICLE, summary=Summary("a", "S.", 1), translations={"zh": "z"}),
            "cached",
        ),
        (
            WorkItem(
                article=ARTICLE,
                summary=Summary("a", "S.", 1),
                translations={"zh": "z"},
                computed=True,
            ),
            "done",
        ),
    ],
)
def test_an_outcome_says_where_its_article_ended_up(item: WorkItem, status: str) -> None:
    assert item.outcome(("zh",)).status == status
