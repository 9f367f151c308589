"""spinelib: the shared package behind the exercise-therapy-for-back-pain workbook.

Nothing here is medical advice. Importing spinelib has no side effects (no plotting
backend or theme is set); call :func:`spinelib.plots.set_theme` explicitly.

The package is laid out in layers that import one way (``docs/architecture.md``):

- bottom: :mod:`~spinelib.errors`, :mod:`~spinelib.resources`, :mod:`~spinelib.insights`
  (the five ideas as one table), :mod:`~spinelib.week`, :mod:`~spinelib.catalogue`,
  :mod:`~spinelib.evidence`, :mod:`~spinelib.redflags`, :mod:`~spinelib.profile`,
  :mod:`~spinelib.render`;
- domain: :mod:`~spinelib.routine`, :mod:`~spinelib.progression`, :mod:`~spinelib.builder`,
  :mod:`~spinelib.audit`, :mod:`~spinelib.practice`; beside it the simulator,
  :mod:`spinelib.sim`;
- top: :mod:`~spinelib.plots`, :mod:`spinelib.ui` (widgets), :mod:`spinelib.checks`
  ("Try it" checks) and :mod:`spinelib.reports` (papermill reports and the CLI).
"""
__version__ = "0.1.0"

# --- bottom and domain: catalogue, profile, red flags, routine, audit, practice models ---
from .errors import InputError
from .insights import INSIGHTS as INSIGHT_TABLE, INSIGHT_TITLES as INSIGHTS, STRENGTH, Insight
from .week import SLOT_TITLES, SLOTS, session_days
from .catalogue import CATEGORIES, EQUIPMENT, POSITIONS, ladder, ladder_frame, load_catalogue
from .evidence import cite, cite_markdown, evidence_table, load_evidence
from .profile import GOALS, Profile
from .redflags import RED_FLAG_QUESTIONS, RedFlagResult, screen_red_flags
from .routine import Routine, RoutineItem
from .builder import build_routine
from .progression import planned_load
from .audit import audit
from .practice import breath_timing, breathing_pattern, evening_routine, filter_catalogue, transition_day

# --- the simulator ---
from .sim import (Params, SimulationResult, acwr, acwr_multiplier, calibration_report, compare_people, days_to_95,
                  final_mean, habit_curve, plan_frame, scenario_plan, scenarios, simulate)

# --- what each lesson's simulation shows, in words read from the model (spinelib.lessons.findings) ---
from . import lessons

# --- self-checks and reports ---
from .checks import check
from .reports import run_batch, run_report

__all__ = [
    "__version__", "InputError", "INSIGHT_TABLE", "INSIGHTS", "STRENGTH", "Insight", "SLOT_TITLES", "SLOTS",
    "session_days", "CATEGORIES", "EQUIPMENT", "POSITIONS", "ladder", "ladder_frame", "load_catalogue", "cite",
    "cite_markdown", "evidence_table", "load_evidence", "GOALS", "Profile", "RED_FLAG_QUESTIONS",
    "RedFlagResult", "screen_red_flags", "Routine", "RoutineItem", "build_routine", "planned_load", "audit",
    "breath_timing", "breathing_pattern", "evening_routine", "filter_catalogue", "transition_day", "Params",
    "SimulationResult", "acwr", "acwr_multiplier", "calibration_report", "compare_people", "days_to_95",
    "final_mean", "habit_curve", "plan_frame", "scenario_plan", "scenarios", "simulate", "lessons", "check",
    "run_batch", "run_report", "ui", "plots",
]

# the widgets (ipywidgets) and plots (matplotlib) load on first use:
# after `import spinelib`, `spinelib.ui.routine_builder()` and `spinelib.plots.set_theme()` just work.
_LAZY_MODULES = {"ui", "plots"}


def __getattr__(name):
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'spinelib' has no attribute {name!r}")
