"""Shared fixtures for the spinelib test suite."""
from __future__ import annotations

import pandas as pd
import pytest

from spinelib.catalogue import data_path


@pytest.fixture()
def raw_catalogue() -> pd.DataFrame:
    """The shipped catalogue as plain text columns, ready to be broken on purpose."""
    return pd.read_csv(data_path("exercises.csv"), dtype=str, keep_default_na=False)
