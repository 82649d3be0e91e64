"""Numbers as written: their values, scales, clock times and ranges of years."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise

# A number as written: digits with thousands separators (1,000 1.000 1 000) or a decimal
# mark (3.5 3,5). Spaces join digit groups only when each group after the first has three
# digits, so "in 2023 15 people" stays two numbers.
_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f\u2009 ]\d+)*")
_GROUP_SEPARATORS = "\u00a0\u202f\u2009 "
#: Words and abbreviations that scale the number before them. A summary number with one
#: must match the article's scaled value: "$2.5 million" is not "$2.5 billion", nor "2,500".
#: Besides English, the words of the target languages and a few common European ones, for
#: an article in another language whose English translation is no longer cached.
_SCALES = {
    "thousand": 1_000,
    "million": 1_000_000,
    "mln": 1_000_000,
    "mn": 1_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "tn": 1_000_000_000_000,
    "trn": 1_000_000_000_000,
    "тыс": 1_000,
    "тис": 1_000,
    "млн": 1_000_000,
    "млрд": 1_000_000_000,
    "трлн": 1_000_000_000_000,
    "mio": 1_000_000,
    "mrd": 1_000_000_000,
}
#: Beginnings of scale words that inflect ("millions", "milliárdot", "миллиона", "мільярдів"),
#: and the Chinese 万 and 亿, written before the noun with no space ("208万人").
_SCALE_STEMS = {
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "ezer": 1_000,
    "millió": 1_000_000,
    "milliárd": 1_000_000_000,
    "тысяч": 1_000,
    "тисяч": 1_000,
    "миллион": 1_000_000,
    "мільйон": 1_000_000,
    "миллиард": 1_000_000_000,
    "мільярд": 1_000_000_000,
    "milliard": 1_000_000_000,
    "millon": 1_000_000,
    "millón": 1_000_000,
    "milion": 1_000_000,
    "miliard": 1_000_000_000,
    "万": 10_000,
    "亿": 100_000_000,
    "万亿": 1_000_000_000_000,
}
#: Abbreviations that may scale a number or be a unit ("£20m" or "a 5m wall"; "$50k" or
#: "5k run"): a number with one stands for either value.
_AMBIGUOUS_SCALES = {"m": 1_000_000, "k": 1_000, "b": 1_000_000_000}
#: Hours of the 24-hour clock after noon, which a translation may write for "6 p.m.".
CLOCK_HOURS = frozenset(Decimal(hour) for hour in range(13, 25))
#: Month numbers, which Chinese writes for month names ("12月" for December).
MONTH_NUMBERS = frozenset(Decimal(month) for month in range(1, 13))
CHINESE_MONTH = re.compile(r"(\d{1,2})\s*月")
# fmt: off
_MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]
# fmt: on
#: Abbreviations news writes for months ("Jan. 5", "Sept. 30"); May, June and July have none.
_MONTH_ABBREVIATIONS = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
#: An English month name or abbreviation, capitalised (the verbs "march" and "may" are not).
_MONTH_NAME = re.compile(r"\b(" + "|".join([*_MONTHS, *_MONTH_ABBREVIATIONS]) + r")\b(?![^\W\d_])")
#: A clock time as written: 9:30, 9.30, 9h30, 09:30:00, each with or without a.m./p.m., or an
#: hour with a.m./p.m. ("9pm"). Not after a currency sign or before a percent sign: "$9.30"
#: and "9.30%" are no times. Groups: hour, minutes, "a" or "p".
_CLOCK_TIME = re.compile(
    r"(?<![\d.,:$€£¥])(\d{1,2})(?:[:.h]([0-5]\d)(?::[0-5]\d)?)?(?![\d%]|[.,:]\d)"
    r"(?:\s?([ap])\.?\s?m(?![^\W\d_])\.?)?",
    re.IGNORECASE,
)
#: A clock time in Chinese: "9点30分", "21时30分".
_CHINESE_CLOCK_TIME = re.compile(r"(?<!\d)(\d{1,2})\s*[点时]\s*([0-5]\d)\s*分")
#: A range of years (a season, a financial year): 2023-24, 2023–2024, 2023/24; not part of a
#: date such as 2024-03-15. Groups: first year, last year in two or four digits.
_YEAR_RANGE = re.compile(
    r"(?<![\d.,/–-])((?:19|20)\d\d)\s?[-–/]\s?(\d\d|(?:19|20)\d\d)(?!\d|[-–/.]\d)"
)
#: The word right after a number, joined to it or after one space.
_WORD_AFTER_NUMBER = re.compile(r"[ \u00a0]?([^\W\d_]+)")
# fmt: off
_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINALS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
    "eleventh", "twelfth",
]
# fmt: on
#: English number words -> value, so "five" in an article supports "5" in its summary.
_NUMBER_WORDS: dict[str, int] = {
    **{word: value for value, word in enumerate(_UNITS)},
    **{word: 20 + 10 * index for index, word in enumerate(_TENS)},
    **{word: value for value, word in enumerate(_ORDINALS, start=1)},
    "dozen": 12,
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "half": 2,
    "twice": 2,
    "once": 1,
    "decade": 10,
    "decades": 10,
    "century": 100,
}


@dataclass(frozen=True)
class _Number:
    """A number as written in a text."""

    #: As written, with its scale word if it has one ("2.5 million", "2.5bn").
    written: str
    #: Every value it may stand for (``1,000``: 1000, or 1 with a decimal comma).
    values: frozenset[Decimal]
    #: The values of its digits alone ("2.5 million": 2.5).
    digits: frozenset[Decimal]
    #: Whether a scale word fixes its value ("2.5 million" is 2,500,000 and nothing else).
    scaled: bool


def written_numbers(text: str, *, english: bool = False) -> list[_Number]:
    """Every number written in ``text``, with the values it may stand for.

    ``english``: read ``2,000`` as two thousand only (an English summary never writes a
    decimal comma), unless the number makes no sense that way (``3,5``, copied from a
    Hungarian article).
    """
    found = []
    for match in _NUMBER.finditer(text):
        word = _WORD_AFTER_NUMBER.match(text, match.end())
        scale, ambiguous = _scale_of(word.group(1)) if word else (None, False)
        parts = _number_parts(match.group().strip())
        for index, written in enumerate(parts):
            digits = _readings(written, english_only=True) if english else set()
            digits = digits or _readings(written)
            values = digits
            scaled = word is not None and scale is not None and index == len(parts) - 1
            if scaled:  # only the last of "in 2023 15 million"
                values = {value * scale for value in digits} | (digits if ambiguous else set())
                if not ambiguous:
                    written += text[match.end() : word.end()]
            if values:
                found.append(
                    _Number(written, frozenset(values), frozenset(digits), scaled and not ambiguous)
                )
    return found


#: Chinese for "more than", between a number and its scale: "200多万" is over two million.
_CHINESE_APPROXIMATE = "多余"


def _scale_of(word: str) -> tuple[int | None, bool]:
    """The scale a word after a number gives it (None: none), and whether it may be a unit."""
    word = word.lower()
    if word[:1] in _CHINESE_APPROXIMATE and word[1:2] in ("万", "亿"):
        word = word[1:]
    if word in _AMBIGUOUS_SCALES:
        return _AMBIGUOUS_SCALES[word], True
    if word in _SCALES:
        return _SCALES[word], False
    # The longest: 万亿 (a trillion) before 万 (ten thousand).
    stem = max((stem for stem in _SCALE_STEMS if word.startswith(stem)), key=len, default=None)
    return (_SCALE_STEMS[stem] if stem is not None else None), False


def named_months(text: str) -> set[Decimal]:
    """Numbers (1-12) of the months an English text names: "in March" -> 3."""
    return {
        Decimal(_MONTH_ABBREVIATIONS.get(name) or _MONTHS.index(name) + 1)
        for name in _MONTH_NAME.findall(text)
    }


def number_values(text: str) -> set[Decimal]:
    """Every value the numbers of ``text`` may stand for, with and without their scale."""
    return {value for number in written_numbers(text) for value in number.values | number.digits}


def _number_parts(written: str) -> list[str]:
    """Split a run of digits at spaces that are not thousands separators."""
    parts = re.split(f"[{_GROUP_SEPARATORS}]", written)
    if (
        len(parts) > 1
        and 1 <= len(parts[0]) <= 3
        and all(len(part) == 3 and part.isdigit() for part in parts[1:])
    ):
        return [written]
    return parts


def _readings(written: str, *, english_only: bool = False) -> set[Decimal]:
    """The values a written number may have: ``1,000`` is 1000 or (decimal comma) 1."""
    compact = re.sub(f"[{_GROUP_SEPARATORS}]", "", written)
    readings: set[Decimal] = set()
    conventions = ((",", "."),) if english_only else ((",", "."), (".", ","))
    for thousands, decimal in conventions:
        head, mark, tail = compact.rpartition(decimal)
        if not mark:
            head, tail = compact, ""
        groups = head.split(thousands)
        if len(groups) > 1 and not all(len(group) == 3 for group in groups[1:]):
            continue
        if thousands in tail or decimal in head:
            continue
        try:
            readings.add(Decimal("".join(groups) + ("." + tail if tail else "")).normalize())
        except InvalidOperation:
            continue
    return readings


def word_number_values(text: str) -> set[Decimal]:
    """Values of English number words: "five", "twenty-five", "third", "a dozen", "two
    million"."""
    words = re.findall(r"[a-z]+", text.lower())
    # The value of the number words ending at each word ("twenty five" -> 25 at "five").
    ending: list[int | None] = [_NUMBER_WORDS.get(word) for word in words]
    for index, (tens, unit) in enumerate(pairwise(words), start=1):
        if tens in _TENS and unit in _NUMBER_WORDS and _NUMBER_WORDS[unit] < 10:
            ending[index] = _NUMBER_WORDS[tens] + _NUMBER_WORDS[unit]
    values = {Decimal(value) for value in ending if value is not None}
    for index, word in enumerate(words[1:], start=1):
        before = ending[index - 1]
        if word in _SCALES and before is not None:
            values.add(Decimal(before * _SCALES[word]))
    return values


#: A clock time: hour, minutes, and "a" or "p" where a.m. or p.m. follows (else None).
_Time = tuple[int, int, str | None]


def without_restated(text: str, reference: str, known: set[Decimal]) -> str:
    """``text`` less the clock times and year ranges that ``reference`` gives too, written
    another way ("21:30" for "9.30pm", "2023-2024" for "2023-24"): digit by digit they differ.

    ``known`` holds the values of ``reference``'s numbers; a year range is supported when
    both of its years are among them or end a range of ``reference``.
    """
    times = [time for _, time in _clock_times(reference)]
    years = known | {last for _, (_, last) in _year_ranges(reference)}
    spans = [
        span for span, time in _clock_times(text) if any(_same_time(time, other) for other in times)
    ]
    spans += [span for span, (first, last) in _year_ranges(text) if {first, last} <= years]
    kept_from = len(text)
    for start, end in sorted(spans, reverse=True):
        if end <= kept_from:  # skip a span overlapping one already taken out
            text = text[:start] + "\n" + text[end:]
            kept_from = start
    return text


def _clock_times(text: str) -> list[tuple[tuple[int, int], _Time]]:
    """Every clock time written in ``text``, with its span."""
    found = []
    for match in _CLOCK_TIME.finditer(text):
        hour, half = int(match[1]), match[3] and match[3].lower()
        # A bare number is no time; an hour past 12 takes no a.m./p.m.
        if (match[2] is None and not half) or hour > (12 if half else 24) or (half and not hour):
            continue
        found.append((match.span(), (hour, int(match[2] or 0), half)))
    for match in _CHINESE_CLOCK_TIME.finditer(text):
        if int(match[1]) <= 24:
            found.append((match.span(), (int(match[1]), int(match[2]), None)))
    return found


def _same_time(first: _Time, second: _Time) -> bool:
    """Whether two clock times may be the same: 21:30 and 9.30pm; 9:30 and 9.30pm too, as a
    translation may leave the half of the day to words ("9:30 вечера"); never 9:30 and 21:30."""
    if first[1] != second[1]:
        return False
    if first[2] and second[2]:
        return _hour_of_day(first) == _hour_of_day(second)
    if first[2] or second[2]:
        marked, plain = (first, second) if first[2] else (second, first)
        return plain[0] in (marked[0], _hour_of_day(marked))
    return first[0] == second[0]


def _hour_of_day(time: _Time) -> int:
    """The hour on the 24-hour clock of a time with a.m. or p.m."""
    return time[0] % 12 + (12 if time[2] == "p" else 0)


def _year_ranges(text: str) -> list[tuple[tuple[int, int], tuple[Decimal, Decimal]]]:
    """Every range of years in ``text``, with its span, its last year in full (2023-24: 2024)."""
    found = []
    for match in _YEAR_RANGE.finditer(text):
        first, last = int(match[1]), int(match[2])
        if last < 100:  # the same century, or the next one for 1999-00
            last += first // 100 * 100 + (100 if last <= first % 100 else 0)
        if last > first:
            found.append((match.span(), (Decimal(first), Decimal(last))))
    return found
