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
#: Character (start, end) of each token of one text, without the model's special tokens.
TokenSpans = Callable[[str], list[tuple[int, int]]]

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
    *,
    token_spans: TokenSpans | None = None,
) -> list[str]:
    """Join consecutive sentences into chunks of at most ``budget`` tokens each.

    As many chunks as packing greedily needs, but of near-equal size: a greedy last chunk can
    be a scrap of a few sentences, which a summariser pads out to its minimum summary length
    with invented text. Sentences longer than the budget are first split between words
    (``token_spans``, the model's token offsets, find where; without it each word is counted).
    Linear in the text's length.
    """
    if budget < 1:
        raise ValueError(f"token budget must be positive, got {budget}")
    if not sentences:
        return []
    # Most articles fit whole; counting the joined text also keeps one that fits in one chunk
    # when its sentences counted apart would add up to more.
    whole = joiner.join(sentences)
    whole_count = count_tokens([whole])[0]
    if whole_count <= budget:
        return [whole]
    # One sentence (a text without sentence punctuation) is the text just counted.
    known = [whole_count] if len(sentences) == 1 else None
    pieces, counts = _fit_to_budget(list(sentences), count_tokens, budget, token_spans, known)
    if not pieces:
        return []
    # Chunks are planned from each piece's count, taken once; joined text can count a token
    # more at a seam (e.g. a leading-space BPE piece), so each chunk is counted once as joined
    # and the plan redone with a tighter budget when one ran over.
    estimate_budget = budget
    for _ in range(_REPLANS):
        groups = _balanced_groups(pieces, counts, estimate_budget)
        texts = [joiner.join(group) for group in groups]
        over = max(actual - budget for actual in _chunk_counts(groups, texts, counts, count_tokens))
        if over <= 0:
            return texts
        estimate_budget -= over
        if estimate_budget < max(counts):
            break
    return [text for group in groups for text in _verified(group, count_tokens, budget, joiner)]


#: Plans of a text's chunks to try before splitting any chunk that runs over in two.
_REPLANS = 3


def _chunk_counts(
    groups: list[list[str]], texts: list[str], counts: list[int], count_tokens: TokenCounter
) -> list[int]:
    """Tokens of each chunk's text; a chunk of one piece has that piece's count, known already."""
    firsts = list(accumulate((len(group) for group in groups), initial=0))
    joined = [text for group, text in zip(groups, texts, strict=True) if len(group) > 1]
    fresh = iter(count_tokens(joined) if joined else [])
    return [
        counts[first] if len(group) == 1 else next(fresh)
        for group, first in zip(groups, firsts, strict=False)
    ]


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


def split_oversized(
    pieces: list[str],
    count_tokens: TokenCounter,
    budget: int,
    *,
    token_spans: TokenSpans | None = None,
) -> list[str]:
    """Keep pieces that fit ``budget`` tokens; split longer ones between words.

    ``token_spans`` (the model's token offsets) finds where; without it each word is counted.
    """
    return _fit_to_budget(pieces, count_tokens, budget, token_spans)[0]


def _fit_to_budget(
    pieces: list[str],
    count_tokens: TokenCounter,
    budget: int,
    token_spans: TokenSpans | None,
    counts: list[int] | None = None,
) -> tuple[list[str], list[int]]:
    """:func:`split_oversized`, with the token count of each piece it returns.

    ``counts``: the pieces' token counts, where the caller has them already.
    """
    if counts is None:
        counts = count_tokens(pieces) if pieces else []
    result: list[str] = []
    result_counts: list[int] = []
    for piece, tokens in zip(pieces, counts, strict=True):
        if tokens <= budget:
            result.append(piece)
            result_counts.append(tokens)
        else:
            parts, part_counts = _split_between_words(piece, count_tokens, budget, token_spans)
            result.extend(parts)
            result_counts.extend(part_counts)
    return result, result_counts


def _split_between_words(
    text: str, count_tokens: TokenCounter, budget: int, token_spans: TokenSpans | None
) -> tuple[list[str], list[int]]:
    """Split one over-long sentence into parts that fit, between words when there are spaces.

    Each part is the longest run of words from where the last one ended that fits. Where it
    ends is estimated from the tokens of the whole sentence, taken once, and then checked by
    counting the part itself: the work grows with the sentence, not with its square. Returns
    the parts with their token counts.
    """
    spaced = " " in text.strip()
    words = text.split(" ") if spaced else list(text)
    joiner = " " if spaced else ""
    # word_starts[i]: where words[i] starts in text (the last entry: past its end).
    word_starts = list(accumulate((len(word) + len(joiner) for word in words), initial=0))
    token_starts = _token_starts(text, words, word_starts, count_tokens, token_spans)
    parts: list[str] = []
    counts: list[int] = []
    start, previous = 0, None
    while start < len(words):
        # The run ends at the last word that starts before the token one past the budget.
        first_token = bisect_left(token_starts, word_starts[start])
        if first_token + budget < len(token_starts):
            estimate = bisect_right(word_starts, token_starts[first_token + budget]) - 1
        else:
            estimate = len(words)
        if previous is not None:
            # Offsets can be far off (a slow tokenizer's on text without spaces): a first probe
            # no longer than twice the last part keeps one bad estimate from counting the rest.
            estimate = min(estimate, start + 2 * previous)
        stop, count = _longest_fitting_run(words, joiner, start, estimate, count_tokens, budget)
        previous = stop - start
        part = joiner.join(words[start:stop])
        if part.strip():
            parts.append(part)
            counts.append(count)
        start = stop
    return parts, counts


def _token_starts(
    text: str,
    words: list[str],
    word_starts: list[int],
    count_tokens: TokenCounter,
    token_spans: TokenSpans | None,
) -> list[int]:
    """Where each token of ``text`` (``words`` joined) starts, in order; an estimate."""
    if token_spans is not None:
        return sorted(token_start for token_start, _ in token_spans(text))
    # Words counted apart, in one call (a word can count differently in context): each
    # word's tokens all start where it does.
    counts = count_tokens(words)
    return [at for at, count in zip(word_starts, counts, strict=False) for _ in range(count)]


def _longest_fitting_run(
    words: list[str],
    joiner: str,
    start: int,
    estimate: int,
    count_tokens: TokenCounter,
    budget: int,
) -> tuple[int, int]:
    """Where the longest run of words from ``start`` that fits ends (at least one word), and
    its token count.

    Probes outward from the estimated end in doubling steps, then bisects between the last
    probe that fit and the first that did not. A right estimate costs one call, which counts
    the run and the run one word longer.
    """
    counted: dict[int, int] = {}

    def fits(stop: int) -> bool:
        if stop not in counted:
            counted[stop] = count_tokens([joiner.join(words[start:stop])])[0]
        return counted[stop] <= budget

    shortest = start + 1
    probe = min(max(estimate, shortest), len(words))
    # The estimate and one word more, counted in one call: when the estimate is right, that
    # is all the counting this run needs.
    candidates = [stop for stop in (probe, probe + 1) if stop <= len(words)]
    texts = [joiner.join(words[start:stop]) for stop in candidates]
    counted.update(zip(candidates, count_tokens(texts), strict=True))
    step = 1
    if probe == shortest or fits(probe):
        # The run to ``probe`` fits (or is the one word taken whatever its size): look further.
        low, high = probe, len(words)
        while low < high:
            probe = min(low + step, high)
            if not fits(probe):
                high = probe - 1
                break
            low, step = probe, step * 2
    else:
        low, high = shortest, probe - 1
        while low < high:
            probe = max(high + 1 - step, low)
            if probe == low or fits(probe):
                low = probe
                break
            high, step = probe - 1, step * 2
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    fits(low)
    return low, counted[low]
