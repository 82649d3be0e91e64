"""Tests for the inputs' editorial metadata: sections, publishers' names, priority, dates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.core.records import Article
from summarize.inputs import read_articles, read_texts

BODY = (
    "Hungarian Prime Minister Viktor Orban visited Beijing on Monday to meet Chinese leader "
    "Xi Jinping, days after trips to Moscow and Kyiv."
)


def write(path: Path, content: str) -> Path:
    """Write UTF-8 ``content``, making parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def by_id(articles: tuple[Article, ...]) -> dict[str, Article]:
    return {article.id: article for article in articles}


def page(head: str = "", url: str | None = None) -> str:
    """An HTML article page with ``head`` inside its <head>."""
    canonical = f'<link rel="canonical" href="{url}">' if url else ""
    return (
        f"<html><head><title>Leaders meet in Beijing</title>{canonical}{head}</head>"
        f"<body><article><h1>Leaders meet in Beijing</h1><p>{BODY}</p><p>{BODY}</p>"
        "</article></body></html>"
    )


# --- sections --------------------------------------------------------------------------------


def test_section_is_the_first_sub_folder_under_the_input_folder(tmp_path: Path) -> None:
    news = tmp_path / "news"
    write(news / "world" / "a.txt", BODY)
    write(news / "world" / "europe" / "b.txt", BODY)
    write(news / "business" / "c.md", f"# Markets\n\n{BODY}\n")
    write(news / "top.txt", BODY)
    articles = by_id(read_articles([news]).articles)
    assert articles["world/a"].section == "world"
    assert articles["world/europe/b"].section == "world"
    assert articles["business/c"].section == "business"
    assert articles["top"].section is None


def test_a_file_named_as_an_input_has_no_section(tmp_path: Path) -> None:
    path = write(tmp_path / "world" / "a.txt", BODY)
    (article,) = read_articles([path]).articles
    assert article.section is None


def test_jsonl_section_source_and_priority(tmp_path: Path) -> None:
    records = [
        {"id": "a", "text": BODY, "section": "politics", "source": "Wire Service", "priority": 3},
        {"id": "b", "text": BODY, "source": "https://www.example.org/feed", "priority": "2"},
        {"id": "c", "text": BODY},
    ]
    path = write(tmp_path / "feeds" / "tech" / "wire.jsonl", "\n".join(map(json.dumps, records)))
    articles = by_id(read_articles([tmp_path / "feeds"]).articles)
    assert (articles["a"].section, articles["a"].source_name, articles["a"].priority) == (
        "politics",
        "Wire Service",
        3,
    )
    # A record without a section takes its file's folder's; a URL as source names its host.
    assert (articles["b"].section, articles["b"].source_name, articles["b"].priority) == (
        "tech",
        "example.org",
        2,
    )
    assert articles["c"].source_name is None
    assert articles["c"].priority is None
    assert all(article.source.startswith(str(path)) for article in articles.values())


@pytest.mark.parametrize(
    ("value", "shown"),
    [("high", "'high'"), (2.5, "'2.5'"), (True, "'True'"), ([1], "'list'"), (10**12, "'1")],
)
def test_a_bad_jsonl_priority_is_a_reading_warning(
    tmp_path: Path, value: object, shown: str
) -> None:
    path = write(tmp_path / "wire.jsonl", json.dumps({"text": BODY, "priority": value}))
    result = read_articles([path])
    assert result.failures == ()
    (article,) = result.articles
    assert article.priority is None
    (warning,) = article.warnings
    assert warning.startswith("'priority' must be a whole number")
    assert f"got {shown}" in warning


def test_a_whole_float_priority_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path / "wire.jsonl", json.dumps({"text": BODY, "priority": -1.0}))
    (article,) = read_articles([path]).articles
    assert article.priority == -1
    assert article.warnings == ()


# --- publishers' names -----------------------------------------------------------------------


def test_markdown_front_matter_sets_section_source_author_and_priority(tmp_path: Path) -> None:
    write(
        tmp_path / "news" / "world" / "a.md",
        "---\ntitle: Orban in Beijing\nsection: Europe\nsource: https://www.budapest-times.example/\n"
        f"author: Anna Kovács\npriority: 3\n---\n\n{BODY}\n",
    )
    write(tmp_path / "news" / "b.md", f"---\npriority: high\n---\n\n{BODY}\n")
    articles = by_id(read_articles([tmp_path / "news"]).articles)
    first, second = articles["world/a"], articles["b"]
    # The front matter's section wins over the sub-folder, as a JSONL record's does.
    assert (first.section, first.source_name) == ("Europe", "budapest-times.example")
    assert (first.author, first.priority) == ("Anna Kovács", 3)
    assert second.priority is None
    assert any("'priority' must be a whole number" in warning for warning in second.warnings)


def test_html_site_name_from_og_site_name(tmp_path: Path) -> None:
    head = '<meta property="og:site_name" content="The Daily Planet">'
    path = write(tmp_path / "a.html", page(head, url="https://www.example.com/a"))
    (article,) = read_articles([path]).articles
    assert article.source_name == "The Daily Planet"


def test_html_site_name_from_application_name(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", page('<meta name="application-name" content="Courier">'))
    (article,) = read_articles([path]).articles
    assert article.source_name == "Courier"


def test_html_site_name_from_json_ld_publisher(tmp_path: Path) -> None:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Leaders meet",
          "publisher": {"@type": "Organization", "name": "Gazette Online"}}  # fmt: skip
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    path = write(tmp_path / "a.html", page(head))
    (article,) = read_articles([path]).articles
    assert article.source_name == "Gazette Online"


def test_html_without_a_site_name_is_named_by_its_urls_host(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", page(url="https://www.news.example.com/world/a"))
    (article,) = read_articles([path]).articles
    assert article.source_name == "news.example.com"


def test_a_local_file_never_gets_its_path_as_source_name(tmp_path: Path) -> None:
    write(tmp_path / "in" / "world" / "a.txt", BODY)
    write(tmp_path / "in" / "b.md", f"---\nurl: file:///home/me/b.md\n---\n\n{BODY}\n")
    write(tmp_path / "in" / "c.html", page())
    result = read_articles([tmp_path / "in"])
    assert [a.source_name for a in result.articles] == [None, None, None]
    assert read_texts([BODY]).articles[0].source_name is None


def test_markdown_url_gives_the_host(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", f"---\nurl: https://WWW.Example.NET:8443/x\n---\n\n{BODY}\n")
    (article,) = read_articles([path]).articles
    assert article.source_name == "example.net"


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.example.com/a", "example.com"),
        ("https://münchen.de/a", "münchen.de"),
        # A look-alike ("pаypal" with a Cyrillic "а") is shown as browsers show it.
        ("https://www.p\u0430ypal.com/a", "xn--pypal-4ve.com"),
        # Browsers read "\\" as "/": the link would go elsewhere than the host named.
        ("https://evil.example\\@good.example/a", None),
        ("javascript:alert(1)", None),
        ("ftp://example.com/a", None),
    ],
)
def test_the_urls_host_as_the_pages_show_it(tmp_path: Path, url: str, name: str | None) -> None:
    path = write(tmp_path / "wire.jsonl", json.dumps({"text": BODY, "url": url}))
    (article,) = read_articles([path]).articles
    assert article.source_name == name


def test_names_are_one_short_clean_line(tmp_path: Path) -> None:
    records = [
        {"id": "a", "text": BODY, "section": "wo\u202erld\u0007\n<b>", "source": "A" * 500},
    ]
    path = write(tmp_path / "wire.jsonl", json.dumps(records[0]))
    (article,) = read_articles([path]).articles
    assert article.section == "world <b>"  # the templates escape it
    assert article.source_name is not None
    assert len(article.source_name) <= 80
    assert article.source_name.endswith("…")


# --- dates from file names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "published"),
    [
        ("2026-12-05-vote.txt", "2026-12-05"),
        ("vote_20261205.txt", "2026-12-05"),
        ("vote.txt", None),
        ("2026-13-05.txt", None),  # no such month
        ("123420261205.txt", None),  # inside a longer number: an id, not a date
        ("18001205.txt", None),
    ],
)
def test_date_from_the_file_name(tmp_path: Path, name: str, published: str | None) -> None:
    (article,) = read_articles([write(tmp_path / name, BODY)]).articles
    assert article.published == published


def test_a_date_the_input_gives_wins_over_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "2026-12-05.md", f"---\ndate: 2026-11-30\n---\n\n{BODY}\n")
    (article,) = read_articles([path]).articles
    assert article.published == "2026-11-30"


def test_jsonl_records_without_a_date_take_the_file_names(tmp_path: Path) -> None:
    lines = [{"id": "a", "text": BODY}, {"id": "b", "text": BODY, "published": "2026-12-01"}]
    path = write(tmp_path / "wire-20261205.jsonl", "\n".join(map(json.dumps, lines)))
    articles = by_id(read_articles([path]).articles)
    assert articles["a"].published == "2026-12-05"
    assert articles["b"].published == "2026-12-01"
