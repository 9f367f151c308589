"""Shared fixtures for the spinelib test suite."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from spinelib.resources import data_path


@pytest.fixture()
def raw_catalogue() -> pd.DataFrame:
    """The shipped catalogue as plain text columns, ready to be broken on purpose."""
    return pd.read_csv(data_path("exercises.csv"), dtype=str, keep_default_na=False)


def _synthetic_daily(n=28, shift=0.0):
    """A per-day cohort summary like ``SimulationResult.daily`` for pain, capacity and flare."""
    day = np.arange(n)
    d = {"day": day}
    for st, base in (("pain", 50.0), ("capacity", 1.0), ("flare", 0.05)):
        m = base + shift - 0.1 * day
        d[f"{st}_mean"], d[f"{st}_p2.5"], d[f"{st}_p97.5"] = m, m - 5, m + 5
    return pd.DataFrame(d)


@pytest.fixture()
def make_daily():
    """make_daily(n=28, shift=0.0): a synthetic per-day summary (three states with mean and 95% band)."""
    return _synthetic_daily


# CI runs the property tests with a fixed seed so a landing never hinges on a lucky draw;
# developers get fresh random examples on every run.
import os  # noqa: E402

from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="session", autouse=True)
def private_data_folder(tmp_path_factory):
    """The whole test session (and every server, kernel and process it starts: JupyterLab, Voila, notebook
    runs, book builds) keeps spinelib's user data (the safety screen's session answers, practice logs) in a
    folder of its own, never in the user's data folder, and never reads what an earlier run left there."""
    folder = tmp_path_factory.mktemp("spinelib-data")
    old = os.environ.get("SPINELIB_DATA_DIR")
    os.environ["SPINELIB_DATA_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("SPINELIB_DATA_DIR", None)
    else:
        os.environ["SPINELIB_DATA_DIR"] = old


@pytest.fixture(scope="session", autouse=True)
def compiled_model_kernel():
    """The research toolkit's compiled model (numba) is compiled once and cached on disk before any test runs:
    a fresh clone has no cache yet, and a first compile (about 20 s on a busy machine) inside a notebook's cell
    would count against that cell's timeout, which is about hangs, not compiling."""
    from spinelib.sim.fast import simulate_many

    simulate_many("gentle_daily", [None], people=4, days=7, seed=0)
