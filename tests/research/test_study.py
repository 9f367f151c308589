"""Studies: validation of the study file, Parquet results, resuming, and identical results anywhere."""
from __future__ import annotations

import json
import logging

import pandas as pd
import pytest
from click.testing import CliRunner

from spinelib.errors import InputError
from spinelib.reports import cli
from spinelib.research import load_study, read_results, run_study, study
from spinelib.research.study import RESULT_COLUMNS, study_from_dict

SPEC = {"name": "tiny", "scenarios": ["calm_first", "strength_only"],
        "parameters": {"grid": {"calm_first_effect": [0.1, 0.5]}}, "seeds": 2, "people": 20, "days": 14,
        "outcomes": ["pain_change", "flares"]}
N_CELLS = 2 * 2 * 2


def _write(tmp_path, text, name="study.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_study_runs_into_tidy_parquet(tmp_path):
    "run_study: one row per cell and outcome, the spec and the version beside, param sets joinable"
    res = run_study(SPEC, tmp_path / "out", progress=False)
    df = read_results(tmp_path / "out", wide_params=True)
    assert res.ran == N_CELLS and res.skipped == 0
    assert list(df.columns[:len(RESULT_COLUMNS)]) == RESULT_COLUMNS and len(df) == N_CELLS * 2
    assert df["cell"].is_monotonic_increasing and set(df["calm_first_effect"]) == {0.1, 0.5}
    meta = json.loads((tmp_path / "out" / "meta.json").read_text())
    assert meta["cells"] == N_CELLS and meta["spinelib"]
    assert load_study.__name__ and (tmp_path / "out" / "study.yaml").read_text().startswith("name: tiny")
    assert not list((tmp_path / "out").rglob("*.part*"))


def test_interrupted_study_resumes_without_rerunning(tmp_path, monkeypatch):
    "run_study: interrupted after 3 chunks -> those parts stay; the rerun runs only the rest; same results"
    full = run_study(SPEC, tmp_path / "full", progress=False)
    calls = []
    real = study.run_cells

    def stop_after_three(job):
        if len(calls) == 3:
            raise KeyboardInterrupt
        calls.append([c[0] for c in job["cells"]])
        return real(job)

    monkeypatch.setattr(study, "run_cells", stop_after_three)
    with pytest.raises(KeyboardInterrupt):
        run_study(SPEC, tmp_path / "out", progress=False)
    first = sorted(c for chunk in calls for c in chunk)
    assert 0 < len(first) < N_CELLS and not (tmp_path / "out" / "results.parquet").exists()
    assert sorted(read_results(tmp_path / "out")["cell"].unique()) == first
    calls.clear()
    monkeypatch.setattr(study, "run_cells", lambda job: (calls.append([c[0] for c in job["cells"]]), real(job))[1])
    res = run_study(SPEC, tmp_path / "out", progress=False)
    again = sorted(c for chunk in calls for c in chunk)
    assert res.skipped == len(first) and set(again).isdisjoint(first) and len(first) + len(again) == N_CELLS
    pd.testing.assert_frame_equal(read_results(tmp_path / "out"), full.results())


def test_another_study_in_the_folder_is_refused(tmp_path):
    "run_study: a folder holding a different study is a one-line InputError"
    run_study(SPEC, tmp_path / "out", progress=False)
    with pytest.raises(InputError, match="^--out-dir: must be a new folder"):
        run_study({**SPEC, "days": 7}, tmp_path / "out", progress=False)


def test_same_results_in_one_process_and_in_several(tmp_path):
    "run_study: local worker processes give the same table as one process"
    one = run_study(SPEC, tmp_path / "one", progress=False).results()
    two = run_study(SPEC, tmp_path / "two", workers=2, progress=False).results()
    pd.testing.assert_frame_equal(one, two)


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                      silence_logs=logging.ERROR) as c:
        yield c


def test_same_results_on_a_dask_cluster(tmp_path, cluster):
    "run_study: a LocalCluster, by address (CLI) or by Client (Python), gives the same table as one process"
    from distributed import Client

    one = run_study(SPEC, tmp_path / "one", progress=False).results()
    with Client(cluster.scheduler_address) as client:
        by_client = run_study(SPEC, tmp_path / "client", scheduler=client, progress=False).results()
        assert client.status == "running"  # the caller's Client stays open
    pd.testing.assert_frame_equal(one, by_client)
    spec = _write(tmp_path, json.dumps(SPEC))  # JSON is YAML
    r = CliRunner().invoke(cli.main, ["experiment", str(spec), "--out-dir", str(tmp_path / "dask"),
                                      "--scheduler", cluster.scheduler_address, "--no-progress"])
    assert r.exit_code == 0, r.output
    assert f"tiny: {N_CELLS} cells run, 0 already done" in r.output
    pd.testing.assert_frame_equal(one, read_results(tmp_path / "dask"))


def test_cli_runs_and_resumes(tmp_path):
    "spinelib experiment: runs a study file; the second run finds every cell done"
    spec = _write(tmp_path, json.dumps(SPEC))
    args = ["experiment", str(spec), "--out-dir", str(tmp_path / "o"), "--jobs", "1", "--no-progress"]
    r1 = CliRunner().invoke(cli.main, args)
    r2 = CliRunner().invoke(cli.main, args)
    assert r1.exit_code == 0 and f"{N_CELLS} cells run" in r1.output
    assert r2.exit_code == 0 and f"0 cells run, {N_CELLS} already done" in r2.output


@pytest.mark.parametrize("text, message", [
    ("scenarios: [nope]", r"^study.yaml: scenarios: must be one of micro_strength"),
    ("scenarios: [calm_first]\nseeds: 0", r"^study.yaml: seeds: must be a whole number from 1 to 1,000 \(got 0\)"),
    ("scenarios: [calm_first]\npeople: -3", r"^study.yaml: people: must be a whole number from 1 to 1,000,000"),
    ("scenarios: [calm_first]\ndays: 99999", r"^study.yaml: days: must be a whole number from 1 to 3,650"),
    ("scenarios: [calm_first]\nparameters: {grid: {flare_hazard: [5]}}",
     r"^study.yaml: parameters.grid.flare_hazard: must be a number from 0.001 to 0.2"),
    ("scenarios: [calm_first]\nparameters: {sample: {n: 3, names: [use_acwr]}}",
     r"^study.yaml: parameters.sample.names: must be a numeric simulator parameter"),
    ("scenarios: [calm_first]\nparameters: {both: 1}", r"^study.yaml: parameters: must be a mapping with one of"),
    ("scenarios: [calm_first]\noutcomes: [pain]", r"^study.yaml: outcomes: must be one of pain_change"),
    ("scenarios: [calm_first]\ncolour: red", r"^study.yaml: study: must be fields from: name"),
    ("a: &x [1]\nscenarios: *x", r"^study.yaml: study file: must be plain YAML \(no aliases"),
    ("scenarios: [calm_first\n", r"^study.yaml: study file: must be valid YAML"),
    ("- just a list", r"^study.yaml: study file: must be a YAML mapping"),
    ("scenarios: [calm_first]\nseeds: 1000\npeople: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]\n"
     "parameters: {sample: {n: 9999}}", r"^study.yaml: study: must be at most 1,000,000 cells"),
])
def test_bad_study_files_are_one_line(tmp_path, text, message):
    "load_study: each bad field is one line naming the field and what is allowed"
    with pytest.raises(InputError, match=message) as exc:
        load_study(_write(tmp_path, text))
    assert "\n" not in str(exc.value)


def test_sampled_parameter_sets_start_with_the_defaults():
    "study: a sample's set 0 is the defaults, the others drawn from the priors (reproducibly)"
    s1 = study_from_dict({"scenarios": ["gentle_daily"], "parameters": {"sample": {"n": 3, "seed": 2}}})
    s2 = study_from_dict({"scenarios": ["gentle_daily"], "parameters": {"sample": {"n": 3, "seed": 2}}})
    assert s1.param_sets[0] == {} and len(s1.param_sets) == 4 and s1.param_sets == s2.param_sets


def test_a_plan_file_runs_like_its_scenario(tmp_path):
    "study: a day plan given as CSV beside the study file gives the same numbers as simulate() on that plan"
    from spinelib.sim import scenario_plan, simulate

    scenario_plan("gentle_daily", 14).to_csv(tmp_path / "mine.csv", index=False)
    spec = _write(tmp_path, "name: p\nplans: {mine: mine.csv}\npeople: 15\ndays: 14\noutcomes: [flares]\n")
    df = run_study(load_study(spec), tmp_path / "o", progress=False).results()
    plan = pd.read_csv(tmp_path / "mine.csv")
    assert df["mean"].iloc[0] == pytest.approx(simulate(plan, people=15, days=14, seed=0).people["flares"].mean())
    assert df["scenario"].tolist() == ["mine"]
