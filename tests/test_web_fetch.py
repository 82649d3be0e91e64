"""The web fetcher (summarize.web.Fetcher) against a server the test starts on 127.0.0.1:
bodies and charsets, conditional requests, redirects, retries, timeouts, size limits,
robots.txt, per-host concurrency and the reasons every failure gives."""

from __future__ import annotations

import gzip
import inspect
import socket
import time
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import pytest
from support.webserver import Reply, WebServer, closed_port_url

from summarize.web import Fetched, Fetcher, FetchFailed, PageFetcher

#: Settings that keep every test well under a second: tiny back-off, short timeouts.
FAST: dict[str, Any] = {"timeout_s": 2.0, "total_timeout_s": 5.0, "backoff_s": 0.01}


def fetcher(**settings: Any) -> Fetcher:
    return Fetcher(**{"state_folder": None, **FAST, **settings})


def fetch(url: str, *, page: bool = False, **settings: Any) -> Fetched:
    with fetcher(**settings) as client:
        return client.fetch(url, page=page)


def failure(url: str, *, page: bool = False, **settings: Any) -> str:
    """The reason fetching ``url`` fails with."""
    with pytest.raises(FetchFailed) as raised:
        fetch(url, page=page, **settings)
    assert type(raised.value) is FetchFailed or isinstance(raised.value, FetchFailed)
    return str(raised.value)


@pytest.mark.parametrize("method", ["fetch", "fetch_all"])
def test_the_fetcher_has_the_page_fetcher_signatures(method: str) -> None:
    # The input readers are written against PageFetcher; the real one must take the same calls.
    expected = inspect.signature(getattr(PageFetcher, method))
    assert inspect.signature(getattr(Fetcher, method)) == expected


# --- bodies ---


def test_a_200_gives_body_media_type_and_charset(web_server: WebServer) -> None:
    body = "Árvíztűrő tükörfúrógép".encode("iso-8859-2")
    web_server.route("/a", body=body, content_type='Text/HTML; Charset="ISO-8859-2"')

    got = fetch(web_server.url("/a"))

    assert got == Fetched(
        url=web_server.url("/a"),
        final_url=web_server.url("/a"),
        body=body,
        content_type="text/html",
        charset="iso-8859-2",
    )
    [request] = web_server.requests("/a")
    assert request.headers["user-agent"].startswith("summarize/")


def test_no_content_type_gives_none(web_server: WebServer) -> None:
    web_server.route("/a", body="x", content_type=None)
    got = fetch(web_server.url("/a"))
    assert (got.content_type, got.charset) == (None, None)


def test_a_user_agent_given_is_sent(web_server: WebServer) -> None:
    web_server.route("/a", body="x")
    fetch(web_server.url("/a"), user_agent="summarize/1 (+https://example.org/bot)")
    [request] = web_server.requests("/a")
    assert request.headers["user-agent"] == "summarize/1 (+https://example.org/bot)"


# --- conditional requests ---


@pytest.mark.parametrize(
    ("etag", "last_modified"),
    [
        ('"v1"', None),
        (None, "Wed, 02 Dec 2026 08:00:00 GMT"),
        ('"v1"', "Wed, 02 Dec 2026 08:00:00 GMT"),
    ],
    ids=["etag", "last-modified", "both"],
)
def test_an_unchanged_page_costs_one_request_and_gives_the_kept_body(
    web_server: WebServer, tmp_path: Path, etag: str | None, last_modified: str | None
) -> None:
    web_server.route(
        "/feed.xml",
        body="<rss/>",
        content_type="application/rss+xml; charset=utf-8",
        etag=etag,
        last_modified=last_modified,
    )
    url = web_server.url("/feed.xml")
    first = fetch(url, state_folder=tmp_path)

    second = fetch(url, state_folder=tmp_path)  # a later run: a new Fetcher, the same folder

    assert web_server.hits("/feed.xml") == 2
    assert second == Fetched(
        url=url,
        final_url=url,
        body=b"<rss/>",
        content_type="application/rss+xml",
        charset="utf-8",
        not_modified=True,
    )
    assert not first.not_modified
    asked = web_server.requests("/feed.xml")[1].headers
    assert asked.get("if-none-match") == etag
    assert asked.get("if-modified-since") == last_modified


def test_a_changed_page_is_fetched_in_full(web_server: WebServer, tmp_path: Path) -> None:
    url = web_server.url("/a")
    web_server.route("/a", body="old", etag='"v1"')
    fetch(url, state_folder=tmp_path)
    web_server.route("/a", body="new", etag='"v2"')

    got = fetch(url, state_folder=tmp_path)

    assert (got.body, got.not_modified) == (b"new", False)
    assert fetch(url, state_folder=tmp_path).not_modified  # v2 is kept now


def test_without_a_validator_nothing_is_kept(web_server: WebServer, tmp_path: Path) -> None:
    web_server.route("/a", body="x")
    fetch(web_server.url("/a"), state_folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_state_files_are_named_by_a_hash_inside_the_state_folder(
    web_server: WebServer, tmp_path: Path
) -> None:
    web_server.route("/a", body="x", etag='"1"')
    fetch(web_server.url("/a?path=../../etc/passwd"), state_folder=tmp_path / "state")
    [kept] = (tmp_path / "state").iterdir()
    assert (
        kept.suffix == ".json"
        and len(kept.stem) == 40
        and list(tmp_path.iterdir()) == [tmp_path / "state"]
    )


def test_a_state_folder_that_cannot_be_written_costs_only_a_warning(
    web_server: WebServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    web_server.route("/a", body="x", etag='"v1"')
    in_the_way = tmp_path / "state"
    in_the_way.write_text("a file, not a folder")
    assert fetch(web_server.url("/a"), state_folder=in_the_way).body == b"x"
    assert "could not keep the web state file" in caplog.text


@pytest.mark.parametrize(
    "damage",
    [b"\x00garbage", b"[]", b'{"format": 1}', b"", "url-but-bad-body"],
)
def test_a_corrupt_state_file_is_ignored(
    web_server: WebServer, tmp_path: Path, damage: bytes | str
) -> None:
    url = web_server.url("/a")
    web_server.route("/a", body="fresh", etag='"v1"')
    fetch(url, state_folder=tmp_path)
    [kept] = tmp_path.iterdir()
    if damage == "url-but-bad-body":
        damage = f'{{"format": 1, "url": "{url}", "final_url": "{url}", "body": "!!",'
        damage = (damage + ' "etag": "\\"v1\\""}').encode()
    kept.write_bytes(damage)  # type: ignore[arg-type]

    got = fetch(url, state_folder=tmp_path)

    assert (got.body, got.not_modified) == (b"fresh", False)
    assert "if-none-match" not in web_server.requests("/a")[1].headers


def test_a_validator_that_cannot_be_sent_back_is_not_kept(
    web_server: WebServer, tmp_path: Path
) -> None:
    """httpx reads ``ETag: "café"`` but refuses to send it: kept, it stopped every later run."""
    url = web_server.url("/a")
    web_server.route(
        "/a", body="fresh", etag='"café"', last_modified="Sun, 06 Dec 2026 05:00:00 GMT"
    )
    fetch(url, state_folder=tmp_path)
    got = fetch(url, state_folder=tmp_path)  # no UnicodeEncodeError
    assert got.body == b"fresh"
    second = web_server.requests("/a")[1].headers
    assert "if-none-match" not in second
    assert second["if-modified-since"] == "Sun, 06 Dec 2026 05:00:00 GMT"


def test_a_304_with_nothing_kept_is_fetched_again_without_conditions(
    web_server: WebServer,
) -> None:
    web_server.route("/a", replies=[Reply(status=304), Reply(body="full")])
    got = fetch(web_server.url("/a"))
    assert (got.body, got.not_modified) == (b"full", False)
    assert web_server.hits("/a") == 2


# --- redirects ---


def test_a_redirect_is_followed_and_final_url_set(web_server: WebServer) -> None:
    web_server.route("/old", status=301, location="/new")
    web_server.route("/new", body="here")
    got = fetch(web_server.url("/old"))
    assert (got.url, got.final_url, got.body) == (
        web_server.url("/old"),
        web_server.url("/new"),
        b"here",
    )


def test_connections_are_reused_across_requests_and_redirects(web_server: WebServer) -> None:
    web_server.route("/old", status=301, location="/new", body="moved")
    web_server.route("/new", body="here")
    web_server.route("/other", body="there")
    with fetcher() as client:
        client.fetch(web_server.url("/old"))
        client.fetch(web_server.url("/other"))
    ports = {
        r.client_port for path in ("/old", "/new", "/other") for r in web_server.requests(path)
    }
    assert len(ports) == 1


def test_a_redirect_loop_fails(web_server: WebServer) -> None:
    web_server.route("/a", status=302, location="/b")
    web_server.route("/b", status=302, location="/a")
    assert "redirect loop" in failure(web_server.url("/a"))


def test_too_many_redirects_fail(web_server: WebServer) -> None:
    for n in range(7):
        web_server.route(f"/r{n}", status=307, location=f"/r{n + 1}")
    web_server.route("/r7", body="too far")
    assert failure(web_server.url("/r0"), max_redirects=5) == "more than 5 redirects"
    assert web_server.hits("/r6") == 0


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("ftp://127.0.0.1/file", "redirected to a URL that is not http(s) (ftp:)"),
        ("file:///etc/passwd", "redirected to a URL that is not http(s) (file:)"),
        ("javascript:alert(1)", "redirected to an invalid URL"),
    ],
)
def test_a_redirect_to_another_scheme_fails(
    web_server: WebServer, location: str, reason: str
) -> None:
    web_server.route("/a", status=302, location=location)
    assert failure(web_server.url("/a")) == reason


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/a", "file:///etc/passwd", "example.org/a"])
def test_a_url_that_is_not_http_fails(url: str) -> None:
    assert failure(url) == "not an http(s) URL"


def test_a_malformed_url_fails_with_a_reason() -> None:
    assert "URL" in failure("http://[::1/")


# --- statuses and retries ---


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"), (410, "Gone")])
def test_a_client_error_fails_at_once(web_server: WebServer, status: int, reason: str) -> None:
    web_server.route("/a", status=status)
    assert failure(web_server.url("/a")) == f"HTTP {status} {reason}"
    assert web_server.hits("/a") == 1


@pytest.mark.parametrize("retry_after", ["0", "Thu, 01 Jan 2026 00:00:00 GMT"])
def test_a_429_with_retry_after_then_200_succeeds(web_server: WebServer, retry_after: str) -> None:
    web_server.route("/a", replies=[Reply(status=429, retry_after=retry_after), Reply(body="ok")])
    assert fetch(web_server.url("/a")).body == b"ok"
    assert web_server.hits("/a") == 2


def test_a_retry_after_longer_than_the_back_off_is_waited_out(web_server: WebServer) -> None:
    web_server.route("/a", replies=[Reply(status=503, retry_after="1"), Reply(body="ok")])
    started = time.monotonic()
    assert fetch(web_server.url("/a"), backoff_s=0.01).body == b"ok"
    assert time.monotonic() - started >= 1.0


def test_a_retry_after_beyond_the_deadline_fails_without_waiting(web_server: WebServer) -> None:
    web_server.route("/a", status=429, retry_after="3600")
    reason = failure(web_server.url("/a"), total_timeout_s=2.0)
    assert reason.startswith("HTTP 429 Too Many Requests") and "3600 s" in reason
    assert web_server.hits("/a") == 1


def test_429s_fail_after_the_tries(web_server: WebServer) -> None:
    web_server.route("/a", status=429, retry_after="0")
    assert failure(web_server.url("/a"), retries=3) == "HTTP 429 Too Many Requests after 3 tries"


def test_a_server_error_is_tried_again_with_back_off(web_server: WebServer) -> None:
    web_server.route("/a", status=500)
    started = time.monotonic()
    reason = failure(web_server.url("/a"), retries=3, backoff_s=0.05)
    assert reason == "HTTP 500 Internal Server Error after 3 tries"
    assert web_server.hits("/a") == 3
    assert time.monotonic() - started >= 0.05 + 0.1  # waited 0.05 s, then twice that


def test_a_passing_server_error_is_overcome(web_server: WebServer) -> None:
    web_server.route("/a", replies=[Reply(status=503), Reply(status=502), Reply(body="ok")])
    assert fetch(web_server.url("/a"), retries=3).body == b"ok"


# --- time and size limits ---


def test_a_slow_answer_times_out(web_server: WebServer) -> None:
    web_server.route("/a", delay_s=5, body="late")
    assert failure(web_server.url("/a"), timeout_s=0.2, retries=1) == "timed out after 0.2 s"


def test_a_trickled_body_meets_the_total_deadline(web_server: WebServer) -> None:
    web_server.route("/a", body=b"x" * 400, chunk_bytes=10, chunk_delay_s=0.05)
    reason = failure(web_server.url("/a"), timeout_s=1.0, total_timeout_s=0.3, retries=1)
    assert reason == "timed out after 0.3 s"


def test_a_body_said_to_be_too_large_is_not_read(web_server: WebServer) -> None:
    web_server.route("/a", body="small", claimed_length=2_000_001)
    assert failure(web_server.url("/a"), max_bytes=2_000_000) == "larger than 2 MB"


def test_a_streamed_body_too_large_is_cut(web_server: WebServer) -> None:
    web_server.route("/a", body=b"x" * 1_500_000, content_length=False)
    assert failure(web_server.url("/a"), max_bytes=1_000_000) == "larger than 1 MB"


def test_a_body_at_the_limit_is_taken(web_server: WebServer) -> None:
    web_server.route("/a", body=b"x" * 1000, content_length=False)
    assert len(fetch(web_server.url("/a"), max_bytes=1000).body) == 1000


def test_a_gzip_bomb_is_bounded(web_server: WebServer) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)  # ~50 KB on the wire
    web_server.route("/a", body=bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        reason = failure(web_server.url("/a"), max_bytes=1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reason == "larger than 1 MB"
    # Decoding a whole network chunk at once would take tens of MB; bounded, a few MB at most.
    assert peak < 8_000_000


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-zlib.MAX_WBITS)),  # raw, as some send
        ("identity", lambda data: data),
    ],
    ids=["gzip", "deflate-zlib", "deflate-raw", "identity"],
)
def test_an_encoded_body_is_decoded(web_server: WebServer, encoding: str, compress: Any) -> None:
    body = "Новини дня. ".encode() * 500
    web_server.route("/a", body=compress(body), headers={"Content-Encoding": encoding})
    assert fetch(web_server.url("/a")).body == body
    assert web_server.requests("/a")[0].headers["accept-encoding"] == "gzip, deflate"


def test_an_encoding_not_asked_for_fails_with_a_reason(web_server: WebServer) -> None:
    web_server.route("/a", body=b"\x8b\x00", headers={"Content-Encoding": "br"})
    assert failure(web_server.url("/a")) == "the server sent an encoding we did not ask for (br)"


def test_a_damaged_gzip_body_fails_with_a_reason(web_server: WebServer) -> None:
    web_server.route("/a", body=b"not gzip at all", headers={"Content-Encoding": "gzip"})
    assert "gzip body is damaged" in failure(web_server.url("/a"))


# --- connections ---


def test_a_refused_connection_fails_with_the_reason() -> None:
    url = closed_port_url("/feed.xml")
    port = url.split(":")[2].split("/")[0]
    assert failure(url, retries=2) == f"connection refused by 127.0.0.1:{port} (2 tries)"


def test_an_unknown_host_fails_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    # .invalid never resolves (RFC 6761); answered here, so no resolver is ever asked.
    asked = []
    real = socket.getaddrinfo

    def resolver(host: Any, *args: Any, **kwargs: Any) -> Any:
        if str(host).endswith(".invalid"):
            asked.append(host)
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    assert failure("http://name.invalid/feed.xml") == "could not resolve host name.invalid"
    assert asked == ["name.invalid"]  # a name that does not exist is not asked again


def test_a_public_page_cannot_redirect_to_a_private_address(
    web_server: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """news.example stands for a public site (answered here as the test server, so no
    resolver is asked); its redirect to 127.0.0.1 (this machine) is refused, not followed."""
    real = socket.getaddrinfo

    def resolver(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real("127.0.0.1" if host == "news.example" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    web_server.route("/secret", body="router admin")
    web_server.route("/story", status=302, location=web_server.url("/secret"))
    public = f"http://news.example:{web_server.port}/story"
    reason = failure(public)
    assert reason == "redirected to a private network address (127.0.0.1)"
    assert web_server.hits("/secret") == 0
    # A server on this machine may redirect within it: the user pointed at it.
    web_server.route("/local", status=302, location="/secret")
    assert fetch(web_server.url("/local")).body == b"router admin"


# --- robots.txt ---

ROBOTS = "User-agent: *\nDisallow: /private/\n"


def test_robots_txt_disallows_pages_but_not_feeds(web_server: WebServer) -> None:
    web_server.route("/robots.txt", body=ROBOTS, content_type="text/plain")
    web_server.route("/private/story", body="story")
    web_server.route("/private/feed.xml", body="<rss/>")
    web_server.route("/public/story", body="story")
    host = f"127.0.0.1:{web_server.port}"
    with fetcher() as client:
        with pytest.raises(FetchFailed, match=f"^robots.txt of {host} disallows it$"):
            client.fetch(web_server.url("/private/story"), page=True)
        assert client.fetch(web_server.url("/private/feed.xml")).body == b"<rss/>"
        assert client.fetch(web_server.url("/public/story"), page=True).body == b"story"
        urls = [web_server.url(f"/public/story?n={n}") for n in range(6)]
        assert all(isinstance(r, Fetched) for r in client.fetch_all(urls, page=True).values())
    assert web_server.hits("/private/story") == 0
    assert web_server.hits("/robots.txt") == 1  # once per host per run


def test_robots_txt_rules_for_our_token_apply(web_server: WebServer) -> None:
    rules = "User-agent: summarize\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    web_server.route("/robots.txt", body=rules, content_type="text/plain")
    web_server.route("/story", body="story")
    assert "disallows it" in failure(web_server.url("/story"), page=True)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/private/x", False),
        ("/reports/q3.pdf", False),
        ("/reports/q3.pdf.html", True),
        ("/x", True),
    ],
)
def test_robots_txt_is_read_as_rfc_9309_says(
    web_server: WebServer, path: str, allowed: bool
) -> None:
    """The longest match wins and * and $ are wildcards (urllib.robotparser took the first
    matching line, so "Allow: /" let every private page through, and knew no wildcards)."""
    rules = "User-agent: *\nAllow: /\nDisallow: /private\nDisallow: /*.pdf$\n"
    web_server.route("/robots.txt", body=rules, content_type="text/plain")
    web_server.route(path, body="page")
    with Fetcher(state_folder=None) as fetcher:
        if allowed:
            assert fetcher.fetch(web_server.url(path), page=True).body == b"page"
        else:
            with pytest.raises(FetchFailed, match="disallows it"):
                fetcher.fetch(web_server.url(path), page=True)
    assert web_server.hits(path) == (1 if allowed else 0)


def test_robots_txt_is_ignored_when_switched_off(web_server: WebServer) -> None:
    web_server.route("/robots.txt", body="User-agent: *\nDisallow: /\n")
    web_server.route("/story", body="story")
    assert fetch(web_server.url("/story"), page=True, robots=False).body == b"story"
    assert web_server.hits("/robots.txt") == 0


@pytest.mark.parametrize(
    ("status", "allowed"), [(404, True), (410, True), (401, False), (403, False)]
)
def test_a_robots_txt_status_decides(web_server: WebServer, status: int, allowed: bool) -> None:
    web_server.route("/robots.txt", status=status)
    web_server.route("/story", body="story")
    if allowed:
        assert fetch(web_server.url("/story"), page=True).body == b"story"
    else:
        assert f"answered HTTP {status}" in failure(web_server.url("/story"), page=True)


def test_a_robots_txt_server_error_holds_pages_back(web_server: WebServer) -> None:
    web_server.route("/robots.txt", status=503)
    web_server.route("/story", body="story")
    reason = failure(web_server.url("/story"), page=True, retries=2)
    assert reason.startswith(f"robots.txt of 127.0.0.1:{web_server.port} could not be read")
    assert "HTTP 503 Service Unavailable" in reason
    assert web_server.hits("/story") == 0


def test_a_redirect_to_a_disallowed_page_fails(web_server: WebServer) -> None:
    web_server.route("/robots.txt", body=ROBOTS)
    web_server.route("/go", status=302, location="/private/story")
    web_server.route("/private/story", body="story")
    assert "disallows it" in failure(web_server.url("/go"), page=True)
    assert web_server.hits("/private/story") == 0


# --- many URLs ---


def test_fetch_all_keeps_within_the_per_host_limit(web_server: WebServer) -> None:
    web_server.route("/slow", body="x", delay_s=0.1)
    urls = [web_server.url(f"/slow?n={n}") for n in range(6)]
    with fetcher(per_host=2, workers=8) as client:
        results = client.fetch_all(urls)
    assert list(results) == urls
    assert all(isinstance(r, Fetched) and r.body == b"x" for r in results.values())
    assert web_server.max_concurrent("/slow") == 2


def test_fetch_all_gives_each_url_its_result_or_failure(web_server: WebServer) -> None:
    web_server.route("/ok", body="ok")
    web_server.route("/gone", status=410)
    ok, gone, bad = web_server.url("/ok"), web_server.url("/gone"), "ftp://127.0.0.1/x"
    with fetcher() as client:
        results = client.fetch_all([ok, gone, bad, ok])
    assert list(results) == [ok, gone, bad]
    assert isinstance(results[ok], Fetched)
    assert [str(results[u]) for u in (gone, bad)] == ["HTTP 410 Gone", "not an http(s) URL"]
    assert type(results[gone]) is FetchFailed
