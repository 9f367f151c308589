"""The session log in a real database: one SQLite file per person by default, PostgreSQL for a clinic.

>>> import tempfile, pathlib
>>> j = Journal(pathlib.Path(tempfile.mkdtemp()) / "ann.sqlite", person="Ann", today="2026-11-30")
>>> _ = j.log_session("2026-11-30", "morning", "bird_dog", 10, 4, 3)
>>> len(j.sessions()), j.version
(1, 3)

Where the log lives (:func:`default_location`): ``SPINELIB_JOURNAL_URL`` (a database URL,
e.g. a clinic's ``postgresql+psycopg://...``), else one file per person,
``journal-<name>.sqlite``, in ``SPINELIB_DATA_DIR`` or the user's data folder (platformdirs).

One person's data never reaches another's file: a SQLite journal belongs to the first person
who writes to it and refuses any other; on a shared (clinic) database every read and write is
filtered by person, and an import whose ``person`` column names someone else is refused.

Every error a person can cause (a bad value, a duplicate session, a locked file, a bad CSV
cell) is a one-line :class:`~spinelib.errors.InputError`, and the log is left as it was.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..atomic import atomic_write
from ..errors import InputError, kind
from ..week import SLOTS
from . import schema
from .entries import MEASURE_FIELDS, SESSION_FIELDS, as_date, measure_entry, session_entry

__all__ = ["Journal", "default_location", "person_slug", "check_person", "clinic_sessions", "clinic_plans", "CSV_KINDS",
           "SHARED"]

SHARED = "*"  # the owner recorded in a shared (clinic) database
CSV_KINDS = {"sessions": ("person",) + SESSION_FIELDS, "measures": ("person",) + MEASURE_FIELDS}
_NAME_RE = re.compile(r"^[\w .'-]{1,80}$")
_FORMULA = ("=", "+", "-", "@")


def person_slug(person: str) -> str:
    """The file-name form of a person's name (``journal-<slug>.sqlite``).

    >>> person_slug("  Ann O'Neil ")
    'ann-o-neil'
    """
    return re.sub(r"[^a-z0-9]+", "-", person.strip().lower()).strip("-") or "me"


def check_person(person, field: str = "person") -> str:
    """A person's name as the journal keeps it (runs of spaces made one); a one-line InputError otherwise.

    >>> check_person("  Ann   O'Neil ")
    "Ann O'Neil"
    """
    if not isinstance(person, str) or not _NAME_RE.match(person.strip()) or person.strip() == SHARED:
        raise InputError(field, "a name of 1 to 80 letters, digits, spaces or . ' - _",
                         person if isinstance(person, str) else kind(person))
    return " ".join(person.split())


def default_location(person: str = "me") -> str:
    """The database URL of ``person``'s log when none is given (see the module docstring)."""
    url = os.environ.get("SPINELIB_JOURNAL_URL", "").strip()
    if url:
        return url
    folder = os.environ.get("SPINELIB_DATA_DIR", "").strip()
    if not folder:
        import platformdirs

        folder = platformdirs.user_data_dir("spinelib", appauthor=False)
    return f"sqlite:///{Path(folder) / f'journal-{person_slug(person)}.sqlite'}"


def _url(where, person) -> str:
    if where is None:
        return default_location(person)
    if isinstance(where, Path) or (isinstance(where, str) and "://" not in where):
        p = Path(where).expanduser()
        if p.is_dir():
            p = p / f"journal-{person_slug(person)}.sqlite"
        return f"sqlite:///{p}"
    if isinstance(where, str):
        return where
    raise InputError("where", "a file path, a folder or a database URL", kind(where))


def _engine(url: str, timeout: float):
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise InputError("where", "a file path, a folder or a database URL", url) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            try:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise InputError("journal file", "in a folder that can be written to", f"{e.strerror}") from None
        return sa.create_engine(url, connect_args={"timeout": timeout})
    return sa.create_engine(url, pool_pre_ping=True)


def _describe(url) -> str:
    """A URL fit to show: the file name of a SQLite file, else the URL without its password."""
    u = sa.engine.make_url(url)
    if u.get_backend_name() == "sqlite":
        return Path(u.database or ":memory:").name
    return u.render_as_string(hide_password=True)


class Journal:
    """One person's practice log: sessions, weekly outcome measures and the plan they follow.

    ``where``: None (the default location), a SQLite file path or folder, or a database URL.
    ``person``: whose log (a name). ``shared``: a database many people's logs live in (a
    clinic's); default False for a SQLite file, True for a server. ``today``: the date that
    counts as today (tests; default the real today). ``timeout``: seconds to wait for a file
    another program is writing to.
    """

    def __init__(self, where=None, person: str = "me", *, shared: bool | None = None, today=None,
                 timeout: float = 2.0):
        self.person = check_person(person)
        self.url = _url(where, self.person)
        self.engine = _engine(self.url, timeout)
        self.where = _describe(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.shared = (not self.is_sqlite) if shared is None else bool(shared)
        self._today = today
        with self._guard():
            self.version = schema.migrate(self.engine)
            self._claim()

    # --- plumbing -------------------------------------------------------------------------------
    @property
    def today(self) -> dt.date:
        if self._today is None:
            return dt.date.today()
        return as_date(self._today, "today", today=dt.date.max)

    @contextlib.contextmanager
    def _guard(self):
        """Turn database failures a person can cause into one-line InputErrors."""
        try:
            yield
        except sa.exc.IntegrityError:
            raise InputError("session", "one entry per date and slot (this one is already in the log; "
                                        "pass replace=True to correct it)") from None
        except sa.exc.OperationalError as e:
            text = str(e.orig) if e.orig is not None else str(e)
            if "locked" in text or "busy" in text:
                raise InputError("journal file", "a file no other program is writing to (it is locked: close "
                                                 "the other program and try again; nothing was changed)",
                                 self.where) from None
            raise InputError("journal", f"a database that can be opened ({text.splitlines()[0][:120]})",
                             self.where) from None

    def _claim(self):
        with self.engine.begin() as conn:
            owner = conn.execute(sa.select(schema.info.c.value).where(schema.info.c.key == "owner")).scalar()
            want = SHARED if self.shared else self.person
            if owner is None:
                conn.execute(sa.insert(schema.info).values(key="owner", value=want))
            elif owner != want:
                if owner == SHARED:
                    allowed = "opened with shared=True (it is a shared database)"
                elif self.shared:
                    allowed = f"opened by its owner {owner!r} only (it is a one-person journal)"
                else:
                    allowed = f"opened by its owner {owner!r} only: each person has their own journal file"
                raise InputError("person", allowed, self.person)

    def close(self):
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"Journal({self.where!r}, person={self.person!r}, version={self.version})"

    # --- writing --------------------------------------------------------------------------------
    def log_session(self, date, slot, exercises=(), minutes=10, pain_before=0, pain_after=0, flare=False, note="",
                    *, replace: bool = False) -> dict:
        """Add one session (checked by :func:`~spinelib.journal.entries.session_entry`); return it.

        A second entry for the same date and slot is refused unless ``replace=True``.
        """
        row = session_entry(date, slot, exercises, minutes, pain_before, pain_after, flare, note, today=self.today)
        self._write_sessions([row], replace=replace)
        return row

    def _write_sessions(self, rows, *, replace: bool):
        now = dt.datetime.now()
        t = schema.sessions
        with self._guard(), self.engine.begin() as conn:
            if replace:
                for r in rows:
                    conn.execute(sa.delete(t).where(t.c.person == self.person, t.c.date == r["date"],
                                                    t.c.slot == r["slot"]))
            else:
                self._refuse_duplicates(conn, rows)
            conn.execute(sa.insert(t), [{**r, "person": self.person, "logged_at": now} for r in rows])

    def _refuse_duplicates(self, conn, rows):
        seen = set()
        for r in rows:
            key = (r["date"], r["slot"])
            if key in seen:
                raise InputError("session", "one entry per date and slot (the entries repeat "
                                            f"{r['date']} {r['slot']})")
            seen.add(key)
        t = schema.sessions
        dates = sorted({r["date"] for r in rows})
        q = sa.select(t.c.date, t.c.slot).where(t.c.person == self.person, t.c.date.between(dates[0], dates[-1]))
        have = {(d, s) for d, s in conn.execute(q)}
        clash = sorted(seen & have)
        if clash:
            d, s = clash[0]
            raise InputError("session", f"one entry per date and slot ({d} {s} is already in the log; "
                                        "pass replace=True to correct it)")

    def log_many(self, entries, *, replace: bool = False) -> int:
        """Add many sessions in one transaction (all or none); each is a dict of the session fields."""
        rows = [session_entry(**{k: e.get(k) for k in SESSION_FIELDS}, today=self.today, where=f"entry {i + 1}")
                for i, e in enumerate(entries)]
        if rows:
            self._write_sessions(rows, replace=replace)
        return len(rows)

    def delete_session(self, date, slot) -> int:
        """Remove the session of ``date`` and ``slot``; return how many rows went (0 or 1)."""
        d = as_date(date, today=dt.date.max)
        t = schema.sessions
        with self._guard(), self.engine.begin() as conn:
            return conn.execute(sa.delete(t).where(t.c.person == self.person, t.c.date == d, t.c.slot == slot)).rowcount

    def log_measures(self, week, nrs=None, peg=None, psfs=None, *, replace: bool = False, **items) -> dict:
        """Add a week's outcome measures (see :func:`~spinelib.journal.entries.measure_entry`)."""
        row = measure_entry(week, nrs, peg, psfs, today=self.today, **items)
        self._write_measures([row], replace=replace)
        return row

    def _write_measures(self, rows, *, replace: bool):
        t = schema.measures
        now = dt.datetime.now()
        with self._guard(), self.engine.begin() as conn:
            for r in rows:
                match = (t.c.person == self.person) & (t.c.week_start == r["week_start"])
                if conn.execute(sa.select(t.c.id).where(match)).first() is not None:
                    if not replace:
                        raise InputError("week_start", "one set of measures per week (the week of "
                                         f"{r['week_start']} is already in the log; pass replace=True to correct it)")
                    conn.execute(sa.delete(t).where(match))
            conn.execute(sa.insert(t), [{**r, "person": self.person, "logged_at": now} for r in rows])

    def set_plan(self, routine=None, *, session_days=None, slots=None, minutes=None, start=None) -> dict:
        """Record the plan followed from ``start`` (default today): a routine, or its session days
        (weekday indexes 0-6), slots and minutes per session day."""
        if routine is not None:
            session_days = routine.session_days
            slots = tuple(s for s in SLOTS if routine.slots.get(s))
            minutes = routine.minutes
            text = routine.to_json()
        else:
            text = ""
        days = tuple(sorted({int(d) for d in (session_days or ())}))
        if not days or not all(0 <= d <= 6 for d in days):
            raise InputError("session_days", "weekday indexes from 0 (Monday) to 6 (Sunday), at least one",
                             session_days)
        slots = tuple(slots or ())
        if not slots or any(s not in SLOTS for s in slots):
            raise InputError("slots", "one or more of " + ", ".join(SLOTS), slots)
        minutes = float(minutes or 0)
        if not 1 <= minutes <= 240:
            raise InputError("minutes", "a number from 1 to 240", minutes)
        start = as_date(start if start is not None else self.today, "start", today=self.today)
        row = {"person": self.person, "start": start, "session_days": ",".join(map(str, days)),
               "slots": ";".join(slots), "minutes": minutes, "routine_json": text, "logged_at": dt.datetime.now()}
        t = schema.plans
        with self._guard(), self.engine.begin() as conn:
            conn.execute(sa.delete(t).where(t.c.person == self.person, t.c.start == start))
            conn.execute(sa.insert(t).values(**row))
        return self.plan()

    # --- reading --------------------------------------------------------------------------------
    def sessions(self) -> pd.DataFrame:
        """The person's sessions, oldest first: the columns of ``SESSION_FIELDS`` (``date`` as datetime64)."""
        t = schema.sessions
        with self._guard(), self.engine.connect() as conn:
            return _fetch_sessions(conn, t.c.person == self.person)

    def measures(self) -> pd.DataFrame:
        """The person's weekly measures, oldest first: the columns of ``MEASURE_FIELDS``."""
        t = schema.measures
        q = sa.select(*[t.c[f] for f in MEASURE_FIELDS]).where(t.c.person == self.person).order_by(t.c.week_start)
        with self._guard(), self.engine.connect() as conn:
            rows = conn.execute(q).all()
        df = pd.DataFrame(rows, columns=list(MEASURE_FIELDS))
        df["week_start"] = pd.to_datetime(df["week_start"])
        for c in MEASURE_FIELDS:
            if c != "week_start" and not c.startswith("psfs_activity"):
                df[c] = df[c].astype(float)
        return df

    def plan(self) -> dict | None:
        """The latest plan: ``start``, ``session_days`` (tuple), ``slots`` (tuple), ``minutes``,
        ``routine_json``; None when no plan was recorded."""
        t = schema.plans
        q = sa.select(t).where(t.c.person == self.person).order_by(t.c.start.desc()).limit(1)
        with self._guard(), self.engine.connect() as conn:
            r = conn.execute(q).mappings().first()
        if r is None:
            return None
        return {"start": r["start"], "session_days": tuple(int(d) for d in r["session_days"].split(",")),
                "slots": tuple(r["slots"].split(";")), "minutes": float(r["minutes"]), "routine_json": r["routine_json"]}

    # --- CSV ------------------------------------------------------------------------------------
    def export_csv(self, path=None, what: str = "sessions"):
        """Write the person's sessions or measures as CSV (atomically) to ``path``; with no path
        return the CSV text. Cells a spreadsheet would run as a formula get a leading ``'``."""
        frame = self._frame_of(what)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(CSV_KINDS[what])
        for rec in frame.itertuples(index=False):
            vals = [self.person] + [_cell(v) for v in rec]
            w.writerow(vals)
        text = buf.getvalue()
        if path is None:
            return text
        return atomic_write(path, text)

    def _frame_of(self, what):
        if what not in CSV_KINDS:
            raise InputError("what", "one of sessions, measures", what)
        return self.sessions() if what == "sessions" else self.measures()

    def import_csv(self, path, what: str = "sessions", *, replace: bool = False) -> int:
        """Add the rows of a CSV file written by :meth:`export_csv` (or by hand); return how many.

        All rows are checked first: one bad cell names its row and column and nothing is added.
        The file is only read, never changed. A ``person`` column naming someone else is refused.
        """
        if what not in CSV_KINDS:
            raise InputError("what", "one of sessions, measures", what)
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError("csv file", "a readable UTF-8 CSV file", f"{path.name}: {type(e).__name__}") from None
        reader = csv.DictReader(io.StringIO(text))
        need = [c for c in CSV_KINDS[what] if c != "person" and (what == "sessions" or c in ("week_start",))]
        missing = [c for c in need if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError("csv columns", "the columns " + ", ".join(CSV_KINDS[what]), f"missing {missing[0]}")
        rows = []
        for n, rec in enumerate(reader, start=2):
            where = f"{path.name} row {n}"
            if None in rec:
                raise InputError("cells", "as many cells as the header has columns", where=where)
            who = (rec.get("person") or "").strip()
            if who and " ".join(who.split()) != self.person:
                raise InputError("person", f"{self.person!r} (this journal's owner); the file holds another "
                                           "person's log", who, where=where)
            vals = {k: _uncell(v) for k, v in rec.items() if k in CSV_KINDS[what] and k != "person"}
            if what == "sessions":
                rows.append(session_entry(**{k: vals.get(k) for k in SESSION_FIELDS}, today=self.today, where=where))
            else:
                rows.append(measure_entry(vals.pop("week_start"), today=self.today, where=where, **vals))
        if rows:
            (self._write_sessions if what == "sessions" else self._write_measures)(rows, replace=replace)
        return len(rows)


def _cell(v):
    if isinstance(v, pd.Timestamp):
        return v.date().isoformat()
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, (bool,)) or type(v).__name__ == "bool":
        return "yes" if v else "no"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    s = str(v)
    return "'" + s if s.startswith(_FORMULA) and isinstance(v, str) else s


def _uncell(v):
    if isinstance(v, str) and v.startswith("'") and v[1:2] in _FORMULA and v[1:2] != "":
        return v[1:]
    return v


def _fetch_sessions(conn, where=None, person: bool = False, fields=SESSION_FIELDS) -> pd.DataFrame:
    """Sessions as a DataFrame, built column by column (fast for hundreds of thousands of rows).

    The date is read as ISO text (``CAST(date AS VARCHAR)``, the same on SQLite and PostgreSQL)
    and parsed in one vectorised step, rather than one Python date per row.
    """
    t = schema.sessions
    cols = (["person"] if person else []) + list(fields)
    sel = [t.c.person] if person else []
    sel += [sa.cast(t.c.date, sa.String(10)).label("date") if f == "date" else t.c[f] for f in fields]
    q = sa.select(*sel)
    if where is not None:
        q = q.where(where)
    if not person:  # one person's log oldest first; a clinic's rows in storage order (no sort of 365,000 rows)
        q = q.order_by(t.c.date, t.c.slot)
    # the driver's plain tuples (the values are coerced below, column by column)
    rows = conn.execute(q).cursor.fetchall()
    df = pd.DataFrame.from_records(rows, columns=cols) if rows else pd.DataFrame({c: pd.Series(dtype=object)
                                                                                 for c in cols})
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d")
    for c in ("minutes", "pain_before", "pain_after", "flare"):
        if c in df:
            df[c] = np.asarray(df[c].to_numpy(), dtype={"minutes": float, "flare": bool}.get(c, np.int64))
    if not person:  # one person's log: plain text columns (a clinic's stay as read: no copy of 365,000 strings)
        for c in ("slot", "exercises", "note"):
            df[c] = df[c].astype(str) if len(df) else df[c].astype(object)
    return df


def _shared_engine(where):
    url = _url(where, "clinic") if where is not None else default_location("clinic")
    return _engine(url, 5.0)


def clinic_sessions(where, fields=SESSION_FIELDS) -> pd.DataFrame:
    """Every person's sessions in a shared (clinic) database: ``person`` plus the session ``fields``
    (all of them by default; ``date`` and ``slot`` always)."""
    fields = tuple(f for f in SESSION_FIELDS if f in fields or f in ("date", "slot"))
    eng = _shared_engine(where)
    try:
        with eng.connect() as conn:
            owner = conn.execute(sa.select(schema.info.c.value).where(schema.info.c.key == "owner")).scalar()
            if owner != SHARED:
                raise InputError("where", "a shared (clinic) database; a one-person journal is read with Journal()",
                                 _describe(str(eng.url)))
            return _fetch_sessions(conn, person=True, fields=fields)
    finally:
        eng.dispose()


def clinic_plans(where) -> dict:
    """The latest plan of every person in a shared database: ``{person: plan dict}``."""
    eng = _shared_engine(where)
    t = schema.plans
    out = {}
    try:
        with eng.connect() as conn:
            for r in conn.execute(sa.select(t).order_by(t.c.person, t.c.start)).mappings():
                out[r["person"]] = {"start": r["start"], "session_days": tuple(int(d) for d in r["session_days"].split(",")),
                                    "slots": tuple(r["slots"].split(";")), "minutes": float(r["minutes"])}
    finally:
        eng.dispose()
    return out
