"""spinelib: the shared package behind the exercise-therapy-for-back-pain workbook.

Nothing here is medical advice. Importing spinelib has no side effects (no plotting
backend or theme is set); call :func:`spinelib.plots.set_theme` explicitly.
"""
__version__ = "0.1.0"

# --- foundation (catalogue, profile, red flags, routine, audit) ---
from .errors import InputError
from .catalogue import CATEGORIES, EQUIPMENT, POSITIONS, load_catalogue, ladder
from .evidence import cite, cite_markdown, evidence_table, load_evidence
from .profile import GOALS, Profile
from .redflags import RED_FLAG_QUESTIONS, RedFlagResult, screen_red_flags
from .routine import SLOT_TITLES, SLOTS, Routine, RoutineItem, build_routine
from .audit import INSIGHTS, audit

# --- simulator ---
from .params import Params
from .simulate import SimulationResult, calibration_report, scenarios, simulate

# --- plots, widgets, self-checks ---
from .selfcheck import check
# plots and widgets import matplotlib and ipywidgets, so they load on first use:
# after `import spinelib`, `spinelib.plots.set_theme()` and `spinelib.widgets` just work.
_LAZY_MODULES = {"plots", "widgets", "planner_widgets", "selfcheck"}


def __getattr__(name):
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'spinelib' has no attribute {name!r}")


# --- reports ---
from .reports import run_batch, run_report
