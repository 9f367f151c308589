"""Priors: one per uncertain parameter, read from PARAMS and the evidence table at run time."""
from __future__ import annotations

import numpy as np
import pytest

from spinelib.errors import InputError
from spinelib.research import GRADE_WIDTH, draw_params, params_from_unit, prior_table, priors, uncertain_names
from spinelib.sim import PARAMS, Params


def test_every_numeric_parameter_has_a_prior_and_no_switch_does():
    "priors: every float parameter of PARAMS with a range has one; switches (bool) have none"
    want = {p.name for p in PARAMS if p.kind == "float" and p.hi > p.lo}
    assert set(priors()) == want and set(uncertain_names()) == want
    assert not {p.name for p in PARAMS if p.kind == "bool"} & set(priors())


def test_priors_centred_on_default_inside_range_and_reasoned():
    "priors: the median is the default (away from the ends), draws stay in range, every row says why"
    for p in priors().values():
        x = p.ppf(np.linspace(0, 1, 101))
        assert (x >= p.lo).all() and (x <= p.hi).all()
        lo, hi = p.interval()
        assert lo <= p.default <= hi or p.default in (p.lo, p.hi)  # a default at an end: a half-normal
        c = p._t(p.default)
        if min(c - p._t(p.lo), p._t(p.hi) - c) > 3 * p.sd:  # well inside the range: median = default
            assert float(p.ppf(0.5)) == pytest.approx(p.default, rel=1e-3)
    t = prior_table()
    assert t["reason"].str.len().min() > 20 and set(t["grade"]) <= set(GRADE_WIDTH)


def test_weaker_evidence_gives_wider_priors():
    "priors: assumptions widest, fitted parameters narrowest (sd as a share of the range)"
    assert GRADE_WIDTH["assumption"] > GRADE_WIDTH["memory"] > GRADE_WIDTH["secondary"] > GRADE_WIDTH["verbatim"] \
        > GRADE_WIDTH["fitted"]
    t = prior_table()
    fitted = {p.name for p in PARAMS if p.fitted}
    assert set(t.loc[t["grade"] == "fitted", "name"]) == fitted & set(t["name"])
    assumed = {p.name for p in PARAMS if "assumption" in p.evidence.split(";") and not p.fitted} & set(t["name"])
    assert set(t.loc[t["grade"] == "assumption", "name"]) >= assumed


def test_draws_are_valid_and_reproducible():
    "draw_params: the same seed gives the same valid Params; cross-parameter rules are repaired"
    a, b = draw_params(5, seed=3), draw_params(5, seed=3)
    assert a == b and all(isinstance(p, Params) for p in a) and a != draw_params(5, seed=4)
    # quantile 1 of acute_days and 0 of chronic_days would break acute < chronic: repaired, deterministic
    names = {"acute_days", "chronic_days"} & set(priors())
    if len(names) == 2:
        p = params_from_unit({"acute_days": 1.0, "chronic_days": 0.0})
        assert p.acute_days < p.chronic_days


def test_unknown_or_switch_names_are_one_line_errors():
    "priors: a switch or an unknown name is an InputError naming the field"
    with pytest.raises(InputError, match=r"^parameters: must be a numeric simulator parameter"):
        priors(["use_acwr"])
    with pytest.raises(InputError, match="nonsense"):
        uncertain_names(["nonsense"])
