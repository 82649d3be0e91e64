"""Every check of one article's summary and translations."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from summarize.core.languages import ENGLISH
from summarize.core.records import QualityWarning
from summarize.quality.degeneration import check_repeated_sentences, check_repetition
from summarize.quality.faithfulness import check_faithfulness
from summarize.quality.kinds import SUMMARY, SentencePair
from summarize.quality.scripts import check_language, check_script
from summarize.quality.translations import check_translation


def check_summary(
    summary: str,
    references: Iterable[str] | None,
    *,
    names: bool = True,
    scores: Callable[[str], list[tuple[str, float]]] | None = None,
) -> list[QualityWarning]:
    """Every check of an English summary against the article it summarises.

    ``references`` None: the article is unknown (``summarize check`` given a summary alone),
    so its numbers and names cannot be compared and only the checks of the text itself run.
    """
    language = ENGLISH.code
    return [
        *check_language(summary, language, SUMMARY, scores=scores),
        *check_script(summary, language, SUMMARY),
        *check_repetition(summary, language, SUMMARY),
        *check_repeated_sentences(summary, language, SUMMARY),
        *(check_faithfulness(summary, references, names=names) if references is not None else []),
    ]


def check_article(
    summary: str,
    references: Iterable[str] | None,
    translations: Mapping[str, str],
    sentences: Mapping[str, Sequence[SentencePair]],
    *,
    names: bool = True,
    scores: Callable[[str], list[tuple[str, float]]] | None = None,
) -> list[QualityWarning]:
    """Every check of one article's summary and of each of its translations.

    ``sentences`` holds, per language, the sentence pairs the translation was made of (a
    language missing from it is checked as a whole text); ``references`` None: see
    :func:`check_summary`.
    """
    references = list(references) if references is not None else None
    warnings = check_summary(summary, references, names=names, scores=scores)
    for language, translation in translations.items():
        warnings += check_translation(
            summary, translation, language, sentences.get(language), scores=scores
        )
    return warnings
