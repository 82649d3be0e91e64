"""Once per story (#20): copies of one story in a run's inputs are merged, by URL, feed id or
near-identical text, on real rewrites of wire reports; different stories on one topic are not."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from support.wire import DIFFERENT_STORIES, SAME_STORY, Copy

from summarize.core.config import RunConfig
from summarize.core.records import Article, ArticleOutcome, Duplicate, Reference, Summary
from summarize.core.urls import guid_key, normalise_url
from summarize.inputs import merge_duplicates
from summarize.inputs.duplicates import TEASER_RATIO
from summarize.inputs.fingerprints import (
    SIMILARITY_THRESHOLD,
    shingles,
    signature,
)
from summarize.outputs.writer import RunResults, write_outputs
from summarize.runners.local import read_inputs

#: How far each test pair's estimated similarity must stay from the threshold: twice the
#: estimate's standard error there (about 0.04 with 128 permutations).
MARGIN = 0.08


def article(number: int, copy: Copy | None = None, **fields: object) -> Article:
    """An article as a reader makes it: ``copy``'s outlet, URL, title and text."""
    given: dict[str, object] = {
        "id": f"a{number}",
        "slug": f"a{number}",
        "title": copy.title if copy else f"Story {number}",
        "text": copy.text if copy else f"Text of story {number}.",
        "source": f"inputs/a{number}.txt",
        "url": copy.url if copy else None,
        "source_name": copy.outlet if copy else None,
    }
    return Article(**(given | fields))  # type: ignore[arg-type]


# --- URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("https://example.com/a/b", "https://example.com/a/b"),
        ("HTTP://WWW.Example.COM/a/B/", "https://example.com/a/B"),
        ("http://example.com:80/a", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8080/a", "https://example.com:8080/a"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("https://example.com/", "https://example.com"),
        ("https://example.com", "https://example.com"),
        (
            "https://example.com/a?utm_source=rss&utm_medium=feed&id=7&fbclid=x&gclid=y",
            "https://example.com/a?id=7",
        ),
        ("https://example.com/a?mc_cid=1&mc_eid=2&b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?UTM_Campaign=x", "https://example.com/a"),
        ("https://example.com/news/story-1/amp", "https://example.com/news/story-1"),
        ("https://example.com/news/story-1/amp/", "https://example.com/news/story-1"),
        ("https://example.com/news/story-1?amp=1", "https://example.com/news/story-1"),
        ("https://example.com/news/story-1?amp", "https://example.com/news/story-1"),
        # Only a whole final segment "amp" is the AMP marker.
        ("https://example.com/news/camp", "https://example.com/news/camp"),
        ("https://example.com/amp-stories/x", "https://example.com/amp-stories/x"),
        # A query that picks the page stays.
        ("https://example.com/item?id=12&page=2", "https://example.com/item?id=12&page=2"),
        ("https://example.com/a.", "https://example.com/a."),
        (None, None),
        ("", None),
        ("javascript:alert(1)", None),
        ("/relative/path", None),
        ("ftp://example.com/a", None),
        ("https://example.com:notaport/a", None),
    ],
)
def test_normalise_url(url: str | None, normal: str | None) -> None:
    assert normalise_url(url) == normal


def test_feed_ids_are_matched_within_their_publisher_unless_unique_anywhere() -> None:
    # Two feeds both numbering their entries from 1 do not carry one story.
    assert guid_key("1", "Reuters") != guid_key("1", "AP")
    assert guid_key("1", "Reuters") == guid_key(" 1 ", "reuters")
    # A URL or URN names one thing anywhere.
    assert guid_key("https://x.com/a?utm_source=rss", "A") == guid_key("http://www.x.com/a", "B")
    assert guid_key("urn:uuid:0b3c", "A") == guid_key("urn:uuid:0b3c", "B")
    # Only URLs, URNs and tag: URIs are unique anywhere; "post:123" is one feed's numbering.
    assert guid_key("post:123", "A") != guid_key("post:123", "B")
    assert guid_key("", "A") is None
    assert guid_key(None, "A") is None


# --- near-identical text: the threshold on real pairs -----------------------------------------


def _similarity(first: str, second: str) -> float:
    one, two = signature(first), signature(second)
    assert one is not None and two is not None
    return float(one.jaccard(two))


@pytest.mark.parametrize("pair", SAME_STORY, ids=lambda pair: pair.name)
def test_one_wire_report_in_two_outlets_merges_with_margin(pair) -> None:
    similarity = _similarity(pair.first.text, pair.second.text)
    print(f"{pair.name}: {similarity:.3f}")
    assert similarity >= SIMILARITY_THRESHOLD + MARGIN, similarity
    merged = merge_duplicates([article(1, pair.first), article(2, pair.second)])
    assert [a.id for a in merged.articles] == ["a1"]
    assert [(d.merged, d.reason) for d in merged.duplicates] == [("a2", "text")]


@pytest.mark.parametrize("pair", DIFFERENT_STORIES, ids=lambda pair: pair.name)
def test_different_stories_on_one_topic_stay_apart_with_margin(pair) -> None:
    similarity = _similarity(pair.first.text, pair.second.text)
    print(f"{pair.name}: {similarity:.3f}")
    assert similarity <= SIMILARITY_THRESHOLD - MARGIN, similarity
    merged = merge_duplicates([article(1, pair.first), article(2, pair.second)])
    assert [a.id for a in merged.articles] == ["a1", "a2"]
    assert merged.duplicates == ()


def test_pairs_cover_russian_and_chinese() -> None:
    # Chinese has no spaces: it is compared by character shingles, not as one "word".
    rail = next(pair for pair in SAME_STORY if pair.name == "rail-wuhan-zh")
    assert len(shingles(rail.first.text)) > 100
    found = shingles(rail.first.text)
    assert all(len(shingle.split(" ")) == 4 for shingle in found)
    assert "武汉至宜 汉至宜昌" not in found and "武 汉 至 宜" in found
    assert {pair.name for pair in SAME_STORY} >= {"flood-orenburg-ru", "rail-wuhan-zh"}
    assert len(SAME_STORY) >= 6 and len(DIFFERENT_STORIES) >= 4


def test_short_texts_are_not_compared_by_text() -> None:
    # "Markets closed higher." twice is not evidence of one story.
    assert signature("Markets closed higher on Monday.") is None
    short = [article(1, text="Markets closed higher."), article(2, text="Markets closed higher.")]
    assert len(merge_duplicates(short).articles) == 2


# --- URL and feed id ---------------------------------------------------------------------------


def test_same_url_after_normalising_merges() -> None:
    first = article(1, url="https://www.example.com/story?utm_source=rss", source_name="Ex")
    second = article(2, url="http://example.com/story/#top", source_name="Ex mirror")
    merged = merge_duplicates([first, second])
    assert [a.id for a in merged.articles] == ["a1"]
    assert merged.duplicates == (
        Duplicate(kept="a1", merged="a2", source="inputs/a2.txt", reason="url"),
    )


def test_same_feed_id_merges_across_different_urls() -> None:
    first = article(1, url="https://example.com/a", guid="tag:example.com,2026:1", source_name="E")
    second = article(2, url="https://m.example.com/a", guid="tag:example.com,2026:1")
    other = article(3, url="https://example.com/b", guid="tag:example.com,2026:2", source_name="E")
    merged = merge_duplicates([first, second, other])
    assert [a.id for a in merged.articles] == ["a1", "a3"]
    assert [(d.merged, d.reason) for d in merged.duplicates] == [("a2", "guid")]


def test_a_feed_numbering_like_another_is_no_duplicate() -> None:
    first = article(1, guid="101", source_name="Reuters")
    second = article(2, guid="101", source_name="AP")
    assert len(merge_duplicates([first, second]).articles) == 2


# --- which copy is kept, and what it says of the others ---------------------------------------


def test_first_copy_is_kept_and_names_the_others_in_input_order() -> None:
    quake, guardian = SAME_STORY[0].first, SAME_STORY[0].second
    wildfire, euronews = SAME_STORY[3].first, SAME_STORY[3].second
    articles = [
        article(1, quake),
        article(2, wildfire),
        article(3, guardian),
        article(4, euronews),
        # The same Guardian page again, from another feed: nothing new to name.
        article(5, guardian, url=guardian.url + "?utm_source=twitter", source_name="Guardian"),
        article(6, text="An unrelated story about a football match in Budapest."),
    ]
    merged = merge_duplicates(articles)
    assert [a.id for a in merged.articles] == ["a1", "a2", "a6"]
    kept = merged.articles[0]
    assert kept.also_reported_by == (Reference("The Guardian", guardian.url),)
    assert merged.articles[1].also_reported_by == (Reference("Euronews", euronews.url),)
    assert merged.articles[2].also_reported_by == ()
    assert [(d.kept, d.merged, d.reason) for d in merged.duplicates] == [
        ("a1", "a3", "text"),
        ("a1", "a5", "url"),
        ("a2", "a4", "text"),
    ]
    assert all(d.similarity is None or 0.4 <= d.similarity <= 1 for d in merged.duplicates)


def test_a_full_text_after_a_teaser_is_kept_in_its_place() -> None:
    full = SAME_STORY[1].first
    teaser = article(1, full, text=full.text.split("\n\n")[0], url=full.url + "?utm_source=rss")
    other = article(2, text="Another story entirely, with words of its own to read.")
    whole = article(3, full, source_name="Reuters.com")
    merged = merge_duplicates([teaser, other, whole])
    assert len(whole.text) >= TEASER_RATIO * len(teaser.text)
    # The full text is summarised; the teaser's outlet is the same page: nothing to name.
    assert [a.id for a in merged.articles] == ["a2", "a3"]
    assert merged.articles[1].also_reported_by == ()
    assert [(d.kept, d.merged, d.reason) for d in merged.duplicates] == [("a3", "a1", "url")]


def test_a_slightly_longer_later_copy_does_not_displace_the_first() -> None:
    for pair in SAME_STORY:
        shorter, longer = sorted((pair.first, pair.second), key=lambda copy: len(copy.text))
        assert len(shorter.text) < len(longer.text) < TEASER_RATIO * len(shorter.text)
        merged = merge_duplicates([article(1, shorter), article(2, longer)])
        assert [a.id for a in merged.articles] == ["a1"], pair.name


def test_copies_without_a_name_or_url_add_no_reference() -> None:
    pair = SAME_STORY[0]
    first = article(1, pair.first)
    second = article(2, pair.second, url=None, source_name=None)
    third = article(3, pair.second, url="https://news.example.org/q", source_name=None)
    merged = merge_duplicates([first, second, third])
    assert [a.id for a in merged.articles] == ["a1"]
    assert merged.articles[0].also_reported_by == (
        Reference("news.example.org", "https://news.example.org/q"),
    )


def test_merging_a_thousand_articles_is_quick() -> None:
    # 1,000 distinct articles (no timing asserted: the LSH index keeps it to well under 2 s).
    articles = [
        article(n, text=" ".join(f"w{n}x{k} w{(n * k) % 997}" for k in range(60)))
        for n in range(1000)
    ]
    merged = merge_duplicates([*articles, article(1000, text=articles[10].text)])
    assert len(merged.articles) == 1000
    assert [(d.kept, d.merged) for d in merged.duplicates] == [("a10", "a1000")]


# --- the run: reading, run.json, results.jsonl --------------------------------------------------


def _jsonl(copies: list[Copy]) -> str:
    return "".join(
        json.dumps({"id": f"s{n}", "title": c.title, "text": c.text, "url": c.url,
                    "source": c.outlet}, ensure_ascii=False) + "\n"
        for n, c in enumerate(copies, start=1)
    )  # fmt: skip


def test_the_run_reads_each_story_once_and_reports_the_merges(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    quake, flood, rail = SAME_STORY[0], SAME_STORY[4], SAME_STORY[5]
    news = tmp_path / "news"
    news.mkdir()
    (news / "feed.jsonl").write_text(
        _jsonl([quake.first, flood.first, rail.first, quake.second, flood.second, rail.second]),
        encoding="utf-8",
    )
    config = RunConfig(inputs=(news,), output=tmp_path / "out", languages=("hu",), no_cache=True)
    with caplog.at_level(logging.INFO, logger="summarize"):
        read = read_inputs(config)
    assert "merged 3 duplicate stories" in caplog.text
    assert [a.id for a in read.articles] == ["s1", "s2", "s3"]
    assert [(d.kept, d.merged, d.reason) for d in read.duplicates] == [
        ("s1", "s4", "text"),
        ("s2", "s5", "text"),
        ("s3", "s6", "text"),
    ]
    assert read.articles[2].also_reported_by == (Reference("中国新闻网", rail.second.url),)

    outcomes = [
        ArticleOutcome(
            article=a,
            summary=Summary(article_id=a.id, text=f"Summary of {a.id}.", chunks=1),
            translations={"hu": f"Összefoglaló: {a.id}."},
        )
        for a in read.articles
    ]
    results = RunResults(
        articles=outcomes, engines={}, device="cpu", interrupted=False, versions={}, revisions={}
    )
    write_outputs(
        results, read.failures, config, datetime.now(UTC), 1.0, duplicates=read.duplicates
    )
    report = json.loads((config.output / "run.json").read_text("utf-8"))
    assert report["articles"] == 3
    assert report["duplicates"][0] == {
        "kept": "s1",
        "merged": "s4",
        "source": f"{news / 'feed.jsonl'}:4",
        "reason": "text",
        "similarity": pytest.approx(0.578, abs=0.001),
    }
    lines = (config.output / "results.jsonl").read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["also_reported_by"] for r in records] == [
        [{"name": "The Guardian", "url": quake.second.url}],
        [{"name": "Интерфакс", "url": flood.second.url}],
        [{"name": "中国新闻网", "url": rail.second.url}],
    ]


def test_keep_duplicates_reads_every_copy(tmp_path: Path) -> None:
    pair = SAME_STORY[0]
    news = tmp_path / "news"
    news.mkdir()
    (news / "feed.jsonl").write_text(_jsonl([pair.first, pair.second]), encoding="utf-8")
    config = RunConfig(inputs=(news,), output=tmp_path / "out", no_cache=True, keep_duplicates=True)
    read = read_inputs(config)
    assert [a.id for a in read.articles] == ["s1", "s2"]
    assert read.duplicates == ()
    assert all(a.also_reported_by == () for a in read.articles)
