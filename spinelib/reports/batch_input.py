"""Batch input: the rows of a CSV file (or a DataFrame) as one parameter set per report.

The CSV is read the way spreadsheets and people write it, or refused with one line naming the
row and the field:

- **Encodings**: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark
  (Excel's "Unicode text", tab-separated) or without one, and, when the bytes are not UTF-8,
  Windows-1252 (Excel's "CSV" on a Western-European Windows; it covers Latin-1's letters).
- **Delimiters**: comma, semicolon (Excel in countries that write decimal commas) or tab, chosen
  from the header row: the one that makes the name column a column.
- **Rows** are numbered as a person counts them under the header: row 1 is the first row below
  it (line 2 of the file, unless a quoted cell spans several lines), and blank rows and repeated
  header rows count too, so a number in a message is the row a spreadsheet shows, minus one.
  Blank rows (every cell empty) and rows that repeat the header (files pasted together) are
  skipped and listed in :attr:`BatchRows.skipped`; no report is made for them.
- **Refused** (one :class:`~spinelib.errors.InputError`, before any kernel starts): an empty
  file, a header without data rows, a row with more or fewer cells than the header (a cell
  holding the delimiter must be quoted: a shifted row is never guessed at), duplicate column
  names, a named column under an empty header cell, NUL characters, unbalanced quotes, a cell
  over 128 kB, a file over :data:`CSV_MAX_BYTES`, and YAML cells over the limits of
  :func:`~.parameters.safe_yaml` (10,000 characters, 10 levels, no aliases or anchors).

Cells are text; each is turned into a value guided by the type of the template's default
(:func:`value_from_text`) and then validated like any other parameter (per row, by the runner).
An empty cell keeps the template's default, except in the name column: a blank name is passed
on as empty text, so a template whose ``name`` must be text (the personal plan) makes it a row
error instead of a report for "Client". Output file names come from a slug of the name column
(:func:`safe_output_name`); names that look like paths are refused.
"""
from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pandas as pd

from ..errors import InputError, Shown
from .parameters import YAML_CELL_MAX, YamlLimitError, safe_yaml
from .templates import template_label, template_parameters

__all__ = ["safe_output_name", "value_from_text", "read_batch_rows", "read_csv_table", "BatchRow", "BatchRows",
           "CSV_MAX_BYTES", "DELIMITERS"]

CSV_MAX_BYTES = 20_000_000  # a CSV of 20 MB holds some 100,000 clients; checked before it is read
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

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


# ----- cells ---------------------------------------------------------------------------------
def _yaml_cell(s: str, field: str, where: str):
    """YAML in a cell through the one limited reader; a typo passes the text on, a limit refuses it."""
    try:
        return safe_yaml(s, field, max_chars=YAML_CELL_MAX, where=where)
    except YamlLimitError:
        raise
    except InputError:
        return s


def _list_from_text(s: str, field: str, where: str):
    if s.startswith("["):
        return _yaml_cell(s, field, where)
    return [p.strip() for p in re.split(r"[;,]", s) if p.strip()]


def _mapping_from_text(s: str, field: str, where: str):
    v = _yaml_cell(s, field, where)
    return v if isinstance(v, dict) else s


def value_from_text(text: str, default, *, field: str = "cell", where: str = ""):
    """Turn a CSV cell into a parameter value, guided by the template default's type.

    Text that does not convert is passed on as it is, for the validation to name. Lists
    (``[a, b]``) and mappings are read by :func:`~.parameters.safe_yaml` with the cell limits;
    over a limit is an :class:`~spinelib.errors.InputError` naming ``field`` (and ``where``, the row).

    >>> value_from_text(" 12 ", 1), value_from_text("mat; band", []), value_from_text("{a: 1}", {})
    (12, ['mat', 'band'], {'a': 1})
    """
    s = text.strip()
    if isinstance(default, bool):
        low = s.lower()
        return True if low in ("true", "yes", "1") else False if low in ("false", "no", "0") else s
    if isinstance(default, int):
        return int(s) if re.fullmatch(r"-?\d{1,30}", s) else s
    if isinstance(default, float):
        try:
            x = float(s)
        except ValueError:
            return s
        return x if math.isfinite(x) else s  # 'nan', 'inf' go on as text, for the validation to name
    if isinstance(default, (list, tuple)):
        return _list_from_text(s, field, where)
    if isinstance(default, dict):
        return _mapping_from_text(s, field, where)
    return s


# ----- the table -----------------------------------------------------------------------------
class BatchRow(dict):
    """One row's ``{"params": ..., "name": ...}``; ``.row`` is its number (1 = the first row under the header)."""

    row: int = 0


class BatchRows(list):
    """The rows of a batch (:class:`BatchRow` each), with what was skipped and how the file was read.

    ``skipped`` lists ``(row, reason)`` for blank rows and repeated header rows; ``encoding``
    and ``delimiter`` say how a CSV file was read (``None`` for a DataFrame).
    """

    def __init__(self, rows=(), *, skipped=(), encoding=None, delimiter=None):
        super().__init__(rows)
        self.skipped = list(skipped)
        self.encoding = encoding
        self.delimiter = delimiter


def _read_bytes(table) -> bytes:
    if isinstance(table, (bytes, bytearray)):
        data = bytes(table)
    elif hasattr(table, "read"):
        data = table.read(CSV_MAX_BYTES + 1)
        data = data.encode("utf-8") if isinstance(data, str) else data
    else:
        p = Path(table)
        if not p.is_file():
            raise InputError("CSV", "an existing CSV file", str(table))
        size = p.stat().st_size
        if size > CSV_MAX_BYTES:
            raise InputError("CSV", f"a file of at most {CSV_MAX_BYTES:,} bytes", Shown(f"{p.name}: {size:,} bytes"))
        with open(p, "rb") as fh:
            data = fh.read(CSV_MAX_BYTES + 1)
    if len(data) > CSV_MAX_BYTES:
        raise InputError("CSV", f"a file of at most {CSV_MAX_BYTES:,} bytes",
                         Shown(f"more than {CSV_MAX_BYTES:,} bytes"))
    return data


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the NUL bytes sit where UTF-16 text puts them."""
    head = data[:4000]
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with."""
    if not data:
        raise InputError("CSV", "a header row and at least one data row", Shown("an empty file (0 bytes)"))
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        enc = "utf-32"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        enc = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        enc = "utf-8-sig"
    else:
        enc = _utf16_without_bom(data) if b"\x00" in data[:4000] else None
    if enc:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError as exc:
            raise InputError("CSV", f"text in one encoding ({enc} from its start)",
                             Shown(f"bytes that are not {enc} at position {exc.start:,}")) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # Excel's "CSV" on Windows in Western Europe; a superset of Latin-1's letters
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _first_line(text: str) -> str:
    return next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")


def _cells(line: str, d: str) -> list[str]:
    try:
        return [c.strip() for c in next(csv.reader([line], delimiter=d), [])]
    except csv.Error:
        return []


def _choose_delimiter(text: str, name_column: str) -> str:
    """The delimiter that makes ``name_column`` a column of the header (most columns wins; a comma on a tie)."""
    line = _first_line(text)
    scored = []
    for i, d in enumerate(DELIMITERS):
        cells = _cells(line, d)
        scored.append((name_column in cells, len(cells), -i, d))
    return max(scored)[3]


def _parse(text: str, delimiter: str) -> list[list[str]]:
    """Records of the CSV text (a quoted cell may hold the delimiter, quotes and line breaks)."""
    records = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    n = -1
    try:
        for rec in reader:
            records.append(rec)
            n += 1
    except csv.Error as exc:
        msg = " ".join(str(exc).split())
        what = "a cell of at most 128 kB" if "field larger" in msg else "cells with balanced double quotes"
        raise InputError("cells", what, Shown(f"{msg}, line {reader.line_num} of the file"),
                         where=f"row {n + 1}" if n >= 0 else "header") from None
    return records


def _blank(rec) -> bool:
    return all(not str(c).strip() for c in rec)


def _column_name(c) -> str:
    return str(c).strip().lstrip("\ufeff").strip()


def _header(raw: list[str], records: list[list[str]], delimiter: str | None) -> list[tuple[int, str]]:
    """``(position, name)`` of the header's columns; an empty header cell over empty cells is dropped."""
    names = [_column_name(c) for c in raw]
    seen: dict = {}
    cols = []
    for i, c in enumerate(names):
        if not c:
            filled = next((n for n, rec in enumerate(records, 1) if i < len(rec) and str(rec[i]).strip()), None)
            if filled is not None:
                raise InputError(f"column {i + 1}", "a column with a name in the header row",
                                 Shown(f"an unnamed column with a value in row {filled}"))
            continue
        if c in seen:
            raise InputError(f"column {c}", "a column that appears once in the header",
                             Shown(f"columns {seen[c] + 1} and {i + 1}"))
        if "\x00" in c:
            raise InputError("header", "text without NUL characters", c)
        seen[c] = i
        cols.append((i, c))
    return cols


def _check_columns(columns, declared: dict, name_column: str, label: str) -> None:
    for col in columns:
        base = col.split(".", 1)[0]
        if col != name_column and base not in declared:
            raise InputError(f"column {col}", f"a parameter of {label}: one of {', '.join(declared)}")
    if name_column not in columns:
        raise InputError("name column", "a column of the CSV: " + ", ".join(columns), name_column)


def _row_parameters(rec: dict, declared: dict, name_column: str = "", where: str = "") -> dict:
    """One CSV record as parameters: empty cells skipped (the template's default), ``base.sub`` columns
    gathered into a mapping; the name column is kept even when blank, for the validation to refuse."""
    params: dict = {}
    for col, text in rec.items():
        blank = text.strip() == ""
        if blank and col != name_column:
            continue
        base, _, sub = col.partition(".")
        if base not in declared:
            continue
        if sub:
            params.setdefault(base, {})[sub] = text.strip()
        elif blank:  # the name column: as it is, so the validation can say it is empty
            params[base] = text
        else:
            params[base] = value_from_text(text, declared[base]["default"], field=col, where=where)
    return params


def _cell_text(v) -> str:
    """A DataFrame cell as the text a CSV would hold (missing is empty, 15.0 is 15)."""
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _frame_records(table: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """The header cells and data records of a DataFrame, as the text a CSV would hold."""
    raw = [str(c) for c in table.columns]
    return raw, [[_cell_text(v) for v in row] for row in table.itertuples(index=False, name=None)]


def read_csv_table(table, *, name_column: str = "name") -> tuple[list[str], list[list[str]], str, str]:
    """The header cells and data records of a CSV file (path, bytes or binary file), the encoding and delimiter."""
    text, enc = _decode(_read_bytes(table))
    delimiter = _choose_delimiter(text, name_column)
    records = _parse(text.lstrip("\ufeff"), delimiter)
    while records and _blank(records[0]):  # blank lines above the header
        records.pop(0)
    if not records:
        raise InputError("CSV", "a header row and at least one data row", Shown("a file with no text"))
    return records[0], records[1:], enc, delimiter


def read_batch_rows(template, table, *, name_column: str = "name") -> BatchRows:
    """Read a CSV (path, bytes or DataFrame) into one parameter dict per row, from text cells.

    Empty cells keep the template default (not in the name column: see the module's notes).
    Columns ``red_flags.<question id>`` are gathered into the ``red_flags`` mapping. A column
    that is not a parameter is refused. Each returned :class:`BatchRow` has ``.row``, its number
    under the header; blank and repeated header rows are left out and listed in ``.skipped``.
    """
    if isinstance(table, pd.DataFrame):
        (raw, records), enc, delimiter = _frame_records(table), None, None
    else:
        raw, records, enc, delimiter = read_csv_table(table, name_column=name_column)
    cols = _header(raw, records, delimiter)
    names = [c for _, c in cols]
    declared = template_parameters(template)
    _check_columns(names, declared, name_column, template_label(template))
    width = len(raw)
    sep = f"a {_DELIMITER_NAMES.get(delimiter, repr(delimiter))}" if delimiter else "the delimiter"
    header_again = [_column_name(c) for c in raw]
    rows, skipped = [], []
    for n, rec in enumerate(records, start=1):
        where = f"row {n}"
        if _blank(rec):
            skipped.append((n, "blank row"))
            continue
        if [str(c).strip() for c in rec] == header_again:
            skipped.append((n, "the header row again"))
            continue
        if len(rec) != width:
            raise InputError("cells", f"one cell per column of the header ({width}); a cell that holds {sep} "
                             "must be in double quotes", Shown(f"{len(rec)} cells"), where=where)
        cells = {}
        for i, c in cols:
            if "\x00" in rec[i]:
                raise InputError(c, "text without NUL characters", Shown("a NUL character"), where=where)
            cells[c] = rec[i]
        row = BatchRow(params=_row_parameters(cells, declared, name_column, where), name=cells[name_column])
        row.row = n
        rows.append(row)
    if not rows:
        got = "only a header row" if not records else "only blank or header rows under the header"
        raise InputError("CSV", "at least one data row under the header", Shown(got))
    return BatchRows(rows, skipped=skipped, encoding=enc, delimiter=delimiter)
