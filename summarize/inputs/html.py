"""HTML articles: the text trafilatura extracts, else the page's visible body text."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from typing import Any

import lxml.html

from summarize.core.files import printable
from summarize.core.records import Article
from summarize.inputs.cleanup import clean, clean_line, one_line, paragraphs
from summarize.inputs.decoding import Decoded
from summarize.inputs.drafts import Unreadable, make_draft
from summarize.inputs.files import InputFile
from summarize.inputs.metadata import site_name
from summarize.inputs.titles import derive_title

logger = logging.getLogger(__name__)

#: An XML declaration, which lxml refuses at the start of a str: removed before parsing.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
#: An inline ``data:`` URI (an embedded image, font, ...) as an attribute or CSS ``url()``
#: value; short ones, and "data:" in prose, are left alone.
_DATA_URI = re.compile(r"(?P<lead>[\"'(=])\s*data:[^,\s\"'<>]*,[^\s\"'<>)]{64,}", re.IGNORECASE)

#: Elements whose text is never article text (HTML fallback extraction).
_HTML_SKIP_TAGS = frozenset(
    {"script", "style", "nav", "header", "footer", "noscript", "template", "svg", "iframe", "head"}
)
#: Elements that start a new line of text (HTML fallback extraction).
_HTML_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption",
        "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p",
        "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip


def read_html(decoded: Decoded, item: InputFile) -> Article:
    """HTML: the article text as trafilatura extracts it, else the page's visible body text."""
    import trafilatura  # deferred: slow to import and only needed for HTML inputs

    # Inline data (a base64 image) is no text, and trafilatura's date search took runs of
    # digits in it for a publication year ("1996rAzK..." -> 1996-01-01): dropped first.
    html = _DATA_URI.sub(r"\g<lead>data:,", decoded.text)
    with _quiet_logger("trafilatura"):
        document = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            favor_recall=True,
        )
    title = url = published = publisher = None
    lines: list[str] = []
    if document is not None:
        title = clean_line(getattr(document, "title", None))
        url = clean_line(getattr(document, "url", None))
        published = clean_line(getattr(document, "date", None))
        # trafilatura reads og:site_name, application-name and a JSON-LD publisher.
        publisher = site_name(getattr(document, "sitename", None))
        lines = clean(getattr(document, "text", None) or "")[0].split("\n")
    tree = _parse_html(html)
    if tree is not None and not title:
        title = _first_text(tree, "//h1") or _first_text(tree, "//title")
    if tree is not None and not publisher:
        publisher = site_name(_meta_content(tree))
    body = _html_paragraphs(lines, title)
    if not body and tree is not None:
        body = _html_paragraphs(_visible_body_lines(tree), title)
    if not body:
        raise Unreadable("no article text found in the page")
    return make_draft(
        id=item.base_id,
        title=title or derive_title(body),
        text=body,
        source=printable(item.path),
        url=url,
        published=published,
        source_name=publisher,
        warnings=tuple(decoded.warnings),
    )


def html_text(fragment: str) -> str:
    """An HTML fragment (a feed entry's content) as paragraphs of its visible text; '' when it
    has none. Unlike :func:`read_html` no extraction: a feed's content is the article itself."""
    if not fragment.strip():
        return ""
    try:
        tree = lxml.html.fragment_fromstring(
            _DATA_URI.sub(r"\g<lead>data:,", fragment), create_parent="div"
        )
    except Exception:  # lxml raises several types on junk input
        logger.debug("lxml could not parse a feed's HTML", exc_info=True)
        return paragraphs(clean(fragment)[0])
    return _html_paragraphs(_visible_body_lines(tree), None)


@contextlib.contextmanager
def _quiet_logger(name: str) -> Iterator[None]:
    """Hide a library's log records for a while: trafilatura logs 'empty HTML tree: None' and
    the like at ERROR without naming the file, for pages this reader reports as failures
    itself, by file."""
    library = logging.getLogger(name)
    level = library.level
    library.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        library.setLevel(level)


def _parse_html(html: str) -> Any:
    """An lxml tree of the page, or None when lxml cannot parse it."""
    try:
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except Exception:  # lxml raises several types on junk input; the caller falls back
        logger.debug("lxml could not parse the page", exc_info=True)
        return None


def _first_text(tree: Any, xpath: str) -> str | None:
    """Text of the first element matching ``xpath`` that has any."""
    for element in tree.xpath(xpath):
        text = clean_line(element.text_content())
        if text:
            return text
    return None


def _meta_content(tree: Any) -> str | None:
    """The page's own name in ``og:site_name`` or ``application-name``, else None: for a page
    trafilatura found no metadata in."""
    for xpath in (
        "//meta[@property='og:site_name']/@content",
        "//meta[@name='application-name']/@content",
    ):
        for value in tree.xpath(xpath):
            text = clean_line(str(value))
            if text:
                return text
    return None


def _visible_body_lines(tree: Any) -> list[str]:
    """The ``<body>``'s visible text, one line per block, without scripts and page chrome."""
    body = tree.find("body")
    if body is None:
        body = tree
    parts: list[str] = []

    def walk(element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.lower() in _HTML_SKIP_TAGS or not tag:  # comments, processing instructions
            parts.append(element.tail or "")
            return
        block = tag.lower() in _HTML_BLOCK_TAGS
        if block:
            parts.append("\n")
        parts.append(element.text or "")
        for child in element:
            walk(child)
        if block:
            parts.append("\n")
        parts.append(element.tail or "")

    walk(body)
    text, _ = clean("".join(parts))
    return [one_line(line) for line in text.split("\n")]


def _html_paragraphs(lines: list[str], title: str | None) -> str:
    """Extracted lines -> paragraphs; a leading repeat of the title is dropped.

    Consecutive ``- `` list lines stay together as one block.
    """
    lines = [one_line(line) for line in lines]
    lines = [line for line in lines if line]
    if lines and title and lines[0].casefold() == title.casefold():
        lines = lines[1:]
    blocks: list[str] = []
    for line in lines:
        if blocks and line.startswith("- ") and blocks[-1].split("\n")[-1].startswith("- "):
            blocks[-1] += "\n" + line
        else:
            blocks.append(line)
    return "\n\n".join(blocks)
