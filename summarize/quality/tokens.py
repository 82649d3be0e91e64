"""How the checks cut text: words, Han characters, letters and their scripts."""

from __future__ import annotations

import re
import unicodedata

#: Runs of letters (no digits): words, or a run of Han characters.
LETTERS = re.compile(r"[^\W\d_]+")
# Han ideographs (CJK Unified, Extension A, Compatibility): each one is a token.
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Tokens for loops and copies: a Han character, or a run of other letters and digits.
_HAN_OR_WORD = re.compile(f"[{_HAN}]|[^\\W_{_HAN}]+")


#: Unicode categories of the letters of an alphabet. Digits such as ² and ₂ (No) are
#: matched as letters by ``LETTERS`` but belong to no alphabet, and neither do modifier
#: letters (Lm), such as ʼ, the apostrophe of Ukrainian spelling (Премʼєр, пʼять, імʼя).
_LETTER_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lo"})
#: Decomposition tags of signs that are letters to Unicode but no letter of an alphabet: º
#: (super), µ MICRO SIGN (compat), ℓ (font). Units copied from an article (CO₂, km²,
#: µg/m³, 41ºC) are written with them.
_SIGN_DECOMPOSITIONS = ("<super>", "<sub>", "<compat>", "<font>")


def script_of(char: str) -> str:
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


def word_tokens(text: str) -> list[str]:
    """Lower-cased words, each Han character counted as a word of its own."""
    return [token.casefold() for token in _HAN_OR_WORD.findall(text)]


def letter_count(text: str) -> int:
    """Letters in ``text``: digits, signs and punctuation left out."""
    return sum(1 for char in text if char.isalpha())
