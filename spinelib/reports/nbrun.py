"""Run a notebook headless, top to bottom, in a fresh kernel (for reports, teachers, tests and benchmarks).

Kernels talk over local (ipc) sockets with unique names (:func:`ipc_kernel_manager_class`),
so parallel runs never race for TCP ports. Every kernel started inside :func:`kernel_scope` is
killed when the block ends if it is still running (an interruption, a dead client), and its
connection and socket files are removed, so no kernel or file outlives a run. nbformat,
nbclient and jupyter_client load on first use (nbformat alone takes seconds to import), so
``import spinelib`` stays fast; :class:`PollingClient` is built on first access for the same reason.

>>> from spinelib.reports.nbrun import PollingClient
>>> PollingClient.__name__
'PollingClient'
"""
from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from queue import Empty

__all__ = ["PollingClient", "polling_client_class", "execute_notebook", "ipc_kernel_manager_class", "drop_ipc_dir",
           "kernel_scope", "quiet_papermill"]

# the kernel managers started inside the current kernel_scope (a context variable, so it follows
# the run into the event loop jupyter_client may run in another thread)
_STARTED: contextvars.ContextVar[list | None] = contextvars.ContextVar("spinelib_kernels", default=None)
_SCOPES = {"open": 0}  # kernel scopes open in this process (threads of a Dask worker share the socket folder)
_SCOPES_LOCK = threading.RLock()


# papermill's and nbclient's own log lines are dropped while a report runs: its failure is reported as one line
_QUIET = contextvars.ContextVar("spinelib_quiet_papermill", default=False)


class _QuietWhileRunning(logging.Filter):
    def filter(self, record):
        return not _QUIET.get()


logging.getLogger("papermill").addFilter(_QuietWhileRunning())


@contextlib.contextmanager
def quiet_papermill():
    """Inside the block, papermill logs nothing (the caller reports a failure itself, in one line)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


@functools.lru_cache(maxsize=1)
def _ipc_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="spinelib-kernels-"))


def drop_ipc_dir() -> None:
    """Remove this process's socket folder once its kernel has gone (jupyter_client removed the sockets)."""
    if _ipc_dir.cache_info().currsize:
        try:
            _ipc_dir().rmdir()
        except OSError:
            pass
        _ipc_dir.cache_clear()


@functools.lru_cache(maxsize=1)
def ipc_kernel_manager_class():
    """A kernel manager that talks to its kernel over local (ipc) sockets with unique names.

    With TCP, jupyter_client picks free ports and the kernel binds them a moment later; when
    several kernels start at once (a batch, a busy CI machine) another process can take a port
    in between and the kernel dies ("Address already in use"). Unix sockets have no such race.
    On Linux they live in the abstract namespace (``@spinelib-k-...``): no file to remove, none
    left behind by a killed process, and no limit from a long TMPDIR (socket paths are capped
    at 107 bytes); elsewhere in a folder of this process's own (:func:`drop_ipc_dir`).
    """
    from jupyter_client import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            name = f"k-{uuid.uuid4().hex[:12]}"
            if sys.platform.startswith("linux"):  # abstract sockets: no file, no folder, no path-length limit
                return f"@spinelib-{name}"
            with _SCOPES_LOCK:
                return str(_ipc_dir() / name)

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            started = _STARTED.get()
            if started is not None:
                started.append(self)
            await super()._async_launch_kernel(kernel_cmd, **kw)

    return IPCKernelManager


def _reap(km) -> None:
    """Kill a kernel that is still running and remove its connection and socket files."""
    proc = getattr(getattr(km, "provisioner", None), "process", None)
    if proc is not None and proc.poll() is None:
        proc.kill()
        with contextlib.suppress(Exception):
            proc.wait(timeout=10)
    with contextlib.suppress(Exception):
        km.cleanup_connection_file()
    with contextlib.suppress(Exception):
        km.cleanup_ipc_files()


@contextlib.contextmanager
def kernel_scope():
    """Kernels started (through :func:`ipc_kernel_manager_class`) inside the block do not outlive it.

    However the block ends (a finished run, an error, Ctrl-C, a dead kernel), a kernel still
    running is killed and its connection and socket files removed; then this process's socket
    folder is dropped.
    """
    started: list = []
    token = _STARTED.set(started)
    with _SCOPES_LOCK:
        _SCOPES["open"] += 1
    try:
        yield started
    finally:
        _STARTED.reset(token)
        for km in started:
            _reap(km)
        with _SCOPES_LOCK:
            _SCOPES["open"] -= 1
            if not _SCOPES["open"]:
                drop_ipc_dir()


def _polling(wait):
    """``wait`` (a channel's ``get_msg``) made to poll in 0.25 s slices up to the same overall deadline."""

    async def get_msg(timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            step = 0.25 if deadline is None else max(0.0, min(0.25, deadline - time.monotonic()))
            try:
                return await wait(timeout=step)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return get_msg


@functools.lru_cache(maxsize=1)
def polling_client_class():
    """The :class:`PollingClient` class (an ``nbclient.NotebookClient``), built once on first use."""
    from nbclient import NotebookClient
    from traitlets import default

    class PollingClient(NotebookClient):
        """NotebookClient that waits for each cell's reply in short polls.

        With ipywidgets traffic, one long wait on the shell channel sometimes misses the reply
        and the run stalls for the whole cell timeout (jupyter/nbclient#312). Polling in 0.25 s
        slices with the same overall deadline avoids the stall. Kernels talk over local sockets
        (:func:`ipc_kernel_manager_class`), so parallel runs never race for TCP ports.
        """

        @default("kernel_manager_class")
        def _ipc_kernel_manager(self):
            return ipc_kernel_manager_class()

        async def async_start_new_kernel_client(self):
            kc = await super().async_start_new_kernel_client()
            kc.shell_channel.get_msg = _polling(kc.shell_channel.get_msg)
            return kc

    PollingClient.__module__ = __name__
    PollingClient.__qualname__ = "PollingClient"
    return PollingClient


def __getattr__(name):
    if name == "PollingClient":
        return polling_client_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def execute_notebook(nb, cwd=None, timeout: float = 300, allow_errors: bool = False):
    """Execute a notebook (a path or a NotebookNode) in a fresh python3 kernel; return the node.

    ``cwd`` is the kernel's working directory (a new empty temporary folder by default, so a
    relative data path cannot work by accident). The notebook file itself is never written.
    """
    import nbformat

    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.read(Path(nb), as_version=4)
    with kernel_scope(), tempfile.TemporaryDirectory(prefix="spinelib-nb-") as tmp:
        # outputs that arrive after a cell's reply are waited for as long as the cell itself, and a
        # wait that runs out is an error rather than a silently shortened notebook
        polling_client_class()(nb, kernel_name="python3", timeout=timeout, allow_errors=allow_errors,
                               iopub_timeout=timeout, raise_on_iopub_timeout=True,
                               resources={"metadata": {"path": str(cwd or tmp)}}).execute()
    return nb
