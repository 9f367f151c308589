"""The executor: local worker processes (results, errors, a dead worker, cancel), interruption, and a Dask cluster.

Plain functions of the standard library stand in for report jobs where no kernel is needed
(workers receive functions by reference). The Dask tests run a ``LocalCluster`` on loopback and
check that a batch on it writes the same summary and the same HTML bytes as local workers.
"""
from __future__ import annotations

import logging
import math
import os
import signal
import threading
import time
from pathlib import Path

import psutil
import pytest
from click.testing import CliRunner

from spinelib import reports
from spinelib.errors import InputError
from spinelib.reports import cli
from spinelib.executor import (WORKER_ENV, Done, InlineExecutor, Interrupted, LocalExecutor, interruptible,
                                       open_executor)

HERE = Path(__file__).resolve().parent
TINY = HERE.parent / "data" / "tiny_template.ipynb"


@pytest.fixture()
def tmpdir_of_workers(tmp_path, monkeypatch):
    """Workers' folders go to a fresh folder; after a test it must be empty and no worker process left."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(folder))
    yield folder
    assert not _worker_processes(folder)
    assert list(folder.iterdir()) == []


def _worker_processes(folder: Path) -> list:
    found = []
    for p in psutil.process_iter():
        try:
            if p.status() != psutil.STATUS_ZOMBIE and p.environ().get(WORKER_ENV, "").startswith(str(folder)):
                found.append(p)
        except (psutil.Error, OSError):
            continue
    return found


def test_open_executor_kinds():
    "open_executor: one worker runs here, several are local processes"
    assert isinstance(open_executor(1), InlineExecutor) and isinstance(open_executor(3), LocalExecutor)


def test_local_workers_values_errors_and_a_dead_worker(tmpdir_of_workers):
    "local: values come back; an exception is one line; a worker killed mid-job fails that job only, the rest go on"
    jobs = [(abs, -3), (signal.raise_signal, signal.SIGKILL), (math.sqrt, -1.0), (abs, -5), (abs, -7)]
    with open_executor(2) as ex:
        for fn, job in jobs:
            ex.submit(fn, job)
        got = {d.job: d for d in ex.completed()}
    assert got[-3] == Done(-3, 3) and got[-5] == Done(-5, 5) and got[-7] == Done(-7, 7)
    assert got[signal.SIGKILL].error == "the worker process died (killed by SIGKILL) while running it"
    assert got[-1.0].error == "ValueError: math domain error"


def test_inline_executor_same_interface():
    "inline: the same Done values and one-line errors"
    with open_executor(1) as ex:
        ex.submit(abs, -2)
        ex.submit(math.sqrt, -1.0)
        assert list(ex.completed()) == [Done(-2, 2), Done(-1.0, error="ValueError: math domain error")]


def test_cancel_stops_running_workers(tmpdir_of_workers):
    "local: cancel() while two workers are busy -> they and their folders are gone when it returns"
    ex = open_executor(3)
    with ex:
        ex.submit(time.sleep, 600)
        ex.submit(time.sleep, 600)
        ex.submit(abs, -1)
        first = next(iter(ex.completed()))
        assert first == Done(-1, 1)
        busy = _worker_processes(tmpdir_of_workers)
        assert len(busy) == 3
        t0 = time.perf_counter()
        ex.cancel()
        print(f"\ncancel() stopped 3 workers in {time.perf_counter() - t0:.2f} s")
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in busy)


def test_interruptible_raises_once_and_restores_handlers():
    "interruptible: the first SIGTERM/SIGINT raises Interrupted (exit 143/130); a second is ignored; handlers restored"
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        pytest.skip("needs the main thread")
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with pytest.raises(Interrupted) as exc:
        with interruptible():
            try:
                os.kill(os.getpid(), signal.SIGTERM)
                for _ in range(1000):
                    time.sleep(0.01)
            except Interrupted as first:
                os.kill(os.getpid(), signal.SIGINT)  # ignored: the clean-up goes on
                time.sleep(0.05)
                raise first
    assert exc.value.exit_code == 143 and exc.value.signame == "SIGTERM"
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before
    assert Interrupted().exit_code == 130


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:1", "nonsense://x", "127.0.0.1"])
def test_bad_scheduler_is_one_line(address):
    "dask: an address with no scheduler behind it is a one-line InputError, before any job"
    with pytest.raises(InputError, match=r"^--scheduler: must be the address of a running Dask scheduler"):
        open_executor(2, address)


# ----- Dask ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                      silence_logs=logging.ERROR) as c:
        yield c


def test_dask_executor_values_and_errors(cluster):
    "dask: the same interface as local workers: values, one-line errors"
    with open_executor(2, cluster.scheduler_address) as ex:
        ex.submit(abs, -3)
        ex.submit(math.sqrt, -1.0)
        got = {d.job: d for d in ex.completed()}
    assert got == {-3: Done(-3, 3), -1.0: Done(-1.0, error="ValueError: math domain error")}


def test_dask_batch_equals_local_batch(cluster, tmp_path):
    "dask: a batch on a LocalCluster writes the same summary and the same HTML bytes per row as local workers"
    table = tmp_path / "c.csv"
    table.write_text("name,count,fail\nAna,2,False\nBen,3,False\nCleo,1,True\n")
    local = reports.run_batch(TINY, table, tmp_path / "local", jobs=2, progress=False)
    r = CliRunner().invoke(cli.main, ["batch", str(TINY), str(table), "--out-dir", str(tmp_path / "dask"),
                                      "--scheduler", cluster.scheduler_address, "--no-progress"])
    assert r.exit_code == 1, r.output  # row 3 fails, in both
    assert "row 3: failed: tiny_template: cell" in r.output and "asked to fail" in r.output
    assert f"2 of 3 reports written to {tmp_path / 'dask'}" in r.output
    import pandas as pd

    dask = pd.read_csv(tmp_path / "dask" / "tiny_template-summary.csv", keep_default_na=False)
    cols = ["row", "status", "message"]
    assert dask[cols].to_dict("records") == local.summary[cols].to_dict("records")
    for name in ("ana.html", "ben.html"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    assert not list((tmp_path / "dask").glob("*.part*")) and not (tmp_path / "dask" / "cleo.html").exists()
