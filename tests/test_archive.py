"""--archive DIR: every run kept in a dated folder, the top refreshed, --keep prunes (#20)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import pytest
from support.cli import run_cli, tiny_model_flags
from support.pages import elements, parse_strict

from summarize.core.config import RunConfig, build_run_config
from summarize.core.errors import ConfigError
from summarize.core.records import Article, ArticleOutcome, Summary
from summarize.outputs import writer
from summarize.outputs.archive import prepare_archive, write_archived

#: The runs' local time zone: dates are the local date of the run's start.
ZONE = timezone(timedelta(hours=1))
#: Three runs: two on one day, one the next.
CLOCKS = (
    datetime(2026, 12, 6, 7, 0, tzinfo=ZONE),
    datetime(2026, 12, 6, 19, 30, tzinfo=ZONE),
    datetime(2026, 12, 7, 7, 0, tzinfo=ZONE),
)
FOLDERS = ("2026-12-06", "2026-12-06-2", "2026-12-07")
TOP_PAGES = ("index.html", "briefing.hu.html", "briefing.ru.html")
ARCHIVE_PAGES = ("archive.html", "archive.hu.html", "archive.ru.html")


def results(*names: str) -> writer.RunResults:
    items = [
        ArticleOutcome(
            article=Article(
                id=f"world/{name}",
                slug=name,
                title=f"Story {name}",
                text=f"Text of {name}.",
                source=f"world/{name}.txt",
                url=f"https://example.com/world/{name}",
            ),
            status="done",
            summary=Summary(article_id=f"world/{name}", text=f"Summary of {name}.", chunks=1),
            translations={"hu": f"Összefoglaló: {name}.", "ru": f"Резюме: {name}."},
            headlines={"hu": f"Hír: {name}", "ru": f"Новость: {name}"},
            computed=True,
        )
        for name in names
    ]
    return writer.RunResults(
        articles=items, engines={}, device="cpu", interrupted=False, versions={}, revisions={}
    )


def archive_run(archive: Path, clock: datetime, *names: str, keep: int | None = None) -> None:
    config = prepare_archive(RunConfig(archive=archive, languages=("hu", "ru"), keep=keep))
    write_archived(results(*names), (), config, clock, 1.0)


def local_links(page: Path) -> list[str]:
    """Every local href of a page's <a> and <link> elements."""
    root = parse_strict(page)
    hrefs = [a.get("href") for a in [*elements(root, "a"), *elements(root, "link")]]
    return [h for h in hrefs if h and not urlsplit(h).scheme]


def assert_links_resolve(folder: Path, page: str) -> None:
    for href in local_links(folder / page):
        target = unquote(urlsplit(href).path) or page  # "#content": this page
        assert (folder / target).is_file(), (page, href)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("archive")
    archive_run(root, CLOCKS[0], "heatwave", "rates")
    archive_run(root, CLOCKS[1], "heatwave", "quake")
    archive_run(root, CLOCKS[2], "quake", "strike")
    return root


def test_each_run_writes_a_dated_folder_and_keeps_the_earlier_ones(archive: Path) -> None:
    assert sorted(p.name for p in archive.iterdir() if p.is_dir()) == list(FOLDERS)
    for folder, names in zip(
        FOLDERS, (("heatwave", "rates"), ("heatwave", "quake"), ("quake", "strike")), strict=True
    ):
        report = json.loads((archive / folder / "run.json").read_text("utf-8"))
        assert report["settings"]["output"] == str(archive / folder)
        assert report["settings"]["cache"] == str(archive / ".cache")
        for name in names:  # slugs are the same in every run
            assert (archive / folder / f"{name}.html").is_file()
            assert (archive / folder / f"{name}.hu.html").is_file()


def test_top_front_pages_show_the_latest_run_and_every_link_resolves(archive: Path) -> None:
    for page in (*TOP_PAGES, *ARCHIVE_PAGES):
        assert_links_resolve(archive, page)
    links = local_links(archive / "briefing.hu.html")
    assert "./2026-12-07/strike.hu.html" in links
    assert not any("2026-12-06" in link for link in links)
    # The switcher stays at the top; the footer leads to the feed and the archive list.
    assert "./index.html" in links and "./briefing.ru.html" in links
    assert "./feed.hu.xml" in links and "./archive.hu.html" in links
    assert "Hír: strike" in (archive / "briefing.hu.html").read_text("utf-8")


def test_a_runs_own_pages_lead_back_to_the_list_of_past_briefings(archive: Path) -> None:
    """A reader who follows a link into an older night finds the other nights from there."""
    for page, listing in (
        ("index.html", "../archive.html"),
        ("briefing.hu.html", "../archive.hu.html"),
        ("heatwave.hu.html", "../archive.hu.html"),
        ("about.html", "../archive.html"),
    ):
        assert listing in local_links(archive / FOLDERS[0] / page), page
        assert_links_resolve(archive / FOLDERS[0], page)


def test_archive_pages_list_every_run_newest_first_in_their_language(archive: Path) -> None:
    html = (archive / "archive.hu.html").read_text("utf-8")
    positions = [html.index(f"./{folder}/briefing.hu.html") for folder in reversed(FOLDERS)]
    assert positions == sorted(positions)
    assert "Korábbi összefoglalók" in html and "2 cikk" in html
    assert "2026. december 6." in html and "19:30" in html  # two runs that day: times shown
    english = (archive / "archive.html").read_text("utf-8")
    assert all(f"./{folder}/index.html" in english for folder in FOLDERS)


def test_top_feeds_hold_each_story_once_newest_first(archive: Path) -> None:
    parsed = feedparser.parse((archive / "feed.hu.xml").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    titles = [entry.title for entry in parsed.entries]
    assert titles == ["Hír: quake", "Hír: strike", "Hír: heatwave", "Hír: rates"]
    links = [entry.link for entry in parsed.entries]
    assert links[:2] == ["2026-12-07/quake.hu.html", "2026-12-07/strike.hu.html"]
    assert links[2] == "2026-12-06-2/heatwave.hu.html"
    ids = [entry.id for entry in parsed.entries]
    assert len(set(ids)) == len(ids)
    items = json.loads((archive / "feed.hu.json").read_text("utf-8"))["items"]
    assert [item["id"] for item in items] == ids
    for feed in ("feed.en.xml", "feed.hu.xml", "feed.ru.json"):
        assert (archive / feed).is_file()


def test_keep_prunes_exactly_the_oldest_runs_folders(tmp_path: Path) -> None:
    archive_run(tmp_path, CLOCKS[0], "heatwave")
    archive_run(tmp_path, CLOCKS[1], "quake")
    # A user's own folder named like a date but without run.json is never the tool's.
    (tmp_path / "2026-12-01").mkdir()
    (tmp_path / "2026-12-01" / "notes.txt").write_text("mine", "utf-8")
    (tmp_path / "notes.html").write_text("mine too", "utf-8")
    archive_run(tmp_path, CLOCKS[2], "strike", keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [
            "2026-12-01",
            "2026-12-06-2",
            "2026-12-07",
            "notes.html",
            *TOP_PAGES,
            *ARCHIVE_PAGES,
            *(f"feed.{code}.{ext}" for code in ("en", "hu", "ru") for ext in ("xml", "json")),
        ]
    )
    assert (tmp_path / "2026-12-01" / "notes.txt").read_text("utf-8") == "mine"
    html = (tmp_path / "archive.html").read_text("utf-8")
    assert "./2026-12-06/" not in html and "./2026-12-06-2/index.html" in html
    for page in (*TOP_PAGES, *ARCHIVE_PAGES):
        assert_links_resolve(tmp_path, page)


def test_a_failed_top_refresh_leaves_the_last_good_front_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive_run(tmp_path, CLOCKS[0], "heatwave")
    before = (tmp_path / "index.html").read_bytes()
    from summarize.core import files
    from summarize.core.errors import WriteFailed

    real = files.write_atomic

    def full_disk(path: Path, text: str) -> None:
        if path.name == "feed.hu.xml" and path.parent.name == files.STAGING_FOLDER:
            raise WriteFailed(f"cannot write {path}: no space left on the device")
        real(path, text)

    monkeypatch.setattr("summarize.outputs.archive.write_atomic", full_disk)
    with pytest.raises(WriteFailed):
        archive_run(tmp_path, CLOCKS[1], "quake", keep=1)
    assert (tmp_path / "index.html").read_bytes() == before
    # The run the old front page links into is not pruned while it still does.
    assert (tmp_path / FOLDERS[0] / "run.json").is_file()
    assert_links_resolve(tmp_path, "index.html")
    assert not (tmp_path / files.STAGING_FOLDER).exists()


def test_archive_with_output_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--archive and -o/--output"):
        build_run_config({"archive": tmp_path / "a", "output": tmp_path / "o"})
    with pytest.raises(ConfigError, match="--keep"):
        build_run_config({"keep": 3})
    done = run_cli(["run", ".", "--archive", "a", "-o", "o"], cwd=tmp_path)
    assert done.returncode == 2
    assert "--archive and -o/--output both say where to write" in done.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "o").exists()


@pytest.mark.slow  # two runs of the command with tiny models: about 15 s
def test_two_nightly_runs_through_the_command_share_the_cache(tiny_models, tmp_path) -> None:
    news = tmp_path / "news" / "world"
    news.mkdir(parents=True)
    (news / "heatwave.txt").write_text("Heatwave\n\nSeville reached 41 degrees on Monday.", "utf-8")
    flags = [*tiny_model_flags(tiny_models, ("hu",)), "--languages", "hu", "--device", "cpu"]
    first = run_cli(["run", "news", "--archive", "arch", *flags], cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "arch/index.html" in first.stderr
    # The next night reads the sub-folder only: the page keeps its name, the cache is reused.
    second = run_cli(
        ["run", "news/world", "--archive", "arch", "--keep", "5", *flags], cwd=tmp_path
    )
    assert second.returncode == 0, second.stderr
    folders = sorted(p.name for p in (tmp_path / "arch").iterdir() if p.is_dir())
    assert folders[0] == ".cache" and len(folders) == 3
    for folder in folders[1:]:
        assert (tmp_path / "arch" / folder / "heatwave.hu.html").is_file()
    report = json.loads((tmp_path / "arch" / folders[2] / "run.json").read_text("utf-8"))
    assert report["cached"] == 1 and report["done"] == 0
    assert_links_resolve(tmp_path / "arch", "index.html")


def test_a_hand_edited_run_feed_cannot_put_a_script_link_at_the_top(tmp_path: Path) -> None:
    archive_run(tmp_path, CLOCKS[0], "heatwave")
    run_feed = tmp_path / FOLDERS[0] / "feed.hu.json"
    document = json.loads(run_feed.read_text("utf-8"))
    document["items"][0]["url"] = "javascript:alert(1)"
    run_feed.write_text(json.dumps(document), "utf-8")
    archive_run(tmp_path, CLOCKS[2], "quake")
    assert "javascript:" not in (tmp_path / "feed.hu.xml").read_text("utf-8")
    titles = [
        entry.title for entry in feedparser.parse((tmp_path / "feed.hu.xml").read_bytes()).entries
    ]
    assert titles == ["Hír: quake"]


def test_the_python_api_takes_archive_instead_of_output(tmp_path: Path, monkeypatch) -> None:
    import summarize
    from summarize.runners import local

    seen: list[RunConfig] = []
    monkeypatch.setattr(local, "run", lambda config, progress: seen.append(config))
    summarize.run(["news"], archive=tmp_path / "arch", keep=3)
    assert seen[0].archive == tmp_path / "arch" and seen[0].keep == 3
    assert seen[0].output == RunConfig.output  # the default, unused in archive mode


def test_top_pages_are_as_usable_as_a_runs(archive: Path) -> None:
    for page in (*TOP_PAGES, *ARCHIVE_PAGES):
        root = parse_strict(archive / page)  # valid HTML5, or it raises
        assert not elements(root, "script")
        nav = next(n for n in elements(root, "nav") if "editions" in n.get("class", ""))
        hrefs = [a.get("href") for a in elements(nav, "a")]
        expected = ARCHIVE_PAGES if page in ARCHIVE_PAGES else TOP_PAGES
        assert hrefs == [f"./{name}" for name in expected]
        assert "prefers-color-scheme: dark" in (archive / page).read_text("utf-8")


def test_an_archive_run_with_nothing_to_publish_writes_no_folder(tiny_models, tmp_path) -> None:
    """Every input failed: the archive keeps serving its last good briefing, exit 1 says why."""
    (tmp_path / "empty.txt").write_bytes(b"")
    args = ["run", "empty.txt", "--archive", "site", "-q", *tiny_model_flags(tiny_models, ("hu",))]
    result = run_cli([*args, "--languages", "hu"], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "no story to publish; no briefing written into site" in result.stderr
    assert "failed: empty.txt: empty file" in result.stderr
    assert not list(tmp_path.glob("site/2*"))  # no dated folder (no archive folder at all)
