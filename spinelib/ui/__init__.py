"""The workbook's widgets, by concept. Each builder returns an object whose controls are
attributes and whose last result is ``.result`` (see :mod:`spinelib.ui.base`)::

    from spinelib import ui

    screen = ui.red_flag_screen(remember=True)   # answers carried to notebook 06 in this session
    builder = ui.routine_builder(minutes=15, red_flags={q: "no" for q in screen.questions})
    builder.minutes.value = 20      # as if a person had typed 20
    builder.result["audit"]         # no plan, no audit until every safety question is answered

- safety: :func:`red_flag_screen`
- catalogue: :func:`catalogue_explorer`
- breathing: :func:`breathing_pacer`, :func:`animated_pacer` (moves in the browser)
- guided session (today's slot step by step, then a one-click log): :func:`guided_session`
- comparisons (your plan vs a scenario, simulated): :func:`micro_strength_sim`, :func:`calm_first_sim`,
  :func:`transitions_calculator`, :func:`load_comparison`, :func:`adherence_simulator`
- curves (no cohort): :func:`progression_planner`, :func:`habit_curve_widget`
- builder: :func:`routine_builder`, :func:`cohort_projection`
- trust (calibration vs validation): :func:`trust_widget`, :func:`validation_plot`
"""
from __future__ import annotations

from .base import SimulationWidget, SpineWidget, in_kernel, one_line
from .breathing import AnimatedPacer, BreathingPacer, animated_pacer, breathing_pacer
from .builder import CohortProjection, RoutineBuilder, cohort_projection, routine_builder
from .catalogue import CatalogueExplorer, catalogue_explorer
from .comparisons import (
    AdherenceSimulator,
    CalmFirstSim,
    LoadComparison,
    MicroStrengthSim,
    TransitionsCalculator,
    adherence_simulator,
    calm_first_sim,
    load_comparison,
    micro_strength_sim,
    transitions_calculator,
)
from .curves import HabitCurve, ProgressionPlanner, habit_curve_widget, progression_planner
from .safety import RedFlagScreen, red_flag_screen
from .session import GuidedSession, guided_session
from .trust import TrustWidget, insight_verdicts, refit, trust_widget, validation_plot

__all__ = [
    # builders
    "red_flag_screen",
    "catalogue_explorer",
    "breathing_pacer",
    "animated_pacer",
    "guided_session",
    "micro_strength_sim",
    "calm_first_sim",
    "transitions_calculator",
    "progression_planner",
    "load_comparison",
    "adherence_simulator",
    "habit_curve_widget",
    "routine_builder",
    "cohort_projection",
    "trust_widget",
    "validation_plot",
    "refit",
    "insight_verdicts",
    # classes
    "RedFlagScreen",
    "CatalogueExplorer",
    "BreathingPacer",
    "AnimatedPacer",
    "GuidedSession",
    "MicroStrengthSim",
    "CalmFirstSim",
    "TransitionsCalculator",
    "LoadComparison",
    "AdherenceSimulator",
    "ProgressionPlanner",
    "HabitCurve",
    "RoutineBuilder",
    "CohortProjection",
    "TrustWidget",
    # the base
    "SpineWidget",
    "SimulationWidget",
    "one_line",
    "in_kernel",
]
