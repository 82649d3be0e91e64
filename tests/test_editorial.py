"""Tests for the front page's editorial choices: order, sections, dates, reading times."""

from __future__ import annotations

import pytest

from summarize.core.records import Article, ArticleOutcome, Summary
from summarize.outputs.editorial import (
    CHARACTERS_PER_MINUTE,
    WORDS_PER_MINUTE,
    edition_date,
    front_page,
    reading_minutes,
    section_heading,
)


def story(
    name: str,
    *,
    section: str | None = None,
    priority: int | None = None,
    published: str | None = None,
) -> ArticleOutcome:
    """A done article called ``name``."""
    article = Article(
        id=name,
        slug=name,
        title=name,
        text="Body.",
        source=f"{name}.txt",
        published=published,
        section=section,
        priority=priority,
    )
    return ArticleOutcome(article=article, summary=Summary(name, "Summary.", 1))


def layout(outcomes: list[ArticleOutcome]) -> list[tuple[str | None, list[str]]]:
    """The front page as (section name, story ids)."""
    return [
        (section.name, [outcome.article.id for outcome in section.outcomes])
        for section in front_page(outcomes)
    ]


# --- order -----------------------------------------------------------------------------------


def test_sections_keep_the_order_they_first_appear_in() -> None:
    stories = [
        story("w1", section="world"),
        story("b1", section="business"),
        story("w2", section="world"),
        story("t1", section="tech"),
    ]
    assert layout(stories) == [
        ("world", ["w1", "w2"]),
        ("business", ["b1"]),
        ("tech", ["t1"]),
    ]


def test_stories_without_a_section_come_last_in_one_group() -> None:
    stories = [story("a"), story("w", section="world"), story("b")]
    assert layout(stories) == [("world", ["w"]), (None, ["a", "b"])]


def test_without_any_section_there_is_one_group_in_input_order() -> None:
    assert layout([story("b"), story("a"), story("c")]) == [(None, ["b", "a", "c"])]
    assert front_page([]) == []


def test_section_names_differing_in_case_or_spelling_are_one_section() -> None:
    stories = [
        story("a", section="Sport"),
        story("b", section="sports"),
        story("c", section="SPORT "),
    ]
    assert layout(stories) == [("Sport", ["a", "b", "c"])]


def test_within_a_section_priority_then_newest_then_input_order() -> None:
    stories = [
        story("undated"),
        story("old", published="2026-11-01"),
        story("new", published="2026-12-05T08:00:00+01:00"),
        story("newer", published="2026-12-05T08:30:00Z"),
        story("undated-2", published="yesterday"),
        story("top", priority=5, published="2020-01-01"),
        story("sunk", priority=-1, published="2026-12-31"),
        story("same-day", published="2026-11-01"),
        story("feed", published="Fri, 04 Dec 2026 10:00:00 GMT"),
    ]
    assert layout(stories) == [
        (
            None,
            [
                "top",
                "newer",
                "new",
                "feed",
                "old",
                "same-day",
                "undated",
                "undated-2",
                "sunk",
            ],
        )
    ]


def test_section_anchors_are_unique_fragment_ids() -> None:
    sections = front_page(
        [
            story("a", section="World"),
            story("b", section="Мир"),
            story("c", section="more"),
            story("d"),
        ]
    )
    anchors = [section.anchor for section in sections]
    assert anchors[0] == "section-world"
    assert len(set(anchors)) == len(anchors)
    assert all(anchor.startswith("section-") and anchor.isascii() for anchor in anchors)


# --- headings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "language", "heading"),
    [
        ("world", "en", "World"),
        ("World", "hu", "Világ"),
        ("tech", "zh", "科技"),
        ("technology", "ru", "Технологии"),
        ("politics", "uk", "Політика"),
        ("sports", "fi", "Sport"),  # a language without a table: English
        ("middle-east", "hu", "Middle East"),
        ("local_news", "en", "Local News"),
        ("AI", "en", "AI"),
        (None, "ru", "Другие новости"),
        (None, "en", "More news"),
    ],
)
def test_section_heading(name: str | None, language: str, heading: str) -> None:
    assert section_heading(name, language) == heading


def test_a_catalogue_string_overrides_a_section_heading() -> None:
    messages = {"section_world": "Nagyvilág", "section_other": "Egyéb"}
    assert section_heading("World", "hu", messages) == "Nagyvilág"
    assert section_heading(None, "hu", messages) == "Egyéb"
    assert section_heading("tech", "hu", messages) == "Technológia"


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        ("2026-12-05", "en", "December 5, 2026"),
        ("2026-12-05", "hu", "2026. december 5."),
        ("2026-12-05T10:00:00+00:00", "zh", "2026年12月5日"),
        ("20261205", "ru", "5 декабря 2026\u202fг."),
        ("Sat, 05 Dec 2026 10:00:00 GMT", "uk", "5 грудня 2026\u202fр."),
    ],
)
def test_edition_date_in_the_editions_locale(value: str, language: str, shown: str) -> None:
    assert edition_date(value, language) == shown


@pytest.mark.parametrize("value", [None, "", "  ", "yesterday", "Published: last Tuesday", "2026"])
def test_an_unreadable_date_is_left_out(value: str | None) -> None:
    assert edition_date(value, "hu") is None


# --- reading time ----------------------------------------------------------------------------


def test_reading_time_counts_words() -> None:
    assert WORDS_PER_MINUTE == 238
    assert reading_minutes("word " * 238) == 1
    assert reading_minutes("word " * 239) == 2
    assert reading_minutes("word " * 1000) == 5  # 4.2 minutes, rounded up
    assert reading_minutes("") == 1
    assert reading_minutes("Ő - — • ü " * 100) == 1  # dashes and bullets are no words


def test_reading_time_counts_chinese_characters() -> None:
    assert CHARACTERS_PER_MINUTE == 255
    chinese = "欧尔班访问北京，与习近平举行会谈。"  # 15 characters and two punctuation marks
    assert reading_minutes(chinese * 17) == 1  # 255 characters
    assert reading_minutes(chinese * 18) == 2
    # Mixed text is timed part by part: 255 characters and 238 words make two minutes.
    assert reading_minutes(chinese * 17 + " word" * 238) == 2
