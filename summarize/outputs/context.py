"""The template context: what each page shows, as plain data and a ``t()`` for UI strings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

from babel import Locale
from babel.numbers import format_decimal

from summarize.core.languages import SOURCE_LANGUAGE
from summarize.core.records import (
    ArticleOutcome,
    Briefing,
    Reference,
    RunInfo,
)
from summarize.outputs.credits import model_credits
from summarize.outputs.editorial import (
    edition_date,
    front_page,
    parse_moment,
    reading_minutes,
    section_heading,
)
from summarize.outputs.feeds import feed_links
from summarize.outputs.flags import flag_texts, status_line, unavailable_notice
from summarize.outputs.layout import INDEX_FILE, about_name, edition_page, page_name
from summarize.outputs.links import display_host, safe_href
from summarize.outputs.locales import (
    babel_locale,
    date_part,
    language_display,
    language_name_in,
    long_date,
    parse_date,
)
from summarize.outputs.messages import Messages, load_messages
from summarize.outputs.results import models_record, ordered_items
from summarize.quality import (
    SUMMARY,
    TRANSLATION,
    UNSUPPORTED_NAME,
    UNSUPPORTED_NUMBER,
)

#: Kinds found in the English summary that its translations carry too: an invented number
#: or name is invented in every language.
CARRIED_KINDS = frozenset({UNSUPPORTED_NUMBER, UNSUPPORTED_NAME})


def build_context(
    briefing: Briefing,
    language: str = SOURCE_LANGUAGE,
    *,
    messages: Mapping[str, Any] | None = None,
    prefix: str = "",
) -> dict[str, Any]:
    """Build the template context of one edition: plain dicts, lists and strings, plus ``t``.

    ``language`` is the edition's language (English for ``index.html`` and its article
    pages); ``messages`` its merged catalogue (default: the built-in one, see
    :func:`load_messages`). ``t(key, **values)`` looks up a UI string and fills in its
    ``{placeholders}``; a string with plural forms takes ``count``. ``article.html`` gets
    this context plus ``article`` (one entry of ``articles``), ``editions`` set to the
    article's own (its page in every edition) and ``status_page`` to ``home_href``.
    ``sections`` is the front page (:func:`~summarize.outputs.editorial.front_page`): each
    ``{name, heading, anchor, articles}`` with the entries of ``articles`` in editorial
    order; ``sectioned`` says whether any article names a section (else no headings).
    ``about_href`` is the edition's "About this briefing" page. ``feed`` is ``{atom_href,
    json_href}`` of the edition's feeds, or None where the language was unavailable (no feed
    is written); ``archive_href`` the archive's list of past briefings, or None.

    ``prefix`` (``2026-12-06/``) leads the links to article and "About this briefing" pages
    into another folder: the archive's top-level front pages link into the latest run's.
    """
    run = briefing.run
    page_lang = language_display(language)
    locale = babel_locale(page_lang["html_lang"])
    t = Messages(load_messages(language) if messages is None else messages, locale)
    languages = [language_display(code) for code in run.languages]
    home = edition_page(language)
    unavailable = {entry.language: entry for entry in briefing.unavailable}
    editions = [
        {
            **edition,
            "href": "./" + quote(edition_page(edition["code"])),
            "current": edition["code"] == language,
            "unavailable": edition["code"] in unavailable,
        }
        for edition in [language_display(SOURCE_LANGUAGE), *languages]
    ]
    articles = [
        _article_context(outcome, run, number, language, locale, t, editions, prefix)
        for number, outcome in enumerate(briefing.results, start=1)
    ]
    sections = _sections(briefing, articles, language, t)
    return {
        "title": t("briefing_title"),
        "t": t,
        "page_lang": page_lang,
        "index_href": "./" + INDEX_FILE,
        # The edition's "About this briefing" page (the run's internals), and the English one.
        "about_href": "./" + prefix + quote(about_name(language)),
        "english_about_href": "./" + prefix + quote(about_name(SOURCE_LANGUAGE)),
        "home_href": "./" + quote(home),
        "languages": languages,
        "editions": editions,
        "feed": None if language in unavailable else feed_links(language),
        "archive_href": None,
        "unavailable": unavailable_notice(unavailable, language, t),
        "status": status_line(
            t,
            articles=len(articles),
            flagged=[article["anchor"] for article in articles if article["flagged"]],
            failures=len(briefing.failures),
            unavailable=list(unavailable),
        ),
        # Where the status line's links lead: this page (front pages) or its edition's front.
        "status_page": "",
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
        "articles": articles,
        # The front page: stories in editorial order, grouped into sections.
        "sections": sections,
        # Whether the sections get headings: only when some article names a section.
        "sectioned": any(section["name"] is not None for section in sections),
        "failures": [
            {"source": failure.source, "reason": failure.reason} for failure in briefing.failures
        ],
        # What separates the items of a list in the edition's language: ", " or "、".
        "list_separator": locale.list_patterns["standard"]["middle"].format("", ""),
    }


def _sections(
    briefing: Briefing, articles: Sequence[dict[str, Any]], language: str, t: Messages
) -> list[dict[str, Any]]:
    """The front page's sections in order, each ``{name, heading, anchor, articles}``."""
    entries = {article["id"]: article for article in articles}
    return [
        {
            "name": section.name,
            "heading": section_heading(section.name, language, t.strings),
            "anchor": section.anchor,
            "articles": [entries[outcome.article.id] for outcome in section.outcomes],
        }
        for section in front_page(briefing.results)
    ]


def _article_context(
    outcome: ArticleOutcome,
    run: RunInfo,
    number: int,
    language: str,
    locale: Locale,
    t: Messages,
    editions: Sequence[Mapping[str, Any]],
    prefix: str = "",
) -> dict[str, Any]:
    """One article's entry in the context of the ``language`` edition (its pages' links
    under ``prefix``).

    Each text block carries ``flags``: what the quality checks found in it, in the page's
    language (a summary's invented number or name is flagged on its translations too), and
    ``notice`` (``{text, lang, dir}`` introducing them, or None).
    """
    article, english_summary = outcome.article, outcome.summary
    assert english_summary is not None, "the briefing holds only articles with a summary"
    page_lang = language_display(language)
    pages = {
        entry["code"]: "./" + prefix + quote(page_name(article.slug, entry["code"]))
        for entry in editions
    }
    here = pages.get(language, "./" + prefix + quote(page_name(article.slug, language)))

    def block(code: str, text: str) -> dict[str, Any]:
        stage = SUMMARY if code == SOURCE_LANGUAGE else TRANSLATION
        found = [
            w
            for w in outcome.quality_warnings
            if (w.stage, w.language) == (stage, code)
            or (stage == TRANSLATION and w.stage == SUMMARY and w.kind in CARRIED_KINDS)
        ]
        flags = flag_texts(found, t)
        notice = None
        if flags:
            notice = {
                "text": t(f"quality_{stage}"),
                "lang": page_lang["html_lang"],
                "dir": page_lang["dir"],
            }
        # Where a reader finds this text: its edition's page of the article, else this page.
        href = pages.get(code, f"{here}#lang-{code}")
        return {
            **language_display(code),
            "text": text,
            "notice": notice,
            "flags": flags,
            "href": href,
        }

    summary = block(SOURCE_LANGUAGE, english_summary.text)
    translations = [
        block(code, text) for code, text in ordered_items(outcome.translations, run.languages)
    ]
    edition = next((item for item in translations if item["code"] == language), summary)
    published_day = parse_date(article.published)
    url_href = safe_href(article.url)
    original_language = language_display(outcome.language)
    url_host = display_host(urlsplit(url_href).hostname) if url_href else None
    moment = parse_moment(article.published)
    anchor = f"article-{number}"
    return {
        "number": number,
        "anchor": anchor,
        "id": article.id,
        "slug": article.slug,
        # "./" keeps a slug such as "javascript:x" a relative link; quote() escapes # and ?.
        "href": here,
        "back_href": "./" + quote(edition_page(language)) + "#" + anchor,
        # The article on every edition's page, for the language switcher of its own pages.
        "editions": [{**entry, "href": pages[entry["code"]]} for entry in editions],
        "headline": _headline(outcome, language, original_language),
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "url_href": url_href,
        "url_host": url_host,
        # Who published it, for readers: the site's name or the URL's host, never a file path.
        "source_label": article.source_name or url_host,
        "source_name": article.source_name,
        # The other outlets that carried the story: {name, href (None unless http/https)}.
        "also_reported_by": _references(article.also_reported_by),
        "published": article.published,
        "published_iso": published_day.isoformat() if published_day else None,
        "published_display": long_date(article.published, locale),
        # The date in the edition's locale; None when unreadable (never shown raw).
        "date_display": edition_date(article.published, language),
        "date_iso": moment.date().isoformat() if moment is not None else None,
        # Minutes an adult takes to read the original.
        "reading_minutes": reading_minutes(article.text),
        "chunks": english_summary.chunks,
        # Seconds this run spent on the article, in the page's number format; None if cached.
        "seconds_display": _seconds(outcome, locale),
        "language": original_language,
        # The article's language named in the page's language.
        "language_name": language_name_in(locale, outcome.language),
        "pivot_model": outcome.pivot_model,
        "summary": summary,
        "translations": translations,
        # What this edition shows: the translation into its language, else the English summary.
        "edition": edition,
        "flagged": bool(edition["flags"]),
        "warnings": list(article.warnings),
        # English diagnostics of the quality checks (results.jsonl's); the built-in pages show
        # the localised ``flags`` instead.
        "quality_warnings": [warning.as_record() for warning in outcome.quality_warnings],
    }


def _references(references: Sequence[Reference]) -> list[dict[str, str | None]]:
    """Other outlets' copies as the pages name them: the publisher's name, else the URL's
    host; linked only where the URL is a safe link. One with neither is left out."""
    shown = []
    for reference in references:
        href = safe_href(reference.url)
        name = reference.name or (display_host(urlsplit(href).hostname) if href else None)
        if name:
            shown.append({"name": name, "href": href})
    return shown


def _seconds(outcome: ArticleOutcome, locale: Locale) -> str | None:
    """Seconds this run spent on an article, one decimal, as ``locale`` writes numbers."""
    seconds = sum(outcome.seconds.values())
    if not seconds:
        return None
    return format_decimal(seconds, format="#,##0.0", locale=locale)


def _headline(
    outcome: ArticleOutcome, language: str, original: Mapping[str, str]
) -> dict[str, Any]:
    """The headline a page shows: in the page's language when there is one, else the
    original, marked with the original's language (``original`` True)."""
    text = outcome.headlines.get(language)
    if language == SOURCE_LANGUAGE and outcome.language == SOURCE_LANGUAGE:
        text = None  # an English article's headline is its own
    if text:
        shown = language_display(language)
        return {
            "text": text,
            "html_lang": shown["html_lang"],
            "dir": shown["dir"],
            "original": False,
        }
    return {
        "text": outcome.article.title,
        "html_lang": original["html_lang"],
        "dir": original["dir"],
        "original": True,
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
