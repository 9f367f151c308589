"""The practice log: sessions and weekly outcome measures in a real database, progress and a
personal forecast (a domain package: it uses the bottom layer and the routine, never the simulator).

- :mod:`~spinelib.journal.entries`: one validated session or week of measures;
- :mod:`~spinelib.journal.instruments`: NRS pain, PEG-3, PSFS and their minimal important differences;
- :mod:`~spinelib.journal.schema`: tables, schema version and migrations (SQLAlchemy Core);
- :mod:`~spinelib.journal.db`: :class:`Journal` (SQLite per person by default, PostgreSQL for a clinic), CSV;
- :mod:`~spinelib.journal.progress`: adherence, streaks, weekly minutes, trends, measure changes;
- :mod:`~spinelib.journal.forecast`: Bayesian adherence and pain models projected forward;
- :mod:`~spinelib.journal.demo`: a made-up log with known parameters (examples, tests, benchmarks).

Nothing here is medical advice.
"""
from .instruments import INSTRUMENTS, Instrument, peg_score, psfs_score
from .entries import MEASURE_FIELDS, SESSION_FIELDS, as_date, measure_entry, session_entry, week_start
from .schema import SCHEMA_VERSION, current_version, migrate
from .db import CSV_KINDS, Journal, check_person, clinic_plans, clinic_sessions, default_location, person_slug
from .progress import (adherence, clinic_summary, flare_trend, measure_changes, measure_scores, pain_trend, planned_sessions,
                       progress_summary, streaks, weekly_adherence, weekly_minutes)
from .demo import demo_measures, demo_sessions, fill_demo
from .forecast import (PersonalForecast, adherence_posterior, pain_ahead, pain_posterior, personal_forecast,
                       session_response, sessions_ahead)

__all__ = [
    "INSTRUMENTS", "Instrument", "peg_score", "psfs_score", "MEASURE_FIELDS", "SESSION_FIELDS", "as_date",
    "measure_entry", "session_entry", "week_start", "SCHEMA_VERSION", "current_version", "migrate", "CSV_KINDS",
    "Journal", "check_person", "clinic_plans", "clinic_sessions", "clinic_summary", "default_location", "person_slug", "adherence", "flare_trend",
    "measure_changes", "measure_scores", "pain_trend", "planned_sessions", "progress_summary", "streaks",
    "weekly_adherence", "weekly_minutes", "PersonalForecast", "adherence_posterior", "pain_ahead",
    "pain_posterior", "personal_forecast", "session_response", "sessions_ahead", "demo_sessions", "demo_measures",
    "fill_demo",
]
