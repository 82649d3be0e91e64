"""Feeds, URLs and standard input read into articles (issue #20), with a fake fetcher."""

from __future__ import annotations

import io
import json
import logging
import shutil
from pathlib import Path

import pytest
from support.feeds import (
    FEEDS,
    LONG_TEASER,
    SHORT_TEASER,
    FakeFetcher,
    article_page,
    fetched,
    long_feed,
    rfc822,
    rss,
)

from summarize.core.config import build_run_config
from summarize.core.errors import ConfigError, InputError
from summarize.inputs import LazyFetcher, make_fetcher, read_articles
from summarize.web import FetchFailed

PAGE_TEXT = [
    "The coastguard rescued eleven sailors from a cargo ship that lost power in the storm on "
    "Thursday night and drifted towards the rocks off the northern cape.",
    "A helicopter lifted the crew from the deck in high winds while a lifeboat stood by, and all "
    "of them were taken to hospital in the port town, where two were treated for hypothermia.",
    "The shipping company said the vessel, which was carrying timber, would be towed to harbour "
    "once the weather improves, and that an inquiry into the engine failure had begun.",
]


def copy(name: str, folder: Path, as_name: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(FEEDS / name, folder / (as_name or name)))


def by_title(result) -> dict[str, object]:
    return {article.title: article for article in result.articles}


def test_an_rss_file_gives_one_article_per_entry_with_its_metadata(tmp_path) -> None:
    feed = copy("rss2.xml", tmp_path / "news" / "local", "feed.xml")
    result = read_articles([tmp_path / "news"])
    assert result.failures == ()
    ferry, library = result.articles  # newest first
    assert ferry.title == "Ferry service resumes after winter storms"
    assert ferry.url == "https://gazette.example.com/news/ferry-resumes"
    assert ferry.guid == "https://gazette.example.com/news/ferry-resumes"
    assert ferry.published == "2026-12-01T07:30:00+00:00"  # RFC 822 +0100, as UTC
    assert ferry.author == "Mara Olsen"
    assert ferry.source_name == "Harbour Gazette"
    assert ferry.section == "local"  # the folder's, not the feed's category
    assert ferry.source == f"{feed} entry 1"
    assert ferry.text.startswith("The island ferry resumed its daily crossings")
    assert "alert" not in ferry.text and "<p>" not in ferry.text
    assert len(ferry.text.split("\n\n")) == 4
    assert library.guid == "gazette-2026-4411" and library.id == "gazette-2026-4411"
    assert library.author == "Jonas Berg"  # not "editor@... (Jonas Berg)"


def test_atom_links_resolve_against_xml_base_and_updated_is_the_date() -> None:
    result = read_articles([FEEDS / "atom.xml"])
    glacier, telescope = result.articles
    assert glacier.title == "Glacier retreat doubled in a decade"  # HTML title as text
    assert glacier.url == "https://science.example.org/blog/2026/12/glacier-retreat"
    assert glacier.published == "2026-12-02T08:15:00+00:00"
    assert glacier.guid == "tag:science.example.org,2026:glacier-retreat"
    assert glacier.author == "Ines Laurent" and glacier.source_name == "Science Desk"
    assert "<p>" not in glacier.text and glacier.text.count("\n\n") == 3
    assert telescope.text.startswith("Astronomers have detected water vapour")  # XHTML content


def test_json_feed_items_with_html_text_and_authors(tmp_path) -> None:
    result = read_articles([FEEDS / "jsonfeed.json"], fetcher=FakeFetcher({}))
    bridge, meals = result.articles
    assert bridge.title == "Old stone bridge reopens to walkers"
    assert bridge.author == "Lena Fischer, Tom Baker"
    assert bridge.published == "2026-12-03T11:00:00+01:00"
    assert bridge.guid == "valley-2026-118" and bridge.source_name == "Valley Times"
    assert "<p>" not in bridge.text
    # A relative item URL resolves against the feed's own URL; date_modified is the date.
    assert meals.url == "https://valley.example.net/2026/12/school-meals"
    assert meals.published == "2026-12-02T16:30:00+00:00"
    assert meals.text.startswith("Schools in the valley will serve meals")


def test_rss_1_0_rdf_entries_are_read() -> None:
    [article] = read_articles([FEEDS / "rss1.rdf"]).articles
    assert article.title == "High pass closed early as snow arrives"
    assert article.author == "Pia Keller" and article.source_name == "Mountain Weekly"
    assert article.published == "2026-11-28T07:00:00+00:00"


@pytest.mark.parametrize(
    ("name", "title", "word", "source_name"),
    [
        (
            "sever-cp1251.xml",
            "В Мурманске открылся новый морской вокзал",
            "пассажиров",
            "Северные новости",
        ),
        (
            "hirlap-iso8859-2.xml",
            "Újra megnyílt a győri vásárcsarnok",
            "felújítás",
            "Dunántúli Hírlap",
        ),
    ],
)
def test_feeds_in_legacy_encodings_decode_as_their_prolog_says(
    name, title, word, source_name
) -> None:
    # Offline (no fetcher): the teasers (about 100 words) are summarised, with a warning.
    [article] = read_articles([FEEDS / name]).articles
    assert article.title == title
    assert word in article.text and "\ufffd" not in article.text
    assert article.source_name == source_name
    assert article.warnings == (
        "page could not be fetched (--offline is set); summarised from the feed's teaser",
    )


def test_a_malformed_feed_is_read_with_a_warning(caplog) -> None:
    with caplog.at_level(logging.WARNING):
        result = read_articles([FEEDS / "malformed.xml"])
    assert result.failures == ()
    assert [a.title for a in result.articles] == [
        "Ferry service resumes after winter storms",
        "Council approves budget & more for new library",
    ]
    assert any("the feed is malformed" in w for w in result.articles[0].warnings)
    assert "the feed is malformed (not well-formed (invalid token) at line 23)" in caplog.text


def test_a_feed_that_cannot_be_read_is_one_failure() -> None:
    result = read_articles([FEEDS / "broken.xml"])
    assert result.articles == ()
    [failure] = result.failures
    assert failure.source.endswith("broken.xml")
    assert failure.reason.startswith("not a news feed (RSS, Atom or JSON Feed) that can be read")


def test_a_folder_reads_feeds_by_content_and_reports_xml_that_is_none(tmp_path) -> None:
    news = tmp_path / "news"
    copy("rss2.xml", news, "gazette.xml")
    copy("atom.xml", news, "science.atom")
    copy("rss1.rdf", news, "weekly.rss")
    copy("jsonfeed.json", news, "valley.json")
    copy("metadata.json", news)  # JSON data, no feed: skipped quietly
    (news / "sitemap.xml").write_text("<?xml version='1.0'?><urlset></urlset>", "utf-8")
    (news / "story.txt").write_text("Storm warning\n\nA storm is expected tonight.", "utf-8")
    result = read_articles([news], fetcher=FakeFetcher({}))
    assert len(result.articles) == 2 + 2 + 1 + 2 + 1
    assert not any(a.title.startswith("<") for a in result.articles)
    [failure] = result.failures
    assert failure.source.endswith("sitemap.xml")
    assert failure.reason == "not a news feed (RSS, Atom or JSON Feed)"


def test_a_named_file_is_a_feed_by_content_whatever_its_suffix(tmp_path) -> None:
    named = copy("rss2.xml", tmp_path, "latest.txt")
    assert len(read_articles([named]).articles) == 2
    not_feed = copy("metadata.json", tmp_path)
    [failure] = read_articles([not_feed]).failures
    assert failure.reason == "not a news feed (RSS, Atom or JSON Feed)"


def teaser_feed() -> str:
    return rss(
        [
            {
                "title": "Sailors rescued off the cape",
                "link": "https://herald.example.com/rescue",
                "guid": "herald-1",
                "date": rfc822(0),
                "description": "Eleven sailors were rescued.",
            },
            {
                "title": "Villages reached after landslide",
                "link": "https://herald.example.com/landslide",
                "guid": "herald-2",
                "date": rfc822(1),
                "description": LONG_TEASER,
            },
            {
                "title": "Festival draws crowds",
                "link": "https://herald.example.com/festival",
                "guid": "herald-3",
                "date": rfc822(2),
                "description": SHORT_TEASER,
            },
        ]
    )


def test_teaser_entries_are_read_from_their_pages(tmp_path) -> None:
    feed = tmp_path / "herald.xml"
    feed.write_text(teaser_feed(), "utf-8")
    page = article_page("Eleven sailors rescued as cargo ship drifts", PAGE_TEXT)
    rescue_url = "https://herald.example.com/rescue"
    fetcher = FakeFetcher({rescue_url: fetched(rescue_url, page)})
    result = read_articles([feed], fetcher=fetcher)
    rescue, landslide = result.articles
    assert rescue.title == "Eleven sailors rescued as cargo ship drifts"  # the page's headline
    assert rescue.text.split("\n\n") == PAGE_TEXT  # no navigation, no footer
    assert rescue.guid == "herald-1" and rescue.id == "herald-1"
    assert rescue.url == "https://herald.example.com/rescue"
    assert rescue.published == "2026-12-05T12:00:00+00:00"  # the page names none
    assert rescue.warnings == ()
    # The page is gone, but the teaser is long enough to summarise: with a warning.
    assert landslide.text == LONG_TEASER
    assert landslide.warnings == (
        "page could not be fetched (HTTP 404 Not Found); summarised from the feed's teaser",
    )
    # The page is gone and the teaser says too little: the entry fails, by name.
    [failure] = result.failures
    assert failure.source == f"{feed} entry 3"
    assert "11-word teaser" in failure.reason and "HTTP 404 Not Found" in failure.reason
    assert "(Festival draws crowds)" in failure.reason
    # Every page is asked for as an article page (robots.txt applies), in one call.
    assert sorted(fetcher.calls) == [
        ("https://herald.example.com/festival", True),
        ("https://herald.example.com/landslide", True),
        ("https://herald.example.com/rescue", True),
    ]


def test_full_text_entries_fetch_nothing() -> None:
    fetcher = FakeFetcher({})
    read_articles([FEEDS / "rss2.xml", FEEDS / "atom.xml"], fetcher=fetcher)
    assert fetcher.calls == []


def test_a_huge_feed_is_capped_newest_first(tmp_path, caplog) -> None:
    feed = tmp_path / "council.xml"
    feed.write_text(long_feed(500), "utf-8")
    with caplog.at_level(logging.WARNING):
        result = read_articles([feed])
    assert len(result.articles) == 50
    assert result.articles[0].title == "Council meeting number 500"
    assert result.articles[-1].title == "Council meeting number 451"
    assert "the feed has 500 entries; reading the newest 50" in caplog.text
    assert len(read_articles([feed], max_feed_entries=3).articles) == 3


def test_a_feed_url_gives_its_entries_with_links_against_its_final_url() -> None:
    feed = rss(
        [
            {
                "title": "Harbour budget approved",
                "link": "/news/budget",
                "date": rfc822(0),
                "content": "<p>" + " ".join(["The harbour budget passed."] * 40) + "</p>",
            }
        ]
    )
    url = "https://herald.example.com/feed"
    fetcher = FakeFetcher(
        {
            url: fetched(
                url, feed, "application/rss+xml", final_url="https://www.herald.example.com/feed/"
            )
        }
    )
    [article] = read_articles([url], fetcher=fetcher).articles
    assert article.url == "https://www.herald.example.com/news/budget"
    assert article.source == f"{url} entry 1"
    assert article.source_name == "Coast Herald"
    assert fetcher.calls == [(url, False)]  # a feed is fetched as a feed, not a page


def test_a_page_url_is_one_article_at_its_final_url() -> None:
    url = "https://herald.example.com/2026/rescue"
    page = article_page("Eleven sailors rescued as cargo ship drifts", PAGE_TEXT)
    fetcher = FakeFetcher({url: fetched(url, page, final_url=url + "?amp=0")})
    [article] = read_articles([url], fetcher=fetcher).articles
    assert article.title == "Eleven sailors rescued as cargo ship drifts"
    assert article.url == url + "?amp=0" and article.source == url
    assert article.source_name == "Coast Herald"
    assert fetcher.calls == [(url, True)]


def test_a_page_in_a_legacy_charset_decodes_by_the_servers_charset() -> None:
    url = "https://sever.example.ru/news/1"
    text = "В Мурманске открылся новый морской вокзал, рассчитанный на тысячу пассажиров в день."
    page = article_page("Новый вокзал", [text] * 3, site="Север").encode("cp1251")
    page = page.replace(b"charset='utf-8'", b"")
    fetcher = FakeFetcher({url: fetched(url, page, charset="windows-1251")})
    [article] = read_articles([url], fetcher=fetcher).articles
    assert article.title == "Новый вокзал" and text in article.text


def test_url_failures_name_the_url_and_the_reason_and_the_rest_goes_on(tmp_path) -> None:
    good = tmp_path / "story.txt"
    good.write_text("Storm warning\n\nA storm is expected tonight on the coast.", "utf-8")
    image = "https://herald.example.com/photo.png"
    fetcher = FakeFetcher(
        {
            image: fetched(image, b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png"),
            "https://down.example.com/": FetchFailed("timed out after 20 s"),
        }
    )
    result = read_articles(
        [image, "https://down.example.com/", "https://herald.example.com/gone", good],
        fetcher=fetcher,
    )
    assert [a.title for a in result.articles] == ["Storm warning"]
    assert [(f.source, f.reason) for f in result.failures] == [
        (image, "not a news feed or an HTML page (content type image/png)"),
        ("https://down.example.com/", "timed out after 20 s"),
        ("https://herald.example.com/gone", "HTTP 404 Not Found"),
    ]


def test_a_url_named_like_a_feed_that_is_a_page_is_asked_for_again_as_a_page() -> None:
    url = "https://herald.example.com/rss"
    page = article_page("Eleven sailors rescued as cargo ship drifts", PAGE_TEXT)
    fetcher = FakeFetcher({url: fetched(url, page)})
    [article] = read_articles([url], fetcher=fetcher).articles
    assert article.text.split("\n\n") == PAGE_TEXT
    assert fetcher.calls == [(url, False), (url, True)]


def test_urls_are_not_fetched_without_a_fetcher() -> None:
    [failure] = read_articles(["https://herald.example.com/"]).failures
    assert failure.reason == "not fetched: --offline is set"


def test_other_url_schemes_and_stdin_twice_are_usage_errors() -> None:
    with pytest.raises(InputError, match=r"ftp://x.example/feed.xml: cannot read ftp:// URLs"):
        read_articles(["ftp://x.example/feed.xml"])
    with pytest.raises(InputError, match="give an http:// or https:// URL"):
        read_articles(["file:///etc/passwd"])
    with pytest.raises(InputError, match=r"standard input\) is named more than once"):
        read_articles(["-", "-"], stdin=io.BytesIO(b"text"))


def test_stdin_jsonl_is_read_as_records() -> None:
    lines = [
        {"id": "a", "title": "First", "text": "The first story is about the harbour."},
        {"title": "Second", "text": "The second story is about the ferry."},
    ]
    stream = io.BytesIO("\n".join(json.dumps(line) for line in lines).encode("utf-8"))
    result = read_articles(["-"], stdin=stream)
    assert [(a.id, a.title, a.source) for a in result.articles] == [
        ("a", "First", "stdin:1"),
        ("stdin-2", "Second", "stdin:2"),
    ]


def test_stdin_text_is_one_article_and_its_size_is_bounded() -> None:
    stream = io.BytesIO(b"Storm warning\n\nA storm is expected tonight.\n")
    [article] = read_articles(["-"], stdin=stream).articles
    assert (article.title, article.source, article.id) == ("Storm warning", "stdin", "stdin")
    [failure] = read_articles(["-"], stdin=io.BytesIO(b"x" * 101), max_bytes=100).failures
    assert failure.source == "stdin" and "larger than the input size limit" in failure.reason
    [failure] = read_articles(["-"], stdin=io.BytesIO(b"  \n")).failures
    assert failure.reason == "nothing on standard input"


def test_inputs_from_lists_paths_relative_to_its_folder_and_urls(tmp_path) -> None:
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "inputs.txt").write_text(
        "# morning sources\n\nnews/\n  https://herald.example.com/feed  \n/abs/story.txt\n-\n",
        "utf-8",
    )
    config = build_run_config({"inputs": ["seeds"], "inputs_from": lists / "inputs.txt"})
    assert config.inputs == (
        "seeds",
        str(lists / "news"),
        "https://herald.example.com/feed",
        "/abs/story.txt",
        "-",
    )
    alone = build_run_config({"inputs_from": lists / "inputs.txt"})
    assert alone.inputs[0] == str(lists / "news")  # not the default seeds/ as well


def test_inputs_from_a_missing_or_empty_file_is_a_usage_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"--inputs-from .*missing\.txt: the file does not exist"):
        build_run_config({"inputs_from": tmp_path / "missing.txt"})
    (tmp_path / "empty.txt").write_text("# nothing yet\n", "utf-8")
    with pytest.raises(ConfigError, match="lists no input"):
        build_run_config({"inputs_from": tmp_path / "empty.txt"})


def test_config_file_inputs_keep_urls_and_make_paths_relative(tmp_path) -> None:
    from summarize.core.config import load_config_file

    (tmp_path / "run.toml").write_text(
        'inputs = ["news", "https://herald.example.com/feed", "-"]\n', "utf-8"
    )
    settings = load_config_file(tmp_path / "run.toml")
    assert settings["inputs"] == [
        str(tmp_path / "news"),
        "https://herald.example.com/feed",
        "-",
    ]


class ContextFetcher(FakeFetcher):
    """A fake that must be entered before use, as the real fetcher (a context manager) is."""

    def __init__(self) -> None:
        super().__init__({})
        self.state = "made"

    def __enter__(self) -> ContextFetcher:
        self.state = "open"
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.state = "closed"


def test_the_runs_fetcher_is_made_on_first_use_and_closed_after(tmp_path) -> None:
    made: list[ContextFetcher] = []

    def make() -> ContextFetcher:
        made.append(ContextFetcher())
        return made[-1]

    lazy = LazyFetcher(make)
    read_articles([FEEDS / "rss2.xml"], fetcher=lazy)
    lazy.close()
    assert made == []  # full-text entries: no fetcher, no HTTP client
    feed = tmp_path / "herald.xml"
    feed.write_text(teaser_feed(), "utf-8")
    read_articles([feed], fetcher=lazy)
    assert len(made) == 1 and made[0].state == "open" and len(made[0].calls) == 3
    lazy.close()
    assert made[0].state == "closed"


def test_the_real_fetcher_keeps_its_state_in_the_cache_and_the_size_limit(
    tmp_path, web_server
) -> None:
    web_server.route("/feed.xml", body="<rss/>", content_type="application/rss+xml", etag='"1"')
    config = build_run_config({"output": tmp_path / "out", "max_input_mb": 3})
    with make_fetcher(config) as fetcher:
        assert fetcher.max_bytes == 3_000_000
        fetcher.fetch(web_server.url("/feed.xml"))
    # The ETag is kept where the run's cache is, for the next run's conditional request.
    assert list((tmp_path / "out" / ".cache" / "web").iterdir())
    with make_fetcher(build_run_config({"output": tmp_path / "b", "no_cache": True})) as fetcher:
        fetcher.fetch(web_server.url("/feed.xml"))
    assert not (tmp_path / "b").exists()


def test_json_python_will_not_read_fails_that_input_only(tmp_path) -> None:
    """A 5,000-digit number or 50,000-deep nesting raised ValueError / RecursionError, which
    stopped the whole run when it came from a URL or standard input."""
    head = '{"version": "https://jsonfeed.org/version/1.1", "items": '
    huge = head + '[], "n": ' + "1" * 5000 + "}"
    deep = head + "[" * 50000 + "]" * 50000 + "}"
    urls = ["https://a.example/feed.json", "https://b.example/feed.json"]
    fetcher = FakeFetcher(
        {
            url: fetched(url, body, "application/feed+json")
            for url, body in zip(urls, [huge, deep], strict=True)
        }
    )
    good = '{"text": "Rain is expected tomorrow across the region."}\n'
    wire = tmp_path / "wire.jsonl"
    wire.write_text(good + '{"text": "x", "n": ' + "1" * 5000 + "}\n", "utf-8")
    piped = io.BytesIO(('{"n": ' + "1" * 5000 + "}\n").encode())
    result = read_articles([*urls, str(wire), "-"], fetcher=fetcher, stdin=piped)
    failed = [failure.source for failure in result.failures]
    assert failed == [*urls, f"{wire}:2"]  # the line, not the file
    # Standard input whose one line is no JSON Python reads is one text article, as any text.
    assert [article.source for article in result.articles] == [f"{wire}:1", "stdin"]


def _one_teaser_feed(tmp_path, link: str, teaser: str = LONG_TEASER):
    feed = tmp_path / "herald.xml"
    feed.write_text(rss([{"title": "Landslide", "link": link, "description": teaser}]), "utf-8")
    return feed


def test_a_feeds_link_to_a_private_address_is_not_fetched(tmp_path) -> None:
    """Untrusted links must not make the run read (and publish) this machine's pages."""
    fetcher = FakeFetcher({})
    for link in ("http://127.0.0.1:8080/admin", "http://169.254.169.254/latest/", "http://[::1]/"):
        (article,) = read_articles([_one_teaser_feed(tmp_path, link)], fetcher=fetcher).articles
        assert article.text == LONG_TEASER
        assert "links to a private network address; not fetched" in article.warnings[0]
    assert fetcher.calls == []


def test_a_page_with_less_text_than_the_teaser_is_not_the_story(tmp_path) -> None:
    """A consent wall answers 200 too: its two lines must not replace the teaser."""
    link = "https://herald.example.com/landslide"
    wall = article_page("Before you continue", ["Please enable JavaScript to continue."])
    fetcher = FakeFetcher({link: fetched(link, wall)})
    (article,) = read_articles([_one_teaser_feed(tmp_path, link)], fetcher=fetcher).articles
    assert (article.title, article.text) == ("Landslide", LONG_TEASER)
    assert "the page has less text than the feed's teaser" in article.warnings[0]


def test_the_entrys_link_is_the_story_not_the_pages_canonical_url(tmp_path) -> None:
    """Pages that name their site's home page as canonical would all be one story."""
    link = "https://herald.example.com/rescue"
    page = article_page("Eleven sailors rescued", PAGE_TEXT).replace(
        "</head>", "<link rel='canonical' href='https://herald.example.com/'></head>"
    )
    fetcher = FakeFetcher({link: fetched(link, page)})
    (article,) = read_articles(
        [_one_teaser_feed(tmp_path, link, "Short.")], fetcher=fetcher
    ).articles
    assert article.url == link and article.text.split("\n\n") == PAGE_TEXT
