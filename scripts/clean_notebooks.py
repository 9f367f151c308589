#!/usr/bin/env python
"""Strip outputs, execution counts and widget state from notebooks; set the python3 kernelspec.

Usage:
    python scripts/clean_notebooks.py                 # clean every notebooks/*.ipynb in place
    python scripts/clean_notebooks.py a.ipynb b.ipynb # clean these
    python scripts/clean_notebooks.py --check         # change nothing; exit 1 if any is not clean

Cell tags, cell ids and ``jupyter.source_hidden`` (collapsed solutions) are kept.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python"}
_CELL_META_DROP = ("execution", "ExecuteTime", "scrolled", "widgets")
_NB_META_DROP = ("widgets", "papermill", "vscode", "toc", "varInspector")


def clean(nb) -> bool:
    """Clean a notebook object in place; return True when something changed."""
    before = nbformat.writes(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in _CELL_META_DROP:
            cell.metadata.pop(key, None)
    for key in _NB_META_DROP:
        nb.metadata.pop(key, None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    return nbformat.writes(nb) != before


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument("--check", action="store_true", help="report notebooks that are not clean; change nothing")
    args = ap.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    paths = args.paths or sorted((root / "notebooks").glob("*.ipynb"))
    dirty = []
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        if clean(nb):
            dirty.append(p)
            if not args.check:
                nbformat.write(nb, p)
    verb = "not clean" if args.check else "cleaned"
    for p in dirty:
        print(f"{verb}: {p}")
    if not dirty:
        print(f"all {len(paths)} notebook(s) clean")
    return 1 if (args.check and dirty) else 0


if __name__ == "__main__":
    sys.exit(main())
