"""Tests for the simulator's parameters (spinelib.sim.params)."""
from __future__ import annotations

import pytest

from spinelib.errors import InputError
from spinelib.evidence import load_evidence
from spinelib.sim.calibration import TARGETS
from spinelib.sim.params import MECHANISMS, PARAMS, Params, param_table


def test_params_table_has_unit_default_range_and_evidence():
    """params: every parameter has a unit, a default inside its range and evidence ids"""
    t = param_table()
    assert len(t) == len(PARAMS) and t["name"].is_unique
    assert (t["unit"].str.len() > 0).all() and (t["evidence"].str.len() > 0).all()
    assert ((t["lo"] <= t["default"].astype(float)) & (t["default"].astype(float) <= t["hi"])).all()
    Params()  # the defaults validate


def test_parameter_and_target_evidence_ids_exist():
    """params: every evidence id of a parameter or calibration target is a row of data/evidence.csv"""
    ids = set(load_evidence()["id"])
    cited = {e for p in PARAMS for e in p.evidence.split(";")} | {e for t in TARGETS for e in t[3].split(";")}
    assert cited - {"assumption"} <= ids, sorted(cited - {"assumption"} - ids)


def test_params_are_immutable_and_replace_returns_a_new_set():
    """Params: no attribute can be set; replace() and coerce() give validated sets; the acute span is the shorter"""
    p = Params()
    with pytest.raises(AttributeError):
        p.flare_hazard = 0.05
    q = p.replace(flare_hazard=0.05)
    assert q.flare_hazard == 0.05 and p.flare_hazard != 0.05 and q != p
    assert Params.coerce(None) == p and Params.coerce(q) is q and Params.coerce({"flare_hazard": 0.05}) == q
    assert repr(q) == "Params(flare_hazard=0.05)"
    with pytest.raises(InputError, match="^acute_days: must be shorter than chronic_days"):
        Params(acute_days=14.0, chronic_days=14.0)


def test_every_mechanism_switch_is_a_bool_parameter():
    """MECHANISMS: one switch per insight 1-5, each a bool parameter that defaults to on"""
    by_name = {p.name: p for p in PARAMS}
    assert sorted(MECHANISMS.values()) == [1, 2, 3, 4, 5]
    for name in MECHANISMS:
        assert by_name[name].kind == "bool" and by_name[name].default is True


@pytest.mark.parametrize("changes,field", [({"flare_hazard": 5.0}, "flare_hazard"), ({"flare_hazard": "x"}, "flare_hazard"),
                                           ({"nope": 1}, "params"), ({"acute_days": 14.0, "chronic_days": 14.0},
                                                                      "acute_days"),
                                           ({"use_sensitivity": 1}, "use_sensitivity")])
def test_replace_checks_what_it_changes(changes, field):
    """Params.replace checks each changed value (and the cross checks) as the constructor does, and gives the set
    the constructor gives; values it does not change keep their order and value"""
    base = Params(flare_hazard=0.05, tau_capacity=30.0)
    with pytest.raises(InputError, match=f"^{field}: "):
        base.replace(**changes)
    q = base.replace(habit_tau=100.0, flare_hazard=0.02)
    assert q == Params(flare_hazard=0.02, tau_capacity=30.0, habit_tau=100.0)
    assert list(q.to_dict()) == list(Params().to_dict()) and base.replace() == base
