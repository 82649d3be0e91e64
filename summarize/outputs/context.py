"""The template context: what each page shows, as plain data and a ``t()`` for UI strings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from babel import Locale

from summarize.core.languages import SOURCE_LANGUAGE
from summarize.core.records import (
    ArticleOutcome,
    Briefing,
    RunInfo,
)
from summarize.outputs.credits import model_credits
from summarize.outputs.layout import INDEX_FILE, edition_name, edition_page, page_name
from summarize.outputs.links import display_host, safe_href
from summarize.outputs.locales import (
    babel_locale,
    date_part,
    language_display,
    long_date,
    parse_date,
)
from summarize.outputs.messages import Messages, load_messages
from summarize.outputs.results import models_record, ordered_items
from summarize.quality import (
    SUMMARY,
    TRANSLATION,
)


def build_context(
    briefing: Briefing,
    language: str = SOURCE_LANGUAGE,
    *,
    messages: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Build the template context of one edition: plain dicts, lists and strings, plus ``t``.

    ``language`` is the edition's language (English for ``index.html`` and the article pages);
    ``messages`` its merged catalogue (default: the built-in one, see :func:`load_messages`).
    ``t(key, **values)`` looks up a UI string and fills in its ``{placeholders}``; a string
    with plural forms takes ``count``. ``article.html`` gets this context plus ``article``
    (one entry of ``articles``).
    """
    run = briefing.run
    page_lang = language_display(language)
    locale = babel_locale(page_lang["html_lang"])
    t = Messages(load_messages(language) if messages is None else messages, locale)
    languages = [language_display(code) for code in run.languages]
    home = INDEX_FILE if language == SOURCE_LANGUAGE else edition_name(language)
    return {
        "title": t("briefing_title"),
        "t": t,
        "page_lang": page_lang,
        "index_href": "./" + INDEX_FILE,
        "home_href": "./" + quote(home),
        "languages": languages,
        "editions": [
            {
                **edition,
                "href": "./" + quote(edition_page(edition["code"])),
                "current": edition["code"] == language,
            }
            for edition in [language_display(SOURCE_LANGUAGE), *languages]
        ],
        "run": {
            "generated_at": run.generated_at,
            "generated_date": date_part(run.generated_at),
            "generated_display": long_date(run.generated_at, locale),
            "models": _models_display(run),
            "device": run.device,
            "dtype": run.dtype,
            "version": run.version,
            "languages": languages,
        },
        "credits": model_credits(briefing, t, locale),
        "articles": [
            _article_context(outcome, run, number, language, locale, _notices(t, page_lang))
            for number, outcome in enumerate(briefing.results, start=1)
        ],
        "failures": [
            {"source": failure.source, "reason": failure.reason} for failure in briefing.failures
        ],
    }


def _notices(t: Messages, page_lang: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The notice on flagged text, per stage, in the page's language."""
    return {
        stage: {
            "text": t(f"quality_{stage}"),
            "lang": page_lang["html_lang"],
            "dir": page_lang["dir"],
        }
        for stage in (SUMMARY, TRANSLATION)
    }


def _article_context(
    outcome: ArticleOutcome,
    run: RunInfo,
    number: int,
    language: str = SOURCE_LANGUAGE,
    locale: Locale | None = None,
    notices: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """One article's entry in the context of the ``language`` edition.

    Each block's ``notice`` (``{text, lang, dir}``, or None) warns that the quality checks
    flagged it; ``notices`` gives the texts per stage (none: no notices).
    """
    article, english_summary = outcome.article, outcome.summary
    assert english_summary is not None, "the briefing holds only articles with a summary"
    english = language_display(SOURCE_LANGUAGE)
    flagged = {(w.stage, w.language) for w in outcome.quality_warnings}
    notices = notices or {}

    def notice(stage: str, code: str) -> Mapping[str, str] | None:
        return notices.get(stage) if (stage, code) in flagged else None

    summary = {
        **english,
        "text": english_summary.text,
        "notice": notice(SUMMARY, SOURCE_LANGUAGE),
    }
    translations = [
        {**language_display(code), "text": text, "notice": notice(TRANSLATION, code)}
        for code, text in ordered_items(outcome.translations, run.languages)
    ]
    edition = next((block for block in translations if block["code"] == language), summary)
    published_day = parse_date(article.published)
    url_href = safe_href(article.url)
    return {
        "number": number,
        "anchor": f"article-{number}",
        "id": article.id,
        "slug": article.slug,
        # "./" keeps a slug such as "javascript:x" a relative link; quote() escapes # and ?.
        "href": "./" + quote(page_name(article.slug)),
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "url_href": url_href,
        "url_host": display_host(urlsplit(url_href).hostname) if url_href else None,
        "published": article.published,
        "published_iso": published_day.isoformat() if published_day else None,
        "published_display": long_date(article.published, locale or Locale("en")),
        "chunks": english_summary.chunks,
        "language": language_display(outcome.language),
        "pivot_model": outcome.pivot_model,
        "summary": summary,
        "translations": translations,
        # What this edition shows: the translation into its language, else the English summary.
        "edition": edition,
        "warnings": list(article.warnings),
        # English diagnostics of the quality checks, for the article page's notes.
        "quality_warnings": [warning.as_record() for warning in outcome.quality_warnings],
    }


def _models_display(run: RunInfo) -> list[dict[str, str]]:
    """Models per stage for the page, labelled: summary, then translations in language order."""
    models = models_record(run)
    rows = []
    if models["summary"] is not None:
        rows.append({"stage": "Summary model", "model": models["summary"]})
    for code, model in models["translation"].items():
        language = language_display(code)
        rows.append({"stage": f"Translation model ({language['name']})", "model": model})
    for key, model in models.items():
        if key not in ("summary", "translation"):
            rows.append({"stage": f"{key} model", "model": model})
    return rows
