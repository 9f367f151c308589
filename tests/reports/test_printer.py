"""One Chromium for many PDFs (pages.PdfPrinter): the same PDFs as html_to_pdf, one browser, none left behind.

The reference PDFs are the shared fixtures' (``tiny``, ``plan``, ``comparison``), each printed by
:func:`spinelib.reports.html_to_pdf` with a Chromium of its own.
"""
from __future__ import annotations

import gc
import os
import signal
import time
from pathlib import Path

import pytest

from spinelib.reports import ReportError
from spinelib.reports.pages import PdfPrinter

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                reason="no /usr/bin/chromium (CI never skips: it installs chromium)")


def _live(pgid: int) -> list[int]:
    """Processes of the browser's process group still running (zombies waiting for init do not count)."""
    import psutil

    out = []
    for p in psutil.process_iter(["pid", "status"]):
        try:
            if os.getpgid(p.info["pid"]) == pgid and p.info["status"] != psutil.STATUS_ZOMBIE:
                out.append(p.info["pid"])
        except (ProcessLookupError, psutil.Error):
            pass
    return out


def _none_left(pgid: int) -> bool:
    """True once no process of the group runs (SIGKILLed processes take a moment to be gone)."""
    for _ in range(100):
        if not _live(pgid):
            return True
        time.sleep(0.1)
    return False


def _pdf(data: bytes) -> tuple[int, str]:
    from io import BytesIO

    from pypdf import PdfReader

    r = PdfReader(BytesIO(data))
    return len(r.pages), "\n".join(p.extract_text() or "" for p in r.pages)


def test_one_browser_prints_every_pdf_like_html_to_pdf(tiny, plan, comparison, pdf_text, tmp_path, leftovers):
    "pdf: one Chromium prints all the reports; page count and text equal html_to_pdf's; nothing left after close"
    with PdfPrinter() as printer:
        for rep in (tiny, plan, comparison, plan):
            out = printer.print_file(rep.html, tmp_path / f"{rep.html.stem}.pdf")
            assert pdf_text(out) == pdf_text(rep.pdf)
        pid, profile = printer.pid, printer._browser.profile
        assert printer.launches == 1 and printer.printed == 4
    assert printer.pid is None and _none_left(pid) and not Path(profile).exists()
    assert leftovers(tmp_path) == []


def test_crashed_browser_is_restarted(tiny, pdf_text):
    "crash: a browser that died is replaced and the page printed anyway"
    with PdfPrinter() as printer:
        first = printer.pdf_bytes(tiny.html)
        old = printer.pid
        os.kill(old, signal.SIGKILL)
        assert _pdf(printer.pdf_bytes(tiny.html)) == _pdf(first) == pdf_text(tiny.pdf)
        assert printer.launches == 2 and printer.pid != old
        new = printer.pid
    assert _none_left(old) and _none_left(new)


def test_hung_browser_fails_one_page_and_is_replaced(tiny):
    "hang: a browser that does not answer fails that page with one line, is killed, the next page gets a new one"
    with PdfPrinter(timeout=3) as printer:
        printer.start()
        hung = printer.pid
        os.killpg(hung, signal.SIGSTOP)
        with pytest.raises(ReportError, match="did not finish printing tiny.html within 3 s") as exc:
            printer.pdf_bytes(tiny.html)
        assert "\n" not in str(exc.value) and printer.pid is None and _none_left(hung)
        printer.timeout = 120
        assert printer.pdf_bytes(tiny.html).startswith(b"%PDF-") and printer.launches == 2


def test_browser_stops_on_exception_and_when_dropped(tiny):
    "cleanup: leaving the block on an exception, or dropping the printer unclosed, stops the browser"
    with pytest.raises(ValueError):
        with PdfPrinter() as printer:
            printer.pdf_bytes(tiny.html)
            pid = printer.pid
            raise ValueError("the batch fails")
    assert _none_left(pid)
    dropped = PdfPrinter()
    dropped.start()
    pid, profile = dropped.pid, dropped._browser.profile
    del dropped
    gc.collect()
    assert _none_left(pid) and not Path(profile).exists()


def test_printer_refusals_are_one_line(tmp_path):
    "errors: a missing HTML file or a missing Chromium is one line, and starts nothing"
    with PdfPrinter() as printer:
        with pytest.raises(ReportError, match="no HTML file to print"):
            printer.pdf_bytes(tmp_path / "nope.html")
        assert printer.launches == 0
    (tmp_path / "a.html").write_text("<p>x</p>")
    with PdfPrinter(chromium=str(tmp_path / "no-chromium")) as printer:
        with pytest.raises(ReportError, match="PDF needs Chromium at"):
            printer.pdf_bytes(tmp_path / "a.html")
