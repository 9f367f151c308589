"""Build the workbook's static book site (Jupyter Book 1.x), offline.

    python book/build.py [--out build/book] [--only 00_start_here ...] [--no-execute]

1. copy the chapters listed in ``book/_toc.yml`` (lessons from ``notebooks/``, guides from
   ``docs/``) with the book config into ``OUT/src``, keeping their relative layout, so the
   notebooks' links (``../docs/glossary.md``) resolve in the site;
2. run each notebook top to bottom with the workbook's runner (``spinelib.reports.nbrun``);
3. replace each widget's output by a static snapshot of what it drew (its images, tables and text,
   without the test markers) and drop the widget state, so the site needs no widget JavaScript
   from a CDN;
4. ``jupyter-book build OUT/src --path-output OUT``; the site is ``OUT/_build/html``.

``--only`` builds a small book (the given notebooks plus the guides); the tests use it.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = Path(__file__).resolve().parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
NOTE = ("<p class='spinelib-snapshot'><i>A snapshot of this widget at its starting settings. Open the "
        "notebook in JupyterLab to change it.</i></p>")


def chapters(toc: dict) -> list[str]:
    """The files of a jb-book table of contents, root first."""
    return [toc["root"], *(c["file"] for c in toc.get("chapters", []))]


def _refs(state: dict, value) -> list[str]:
    if isinstance(value, str) and value.startswith("IPY_MODEL_"):
        return [value[len("IPY_MODEL_"):]]
    if isinstance(value, list):
        return [r for v in value for r in _refs(state, v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _refs(state, v)]
    return []


def widget_snapshot(state: dict, model_id: str, seen=None) -> list[dict]:
    """The outputs every Output widget under ``model_id`` holds (depth first), markers left out."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state:
        return []
    seen.add(model_id)
    model = state[model_id]
    if model.get("model_name") == "OutputModel":
        outs = []
        for o in model["state"].get("outputs", []):
            if o.get("metadata", {}).get("spinelib", {}).get("marker") is not None:
                continue  # a test marker, never shown
            if o.get("output_type") == "stream":
                continue
            outs.append(o)
        return outs
    if model.get("model_name") == "HTMLModel":
        value = model["state"].get("value", "")
        return [{"output_type": "display_data", "data": {"text/html": value}, "metadata": {}}] if value else []
    return [o for ref in _refs(state, model["state"]) for o in widget_snapshot(state, ref, seen)]


def snapshot_widgets(nb) -> None:
    """Replace every widget output by its static snapshot; drop the widget state."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs = []
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if WIDGET_VIEW in data:
                snap = widget_snapshot(state, data[WIDGET_VIEW]["model_id"])
                outs.append(nbformat.from_dict({"output_type": "display_data", "data": {"text/html": NOTE},
                                                "metadata": {}}))
                outs += [nbformat.from_dict({"output_type": "display_data", "data": s.get("data", {}),
                                             "metadata": s.get("metadata", {})}) for s in snap]
            else:
                outs.append(o)
        cell.outputs = outs
    nb.metadata.pop("widgets", None)


def execute(nb, cwd: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from spinelib.reports.nbrun import drop_ipc_dir, polling_client_class

    client = polling_client_class()(nb, kernel_name="python3", timeout=600,
                                    resources={"metadata": {"path": str(cwd)}})
    try:
        client.execute()
    finally:
        drop_ipc_dir()


def build(out: Path, only=None, run: bool = True) -> Path:
    t0 = time.perf_counter()
    src = out / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text())
    files = chapters(toc)
    if only:
        keep = [f for f in files if f.startswith("docs/") or Path(f).name in only]
        toc = {"format": toc["format"], "root": keep[0], "chapters": [{"file": f} for f in keep[1:]]}
        files = keep
    (src / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False))
    shutil.copy(BOOK / "_config.yml", src / "_config.yml")
    for f in files:
        if f.startswith("notebooks/"):
            nb = nbformat.read(ROOT / f"{f}.ipynb", as_version=4)
            if run:
                (src / "notebooks").mkdir(parents=True, exist_ok=True)
                execute(nb, src / "notebooks")
            snapshot_widgets(nb)
            target = src / f"{f}.ipynb"
        else:
            target = src / f"{f}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        if f.startswith("notebooks/"):
            nbformat.write(nb, target)
        else:
            text = (ROOT / f"{f}.md").read_text()
            # links to files outside the book (source code, other docs) point at nothing in the site
            text = re.sub(r"\]\((?!https?:|#)([^)]+)\)", lambda m: _keep_link(m, f, files), text)
            target.write_text(text)
    # links from a notebook to a doc or notebook outside this book become plain text
    for f in files:
        if f.startswith("notebooks/"):
            p = src / f"{f}.ipynb"
            nb = nbformat.read(p, as_version=4)
            for c in nb.cells:
                if c.cell_type == "markdown":
                    c.source = re.sub(r"\]\((?!https?:)([^)#]+)(#[^)]*)?\)", lambda m: _keep_link(m, f, files), c.source)
            nbformat.write(nb, p)
    subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", str(src), "--path-output", str(out),
                    "--quiet"], check=True)
    print(f"book: {out / '_build' / 'html' / 'index.html'} in {time.perf_counter() - t0:.0f} s")
    return out / "_build" / "html"


def _keep_link(m, here: str, files) -> str:
    """A link kept when its target is a page of this book; else its text only (a dead link helps nobody)."""
    target = m.group(1)
    anchor = m.group(2) if m.lastindex and m.lastindex >= 2 and m.group(2) else ""
    resolved = (Path(here).parent / target).as_posix()
    parts = []
    for part in resolved.split("/"):
        if part == "..":
            parts and parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    stem = re.sub(r"\.(ipynb|md)$", "", "/".join(parts))
    if stem in files:
        return f"]({target}{anchor.lower()})"  # Sphinx heading ids are lower case
    return "]" + "(#)" if False else "]"  # text only: the caller's "[" and text stay


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "build" / "book"))
    ap.add_argument("--only", nargs="*", help="notebook stems to include (a small book)")
    ap.add_argument("--no-execute", action="store_true")
    a = ap.parse_args(argv)
    build(Path(a.out), only=a.only, run=not a.no_execute)


if __name__ == "__main__":
    main()
