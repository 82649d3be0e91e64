"""Length-sorted batching with back-off when a batch does not fit in accelerator memory.

Kept free of torch so the logic is unit-tested on any machine; the engine supplies the
out-of-memory test and the work function.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")


#: Outputs that just finished, by position: in the batch (from ``work``) or in the inputs (to
#: the caller).
Finished = Mapping[int, Result]


def run_sorted_batches(
    items: Sequence[Item],
    lengths: Sequence[int],
    batch_size: int,
    work: Callable[[list[Item], Callable[[Finished], None]], list[Result]],
    is_out_of_memory: Callable[[BaseException], bool] = lambda _: False,
    on_batch: Callable[[Finished], None] | None = None,
    max_batch_tokens: int | None = None,
) -> list[Result]:
    """Run ``work`` over items in batches of similar length; return results in input order.

    Longest inputs go first, so a batch that cannot fit in memory fails early. A batch holds
    at most ``batch_size`` items and, when ``max_batch_tokens`` is set, at most that many
    tokens once padded to its longest item (a few very long inputs make small batches). When
    ``work`` runs out of memory the batch is halved and retried, down to one item; the smaller
    limits are kept for the rest of the run.

    ``on_batch`` hears each item's result once, as soon as it is known, by the item's position
    in ``items``: the caller can keep finished work before the rest is done. ``work`` gets the
    batch and a function to report part of it early, by position in the batch (an engine that
    runs several batches at once reports each as it ends); whatever it did not report is
    reported when it returns. A result reported by a try that later ran out of memory is not
    reported again by the retry.
    """
    if batch_size < 1:
        raise ValueError(f"batch size must be at least 1, got {batch_size}")
    order = sorted(range(len(items)), key=lambda index: -lengths[index])
    results: list[Result | None] = [None] * len(items)
    reported: set[int] = set()

    def report(indices: Sequence[int], finished: Finished) -> None:
        fresh = {indices[p]: out for p, out in finished.items() if indices[p] not in reported}
        reported.update(fresh)
        if fresh and on_batch is not None:
            on_batch(fresh)

    position = 0
    while position < len(order):
        count = batch_size
        if max_batch_tokens is not None:
            longest = max(1, lengths[order[position]])
            count = max(1, min(batch_size, max_batch_tokens // longest))
        indices = order[position : position + count]
        try:
            outputs = work(
                [items[index] for index in indices],
                lambda finished, indices=indices: report(indices, finished),
            )
        except Exception as error:  # only memory errors are retried
            if not is_out_of_memory(error) or len(indices) == 1:
                raise
            batch_size = max(1, len(indices) // 2)
            if max_batch_tokens is not None:
                max_batch_tokens = max(1, max_batch_tokens // 2)
            logger.warning("out of memory; retrying with batch size %d", batch_size)
            continue
        if len(outputs) != len(indices):
            raise RuntimeError(f"batch of {len(indices)} inputs gave {len(outputs)} outputs")
        for index, output in zip(indices, outputs, strict=True):
            results[index] = output
        report(indices, dict(enumerate(outputs)))
        position += len(indices)
    return results  # type: ignore[return-value]


def even_chunks(items: Sequence[Item], count: int) -> list[list[Item]]:
    """``items`` cut into ``count`` consecutive chunks whose sizes differ by at most one."""
    base, extra = divmod(len(items), count)
    chunks, start = [], 0
    for index in range(count):
        size = base + (index < extra)
        chunks.append(list(items[start : start + size]))
        start += size
    return chunks
