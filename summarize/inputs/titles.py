"""Headlines: telling one from body text, and deriving one from the first sentence."""

from __future__ import annotations

import sentencex

from summarize.inputs.cleanup import one_line

#: A first line longer than this (words / characters) is body text, not a headline.
_HEADLINE_MAX_WORDS = 20
_HEADLINE_MAX_CHARS = 200
#: Derived titles are cut at a word boundary to at most this many characters (ellipsis included).
_TITLE_MAX_CHARS = 120
#: Only this much of the first paragraph is handed to the sentence splitter (characters).
_SENTENCE_SCAN_CHARS = 2000
#: Characters that end a sentence, so a first line ending in one is not a headline.
_SENTENCE_END = frozenset(".!?…。！？．‼⁉؟।")
#: Endings that mark a line as running on (a headline never ends this way).
_RUN_ON_END = frozenset(",;:、，；：")
#: Closing quotes and brackets skipped when looking at how a line ends ("... end." counts).
_CLOSERS = "\"'”’»›」』)]）】"


def looks_like_headline(line: str) -> bool:
    """Short, has words, and does not end like a sentence (``."`` counts as an ending)."""
    line = line.strip()
    if not line or len(line) > _HEADLINE_MAX_CHARS or len(line.split()) > _HEADLINE_MAX_WORDS:
        return False
    if not any(ch.isalnum() for ch in line):
        return False
    end = line.rstrip(_CLOSERS + " ")
    return bool(end) and end[-1] not in _SENTENCE_END and end[-1] not in _RUN_ON_END


def derive_title(body: str) -> str:
    """The first sentence of the body, cut at a word boundary to fit a title."""
    first_paragraph = one_line(body.split("\n\n", 1)[0][:_SENTENCE_SCAN_CHARS])
    sentence = next(
        (s.strip() for s in sentencex.segment("en", first_paragraph) if s.strip()),
        first_paragraph,
    )
    return _shorten(sentence, _TITLE_MAX_CHARS)


def _shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word boundary, with ``…`` when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # else one very long word or unspaced script: cut mid-word
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + "…"
