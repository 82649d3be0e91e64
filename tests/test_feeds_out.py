"""Each edition's feeds: Atom 1.0 and JSON Feed 1.1, read back as a feed reader would (#20)."""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from support.briefings import HEADLINES, HTTPS_URL, make_briefing, make_flagged_briefing
from support.pages import elements, parse_strict, text_of

from summarize.core.config import RunConfig
from summarize.core.records import Article, ArticleOutcome, LanguageUnavailable, Summary
from summarize.outputs import write_briefing, writer
from summarize.outputs.feeds import entry_id

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
CODES = ("en", "hu", "zh", "ru", "uk")
#: RFC 3339 date-time with an offset, as both formats require.
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")
#: Each edition's machine-generated notice, as its catalogue says it.
NOTICES = {
    "en": "Summaries and translations are machine-generated",
    "hu": "Az összefoglalókat és a fordításokat gép készítette",
}
SUBSCRIBE = {
    "en": "Subscribe (feed)",
    "hu": "Feliratkozás (hírcsatorna)",
    "zh": "订阅（信息源）",
    "ru": "Подписаться (лента)",
}


def with_byline_and_guid(briefing):
    """make_flagged_briefing with an author and a feed id on its first story."""
    first, *rest = briefing.results
    article = dataclasses.replace(
        first.article, author="Anna Kovács", guid="tag:example.com,2024:1"
    )
    return dataclasses.replace(
        briefing, results=(dataclasses.replace(first, article=article), *rest)
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("feeds")
    write_briefing(with_byline_and_guid(make_flagged_briefing()), out)
    return out


def parsed(path: Path):
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, (path.name, feed.bozo_exception)
    return feed


def test_every_available_edition_has_both_feeds_and_uk_none(site: Path) -> None:
    # make_flagged_briefing's Ukrainian model failed: no feed, last run's is kept.
    names = sorted(path.name for path in site.glob("feed.*"))
    assert names == sorted(f"feed.{c}.{e}" for c in CODES if c != "uk" for e in ("xml", "json"))


def test_atom_feeds_parse_with_titles_links_and_notice_in_the_editions_language(
    site: Path,
) -> None:
    hu = parsed(site / "feed.hu.xml")
    assert hu.version == "atom10"
    assert hu.feed.title == "Hírösszefoglaló" and hu.feed.language == "hu"
    orban = hu.entries[0]
    assert orban.title == HEADLINES["hu"]
    assert orban.link == "orban.hu.html"
    related = [link.href for link in orban.links if link.rel == "related"]
    assert related == [HTTPS_URL]
    assert NOTICES["hu"] in orban.content[0].value
    assert orban.author == "Anna Kovács"
    zh = parsed(site / "feed.zh.xml").entries[0]
    assert zh.title == HEADLINES["zh"] and zh.link == "orban.zh.html"
    english = parsed(site / "feed.en.xml")
    assert english.entries[0].link == "orban.html"
    assert NOTICES["en"] in english.entries[0].content[0].value


def test_an_unsafe_url_is_never_a_related_link(site: Path) -> None:
    for entry in parsed(site / "feed.en.xml").entries:
        related = [link.href for link in entry.links if link.rel == "related"]
        assert all(href.startswith("https:") for href in related), related
    assert "javascript:" not in (site / "feed.en.xml").read_text("utf-8")
    assert "javascript:" not in (site / "feed.en.json").read_text("utf-8")


def test_atom_structure_as_the_rfc_requires(site: Path) -> None:
    for code in ("en", "hu", "zh", "ru"):
        root = ET.parse(site / f"feed.{code}.xml").getroot()
        assert root.tag == f"{ATOM}feed"
        assert root.get(XML_LANG) == {"zh": "zh-Hans"}.get(code, code)
        assert root.get(XML_BASE) == "./"
        for tag in ("id", "title", "updated"):
            assert len(root.findall(f"{ATOM}{tag}")) == 1, (code, tag)
        assert root.find(f"{ATOM}author/{ATOM}name").text
        selves = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert [link.get("href") for link in selves] == [f"./feed.{code}.xml"]
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == 4
        for entry in entries:
            for tag in ("id", "title", "updated", "published"):
                assert len(entry.findall(f"{ATOM}{tag}")) == 1, (code, tag)
                if tag in ("updated", "published"):
                    assert RFC3339.fullmatch(entry.find(f"{ATOM}{tag}").text)
            alternates = [
                link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"
            ]
            assert len(alternates) == 1
            assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")


def test_dates_are_the_articles_else_the_runs(site: Path) -> None:
    entries = parsed(site / "feed.hu.xml").entries
    assert entries[0].published.startswith("2024-07-08T00:00:00")
    assert entries[1].published == "2025-03-04T05:06:07+00:00"  # no date: the run's time
    root = ET.parse(site / "feed.hu.xml").getroot()
    assert root.find(f"{ATOM}updated").text == "2025-03-04T05:06:07+00:00"


def test_json_feed_has_the_required_keys_and_rfc3339_dates(site: Path) -> None:
    for code in ("en", "hu", "zh", "ru"):
        document = json.loads((site / f"feed.{code}.json").read_text("utf-8"))
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert document["title"] and document["items"]
        for item in document["items"]:
            assert item["id"].startswith("urn:uuid:")
            assert item["url"].endswith(".html")
            assert RFC3339.fullmatch(item["date_published"])
            assert item["content_html"] and item["content_text"]
    hu = json.loads((site / "feed.hu.json").read_text("utf-8"))
    assert hu["language"] == "hu"
    assert hu["items"][0]["title"] == HEADLINES["hu"]
    assert hu["items"][0]["external_url"] == HTTPS_URL
    assert hu["items"][0]["authors"] == [{"name": "Anna Kovács"}]


def test_ids_are_the_same_whatever_the_run_time(tmp_path: Path) -> None:
    briefing = make_flagged_briefing()
    later = dataclasses.replace(
        briefing, run=dataclasses.replace(briefing.run, generated_at="2026-01-01T09:00:00+00:00")
    )
    write_briefing(briefing, tmp_path / "one")
    write_briefing(later, tmp_path / "two")
    for name in ("feed.hu.xml", "feed.en.xml"):
        one, two = parsed(tmp_path / "one" / name), parsed(tmp_path / "two" / name)
        assert one.feed.id == two.feed.id
        assert [e.id for e in one.entries] == [e.id for e in two.entries]
        assert one.feed.updated != two.feed.updated
    # One story has another id in each language's feed, and every story its own.
    ids = {
        code: [e.id for e in parsed(tmp_path / "one" / f"feed.{code}.xml").entries]
        for code in ("en", "hu")
    }
    assert not set(ids["en"]) & set(ids["hu"]) and len(set(ids["en"])) == 4


def test_site_url_makes_every_link_absolute(tmp_path: Path) -> None:
    write_briefing(make_briefing(), tmp_path, site_url="https://news.example.org/daily/")
    hu = parsed(tmp_path / "feed.hu.xml")
    assert hu.entries[0].link == "https://news.example.org/daily/orban.hu.html"
    root = ET.parse(tmp_path / "feed.hu.xml").getroot()
    assert root.get(XML_BASE) == "https://news.example.org/daily/"
    self_link = next(link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == "https://news.example.org/daily/feed.hu.xml"
    document = json.loads((tmp_path / "feed.hu.json").read_text("utf-8"))
    assert document["feed_url"] == "https://news.example.org/daily/feed.hu.json"
    assert document["home_page_url"] == "https://news.example.org/daily/briefing.hu.html"


def test_front_pages_announce_their_feeds_and_footers_offer_them(site: Path) -> None:
    for code, page in (
        ("en", "index.html"),
        ("hu", "briefing.hu.html"),
        ("zh", "briefing.zh.html"),
    ):
        root = parse_strict(site / page)
        links = [(link.get("type"), link.get("href")) for link in elements(root, "link")]
        assert links == [
            ("application/atom+xml", f"./feed.{code}.xml"),
            ("application/feed+json", f"./feed.{code}.json"),
        ]
        footer = elements(root, "footer")[0]
        subscribe = [a for a in elements(footer, "a") if a.get("href") == f"./feed.{code}.xml"]
        assert [text_of(a) for a in subscribe] == [SUBSCRIBE[code]]
    # The unavailable Ukrainian edition offers no feed.
    uk = parse_strict(site / "briefing.uk.html")
    assert not elements(uk, "link")
    assert "feed.uk" not in (site / "briefing.uk.html").read_text("utf-8")


def _results(
    unavailable: tuple[LanguageUnavailable, ...] = (), slug: str = "a"
) -> writer.RunResults:
    url = f"https://e.com/{slug}"
    article = Article(
        id=slug, slug=slug, title="Rain", text="Rain is due.", source="a.txt", url=url
    )
    item = ArticleOutcome(
        article=article,
        status="done",
        summary=Summary(article_id=slug, text="Rain is due.", chunks=1),
        translations={"hu": "Eső várható.", "ru": "Ожидается дождь."},
        computed=True,
    )
    return writer.RunResults(
        articles=[item],
        engines={},
        device="cpu",
        interrupted=False,
        versions={},
        revisions={},
        unavailable=unavailable,
    )


def test_a_language_unavailable_this_run_keeps_last_runs_feed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    config = RunConfig(output=out, languages=("hu", "ru"))
    writer.write_outputs(_results(), (), config, datetime.now(UTC), 1.0)
    before = (out / "feed.hu.xml").read_bytes()
    lost = LanguageUnavailable("hu", "model_failed_to_load", "could not load")
    writer.write_outputs(_results((lost,)), (), config, datetime.now(UTC), 1.0)
    assert (out / "feed.hu.xml").read_bytes() == before  # kept, not rewritten
    report = json.loads((out / "run.json").read_text("utf-8"))
    assert {"feed.hu.xml", "feed.hu.json"} <= set(report["files"])  # still the tool's
    # Another night, another story, Hungarian still down: last run's feed is kept, and so are
    # the pages its entries (and their language switchers) lead to.
    writer.write_outputs(_results((lost,), slug="b"), (), config, datetime.now(UTC), 1.0)
    assert (out / "feed.hu.xml").read_bytes() == before
    assert {p.name for p in out.glob("a.*html")} == {"a.html", "a.hu.html", "a.ru.html"}
    assert (out / "b.html").exists()
    # Hungarian is back: its feed is this run's, and the pages only it kept go.
    writer.write_outputs(_results(slug="b"), (), config, datetime.now(UTC), 1.0)
    assert not list(out.glob("a.*html")) and (out / "b.hu.html").exists()
    # Dropped from --languages for good: the next run removes it, as any page it stops writing.
    writer.write_outputs(
        _results(), (), RunConfig(output=out, languages=("ru",)), datetime.now(UTC), 1.0
    )
    assert not (out / "feed.hu.xml").exists() and (out / "feed.ru.xml").exists()


def test_two_outlets_numbering_their_entries_alike_get_distinct_entry_ids() -> None:
    """A feed id is unique only within its feed: readers drop entries that share an id."""

    def story(outlet: str, url: str) -> Article:
        return Article(
            id=url,
            slug=outlet,
            title="T",
            text="Text.",
            source=url,
            url=url,
            guid="1",
            source_name=outlet,
        )

    first = entry_id(story("AP", "https://apnews.com/a"), "hu")
    second = entry_id(story("Reuters", "https://reuters.com/b"), "hu")
    assert first != second
    assert first == entry_id(story("AP", "https://apnews.com/a"), "hu")  # and stable
