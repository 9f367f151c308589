"""The evidence table (``data/evidence.csv``) and citation helpers."""
from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .errors import InputError, fmt_allowed
from .resources import data_path

__all__ = ["CERTAINTY", "load_evidence", "evidence_table", "cite", "cite_markdown"]

CERTAINTY = {
    "verbatim": "figure checked in the paper's own text",
    "secondary": "figure seen only in a secondary summary",
    "memory": "from memory, not verified",
    "gap": "no study found",
}
COLUMNS = ("id", "insight", "claim", "figure", "population", "citation", "doi_url", "certainty", "note")

SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(str, pa.Check.str_length(1, 20), unique=True),
        "insight": pa.Column(str),
        "claim": pa.Column(str, pa.Check.str_length(1, None)),
        "figure": pa.Column(str),
        "population": pa.Column(str),
        "citation": pa.Column(str),
        "doi_url": pa.Column(str),
        "certainty": pa.Column(str, pa.Check.isin(list(CERTAINTY), error=fmt_allowed(CERTAINTY))),
        "note": pa.Column(str),
    },
    strict=True,
    coerce=True,
)


@functools.lru_cache(maxsize=2)
def _load(path: str) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    try:
        return SCHEMA.validate(raw, lazy=True)
    except pa.errors.SchemaErrors as err:
        row = err.failure_cases.iloc[0]
        idx = row.get("index")
        rid = raw.loc[idx, "id"] if idx is not None and idx in raw.index else "?"
        raise InputError(str(row["column"]), str(row["check"]), row["failure_case"],
                         where=f"evidence.csv row id {rid!r}") from None


def load_evidence(path=None) -> pd.DataFrame:
    """The validated evidence table, one row per evidence id.

    >>> ev = load_evidence()
    >>> "G1" in set(ev["id"])
    True
    """
    p = Path(path) if path is not None else data_path("evidence.csv")
    return _load(str(p)).copy()


def _ids(ids) -> list[str]:
    if isinstance(ids, str):
        ids = [i for i in ids.replace(",", ";").split(";")]
    out = []
    for i in ids:
        i = str(i).strip()
        if i and i not in out:
            out.append(i)
    return out


def evidence_table(ids) -> pd.DataFrame:
    """Rows of the evidence table for the given ids, in the order given.

    Unknown ids raise an :class:`InputError`.

    >>> evidence_table(["G1"])["certainty"].tolist()
    ['verbatim']
    """
    ev = load_evidence().set_index("id")
    wanted = _ids(ids)
    missing = [i for i in wanted if i not in ev.index]
    if missing:
        raise InputError("evidence id", "an id from data/evidence.csv", missing[0])
    return ev.loc[wanted].reset_index()


def cite(ids) -> str:
    """Short plain-text citations for evidence ids, one per line, with how sure we are.

    >>> cite("G1").startswith("[G1]")
    True
    """
    rows = evidence_table(ids)
    return "\n".join(
        f"[{r.id}] {r.citation} - {r.figure} ({CERTAINTY[r.certainty]})" for r in rows.itertuples()
    )


def cite_markdown(ids) -> str:
    """A Markdown list of citations with links and certainty, for notebooks and reports.

    Empty parts (a "gap" row has no figure or citation) are left out.

    >>> "**." in cite_markdown(["I3-5"])
    False
    """
    rows = evidence_table(ids)
    lines = []
    for r in rows.itertuples():
        parts = [f"- **{r.id}**: {r.claim.rstrip('.')}."]
        if r.figure.strip():
            parts.append(f"*{r.figure.strip().rstrip('.')}*.")
        if r.citation.strip():
            parts.append(f"{r.citation.strip().rstrip('.')}.")
        if r.doi_url:
            parts.append(f"[{r.doi_url}]({r.doi_url})")
        parts.append(f"How sure: {CERTAINTY[r.certainty]}.")
        lines.append(" ".join(parts))
    return "\n".join(lines)
