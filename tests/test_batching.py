from __future__ import annotations

import pytest

from summarize.engines.batching import run_sorted_batches


class FakeOutOfMemory(RuntimeError):
    pass


def test_results_come_back_in_input_order_and_batches_are_length_sorted() -> None:
    items = ["ccc", "a", "bbbbb", "dd"]
    seen: list[list[str]] = []

    def work(batch: list[str]) -> list[str]:
        seen.append(batch)
        return [item.upper() for item in batch]

    done: list[dict[int, str]] = []
    results = run_sorted_batches(
        items, [len(i) for i in items], 2, lambda batch, _: work(batch), on_batch=done.append
    )
    assert results == ["CCC", "A", "BBBBB", "DD"]
    assert seen == [["bbbbb", "ccc"], ["dd", "a"]]
    # Each batch's results as it ends, by position in the items.
    assert done == [{2: "BBBBB", 0: "CCC"}, {3: "DD", 1: "A"}]


def test_out_of_memory_halves_the_batch_and_retries() -> None:
    sizes: list[int] = []

    def work(batch: list[int]) -> list[int]:
        sizes.append(len(batch))
        if len(batch) > 2:
            raise FakeOutOfMemory("CUDA out of memory")
        return [item * 10 for item in batch]

    items = list(range(9))
    results = run_sorted_batches(
        items,
        [1] * 9,
        8,
        lambda batch, _: work(batch),
        is_out_of_memory=lambda e: isinstance(e, FakeOutOfMemory),
    )
    assert results == [item * 10 for item in items]
    assert sizes == [8, 4, 2, 2, 2, 2, 1]  # halved twice, then kept at 2 for the rest


def test_other_errors_and_out_of_memory_at_batch_size_one_propagate() -> None:
    def broken(batch: list[int]) -> list[int]:
        raise ValueError("bad input")

    with pytest.raises(ValueError):
        run_sorted_batches(
            [1, 2], [1, 1], 2, lambda batch, _: broken(batch), is_out_of_memory=lambda e: True
        )

    def always_oom(batch: list[int]) -> list[int]:
        raise FakeOutOfMemory("out of memory")

    with pytest.raises(FakeOutOfMemory):
        run_sorted_batches(
            [1, 2], [1, 1], 2, lambda batch, _: always_oom(batch), is_out_of_memory=lambda e: True
        )


def test_attention_backends_only_change_on_cuda() -> None:
    import contextlib

    from summarize.engines.transformers_engine import attention_backends

    assert isinstance(attention_backends("cpu"), contextlib.nullcontext)
    assert not isinstance(attention_backends("cuda:0"), contextlib.nullcontext)


def test_token_budget_makes_long_inputs_share_smaller_batches() -> None:
    lengths = [100, 10, 10, 90, 10, 10, 10, 10]
    seen: list[list[int]] = []

    def work(batch: list[int]) -> list[int]:
        seen.append(batch)
        return batch

    items = list(range(len(lengths)))
    results = run_sorted_batches(
        items, lengths, 8, lambda batch, _: work(batch), max_batch_tokens=200
    )
    assert results == items
    # Padded to its longest item, no batch exceeds 200 tokens (a lone giant may still run alone).
    assert all(len(batch) * max(lengths[i] for i in batch) <= 200 for batch in seen)
    assert [len(batch) for batch in seen] == [2, 6]


def test_even_chunks_differ_by_at_most_one() -> None:
    from summarize.engines.batching import even_chunks

    assert even_chunks(list(range(9)), 4) == [[0, 1, 2], [3, 4], [5, 6], [7, 8]]
    assert even_chunks(list(range(4)), 2) == [[0, 1], [2, 3]]
    assert even_chunks([1], 1) == [[1]]


def test_early_reports_are_heard_once_even_when_a_retry_recomputes_them() -> None:
    """An engine that runs several batches at once reports each as it ends; when a later one
    runs out of memory the retry recomputes the earlier ones, which are not reported again."""
    heard: list[dict[int, int]] = []
    tries: list[int] = []

    def work(batch: list[int], report) -> list[int]:
        tries.append(len(batch))
        report({0: batch[0] * 10})  # the first item's batch ends first
        if len(batch) > 2:
            raise FakeOutOfMemory("out of memory")
        return [item * 10 for item in batch]

    items = [1, 2, 3, 4]
    results = run_sorted_batches(
        items, [1] * 4, 4, work, is_out_of_memory=lambda e: True, on_batch=heard.append
    )
    assert results == [10, 20, 30, 40]
    assert tries == [4, 2, 2]
    # Item 0 was reported by the try that failed, and never again.
    assert heard == [{0: 10}, {1: 20}, {2: 30}, {3: 40}]
    assert sorted(i for batch in heard for i in batch) == [0, 1, 2, 3]
