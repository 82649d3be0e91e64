"""One article's progress through a run's stages, and its JSON form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from summarize.core.conversion import from_json, to_json
from summarize.core.languages import ENGLISH
from summarize.core.records import Article, ArticleOutcome, QualityWarning, Status, Summary
from summarize.quality import SentencePair


@dataclass
class WorkItem:
    """One article's progress through the run (mutable: filled in stage by stage)."""

    article: Article
    #: The article's language (ISO 639-1), detected or set by the user.
    language: str = ENGLISH.code
    #: Model translating the article into English first (None for English articles).
    pivot_model: str | None = None
    #: The article's text in English, once a non-English article has been translated.
    english_text: str | None = None
    summary: Summary | None = None
    translations: dict[str, str] = field(default_factory=dict)
    #: Language -> the summary's sentences and what each became (absent: an old cache entry).
    sentences: dict[str, list[SentencePair]] = field(default_factory=dict)
    #: Language -> the headline in it (``en`` too for an article not in English); a headline
    #: that could not be translated is absent, and the pages show the original.
    headlines: dict[str, str] = field(default_factory=dict)
    #: Language -> the headline's sentences and what each became, as for ``sentences``.
    headline_sentences: dict[str, list[SentencePair]] = field(default_factory=dict)
    #: What the quality checks flagged, once the article is finished.
    quality_warnings: tuple[QualityWarning, ...] = ()
    failure: str | None = None
    #: Whether any of its units was computed (not read from the cache) in this run.
    computed: bool = False
    #: Stage -> seconds spent on this article in this run.
    seconds: dict[str, float] = field(default_factory=dict)

    def status(self, languages: Sequence[str]) -> Status:
        """Where the article stands, given the run's target languages."""
        if self.failure is not None:
            return "failed"
        if self.summary is None or any(code not in self.translations for code in languages):
            return "skipped"
        return "done" if self.computed else "cached"

    def outcome(self, languages: Sequence[str]) -> ArticleOutcome:
        """The article's state as a frozen record, for the outputs."""
        return ArticleOutcome(
            article=self.article,
            status=self.status(languages),
            language=self.language,
            pivot_model=self.pivot_model,
            summary=self.summary,
            translations=dict(self.translations),
            headlines=dict(self.headlines),
            quality_warnings=self.quality_warnings,
            failure=self.failure,
            computed=self.computed,
            seconds=dict(self.seconds),
        )


def headline_source(item: WorkItem) -> str | None:
    """The headline the target languages are translated from: the English one; None when
    there is none (no headline, or an article's headline not yet in English)."""
    if item.pivot_model is None:
        return item.article.title.strip() or None
    return item.headlines.get(ENGLISH.code) or None


def needs_english_headline(item: WorkItem) -> bool:
    """Whether an article not in English still lacks its headline in English."""
    return (
        item.pivot_model is not None
        and bool(item.article.title.strip())
        and ENGLISH.code not in item.headlines
    )


def work_to_record(item: WorkItem) -> dict[str, Any]:
    """An article's progress as JSON values (the article itself is referred to by id)."""
    return {**to_json(item), "article": item.article.id}


def work_from_record(article: Article, data: dict[str, Any]) -> WorkItem:
    """The inverse of :func:`work_to_record`, given the same article."""
    if data["article"] != article.id:  # results came back out of step with the inputs
        raise RuntimeError(f"results out of step: {data['article']!r} is not {article.id!r}")
    return from_json(WorkItem, data, article=article)


def cached_pairs(value: Any) -> list[SentencePair] | None:
    """A cached translation's sentence pairs; None for an entry from before they were kept."""
    if not isinstance(value, list) or not all(
        isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) for t in pair)
        for pair in value
    ):
        return None
    return [(source, translated) for source, translated in value]


def share_time(items: Sequence[WorkItem], stage: str, seconds: float, weights: list[int]) -> None:
    """Spread a batch's time over its articles by input length."""
    total = sum(weights) or 1
    for item, weight in zip(items, weights, strict=True):
        item.seconds[stage] = item.seconds.get(stage, 0.0) + seconds * weight / total
