"""Faithfulness: numbers and names a summary or translation has that its source lacks."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from summarize.core.languages import ENGLISH
from summarize.core.records import QualityWarning
from summarize.quality.kinds import (
    SUMMARY,
    TRANSLATION,
    UNSUPPORTED_NAME,
    UNSUPPORTED_NUMBER,
    make_warning,
)
from summarize.quality.names import acronyms_in, capitalised_names, implied_names, name_known
from summarize.quality.numbers import (
    CHINESE_MONTH,
    CLOCK_HOURS,
    MONTH_NUMBERS,
    named_months,
    number_values,
    without_restated,
    word_number_values,
    written_numbers,
)
from summarize.quality.tokens import LETTERS


def check_faithfulness(
    summary: str, references: Iterable[str], *, names: bool = True
) -> list[QualityWarning]:
    """Flag numbers, dates and capitalised names in a summary that the article never mentions.

    ``references`` are the texts the summary may draw on: the whole article (every chunk of a
    long one), and its English translation for an article in another language. Numbers
    compare by value (1,000 = 1 000 = 1000 = one thousand; 3.5 = 3,5; 1.5 million =
    1,500,000; a clock time as a time: 9:30 = 9.30am, 21:30 = 9.30pm; a range of years by
    its years: 2023-24 = 2023/2024), names by letters, ignoring case and a few letters of
    ending ("Russia" supports "Russian"); an ISO date supports the name of its month
    ("2024-03-15": "March"), and a country the other words for it ("Britain", "UK":
    "British"). ``names=False`` skips names: for an article not in English with no English
    text to compare against.
    """
    reference_text = "\n".join(references)
    warnings: list[QualityWarning] = []
    words = word_number_values(reference_text)
    # A scaled summary number must match a value the article gives in full or scaled: "2.5"
    # in "$2.5 billion" supports a bare "2.5", never "$2.5 million".
    numbers = written_numbers(reference_text)
    scaled_known = {value for number in numbers for value in number.values} | words
    known = scaled_known | {value for number in numbers for value in number.digits}
    unsupported = [
        number.written
        for number in written_numbers(
            without_restated(summary, reference_text, known), english=True
        )
        if not number.values & (scaled_known if number.scaled else known)
    ]
    if unsupported:
        warnings.append(
            make_warning(
                SUMMARY,
                ENGLISH.code,
                UNSUPPORTED_NUMBER,
                "numbers not in the article: " + ", ".join(dict.fromkeys(unsupported)),
            )
        )
    if names:
        known_words = {word.casefold() for word in LETTERS.findall(reference_text)}
        acronyms = acronyms_in(reference_text)
        known_words |= acronyms | implied_names(reference_text, acronyms)
        missing = [name for name in capitalised_names(summary) if not name_known(name, known_words)]
        if missing:
            warnings.append(
                make_warning(
                    SUMMARY,
                    ENGLISH.code,
                    UNSUPPORTED_NAME,
                    "names not in the article: " + ", ".join(dict.fromkeys(missing)),
                )
            )
    return warnings


def check_numbers(source: str, translation: str, language: str) -> list[QualityWarning]:
    """Flag numbers in a translated sentence that its English source does not have: "25
    people" came back as "52 людей".

    Values compare as in :func:`check_faithfulness` (5,25 = 5.25; 250万 = 2.5 million; number
    words in the source count). A clock hour may move to the 24-hour clock ("6 p.m." -> "18
    órakor"), and Chinese numbers the months the English names ("December" -> "12月"; a
    wrong month, "11月", is flagged): neither is flagged; nor is a clock time or a range of
    years written another way ("9.30pm" -> "21:30", "2023-24" -> "2023–2024").
    """
    known = number_values(source) | word_number_values(source)
    months = {Decimal(match[1]) for match in CHINESE_MONTH.finditer(translation)}
    months &= named_months(source)
    changed = []
    for number in written_numbers(without_restated(translation, source, known)):
        if number.values & known:
            continue
        if number.digits <= CLOCK_HOURS and {value - 12 for value in number.digits} & known:
            continue
        if language == "zh" and number.digits <= (months & MONTH_NUMBERS):
            continue
        changed.append(number.written)
    if not changed:
        return []
    return [
        make_warning(
            TRANSLATION,
            language,
            UNSUPPORTED_NUMBER,
            "numbers not in the English: " + ", ".join(dict.fromkeys(changed)),
            translation,
        )
    ]
