"""Fixtures for the widget tests: a notebook run in a real kernel, and a real browser.

- ``kernel_run``: runs a notebook (without its solution cells) plus a few extra cells in a fresh
  kernel; returns what each extra cell printed and what every Output widget holds.

Real-browser fixtures: Debian's Chromium driving JupyterLab over a copy of the notebooks.

- ``browser_type_launch_args`` points pytest-playwright at ``/usr/bin/chromium`` (never a
  downloaded browser; ``playwright install`` is not used anywhere).
- ``lab``: one JupyterLab server per test session (per xdist worker), on a free port of
  127.0.0.1, serving a temporary copy of ``notebooks/`` so autosave and checkpoints never touch
  the repository. The news/update toast is switched off through ``JUPYTERLAB_SETTINGS_DIR``.
- ``shot``: saves a full-page screenshot under ``test-artifacts/screenshots/`` (gitignored).

In CI (``CI`` set to a true value) the browser tests never skip: a missing Chromium is an error.
Locally they skip only when ``/usr/bin/chromium`` is missing and ``CI`` is unset; the other
widget tests in this folder never need a browser and always run.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from spinelib.reports.nbrun import execute_notebook

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
LAB_START_TIMEOUT = 60.0


def in_ci() -> bool:
    """CI is set to something other than an empty/false value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config, items):
    """Skip the browser tests (those using a Playwright ``page``) locally when Chromium is missing; never in CI."""
    if CHROMIUM.exists() or in_ci():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (install Debian's chromium; CI never skips)")
    here = Path(__file__).resolve().parent
    for item in items:
        if Path(str(item.fspath)).resolve().parent == here and "page" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


# ----------------------------------------------------------------- a notebook in a real kernel (no browser)
def _output_widget_texts(nb) -> list[str]:
    """The outputs held by every Output widget in the saved widget state, as text (a PNG as ``<png>``)."""
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    outputs = []
    for model in state.values():
        if model.get("model_name") == "OutputModel":
            text = []
            for o in model["state"].get("outputs", []):
                d = o.get("data", {})
                text.append(o.get("text", "") + d.get("text/html", "") + d.get("text/plain", ""))
                if "image/png" in d:
                    text.append("<png>")
            outputs.append("\n".join(text))
    return outputs


@pytest.fixture(autouse=True)
def session_folder(tmp_path_factory, monkeypatch):
    """Every test (and the kernels it starts) keeps the safety screen's session answers in a fresh folder,
    never in the user's data folder."""
    monkeypatch.setenv("SPINELIB_DATA_DIR", str(tmp_path_factory.mktemp("session")))


@pytest.fixture()
def kernel_run(tmp_path):
    """``kernel_run(notebook, steps)``: run ``notebooks/<notebook>`` (without its solution cells) plus the
    code cells ``steps`` in a fresh kernel, from ``tmp_path``; return the printed text of each step and
    the outputs held by every Output widget in the saved widget state."""

    def run(notebook: str, steps: list[str]):
        nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
        nb.cells = [c for c in nb.cells if "solution" not in c.metadata.get("tags", [])]
        first = len(nb.cells)
        nb.cells += [nbformat.v4.new_code_cell(s) for s in steps]
        execute_notebook(nb, cwd=tmp_path, timeout=180)
        printed = ["".join(o.get("text", "") for o in c.outputs if o.get("output_type") == "stream")
                   for c in nb.cells[first:]]
        return printed, _output_widget_texts(nb)

    return run


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium instead of a Playwright-downloaded browser."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A viewport tall enough to show a widget and its plot in one screenshot."""
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings: Path) -> None:
    """JupyterLab user settings: no news or update toast covering the page, and every cell kept in
    the page (no windowing), so a widget further down a long notebook can be found and scrolled to."""
    files = {
        ("apputils-extension", "notification"): {"fetchNews": "false", "checkForUpdates": False},
        ("notebook-extension", "tracker"): {"windowingMode": "none"},
    }
    for (ext, name), value in files.items():
        f = settings / "@jupyterlab" / ext / f"{name}.jupyterlab-settings"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(value))


class Lab:
    """A running JupyterLab server: ``url(path)`` gives a tokenised link to a notebook."""

    def __init__(self, base: str, token: str, root: Path, proc: subprocess.Popen, log: Path):
        self.base, self.token, self.root, self.proc, self.log = base, token, root, proc, log

    def url(self, notebook: str) -> str:
        return f"{self.base}/lab/tree/{notebook}?reset&token={self.token}"

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(f"{self.base}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read().decode() or "null")

    def stop_sessions(self) -> None:
        """Shut down every running notebook session, so the next test starts from a cold kernel."""
        for session in self.api("/api/sessions") or []:
            self.api(f"/api/sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Lab:
    """One JupyterLab server over a temporary copy of notebooks/, stopped at the end."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    shutil.copytree(NOTEBOOKS, root / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings, workspaces = tmp / "settings", tmp / "workspaces"
    _write_settings(settings)
    workspaces.mkdir()
    token = secrets.token_hex(16)
    port = _free_port()
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(workspaces), "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    log = tmp / "lab.log"
    cmd = [sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser", "--ip", "127.0.0.1",
           "--port", str(port), "--ServerApp.port_retries=0", f"--ServerApp.token={token}",
           f"--ServerApp.root_dir={root}", "--LabApp.news_url=None"]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=root, env=env)
    server = Lab(f"http://127.0.0.1:{port}", token, root, proc, log)
    try:
        deadline = time.monotonic() + LAB_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                server.api("/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not answer /api/status in {LAB_START_TIMEOUT:.0f} s:\n"
                                       f"{log.read_text()[-3000:]}")
                time.sleep(0.25)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture()
def shot(page, request):
    """``shot("name")`` saves a full-page screenshot to test-artifacts/screenshots/<test>-<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, show=None) -> Path:
        """``show``: a locator to scroll into view first (JupyterLab scrolls inside the notebook panel)."""
        if show is not None:
            show.scroll_into_view_if_needed()
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in request.node.name).strip("_")
        path = SCREENSHOTS / f"{stem}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


# ----------------------------------------------------------------- JupyterLab page helpers
class LabPage:
    """A Playwright page bound to the session's JupyterLab server."""

    def __init__(self, page, lab: Lab):
        self.page, self.lab = page, lab

    def open(self, notebook: str, timeout: float = 90_000) -> None:
        """Open a notebook (path relative to the server root) in a fresh kernel and wait until it is idle."""
        self.lab.stop_sessions()
        self.page.set_default_timeout(timeout)
        self.page.goto(self.lab.url(notebook))
        self.wait_idle(timeout)

    def run_all(self) -> None:
        """Run > Run All Cells (by its command id: the label alone matches two menu items)."""
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.locator("li[data-command='runmenu:run-all']").click()

    def wait_idle(self, timeout: float = 90_000) -> None:
        """Wait until the kernel status in the status bar reads Idle."""
        self.page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=timeout)


@pytest.fixture()
def lab_page(page, lab) -> LabPage:
    return LabPage(page, lab)


@pytest.fixture()
def shown(monkeypatch):
    """What the widgets show in their Output, as if in a kernel (the objects, in order); figures closed after."""
    import matplotlib.pyplot as plt

    from spinelib.ui import base

    sent = []
    real = base.display_output

    def record(obj):
        sent.append(obj)
        return real(obj)

    monkeypatch.setattr(base, "in_kernel", lambda: True)
    monkeypatch.setattr(base, "display_output", record)
    yield sent
    plt.close("all")
