"""Global sensitivity: checked on functions whose indices are known, then run on the model."""
from __future__ import annotations

import numpy as np
import pytest

from spinelib.errors import InputError
from spinelib.research import (Contrast, contrast_value, morris, morris_indices, parse_contrast, sensitivity_plot,
                               sobol, sobol_indices)


def ishigami(U):
    X = -np.pi + 2 * np.pi * np.asarray(U)
    return np.sin(X[:, 0]) + 7 * np.sin(X[:, 1]) ** 2 + 0.1 * X[:, 2] ** 4 * np.sin(X[:, 0])


# the Ishigami function (a = 7, b = 0.1) on [-pi, pi]^3: analytic first-order and total indices
ISHIGAMI_S1 = {"x1": 0.3139, "x2": 0.4424, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.5576, "x2": 0.4424, "x3": 0.2437}


def test_sobol_matches_the_ishigami_function():
    "sobol_indices: S1 and ST of the Ishigami function within 0.05 of the analytic values; intervals cover them"
    df = sobol_indices(ishigami, ["x1", "x2", "x3"], 4096, seed=1)
    for ix, truth in (("S1", ISHIGAMI_S1), ("ST", ISHIGAMI_ST)):
        got = df[df["index"] == ix].set_index("parameter")
        for p, v in truth.items():
            assert got.loc[p, "value"] == pytest.approx(v, abs=0.05), (ix, p)
            assert got.loc[p, "lo"] - 0.02 <= v <= got.loc[p, "hi"] + 0.02, (ix, p)
    assert df.loc[df["index"] == "ST"].sort_values("rank")["parameter"].tolist() == ["x1", "x2", "x3"]


def test_sobol_of_an_additive_function():
    "sobol_indices: y = sum a_i x_i (uniform x): S1 = ST = a_i^2 / sum a^2, an unused input gets 0"
    a = np.array([3.0, 1.0, 0.0])
    df = sobol_indices(lambda U: U @ a, ["a", "b", "c"], 2048, seed=2)
    st = df[df["index"] == "ST"].set_index("parameter")["value"]
    assert st["a"] == pytest.approx(0.9, abs=0.03) and st["b"] == pytest.approx(0.1, abs=0.03)
    assert abs(st["c"]) < 0.01


def test_morris_ranks_the_ishigami_inputs():
    "morris_indices: mu_star puts the unused-alone x3 below x1 and the zero-effect input last"
    df = morris_indices(lambda U: ishigami(U[:, :3]), ["x1", "x2", "x3", "dummy"], 40, seed=1)
    mu = df[df["index"] == "mu_star"].set_index("parameter")["value"]
    assert mu["dummy"] == 0 and mu["x1"] > mu["x3"] > 0


def test_contrast_text():
    "parse_contrast: 'outcome: a minus b', or one scenario; bad names are one-line errors"
    assert parse_contrast("flares: micro_strength minus max_effort") == Contrast("flares", "micro_strength",
                                                                                 "max_effort")
    assert parse_contrast("pain_change: gentle_daily").b is None
    with pytest.raises(InputError, match="^contrast outcome: must be one of"):
        parse_contrast("nope: gentle_daily")
    with pytest.raises(InputError, match="^contrast scenario:"):
        parse_contrast("flares: gentle_daily minus nope")


def test_common_random_numbers():
    "contrast_value: same parameters and seed -> the same number; the two sides share their people"
    c = "flares: micro_strength minus max_effort"
    assert contrast_value(c, people=30, days=14, seed=5) == contrast_value(c, people=30, days=14, seed=5)


def test_model_sobol_and_morris_are_tidy_and_plot():
    "sobol/morris on the model: tidy rows per parameter and index, ranks, and a ranked plot with intervals"
    names = ["flare_hazard", "acwr_beta", "overload_flare"]
    s = sobol("flares: micro_strength minus max_effort", 8, names=names, people=20, days=14, seed=1)
    assert set(s["parameter"]) == set(names) and set(s["index"]) == {"S1", "ST"}
    assert s.attrs["runs"] == 8 * (len(names) + 2) and sorted(s["rank"].unique()) == [1, 2, 3]
    m = morris("flares: micro_strength minus max_effort", 3, names=names, people=20, days=14, seed=1)
    assert set(m["index"]) == {"mu_star", "mu", "sigma"} and m.attrs["runs"] == 3 * (len(names) + 1)
    fig = sensitivity_plot(s)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()][0] == s.loc[s["rank"] == 1, "parameter"].iloc[0]
    assert sensitivity_plot(m).axes


def test_fast_engine_matches_the_simulate_oracle():
    "sobol/morris: the compiled kernel (default) and one simulate per run give the same Y, so the same indices"
    from spinelib.research.sensitivity import contrast_values, fast_function, model_function

    names = ["flare_hazard", "acwr_beta", "overload_flare", "pain0_mean", "sitting_hours", "natural_tau"]
    c = "flares: micro_strength minus max_effort"
    U = np.random.default_rng(3).random((12, len(names)))
    fast, slow = fast_function(c, names, people=40, days=42, seed=2), model_function(c, names, people=40, days=42,
                                                                                     seed=2)
    np.testing.assert_allclose(fast(U), slow(U), rtol=0, atol=0.03)  # float32 in simulate: a rare other branch
    assert contrast_values(c, [None], people=40, days=42, seed=2)[0] == pytest.approx(
        contrast_value(c, people=40, days=42, seed=2), abs=0.03)
    kw = dict(names=names[:4], people=30, days=28, seed=1)
    s_fast, s_slow = sobol(c, 8, **kw), sobol(c, 8, engine="simulate", **kw)
    merged = s_fast.merge(s_slow, on=["parameter", "index"], suffixes=("_fast", "_slow"))
    np.testing.assert_allclose(merged["value_fast"], merged["value_slow"], atol=0.05)
    m_fast, m_slow = morris(c, 3, **kw), morris(c, 3, engine="simulate", **kw)
    mu = m_fast.merge(m_slow, on=["parameter", "index"], suffixes=("_fast", "_slow")).query("index == 'mu_star'")
    np.testing.assert_allclose(mu["value_fast"], mu["value_slow"], atol=0.05)
    with pytest.raises(InputError, match="^engine:"):
        sobol(c, 8, engine="nope", **kw)


def test_fast_engine_on_worker_processes_gives_the_same_indices():
    "sobol: the fast engine split over 2 worker processes gives what it gives in one process"
    kw = dict(names=["flare_hazard", "acwr_beta", "overload_flare"], people=20, days=14, seed=1)
    one = sobol("pain_change: gentle_daily", 8, **kw)
    two = sobol("pain_change: gentle_daily", 8, workers=2, **kw)
    pd_cols = ["parameter", "index", "value"]
    assert one[pd_cols].equals(two[pd_cols])
