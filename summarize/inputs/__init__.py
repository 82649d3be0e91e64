"""Input stage: turn files and folders of news articles into :class:`Article` records.

Supported inputs are plain text (``.txt``), Markdown (``.md``, ``.markdown``), HTML (``.html``,
``.htm``) and JSON Lines (``.jsonl``, one article per line). Every file is read as bytes and
decoded here (UTF-8, UTF-16/32 with a byte-order mark, else a guessed legacy encoding), so a bad
file or line becomes an :class:`InputFailure` and never stops the rest of the batch.
"""

from __future__ import annotations

from summarize.inputs.duplicates import Merged, merge_duplicates
from summarize.inputs.files import SUPPORTED_SUFFIXES
from summarize.inputs.reader import BYTES_PER_MB, ReadResult, read_articles, read_texts

__all__ = [
    "BYTES_PER_MB",
    "SUPPORTED_SUFFIXES",
    "Merged",
    "ReadResult",
    "merge_duplicates",
    "read_articles",
    "read_texts",
]
