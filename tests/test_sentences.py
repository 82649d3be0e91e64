from __future__ import annotations

import random
import re
import time

from summarize.text.sentences import pack_into_chunks, split_oversized, split_sentences


def words(texts):
    return [len(text.split()) for text in texts]


def test_split_sentences_keeps_abbreviations_and_paragraphs() -> None:
    text = "Dr. Smith met Mr. Jones in Washington.  He left.\n\nA new paragraph starts here!"
    assert split_sentences(text) == [
        "Dr. Smith met Mr. Jones in Washington.",
        "He left.",
        "A new paragraph starts here!",
    ]


def test_split_sentences_chinese() -> None:
    assert split_sentences("我爱北京。你好吗？", "zh") == ["我爱北京。", "你好吗？"]


def test_periods_that_end_no_sentence_do_not_split_it() -> None:
    # Hungarian dates and ordinals, Russian abbreviations, initials before a name.
    hungarian = "2024. március 15-én beszédet mondott. A csapat a 3. helyen végzett."
    assert split_sentences(hungarian, "hu") == [
        "2024. március 15-én beszédet mondott.",
        "A csapat a 3. helyen végzett.",
    ]
    assert split_sentences("A XX. század elején kb. tízezren éltek ott. Ma többen.", "hu") == [
        "A XX. század elején kb. tízezren éltek ott.",
        "Ma többen.",
    ]
    assert split_sentences("В. Зеленський зустрівся з Е. Макроном. Вони говорили.", "uk") == [
        "В. Зеленський зустрівся з Е. Макроном.",
        "Вони говорили.",
    ]
    assert split_sentences("Это, т.е. главное, решено. Потом.", "ru") == [
        "Это, т.е. главное, решено.",
        "Потом.",
    ]
    # Real sentence ends stay where they were.
    assert split_sentences("Prices rose. They fell again.") == ["Prices rose.", "They fell again."]
    assert split_sentences("经济增长。然后下降。", "zh") == ["经济增长。", "然后下降。"]


def test_pack_into_chunks_respects_budget_and_keeps_every_word() -> None:
    sentences = [f"sentence {i} has exactly six words." for i in range(20)]
    chunks = pack_into_chunks(sentences, words, budget=20)
    assert all(n <= 20 for n in words(chunks))
    assert len(chunks) > 1
    assert " ".join(chunks).split() == " ".join(sentences).split()


def test_sentences_that_fit_together_make_one_chunk() -> None:
    # 14 sentences of 3 words: 42 tokens, within 48, though 14 seams estimated at one token
    # each would make 56.
    sentences = [f"Word number {n}." for n in range(14)]
    chunks = pack_into_chunks(sentences, words, 48)
    assert chunks == [" ".join(sentences)]
    assert pack_into_chunks(sentences, words, 41) != chunks  # and over the budget it splits


def test_oversized_sentence_is_split_between_words_not_truncated() -> None:
    long_sentence = " ".join(f"w{i}" for i in range(25))
    parts = split_oversized([long_sentence, "short one"], words, budget=10)
    assert words(parts) == [10, 10, 5, 2]
    assert " ".join(parts).split() == [*long_sentence.split(), "short", "one"]


def test_text_without_spaces_is_split_between_characters() -> None:
    parts = split_oversized(["一二三四五六七"], lambda ts: [len(t) for t in ts], budget=3)
    assert parts == ["一二三", "四五六", "七"]


def sentence(length: int, tag: str = "w") -> str:
    return " ".join(f"{tag}{i}" for i in range(length - 1)) + " end."


def greedy_chunk_count(lengths: list[int], budget: int) -> int:
    """How many chunks packing whole sentences greedily takes, with word counts exact."""
    chunks, current = 0, budget + 1
    for length in lengths:
        if current + length > budget:
            chunks, current = chunks + 1, 0
        current += length
    return chunks


def test_a_tiny_last_chunk_is_balanced_with_the_others() -> None:
    # Packed greedily for a 1024-token model: 968 tokens, then a scrap of 74 that the model
    # would pad out to its minimum summary length with invented text.
    sentences = [sentence(44, f"s{n}_") for n in range(22)] + [sentence(74)]
    assert greedy_chunk_count(words(sentences), 1024) == 2
    chunks = pack_into_chunks(sentences, words, budget=1024)
    assert len(chunks) == 2
    assert all(480 <= n <= 560 for n in words(chunks)), words(chunks)
    assert " ".join(chunks) == " ".join(sentences)


def test_chunks_are_balanced_within_budget_and_never_more_than_greedy() -> None:
    for seed in range(300):
        rng = random.Random(seed)
        budget = rng.randint(8, 120)
        # Sentences from a few tokens to the whole budget, as in news text and in summaries.
        longest = max(1, budget // rng.choice([1, 3, 8]))
        lengths = [rng.randint(1, longest) for _ in range(rng.randint(1, 80))]
        sentences = [sentence(length, f"s{n}_") for n, length in enumerate(lengths)]
        chunks = pack_into_chunks(sentences, words, budget)
        sizes = words(chunks)
        assert " ".join(chunks) == " ".join(sentences), seed
        assert all(0 < n <= budget for n in sizes), seed
        assert len(chunks) == greedy_chunk_count(lengths, budget), seed
        # Near-equal: every chunk within a sentence of an equal share (greedy packing left
        # scraps of a few tokens after full chunks).
        share = sum(lengths) / len(chunks)
        assert all(abs(n - share) <= max(lengths) for n in sizes), (seed, sizes)


def test_packing_counts_each_sentence_about_once() -> None:
    counted: list[int] = []

    def counting(texts):
        counted.append(sum(len(text.split()) for text in texts))
        return words(texts)

    sentences = [sentence(3 + n % 5, f"s{n}_") for n in range(400)]
    chunks = pack_into_chunks(sentences, counting, budget=100)
    assert len(chunks) == greedy_chunk_count(words(sentences), 100)
    # The whole text once to see whether it fits, each sentence once, each chunk once.
    assert sum(counted) <= 3 * sum(words(sentences))


def test_chunks_fit_when_joining_costs_more_than_the_sentences_apart() -> None:
    def seams_cost_a_token(texts):
        return [len(text.split()) + text.count(". ") for text in texts]

    for seed in range(100):
        rng = random.Random(seed)
        budget = rng.randint(8, 60)
        sentences = [
            sentence(rng.randint(1, budget - 1), f"s{n}_") for n in range(rng.randint(1, 30))
        ]
        chunks = pack_into_chunks(sentences, seams_cost_a_token, budget)
        assert all(n <= budget for n in seams_cost_a_token(chunks)), seed
        assert " ".join(chunks) == " ".join(sentences), seed


class CountingTokenizer:
    """Counts words as tokens, and every character it is given to tokenise."""

    def __init__(self) -> None:
        self.characters = 0

    def count(self, texts):
        self.characters += sum(len(text) for text in texts)
        return words(texts)

    def spans(self, text):
        self.characters += len(text)
        return [(match.start(), match.end()) for match in re.finditer(r"\S+", text)]


class CountingCharacters(CountingTokenizer):
    """Counts characters as tokens."""

    def count(self, texts):
        self.characters += sum(len(text) for text in texts)
        return [len(text) for text in texts]


def unpunctuated(length: int) -> str:
    return " ".join(f"w{i % 97}" for i in range(length))


def test_chunking_unpunctuated_text_is_linear_in_its_length() -> None:
    # Each step of a binary search once re-tokenised the rest of the text: quadratic.
    work = []
    for length in (5_000, 20_000):
        tokenizer = CountingTokenizer()
        text = unpunctuated(length)
        chunks = pack_into_chunks(
            split_sentences(text), tokenizer.count, budget=100, token_spans=tokenizer.spans
        )
        assert " ".join(chunks) == text
        assert all(n <= 100 for n in words(chunks))
        work.append(tokenizer.characters / len(text))
    assert work[1] <= 1.25 * work[0], work
    assert work[1] <= 8, work  # a few passes over the text, not one per chunk


def test_splitting_without_token_offsets_is_linear_too() -> None:
    work = []
    for length in (5_000, 20_000):
        tokenizer = CountingTokenizer()
        text = unpunctuated(length)
        parts = split_oversized([text], tokenizer.count, budget=100)
        assert " ".join(parts) == text
        work.append(tokenizer.characters / len(text))
    assert work[1] <= 1.25 * work[0], work


def test_splitting_text_without_spaces_is_linear_with_offsets_that_say_nothing() -> None:
    # A slow tokenizer's offsets put every token of a text without spaces on its first
    # character: the estimate of where each part ends is no help, and must cost no more.
    work = []
    for length in (5_000, 20_000):
        tokenizer = CountingCharacters()
        text = "经济" * (length // 2)
        parts = split_oversized(
            [text], tokenizer.count, budget=100, token_spans=lambda one: [(0, len(one))] * len(one)
        )
        assert "".join(parts) == text
        assert all(len(part) == 100 for part in parts)
        work.append(tokenizer.characters / len(text))
    assert work[1] <= 1.25 * work[0], work


def longest_fitting_runs(text: str, count, budget: int) -> list[str]:
    """The parts splitting between words makes: from each start, the longest run that fits."""
    words_left, parts = text.split(" "), []
    while words_left:
        stop = 1
        while stop < len(words_left) and count([" ".join(words_left[: stop + 1])])[0] <= budget:
            stop += 1
        parts.append(" ".join(words_left[:stop]))
        words_left = words_left[stop:]
    return parts


def test_an_over_long_sentence_splits_into_the_longest_runs_that_fit() -> None:
    # Token offsets are only an estimate of where a part ends: here wrong both ways (a seam
    # costs a token they miss; long words cost more than one), and the parts stay the same.
    def seams_and_long_words(texts):
        return [len(text.split()) + text.count("x") + text.count("  ") for text in texts]

    def wrong_spans(text):
        return [(match.start(), match.end()) for match in re.finditer(r"\S+\s?\S*", text)]

    for seed in range(60):
        rng = random.Random(seed)
        budget = rng.randint(3, 40)
        text = " ".join(
            rng.choice(["a", "bb", "xxx", "x", "word"]) for _ in range(rng.randint(budget, 400))
        )
        expected = longest_fitting_runs(text, seams_and_long_words, budget)
        for spans in (None, wrong_spans):
            parts = split_oversized([text], seams_and_long_words, budget, token_spans=spans)
            assert parts == expected, (seed, spans)


def test_false_breaks_rejoin_in_linear_time() -> None:
    # Thousands of ordinals ("3.") in one paragraph were joined onto a growing string: 4x the
    # text took 12-16x as long. Best of three runs, so a busy machine does not fail it.
    seconds = []
    for length in (10_000, 40_000):
        text = " ".join(f"a {n}. helyen" for n in range(length)) + "."
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            assert split_sentences(text, "hu") == [text]
            runs.append(time.perf_counter() - started)
        seconds.append(min(runs))
    assert seconds[1] <= 8 * seconds[0], seconds
