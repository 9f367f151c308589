"""Batch input as spreadsheets and people write it: encodings, delimiters, blank and repeated rows, ragged rows,
quoted line breaks, duplicate columns, YAML in cells with limits, blank names. Each file kind is either read
correctly or refused with one line naming the row and the field, before any kernel starts."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from spinelib import reports
from spinelib.errors import InputError
from spinelib.reports import blocks as rf
from spinelib.reports import cli
from spinelib.reports.batch_input import CSV_MAX_BYTES, BatchRows, read_batch_rows, value_from_text
from spinelib.reports.parameters import PARAMETER_FILE_MAX, YamlLimitError, safe_yaml, yaml_mapping

TINY = Path(__file__).resolve().parent.parent / "data" / "tiny_template.ipynb"
HEAD = "name,minutes_per_day,equipment,red_flags.night_pain\n"
ANA = {"name": "Ana", "minutes_per_day": 15, "equipment": ["mat", "band"], "red_flags": {"night_pain": "no"}}


def _rows(data: bytes, template="personal-plan", **kw) -> BatchRows:
    return read_batch_rows(template, data, **kw)


def _refused(data, template="personal-plan", **kw) -> str:
    with pytest.raises(InputError) as exc:
        read_batch_rows(template, data, **kw)
    msg = str(exc.value)
    assert "\n" not in msg and len(msg) < 400, msg
    return msg


# ----- read correctly ----------------------------------------------------------------------------
@pytest.mark.parametrize("kind, data, encoding, delimiter", [
    ("UTF-8", (HEAD + "Ana,15,mat;band,no\n").encode(), "utf-8", ","),
    ("UTF-8 with BOM", ("\ufeff" + HEAD + "Ana,15,mat;band,no\n").encode(), "utf-8-sig", ","),
    ("CRLF line ends", (HEAD + "Ana,15,mat;band,no\n").replace("\n", "\r\n").encode(), "utf-8", ","),
    ("Excel 'Unicode text' (UTF-16, BOM, tabs)",
     ("\ufeff" + HEAD.replace(",", "\t") + "Ana\t15\tmat;band\tno\r\n").encode("utf-16-le"), "utf-16", "\t"),
    ("UTF-16 big-endian without BOM",
     (HEAD.replace(",", "\t") + "Ana\t15\tmat;band\tno\n").encode("utf-16-be"), "utf-16-be", "\t"),
    ("semicolons (European Excel)", (HEAD.replace(",", ";") + 'Ana;15;"mat,band";no\n').encode(), "utf-8", ";"),
    ("semicolons, comma inside a cell", (HEAD.replace(",", ";") + "Ana;15;mat,band;no\n").encode(), "utf-8", ";"),
    ("quoted cell holding the delimiter", (HEAD + 'Ana,15,"mat,band",no\n').encode(), "utf-8", ","),
    ("spaces around the header", (" name , minutes_per_day ,equipment,red_flags.night_pain \nAna, 15 ,mat;band, no\n"
                                  ).encode(), "utf-8", ","),
    ("empty trailing columns (Excel)", (HEAD.strip() + ",,\nAna,15,mat;band,no,,\n").encode(), "utf-8", ","),
    ("blank lines above the header", ("\n\n" + HEAD + "Ana,15,mat;band,no\n").encode(), "utf-8", ","),
])
def test_spreadsheet_files_are_read(kind, data, encoding, delimiter):
    "read: encodings, delimiters and spreadsheet habits give the same parameters"
    rows = _rows(data)
    assert [dict(r) for r in rows] == [{"params": ANA, "name": "Ana"}], kind
    assert rows[0].row == 1 and rows.encoding == encoding and rows.delimiter == delimiter and rows.skipped == []


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_windows_and_latin1_bytes_are_read_as_windows_1252(encoding):
    "read: bytes that are not UTF-8 (Excel's CSV on Windows) are read as Windows-1252, letters intact"
    name = "Zoë Müller-Ñúñez" + ("\u2013x" if encoding == "cp1252" else "")
    rows = _rows((HEAD + f"{name},15,mat;band,no\n").encode(encoding))
    assert rows[0]["name"] == name and rows[0]["params"]["name"] == name and rows.encoding == "cp1252"


def test_blank_and_repeated_header_rows_are_skipped_and_listed_rows_keep_their_numbers():
    "rows: blank rows and repeated headers make no report, are listed, and later rows keep the number a person counts"
    data = (HEAD + "\nAna,15,mat;band,no\n,,,\n" + HEAD + " , ,,\nBen,20,,\n").encode()
    rows = _rows(data)
    assert [(r.row, r["name"]) for r in rows] == [(2, "Ana"), (6, "Ben")]
    assert rows.skipped == [(1, "blank row"), (3, "blank row"), (4, "the header row again"), (5, "blank row")]
    assert rows[1]["params"] == {"name": "Ben", "minutes_per_day": 20}


def test_quoted_line_breaks_stay_in_their_cell():
    "rows: a quoted cell may span lines; the next row is still row 2 (and a line break in a name is refused later)"
    rows = _rows((HEAD + '"Ana\nMaria",15,"mat;\nband",no\nBen,10,,\n').encode())
    assert [(r.row, r["name"]) for r in rows] == [(1, "Ana\nMaria"), (2, "Ben")]
    assert rows[0]["params"]["equipment"] == ["mat", "band"]
    with pytest.raises(InputError, match="name: must be text without control characters"):
        reports.validate_parameters("personal-plan", rows[0]["params"])


def test_dataframes_are_read_like_files():
    "DataFrame: missing cells keep defaults (never the text 'nan'), 15.0 is 15, blank rows skipped"
    df = pd.DataFrame({"name": ["Ana", None, "Ben"], "minutes_per_day": [15.0, np.nan, np.nan],
                       "weeks": [np.nan, np.nan, 4]})
    rows = read_batch_rows("personal-plan", df)
    assert [(r.row, r["params"]) for r in rows] == [(1, {"name": "Ana", "minutes_per_day": 15}),
                                                     (3, {"name": "Ben", "weeks": 4})]
    assert rows.skipped == [(2, "blank row")]
    dup = pd.DataFrame([["Ana", 1, 2]], columns=["name", "weeks", "weeks"])
    assert _refused(dup).startswith("column weeks: must be a column that appears once in the header (got columns 2 and 3)")
    assert _refused(pd.DataFrame({"name": []})).startswith("CSV: must be at least one data row under the header")


# ----- refused with one line naming the row and field -------------------------------------------
@pytest.mark.parametrize("kind, data, message", [
    ("empty file", b"", "CSV: must be a header row and at least one data row (got an empty file (0 bytes))"),
    ("only blank lines", b"\n \n\r\n", "CSV: must be a header row and at least one data row (got a file with no text)"),
    ("header only", HEAD.encode(), "CSV: must be at least one data row under the header (got only a header row)"),
    ("header and blank rows", (HEAD + ",,,\n\n").encode(),
     "CSV: must be at least one data row under the header (got only blank or header rows under the header)"),
    ("too many cells", (HEAD + "Ana,15,mat;band,no\nBen,15,mat,band,no\n").encode(),
     "row 2: cells: must be one cell per column of the header (4); a cell that holds a comma must be in double "
     "quotes (got 5 cells)"),
    ("too few cells", (HEAD + "Ana,15\n").encode(), "row 1: cells: must be one cell per column of the header (4)"),
    ("too many cells, the extra one empty", (HEAD + "Ana,,15,mat,\n").encode(), "row 1: cells: must be one cell per"),
    ("semicolon row in a comma file", (HEAD + "Ana,15,mat,no\nBen;15;mat;no\n").encode(), "row 2: cells: must be one"),
    ("duplicate column", b"name,weeks,seed,weeks\nAna,1,2,3\n",
     "column weeks: must be a column that appears once in the header (got columns 2 and 4)"),
    ("unnamed column with values", b"name,weeks,\nAna,3,x\n",
     "column 3: must be a column with a name in the header row (got an unnamed column with a value in row 1)"),
    ("NUL in a cell", (HEAD + "Ana,15,m\x00at,no\n").encode(), "row 1: equipment: must be text without NUL characters"),
    ("unbalanced quote", (HEAD + 'Ana,15,mat,no\n"Ben,15,mat,no\n').encode(),
     "row 2: cells: must be cells with balanced double quotes"),
    ("text after a closing quote", (HEAD + '"Ana"x,15,mat,no\n').encode(),
     "row 1: cells: must be cells with balanced double quotes"),
    ("a cell over 128 kB", (HEAD + '"' + "a" * 200_000 + '",15,mat,no\n').encode(),
     "row 1: cells: must be a cell of at most 128 kB"),
    ("unknown column", b"name,minutes\nAna,15\n", "column minutes: must be a parameter of personal-plan"),
    ("no name column", b"who,weeks\nAna,3\n", "column who: must be a parameter of personal-plan"),
])
def test_broken_files_are_one_line_naming_row_and_field(kind, data, message):
    "refused: each broken file kind is one line naming the row (as counted under the header) and the field"
    assert _refused(data).startswith(message), kind


def test_file_size_is_checked_before_reading(tmp_path):
    "limits: a CSV over the size limit is refused from its size; a missing file is one line"
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(CSV_MAX_BYTES + 1)
    assert _refused(big).startswith(f"CSV: must be a file of at most {CSV_MAX_BYTES:,} bytes")
    assert _refused(tmp_path / "missing.csv").startswith("CSV: must be an existing CSV file")


# ----- YAML in cells, files and -y: one reader with limits ----------------------------------------
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b]\n"


@pytest.mark.parametrize("cell, message", [
    ('"{a: &a [1, 2], b: [*a, *a]}"', "row 1: red_flags: must be plain YAML without aliases or anchors"),
    ('"[*a]"', "row 1: equipment: must be plain YAML without aliases or anchors (got an alias (*a) on line 1)"),
    ('"[' + "mat, " * 3000 + 'mat]"', "row 1: equipment: must be YAML of at most 10,000 characters (got 15,005"),
    ('"' + "[" * 40 + "]" * 40 + '"', "row 1: equipment: must be YAML nested at most 10 levels deep"),
    ('"[' + "9" * 5000 + ']"', "row 1: equipment: must be plain YAML values"),
])
def test_yaml_cells_have_limits(cell, message):
    "YAML cells: aliases/anchors (billion laughs), size, depth and giant numbers are refused, naming row and column"
    column = "red_flags" if "red_flags" in message else "equipment"
    assert _refused(f"name,{column}\nAna,{cell}\n".encode()).startswith(message)


def test_yaml_cell_typos_are_passed_on_for_validation_to_name():
    "YAML cells: a typo is not a limit: the text goes on and the row's validation names the field"
    rows = _rows(b'name,equipment,red_flags\nAna,"[mat, band",{night_pain: no\n')
    assert rows[0]["params"]["equipment"] == "[mat, band" and rows[0]["params"]["red_flags"] == "{night_pain: no"
    with pytest.raises(InputError, match="^equipment: must be a list drawn from"):
        reports.validate_parameters("personal-plan", rows[0]["params"])
    assert value_from_text("9" * 5000, 1) == "9" * 5000  # not converted; the whole-number rule refuses it


def test_safe_yaml_limits():
    "safe_yaml: the one reader: plain values, no aliases, depth and size limits; typos name the line"
    assert safe_yaml("weeks: 4\nred_flags: {night_pain: no}", "-y") == {"weeks": 4, "red_flags": {"night_pain": False}}
    for text, message in ((BOMB, "-y: must be plain YAML without aliases or anchors (got an anchor (&a) on line 1)"),
                          ("<<: *base\n", "-y: must be plain YAML without aliases or anchors (got an alias (*base)"),
                          ("x: " + "[" * 11 + "]" * 11, "-y: must be YAML nested at most 10 levels deep"),
                          ("x" * 100_001, "-y: must be YAML of at most 100,000 characters (got 100,001 characters)"),
                          ("a: 1\x00", "-y: must be YAML text without NUL characters"),
                          ("x: !!python/object/apply:os.system [ls]", "-y: must be valid YAML (got line 1: could not"),
                          ("a: [1", "-y: must be valid YAML (got line 1: expected ',' or ']'")):
        with pytest.raises(InputError) as exc:
            safe_yaml(text, "-y")
        assert str(exc.value).startswith(message) and "\n" not in str(exc.value), str(exc.value)
    with pytest.raises(YamlLimitError):
        safe_yaml(BOMB, "-y")
    with pytest.raises(InputError, match=r"^-y: must be a YAML mapping of parameter names to values \(names are text\)"):
        yaml_mapping("1: x", "-y")


def test_command_line_yaml_and_parameter_files_share_the_limits(tmp_path):
    "YAML: -y and parameter files go through the same limits (billion laughs, size before reading, encoding)"
    with pytest.raises(InputError, match="^-y: must be plain YAML without aliases or anchors"):
        cli.collect_parameters(None, BOMB, [], [])
    f = tmp_path / "p.yaml"
    f.write_text(BOMB)
    with pytest.raises(InputError, match="^parameters file: must be plain YAML without aliases or anchors"):
        reports.load_parameter_file(f)
    with open(f, "wb") as fh:
        fh.truncate(PARAMETER_FILE_MAX + 1)
    with pytest.raises(InputError, match=f"^parameters file: must be a YAML file of at most {PARAMETER_FILE_MAX:,} bytes"):
        reports.load_parameter_file(f)
    f.write_bytes("name: Zo\u00eb\n".encode("latin-1"))
    with pytest.raises(InputError, match="^parameters file: must be UTF-8 text"):
        reports.load_parameter_file(f)
    f.write_text("template: personal-plan\nparameters: [name, Ana]\n")
    with pytest.raises(InputError, match="^parameters file: must be a mapping under 'parameters:'"):
        reports.load_parameter_file(f)
    f.write_text("\ufeffname: Ana\n", encoding="utf-8")
    assert reports.load_parameter_file(f) == {"name": "Ana"}
    r = CliRunner().invoke(cli.main, ["report", "personal-plan", "-f", str(tmp_path / "p.yaml"), "-y", BOMB])
    assert r.exit_code == 2 and r.output.count("\n") == 1 and r.output.startswith("error: -y: must be plain YAML")


# ----- blank names -----------------------------------------------------------------------------
def test_a_blank_name_cell_is_a_row_error_not_client(no_kernel, tmp_path):
    "names: a blank or whitespace name cell is that row's error (never the default 'Client'); the rest go on"
    csv = tmp_path / "c.csv"
    csv.write_text("name,minutes_per_day\n,15\n   ,20\nAna,99\n")
    seen = []
    res = reports.run_batch("personal-plan", csv, tmp_path / "out", progress=False,
                            on_invalid=lambda r, m: seen.append((r, m)))
    assert seen == [(1, "name: must be text of 1 to 80 characters (got empty text)"),
                    (2, "name: must be text of 1 to 80 characters (got only spaces)"),
                    (3, "minutes_per_day: must be a whole number of minutes from 5 to 60 (got 99)")]
    assert list(res.summary["status"]) == ["invalid"] * 3
    assert not list((tmp_path / "out").glob("*.html"))


def test_a_blank_name_is_refused_everywhere(no_kernel, tmp_path):
    "names: -p name '' or '   ' is refused before any kernel; a template run directly shows 'unnamed' explicitly"
    for blank in ("", "   ", "\t"):
        with pytest.raises(InputError, match="^name: must be text of 1 to 80 characters"):
            reports.validate_parameters("personal-plan", {"name": blank})
    r = CliRunner().invoke(cli.main, ["report", "personal-plan", "-r", "name", "  "])
    assert r.exit_code == 2 and r.output == "error: name: must be text of 1 to 80 characters (got only spaces)\n"
    assert rf.person_name("  ") == rf.UNNAMED and "unnamed" in rf.header("Personal plan", rf.person_name(""), "d", {}).data


def test_a_ragged_file_stops_the_batch_before_any_kernel(no_kernel, tmp_path):
    "cli: a file that cannot be read row by row is one line, exit 2, nothing written"
    csv = tmp_path / "c.csv"
    csv.write_text("name,minutes_per_day\nAna,15\nBen,1,5\n")
    out = tmp_path / "out"
    r = CliRunner().invoke(cli.main, ["batch", "personal-plan", str(csv), "--out-dir", str(out), "--no-progress"])
    assert r.exit_code == 2, r.output
    assert r.output == ("error: row 2: cells: must be one cell per column of the header (2); a cell that holds a comma "
                        "must be in double quotes (got 3 cells)\n")
    assert not out.exists() or not list(out.iterdir())


def test_numbers_from_cells_are_finite_and_bounded(no_kernel):
    "cells: 'nan', 'inf' and 5,000-digit numbers are not numbers; the validation names the field"
    assert value_from_text("nan", 1.0) == "nan" and value_from_text("-inf", 1.0) == "-inf"
    assert value_from_text("2.5", 1.0) == 2.5
    for bad in ("nan", float("nan"), float("inf")):
        with pytest.raises(InputError, match="^scale: must be"):
            reports.validate_parameters(TINY, {"scale": value_from_text(bad, 1.0) if isinstance(bad, str) else bad})
