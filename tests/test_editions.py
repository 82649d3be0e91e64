"""Language editions and page quality, checked as a reader's browser would parse the pages.

Every page is parsed with html5lib in strict mode (any HTML5 parse error fails), and every
internal link must lead to a written page and, with a #fragment, to an element with that id.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.briefings import (
    ABOUT_PAGES,
    ARTICLE_PAGES,
    DANGEROUS_TITLE,
    EDITIONS,
    TRANSLATIONS,
    make_briefing,
    make_result,
    make_rtl_briefing,
)
from support.pages import (
    effective_langs,
    elements,
    every_internal_link_resolves,
    every_page_is_valid_html5,
    heading_levels_never_skip,
    language_switcher_on_every_page,
    pages,
    pages_are_self_contained,
    parse_strict,
    text_of,
)

from summarize.core.errors import ConfigError
from summarize.core.languages import MODEL_LICENCES
from summarize.core.records import Briefing
from summarize.outputs import (
    build_context,
    builtin_templates_dir,
    credits,
    load_messages,
    write_briefing,
)

#: A label of each edition that must be in its language ("Sources" / "Contents").
CONTENTS = {"hu": "Tartalom", "zh": "目录", "ru": "Содержание", "uk": "Зміст"}
#: The long date of 2025-03-04 in each edition's locale (Babel, CLDR).
GENERATED = {
    "en": "March 4, 2025",
    "hu": "2025. március 4.",
    "zh": "2025年3月4日",
    "ru": "4 марта 2025\u202fг.",
    "uk": "4 березня 2025\u202fр.",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_briefing(make_briefing(), tmp_path)
    return tmp_path


# --- files ----------------------------------------------------------------------------------


def test_one_edition_per_language(site: Path) -> None:
    assert {p.name for p in pages(site)} == {*EDITIONS, *ARTICLE_PAGES, *ABOUT_PAGES}


def test_editions_follow_run_languages(tmp_path: Path) -> None:
    written = write_briefing(make_briefing(("ru", "fi")), tmp_path)
    assert [p.name for p in written][:3] == ["index.html", "briefing.ru.html", "briefing.fi.html"]


def test_article_slug_cannot_take_an_editions_name(tmp_path: Path) -> None:
    results = (make_result("briefing.hu", "T", "S", translations={"hu": "h"}),)
    run = make_briefing().run
    with pytest.raises(ValueError, match="unique"):
        write_briefing(Briefing(results=results, run=run), tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- HTML5, lang, title, links ----------------------------------------------------------------


def test_every_page_is_valid_html5(site: Path) -> None:
    every_page_is_valid_html5(site)


@pytest.mark.parametrize(("name", "expected"), list(EDITIONS.items()))
def test_edition_lang_and_title(site: Path, name: str, expected: tuple[str, str]) -> None:
    lang, title = expected
    root = parse_strict(site / name)
    assert root.get("lang") == lang
    assert text_of(elements(root, "title")[0]) == title
    assert text_of(elements(root, "h1")[0]) == title
    metas = elements(root, "meta")
    assert any(m.get("charset") == "utf-8" for m in metas)
    assert any(m.get("name") == "viewport" for m in metas)
    for landmark in ("header", "main", "nav", "footer"):
        assert elements(root, landmark), (name, landmark)


def test_article_pages_have_a_title_and_english_lang(site: Path) -> None:
    for slug in ("orban", "danger", "plain"):
        root = parse_strict(site / f"{slug}.html")
        assert root.get("lang") == "en"
        assert text_of(elements(root, "title")[0]).endswith(" · News briefing")


def test_heading_levels_never_skip(site: Path) -> None:
    heading_levels_never_skip(site)


def test_every_internal_link_resolves(site: Path) -> None:
    every_internal_link_resolves(site)


def test_language_switcher_on_every_page(site: Path) -> None:
    language_switcher_on_every_page(site)


# --- each edition in its language ---------------------------------------------------------------


@pytest.mark.parametrize("code", ["hu", "zh", "ru", "uk"])
def test_edition_is_in_its_language(site: Path, code: str) -> None:
    root = parse_strict(site / f"briefing.{code}.html")
    page_lang = root.get("lang")
    text = text_of(root)
    assert CONTENTS[code] in text
    assert GENERATED[code] in text
    assert "2025-03-04" in {el.get("datetime")[:10] for el in elements(root, "time")}
    # Translated summaries carry the page's language; nothing English is left unmarked.
    langs = effective_langs(root)
    for slug in ("orban", "danger"):
        summary = TRANSLATIONS[slug][code]
        assert {lang for lang, t in langs if summary in t} == {page_lang}
    english_labels = {
        "Contents",
        "Source",
        "Published",
        "Machine translation",
        "Generated on",
        "About this briefing",
        "Models and licences",
    }
    for lang, chunk in langs:
        if lang == page_lang:
            for label in english_labels:
                assert label not in chunk, (code, chunk)
    # A missing translation falls back to the English summary, marked as English and explained.
    fallback = {lang for lang, t in langs if "First paragraph." in t}
    note = {"hu": None, "zh": "暂无中文译文", "ru": "Перевода", "uk": "Перекладу"}[code]
    if note is None:
        assert fallback == set()
        assert TRANSLATIONS["plain"]["hu"] in text
    else:
        assert fallback == {"en"}
        assert note in text
    # Article titles keep the article's language.
    assert {lang for lang, t in langs if "Orbán visits Beijing" in t} == {"en"}


def test_plural_forms_follow_the_locale(tmp_path: Path) -> None:
    write_briefing(make_briefing(), tmp_path)
    assert "3 статьи" in (tmp_path / "briefing.ru.html").read_text("utf-8")
    assert "3 статті" in (tmp_path / "briefing.uk.html").read_text("utf-8")
    assert "3 articles" in (tmp_path / "index.html").read_text("utf-8")
    one = Briefing(results=make_briefing().results[:1], run=make_briefing().run)
    write_briefing(one, tmp_path / "one")
    assert "1 статья" in (tmp_path / "one" / "briefing.ru.html").read_text("utf-8")
    assert "1 article" in (tmp_path / "one" / "index.html").read_text("utf-8")


def test_language_without_catalogue_falls_back_to_english(tmp_path: Path) -> None:
    briefing = make_briefing(("fi",))
    write_briefing(briefing, tmp_path)
    root = parse_strict(tmp_path / "briefing.fi.html")
    assert root.get("lang") == "fi"
    text = text_of(root)
    assert "Contents" in text  # English UI string
    assert "4. maaliskuuta 2025" in text  # but a Finnish date


def test_missing_string_falls_back_per_string(tmp_path: Path) -> None:
    user = tmp_path / "templates"
    (user / "messages").mkdir(parents=True)
    (user / "messages" / "fi.json").write_text(
        json.dumps({"contents": "Sisällys"}), encoding="utf-8"
    )
    write_briefing(make_briefing(("fi",)), tmp_path / "out", user_templates=user)
    text = text_of(parse_strict(tmp_path / "out" / "briefing.fi.html"))
    assert "Sisällys" in text and "Models and licences" in text


def test_user_catalogue_overrides_one_string(tmp_path: Path) -> None:
    user = tmp_path / "templates"
    (user / "messages").mkdir(parents=True)
    (user / "messages" / "hu.json").write_text(
        json.dumps({"briefing_title": "Reggeli hírek"}), encoding="utf-8"
    )
    write_briefing(make_briefing(), tmp_path / "out", user_templates=user)
    root = parse_strict(tmp_path / "out" / "briefing.hu.html")
    assert text_of(elements(root, "title")[0]) == "Reggeli hírek"
    assert "Tartalom" in text_of(root)


def test_broken_user_catalogue_is_a_config_error(tmp_path: Path) -> None:
    user = tmp_path / "templates"
    (user / "messages").mkdir(parents=True)
    (user / "messages" / "hu.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"hu\.json"):
        write_briefing(make_briefing(), tmp_path / "out", user_templates=user)
    assert not (tmp_path / "out").exists()
    (user / "messages" / "hu.json").write_text('{"contents": 3}', encoding="utf-8")
    with pytest.raises(ConfigError, match="contents"):
        write_briefing(make_briefing(), tmp_path / "out", user_templates=user)


def test_user_template_overrides_the_edition(tmp_path: Path) -> None:
    user = tmp_path / "templates"
    user.mkdir()
    (user / "edition.html").write_text(
        '{% extends "builtin/edition.html" %}{% block page_title %}MY {{ title }}{% endblock %}',
        encoding="utf-8",
    )
    write_briefing(make_briefing(), tmp_path / "out", user_templates=user)
    html = (tmp_path / "out" / "briefing.zh.html").read_text("utf-8")
    assert "<title>MY 新闻简报</title>" in html
    assert "<title>MY" not in (tmp_path / "out" / "index.html").read_text("utf-8")


def test_builtin_catalogues_have_every_english_key() -> None:
    folder = builtin_templates_dir() / "messages"
    english = json.loads((folder / "en.json").read_text("utf-8"))
    for code in ("hu", "zh", "ru", "uk"):
        catalogue = json.loads((folder / f"{code}.json").read_text("utf-8"))
        assert set(catalogue) == set(english), code
        assert load_messages(code) == catalogue


def test_unknown_message_key_is_a_template_error() -> None:
    t = build_context(make_briefing())["t"]
    with pytest.raises(Exception, match="nosuch"):
        t("nosuch")


# --- disclaimer and credits -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "licence", "note"),
    [
        ("sshleifer/distilbart-cnn-12-6", "Apache-2.0", None),
        ("Helsinki-NLP/opus-mt-tc-big-en-hu", "CC-BY-4.0", "licence_attribution"),
        ("Helsinki-NLP/opus-mt-tc-big-en-zle", "CC-BY-4.0", "licence_attribution"),
        ("Helsinki-NLP/opus-mt-en-zh", "Apache-2.0", None),
        ("facebook/nllb-200-distilled-600M", "CC-BY-NC-4.0", "licence_non_commercial"),
        ("facebook/nllb-200-3.3B", "CC-BY-NC-4.0", "licence_non_commercial"),
        ("models/my-en-fi", None, None),
    ],
)
def test_model_licences(model: str, licence: str | None, note: str | None) -> None:
    assert credits.licence_terms(model)[:2] == (licence, note)
    assert "facebook/nllb-200*" in MODEL_LICENCES


def test_every_page_credits_models_and_says_machine_generated(site: Path) -> None:
    notices = {
        "en": "machine-generated",
        "hu": "gép készítette",
        "zh-Hans": "机器生成",
        "ru": "созданы автоматически",
        "uk": "створено автоматично",
    }
    for path in pages(site):
        root = parse_strict(path)
        text = text_of(root)
        assert notices[root.get("lang")] in text, path.name
        footer = text_of(elements(root, "footer")[0])
        for model in ("sshleifer/distilbart-cnn-12-6", "facebook/nllb-200-distilled-600M"):
            assert model in footer
        assert "CC-BY-NC-4.0" in footer and "CC-BY-4.0" in footer and "Apache-2.0" in footer
    hu = text_of(parse_strict(site / "briefing.hu.html"))
    assert "forrásmegjelölés kötelező" in hu and "csak nem kereskedelmi célra" in hu
    assert "Fordítás, célnyelv: kínai" in hu  # language names in the edition's language


def test_unknown_model_says_see_the_model_card(tmp_path: Path) -> None:
    write_briefing(make_briefing(("fi",)), tmp_path)
    footer = text_of(elements(parse_strict(tmp_path / "index.html"), "footer")[0])
    assert "models/my-en-fi" in footer and "see the model card" in footer


# --- untrusted text -------------------------------------------------------------------------------


def test_injection_strings_are_literal_in_every_edition(site: Path) -> None:
    for name in EDITIONS:
        html = (site / name).read_text("utf-8")
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "{{ 7*7 }}" in html
        root = parse_strict(site / name)
        text = text_of(root)
        assert DANGEROUS_TITLE in text, name
        assert not elements(root, "script")
    for code in ("hu", "zh", "ru", "uk"):
        text = text_of(parse_strict(site / f"briefing.{code}.html"))
        assert TRANSLATIONS["danger"][code] in text


# --- self-contained, typography, responsive, print, dark mode --------------------------------


def test_pages_are_self_contained(site: Path) -> None:
    pages_are_self_contained(site)


def test_stylesheet_covers_scripts_layout_print_and_dark_mode() -> None:
    css = (builtin_templates_dir() / "style.css").read_text("utf-8")
    for needle in (
        "Noto Sans CJK SC",
        "Microsoft YaHei",
        "system-ui",
        ":lang(zh)",
        "letter-spacing: 0",
        "font-style: normal",
        "@media print",
        "prefers-color-scheme: dark",
        ":focus-visible",
        "auto-fit",
        "max-width: var(--measure)",
        "break-inside: avoid",
    ):
        assert needle in css, needle


# --- right-to-left languages --------------------------------------------------------------------


def test_right_to_left_languages_get_dir(tmp_path: Path) -> None:
    # Without dir="rtl" the Arabic edition is laid out left to right and punctuation lands on
    # the wrong side of Hebrew and Arabic text; English inside it needs dir="ltr" back.
    write_briefing(make_rtl_briefing(), tmp_path)
    direction = {"ar": "rtl", "he": "rtl", "en": "ltr"}
    assert parse_strict(tmp_path / "briefing.ar.html").get("dir") == "rtl"
    for name in ("index.html", "plain.html", "orban.html"):
        assert parse_strict(tmp_path / name).get("dir") == "ltr"
    for path in pages(tmp_path):
        for element in parse_strict(path).iter():
            lang = element.get("lang")
            if lang is not None:
                assert element.get("dir") == direction[lang], (path.name, element.tag, lang)
