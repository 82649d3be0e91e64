"""The summarise stage: one English summary per article, long articles chunked, never truncated."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from summarize.core.progress import Progress, SilentProgress
from summarize.core.records import Article, Summary
from summarize.engines.families import family_of
from summarize.engines.generation import Engine, ModelInfo, Target
from summarize.text.sentences import TokenCounter, pack_into_chunks, split_sentences

logger = logging.getLogger(__name__)

#: Rounds of summarising chunk summaries before giving up on an article.
MAX_ROUNDS = 8


@dataclass(frozen=True)
class SummaryFailure:
    """An article the summariser could not handle."""

    article_id: str
    reason: str


#: The checkpoint's ``task_specific_params`` entry a summariser's settings come from.
SUMMARY_TASK = "summarization"


def summary_prefix(info: ModelInfo) -> str:
    """The text a summariser expects before every article: its summarisation task's prefix
    (``summarize: `` for T5), else its config's own ``prefix`` (distilBART's ``" "``: it was
    fine-tuned on articles that start with a space), else its family's, else none."""
    if SUMMARY_TASK in info.task_prefixes:
        return info.task_prefixes[SUMMARY_TASK]
    if info.prefix is not None:
        return info.prefix
    return family_of(info.model_type).summary_prefix


#: Hears an article's outcome (by its position in the articles) the moment it is final.
OnResult = Callable[[int, "Summary | SummaryFailure"], None]


@dataclass(frozen=True)
class ChunkMemo:
    """Where the summaries of a long article's chunks are kept as each batch ends, so an
    interrupted run does not summarise them again: a long article is settled only in its
    last round, after every chunk of every article in its wave."""

    #: The kept summary of a chunk, or None.
    recall: Callable[[str], str | None]
    #: Keep a chunk's summary.
    keep: Callable[[str, str], None]


def summarize_articles(
    articles: Sequence[Article],
    engine: Engine,
    *,
    prefix: str = "",
    progress: Progress | None = None,
    on_result: OnResult | None = None,
    memo: ChunkMemo | None = None,
) -> list[Summary | SummaryFailure]:
    """Summarise every article; results are in input order.

    An article longer than the model's input is split on sentence boundaries into chunks that
    fit; each chunk is summarised, then the joined chunk summaries are summarised again (and
    again, if they still do not fit). All articles' chunks of one round share batches.
    ``on_result`` hears each article's outcome as soon as the batch that settles it ends, so
    finished work can be kept while the rest is still running; ``memo`` keeps (and gives back)
    the summaries of the chunks of articles that have several.
    """
    progress = progress or SilentProgress()
    budget = _input_budget(engine, prefix)
    count = _token_counter(engine)
    pieces = {
        index: pack_into_chunks(
            split_sentences(article.text), count, budget, token_spans=engine.token_spans
        )
        for index, article in enumerate(articles)
    }
    chunks = {index: len(article_pieces) for index, article_pieces in pieces.items()}
    results: dict[int, Summary | SummaryFailure] = {}

    def settle(index: int, outcome: Summary | SummaryFailure) -> None:
        results[index] = outcome
        if on_result is not None:
            on_result(index, outcome)

    for index, article_pieces in list(pieces.items()):
        if not article_pieces:
            settle(index, SummaryFailure(articles[index].id, "the article has no text"))
            del pieces[index]
    progress.grow(sum(len(p) for p in pieces.values()))

    for _ in range(MAX_ROUNDS):
        if not pieces:
            break
        this_round = _Round(pieces)

        def batch_done(
            finished: Mapping[int, str], this_round: _Round = this_round, new: bool = True
        ) -> None:
            progress.update(len(finished))
            if memo is not None and new:
                for position, output in finished.items():
                    if this_round.is_chunk(position):
                        memo.keep(this_round.texts[position], output)
            for index, summaries in this_round.hear(finished):
                outcome = _next_round(articles[index].id, summaries, chunks[index], count, budget)
                if isinstance(outcome, list):
                    this_round.next_pieces[index] = outcome
                else:
                    settle(index, outcome)

        recalled = this_round.recall(memo) if memo is not None else {}
        batch_done(recalled, new=False)
        todo = [p for p in range(len(this_round.texts)) if p not in recalled]
        generated = engine.generate(
            [this_round.texts[p] for p in todo],
            Target(prefix=prefix, task=SUMMARY_TASK),
            on_batch=lambda finished, todo=todo, done=batch_done: done(
                {todo[i]: output for i, output in finished.items()}
            ),
        )
        # An engine that reported only part of its outputs (or none) is caught up here.
        batch_done(this_round.unheard(dict(zip(todo, generated, strict=True))))
        pieces = this_round.next_pieces
        progress.grow(sum(len(p) for p in pieces.values()))
    for index in pieces:
        settle(
            index,
            SummaryFailure(
                articles[index].id, f"still too long after {MAX_ROUNDS} rounds of summarising"
            ),
        )
    return [results[index] for index in range(len(articles))]


class _Round:
    """One round of summarising: every waiting article's chunks, in shared batches."""

    def __init__(self, pieces: Mapping[int, list[str]]) -> None:
        self.pieces = pieces
        self.flat = [(index, piece) for index, chunks in pieces.items() for piece in chunks]
        #: The texts to summarise, every article's chunks in order.
        self.texts = [piece for _, piece in self.flat]
        #: Each article's outputs so far, by position in ``texts``.
        self.outputs: dict[int, dict[int, str]] = {}
        #: The chunks of the next round, of the articles that need one.
        self.next_pieces: dict[int, list[str]] = {}

    def hear(self, finished: Mapping[int, str]) -> list[tuple[int, list[str]]]:
        """Take outputs by position; return the articles now complete, with their outputs."""
        complete = []
        for position, output in finished.items():
            index = self.flat[position][0]
            got = self.outputs.setdefault(index, {})
            got[position] = output
            if len(got) == len(self.pieces[index]):
                complete.append((index, [got[p] for p in sorted(got)]))
        return complete

    def is_chunk(self, position: int) -> bool:
        """Whether the text at ``position`` is one of several of its article's this round."""
        return len(self.pieces[self.flat[position][0]]) > 1

    def recall(self, memo: ChunkMemo) -> dict[int, str]:
        """The kept summaries of this round's chunks, by position."""
        kept = {}
        for position, text in enumerate(self.texts):
            if self.is_chunk(position):
                summary = memo.recall(text)
                if summary is not None:
                    kept[position] = summary
        return kept

    def unheard(self, generated: Mapping[int, str]) -> dict[int, str]:
        """The outputs of ``generated`` (by position) not heard yet."""
        heard = {position for got in self.outputs.values() for position in got}
        return {p: output for p, output in generated.items() if p not in heard}


def _next_round(
    article_id: str, summaries: list[str], chunks: int, count: TokenCounter, budget: int
) -> Summary | SummaryFailure | list[str]:
    """The article's result once one round's summaries are in, or the chunks of the next round.

    A list returned is never empty: an article with nothing left to summarise gets a result
    here, so no article drops out of the map-reduce loop.
    """
    # Random or mismatched checkpoints (a T5 replica's random weights) can answer with nothing.
    # Summaries that are empty say nothing about the article; the others still summarise it.
    kept = [summary.strip() for summary in summaries if summary.strip()]
    if not kept:
        return SummaryFailure(article_id, _empty_summary_reason(len(summaries), chunks))
    if len(kept) < len(summaries):
        logger.warning(
            "%s: %d of %d chunk summaries came back empty; summarising the rest",
            article_id,
            len(summaries) - len(kept),
            len(summaries),
        )
    if len(summaries) == 1:
        return Summary(article_id, kept[0], chunks)
    # Summaries are English sentences; repack them so the next round fits the model.
    repacked = pack_into_chunks(split_sentences(" ".join(kept)), count, budget)
    if not repacked:
        return SummaryFailure(article_id, _empty_summary_reason(len(summaries), chunks))
    if len(repacked) >= len(summaries):
        return SummaryFailure(
            article_id,
            f"the summaries of its {chunks} chunks do not get shorter than the model's input; "
            "lower --max-summary-tokens (or --min-summary-tokens, if set)",
        )
    if len(repacked) > 1:
        logger.debug(
            "%s: %d chunk summaries repacked into %d", article_id, len(kept), len(repacked)
        )
    return repacked


def _empty_summary_reason(parts: int, chunks: int) -> str:
    """Why an article whose ``parts`` summaries all came back empty has no summary."""
    what = "for every part of the article" if parts > 1 else "for the article"
    if parts == 1 and chunks > 1:
        what = f"when summarising the summaries of its {chunks} chunks"
    return (
        f"the model returned an empty summary {what}; try another --summary-model (a "
        "summarisation checkpoint), or set --min-summary-tokens to make it write something"
    )


def _input_budget(engine: Engine, prefix: str) -> int:
    """Tokens left for article text once the prefix and special tokens are counted."""
    overhead = engine.count_tokens([prefix], special_tokens=True)[0]
    # One token of slack with a prefix: joining prefix and text can tokenize one token longer
    # than apart. Without one, an article exactly at the limit still fits in one chunk.
    budget = engine.max_input_tokens - overhead - (1 if prefix else 0)
    if budget < 8:
        raise ValueError(f"the model accepts only {engine.max_input_tokens} input tokens")
    return budget


def _token_counter(engine: Engine) -> TokenCounter:
    return lambda texts: engine.count_tokens(texts)
