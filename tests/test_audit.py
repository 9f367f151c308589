"""Five-insight audit: the examples in the issue, hand-made routines, and evidence ids."""
from __future__ import annotations

import re

import pytest

from spinelib import INSIGHTS, InputError, Routine, audit, build_routine, load_catalogue, load_evidence
from spinelib.audit import passes
from spinelib.insights import INSIGHT_EVIDENCE

ALL_EQ = ["mat", "cushion", "band", "dumbbell", "kettlebell", "step", "ball", "towel"]


def _pick(category, **where):
    cat = load_catalogue()
    c = cat[cat["category"] == category]
    for k, v in where.items():
        c = c[c[k] == v]
    return c["id"].iloc[0]


def _status(table, n):
    return table.set_index("insight").at[n, "status"]


def test_shape_and_evidence_ids_exist():
    "audit: one row per insight with reason and evidence ids that exist"
    a = audit(build_routine({}))
    assert list(a["insight"]) == [1, 2, 3, 4, 5]
    assert set(a["status"]) <= {"pass", "warn", "fail"}
    assert a["reason"].map(lambda s: s.endswith(".") and "\n" not in s).all()
    ids = set(load_evidence()["id"])
    for ev in a["evidence"]:
        assert ev and set(ev) <= ids
    assert set(INSIGHTS) == set(INSIGHT_EVIDENCE)


def test_strength_before_calm_fails_for_high_irritability():
    "audit: strengthening before any down-regulation fails insight 2 for a high-irritability profile"
    strength, calm, trans = _pick("micro_strength"), _pick("down_regulation"), _pick("transition")
    r = Routine.from_ids({"morning": [strength, calm, trans]}, profile={"irritability": "high"})
    assert _status(audit(r), 2) == "fail"
    assert _status(audit(r, {"irritability": "low"}), 2) == "warn"
    ok = Routine.from_ids({"morning": [calm, strength, trans]}, profile={"irritability": "high"})
    assert _status(audit(ok), 2) != "fail"


def test_load_above_stage_warns_insight_1():
    "audit: load above the current stage warns insight 1"
    heavy = _pick("structured_load", load_level=4)
    r = Routine.from_ids({"morning": [_pick("down_regulation"), _pick("micro_strength"), heavy, _pick("transition")]},
                         profile={"load_stage": 1, "equipment": ALL_EQ})
    assert _status(audit(r), 1) == "warn"


def test_no_transition_fails_insight_3():
    "audit: no transition drill in the week fails insight 3"
    r = Routine.from_ids({"morning": [_pick("down_regulation"), _pick("micro_strength")]})
    assert _status(audit(r), 3) == "fail" and not passes(audit(r))


def test_ladder_jump_fails_insight_4():
    "audit: a jump of more than one ladder step in a week fails insight 4"
    r = build_routine({"minutes_per_day": 20, "equipment": ALL_EQ, "load_stage": 1, "irritability": "low"})
    prog = r.progression(weeks=6)
    assert _status(audit(r, progression=prog), 4) == "pass"
    jumped = prog.copy()
    idx = jumped.index[(jumped["week"] == 3)][0]
    jumped.loc[idx, "step"] = jumped.loc[idx, "step"] + 3
    assert _status(audit(r, progression=jumped), 4) == "fail"


def test_weekend_warrior_fails_and_minutes_outside_range_warn():
    "audit: one long weekly session fails insight 5; daily minutes outside 10-20 warn"
    cat = load_catalogue()
    long_ids = cat.sort_values("minutes", ascending=False)["id"].tolist()
    ids, total = [], 0.0
    for i in long_ids:
        ids.append(i)
        total += cat.set_index("id").at[i, "minutes"]
        if total >= 60:
            break
    ww = Routine.from_ids({"morning": ids}, profile={"minutes_per_day": 60, "equipment": ALL_EQ}, days_per_week=1)
    assert _status(audit(ww), 5) == "fail"
    short = build_routine({"minutes_per_day": 6})
    assert _status(audit(short), 5) == "warn"
    assert _status(audit(build_routine({"minutes_per_day": 15})), 5) == "pass"


def test_insight_4_says_what_the_plan_holds():
    "audit: insight 4 names the structured-load rung and the stage, and says 'bottom of the ladder' only at stage 1"
    calm, micro, trans = _pick("down_regulation"), _pick("micro_strength"), _pick("transition")
    only_micro = {"morning": [calm, micro, trans]}
    bottom = audit(Routine.from_ids(only_micro, profile={"load_stage": 1})).set_index("insight").loc[4]
    assert bottom["status"] == "pass" and "bottom of the ladder (stage 1)" in bottom["reason"]
    later = audit(Routine.from_ids(only_micro, profile={"load_stage": 3})).set_index("insight").loc[4]
    assert later["status"] == "warn" and "bottom" not in later["reason"] and "stage is 3" in later["reason"]
    rung = "band_row"  # structured load, level 2
    with_load = Routine.from_ids({"morning": [calm, micro, rung, trans]},
                                 profile={"load_stage": 4, "equipment": ALL_EQ})
    reason = audit(with_load).set_index("insight").at[4, "reason"]
    assert "Band row" in reason and "level 2" in reason and "below your stage 4" in reason
    assert "your current stage" in audit(with_load, {"load_stage": 2}).set_index("insight").at[4, "reason"]


def test_reasons_use_plain_words():
    "audit: no reason shows an internal id (snake_case) to a person, for built and hand-made routines"
    snake = re.compile(r"\b[a-z]+_[a-z_]+\b")
    routines = [build_routine({"minutes_per_day": m, "load_stage": st, "irritability": irr})
                for m in (5, 10, 20) for st in (1, 3, 5) for irr in ("low", "high")]
    cat = load_catalogue()
    routines += [Routine.from_ids({"morning": [i]}, profile={"equipment": ALL_EQ, "load_stage": 1}, days_per_week=d)
                 for i, d in zip(cat["id"], [1, 3, 7] * 40)]
    for r in routines:
        for reason in audit(r)["reason"]:
            assert not snake.search(reason), reason


def test_minutes_outside_the_gentle_range_say_which_side():
    "audit: a day under 10 minutes is 'below' the gentle range, one over 20 'above' it"
    assert "below the gentle 10-20" in audit(build_routine({"minutes_per_day": 6})).set_index("insight").at[5, "reason"]
    long_day = Routine.from_ids({"morning": ["crook_lying_slow_breathing", "bedtime_long_exhale_breathing",
                                             "pelvic_tilt", "log_roll_practice", "walking_break",
                                             "midday_mobility_flow", "calves_on_chair_rest"]},
                                profile={"minutes_per_day": 30})
    assert "above the gentle 10-20" in audit(long_day).set_index("insight").at[5, "reason"]


def test_default_routine_passes_everything():
    "audit: the default routine passes all five insights"
    a = audit(build_routine({}))
    assert (a["status"] == "pass").all(), a.to_string()


def test_audit_refuses_referrals_and_junk():
    "audit: a referral or a non-routine is a clear error"
    ref = build_routine({"red_flags": {"fever_unwell": True}})
    with pytest.raises(InputError, match="clinician"):
        audit(ref)
    with pytest.raises(InputError, match="routine"):
        audit("my routine")
