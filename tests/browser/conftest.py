"""Playwright driving Debian's Chromium (never a downloaded browser) against the served chat page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator

import pytest

from bot.launch.supervisor import ROOT
from tests.e2e.conftest import CJK  # noqa: F401 - shared with the browser tests

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "bot" / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
MEASUREMENTS = SCREENSHOTS / "measurements.json"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
REPLY_TIMEOUT_MS = 30_000

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make system-deps installs it as root)")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        yield instance
        instance.close()


@pytest.fixture
def open_page(browser: object, servers: object) -> Iterator[Callable[..., object]]:
    """open_page(locale="zh-CN", viewport=DESKTOP) -> a fresh page (own storage) showing the chat page."""
    contexts = []

    def opener(locale: str = "zh-CN", viewport: dict = DESKTOP, bypass_csp: bool = False) -> object:
        context = browser.new_context(locale=locale, viewport=viewport, bypass_csp=bypass_csp)
        context.set_default_timeout(REPLY_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.goto(servers.web_url)
        return page

    yield opener
    for context in contexts:
        context.close()


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def record(name: str, value: object) -> None:
    """Figures the tests measure on the way (time to first message, page weight), kept for reports."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    figures = json.loads(MEASUREMENTS.read_text()) if MEASUREMENTS.exists() else {}
    figures[name] = value
    MEASUREMENTS.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
