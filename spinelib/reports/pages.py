"""Render an executed report notebook as one self-contained HTML page, and print it to PDF.

The page holds no code cells (nbconvert ``HTMLExporter(exclude_input=True)``), is wrapped in our
own print-friendly stylesheet, and loads nothing from outside itself: images are ``data:`` URIs
and a Content-Security-Policy forbids any script, font or stylesheet from the network
(:func:`check_self_contained` refuses a page that would). :func:`html_to_pdf` prints it with the
system Chromium (Debian package ``chromium``; ``SPINELIB_CHROMIUM`` points elsewhere).
"""
from __future__ import annotations

import copy
import functools
import html
import os
import re
import subprocess
import tempfile
from pathlib import Path

from ..atomic import temp_beside
from .templates import ReportError

__all__ = ["PAGE_CSS", "CSP", "CHROMIUM", "CHROMIUM_FLAGS", "exporter", "render_html", "check_self_contained",
           "html_to_pdf", "chromium_available"]

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
@page { size: A4; margin: 14mm 13mm 16mm; }
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
    """The one nbconvert HTML exporter (built once per process: a batch's forked workers inherit it)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, anchor_link_text="")


_IMG_ALT = 'alt="No description has been provided for this image"'


def _refuse_errors(nb) -> None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise ReportError(f"the notebook holds an error output ({out.get('ename')}); not rendering it")


def render_html(nb, title: str = "spinelib report") -> str:
    """Render an executed notebook as one self-contained HTML page, without code cells."""
    _refuse_errors(nb)
    body, _ = exporter().from_notebook_node(_prepare(nb))
    body = body.replace(_IMG_ALT, 'alt="Figure"')
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"spinelib reports\">\n"
        f"<title>{html.escape(title)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n"
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
