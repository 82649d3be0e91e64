"""Sentence splitting and packing text into chunks that fit a model's input limit.

Seq2seq models have a hard input limit (e.g. 1024 tokens for BART) and translation models are
trained on single sentences. Nothing here truncates: text that does not fit is split on sentence
boundaries, and a single sentence longer than the limit is split between words.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate, pairwise

from sentencex import segment

#: Counts tokens of each text, without the model's special tokens.
TokenCounter = Callable[[Sequence[str]], list[int]]

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WHITESPACE = re.compile(r"\s+")
#: A piece ending in one capital letter and a period, alone or after a space: an initial.
_INITIAL_AT_END = re.compile(r"(?:^|\s)([^\W\d_])\.$")


def split_sentences(text: str, language: str = "en") -> list[str]:
    """Split text into sentences, paragraph by paragraph, with whitespace normalised."""
    sentences: list[str] = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        paragraph = _WHITESPACE.sub(" ", paragraph).strip()
        if not paragraph:
            continue
        pieces = [piece.strip() for piece in segment(language, paragraph)]
        sentences.extend(_rejoin_false_breaks([piece for piece in pieces if piece]))
    return sentences


def _rejoin_false_breaks(pieces: list[str]) -> list[str]:
    """Undo breaks the segmenter makes after a period that ends no sentence.

    Hungarian writes dates and ordinals with a period ("2024. március 15-én", "a 3. helyen"),
    Russian abbreviations end in one ("т.е."), and initials stand before names ("В. Зеленський"):
    a piece that goes on in lower case, or follows a lone initial, continues the one before.
    Translated alone, each fragment came out as nonsense.
    """
    # Runs of pieces joined once at the end: growing one string piece by piece is quadratic.
    runs: list[list[str]] = []
    for piece in pieces:
        if runs and (_continues(piece) or _ends_in_initial(runs[-1][-1])):
            runs[-1].append(piece)
        else:
            runs.append([piece])
    return [" ".join(run) for run in runs]


def _ends_in_initial(piece: str) -> bool:
    """Whether ``piece`` ends in a capital letter standing alone with a period ("В.")."""
    # An initial and the space before it are the last three characters: the search looks no
    # further back, so it costs the same however long the piece is.
    match = _INITIAL_AT_END.search(piece[-3:])
    return match is not None and match.group(1).isupper()


def _continues(piece: str) -> bool:
    """Whether ``piece`` starts in lower case (after opening quotes or brackets)."""
    first = piece.lstrip("\"'“”„«»‘’([")[:1]
    return first.isalpha() and first.islower()


def pack_into_chunks(
    sentences: Sequence[str],
    count_tokens: TokenCounter,
    budget: int,
    joiner: str = " ",
) -> list[str]:
    """Join consecutive sentences into chunks of at most ``budget`` tokens each.

    As many chunks as packing greedily needs, but of near-equal size: a greedy last chunk can
    be a scrap of a few sentences, which a summariser pads out to its minimum summary length
    with invented text. Sentences longer than the budget are first split between words.
    """
    if budget < 1:
        raise ValueError(f"token budget must be positive, got {budget}")
    if not sentences:
        return []
    # Most articles fit whole; counting the joined text also keeps one that fits in one chunk
    # when its sentences counted apart would add up to more.
    whole = joiner.join(sentences)
    if count_tokens([whole])[0] <= budget:
        return [whole]
    pieces, counts = _fit_to_budget(list(sentences), count_tokens, budget)
    if not pieces:
        return []
    # Chunks are planned from each piece's count, taken once; joined text can count a token
    # more at a seam (e.g. a leading-space BPE piece), so each chunk is counted once as joined
    # and the plan redone with a tighter budget when one ran over.
    estimate_budget = budget
    for _ in range(_REPLANS):
        groups = _balanced_groups(pieces, counts, estimate_budget)
        texts = [joiner.join(group) for group in groups]
        over = max(actual - budget for actual in count_tokens(texts))
        if over <= 0:
            return texts
        estimate_budget -= over
        if estimate_budget < max(counts):
            break
    return [text for group in groups for text in _verified(group, count_tokens, budget, joiner)]


#: Plans of a text's chunks to try before splitting any chunk that runs over in two.
_REPLANS = 3


def _balanced_groups(pieces: list[str], counts: list[int], budget: int) -> list[list[str]]:
    """Pieces in as few groups as fit ``budget`` by their counts, the groups near-equal in size.

    Each piece's count must be within the budget. Linear in the pieces but for bisections.
    """
    ends = list(accumulate(counts, initial=0))
    chunks = _greedy_chunk_count(ends, budget)
    # The smallest cap on a chunk that still needs no more chunks than greedy packing does.
    low, high = max(max(counts), -(-ends[-1] // chunks)), budget
    while low < high:
        middle = (low + high) // 2
        if _greedy_chunk_count(ends, middle) <= chunks:
            high = middle
        else:
            low = middle + 1
    cap = low
    # earliest[j]: the first piece from which the rest still fits in chunks - j chunks of `cap`.
    earliest = [0] * chunks + [len(counts)]
    for j in range(chunks - 1, 0, -1):
        earliest[j] = bisect_left(ends, ends[earliest[j + 1]] - cap)
    cuts = [0]
    for j in range(1, chunks):
        start = cuts[-1]
        # An equal share of what is left, cut at the nearest piece boundary that keeps this
        # chunk within the cap and leaves a rest that fits the chunks still to come.
        target = ends[start] + (ends[-1] - ends[start]) / (chunks - j + 1)
        after = bisect_left(ends, target)
        nearest = min((max(after - 1, 0), after), key=lambda cut: abs(ends[cut] - target))
        latest = bisect_right(ends, ends[start] + cap) - 1
        cuts.append(min(max(nearest, earliest[j], start + 1), latest))
    cuts.append(len(counts))
    return [pieces[begin:end] for begin, end in pairwise(cuts)]


def _greedy_chunk_count(ends: list[int], cap: int) -> int:
    """How many chunks greedy packing makes of pieces whose running token totals are ``ends``."""
    chunks, start = 0, 0
    while start < len(ends) - 1:
        start = bisect_right(ends, ends[start] + cap) - 1
        chunks += 1
    return chunks


def _verified(pieces: list[str], count_tokens: TokenCounter, budget: int, joiner: str) -> list[str]:
    """Join pieces, splitting the group in two if the estimate was optimistic."""
    text = joiner.join(pieces)
    if len(pieces) == 1 or count_tokens([text])[0] <= budget:
        return [text]
    middle = len(pieces) // 2
    return _verified(pieces[:middle], count_tokens, budget, joiner) + _verified(
        pieces[middle:], count_tokens, budget, joiner
    )


def split_oversized(pieces: list[str], count_tokens: TokenCounter, budget: int) -> list[str]:
    """Keep pieces that fit ``budget`` tokens; split longer ones between words."""
    return _fit_to_budget(pieces, count_tokens, budget)[0]


def _fit_to_budget(
    pieces: list[str], count_tokens: TokenCounter, budget: int
) -> tuple[list[str], list[int]]:
    """:func:`split_oversized`, with the token count of each piece it returns."""
    counts = count_tokens(pieces) if pieces else []
    result: list[str] = []
    result_counts: list[int] = []
    for piece, tokens in zip(pieces, counts, strict=True):
        if tokens <= budget:
            result.append(piece)
            result_counts.append(tokens)
        else:
            parts = _split_between_words(piece, count_tokens, budget)
            result.extend(parts)
            result_counts.extend(count_tokens(parts) if parts else [])
    return result, result_counts


def _split_between_words(text: str, count_tokens: TokenCounter, budget: int) -> list[str]:
    """Split one over-long sentence into parts that fit, between words when there are spaces."""
    words = text.split(" ") if " " in text.strip() else list(text)
    joiner = " " if " " in text.strip() else ""
    parts: list[str] = []
    start = 0
    while start < len(words):
        # Binary search for the longest run of words from `start` that fits.
        low, high = start + 1, len(words)
        while low < high:
            middle = (low + high + 1) // 2
            if count_tokens([joiner.join(words[start:middle])])[0] <= budget:
                low = middle
            else:
                high = middle - 1
        parts.append(joiner.join(words[start:low]))
        start = low
    return [part for part in parts if part.strip()]
