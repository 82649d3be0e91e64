"""Fetched web pages as articles: the body decoded by its charset, read as an HTML file is."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from summarize.core.records import Article
from summarize.core.urls import safe_href
from summarize.inputs.cleanup import clean, nul_warning
from summarize.inputs.decoding import Decoded, decode, text_encoding
from summarize.inputs.drafts import Unreadable
from summarize.inputs.files import InputFile
from summarize.inputs.html import read_html
from summarize.web import Fetched

#: Media types read as HTML pages (besides a body that starts like one).
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def decode_body(body: bytes, charset: str | None, *, html: bool) -> Decoded:
    """A fetched body as text: the server's charset when it names one that fits, else the
    file rules (byte-order mark, UTF-8, ``<meta charset>``, a guess)."""
    if not body:
        raise Unreadable("empty response")
    encoding = text_encoding(charset) if charset else None
    if encoding:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            pass  # a wrong label: the body's own evidence decides
        else:
            cleaned, dropped = clean(text.removeprefix("\ufeff"))
            return Decoded(cleaned, [nul_warning("page", dropped)] if dropped else [])
    return decode(body, html=html)


def looks_like_html(fetched: Fetched) -> bool:
    """Whether a body is an HTML page: by its media type, else by how it starts."""
    if fetched.content_type in HTML_TYPES:
        return True
    if fetched.content_type not in (None, "text/plain", "application/octet-stream"):
        return False
    head = fetched.body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def page_draft(fetched: Fetched, base_id: str, source: str) -> Article:
    """The article in a fetched HTML page; its URL is the page's canonical one, else where it
    was fetched from after redirects. Raises Unreadable."""
    decoded = decode_body(fetched.body, fetched.charset, html=True)
    if not decoded.text.strip():
        raise Unreadable("empty page")
    draft = read_html(decoded, InputFile(Path(source), base_id))
    return replace(draft, source=source, url=safe_href(draft.url) or safe_href(fetched.final_url))
