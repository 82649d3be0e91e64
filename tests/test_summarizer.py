from __future__ import annotations

from fakes import WordEngine

from summarize.generation import ModelInfo
from summarize.records import Article, Summary
from summarize.summarizer import SummaryFailure, summarize_articles, summary_prefix


def article(article_id: str, text: str) -> Article:
    return Article(id=article_id, slug=article_id, title=article_id, text=text, source=article_id)


def long_text(sentences: int) -> str:
    return " ".join(f"Sentence number {i} says something new today." for i in range(sentences))


def test_short_articles_are_summarised_once_in_input_order() -> None:
    engine = WordEngine(max_input_tokens=50)
    articles = [article("b", "Short one here. Second."), article("a", "Another short text.")]
    results = summarize_articles(articles, engine)
    assert [r.article_id for r in results] == ["b", "a"]
    assert all(isinstance(r, Summary) and r.chunks == 1 for r in results)
    assert len(engine.calls) == 1  # both articles share one generate call


def test_long_article_is_chunked_then_summaries_are_summarised() -> None:
    engine = WordEngine(max_input_tokens=50)
    articles = [article("long", long_text(40)), article("short", "Just one sentence.")]
    results = summarize_articles(articles, engine)
    long_result, short_result = results
    assert isinstance(long_result, Summary)
    assert long_result.chunks > 1
    assert short_result.chunks == 1
    # Every input handed to the model fits its limit: nothing was truncated by the model.
    for texts, _ in engine.calls:
        assert all(len(t.split()) + 2 <= 50 for t in texts)
    # Every word of both articles went into the first round.
    first_round_words = sum(len(t.split()) for t in engine.calls[0][0])
    assert first_round_words == len(long_text(40).split()) + len(["Just", "one", "sentence."])
    assert len(engine.calls) >= 2


def test_an_article_exactly_at_the_limit_is_one_chunk() -> None:
    engine = WordEngine(max_input_tokens=20)  # 18 words and 2 special tokens fit
    (exact,) = summarize_articles([article("exact", " ".join(["word"] * 17) + " end.")], engine)
    assert isinstance(exact, Summary) and exact.chunks == 1
    (over,) = summarize_articles([article("over", " ".join(["word"] * 18) + " end.")], engine)
    assert isinstance(over, Summary) and over.chunks == 2


def test_prefix_is_sent_and_counted() -> None:
    engine = WordEngine(max_input_tokens=20)
    results = summarize_articles([article("x", long_text(6))], engine, prefix="summarize: ")
    assert isinstance(results[0], Summary)
    for texts, target in engine.calls:
        assert target.prefix == "summarize: "
        assert all(len(("summarize: " + t).split()) + 2 <= 20 for t in texts)


def test_summaries_that_never_shrink_fail_the_article_not_the_batch() -> None:
    engine = WordEngine(max_input_tokens=12, output_words=9)
    results = summarize_articles([article("big", long_text(10)), article("ok", "Fine.")], engine)
    assert isinstance(results[0], SummaryFailure)
    assert "--max-summary-tokens" in results[0].reason
    assert isinstance(results[1], Summary)


def test_empty_article_fails_alone() -> None:
    results = summarize_articles([article("e", "   "), article("ok", "Fine.")], WordEngine())
    assert isinstance(results[0], SummaryFailure)
    assert isinstance(results[1], Summary)


def test_summary_prefix_comes_from_config_or_t5_family() -> None:
    t5 = ModelInfo(name="t5", model_type="t5", language_tokens=frozenset())
    bart = ModelInfo(name="b", model_type="bart", language_tokens=frozenset())
    custom = ModelInfo(
        name="c",
        model_type="t5",
        language_tokens=frozenset(),
        task_prefixes={"summarization": "sum: "},
    )
    assert summary_prefix(t5) == "summarize: "
    assert summary_prefix(bart) == ""
    assert summary_prefix(custom) == "sum: "
