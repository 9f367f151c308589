"""The exercise catalogue: loading, schema validation and ladder helpers.

The catalogue lives in ``data/exercises.csv`` (shipped inside the wheel as
``spinelib/data/exercises.csv``). :func:`load_catalogue` validates it against a declared
pandera schema and turns a broken file into a one-line :class:`~spinelib.errors.InputError`
naming the row id and the field.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .errors import InputError, fmt_allowed
from .insights import CATEGORY_INSIGHT
from .resources import data_path

__all__ = [
    "CATEGORIES",
    "CATEGORY_INSIGHT",
    "POSITIONS",
    "EQUIPMENT",
    "COLUMNS",
    "load_catalogue",
    "ladder",
    "catalogue_index",
    "CatalogueIndex",
    "ladder_frame",
]

CATEGORIES = ("down_regulation", "micro_strength", "transition", "structured_load", "mobility_reset")
POSITIONS = ("lying", "side-lying", "quadruped", "seated", "standing")
EQUIPMENT = ("none", "mat", "cushion", "band", "dumbbell", "kettlebell", "step", "ball", "towel")
COLUMNS = (
    "id", "name", "category", "insight", "targets", "position", "equipment", "load_level",
    "control_demand", "dosage", "minutes", "cues", "progression_id", "regression_id",
    "cautions", "evidence",
)
_LIST_COLUMNS = {"targets": ";", "equipment": ";", "evidence": ";", "cues": "|"}


def _split(text, sep):
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return []
    return [p.strip() for p in str(text).split(sep) if p.strip()]


def _no_cycles(df: pd.DataFrame) -> pd.Series:
    nxt = dict(zip(df["id"], df["progression_id"].fillna("")))
    ok = {}
    for start in df["id"]:
        seen, cur = set(), start
        while cur and cur in nxt and cur not in seen:
            seen.add(cur)
            cur = nxt[cur]
        ok[start] = cur not in seen or not cur
    return df["id"].map(ok).astype(bool)


def _links_exist(col):
    def check(df: pd.DataFrame) -> pd.Series:
        ids = set(df["id"])
        link = df[col].fillna("")
        return (link == "") | link.isin(ids)
    return check


def _links_mutual(df: pd.DataFrame) -> pd.Series:
    prog = dict(zip(df["id"], df["progression_id"].fillna("")))
    reg = dict(zip(df["id"], df["regression_id"].fillna("")))
    out = []
    for i in df["id"]:
        p, r = prog[i], reg[i]
        good = (not p or reg.get(p, None) == i) and (not r or prog.get(r, None) == i)
        out.append(good)
    return pd.Series(out, index=df.index)


def _same_category(df: pd.DataFrame) -> pd.Series:
    cat = dict(zip(df["id"], df["category"]))
    link = df["progression_id"].fillna("")
    return pd.Series([(not p) or cat.get(p) == c for p, c in zip(link, df["category"])], index=df.index)


def _cue_count(s: pd.Series) -> pd.Series:
    return s.fillna("").map(lambda t: 2 <= len(_split(t, "|")) <= 4)


def _equipment_known(s: pd.Series) -> pd.Series:
    return s.fillna("").map(lambda t: bool(_split(t, ";")) and set(_split(t, ";")) <= set(EQUIPMENT))


_ID = r"^[a-z][a-z0-9_]*$"
# checks across rows: (function, the field it is about, what the field must be)
_TABLE_CHECKS = [
    (_links_exist("progression_id"), "progression_id", "the id of another exercise, or empty (dangling progression link)"),
    (_links_exist("regression_id"), "regression_id", "the id of another exercise, or empty (dangling regression link)"),
    (_links_mutual, "regression_id", "mutual with the linked exercise's progression_id/regression_id"),
    (_same_category, "progression_id", "an exercise of the same category"),
    (_no_cycles, "progression_id", "acyclic (a progression ladder must not loop back)"),
]
_TABLE_FIELD = {text: field for _, field, text in _TABLE_CHECKS}
SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(str, pa.Check.str_matches(_ID, error="a lowercase snake_case id"), unique=True),
        "name": pa.Column(str, pa.Check.str_length(1, 80, error="a name of 1-80 characters")),
        "category": pa.Column(str, pa.Check.isin(CATEGORIES, error=fmt_allowed(CATEGORIES))),
        "insight": pa.Column(int, pa.Check.in_range(1, 5, error="a whole number from 1 to 5")),
        "targets": pa.Column(str, pa.Check.str_length(1, None, error="at least one target")),
        "position": pa.Column(str, pa.Check.isin(POSITIONS, error=fmt_allowed(POSITIONS))),
        "equipment": pa.Column(str, pa.Check(_equipment_known, error="';'-separated items, " + fmt_allowed(EQUIPMENT))),
        "load_level": pa.Column(int, pa.Check.in_range(1, 5, error="a whole number from 1 to 5")),
        "control_demand": pa.Column(int, pa.Check.in_range(1, 5, error="a whole number from 1 to 5")),
        "dosage": pa.Column(str, pa.Check.str_length(1, None, error="a dosage such as '2 x 8 reps'")),
        "minutes": pa.Column(float, pa.Check.in_range(0.5, 15, error="minutes per bout from 0.5 to 15")),
        "cues": pa.Column(str, pa.Check(_cue_count, error="2 to 4 cues separated by '|'")),
        "progression_id": pa.Column(str, nullable=True),
        "regression_id": pa.Column(str, nullable=True),
        "cautions": pa.Column(str, nullable=True),
        "evidence": pa.Column(str, pa.Check.str_length(1, None, error="at least one evidence id")),
    },
    checks=[pa.Check(fn, name=field, error=text) for fn, field, text in _TABLE_CHECKS],
    strict=True,
    coerce=True,
    ordered=False,
)


def _first_error(err: pa.errors.SchemaErrors, raw: pd.DataFrame, where: str) -> InputError:
    fc = err.failure_cases
    for _, row in fc.iterrows():
        idx = row.get("index")
        col = row.get("column")
        check = str(row.get("check"))
        if check in _TABLE_FIELD:
            col = _TABLE_FIELD[check]
        elif col is None or (isinstance(col, float) and pd.isna(col)):
            col = "table"
        if idx is not None and not (isinstance(idx, float) and pd.isna(idx)) and idx in raw.index:
            rid = raw.loc[idx, "id"] if "id" in raw.columns else idx
            loc = f"{where} row id {rid!r} (line {int(idx) + 2})"
        else:
            loc = where
        if check == "field_uniqueness":
            return InputError(str(col), "unique (duplicate id)", row["failure_case"], where=loc)
        if check.startswith("column_in_dataframe"):
            return InputError(str(row["failure_case"]), "present (missing column)", where=where)
        if check == "column_in_schema":
            return InputError(str(row["failure_case"]), "a known column: " + ", ".join(COLUMNS), where=where)
        if check.startswith("dtype") or check.startswith("coerce"):
            return InputError(str(col), f"of type {check}", row["failure_case"], where=loc)
        if check == "not_nullable":
            return InputError(str(col), "filled in (it is empty)", where=loc)
        got = raw.loc[idx, col] if (col in raw.columns and loc != where) else row["failure_case"]
        if isinstance(got, float) and pd.isna(got):
            got = ""
        return InputError(str(col), check, got, where=loc)
    return InputError("catalogue", "valid", where=where)


def validate_catalogue(raw: pd.DataFrame, where: str = "exercises.csv") -> pd.DataFrame:
    """Validate a raw catalogue table (all columns as text) and return the typed DataFrame.

    List columns (``targets``, ``equipment``, ``evidence``, ``cues``) become Python lists.
    """
    if not isinstance(raw, pd.DataFrame):
        raise InputError("catalogue", "a pandas DataFrame", type(raw).__name__, where=where)
    if raw.empty:
        raise InputError("catalogue", "a table with at least one exercise", "an empty table", where=where)
    raw = raw.reset_index(drop=True).copy()
    for col in ("progression_id", "regression_id", "cautions", "cues"):
        if col in raw.columns:
            raw[col] = raw[col].where(raw[col].notna() & (raw[col].astype(str).str.strip() != ""), None)
    try:
        df = SCHEMA.validate(raw, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise _first_error(err, raw, where) from None
    bad = df[df["insight"] != df["category"].map(CATEGORY_INSIGHT)]
    if len(bad):
        r = bad.iloc[0]
        raise InputError("insight", f"{CATEGORY_INSIGHT[r['category']]} for category {r['category']}", int(r["insight"]),
                         where=f"{where} row id {r['id']!r}")
    df = df[list(COLUMNS)].copy()
    for col, sep in _LIST_COLUMNS.items():
        df[col] = df[col].map(lambda t, sep=sep: _split(t, sep))
    for col in ("progression_id", "regression_id"):
        df[col] = pd.Series([v if isinstance(v, str) and v else None for v in df[col]], index=df.index, dtype=object)
    df["cautions"] = df["cautions"].fillna("")
    df["minutes"] = df["minutes"].astype(float)
    return df.reset_index(drop=True)


def read_catalogue(path) -> pd.DataFrame:
    """Read a catalogue CSV as text and validate it (see :func:`validate_catalogue`)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("path", "an existing CSV file", str(path))
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError("file", "a readable CSV table", msg, where=path.name) from None
    return validate_catalogue(raw, where=path.name)


@functools.lru_cache(maxsize=4)
def _cached(path: str, mtime: float) -> pd.DataFrame:
    return read_catalogue(path)


def load_catalogue(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The validated exercise catalogue, one row per exercise.

    >>> cat = load_catalogue()
    >>> set(cat["category"]) == set(CATEGORIES)
    True
    >>> bool(cat["id"].is_unique)
    True
    """
    p = Path(path) if path is not None else data_path("exercises.csv")
    if not p.is_file():
        raise InputError("path", "an existing CSV file", str(p))
    return _cached(str(p.resolve()), p.stat().st_mtime).copy()


def ladder(exercise_id: str, catalogue: pd.DataFrame | None = None) -> list[str]:
    """The whole ladder an exercise belongs to, easiest first.

    >>> ids = ladder(load_catalogue().query("category == 'structured_load'")["id"].iloc[0])
    >>> len(ids) >= 1
    True
    """
    cat = load_catalogue() if catalogue is None else catalogue
    by_id = cat.set_index("id")
    if exercise_id not in by_id.index:
        raise InputError("exercise_id", "an id from the catalogue", exercise_id)
    cur, seen = exercise_id, {exercise_id}
    while by_id.at[cur, "regression_id"]:
        cur = by_id.at[cur, "regression_id"]
        if cur in seen:
            break
        seen.add(cur)
    out = [cur]
    while by_id.at[cur, "progression_id"] and by_id.at[cur, "progression_id"] not in out:
        cur = by_id.at[cur, "progression_id"]
        out.append(cur)
    return out


@dataclass(frozen=True)
class CatalogueIndex:
    """Read-only lookups over the validated catalogue (built once per file version).

    ``rows`` maps id to a dict of the row; ``root`` maps id to the easiest rung of its
    ladder; ``step`` maps id to its rung (0 = easiest); ``ladders`` maps a root to its rungs.
    """

    frame: pd.DataFrame
    rows: dict
    root: dict
    step: dict
    ladders: dict


@functools.lru_cache(maxsize=4)
def _index(path: str, mtime: float) -> CatalogueIndex:
    frame = _cached(path, mtime)
    rows = {r["id"]: r for r in frame.to_dict("records")}
    root, step, ladders = {}, {}, {}
    for i in rows:
        if rows[i]["regression_id"]:
            continue
        rungs, cur = [i], rows[i]["progression_id"]
        while cur and cur not in rungs:
            rungs.append(cur)
            cur = rows[cur]["progression_id"]
        ladders[i] = rungs
        for n, r in enumerate(rungs):
            root[r], step[r] = i, n
    return CatalogueIndex(frame=frame, rows=rows, root=root, step=step, ladders=ladders)


def catalogue_index(path: str | os.PathLike | None = None) -> CatalogueIndex:
    """Cached lookups over the catalogue; see :class:`CatalogueIndex`.

    >>> idx = catalogue_index()
    >>> all(idx.ladders[idx.root[i]][idx.step[i]] == i for i in idx.rows)
    True
    """
    p = Path(path) if path is not None else data_path("exercises.csv")
    if not p.is_file():
        raise InputError("path", "an existing CSV file", str(p))
    return _index(str(p.resolve()), p.stat().st_mtime)


def ladder_frame(category: str = "structured_load", catalogue: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ladders of one category, rung by rung.

    Columns: ``ladder, rung, id, name, load_level, position, equipment, minutes, dosage``. A
    ladder starts at an exercise with no regression and follows ``progression_id`` upward;
    ladders of two or more rungs come first, then the stand-alone exercises, each by load level.

    >>> f = ladder_frame("structured_load")
    >>> bool((f.groupby("ladder")["load_level"].diff().dropna() >= 0).all())
    True
    """
    if category not in CATEGORIES:
        raise InputError("category", "one of " + ", ".join(CATEGORIES), category)
    cat = load_catalogue() if catalogue is None else catalogue
    sub = cat[cat["category"] == category]
    roots = sub[sub["regression_id"].isna() | (sub["regression_id"] == "")]
    rows = []
    by_id = cat.set_index("id")
    chains = {root: ladder(root, cat) for root in roots["id"]}
    order = sorted(chains, key=lambda i: (len(chains[i]) < 2, by_id.at[i, "load_level"], i))
    for li, root in enumerate(order):
        for rung, ex in enumerate(chains[root]):
            r = by_id.loc[ex]
            rows.append({"ladder": li + 1, "rung": rung + 1, "id": ex, "name": r["name"],
                         "load_level": int(r["load_level"]), "position": r["position"],
                         "equipment": ", ".join(r["equipment"]), "minutes": float(r["minutes"]),
                         "dosage": r["dosage"]})
    return pd.DataFrame(rows, columns=["ladder", "rung", "id", "name", "load_level", "position", "equipment",
                                       "minutes", "dosage"])
