"""Contact sheets of the exercise drawings: one PNG per category, to look at every drawing at once.

    python scripts/contact_sheets.py [--out build/contact_sheets] [--size 150] [--svg]

Each sheet is an HTML page of the category's drawings (inline SVG, with the name and id under
each) screenshotted by headless Chromium (``SPINELIB_CHROMIUM`` or /usr/bin/chromium). ``--svg``
also writes each drawing as its own ``.svg`` file. Without Chromium the HTML pages are still written.
"""
from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from spinelib.catalogue import CATEGORIES, load_catalogue
from spinelib.drawing import figure_html, svg
from spinelib.render import esc

ROOT = Path(__file__).resolve().parents[1]
COLUMNS = 3
CARD_W = 470


def sheet_html(category: str, rows, size: int) -> str:
    cards = "".join(
        f'<div class="card">{figure_html(r.id, zoom=1.7, max_height=size)}<div class="name">{esc(r.name)}</div>'
        f'<div class="id">{esc(r.id)} &middot; {esc(r.position)} &middot; {esc(", ".join(r.equipment))}</div></div>'
        for r in rows)
    return (f"<!doctype html><meta charset='utf-8'><title>{esc(category)}</title><style>"
            f"body{{margin:12px;font:13px 'DejaVu Sans',sans-serif;background:#fff}}"
            f".grid{{display:grid;grid-template-columns:repeat({COLUMNS},{CARD_W}px);gap:10px}}"
            f".card{{border:1px solid #ccc;padding:6px;height:{size + 44}px;overflow:hidden}}"
            f".card svg{{display:block;margin:auto;max-width:100%;height:auto}}.name{{font-weight:bold}}.id{{color:#555;font-size:11px}}"
            f"h1{{font-size:18px;margin:0 0 8px}}</style>"
            f"<h1>{esc(category.replace('_', ' '))} ({len(rows)} exercises)</h1><div class='grid'>{cards}</div>")


def screenshot(html: Path, png: Path, width: int, height: int, chromium: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={width},{height}",
                        "--default-background-color=ffffffff", html.resolve().as_uri()],
                       check=True, capture_output=True, timeout=120)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "build" / "contact_sheets"))
    ap.add_argument("--size", type=int, default=170, help="largest drawing height in pixels")
    ap.add_argument("--svg", action="store_true", help="also write one .svg file per exercise")
    ap.add_argument("--category", choices=CATEGORIES, action="append")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cat = load_catalogue()
    chromium = os.environ.get("SPINELIB_CHROMIUM", "/usr/bin/chromium")
    have = shutil.which(chromium) or Path(chromium).is_file()
    for c in args.category or CATEGORIES:
        rows = list(cat[cat["category"] == c].itertuples())
        html = out / f"{c}.html"
        html.write_text(sheet_html(c, rows, args.size), encoding="utf-8")
        if args.svg:
            for r in rows:
                (out / f"{r.id}.svg").write_text(svg(r.id), encoding="utf-8")
        if have:
            height = 50 + math.ceil(len(rows) / COLUMNS) * (args.size + 66)
            screenshot(html, out / f"{c}.png", 24 + COLUMNS * (CARD_W + 10), height, chromium)
            print(out / f"{c}.png")
        else:
            print(f"{html} (no Chromium: no PNG)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
