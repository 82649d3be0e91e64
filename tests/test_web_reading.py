"""Feeds and pages read over HTTP, through the real fetcher, from a server on 127.0.0.1.

test_feeds reads the same documents through a fake fetcher; here the bytes come over the wire:
a charset only in the XML prolog, a redirect, teaser entries whose pages are fetched (one
missing, one closed to us by robots.txt), and a feed that has not changed since the last run.
"""

from __future__ import annotations

from pathlib import Path

from support.feeds import FEEDS, LONG_TEASER, SHORT_TEASER, article_page, rss

from summarize.inputs import read_articles
from summarize.web import Fetcher

#: Long enough that the page's text, not the teaser, is what gets summarised.
PAGE_TEXT = [
    "The harbour authority opened the new ferry terminal on Monday after three years of work.",
    "It can handle twice as many passengers as the old one, the authority said, and the first "
    "ships to use it arrived from the islands in the morning.",
]


def read(urls: list[str], state: Path):
    with Fetcher(state_folder=state, timeout_s=5, total_timeout_s=10, backoff_s=0.01) as fetcher:
        return read_articles(urls, fetcher=fetcher)


def test_a_legacy_encoded_feed_behind_a_redirect(web_server, tmp_path) -> None:
    # The server names no charset: the XML prolog's windows-1251 is what decodes it.
    web_server.route(
        "/rss", body=(FEEDS / "sever-cp1251.xml").read_bytes(), content_type="application/xml"
    )
    web_server.route("/old-rss", status=301, location="/rss")
    result = read([web_server.url("/old-rss")], tmp_path / "state")
    assert result.articles, result.failures
    assert all(any("\u0400" <= char <= "\u04ff" for char in a.title) for a in result.articles)
    assert not any("Ð" in article.text for article in result.articles)  # no mojibake


def test_teaser_entries_are_read_from_their_pages_as_far_as_the_site_allows(
    web_server, tmp_path
) -> None:
    web_server.route(
        "/robots.txt", body="User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    web_server.route("/ferry", body=article_page("New ferry terminal opens", PAGE_TEXT))
    items = [
        {
            "title": "New ferry terminal opens",
            "link": web_server.url("/ferry"),
            "description": "The terminal opened.",
        },
        {
            "title": "Villages reached after landslide",
            "link": web_server.url("/gone"),
            "description": LONG_TEASER,
        },
        {
            "title": "Harbour festival",
            "link": web_server.url("/private/festival"),
            "description": SHORT_TEASER,
        },
    ]
    web_server.route("/feed.xml", body=rss(items), content_type="application/rss+xml")
    result = read([web_server.url("/feed.xml")], tmp_path / "state")

    by_title = {article.title: article for article in result.articles}
    assert "the first ships to use it arrived" in by_title["New ferry terminal opens"].text
    landslide = by_title["Villages reached after landslide"]
    assert landslide.text.startswith("Rescue teams reached")
    assert any("HTTP 404" in warning for warning in landslide.warnings)
    # robots.txt closes the festival's page, and its teaser is too short to summarise.
    [failure] = result.failures
    assert "Harbour festival" in failure.reason and "robots.txt" in failure.reason
    assert web_server.hits("/private/festival") == 0
    assert web_server.hits("/robots.txt") == 1


def test_an_unchanged_feed_costs_one_304_and_reads_as_before(web_server, tmp_path) -> None:
    body = (FEEDS / "rss2.xml").read_bytes()
    web_server.route("/feed.xml", body=body, content_type="application/rss+xml", etag='"v1"')
    first = read([web_server.url("/feed.xml")], tmp_path / "state")
    again = read([web_server.url("/feed.xml")], tmp_path / "state")
    assert [a.title for a in again.articles] == [a.title for a in first.articles]
    assert [
        request.headers.get("if-none-match") for request in web_server.requests("/feed.xml")
    ] == [
        None,
        '"v1"',
    ]


def test_a_charset_that_is_no_web_encoding_is_ignored(web_server, tmp_path) -> None:
    """Python decodes "punycode" too, in time quadratic in the body: a page that names it
    (or any codec that is no text encoding) is read by its own evidence instead."""
    page = article_page("New ferry terminal opens", PAGE_TEXT)
    web_server.route("/ferry", body=page, content_type="text/html; charset=punycode")
    web_server.route("/rot", body=page, content_type="text/html; charset=rot13")
    result = read([web_server.url("/ferry"), web_server.url("/rot")], tmp_path / "state")
    assert [a.title for a in result.articles] == ["New ferry terminal opens"] * 2
    assert not result.failures
