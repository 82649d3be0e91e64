"""Tests for the input stage: every format, encodings, failures, ordering, ids and slugs."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from summarize.core.errors import InputError
from summarize.core.records import Article
from summarize.inputs import SUPPORTED_SUFFIXES, ReadResult, markdown, read_articles

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_e00430f6aadd4455.txt"

BODY_ONE = (
    "Hungarian Prime Minister Viktor Orban visited Beijing on Monday to meet Chinese leader "
    "Xi Jinping, days after trips to Moscow and Kyiv."
)
BODY_TWO = (
    "The two leaders discussed issues of common concern at the Diaoyutai State Guesthouse, "
    "according to China's Foreign Ministry, which gave few details."
)


def write(path: Path, content: str | bytes) -> Path:
    """Write ``content`` (UTF-8 for text, exactly for bytes), making parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def read_one(path: Path) -> Article:
    """Read a single file that must give exactly one article and no failure."""
    result = read_articles([path])
    assert result.failures == ()
    assert len(result.articles) == 1
    return result.articles[0]


def only_failure(path: Path) -> str:
    """Read a single file that must fail; return the reason."""
    result = read_articles([path])
    assert result.articles == ()
    assert len(result.failures) == 1
    assert result.failures[0].source == str(path)
    return result.failures[0].reason


# --- public API ------------------------------------------------------------------------------


def test_public_api_shape() -> None:
    assert {".txt", ".md", ".markdown", ".html", ".htm", ".jsonl"} == SUPPORTED_SUFFIXES
    result = read_articles([])
    assert result == ReadResult(articles=(), failures=())
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.articles = ()  # type: ignore[misc]


def test_import_is_cheap_and_model_free() -> None:
    code = (
        "import sys, summarize.inputs; "
        "heavy = {'torch', 'transformers', 'trafilatura'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_empty_folder_is_not_an_error(tmp_path: Path) -> None:
    assert read_articles([tmp_path]) == ReadResult(articles=(), failures=())


def test_missing_path_raises_input_error_naming_it(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", BODY_ONE)
    missing = tmp_path / "nope" / "missing.txt"
    with pytest.raises(InputError, match=re.escape(str(missing))) as info:
        read_articles([good, missing])
    assert info.value.exit_code == 2


# --- plain text ------------------------------------------------------------------------------


def test_txt_with_headline_and_blank_line(tmp_path: Path) -> None:
    path = write(tmp_path / "story.txt", f"Orban visits Beijing\n\n{BODY_ONE}\n\n{BODY_TWO}\n")
    article = read_one(path)
    assert article.title == "Orban visits Beijing"
    assert article.text == f"{BODY_ONE}\n\n{BODY_TWO}"
    assert article.id == "story"
    assert article.slug == "story"
    assert article.source == str(path)
    assert article.url is None and article.published is None
    assert article.warnings == ()


def test_txt_headline_directly_followed_by_body(tmp_path: Path) -> None:
    article = read_one(write(tmp_path / "s.txt", f"Talks in Beijing (video)\n{BODY_ONE}\n"))
    assert article.title == "Talks in Beijing (video)"
    assert article.text == BODY_ONE


@pytest.mark.parametrize(
    "first_line",
    [
        "Orban visited Beijing on Monday.",
        'He said: "We will not give up."',
        "Is this the end?",
        "Era una notte buia e tempestosa…",
        "中国外交部表示会谈富有成果。",
        "Among those present were:",
        " ".join(["word"] * 21),
    ],
)
def test_txt_first_line_that_is_not_a_headline(tmp_path: Path, first_line: str) -> None:
    article = read_one(write(tmp_path / "s.txt", f"{first_line}\n\n{BODY_TWO}\n"))
    assert article.text == f"{first_line}\n\n{BODY_TWO}"
    assert article.title == first_line  # derived from the first sentence (all short here)


def test_txt_collapses_blank_lines_and_trailing_whitespace(tmp_path: Path) -> None:
    content = (
        "\n\n  Headline here  \n\n\n\n\nPara one.   \nstill para one.\t\n \n\t\n\nPara two. \n\n\n"
    )
    article = read_one(write(tmp_path / "s.txt", content))
    assert article.title == "Headline here"
    assert article.text == "Para one.\nstill para one.\n\nPara two."


def test_seed_article_has_no_headline(tmp_path: Path) -> None:
    article = read_one(SEED)
    assert article.title == (
        "Hungarian Prime Minister Viktor Orban recently visited Beijing to meet with "
        "Chinese leader Xi Jinping."
    )
    assert article.id == "000_e00430f6aadd4455"
    assert article.slug == "000-e00430f6aadd4455"
    assert article.text.startswith("Hungarian Prime Minister Viktor Orban recently visited")
    # One paragraph per line in the file; paragraphs are separated by one blank line.
    lines = [line for line in SEED.read_text("utf-8").splitlines() if line.strip()]
    assert article.text.split("\n\n") == [line.rstrip() for line in lines]
    assert "\n\n\n" not in article.text


def test_single_long_line_has_no_headline_and_title_is_shortened(tmp_path: Path) -> None:
    sentence = (
        "In a long-awaited decision that surprised many observers in the capital and abroad, "
        "the constitutional court ruled on Tuesday that the contested election law must be "
        "rewritten before the next vote"
    )
    content = f"{sentence}. {BODY_TWO}"
    article = read_one(write(tmp_path / "oneline.txt", content))
    assert article.text == content
    assert article.title.endswith("…")
    assert len(article.title) <= 120
    stem = article.title[:-1]
    assert sentence.startswith(stem)
    assert sentence[len(stem)] == " "  # cut at a word boundary


def test_short_single_line_without_newline_is_body(tmp_path: Path) -> None:
    article = read_one(write(tmp_path / "short.txt", "Breaking news from Budapest"))
    assert article.text == "Breaking news from Budapest"
    assert article.title == "Breaking news from Budapest"


def test_headline_with_no_body_is_a_failure_but_a_lone_line_is_text(tmp_path: Path) -> None:
    # A headline is followed by a blank line or the body; a blank line and nothing more
    # means the body is missing (reported, not silently summarised from the headline).
    result = read_articles([write(tmp_path / "h.txt", "Just a headline\n\n\n")])
    assert result.articles == ()
    assert [f.reason for f in result.failures] == ["headline but no body text"]
    # One short line with no blank line after it is the article itself.
    article = read_one(write(tmp_path / "one.txt", "Just a headline\n"))
    assert article.text == "Just a headline"


# --- Markdown --------------------------------------------------------------------------------

MARKDOWN = """\
---
title: "Orban's peace mission"
date: 2024-07-08
url: https://example.com/orban
tags:
  - politics
---

Intro paragraph with *emphasis*, **strong** text and a [link to the ministry](https://mfa.example).
It continues on a second source line.

# Orban visits Beijing

## Background

- first point with `inline code`
- second point
  1. nested ordered item

> A quoted statement from the ministry.

![Orban and Xi shake hands](photo.jpg)

<div class="ad">BUY NOW advertisement</div>

```
code block line
```
"""


def test_markdown_front_matter_lists_links_and_inline_formatting(tmp_path: Path) -> None:
    article = read_one(write(tmp_path / "post.md", MARKDOWN))
    assert article.title == "Orban's peace mission"
    assert article.published == "2024-07-08"
    assert article.url == "https://example.com/orban"
    assert article.text == (
        "Intro paragraph with emphasis, strong text and a link to the ministry. "
        "It continues on a second source line.\n\n"
        "Orban visits Beijing\n\n"
        "Background\n\n"
        "- first point with inline code\n"
        "- second point\n"
        "  1. nested ordered item\n\n"
        "A quoted statement from the ministry.\n\n"
        "Orban and Xi shake hands\n\n"
        "code block line"
    )
    for absent in ("---", "tags", "politics", "BUY NOW", "https://mfa.example", "*", "#", "`"):
        assert absent not in article.text


def test_markdown_atx_heading_is_headline_and_removed(tmp_path: Path) -> None:
    content = f"# Orban *visits* Beijing\n\n{BODY_ONE}\n\n## Reaction\n\n{BODY_TWO}\n"
    article = read_one(write(tmp_path / "a.markdown", content))
    assert article.title == "Orban visits Beijing"
    assert article.text == f"{BODY_ONE}\n\nReaction\n\n{BODY_TWO}"
    assert article.id == "a"


def test_markdown_setext_heading_is_headline(tmp_path: Path) -> None:
    content = (
        f"Orban visits Beijing\n====================\n\n{BODY_ONE}\n\nSub\n---\n\n{BODY_TWO}\n"
    )
    article = read_one(write(tmp_path / "s.md", content))
    assert article.title == "Orban visits Beijing"
    assert article.text == f"{BODY_ONE}\n\nSub\n\n{BODY_TWO}"


def test_markdown_without_heading_derives_title(tmp_path: Path) -> None:
    article = read_one(write(tmp_path / "n.md", f"Orban went to China. {BODY_ONE}\n\n{BODY_TWO}\n"))
    assert article.title == "Orban went to China."
    assert article.text == f"Orban went to China. {BODY_ONE}\n\n{BODY_TWO}"


def test_markdown_front_matter_without_closing_fence_is_text(tmp_path: Path) -> None:
    article = read_one(write(tmp_path / "x.md", f"---\n{BODY_ONE}\n"))
    assert article.text == BODY_ONE


def test_markdown_headline_without_body_fails(tmp_path: Path) -> None:
    reason = only_failure(write(tmp_path / "h.md", "# Only a headline\n\n<div>x</div>\n"))
    assert "no body text" in reason


# --- HTML ------------------------------------------------------------------------------------

HTML_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Orban visits Beijing | Example News</title>
<link rel="canonical" href="https://news.example.com/world/orban-beijing">
<meta property="article:published_time" content="2024-07-08T09:30:00+00:00">
<style>.nav {{ color: red; }} body {{ font-family: STYLE_RULE_TEXT; }}</style>
<script>var tracking = "SCRIPT_SECRET_TEXT";</script>
</head><body>
<header><div class="logo">EXAMPLE NEWS MASTHEAD</div></header>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">NAVIGATION_WORLD_LINK</a></li></ul></nav>
<main><article>
<h1>Orban visits Beijing</h1>
<p>{BODY_ONE}</p>
<p>{BODY_TWO}</p>
<p>Orban has called his travels a peace mission, though European Union leaders criticised
them as unauthorised and warned that he does not speak for the bloc.</p>
<script>document.write("INLINE_SCRIPT_TEXT");</script>
</article></main>
<footer><p>FOOTER_COPYRIGHT_TEXT 2024 Example News. All rights reserved.</p></footer>
</body></html>
"""


def test_html_article_without_boilerplate(tmp_path: Path) -> None:
    article = read_one(write(tmp_path / "page.html", HTML_PAGE))
    assert article.title == "Orban visits Beijing"
    assert article.text.startswith(BODY_ONE)
    assert BODY_TWO in article.text
    assert "peace mission" in article.text
    assert "\n\n" in article.text
    for boilerplate in (
        "SCRIPT_SECRET_TEXT",
        "INLINE_SCRIPT_TEXT",
        "STYLE_RULE_TEXT",
        "EXAMPLE NEWS MASTHEAD",
        "NAVIGATION_WORLD_LINK",
        "FOOTER_COPYRIGHT_TEXT",
        "Orban visits Beijing",  # the headline is not repeated in the body
    ):
        assert boilerplate not in article.text
    assert article.url == "https://news.example.com/world/orban-beijing"
    assert article.published is not None and article.published.startswith("2024-07-08")


def test_html_fallback_when_trafilatura_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    article = read_one(write(tmp_path / "page.htm", HTML_PAGE))
    assert article.title == "Orban visits Beijing"  # from <h1>
    assert article.text.split("\n\n")[:2] == [BODY_ONE, BODY_TWO]
    for boilerplate in ("SCRIPT", "STYLE_RULE", "MASTHEAD", "NAVIGATION", "FOOTER", "Home"):
        assert boilerplate not in article.text


def test_html_title_falls_back_to_title_element(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    page = f"<html><head><title>Page title</title></head><body><p>{BODY_ONE}</p></body></html>"
    article = read_one(write(tmp_path / "t.html", page))
    assert article.title == "Page title"
    assert article.text == BODY_ONE


def test_tiny_html_page_still_gives_text(tmp_path: Path) -> None:
    article = read_one(write(tmp_path / "tiny.html", "<html><body><p>Tiny page.</p></body></html>"))
    assert article.text == "Tiny page."


def test_html_declared_legacy_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        "</head><body><h1>Élections</h1><p>Le président a déclaré que l’hôtel était fermé "
        "pendant l’été, à cause des grèves.</p></body></html>"
    )
    article = read_one(write(tmp_path / "fr.html", page.encode("cp1252")))
    assert "Le président a déclaré que l’hôtel était fermé" in article.text
    assert article.title == "Élections"


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><script>var x = 1;</script><style>p {}</style></head><body></body></html>",
        "<html><body><script>document.write('hi')</script><footer></footer></body></html>",
        "<html><body>   </body></html>",
        "<p></p>",
    ],
)
def test_html_without_article_text_fails(tmp_path: Path, page: str) -> None:
    assert only_failure(write(tmp_path / "empty.html", page)) == "no article text found in the page"


# --- JSONL -----------------------------------------------------------------------------------


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 42, "title": "Orban visits Beijing", "text": BODY_ONE, "url": "u1"}),
        json.dumps({"text": f"{BODY_TWO}\r\nSecond line.", "published": "2024-07-08"}),
        "{not json",
        json.dumps({"title": "no text here"}),
        "",
        "   ",
        json.dumps(["a", "list"]),
        json.dumps({"text": "   "}),
        json.dumps({"text": 12}),
        json.dumps({"id": "last", "text": "Last one."}),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    result = read_articles([path])

    assert [a.id for a in result.articles] == ["42", "feed-2", "last"]
    first, second, last = result.articles
    assert first.title == "Orban visits Beijing"
    assert first.text == BODY_ONE
    assert first.url == "u1"
    assert first.source == f"{path}:1"
    # Derived from the first sentence, which is too long for a title: cut at a word, with "…".
    assert second.title == (
        "The two leaders discussed issues of common concern at the Diaoyutai State Guesthouse, "
        "according to China's Foreign…"
    )
    assert second.text == f"{BODY_TWO}\n\nSecond line."
    assert second.published == "2024-07-08"
    assert second.source == f"{path}:2"
    assert last.source == f"{path}:10"

    failures = {f.source: f.reason for f in result.failures}
    assert failures == {
        f"{path}:3": failures[f"{path}:3"],
        f"{path}:4": "line 4: record has no 'text'",
        f"{path}:7": "line 7: expected a JSON object, got list",
        f"{path}:8": "line 8: 'text' is empty",
        f"{path}:9": "line 9: 'text' must be a string, got int",
    }
    assert failures[f"{path}:3"].startswith("line 3: invalid JSON (")


def test_jsonl_in_folder_uses_relative_id(tmp_path: Path) -> None:
    write(tmp_path / "in" / "feeds" / "daily.jsonl", json.dumps({"text": BODY_ONE}) + "\n")
    (article,) = read_articles([tmp_path / "in"]).articles
    assert article.id == "feeds/daily-1"
    # The page is named by the file's stem, not the folder it was found in (#20).
    assert article.slug == "daily-1"


def test_excluded_folders_are_skipped_but_a_file_named_in_them_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "in" / "story.txt", BODY_ONE)
    write(tmp_path / "in" / "out" / "index.html", f"<h1>Briefing</h1><p>{BODY_TWO}</p>")
    write(tmp_path / "in" / "out" / "results.jsonl", json.dumps({"text": BODY_TWO}) + "\n")
    write(tmp_path / "in" / "cache" / "note.txt", BODY_TWO)
    named = write(tmp_path / "in" / "out" / "again.txt", BODY_TWO)
    monkeypatch.chdir(tmp_path)
    # Relative, absolute and dotted spellings of the same folders are all the same folder.
    result = read_articles(
        [Path("in"), named], exclude=[Path("./in/out"), tmp_path / "in" / "x" / ".." / "cache"]
    )
    assert [a.id for a in result.articles] == ["story", "again"]
    assert result.failures == ()


def test_empty_jsonl_fails(tmp_path: Path) -> None:
    assert only_failure(write(tmp_path / "e.jsonl", "\n\n  \n")).startswith("empty file")


# --- encodings and damaged files -------------------------------------------------------------


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    content = f"Árvíztűrő tükörfúrógép\r\n\r\n{BODY_ONE}\r\n\r\n\r\n{BODY_TWO}\rLast.\r\n"
    article = read_one(write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + content.encode("utf-8")))
    assert article.title == "Árvíztűrő tükörfúrógép"
    assert article.text == f"{BODY_ONE}\n\n{BODY_TWO}\nLast."
    assert "\r" not in article.text and "\ufeff" not in article.title
    assert article.warnings == ()


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_legacy_western_encoding_is_guessed_and_reported(
    tmp_path: Path, encoding: str, caplog: pytest.LogCaptureFixture
) -> None:
    quote = "«crème brûlée»" if encoding == "latin-1" else "“crème brûlée”"
    content = (
        "Élections à Genève\n\n"
        "Le président a déclaré que les élèves étaient très sûrs d'eux. "
        f"Le café servait une {quote} à la carte, même pendant l'été, "
        "où il faisait très chaud au bord du lac.\n"
    )
    with caplog.at_level(logging.WARNING, logger="summarize.inputs"):
        article = read_one(write(tmp_path / "fr.txt", content.encode(encoding)))
    assert article.title == "Élections à Genève"
    assert article.text == content.split("\n\n", 1)[1].rstrip()
    assert article.warnings == ("decoded as windows-1252 (guessed)",)
    assert "decoded as windows-1252 (guessed)" in caplog.text


def test_central_european_encoding_is_not_forced_to_western(tmp_path: Path) -> None:
    content = (
        "Árvíztűrő tükörfúrógép. A magyar miniszterelnök Pekingben járt, ahol Hszi Csin-ping "
        "kínai elnökkel tárgyalt a békéről és a gazdasági együttműködésről."
    )
    article = read_one(write(tmp_path / "hu.txt", content.encode("cp1250")))
    assert article.text == content
    assert article.warnings == ("decoded as windows-1250 (guessed)",)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(tmp_path: Path, encoding: str) -> None:
    content = f"北京 summit\r\n\r\n{BODY_ONE} 中国外交部表示。\r\n"
    data = content.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    article = read_one(write(tmp_path / "w.txt", data))
    assert article.title == "北京 summit"
    assert article.text == f"{BODY_ONE} 中国外交部表示。"
    assert article.warnings == ()


def test_utf16_without_bom_is_recognised(tmp_path: Path) -> None:
    article = read_one(write(tmp_path / "w.txt", f"Headline\n\n{BODY_ONE}".encode("utf-16-le")))
    assert article.title == "Headline"
    assert article.text == BODY_ONE
    assert article.warnings == ("decoded as UTF-16-LE without byte-order mark (guessed)",)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 8,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(2000),
        b"\x7fELF\x02\x01\x01" + bytes(64) + b"some strings\x00in a binary\x00" * 4 + bytes(500),
    ],
    ids=["all-bytes", "png", "elf"],
)
def test_binary_file_with_txt_suffix_fails(tmp_path: Path, data: bytes) -> None:
    assert "binary" in only_failure(write(tmp_path / "image.txt", data))


def test_empty_and_whitespace_files_fail(tmp_path: Path) -> None:
    assert only_failure(write(tmp_path / "empty.txt", b"")) == "empty file"
    assert only_failure(write(tmp_path / "blank.md", " \n\t\r\n ")).startswith("empty file")


def test_nul_and_control_characters_are_dropped_with_warning(tmp_path: Path) -> None:
    content = f"Head\x00line\n\n{BODY_ONE}\x07\x1b\x00\n\nCafe\u0301 page\x0cbreak"
    article = read_one(write(tmp_path / "n.txt", content))
    assert article.title == "Headline"
    assert article.text == f"{BODY_ONE}\n\nCafé page\nbreak"  # NFC; form feed -> newline
    assert article.warnings == ("dropped 2 NUL bytes from the file",)


def test_bidi_overrides_are_dropped_from_titles_but_rtl_text_stays(tmp_path: Path) -> None:
    # An unclosed right-to-left override would reverse the rest of the contents list's line.
    article = read_one(write(tmp_path / "b.txt", f"Budget \u202evote\u2066 delayed\n\n{BODY_ONE}"))
    assert article.title == "Budget vote delayed"
    hebrew = read_one(write(tmp_path / "h.txt", f"\u05e9\u05dc\u05d5\u05dd world\n\n{BODY_ONE}"))
    assert hebrew.title == "\u05e9\u05dc\u05d5\u05dd world"
    # A headline of controls only is no headline: the title comes from the text.
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"title": "\u202e\u202e", "text": BODY_ONE}) + "\n", "utf-8")
    assert read_one(records).title == read_one(write(tmp_path / "plain.txt", BODY_ONE)).title


@pytest.mark.parametrize(
    "headline",
    ["\u200b\u200b", "\ufeff \u2060", "\u3164\u3164", "\u00ad\u200d", "\u115f\u1160 \uffa0"],
)
def test_headline_of_invisible_characters_is_no_headline(tmp_path: Path, headline: str) -> None:
    # Zero-width spaces, joiners, soft hyphens and Hangul fillers render as nothing: the
    # contents list would hold a link with no visible text to click or read aloud.
    records = tmp_path / "r.jsonl"
    records.write_text(json.dumps({"title": headline, "text": BODY_ONE}) + "\n", "utf-8")
    assert read_one(records).title == read_one(write(tmp_path / "plain.txt", BODY_ONE)).title
    # Visible text around them keeps the headline as written.
    records.write_text(json.dumps({"title": f"Vote{headline}", "text": BODY_ONE}) + "\n", "utf-8")
    assert read_one(records).title.startswith("Vote")


def test_text_without_words_is_a_failure_not_an_article(tmp_path: Path) -> None:
    write(tmp_path / "bang.txt", "!!!")
    write(tmp_path / "lt.html", "<")
    (tmp_path / "r.jsonl").write_text(json.dumps({"text": "-- * --"}) + "\n", "utf-8")
    write(tmp_path / "ok.txt", BODY_ONE)
    result = read_articles([tmp_path])
    assert [article.id for article in result.articles] == ["ok"]
    assert sorted(Path(failure.source).name for failure in result.failures) == [
        "bang.txt",
        "lt.html",
        "r.jsonl:1",
    ]
    assert all("no words" in failure.reason for failure in result.failures)


def test_html_that_yields_nothing_logs_nothing_from_trafilatura(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # trafilatura logs "empty HTML tree: None" at ERROR, naming no file; the failure says it.
    page = write(tmp_path / "c.html", "<!-- only a comment -->")
    with caplog.at_level(logging.DEBUG):
        result = read_articles([page])
    assert [failure.reason for failure in result.failures] == ["no article text found in the page"]
    assert not [record for record in caplog.records if record.name.startswith("trafilatura")]


def test_an_inline_image_gives_no_publication_date(tmp_path: Path) -> None:
    # trafilatura's date search read "1996" inside base64 data as a year (1996-01-01).
    image = "QUJD" * 500 + "1996rAzK7EDzQJ" + "QUJD" * 500
    page = (
        "<!doctype html><html><head><title>Council vote</title></head><body><article>"
        f"<h1>Council vote</h1><p>{BODY_ONE}</p>"
        f'<p><img src="data:image/png;base64,{image}"> {BODY_TWO}</p></article></body></html>'
    )
    article = read_one(write(tmp_path / "page.html", page))
    assert article.published is None
    assert article.title == "Council vote" and BODY_TWO in article.text


def test_unreadable_file_becomes_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "locked.txt", BODY_ONE)
    ok = write(tmp_path / "ok.txt", BODY_TWO)
    original = os.open

    def open_file(file: str | os.PathLike[str], flags: int, *args: int) -> int:
        if Path(file).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(file))
        return original(file, flags, *args)

    # Root may read any file, so the refusal is simulated where the file is opened.
    monkeypatch.setattr(os, "open", open_file)
    result = read_articles([path, ok])
    assert [a.text for a in result.articles] == [BODY_TWO]
    assert [(f.source, f.reason) for f in result.failures] == [
        (str(path), "cannot read file (Permission denied)")
    ]


def test_unexpected_parser_error_does_not_stop_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser exploded")

    monkeypatch.setattr(markdown, "markdown_blocks", boom)
    bad = write(tmp_path / "a.md", "# Title\n\nText.")
    good = write(tmp_path / "b.txt", BODY_ONE)
    result = read_articles([bad, good])
    assert [a.id for a in result.articles] == ["b"]
    assert result.failures[0].source == str(bad)
    assert "parser exploded" in result.failures[0].reason


# --- folders, order, ids and slugs -----------------------------------------------------------


def test_folder_order_hidden_and_unsupported_files(tmp_path: Path) -> None:
    root = tmp_path / "news"
    for rel in ["b.txt", "B.txt", "a/z.md", "a.txt", "a/b/c.HTML", "c.jsonl", "_x.markdown"]:
        if rel.endswith(".jsonl"):
            write(root / rel, json.dumps({"text": f"Text of {rel}."}) + "\n")
        elif rel.lower().endswith(".html"):
            write(root / rel, f"<html><body><p>Text of {rel}.</p></body></html>")
        else:
            write(root / rel, f"Text of {rel}.")
    write(root / ".hidden.txt", "hidden file")
    write(root / ".git" / "note.txt", "hidden folder")
    write(root / "a" / ".cache" / "deep.md", "hidden folder")
    write(root / "notes.docx", "unsupported")
    write(root / "README", "no suffix")

    result = read_articles([root])
    assert result.failures == ()
    # Sorted by relative POSIX path, case-sensitive ("B" < "_" < "a"; "a.txt" < "a/...").
    assert [a.id for a in result.articles] == [
        "B",
        "_x",
        "a",
        "a/b/c",
        "a/z",
        "b",
        "c-1",
    ]
    assert [a.source for a in result.articles][:2] == [
        str(root / "B.txt"),
        str(root / "_x.markdown"),
    ]
    assert all("hidden" not in a.text for a in result.articles)
    assert read_articles([root]) == result  # stable


def test_duplicate_stems_in_subfolders_get_distinct_ids_and_slugs(tmp_path: Path) -> None:
    write(tmp_path / "in" / "a" / "story.txt", BODY_ONE)
    write(tmp_path / "in" / "b" / "story.txt", BODY_TWO)
    articles = read_articles([tmp_path / "in"]).articles
    assert [a.id for a in articles] == ["a/story", "b/story"]
    # Slugs come from the file's stem; the two "story" pages are told apart by a digest of
    # their text, not by the folder (#20).
    assert all(re.fullmatch(r"story-[0-9a-f]{8}", a.slug) for a in articles)
    assert len({a.slug for a in articles}) == 2


def test_repeated_ids_get_suffixes_and_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    one = write(tmp_path / "a" / "story.txt", BODY_ONE)
    two = write(tmp_path / "b" / "story.txt", BODY_TWO)
    feed = write(
        tmp_path / "feed.jsonl",
        "\n".join(json.dumps({"id": "story", "text": t}) for t in ("X.", "Y.")),
    )
    with caplog.at_level(logging.WARNING, logger="summarize.inputs"):
        articles = read_articles([one, two, feed]).articles
    assert [a.id for a in articles] == ["story", "story~2", "story~3", "story~4"]
    assert len({a.slug for a in articles}) == 4
    assert articles[0].warnings == ()
    assert "'story' was already used; renamed to 'story~2'" in articles[1].warnings[0]
    assert "renamed to 'story~4'" in caplog.text


def test_file_given_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path / "in" / "story.txt", BODY_ONE)
    result = read_articles([tmp_path / "in", path, tmp_path / "in"])
    assert [a.id for a in result.articles] == ["story"]


def test_explicit_file_with_other_suffix_read_as_text(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "notes.text", f"Notes headline\n\n{BODY_ONE}\n")
    with caplog.at_level(logging.WARNING, logger="summarize.inputs"):
        article = read_one(path)
    assert (article.id, article.title, article.text) == ("notes", "Notes headline", BODY_ONE)
    assert "plain text" in caplog.text


DANGEROUS_IDS = [
    "../../etc/passwd",
    "..\\..\\windows\\system32",
    "CON",
    "con",
    "Lpt1",
    "aux",
    "index",
    "INDEX",
    "results",
    "run",
    "北京",
    "Árvíztűrő tükörfúrógép",
    "",
    "...",
    "/",
    ".hidden",
    "a/story",
    "a-story",
    "A Story",
    "x" * 300,
    "x" * 301,
    "about",
]


def test_dangerous_ids_give_safe_unique_slugs(tmp_path: Path) -> None:
    records = [json.dumps({"id": i, "text": f"Text {n}."}) for n, i in enumerate(DANGEROUS_IDS)]
    feed = write(tmp_path / "feed.jsonl", "\n".join(records))
    result = read_articles([feed])
    assert result.failures == ()
    slugs = [a.slug for a in result.articles]
    assert len(set(slugs)) == len(slugs)
    reserved = {"con", "prn", "aux", "nul", "index", "about", "results", "run"}
    reserved |= {f"com{n}" for n in range(10)} | {f"lpt{n}" for n in range(10)}
    out = tmp_path / "out"
    for slug in slugs:
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug), slug
        assert len(slug) <= 60
        assert slug not in reserved
        assert (out / f"{slug}.html").resolve().parent == out.resolve()
    by_id = {a.id: a.slug for a in result.articles}
    assert by_id["北京"] == "bei-jing"
    assert by_id["Árvíztűrő tükörfúrógép"] == "arvizturo-tukorfurogep"
    assert by_id["../../etc/passwd"] == "etc-passwd"
    assert re.fullmatch(r"con-[0-9a-f]{8}", by_id["CON"])
    assert re.fullmatch(r"index-[0-9a-f]{8}", by_id["index"])
    assert re.fullmatch(r"about-[0-9a-f]{8}", by_id["about"])
    assert re.fullmatch(r"article-[0-9a-f]{8}", by_id["..."])
    # A record's own id names its page; two ids with one slug both get a digest (#20).
    assert re.fullmatch(r"a-story-[0-9a-f]{8}", by_id["a/story"])
    assert re.fullmatch(r"a-story-[0-9a-f]{8}", by_id["a-story"])
    # An empty id is no id: the record gets the file-based one.
    assert by_id["feed-13"] == "feed-13"


def test_markdown_front_matter_title_and_leading_heading(tmp_path: Path) -> None:
    content = (
        "---\ntitle: 'From front matter'\npublished: 2024-07-09T10:00:00Z\n---\n"
        f"# Same story, as a heading\n\n{BODY_ONE}\n\n# A later section\n\n{BODY_TWO}\n"
    )
    article = read_one(write(tmp_path / "fm.md", content))
    assert article.title == "From front matter"
    assert article.published == "2024-07-09T10:00:00Z"
    assert article.url is None
    assert article.text == f"{BODY_ONE}\n\nA later section\n\n{BODY_TWO}"


def test_derived_title_of_unspaced_script_is_cut_hard(tmp_path: Path) -> None:
    sentence = "中国外交部表示" * 30 + "。"
    article = read_one(write(tmp_path / "zh.txt", sentence + "第二句话在这里！"))
    assert len(article.title) == 120
    assert article.title == sentence[:119] + "…"


def test_undecodable_file_names_and_escaped_surrogates_become_replacement_characters(
    tmp_path: Path,
) -> None:
    # A Latin-1 file name on a UTF-8 system reaches Python as a lone surrogate ("caf\udce9"),
    # and JSON may escape one ("\ud800"). Neither can be written as UTF-8: the pages,
    # results.jsonl and run.json would fail to write after all the work, so every field
    # shows U+FFFD instead.
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "ok.txt").write_text(BODY_ONE, encoding="utf-8")
    latin1 = folder / "caf\udce9.txt"  # b"caf\xe9.txt" on disk
    try:
        latin1.write_text(BODY_TWO, encoding="utf-8")
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system does not take undecodable file names")
    (folder / "empty\udcff.txt").write_bytes(b"")
    record = {
        "id": "wire\ud800",
        "title": "Head\udc00line",
        "text": f"{BODY_ONE} \ud83d",
        "url": "https://example.com/\udfff",
        "published": "2024\ud800",
    }
    (folder / "wire.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = read_articles([folder])
    fields = [
        value
        for article in result.articles
        for value in dataclasses.astuple(article)
        if isinstance(value, str)
    ] + [value for failure in result.failures for value in dataclasses.astuple(failure)]
    for value in fields:
        value.encode("utf-8")  # no lone surrogate left anywhere
    by_id = {article.id: article for article in result.articles}
    assert set(by_id) == {"caf\ufffd", "ok", "wire\ufffd"}
    assert by_id["caf\ufffd"].source == str(folder / "caf\ufffd.txt")
    wire = by_id["wire\ufffd"]
    assert wire.title == "Head\ufffdline"
    assert wire.text.endswith("\ufffd")
    assert wire.url == "https://example.com/\ufffd"
    assert [failure.source for failure in result.failures] == [str(folder / "empty\ufffd.txt")]
