"""JSON Lines articles: one object per line, each bad line a failure of its own."""

from __future__ import annotations

import json
import logging
from typing import Any

from summarize.core.files import printable
from summarize.core.records import Article, InputFailure
from summarize.inputs.cleanup import clean, clean_line, nul_warning, paragraphs
from summarize.inputs.decoding import Decoded
from summarize.inputs.drafts import Unreadable, make_draft
from summarize.inputs.files import InputFile
from summarize.inputs.metadata import parse_priority, site_name
from summarize.inputs.titles import derive_title

logger = logging.getLogger(__name__)


def read_jsonl(decoded: Decoded, item: InputFile) -> tuple[list[Article], list[InputFailure]]:
    """JSON Lines: one article object per line; each bad line fails on its own."""
    drafts: list[Article] = []
    failures: list[InputFailure] = []
    for lineno, line in enumerate(decoded.text.split("\n"), start=1):
        if not line.strip():
            continue
        source = f"{printable(item.path)}:{lineno}"
        try:
            drafts.append(_jsonl_record(line, lineno, source, item, decoded.warnings))
        except Unreadable as exc:
            failures.append(InputFailure(source, f"line {lineno}: {exc}"))
    return drafts, failures


def _jsonl_record(
    line: str, lineno: int, source: str, item: InputFile, file_warnings: list[str]
) -> Article:
    """One JSONL line -> draft, or :class:`Unreadable` saying what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"invalid JSON ({exc.msg})") from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, nesting 50,000 deep
        raise Unreadable(f"JSON that cannot be read ({type(exc).__name__})") from None
    if not isinstance(record, dict):
        raise Unreadable(f"expected a JSON object, got {type(record).__name__}")
    if "text" not in record or record["text"] is None:
        raise Unreadable("record has no 'text'")
    if not isinstance(record["text"], str):
        raise Unreadable(f"'text' must be a string, got {type(record['text']).__name__}")
    text, nuls = clean(record["text"])
    body = paragraphs(text)
    if not body:
        raise Unreadable("'text' is empty")
    warnings = list(file_warnings)
    if nuls:
        warnings.append(nul_warning("record", nuls))
        logger.warning("%s: %s", source, warnings[-1])
    priority, problem = parse_priority(record.get("priority"))
    if problem:
        warnings.append(problem)
        logger.warning("%s: %s", source, problem)
    record_id = _scalar_text(record.get("id"))
    return make_draft(
        id=record_id or f"{item.base_id}-{lineno}",
        # A record's own id names its page (see summarize.inputs.slugs); else the file's stem.
        slug=record_id or "",
        title=_scalar_text(record.get("title")) or derive_title(body),
        text=body,
        source=source,
        url=_scalar_text(record.get("url")),
        published=_scalar_text(record.get("published")) or _scalar_text(record.get("date")),
        section=_scalar_text(record.get("section")),
        source_name=site_name(_scalar_text(record.get("source"))),
        priority=priority,
        warnings=tuple(warnings),
    )


def _scalar_text(value: Any) -> str | None:
    """A JSON scalar as one clean line of text; None, empty, lists and objects give None."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = value if isinstance(value, str) else str(value)
    return clean_line(text)
