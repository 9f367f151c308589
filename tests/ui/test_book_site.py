"""The book site (book/build.py, `make book`): a small book (notebook 00, 04 and the guides) is built, then
opened from disk in headless Chromium with the network blocked: every page loads, every figure decodes,
every link inside the site resolves, and nothing is requested from the network."""
from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book"))
import build as book  # noqa: E402  (book/build.py)

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not shutil.which("jupyter-book", path=str(Path(sys.executable).parent)):
        pytest.skip("jupyter-book is not installed (pip install -e '.[test]')")
    out = tmp_path_factory.mktemp("book")
    t0 = time.perf_counter()
    html = book.build(out, only=["00_start_here", "04_structured_load"])
    print(f"small book built in {time.perf_counter() - t0:.0f} s")
    return html


def test_book_holds_the_lessons_and_guides_without_cdn_scripts(site):
    """book: the pages exist; no page loads a script or stylesheet from the network; widget outputs became
    static snapshots without test markers."""
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)
    names = {p.relative_to(site).as_posix() for p in pages}
    assert {"notebooks/00_start_here.html", "notebooks/04_structured_load.html", "docs/glossary.html",
            "docs/teaching.html"} <= names
    for p in pages:
        text = p.read_text(errors="replace")
        for attr in ("src=\"http", "src='http", "<link rel=\"stylesheet\" href=\"http"):
            assert attr not in text, f"{p.name}: loads {attr}... from the network"
    lesson = (site / "notebooks" / "04_structured_load.html").read_text()
    assert "A snapshot of this widget" in lesson and "spinelib-marker" not in lesson
    assert "rendered:" not in lesson and "Show a solution" in lesson


def test_every_page_loads_offline_with_figures_and_links(site, page):
    """book in Chromium, network blocked: each page loads, each image decodes, each in-site link resolves."""
    external = []

    def route(r):
        if r.request.url.startswith("file://"):
            return r.continue_()
        external.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)
    checked_images = 0
    for p in pages:
        if p.name in ("genindex.html", "search.html"):
            continue
        if p.name == "index.html" and p.parent == site:  # a redirect to the first page
            import re

            target = re.search(r'url=([^"]+)"', p.read_text()).group(1)
            assert (site / target).exists(), f"index.html redirects to a missing {target}"
            continue
        page.goto(p.as_uri())
        page.wait_for_load_state("load")
        assert page.title(), f"{p}: no title"
        broken = page.evaluate("""() => [...document.images]
            .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)""")
        assert not broken, f"{p.name}: images that do not decode: {broken[:3]}"
        checked_images += page.evaluate("document.images.length")
        for href in page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"):
            u = urlparse(href)
            if u.scheme != "file":
                continue
            target = Path(unquote(u.path))
            assert target.exists(), f"{p.name}: link to a missing page {href}"
    assert checked_images > 0, "no figure in the site"
    assert not external, f"requests to the network: {external[:5]}"
