from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Sequence
from typing import Any

from support.fakes import WordEngine

from summarize.core.records import Article, Summary
from summarize.engines.generation import ModelInfo
from summarize.stages.summarizer import (
    ChunkMemo,
    SummaryFailure,
    summarize_articles,
    summary_prefix,
)


def article(article_id: str, text: str) -> Article:
    return Article(id=article_id, slug=article_id, title=article_id, text=text, source=article_id)


def long_text(sentences: int) -> str:
    return " ".join(f"Sentence number {i} says something new today." for i in range(sentences))


class BlankingEngine(WordEngine):
    """A WordEngine whose summary of an input comes back empty when ``blank(input)`` says so."""

    def __init__(self, blank: Callable[[str], bool], max_input_tokens: int = 50) -> None:
        super().__init__(max_input_tokens=max_input_tokens)
        self.blank = blank

    def generate(self, texts: Sequence[str], *args: Any, **kwargs: Any) -> list[str]:
        on_batch = kwargs.pop("on_batch", None)
        outputs = super().generate(texts, *args, **kwargs)
        # Some engines answer nothing at all, some a lone space: both are empty summaries.
        outputs = [
            ("" if len(text) % 2 else " ") if self.blank(text) else output
            for text, output in zip(texts, outputs, strict=True)
        ]
        if on_batch is not None:
            on_batch(dict(enumerate(outputs)))
        return outputs


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


def test_each_article_is_heard_as_soon_as_its_batch_settles_it() -> None:
    """A short article is settled by the first round's batch, before the long one's chunk
    summaries are summarised: it can be kept while the long one is still running."""
    engine = WordEngine(max_input_tokens=50)
    articles = [article("long", long_text(40)), article("short", "Just one sentence.")]
    heard: list[tuple[int, int]] = []
    results = summarize_articles(
        articles, engine, on_result=lambda index, _: heard.append((index, len(engine.calls)))
    )
    assert sorted(index for index, _ in heard) == [0, 1]
    settled_in = dict(heard)
    assert settled_in[1] == 1 and settled_in[0] > 1  # the short one in the first call
    assert [r.article_id for r in results] == ["long", "short"]


def test_chunk_summaries_kept_in_the_memo_are_not_summarised_again() -> None:
    """A long article is settled only in its last round; the summaries of its chunks are kept
    as their batches end, so a run stopped before that round redoes none of them."""
    kept: dict[str, str] = {}
    memo = ChunkMemo(recall=kept.get, keep=kept.__setitem__)
    articles = [article("long", long_text(40)), article("short", "Just one sentence.")]
    first = WordEngine(max_input_tokens=50)
    expected = summarize_articles(articles, first, memo=memo)
    chunks = first.calls[0][0][:-1]  # the long article's chunks (the short one is last)
    assert len(chunks) > 1 and set(chunks) <= set(kept)
    assert "Just one sentence." not in kept  # a one-chunk article's summary is its own unit

    again = WordEngine(max_input_tokens=50)
    assert summarize_articles(articles, again, memo=memo) == expected
    first_round = again.calls[0][0]
    assert not set(first_round) & set(chunks)  # only what the memo lacked was generated


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


def test_empty_summaries_of_every_chunk_fail_the_article_with_the_fix() -> None:
    # A T5 replica's random weights returned "" for every chunk: the joined empty summaries
    # repacked into no chunks and the article vanished from the results (KeyError: 0).
    engine = BlankingEngine(lambda text: True)
    results = summarize_articles([article("long", long_text(40)), article("ok", "Fine.")], engine)
    assert [r.article_id for r in results] == ["long", "ok"]
    assert all(isinstance(r, SummaryFailure) for r in results)
    assert "empty summary" in results[0].reason
    assert "--summary-model" in results[0].reason


def test_an_empty_summary_of_a_one_chunk_article_is_a_failure() -> None:
    engine = BlankingEngine(lambda text: text.startswith("Empty"))
    results = summarize_articles(
        [article("empty", "Empty answer here."), article("ok", "Fine.")], engine
    )
    assert isinstance(results[0], SummaryFailure)
    assert "empty summary" in results[0].reason
    assert "--summary-model" in results[0].reason
    assert isinstance(results[1], Summary) and results[1].text


def test_an_empty_summary_of_the_chunk_summaries_is_a_failure() -> None:
    # Chunk summaries are fine; only the summary of their summaries (inputs holding the
    # WordEngine's "[n]." marks) comes back empty.
    engine = BlankingEngine(lambda text: "[" in text)
    (result,) = summarize_articles([article("long", long_text(40))], engine)
    assert isinstance(result, SummaryFailure)
    assert "empty summary" in result.reason


def test_some_empty_chunk_summaries_still_give_a_summary_of_the_rest() -> None:
    engine = BlankingEngine(lambda text: "number 0 " in text)
    (result,) = summarize_articles([article("long", long_text(40))], engine)
    assert isinstance(result, Summary) and result.text and result.chunks > 1


def test_every_article_gets_exactly_one_result_in_order_whatever_comes_back_empty() -> None:
    for seed in range(60):
        rng = random.Random(seed)
        rate = rng.choice([0.0, 0.2, 0.5, 0.8, 1.0])

        def blank(text: str, seed: int = seed, rate: float = rate) -> bool:
            # Decided by the text, so a retried input behaves alike.
            return random.Random(zlib.crc32(text.encode()) + seed).random() < rate

        articles = [
            article(f"a{i}", rng.choice(["", "Short text.", long_text(rng.randint(1, 60))]))
            for i in range(rng.randint(1, 8))
        ]
        engine = BlankingEngine(blank, max_input_tokens=rng.choice([16, 30, 50]))
        results = summarize_articles(articles, engine)
        assert [r.article_id for r in results] == [a.id for a in articles], seed
        for source, result in zip(articles, results, strict=True):
            assert isinstance(result, SummaryFailure) or result.text.strip(), seed
            if rate == 0.0 and source.text:
                assert isinstance(result, Summary), seed
            if rate == 1.0 and source.text:
                assert "empty summary" in result.reason, seed
