"""Warm kernels: one kernel for many reports, a clean namespace for each, the same pages as a cold run.

The cold pages come from the shared fixtures (``plan``, ``comparison``: :func:`spinelib.reports.run_report`
in a kernel of their own). Small notebooks written here pollute a kernel, probe it, kill it or hang it.
"""
from __future__ import annotations

import json
import os
import re
import signal
from pathlib import Path

import nbformat
import pytest

from spinelib.reports import ReportError
from spinelib.reports.runner import execute_template
from spinelib.reports.warm import ReportSession, WarmKernel

from .conftest import ANA, TINY

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                                    reason="no /usr/bin/chromium (CI never skips: it installs chromium)")
CMP = {"scenario_a": "gentle_daily", "scenario_b": "weekend_warrior", "people": 1000, "weeks": 12, "seed": 5}
STAMP = re.compile(r'<meta name="spinelib-stamp" content="[0-9a-f]+">\n')

# what report 1 leaves behind in its kernel
POLLUTE = '''\
import json as js, os, sys, random, builtins, warnings
import numpy as np, pandas as pd, matplotlib, matplotlib.pyplot as plt
secret = 42
def helper():
    return secret
matplotlib.rcParams["lines.linewidth"] = 9
matplotlib.rcParams["figure.dpi"] = 33
plt.figure()  # left open
np.random.seed(0)
random.seed(0)
os.environ["SPINELIB_LEAK"] = "1"
os.chdir(leak_dir)
sys.path.append("/leak")
builtins.leak = 1
pd.set_option("display.max_rows", 3)
np.set_printoptions(precision=2)
plt.switch_backend("agg")
warnings.simplefilter("error")
'''
# what report 2 looks at
PROBE = '''\
import json, os, sys, random, builtins, warnings
import numpy as np, pandas as pd, matplotlib, matplotlib.pyplot as plt
seen = {}
for name in ("secret", "helper", "js"):
    try:
        eval(name)
        seen[name] = "visible"
    except NameError:
        seen[name] = "NameError"
seen["linewidth"] = matplotlib.rcParams["lines.linewidth"]
seen["dpi"] = matplotlib.rcParams["figure.dpi"]
seen["backend"] = matplotlib.get_backend()
seen["open_figures"] = len(plt.get_fignums())
seen["np_random"] = float(np.random.random())
seen["random"] = random.random()
seen["env"] = os.environ.get("SPINELIB_LEAK")
seen["cwd"] = os.getcwd()
seen["path"] = "/leak" in sys.path
seen["builtin"] = hasattr(builtins, "leak")
seen["max_rows"] = pd.get_option("display.max_rows")
seen["precision"] = np.get_printoptions()["precision"]
seen["warnings_error"] = any(f[0] == "error" for f in warnings.filters)
print(json.dumps(seen))
'''
FIGURE = "fig, ax = plt.subplots(figsize=(2, 1))\nax.plot([1, 2])\nplt.show()"
SEEDED = {"np_random": 0.5488135039273248, "random": 0.8444218515250481}  # the first draws after seed(0)
HAZARD = '''\
import os, signal, time
if die:
    os.kill(os.getpid(), signal.SIGKILL)
if hang:
    time.sleep(3600)
print(json.dumps({"value": value, "pid": os.getpid()}))
'''


def _notebook(path: Path, params: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, path)
    return path


def _stdout(nb) -> dict:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                return json.loads(out["text"])
    raise AssertionError("no stdout in the notebook")


def _cold_page(result) -> str:
    return STAMP.sub("", result.html.read_text(encoding="utf-8"))


def _gone(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture(scope="module")
def probes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warm-templates")
    (folder / "elsewhere").mkdir()
    return {"pollute": _notebook(folder / "pollute.ipynb", 'leak_dir = ""', POLLUTE),
            "probe": _notebook(folder / "probe.ipynb", "step = 0", PROBE, "import matplotlib.pyplot as plt", FIGURE),
            "hazard": _notebook(folder / "hazard.ipynb", "die = False\nhang = False\nvalue = 0", "import json", HAZARD),
            "elsewhere": str(folder / "elsewhere")}


def test_next_report_sees_nothing_of_the_last(probes):
    "clean namespace: variables, imports, rcParams, open figures, seeds, options, cwd, env, path, builtins do not leak"
    cold = _stdout(execute_template(probes["probe"], {"step": 1}))
    with ReportSession() as session:
        session.execute(probes["pollute"], {"leak_dir": probes["elsewhere"]})
        pid = session.kernel.pid
        nb = session.execute(probes["probe"], {"step": 2})
        assert session.kernel.pid == pid and session.kernel.starts == 1  # the same kernel: reset, not restarted
    warm = _stdout(nb)
    assert warm["secret"] == warm["helper"] == warm["js"] == "NameError"
    for key, value in SEEDED.items():  # reseeded like a new kernel, not left at seed(0)
        assert warm.pop(key) != value and cold.pop(key) != value
    assert warm == cold
    assert any("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))  # inline backend back
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells[0].execution_count == 1  # counts restart with each report


def test_warm_pages_are_the_cold_pages(plan, comparison, probes, pdf_text):
    "byte-identical: both templates on one warm kernel (after a polluting report) give run_report's pages"
    with ReportSession() as session:
        session.execute(probes["pollute"], {"leak_dir": probes["elsewhere"]})
        cmp = session.render("scenario-comparison", CMP)
        session.execute(probes["pollute"], {"leak_dir": probes["elsewhere"]})
        ana = session.render("personal-plan", ANA, pdf=CHROMIUM.exists())
        assert session.kernel.starts == 1
    assert cmp.page == _cold_page(comparison)
    assert ana.page == _cold_page(plan)
    assert set(ana.seconds) == {"validate", "start", "reset", "execute", "export", "pdf", "total"}
    if CHROMIUM.exists():
        from io import BytesIO

        from pypdf import PdfReader

        warm = PdfReader(BytesIO(ana.pdf))
        assert (len(warm.pages), "\n".join(p.extract_text() or "" for p in warm.pages)) == pdf_text(plan.pdf)


def test_dead_hung_or_interrupted_kernel_is_replaced(probes, monkeypatch):
    "lifecycle: a kernel that dies, is killed, hangs or is interrupted is replaced; its row fails with one line"
    hazard = probes["hazard"]
    kernel = WarmKernel(imports=())
    with kernel:
        first = _stdout(kernel.execute(hazard, {"value": 1}))
        assert first["pid"] == kernel.pid

        with pytest.raises(ReportError) as died:  # the report kills its own kernel
            kernel.execute(hazard, {"die": True})
        assert "kernel died" in str(died.value) and "\n" not in str(died.value) and kernel.pid is None
        second = _stdout(kernel.execute(hazard, {"value": 2}))
        assert second["pid"] not in (first["pid"], None) and kernel.starts == 2

        os.kill(second["pid"], signal.SIGKILL)  # killed between two reports: replaced, the next row does not fail
        third = _stdout(kernel.execute(hazard, {"value": 3}))
        assert third["value"] == 3 and third["pid"] != second["pid"] and kernel.starts == 3

        with pytest.raises(ReportError, match=r"did not finish within 10 s") as hung:
            kernel.execute(hazard, {"hang": True}, timeout=10)
        assert "\n" not in str(hung.value) and kernel.pid is None and _gone(third["pid"])
        fourth = _stdout(kernel.execute(hazard, {"value": 4}))

        import papermill

        def interrupt(*a, **k):
            raise KeyboardInterrupt

        monkeypatch.setattr(papermill, "execute_notebook", interrupt)
        with pytest.raises(KeyboardInterrupt):
            kernel.execute(hazard, {"value": 5})
        assert kernel.pid is None and _gone(fourth["pid"])
        monkeypatch.undo()
        last = _stdout(kernel.execute(hazard, {"value": 6}))
    assert kernel.pid is None and _gone(last["pid"])  # leaving the block stops the kernel


def test_failing_cell_same_line_as_cold_and_max_reports():
    "errors: a failing cell gives the cold run's one line; a kernel is replaced after max_reports reports"
    with pytest.raises(ReportError) as cold:
        execute_template(TINY, {"fail": True})
    with WarmKernel(max_reports=2, imports=()) as kernel:
        with pytest.raises(ReportError) as warm:
            kernel.execute(TINY, {"fail": True})
        assert str(warm.value) == str(cold.value) and kernel.pid is None
        for n in range(3):
            kernel.execute(TINY, {"count": n + 1})
        assert kernel.starts == 3  # one after the failure, one more after two reports


def test_no_kernel_or_socket_outlives_the_session(probes):
    "cleanup: closing the session (also on an exception) stops its kernel, removes its connection file and sockets"
    with pytest.raises(ValueError):
        with ReportSession() as session:
            nb = session.execute(probes["hazard"], {"value": 7})
            km = session.kernel.km
            files = [Path(km.connection_file)] + ([Path(km.ip)] if os.path.isabs(km.ip) else [])
            assert files[0].exists()
            raise ValueError("the worker fails")
    assert _gone(_stdout(nb)["pid"])
    assert [f for f in files if f.exists() or any(f.parent.glob(f.name + "-*"))] == []
