"""The summary stage: every article (in English by now) summarised with the summariser."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from summarize.core.progress import Progress
from summarize.core.records import Article, Summary
from summarize.engines.backends import EngineChoice
from summarize.engines.generation import Engine, ModelInfo
from summarize.stages.context import StageContext
from summarize.stages.keys import CHUNK_ENTRY, SUMMARY_ENTRY, chunk_key, summary_key
from summarize.stages.loading import summary_engine
from summarize.stages.stage import (
    SUMMARY_WAVE,
    Finished,
    Stage,
    Wave,
    nothing_to_keep,
    retry_singly,
)
from summarize.stages.summarizer import (
    ChunkMemo,
    SummaryFailure,
    summarize_articles,
    summary_prefix,
)
from summarize.stages.work import WorkItem, share_time

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SummaryStage(Stage):
    """Summarises articles with the run's summariser."""

    info: ModelInfo
    choice: EngineChoice
    role = "summary model"
    wave_size = SUMMARY_WAVE

    @property
    def label(self) -> str:
        return "summarising"

    def waiting(self, work: Sequence[WorkItem]) -> list[WorkItem]:
        """Articles still to summarise."""
        return [item for item in work if item.summary is None and item.failure is None]

    def load_model(self, context: StageContext) -> Engine:
        return summary_engine(self.choice, context)

    def run_wave(
        self,
        wave: Wave,
        model: Engine,
        context: StageContext,
        progress: Progress,
        finished: Finished = nothing_to_keep,
    ) -> None:
        prefix = summary_prefix(self.info)
        started = 0.0
        memo = ChunkMemo(
            recall=lambda chunk: _recall(context.cache.get(chunk_key(chunk, context), CHUNK_ENTRY)),
            keep=lambda chunk, text: context.cache.put(chunk_key(chunk, context), {"text": text}),
        )

        def settle(item: WorkItem, outcome: Summary | SummaryFailure) -> None:
            if isinstance(outcome, SummaryFailure):
                item.failure = outcome.reason
                logger.warning("%s: %s", item.article.source, outcome.reason)
                return
            item.summary, item.computed = outcome, True
            finished(item)

        def attempt(items: list[WorkItem]) -> None:
            # A retry after a failed batch skips what the batch settled before it failed.
            items = [item for item in items if item.summary is None and item.failure is None]
            if not items:
                return
            nonlocal started
            started = time.perf_counter()
            summarize_articles(
                [_english_article(item) for item in items],
                model,
                prefix=prefix,
                progress=progress,
                on_result=lambda index, outcome: settle(items[index], outcome),
                memo=memo,
            )
            seconds = time.perf_counter() - started
            share_time(items, "summary", seconds, [len(i.article.text) for i in items])

        def fail(item: WorkItem, error: Exception) -> None:
            logger.debug("summarising %s failed", item.article.source, exc_info=True)
            seconds = time.perf_counter() - started
            share_time([item], "summary", seconds, [len(item.article.text)])
            settle(item, SummaryFailure(item.article.id, f"summarising failed: {error}"))

        retry_singly(wave.items, attempt, fail)

    @staticmethod
    def restore(item: WorkItem, context: StageContext) -> None:
        cached = context.cache.get(summary_key(item, context), SUMMARY_ENTRY)
        if cached is not None:
            item.summary = Summary(item.article.id, cached["text"], cached["chunks"])

    @staticmethod
    def entries(item: WorkItem, context: StageContext) -> dict[str, dict[str, Any]]:
        if item.summary is None:
            return {}
        summary = item.summary
        return {summary_key(item, context): {"text": summary.text, "chunks": summary.chunks}}


def _recall(entry: dict[str, Any] | None) -> str | None:
    return None if entry is None else entry["text"]


def _english_article(item: WorkItem) -> Article:
    """The article as the summariser sees it: in English."""
    if item.english_text is None:
        return item.article
    return replace(item.article, text=item.english_text)
