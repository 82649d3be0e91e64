"""Cheap checks of every summary and translation, so a flawed one never reaches a reader unmarked.

Seq2seq models fail in known ways that a reader of the briefing cannot see: Marian models loop
("I'm sorry I'm sorry ...") or drop sentences; NLLB answers in the wrong language or script when
its target token is off; summarisers invent numbers and names; a sentence comes back
untranslated. Every check is a pure function over strings, fast enough to run on every
output of every run, and needs no model beyond the language-identification one that
:mod:`summarize.text.detection` already uses for source detection.

The checks are heuristics: each is tuned to flag nothing on correct news sentences (see the
hand-written sentences in ``tests/test_quality.py`` and docs/quality.md) and to
catch the failures above. A flag says "look at this", never "this is wrong": text is
never hidden because of it.
"""

from __future__ import annotations

from summarize.quality.articles import check_article, check_summary
from summarize.quality.degeneration import (
    check_length,
    check_repeated_sentences,
    check_repetition,
    check_untranslated,
)
from summarize.quality.faithfulness import check_faithfulness, check_numbers
from summarize.quality.kinds import (
    DROPPED_SENTENCE,
    INPUT,
    READING,
    REPEATED_SENTENCE,
    REPETITION,
    SUMMARY,
    TOO_LONG,
    TOO_SHORT,
    TRANSLATION,
    UNSUPPORTED_NAME,
    UNSUPPORTED_NUMBER,
    UNTRANSLATED,
    WRONG_LANGUAGE,
    WRONG_SCRIPT,
    SentencePair,
    warning_records,
)
from summarize.quality.retries import retry_suspects, suspect_sentences
from summarize.quality.scripts import check_language, check_script
from summarize.quality.translations import (
    check_coverage,
    check_sentence,
    check_translation,
    sentence_pairs,
)

__all__ = [
    "DROPPED_SENTENCE",
    "INPUT",
    "READING",
    "REPEATED_SENTENCE",
    "REPETITION",
    "SUMMARY",
    "TOO_LONG",
    "TOO_SHORT",
    "TRANSLATION",
    "UNSUPPORTED_NAME",
    "UNSUPPORTED_NUMBER",
    "UNTRANSLATED",
    "WRONG_LANGUAGE",
    "WRONG_SCRIPT",
    "SentencePair",
    "check_article",
    "check_coverage",
    "check_faithfulness",
    "check_language",
    "check_length",
    "check_numbers",
    "check_repeated_sentences",
    "check_repetition",
    "check_script",
    "check_sentence",
    "check_summary",
    "check_translation",
    "check_untranslated",
    "retry_suspects",
    "sentence_pairs",
    "suspect_sentences",
    "warning_records",
]
