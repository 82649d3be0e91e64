"""The whole briefing: every page rendered in memory first, then each file written atomically."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from summarize.core.files import RESULTS_FILE, write_atomic
from summarize.core.languages import MODEL_LICENCES, SOURCE_LANGUAGE
from summarize.core.records import (
    Article,
    ArticleOutcome,
    Briefing,
    InputFailure,
    LanguageUnavailable,
    QualityWarning,
    Reference,
    RunInfo,
    Summary,
)
from summarize.outputs.context import build_context
from summarize.outputs.email import email_names, render_emails
from summarize.outputs.environment import (
    EDITION_TEMPLATE,
    blamed_on,
    make_environment,
    render_template,
)
from summarize.outputs.feeds import edition_feed, feed_files
from summarize.outputs.layout import (
    INDEX_FILE,
    about_name,
    archive_name,
    check_unique,
    edition_codes,
    edition_name,
    feed_names,
    page_name,
    safe_path,
)
from summarize.outputs.messages import catalogue_name, load_user_messages
from summarize.outputs.results import TRANSLATION_PREFIX, result_record
from summarize.quality import (
    REPETITION,
    SUMMARY,
    TRANSLATION,
    UNSUPPORTED_NUMBER,
    WRONG_LANGUAGE,
)

logger = logging.getLogger(__name__)

#: Template of the "About this briefing" pages (about.html, about.<code>.html).
ABOUT_TEMPLATE = "about.html"


def write_briefing(
    briefing: Briefing,
    output_dir: Path,
    *,
    user_templates: Path | None = None,
    site_url: str | None = None,
    archived: bool = False,
) -> list[Path]:
    """Render the briefing and write it to ``output_dir``.

    Writes ``index.html``, one ``briefing.<code>.html`` edition per language of
    ``briefing.run.languages``, each edition's page per article (``<slug>.html`` in English,
    ``<slug>.<code>.html``), each edition's "About this briefing" page (``about.html``,
    ``about.<code>.html``: the run's internals), ``results.jsonl``, each available edition's
    feeds (``feed.<code>.xml``, ``feed.<code>.json``, English included; links absolute under
    ``site_url``) and the email editions (``briefing.email.html``,
    ``briefing.<code>.email.html``) (in that order) and returns their paths. All pages are
    rendered before anything is written; each file is written to a temporary file in
    ``output_dir`` and moved into place, so readers never see a partial file.
    ``archived``: ``output_dir`` is a run's folder in an archive, whose pages link to the
    list of past briefings one folder up. ``output_dir`` is created if needed. Files from
    earlier runs that this run does not write
    are left alone here (the pipeline removes its own, see run.json's ``files``).

    Raises:
        ValueError: an article's slug is unsafe (path separators, a leading dot, empty),
            reserved (``index``, ``about``) or repeated, or a path would fall outside
            ``output_dir``.
        ConfigError: ``user_templates`` is missing, or a template or message catalogue in it
            fails to load or render.
    """
    output_dir = Path(output_dir)
    files = _render_files(briefing, output_dir, user_templates, site_url, archived)
    output_dir.mkdir(parents=True, exist_ok=True)
    for path, text in files:
        write_atomic(path, text)
    logger.debug("wrote %d files to %s", len(files), output_dir)
    return [path for path, _ in files]


def check_templates(user_templates: Path | None, languages: Sequence[str]) -> None:
    """Render sample briefings with the user's templates, so a broken template or message
    catalogue stops the run before any model loads instead of after all the work.

    The samples take every branch the built-in templates have: an article with a URL, a
    section, a publisher's name and other outlets that carried it (one linked), an ISO date,
    reading and quality warnings (one quoting a number), headlines in every language and a
    pivot model; one with a non-http URL, a date
    that cannot be read and no translations (each edition falls back to English); one with
    neither; models with and without a known licence and condition; a failed input; a
    language that was unavailable; and a run in which every article failed. Nothing is
    written.

    Raises:
        ConfigError: ``user_templates`` is missing, or a template or catalogue in it fails.
    """
    make_environment(user_templates)  # a missing folder is reported as such
    if user_templates is not None:
        for sample in _sample_briefings(languages):
            _render_files(sample, Path("sample"), user_templates)


def _sample_briefings(languages: Sequence[str]) -> list[Briefing]:
    """Briefings in ``languages`` that between them set and leave out every optional field."""
    full = Article(
        id="sample",
        slug="sample",
        title="Sample headline",
        text="Sample text.",
        source="sample.txt",
        url="https://example.com/sample",
        published="2026-01-31",
        warnings=("sample reading warning",),
        section="world",
        source_name="Sample News",
        also_reported_by=(
            Reference("Other News", "https://example.org/copy"),
            Reference("Odd News", "ftp://example.org/copy"),
        ),
    )
    odd = Article(
        id="odd",
        slug="odd",
        title="Odd headline",
        text="Odd text.",
        source="odd.txt",
        url="ftp://example.com/odd",
        published="last Tuesday",
    )
    bare = Article(id="bare", slug="bare", title="Bare headline", text="Bare.", source="bare.txt")
    results = (
        ArticleOutcome(
            article=full,
            summary=Summary(article_id=full.id, text="A sample summary.", chunks=2),
            translations={code: "A sample translation." for code in languages},
            headlines={code: "A sample headline." for code in (SOURCE_LANGUAGE, *languages)},
            language="de",
            pivot_model="sample/pivot-model",
            quality_warnings=(
                QualityWarning(SUMMARY, SOURCE_LANGUAGE, REPETITION, "sample"),
                QualityWarning(
                    SUMMARY, SOURCE_LANGUAGE, UNSUPPORTED_NUMBER, "numbers not in the article: 4"
                ),
                *(
                    QualityWarning(TRANSLATION, code, WRONG_LANGUAGE, "sample")
                    for code in languages
                ),
            ),
        ),
        ArticleOutcome(
            article=odd,
            summary=Summary(article_id=odd.id, text="An odd summary.", chunks=1),
            translations={},
        ),
        ArticleOutcome(
            article=bare,
            summary=Summary(article_id=bare.id, text="A bare summary.", chunks=1),
            translations={code: "A bare translation." for code in languages},
        ),
    )
    # Credits: a model whose licence has a condition, one whose has none, unknown ones.
    known = {
        note is not None: model
        for model, (_, note) in MODEL_LICENCES.items()
        if not model.endswith("*")  # a pattern, not a model id
    }
    run = RunInfo(
        generated_at="2026-01-31T12:00:00+00:00",
        models={"summary": known[True]}
        | {
            f"{TRANSLATION_PREFIX}{code}": known[False] if n == 0 else "sample/translation-model"
            for n, code in enumerate(languages)
        },
        device="cpu",
        dtype="float32",
        languages=tuple(languages),
        version="0",
    )
    failures = (InputFailure(source="broken.txt", reason="sample failure"),)
    unavailable = tuple(
        LanguageUnavailable(code, reason, "sample")
        for code, reason in zip(languages, ("model_failed_to_load", "model_failed"), strict=False)
    )
    return [
        Briefing(results=results, run=run, failures=failures, unavailable=unavailable),
        Briefing(results=(), run=run, failures=failures),
    ]


def _render_files(
    briefing: Briefing,
    output_dir: Path,
    user_templates: Path | None,
    site_url: str | None = None,
    archived: bool = False,
) -> list[tuple[Path, str]]:
    """Every file of the briefing (path in ``output_dir``, text), rendered, none written:
    the front pages, every edition's article pages, every edition's "About this briefing"
    page, results.jsonl, the feeds, then the email editions."""
    editions = edition_codes(briefing.run)
    languages = [SOURCE_LANGUAGE, *editions]
    # An unavailable language gets no feed: its readers keep the last run's entries.
    missing = {entry.language for entry in briefing.unavailable}
    fed = [code for code in languages if code not in missing]
    names = (
        [INDEX_FILE]
        + [edition_name(code) for code in editions]
        + [
            page_name(outcome.article.slug, code)
            for code in languages
            for outcome in briefing.results
        ]
        + [about_name(code) for code in languages]
        + [RESULTS_FILE]
        + [name for code in fed for name in feed_names(code)]
        + email_names(briefing.run)
    )
    check_unique(names)
    paths = [safe_path(output_dir, name) for name in names]

    env = make_environment(user_templates)
    contexts = []
    for code in languages:
        with blamed_on(user_templates, catalogue_name(code), "message catalogue"):
            context = build_context(
                briefing, code, messages=load_user_messages(code, user_templates)
            )
        if archived:  # a reader of an older night finds the others from its pages
            context["archive_href"] = "../" + quote(archive_name(code))
        contexts.append(context)
    contents = [render_template(env, INDEX_FILE, contexts[0], user_templates)]
    contents += [
        render_template(env, EDITION_TEMPLATE, context, user_templates) for context in contexts[1:]
    ]
    for context in contexts:
        for article in context["articles"]:
            page = {
                **context,
                "article": article,
                "editions": article["editions"],
                "status_page": context["home_href"],
            }
            contents.append(render_template(env, "article.html", page, user_templates))
    for context in contexts:
        # The switcher leads to the other editions' "About this briefing" pages.
        editions_about = [
            {**entry, "href": "./" + quote(about_name(entry["code"]))}
            for entry in context["editions"]
        ]
        page = {**context, "editions": editions_about, "status_page": context["home_href"]}
        contents.append(render_template(env, ABOUT_TEMPLATE, page, user_templates))
    contents.append(
        "".join(
            json.dumps(result_record(outcome, briefing.run), ensure_ascii=False) + "\n"
            for outcome in briefing.results
        )
    )
    for code, context in zip(languages, contexts, strict=True):
        if code in fed:
            feed = edition_feed(briefing, context, site_url)
            contents.extend(text for _, text in feed_files(feed))
    contents.extend(render_emails(env, briefing, user_templates))
    return list(zip(paths, contents, strict=True))
