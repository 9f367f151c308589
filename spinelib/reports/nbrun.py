"""Run a notebook headless, top to bottom, in a fresh kernel (for reports, teachers, tests and benchmarks).

Kernels talk over local (ipc) sockets with unique paths (:func:`ipc_kernel_manager_class`),
so parallel runs never race for TCP ports. nbformat, nbclient and jupyter_client load on first
use (nbformat alone takes seconds to import), so ``import spinelib`` stays fast;
:class:`PollingClient` is built on first access for the same reason.

>>> from spinelib.reports.nbrun import PollingClient
>>> PollingClient.__name__
'PollingClient'
"""
from __future__ import annotations

import functools
import tempfile
import time
import uuid
from pathlib import Path
from queue import Empty

__all__ = ["PollingClient", "polling_client_class", "execute_notebook", "ipc_kernel_manager_class", "drop_ipc_dir"]


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
    """A kernel manager that talks to its kernel over local (ipc) sockets with unique paths.

    With TCP, jupyter_client picks free ports and the kernel binds them a moment later; when
    several kernels start at once (a batch, a busy CI machine) another process can take a port
    in between and the kernel dies ("Address already in use"). Unix sockets have no such race.
    """
    from jupyter_client import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self):
            return "ipc"

        @default("ip")
        def _default_ip(self):
            return str(_ipc_dir() / f"k-{uuid.uuid4().hex[:12]}")

    return IPCKernelManager


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
    try:
        with tempfile.TemporaryDirectory(prefix="spinelib-nb-") as tmp:
            polling_client_class()(nb, kernel_name="python3", timeout=timeout, allow_errors=allow_errors,
                                   resources={"metadata": {"path": str(cwd or tmp)}}).execute()
    finally:
        drop_ipc_dir()
    return nb
