"""Refresh docs/briefing-hu.png, README's screenshot: the Hungarian edition at 1280 px, light.

The briefing is the hand-made one the browser tests use (real translations, not tiny-model
noise), rendered with the built-in templates and shot whole in headless Chromium. Run from the
repository root: ``python docs/screenshot.py`` (needs ``/usr/bin/chromium`` and playwright).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from playwright.sync_api import sync_playwright  # noqa: E402
from support.briefings import make_showcase_briefing  # noqa: E402

from summarize.outputs import write_briefing  # noqa: E402

#: Where README and the docs show it.
SCREENSHOT = ROOT / "docs" / "briefing-hu.png"
#: A desktop window, CSS pixels; the shot is the whole page at this width.
VIEWPORT = {"width": 1280, "height": 900}


def main() -> None:
    """Render the briefing into a temporary folder and shot its Hungarian edition."""
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        write_briefing(make_showcase_briefing(), Path(folder))
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport=VIEWPORT, color_scheme="light")
        page.goto((Path(folder) / "briefing.hu.html").as_uri())
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        browser.close()
    print(f"wrote {SCREENSHOT.relative_to(ROOT)} ({SCREENSHOT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
