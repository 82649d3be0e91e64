"""The email editions: CSS inlined, nothing loaded, the edition's stories in editorial order."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.briefings import (
    DANGEROUS_TITLE,
    EDITIONS,
    HEADLINES,
    RUSSIAN_HEADLINES,
    TRANSLATIONS,
    make_briefing,
    make_flagged_briefing,
    make_sectioned_briefing,
)
from support.pages import XHTML, elements, parse_strict, text_of

from summarize.core.errors import ConfigError
from summarize.outputs import check_templates, write_briefing
from summarize.outputs.email import email_name

#: Each email edition -> its html lang, in the order they are written.
EMAILS = {
    "briefing.email.html": "en",
    "briefing.hu.email.html": "hu",
    "briefing.zh.email.html": "zh-Hans",
    "briefing.ru.email.html": "ru",
    "briefing.uk.email.html": "uk",
}
#: Elements that load something or run code; none belongs in an email.
LOADING_TAGS = ("script", "link", "img", "iframe", "object", "embed", "video", "audio", "source")
#: Attributes that make a mail client fetch something.
LOADING_ATTRIBUTES = ("src", "srcset", "background", "poster", "data")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_briefing(make_briefing(), out)
    return out


def test_an_email_edition_per_edition_after_the_pages(tmp_path: Path) -> None:
    written = [path.name for path in write_briefing(make_briefing(), tmp_path)]
    assert written[-len(EMAILS) :] == list(EMAILS)
    assert email_name("en") == "briefing.email.html"
    assert email_name("hu") == "briefing.hu.email.html"


@pytest.mark.parametrize(("name", "lang"), EMAILS.items())
def test_css_is_inlined_and_nothing_is_loaded(site: Path, name: str, lang: str) -> None:
    root = parse_strict(site / name)
    assert root.get("lang") == lang
    assert not elements(root, "style")
    for tag in LOADING_TAGS:
        assert not elements(root, tag), tag
    styled = 0
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        assert not any(attribute.startswith("on") for attribute in element.attrib), element.tag
        for attribute in LOADING_ATTRIBUTES:
            assert element.get(attribute) is None, (element.tag, attribute)
        style = element.get("style")
        # Every element the stylesheet gave a class to carries its rules.
        if element.get("class"):
            assert style, (element.tag, element.get("class"))
        if style:
            styled += 1
            assert "url(" not in style and "@" not in style and "var(" not in style, style
    assert styled > 20
    raw = (site / name).read_text("utf-8")
    assert "<style" not in raw and "@media" not in raw and "<script" not in raw


def test_a_single_column_at_most_600px_wide(site: Path) -> None:
    root = parse_strict(site / "briefing.hu.email.html")
    tables = elements(root, "table")
    container = next(t for t in tables if "container" in t.get("class", ""))
    assert container.get("width") == "600"
    assert "max-width: 600px" in container.get("style")
    assert all(t.get("role") == "presentation" for t in tables)
    # One story a row: no row has two story cells side by side.
    for row in elements(container, "tr"):
        cells = [c for c in row if c.tag == XHTML + "td"]
        assert len(cells) <= 1


def test_each_email_shows_its_editions_text_and_links_only_out(site: Path) -> None:
    hu = text_of(parse_strict(site / "briefing.hu.email.html"))
    assert TRANSLATIONS["orban"]["hu"] in hu
    assert "Hírösszefoglaló" in hu and "Gépi fordítás" in hu
    assert "2024. július 8." in hu
    zh = text_of(parse_strict(site / "briefing.zh.email.html"))
    assert TRANSLATIONS["orban"]["zh"] in zh
    # The story without a Chinese translation shows the English summary, saying so.
    assert "First paragraph." in zh
    en = parse_strict(site / "briefing.email.html")
    assert "Hungary's prime minister met Xi Jinping in Beijing." in text_of(en)
    # Links lead out (the original, the model cards), never to a file beside the email.
    hrefs = [a.get("href") for a in elements(en, "a")]
    assert hrefs and all(href.startswith("https://") for href in hrefs)
    assert "javascript:" not in (site / "briefing.email.html").read_text("utf-8")
    # A local file path is never shown as the source.
    assert "inputs/" not in text_of(en)


def test_untrusted_text_stays_escaped(site: Path) -> None:
    for name in EMAILS:
        html = (site / name).read_text("utf-8")
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert DANGEROUS_TITLE in text_of(parse_strict(site / "briefing.email.html"))


def test_sections_order_dates_and_sources(tmp_path: Path) -> None:
    write_briefing(make_sectioned_briefing(), tmp_path)
    root = parse_strict(tmp_path / "briefing.ru.email.html")
    headings = [text_of(h) for h in elements(root, "h2")]
    assert headings == ["В мире", "Технологии"]
    stories = [text_of(h) for h in elements(root, "h3")]
    # Priority first within a section, then the sections in the order they first appear.
    assert stories == ["A plain story", "Orbán visits Beijing", DANGEROUS_TITLE]
    text = text_of(root)
    assert "Budapest Times" in text and "example.com" not in text
    assert "4 декабря 2026\u202fг." in text
    assert "yesterday" not in text  # an unreadable date is left out, not printed raw


def test_without_sections_there_are_no_section_headings(site: Path) -> None:
    root = parse_strict(site / "briefing.email.html")
    assert [h.get("class") for h in elements(root, "h2")] == ["headline"] * 3


def test_a_user_email_template_is_used_and_its_errors_named(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "email.html").write_text(
        '<!DOCTYPE html><html lang="{{ page_lang.html_lang }}"><head><title>{{ title }}</title>'
        "<style>.mine { color: #123456; }</style></head>"
        '<body><p class="mine">Mine</p></body></html>',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    write_briefing(make_briefing(), out, user_templates=templates)
    html = (out / "briefing.hu.email.html").read_text("utf-8")
    assert 'style="color: #123456;"' in html and "<style" not in html
    assert (out / "briefing.hu.html").read_text("utf-8").count("Mine") == 0

    (templates / "email.html").write_text("{{ no_such_thing.at_all }}", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"email\.html"):
        check_templates(templates, ["hu"])


def test_the_web_editions_are_unchanged_by_the_emails(site: Path) -> None:
    for name in EDITIONS:
        assert "email" not in (site / name).read_text("utf-8")


def test_each_email_shows_its_editions_headlines(tmp_path: Path) -> None:
    """The email edition shows the headline translated into its language, like the web
    edition; the English one shows a non-English article's English headline."""
    write_briefing(make_flagged_briefing(), tmp_path)
    hu = text_of(parse_strict(tmp_path / "briefing.hu.email.html"))
    assert HEADLINES["hu"] in hu and RUSSIAN_HEADLINES["hu"] in hu
    en = text_of(parse_strict(tmp_path / "briefing.email.html"))
    assert RUSSIAN_HEADLINES["en"] in en
