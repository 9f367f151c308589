"""The adherence and progression simulator: a daily-step teaching model, not a clinical prediction.

Modules, from the bottom up (each imports only those above it, plus ``spinelib.errors`` and
``spinelib.week``):

* :mod:`~spinelib.sim.params`: every parameter (:data:`PARAMS`, :class:`Params`);
* :mod:`~spinelib.sim.plan`: the day-plan columns, their checks, :func:`plan_frame`, :func:`plan_arrays`;
* :mod:`~spinelib.sim.curves`: the sub-equations run alone (load averages and ratio, habit curve);
* :mod:`~spinelib.sim.results`: :data:`STATES`, :class:`SimulationResult`, :data:`OUTCOMES`, comparisons;
* :mod:`~spinelib.sim.scenarios`: the named scenarios;
* :mod:`~spinelib.sim.scalar`: the plain-Python reference, one person at a time;
* :mod:`~spinelib.sim.engine`: the vectorized model and :func:`simulate`;
* :mod:`~spinelib.sim.calibration`: the calibration targets and report;
* :mod:`~spinelib.sim.validation`: published figures the model was not fitted to, and its verdicts;
* :mod:`~spinelib.sim.fast`: the same equations compiled (numba), many parameter sets in one call
  (:func:`simulate_many`, for sensitivity analyses).

Every equation and parameter is listed in ``docs/model.md``. Nothing here is medical advice.
"""
from .params import MECHANISMS, PARAMS, Param, Params, param_table
from .plan import (CATEGORY_COLUMNS, MAX_DAYS, OPTIONAL_COLUMNS, PLAN_COLUMNS, check_days, day_constants,
                   plan_arrays, plan_frame, plan_from_week)
from .curves import (ACWR_BAND, acwr, acwr_multiplier, daily_decay, days_to_95, ewma_rate, habit_curve, habit_rate,
                     habit_step)
from .results import (OUTCOME_LABELS, OUTCOMES, STATES, Outcome, SimulationResult, band_frame, ci95, compare_people,
                      final_mean)
from .scalar import run_person, run_reference
from .engine import (CHUNK, MAX_FULL_PERSON_DAYS, MAX_PEOPLE, PERCENTILE_PEOPLE, PERSON_FIELDS, SCALAR_PEOPLE, Draws,
                     draw_people, generators, make_draws, run_model, simulate)
from .calibration import (G9_COURSE, PATHWAYS, TARGETS, calibration_report, course_figures, effect_figures,
                          flare_figures, habit_t95, pathway_shares, programme_figures, run_lengths, stopped_programme)
from .validation import (MODEL_RUNS, VERDICTS, calibration_overlap, load_validation, validation_markdown,
                         validation_table, verdict, verdict_counts)
from .fast import simulate_many
# last: the function scenarios() takes the package attribute over from the module of the same name
from .scenarios import SCENARIOS, Scenario, get_scenario, scenario_plan, scenario_table, scenarios

__all__ = [
    "simulate", "scenarios", "Params", "PARAMS", "Param", "MECHANISMS", "param_table", "SimulationResult",
    "calibration_report", "TARGETS", "G9_COURSE", "scenario_plan", "scenario_table", "SCENARIOS", "Scenario",
    "get_scenario", "PLAN_COLUMNS", "CATEGORY_COLUMNS", "OPTIONAL_COLUMNS", "plan_frame", "plan_arrays",
    "plan_from_week", "check_days", "day_constants", "STATES", "make_draws", "draw_people", "generators", "Draws",
    "PERSON_FIELDS", "run_model", "run_reference", "run_person", "acwr", "acwr_multiplier", "ACWR_BAND",
    "ewma_rate", "daily_decay", "habit_curve", "habit_rate", "habit_step", "days_to_95", "habit_t95", "run_lengths",
    "ci95", "compare_people", "OUTCOMES", "Outcome", "OUTCOME_LABELS", "final_mean", "band_frame", "MAX_PEOPLE",
    "MAX_DAYS", "CHUNK", "PERCENTILE_PEOPLE", "MAX_FULL_PERSON_DAYS", "SCALAR_PEOPLE",
    "validation_table", "load_validation", "verdict", "VERDICTS", "MODEL_RUNS", "calibration_overlap",
    "validation_markdown", "verdict_counts", "simulate_many",
]
