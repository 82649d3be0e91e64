"""Checks of a translation: sentence by sentence, and its coverage of the summary."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from summarize.core.languages import ENGLISH
from summarize.core.records import QualityWarning
from summarize.quality.degeneration import (
    check_length,
    check_repeated_sentences,
    check_repetition,
    check_untranslated,
)
from summarize.quality.faithfulness import check_numbers
from summarize.quality.kinds import (
    DROPPED_SENTENCE,
    TRANSLATION,
    SentencePair,
    make_warning,
    quote,
    unique_warnings,
)
from summarize.quality.scripts import check_language, check_script
from summarize.quality.tokens import word_tokens
from summarize.text.sentences import split_sentences


def check_coverage(
    summary: str, pairs: Sequence[SentencePair], translation: str, language: str
) -> list[QualityWarning]:
    """Flag any part of the summary that has no translation in the rejoined text.

    ``pairs`` are the sentences the translator saw and what came back; together their
    sources must hold every word of the summary, and each translation must be present in
    ``translation`` (an empty one is :func:`check_sentence`'s to report).
    """
    warnings: list[QualityWarning] = []
    if word_tokens(" ".join(source for source, _ in pairs)) != word_tokens(summary):
        warnings.append(
            make_warning(
                TRANSLATION,
                language,
                DROPPED_SENTENCE,
                "the sentences translated do not add up to the summary",
            )
        )
    for number, (source, translated) in enumerate(pairs, start=1):
        # An empty translation is check_sentence's to report.
        if translated.strip() and translated.strip() not in translation:
            warnings.append(
                make_warning(
                    TRANSLATION,
                    language,
                    DROPPED_SENTENCE,
                    f"sentence {number} of {len(pairs)} {quote(source)} is missing from the "
                    "rejoined translation",
                )
            )
    return warnings


def check_sentence(source: str, translation: str, language: str) -> list[QualityWarning]:
    """The checks that hold for one translated sentence on its own (and so guide a retry)."""
    if not translation.strip():
        return [
            make_warning(
                TRANSLATION, language, DROPPED_SENTENCE, f"{quote(source)} came back empty"
            )
        ]
    return [
        *check_script(translation, language, source=source),
        *check_repetition(translation, language, source=source),
        *check_length(source, translation, language),
        *check_untranslated(source, translation, language),
        *check_numbers(source, translation, language),
    ]


def check_translation(
    summary: str,
    translation: str,
    language: str,
    pairs: Sequence[SentencePair] | None = None,
    *,
    scores: Callable[[str], list[tuple[str, float]]] | None = None,
) -> list[QualityWarning]:
    """Every check of one summary's translation into ``language``.

    With ``pairs`` (each sentence sent to the model and what came back) the degenerate-text
    checks run sentence by sentence and coverage is checked; without them (an entry cached
    by an older version) the whole text is checked as one sentence.
    """
    if pairs is None:
        pairs = [(summary, translation)]
        coverage: list[QualityWarning] = []
    else:
        coverage = check_coverage(summary, pairs, translation, language)
    sentences = [
        warning
        for source, translated in pairs
        if word_tokens(source)
        for warning in check_sentence(source, translated, language)
    ]
    return unique_warnings(
        [
            *check_language(translation, language, scores=scores),
            *sentences,
            *check_repeated_sentences(translation, language, source=summary),
            *coverage,
        ]
    )


def sentence_pairs(source: str, translation: str, language: str) -> list[SentencePair] | None:
    """Source and translation matched sentence by sentence, for a translation made elsewhere.

    A run knows which sentence it sent and what came back; a translation from another tool
    comes whole, so its sentences are paired with the source's when both split into as many.
    None when they do not (a sentence dropped, merged or split), or when splitting changed the
    spaces of a sentence (which coverage would take for a dropped one): the text is then
    checked as one sentence, as :func:`check_translation` does without pairs.
    """
    sources = split_sentences(source, ENGLISH.code)
    translated = split_sentences(translation, language)
    if len(sources) != len(translated) or not all(part in translation for part in translated):
        return None
    return list(zip(sources, translated, strict=True))
