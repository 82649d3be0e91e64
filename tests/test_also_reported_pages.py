"""Each card and article page names the other outlets that carried the story (#20), in its
edition's language, linked only where the link is safe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.briefings import ALSO_REPORTED_BY, make_briefing, make_flagged_briefing
from support.pages import SITE_CHECKS, elements, parse_strict, text_of

from summarize.outputs import builtin_templates_dir, write_briefing

#: Each edition's label and the list punctuation of its language.
LABELS = {
    "en": ("Also reported by:", ", "),
    "hu": ("Szintén beszámolt róla:", ", "),
    "zh": ("其他报道来源：", "、"),
    "ru": ("Также сообщили:", ", "),
    "uk": ("Також повідомили:", ", "),
}
FRONT = {"en": "index.html", **{code: f"briefing.{code}.html" for code in ("hu", "zh", "ru", "uk")}}
ARTICLE = {"en": "orban.html", **{code: f"orban.{code}.html" for code in ("hu", "zh", "ru", "uk")}}
EMAIL = {"en": "briefing.email.html", "hu": "briefing.hu.email.html"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("also")
    write_briefing(make_flagged_briefing(), out)
    return out


def also_lines(root) -> list:
    return [
        p
        for p in elements(root, "p")
        if {"also-reported", "also"} & set(p.get("class", "").split())
    ]


def check_line(line, code: str) -> None:
    label, separator = LABELS[code]
    reuters, telex = ALSO_REPORTED_BY
    assert telex.name == "Telex <b>"
    assert (
        text_of(line)
        == f"{label}{'' if label.endswith('：') else ' '}Reuters{separator}{telex.name}"
    )
    # Only the http(s) URL becomes a link; the javascript: one stays a name.
    assert [(a.get("href"), text_of(a)) for a in elements(line, "a")] == [(reuters.url, "Reuters")]
    assert all(a.get("rel") == "noopener noreferrer" for a in elements(line, "a"))


@pytest.mark.parametrize("code", list(LABELS))
def test_cards_name_the_other_outlets_in_the_editions_language(site: Path, code: str) -> None:
    root = parse_strict(site / FRONT[code])
    cards = [a for a in elements(root, "article") if "summary-card" in a.get("class", "")]
    lines = [also_lines(card) for card in cards]
    # Only the story other outlets carried says so.
    assert [len(found) for found in lines] == [1, 0, 0, 0]
    check_line(lines[0][0], code)


@pytest.mark.parametrize("code", list(LABELS))
def test_article_pages_name_the_other_outlets(site: Path, code: str) -> None:
    [line] = also_lines(parse_strict(site / ARTICLE[code]))
    check_line(line, code)
    assert not also_lines(parse_strict(site / ARTICLE[code].replace("orban", "plain")))


@pytest.mark.parametrize("code", list(EMAIL))
def test_email_editions_name_the_other_outlets(site: Path, code: str) -> None:
    text = (site / EMAIL[code]).read_text("utf-8")
    label, _ = LABELS[code]
    assert text.count(label) == 1
    assert 'href="javascript' not in text
    assert f'href="{ALSO_REPORTED_BY[0].url}"' in text


@pytest.mark.parametrize("check", SITE_CHECKS, ids=lambda check: check.__name__)
def test_pages_with_other_outlets_pass_the_site_checks(site: Path, check) -> None:
    check(site)


def test_without_other_outlets_nothing_is_said(tmp_path: Path) -> None:
    write_briefing(make_briefing(), tmp_path)
    for name in ("index.html", "briefing.hu.html", "orban.html", "briefing.email.html"):
        assert not also_lines(parse_strict(tmp_path / name)), name
        assert LABELS["en"][0] not in (tmp_path / name).read_text("utf-8"), name


def test_every_catalogue_translates_the_label() -> None:
    folder = builtin_templates_dir() / "messages"
    labels = {
        code: json.loads((folder / f"{code}.json").read_text("utf-8"))["also_reported_by"]
        for code in LABELS
    }
    assert {code: label.strip() for code, label in labels.items()} == {
        code: label for code, (label, _) in LABELS.items()
    }
