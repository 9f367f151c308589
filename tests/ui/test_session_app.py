"""The practice companion app in a real browser: Voila serving app/companion.ipynb, driven by
Debian's Chromium through Playwright (screen answered, plan built, session guided and logged,
progress shown, files downloaded), and a red-flag answer that leads to "see a clinician" only."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app" / "companion.ipynb"
pytestmark = pytest.mark.ui


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_app(tmp_path_factory):
    """A Voila server for the app on a free local port; the log goes to a temporary data folder."""
    data = tmp_path_factory.mktemp("companion-data")
    port = _free_port()
    log = data.parent / f"voila-{port}.log"
    env = {**os.environ, "SPINELIB_DATA_DIR": str(data), "MPLBACKEND": "Agg"}
    env.pop("SPINELIB_JOURNAL_URL", None)
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "voila", str(APP), "--no-browser", f"--port={port}",
                                 "--Voila.ip=127.0.0.1",
                                 '--VoilaConfiguration.extension_denylist=["jupyterlab-jupytext"]'],
                                cwd=str(data), env=env, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 60
        while True:
            try:  # the port answers (a GET of the page itself would start a kernel)
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    pytest.fail("voila did not start: " + log.read_text(errors="replace")[-2000:])
                time.sleep(0.3)
        yield {"url": url, "data": data}
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _open(page, voila_app):
    page.goto(voila_app["url"])
    expect(page.get_by_text("Back care practice companion")).to_be_visible(timeout=90_000)


def _answer(page, first: str = "no"):
    buttons = page.locator("button.widget-toggle-button")
    expect(buttons.first).to_be_visible()
    groups = page.locator(".widget-toggle-buttons")
    n = groups.count()
    assert n == 9
    for i in range(n):
        groups.nth(i).get_by_role("button", name=first if i == 0 else "no", exact=True).click()


def _tab(page, title: str):
    page.locator(".lm-TabBar-tab", has_text=title).click()


def _offline(page) -> list:
    """Refuse every request that leaves this machine (the app must work offline); return what was refused."""
    refused = []

    def guard(route):
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort()

    page.route("**/*", guard)
    return refused


def test_app_end_to_end(page, voila_app, shot, tmp_path):
    "app: offline, screen answered, plan built, guided session logged, progress shown, files downloaded, no code or paths"
    refused = _offline(page)
    _open(page, voila_app)
    _answer(page)
    expect(page.get_by_text("screened: clear")).to_have_count(0)  # markers are not shown in the app
    shot("1-screen")
    _tab(page, "2 Your plan")
    page.get_by_role("button", name="build my plan").click()
    expect(page.get_by_text("plan built")).to_be_visible(timeout=30_000)
    shot("2-plan")
    _tab(page, "3 Guided session")
    expect(page.get_by_text(re.compile(r"^Step 1 of \d+"))).to_be_visible()
    # the countdown runs in the browser: Play ticks the linked progress bar and readout with no kernel call
    page.locator(".widget-play button").first.click()
    seconds = page.locator(".widget-text", has_text="seconds").locator("input").first
    expect(seconds).not_to_have_value("0", timeout=5_000)
    shot("3-session")
    nxt = page.get_by_role("button", name="next")
    for _ in range(60):
        if nxt.is_disabled():
            break
        nxt.click()
        page.wait_for_timeout(150)
    expect(page.get_by_text("that was the last step")).to_be_visible()
    page.get_by_role("button", name="log this session").click()
    expect(page.get_by_text(re.compile(r"logged: \d{4}-\d\d-\d\d (morning|midday|evening)"))).to_be_visible(timeout=20_000)
    _tab(page, "5 Progress")
    page.get_by_role("button", name="show my progress").click()
    expect(page.get_by_text("progress shown")).to_be_visible(timeout=60_000)
    expect(page.locator(".spl-progress img")).to_have_count(1)
    expect(page.get_by_text("1 session day in a row")).to_be_visible()
    shot("4-progress")
    _tab(page, "6 Downloads")
    page.get_by_role("button", name="prepare my files").click()
    link = page.get_by_text("my log (CSV)")
    expect(link).to_be_visible(timeout=60_000)
    with page.expect_download() as dl:
        link.click()
    saved = tmp_path / dl.value.suggested_filename
    dl.value.save_as(saved)
    text = saved.read_text()
    assert dl.value.suggested_filename == "my_log.csv" and text.startswith("person,date,slot")
    assert len(text.strip().splitlines()) == 2
    with page.expect_download() as dl2:
        page.get_by_text("my progress (web page)").click()
    assert "<img" in Path(dl2.value.path()).read_text()
    shot("5-downloads")
    body = page.locator("body").inner_text()
    for leak in (str(voila_app["data"]), str(REPO), "companion_app(", "import ", ".sqlite", "Traceback"):
        assert leak not in body, leak
    assert (voila_app["data"] / "journal-me.sqlite").is_file()  # the log is the person's own file
    print("requests refused (offline):", refused)


def test_red_flag_leads_to_a_clinician_never_a_routine(page, voila_app, shot):
    "app: a yes on the red-flag screen shows 'see a clinician'; no plan can be built, no session starts"
    _open(page, voila_app)
    _answer(page, first="yes")
    _tab(page, "2 Your plan")
    expect(page.get_by_text("Please see a clinician before starting any routine.").first).to_be_visible()
    expect(page.get_by_role("button", name="build my plan")).to_be_disabled()
    _tab(page, "3 Guided session")
    expect(page.get_by_text("Please see a clinician before starting any routine.").last).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Step 1 of \d+"))).to_have_count(0)
    shot("red-flag")
