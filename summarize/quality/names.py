"""Capitalised names in a summary, and the words an article supports them with."""

from __future__ import annotations

import re

from summarize.core.languages import ENGLISH
from summarize.quality.tokens import LETTERS
from summarize.text.sentences import split_sentences

#: A date as ISO 8601 writes it, alone or in a timestamp ("2024-03-15T09:30"). Group: month.
_ISO_DATE = re.compile(r"(?<!\d)\d{4}-(0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)")
# fmt: off
_MONTH_NAMES = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
]
# fmt: on
#: Letters a name may gain or lose between article and summary ("Russia"/"Russian",
#: "Hungary"/"Hungarian", "American"/"Americans") and still count as the same name: the two
#: must share all but the last letter of the shorter one.
_NAME_SUFFIX_LETTERS = 3
#: Names shorter than this must match exactly.
_NAME_STEM_LETTERS = 4
#: Words for one country, its people and its things, any of which supports the others: a
#: summary writes "British" for an article's "Britain" or "UK", "American" for "U.S.". Pairs
#: that share a stem ("Russia", "Russian") would match anyway; they are listed so the table
#: says which countries it covers.
_COUNTRY_WORDS = [
    frozenset({"britain", "british", "briton", "uk"}),
    frozenset({"america", "american", "us", "usa"}),
    frozenset({"france", "french"}),
    frozenset({"germany", "german"}),
    frozenset({"china", "chinese"}),
    frozenset({"russia", "russian"}),
    frozenset({"ukraine", "ukrainian"}),
    frozenset({"hungary", "hungarian"}),
    frozenset({"spain", "spanish"}),
    frozenset({"poland", "polish"}),
    frozenset({"sweden", "swedish"}),
    frozenset({"netherlands", "holland", "dutch"}),
]
#: Characters after which a capitalised word starts a sentence or quote, not a name.
_OPENERS = frozenset("\"“”„«‘'(:;—–-")


def implied_names(text: str, acronyms: set[str]) -> set[str]:
    """Names ``text`` stands for without writing them: the month of an ISO date ("march" for
    2024-03-15), and the other words for a country it names ("british" for "Britain", "UK";
    ``acronyms`` are those of :func:`acronyms_in`)."""
    names = {_MONTH_NAMES[int(match[1]) - 1] for match in _ISO_DATE.finditer(text)}
    # Capitalised words only: the pronoun "us" is no country.
    named = {word.casefold() for word in LETTERS.findall(text) if word[0].isupper()} | acronyms
    for words in _COUNTRY_WORDS:
        if words & named:
            names |= words
    return names


#: An abbreviation written with dots ("U.S.", "U.K."), and a run of two or more capitalised
#: words ("European Union", "United Nations").
_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][^\W\d_]*(?:\s+[A-Z][^\W\d_]*)+")


def acronyms_in(text: str) -> set[str]:
    """Acronyms a summary may use for what ``text`` writes out: "us" for "U.S.", "eu" for
    "European Union"."""
    acronyms = {match.replace(".", "").casefold() for match in _DOTTED.findall(text)}
    for run in _CAPITALISED_RUN.findall(text):
        initials = "".join(word[0] for word in run.split()).casefold()
        # Also without the first word, which may open the sentence: "The European Union".
        acronyms.update({initials, initials[1:]} if len(initials) > 2 else {initials})
    return acronyms


def capitalised_names(summary: str) -> list[str]:
    """Capitalised words that do not open a sentence or quote: names, titles, places."""
    names = []
    for sentence in split_sentences(summary, ENGLISH.code):
        for index, match in enumerate(LETTERS.finditer(sentence)):
            word = match.group()
            before = sentence[: match.start()].rstrip()
            opens = index == 0 or (bool(before) and before[-1] in _OPENERS)
            if len(word) > 1 and word[0].isupper() and not opens:
                names.append(word)
    return names


def name_known(name: str, known: set[str]) -> bool:
    """Whether the article has ``name``, or the same stem with another ending."""
    word = name.casefold()
    if word in known:
        return True
    if len(word) < _NAME_STEM_LETTERS:
        return False
    return any(
        abs(len(other) - len(word)) <= _NAME_SUFFIX_LETTERS
        and _shared_prefix(word, other) >= max(_NAME_STEM_LETTERS, min(len(word), len(other)) - 1)
        for other in known
    )


def _shared_prefix(first: str, second: str) -> int:
    """Number of leading characters two words share."""
    return next(
        (i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b),
        min(len(first), len(second)),
    )
