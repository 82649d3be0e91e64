"""The email editions in headless Chromium at a mail client's 600 px, as a reader sees them.

Needs Debian's ``/usr/bin/chromium`` (never downloaded) and ``playwright``; skips cleanly
without them, like tests/test_browser.py. Screenshots go to ``test-output/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.briefings import make_briefing
from support.chromium import SCREENSHOTS, launched_chromium, skip_without_chromium

from summarize.outputs import write_briefing

sync_api = skip_without_chromium()

#: A mail client's reading pane, and a phone's, in CSS pixels.
WIDTHS = (600, 375)
EMAILS = ("briefing.email.html", "briefing.hu.email.html", "briefing.zh.email.html")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_briefing(make_briefing(), out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    yield from launched_chromium(sync_api)


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
def test_email_renders_in_one_column_that_fits(site: Path, browser, width: int) -> None:
    # Mail clients show an email without its page's scripts and in light mode.
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=False
    )
    blocked: list[str] = []

    def guard(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for name in EMAILS:
            tab.goto((site / name).as_uri())
            tab.screenshot(
                path=str(SCREENSHOTS / f"{name.removesuffix('.html')}-{width}.png"),
                full_page=True,
            )
            container = tab.locator("table.container")
            box = container.bounding_box()
            assert box is not None
            assert box["width"] <= 600, (name, width, box)
            assert box["width"] >= width - 16 - 1 or width > 600, (name, width, box)
            stories = tab.locator("td.story")
            assert stories.count() == 3
            # Stacked in one column, each under the one before.
            tops = [stories.nth(i).bounding_box()["y"] for i in range(stories.count())]
            assert tops == sorted(tops) and len(set(tops)) == len(tops)
            lefts = {stories.nth(i).bounding_box()["x"] for i in range(stories.count())}
            assert len(lefts) == 1
            # The headline is set large and the summary readable (inlined styles applied).
            headline = tab.locator(".headline").first.evaluate("e => getComputedStyle(e).fontSize")
            assert headline == "21px"
            overflow = tab.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (name, width, overflow)
    finally:
        context.close()
    assert blocked == []
