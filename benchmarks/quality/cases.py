"""The evaluation set: correct translations and summaries, and faulty ones derived from them.

Every case is a line for ``summarize check`` (see :mod:`summarize.commands.checking`), so the
measure is of exactly what the command, and a run, checks.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.quality import faults
from summarize.quality import (
    DROPPED_SENTENCE,
    REPEATED_SENTENCE,
    REPETITION,
    TOO_SHORT,
    UNSUPPORTED_NAME,
    UNSUPPORTED_NUMBER,
    UNTRANSLATED,
    WRONG_LANGUAGE,
    WRONG_SCRIPT,
)
from summarize.text.sentences import split_sentences

HERE = Path(__file__).parent
#: Translation targets of the set, in table order; summaries are English.
LANGUAGES = ("hu", "zh", "ru", "uk")
SUMMARY_LANGUAGE = "en"
CORRECT = "correct"
#: Each way of failing derived here -> the warning kind of the check that claims to catch it.
FAULTS = {
    "wrong_language": WRONG_LANGUAGE,
    "wrong_script": WRONG_SCRIPT,
    "untranslated": UNTRANSLATED,
    "truncated": TOO_SHORT,
    "dropped_sentence": DROPPED_SENTENCE,
    "repeated_sentence": REPEATED_SENTENCE,
    "loop": REPETITION,
    "changed_number": UNSUPPORTED_NUMBER,
    "invented_number": UNSUPPORTED_NUMBER,
    "invented_name": UNSUPPORTED_NAME,
}
#: Sentence ends that make two sentences a passage (headlines have none).
_SENTENCE_ENDS = tuple(".。”»")


@dataclass(frozen=True)
class Case:
    """One line to check: correct text, or text with one known fault."""

    #: ``correct`` or a key of FAULTS.
    fault: str
    #: The translation's language, or ``en`` for a summary.
    language: str
    #: Id of the correct text it was made from.
    origin: str
    #: The line, as ``summarize check`` reads it.
    record: dict[str, Any]


def sentences() -> list[dict[str, Any]]:
    """The English sentences and their translations (sentences.toml)."""
    with (HERE / "sentences.toml").open("rb") as handle:
        return tomllib.load(handle)["sentence"]


def articles() -> list[dict[str, Any]]:
    """The articles and their summaries (articles.toml)."""
    with (HERE / "articles.toml").open("rb") as handle:
        return tomllib.load(handle)["article"]


def passages(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Consecutive pairs of sentences (no headlines), each pair used once: two-sentence texts."""
    whole = [item for item in items if "headline" not in item["tags"]]
    whole = [
        item for item in whole if all(item[code].endswith(_SENTENCE_ENDS) for code in LANGUAGES)
    ]
    return [whole[index : index + 2] for index in range(0, len(whole) - 1, 2)]


def joiner(language: str) -> str:
    """What goes between two sentences: nothing in Chinese, a space elsewhere."""
    return "" if language == "zh" else " "


def translation_cases() -> Iterator[Case]:
    """Every correct translation, and each fault derived from each that can take it."""
    items = sentences()
    for language in LANGUAGES:
        for item in items:
            source, text = item["en"], item[language]

            derived = [
                (CORRECT, text),
                *(("wrong_language", item[other]) for other in LANGUAGES if other != language),
                ("wrong_script", faults.wrong_script(text, language)),
                ("untranslated", source),
                ("truncated", faults.truncated(text, language)),
                ("loop", faults.looped(text, language)),
                ("changed_number", faults.changed_number(text, source)),
            ]
            for fault, translation in derived:
                if translation is not None:
                    record = {"id": item["id"], "source": source, "translation": translation}
                    yield Case(fault, language, item["id"], {**record, "language": language})
        for pair in passages(items):
            origin = "+".join(item["id"] for item in pair)
            source = " ".join(item["en"] for item in pair)
            parts = [item[language] for item in pair]
            glue = joiner(language)
            for fault, translation in (
                (CORRECT, glue.join(parts)),
                ("dropped_sentence", faults.dropped_sentence(parts, glue)),
                ("repeated_sentence", faults.repeated_sentence(parts, glue)),
            ):
                record = {"id": origin, "source": source, "translation": translation}
                yield Case(fault, language, origin, {**record, "language": language})


def summary_cases() -> Iterator[Case]:
    """Every correct summary, and each fault derived from it that a summary check claims."""
    foreign = [
        joiner(language).join(item[language] for item in pair)
        for pair in passages(sentences())
        for language in LANGUAGES
    ]
    for number, item in enumerate(articles()):
        article, summary = item["text"], item["summary"]
        parts = split_sentences(summary, SUMMARY_LANGUAGE)
        for fault, text in (
            (CORRECT, summary),
            # A summary in another language: the passages' translations, in turn.
            ("wrong_language", foreign[number % len(foreign)]),
            ("loop", faults.looped(summary, SUMMARY_LANGUAGE)),
            ("repeated_sentence", faults.repeated_sentence(parts, " ")),
            ("invented_number", faults.changed_number(summary, article)),
            ("invented_name", faults.invented_name(summary, article)),
        ):
            if text is not None:
                record = {"id": item["id"], "article": article, "summary": text}
                yield Case(fault, SUMMARY_LANGUAGE, item["id"], record)


def all_cases() -> list[Case]:
    """The whole evaluation set: translations, then summaries."""
    return [*translation_cases(), *summary_cases()]
