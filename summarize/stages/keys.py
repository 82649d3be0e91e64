"""Cache keys and entries: what identifies each finished unit of work, byte for byte."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from summarize.core.cache import unit_key
from summarize.core.options import key_fields
from summarize.quality import SentencePair
from summarize.stages.context import StageContext
from summarize.stages.work import WorkItem

# What each kind of cache entry must hold to be used (field -> type); a translation's
# sentences are optional and checked on their own (see cached_pairs).
LANGUAGE_ENTRY = {"language": str}


PIVOT_ENTRY = {"text": str}


SUMMARY_ENTRY = {"text": str, "chunks": int}


#: The summary of one chunk of a long article (or of joined chunk summaries).
CHUNK_ENTRY = {"text": str}


TRANSLATION_ENTRY = {"text": str}


def pivot_key(item: WorkItem, context: StageContext) -> str:
    return _pivot_text_key(item.article.text, item, context)


def headline_pivot_key(item: WorkItem, context: StageContext) -> str:
    """The key of an article's headline in English: a pivot of the headline's text, as an
    article's text is keyed (the same text with the same model is the same unit)."""
    return _pivot_text_key(item.article.title, item, context)


def _pivot_text_key(text: str, item: WorkItem, context: StageContext) -> str:
    return unit_key(
        "pivot",
        text=text,
        language=item.language,
        **model_fields(context, item.pivot_model),
        **key_fields(context.config, "pivot"),
        **context.output_fields,
    )


def model_fields(context: StageContext, model: str | None) -> dict[str, Any]:
    """A model for cache keys: what its files are, not only its name (see
    ModelSources.identity), so other weights under the same name never reuse its work.

    Every process of a run (distributed, Ray driver) keys through here, with its own memo.
    """
    if model is None:
        return {"model": None}
    if model not in context.identities:
        context.identities[model] = context.sources.identity(model)
    return context.identities[model]


def summary_key(item: WorkItem, context: StageContext) -> str:
    config = context.config
    return unit_key(
        "summary",
        text=item.article.text,
        language=item.language,
        # The summary is of the pivot model's English: its files matter as much as its name.
        pivot=model_fields(context, item.pivot_model) if item.pivot_model else None,
        **model_fields(context, config.summary_model),
        **key_fields(config, "summary"),
        **context.output_fields,
    )


def chunk_key(chunk: str, context: StageContext) -> str:
    """A chunk's summary depends on its text, the summariser and its settings, not on which
    article it came from: the same chunk in two articles is summarised once."""
    config = context.config
    return unit_key(
        "summary-chunk",
        text=chunk,
        **model_fields(context, config.summary_model),
        **key_fields(config, "summary"),
        **context.output_fields,
    )


def translation_key(summary: str, language: str, context: StageContext) -> str:
    """A text's translation into ``language``: a summary's, or a headline's (in English)."""
    return unit_key(
        "translation",
        text=summary,
        language=language,
        **model_fields(context, context.config.translation_model_for(language)),
        **key_fields(context.config, "translation"),
        **context.output_fields,
    )


def translation_entry(text: str, pairs: Sequence[SentencePair] | None) -> dict[str, Any]:
    """A translation's cache entry: the text, and each sentence with what it became."""
    entry: dict[str, Any] = {"text": text}
    if pairs is not None:
        entry["sentences"] = [list(pair) for pair in pairs]
    return entry


def language_key(text: str, detector: str) -> str:
    """The key of an article's detected language."""
    return unit_key("language", text=text, detector=detector)
