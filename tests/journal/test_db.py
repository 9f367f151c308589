"""The session log in a real database: round trip, migrations, bad entries, CSV, one person per file.

Every test marked with ``db_url`` runs twice: on a SQLite file and on a real PostgreSQL server.
"""
from __future__ import annotations

import datetime as dt
import sqlite3

import pandas as pd
import pytest
import sqlalchemy as sa

from spinelib.errors import InputError
from spinelib.journal import Journal, SCHEMA_VERSION, current_version, default_location, migrate
from spinelib.journal import schema

TODAY = dt.date(2026, 11, 30)


def _fill(j: Journal, days: int = 10):
    for k in range(days):
        d = TODAY - dt.timedelta(days=days - 1 - k)
        j.log_session(d, "morning", ["bird_dog", "pelvic_tilt"], 12, 5 - k % 3, 4 - k % 3, flare=(k == 4),
                      note="felt stiff" if k == 2 else "")
    j.log_session(TODAY, "evening", "crook_lying_slow_breathing", 8, 4, 2)
    j.log_measures(TODAY - dt.timedelta(days=9), nrs=6, peg=(6, 5, 6), psfs={"lifting a bag": 3, "sitting 1 h": 4})
    j.log_measures(TODAY, nrs=4, peg=(4, 3, 4), psfs={"lifting a bag": 5, "sitting 1 h": 6})
    j.set_plan(session_days=(0, 2, 4), slots=("morning", "evening"), minutes=20, start=TODAY - dt.timedelta(days=9))


def _one_line(e: pytest.ExceptionInfo) -> str:
    text = str(e.value)
    assert "\n" not in text and len(text) < 300, text
    return text


def test_round_trip(db_url, tmp_path):
    "journal: sessions, measures and plan come back as written; CSV export then import gives the same log"
    j = Journal(db_url, person="Ann", shared=True, today=TODAY)
    _fill(j)
    s = j.sessions()
    assert len(s) == 11 and list(s.columns) == ["date", "slot", "exercises", "minutes", "pain_before", "pain_after",
                                                "flare", "note"]
    assert s["flare"].sum() == 1 and "felt stiff" in set(s["note"])
    assert s.iloc[0]["exercises"] == "bird_dog;pelvic_tilt"
    m = j.measures()
    assert m["nrs"].tolist() == [6.0, 4.0] and m["psfs_activity_1"].iloc[0] == "lifting a bag"
    assert j.plan()["session_days"] == (0, 2, 4) and j.plan()["slots"] == ("morning", "evening")
    for what in ("sessions", "measures"):
        j.export_csv(tmp_path / f"{what}.csv", what)
    other = Journal(tmp_path / "copy.sqlite", person="Ann", today=TODAY)
    assert other.import_csv(tmp_path / "sessions.csv") == 11
    assert other.import_csv(tmp_path / "measures.csv", "measures") == 2
    pd.testing.assert_frame_equal(other.sessions(), s)
    pd.testing.assert_frame_equal(other.measures(), m)
    j.close(), other.close()


def test_migrate_from_empty(db_url):
    "journal: an empty database is brought to the current schema version, one numbered step at a time"
    eng = sa.create_engine(db_url)
    with eng.connect() as c:
        assert current_version(c) == 0
    assert migrate(eng) == SCHEMA_VERSION
    with eng.connect() as c:
        assert current_version(c) == SCHEMA_VERSION
        assert [v for (v,) in c.execute(sa.select(schema.version_table.c.version))] == [1, 2, 3]
        assert {"sessions", "measures", "plans", "journal_info"} <= set(sa.inspect(c).get_table_names())
    assert migrate(eng) == SCHEMA_VERSION  # again: nothing to do
    eng.dispose()


@pytest.mark.parametrize("start", [1, 2])
def test_migrate_from_an_older_version(db_url, start):
    "journal: a log written at schema version 1 or 2 is migrated on opening and keeps every session"
    eng = sa.create_engine(db_url)
    migrate(eng, to=start)
    with eng.begin() as c:
        c.execute(sa.text("INSERT INTO journal_info (key, value) VALUES ('owner', '*')"))
        c.execute(sa.text("INSERT INTO sessions (person, date, slot, exercises, minutes, pain_before, pain_after, "
                          "flare, logged_at) VALUES ('Ann', :d, 'morning', 'bird_dog', 10, 5, 4, :f, :t)"),
                  {"d": dt.date(2026, 11, 1), "f": False, "t": dt.datetime(2026, 11, 1, 8)})
        cols = {col["name"] for col in sa.inspect(c).get_columns("sessions")}
        assert ("note" in cols) == (start >= 2)
    eng.dispose()
    j = Journal(db_url, person="Ann", shared=True, today=TODAY)
    assert j.version == SCHEMA_VERSION
    s = j.sessions()
    assert len(s) == 1 and s.iloc[0]["note"] == "" and s.iloc[0]["pain_before"] == 5
    j.log_session(TODAY, "morning", "bird_dog", 10, 3, 2, note="after migration")
    assert len(j.sessions()) == 2
    j.close()


def test_newer_schema_is_refused(tmp_path):
    "journal: a database written by a newer spinelib is refused in one line and left as it is"
    path = tmp_path / "j.sqlite"
    j = Journal(path, person="Ann", today=TODAY)
    j.close()
    with sqlite3.connect(path) as c:
        c.execute("INSERT INTO journal_version VALUES (99, '2030-01-01 00:00:00')")
    with pytest.raises(InputError, match="newer spinelib") as e:
        Journal(path, person="Ann", today=TODAY)
    _one_line(e)


@pytest.mark.parametrize("change, field", [
    ({"date": "2026-12-01"}, "date"),          # the future
    ({"date": "1999-12-31"}, "date"),
    ({"date": "30/11/2026"}, "date"),
    ({"pain_before": 11}, "pain_before"),
    ({"pain_after": -1}, "pain_after"),
    ({"pain_before": 4.5}, "pain_before"),
    ({"minutes": 0}, "minutes"),
    ({"minutes": "ten"}, "minutes"),
    ({"slot": "night"}, "slot"),
    ({"exercises": "bird_dog;moonwalk"}, "exercises"),
    ({"flare": "maybe"}, "flare"),
    ({"note": "x" * 501}, "note"),
])
def test_bad_entries_are_refused_and_nothing_is_lost(db_url, change, field):
    "journal: a bad value gives a one-line InputError naming the field and range; the log is unchanged"
    j = Journal(db_url, person="Ann", shared=True, today=TODAY)
    _fill(j, 3)
    before = j.sessions()
    entry = dict(date=TODAY - dt.timedelta(days=5), slot="midday", exercises="bird_dog", minutes=10,
                 pain_before=4, pain_after=3, flare=False, note="")
    entry.update(change)
    with pytest.raises(InputError) as e:
        j.log_session(**entry)
    text = _one_line(e)
    assert text.startswith(field + ":") and "must be" in text
    pd.testing.assert_frame_equal(j.sessions(), before)
    j.close()


def test_future_date_message_says_today():
    "journal: the future-date message names today's date as the last allowed"
    j = Journal("sqlite://", person="Ann", today=TODAY)
    with pytest.raises(InputError, match=r"date: must be a date from 2000-01-01 to 2026-11-30 \(today; not in the future"):
        j.log_session("2026-12-01", "morning", "bird_dog", 10, 4, 3)


def test_duplicate_session(db_url):
    "journal: a second entry for the same date and slot is refused (one line); replace=True corrects it"
    j = Journal(db_url, person="Ann", shared=True, today=TODAY)
    j.log_session(TODAY, "morning", "bird_dog", 10, 4, 3)
    with pytest.raises(InputError, match="one entry per date and slot") as e:
        j.log_session(TODAY, "morning", "bird_dog", 15, 6, 5)
    _one_line(e)
    assert j.sessions()["minutes"].tolist() == [10.0]
    j.log_session(TODAY, "morning", "bird_dog", 15, 6, 5, replace=True)
    assert j.sessions()["minutes"].tolist() == [15.0]
    with pytest.raises(InputError, match="repeat"):
        j.log_many([dict(date=TODAY, slot="evening", exercises="", minutes=5, pain_before=1, pain_after=1)] * 2)
    assert len(j.sessions()) == 1
    with pytest.raises(InputError, match="one set of measures per week"):
        j.log_measures(TODAY, nrs=3)
        j.log_measures(TODAY, nrs=4)
    j.close()


def test_locked_database_file(tmp_path):
    "journal: a file another program is writing to gives a one-line error, and nothing is lost"
    path = tmp_path / "j.sqlite"
    j = Journal(path, person="Ann", today=TODAY, timeout=0.2)
    j.log_session(TODAY, "morning", "bird_dog", 10, 4, 3)
    other = sqlite3.connect(path, timeout=0.1)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(InputError, match="locked") as e:
            j.log_session(TODAY, "evening", "bird_dog", 10, 4, 3)
        assert _one_line(e).startswith("journal file:")
    finally:
        other.rollback()
        other.close()
    assert len(j.sessions()) == 1
    j.log_session(TODAY, "evening", "bird_dog", 10, 4, 3)  # the same entry goes in once the file is free
    assert len(j.sessions()) == 2
    j.close()


CSV_HEAD = "person,date,slot,exercises,minutes,pain_before,pain_after,flare,note\n"


@pytest.mark.parametrize("row, where", [
    ("Ann,2026-11-20,morning,bird_dog,10,11,3,no,\n", "row 3: pain_before"),
    ("Ann,2026-11-20,morning,bird_dog,ten,4,3,no,\n", "row 3: minutes"),
    ("Ann,2027-01-01,morning,bird_dog,10,4,3,no,\n", "row 3: date"),
    ("Ann,2026-11-20,morning,bird_dog,10,4,3,sometimes,\n", "row 3: flare"),
    ("Ann,2026-11-20,morning,bird_dog,10,4,3,no,note,extra\n", "row 3: cells"),
    ("Ann,2026-11-19,morning,bird_dog,10,4,3,no,\n", "session: must be one entry per date and slot"),
])
def test_bad_csv_cells(tmp_path, row, where):
    "journal: a bad CSV cell names its row and column; nothing is imported and the file is not changed"
    src = tmp_path / "in.csv"
    src.write_text(CSV_HEAD + "Ann,2026-11-19,morning,bird_dog,10,4,3,no,\n" + row, encoding="utf-8")
    before = (src.read_bytes(), src.stat().st_mtime_ns)
    j = Journal(tmp_path / "j.sqlite", person="Ann", today=TODAY)
    with pytest.raises(InputError) as e:
        j.import_csv(src)
    assert where in _one_line(e)
    assert len(j.sessions()) == 0
    assert (src.read_bytes(), src.stat().st_mtime_ns) == before


def test_csv_formula_cells_are_defused_and_round_trip(tmp_path):
    "journal: a note a spreadsheet would run as a formula is exported with a leading ' and imported back as typed"
    j = Journal(tmp_path / "a.sqlite", person="Ann", today=TODAY)
    j.log_session(TODAY, "morning", "bird_dog", 10, 4, 3, note="=HYPERLINK(\"x\")")
    text = j.export_csv()
    assert "'=HYPERLINK" in text
    (tmp_path / "out.csv").write_text(text)
    k = Journal(tmp_path / "b.sqlite", person="Ann", today=TODAY)
    k.import_csv(tmp_path / "out.csv")
    assert k.sessions()["note"].tolist() == ["=HYPERLINK(\"x\")"]


def test_export_is_atomic_and_replaces_only_when_complete(tmp_path, monkeypatch):
    "journal: export writes a temporary file then renames; a failure leaves the earlier export whole"
    j = Journal(tmp_path / "a.sqlite", person="Ann", today=TODAY)
    j.log_session(TODAY, "morning", "bird_dog", 10, 4, 3)
    out = tmp_path / "log.csv"
    j.export_csv(out)
    first = out.read_text()
    import os

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    j.log_session(TODAY, "evening", "bird_dog", 10, 4, 3)
    with pytest.raises(OSError):
        j.export_csv(out)
    assert out.read_text() == first
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".csv", ".part")) == ["log.csv"]


def test_one_person_per_file(tmp_path):
    "journal: each person gets their own file; another person can neither open it nor import into it"
    ann = Journal(tmp_path, person="Ann", today=TODAY)
    bob = Journal(tmp_path, person="Bob", today=TODAY)
    assert ann.url != bob.url and ann.where == "journal-ann.sqlite"
    ann.log_session(TODAY, "morning", "bird_dog", 10, 4, 3)
    assert len(bob.sessions()) == 0
    with pytest.raises(InputError, match="opened by its owner 'Ann' only") as e:
        Journal(tmp_path / "journal-ann.sqlite", person="Bob", today=TODAY)
    _one_line(e)
    with pytest.raises(InputError, match="one-person journal"):
        Journal(tmp_path / "journal-ann.sqlite", person="Ann", shared=True, today=TODAY)
    ann.export_csv(tmp_path / "ann.csv")
    with pytest.raises(InputError, match="another person's log"):
        bob.import_csv(tmp_path / "ann.csv")
    assert len(bob.sessions()) == 0
    # a name that only differs in spelling lands on the same file, and is refused there too
    with pytest.raises(InputError, match="owner 'Ann'"):
        Journal(tmp_path, person="ANN", today=TODAY)


def test_shared_database_keeps_people_apart(db_url):
    "journal: on a shared (clinic) database each person reads and writes only their own rows"
    ann = Journal(db_url, person="Ann", shared=True, today=TODAY)
    bob = Journal(db_url, person="Bob", shared=True, today=TODAY)
    ann.log_session(TODAY, "morning", "bird_dog", 10, 4, 3)
    bob.log_session(TODAY, "morning", "bird_dog", 20, 7, 7)  # same date and slot, another person: fine
    assert ann.sessions()["minutes"].tolist() == [10.0] and bob.sessions()["minutes"].tolist() == [20.0]
    assert bob.delete_session(TODAY, "morning") == 1 and len(ann.sessions()) == 1
    from spinelib.journal import clinic_sessions

    assert clinic_sessions(db_url)["person"].tolist() == ["Ann"]
    ann.close(), bob.close()


def test_default_location(monkeypatch, tmp_path):
    "journal: the default log is journal-<name>.sqlite in the data folder; env variables override it"
    monkeypatch.delenv("SPINELIB_JOURNAL_URL", raising=False)
    monkeypatch.setenv("SPINELIB_DATA_DIR", str(tmp_path / "data"))
    assert default_location("Ann Lee") == f"sqlite:///{tmp_path / 'data' / 'journal-ann-lee.sqlite'}"
    j = Journal(person="Ann Lee", today=TODAY)
    j.log_session(TODAY, "morning", "bird_dog", 10, 4, 3)
    assert (tmp_path / "data" / "journal-ann-lee.sqlite").is_file()
    monkeypatch.delenv("SPINELIB_DATA_DIR")
    import platformdirs

    assert default_location("me").startswith("sqlite:///" + platformdirs.user_data_dir("spinelib", appauthor=False))
    monkeypatch.setenv("SPINELIB_JOURNAL_URL", "postgresql+psycopg://clinic@db/clinic")
    assert default_location("Ann") == "postgresql+psycopg://clinic@db/clinic"


@pytest.mark.parametrize("person", ["", "*", "a/b", "x" * 81, 42])
def test_bad_person_names(person, tmp_path):
    "journal: a person's name is 1-80 plain characters (no path separators), else one line"
    with pytest.raises(InputError, match="^person: must be"):
        Journal(tmp_path, person=person)


def test_measures_validation():
    "journal: weekly measures: scores 0-10, PEG all or none, a PSFS score needs its activity"
    j = Journal("sqlite://", person="Ann", today=TODAY)
    with pytest.raises(InputError, match="^nrs: must be a number from 0 to 10"):
        j.log_measures(TODAY, nrs=12)
    with pytest.raises(InputError, match="^peg: must be all three"):
        j.log_measures(TODAY, peg_pain=4)
    with pytest.raises(InputError, match="^psfs_activity_1"):
        j.log_measures(TODAY, psfs_1=4)
    with pytest.raises(InputError, match="^measures: must be at least one"):
        j.log_measures(TODAY)
    row = j.log_measures("2026-11-26", nrs=3)
    assert row["week_start"] == dt.date(2026, 11, 23)
