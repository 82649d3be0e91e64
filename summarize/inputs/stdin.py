"""Standard input (``-``): a JSON Lines stream, else one plain-text article."""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO

from summarize.inputs.decoding import Decoded
from summarize.inputs.files import InputFile

#: The source articles from standard input name (``stdin:3`` for a JSONL line).
STDIN_SOURCE = "stdin"
#: The standard-input "file" the readers are given: sources ``stdin``, id ``stdin``.
STDIN_ITEM = InputFile(Path(STDIN_SOURCE), STDIN_SOURCE)


def read_stream(stream: BinaryIO, limit: int) -> bytes:
    """At most ``limit`` + 1 bytes of ``stream`` (one more tells the caller it was larger)."""
    return stream.read(limit + 1)


def is_jsonl(decoded: Decoded) -> bool:
    """Whether every non-blank line is a JSON object (a stream of records, not an article)."""
    lines = [line for line in decoded.text.split("\n") if line.strip()]
    if not lines:
        return False
    for line in lines:
        if not line.lstrip().startswith("{"):
            return False
        try:
            if not isinstance(json.loads(line), dict):
                return False
        except (ValueError, RecursionError):  # not JSON, or JSON Python will not read
            return False
    return True
