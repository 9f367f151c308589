"""Validation (spinelib.sim.validation): the published table, the verdict rule, the separation from
calibration, the model runs, `spinelib validate` and docs/validation.md.

Model values move whenever the model changes, so no test here pins one; they check structure,
ranges and the verdict logic on synthetic values.
"""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from spinelib.errors import InputError
from spinelib.evidence import load_evidence
from spinelib.reports import cli
from spinelib.sim import TARGETS
from spinelib.sim.validation import (MEASURES, MODEL_RUNS, VALIDATION_COLUMNS, VERDICTS, calibration_overlap,
                                     how_markdown, load_validation, parameter_links, published_markdown,
                                     validation_markdown, validation_table, verdict, verdict_counts)

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("validation_doc", ROOT / "scripts" / "validation_doc.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def small():
    """The whole table at a small size (2 seeds x 300 people), built once."""
    return validation_table(seeds=2, people=300)


# ----------------------------------------------------------------------- the published side
def test_table_has_at_least_eight_figures_with_every_column():
    """data/validation.csv: at least 8 rows, the documented columns, unique ids V1, V2, ..."""
    v = load_validation()
    assert len(v) >= 8
    assert tuple(v.columns) == VALIDATION_COLUMNS
    assert v["id"].is_unique and v["id"].str.fullmatch(r"V\d+").all()


def test_each_figure_is_inside_its_interval_with_a_known_measure_and_certainty():
    """data/validation.csv: lo <= published <= hi; null is 0 for differences and 1 for ratios; certainty is a label
    of the evidence table; every row says how it was verified and cites a DOI."""
    v = load_validation()
    assert (v["lo"] <= v["published"]).all() and (v["published"] <= v["hi"]).all()
    assert set(v["measure"]) <= set(MEASURES)
    assert (v.loc[v["measure"] == "risk ratio", "null"] == 1).all()
    assert (v.loc[v["measure"] != "risk ratio", "null"] == 0).all()
    assert set(v["certainty"]) <= {"verbatim", "secondary", "memory"}
    assert v["verified"].str.len().gt(10).all()
    assert v["doi_url"].str.startswith("https://doi.org/").all()


def test_cited_evidence_ids_exist():
    """data/validation.csv: every evidence id a row cites is a row of data/evidence.csv"""
    known = set(load_evidence()["id"])
    for r in load_validation().itertuples():
        for i in [x for x in r.evidence.split(";") if x]:
            assert i in known, f"{r.id} cites unknown evidence id {i}"


def test_every_row_has_a_model_run_and_back():
    """MODEL_RUNS: one run per published row, no run without a row, each with a description"""
    ids = set(load_validation()["id"])
    assert ids == set(MODEL_RUNS)
    assert all(len(m.how) > 20 for m in MODEL_RUNS.values())


def test_bad_csv_is_a_one_line_error(tmp_path):
    """load_validation: a figure outside its own interval is refused naming the row and the field"""
    v = load_validation()
    v.loc[0, "published"] = v.loc[0, "hi"] + 1
    p = tmp_path / "validation.csv"
    v.to_csv(p, index=False)
    with pytest.raises(InputError, match=r"validation.csv row 'V1': published: must be inside its interval"):
        load_validation(p)


# ----------------------------------------------------------------------- separate from calibration
def test_no_overlap_with_calibration_targets():
    """validation vs calibration: no evidence id, source or name shared with spinelib.sim.TARGETS (read now, so a
    new calibration target that takes a validation figure fails this test)"""
    overlap = calibration_overlap(TARGETS)
    assert overlap == {"evidence": set(), "sources": set(), "names": set()}, overlap


def test_overlap_is_detected_on_synthetic_targets():
    """calibration_overlap: a target citing a validation row's evidence id, its DOI, or its id is found"""
    fake = (("V3", 1.0, 0.1, "I1-1;G1", "x from doi 10.1002/14651858.CD006555.pub2"),)
    got = calibration_overlap(fake)
    assert got["evidence"] == {"I1-1"} and got["names"] == {"V3"} and got["sources"] == {"V10"}


def test_parameter_links_name_real_parameters():
    """parameter_links: rows whose evidence also backs a parameter default are listed with real parameter names"""
    from spinelib.sim import PARAMS

    names = {p.name for p in PARAMS}
    for vid, params in parameter_links().items():
        assert vid in set(MODEL_RUNS) and set(params) <= names


# ----------------------------------------------------------------------- the verdict
@pytest.mark.parametrize("model,published,lo,hi,null,expected", [
    (-8.0, -7.8, -10.95, -4.65, 0, "within"),
    (-10.95, -7.8, -10.95, -4.65, 0, "within"),          # on the edge counts as inside
    (-20.0, -7.8, -10.95, -4.65, 0, "direction right"),  # too big, right side
    (-1.0, -7.8, -10.95, -4.65, 0, "direction right"),   # too small, right side
    (0.5, -7.8, -10.95, -4.65, 0, "wrong"),              # the other side of no effect
    (0.0, -7.8, -10.95, -4.65, 0, "wrong"),              # exactly no effect
    (0.8, 0.65, 0.50, 0.86, 1, "within"),
    (0.95, 0.65, 0.50, 0.86, 1, "direction right"),
    (1.10, 0.65, 0.50, 0.86, 1, "wrong"),
    (1.0, 1.04, 0.73, 1.49, 1, "within"),                # an interval that holds no effect
    (1.6, 1.04, 0.73, 1.49, 1, "direction right"),
    (0.6, 1.04, 0.73, 1.49, 1, "wrong"),
    (math.nan, -7.8, -10.95, -4.65, 0, "wrong"),
    (None, -7.8, -10.95, -4.65, 0, "wrong"),
])
def test_verdict_on_synthetic_values(model, published, lo, hi, null, expected):
    """verdict: within the interval; else the same side of no effect; else wrong (missing and no-effect too)"""
    assert verdict(model, published, lo, hi, null) == expected


def test_verdict_counts_lists_every_verdict():
    """verdict_counts: every verdict is a key, in order, zeros included"""
    assert list(verdict_counts(pd.DataFrame({"verdict": ["wrong"]}))) == list(VERDICTS)


# ----------------------------------------------------------------------- the table with the model
def test_table_structure_and_ranges(small):
    """validation_table: one row per figure, finite model values with min <= mean <= max, a verdict from the
    three, recomputed by verdict() from the row itself"""
    v = load_validation().set_index("id")
    assert list(small["id"]) == list(v.index)
    assert np.isfinite(small[["model", "model_min", "model_max"]].to_numpy()).all()
    assert (small["model_min"] <= small["model"] + 1e-12).all() and (small["model"] <= small["model_max"] + 1e-12).all()
    assert set(small["verdict"]) <= set(VERDICTS)
    for r in small.itertuples():
        assert r.verdict == verdict(r.model, r.published, r.lo, r.hi, v.loc[r.id, "null"])
    assert (small["seeds"] == 2).all() and (small["people"] == 300).all()


def test_ratios_are_positive_and_smds_modest(small):
    """validation_table: ratio answers are positive; SMD answers are standardised (|SMD| < 5)"""
    ratios = small[small["measure"] == "risk ratio"]["model"]
    smds = small[small["measure"] == "standardised mean difference"]["model"]
    assert (ratios > 0).all() and (smds.abs() < 5).all()


def test_same_seed_same_answer():
    """validation_table: the same seeds and people give identical model values (reproducible)"""
    a = validation_table(seeds=1, people=200, ids=["V1", "V6"])
    b = validation_table(seeds=1, people=200, ids=["V1", "V6"])
    assert a["model"].tolist() == b["model"].tolist()


@pytest.mark.parametrize("kwargs,field", [({"seeds": 0}, "seeds"), ({"seeds": 21}, "seeds"),
                                          ({"people": 10}, "people"), ({"people": "many"}, "people"),
                                          ({"ids": ["V99"]}, "id")])
def test_bad_arguments_are_one_line(kwargs, field):
    """validation_table: seeds outside 1-20, people outside 200-20,000 and unknown ids are one-line InputErrors"""
    with pytest.raises(InputError, match=rf"^{field}: must be"):
        validation_table(**kwargs)


def test_markdown_renderings(small):
    """validation_markdown / published_markdown / how_markdown: a row per figure, verdicts in bold"""
    md = validation_markdown(small)
    assert md.count("\n") == len(small) + 1 and "**" in md
    assert published_markdown().count("\n| V") == len(small)
    assert how_markdown().count("- **V") == len(small)


# ----------------------------------------------------------------------- the command and the doc
def test_cli_validate_prints_every_row_and_a_summary():
    """spinelib validate: one line per figure with its verdict, then a summary line; --markdown gives a table"""
    r = CliRunner().invoke(cli.main, ["validate", "--seeds", "1", "--people", "200"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    ids = load_validation()["id"]
    lines = r.output.strip().splitlines()
    assert [ln.split()[0] for ln in lines[:len(ids)]] == list(ids)
    assert "figures, 1 seed(s) x 200 people" in lines[-1] and "not medical advice" in lines[-1]
    md = CliRunner().invoke(cli.main, ["validate", "--seeds", "1", "--people", "200", "--markdown"])
    assert md.exit_code == 0 and md.output.startswith("| id | question |")


@pytest.mark.parametrize("args,message", [
    (["--seeds", "0"], "error: --seeds: must be a whole number from 1 to 20 (got '0')"),
    (["--seeds", "two"], "error: --seeds: must be a whole number from 1 to 20 (got 'two')"),
    (["--people", "50"], "error: --people: must be a whole number from 200 to 20000 (got '50')"),
    (["--people", "1e9"], "error: --people: must be a whole number from 200 to 20000 (got '1e9')"),
])
def test_cli_validate_bad_arguments(args, message):
    """spinelib validate: a bad --seeds or --people is one line naming the option and its range, exit 2"""
    r = CliRunner().invoke(cli.main, ["validate", *args])
    assert r.exit_code == 2
    assert r.output.strip() == message


def test_doc_is_in_step_with_the_published_side():
    """docs/validation.md: its published-figures and model-run blocks are what scripts/validation_doc.py writes
    now (the model numbers are not compared: they move with the model)"""
    assert _script().out_of_step() == [], "run: .venv/bin/python scripts/validation_doc.py"


def test_doc_check_notices_a_stale_figure(tmp_path):
    """scripts/validation_doc.py: a changed published figure in the page is reported as out of step"""
    mod = _script()
    stale = tmp_path / "validation.md"
    stale.write_text(mod.DOC.read_text(encoding="utf-8").replace("| 5.9 (2.1 to 9.8) |", "| 6.9 (2.1 to 9.8) |"),
                     encoding="utf-8")
    assert mod.out_of_step(stale) == ["published"]


def test_rows_sharing_a_run_give_what_each_gives_alone():
    """validation_table: rows that share a run inside one call (V1 and V6 read the same gentle-daily run; V7 and V8
    the same year without exercise) give exactly the values their model runs give on their own"""
    from spinelib.sim import Params

    t = validation_table(seeds=2, people=200, ids=["V1", "V6", "V7", "V8"]).set_index("id")
    for rid in t.index:
        alone = [MODEL_RUNS[rid].run(s, 200, Params()) for s in range(2)]
        assert t.loc[rid, "model"] == float(np.nanmean(alone))
        assert (t.loc[rid, "model_min"], t.loc[rid, "model_max"]) == (min(alone), max(alone))
