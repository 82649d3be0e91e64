"""Markdown articles: front matter, the first heading as headline, blocks as paragraphs."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from summarize.core.files import printable
from summarize.core.records import Article
from summarize.inputs.cleanup import clean_line, one_line
from summarize.inputs.decoding import Decoded
from summarize.inputs.drafts import Unreadable, make_draft
from summarize.inputs.files import InputFile
from summarize.inputs.metadata import parse_priority, site_name
from summarize.inputs.titles import derive_title

logger = logging.getLogger(__name__)


def read_markdown(decoded: Decoded, item: InputFile) -> Article:
    """Markdown: YAML front matter, the first ``#`` heading as headline, the rest as text."""
    meta, source_text = _split_front_matter(decoded.text)
    headline, blocks = markdown_blocks(source_text, front_title=meta.get("title"))
    body = "\n\n".join(blocks)
    if not body:
        raise Unreadable("headline but no body text" if headline else "no text in the document")
    title = meta.get("title") or headline or derive_title(body)
    warnings = list(decoded.warnings)
    # The same editorial keys as a JSONL record's: a section, the publisher's name, a rank.
    priority, problem = parse_priority(meta.get("priority"))
    if problem:
        warnings.append(problem)
        logger.warning("%s: %s", printable(item.path), problem)
    return make_draft(
        id=item.base_id,
        title=title,
        text=body,
        source=printable(item.path),
        url=meta.get("url"),
        published=meta.get("date") or meta.get("published"),
        section=meta.get("section"),
        source_name=site_name(meta.get("source")),
        author=meta.get("author"),
        priority=priority,
        warnings=tuple(warnings),
    )


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``---`` YAML front matter off; return its simple ``key: value`` pairs and the rest.

    Only flat ``key: value`` lines are read (quotes removed, keys lowercased); nested YAML is
    ignored. This avoids a YAML dependency and YAML's surprises (``title: No`` -> ``False``).
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text
    for end in range(1, len(lines)):
        if lines[end].strip() in {"---", "..."}:
            break
    else:
        return {}, text  # no closing fence: a thematic break, not front matter
    meta: dict[str, str] = {}
    for line in lines[1:end]:
        match = re.fullmatch(r"([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*", line)
        if match is None:
            continue
        value = match.group(2)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        cleaned = clean_line(value)
        if cleaned:
            meta.setdefault(match.group(1).lower(), cleaned)
    return meta, "\n".join(lines[end + 1 :])


def markdown_blocks(source: str, *, front_title: str | None) -> tuple[str | None, list[str]]:
    """Parse Markdown; return the headline (first level-1 heading) and plain-text paragraphs.

    When front matter gives the title, a level-1 heading is taken as a repeat of it only when
    it opens the document; elsewhere it stays in the text as a section heading.
    """
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    root = SyntaxTreeNode(parser.parse(source))
    headline_node = None
    for index, node in enumerate(root.children):
        if node.type == "heading" and node.tag == "h1":
            if front_title is None or index == 0:
                headline_node = node
            break
    blocks = _md_block_texts(root.children, skip=headline_node)
    headline = one_line(_md_inline_text(headline_node)) if headline_node else None
    return headline or None, blocks


def _md_block_texts(nodes: Iterable[Any], skip: Any = None) -> list[str]:
    """Plain-text paragraphs for the block-level Markdown ``nodes``."""
    blocks: list[str] = []
    for child in nodes:
        if child is skip:
            continue
        kind = child.type
        if kind in {"paragraph", "heading"}:
            blocks.append(_md_inline_text(child).strip())
        elif kind in {"bullet_list", "ordered_list"}:
            blocks.append("\n".join(_md_list_lines(child, depth=0)))
        elif kind in {"code_block", "fence"}:
            blocks.append(child.content.rstrip())
        elif kind == "table":
            blocks.append("\n".join(_md_table_rows(child)))
        elif kind in {"html_block", "hr"}:
            continue  # raw HTML and rules carry no article text
        else:  # blockquote and any container a plugin adds
            blocks.extend(_md_block_texts(child.children))
    tidied = ("\n".join(line.rstrip() for line in b.split("\n") if line.strip()) for b in blocks)
    return [block for block in tidied if block]


def _md_list_lines(node: Any, depth: int) -> list[str]:
    """One line per list item (``- `` or ``1. ``), nested lists indented two spaces a level."""
    lines: list[str] = []
    number = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 0
    for item in node.children:
        marker = f"{number}." if node.type == "ordered_list" else "-"
        number += 1
        texts: list[str] = []
        nested: list[str] = []
        for child in item.children:
            if child.type in {"bullet_list", "ordered_list"}:
                nested.extend(_md_list_lines(child, depth + 1))
            else:
                texts.extend(one_line(t) for t in _md_block_texts([child]))
        lines.append(("  " * depth + f"{marker} {' '.join(texts)}").rstrip())
        lines.extend(nested)
    return lines


def _md_table_rows(node: Any) -> list[str]:
    """Table rows as lines, cells separated by `` | ``."""
    rows: list[str] = []
    for section in node.children:
        for row in section.children:
            cells = [one_line(_md_inline_text(cell)) for cell in row.children]
            rows.append(" | ".join(cells))
    return rows


def _md_inline_text(node: Any) -> str:
    """Inline Markdown as plain text: formatting dropped, link text and image alt text kept."""
    parts: list[str] = []
    for child in node.children:
        kind = child.type
        if kind in {"text", "code_inline"}:
            parts.append(child.content)
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("\n")
        elif kind == "html_inline":
            continue
        else:  # inline container, em, strong, s, link, image (its children are the alt text)
            parts.append(_md_inline_text(child))
    return "".join(parts)
