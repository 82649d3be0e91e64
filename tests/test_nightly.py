"""The nightly job, end to end (issue #20): two outlets' feeds on a local server, read by
``summarize run URL URL --archive site/ -q`` night after night, as cron would run it.

Checked as a subscriber and a reader would: each night gets its dated briefing, each story is
published once (the wire report both outlets carry is merged, "also reported by"; a story an
earlier night published is not repeated), the feeds per language parse and keep their entry
ids, an unchanged feed costs one 304, the top pages lead to the latest night, and a quiet
run prints nothing. The only network is the test's own server on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import feedparser
import pytest
from support.cli import run_cli, tiny_model_flags
from support.feeds import atom_feed, rss_feed
from support.wire import (
    BUDGET_FIRST_REUTERS,
    ECB_INVESTING,
    QUAKE_CHILE_AP,
    QUAKE_CHILE_GUARDIAN,
    STRIKE_DW,
    WILDFIRE_AP,
)

#: Two runs with models per night would be slow for the default suite: CI runs the slow tier.
pytestmark = pytest.mark.slow

LANGUAGES = ("hu", "zh")


def night(root: Path, tiny_models, urls: Sequence[str]):
    args = ["run", *urls, "--archive", "site", "-q", "--languages", ",".join(LANGUAGES)]
    return run_cli([*args, *tiny_model_flags(tiny_models, LANGUAGES)], cwd=root)


def runs(site: Path) -> list[Path]:
    """The dated folders, oldest first."""
    return sorted(
        (p for p in site.iterdir() if p.is_dir() and (p / "run.json").is_file()),
        key=lambda p: json.loads((p / "run.json").read_text("utf-8"))["started_at"],
    )


def titles(folder: Path) -> list[str]:
    lines = (folder / "results.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["title"] for line in lines]


def parsed(feed: Path):
    document = feedparser.parse(feed.read_bytes())
    assert not document.bozo, (feed, document.get("bozo_exception"))
    return document


def test_three_nights_of_two_feeds_into_an_archive(tiny_models, tmp_path, web_server) -> None:
    web_server.route("/robots.txt", status=404)
    guardian = [QUAKE_CHILE_GUARDIAN, ECB_INVESTING]
    wire = [QUAKE_CHILE_AP, WILDFIRE_AP]
    rss_type = "application/rss+xml; charset=utf-8"
    atom_type = "application/atom+xml; charset=utf-8"
    urls = (web_server.url("/world.xml"), web_server.url("/wire.atom"))

    def publish(version: int) -> None:
        web_server.route(
            "/world.xml",
            body=rss_feed("The Guardian", guardian),
            content_type=rss_type,
            etag=f'"w{version}"',
        )
        web_server.route(
            "/wire.atom", body=atom_feed("AP", wire), content_type=atom_type, etag=f'"a{version}"'
        )

    # Night 1: four entries, one wire report carried by both outlets -> three stories.
    publish(1)
    first = night(tmp_path, tiny_models, urls)
    assert first.returncode == 0, first.stderr
    assert first.stderr == "" and first.stdout == ""  # cron mails nothing
    site = tmp_path / "site"
    (one,) = runs(site)
    assert sorted(titles(one)) == sorted(
        [QUAKE_CHILE_GUARDIAN.title, ECB_INVESTING.title, WILDFIRE_AP.title]
    )
    merged = [json.loads(line) for line in (one / "results.jsonl").read_text("utf-8").splitlines()]
    quake = next(r for r in merged if r["title"] == QUAKE_CHILE_GUARDIAN.title)
    assert [ref["url"] for ref in quake["also_reported_by"]] == [QUAKE_CHILE_AP.url]

    # Night 2: one outlet adds a story, the other's feed is unchanged (one 304).
    guardian.insert(0, STRIKE_DW)
    web_server.route(
        "/world.xml", body=rss_feed("The Guardian", guardian), content_type=rss_type, etag='"w2"'
    )
    second = night(tmp_path, tiny_models, urls)
    assert second.returncode == 0, second.stderr
    assert second.stderr == ""
    wire_requests = web_server.requests("/wire.atom")
    assert len(wire_requests) == 2
    assert wire_requests[1].headers.get("if-none-match") == '"a1"'
    _, two = runs(site)
    assert titles(two) == [STRIKE_DW.title]  # nothing published the night before again
    # The quake's two copies were held back together: no merge into a story not published.
    assert json.loads((two / "run.json").read_text("utf-8"))["duplicates"] == []

    # Night 3: the wire adds a story.
    wire.insert(0, BUDGET_FIRST_REUTERS)
    web_server.route("/wire.atom", body=atom_feed("AP", wire), content_type=atom_type, etag='"a2"')
    third = night(tmp_path, tiny_models, urls)
    assert third.returncode == 0, third.stderr
    folders = runs(site)
    assert len(folders) == 3 and titles(folders[2]) == [BUDGET_FIRST_REUTERS.title]

    # A fourth night with nothing new writes nothing and says nothing.
    fourth = night(tmp_path, tiny_models, urls)
    assert (fourth.returncode, fourth.stderr) == (0, "")
    assert len(runs(site)) == 3

    # The top pages serve the latest night; every link on them resolves.
    index = (site / "index.html").read_text("utf-8")
    assert f"{folders[2].name}/" in index
    assert "archive.html" in index
    archive_page = (site / "archive.html").read_text("utf-8")
    assert all(folder.name in archive_page for folder in folders)

    # Feeds per language, English included: every story of the three nights once, with ids
    # that stayed the same from the night it was first published.
    stories = 5
    for code in ("en", *LANGUAGES):
        top = parsed(site / f"feed.{code}.xml")
        ids = [entry.id for entry in top.entries]
        assert len(ids) == len(set(ids)) == stories, code
        assert top.feed.get("language", code).startswith(code[:2])
        first_night = parsed(one / f"feed.{code}.xml")
        assert {entry.id for entry in first_night.entries} <= set(ids)
        json_feed = json.loads((site / f"feed.{code}.json").read_text("utf-8"))
        assert json_feed["version"] == "https://jsonfeed.org/version/1.1"
        assert len({item["id"] for item in json_feed["items"]}) == stories
        for entry in top.entries:
            page = entry.link.split("#")[0]
            assert (site / page).is_file(), (code, page)
