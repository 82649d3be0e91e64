"""summarize: batch summaries of news articles, translated and rendered as HTML briefings.

The Python API, for notebooks and scripts::

    import summarize

    # The batch job, as `summarize run news/ -o briefing/ --languages hu,uk` runs it.
    outcome = summarize.run(["news/"], "briefing/", languages=["hu", "uk"])

    # A few texts in memory: nothing written.
    [result] = summarize.summarise([article_text], languages=["hu"])
    print(result.summary.text, result.translations["hu"])

Settings are the config file's keys (``summary_model``, ``device``, ``num_beams``...), checked as
the command line checks them. Errors the tool expects derive from :class:`SummarizeError` and
say what to do next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ArticleOutcome",
    "ConfigError",
    "InputError",
    "RunConfig",
    "RunOutcome",
    "SummarizeError",
    "__version__",
    "run",
    "summarise",
]

if TYPE_CHECKING:
    from summarize.api import run, summarise
    from summarize.core.config import RunConfig
    from summarize.core.errors import ConfigError, InputError, SummarizeError
    from summarize.core.records import ArticleOutcome
    from summarize.outputs.writer import RunOutcome

# Where each public name lives; imported on first use, so `import summarize` (and the CLI's
# start-up, which imports this package first) loads nothing else.
_LAZY = {
    "run": "summarize.api",
    "summarise": "summarize.api",
    "RunConfig": "summarize.core.config",
    "ConfigError": "summarize.core.errors",
    "InputError": "summarize.core.errors",
    "SummarizeError": "summarize.core.errors",
    "ArticleOutcome": "summarize.core.records",
    "RunOutcome": "summarize.outputs.writer",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'summarize' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
