"""Benchmark: the practice log (spinelib.journal) on SQLite and on PostgreSQL. Figures only.

1. logging one session (validated, written, committed): target < 50 ms;
2. one person's progress view (progress summary and personal forecast) over 3 years of daily
   entries: target < 250 ms (the cohort overlay is timed separately: it runs the simulator);
3. loading and summarising a clinic's log, 1,000 clients x 1 year (365,000 sessions), on SQLite and
   PostgreSQL side by side: target < 5 s.

PostgreSQL: ``SPINELIB_BENCH_PG_URL`` (a database the benchmark may fill), else a throw-away server
started from Debian's binaries in /usr/lib/postgresql/*/bin (as the ``postgres`` user when run as
root); without them, the PostgreSQL column says why it is missing.

    python benchmarks/practice_log.py              # everything
    python benchmarks/practice_log.py --clients 200   # a smaller clinic
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import glob
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import matplotlib
import numpy as np
import sqlalchemy as sa

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import spinelib  # noqa: E402
from spinelib.companion import progress_view
from spinelib.journal import (Journal, clinic_plans, clinic_sessions, clinic_summary, fill_demo, personal_forecast,
                              progress_summary)
from spinelib.journal.schema import plans, sessions as sessions_table

TODAY = dt.date(2026, 11, 30)
TARGETS = {"log": 0.050, "progress": 0.250, "clinic": 5.0}


def _ms(xs):
    return f"median {statistics.median(xs) * 1e3:7.1f} ms, p95 {np.percentile(xs, 95) * 1e3:7.1f} ms"


@contextlib.contextmanager
def postgres():
    """A PostgreSQL URL, or None with the reason."""
    url = os.environ.get("SPINELIB_BENCH_PG_URL")
    if url:
        yield url, ""
        return
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        yield None, "no PostgreSQL server binaries (apt-get install postgresql)"
        return
    bindir = os.path.dirname(found[-1])
    root = tempfile.mkdtemp(prefix="spinelib-bench-pg-")
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = os.path.join(root, "data")
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    subprocess.run(as_user + [f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
                   check=True, capture_output=True, env=env)
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    subprocess.run(as_user + [f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-l", f"{root}/log", "-w", "start"],
                   check=True, capture_output=True, env=env)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", ""
    finally:
        subprocess.run(as_user + [f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def bench_log(url, n=100):
    """Logging one session: validate, write, commit (n sessions on n days)."""
    j = Journal(url, person="bench", shared=True, today=TODAY)
    j.log_session(TODAY - dt.timedelta(days=n + 1), "morning", "bird_dog", 10, 4, 3)  # warm up
    times = []
    for k in range(n):
        t0 = time.perf_counter()
        j.log_session(TODAY - dt.timedelta(days=k), "evening", ["bird_dog", "pelvic_tilt"], 12, 4, 3, note="ok")
        times.append(time.perf_counter() - t0)
    j.close()
    return times


def bench_progress(url, repeats=7):
    """The progress view of one person with 3 years of daily entries (two slots a day)."""
    j = Journal(url, person="three-years", shared=True, today=TODAY)
    n = fill_demo(j, 3 * 365, seed=1)
    core, overlay = [], []
    routine = spinelib.build_routine({"minutes_per_day": 20, "days_per_week": 7})
    for _ in range(repeats):
        t0 = time.perf_counter()
        s, m, p = j.sessions(), j.measures(), j.plan()
        progress_summary(s, m, p, TODAY)
        personal_forecast(s, p, TODAY)
        core.append(time.perf_counter() - t0)
    for _ in range(3):
        t0 = time.perf_counter()
        v = progress_view(j, routine, TODAY, people=300)
        overlay.append(time.perf_counter() - t0)
        plt.close(v["figure"])
    j.close()
    return n, core, overlay


def fill_clinic(url, clients, days=365):
    """A shared database with ``clients`` people, one session a day each for ``days`` days (bulk insert)."""
    Journal(url, person="setup", shared=True, today=TODAY).close()
    eng = sa.create_engine(url)
    rng = np.random.default_rng(0)
    start = TODAY - dt.timedelta(days=days - 1)
    dates = [start + dt.timedelta(days=k) for k in range(days)]
    now = dt.datetime(2026, 11, 30, 12)
    t0 = time.perf_counter()
    with eng.begin() as conn:
        conn.execute(sa.delete(sessions_table))
        conn.execute(sa.delete(plans))
        conn.execute(sa.insert(plans), [{"person": f"client-{c:04d}", "start": start, "session_days": "0,1,2,3,4,5,6",
                                         "slots": "morning", "minutes": 10.0, "routine_json": "", "logged_at": now}
                                        for c in range(clients)])
        pain = np.clip(np.round(6 - 0.03 * np.arange(days)[None, :] + rng.normal(0, 1, (clients, days))), 0, 10)
        flare = rng.random((clients, days)) < 0.02
        if eng.dialect.name == "postgresql":
            raw = conn.connection.driver_connection
            cols = "person, date, slot, exercises, minutes, pain_before, pain_after, flare, note, logged_at"
            with raw.cursor().copy(f"COPY sessions ({cols}) FROM STDIN") as cp:
                for c in range(clients):
                    who = f"client-{c:04d}"
                    for k, d in enumerate(dates):
                        p = int(pain[c, k])
                        cp.write_row((who, d, "morning", "bird_dog", 10.0, p, max(p - 1, 0), bool(flare[c, k]), "", now))
        else:
            rows = [{"person": f"client-{c:04d}", "date": d, "slot": "morning", "exercises": "bird_dog",
                     "minutes": 10.0, "pain_before": int(pain[c, k]), "pain_after": max(int(pain[c, k]) - 1, 0),
                     "flare": bool(flare[c, k]), "note": "", "logged_at": now}
                    for c in range(clients) for k, d in enumerate(dates)]
            conn.execute(sa.insert(sessions_table), rows)
    if eng.dialect.name == "postgresql":
        with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE sessions"))
    eng.dispose()
    return time.perf_counter() - t0


def bench_clinic(url, clients, repeats=3):
    times, n = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        s = clinic_sessions(url, ("date", "slot", "minutes", "pain_before", "flare"))
        summary = clinic_summary(s, clinic_plans(url), TODAY)
        times.append(time.perf_counter() - t0)
        n = len(s)
    assert len(summary) == clients
    return n, times


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=1000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp, postgres() as (pg, why):
        backends = {"SQLite": lambda name: f"sqlite:///{Path(tmp) / name}.sqlite"}
        if pg:
            admin = sa.create_engine(pg, isolation_level="AUTOCOMMIT")

            def pg_db(name):
                db = f"bench_{name}"
                with admin.connect() as c:
                    c.execute(sa.text(f'DROP DATABASE IF EXISTS "{db}"'))
                    c.execute(sa.text(f'CREATE DATABASE "{db}"'))
                return pg.rsplit("/", 1)[0] + "/" + db

            backends["PostgreSQL"] = pg_db
        print(f"practice log benchmark (targets: log < {TARGETS['log'] * 1e3:.0f} ms, progress < "
              f"{TARGETS['progress'] * 1e3:.0f} ms, clinic < {TARGETS['clinic']:.0f} s)")
        if not pg:
            print(f"PostgreSQL: not measured ({why})")
        results = {}
        for name, make in backends.items():
            r = {"log": bench_log(make("log"))}
            r["progress_n"], r["progress"], r["overlay"] = bench_progress(make("progress"))
            url = make("clinic")
            r["fill"] = fill_clinic(url, args.clients)
            r["clinic_n"], r["clinic"] = bench_clinic(url, args.clients)
            results[name] = r
        col = 38
        print()
        print(f"{'':40s}" + "".join(f"{n:>{col}s}" for n in results))
        rows = [("1. log one session", "log"), ("2. progress view, 3 years daily", "progress"),
                ("   + cohort overlay and figure", "overlay")]
        for label, key in rows:
            print(f"{label:40s}" + "".join(f"{_ms(r[key]):>{col}s}" for r in results.values()))
        label = f"3. load + summarise {args.clients:,} clients"
        print(f"{label:40s}" + "".join(f"{'median ' + format(statistics.median(r['clinic']), '.2f') + ' s':>{col}s}"
                                        for r in results.values()))
        print(f"{'   (bulk insert, setup only)':40s}" + "".join(f"{format(r['fill'], '.1f') + ' s':>{col}s}"
                                                             for r in results.values()))
        first = next(iter(results.values()))
        print(f"\nsessions: 3-year log {first['progress_n']:,}; clinic {first['clinic_n']:,}")
        for name, r in results.items():
            ok = (statistics.median(r["log"]) < TARGETS["log"], statistics.median(r["progress"]) < TARGETS["progress"],
                  statistics.median(r["clinic"]) < TARGETS["clinic"])
            print(f"{name}: targets met: log {ok[0]}, progress {ok[1]}, clinic {ok[2]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
