"""Benchmark the adherence and progression simulator; every figure is measured in this one run.

    .venv/bin/python benchmarks/simulate.py            # all figures
    .venv/bin/python benchmarks/simulate.py --quick    # fewer repeats

Prints, with the targets of issue 3:

* person-days per second for 100,000 people x 365 days in summary mode (``simulate`` end to
  end: draws, day loop, summaries, DataFrames; median of the repeats, best shown too);
* peak memory of that run, as the maximum resident set size of a fresh subprocess
  (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, interpreter and imports included), and
  the peak of Python-tracked allocations in this process (``tracemalloc``, numpy included);
* the time for one person x 84 days (what a slider pays): the median of many calls;
* the speed of the vectorized model against the plain-Python reference on the same draws
  (5,000 people x 84 days), and the throughput ratio at 100,000 x 365;
* the same 100,000 x 365 against a plain numpy loop of similar per-day work (:func:`plain_numpy`:
  the model's equations written the obvious way, with temporaries, no chunks, no threads),
  measured in this run (issue 9: at most 2x).

The machine is shared, so the load average is printed next to the figures.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from spinelib import sim  # noqa: E402
from spinelib.sim import Params, run_reference  # noqa: E402

BIG_PEOPLE, BIG_DAYS = 100_000, 365
TARGETS = {"big_s": 1.5, "slider_ms": 5.0, "ratio": 20.0, "peak_mb": 2048.0, "plain_ratio": 2.0}

CHILD = f"""
import resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
from spinelib.sim import simulate
t = time.perf_counter()
r = simulate("gentle_daily", people={BIG_PEOPLE}, days={BIG_DAYS}, seed=1)
print(time.perf_counter() - t)
"""


CPU = []  # CPU seconds (all threads of this process) of each default big run
SLIDER_CPU = []  # CPU seconds of each one-person run (steadier than wall time on a shared machine)


def big_run(repeats: int, threads: int | None = None) -> list[float]:
    """Seconds for simulate('gentle_daily', 100,000 people, 365 days), summary mode."""
    out = []
    for k in range(repeats):
        c = time.process_time()
        t = time.perf_counter()
        if threads is None:
            sim.simulate("gentle_daily", people=BIG_PEOPLE, days=BIG_DAYS, seed=k)
        else:  # the same work with a fixed number of threads (for the comparison line)
            p = Params()
            plan = sim.plan_arrays(sim.scenario_plan("gentle_daily", BIG_DAYS), BIG_DAYS, p)
            root, gens = sim.generators(k, BIG_PEOPLE)
            sim.run_model(plan, sim.draw_people(root, BIG_PEOPLE, p), gens, p, threads=threads)
        out.append(time.perf_counter() - t)
        if threads is None:
            CPU.append(time.process_time() - c)
    return out


def plain_numpy(people: int = BIG_PEOPLE, days: int = BIG_DAYS, seed: int = 0) -> float:
    """Seconds for a plain numpy day loop doing the model's kind of work (the yardstick of issue 9).

    The daily equations of docs/model.md written the obvious way: whole-array expressions that
    allocate their temporaries, float64, one thread, the cohort mean of each state kept per day.
    Per person-day it does about as many element-wise operations (and ``exp`` calls) as the model.
    """
    rng = np.random.default_rng(seed)
    n = people
    p0 = rng.normal(55, 18, n).clip(20, 95)
    mu, c, s0, k0 = rng.normal(1, 1, n), rng.uniform(0.01, 0.1, n), rng.uniform(0.2, 0.8, n), rng.lognormal(0.7, 0.3, n)
    logh0, resp, amp, budget = np.log(rng.lognormal(-3.6, 0.6, n)), rng.gamma(2, 0.5, n), rng.lognormal(1.8, 0.8, n), \
        rng.exponential(1, n)
    H = F = G = X = Q = E = eps = lam_sum = np.zeros(n)
    S, A, C, pain, slow = s0.copy(), np.full(n, 20.0), np.full(n, 20.0), p0.copy(), p0.copy()
    flare, dropped = np.zeros(n, bool), np.zeros(n, bool)
    means = np.empty((days, 15))
    t0 = time.perf_counter()
    saved = np.seterr(divide="ignore", invalid="ignore")  # both branches of np.where are computed
    for t in range(days):
        u = rng.random(n)
        lam = 0.003 * np.exp(pain / 100 + flare + 1.5 * np.maximum(0, 1 - (p0 - slow) / (0.3 * p0)))
        lam_sum = lam_sum + lam
        dropped = dropped | (lam_sum >= budget)
        prob = (1 - dropped) / (1 + np.exp(-(mu + 1.5 * H - pain / 100 - flare)))
        done = u < prob
        u = np.where(done, u / prob, (u - prob) / (1 - prob))
        H = np.where(done, H + c * (1 - H), H * 0.985)
        X = X * 0.99 + done * 0.05 * (1 - X)
        Q = Q * 0.998 + done * 0.03 * (1 - Q)
        E = E * 0.95 + done * 0.03 * (1 - E)
        load = 20 + done * 12.0
        A = A + 0.13 * (load - A)
        C = C + 0.035 * (load - C)
        R = np.maximum(0.5 * k0, k0 + F - 2 * G)
        over = done * np.maximum(0, 1 - R / 1.5)
        stim = done * 0.08 * np.minimum(1.5 / R, 1) / (1 + over) * (1 - 0.5 * S)
        F = F * 0.976 + stim
        G = G * 0.905 + 2 * stim + over
        S = S + (s0 - S) / 28 - 0.008 * done * S
        h = np.minimum(1, np.exp(logh0 + 2 * np.maximum(0, A / C - 1.3) + over + 0.5 * (S - s0)) * (1 - 0.3 * X))
        thr = np.where(flare, 0.75, h)
        below = u < thr
        v = np.where(below, u / thr, (u - thr) / (1 - thr))
        onset = below & ~flare
        flare = onset | (~below & flare)
        S = S + 0.1 * onset * (1 - S)
        eps = 0.87 * eps + 0.85 * (v - 0.5)
        benefit = resp * (0.3 * F / (F + 0.5) + 0.25 * Q) + 0.2 * E + 0.4 * (s0 - S)
        pain = np.clip(p0 * np.maximum(0, 0.8 - benefit) + 25 * flare + amp * eps, 0, 100)
        slow = slow + 0.07 * (pain - slow)
        for k, x in enumerate((H, X, Q, E, A, C, F, G, S, pain, flare, done, dropped, A / C, stim)):
            means[t, k] = x.mean()
    seconds = time.perf_counter() - t0
    np.seterr(**saved)
    return seconds


def peak_memory_subprocess() -> tuple[float, float]:
    """(peak RSS in MB, seconds) of the big run in a fresh Python process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    res = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(after, before) / 1024.0, float(res.stdout.strip())


def peak_memory_tracemalloc() -> float:
    """Peak MB of allocations tracked by tracemalloc (numpy's included) during the big run."""
    tracemalloc.start()
    sim.simulate("gentle_daily", people=BIG_PEOPLE, days=BIG_DAYS, seed=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def slider(calls: int) -> list[float]:
    """Seconds per call of simulate('gentle_daily', people=1, days=84)."""
    sim.simulate("gentle_daily", people=1, days=84, seed=0)  # warm the plan cache
    out = []
    for k in range(calls):
        c = time.process_time()
        t = time.perf_counter()
        sim.simulate("gentle_daily", people=1, days=84, seed=k)
        out.append(time.perf_counter() - t)
        SLIDER_CPU.append(time.process_time() - c)
    return out


def slider_vector(calls: int) -> list[float]:
    """Seconds per one-person, 84-day run of the vectorized engine alone (for comparison)."""
    p = Params()
    plan = sim.plan_arrays(sim.scenario_plan("gentle_daily", 84), 84, p)
    out = []
    for k in range(calls):
        d = sim.make_draws(1, 84, seed=k, params=p)
        t = time.perf_counter()
        sim.run_model(plan, d.persons, d.uniforms, p, engine="vector")
        out.append(time.perf_counter() - t)
    return out


def against_reference(people: int, days: int = 84) -> tuple[float, float]:
    """(vectorized seconds, reference seconds) on the same draws, gentle_daily."""
    p = Params()
    plan = sim.plan_arrays(sim.scenario_plan("gentle_daily", days), days, p)
    d = sim.make_draws(people, days, seed=3, params=p)
    vec = []
    for _ in range(5):
        t = time.perf_counter()
        sim.run_model(plan, d.persons, d.uniforms, p, engine="vector")
        vec.append(time.perf_counter() - t)
    t = time.perf_counter()
    run_reference(plan, d.persons, d.uniforms, p)
    ref = time.perf_counter() - t
    return statistics.median(vec), ref


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark spinelib's simulator")
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args(argv)
    repeats, calls, ref_people = (2, 50, 1000) if args.quick else (5, 300, 5000)

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"numpy {np.__version__}, load average {os.getloadavg()[0]:.2f} (shared machine)")
    big = big_run(repeats)
    med = statistics.median(big)
    one_thread = big_run(max(2, repeats // 2), threads=1)
    rss_mb, child_s = peak_memory_subprocess()
    traced_mb = peak_memory_tracemalloc()
    sl = slider(calls)
    sl_vec = slider_vector(max(20, calls // 5))
    vec_s, ref_s = against_reference(ref_people)
    plain = [plain_numpy(seed=k) for k in range(max(1, repeats // 2))]
    plain_s = statistics.median(plain)
    ratio = ref_s / vec_s
    pd_rate = BIG_PEOPLE * BIG_DAYS / med

    def mark(ok):
        return "meets target" if ok else "MISSES target"

    print(f"load average now {os.getloadavg()[0]:.2f}")
    print()
    print(f"100,000 people x 365 days, summary mode (simulate end to end, {repeats} runs)")
    print(f"  median {med:.2f} s = {pd_rate / 1e6:.1f} M person-days/s; best {min(big):.2f} s = "
          f"{BIG_PEOPLE * BIG_DAYS / min(big) / 1e6:.1f} M/s   target <= {TARGETS['big_s']} s (>= 25 M/s): "
          f"{mark(med <= TARGETS['big_s'])}")
    print("  runs: " + ", ".join(f"{x:.2f}" for x in big) + " s; CPU time of each (all threads): "
          + ", ".join(f"{x:.2f}" for x in CPU) + " s")
    print(f"  model only, one thread: median {statistics.median(one_thread):.2f} s, best {min(one_thread):.2f} s; "
          f"fresh process: {child_s:.2f} s")
    print(f"peak memory of that run: {rss_mb:.0f} MB max RSS of a fresh process (imports included); "
          f"{traced_mb:.0f} MB peak traced allocations   target < {TARGETS['peak_mb']:.0f} MB: "
          f"{mark(rss_mb < TARGETS['peak_mb'])}")
    print(f"1 person x 84 days: median {statistics.median(sl) * 1e3:.2f} ms over {calls} calls "
          f"(p90 {np.percentile(sl, 90) * 1e3:.2f} ms)   target <= {TARGETS['slider_ms']} ms: "
          f"{mark(statistics.median(sl) * 1e3 <= TARGETS['slider_ms'])}; CPU time median "
          f"{statistics.median(SLIDER_CPU) * 1e3:.2f} ms")
    print(f"  (up to {sim.SCALAR_PEOPLE} people simulate() runs the plain-Python loop, the same equations; "
          f"the vectorized engine alone takes {statistics.median(sl_vec) * 1e3:.1f} ms for one person)")
    print(f"vectorized vs plain-Python reference, {ref_people:,} people x 84 days, same draws: "
          f"{vec_s * 1e3:.1f} ms vs {ref_s:.2f} s = {ratio:.0f}x   target >= {TARGETS['ratio']:.0f}x: "
          f"{mark(ratio >= TARGETS['ratio'])}")
    print(f"against a plain numpy loop of similar per-day work (100,000 x 365, float64, one thread, temporaries): "
          f"{plain_s:.2f} s; simulate / plain = {med / plain_s:.2f}x   target <= {TARGETS['plain_ratio']:.0f}x: "
          f"{mark(med / plain_s <= TARGETS['plain_ratio'])}")
    ref_rate = ref_people * 84 / ref_s
    print(f"  throughput: reference {ref_rate / 1e3:.0f} k person-days/s; vectorized at 100,000 x 365 "
          f"{pd_rate / 1e6:.1f} M/s = {pd_rate / ref_rate:.0f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
