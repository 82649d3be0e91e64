"""Long texts without sentence punctuation, chunked with the tiny models' own tokenizers."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from support.tiny_models import CORPUS

from summarize.engines.tokenizing import count_tokens, load_tokenizer, token_spans
from summarize.text.sentences import pack_into_chunks, split_oversized, split_sentences

#: Input tokens the summariser has for article text with the tiny models' 128-token limit.
BUDGET = 126


def one_line(size: int) -> str:
    """``size`` characters of news words on one line, with no sentence punctuation."""
    words = re.sub(r"[^\w\s]", "", " ".join(CORPUS[:40])).split()
    repeats = size // len(" ".join(words)) + 1
    return " ".join(words * repeats)[:size].strip()


def chunk(tokenizer, text: str) -> list[str]:
    return pack_into_chunks(
        split_sentences(text),
        lambda texts: count_tokens(tokenizer, texts),
        BUDGET,
        token_spans=lambda one: token_spans(tokenizer, one),
    )


@pytest.mark.parametrize("family", ["bart", "t5", "marian"])
def test_token_spans_cover_the_tokens(tiny_models: dict[str, Path], family: str) -> None:
    tokenizer = load_tokenizer(str(tiny_models[family]))
    text = "The central bank raised interest rates  by a quarter of a point"
    spans = token_spans(tokenizer, text)
    starts = [start for start, _ in spans]
    assert starts == sorted(starts)
    assert all(0 <= start <= end <= len(text) for start, end in spans)
    # Fast tokenizers give each token's offsets; slow ones (Marian) each word's tokens.
    if tokenizer.is_fast:
        assert len(spans) == count_tokens(tokenizer, [text])[0]
    else:
        assert len(spans) == sum(count_tokens(tokenizer, text.split()))


@pytest.mark.parametrize("family", ["bart", "marian"])
def test_a_long_line_is_chunked_within_the_budget(tiny_models: dict[str, Path], family) -> None:
    tokenizer = load_tokenizer(str(tiny_models[family]))
    text = one_line(50_000)
    chunks = chunk(tokenizer, text)
    assert " ".join(chunks) == text
    assert max(count_tokens(tokenizer, chunks)) <= BUDGET
    sentences = split_oversized(
        [text], lambda texts: count_tokens(tokenizer, texts), BUDGET, token_spans=None
    )
    assert " ".join(sentences) == text


@pytest.mark.slow
def test_five_megabytes_on_one_line_chunk_with_linear_work(tiny_models: dict[str, Path]) -> None:
    # Work, not wall-clock time (the machines are shared): every character is tokenised a few
    # times at most, where the old splitter re-tokenised the rest of the text at every step.
    tokenizer = load_tokenizer(str(tiny_models["bart"]))
    text = one_line(5_000_000)
    tokenised = 0

    def counted(texts: list[str]) -> list[int]:
        nonlocal tokenised
        tokenised += sum(map(len, texts))
        return count_tokens(tokenizer, texts)

    def spans(one: str) -> list[tuple[int, int]]:
        nonlocal tokenised
        tokenised += len(one)
        return token_spans(tokenizer, one)

    started = time.perf_counter()
    chunks = pack_into_chunks(split_sentences(text), counted, BUDGET, token_spans=spans)
    print(f"5 MB on one line: {time.perf_counter() - started:.1f} s")  # shown with -s
    assert " ".join(chunks) == text
    assert max(count_tokens(tokenizer, chunks)) <= BUDGET
    assert tokenised <= 6 * len(text), tokenised / len(text)
