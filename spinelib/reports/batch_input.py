"""Batch input: the rows of a CSV file (or a DataFrame) as one parameter set per report.

Cells are text; each is turned into a value guided by the type of the template's default
(:func:`value_from_text`) and then validated like any other parameter. Output file names come
from a slug of the name column (:func:`safe_output_name`); names that look like paths are refused.
"""
from __future__ import annotations

import re

import pandas as pd

from ..errors import InputError
from .templates import template_label, template_parameters

__all__ = ["safe_output_name", "value_from_text", "read_batch_rows"]


_UNSAFE_NAME = re.compile(r"[/\\]|\.\.|^\s*\.|[\x00-\x1f]")


def safe_output_name(value, row: int, used: set, column: str = "name") -> str:
    """A unique file stem from a slug of ``value``; names that look like paths are refused.

    >>> used = set()
    >>> safe_output_name("Ana María", 1, used), safe_output_name("ana maria", 2, used)
    ('ana-maria', 'ana-maria-2')
    >>> safe_output_name("../../etc/x", 3, used)
    Traceback (most recent call last):
    ...
    spinelib.errors.InputError: name: must be a plain name without '/', '\\' or '..' (got '../../etc/x')
    """
    from slugify import slugify

    text = "" if value is None else str(value)
    if _UNSAFE_NAME.search(text):
        raise InputError(column, "a plain name without '/', '\\' or '..'", text)
    stem = slugify(text, max_length=60, word_boundary=True) or f"row-{row}"
    candidate, n = stem, 1
    while candidate in used:
        n += 1
        candidate = f"{stem}-{n}"
    used.add(candidate)
    return candidate


def _list_from_text(s: str):
    import yaml

    if s.startswith("["):
        try:
            return yaml.safe_load(s)
        except yaml.YAMLError:
            return s
    return [p.strip() for p in re.split(r"[;,]", s) if p.strip()]


def _mapping_from_text(s: str):
    import yaml

    try:
        v = yaml.safe_load(s)
    except yaml.YAMLError:
        return s
    return v if isinstance(v, dict) else s


def value_from_text(text: str, default):
    """Turn a CSV cell into a parameter value, guided by the template default's type.

    Text that does not convert is passed on as it is, for the validation to name.
    """
    s = text.strip()
    if isinstance(default, bool):
        low = s.lower()
        return True if low in ("true", "yes", "1") else False if low in ("false", "no", "0") else s
    if isinstance(default, int):
        return int(s) if re.fullmatch(r"-?\d+", s) else s
    if isinstance(default, float):
        try:
            return float(s)
        except ValueError:
            return s
    if isinstance(default, (list, tuple)):
        return _list_from_text(s)
    if isinstance(default, dict):
        return _mapping_from_text(s)
    return s


def _check_columns(columns, declared: dict, name_column: str, label: str) -> None:
    for col in columns:
        base = col.split(".", 1)[0]
        if col != name_column and base not in declared:
            raise InputError(f"column {col}", f"a parameter of {label}: one of {', '.join(declared)}")
    if name_column not in columns:
        raise InputError("name column", "a column of the CSV: " + ", ".join(columns), name_column)


def _row_parameters(rec: dict, declared: dict) -> dict:
    """One CSV record as parameters: empty cells skipped, ``base.sub`` columns gathered into a mapping."""
    params: dict = {}
    for col, text in rec.items():
        if text.strip() == "":
            continue
        base, _, sub = col.partition(".")
        if base not in declared:
            continue
        if sub:
            params.setdefault(base, {})[sub] = text.strip()
        else:
            params[base] = value_from_text(text, declared[base]["default"])
    return params


def read_batch_rows(template, table, *, name_column: str = "name") -> list[dict]:
    """Read a CSV (path or DataFrame) into one parameter dict per row, from text cells.

    Empty cells keep the template default. Columns ``red_flags.<question id>`` are gathered
    into the ``red_flags`` mapping. A column that is not a parameter is refused.
    """
    df = table if isinstance(table, pd.DataFrame) else pd.read_csv(table, dtype=str, keep_default_na=False)
    df = df.astype(str)
    declared = template_parameters(template)
    _check_columns(df.columns, declared, name_column, template_label(template))
    return [{"params": _row_parameters(rec, declared), "name": rec.get(name_column, "")}
            for rec in df.to_dict(orient="records")]
