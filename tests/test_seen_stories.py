"""Seen-story memory (#20): a story an earlier run published into the archive is recognised by
URL, feed id or near-identical text, and held back unless --include-seen."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from support.wire import DIFFERENT_STORIES, SAME_STORY

from summarize.core.config import RunConfig
from summarize.core.records import Article, Reference
from summarize.inputs.seen import (
    MAX_AGE_DAYS,
    SEEN_FILE,
    SeenStories,
    hold_back_seen,
    remember_published,
)

QUAKE, ECB, STRIKE, WILDFIRE, FLOOD, RAIL = SAME_STORY


def article(name: str, text: str, **fields: object) -> Article:
    given: dict[str, object] = {
        "id": name,
        "slug": name,
        "title": name,
        "text": text,
        "source": f"news/{name}.txt",
    }
    return Article(**(given | fields))  # type: ignore[arg-type]


def published_yesterday() -> list[Article]:
    """What the run of 2026-12-05 published: a quake (Guardian's copy merged into AP's), an
    ECB story from a feed, and the Chinese rail story."""
    return [
        article(
            "quake",
            QUAKE.first.text,
            url=QUAKE.first.url,
            source_name="AP",
            also_reported_by=(Reference("The Guardian", QUAKE.second.url),),
        ),
        article("ecb", ECB.first.text, url=ECB.first.url, guid="ecb-1", source_name="Reuters"),
        article("rail", RAIL.first.text, url=RAIL.first.url, source_name="新华社"),
    ]


@pytest.fixture
def memory(tmp_path: Path) -> Path:
    path = tmp_path / "archive" / SEEN_FILE
    path.parent.mkdir()
    remember_published(path, published_yesterday(), where="2026-12-05", when="2026-12-05")
    return path


def test_a_round_trip_keeps_every_story(memory: Path) -> None:
    stories = SeenStories.load(memory).stories
    assert [(s.first_published, s.where) for s in stories] == [("2026-12-05", "2026-12-05")] * 3
    quake = stories[0]
    # The merged copy's page is remembered with the story.
    assert quake.urls == (
        "https://apnews.com/article/chile-earthquake-antofagasta-3f2a",
        "https://theguardian.com/world/2026/dec/01/chile-earthquake-antofagasta",
    )
    assert quake.signature is not None and len(quake.signature) == 128
    assert stories[1].guid is not None
    # Saved again, it is the same file.
    before = memory.read_bytes()
    SeenStories.load(memory).save(memory)
    assert memory.read_bytes() == before


def test_split_recognises_stories_by_url_guid_and_text(memory: Path) -> None:
    today = [
        # The AP page again, through a tracking link.
        article("quake-again", "A short teaser.", url=QUAKE.first.url + "?utm_source=rss"),
        # The Guardian's copy, merged into yesterday's story: its URL is known.
        article("quake-guardian", "Another teaser.", url=QUAKE.second.url),
        # The same feed entry at a new URL.
        article("ecb-moved", "Updated.", url="https://reuters.com/x", guid="ecb-1",
                source_name="Reuters"),
        # Another outlet's rewrite of the Chinese report: only the text tells.
        article("rail-chinanews", RAIL.second.text, url=RAIL.second.url),
        # New today: the same topics, different stories; and an unrelated one.
        article("japan-quake", DIFFERENT_STORIES[0].second.text),
        article("ecb-october", DIFFERENT_STORIES[1].second.text, guid="ecb-2",
                source_name="Reuters"),
        article("other-rail", DIFFERENT_STORIES[4].second.text),
        article("strike", STRIKE.first.text, url=STRIKE.first.url),
    ]  # fmt: skip
    new, seen = SeenStories.load(memory).split(today)
    assert [a.id for a in new] == ["japan-quake", "ecb-october", "other-rail", "strike"]
    assert [(m.article.id, m.reason, m.story.where) for m in seen] == [
        ("quake-again", "url", "2026-12-05"),
        ("quake-guardian", "url", "2026-12-05"),
        ("ecb-moved", "guid", "2026-12-05"),
        ("rail-chinanews", "text", "2026-12-05"),
    ]
    assert seen[3].similarity is not None and seen[3].similarity >= 0.5


def test_a_feed_id_of_another_publisher_is_another_story(memory: Path) -> None:
    other = article("ap-1", "Text.", guid="ecb-1", source_name="AP")
    new, seen = SeenStories.load(memory).split([other])
    assert (len(new), len(seen)) == (1, 0)


def test_remembering_again_keeps_the_first_date_and_learns_new_urls(memory: Path) -> None:
    stories = SeenStories.load(memory)
    again = article("rail-chinanews", RAIL.second.text, url=RAIL.second.url)
    stories.remember([again], where="2026-12-06", when="2026-12-06")
    assert len(stories) == 3
    rail = stories.stories[2]
    assert (rail.first_published, rail.where) == ("2026-12-05", "2026-12-05")
    assert "https://chinanews.com.cn/cj/2026/12-26/10345678.shtml" in rail.urls


def test_old_stories_are_forgotten(memory: Path, caplog: pytest.LogCaptureFixture) -> None:
    stories = SeenStories.load(memory)
    fresh = article("strike", STRIKE.first.text, url=STRIKE.first.url)
    stories.remember([fresh], where="2027-03-01", when="2027-03-01T06:00:00+00:00")
    assert len(stories) == 4  # 86 days: all kept
    with caplog.at_level(logging.INFO, logger="summarize"):
        stories.remember([], where="2027-03-06", when="2027-03-06")
    assert MAX_AGE_DAYS == 90
    # 91 days after 2026-12-05: only the strike is left.
    assert [s.where for s in stories.stories] == ["2027-03-01"]
    assert "forgot 3 stories" in caplog.text
    new, _ = stories.split(published_yesterday())
    assert len(new) == 3


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b"[]",
        b'{"version": 99, "stories": []}',
        b'{"version": 1, "stories": [{"urls": "https://a.com"}]}',
        b'{"version": 1, "stories": [{"urls": [], "guid": null, "signature": null, '
        b'"first_published": "yesterday", "where": "x"}]}',
    ],
)
def test_a_damaged_memory_is_empty_with_a_warning(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / SEEN_FILE
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="summarize"):
        stories = SeenStories.load(path)
    assert len(stories) == 0
    assert str(path) in caplog.text and "counts as new" in caplog.text
    # The run then writes it anew.
    stories.remember(published_yesterday(), where="r", when="2026-12-05")
    stories.save(path)
    assert len(SeenStories.load(path)) == 3


@pytest.mark.parametrize("signature", ["!!", "AAAA", 17])
def test_a_damaged_signature_empties_the_memory_with_a_warning(
    memory: Path, signature: object, caplog: pytest.LogCaptureFixture
) -> None:
    document = json.loads(memory.read_text("utf-8"))
    document["stories"][1]["signature"] = signature
    memory.write_text(json.dumps(document), "utf-8")
    with caplog.at_level(logging.WARNING, logger="summarize"):
        assert len(SeenStories.load(memory)) == 0
    assert "damaged" in caplog.text


def test_a_missing_memory_is_empty_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="summarize"):
        assert len(SeenStories.load(tmp_path / SEEN_FILE)) == 0
    assert not caplog.text


def test_signatures_made_otherwise_are_not_compared(memory: Path) -> None:
    document = json.loads(memory.read_text("utf-8"))
    document["minhash"]["num_perm"] = 64
    memory.write_text(json.dumps(document), "utf-8")
    rewrite = article("rail-chinanews", RAIL.second.text, url=RAIL.second.url)
    same_page = article("quake", "Teaser.", url=QUAKE.first.url)
    new, seen = SeenStories.load(memory).split([rewrite, same_page])
    assert [a.id for a in new] == ["rail-chinanews"]
    assert [m.reason for m in seen] == ["url"]


def test_hold_back_seen_follows_include_seen(
    memory: Path, caplog: pytest.LogCaptureFixture
) -> None:
    today = [
        article("rail-chinanews", RAIL.second.text, url=RAIL.second.url),
        article("strike", STRIKE.first.text),
    ]
    with caplog.at_level(logging.INFO, logger="summarize"):
        new, seen = hold_back_seen(today, memory, RunConfig())
    assert [a.id for a in new] == ["strike"]
    assert [m.article.id for m in seen] == ["rail-chinanews"]
    assert "news/rail-chinanews.txt was published on 2026-12-05 in 2026-12-05" in caplog.text
    assert "--include-seen" in caplog.text
    new, seen = hold_back_seen(today, memory, RunConfig(include_seen=True))
    assert ([a.id for a in new], seen) == (["rail-chinanews", "strike"], ())
