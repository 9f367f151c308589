"""Run a notebook headless, top to bottom, in a fresh kernel (for teachers, tests and benchmarks).

>>> from spinelib.nbrun import PollingClient
>>> PollingClient.__name__
'PollingClient'
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from queue import Empty

import nbformat
from nbclient import NotebookClient

__all__ = ["PollingClient", "execute_notebook"]


class PollingClient(NotebookClient):
    """NotebookClient that waits for each cell's reply in short polls.

    With ipywidgets traffic, one long wait on the shell channel sometimes misses the reply
    and the run stalls for the whole cell timeout (jupyter/nbclient#312). Polling in 0.25 s
    slices with the same overall deadline avoids the stall.
    """

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        wait = kc.shell_channel.get_msg

        async def get_msg(timeout=None):
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                step = 0.25 if deadline is None else max(0.0, min(0.25, deadline - time.monotonic()))
                try:
                    return await wait(timeout=step)
                except Empty:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise

        kc.shell_channel.get_msg = get_msg
        return kc


def execute_notebook(nb, cwd=None, timeout: float = 300, allow_errors: bool = False):
    """Execute a notebook (a path or a NotebookNode) in a fresh python3 kernel; return the node.

    ``cwd`` is the kernel's working directory (a new empty temporary folder by default, so a
    relative data path cannot work by accident). The notebook file itself is never written.
    """
    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.read(Path(nb), as_version=4)
    with tempfile.TemporaryDirectory(prefix="spinelib-nb-") as tmp:
        PollingClient(nb, kernel_name="python3", timeout=timeout, allow_errors=allow_errors,
                      resources={"metadata": {"path": str(cwd or tmp)}}).execute()
    return nb
