"""Render an executed report notebook as one self-contained HTML page, and print it to PDF.

The page holds no code cells (nbconvert ``HTMLExporter(exclude_input=True)``), is wrapped in our
own print-friendly stylesheet, and loads nothing from outside itself: images are ``data:`` URIs
and a Content-Security-Policy forbids any script, font or stylesheet from the network
(:func:`check_self_contained` refuses a page that would). :func:`html_to_pdf` prints it with the
system Chromium (Debian package ``chromium``; ``SPINELIB_CHROMIUM`` points elsewhere), one browser per
PDF; :class:`PdfPrinter` keeps one Chromium for all the PDFs of a batch (the DevTools protocol over a
pipe, same flags and print settings).
"""
from __future__ import annotations

import base64
import copy
import fcntl
import functools
import json
import os
import re
import select
import shutil
import signal
import subprocess
import tempfile
import time
import weakref
from pathlib import Path

from ..atomic import temp_beside
from ..render import esc
from .templates import TEMPLATES, ReportError, template_key, template_label

__all__ = ["PAGE_CSS", "CSP", "CHROMIUM", "CHROMIUM_FLAGS", "PRINT_TO_PDF", "exporter", "report_title", "render_html",
           "check_self_contained", "html_to_pdf", "chromium_available", "PdfPrinter"]

CHROMIUM = os.environ.get("SPINELIB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
)

PAGE_CSS = """
:root { --ink: #1d2329; --muted: #5b6670; --rule: #d5dbe0; --accent: #2a6f97; --warn: #9a5b00; --bad: #a4262c; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
main.report { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.5rem 3rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; color: var(--accent); }
h2 { font-size: 1.3rem; margin: 1.8rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.1rem 0 .4rem; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
p, li { max-width: 52rem; }
a { color: var(--accent); }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .88rem; width: auto; max-width: 100%; }
th, td { border: 1px solid var(--rule); padding: .28rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #eef2f5; }
tbody tr:nth-child(even) { background: #f8fafb; }
td ul { margin: 0; padding-left: 1.1rem; }
tr, img, figure, .keep, .callout, .note, section#outcomes, section#audit, section#red-flags, table.week, table.audit, table.projection, table.parameters, table.outcomes
  { break-inside: avoid; page-break-inside: avoid; }
table.plan { width: 100%; }
table.plan td:first-child { width: 24%; } table.plan td:nth-child(2) { width: 18%; }
h2[id^="Evidence"] ~ ul { font-size: .85rem; }
h2[id^="Evidence"] ~ ul li { margin-bottom: .3rem; }
img { max-width: 100%; height: auto; display: block; margin: .4rem 0 1rem; }
pre { white-space: pre-wrap; font-size: .85rem; }
.output_stderr, .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"] { display: none; }
table.parameters th { white-space: nowrap; background: #f4f6f8; }
.nowrap { white-space: nowrap; }
.meta { color: var(--muted); font-size: .9rem; }
.callout { border-left: 5px solid var(--accent); background: #eef5f9; padding: .7rem 1rem; margin: 1rem 0; }
.callout.referral { border-color: var(--bad); background: #fbeeee; font-size: 1.05rem; }
.callout.warn { border-color: var(--warn); background: #fdf5e8; }
.status-pass { color: #1e6b34; font-weight: 600; }
.status-warn { color: var(--warn); font-weight: 600; }
.status-fail { color: var(--bad); font-weight: 600; }
.note { border-top: 2px solid var(--rule); margin-top: 2rem; padding-top: .6rem; color: var(--muted); font-size: .9rem; }
.page-break { break-before: page; page-break-before: always; }
@page { size: A4; margin: 14mm 13mm 16mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8pt "DejaVu Sans", sans-serif;
                  color: #5b6670; } }
@media print {
  body { font-size: 10.5pt; }
  main.report { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h2 { margin-top: 1rem; }
}
"""
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"


def _prepare(nb):
    """Drop what a reader should not see: stderr streams, cells tagged remove-cell, empty cells."""
    nb = copy.deepcopy(nb)
    keep = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags or "remove_cell" in tags:
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            if not cell.outputs:
                continue
        keep.append(cell)
    nb.cells = keep
    return nb


@functools.lru_cache(maxsize=1)
def exporter():
    """The one nbconvert HTML exporter (built once per process: a batch's forked workers inherit it).

    It is nbconvert's ``HTMLExporter`` (template ``basic``) without its last step, which parses the
    whole page with BeautifulSoup's pure-Python parser and writes it out again, only to give images
    without alternative text a placeholder and to make cell wrappers focusable. Here every image
    gets its text from :func:`render_html`, and a report has no cell wrappers (inputs are excluded),
    so the step changed nothing on a report page but took about a third of its rendering time.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            lang = nb.metadata.get("language_info", {})
            lexer = lang.get("pygments_lexer", lang.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return PageExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, anchor_link_text="")


_IMG_ALT = 'alt="No description has been provided for this image"'
_IMG_NO_ALT = re.compile(r"<img (?![^>]*\balt=)", re.I)
# an element written self-closing (``<a href="#x" />``, as nbconvert writes an empty heading anchor) that is
# not a void element: an HTML parser ignores the slash and leaves it open around everything after it
_VOID = "area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr"
_SELF_CLOSED = re.compile(rf"<(?!(?:{_VOID})\b)([A-Za-z][\w:-]*)((?:\s[^<>]*?)?)\s*/>")


def _refuse_errors(nb) -> None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise ReportError(f"the notebook holds an error output ({out.get('ename')}); not rendering it")


def report_title(template, params: dict) -> str:
    """The page title: the template's title, and who or what the report is about.

    >>> report_title("personal-plan", {"name": "Ana"})
    'Personal plan: Ana'
    """
    info = TEMPLATES.get(template_key(template) or "")
    base = info.title if info else template_label(template)
    who = params.get("name") or params.get("title")
    return f"{base}: {who}" if who else base


def render_html(nb, title: str = "spinelib report") -> str:
    """Render an executed notebook as one self-contained HTML page, without code cells."""
    _refuse_errors(nb)
    body, _ = exporter().from_notebook_node(_prepare(nb))
    body = _IMG_NO_ALT.sub('<img alt="Figure" ', body.replace(_IMG_ALT, 'alt="Figure"'))
    body = _SELF_CLOSED.sub(r"<\1\2></\1>", body)
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"spinelib reports\">\n"
        f"<title>{esc(title)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n"
        f"<body>\n<main class=\"report\">\n{body}\n</main>\n</body>\n</html>\n"
    )
    check_self_contained(page)
    return page


_EXTERNAL = [
    (re.compile(r"<script\b[^>]*\bsrc\s*=", re.I), "a <script src=...>"),
    (re.compile(r"<link\b[^>]*\bhref\s*=", re.I), "a <link href=...>"),
    (re.compile(r"<(?:img|iframe|embed|source|video|audio|object)\b[^>]*\b(?:src|data)\s*=\s*(?![\"']?data:)", re.I),
     "an embedded resource not in a data: URI"),
    (re.compile(r"@import", re.I), "a CSS @import"),
    (re.compile(r"url\(\s*[\"']?(?!data:)(?:https?:)?//", re.I), "a CSS url() from the network"),
]


def check_self_contained(page: str) -> None:
    """Raise :class:`~.templates.ReportError` when the page would load anything from outside itself."""
    for pattern, what in _EXTERNAL:
        m = pattern.search(page)
        if m:
            raise ReportError(f"the HTML would load {what} ({page[m.start():m.start() + 60]!r}); refusing to write it")


# ----- PDF ---------------------------------------------------------------------------------------
def chromium_available() -> bool:
    """True when the Chromium that prints PDFs is installed (see ``CHROMIUM``)."""
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def _print_with_chromium(html_path: Path, tmp: Path, timeout: float) -> None:
    """Run headless Chromium once, printing ``html_path`` into ``tmp``; raise ReportError unless a PDF came out."""
    with tempfile.TemporaryDirectory(prefix="spinelib-chromium-") as profile:
        cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}", html_path.as_uri()]
        try:
            proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ReportError(f"Chromium did not finish printing {html_path.name} within {timeout:g} s") from None
    with open(tmp, "rb") as fh:
        ok = fh.read(5) == b"%PDF-"
    if proc.returncode != 0 or not ok:
        last = (proc.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        raise ReportError(f"Chromium could not print {html_path.name} (exit {proc.returncode}): {last}")


def html_to_pdf(html_path, pdf_path, *, timeout: float = 120) -> Path:
    """Print an HTML file to PDF with the system Chromium (headless); written atomically."""
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    if not Path(CHROMIUM).exists():
        raise ReportError(f"PDF needs Chromium at {CHROMIUM} (Debian package `chromium`; or set SPINELIB_CHROMIUM)")
    tmp = temp_beside(pdf_path, ".pdf")
    try:
        _print_with_chromium(html_path, tmp, timeout)
        os.replace(tmp, pdf_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return pdf_path


# ----- one Chromium for many PDFs ----------------------------------------------------------------
# What ``chromium --headless --print-to-pdf --no-pdf-header-footer`` asks of Page.printToPDF: the
# page's own @page size and margins, backgrounds printed, and no header or footer from Chromium
# (the page numbers and the client's name are the page's own @page margin boxes, see PAGE_CSS and
# ``blocks.header``), so a PDF printed alone and one printed in a batch look the same.
PRINT_TO_PDF = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}
TAB_PAGES = 100  # pages printed in one tab before it is replaced by a new one
# flags of the one-shot command line only: with any of them Chromium runs its own print command and quits
_PRINT_COMMAND_FLAGS = ("--no-pdf-header-footer",)


class _BrowserGone(Exception):
    """The browser process ended or closed its end of the pipe."""


def _reap(pid: int, grace: float) -> None:
    """Wait up to ``grace`` seconds for our Chromium to exit, then kill its process group; reap it."""
    deadline = time.monotonic() + grace
    while True:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # already reaped
            break
        if done:
            break
        if time.monotonic() >= deadline:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            break
        time.sleep(0.02)
    try:  # helpers of the browser that outlived it (they are in the group it leads)
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _shut_browser(pid: int, fds: tuple, profile: str, grace: float) -> None:
    """Close our ends of the pipe (Chromium exits when its pipe closes), reap it, drop its profile folder."""
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass
    _reap(pid, grace)
    shutil.rmtree(profile, ignore_errors=True)


class _Browser:
    """One headless Chromium process and its DevTools pipe (fd 3: commands in, fd 4: replies out)."""

    def __init__(self, chromium: str, timeout: float):
        self.profile = tempfile.mkdtemp(prefix="spinelib-chromium-")
        self.log = os.path.join(self.profile, "stderr.log")
        cmd_r, self.cmd = os.pipe()
        self.res, res_w = os.pipe()
        # the child's ends must not sit on 3 or 4 before they are moved there
        child_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(res_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_r)
        os.close(res_w)
        flags = [f for f in CHROMIUM_FLAGS if f not in _PRINT_COMMAND_FLAGS]
        argv = [chromium, *flags, "--remote-debugging-pipe", f"--user-data-dir={self.profile}"]
        try:
            self.pid = os.posix_spawn(
                chromium, argv, os.environ,
                file_actions=[(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                              (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                              (os.POSIX_SPAWN_OPEN, 2, self.log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                              (os.POSIX_SPAWN_DUP2, child_r, 3), (os.POSIX_SPAWN_DUP2, child_w, 4)],
                setpgroup=0,  # its own process group: its helpers are stopped with it
                setsigdef=(signal.SIGPIPE, signal.SIGINT, signal.SIGTERM, signal.SIGXFSZ))
        except OSError as exc:
            for fd in (self.cmd, self.res):
                os.close(fd)
            shutil.rmtree(self.profile, ignore_errors=True)
            raise ReportError(f"could not start Chromium at {chromium}: {exc.strerror or exc}") from None
        finally:
            os.close(child_r)
            os.close(child_w)
        # stops the browser if this object is dropped without close() (and at interpreter exit)
        self.finalizer = weakref.finalize(self, _shut_browser, self.pid, (self.cmd, self.res), self.profile, 2.0)
        self.buf = bytearray()
        self.events: list[dict] = []
        self.next_id = 0
        self.tab: tuple[str, str | None] | None = None  # (target id, session id) of the printing tab
        self.tab_pages = 0
        try:
            self.call("Browser.getVersion", deadline=time.monotonic() + timeout)
        except BaseException:
            self.kill()
            raise

    # -- the protocol: JSON messages ended by NUL ---------------------------------------------
    def send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self.cmd, data):]
        except OSError:
            raise _BrowserGone() from None
        return self.next_id

    def receive(self, deadline: float) -> dict:
        while True:
            end = self.buf.find(b"\0")
            if end >= 0:
                msg = json.loads(bytes(self.buf[:end]))
                del self.buf[:end + 1]
                return msg
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError()
            ready, _, _ = select.select([self.res], [], [], left)
            if ready:
                chunk = os.read(self.res, 1 << 20)
                if not chunk:
                    raise _BrowserGone()
                self.buf += chunk

    def call(self, method: str, params: dict | None = None, session: str | None = None, *, deadline: float) -> dict:
        msg_id = self.send(method, params, session)
        while True:
            msg = self.receive(deadline)
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise ReportError(f"Chromium refused {method}: {msg['error'].get('message', msg['error'])}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, method: str, session: str, deadline: float) -> dict:
        while True:
            for i, ev in enumerate(self.events):
                if ev.get("sessionId") == session and ev["method"] in (method, "Inspector.targetCrashed"):
                    del self.events[i]
                    if ev["method"] != method:
                        raise ReportError("the Chromium page crashed while loading the report")
                    return ev
            msg = self.receive(deadline)
            if "method" in msg:
                self.events.append(msg)

    def open_tab(self, deadline: float) -> str:
        """A tab for printing (one is kept: a navigation replaces its document); its session id."""
        if self.tab is None or self.tab_pages >= TAB_PAGES:
            self.close_tab()
            target = self.call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)["targetId"]
            self.tab = (target, None)
            sid = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, deadline=deadline)["sessionId"]
            self.tab = (target, sid)
            self.tab_pages = 0
            self.call("Inspector.enable", session=sid, deadline=deadline)
            self.call("Page.enable", session=sid, deadline=deadline)
        return self.tab[1]

    def close_tab(self) -> None:
        tab, self.tab = self.tab, None
        self.events.clear()
        if tab is not None:
            try:
                self.call("Target.closeTarget", {"targetId": tab[0]}, deadline=time.monotonic() + 10)
            except (ReportError, TimeoutError):
                pass

    def print_url(self, url: str, deadline: float) -> bytes:
        """Load ``url`` in the printing tab, wait for its load event, print it. After any failure the tab is dropped."""
        ok = False
        try:
            sid = self.open_tab(deadline)
            self.events.clear()
            nav = self.call("Page.navigate", {"url": url}, session=sid, deadline=deadline)
            if nav.get("errorText"):
                raise ReportError(f"Chromium could not open {url}: {nav['errorText']}")
            self.wait_event("Page.loadEventFired", sid, deadline)
            data = self.call("Page.printToPDF", PRINT_TO_PDF, session=sid, deadline=deadline)["data"]
            self.tab_pages += 1
            ok = True
        finally:
            if not ok and self.tab is not None:
                try:
                    self.close_tab()
                except _BrowserGone:
                    pass
        return base64.b64decode(data)

    def last_error(self) -> str:
        try:
            with open(self.log, encoding="utf-8", errors="replace") as fh:
                lines = [ln.strip() for ln in fh if ln.strip()]
        except OSError:
            lines = []
        return lines[-1] if lines else "no output"

    def close(self, timeout: float = 5.0) -> None:
        if self.finalizer.alive:
            try:
                self.call("Browser.close", deadline=time.monotonic() + timeout)
            except (_BrowserGone, TimeoutError, ReportError, ValueError):
                pass
            self.finalizer.detach()
            _shut_browser(self.pid, (self.cmd, self.res), self.profile, timeout)

    def kill(self) -> None:
        if self.finalizer.alive:
            self.finalizer.detach()
            _shut_browser(self.pid, (self.cmd, self.res), self.profile, 0.0)


class PdfPrinter:
    """One headless Chromium that prints many HTML files to PDF, started on first use.

    ::

        with PdfPrinter() as printer:
            for page in pages:
                printer.print_file(page, page.with_suffix(".pdf"))

    It speaks the DevTools protocol over a pipe (``--remote-debugging-pipe``; nothing listens
    on a port) and prints with the same Chromium, flags and settings as :func:`html_to_pdf`
    (:data:`PRINT_TO_PDF`). Pages are loaded one after another into one tab (a new tab after
    ``TAB_PAGES`` pages or any failure). ``timeout`` bounds each page (seconds),
    ``start_timeout`` the browser's start. A browser that crashed is replaced and the page
    printed again once; one that hangs is killed (the page fails with one line, the next one
    gets a new browser). :meth:`close` stops the browser and every process it started; so
    do leaving the ``with`` block (also on an exception), dropping the printer, and the
    interpreter exiting. If this process is killed outright, Chromium sees its pipe close and
    exits by itself.
    """

    def __init__(self, *, timeout: float = 120, start_timeout: float = 60, chromium: str | None = None):
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.chromium = chromium or CHROMIUM
        self.launches = 0
        self.printed = 0
        self._browser: _Browser | None = None

    def __enter__(self) -> "PdfPrinter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        """The process id of the running browser (``None`` before the first page and after close)."""
        return self._browser.pid if self._browser else None

    def start(self) -> None:
        """Start the browser now (it starts on the first page otherwise)."""
        if self._browser is None:
            if not Path(self.chromium).exists():
                raise ReportError(f"PDF needs Chromium at {self.chromium} (Debian package `chromium`; "
                                  "or set SPINELIB_CHROMIUM)")
            self.launches += 1
            try:
                self._browser = _Browser(self.chromium, self.start_timeout)
            except (_BrowserGone, TimeoutError) as exc:
                raise ReportError(f"Chromium at {self.chromium} did not start "
                                  f"({'timed out' if isinstance(exc, TimeoutError) else 'exited'})") from None

    def pdf_bytes(self, html_path) -> bytes:
        """Print an HTML file; return the PDF."""
        html_path = Path(html_path).resolve()
        if not html_path.is_file():
            raise ReportError(f"no HTML file to print at {html_path}")
        for attempt in (1, 2):
            self.start()
            browser = self._browser
            try:
                data = browser.print_url(html_path.as_uri(), time.monotonic() + self.timeout)
            except _BrowserGone:
                why = browser.last_error()
                self._drop(kill=True)
                if attempt == 2:
                    raise ReportError(f"Chromium could not print {html_path.name} (it exited twice): {why}") from None
                continue
            except TimeoutError:
                self._drop(kill=True)
                raise ReportError(f"Chromium did not finish printing {html_path.name} within {self.timeout:g} s"
                                  ) from None
            except BaseException:  # an interruption: the browser may be mid-command, do not reuse it
                self._drop(kill=True)
                raise
            if not data.startswith(b"%PDF-"):
                raise ReportError(f"Chromium could not print {html_path.name}: no PDF came out")
            self.printed += 1
            return data
        raise AssertionError("unreachable")

    def print_file(self, html_path, pdf_path) -> Path:
        """Print an HTML file to ``pdf_path`` (written atomically, like :func:`html_to_pdf`)."""
        pdf_path = Path(pdf_path)
        data = self.pdf_bytes(html_path)
        tmp = temp_beside(pdf_path, ".pdf")
        try:
            tmp.write_bytes(data)
            os.replace(tmp, pdf_path)
        finally:
            if tmp.exists():
                tmp.unlink()
        return pdf_path

    def _drop(self, kill: bool) -> None:
        browser, self._browser = self._browser, None
        if browser is not None:
            browser.kill() if kill else browser.close()

    def close(self) -> None:
        """Stop the browser and every process it started; remove its profile folder. Safe to call twice."""
        self._drop(kill=False)
