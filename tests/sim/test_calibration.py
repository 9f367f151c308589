"""The default parameters reproduce each calibration target of issue 3 within a stated tolerance."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from spinelib.sim.calibration import G9_COURSE, TARGETS, calibration_report
from spinelib.sim.curves import acwr_multiplier
from spinelib.sim.params import PARAMS, Params

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report():
    # seed 0 is not the calibration seed (scripts/calibrate.py fits with another one)
    return calibration_report(people=4000, seed=0).set_index("target")


@pytest.mark.parametrize("name,wanted,tolerance", [(t[0], t[1], t[2]) for t in TARGETS], ids=[t[0] for t in TARGETS])
def test_defaults_reproduce_each_target(report, name, wanted, tolerance):
    """calibration: the model's value at the defaults is within the stated tolerance of the target"""
    got = report.loc[name, "model"]
    assert abs(got - wanted) <= tolerance, f"{name}: model {got:.4f}, target {wanted} +/- {tolerance}"


def test_pain_difference_sits_inside_the_g1_interval(report):
    """G1: supervised minus no exercise lies inside the review's 95% CI (-18 to -12)"""
    assert -18 <= report.loc["pain_diff_supervised_vs_none", "model"] <= -12


def test_acwr_multiplier_shape():
    """I4-8..I4-11: no extra hazard up to 1.3, about 1.5-2x at 1.5, about 4x at 2.0, rising"""
    rr = acwr_multiplier([0.5, 1.0, 1.3, 1.5, 2.0])
    assert rr[0] == rr[1] == rr[2] == 1.0
    assert 1.5 <= rr[3] <= 2.0 and 3.5 <= rr[4] <= 4.5


def test_natural_course_follows_g9():
    """G9: the mean natural course keeps 33/51, 26/51 and 23/51 of baseline pain at 6, 26, 52 weeks (+/- 0.05)"""
    p = Params()
    for day, share in G9_COURSE:
        model = p.natural_plateau + (1 - p.natural_plateau) * np.exp(-day / p.natural_tau)
        assert abs(model - share) <= 0.05, (day, model, share)


def test_fitted_parameters_are_marked_and_the_script_reproduces_the_closed_form_fits():
    """calibrate.py: the natural-course and ACWR fits give the defaults in sim/params.py"""
    assert {p.name for p in PARAMS if p.fitted} >= {"pain_benefit_capacity", "adherence0", "flare_hazard",
                                                     "habit_t95_median", "acwr_beta", "flare_end"}
    spec = importlib.util.spec_from_file_location("calibrate", ROOT / "scripts" / "calibrate.py")
    cal = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cal)
    p = Params()
    nat = cal.fit_natural_course(p)
    assert nat == {"natural_plateau": p.natural_plateau, "natural_tau": p.natural_tau}
    assert cal.fit_acwr(p) == {"acwr_beta": p.acwr_beta}


def test_model_page_lists_every_parameter_and_the_teaching_statement():
    """docs/model.md: every parameter with its default, the equations in LaTeX, 'teaching model, not a clinical prediction'"""
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert "teaching model, not a clinical prediction" in text
    assert "What the model leaves out" in text
    assert text.count("$$") >= 30
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| `")}
    for p in PARAMS:
        row = rows.get(f"`{p.name}`")
        assert row is not None, p.name
        default = str(p.default) if isinstance(p.default, bool) else f"{p.default:g}"
        assert f"| {default}" in row, (p.name, row)
