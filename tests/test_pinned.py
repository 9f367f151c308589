"""Pinned figures: the same seeds give the same numbers as before the package was restructured.

The figures below were computed with the code as it was before the restructure (commit 66d4061)
and are compared here to 6 decimals: simulator outcomes of several scenarios (both engines,
two chunks of people), a built routine, its progression, its day plan and its audit, the
acute:chronic and habit curves, and the calibration report. A change of any of them is a
change of behaviour and needs its own commit and a new pin.
"""
from __future__ import annotations

import numpy as np
import pytest

import spinelib as sl
from spinelib import acwr, habit_curve

PINNED = {
 "gentle_daily/1": {
  "pain_change": -34.987761,
  "flares": 2.196,
  "adherence": 0.604167,
  "habit": 0.720291,
  "capacity_gain": 0.386454
 },
 "gentle_daily/1/daily_sum": 22541.119758,
 "max_effort/2": {
  "pain_change": -39.297146,
  "flares": 3.984,
  "adherence": 0.607548,
  "habit": 0.733888,
  "capacity_gain": 0.918255
 },
 "max_effort/2/daily_sum": 31717.292491,
 "structured_load/3": {
  "pain_change": -37.345039,
  "flares": 2.878,
  "adherence": 0.549722,
  "habit": 0.532539,
  "capacity_gain": 0.646244
 },
 "structured_load/3/daily_sum": 23774.318065,
 "supervised/4": {
  "pain_change": -38.653478,
  "flares": 1.998,
  "adherence": 0.94881,
  "habit": 0.909337,
  "capacity_gain": 0.571963
 },
 "supervised/4/daily_sum": 23758.994198,
 "no_exercise/5": {
  "pain_change": -23.247495,
  "flares": 2.562,
  "adherence": float('nan'),
  "habit": 0.0,
  "capacity_gain": 0.0
 },
 "no_exercise/5/daily_sum": 21533.866065,
 "unstructured_spikes/6": {
  "pain_change": -34.193415,
  "flares": 2.944,
  "adherence": 0.446381,
  "habit": 0.331523,
  "capacity_gain": 0.668787
 },
 "unstructured_spikes/6/daily_sum": 23033.598192,
 "calm_first/7": {
  "pain_change": -39.3914,
  "flares": 2.804,
  "adherence": 0.60231,
  "habit": 0.728211,
  "capacity_gain": 0.79406
 },
 "calm_first/7/daily_sum": 23834.602403,
 "transitions_practised/8": {
  "pain_change": -36.336646,
  "flares": 2.076,
  "adherence": 0.61531,
  "habit": 0.726211,
  "capacity_gain": 0.44959
 },
 "transitions_practised/8/daily_sum": 22902.524048,
 "calm_first/scalar/pain_sum": 3581.1932,
 "calm_first/scalar/capacity_sum": 199.667992,
 "gentle_daily/2chunks": {
  "pain_change": -19.079073,
  "flares": 0.781,
  "adherence": 0.550367
 },
 "routine/ids": [
  "childs_pose_breathing",
  "side_lying_to_sit",
  "side_lying_multifidus_swell",
  "pelvic_floor_lift_lying",
  "hip_hinge_hands_on_thighs",
  "standing_back_extension",
  "lying_hamstring_glide",
  "lying_knee_rocks",
  "seated_pelvic_rocking",
  "standing_weight_sway",
  "standing_counter_lean_breathing",
  "crook_lying_slow_breathing"
 ],
 "routine/daily_plan_sum": 1898.4,
 "routine/progression_levels": [
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1,
  1
 ],
 "routine/audit": [
  "pass",
  "pass",
  "pass",
  "pass",
  "pass"
 ],
 "routine/sim": {
  "pain_change": -24.437217,
  "flares": 1.686667,
  "adherence": 0.545417
 },
 "acwr": [
  1.0,
  1.410501,
  1.569775
 ],
 "habit": 0.952219,
 "calibration": {
  "pain_diff_supervised_vs_none": -14.84601,
  "adherence_gentle_daily": 0.587524,
  "declining_share_gentle_daily": 0.116,
  "habit_t95_median": 70.0,
  "habit_t95_p2.5": 19.0,
  "habit_t95_p97.5": 248.35,
  "flare_onsets_per_day": 0.030702,
  "flare_one_day_share": 0.750291,
  "flare_mean_days": 1.329197,
  "acwr_rr_at_1.5": 1.504409,
  "acwr_rr_at_2.0": 4.176193
 }
}


def _figures() -> dict:
    out = {}
    R = lambda x: float(np.round(x, 6))
    R = lambda x: float(np.round(x, 6))
    for name, seed in [("gentle_daily", 1), ("max_effort", 2), ("structured_load", 3), ("supervised", 4),
                       ("no_exercise", 5), ("unstructured_spikes", 6), ("calm_first", 7), ("transitions_practised", 8)]:
        r = sl.simulate(name, people=500, days=84, seed=seed)
        out[f"{name}/{seed}"] = {k: R(r.people[k].mean()) for k in ("pain_change", "flares", "adherence", "habit", "capacity_gain")}
        num = r.daily.drop(columns=["day", "planned"])
        out[f"{name}/{seed}/daily_sum"] = R(num.to_numpy(dtype=float).sum())
    r = sl.simulate("calm_first", people=3, days=30, seed=9, full=True)  # the scalar engine
    out["calm_first/scalar/pain_sum"] = R(r.trajectories["pain"].sum())
    out["calm_first/scalar/capacity_sum"] = R(r.trajectories["capacity"].sum())
    r = sl.simulate("gentle_daily", people=40000, days=28, seed=11)  # two chunks of people
    out["gentle_daily/2chunks"] = {k: R(r.people[k].mean()) for k in ("pain_change", "flares", "adherence")}
    rt = sl.build_routine({"minutes_per_day": 15, "equipment": ["mat", "band"], "irritability": "high"})
    out["routine/ids"] = rt.ids
    plan = rt.daily_plan(84)
    out["routine/daily_plan_sum"] = R(plan.drop(columns=["day"]).to_numpy(dtype=float).sum())
    out["routine/progression_levels"] = rt.progression(weeks=12)["load_level"].tolist()
    out["routine/audit"] = sl.audit(rt)["status"].tolist()
    r = sl.simulate(rt, people=300, days=56, seed=3)
    out["routine/sim"] = {k: R(r.people[k].mean()) for k in ("pain_change", "flares", "adherence")}
    out["acwr"] = [R(x) for x in acwr([10.0] * 28 + [30.0] * 7)["acwr"].iloc[[27, 30, 34]]]
    out["habit"] = R(habit_curve(100, 66, 3)["habit"].iloc[-1])
    cal = sl.calibration_report(people=1000)
    out["calibration"] = dict(zip(cal["target"], [R(x) for x in cal["model"]]))
    return out


@pytest.fixture(scope="module")
def figures():
    return _figures()


@pytest.mark.parametrize("key", list(PINNED))
def test_pinned_figure(figures, key):
    "pinned: the figure is what the code gave before the restructure"
    got, want = figures[key], PINNED[key]
    assert got == pytest.approx(want, abs=2e-6, nan_ok=True), key
