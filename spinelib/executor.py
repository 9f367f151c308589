"""One executor for report batches and experiments: local worker processes by default, or a Dask cluster.

::

    with open_executor(workers=2) as ex:          # open_executor(2, scheduler="tcp://127.0.0.1:8786")
        for job in jobs:
            ex.submit(fn, job)
        for done in ex.completed():               # in finishing order
            ...                                   # done.job, done.value, done.error (one line, or None)

``fn`` is a module-level function (workers receive it by reference) taking one job and
returning a picklable value; it should catch its own errors (one that escapes becomes
``done.error``). Values come back to the calling process, which writes any files: workers
write nothing where the command runs, so a cluster on other machines works too. Leaving the
``with`` block on an exception (Ctrl-C included) cancels what is left.

**Local** (``scheduler=None``). With ``workers == 1`` the jobs run one after another in this
process. Otherwise up to ``workers`` Python processes, started fresh with ``sys.executable``
(nothing of this process is inherited but its environment and ``sys.path``), each running one
job at a time:

- a worker that dies (killed, out of memory) fails only the job it was running (``done.error``
  says how it died); a new worker takes its place for the jobs left;
- each worker has its own temporary folder (``TMPDIR`` and ``JUPYTER_RUNTIME_DIR`` point into it:
  kernel sockets and connection files, Chromium profiles), removed when the worker ends, however
  it ends; every process a worker starts carries ``SPINELIB_WORKER_DIR`` in its environment, and
  one still running after its worker ended is killed;
- workers ignore SIGINT (Ctrl-C in a terminal reaches the whole process group: the calling
  process decides) and end, killing their kernels first, on SIGTERM or as soon as the calling
  process is gone, however it went (a pipe they watch reaches end of file);
- :meth:`~LocalExecutor.cancel` drops the jobs not started and stops the workers at once.

**Dask** (``scheduler="tcp://host:8786"``, or a connected ``distributed.Client``): the same interface;
the cluster's workers need spinelib installed. A job whose worker dies is retried by Dask on
another worker (up to its ``allowed-failures``), then fails with one line. ``cancel()`` cancels
every future; a task already running on a worker of the cluster finishes there and its result
is dropped (the cluster's processes are not this command's to kill).

:func:`interruptible` turns the first SIGINT or SIGTERM into :class:`Interrupted` in the main
thread, so a command can stop its workers, write what it has done and exit with 130 or 143.
"""
from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any, NamedTuple

from .errors import InputError

__all__ = ["Done", "Interrupted", "interruptible", "open_executor", "InlineExecutor", "LocalExecutor",
           "DaskExecutor", "on_worker_exit", "one_line", "WORKER_ENV"]

WORKER_ENV = "SPINELIB_WORKER_DIR"


class Done(NamedTuple):
    """A finished job: the job, the value ``fn`` returned, or ``error`` (one line) when there is none."""

    job: Any
    value: Any = None
    error: str | None = None


def one_line(exc: BaseException) -> str:
    """``ExceptionName: message`` on one line.

    >>> one_line(ValueError("bad\\n  value"))
    'ValueError: bad value'
    """
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ----- interruption ------------------------------------------------------------------------------
class Interrupted(KeyboardInterrupt):
    """A run stopped by SIGINT (Ctrl-C) or SIGTERM.

    ``exit_code`` is 128 + the signal number (130, 143). Whoever catches it on the way up may
    attach what was done: ``rows`` (one summary row per job) and ``result``.

    >>> Interrupted(signal.SIGTERM).exit_code
    143
    """

    def __init__(self, signum: int = signal.SIGINT):
        self.signum = int(signum)
        self.rows: list | None = None
        self.result: Any = None
        super().__init__(self.signame)

    @property
    def signame(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_INTERRUPTIBLE = {"depth": 0}


@contextlib.contextmanager
def interruptible():
    """Inside the block the first SIGINT or SIGTERM raises :class:`Interrupted` (main thread only).

    Later signals are ignored until the block ends, so the clean-up after an interruption
    (stopping workers, writing a summary) is not itself cut short. Nested blocks, and blocks
    in other threads, change nothing.
    """
    if threading.current_thread() is not threading.main_thread() or _INTERRUPTIBLE["depth"]:
        yield
        return
    fired = []

    def handler(signum, frame):
        if not fired:
            fired.append(signum)
            raise Interrupted(signum)

    old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    for s in old:
        signal.signal(s, handler)
    _INTERRUPTIBLE["depth"] += 1
    try:
        yield
    finally:
        _INTERRUPTIBLE["depth"] -= 1
        for s, h in old.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)


# ----- the executors ------------------------------------------------------------------------------
class _Executor:
    def __enter__(self):
        return self

    def __exit__(self, etype, exc, tb):
        if etype is None:
            self.close()
        else:
            self.cancel()
        return False

    def submit(self, fn, job) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def completed(self):  # pragma: no cover - interface
        raise NotImplementedError

    def cancel(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        self.cancel()


class InlineExecutor(_Executor):
    """Jobs one after another in this process (``workers == 1``)."""

    def __init__(self):
        self._pending: deque = deque()

    def submit(self, fn, job) -> None:
        self._pending.append((fn, job))

    def completed(self):
        while self._pending:
            fn, job = self._pending.popleft()
            try:
                value = fn(job)
            except Exception as exc:
                yield Done(job, error=one_line(exc))
                continue
            yield Done(job, value)

    def cancel(self) -> None:
        self._pending.clear()


# --- local worker processes: the worker side
_WORKER = {"folder": None}
_EXIT_HOOKS: list = []
_EXITING = threading.Lock()


def on_worker_exit(fn):
    """Call ``fn()`` when this worker process ends normally (e.g. to shut warm kernels down).

    Outside a worker process (the inline executor), at interpreter exit. A worker that is
    stopped or killed skips it: its children (kernels) are killed anyway.
    """
    _EXIT_HOOKS.append(fn)
    return fn


def _run_exit_hooks() -> None:
    while _EXIT_HOOKS:
        fn = _EXIT_HOOKS.pop()
        with contextlib.suppress(Exception):
            fn()


atexit.register(_run_exit_hooks)  # workers end with os._exit and run them themselves


def _kill_children() -> None:
    import psutil

    kids = psutil.Process().children(recursive=True)
    for p in kids:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(kids, timeout=5)


def _worker_exit(code: int, hooks: bool = False) -> None:
    """End this worker: (hooks,) kill its children (kernels, Chromium), remove its folder, exit."""
    if not _EXITING.acquire(blocking=False):  # another thread is already ending this process
        while True:
            time.sleep(60)
    if hooks:
        _run_exit_hooks()
    with contextlib.suppress(Exception):
        _kill_children()
    shutil.rmtree(_WORKER["folder"], ignore_errors=True)
    os._exit(code)


def _watch(fd: int, parent: int) -> None:
    """End the worker when the calling process goes: its end of the lifeline closes (or our parent changes)."""
    while True:
        try:
            ready, _, _ = select.select([fd], [], [], 1.0)
        except InterruptedError:
            continue
        if ready or os.getppid() != parent:
            break
    _worker_exit(0)


def worker_main(conn_fd: str, life_fd: str, folder: str) -> None:
    """The loop of a local worker process (started by :class:`LocalExecutor`; not for direct use)."""
    from multiprocessing.connection import Connection

    _WORKER["folder"] = folder
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: _worker_exit(128 + signum))
    runtime = Path(folder) / "runtime"
    runtime.mkdir(exist_ok=True)
    os.environ.update({"TMPDIR": folder, "JUPYTER_RUNTIME_DIR": str(runtime), WORKER_ENV: folder})
    tempfile.tempdir = folder
    threading.Thread(target=_watch, args=(int(life_fd), os.getppid()), daemon=True, name="spinelib-lifeline").start()
    conn = Connection(int(conn_fd))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            _worker_exit(0)
        except Exception as exc:  # a job that cannot be unpickled here
            conn.send(("error", f"the job could not be read by the worker: {one_line(exc)}"))
            continue
        if msg is None:
            break
        fn, job = msg
        try:
            reply = ("ok", fn(job))
        except Exception as exc:
            reply = ("error", one_line(exc))
        try:
            conn.send(reply)
        except (EOFError, OSError):
            _worker_exit(0)
        except Exception as exc:  # a value that cannot be pickled
            conn.send(("error", f"the result could not be sent back: {one_line(exc)}"))
    _worker_exit(0, hooks=True)


# --- local worker processes: the calling side
_BOOT = ("import sys, json; sys.path[:0] = [p for p in json.loads(sys.argv[1]) if p not in sys.path]; "
         "from spinelib.executor import worker_main; worker_main(*sys.argv[2:])")


class _Worker:
    __slots__ = ("proc", "conn", "life", "folder", "job")

    def __init__(self, proc, conn, life, folder):
        self.proc, self.conn, self.life, self.folder, self.job = proc, conn, life, folder, None


def _how_it_ended(code: int | None) -> str:
    if code is None:
        return "no exit status"
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    return f"exit status {code}"


def _kill_marked(folders: set) -> None:
    """Kill every process (but this one) whose environment says it was started by one of these workers."""
    import psutil

    if not folders:
        return
    me, victims = os.getpid(), []
    for p in psutil.process_iter():
        if p.pid == me:
            continue
        try:
            if p.environ().get(WORKER_ENV) in folders:
                victims.append(p)
        except (psutil.Error, OSError):
            continue
    for p in victims:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(victims, timeout=5)


class LocalExecutor(_Executor):
    """Up to ``workers`` local worker processes, started as jobs arrive (see the module's notes)."""

    def __init__(self, workers: int):
        self.workers = max(1, int(workers))
        self._pending: deque = deque()
        self._pool: list[_Worker] = []
        self._early: list[Done] = []

    # workers
    def _start(self) -> _Worker:
        from multiprocessing.connection import Connection

        folder = tempfile.mkdtemp(prefix="spinelib-worker-")
        mine, theirs = socket.socketpair()
        life_r, life_w = os.pipe()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-c", _BOOT, json.dumps([str(p) for p in sys.path]), str(theirs.fileno()),
                 str(life_r), folder],
                pass_fds=(theirs.fileno(), life_r), stdin=subprocess.DEVNULL, env={**os.environ, WORKER_ENV: folder})
        except BaseException:
            mine.close()
            os.close(life_w)
            shutil.rmtree(folder, ignore_errors=True)
            raise
        finally:
            theirs.close()
            os.close(life_r)
        w = _Worker(proc, Connection(mine.detach()), life_w, folder)
        self._pool.append(w)
        return w

    def _bury(self, workers: list[_Worker], *, grace: float) -> None:
        """Wait up to ``grace`` s for the workers to end (then kill them); kill what they left; remove their folders."""
        deadline = time.monotonic() + grace
        for w in workers:
            try:
                w.proc.wait(timeout=max(0.05, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                w.proc.kill()
                w.proc.wait()
        for w in workers:
            w.conn.close()
            with contextlib.suppress(OSError):
                os.close(w.life)
            if w in self._pool:
                self._pool.remove(w)
        _kill_marked({w.folder for w in workers})
        for w in workers:
            shutil.rmtree(w.folder, ignore_errors=True)

    def _lost(self, w: _Worker) -> str:
        """A worker whose connection broke: bury it; say how it ended."""
        try:
            w.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        code = w.proc.poll()
        self._bury([w], grace=0)
        return f"the worker process died ({_how_it_ended(code)}) while running it"

    def _dispatch(self) -> None:
        while self._pending:
            w = next((w for w in self._pool if w.job is None), None)
            if w is None:
                if len(self._pool) >= self.workers:
                    return
                w = self._start()
            fn, job = self._pending.popleft()
            try:
                w.conn.send((fn, job))
            except (EOFError, OSError):
                self._early.append(Done(job, error=self._lost(w)))
                continue
            w.job = job

    # the interface
    def submit(self, fn, job) -> None:
        self._pending.append((fn, job))

    def completed(self):
        from multiprocessing.connection import wait

        while True:
            self._dispatch()
            while self._early:
                yield self._early.pop(0)
            busy = {w.conn: w for w in self._pool if w.job is not None}
            if not busy:
                if not self._pending:
                    return
                continue
            for conn in wait(list(busy)):
                w = busy[conn]
                job = w.job
                try:
                    kind, payload = conn.recv()
                except (EOFError, OSError):
                    yield Done(job, error=self._lost(w))
                    continue
                except Exception as exc:
                    w.job = None
                    yield Done(job, error=f"the result could not be read: {one_line(exc)}")
                    continue
                w.job = None
                yield Done(job, payload) if kind == "ok" else Done(job, error=payload)

    def cancel(self) -> None:
        """Drop the jobs not started; stop every worker now (SIGTERM and the lifeline: they kill their kernels)."""
        self._pending.clear()
        pool = list(self._pool)
        for w in pool:
            with contextlib.suppress(OSError):
                os.close(w.life)
            w.life = -1
            with contextlib.suppress(OSError):
                w.proc.send_signal(signal.SIGTERM)
        self._bury(pool, grace=5)

    def close(self) -> None:
        """Let the idle workers end on their own (they run their exit hooks), then bury them."""
        self._pending.clear()
        pool = list(self._pool)
        for w in pool:
            if w.job is None:
                with contextlib.suppress(OSError, EOFError):
                    w.conn.send(None)
            else:
                with contextlib.suppress(OSError):
                    w.proc.send_signal(signal.SIGTERM)
        self._bury(pool, grace=30)


class DaskExecutor(_Executor):
    """Jobs on the Dask cluster whose scheduler is at ``address`` (see the module's notes)."""

    def __init__(self, address):
        self._own = True
        if type(address).__name__ == "Client" and hasattr(address, "submit"):  # a distributed.Client given in Python
            self.client, self._own, self._futures = address, False, {}
            return
        allowed = "the address of a running Dask scheduler, e.g. tcp://127.0.0.1:8786"
        try:
            from distributed import Client
            from distributed.comm.addressing import parse_address, parse_host_port
        except ImportError:
            raise InputError("--scheduler", allowed + " (needs the distributed package)", address) from None
        try:
            scheme, where = parse_address(address)
            if scheme not in ("tcp", "tls", "ws", "wss"):
                raise ValueError(scheme)
            # probe first: a Client that failed to connect lingers and stalls the exit by 20 s
            socket.create_connection(parse_host_port(where), timeout=10).close()
            self.client = Client(address, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError, ValueError, TypeError):
            raise InputError("--scheduler", allowed, address) from None
        self._futures: dict = {}

    def submit(self, fn, job) -> None:
        fut = self.client.submit(fn, job, pure=False)
        self._futures[fut.key] = (fut, job)

    @staticmethod
    def _error(exc: BaseException) -> str:
        if type(exc).__name__ == "KilledWorker":
            return "the Dask workers that ran it died (KilledWorker)"
        return one_line(exc)

    def completed(self):
        from distributed import as_completed

        for fut in as_completed([f for f, _ in self._futures.values()], loop=self.client.loop):
            entry = self._futures.pop(fut.key, None)
            if entry is None or fut.status == "cancelled":
                continue
            job = entry[1]
            try:
                value = fut.result()
            except Exception as exc:
                yield Done(job, error=self._error(exc))
                continue
            finally:
                fut.release()
            yield Done(job, value)

    def cancel(self) -> None:
        futures = [f for f, _ in self._futures.values()]
        self._futures.clear()
        with contextlib.suppress(Exception):
            if futures:
                self.client.cancel(futures, force=True)
        if self._own:  # a Client the caller gave stays open: it is theirs
            self.client.close()

    def close(self) -> None:
        self.cancel()


def open_executor(workers: int = 2, scheduler: str | None = None) -> _Executor:
    """The executor for a batch: the Dask cluster at ``scheduler``, else ``workers`` local processes (1: this one).

    ``scheduler`` is an address (``tcp://host:8786``) or a ``distributed.Client`` already
    connected (used as it is, and left open afterwards).

    Use it as a context manager: ``submit(fn, job)``, then iterate ``completed()``; ``cancel()``
    stops everything. Connecting to ``scheduler`` happens here, so a bad address is a one-line
    :class:`~spinelib.errors.InputError` before any job starts.
    """
    if scheduler:
        return DaskExecutor(scheduler)
    if workers <= 1:
        return InlineExecutor()
    return LocalExecutor(workers)
