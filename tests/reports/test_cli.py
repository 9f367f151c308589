"""The `spinelib` command line: report, --list, --help-params, batch, errors with exit code 2."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from spinelib import reports
from spinelib.errors import InputError
from spinelib.reports import cli
from spinelib.ui import routine_builder

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TINY = HERE.parent / "data" / "tiny_template.ipynb"
PY = sys.executable


def run(args):
    return CliRunner().invoke(cli.main, args, catch_exceptions=False)


def test_list():
    "report --list: both templates with their parameters"
    r = run(["report", "--list"])
    assert r.exit_code == 0
    assert "personal-plan" in r.output and "scenario-comparison" in r.output and "minutes_per_day" in r.output


def test_help_params():
    "report --help-params: names, defaults, allowed ranges and help"
    r = run(["report", "personal-plan", "--help-params"])
    assert r.exit_code == 0
    assert "minutes_per_day = 15" in r.output and "from 5 to 60" in r.output and "red_flags" in r.output


@pytest.mark.parametrize("args, first", [
    (["-p", "minutes_per_dya", "15"], "error: minutes_per_dya: must be a parameter of personal-plan"),
    (["-p", "minutes_per_day", "fifteen"], "error: minutes_per_day: must be a whole number of minutes from 5 to 60"),
    (["-p", "minutes_per_day", "90"], "error: minutes_per_day: must be a whole number of minutes from 5 to 60 (got 90)"),
    (["-p", "red_flags.night_pain", "maybe"], "error: red_flags.night_pain: must be yes or no"),
    (["-y", "weeks: [1, 2]"], "error: weeks: must be a whole number of weeks from 1 to 52"),
])
def test_bad_parameter_is_one_line_exit_2(no_kernel, tmp_path, args, first):
    "report: bad parameters -> one line naming field and range, exit 2, no traceback, no kernel"
    r = CliRunner().invoke(cli.main, ["report", "personal-plan", *args, "-o", str(tmp_path / "x.html")])
    assert r.exit_code == 2, r.output
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(first), r.output
    assert "Traceback" not in r.output and not list(tmp_path.iterdir())


def test_parameter_file(no_kernel, tmp_path):
    "report -f: a YAML file (plain or with template/parameters keys) feeds the same validation"
    f = tmp_path / "client.yaml"
    f.write_text("template: personal-plan\nparameters:\n  name: Ana\n  load_stage: 9\n")
    r = CliRunner().invoke(cli.main, ["report", "personal-plan", "-f", str(f)])
    assert r.exit_code == 2 and r.output.startswith("error: load_stage: must be a whole number from 1 to 5 (got 9)")
    f.write_text("name: [unclosed\n")
    r = CliRunner().invoke(cli.main, ["report", "personal-plan", "-f", str(f)])
    assert r.exit_code == 2 and "parameters file: must be valid YAML" in r.output


def test_python_m_spinelib_error_exit_code():
    "python -m spinelib: a bad value exits 2 with one line on stderr, before any kernel"
    p = subprocess.run([PY, "-m", "spinelib", "report", "personal-plan", "-p", "days_per_week", "8"],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 2
    assert p.stderr.strip() == "error: days_per_week: must be a whole number of days from 1 to 7 (got 8)"


def test_batch_with_bad_rows(tmp_path):
    "batch: bad rows are reported (row, field, reason) and skipped; the others are produced; exit 1; summary CSV"
    table = tmp_path / "clients.csv"
    table.write_text("name,count,fail\n"
                     "Ana,2,False\n"
                     "Ben,x,False\n"           # row 2: wrong type
                     "../../etc/x,1,False\n"   # row 3: path escape
                     "ana,3,\n"                # row 4: same slug as row 1
                     "Cleo,1,True\n")          # row 5: fails inside the kernel
    out = tmp_path / "out"
    r = CliRunner().invoke(cli.main, ["batch", str(TINY), str(table), "--out-dir", str(out), "--jobs", "2"])
    assert r.exit_code == 1, r.output
    assert "row 2: count: must be a whole number (got 'x') (skipped)" in r.output
    assert "row 3: name: must be a plain name" in r.output
    assert "row 5: failed: tiny_template: cell" in r.output and "asked to fail" in r.output
    assert sorted(p.name for p in out.glob("*.html")) == ["ana-2.html", "ana.html"]
    with open(out / "tiny_template-summary.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert [(x["row"], x["status"]) for x in rows] == [("1", "ok"), ("2", "invalid"), ("3", "invalid"),
                                                       ("4", "ok"), ("5", "failed")]
    assert float(rows[0]["seconds"]) > 0 and rows[0]["output"].endswith("ana.html")
    assert not (tmp_path / "etc").exists() and not list(out.glob(".*part*"))


def test_batch_unknown_column_exit_2(tmp_path, no_kernel):
    "batch: a column that is not a parameter is a one-line error, exit 2"
    table = tmp_path / "c.csv"
    table.write_text("name,minutes\nAna,15\n")
    r = CliRunner().invoke(cli.main, ["batch", "personal-plan", str(table), "--out-dir", str(tmp_path)])
    assert r.exit_code == 2 and r.output.startswith("error: column minutes: must be a parameter of personal-plan")


def test_report_and_papermill_cli_on_template(tmp_path):
    "report via python -m spinelib writes HTML + notebook; papermill's own CLI still runs the template"
    out = tmp_path / "dana.html"
    p = subprocess.run([PY, "-m", "spinelib", "report", "personal-plan", "-p", "name", "Dana",
                        "-p", "red_flags.saddle_numbness", "yes", "-o", str(out), "--keep-notebook"],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    assert out.exists() and out.with_suffix(".ipynb").exists()
    assert "Seek urgent medical care" in out.read_text()
    nb_out = tmp_path / "pm.ipynb"
    p = subprocess.run([os.path.join(os.path.dirname(PY), "papermill"), str(reports.template_path("personal-plan")),
                        str(nb_out), "-p", "minutes_per_day", "12", "-p", "people", "200", "--log-level", "ERROR"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "Your day plan" in nb_out.read_text()


@pytest.mark.parametrize("args, message", [
    (["batch", "personal-plan", "x.csv", "--jobs", "abc"], "error: Invalid value for '--jobs' / '-j': 'abc' is not a valid integer."),
    (["batch", "personal-plan", "x.csv", "--jobs", "0"], "error: jobs: must be a whole number from 1 to 64 (got 0)"),
    (["report", "personal-plan", "-p", "weeks"], "error: Option '-p' requires 2 arguments."),
    (["report"], "error: report: give a template name (personal-plan, scenario-comparison, progress-report) or --list"),
    (["report", "nope"], "error: template: must be one of personal-plan, scenario-comparison, progress-report or the path of a .ipynb template (got 'nope')"),
])
def test_usage_errors_are_one_line(no_kernel, monkeypatch, tmp_path, args, message):
    "cli: usage errors too are one line on stderr with exit status 2"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.csv").write_text("name\nAna\n")
    r = CliRunner().invoke(cli.main, args)
    assert r.exit_code == 2 and r.output.strip() == message, r.output


def test_collect_parameters_follows_papermill():
    "cli: -f, then -y, -p (converted), -r (text); name.key sets one entry of a mapping; -y must be a mapping"
    got = cli.collect_parameters(None, "weeks: 4\nred_flags: {fever_unwell: 'no'}",
                                 [("people", "300"), ("seed", "None"), ("red_flags.night_pain", "no")],
                                 [("name", "007")])
    assert got == {"weeks": 4, "people": 300, "seed": None, "name": "007",
                   "red_flags": {"fever_unwell": "no", "night_pain": "no"}}
    with pytest.raises(InputError, match="-y: must be a YAML mapping"):
        cli.collect_parameters(None, "[1, 2]", [], [])


def test_report_command_parameters_are_valid_for_the_template(tmp_path):
    """RoutineBuilder: the parameters in the report command pass the report runner's own validation."""
    builder = routine_builder(folder=tmp_path)
    builder.minutes.value = 25
    builder.goals.value = ("walking",)
    builder.rf_fever_unwell.value = "no"
    words = builder.report_command().split()
    params, raw = [], []
    i = 0
    while i < len(words):
        if words[i] in ("-p", "-r"):
            (params if words[i] == "-p" else raw).append((words[i + 1], words[i + 2]))
            i += 3
        else:
            i += 1
    clean = reports.validate_parameters("personal-plan", cli.collect_parameters(None, None, params, raw))
    assert clean["minutes_per_day"] == 25 and clean["goals"] == ["walking"]
    assert clean["red_flags"] == {"fever_unwell": False}
