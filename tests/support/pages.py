"""Checks of written pages as a reader's browser parses them (html5lib, strict).

The ``site`` checks take a folder of written pages; the editions tests run them on a hand-built
briefing and the seeds test on a real run's.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from support.briefings import ABOUT_PAGES, ARTICLE_PAGE, EDITIONS, NATIVE_NAMES

html5lib = pytest.importorskip("html5lib")

XHTML = "{http://www.w3.org/1999/xhtml}"


def parse_strict(path: Path):
    """Parse a page as HTML5; any parse error raises."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=True)
    return parser.parse(path.read_bytes(), transport_encoding="utf-8")


def elements(root, tag: str) -> list:
    return list(root.iter(XHTML + tag))


def text_of(element) -> str:
    return "".join(element.itertext())


def effective_langs(root) -> list[tuple[str, str]]:
    """(lang, text) for every text node, with the lang of its nearest ancestor that has one."""
    found: list[tuple[str, str]] = []

    def walk(element, lang: str) -> None:
        if element.tag == XHTML + "style":
            return
        lang = element.get("lang", lang)
        if element.text and element.text.strip():
            found.append((lang, element.text))
        for child in element:
            walk(child, lang)
            if child.tail and child.tail.strip():
                found.append((lang, child.tail))

    walk(root, "")
    return found


def pages(directory: Path) -> list[Path]:
    """The briefing's web pages; the email editions (``*.email.html``) have checks of their own."""
    return sorted(p for p in directory.glob("*.html") if not p.name.endswith(".email.html"))


def every_page_is_valid_html5(site: Path) -> None:
    for path in pages(site):
        try:
            parse_strict(path)
        except html5lib.html5parser.ParseError as exc:  # pragma: no cover - failure message
            pytest.fail(f"{path.name}: HTML5 parse error: {exc}")


def heading_levels_never_skip(site: Path) -> None:
    for path in pages(site):
        root = parse_strict(path)
        levels = [
            int(el.tag[-1])
            for el in root.iter()
            if isinstance(el.tag, str) and el.tag.startswith(XHTML + "h") and el.tag[-1].isdigit()
        ]
        assert levels[0] == 1, path.name
        assert levels.count(1) == 1, path.name
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (path.name, levels)


def every_internal_link_resolves(site: Path) -> None:
    ids = {
        path.name: {el.get("id") for el in parse_strict(path).iter() if el.get("id")}
        for path in pages(site)
    }
    checked = 0
    for path in pages(site):
        for anchor in elements(parse_strict(path), "a"):
            href = anchor.get("href")
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                assert parts.scheme in ("http", "https"), (path.name, href)
                continue
            target = unquote(parts.path).removeprefix("./") or path.name
            if target.endswith((".xml", ".json")):  # an edition's feed, beside the pages
                assert (site / target).is_file(), (path.name, href)
                continue
            assert target in ids, (path.name, href)
            if parts.fragment:
                assert parts.fragment in ids[target], (path.name, href)
            checked += 1
    assert checked > 50


def article_pages_of(name: str) -> list[str]:
    """Every edition's page of the article whose page (in any edition) is ``name``."""
    stem = name.removesuffix(".html")
    code = stem.rsplit(".", 1)[-1] if "." in stem else "en"
    slug = stem.removesuffix(f".{code}") if code != "en" else stem
    return [page.format(slug=slug) for page in ARTICLE_PAGE.values()]


def language_switcher_on_every_page(site: Path) -> None:
    """Front pages switch to the other editions; an article's page (or an "About this
    briefing" page) to the same article's page (the about page) in the other editions."""
    for path in pages(site):
        root = parse_strict(path)
        nav = next(n for n in elements(root, "nav") if "editions" in n.get("class", ""))
        links = elements(nav, "a")
        assert [text_of(a) for a in links] == NATIVE_NAMES
        if path.name in EDITIONS:
            targets = list(EDITIONS)
        elif path.name in ABOUT_PAGES:
            targets = ABOUT_PAGES
        else:
            targets = article_pages_of(path.name)
        assert [a.get("href") for a in links] == [f"./{name}" for name in targets]
        for a in links:
            assert a.get("lang") == a.get("hreflang")
        current = [a.get("href") for a in links if a.get("aria-current") == "page"]
        assert current == [f"./{path.name}"]


def pages_are_self_contained(site: Path) -> None:
    for path in pages(site):
        root = parse_strict(path)
        for tag in ("script", "img", "iframe", "object", "embed", "video", "audio"):
            assert not elements(root, tag), (path.name, tag)
        # <link> only announces the edition's feeds (rel=alternate, a file beside the page):
        # nothing a browser loads.
        for link in elements(root, "link"):
            assert link.get("rel") == "alternate", path.name
            href = link.get("href")
            assert href.startswith("./feed.") and "/" not in href[2:], (path.name, href)
            assert (site / href[2:]).is_file(), (path.name, href)
        css = text_of(elements(root, "style")[0])
        assert "@import" not in css and "url(" not in css and "@font-face" not in css
        for element in root.iter():
            assert element.get("style") is None
            assert not any(name.startswith("on") for name in element.attrib)


#: The checks any briefing's pages pass, whatever its articles.
SITE_CHECKS = (
    every_page_is_valid_html5,
    heading_levels_never_skip,
    every_internal_link_resolves,
    language_switcher_on_every_page,
    pages_are_self_contained,
)
