"""Render a :class:`~summarize.core.records.Briefing` as HTML pages and a ``results.jsonl`` file.

The pages are ``index.html`` (the English front page), one edition per target language
(``briefing.<code>.html``: translated summaries and every label in that language, dates
formatted for its locale with Babel) and one page per article with all languages side by side.
UI strings come from message catalogues, ``messages/<code>.json`` in the templates folder;
a string missing from a language's catalogue (or a language without one) falls back to
English, one string at a time.

Everything is rendered in memory first, then written atomically, so a template error never
leaves a half-written briefing behind. Article text, titles, sources and summaries are
untrusted: templates are autoescaped, data is never rendered as a template, and a link is
emitted for an article's URL only when it is plain ``http``/``https``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from summarize.core.errors import ConfigError
from summarize.core.files import RESULTS_FILE, write_atomic
from summarize.core.languages import MODEL_LICENCES, SOURCE_LANGUAGE, get_language, model_licence
from summarize.core.records import (
    Article,
    ArticleResult,
    Briefing,
    InputFailure,
    QualityWarning,
    RunInfo,
    Summary,
)
from summarize.quality import (
    REPETITION,
    SUMMARY,
    TRANSLATION,
    WRONG_LANGUAGE,
    warning_records,
)

logger = logging.getLogger(__name__)

#: Package that holds the built-in templates once installed (mapped from the top-level folder).
TEMPLATES_PACKAGE = "summarize.templates"
#: Name of the briefing's front page; no article may use it as a slug.
INDEX_FILE = "index.html"

#: A language edition's file name; ``code`` is a target language code.
EDITION_FILE = "briefing.{code}.html"
#: Template that renders one language edition.
EDITION_TEMPLATE = "edition.html"
#: Folder of message catalogues inside a templates folder: ``<code>.json`` per language.
MESSAGES_DIR = "messages"

#: Where a known model's card (and full licence terms) can be read.
_MODEL_CARD_URL = "https://huggingface.co/{model}"
#: Prefix of ``RunInfo.models`` keys naming a translation model: ``translation:<lang>``.
_TRANSLATION_PREFIX = "translation:"
#: Only these URL schemes become links; anything else (``javascript:``, ``data:``) is text.
_SAFE_SCHEMES = frozenset({"http", "https"})
#: ASCII controls and whitespace, which browsers strip or ignore inside URLs, and the
#: backslash, which they read as "/" where Python's urlsplit does not: with it, the host the
#: link goes to ("https://evil\\@good") is not the one the page names.
_URL_UNSAFE_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
#: Paragraph break in summaries and translations: a blank line.
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def builtin_templates_dir() -> Path:
    """Locate the directory of built-in templates.

    Installed, the templates are the package data ``summarize.templates``; in a source
    checkout they are the top-level ``templates/`` folder next to the ``summarize`` package.
    Returns a real directory on the file system.
    """
    try:
        # joinpath() on a file turns a namespace package's MultiplexedPath into a real Path.
        marker = resources.files(TEMPLATES_PACKAGE).joinpath("base.html")
    except (ModuleNotFoundError, TypeError):
        marker = None
    if isinstance(marker, Path) and marker.is_file():
        return marker.parent
    return Path(__file__).resolve().parents[2] / "templates"


def make_environment(user_templates: Path | None = None) -> jinja2.Environment:
    """Create the Jinja environment used for every page.

    Autoescaping is on for every template and string, and undefined variables raise
    (``StrictUndefined``). Templates are looked up in ``user_templates`` first, then in the
    built-in templates, so a user directory may override any single template (a page, a
    partial or ``style.css``) and the rest fall back to the built-ins. A user template can
    extend the built-in it replaces as ``builtin/<name>``.

    Raises:
        ConfigError: ``user_templates`` is given but is not an existing directory.
    """
    builtin = builtin_templates_dir()
    search_path = [builtin]
    if user_templates is not None:
        user_templates = Path(user_templates)
        if not user_templates.is_dir():
            raise ConfigError(
                f"templates directory {str(user_templates)!r} does not exist or is not a "
                "directory; pass an existing folder of Jinja2 templates to --templates, or "
                "leave it out to use the built-in templates"
            )
        search_path.insert(0, user_templates)
    loader = jinja2.ChoiceLoader(
        [
            jinja2.PrefixLoader({"builtin": _Utf8Loader(builtin)}),
            _Utf8Loader(search_path),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["paragraphs"] = _paragraphs
    return env


class _Utf8Loader(jinja2.FileSystemLoader):
    """A FileSystemLoader whose template that is not UTF-8 (saved as Latin-1, say) is a
    template error naming the file, not a bare UnicodeDecodeError."""

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Any]:
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            raise jinja2.TemplateSyntaxError(
                f"not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8",
                lineno=1,
                name=template,
            ) from exc


def result_record(result: ArticleResult, run: RunInfo) -> dict[str, Any]:
    """Build one article's ``results.jsonl`` record.

    Keys, in order: ``id``, ``title``, ``source``, ``url``, ``published``, ``summary``
    (English), ``translations`` (language code -> text, in ``run.languages`` order),
    ``models`` (``{"summary": model, "translation": {lang: model}}``; any other stage keys of
    ``run.models`` are kept as they are), ``chunks``, ``language`` (the article's own),
    ``pivot`` (the model that translated it into English first, or null), ``slug`` and
    ``warnings``: problems met reading it, then what the quality checks flagged, each as
    ``stage``, ``language``, ``kind``, ``detail`` (see :func:`quality.warning_records`).
    """
    article = result.article
    return {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published,
        "summary": result.summary.text,
        "translations": dict(_ordered_items(result.translations, run.languages)),
        "models": _models_record(run),
        "chunks": result.summary.chunks,
        "language": result.source_language,
        "pivot": result.pivot_model,
        "slug": article.slug,
        "warnings": warning_records(article.warnings, result.quality_warnings),
    }


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
    page_lang = _language(language)
    locale = _babel_locale(page_lang["html_lang"])
    t = Messages(load_messages(language) if messages is None else messages, locale)
    languages = [_language(code) for code in run.languages]
    home = INDEX_FILE if language == SOURCE_LANGUAGE else _edition_name(language)
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
                "href": "./" + quote(_edition_file(edition["code"])),
                "current": edition["code"] == language,
            }
            for edition in [_language(SOURCE_LANGUAGE), *languages]
        ],
        "run": {
            "generated_at": run.generated_at,
            "generated_date": _date_part(run.generated_at),
            "generated_display": _format_date(run.generated_at, locale),
            "models": _models_display(run),
            "device": run.device,
            "dtype": run.dtype,
            "version": run.version,
            "languages": languages,
        },
        "credits": _credits(briefing, t, locale),
        "articles": [
            _article_context(result, run, number, language, locale, _notices(t, page_lang))
            for number, result in enumerate(briefing.results, start=1)
        ],
        "failures": [
            {"source": failure.source, "reason": failure.reason} for failure in briefing.failures
        ],
    }


def load_messages(language: str, user_templates: Path | None = None) -> dict[str, Any]:
    """Merge the UI strings of ``language`` over the English ones.

    Layers, later ones winning string by string: built-in ``messages/en.json``, the user's
    ``messages/en.json``, built-in ``messages/<language>.json``, the user's. A language with
    no catalogue is English throughout. A value is a string with ``{placeholders}``, or a
    dict of CLDR plural categories (``one``, ``few``, ``many``, ``other``) to strings.

    Raises:
        ConfigError: a catalogue is not a JSON object of strings (or plural dicts).
    """
    folders = [builtin_templates_dir()]
    if user_templates is not None:
        folders.append(Path(user_templates))
    merged: dict[str, Any] = {}
    codes = [SOURCE_LANGUAGE] if language == SOURCE_LANGUAGE else [SOURCE_LANGUAGE, language]
    for code in codes:
        for folder in folders:
            merged.update(_read_catalogue(folder / _catalogue_name(code)))
    return merged


class Messages:
    """A language's UI strings, callable from templates as ``t(key, **values)``."""

    def __init__(self, strings: Mapping[str, Any], locale: Locale) -> None:
        self.strings = strings
        self.locale = locale

    def __call__(self, key: str, /, **values: Any) -> str:
        """The string ``key`` with ``values`` filled in; plural forms are chosen by ``count``."""
        try:
            entry = self.strings[key]
        except KeyError:
            raise jinja2.UndefinedError(f"no UI string {key!r} in the message catalogue") from None
        if isinstance(entry, Mapping):
            if "count" not in values:
                raise jinja2.UndefinedError(f"UI string {key!r} has plural forms: pass count=")
            entry = entry.get(self.locale.plural_form(values["count"])) or entry["other"]
        try:
            return str(entry).format(**values)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
            raise jinja2.UndefinedError(f"UI string {key!r} could not be filled in: {exc}") from exc


def write_briefing(
    briefing: Briefing, output_dir: Path, *, user_templates: Path | None = None
) -> list[Path]:
    """Render the briefing and write it to ``output_dir``.

    Writes ``index.html``, one ``briefing.<code>.html`` edition per language of
    ``briefing.run.languages``, one ``<slug>.html`` per article and ``results.jsonl`` (in that
    order) and returns their paths. All pages are rendered before anything is written; each
    file is written to a temporary file in ``output_dir`` and moved into place, so readers
    never see a partial file. ``output_dir`` is created if needed. Files from earlier runs
    that this run does not write are left alone here (the pipeline removes its own, see
    run.json's ``files``).

    Raises:
        ValueError: an article's slug is unsafe (path separators, a leading dot, empty),
            reserved (``index``) or repeated, or a path would fall outside ``output_dir``.
        ConfigError: ``user_templates`` is missing, or a template or message catalogue in it
            fails to load or render.
    """
    output_dir = Path(output_dir)
    files = _render_files(briefing, output_dir, user_templates)
    output_dir.mkdir(parents=True, exist_ok=True)
    for path, text in files:
        write_atomic(path, text)
    logger.info(
        "wrote %d articles in %d editions to %s",
        len(briefing.results),
        len(_edition_codes(briefing.run)) + 1,
        output_dir,
    )
    return [path for path, _ in files]


def check_templates(user_templates: Path | None, languages: Sequence[str]) -> None:
    """Render sample briefings with the user's templates, so a broken template or message
    catalogue stops the run before any model loads instead of after all the work.

    The samples take every branch the built-in templates have: an article with a URL, an
    ISO date, reading and quality warnings and a pivot model; one with a non-http URL, a
    date as given and no translations (each edition falls back to English); one with
    neither; models with and without a known licence and condition; a failed input; and a
    run in which every article failed. Nothing is written.

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
        ArticleResult(
            article=full,
            summary=Summary(article_id=full.id, text="A sample summary.", chunks=2),
            translations={code: "A sample translation." for code in languages},
            source_language="de",
            pivot_model="sample/pivot-model",
            quality_warnings=(
                QualityWarning(SUMMARY, SOURCE_LANGUAGE, REPETITION, "sample"),
                *(
                    QualityWarning(TRANSLATION, code, WRONG_LANGUAGE, "sample")
                    for code in languages
                ),
            ),
        ),
        ArticleResult(
            article=odd,
            summary=Summary(article_id=odd.id, text="An odd summary.", chunks=1),
            translations={},
        ),
        ArticleResult(
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
            f"{_TRANSLATION_PREFIX}{code}": known[False] if n == 0 else "sample/translation-model"
            for n, code in enumerate(languages)
        },
        device="cpu",
        dtype="float32",
        languages=tuple(languages),
        version="0",
    )
    failures = (InputFailure(source="broken.txt", reason="sample failure"),)
    return [
        Briefing(results=results, run=run, failures=failures),
        Briefing(results=(), run=run, failures=failures),
    ]


def _render_files(
    briefing: Briefing, output_dir: Path, user_templates: Path | None
) -> list[tuple[Path, str]]:
    """Every file of the briefing (path in ``output_dir``, text), rendered, none written."""
    editions = _edition_codes(briefing.run)
    names = (
        [INDEX_FILE]
        + [_edition_name(code) for code in editions]
        + [_page_name(r.article.slug) for r in briefing.results]
        + [RESULTS_FILE]
    )
    _check_unique(names)
    paths = [_safe_path(output_dir, name) for name in names]

    env = make_environment(user_templates)
    with _blamed_on(user_templates, _catalogue_name(SOURCE_LANGUAGE), "message catalogue"):
        context = build_context(briefing, messages=_load(SOURCE_LANGUAGE, user_templates))
    contents = [_render(env, INDEX_FILE, context, user_templates)]
    for code in editions:
        with _blamed_on(user_templates, _catalogue_name(code), "message catalogue"):
            edition = build_context(briefing, code, messages=_load(code, user_templates))
        contents.append(_render(env, EDITION_TEMPLATE, edition, user_templates))
    for article in context["articles"]:
        contents.append(
            _render(env, "article.html", {**context, "article": article}, user_templates)
        )
    contents.append(
        "".join(
            json.dumps(result_record(result, briefing.run), ensure_ascii=False) + "\n"
            for result in briefing.results
        )
    )
    return list(zip(paths, contents, strict=True))


def _load(language: str, user_templates: Path | None) -> dict[str, Any]:
    """:func:`load_messages`, naming the templates folder when a user catalogue is broken."""
    try:
        return load_messages(language, user_templates)
    except ConfigError as exc:
        if user_templates is None:
            raise
        raise ConfigError(
            f"{exc} (templates directory {str(user_templates)!r}); fix the catalogue or remove "
            "it to use the built-in one"
        ) from exc


def _read_catalogue(path: Path) -> dict[str, Any]:
    """One message catalogue, checked; an absent file is an empty catalogue."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"message catalogue {str(path)!r} could not be read: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"message catalogue {str(path)!r} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"message catalogue {str(path)!r} must be a JSON object")
    for key, value in data.items():
        plural = isinstance(value, dict) and "other" in value
        if not (isinstance(value, str) or plural) or (
            plural and not all(isinstance(form, str) for form in value.values())
        ):
            raise ConfigError(
                f"message catalogue {str(path)!r}: {key!r} must be a string or an object of "
                'plural forms with at least "other"'
            )
    return data


def _catalogue_name(code: str) -> str:
    """A language's message catalogue, relative to a templates folder."""
    return f"{MESSAGES_DIR}/{code}.json"


def _edition_codes(run: RunInfo) -> list[str]:
    """Languages that get an edition of their own: every target language but English."""
    return [code for code in dict.fromkeys(run.languages) if code != SOURCE_LANGUAGE]


def _edition_name(code: str) -> str:
    """File name of a language's edition."""
    return EDITION_FILE.format(code=code)


def _edition_file(code: str) -> str:
    """The page a language's switcher entry leads to: the front page for English."""
    return INDEX_FILE if code == SOURCE_LANGUAGE else _edition_name(code)


def _babel_locale(html_lang: str) -> Locale:
    """Babel locale of a BCP 47 tag, English when Babel doesn't know it."""
    try:
        return Locale.parse(html_lang, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en")


def _language_name_in(locale: Locale, code: str) -> str:
    """A language's name in ``locale`` (``zh`` in Hungarian: kínai), else its English name."""
    return locale.languages.get(code) or _language(code)["name"]


def _format_date(value: str | None, locale: Locale) -> str | None:
    """An ISO 8601 date or timestamp as a long date of ``locale``; other text is kept as is."""
    day = _parse_date(value)
    if day is None:
        return value
    return format_date(day, format="long", locale=locale)


def _parse_date(value: str | None) -> date | None:
    """The calendar date of an ISO 8601 date or timestamp, else None."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None


def _model_licence(model: str) -> tuple[str | None, str | None, str | None]:
    """(licence, condition message key, model card URL) of a model; Nones when unknown."""
    known = model_licence(model)
    if known is None:
        return None, None, None
    licence, note = known
    return licence, note, _MODEL_CARD_URL.format(model=quote(model, safe="/"))


def _credits(briefing: Briefing, t: Messages, locale: Locale) -> list[dict[str, Any]]:
    """Every model the briefing used, what for (in the page's language) and its licence."""
    run = briefing.run
    models = _models_record(run)
    rows: list[tuple[str, str]] = []
    if models["summary"] is not None:
        rows.append((t("summary_model"), models["summary"]))
    for code, model in models["translation"].items():
        rows.append((t("translation_model", language=_language_name_in(locale, code)), model))
    pivots: dict[tuple[str, str], None] = {}
    for result in briefing.results:
        if result.pivot_model:
            pivots[(result.source_language, result.pivot_model)] = None
    for code, model in pivots:
        rows.append((t("pivot_model", language=_language_name_in(locale, code)), model))
    for key, model in models.items():
        if key not in ("summary", "translation"):
            rows.append((key, model))
    credits = []
    for stage, model in rows:
        licence, note, url = _model_licence(model)
        credits.append(
            {
                "stage": stage,
                "model": model,
                "licence": licence,
                "note": t(note) if note else None,
                "url": url,
            }
        )
    return credits


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
    result: ArticleResult,
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
    article = result.article
    english = _language(SOURCE_LANGUAGE)
    flagged = {(w.stage, w.language) for w in result.quality_warnings}
    notices = notices or {}

    def notice(stage: str, code: str) -> Mapping[str, str] | None:
        return notices.get(stage) if (stage, code) in flagged else None

    summary = {
        **english,
        "text": result.summary.text,
        "notice": notice(SUMMARY, SOURCE_LANGUAGE),
    }
    translations = [
        {**_language(code), "text": text, "notice": notice(TRANSLATION, code)}
        for code, text in _ordered_items(result.translations, run.languages)
    ]
    edition = next((block for block in translations if block["code"] == language), summary)
    published_day = _parse_date(article.published)
    url_href = _safe_href(article.url)
    return {
        "number": number,
        "anchor": f"article-{number}",
        "id": article.id,
        "slug": article.slug,
        # "./" keeps a slug such as "javascript:x" a relative link; quote() escapes # and ?.
        "href": "./" + quote(_page_name(article.slug)),
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "url_href": url_href,
        "url_host": _display_host(urlsplit(url_href).hostname) if url_href else None,
        "published": article.published,
        "published_iso": published_day.isoformat() if published_day else None,
        "published_display": _format_date(article.published, locale or Locale("en")),
        "chunks": result.summary.chunks,
        "language": _language(result.source_language),
        "pivot_model": result.pivot_model,
        "summary": summary,
        "translations": translations,
        # What this edition shows: the translation into its language, else the English summary.
        "edition": edition,
        "warnings": list(article.warnings),
        # English diagnostics of the quality checks, for the article page's notes.
        "quality_warnings": [warning.as_record() for warning in result.quality_warnings],
    }


def _safe_href(url: str | None) -> str | None:
    """Return ``url`` if it is safe to emit as a link (absolute ``http``/``https`` with a
    host), else None."""
    if not url:
        return None
    url = url.strip()
    if _URL_UNSAFE_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.hostname:
        return None
    return url


def _display_host(host: str | None) -> str | None:
    """``host`` as the card names it: a label mixing alphabets ("pаypal" with a Cyrillic
    "а") in its ASCII form (``xn--pypal-4ve``), as browsers show it, so a look-alike of a
    known site does not pass for it; labels in one alphabet ("münchen", "президент") as
    written."""
    if host is None or host.isascii():
        return host
    return ".".join(
        _ascii_label(label) if _mixes_alphabets(label) else label for label in host.split(".")
    )


def _mixes_alphabets(label: str) -> bool:
    scripts = {unicodedata.name(char, "").split(" ", 1)[0] for char in label if char.isalpha()}
    # Japanese writes one name in Han, Hiragana and Katakana: that mix is no disguise.
    if scripts & _JAPANESE_SCRIPTS:
        scripts = scripts - _JAPANESE_SCRIPTS | {"JAPANESE"}
    return len(scripts) > 1


#: Scripts (first word of a character's Unicode name) that Japanese mixes in one word.
_JAPANESE_SCRIPTS = frozenset({"CJK", "HIRAGANA", "KATAKANA"})


def _ascii_label(label: str) -> str:
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        return "xn--" + label.encode("punycode").decode("ascii")


def _language(code: str) -> dict[str, str]:
    """Display metadata of a language; an unknown code stands for itself.

    ``dir`` is the language's writing direction (``ltr``, ``rtl``; ``auto``, left to the
    browser, when Babel does not know it) for every element that carries its ``lang``.
    """
    if code == SOURCE_LANGUAGE:
        return {
            "code": code,
            "html_lang": "en",
            "name": "English",
            "native_name": "English",
            "dir": "ltr",
        }
    try:
        language = get_language(code)
    except ConfigError:
        return {
            "code": code,
            "html_lang": code,
            "name": code,
            "native_name": code,
            "dir": _direction(code),
        }
    return {
        "code": code,
        "html_lang": language.html_lang,
        "name": language.name,
        "native_name": language.native_name,
        "dir": _direction(language.html_lang),
    }


@functools.cache
def _direction(html_lang: str) -> str:
    """``rtl`` or ``ltr`` for a BCP 47 tag, as CLDR has it; ``auto`` when Babel doesn't know it."""
    try:
        return Locale.parse(html_lang, sep="-").text_direction
    except (UnknownLocaleError, ValueError, TypeError):
        return "auto"


def _ordered_items(mapping: Mapping[str, str], order: tuple[str, ...]) -> list[tuple[str, str]]:
    """Items of ``mapping`` with keys in ``order`` first, then any others as they come."""
    items = [(key, mapping[key]) for key in order if key in mapping]
    items += [(key, value) for key, value in mapping.items() if key not in order]
    return items


def _models_record(run: RunInfo) -> dict[str, Any]:
    """``RunInfo.models`` grouped by stage for results.jsonl."""
    translation = {
        key.removeprefix(_TRANSLATION_PREFIX): model
        for key, model in run.models.items()
        if key.startswith(_TRANSLATION_PREFIX)
    }
    record: dict[str, Any] = {
        "summary": run.models.get("summary"),
        "translation": dict(_ordered_items(translation, run.languages)),
    }
    for key, model in run.models.items():
        if key != "summary" and not key.startswith(_TRANSLATION_PREFIX):
            record[key] = model
    return record


def _models_display(run: RunInfo) -> list[dict[str, str]]:
    """Models per stage for the page, labelled: summary, then translations in language order."""
    models = _models_record(run)
    rows = []
    if models["summary"] is not None:
        rows.append({"stage": "Summary model", "model": models["summary"]})
    for code, model in models["translation"].items():
        language = _language(code)
        rows.append({"stage": f"Translation model ({language['name']})", "model": model})
    for key, model in models.items():
        if key not in ("summary", "translation"):
            rows.append({"stage": f"{key} model", "model": model})
    return rows


def _date_part(timestamp: str) -> str:
    """The calendar date of an ISO 8601 timestamp, or the timestamp itself if it isn't one."""
    try:
        return datetime.fromisoformat(timestamp).date().isoformat()
    except ValueError:
        return timestamp


def _paragraphs(text: str) -> list[str]:
    """Split text into paragraphs at blank lines (a Jinja filter)."""
    return [part.strip() for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def _page_name(slug: str) -> str:
    """File name of an article's page, after checking the slug is a plain file-name stem."""
    if (
        not slug
        or slug.startswith(".")
        or "/" in slug
        or "\\" in slug
        or "\x00" in slug
        or os.sep in slug
        or (os.altsep is not None and os.altsep in slug)
    ):
        raise ValueError(f"unsafe article slug {slug!r}: it must be a plain file-name stem")
    name = slug + ".html"
    if name.casefold() == INDEX_FILE.casefold():
        raise ValueError(f"article slug {slug!r} is reserved for the briefing's front page")
    return name


def _check_unique(names: list[str]) -> None:
    """Refuse two outputs with the same name (case-insensitively, as on macOS and Windows)."""
    seen: set[str] = set()
    for name in names:
        key = name.casefold()
        if key in seen:
            raise ValueError(f"two outputs would be written to {name!r}; slugs must be unique")
        seen.add(key)


def _safe_path(output_dir: Path, name: str) -> Path:
    """``output_dir / name``, refusing any path that resolves outside ``output_dir``."""
    path = output_dir / name
    if path.parent != output_dir or not path.resolve().is_relative_to(output_dir.resolve()):
        raise ValueError(f"refusing to write {str(path)!r}: it is outside {str(output_dir)!r}")
    return path


def _render(
    env: jinja2.Environment,
    name: str,
    context: dict[str, Any],
    user_templates: Path | None,
) -> str:
    """Render one template; a user template's error becomes a ConfigError naming it."""
    with _blamed_on(user_templates, name, "template"):
        return env.get_template(name).render(context)


@contextlib.contextmanager
def _blamed_on(user_templates: Path | None, name: str, kind: str) -> Iterator[None]:
    """With user templates, any error in the block (a Jinja error, a type error or a division
    by zero in a template, a catalogue string format() cannot fill in) is a ConfigError
    naming ``name`` (a template's own name when Jinja knows it) and the folder, not a
    traceback. Without them, errors are bugs and pass through."""
    try:
        yield
    except ConfigError:
        raise
    except Exception as exc:
        if user_templates is None:
            raise
        # Only Jinja's errors name a template (an AttributeError's name is the attribute's).
        where = (
            getattr(exc, "name", None) if isinstance(exc, jinja2.TemplateError) else None
        ) or name
        raise ConfigError(
            f"{kind} {where!r} (templates directory {str(user_templates)!r}) failed: {exc}; "
            f"fix the {kind} or remove it to use the built-in one"
        ) from exc
