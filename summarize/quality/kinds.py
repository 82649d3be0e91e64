"""What a quality warning says: its stages and kinds, and how one is written."""

from __future__ import annotations

from collections.abc import Sequence

from summarize.core.errors import ConfigError
from summarize.core.languages import get_language
from summarize.core.records import QualityWarning

#: One source sentence (or over-long piece of one) and its translation.
SentencePair = tuple[str, str]

# Stages a warning belongs to.
SUMMARY = "summary"
TRANSLATION = "translation"
#: A problem met reading the article (a guessed encoding, dropped NUL bytes, a renamed id),
#: listed with the quality warnings in results.jsonl and run.json under kind ``reading``.
INPUT = "input"
READING = "reading"

# Kinds of warning (the ``kind`` field), one per way of failing.
#: Language identification names another language (or Russian letters in Ukrainian, ...).
WRONG_LANGUAGE = "wrong_language"
#: Most letters are not in the language's script (Latin in the Russian edition, Traditional
#: characters where Simplified Chinese was asked).
WRONG_SCRIPT = "wrong_script"
#: The same word or phrase repeated back to back: a decoding loop.
REPETITION = "repetition"
#: The same sentence twice where the source has it once.
REPEATED_SENTENCE = "repeated_sentence"
#: A translation much shorter than its source sentence: content dropped.
TOO_SHORT = "too_short"
#: A translation much longer than its source sentence: content invented or looped.
TOO_LONG = "too_long"
#: The translation is (nearly) the English input, copied.
UNTRANSLATED = "untranslated"
#: A source sentence with no translation in the rejoined text.
DROPPED_SENTENCE = "dropped_sentence"
#: A number or date in the summary that the article does not contain.
UNSUPPORTED_NUMBER = "unsupported_number"
#: A capitalised name in the summary that the article does not contain.
UNSUPPORTED_NAME = "unsupported_name"
#: Longest quote of the text in a warning's detail, in characters.
DETAIL_QUOTE = 80


def warning_records(
    reading: Sequence[str], quality: Sequence[QualityWarning]
) -> list[dict[str, str | None]]:
    """An article's ``warnings`` in results.jsonl and run.json: reading problems, then flags.

    Every entry has the same keys (``stage``, ``language``, ``kind``, ``detail``), so a script
    filters one list; a reading problem has no language.
    """
    return [
        {"stage": INPUT, "language": None, "kind": READING, "detail": text} for text in reading
    ] + [warning.as_record() for warning in quality]


def language_name(code: str) -> str:
    """A language's English name; a code our tables don't know stands for itself."""
    try:
        return get_language(code).name
    except ConfigError:  # a code our tables don't know (fastText knows 176 languages)
        return code


def quote(text: str) -> str:
    """``text`` on one line, shortened to ``DETAIL_QUOTE`` characters, in quotation marks."""
    text = " ".join(text.split())
    if len(text) > DETAIL_QUOTE:
        text = text[: DETAIL_QUOTE - 1].rstrip() + "…"
    return f"“{text}”"


def make_warning(
    stage: str, language: str, kind: str, finding: str, text: str | None = None
) -> QualityWarning:
    """A warning whose detail is ``finding``, after a quote of ``text`` when given."""
    detail = finding if text is None else f"{quote(text)} {finding}"
    return QualityWarning(stage=stage, language=language, kind=kind, detail=detail)


def unique_warnings(warnings: list[QualityWarning]) -> list[QualityWarning]:
    """``warnings`` without repeats, in order."""
    return list(dict.fromkeys(warnings))
