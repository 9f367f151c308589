"""The workbook's widgets, by concept. Each builder returns an object whose controls are
attributes and whose last result is ``.result`` (see :mod:`spinelib.ui.base`)::

    from spinelib import ui

    screen = ui.red_flag_screen()
    builder = ui.routine_builder(minutes=15)
    builder.minutes.value = 20      # as if a person had typed 20
    builder.result["audit"]

- safety: :func:`red_flag_screen`
- catalogue: :func:`catalogue_explorer`
- breathing: :func:`breathing_pacer`
- comparisons (your plan vs a scenario, simulated): :func:`micro_strength_sim`, :func:`calm_first_sim`,
  :func:`transitions_calculator`, :func:`load_comparison`, :func:`adherence_simulator`
- curves (no cohort): :func:`progression_planner`, :func:`habit_curve_widget`
- builder: :func:`routine_builder`, :func:`cohort_projection`
"""
from __future__ import annotations

from .base import SimulationWidget, SpineWidget, in_kernel, one_line
from .breathing import BreathingPacer, breathing_pacer
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

__all__ = [
    # builders
    "red_flag_screen",
    "catalogue_explorer",
    "breathing_pacer",
    "micro_strength_sim",
    "calm_first_sim",
    "transitions_calculator",
    "progression_planner",
    "load_comparison",
    "adherence_simulator",
    "habit_curve_widget",
    "routine_builder",
    "cohort_projection",
    # classes
    "RedFlagScreen",
    "CatalogueExplorer",
    "BreathingPacer",
    "MicroStrengthSim",
    "CalmFirstSim",
    "TransitionsCalculator",
    "LoadComparison",
    "AdherenceSimulator",
    "ProgressionPlanner",
    "HabitCurve",
    "RoutineBuilder",
    "CohortProjection",
    # the base
    "SpineWidget",
    "SimulationWidget",
    "one_line",
    "in_kernel",
]
