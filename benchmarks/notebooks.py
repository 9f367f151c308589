"""Benchmark: execute every notebook in notebooks/ headless and print per-notebook and total time.

Each notebook runs in its own fresh python3 kernel (nbclient), one after another, from an empty
temporary working directory, as the test suite does. Target on a 2-core machine: total <= 60 s.

    python benchmarks/notebooks.py            # all notebooks
    python benchmarks/notebooks.py 01 02      # only notebooks whose name starts with these
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from spinelib.reports.nbrun import execute_notebook

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 60.0


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    execute_notebook(nb, timeout=300)
    return time.perf_counter() - t0


def main(argv=None) -> int:
    prefixes = tuple(argv if argv is not None else sys.argv[1:])
    paths = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb")) if not prefixes or p.name.startswith(prefixes)]
    if not paths:
        print("no notebooks found")
        return 1
    total, failed = 0.0, []
    print(f"{'notebook':32s} {'seconds':>8s}")
    for p in paths:
        try:
            s = run(p)
        except Exception as exc:  # report and go on: one broken notebook should not hide the others' times
            failed.append(p.name)
            print(f"{p.name:32s} {'FAILED':>8s}  {str(exc).strip().splitlines()[0][:100]}")
            continue
        total += s
        print(f"{p.name:32s} {s:8.1f}")
    verdict = "within" if total <= TARGET_S else "OVER"
    print(f"{'total (' + str(len(paths) - len(failed)) + ' notebooks)':32s} {total:8.1f}   target <= {TARGET_S:.0f} s: {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
