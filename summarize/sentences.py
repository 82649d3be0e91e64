"""Sentence splitting and packing text into chunks that fit a model's input limit.

Seq2seq models have a hard input limit (e.g. 1024 tokens for BART) and translation models are
trained on single sentences. Nothing here truncates: text that does not fit is split on sentence
boundaries, and a single sentence longer than the limit is split between words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

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
    joined: list[str] = []
    for piece in pieces:
        if joined and (_continues(piece) or _ends_in_initial(joined[-1])):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


def _ends_in_initial(piece: str) -> bool:
    """Whether ``piece`` ends in a capital letter standing alone with a period ("В.")."""
    match = _INITIAL_AT_END.search(piece)
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
    """Greedily join consecutive sentences into chunks of at most ``budget`` tokens each.

    Sentences longer than the budget are first split between words.
    """
    if budget < 1:
        raise ValueError(f"token budget must be positive, got {budget}")
    pieces = split_oversized(list(sentences), count_tokens, budget)
    counts = count_tokens(pieces)
    chunks: list[str] = []
    current: list[str] = []
    current_tokens = 0
    for piece, tokens in zip(pieces, counts, strict=True):
        # +1 per piece: joining can cost a token at the seam (e.g. a leading-space BPE piece).
        if current and current_tokens + tokens + 1 > budget:
            # The estimate errs long; count the joined text before starting a new chunk, or
            # an article that fits would be summarised in two (the second a scrap).
            joined = count_tokens([joiner.join([*current, piece])])[0]
            if joined <= budget:
                current.append(piece)
                current_tokens = joined
                continue
            chunks.extend(_verified(current, count_tokens, budget, joiner))
            current, current_tokens = [], 0
        current.append(piece)
        current_tokens += tokens + 1
    if current:
        chunks.extend(_verified(current, count_tokens, budget, joiner))
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
    counts = count_tokens(pieces) if pieces else []
    result: list[str] = []
    for piece, tokens in zip(pieces, counts, strict=True):
        if tokens <= budget:
            result.append(piece)
        else:
            result.extend(_split_between_words(piece, count_tokens, budget))
    return result


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
