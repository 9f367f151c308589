"""Report pages: self-contained HTML and the PDF printed by Chromium."""
from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

from spinelib import reports
from spinelib.reports import ReportError
from spinelib.reports.pages import CSP, PAGE_CSS

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                    reason="no /usr/bin/chromium (CI never skips: it installs chromium)")


def test_tiny_html_is_self_contained(tiny):
    "html: no traceback, no input code, embedded PNG, nothing from the network"
    page = tiny.html.read_text(encoding="utf-8")
    assert "Tiny report for Zed" in page
    assert "Traceback" not in page and "plt.subplots" not in page and "import matplotlib" not in page
    assert 'src="data:image/png;base64,' in page
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "Content-Security-Policy" in page and "@media print" in page
    reports.check_self_contained(page)


def test_check_self_contained_rejects_network():
    "html: a script, stylesheet, font or image from the network is refused"
    for bad in ('<script src="https://cdn.x/require.js"></script>', '<link rel="stylesheet" href="https://f/x.css">',
                "<style>@import url(https://fonts.googleapis.com/css)</style>", '<img src="http://x/y.png">',
                "<style>body{background:url(//x/y.png)}</style>"):
        with pytest.raises(ReportError):
            reports.check_self_contained(bad)
    reports.check_self_contained('<img src="data:image/png;base64,AAAA"><a href="https://doi.org/x">doi</a>')


def test_render_html_page_and_refusals():
    "html: the page carries the stylesheet and policy, escapes its title, drops hidden cells; an error output is refused"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("Shown text"),
                nbformat.v4.new_markdown_cell("Hidden text", metadata={"tags": ["remove-cell"]}),
                nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", name="stderr", text="noise")])]
    page = reports.render_html(nb, title="<Ana & Ben>")
    assert "<title>&lt;Ana &amp; Ben&gt;</title>" in page and PAGE_CSS in page and CSP in page
    assert "Shown text" in page and "Hidden text" not in page and "noise" not in page
    nb.cells.append(nbformat.v4.new_code_cell("y", outputs=[nbformat.v4.new_output("error", ename="ValueError",
                                                                                    evalue="bad", traceback=[])]))
    with pytest.raises(ReportError, match="error output"):
        reports.render_html(nb)


def test_every_image_has_alternative_text():
    "html: every image of the page carries alternative text, whether its output gave one or not"
    import base64
    import re

    png = base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("f", outputs=[nbformat.v4.new_output(
                    "display_data", data={"image/png": png, "text/plain": "<Figure>"})]),
                nbformat.v4.new_code_cell("g", outputs=[nbformat.v4.new_output(
                    "display_data", data={"text/html": f'<p><img src="data:image/png;base64,{png}"></p>'})])]
    page = reports.render_html(nb)
    imgs = re.findall(r"<img\b[^>]*>", page)
    assert len(imgs) == 2 and all('alt="Figure"' in tag for tag in imgs), imgs
    assert "No description has been provided" not in page


def test_no_element_is_left_open_by_a_self_closing_tag():
    "html: an empty heading anchor (written <a ... />) is closed, so it does not swallow the rest of the page"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("## A heading\n\nAfter it."),
                nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
                    "display_data", data={"text/html": '<svg viewBox="0 0 2 2"><path d="M0 0H2"/></svg><br/>'})])]
    page = reports.render_html(nb)
    assert re.search(r'<a class="anchor-link" href="#A-heading"></a>', page), page
    assert "<path d=\"M0 0H2\"></path>" in page and "<br/>" in page
    assert not re.search(r"<(?!(?:br|img|hr|meta|input|link|wbr|col|area|base|embed|source|track)\b)[a-z]+[^<>]*/>", page)


@needs_chromium
def test_tiny_pdf(tiny, pdf_text, leftovers):
    "pdf: Chromium prints one page holding the report text"
    pages, text = pdf_text(tiny.pdf)
    assert pages == 1 and "Tiny report for Zed" in text
    assert leftovers(tiny.pdf.parent) == []
