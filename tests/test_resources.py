"""Resources: one lookup for shipped files, the installed package first, then the checkout."""
from __future__ import annotations

import pytest

from spinelib import resources


def test_finds_data_examples_and_templates():
    "resources: the catalogue, the evidence, the examples and the report templates are found"
    assert resources.data_path("exercises.csv").is_file()
    assert resources.data_path("evidence.csv").is_file()
    assert any(resources.examples_dir().glob("*.yaml"))
    assert {p.name for p in resources.templates_dir().glob("*.ipynb")} >= {"personal_plan.ipynb",
                                                                          "scenario_comparison.ipynb"}


def test_missing_file_names_itself():
    "resources: a missing data file is a clear error naming the file"
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        resources.data_path("nope.csv")
