"""Evidence table: valid, and every id cited anywhere in the project exists."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from spinelib import InputError, cite, evidence_table, load_catalogue, load_evidence
from spinelib.insights import INSIGHT_EVIDENCE

ROOT = Path(__file__).resolve().parents[1]
# ids as they are cited: G1-G9, P1-P9, F1-F9, S1-S9, Z1-Z9 and I<insight>-<n>
ID_RE = re.compile(r"(?<![\w.])(?:[GPFSZ][1-9]|I[1-5]-\d{1,2})(?![\w])")


def test_columns_and_certainty():
    "evidence: required columns and a known certainty on every row"
    ev = load_evidence()
    assert {"id", "claim", "figure", "population", "citation", "doi_url", "certainty"} <= set(ev.columns)
    assert ev["id"].is_unique and len(ev) >= 40
    assert {"G1", "G9", "I1-1", "I4-10", "I5-1", "Z2"} <= set(ev["id"])


def test_catalogue_and_audit_ids_exist():
    "evidence: ids cited by the catalogue and the audit exist"
    ids = set(load_evidence()["id"])
    for row in load_catalogue().itertuples():
        assert set(row.evidence) <= ids, row.id
    for evs in INSIGHT_EVIDENCE.values():
        assert set(evs) <= ids


def test_ids_cited_in_notebooks_reports_and_code_exist():
    "evidence: every evidence id mentioned in notebooks, report templates and spinelib exists"
    ids = set(load_evidence()["id"])
    files = list((ROOT / "notebooks").glob("*.ipynb")) + list((ROOT / "reports" / "templates").glob("*.ipynb"))
    texts = []
    for f in files:
        nb = json.loads(f.read_text())
        texts += ["".join(c["source"]) for c in nb["cells"]]
    for f in (ROOT / "spinelib").glob("*.py"):
        texts.append(f.read_text())
    cited = set()
    for t in texts:
        cited |= set(ID_RE.findall(t))
    missing = sorted(cited - ids)
    assert not missing, missing


def test_cite_and_unknown_id():
    "evidence: cite formats ids with how sure we are; unknown ids are refused"
    text = cite(["G1", "I5-1"])
    assert text.count("\n") == 1 and "[G1]" in text
    assert len(evidence_table("G1;G9")) == 2
    with pytest.raises(InputError, match="evidence id"):
        cite(["NOPE-1"])
