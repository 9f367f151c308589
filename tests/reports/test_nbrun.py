"""Running notebooks headless: the polling client (jupyter/nbclient#312) and execute_notebook.

The polling client exists for ipywidgets traffic, so it is tested on a notebook that drives
widgets. (The workbook's own widget notebooks run through it in tests/ui, ``kernel_run``.)
"""
from __future__ import annotations

import nbclient
import nbformat

from spinelib.reports import nbrun
from spinelib.reports.nbrun import PollingClient, execute_notebook


def test_execute_notebook_in_a_fresh_folder(tmp_path):
    "execute_notebook: runs in a new empty folder by default (or in cwd) and never writes the notebook file"
    path = tmp_path / "nb.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os\nprint(sorted(os.listdir('.')))")])
    nbformat.write(nb, path)
    before = path.read_text()
    out = execute_notebook(path, timeout=120)
    assert out.cells[0].outputs[0]["text"].strip() == "[]"
    assert path.read_text() == before
    out = execute_notebook(nb, cwd=tmp_path, timeout=120)
    assert out.cells[0].outputs[0]["text"].strip() == "['nb.ipynb']"
    assert nbrun.ipc_kernel_manager_class().__name__ == "IPCKernelManager"
    assert issubclass(PollingClient, nbclient.NotebookClient)


def test_polling_client_with_widget_traffic(tmp_path):
    "PollingClient: widget messages do not stall the run; prints, Output widgets and widget state all come back"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import ipywidgets as w\nslider = w.IntSlider(value=3)\nout = w.Output()\n"
                                  "display(slider, out)"),
        nbformat.v4.new_code_cell("for i in range(30):\n    slider.value = i\nwith out:\n    print('inside', slider.value)\n"
                                  "print('done', slider.value)"),
    ])
    client = PollingClient(nb, kernel_name="python3", timeout=60, resources={"metadata": {"path": str(tmp_path)}})
    assert client.kernel_manager_class is nbrun.ipc_kernel_manager_class()
    client.execute()
    assert nb.cells[1].outputs[-1]["text"].strip() == "done 29"
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    models = {m["model_name"]: m["state"] for m in state.values()}
    assert models["IntSliderModel"]["value"] == 29
    assert models["OutputModel"]["outputs"][0]["text"] == "inside 29\n"
