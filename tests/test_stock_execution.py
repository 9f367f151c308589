"""Every notebook runs under the stock tools, with a short cell timeout and no polling workaround:
``nbclient.NotebookClient`` as it comes (papermill, ``jupyter nbconvert --execute``, nbmake and
Jupyter Book run notebooks through it), several times each, and papermill's ``execute_notebook``.

Why notebooks used to stall there (jupyter/nbclient#312): nbclient mimics a front end for
``Output`` widgets; for every output captured by a ``with out:`` block during a cell it sends
the widget's new state back to the kernel on the shell channel, while it waits on that same
channel for the cell's reply. jupyter_client sends through a plain (shadow) socket, and that
send can swallow the asyncio wake-up of a reply that has just arrived; the client then sleeps
until the cell timeout runs out and only then reads the reply. The widgets now set their
render as widget state instead (:mod:`spinelib.ui.base`), so the client never writes to the
shell channel during a cell.

The check does not depend on timing: every message the client sends to the kernel is recorded
(jupyter_client's channel ``send``), and a run passes when the client sent nothing but its
execute requests (one per code cell) and its kernel-info request: no ``comm_msg``, the message
that stalls. A hang would still fail the run (the short timeout ends the cell with an error).
Kernels use local sockets (:func:`spinelib.reports.nbrun.ipc_kernel_manager_class`), so parallel
runs never race for TCP ports; the client logic is stock.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from jupyter_client.channels import ZMQSocketChannel
from nbclient import NotebookClient

from spinelib.reports.nbrun import drop_ipc_dir, ipc_kernel_manager_class

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
RUNS = 3            # stock NotebookClient runs per notebook, each in a fresh kernel
CELL_TIMEOUT = 60   # seconds a cell may take: a hang fails quickly; a stall is found by what the client sent, not by time
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# what a client may send to the kernel while running a notebook
EXPECTED = {"execute_request", "kernel_info_request"}


@pytest.fixture()
def client_sends(monkeypatch):
    """Every message type a kernel client sends on a channel (shell, control, stdin) during the test."""
    sent: list[str] = []
    real = ZMQSocketChannel.send

    def send(self, msg):
        sent.append(msg["header"]["msg_type"])
        return real(self, msg)

    monkeypatch.setattr(ZMQSocketChannel, "send", send)  # AsyncZMQSocketChannel inherits it
    return sent


def _code_cells(nb) -> int:
    return sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())


def _widget_texts(nb) -> list[str]:
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    texts = []
    for model in state.values():
        if model.get("model_name") == "OutputModel":
            texts.append("\n".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                                   for o in model["state"].get("outputs", [])))
    return texts


def _uses_widgets(nb) -> bool:
    """Whether a notebook makes any spinelib widget (a call into ``spinelib.ui`` / ``ui.``)."""
    return any(c.cell_type == "code" and ("ui." in c.source or "spinelib.ui" in c.source) for c in nb.cells)


def _check_run(nb, sent: list[str], what: str) -> None:
    """One finished run: the client sent only execute and kernel-info requests, one execute per code cell;
    no cell shows an error; every widget that drew ends with its text marker, not an error."""
    unexpected = sorted(set(sent) - EXPECTED)
    assert not unexpected, (f"{what}: the client sent {unexpected} to the kernel while running cells (a widget "
                            "captured output with `with out:`; stock nbclient can then stall for the cell timeout)")
    assert sent.count("execute_request") == _code_cells(nb), f"{what}: {sent.count('execute_request')} execute requests"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            assert not errors, f"{what}: cell {i} raised {errors[0].get('ename')}"
    last_lines = [t.rstrip().splitlines()[-1] for t in _widget_texts(nb) if t.strip()]
    if not _uses_widgets(nb):  # a notebook of static figures (08): nothing to draw, nothing drawn
        assert not last_lines, f"{what}: widgets drew in a notebook that makes none"
        return
    assert last_lines, f"{what}: no widget drew anything"
    for line in last_lines:
        marker, _, _ = line.partition(": ")
        assert marker and marker != "error" and " " not in marker, f"{what}: a widget ends with {line!r}"


def _stock_client(nb, cwd: Path) -> NotebookClient:
    return NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT,
                          kernel_manager_class=ipc_kernel_manager_class(),
                          resources={"metadata": {"path": str(cwd)}})


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_under_stock_nbclient(path, tmp_path, client_sends):
    """notebook: three runs with stock nbclient.NotebookClient and a short cell timeout, each in a fresh
    kernel: no error, and the client never writes to the kernel mid-cell (the pattern that stalls)."""
    try:
        for run in range(RUNS):
            client_sends.clear()
            nb = nbformat.read(path, as_version=4)
            _stock_client(nb, tmp_path).execute()
            _check_run(nb, client_sends, f"{path.stem} run {run + 1}")
    finally:
        drop_ipc_dir()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_runs_under_papermill(path, tmp_path, client_sends):
    """notebook: papermill.execute_notebook with a short cell timeout: no error, no mid-cell writes."""
    import papermill

    out = tmp_path / path.name
    try:
        papermill.execute_notebook(str(path), str(out), kernel_name="python3", execution_timeout=CELL_TIMEOUT,
                                   progress_bar=False, cwd=str(tmp_path), request_save_on_cell_execute=False,
                                   kernel_manager_class=ipc_kernel_manager_class())
    finally:
        drop_ipc_dir()
    nb = nbformat.read(out, as_version=4)
    _check_run(nb, client_sends, f"{path.stem} papermill")
    assert nb.metadata["papermill"]["exception"] in (None, False)


def test_the_check_sees_an_output_capture(tmp_path, client_sends):
    """the check itself: a widget that prints inside `with out:` during a cell makes stock nbclient send
    comm_msg to the kernel mid-cell (its Output mimic syncing state), and the check reports it."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import ipywidgets as w\nout = w.Output()\nout"),
        nbformat.v4.new_code_cell("with out:\n    print('captured')"),
    ])
    try:
        _stock_client(nb, tmp_path).execute()
    finally:
        drop_ipc_dir()
    assert "comm_msg" in client_sends
    with pytest.raises(AssertionError, match="comm_msg"):
        _check_run(nb, client_sends, "capture")
