"""The log's tables and their migrations (SQLAlchemy Core; the same code on SQLite and PostgreSQL).

The database records its schema version in ``journal_version`` (one row per applied
migration). :func:`migrate` brings an empty database, or one at any older version, up to
:data:`SCHEMA_VERSION`, one numbered step at a time, each in its own transaction:

1. ``journal_version``, ``journal_info`` (the owner of a one-person file) and ``sessions``;
2. ``sessions.note`` and the weekly ``measures`` table;
3. the ``plans`` table (the routine a person follows, for adherence).

:data:`METADATA` describes the current tables; it is used for queries, never to create them.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ..errors import InputError

__all__ = ["SCHEMA_VERSION", "METADATA", "sessions", "measures", "plans", "info", "version_table",
           "MIGRATIONS", "current_version", "migrate"]

SCHEMA_VERSION = 3
METADATA = sa.MetaData()


def _version_table(md):
    return sa.Table("journal_version", md, sa.Column("version", sa.Integer, primary_key=True),
                    sa.Column("applied_at", sa.DateTime, nullable=False))


def _info_table(md):
    return sa.Table("journal_info", md, sa.Column("key", sa.String(40), primary_key=True),
                    sa.Column("value", sa.String(200), nullable=False))


def _session_columns(with_note: bool):
    cols = [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(80), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("slot", sa.String(10), nullable=False),
        sa.Column("exercises", sa.Text, nullable=False, default=""),
        sa.Column("minutes", sa.Float, nullable=False),
        sa.Column("pain_before", sa.Integer, nullable=False),
        sa.Column("pain_after", sa.Integer, nullable=False),
        sa.Column("flare", sa.Boolean, nullable=False, default=False),
        sa.Column("logged_at", sa.DateTime, nullable=False),
    ]
    if with_note:
        cols.append(sa.Column("note", sa.Text, nullable=False, server_default=""))
    return cols + [sa.UniqueConstraint("person", "date", "slot", name="uq_session_person_date_slot")]


def _measures_table(md):
    return sa.Table(
        "measures", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(80), nullable=False),
        sa.Column("week_start", sa.Date, nullable=False),
        sa.Column("nrs", sa.Float), sa.Column("peg_pain", sa.Float), sa.Column("peg_enjoyment", sa.Float),
        sa.Column("peg_activity", sa.Float),
        *[c for k in (1, 2, 3) for c in (sa.Column(f"psfs_activity_{k}", sa.String(80), nullable=False,
                                                   server_default=""), sa.Column(f"psfs_{k}", sa.Float))],
        sa.Column("logged_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("person", "week_start", name="uq_measure_person_week"),
    )


def _plans_table(md):
    return sa.Table(
        "plans", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person", sa.String(80), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("session_days", sa.String(20), nullable=False),
        sa.Column("slots", sa.String(40), nullable=False),
        sa.Column("minutes", sa.Float, nullable=False),
        sa.Column("routine_json", sa.Text, nullable=False, server_default=""),
        sa.Column("logged_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("person", "start", name="uq_plan_person_start"),
    )


version_table = _version_table(METADATA)
info = _info_table(METADATA)
sessions = sa.Table("sessions", METADATA, *_session_columns(with_note=True))
sa.Index("ix_sessions_person_date", sessions.c.person, sessions.c.date)
measures = _measures_table(METADATA)
plans = _plans_table(METADATA)


def _step1(conn):
    md = sa.MetaData()
    _version_table(md), _info_table(md)
    t = sa.Table("sessions", md, *_session_columns(with_note=False))
    sa.Index("ix_sessions_person_date", t.c.person, t.c.date)
    md.create_all(conn)


def _step2(conn):
    conn.execute(sa.text("ALTER TABLE sessions ADD COLUMN note TEXT NOT NULL DEFAULT ''"))
    md = sa.MetaData()
    _measures_table(md).create(conn)


def _step3(conn):
    md = sa.MetaData()
    _plans_table(md).create(conn)


MIGRATIONS = {1: _step1, 2: _step2, 3: _step3}


def current_version(conn) -> int:
    """The schema version of a database: 0 when it has no spinelib tables yet."""
    insp = sa.inspect(conn)
    if not insp.has_table("journal_version"):
        if insp.has_table("sessions"):
            raise InputError("journal", "a spinelib journal database (it has a sessions table but no journal_version)")
        return 0
    v = conn.execute(sa.select(sa.func.max(version_table.c.version))).scalar()
    return int(v or 0)


def migrate(engine, to: int = SCHEMA_VERSION) -> int:
    """Apply the missing migrations up to version ``to``; return the version reached.

    A database newer than this spinelib is refused (one line), never changed.
    """
    if not 0 <= to <= SCHEMA_VERSION:
        raise InputError("to", f"a schema version from 0 to {SCHEMA_VERSION}", to)
    with engine.connect() as conn:
        have = current_version(conn)
    if have > SCHEMA_VERSION:
        raise InputError("journal", f"a journal of schema version {SCHEMA_VERSION} or older "
                                    "(it was written by a newer spinelib: update spinelib)", have)
    for step in range(have + 1, to + 1):
        with engine.begin() as conn:
            MIGRATIONS[step](conn)
            conn.execute(sa.insert(version_table).values(version=step, applied_at=dt.datetime.now()))
    return max(have, to)
