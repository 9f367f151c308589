"""Report templates: the committed notebooks, their declared parameters, finding them."""
from __future__ import annotations

import ast

import nbformat
import pytest

from spinelib import reports, resources
from spinelib.errors import InputError
from spinelib.reports.templates import template_key, template_label

TEMPLATES = resources.templates_dir()


@pytest.mark.parametrize("name", ["personal_plan.ipynb", "scenario_comparison.ipynb"])
def test_template_is_clean(name):
    "templates: one literal-only parameters cell, no outputs, kernelspec python3"
    nb = nbformat.read(TEMPLATES / name, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    for stmt in ast.parse(tagged[0].source).body:
        assert isinstance(stmt, ast.Assign), ast.dump(stmt)
        ast.literal_eval(stmt.value)  # only literals: derived values live in the next cells
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None
            if c is not tagged[0]:
                assert len(c.source.splitlines()) <= 9, c.source  # short cells that call spinelib


def test_template_parameter_names():
    "templates: papermill.inspect_notebook finds the declared parameters"
    assert list(reports.template_parameters("personal-plan")) == [
        "name", "report_date", "minutes_per_day", "days_per_week", "equipment", "positions", "irritability",
        "load_stage", "goals", "red_flags", "weeks", "people", "seed"]
    assert list(reports.template_parameters("scenario_comparison")) == [
        "scenario_a", "scenario_b", "people", "weeks", "seed", "title"]


def test_template_lookup():
    "templates: names with - or _ resolve to the same file; unknown names are refused"
    assert reports.template_path("personal-plan") == reports.template_path("personal_plan")
    with pytest.raises(InputError, match="template"):
        reports.template_path("nope")


def test_template_key_and_label(tmp_path):
    "templates: a shipped template's key from any spelling; a path's label is its file stem"
    assert template_key("Personal_Plan.ipynb") == "personal-plan" and template_key(tmp_path / "x.ipynb") is None
    assert template_label("scenario_comparison") == "scenario-comparison"
    assert template_label(tmp_path / "my_report.ipynb") == "my_report"


def test_template_lookup_prefers_installed_package(monkeypatch, tmp_path):
    "templates: spinelib/templates inside an installed wheel first, else the checkout's reports/templates"
    pkg = tmp_path / "spinelib"
    (pkg / "templates").mkdir(parents=True)
    (pkg / "data" / "examples").mkdir(parents=True)
    monkeypatch.setattr(resources.resources, "files", lambda name: pkg)
    assert resources.templates_dir() == TEMPLATES  # no template in the package folder yet: the checkout
    (pkg / "templates" / "personal_plan.ipynb").write_text("{}")
    assert resources.templates_dir() == pkg / "templates"
    assert resources.examples_dir() == pkg / "data" / "examples"
    assert reports.template_path("personal-plan") == pkg / "templates" / "personal_plan.ipynb"


def test_reading_notebooks_skips_the_iri_grammars():
    "reports: a process that imports spinelib.reports first reads and validates notebooks without compiling jsonschema's IRI grammars"
    import subprocess
    import sys

    code = ("import spinelib.reports, nbformat, sys; "
            "nb = nbformat.read(str(spinelib.reports.template_path('personal-plan')), 4); nbformat.validate(nb); "
            "print(sys.modules.get('rfc3987_syntax', 'absent'), 'lark' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["None", "False"], out
