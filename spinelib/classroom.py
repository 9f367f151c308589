"""The classroom edition, derived from the lesson notebooks (the one source of truth).

Exercises are structural: a ``### Exercise <id>`` markdown cell, then a check cell
(``answer = ...`` / ``check('<id>', answer)``), then a solution cell tagged ``solution``. In a
lesson, the solution is a collapsed markdown block (``<details>``), so Run All never executes or
shows it. From a lesson this module derives

- :func:`student_edition`: the lesson without its solution cells, outputs cleared;
- :func:`answer_key`: the lesson with every solution turned into a code cell that runs and checks;
- :func:`grade_folder`: runs each submitted student notebook in a fresh kernel and, after each
  check cell, records ``spinelib.check(<id>, answer)`` in a grading cell the student never saw,
  so the grade comes from the checker, not from what the notebook printed.

Why not otter-grader or nbgrader: both keep their own copy of every test (otter's ``# TEST``
cells, nbgrader's autograder cells and its course database), which would be a second source of
truth next to :mod:`spinelib.checks`, whose checkers already explain every wrong answer. The
derivation here is a few nbformat cell filters, the same shape as Allen Downey's solution-stripping
script (see docs/teaching.md).
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import nbformat

from .atomic import atomic_write
from .reports.nbrun import drop_ipc_dir, polling_client_class

__all__ = ["is_solution", "solution_code", "student_edition", "answer_key", "exercise_ids", "build_editions",
           "grade_notebook", "grade_folder", "GRADE_COLUMNS", "SOLUTION_TAG"]

SOLUTION_TAG = "solution"
GRADE_COLUMNS = ["student", "notebook", "question", "correct", "points", "feedback"]
_EXERCISE = re.compile(r"#{2,4} Exercise\s+(\S+)")
_FENCE = re.compile(r"```(?:python)?\n(.*?)\n```", re.S)
_RESULT_TAG = "spinelib-grade"


def is_solution(cell) -> bool:
    """A solution cell: tagged ``solution``, or a code cell whose first line is ``# Solution``."""
    if SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
        return True
    return cell.get("cell_type") == "code" and cell.get("source", "").lstrip().lower().startswith("# solution")


def solution_code(cell) -> str:
    """The code of a solution cell (a code cell's source, or the fenced code of a markdown one)."""
    if cell.cell_type == "code":
        return cell.source
    blocks = _FENCE.findall(cell.source)
    if not blocks:
        raise ValueError(f"solution cell {cell.get('id', '?')} holds no ```python block")
    return "\n".join(blocks)


def exercise_ids(nb) -> list[str]:
    """The exercise ids of a notebook, in order."""
    return [m.group(1) for c in nb.cells if c.cell_type == "markdown" for m in [_EXERCISE.match(c.source)] if m]


def _clean(nb):
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    nb.metadata.pop("widgets", None)
    return nb


def student_edition(nb):
    """A copy of ``nb`` without solution cells and outputs, marked ``spinelib.edition = student``."""
    out = nbformat.from_dict(json.loads(json.dumps(nb)))
    out.cells = [c for c in out.cells if not is_solution(c)]
    out.metadata["spinelib"] = {"edition": "student"}
    return _clean(out)


def answer_key(nb):
    """A copy of ``nb`` whose solution cells are code cells (tagged ``solution``) that run and check."""
    out = nbformat.from_dict(json.loads(json.dumps(nb)))
    cells = []
    for c in out.cells:
        if is_solution(c):
            code = nbformat.v4.new_code_cell("# Solution\n" + solution_code(c).strip())
            code.metadata["tags"] = [SOLUTION_TAG]
            cells.append(code)
        else:
            cells.append(c)
    out.cells = cells
    out.metadata["spinelib"] = {"edition": "answer-key"}
    return _clean(out)


def build_editions(notebooks, out_dir) -> dict[str, list[Path]]:
    """Write ``student/`` and ``answer-key/`` editions of ``notebooks`` into ``out_dir``."""
    out_dir = Path(out_dir)
    written = {"student": [], "answer-key": []}
    for path in map(Path, notebooks):
        nb = nbformat.read(path, as_version=4)
        for edition, make in (("student", student_edition), ("answer-key", answer_key)):
            target = out_dir / edition / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, nbformat.writes(make(nb)) + "\n")
            written[edition].append(target)
    return written


def _grading_cell(ex_id: str):
    code = ("import json as _json, spinelib.checks as _sc\n"
            f"_r = _sc.check({ex_id!r}, globals().get('answer'))\n"
            "print('SPINELIB-GRADE ' + _json.dumps({'id': _r.exercise_id, 'correct': _r.correct, "
            "'message': _r.message}))")
    cell = nbformat.v4.new_code_cell(code)
    cell.metadata["tags"] = [_RESULT_TAG]
    return cell


def _with_grading_cells(nb):
    """After each exercise's check cell (the code cell after ``### Exercise <id>``), a grading cell."""
    cells, pending = [], None
    for c in nb.cells:
        if is_solution(c):  # a submission never runs a solution that was left in
            continue
        cells.append(c)
        if c.cell_type == "markdown":
            m = _EXERCISE.match(c.source)
            pending = m.group(1) if m else pending
        elif c.cell_type == "code" and pending:
            cells.append(_grading_cell(pending))
            pending = None
    nb.cells = cells
    return nb


def grade_notebook(path, *, timeout: int = 300, workdir=None) -> list[dict]:
    """Run one submitted notebook in a fresh kernel and return one row per exercise
    (``question``, ``correct``, ``points``, ``feedback``). A cell that raises does not stop the run:
    its exercise is marked wrong with the error as feedback."""
    path = Path(path)
    nb = _with_grading_cells(_clean(nbformat.read(path, as_version=4)))
    ids = exercise_ids(nb)
    client = polling_client_class()(nb, kernel_name="python3", timeout=timeout, allow_errors=True,
                                    resources={"metadata": {"path": str(workdir or path.parent)}})
    try:
        client.execute()
    finally:
        drop_ipc_dir()
    found = {}
    for c in nb.cells:
        if _RESULT_TAG not in c.metadata.get("tags", []):
            continue
        for o in c.get("outputs", []):
            if o.get("output_type") == "stream":
                for line in o.get("text", "").splitlines():
                    if line.startswith("SPINELIB-GRADE "):
                        r = json.loads(line[len("SPINELIB-GRADE "):])
                        found[r["id"]] = r
            elif o.get("output_type") == "error":
                pass
    rows = []
    for ex_id in ids:
        r = found.get(ex_id)
        if r is None:
            rows.append({"question": ex_id, "correct": False, "points": 0,
                         "feedback": "Not graded: the notebook stopped before this exercise."})
        else:
            rows.append({"question": ex_id, "correct": bool(r["correct"]), "points": int(bool(r["correct"])),
                         "feedback": r["message"]})
    return rows


def grade_folder(folder, out_csv, *, timeout: int = 300) -> list[dict]:
    """Grade every ``*.ipynb`` under ``folder`` (one file per student and notebook; the student is the
    file's parent folder name when it is not ``folder`` itself, else the file stem) into ``out_csv``:
    one row per question with the checker's feedback, then one ``TOTAL`` row per student and notebook."""
    folder, rows = Path(folder), []
    for path in sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts):
        student = path.parent.name if path.parent != folder else path.stem
        nb_name = _lesson_name(path)
        graded = grade_notebook(path, timeout=timeout)
        for r in graded:
            rows.append({"student": student, "notebook": nb_name, **r})
        rows.append({"student": student, "notebook": nb_name, "question": "TOTAL",
                     "correct": "", "points": sum(r["points"] for r in graded),
                     "feedback": f"{sum(r['points'] for r in graded)} of {len(graded)}"})
    out_csv = Path(out_csv)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=GRADE_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    atomic_write(out_csv, buf.getvalue())
    return rows


def _lesson_name(path: Path) -> str:
    """The lesson a submission belongs to: its ``NN_name`` stem (a student's suffix is dropped)."""
    m = re.match(r"(\d\d_[a-z_]+?)(?:[-_. ](?:student|submitted|[A-Z].*|\d+))?$", path.stem)
    return m.group(1) if m else path.stem
