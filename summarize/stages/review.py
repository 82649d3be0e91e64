"""The quality checks over a run's finished articles."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from summarize.quality.checks import check_article
from summarize.stages.context import StageContext
from summarize.stages.keys import (
    PIVOT_ENTRY,
    pivot_key,
)
from summarize.stages.work import (
    WorkItem,
)

logger = logging.getLogger(__name__)


def review(work: Sequence[WorkItem], context: StageContext) -> None:
    """Run the quality checks on every summarised article; --strict fails the flagged ones.

    The checks are cheap, so they run on every run, over cached work too.
    """
    for item in work:
        if item.summary is None or item.failure is not None:
            continue
        english = item.english_text
        if item.pivot_model and english is None:  # summary came from the cache
            cached = context.cache.get(pivot_key(item, context), PIVOT_ENTRY)
            english = cached["text"] if cached is not None else None
        item.quality = tuple(
            check_article(
                item.summary.text,
                [item.article.text] + ([english] if english else []),
                item.translations,
                item.sentences,
                # Names can only be compared with English text.
                names=item.pivot_model is None or english is not None,
            )
        )
        if item.quality:
            logger.info("%s: %d quality warning(s)", item.article.source, len(item.quality))
        if item.quality and context.config.strict:
            item.failure = f"--strict: {len(item.quality)} quality warning(s), first: " + (
                f"{item.quality[0].stage} ({item.quality[0].language}) {item.quality[0].detail}"
            )
