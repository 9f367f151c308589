"""Hypothesis strategies shared by the simulator's property tests: any valid parameter set."""
from __future__ import annotations

from hypothesis import strategies as st

from spinelib.sim.params import PARAMS


def _value(spec):
    if spec.kind == "bool":
        return st.booleans()
    return st.floats(spec.lo, spec.hi, allow_nan=False, allow_infinity=False)


# every parameter anywhere in its allowed range, with the two orderings the model requires
valid_params = st.fixed_dictionaries({p.name: _value(p) for p in PARAMS}).filter(
    lambda d: d["acute_days"] < d["chronic_days"] and d["tau_fatigue"] < d["tau_capacity"])
