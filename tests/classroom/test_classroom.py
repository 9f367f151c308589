"""The classroom edition: student copies hold no solution or answer, the answer key runs its
solutions, and grading a folder of submissions gives the expected CSV."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from spinelib import classroom
from spinelib.checks import EXERCISES
from spinelib.reports import cli

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted(p for p in (ROOT / "notebooks").glob("0[0-7]_*.ipynb"))  # 00-06 and 07 (trust the model)
HERE = Path(__file__).resolve().parent
CHECK_MODULES = ["start_here", "micro_strength", "calm_first", "transitions", "structured_load", "consistency",
                 "build_your_routine", "trust"]


def _solutions(nb) -> list[str]:
    return [classroom.solution_code(c) for c in nb.cells if classroom.is_solution(c)]


def _answer_lines(nb) -> list[str]:
    """The `answer = <something>` lines of a lesson's solutions (the answers themselves)."""
    lines = []
    for code in _solutions(nb):
        lines += [ln.strip() for ln in code.splitlines() if re.match(r"\s*answer\s*=\s*(?!\.\.\.)", ln)]
    return lines


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_student_edition_has_no_solution_or_answer(path):
    """student edition: no solution cell, no `# Solution`, no <details> block, none of the solutions' answer lines."""
    nb = nbformat.read(path, as_version=4)
    answers = _answer_lines(nb)
    assert answers, f"{path.name}: no solutions found"
    student = classroom.student_edition(nb)
    text = "\n".join(c.source for c in student.cells)
    assert not any(classroom.is_solution(c) for c in student.cells)
    assert "# Solution" not in text and "<details>" not in text
    for line in answers:
        assert line not in text, f"{path.name}: the student edition holds the answer line {line!r}"
    assert student.metadata["spinelib"]["edition"] == "student"
    assert all(c.get("outputs", []) == [] for c in student.cells if c.cell_type == "code")
    assert classroom.exercise_ids(student) == classroom.exercise_ids(nb)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_answer_key_runs_every_solution(path):
    """answer key: every solution is a code cell tagged solution, right after its exercise's check cell."""
    nb = nbformat.read(path, as_version=4)
    key = classroom.answer_key(nb)
    sols = [c for c in key.cells if classroom.is_solution(c)]
    assert len(sols) == len(classroom.exercise_ids(nb))
    assert all(c.cell_type == "code" and "check(" in c.source for c in sols)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_hints_do_not_give_the_answer(path):
    """hints: no hint of a lesson's exercises holds the code or the value of one of its solutions."""
    nb = nbformat.read(path, as_version=4)
    for code in _solutions(nb):
        for ln in code.splitlines():
            m = re.match(r"\s*answer\s*=\s*(.+)", ln)
            if not m:
                continue
            value = m.group(1).split("#")[0].strip()
            for ex in EXERCISES.values():
                if path.stem.startswith(ex.notebook) and len(value) > 2:
                    assert value not in ex.hint, f"{ex.id}: the hint holds the answer {value!r}"


@pytest.mark.parametrize("module", CHECK_MODULES)
def test_checks_hold_no_plain_answers(module):
    """checks modules: choices and True/False answers are salted digests, never `expect_choice("weak"` or
    `expect_bool(False`."""
    src = (ROOT / "spinelib" / "checks" / f"{module}.py").read_text()
    assert not re.search(r"expect_choice\(|expect_bool\(", src), f"{module}: a plain-text answer"


def _submission(nb, answers: dict[str, str]):
    """A student edition of ``nb`` with ``answers`` (exercise id -> the code replacing ``answer = ...``)."""
    sub = classroom.student_edition(nb)
    for c in sub.cells:
        for ex_id, code in answers.items():
            if c.cell_type == "code" and f"check('{ex_id}'" in c.source:
                c.source = c.source.replace("answer = ...", code)
    return sub


def test_grade_folder_gives_the_expected_csv(tmp_path):
    """grading: three submissions (all right; one missing and one wrong; a faked 'Right.' with a wrong answer)
    give the expected CSV, with feedback on every row."""
    nb = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", as_version=4)
    subs = tmp_path / "submissions"
    screen_ok = 'answer = spinelib.screen_red_flags({q: "no" for q in spinelib.RED_FLAG_QUESTIONS})'
    cases = {
        "ana": {"00-screen": screen_ok, "00-next": "answer = 6"},
        "bo": {"00-next": "answer = 3"},
        "cy": {"00-screen": 'answer = {"fever_unwell": "yes"}\nprint("Right.")\ncheck = lambda *a: "Right."',
               "00-next": "answer = '06'"},
    }
    for student, answers in cases.items():
        (subs / student).mkdir(parents=True)
        nbformat.write(_submission(nb, answers), subs / student / "00_start_here.ipynb")
    out = tmp_path / "grades.csv"
    r = CliRunner().invoke(cli.main, ["classroom", "--grade", str(subs), "--grades", str(out)],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "ana 00_start_here: 2 of 2" in r.output
    rows = list(csv.DictReader(out.open()))
    expected = list(csv.DictReader((HERE / "expected_grades.csv").open()))
    assert [{k: row[k] for k in expected[0]} for row in rows] == expected
    assert all(row["feedback"] for row in rows)
    wrong = next(row for row in rows if row["student"] == "bo" and row["question"] == "00-next")
    assert "Hint:" in wrong["feedback"] and "6" not in wrong["feedback"]


def test_cli_builds_both_editions(tmp_path):
    """`spinelib classroom`: writes student/ and answer-key/ editions of the given lessons."""
    r = CliRunner().invoke(cli.main, ["classroom", "--out-dir", str(tmp_path), *map(str, LESSONS)],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    for edition in ("student", "answer-key"):
        names = sorted(p.name for p in (tmp_path / edition).glob("*.ipynb"))
        assert names == [p.name for p in LESSONS]
    key = nbformat.read(tmp_path / "answer-key" / LESSONS[0].name, as_version=4)
    assert key.metadata["spinelib"]["edition"] == "answer-key"
