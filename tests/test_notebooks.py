"""Every notebook in notebooks/: committed clean, structured, and executing top to bottom.

Each notebook runs in its own fresh python3 kernel through nbclient, with the working
directory set to an empty temporary folder, so a relative data path cannot work by accident.
"""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import nbformat
import pytest

from spinelib.reports.nbrun import drop_ipc_dir, polling_client_class
from spinelib.checks import EXERCISES
from spinelib.classroom import answer_key, is_solution

ROOT = Path(__file__).resolve().parent.parent
NB_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NB_DIR.glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]
MINE = ("00_start_here", "01_micro_strength", "02_calm_first", "03_transitions", "07_trust_the_model")
# notebooks without registered "Try it" exercises that must still be there
COMPANION = ("08_experiments_with_the_model", "09_track_your_practice")
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture(autouse=True)
def session_folder(tmp_path_factory, monkeypatch):
    """Kernels keep the safety screen's session answers in a fresh folder, never in the user's data folder."""
    monkeypatch.setenv("SPINELIB_DATA_DIR", str(tmp_path_factory.mktemp("session")))


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _execute(nb, tmp_path, timeout=180):
    """Run ``nb`` in a fresh kernel from ``tmp_path`` (the workbook's runner, spinelib.reports.nbrun), reading
    every cell's messages up to the kernel's idle status.

    The reply comes on the shell socket, the outputs on the IOPub socket, and ipykernel sends a cell's last
    print from its IO thread, which can lag behind the reply on a busy machine. By default nbclient reads a
    cell's IOPub messages for only ``iopub_timeout`` (4 s) after the reply, then moves on and drops whatever
    comes later, so a late print or widget update would be missing from the outputs read below. Here the
    client waits for the idle status, the kernel's own end-of-cell message (no guessed delay), and a missing
    one is an error, not a silently shorter output.
    """
    client = polling_client_class()(nb, kernel_name="python3", timeout=timeout, iopub_timeout=timeout,
                                    raise_on_iopub_timeout=True, resources={"metadata": {"path": str(tmp_path)}})
    try:
        client.execute()
    finally:
        drop_ipc_dir()
    return nb


def _text_outputs(cell) -> str:
    parts = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            parts.append(o.get("text", ""))
        elif o.get("output_type") in ("execute_result", "display_data"):
            data = o.get("data", {})
            parts.append(data.get("text/markdown", "") or data.get("text/plain", ""))
        elif o.get("output_type") == "error":
            parts.append("\n".join(o.get("traceback", [])))
    return "\n".join(parts)


def _widget_outputs(nb) -> list[dict]:
    """The outputs held by every Output widget in the saved widget state."""
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    outs = []
    for model in state.values():
        if model.get("model_name") == "OutputModel":
            outs.append(model["state"].get("outputs", []))
    return outs


def _flatten(outputs) -> str:
    text = []
    for o in outputs:
        if o.get("output_type") == "stream":
            text.append(o.get("text", ""))
        else:
            d = o.get("data", {})
            text.append(d.get("text/html", "") + "\n" + d.get("text/plain", ""))
    return "\n".join(text)


def test_notebooks_exist():
    """notebooks/: the four start notebooks and notebook 07 are there (the suite must never be empty)."""
    assert set(MINE) | set(COMPANION) <= set(IDS), f"missing notebooks: {(set(MINE) | set(COMPANION)) - set(IDS)}"


# ----------------------------------------------------------------------- committed state
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_notebook_is_clean(path):
    """notebook file: no outputs, no execution counts, no widget state, kernelspec python3."""
    nb = _read(path)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", "kernelspec must be python3"
    assert "widgets" not in nb.metadata, "saved widget state: run scripts/clean_notebooks.py"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {i} holds outputs: run scripts/clean_notebooks.py"
            assert cell.execution_count is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_path_hacks(path):
    """notebook code: no sys.path edits, no relative data paths, no chdir."""
    for i, cell in enumerate(_read(path).cells):
        if cell.cell_type != "code":
            continue
        src = cell.source
        assert "sys.path" not in src, f"cell {i} edits sys.path"
        assert "os.chdir" not in src, f"cell {i} changes directory"
        assert not re.search(r"""["'](\.\./|\./)?data/""", src), f"cell {i} uses a relative data path"
        assert "../" not in src, f"cell {i} uses a relative path"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_navigation_line(path):
    """notebook: a navigation line (previous / contents / next) at the top and the bottom, links that exist."""
    nb = _read(path)
    md = [c for c in nb.cells if c.cell_type == "markdown"]
    for cell in (md[0], md[-1]):
        assert "Contents" in cell.source, f"{path.name}: no navigation line at the top or bottom"
        for target in re.findall(r"\]\(([^)#]+\.ipynb)", cell.source):
            assert (NB_DIR / target).exists(), f"{path.name}: navigation links to missing {target}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_exercises_are_structural_and_registered(path):
    """notebook: each '### Exercise <id>' cell is followed by a check(<id>, ...) cell; ids are registered."""
    cells = _read(path).cells
    found = []
    for i, cell in enumerate(cells):
        m = re.match(r"#{2,4} Exercise\s+(\S+)", cell.source) if cell.cell_type == "markdown" else None
        if not m:
            continue
        ex_id = m.group(1)
        found.append(ex_id)
        assert ex_id in EXERCISES, f"{path.name}: exercise {ex_id} is not in spinelib.checks"
        nxt = cells[i + 1]
        assert nxt.cell_type == "code" and f"check({ex_id!r}" in nxt.source.replace('"', "'"), \
            f"{path.name}: exercise {ex_id} is not followed by a check cell"
    if path.stem in MINE:
        expected = {e.id for e in EXERCISES.values() if path.stem.startswith(e.notebook)}
        assert expected and expected <= set(found), f"{path.name}: registered but not in the notebook: {expected - set(found)}"


LESSONS = tuple(p for p in NOTEBOOKS if p.stem[:2] in ("00", "01", "02", "03", "04", "05", "06", "07"))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_solutions_never_run(path):
    """lesson: every exercise has a solution, kept as collapsed text (a tagged markdown <details> block), so Run
    All never executes or shows it; check cells start from `answer = ...`."""
    cells = _read(path).cells
    sols = [c for c in cells if is_solution(c)]
    assert sols, f"{path.name}: no solution cells"
    for c in sols:
        assert c.cell_type == "markdown" and "<details>" in c.source, f"{path.name}: a solution is a code cell"
    for i, c in enumerate(cells):
        if c.cell_type == "code" and re.search(r"check\(['\"]", c.source):
            assert c.source.lstrip().startswith(("answer = ...", "cat = spinelib.load_catalogue()\nanswer = ...")), \
                f"{path.name} cell {i}: a check cell that is not empty: {c.source[:120]}"


# ----------------------------------------------------------------------- execution
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_executes_top_to_bottom(path, tmp_path):
    """notebook: its answer-key edition (the lesson with each solution run as code) runs top to bottom in a fresh
    kernel from an empty folder, no error or traceback anywhere; every solution checks as right; no other cell
    says "Right." (what Run All of the lesson shows: its solutions are collapsed text and never run); every
    widget ends without an error."""
    nb = _execute(answer_key(_read(path)), tmp_path)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        text = _text_outputs(cell)
        assert "Traceback" not in text, f"cell {i} printed a traceback:\n{text[:800]}"
        if is_solution(cell):
            assert "Right." in text, f"cell {i}: the solution does not check as right:\n{text[:400]}"
        else:
            assert "Right." not in text, f"cell {i}: Run All of the lesson would show a right answer:\n{text[:400]}"
    for outputs in _widget_outputs(nb):
        text = _flatten(outputs)
        assert "Traceback" not in text
        if text.strip():
            assert "\nerror:" not in "\n" + text, f"a widget shows an error at its defaults:\n{text[-400:]}"


# ----------------------------------------------------------------------- widgets in a kernel
def _png_hashes(outputs) -> list[str]:
    return [hashlib.sha1(base64.b64decode(o["data"]["image/png"])).hexdigest()
            for o in outputs if "image/png" in o.get("data", {})]


def test_widgets_respond_in_kernel(tmp_path):
    """02_calm_first in a kernel: changing the pacer's controls redraws its plot and routine; minutes=0 and an
    empty ratio give a one-line message in the widget (no traceback); moving the calm-first slider re-simulates
    and redraws; the widget objects report .result and the frontend's Output state holds the final render."""
    nb = _read(NB_DIR / "02_calm_first.ipynb")
    nb.cells = [c for c in nb.cells if "solution" not in c.metadata.get("tags", [])]
    first = len(nb.cells)
    steps = [
        "pacer.minutes.value = 15\nprint('END', pacer.result['routine']['end'].iloc[-1])",
        "pacer.breaths_per_min.value = 5\nprint('CYCLE', pacer.result['timing']['cycle_s'])",
        "pacer.minutes.value = 0\nprint('ERR', pacer.error, pacer.result)",
        "pacer.minutes.value = 10\npacer.ratio.value = ''\nprint('ERR2', pacer.error)",
        "pacer.ratio.value = '1:2'\nprint('OK', pacer.error, pacer.result['timing']['exhale_s'])",
        "s0 = calm.result['summary'].loc['sensitivity at the end (0-1)', 'your plan']\n"
        "calm.calm_minutes.value = 0\nprint('CALM', calm.error, s0 != calm.result['summary'].loc["
        "'sensitivity at the end (0-1)', 'your plan'])",
    ]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in steps]
    nb = _execute(nb, tmp_path)
    printed = [_text_outputs(c) for c in nb.cells[first:]]
    assert "END 15:00" in printed[0]
    assert "CYCLE 12.0" in printed[1]
    assert "ERR minutes: must be a number from 1 to 30 (got 0) None" in printed[2]
    assert "ERR2 inhale:exhale ratio: must be two positive numbers such as 1:2 (the box is empty)" in printed[3]
    assert "OK None 8.0" in printed[4]
    assert "CALM None True" in printed[5]
    # the frontend's view: the pacer's Output widget ends with the last render and its marker
    pacer_outs = [o for o in _widget_outputs(nb) if "paced:" in _flatten(o) or "error:" in _flatten(o)]
    assert pacer_outs, "the pacer's Output widget holds nothing"
    last = _flatten(pacer_outs[0])
    assert "paced: breaths_per_min=5 ratio=1:2 minutes=10" in last
    assert "Traceback" not in last
    assert len(_png_hashes(pacer_outs[0])) == 1
    calm_outs = [o for o in _widget_outputs(nb) if "rendered: calm_minutes" in _flatten(o)]
    assert calm_outs and "rendered: calm_minutes=0 strength_minutes=10 load_level=2" in _flatten(calm_outs[0])
    assert len(_png_hashes(calm_outs[0])) == 1


def test_clean_script_strips_outputs_and_sets_kernelspec(tmp_path):
    """scripts/clean_notebooks.py: --check flags a dirty notebook; cleaning strips outputs, counts and widget
    state, sets kernelspec python3, keeps tags and collapsed solutions."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("clean_notebooks", ROOT / "scripts" / "clean_notebooks.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1", execution_count=3, outputs=[nbformat.v4.new_output(
        "execute_result", data={"text/plain": "2"}, execution_count=3)])
    cell.metadata.update({"tags": ["solution"], "jupyter": {"source_hidden": True}, "execution": {"x": 1}})
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": "my-local-env", "display_name": "mine", "language": "python"}
    nb.metadata["widgets"] = {WIDGET_STATE: {"state": {}}}
    path = tmp_path / "dirty.ipynb"
    nbformat.write(nb, path)
    assert mod.main(["--check", str(path)]) == 1
    assert mod.main([str(path)]) == 0
    assert mod.main(["--check", str(path)]) == 0
    clean = _read(path)
    c = clean.cells[0]
    assert c.outputs == [] and c.execution_count is None and "execution" not in c.metadata
    assert c.metadata["tags"] == ["solution"] and c.metadata["jupyter"]["source_hidden"] is True
    assert clean.metadata["kernelspec"]["name"] == "python3" and "widgets" not in clean.metadata
