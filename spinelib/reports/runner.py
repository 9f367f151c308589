"""Run report templates: one report, a batch over the rows of a CSV file, or the shipped examples.

::

    run_report("personal-plan", {"name": "Ana", "minutes_per_day": 15}, "reports/out/ana.html")

1. **Validate before any kernel starts** (:func:`~.parameters.validate_parameters`).
2. **Execute** with the papermill Python API (one kernel per report, no CLI start-up cost).
3. **Render** one self-contained HTML page without code cells (:func:`~.pages.render_html`).
4. **Write atomically**: every output is first written to a temporary file in the target folder
   and renamed into place only when all of them are complete, so a failure never leaves a half
   report nor destroys an earlier one. ``pdf=True`` prints the HTML with the system Chromium.

:func:`run_batch` runs one template over the rows of a CSV file with a process pool, and
:func:`build_examples` builds the parameter sets in ``data/examples``.
Nothing here is medical advice.
"""
from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ..atomic import temp_beside, write_temp
from ..errors import InputError
from ..resources import examples_dir
from .nbrun import drop_ipc_dir, ipc_kernel_manager_class
from .pages import chromium_available, exporter, html_to_pdf, render_html
from .batch_input import read_batch_rows, safe_output_name
from .parameters import validate_parameters, whole_rule
from .templates import TEMPLATES, ReportError, template_key, template_label, template_path

__all__ = ["ReportResult", "BatchResult", "Job", "SUMMARY_COLUMNS", "execute_template", "report_title",
           "run_report", "run_jobs", "run_batch", "example_sets", "build_examples"]


@dataclass
class ReportResult:
    """What :func:`run_report` wrote."""

    html: Path
    pdf: Path | None = None
    notebook: Path | None = None
    seconds: float = 0.0
    parameters: dict = field(default_factory=dict)


# ----- one report ------------------------------------------------------------------------------
def execute_template(template, parameters: dict, *, cwd=None, timeout: int = 600):
    """Execute a template with papermill's Python API; return the executed notebook node.

    A failing cell raises :class:`~.templates.ReportError` with a one-line message.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    path = template_path(template)
    try:
        return papermill.execute_notebook(
            str(path), None, parameters=parameters, kernel_name="python3", progress_bar=False,
            log_output=False, cwd=str(cwd) if cwd else None, execution_timeout=timeout,
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"], kernel_manager_class=ipc_kernel_manager_class(),
            shutdown_kernel="immediate",  # every output is collected by then; saves ~0.15 s a report
        )
    except PapermillExecutionError as exc:
        evalue = " ".join(str(exc.evalue).split())
        raise ReportError(f"{template_label(template)}: cell {exc.exec_count} raised {exc.ename}: {evalue}") from None
    finally:
        drop_ipc_dir()


def report_title(template, params: dict) -> str:
    """The page title: the template's title, and who or what the report is about."""
    info = TEMPLATES.get(template_key(template) or "")
    base = info.title if info else template_label(template)
    who = params.get("name") or params.get("title")
    return f"{base}: {who}" if who else base


def _html_output(template, output) -> Path:
    out = Path(output) if output is not None else Path("reports/out") / f"{template_label(template)}.html"
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError("output", "a path ending in .html", str(out))
    return out


def _write_outputs(out: Path, page: str, nb, *, pdf: bool, keep_notebook: bool) -> tuple[Path | None, Path | None]:
    """Write the HTML (and notebook, PDF) to temporary files, then rename all into place; return (pdf, notebook).

    On any failure (or interruption) every temporary file is removed and earlier outputs stay as they were.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        staged.append((write_temp(out, page, ".html"), out))
        pdf_path = nb_path = None
        if keep_notebook:
            import nbformat

            nb_path = out.with_suffix(".ipynb")
            staged.append((write_temp(nb_path, nbformat.writes(nb), ".ipynb"), nb_path))
        if pdf:
            pdf_path = out.with_suffix(".pdf")
            tmp_pdf = temp_beside(pdf_path, ".pdf")
            staged.append((tmp_pdf, pdf_path))
            html_to_pdf(staged[0][0], tmp_pdf)
        for tmp, final in staged:
            os.replace(tmp, final)
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()
    return pdf_path, nb_path


def run_report(template, parameters: dict | None = None, output=None, *, pdf: bool = False,
               keep_notebook: bool = False, validate: bool = True, timeout: int = 600) -> ReportResult:
    """Validate, execute and render one report; write HTML (and PDF, notebook) atomically.

    ``output`` is the HTML path (default ``reports/out/<template>.html``). With
    ``keep_notebook`` the executed notebook is kept beside it (same name, ``.ipynb``); with
    ``pdf`` a PDF too (``.pdf``). Nothing is written unless everything succeeded.
    """
    t0 = time.perf_counter()
    params = validate_parameters(template, parameters) if validate else dict(parameters or {})
    out = _html_output(template, output)
    nb = execute_template(template, params, timeout=timeout)
    page = render_html(nb, title=report_title(template, params))
    pdf_path, nb_path = _write_outputs(out, page, nb, pdf=pdf, keep_notebook=keep_notebook)
    return ReportResult(html=out, pdf=pdf_path, notebook=nb_path, seconds=time.perf_counter() - t0, parameters=params)


# ----- the job pool ----------------------------------------------------------------------------
class Job(NamedTuple):
    """One report for a worker process: its row number (from 1) and the arguments of :func:`run_report`."""

    row: int
    template: str
    params: dict
    output: str
    pdf: bool
    keep_notebook: bool


SUMMARY_COLUMNS = ["row", "status", "output", "seconds", "message"]


def _job(job: Job) -> dict:
    """Run one report in a worker process; never raises (returns a summary row)."""
    t0 = time.perf_counter()
    try:
        res = run_report(job.template, job.params, job.output, pdf=job.pdf, keep_notebook=job.keep_notebook,
                         validate=False)
        return {"row": job.row, "status": "ok", "output": str(res.html), "seconds": round(res.seconds, 2),
                "message": ""}
    except (InputError, ReportError) as exc:
        msg = str(exc)
    except Exception as exc:  # a report must not take the batch down with it
        msg = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    return {"row": job.row, "status": "failed", "output": "", "seconds": round(time.perf_counter() - t0, 2),
            "message": msg}


def _pool_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_in_pool(jobs: list[Job], workers: int, bar) -> list[dict]:
    ctx = _pool_context()
    if ctx.get_start_method() == "fork":  # warm the imports once; forked workers inherit them
        import papermill  # noqa: F401

        exporter()
    results = []
    with cf.ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx) as pool:
        futures = [pool.submit(_job, j) for j in jobs]
        for fut in cf.as_completed(futures):
            results.append(fut.result())
            bar.update(1)
    return results


def run_jobs(jobs: list[Job], workers: int, progress: bool, desc: str) -> list[dict]:
    """Run the jobs (in ``workers`` processes when there are several); one summary row each, in finishing order."""
    from tqdm.auto import tqdm

    bar = tqdm(total=len(jobs), desc=desc, unit="report", disable=not progress, file=sys.stderr)
    try:
        if workers <= 1 or len(jobs) <= 1:
            results = []
            for j in jobs:
                results.append(_job(j))
                bar.update(1)
            return results
        return _run_in_pool(jobs, workers, bar)
    finally:
        bar.close()


def _summary_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS).sort_values("row").reset_index(drop=True)


# ----- batch -----------------------------------------------------------------------------------
@dataclass
class BatchResult:
    """The summary of a batch: one row per input row (row, status, output, seconds, message)."""

    summary: pd.DataFrame
    summary_path: Path | None

    @property
    def ok(self) -> bool:
        return bool((self.summary["status"] == "ok").all())

    @property
    def failed(self) -> pd.DataFrame:
        return self.summary[self.summary["status"] != "ok"]


_JOBS = whole_rule("jobs", 1, 64)


def _batch_jobs(template, run_as: str, rows: list[dict], out_dir: Path, *, name_column: str, common: dict | None,
                pdf: bool, keep_notebook: bool, on_invalid) -> tuple[list[dict], list[Job]]:
    """Validate every row and name its output; return (summary rows of the invalid ones, jobs for the rest).

    ``run_as`` is what the workers run: the registry key, or the template file's resolved path.
    """
    root = out_dir.resolve()
    used: set = set()
    invalid, jobs = [], []
    for i, rec in enumerate(rows, start=1):
        try:
            params = validate_parameters(template, {**(common or {}), **rec["params"]})
            stem = safe_output_name(rec["name"], i, used, name_column)
            out = out_dir / f"{stem}.html"
            if root not in out.resolve().parents:
                raise InputError(name_column, f"a name that stays inside {out_dir}", rec["name"])
        except InputError as exc:
            invalid.append({"row": i, "status": "invalid", "output": "", "seconds": 0.0, "message": str(exc)})
            if on_invalid:
                on_invalid(i, str(exc))
            continue
        jobs.append(Job(i, run_as, params, str(out), pdf, keep_notebook))
    return invalid, jobs


def run_batch(template, table, out_dir, *, jobs: int = 2, name_column: str = "name", pdf: bool = False,
              keep_notebook: bool = False, common: dict | None = None, progress: bool = True,
              summary_path=None, on_invalid=None) -> BatchResult:
    """Run a template once per CSV row into ``out_dir``, with ``jobs`` worker processes.

    Every row is validated first; a bad row is reported (row number, field, reason) through
    ``on_invalid(row, message)`` and skipped while the others are produced. Output names are
    slugs of ``name_column``, made unique, and always inside ``out_dir``. A summary CSV
    (row, status, output, seconds, message) is written to ``summary_path`` (default
    ``out_dir/<template>-summary.csv``). Rows are numbered from 1 (the first data row).
    """
    workers = _JOBS(jobs)
    out_dir = Path(out_dir)
    label = template_label(template)
    tpath = template_path(template)  # an unknown template is refused before the CSV is read
    run_as = template if template_key(template) else str(tpath)
    rows = read_batch_rows(template, table, name_column=name_column)
    summary, work = _batch_jobs(template, run_as, rows, out_dir, name_column=name_column, common=common, pdf=pdf,
                                keep_notebook=keep_notebook, on_invalid=on_invalid)
    df = _summary_frame(summary + run_jobs(work, workers, progress, desc=label))
    spath = Path(summary_path) if summary_path else out_dir / f"{label}-summary.csv"
    tmp = write_temp(spath, df.to_csv(index=False), ".csv")
    os.replace(tmp, spath)
    return BatchResult(summary=df, summary_path=spath)


# ----- examples --------------------------------------------------------------------------------
def example_sets() -> list[dict]:
    """The example parameter sets in ``data/examples/*.yaml``: template, parameters, output stem."""
    import yaml

    sets = []
    for p in sorted(examples_dir().glob("*.yaml")):
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "template" not in data:
            raise InputError(f"example {p.name}", "a mapping with template and parameters")
        sets.append({"file": p.name, "template": data["template"], "parameters": data.get("parameters") or {},
                     "output": data.get("output") or p.stem, "description": data.get("description", "")})
    return sets


def build_examples(out_dir, *, jobs: int = 2, pdf: bool = True, progress: bool = True) -> pd.DataFrame:
    """Build every example parameter set as HTML (and PDF) into ``out_dir``; return the summary.

    PDFs need Chromium; without it only the HTML is built (the caller says so).
    """
    out_dir = Path(out_dir)
    pdf = pdf and chromium_available()
    sets = example_sets()
    work, used = [], set()
    for i, ex in enumerate(sets, start=1):
        params = validate_parameters(ex["template"], ex["parameters"])
        stem = safe_output_name(ex["output"], i, used, "output")
        work.append(Job(i, ex["template"], params, str(out_dir / f"{stem}.html"), pdf, False))
    df = _summary_frame(run_jobs(work, jobs, progress, desc="examples"))
    df.insert(1, "example", [sets[r - 1]["file"] for r in df["row"]])
    return df
