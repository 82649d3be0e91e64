"""Links on the pages: only plain http(s) URLs become links; hosts shown as browsers show them.

The rules live in :mod:`summarize.core.urls`, shared with the inputs, which name an article's
publisher by its URL's host.
"""

from __future__ import annotations

from summarize.core.urls import display_host, safe_href

__all__ = ["display_host", "safe_href"]
