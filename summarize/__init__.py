"""summarize: batch summaries of news articles, translated and rendered as HTML briefings."""

from __future__ import annotations

__version__ = "0.1.0"
