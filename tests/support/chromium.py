"""Headless Chromium for the browser tests: Debian's binary (never downloaded), its flags, and
one browser per test module, started through Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Where screenshots go, for a person (or CI's artefacts) to look at.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
#: Chromium flags: no sandbox in containers, no GPU, no background traffic of its own.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--metrics-recording-only",
]


def skip_without_chromium() -> ModuleType:
    """Skip the calling test module unless Chromium and Playwright are here; Playwright's
    sync API otherwise."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


def launched_chromium(sync_api: ModuleType) -> Iterator[object]:
    """A headless Chromium for a module-scoped fixture; skips when it cannot start."""
    with sync_api.sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=ARGS, headless=True
            )
        except sync_api.Error as exc:  # pragma: no cover - depends on the machine
            pytest.skip(f"Chromium could not start: {exc}")
        yield browser
        browser.close()
