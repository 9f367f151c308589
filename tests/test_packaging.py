"""Packaging: environment.yml and pyproject agree; the wheel ships the data files."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(spec: str) -> tuple[str, str]:
    m = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", spec)
    return m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject():
    "packaging: environment.yml lists the same dependencies and lower bounds as pyproject.toml"
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    want = {_norm(d) for d in py["dependencies"] + py["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_norm(d) for d in env["dependencies"] if isinstance(d, str)} - {("python", ">=3.11"), ("pip", "")}
    assert conda == want, {"only in environment.yml": conda - want, "only in pyproject": want - conda}
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    assert py["requires-python"] == ">=3.11"


def test_wheel_ships_data_and_loads_from_anywhere(tmp_path):
    "packaging: a built (non-editable) wheel holds the data and loads the catalogue from another folder"
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                          "-w", str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("spinelib-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "spinelib/data/exercises.csv" in names and "spinelib/data/evidence.csv" in names
    assert any(n.startswith("spinelib/templates/") and n.endswith(".ipynb") for n in names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    code = ("import spinelib, pathlib; c = spinelib.load_catalogue(); "
            "assert pathlib.Path(spinelib.__file__).is_relative_to(pathlib.Path(r'%s')); "
            "print(len(c), spinelib.resources.data_path('exercises.csv'))" % site)
    run = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, r'{site}'); " + code],
                         cwd=work, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    assert str(site) in run.stdout and int(run.stdout.split()[0]) >= 45
