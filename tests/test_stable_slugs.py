"""Page names stay the same whatever folder was named and in whatever order stories come (#20)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from summarize.core.records import Article
from summarize.inputs import read_articles
from summarize.inputs.drafts import finalise

BODY = "The heatwave reached 41 degrees in Seville on Monday, officials said."


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def draft(article_id: str, *, url: str | None = None, text: str = BODY, seed: str = "") -> Article:
    return Article(
        id=article_id, slug=seed, title="T", text=text, source=f"{article_id}.txt", url=url
    )


def test_the_same_file_gets_the_same_page_name_through_any_folder(tmp_path: Path) -> None:
    news = tmp_path / "news"
    write(news / "world" / "heatwave.txt", f"Heatwave in Spain\n\n{BODY}\n")
    write(news / "business" / "rates.txt", "Rates rise\n\nThe central bank raised rates.\n")
    (through_news,) = [a for a in read_articles([news]).articles if a.id == "world/heatwave"]
    (through_world,) = read_articles([news / "world"]).articles
    assert through_world.id == "heatwave"  # ids stay relative to the folder given
    assert through_news.slug == through_world.slug == "heatwave"


def test_a_url_names_the_page_by_its_last_meaningful_segment() -> None:
    urls = {
        "https://example.com/2026/12/06/heatwave-hits-europe.html": "heatwave-hits-europe",
        "https://example.com/news/budapest?id=1&lang=en": "budapest",
        "https://example.com/world/story/12345": "world-12345",
        # An id with a letter or two in it is still an id, not the story's name.
        "https://www.dw.com/en/germany-rail-strike-gdl/a-70111222": (
            "germany-rail-strike-gdl-a-70111222"
        ),
        "https://example.com/": "example-com",
        "https://news.example.org/article/index.html": "news-example-org",
    }
    drafts = [draft(f"id{n}", url=url, text=f"Text {n}.") for n, url in enumerate(urls)]
    assert [a.slug for a in finalise(drafts)] == list(urls.values())


def test_a_url_wins_over_the_file_name_and_a_javascript_url_does_not() -> None:
    good, bad = finalise(
        [
            draft("folder/file-name", url="https://example.com/a/quake-in-chile"),
            draft("other/file-name-2", url="javascript:alert(1)", text="Other."),
        ]
    )
    assert good.slug == "quake-in-chile"
    assert bad.slug == "file-name-2"


def test_a_jsonl_record_with_its_own_id_is_named_by_it(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "Record 7", "text": BODY}),
        json.dumps({"text": "No id here."}),
        json.dumps({"id": "r8", "url": "https://example.com/x/strike-ends", "text": "Strike."}),
    ]
    write(tmp_path / "in" / "feeds" / "daily.jsonl", "\n".join(lines) + "\n")
    articles = read_articles([tmp_path / "in"]).articles
    assert [(a.id, a.slug) for a in articles] == [
        ("Record 7", "record-7"),
        ("feeds/daily-2", "daily-2"),
        ("r8", "strike-ends"),
    ]


def test_collisions_get_a_digest_whatever_the_input_order() -> None:
    stories = [
        draft("a/story", text="First story."),
        draft("b/story", text="Second story."),
        draft("c/other", text="Unrelated."),
        draft("x", url="https://one.example/world/quake"),
        draft("y", url="https://two.example/news/quake#top"),
    ]
    forward = {a.id: a.slug for a in finalise(stories)}
    backward = {a.id: a.slug for a in finalise(list(reversed(stories)))}
    assert forward == backward
    assert forward["c/other"] == "other"
    for article_id in ("a/story", "b/story"):
        assert re.fullmatch(r"story-[0-9a-f]{8}", forward[article_id])
    for article_id in ("x", "y"):
        assert re.fullmatch(r"quake-[0-9a-f]{8}", forward[article_id])
    assert len(set(forward.values())) == len(forward)


def test_the_url_digest_ignores_fragments_and_tracking() -> None:
    (plain,) = finalise(
        [
            draft("x", url="https://Example.com/world/quake/"),
            draft("z", url="https://b.example/quake"),
        ]
    )[:1]
    (tracked,) = finalise(
        [
            draft("x", url="https://example.com/world/quake?utm_source=rss#top"),
            draft("z", url="https://b.example/quake"),
        ]
    )[:1]
    assert plain.slug == tracked.slug


def test_identical_copies_in_two_folders_still_get_two_names() -> None:
    one, two = finalise([draft("a/copy"), draft("b/copy")])
    assert one.slug != two.slug
    assert {one.slug, two.slug} == {a.slug for a in finalise([draft("b/copy"), draft("a/copy")])}
