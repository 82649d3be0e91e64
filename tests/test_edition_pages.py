"""Each edition wholly in its reader's language: its own article pages, headlines, flags, the
status line and an unavailable language, with no English UI string left (#19)."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from support.briefings import (
    EDITIONS,
    HEADLINES,
    RAW_ERROR,
    RUSSIAN_HEADLINES,
    RUSSIAN_TITLE,
    TRANSLATIONS,
    make_briefing,
    make_flagged_briefing,
    make_result,
)
from support.pages import (
    SITE_CHECKS,
    effective_langs,
    elements,
    pages,
    parse_strict,
    text_of,
)

from summarize.core.records import Briefing
from summarize.outputs import builtin_templates_dir, check_templates, write_briefing

CODES = ("hu", "zh", "ru", "uk")
#: Words a page may show in English in any language: names, not UI strings.
PROPER_NOUNS = ("summarize",)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("flagged")
    write_briefing(make_flagged_briefing(), out)
    return out


def visible(root) -> str:
    """The page's text (its title included), without the stylesheet."""
    return "\n".join(text for _, text in effective_langs(root))


def links(root) -> list[str]:
    return [a.get("href") for a in elements(root, "a")]


# --- an edition's own article pages -------------------------------------------------------------


@pytest.mark.parametrize("check", SITE_CHECKS, ids=lambda check: check.__name__)
def test_page_checks_pass(site: Path, check) -> None:
    check(site)


@pytest.mark.parametrize("code", CODES)
def test_article_page_in_its_edition(site: Path, code: str) -> None:
    root = parse_strict(site / f"orban.{code}.html")
    assert root.get("lang") == EDITIONS[f"briefing.{code}.html"][0]
    # Back to this edition's front page, at the article's card.
    back = next(p for p in elements(root, "p") if "back" in p.get("class", "").split())
    assert [a.get("href") for a in elements(back, "a")] == [f"./briefing.{code}.html#article-1"]
    # The switcher leads to the same article in every edition.
    nav = next(n for n in elements(root, "nav") if "editions" in n.get("class", ""))
    assert [a.get("href") for a in elements(nav, "a")] == [
        "./orban.html",
        *(f"./orban.{other}.html" for other in CODES),
    ]
    # The original headline and English summary, marked as the original, in English.
    original = next(s for s in elements(root, "section") if "original" in s.get("class", ""))
    langs = effective_langs(original)
    assert ("en", "Orbán visits Beijing") in langs
    assert any(lang == "en" and "Hungary's prime minister" in t for lang, t in langs)
    assert elements(original, "h2")


def test_edition_links_to_its_own_article_pages(site: Path) -> None:
    hrefs = links(parse_strict(site / "briefing.hu.html"))
    assert "./orban.hu.html" in hrefs
    assert "./orban.html" not in hrefs
    # "Read in" on the English front page leads to each edition's page of the article.
    index = links(parse_strict(site / "index.html"))
    assert {"./orban.hu.html", "./orban.zh.html", "./orban.ru.html"} <= set(index)


def test_article_slug_cannot_take_another_editions_page(tmp_path: Path) -> None:
    results = (
        make_result("orban", "T", "S", translations={"hu": "h"}),
        make_result("orban.hu", "T", "S", translations={"hu": "h"}),
    )
    with pytest.raises(ValueError, match="unique"):
        write_briefing(Briefing(results=results, run=make_briefing().run), tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- headlines ----------------------------------------------------------------------------


@pytest.mark.parametrize("code", ("hu", "zh", "ru"))
def test_edition_shows_its_headlines(site: Path, code: str) -> None:
    page_lang = EDITIONS[f"briefing.{code}.html"][0]
    for name in (f"briefing.{code}.html", f"orban.{code}.html"):
        langs = effective_langs(parse_strict(site / name))
        assert {lang for lang, t in langs if t == HEADLINES[code]} == {page_lang}, name
    # Without a headline in its language, the original title, marked with its own language.
    edition = effective_langs(parse_strict(site / f"briefing.{code}.html"))
    if code == "hu":
        assert (page_lang, RUSSIAN_HEADLINES["hu"]) in edition
    else:
        assert ("ru", RUSSIAN_TITLE) in edition
    assert ("en", "A plain story") in edition


def test_english_index_shows_english_headlines(site: Path) -> None:
    langs = effective_langs(parse_strict(site / "index.html"))
    assert ("en", RUSSIAN_HEADLINES["en"]) in langs
    assert RUSSIAN_TITLE not in {t for _, t in langs}
    # The article's English page names the original headline, in Russian.
    page = effective_langs(parse_strict(site / "bank.html"))
    assert ("ru", RUSSIAN_TITLE) in page
    assert text_of(elements(parse_strict(site / "bank.html"), "h1")[0]) == RUSSIAN_HEADLINES["en"]


# --- no English UI string in any other edition -------------------------------------------------


def english_ui_strings(code: str) -> list[str]:
    """Every fragment of an English UI string that the ``code`` catalogue says otherwise."""
    folder = builtin_templates_dir() / "messages"
    english = json.loads((folder / "en.json").read_text("utf-8"))
    own = json.loads((folder / f"{code}.json").read_text("utf-8"))
    fragments: set[str] = set()
    for key, value in english.items():
        if own.get(key) == value:
            continue
        forms = value.values() if isinstance(value, dict) else [value]
        for form in forms:
            for part in re.split(r"\{[^}]*\}", form):
                part = part.strip(" :;,.()")
                if len(part) >= 3 and part not in PROPER_NOUNS:
                    fragments.add(part)
    return sorted(fragments)


@pytest.mark.parametrize("code", CODES)
def test_no_english_ui_string_in_an_edition(site: Path, code: str) -> None:
    patterns = [
        (text, re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")) for text in english_ui_strings(code)
    ]
    page_lang = EDITIONS[f"briefing.{code}.html"][0]
    names = [p.name for p in pages(site) if p.name.endswith(f".{code}.html")]
    assert len(names) == 6  # the edition, four article pages, its "About this briefing" page
    for name in names:
        root = parse_strict(site / name)
        # The page's own text (data such as the English summary is marked with its language)
        # and the labels in attributes.
        own = [t for lang, t in effective_langs(root) if lang == page_lang]
        own += [el.get("aria-label") for el in root.iter() if el.get("aria-label")]
        for text in own:
            for english, pattern in patterns:
                assert not pattern.search(text), (name, english, text)


# --- quality flags, status line ------------------------------------------------------------------


def test_flags_say_what_was_found_in_the_readers_language(site: Path) -> None:
    index = visible(parse_strict(site / "index.html"))
    assert "possibly invented number: 4.6" in index
    hungarian = visible(parse_strict(site / "briefing.hu.html"))
    assert "esetleg kitalált szám: 4.6" in hungarian
    assert "lehet, hogy nem a megfelelő nyelven íródott" in hungarian
    # An invented number in the summary is flagged on every translation made from it.
    assert "возможно, выдуманное число: 4.6" in visible(parse_strict(site / "orban.ru.html"))
    # The English details stay in results.jsonl.
    for path in pages(site):
        assert "reads as Slovak" not in path.read_text("utf-8"), path.name
    assert "reads as Slovak" in (site / "results.jsonl").read_text("utf-8")


def test_flag_sits_next_to_the_text_it_concerns(site: Path) -> None:
    root = parse_strict(site / "briefing.hu.html")
    card = next(a for a in elements(root, "article") if a.get("id") == "article-1")
    note = next(d for d in elements(card, "div") if "quality-note" in d.get("class", ""))
    assert "esetleg kitalált szám: 4.6" in text_of(note)
    plain = next(a for a in elements(root, "article") if a.get("id") == "article-3")
    assert not [d for d in elements(plain, "div") if "quality-note" in d.get("class", "")]


def status_of(root):
    found = [p for p in elements(root, "p") if "status-line" in p.get("class", "")]
    return found[0] if found else None


@pytest.mark.parametrize("name", ["index.html", "briefing.hu.html", "orban.ru.html"])
def test_status_line_at_the_top_links_to_the_details(site: Path, name: str) -> None:
    root = parse_strict(site / name)
    status = status_of(root)
    assert status is not None
    # Before any story.
    order = list(elements(root, "main")[0].iter())
    cards = [el for el in order if "summary-card" in (el.get("class") or "")]
    assert not cards or order.index(status) < order.index(cards[0])
    text = text_of(status)
    home = "" if name in EDITIONS else "./briefing.ru.html"
    about = {"index.html": "./about.html", "briefing.hu.html": "./about.hu.html"}.get(
        name, "./about.ru.html"
    )
    hrefs = [a.get("href") for a in elements(status, "a")]
    # The failed inputs are listed on the edition's "About this briefing" page.
    assert hrefs == [f"{home}#article-1", f"{about}#failures", f"{home}#editions"]
    expected = {
        "index.html": ("4 articles", "1 flagged", "1 input could not be included", "1 language"),
        "briefing.hu.html": ("4 cikk", "1 cikket megjelölt", "1 bemenetet", "1 nyelv"),
        "orban.ru.html": ("4 статьи", "проверкой: 1", "материалов: 1", "языков: 1"),
    }[name]
    for part in expected:
        assert part in text, (name, text)


def test_no_status_line_when_all_is_well(tmp_path: Path) -> None:
    briefing = dataclasses.replace(make_briefing(), failures=())
    write_briefing(briefing, tmp_path)
    for path in pages(tmp_path):
        assert status_of(parse_strict(path)) is None, path.name


def test_editions_list_the_failed_inputs_and_point_to_the_reasons(site: Path) -> None:
    root = parse_strict(site / "about.zh.html")
    section = next(s for s in elements(root, "section") if s.get("id") == "failures")
    assert "inputs/broken.pdf" in text_of(section)
    assert "unsupported file type" not in text_of(section)
    assert "./about.html#failures" in links(section)
    front = parse_strict(site / "briefing.zh.html")
    assert not [s for s in elements(front, "section") if s.get("id") == "failures"]


# --- an unavailable language -----------------------------------------------------------------


def test_unavailable_edition_says_why_in_its_language(site: Path) -> None:
    for name in ("briefing.uk.html", "orban.uk.html"):
        root = parse_strict(site / name)
        notice = next(d for d in elements(root, "div") if "unavailable" in d.get("class", ""))
        text = text_of(notice)
        assert "Українське видання цього разу підготувати не вдалося." in text
        assert "не вдалося завантажити" in text
    # Its articles show the English summary, marked as English and explained.
    edition = effective_langs(parse_strict(site / "briefing.uk.html"))
    assert ("en", "Hungary's prime minister met Xi Jinping in Beijing.") in edition
    assert TRANSLATIONS["orban"]["uk"] not in {t for _, t in edition}


def test_other_pages_mark_the_unavailable_edition(site: Path) -> None:
    for name, mark in (("index.html", "unavailable"), ("briefing.hu.html", "nem elérhető")):
        nav = next(
            n
            for n in elements(parse_strict(site / name), "nav")
            if "editions" in n.get("class", "")
        )
        item = next(li for li in elements(nav, "li") if "Українська" in text_of(li))
        assert mark in text_of(item), name
        assert not any(
            "Magyar" in text_of(li) and mark in text_of(li) for li in elements(nav, "li")
        )


def test_readers_never_see_the_raw_error(site: Path) -> None:
    for path in pages(site):
        assert RAW_ERROR not in path.read_text("utf-8"), path.name
        assert "vocabulary size" not in path.read_text("utf-8"), path.name


def test_check_templates_renders_every_new_branch(tmp_path: Path) -> None:
    user = tmp_path / "templates"
    user.mkdir()
    (user / "article.html").write_text(
        '{% extends "builtin/article.html" %}{% block page_title %}X{% endblock %}',
        encoding="utf-8",
    )
    check_templates(user, CODES)
