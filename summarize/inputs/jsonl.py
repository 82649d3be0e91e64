"""JSON Lines articles: one object per line, each bad line a failure of its own."""

from __future__ import annotations

import json
import logging
from typing import Any

from summarize.core.files import printable
from summarize.core.records import Article, InputFailure
from summarize.inputs.cleanup import _clean, _clean_line, _nul_warning, _paragraphs
from summarize.inputs.decoding import _Decoded
from summarize.inputs.drafts import _draft, _Unreadable
from summarize.inputs.files import _InputFile
from summarize.inputs.titles import _derive_title

logger = logging.getLogger(__name__)


def _read_jsonl(decoded: _Decoded, item: _InputFile) -> tuple[list[Article], list[InputFailure]]:
    """JSON Lines: one article object per line; each bad line fails on its own."""
    drafts: list[Article] = []
    failures: list[InputFailure] = []
    for lineno, line in enumerate(decoded.text.split("\n"), start=1):
        if not line.strip():
            continue
        source = f"{printable(item.path)}:{lineno}"
        try:
            drafts.append(_jsonl_record(line, lineno, source, item, decoded.warnings))
        except _Unreadable as exc:
            failures.append(InputFailure(source, f"line {lineno}: {exc}"))
    return drafts, failures


def _jsonl_record(
    line: str, lineno: int, source: str, item: _InputFile, file_warnings: list[str]
) -> Article:
    """One JSONL line -> draft, or :class:`_Unreadable` saying what is wrong with it."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"invalid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise _Unreadable(f"expected a JSON object, got {type(record).__name__}")
    if "text" not in record or record["text"] is None:
        raise _Unreadable("record has no 'text'")
    if not isinstance(record["text"], str):
        raise _Unreadable(f"'text' must be a string, got {type(record['text']).__name__}")
    text, nuls = _clean(record["text"])
    body = _paragraphs(text)
    if not body:
        raise _Unreadable("'text' is empty")
    warnings = list(file_warnings)
    if nuls:
        warnings.append(_nul_warning("record", nuls))
        logger.warning("%s: %s", source, warnings[-1])
    record_id = _scalar_text(record.get("id"))
    return _draft(
        id=record_id or f"{item.base_id}-{lineno}",
        title=_scalar_text(record.get("title")) or _derive_title(body),
        text=body,
        source=source,
        url=_scalar_text(record.get("url")),
        published=_scalar_text(record.get("published")) or _scalar_text(record.get("date")),
        warnings=tuple(warnings),
    )


def _scalar_text(value: Any) -> str | None:
    """A JSON scalar as one clean line of text; None, empty, lists and objects give None."""
    if value is None or isinstance(value, (dict, list)):
        return None
    text = value if isinstance(value, str) else str(value)
    return _clean_line(text)
