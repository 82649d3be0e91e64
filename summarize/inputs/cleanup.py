"""Normalising decoded text: newlines, control characters, lines and paragraphs."""

from __future__ import annotations

import re
import unicodedata

from summarize.core.files import printable

#: C0/C1 control characters dropped from text (tab and newline are kept).
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ufeff]")
_BLANK_LINES = re.compile(r"\n\s*\n")


def nul_warning(where: str, count: int) -> str:
    """The reading warning for ``count`` NUL bytes dropped from a file or record."""
    return f"dropped {count} NUL byte{'s' if count != 1 else ''} from the {where}"


def clean(text: str) -> tuple[str, int]:
    """NFC, LF newlines, page breaks as newlines, control characters dropped; NULs counted."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\x0b", "\n").replace("\x0c", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n").replace("\x85", "\n")
    nuls = text.count("\x00")
    # A lone surrogate (JSON's "\ud800") could be written into no page: U+FFFD instead.
    text = printable(_CONTROL_CHARS.sub("", text))
    return unicodedata.normalize("NFC", text), nuls


def clean_line(text: str | None) -> str | None:
    """Text as one trimmed line with single spaces; None when nothing is left."""
    if not text:
        return None
    line = one_line(clean(text)[0])
    return line or None


def one_line(text: str) -> str:
    """``text`` on one line, each run of whitespace a single space."""
    return " ".join(text.split())


def paragraphs(text: str) -> str:
    """Body text with paragraphs separated by one blank line and no trailing whitespace.

    Text without any blank line (one paragraph per line, as in many scraped files) gets one
    paragraph per line; otherwise lines inside a paragraph are kept as they are.
    """
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines).strip("\n")
    if not text:
        return ""
    if not _BLANK_LINES.search(text):
        return "\n\n".join(line for line in lines if line.strip())
    blocks = (block.strip("\n") for block in _BLANK_LINES.split(text))
    return "\n\n".join(block for block in blocks if block.strip())
