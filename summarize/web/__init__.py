"""Fetching from the web for web inputs: polite, bounded HTTP with conditional requests.

Imports only :mod:`summarize.core`; the input readers (:mod:`summarize.inputs`) use it.
"""

from __future__ import annotations

from summarize.web.client import Fetcher
from summarize.web.records import Fetched, FetchFailed, PageFetcher

__all__ = ["FetchFailed", "Fetched", "Fetcher", "PageFetcher"]
