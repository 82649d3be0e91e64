"""The briefing as a reader sees it: headless Chromium at phone and desktop widths.

Needs Debian's ``/usr/bin/chromium`` (never downloaded) and the ``playwright`` and
``axe-playwright-python`` packages; skips cleanly without them. Screenshots are saved under
``test-output/screenshots/`` for a person (or CI's artefacts) to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.briefings import (
    EDITIONS,
    NATIVE_NAMES,
    make_briefing,
    make_flagged_briefing,
    make_rtl_briefing,
    make_sectioned_briefing,
)
from support.chromium import SCREENSHOTS, launched_chromium, skip_without_chromium

from summarize.outputs import write_briefing

sync_api = skip_without_chromium()
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")

#: Phone and desktop widths, CSS pixels.
WIDTHS = (375, 1280)
#: Every edition, one article page of each language and two "About this briefing" pages.
PAGES = [
    *EDITIONS,
    "about.html",
    "about.zh.html",
    "orban.html",
    "danger.html",
    *(f"orban.{c}.html" for c in ("hu", "zh", "ru", "uk")),
]
#: Pages of a run with flags, a failed input and an unavailable language (Ukrainian).
FLAGGED_PAGES = ["index.html", "briefing.hu.html", "briefing.uk.html", "orban.ru.html"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_briefing(make_briefing(), out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launched_chromium(sync_api)


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def page(request: pytest.FixtureRequest, browser) -> Iterator[tuple[object, list[str]]]:
    """A page at one width; every request that isn't a local file is blocked and recorded."""
    yield from _guarded_tab(browser, request.param, "light")


@pytest.fixture(
    params=[(width, scheme) for scheme in ("light", "dark") for width in WIDTHS],
    ids=lambda view: f"{view[0]}px-{view[1]}",
)
def viewed(request: pytest.FixtureRequest, browser) -> Iterator[tuple[object, list[str]]]:
    """As ``page``, at each width in the light and the dark colour scheme."""
    yield from _guarded_tab(browser, *request.param)


def _guarded_tab(browser, width: int, scheme: str) -> Iterator[tuple[object, list[str]]]:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    blocked: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    yield tab, blocked
    context.close()


def test_pages_load_offline_fit_the_screen_and_pass_axe(site: Path, viewed) -> None:
    """Every edition and an article page of each language, phone and desktop, light and dark:
    the screenshots are what CI keeps for a person to look at."""
    tab, blocked = viewed
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    axe = axe_module.Axe()
    width = tab.viewport_size["width"]
    dark = tab.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    for name in PAGES:
        tab.goto((site / name).as_uri())
        shot = SCREENSHOTS / f"{name[:-5]}-{width}{'-dark' if dark else ''}.png"
        tab.screenshot(path=str(shot), full_page=True)
        # Nothing scrolls sideways: no horizontal overflow at this width.
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (name, width, overflow)
        results = axe.run(tab)
        serious = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert not serious, (name, width, serious)
    assert blocked == []


@pytest.fixture(scope="module")
def flagged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("flagged")
    write_briefing(make_flagged_briefing(), out)
    return out


def test_status_line_flags_and_unavailable_notice_pass_axe(flagged_site: Path, page) -> None:
    tab, blocked = page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    axe = axe_module.Axe()
    width = tab.viewport_size["width"]
    for name in FLAGGED_PAGES:
        tab.goto((flagged_site / name).as_uri())
        shot = SCREENSHOTS / f"flagged-{name[:-5]}-{width}.png"
        tab.screenshot(path=str(shot), full_page=True)
        assert tab.locator(".status-line").is_visible(), name
        overflow = tab.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (name, width, overflow)
        violations = axe.run(tab).response["violations"]
        assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")], name
    assert blocked == []


@pytest.mark.parametrize("briefing", [make_briefing, make_sectioned_briefing])
def test_a_phone_shows_the_first_story_without_scrolling(tmp_path: Path, browser, briefing) -> None:
    # An iPhone SE's screen, 375 x 667 CSS pixels: the contents list is folded away.
    write_briefing(briefing(), tmp_path)
    context = browser.new_context(viewport={"width": 375, "height": 667})
    tab = context.new_page()
    try:
        for name in EDITIONS:
            tab.goto((tmp_path / name).as_uri())
            top = tab.evaluate(
                "document.querySelector('.summary-card .headline').getBoundingClientRect().bottom"
            )
            assert top < 667, (name, top)
            assert tab.evaluate("document.querySelector('details.toc').open") is False
    finally:
        context.close()


def test_language_switcher_reaches_every_edition(site: Path, page) -> None:
    tab, blocked = page
    tab.goto((site / "briefing.ru.html").as_uri())
    for (name, (lang, title)), native in zip(EDITIONS.items(), NATIVE_NAMES, strict=True):
        tab.locator("nav.editions").get_by_text(native, exact=True).click()
        tab.wait_for_load_state()
        assert tab.url.endswith("/" + name)
        assert tab.evaluate("document.documentElement.lang") == lang
        assert tab.title() == title
        current = tab.locator('nav.editions a[aria-current="page"]')
        assert current.inner_text() == native
    assert blocked == []


def test_article_switcher_stays_on_the_article_and_back_leads_home(site: Path, page) -> None:
    tab, blocked = page
    tab.goto((site / "orban.html").as_uri())
    for (edition, (lang, title)), native in zip(EDITIONS.items(), NATIVE_NAMES, strict=True):
        tab.locator("nav.editions").get_by_text(native, exact=True).click()
        tab.wait_for_load_state()
        name = "orban.html" if lang == "en" else f"orban.{edition.split('.')[1]}.html"
        assert tab.url.endswith("/" + name)
        assert tab.evaluate("document.documentElement.lang") == lang
        assert tab.title().endswith(" · " + title)
    # The Ukrainian page's back link returns to the Ukrainian edition, at the article.
    tab.locator("p.back a").click()
    tab.wait_for_load_state()
    assert tab.url.endswith("/briefing.uk.html#article-1")
    assert blocked == []


def test_print_hides_navigation(site: Path, browser) -> None:
    context = browser.new_context()
    tab = context.new_page()
    try:
        tab.goto((site / "briefing.hu.html").as_uri())
        tab.emulate_media(media="print")
        assert not tab.locator("nav.editions").is_visible()
        assert tab.locator("footer .credits").is_visible()
    finally:
        context.close()


def test_right_to_left_edition_fits_and_mirrors(tmp_path: Path, page) -> None:
    tab, blocked = page
    write_briefing(make_rtl_briefing(), tmp_path)
    tab.goto((tmp_path / "briefing.ar.html").as_uri())
    # Nothing scrolls sideways: in a right-to-left page, content off the left edge does.
    overflow = tab.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, overflow
    # The notice's rule stands at the start of the line: on the right.
    rule = tab.evaluate(
        "[getComputedStyle(document.querySelector('.notice')).borderRightWidth,"
        " getComputedStyle(document.querySelector('.notice')).borderLeftWidth]"
    )
    assert rule == ["4px", "0px"]
    assert blocked == []


def test_a_bidi_override_in_untrusted_text_stays_inside_it(tmp_path: Path, browser) -> None:
    # Headlines lose bidi controls when read, but a file name or a URL keeps them (a date
    # that cannot be read is left out): an unclosed right-to-left override there reversed the
    # rest of its line, e.g. the failure reason after a file name ("... txt.exe\u202e: yroelif").
    from dataclasses import replace

    from support.briefings import make_result

    from summarize.core.records import Briefing, InputFailure

    override = "\u202e"
    result = make_result(
        "plain",
        "Plain story",
        "Summary.",
        url=f"ftp://example.com/{override}gnp.exe",
        published=f"{override}yesterday",
        translations={"hu": "h"},
    )
    article = replace(result.article, source=f"inputs/{override}txt.exe")
    result = replace(result, article=article)
    briefing = make_briefing(("hu",))
    briefing = Briefing(
        results=(result,),
        run=briefing.run,
        failures=(InputFailure(source=f"inputs/{override}fdp.exe", reason="unsupported file"),),
    )
    write_briefing(briefing, tmp_path)
    context = browser.new_context()
    tab = context.new_page()
    # Is each of these words laid out left to right (its first letter left of its last)?
    script = """words => words.map(word => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, at = node.data.indexOf(word);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + 1);
            const first = range.getBoundingClientRect().left;
            range.setStart(node, at + word.length - 1); range.setEnd(node, at + word.length);
            return first < range.getBoundingClientRect().left;
        }
        return null;
    })"""
    try:
        tab.goto((tmp_path / "index.html").as_uri())
        assert tab.evaluate(script, ["min read", "Machine"]) == [True] * 2
        # File names and failure reasons are on the "About this briefing" page.
        tab.goto((tmp_path / "about.html").as_uri())
        assert tab.evaluate(script, ["unsupported", "Made with"]) == [True] * 2
    finally:
        context.close()
