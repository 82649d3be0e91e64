"""Plain records passed between the stages: input -> summarise -> translate -> render."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal


@dataclass(frozen=True)
class Article:
    """One article read from the input, ready to summarise."""

    #: Stable identifier: the record's own ``id`` or the file path relative to its input root.
    id: str
    #: File-name stem for this article's page; unique within a run and safe on every OS.
    slug: str
    #: Headline from the document, or one derived from the first sentence.
    title: str
    #: Plain-text body (headline excluded), paragraphs separated by blank lines.
    text: str
    #: Where it came from: a file path (``path:line`` for JSONL records).
    source: str
    #: Canonical URL when the input names one.
    url: str | None = None
    #: Publication date as given by the input (ISO 8601 when known), else None.
    published: str | None = None
    #: Non-fatal problems met while reading (e.g. a guessed encoding).
    warnings: tuple[str, ...] = ()
    #: The briefing section it belongs in: the input's sub-folder (``world``) or a JSONL
    #: ``section``; None when the input names none.
    section: str | None = None
    #: The publisher's name for readers (a page's site name, a JSONL ``source``, a URL's host);
    #: never a local file path. None when unknown.
    source_name: str | None = None
    #: A JSONL ``priority``: higher comes first within its section. None when not given.
    priority: int | None = None
    #: A feed entry's id (RSS ``guid``, Atom ``id``, JSON Feed ``id``), which identifies the
    #: story across runs; None for other inputs.
    guid: str | None = None
    #: The byline (a feed entry's or page's author), one line; None when not given.
    author: str | None = None
    #: The other outlets that carried the same story, merged into this article (same URL,
    #: same feed id, or near-identical text), in input order.
    also_reported_by: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Reference:
    """Another outlet's copy of a story: its publisher's name and its URL, either may be
    unknown."""

    name: str | None
    url: str | None


#: Why two articles were taken for one story: the same URL (after normalising), the same feed
#: id, or near-identical text.
DuplicateReason = Literal["url", "guid", "text"]


@dataclass(frozen=True)
class Duplicate:
    """An article left out of a run because it is another copy of a story the run keeps."""

    #: The ``id`` of the article kept (it lists the copy in ``also_reported_by``).
    kept: str
    #: The ``id`` of the copy merged into it.
    merged: str
    #: Where the merged copy came from (it appears nowhere else in the outputs).
    source: str
    reason: DuplicateReason
    #: For ``text``: the estimated share of word sequences the two texts have in common
    #: (Jaccard similarity, 0 to 1); None otherwise.
    similarity: float | None = None

    def as_record(self) -> dict[str, str | float | None]:
        """The merge as JSON for run.json's ``duplicates``."""
        return {
            "kept": self.kept,
            "merged": self.merged,
            "source": self.source,
            "reason": self.reason,
            "similarity": self.similarity,
        }


@dataclass(frozen=True)
class InputFailure:
    """An input (file or JSONL line) that could not be turned into an article."""

    #: File path, with ``:line`` for a JSONL record.
    source: str
    #: Why it failed, in words a user can act on.
    reason: str


@dataclass(frozen=True)
class Summary:
    """The English summary of one article."""

    article_id: str
    text: str
    #: How many input chunks the article was split into (1 when it fit the model at once).
    chunks: int


@dataclass(frozen=True)
class QualityWarning:
    """One thing an automatic check found doubtful in a summary or translation."""

    #: ``summary`` (the English summary), ``translation`` or ``headline`` (a headline's
    #: translation).
    stage: str
    #: Language of the checked text: ``en`` for a summary, else the target language code.
    language: str
    #: What kind of failure: one of the kind constants of :mod:`summarize.quality`
    #: (``wrong_language``, ...).
    kind: str
    #: What was found, in English, quoting the text (shortened) where it helps.
    detail: str

    def as_record(self) -> dict[str, str]:
        """The warning as JSON for results.jsonl and run.json."""
        return {
            "stage": self.stage,
            "language": self.language,
            "kind": self.kind,
            "detail": self.detail,
        }


#: done: computed (at least partly) in this run; cached: every unit came from the cache;
#: failed: could not be read or processed; skipped: not finished (the run was interrupted).
Status = Literal["done", "cached", "failed", "skipped"]


@dataclass(frozen=True)
class ArticleOutcome:
    """Where one article ended up in a run, done or not: what every output is written from."""

    article: Article
    #: Where it ended up; a done or cached article has a summary and every translation.
    status: Status = "done"
    #: The article's language (ISO 639-1), detected or set by the user.
    language: str = "en"
    #: Model that translated the article into English first (None for English articles).
    pivot_model: str | None = None
    #: The English summary; None when the article never got one.
    summary: Summary | None = None
    #: Language code -> translated summary, for the languages it reached.
    translations: Mapping[str, str] = field(default_factory=dict)
    #: Language code -> the headline in that language, for the languages it reached (and
    #: ``en`` for an article not in English); the original stays ``article.title``.
    headlines: Mapping[str, str] = field(default_factory=dict)
    #: What the quality checks flagged in the summary and translations.
    quality_warnings: tuple[QualityWarning, ...] = ()
    #: Why it failed, in words a user can act on; None when it did not.
    failure: str | None = None
    #: Whether any of its units was computed (not read from the cache) in this run.
    computed: bool = False
    #: Stage -> seconds spent on this article in this run.
    seconds: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RunInfo:
    """Facts about the run shown on the briefing and written to the outputs."""

    #: When the run started, ISO 8601 with timezone.
    generated_at: str
    #: Stage -> model id or path: ``summary`` and ``translation:<lang>``.
    models: Mapping[str, str]
    #: Torch device the models ran on, e.g. ``cpu`` or ``cuda:0``.
    device: str
    #: Floating-point type of the weights, e.g. ``float32``.
    dtype: str
    #: Target language codes in output order.
    languages: tuple[str, ...]
    #: Version of this tool.
    version: str


#: Why a language could not be produced in a run: its model failed to load (or to convert),
#: or failed while it ran on articles that were not at fault.
UnavailableReason = Literal["model_failed_to_load", "model_failed"]


@dataclass(frozen=True)
class LanguageUnavailable:
    """A target language this run could not produce at all; the others are still published."""

    #: The language code, e.g. ``hu``.
    language: str
    #: What went wrong, for a short localised line on the pages.
    reason: UnavailableReason
    #: The full message, in English, for stderr and run.json (never shown to readers).
    detail: str


@dataclass(frozen=True)
class Briefing:
    """The whole run's results, in input order, ready to render."""

    #: The done and cached articles (each with a summary), in input order.
    results: tuple[ArticleOutcome, ...]
    run: RunInfo
    #: Inputs or articles that failed, with reasons.
    failures: tuple[InputFailure, ...] = field(default=())
    #: Target languages that could not be produced this run (their editions say so).
    unavailable: tuple[LanguageUnavailable, ...] = field(default=())
