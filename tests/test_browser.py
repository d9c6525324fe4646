"""A real browser on `variorum serve`: home page -> index -> compare page in two clicks.

Headless Chromium from the system packages; the test fails when it is missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_datasette import MINI, V1_SENTENCES, V2_SENTENCES, build_db

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read().decode(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("server did not start")


@pytest.fixture
def server(tmp_path):
    db = build_db(tmp_path / "browse.db")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "variorum", "--db", str(db), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_two_clicks_to_the_figure_changes(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    assert Path(CHROMIUM).is_file(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server + "/")
            page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
            page.get_by_role("link", name="Compare versions of an article").click()
            expect(page).to_have_url(server + "/-/variorum")
            page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
            page.get_by_role("link", name="v1 → v2").first.click()
            expect(page).to_have_url(server + f"/-/variorum/compare?article={MINI}&from=v1&to=v2")
            top = page.locator("#figure-changes")
            expect(top.locator("mark.fig-old").first).to_be_visible()
            expect(top.locator("mark.fig-old").first).to_have_text("30,1988")
            expect(top.locator("td.fig-cell mark.fig-new")).to_have_text(["30,000"])
            side = page.locator("table.aligned")
            expect(side.locator("mark.fig-old")).to_have_text(["30,1988"])
            expect(side.locator("mark.fig-new")).to_have_text(["30,000"])
            expect(side.locator("mark.fig-new")).to_be_visible()
            # a changed figure is highlighted in colour, not just marked up
            bg = side.locator("mark.fig-new").evaluate("e => getComputedStyle(e).backgroundColor")
            assert bg == "rgb(185, 240, 185)"
            expect(page.locator("#old-2")).to_contain_text(V1_SENTENCES[2])
            expect(page.locator("#new-1")).to_contain_text(V2_SENTENCES[1])
            page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)

            # the figure in the list jumps to its row
            top.locator("td.fig-cell a").first.click()
            assert page.url.endswith("#g1")
            # moved sentence: its note links to where it went
            page.get_by_role("link", name="moved to sentence 6").click()
            assert page.url.endswith("#g5-to")
            expect(page.locator("#new-5")).to_be_in_viewport()

            page.goto(server + f"/-/variorum/article/{MINI}")
            expect(page.locator("svg circle")).to_have_count(3)
            page.screenshot(path=str(tmp_path / "article.png"), full_page=True)
            page.locator("a.edge-translation text").click()
            expect(page).to_have_url(server + f"/-/variorum/compare?article={MINI}&from=v2&to=de-1")
            page.screenshot(path=str(tmp_path / "translation.png"), full_page=True)
        finally:
            browser.close()
