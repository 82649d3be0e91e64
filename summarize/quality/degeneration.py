"""Degenerate text: decoding loops, repeated sentences, wrong lengths, copied source."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from summarize.core.languages import ENGLISH, iso_script
from summarize.core.records import QualityWarning
from summarize.quality.kinds import (
    REPEATED_SENTENCE,
    REPETITION,
    TOO_LONG,
    TOO_SHORT,
    TRANSLATION,
    UNTRANSLATED,
    make_warning,
    quote,
)
from summarize.quality.tokens import letter_count, script_of, word_tokens
from summarize.text.sentences import split_sentences

#: Letters of a correct translation per letter of its English source sentence: (lowest,
#: highest). Digits, signs and punctuation are left out: they are the same in both languages,
#: so in a number-heavy sentence ("The S&P 500 rose 1.2% to 5,321.4.") they would hide how
#: much Chinese shrinks the words. Localisation guides give averages over long passages: "for
#: most languages ... 25%-35% expansion", while "very short strings of text can expand as much
#: as 100%-300%" (Globalization Group, "Text expansion & contraction in translation", 2010);
#: Chinese needs about a third of the characters of English. So the bounds are several times
#: wider than those averages. The hand-written pairs in tests/test_quality.py measure
#: hu 0.74-1.30, ru 0.75-1.32, uk 0.73-1.26 and zh 0.20-0.40 (a test keeps them well inside).
LENGTH_RATIO_BOUNDS: dict[str, tuple[float, float]] = {
    "hu": (0.45, 2.4),
    "ru": (0.45, 2.4),
    "uk": (0.45, 2.4),
    "zh": (0.1, 0.9),
}
#: Any other language pair (alphabetic targets mostly expand by 10-35%) ...
DEFAULT_LENGTH_RATIO_BOUNDS = (0.4, 2.5)
#: ... but one written in characters that stand for words or syllables is far shorter.
CHARACTER_SCRIPT_LENGTH_RATIO_BOUNDS = (0.1, 1.0)
#: ISO 15924 scripts of such languages (Chinese, Japanese, Korean).
_CHARACTER_ISO_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Kore", "Hang"})
#: Source sentences with fewer letters than this skip the length check: "Yes." -> "Igen." is
#: 25% longer and means nothing.
MIN_LETTERS_FOR_LENGTH_RATIO = 20
#: Fewest words in a source sentence before a copied one counts as untranslated ("NATO." or a
#: name stays the same in every language).
MIN_WORDS_FOR_UNTRANSLATED = 3
#: Share of a translation's words copied from the English source that marks it untranslated.
MAX_COPIED_SHARE = 0.8
#: Back-to-back repeats of a phrase that make a loop; a single repeated word needs one more
#: ("very very" is English, "no, no, no" a quote; four in a row is a decoding loop).
MIN_LOOP_REPEATS = 3
MIN_LOOP_TOKENS = 4
#: Back-to-back repeats of a phrase of digits only that make a loop: scores and results
#: repeat ("6-4, 6-4, 6-4"), "1, 1, 1, 1, 1" does not.
MIN_NUMBER_LOOP_REPEATS = 5
#: Longest phrase (in tokens) searched for back-to-back repeats.
MAX_LOOP_PHRASE = 40
#: Fewest tokens in a sentence for it to count as a repeated sentence ("Yes. Yes." may be
#: a quote).
MIN_REPEATED_SENTENCE_TOKENS = 3


def check_repetition(
    text: str, language: str, stage: str = TRANSLATION, *, source: str | None = None
) -> list[QualityWarning]:
    """Flag a word or phrase repeated back to back: a decoding loop.

    ``source`` is the English sentence translated: a phrase repeated no more often than the
    source repeats one is a faithful translation ("Jobs, jobs, jobs" -> "就业、就业、就业").
    """
    tokens = word_tokens(text)
    allowed = _most_repeats(word_tokens(source)) if source is not None else 1
    loop = _longest_loop(tokens, allowed)
    if loop is None:
        return []
    phrase, repeats = loop
    joiner = "" if all(script_of(token[0]) == "HAN" for token in phrase) else " "
    return [
        make_warning(
            stage,
            language,
            REPETITION,
            f"repeats {quote(joiner.join(phrase))} {repeats} times in a row",
            text,
        )
    ]


def _repeats(tokens: Sequence[str], least: int) -> Iterator[tuple[Sequence[str], int]]:
    """Each phrase repeated back to back at least ``least`` times, with its count."""
    for size in range(1, min(MAX_LOOP_PHRASE, len(tokens) // least) + 1):
        start = 0
        while start + size * least <= len(tokens):
            phrase = tokens[start : start + size]
            repeats = 1
            while tokens[start + repeats * size : start + (repeats + 1) * size] == phrase:
                repeats += 1
            if repeats >= least:
                yield phrase, repeats
            # Starting inside a repeat just found finds the same one, shifted: skip past it.
            start += (repeats - 1) * size if repeats > 1 else 1


def _longest_loop(tokens: Sequence[str], allowed: int = 1) -> tuple[Sequence[str], int] | None:
    """The loop (repeated more than ``allowed`` times) covering the most tokens, or None."""
    best: tuple[Sequence[str], int] | None = None
    covered = 0
    for phrase, repeats in _repeats(tokens, max(MIN_LOOP_REPEATS, allowed + 1)):
        span = repeats * len(phrase)
        numbers = all(token.isdigit() for token in phrase)
        if numbers and repeats < MIN_NUMBER_LOOP_REPEATS:
            continue
        if span >= MIN_LOOP_TOKENS and span > covered:
            best, covered = (phrase, repeats), span
    return best


def _most_repeats(tokens: Sequence[str]) -> int:
    """The most times any phrase of ``tokens`` is said back to back (1: none repeated)."""
    return max((repeats for _, repeats in _repeats(tokens, 2)), default=1)


def check_repeated_sentences(
    text: str, language: str, stage: str = TRANSLATION, *, source: str | None = None
) -> list[QualityWarning]:
    """Flag a sentence that appears twice, unless ``source`` (the text translated) repeats too."""
    repeated = _repeated_sentences(text, language)
    if source is not None and repeated:
        allowed = max(_repeated_sentences(source, ENGLISH.code).values(), default=1)
        repeated = {sentence: count for sentence, count in repeated.items() if count > allowed}
    if not repeated:
        return []
    sentence, count = max(repeated.items(), key=lambda item: item[1])
    return [
        make_warning(
            stage, language, REPEATED_SENTENCE, f"has the sentence {quote(sentence)} {count} times"
        )
    ]


def _repeated_sentences(text: str, language: str) -> dict[str, int]:
    """Sentences of ``text`` (of a few tokens at least) that occur more than once, with counts."""
    sentences = [
        sentence
        for sentence in split_sentences(text, language)
        if len(word_tokens(sentence)) >= MIN_REPEATED_SENTENCE_TOKENS
    ]
    counts = Counter(" ".join(word_tokens(sentence)) for sentence in sentences)
    originals = {" ".join(word_tokens(sentence)): sentence for sentence in sentences}
    return {originals[key]: count for key, count in counts.items() if count > 1}


def check_length(
    source: str, translation: str, language: str, stage: str = TRANSLATION
) -> list[QualityWarning]:
    """Flag a translation far shorter or longer than its source sentence for this language pair."""
    source_letters = letter_count(source)
    if source_letters < MIN_LETTERS_FOR_LENGTH_RATIO:
        return []
    low, high = _length_bounds(language)
    ratio = letter_count(translation) / source_letters
    if low <= ratio <= high:
        return []
    kind = TOO_SHORT if ratio < low else TOO_LONG
    bound = low if ratio < low else high
    return [
        make_warning(
            stage,
            language,
            kind,
            f"is {ratio:.2f} times the length of its English source {quote(source)} "
            f"(expected {low:g} to {high:g}; limit {bound:g})",
            translation,
        )
    ]


def _length_bounds(language: str) -> tuple[float, float]:
    if language in LENGTH_RATIO_BOUNDS:
        return LENGTH_RATIO_BOUNDS[language]
    if iso_script(language) in _CHARACTER_ISO_SCRIPTS:
        return CHARACTER_SCRIPT_LENGTH_RATIO_BOUNDS
    return DEFAULT_LENGTH_RATIO_BOUNDS


def check_untranslated(
    source: str, translation: str, language: str, stage: str = TRANSLATION
) -> list[QualityWarning]:
    """Flag a translation that is (nearly) its English source, copied."""
    if language == ENGLISH.code:
        return []
    source_tokens = word_tokens(source)
    if len(source_tokens) < MIN_WORDS_FOR_UNTRANSLATED:
        return []
    target_tokens = word_tokens(translation)
    if not target_tokens:
        return []
    known = set(source_tokens)
    copied = sum(1 for token in target_tokens if token in known) / len(target_tokens)
    if target_tokens != source_tokens and copied < MAX_COPIED_SHARE:
        return []
    how = "is its English source, untranslated" if copied == 1 else "is mostly English copied"
    return [make_warning(stage, language, UNTRANSLATED, how, translation)]
