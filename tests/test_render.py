"""Tests for the render stage: pages, results.jsonl, escaping, templates and safe writes."""

from __future__ import annotations

import dataclasses
import json
import os
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import pytest
from support.briefings import (
    ABOUT_PAGES,
    ARTICLE_PAGES,
    DANGEROUS_SUMMARY,
    DANGEROUS_TITLE,
    HTTPS_URL,
    TRANSLATIONS,
    make_result,
)

from summarize.core.errors import ConfigError
from summarize.core.records import (
    Briefing,
    InputFailure,
    RunInfo,
)
from summarize.outputs import (
    build_context,
    builtin_templates_dir,
    check_templates,
    make_environment,
    result_record,
    write_briefing,
)

HTML_LANG = {"en": "en", "hu": "hu", "zh": "zh-Hans", "ru": "ru", "uk": "uk"}


def make_run(languages: tuple[str, ...] = ("hu", "zh", "ru", "uk")) -> RunInfo:
    """Run facts with a model per stage."""
    models = {"summary": "sshleifer/distilbart-cnn-12-6"}
    models.update({f"translation:{code}": f"models/en-{code}" for code in reversed(languages)})
    return RunInfo(
        generated_at="2025-03-04T05:06:07+00:00",
        models=models,
        device="cpu",
        dtype="float32",
        languages=languages,
        version="0.1.0",
    )


@pytest.fixture
def briefing() -> Briefing:
    """Three articles (one hostile, one https, one plain) and one failed input."""
    return Briefing(
        results=(
            make_result(
                "orban",
                "Orbán visits Beijing",
                "Hungary's prime minister met Xi Jinping in Beijing.",
                url=HTTPS_URL,
                published="2024-07-08",
            ),
            make_result(
                "danger",
                DANGEROUS_TITLE,
                DANGEROUS_SUMMARY,
                url="javascript:alert(document.cookie)",
                warnings=("encoding guessed as cp1250 <b>",),
            ),
            make_result("plain", "A plain story", "First paragraph.\n\nSecond paragraph."),
        ),
        run=make_run(),
        failures=(InputFailure(source="inputs/broken.pdf", reason="unsupported file type <pdf>"),),
    )


class PageParser(HTMLParser):
    """Collect text with its effective ``lang``, elements with ``lang``, and links."""

    VOID = frozenset({"meta", "link", "br", "hr", "img", "input", "area", "base", "col", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, list[str]]] = []
        self.chunks: list[tuple[str | None, str]] = []  # (innermost lang, text)
        self.elements: list[tuple[str, str, str]] = []  # (tag, lang, full text)
        self.hrefs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "a" and attributes.get("href") is not None:
            self.hrefs.append(attributes["href"] or "")
        if tag not in self.VOID:
            self.stack.append((tag, attributes.get("lang"), []))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, lang, parts = self.stack.pop()
            if lang is not None:
                self.elements.append((open_tag, lang, "".join(parts)))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        lang = next((lang for _, lang, _ in reversed(self.stack) if lang is not None), None)
        self.chunks.append((lang, data))
        for _, _, parts in self.stack:
            parts.append(data)

    def lang_of(self, text: str) -> set[str | None]:
        """Effective languages of every text chunk containing ``text``."""
        return {lang for lang, data in self.chunks if text in data}

    def texts(self, tag: str) -> list[str]:
        """Full text of elements named ``tag`` that carry a lang attribute."""
        return [text for name, _, text in self.elements if name == tag]


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def h1_text(path: Path) -> str:
    """Text of the page's <h1>."""

    class H1(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.inside = False
            self.text = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.inside = self.inside or tag == "h1"

        def handle_endtag(self, tag: str) -> None:
            if tag == "h1":
                self.inside = False

        def handle_data(self, data: str) -> None:
            if self.inside:
                self.text += data

    parser = H1()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.text.strip()


def listing(directory: Path) -> set[str]:
    return {path.name for path in directory.iterdir()}


# --- files and results.jsonl ---------------------------------------------------------------


#: Each edition's feeds, in the order written.
FEEDS = [f"feed.{code}.{ext}" for code in ("en", "hu", "zh", "ru", "uk") for ext in ("xml", "json")]


def test_writes_index_pages_and_results(briefing: Briefing, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "out"
    written = write_briefing(briefing, out)
    assert written == [
        out / "index.html",
        out / "briefing.hu.html",
        out / "briefing.zh.html",
        out / "briefing.ru.html",
        out / "briefing.uk.html",
        *(out / name for name in ARTICLE_PAGES),
        *(out / name for name in ABOUT_PAGES),
        out / "results.jsonl",
        # Each edition's feeds, English included (#20).
        *(out / name for name in FEEDS),
        out / "briefing.email.html",
        out / "briefing.hu.email.html",
        out / "briefing.zh.email.html",
        out / "briefing.ru.email.html",
        out / "briefing.uk.email.html",
    ]
    assert listing(out) == {p.name for p in written}
    assert all(path.stat().st_size > 0 for path in written)


def test_results_jsonl_records(briefing: Briefing, tmp_path: Path) -> None:
    write_briefing(briefing, tmp_path)
    lines = (tmp_path / "results.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["slug"] for r in records] == ["orban", "danger", "plain"]
    assert list(records[0]) == [
        "id",
        "title",
        "source",
        "url",
        "published",
        "summary",
        "translations",
        "headlines",
        "models",
        "chunks",
        "language",
        "pivot",
        "slug",
        "warnings",
        "also_reported_by",
    ]
    first, second, _ = records
    assert (first["language"], first["pivot"]) == ("en", None)
    assert first["id"] == "inputs/orban.txt"
    assert first["title"] == "Orbán visits Beijing"
    assert first["source"] == "inputs/orban.txt"
    assert first["url"] == HTTPS_URL
    assert first["published"] == "2024-07-08"
    assert first["summary"] == "Hungary's prime minister met Xi Jinping in Beijing."
    assert first["translations"] == TRANSLATIONS["orban"]
    assert list(first["translations"]) == ["hu", "zh", "ru", "uk"]
    assert first["models"] == {
        "summary": "sshleifer/distilbart-cnn-12-6",
        "translation": {code: f"models/en-{code}" for code in ("hu", "zh", "ru", "uk")},
    }
    # RunInfo.models was built in reverse; results follow RunInfo.languages.
    assert list(first["models"]["translation"]) == ["hu", "zh", "ru", "uk"]
    assert first["chunks"] == 2
    assert first["warnings"] == []
    assert second["title"] == DANGEROUS_TITLE
    assert second["url"] == "javascript:alert(document.cookie)"
    assert second["warnings"] == [
        {
            "stage": "input",
            "language": None,
            "kind": "reading",
            "detail": "encoding guessed as cp1250 <b>",
        }
    ]
    # Not ASCII-escaped: the file is UTF-8.
    assert "欧尔班" in lines[0]
    assert "\\u" not in lines[0]


def test_result_record_orders_translations_by_run_languages() -> None:
    result = make_result(
        "orban",
        "T",
        "S",
        translations={"uk": "у", "extra": "x", "hu": "h"},
    )
    record = result_record(result, make_run(("hu", "uk")))
    assert list(record["translations"]) == ["hu", "uk", "extra"]
    assert list(record["models"]["translation"]) == ["hu", "uk"]


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["orban", "danger", "plain"])
def test_article_page_has_every_translation_in_its_language(
    briefing: Briefing, tmp_path: Path, slug: str
) -> None:
    write_briefing(briefing, tmp_path)
    page = parse(tmp_path / f"{slug}.html")
    result = next(r for r in briefing.results if r.article.slug == slug)
    for code, text in result.translations.items():
        assert page.lang_of(text) == {HTML_LANG[code]}, code
        assert any(lang == HTML_LANG[code] and text in body for _, lang, body in page.elements)
    for paragraph in result.summary.text.split("\n\n"):
        assert page.lang_of(paragraph) == {"en"}
    # Translations come in RunInfo.languages order, after the English summary.
    order = [lang for tag, lang, _ in page.elements if tag == "section"]
    assert order == ["en", "hu", "zh-Hans", "ru", "uk"]


def test_article_page_headings_use_native_names(briefing: Briefing, tmp_path: Path) -> None:
    write_briefing(briefing, tmp_path)
    page = parse(tmp_path / "orban.html")
    for native, lang in [
        ("Magyar", "hu"),
        ("中文（简体）", "zh-Hans"),
        ("Русский", "ru"),
        ("Українська", "uk"),
    ]:
        assert page.lang_of(native) == {lang}


def test_pages_are_self_contained_documents(briefing: Briefing, tmp_path: Path) -> None:
    write_briefing(briefing, tmp_path)
    for name in ("index.html", "orban.html"):
        page = parse(tmp_path / name)
        tags = [tag for tag, _ in page.tags]
        assert ("html", {"lang": "en", "dir": "ltr"}) in page.tags
        assert ("meta", {"charset": "utf-8"}) in page.tags
        assert any(tag == "meta" and attrs.get("name") == "viewport" for tag, attrs in page.tags)
        for landmark in ("header", "nav", "main", "footer", "title", "style"):
            assert landmark in tags, (name, landmark)
        for external in ("script", "img", "iframe"):
            assert external not in tags, (name, external)
        # A front page announces its feeds (#20); nothing else is linked, nothing loaded.
        links = [attrs for tag, attrs in page.tags if tag == "link"]
        expected = [
            ("application/atom+xml", "./feed.en.xml"),
            ("application/feed+json", "./feed.en.json"),
        ]
        assert [(a["type"], a["href"]) for a in links] == (expected if name == "index.html" else [])
        assert all(a["rel"] == "alternate" for a in links)
        html = (tmp_path / name).read_text(encoding="utf-8")
        assert "prefers-color-scheme: dark" in html
        assert "@media print" in html
        assert ":focus-visible" in html
        assert "@import" not in html and "url(" not in html


def test_index_lists_articles_run_and_failures(briefing: Briefing, tmp_path: Path) -> None:
    write_briefing(briefing, tmp_path)
    index = parse(tmp_path / "index.html")
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert h1_text(tmp_path / "index.html") == "News briefing"
    assert "<title>News briefing</title>" in html
    for slug in ("orban", "danger", "plain"):
        assert f"./{slug}.html" in index.hrefs
    assert "Hungary's prime minister met Xi Jinping in Beijing." in "".join(
        data for lang, data in index.chunks if lang == "en"
    )
    for native, lang in [
        ("Magyar", "hu"),
        ("中文（简体）", "zh-Hans"),
        ("Русский", "ru"),
    ]:
        assert index.lang_of(native) == {lang}
    # "Read in" leads to the article's page in each edition.
    assert "./orban.uk.html" in index.hrefs
    # Table of contents links to each article on the page.
    assert [h for h in index.hrefs if h.startswith("#article")] == [
        "#article-1",
        "#article-2",
        "#article-3",
    ]
    text = "".join(data for _, data in index.chunks)
    assert "machine-generated" in text
    # The run's internals are on the "About this briefing" page, linked from the footer.
    assert "./about.html" in index.hrefs
    for internal in ("float32", "inputs/broken.pdf", "unsupported file type", "inputs/orban.txt"):
        assert internal not in text, internal
    about = parse(tmp_path / "about.html")
    about_text = "".join(data for _, data in about.chunks)
    for fact in (
        "2025-03-04",
        "sshleifer/distilbart-cnn-12-6",
        "models/en-zh",
        "cpu",
        "float32",
        "0.1.0",
        "inputs/orban.txt",
        "inputs/broken.pdf",
        "unsupported file type <pdf>",
    ):
        assert fact in about_text, fact
    assert "&lt;pdf&gt;" in (tmp_path / "about.html").read_text(encoding="utf-8")
    assert "./orban.html" in about.hrefs


def test_index_without_failures_has_no_failure_section(tmp_path: Path) -> None:
    results = (make_result("plain", "A plain story", "Summary."),)
    write_briefing(Briefing(results=results, run=make_run()), tmp_path)
    for page in ("index.html", "about.html"):
        assert "failures-heading" not in (tmp_path / page).read_text(encoding="utf-8")


def test_empty_briefing_renders(tmp_path: Path) -> None:
    failures = (InputFailure("a.txt", "empty file"),)
    written = write_briefing(Briefing(results=(), run=make_run(), failures=failures), tmp_path)
    assert [p.name for p in written] == [
        "index.html",
        "briefing.hu.html",
        "briefing.zh.html",
        "briefing.ru.html",
        "briefing.uk.html",
        *ABOUT_PAGES,
        "results.jsonl",
        *FEEDS,
        "briefing.email.html",
        "briefing.hu.email.html",
        "briefing.zh.email.html",
        "briefing.ru.email.html",
        "briefing.uk.email.html",
    ]
    assert (tmp_path / "results.jsonl").read_text(encoding="utf-8") == ""
    assert "empty file" in (tmp_path / "about.html").read_text(encoding="utf-8")
    assert "1 input could not be included" in (tmp_path / "index.html").read_text("utf-8")


def test_article_meta(briefing: Briefing, tmp_path: Path) -> None:
    write_briefing(briefing, tmp_path)
    orban = (tmp_path / "orban.html").read_text(encoding="utf-8")
    assert "2024-07-08" in orban
    assert "Chunks" not in orban  # an internal: the about page says it
    assert "./index.html" in parse(tmp_path / "orban.html").hrefs
    assert "./about.html" in parse(tmp_path / "orban.html").hrefs
    plain = parse(tmp_path / "plain.html")
    # No URL: no file path either; the about page names the input file.
    assert "inputs/plain.txt" not in "".join(data for _, data in plain.chunks)
    assert not [h for h in plain.hrefs if "plain.txt" in h]
    about = (tmp_path / "about.html").read_text(encoding="utf-8")
    assert "inputs/plain.txt" in about and '<td data-label="Chunks">2</td>' in about  # its chunks


def test_unknown_language_falls_back_to_its_code(tmp_path: Path) -> None:
    result = make_result("plain", "A plain story", "Summary.", translations={"xx": "Xyzzy text"})
    write_briefing(Briefing(results=(result,), run=make_run(("xx",))), tmp_path)
    page = parse(tmp_path / "plain.html")
    assert page.lang_of("Xyzzy text") == {"xx"}


# --- untrusted data --------------------------------------------------------------------------


def test_dangerous_strings_are_escaped_not_evaluated(briefing: Briefing, tmp_path: Path) -> None:
    write_briefing(briefing, tmp_path)
    for name in ("index.html", "danger.html"):
        html = (tmp_path / name).read_text(encoding="utf-8")
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "{{ 7*7 }}" in html
        assert "{% raw %}" in html
        assert "Q&amp;A" in html
        assert "& more" not in html and "&amp; more" in html
    # Parsed back, the headline is exactly the untrusted title: nothing evaluated or lost.
    assert h1_text(tmp_path / "danger.html") == DANGEROUS_TITLE
    assert "49" not in h1_text(tmp_path / "danger.html")
    page = parse(tmp_path / "danger.html")
    assert page.lang_of(DANGEROUS_SUMMARY) == {"en"}
    assert page.lang_of(TRANSLATIONS["danger"]["uk"]) == {"uk"}
    assert "encoding guessed as cp1250 &lt;b&gt;" in (tmp_path / "danger.html").read_text()


def test_only_http_urls_become_links(briefing: Briefing, tmp_path: Path) -> None:
    write_briefing(briefing, tmp_path)
    for name in ("index.html", "orban.html", "danger.html", "plain.html"):
        for href in parse(tmp_path / name).hrefs:
            assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
    assert HTTPS_URL in parse(tmp_path / "orban.html").hrefs
    danger = parse(tmp_path / "danger.html")
    # Shown as text so the reader still sees it.
    assert "javascript:alert(document.cookie)" in "".join(data for _, data in danger.chunks)


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("HTTP://example.com/a", "HTTP://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("https://example.com/a b", None),
        ("https:/relative", None),
        ("//example.com/a", None),
        ("/local/path", None),
        ("", None),
        (None, None),
    ],
)
def test_url_href_is_http_only(url: str | None, href: str | None) -> None:
    result = make_result("plain", "T", "S", url=url)
    context = build_context(Briefing(results=(result,), run=make_run()))
    assert context["articles"][0]["url_href"] == href


def test_page_links_stay_relative_for_odd_slugs(tmp_path: Path) -> None:
    result = make_result("javascript:alert(1)", "T", "S", translations={"hu": "h"})
    write_briefing(Briefing(results=(result,), run=make_run(("hu",))), tmp_path)
    hrefs = parse(tmp_path / "index.html").hrefs
    assert "./javascript%3Aalert%281%29.html" in hrefs


def test_templates_never_mark_data_safe() -> None:
    for path in builtin_templates_dir().rglob("*"):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", ""), path.name
        assert "Markup" not in source and "autoescape false" not in source, path.name


# --- templates -------------------------------------------------------------------------------


def test_builtin_templates_dir() -> None:
    directory = builtin_templates_dir()
    assert directory.is_dir()
    for name in (
        "base.html",
        "index.html",
        "article.html",
        "style.css",
        "_summary.html",
    ):
        assert (directory / name).is_file()
    assert not list(directory.glob("*.py"))


def test_environment_autoescapes_and_is_strict() -> None:
    env = make_environment()
    assert env.from_string("{{ x }}").render(x="<b>&") == "&lt;b&gt;&amp;"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ nosuch }}").render()
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ x.nosuch }}").render(x={})


def test_user_template_overrides_one_page(briefing: Briefing, tmp_path: Path) -> None:
    user = tmp_path / "mytemplates"
    user.mkdir()
    (user / "article.html").write_text(
        '{% extends "base.html" %}{% block content %}'
        '<p class="custom">CUSTOM {{ article.title }}</p>{% endblock %}',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    write_briefing(briefing, out, user_templates=user)
    assert "CUSTOM Orbán visits Beijing" in (out / "orban.html").read_text(encoding="utf-8")
    danger = (out / "danger.html").read_text(encoding="utf-8")
    assert "CUSTOM Breaking &lt;script&gt;" in danger  # still autoescaped
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "CUSTOM" not in index
    assert "About this briefing" in index  # built-in index and partials


def test_user_template_overrides_a_partial(briefing: Briefing, tmp_path: Path) -> None:
    user = tmp_path / "mytemplates"
    user.mkdir()
    (user / "_run_meta.html").write_text("<p>RUN ON {{ run.device }}</p>", encoding="utf-8")
    (user / "style.css").write_text("body { color: rebeccapurple; }", encoding="utf-8")
    out = tmp_path / "out"
    write_briefing(briefing, out, user_templates=user)
    about = (out / "about.html").read_text(encoding="utf-8")
    assert "RUN ON cpu" in about
    assert "How it was made" not in about
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "rebeccapurple" in index
    assert "prefers-color-scheme" not in index


def test_user_template_can_extend_the_builtin(briefing: Briefing, tmp_path: Path) -> None:
    user = tmp_path / "mytemplates"
    user.mkdir()
    (user / "index.html").write_text(
        '{% extends "builtin/index.html" %}{% block page_title %}Morning briefing{% endblock %}',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    write_briefing(briefing, out, user_templates=user)
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>Morning briefing</title>" in index
    assert "About this briefing" in index


def test_missing_user_templates_dir_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-templates"
    with pytest.raises(ConfigError, match="no-such-templates"):
        make_environment(missing)
    not_a_dir = tmp_path / "file.html"
    not_a_dir.write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"file\.html"):
        make_environment(not_a_dir)


def test_missing_user_templates_dir_writes_nothing(briefing: Briefing, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(ConfigError):
        write_briefing(briefing, out, user_templates=tmp_path / "missing")
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("index.html", "{% if %}broken", "index.html"),
        # An undefined name inside a branch only a full article reaches (it has a URL).
        (
            "article.html",
            '{% extends "base.html" %}{% block content %}'
            "{% if article.url %}{{ article.link }}{% endif %}{% endblock %}",
            "link",
        ),
        ("messages/hu.json", '{"briefing_title": 5}', "briefing_title"),
    ],
)
def test_check_templates_finds_a_broken_template_before_any_work(
    tmp_path: Path, name: str, text: str, found: str
) -> None:
    user = tmp_path / "mytemplates"
    (user / name).parent.mkdir(parents=True)
    (user / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=found):
        check_templates(user, ("hu", "zh"))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["mytemplates"]  # wrote nothing


def test_check_templates_accepts_working_templates(tmp_path: Path) -> None:
    check_templates(None, ("hu", "zh", "ru", "uk"))
    user = tmp_path / "mytemplates"
    user.mkdir()
    (user / "index.html").write_text(
        '{% extends "builtin/index.html" %}{% block page_title %}Morning{% endblock %}',
        encoding="utf-8",
    )
    check_templates(user, ("hu",))
    with pytest.raises(ConfigError, match="missing"):
        check_templates(tmp_path / "missing", ("hu",))


def test_user_template_typo_is_caught(briefing: Briefing, tmp_path: Path) -> None:
    user = tmp_path / "mytemplates"
    user.mkdir()
    (user / "article.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ article.titel }}{% endblock %}',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match="titel") as excinfo:
        write_briefing(briefing, out, user_templates=user)
    assert isinstance(excinfo.value.__cause__, jinja2.UndefinedError)
    # Rendering happens before writing: nothing was written.
    assert not out.exists()


# --- safe writes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", ["../evil", "..", "a/b", "a\\b", ".hidden", "", "index", "INDEX", "/abs"]
)
def test_unsafe_slug_is_refused_and_nothing_written(tmp_path: Path, slug: str) -> None:
    out = tmp_path / "out"
    results = (
        make_result("plain", "Fine", "S"),
        make_result(slug, "Evil", "S", translations={}),
    )
    with pytest.raises(ValueError, match="slug"):
        write_briefing(Briefing(results=results, run=make_run()), out)
    assert not out.exists()
    assert listing(tmp_path) == set()


def test_duplicate_slugs_are_refused(tmp_path: Path) -> None:
    results = (
        make_result("plain", "A", "S"),
        make_result("Plain", "B", "S", translations={}),
    )
    with pytest.raises(ValueError, match="unique"):
        write_briefing(Briefing(results=results, run=make_run()), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_symlink_escaping_output_dir_is_refused(briefing: Briefing, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.html"
    outside.write_text("precious", encoding="utf-8")
    (out / "orban.html").symlink_to(outside)
    with pytest.raises(ValueError, match="outside"):
        write_briefing(briefing, out)
    assert outside.read_text(encoding="utf-8") == "precious"
    assert listing(out) == {"orban.html"}


def test_writes_leave_no_temp_files(briefing: Briefing, tmp_path: Path) -> None:
    write_briefing(briefing, tmp_path)
    write_briefing(briefing, tmp_path)  # overwrite in place
    assert listing(tmp_path) == {
        "index.html",
        "briefing.hu.html",
        "briefing.zh.html",
        "briefing.ru.html",
        "briefing.uk.html",
        *ARTICLE_PAGES,
        *ABOUT_PAGES,
        "results.jsonl",
        *FEEDS,
        "briefing.email.html",
        "briefing.hu.email.html",
        "briefing.zh.email.html",
        "briefing.ru.email.html",
        "briefing.uk.email.html",
    }


def test_failed_write_keeps_old_file_and_no_temp(
    briefing: Briefing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "index.html").write_text("OLD", encoding="utf-8")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_briefing(briefing, tmp_path)
    assert listing(tmp_path) == {"index.html"}
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "OLD"


def test_undecodable_paths_in_the_run_facts_do_not_stop_the_write(tmp_path: Path) -> None:
    # A model folder (or input, output, templates folder) whose name is not UTF-8 reaches
    # Python as a lone surrogate, which UTF-8 cannot encode: the pages and run.json are still
    # written, with U+FFFD in its place.
    from summarize.outputs.report import write_run_report

    model = "/models/caf\udce9"
    run = make_run(("hu",))
    run = RunInfo(**{**run.__dict__, "models": {**run.models, "summary": model}})
    results = (make_result("plain", "A plain story", "Summary.", translations={"hu": "h"}),)
    write_briefing(Briefing(results=results, run=run), tmp_path)
    assert "/models/caf\ufffd" in (tmp_path / "index.html").read_text("utf-8")
    assert "/models/caf\ufffd" in (tmp_path / "results.jsonl").read_text("utf-8")
    write_run_report({"settings": {"inputs": [model]}}, tmp_path)
    report = json.loads((tmp_path / "run.json").read_text("utf-8"))
    assert report["settings"]["inputs"] == ["/models/caf\ufffd"]


@pytest.mark.parametrize(
    "url",
    [
        # No host: a browser refuses the link, and the card's link text was "None".
        "https://user@/story",
        "https://:443/story",
        # Browsers read "\" as "/", so this goes to evil.example while Python's urlsplit (and
        # the card's link text) named good.example.
        "https://evil.example\\@good.example/story",
        "https://evil.example\\.good.example/",
    ],
)
def test_url_whose_host_a_browser_would_read_differently_is_no_link(
    url: str, tmp_path: Path
) -> None:
    result = make_result("plain", "T", "S", url=url, translations={"hu": "h"})
    briefing = Briefing(results=(result,), run=make_run(("hu",)))
    assert build_context(briefing)["articles"][0]["url_href"] is None
    write_briefing(briefing, tmp_path)
    index = parse(tmp_path / "index.html")
    assert not [href for href in index.hrefs if "example" in href]
    assert "None" not in "".join(data for _, data in index.chunks)


def test_card_names_the_host_the_link_goes_to(tmp_path: Path) -> None:
    url = "https://good.example@evil.example:8443/story"
    result = make_result("plain", "T", "S", url=url, translations={"hu": "h"})
    write_briefing(Briefing(results=(result,), run=make_run(("hu",))), tmp_path)
    assert "evil.example" in "".join(data for _, data in parse(tmp_path / "index.html").chunks)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # A Cyrillic "а" among Latin letters: "pаypal.com" is not paypal.com.
        ("https://p\u0430ypal.com/news", "xn--pypal-4ve.com"),
        ("https://www.bbc.co.uk\u0455/x", "www.bbc.co.xn--uk-foc"),
        # One alphabet per label is how such sites are really named: shown as written.
        ("https://\u043f\u0440\u0435\u0437\u0438\u0434\u0435\u043d\u0442.\u0440\u0444/", None),
        ("https://m\u00fcnchen.de/", None),
        ("https://\u4f8b\u3048.jp/", None),
        ("https://news.example.com/", None),
    ],
)
def test_card_shows_a_host_mixing_alphabets_in_ascii(url: str, shown: str | None) -> None:
    result = make_result("plain", "T", "S", url=url, translations={"hu": "h"})
    article = build_context(Briefing(results=(result,), run=make_run(("hu",))))["articles"][0]
    assert article["url_href"] == url
    assert article["url_host"] == (shown or urlsplit(url).hostname)


@pytest.mark.parametrize(
    ("name", "data", "found"),
    [
        # Saved in Latin-1 by an editor: UnicodeDecodeError escaped as a traceback.
        (
            "_run_meta.html",
            "<p>Caf\xe9 {{ run.device }}</p>".encode("latin-1"),
            r"_run_meta\.html.*UTF-8",
        ),
        # Errors that are not Jinja's own: a type error, a division by zero.
        (
            "article.html",
            b'{% extends "builtin/article.html" %}'
            b"{% block page_title %}{{ article.chunks + article.title }}{% endblock %}",
            "article.html",
        ),
        ("index.html", b"{{ articles | length / 0 }}", "index.html"),
        # A catalogue string that format() cannot fill in.
        ("messages/hu.json", b'{"translation_model": "{language.nosuch}"}', "translation_model"),
        # ... outside the templates too: the page title is looked up before any renders.
        ("messages/hu.json", b'{"briefing_title": "H\xc3\xadrek {nosuch}"}', "briefing_title"),
    ],
)
def test_any_broken_user_template_is_a_config_error(
    briefing: Briefing, tmp_path: Path, name: str, data: bytes, found: str
) -> None:
    user = tmp_path / "mytemplates"
    (user / name).parent.mkdir(parents=True)
    (user / name).write_bytes(data)
    with pytest.raises(ConfigError, match=found):
        check_templates(user, ("hu",))
    with pytest.raises(ConfigError, match=found):
        write_briefing(briefing, tmp_path / "out", user_templates=user)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # Only an article translated into English first has a pivot model.
        (
            "article.html",
            '{% extends "builtin/article.html" %}{% block page_title %}'
            "{% if article.pivot_model %}{{ article.pivot_modle }}{% endif %}{% endblock %}",
        ),
        # Only a date that is not ISO 8601 is shown as given.
        (
            "article.html",
            '{% extends "builtin/article.html" %}{% block page_title %}'
            "{% if article.published and not article.published_iso %}{{ article.publshed }}"
            "{% endif %}{% endblock %}",
        ),
        # Only a model with a known licence has one, and only some licences a condition.
        (
            "_credits.html",
            "{% for row in credits %}{% if row.note %}{{ row.nte }}{% endif %}{% endfor %}",
        ),
        # Only an edition missing a translation says so.
        (
            "edition.html",
            '{% extends "builtin/edition.html" %}{% block page_title %}{% for a in articles %}'
            "{% if a.edition.code != page_lang.code %}{{ a.edition.txt }}{% endif %}"
            "{% endfor %}{% endblock %}",
        ),
        # Only a run in which every article failed has no articles.
        (
            "index.html",
            '{% extends "builtin/index.html" %}{% block page_title %}'
            "{% if not articles %}{{ t('no_such_string') }}{% endif %}{% endblock %}",
        ),
    ],
)
def test_check_templates_renders_every_branch_a_real_run_can_reach(
    tmp_path: Path, name: str, text: str
) -> None:
    user = tmp_path / "mytemplates"
    user.mkdir()
    (user / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError):
        check_templates(user, ("hu", "zh"))


def test_a_date_that_cannot_be_read_is_left_out_not_printed_raw(tmp_path: Path) -> None:
    # Text such as "Published: yesterday" means nothing on a page read another day.
    result = dataclasses.replace(
        make_result("plain", "T", "S", published="március közepén", translations={"hu": "h"}),
        language="hu",
    )
    write_briefing(Briefing(results=(result,), run=make_run(("hu",))), tmp_path)
    for page in ("index.html", "briefing.hu.html", "plain.html", "plain.hu.html"):
        assert "március közepén" not in (tmp_path / page).read_text(encoding="utf-8"), page
