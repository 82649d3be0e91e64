"""The editorial front page of every web edition: order, sections, and what each card says."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.briefings import (
    DANGEROUS_TITLE,
    EDITIONS,
    make_briefing,
    make_sectioned_briefing,
)
from support.pages import elements, parse_strict, text_of

from summarize.outputs import write_briefing

#: Each edition's section headings of make_sectioned_briefing, in order.
SECTION_HEADINGS = {
    "index.html": ["World", "Technology"],
    "briefing.hu.html": ["Világ", "Technológia"],
    "briefing.zh.html": ["国际", "科技"],
    "briefing.ru.html": ["В мире", "Технологии"],
    "briefing.uk.html": ["Світ", "Технології"],
}
#: The reading time of a one-minute original, as each edition says it.
ONE_MINUTE = {
    "index.html": "1 min read",
    "briefing.hu.html": "Olvasási idő: 1 perc",
    "briefing.zh.html": "阅读约需 1 分钟",
    "briefing.ru.html": "1 мин чтения",
    "briefing.uk.html": "1 хв читання",
}
#: Each edition's date of the plain story (published Fri, 04 Dec 2026).
DATES = {
    "index.html": "December 4, 2026",
    "briefing.hu.html": "2026. december 4.",
    "briefing.zh.html": "2026年12月4日",
    "briefing.ru.html": "4 декабря 2026\u202fг.",
    "briefing.uk.html": "4 грудня 2026\u202fр.",
}


@pytest.fixture(scope="module")
def sectioned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sectioned")
    write_briefing(make_sectioned_briefing(), out)
    return out


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plain")
    write_briefing(make_briefing(), out)
    return out


def cards(root) -> list:
    return [a for a in elements(root, "article") if "summary-card" in a.get("class", "")]


@pytest.mark.parametrize("page", EDITIONS)
def test_sections_have_localised_headings_and_stories_editorial_order(
    sectioned: Path, page: str
) -> None:
    root = parse_strict(sectioned / page)
    headings = [text_of(h) for h in elements(root, "h2") if h.get("class") == "section-heading"]
    assert headings == SECTION_HEADINGS[page]
    # Priority first within a section, then the sections in the order they first appear.
    assert [card.get("id") for card in cards(root)] == ["article-3", "article-1", "article-2"]


@pytest.mark.parametrize("page", EDITIONS)
def test_without_sections_there_are_no_section_headings(plain: Path, page: str) -> None:
    root = parse_strict(plain / page)
    assert not [h for h in elements(root, "h2") if h.get("class") == "section-heading"]
    assert [card.get("id") for card in cards(root)] == ["article-1", "article-2", "article-3"]


@pytest.mark.parametrize("page", EDITIONS)
def test_cards_name_the_source_date_and_reading_time_never_a_file_path(
    sectioned: Path, page: str
) -> None:
    root = parse_strict(sectioned / page)
    metas = {
        card.get("id"): text_of(next(p for p in elements(card, "p") if p.get("class") == "meta"))
        for card in cards(root)
    }
    assert "Budapest Times" in metas["article-1"]
    assert "example.com" not in metas["article-1"]  # the publisher's name wins over the host
    assert DATES[page] in metas["article-3"]
    for meta in metas.values():
        assert ONE_MINUTE[page] in meta
        assert "inputs/" not in meta and ".txt" not in meta
    # An unreadable date ("Published: yesterday") is left out, never printed raw.
    assert "yesterday" not in text_of(root)
    assert not [code for card in cards(root) for code in elements(card, "code")]


def test_the_english_front_page_keeps_the_hostile_title_as_text(sectioned: Path) -> None:
    html = (sectioned / "index.html").read_text("utf-8")
    assert "<script>alert(1)" not in html
    assert DANGEROUS_TITLE in text_of(parse_strict(sectioned / "index.html"))


@pytest.mark.parametrize("page", EDITIONS)
def test_contents_fold_away_and_jump_to_sections(sectioned: Path, page: str) -> None:
    root = parse_strict(sectioned / page)
    (toc,) = elements(root, "details")
    assert toc.get("open") is None  # folded: the first story comes first on a phone
    assert text_of(elements(toc, "summary")[0]).strip()
    links = [a.get("href") for a in elements(toc, "a")]
    assert links[0] == "#section-world" and "#section-tech" in links
    assert {"#article-1", "#article-2", "#article-3"} <= set(links)
    (jumps,) = [nav for nav in elements(root, "nav") if nav.get("class") == "section-nav"]
    assert [a.get("href") for a in elements(jumps, "a")] == ["#section-world", "#section-tech"]
    assert [text_of(a) for a in elements(jumps, "a")] == SECTION_HEADINGS[page]


def test_short_briefings_list_stories_without_section_links(plain: Path) -> None:
    root = parse_strict(plain / "briefing.hu.html")
    (toc,) = elements(root, "details")
    assert [a.get("href") for a in elements(toc, "a")] == ["#article-1", "#article-2", "#article-3"]
    assert not [nav for nav in elements(root, "nav") if nav.get("class") == "section-nav"]
