"""Research tools over the simulator: parameter priors, ensembles, global sensitivity and studies.

Everything here reads the simulator through its public API (:func:`spinelib.sim.simulate`,
:data:`spinelib.sim.PARAMS`, :class:`spinelib.sim.Params`, :mod:`spinelib.sim.results`), so a
parameter added to the model gets a prior, a place in a sensitivity analysis and a column in
a study without a change here.

- :mod:`.priors`: a prior for every uncertain parameter, as wide as its evidence is weak;
- :mod:`.ensemble`: runs over parameter draws; between-people and model-uncertainty intervals;
- :mod:`.sensitivity`: Morris screening and Sobol indices (SALib) of any contrast;
- :mod:`.study`: declarative studies (YAML) run on the shared executor, stored as Parquet;
- :mod:`.robustness`: for each insight, the share of parameter sets in which its recommended side
  still wins, its bands and the parameters that drive it.

A teaching model, not a clinical prediction. Nothing here is medical advice.
"""
from __future__ import annotations

from .priors import GRADE_WIDTH, Prior, draw_params, params_from_unit, prior_table, priors, uncertain_names
from .ensemble import Ensemble, ensemble, ensemble_plot
from .sensitivity import (Contrast, contrast_value, morris, morris_indices, parse_contrast, sensitivity_plot, sobol,
                          sobol_indices)
from .study import Study, StudyResult, load_study, read_results, run_study, study_from_dict
from .robustness import (HEADLINE, drivers_plot, headline_contrast, insight_drivers, pair_scenarios,
                         robustness_ensemble, robustness_plot, robustness_table, screen_names, top_drivers)

__all__ = ["GRADE_WIDTH", "Prior", "priors", "prior_table", "uncertain_names", "params_from_unit", "draw_params",
           "Ensemble", "ensemble", "ensemble_plot", "Contrast", "parse_contrast", "contrast_value", "morris", "sobol",
           "morris_indices", "sobol_indices", "sensitivity_plot", "Study", "StudyResult", "load_study",
           "study_from_dict", "run_study", "read_results", "HEADLINE", "headline_contrast", "pair_scenarios",
           "robustness_ensemble", "robustness_table", "screen_names", "insight_drivers", "top_drivers",
           "robustness_plot", "drivers_plot"]
