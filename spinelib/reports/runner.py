"""Run report templates: one report, a batch over the rows of a CSV file, or the shipped examples.

::

    run_report("personal-plan", {"name": "Ana", "minutes_per_day": 15}, "reports/out/ana.html")

1. **Validate before any kernel starts** (:func:`~.parameters.validate_parameters`); the output
   folder must be writable (:func:`~spinelib.atomic.writable_folder`), also checked first.
2. **Execute** with the papermill Python API (one kernel per report, no CLI start-up cost); a
   kernel never outlives its run (:func:`~.nbrun.kernel_scope`), and a dead kernel, a cell timeout
   or a failing cell is one :class:`~.templates.ReportError` line.
3. **Render** one self-contained HTML page without code cells (:func:`~.pages.render_html`),
   stamped with a fingerprint of what it was made from (:func:`report_stamp`).
4. **Write atomically**: every output is first written to a temporary file in the target folder
   and renamed into place only when all of them are complete, so a failure never leaves a half
   report nor destroys an earlier one. ``pdf=True`` prints the HTML with the system Chromium.

:func:`run_batch` runs one template over the rows of a CSV file with an executor
(:mod:`spinelib.executor`: local worker processes, or a Dask cluster with ``scheduler=``); workers
return the report's bytes and this process writes them. The output folder is locked for the
whole batch (a second run into it waits briefly, then refuses); Ctrl-C or SIGTERM stops the
workers and their kernels, writes the summary of what was done and raises
:class:`~spinelib.executor.Interrupted`. :func:`build_examples` builds the parameter sets in
``data/examples`` the same way. Nothing here is medical advice.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ..atomic import folder_lock, writable_folder, write_temp
from ..errors import InputError
from ..resources import examples_dir
from .batch_input import read_batch_rows, safe_output_name
from ..executor import Done, Interrupted, interruptible, on_worker_exit, one_line, open_executor
from .nbrun import ipc_kernel_manager_class, kernel_scope, quiet_papermill
from .pages import chromium_available, html_to_pdf, render_html, report_title
from .parameters import safe_yaml, validate_parameters, whole_rule
from .templates import ReportError, template_key, template_label, template_path
from .warm import ReportSession

__all__ = ["ReportResult", "BatchResult", "Job", "SUMMARY_COLUMNS", "STAMP_META", "execute_template", "report_title",
           "report_stamp", "page_stamp", "render_report", "run_report", "run_jobs", "run_batch", "example_sets",
           "build_examples", "close_session", "STEP_COLUMNS", "Interrupted"]


@dataclass
class ReportResult:
    """What :func:`run_report` wrote."""

    html: Path
    pdf: Path | None = None
    notebook: Path | None = None
    seconds: float = 0.0
    parameters: dict = field(default_factory=dict)


# ----- one report ------------------------------------------------------------------------------
def execute_template(template, parameters: dict, *, cwd=None, timeout: int = 600, source: str | None = None):
    """Execute a template with papermill's Python API; return the executed notebook node.

    ``source`` is the template's notebook JSON, for a worker that may not have its file (a Dask
    cluster elsewhere). A failing cell, a dead kernel or a cell timeout raises
    :class:`~.templates.ReportError` with a one-line message; the kernel never outlives the call.
    """
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    label = template_label(template)
    if source is not None:
        import nbformat

        notebook = nbformat.reads(source, as_version=4)
    else:
        notebook = str(template_path(template))
    try:
        with kernel_scope(), quiet_papermill():
            return papermill.execute_notebook(
                notebook, None, parameters=parameters, kernel_name="python3", progress_bar=False,
                log_output=False, cwd=str(cwd) if cwd else None, execution_timeout=timeout,
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"], kernel_manager_class=ipc_kernel_manager_class(),
                shutdown_kernel="immediate",  # every output is collected by then; saves ~0.15 s a report
            )
    except PapermillExecutionError as exc:
        evalue = " ".join(str(exc.evalue).split())
        raise ReportError(f"{label}: cell {exc.exec_count} raised {exc.ename}: {evalue}") from None
    except DeadKernelError:
        raise ReportError(f"{label}: the kernel died while running the notebook (a cell ended its process, "
                          "or it was killed)") from None
    except CellTimeoutError:
        raise ReportError(f"{label}: a cell did not finish within {timeout} s") from None
    except RuntimeError as exc:  # e.g. a kernel that died or hung before its first reply
        raise ReportError(f"{label}: the kernel failed: {one_line(exc)}") from None


@functools.lru_cache(maxsize=1)
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("spinelib")
    except PackageNotFoundError:
        return "unknown"


@functools.lru_cache(maxsize=32)
def _file_digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def report_stamp(template, params: dict) -> str:
    """A fingerprint of what a report is made from: the template file, the validated parameters, spinelib's version.

    Written into the page (:data:`STAMP_META`); ``--resume`` skips a row whose report already
    carries the same stamp.
    """
    path = template_path(template)
    st = path.stat()
    h = hashlib.sha256()
    h.update(_file_digest(str(path), st.st_mtime_ns, st.st_size).encode())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    h.update(_version().encode())
    return h.hexdigest()[:40]


STAMP_META = '<meta name="spinelib-stamp" content="{}">'
_STAMP_RE = re.compile(r'<meta name="spinelib-stamp" content="([0-9a-f]+)">')


def _stamped(page: str, stamp: str) -> str:
    if not stamp:
        return page
    return re.sub(r"<head\b[^>]*>", lambda m: m.group(0) + "\n" + STAMP_META.format(stamp), page, count=1)


def page_stamp(path) -> str | None:
    """The stamp in the head of a report page written by spinelib, else ``None`` (no file, no stamp)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8192).decode("utf-8", "replace")
    except OSError:
        return None
    m = _STAMP_RE.search(head)
    return m.group(1) if m else None


def _html_output(template, output) -> Path:
    out = Path(output) if output is not None else Path("reports/out") / f"{template_label(template)}.html"
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError("output", "a path ending in .html", str(out))
    return out


def _pdf_bytes(page: str) -> bytes:
    """Print the page with Chromium in a temporary folder; the PDF's bytes."""
    with tempfile.TemporaryDirectory(prefix="spinelib-pdf-") as tmp:
        src, dst = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        src.write_text(page, encoding="utf-8", newline="")
        html_to_pdf(src, dst)
        return dst.read_bytes()


def render_report(template, params: dict, *, pdf: bool = False, keep_notebook: bool = False, timeout: int = 600,
                  stamp: str = "", source: str | None = None, session: ReportSession | None = None,
                  seconds: dict | None = None) -> dict[str, bytes]:
    """Execute and render one report in memory: ``{".html": bytes, ".ipynb": ..., ".pdf": ...}``.

    Nothing is written where the command runs (a worker returns these bytes and the calling
    process writes them with :func:`_write_outputs`). ``params`` must be validated already.
    With ``session`` (a :class:`~.warm.ReportSession`) the notebook runs on its warm kernel and
    the PDF is printed by its one Chromium; without, a new kernel and a new Chromium (the bytes
    are the same). ``seconds``, when given, receives the time of each step: ``start`` (of a warm
    kernel), ``reset``, ``execute``, ``export`` (the HTML page), ``pdf``.
    """
    t0 = time.perf_counter()
    if session is not None:
        nb = session.execute(template, params, timeout=timeout, source=source)
        steps = {k: session.kernel.seconds.get(k, 0.0) for k in ("start", "reset", "execute")}
    else:
        nb = execute_template(template, params, timeout=timeout, source=source)
        steps = {"start": 0.0, "reset": 0.0, "execute": time.perf_counter() - t0}
    t1 = time.perf_counter()
    page = _stamped(render_html(nb, title=report_title(template, params)), stamp)
    files = {".html": page.encode("utf-8")}
    if keep_notebook:
        import nbformat

        files[".ipynb"] = nbformat.writes(nb).encode("utf-8")
    t2 = time.perf_counter()
    if pdf:
        files[".pdf"] = session.pdf_of(page) if session is not None else _pdf_bytes(page)
    if seconds is not None:
        seconds.update(steps, export=t2 - t1, pdf=time.perf_counter() - t2 if pdf else 0.0)
    return files


def _write_outputs(out: Path, files: dict[str, bytes]) -> dict[str, Path]:
    """Write each file (``out`` for the HTML, the same name with the suffix for the others) to a temporary
    file, then rename all into place; return {suffix: path}.

    On any failure (or interruption) every temporary file is removed and earlier outputs stay as they were.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for suffix, data in files.items():
            final = out if suffix == ".html" else out.with_suffix(suffix)
            staged.append((write_temp(final, data, suffix), final))
        for tmp, final in staged:
            os.replace(tmp, final)
    finally:
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()
    return {suffix: final for suffix, (_, final) in zip(files, staged)}


def run_report(template, parameters: dict | None = None, output=None, *, pdf: bool = False,
               keep_notebook: bool = False, validate: bool = True, timeout: int = 600) -> ReportResult:
    """Validate, execute and render one report; write HTML (and PDF, notebook) atomically.

    ``output`` is the HTML path (default ``reports/out/<template>.html``). With
    ``keep_notebook`` the executed notebook is kept beside it (same name, ``.ipynb``); with
    ``pdf`` a PDF too (``.pdf``). Nothing is written unless everything succeeded; a folder that
    cannot be written is reported before the kernel starts.
    """
    t0 = time.perf_counter()
    params = validate_parameters(template, parameters) if validate else dict(parameters or {})
    out = _html_output(template, output)
    writable_folder(out.parent, "output")
    files = render_report(template, params, pdf=pdf, keep_notebook=keep_notebook, timeout=timeout,
                          stamp=report_stamp(template, params))
    written = _write_outputs(out, files)
    return ReportResult(html=out, pdf=written.get(".pdf"), notebook=written.get(".ipynb"),
                        seconds=time.perf_counter() - t0, parameters=params)


# ----- jobs ------------------------------------------------------------------------------------
class Job(NamedTuple):
    """One report for a worker: its row number (from 1), what :func:`render_report` needs, and where it goes.

    ``stamp`` is :func:`report_stamp`'s; ``source`` the template's notebook JSON when the
    worker may not have its file (a template given as a path, run on a Dask cluster).
    """

    row: int
    template: str
    params: dict
    output: str
    pdf: bool
    keep_notebook: bool
    stamp: str = ""
    source: str | None = None


SUMMARY_COLUMNS = ["row", "status", "output", "seconds", "message"]
STEP_COLUMNS = ["validate", "start", "reset", "execute", "export", "pdf", "write"]


def _row(job: Job, status: str, seconds: float = 0.0, message: str = "", output: str = "") -> dict:
    return {"row": job.row, "status": status, "output": output, "seconds": round(seconds, 2), "message": message}


def _job(job: Job, session: ReportSession | None = None) -> dict:
    """The work of one report, run by a worker: execute and render in memory; never raises an Exception.

    Returns its summary row (row, status, output, seconds, message), ``outputs``, the files'
    bytes ({suffix: bytes}) for the calling process to write, and ``steps``, the seconds of each
    step (see :func:`render_report`). This is the function a worker runs per report: with a new
    kernel for each (on a Dask cluster), or through :func:`_warm_job`.
    """
    t0 = time.perf_counter()
    steps: dict = {}
    try:
        files = render_report(job.template, job.params, pdf=job.pdf, keep_notebook=job.keep_notebook,
                              stamp=job.stamp, source=job.source, session=session, seconds=steps)
        return {**_row(job, "ok", time.perf_counter() - t0, output=job.output), "outputs": files, "steps": steps}
    except (InputError, ReportError) as exc:
        msg = str(exc)
    except Exception as exc:  # a report must not take the batch down with it
        msg = one_line(exc)
    return _row(job, "failed", time.perf_counter() - t0, msg)


# one ReportSession per process that runs reports: a worker process keeps it until it ends; in the
# calling process (one job at a time, no workers) run_jobs closes it when the batch is over
_SESSION: dict = {"session": None, "hooked": False}


def _process_session() -> ReportSession:
    if _SESSION["session"] is None:
        _SESSION["session"] = ReportSession()
        if not _SESSION["hooked"]:
            on_worker_exit(close_session)
            _SESSION["hooked"] = True
    return _SESSION["session"]


def close_session() -> None:
    """Stop this process's warm kernel and Chromium, if a batch left them running (safe to call twice)."""
    session, _SESSION["session"] = _SESSION["session"], None
    if session is not None:
        session.close()


def _warm_job(job: Job) -> dict:
    """:func:`_job` on this process's :class:`~.warm.ReportSession`: a kept kernel, reset to a clean
    namespace before each report, and one Chromium for all its PDFs."""
    return _job(job, _process_session())


def _finish(done: Done) -> dict:
    """The summary row of a finished job; an ok report's files are written here, atomically."""
    job = done.job
    if done.error is not None:
        return _row(job, "failed", message=done.error)
    res = dict(done.value)
    files = res.pop("outputs", None)
    if res["status"] == "ok":
        t0 = time.perf_counter()
        try:
            _write_outputs(Path(job.output), files)
        except OSError as exc:
            return _row(job, "failed", res["seconds"], f"could not write {job.output}: {exc.strerror or one_line(exc)}")
        res["steps"] = {**res.get("steps", {}), "write": time.perf_counter() - t0}
    return res


def run_jobs(jobs: list[Job], workers: int, progress: bool, desc: str, *, scheduler: str | None = None,
             warm: bool = True) -> list[dict]:
    """Run the jobs; one summary row each, in finishing order. This process writes every report.

    ``workers`` local processes (one job or ``workers == 1``: in this process), or the Dask
    cluster at ``scheduler``. Locally, with ``warm``, each process keeps one warm kernel and one
    Chromium for all its reports (:func:`_warm_job`); on a cluster every report starts its own
    kernel (the cluster's processes are not this command's to keep kernels in). A worker that
    dies fails its own row only. On Ctrl-C or SIGTERM (see :func:`~spinelib.executor.interruptible`) the
    workers and their kernels are stopped and :class:`~spinelib.executor.Interrupted` is raised, its
    ``rows`` holding the finished rows and the others marked ``interrupted``. Each ok row also
    holds ``steps``, the seconds of each step of its report.
    """
    from tqdm.auto import tqdm

    rows: dict[int, dict] = {}
    n = 1 if len(jobs) <= 1 and not scheduler else workers
    fn = _warm_job if warm and not scheduler else _job
    bar = tqdm(total=len(jobs), desc=desc, unit="report", disable=not progress, file=sys.stderr)
    try:
        with open_executor(n, scheduler) as ex:
            for j in jobs:
                ex.submit(fn, j)
            for done in ex.completed():
                rows[done.job.row] = _finish(done)
                bar.update(1)
    except KeyboardInterrupt as exc:
        stop = exc if isinstance(exc, Interrupted) else Interrupted(signal.SIGINT)
        message = f"stopped by {stop.signame} before it finished"
        stop.rows = list(rows.values()) + [_row(j, "interrupted", message=message) for j in jobs if j.row not in rows]
        raise stop from None
    finally:
        bar.close()
        if n == 1 and not scheduler:  # the jobs ran here: no kernel or browser outlives the batch
            close_session()
    return list(rows.values())


def _summary_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS).sort_values("row").reset_index(drop=True)


# ----- batch -----------------------------------------------------------------------------------
@dataclass
class BatchResult:
    """The summary of a batch: one row per input row (row, status, output, seconds, message).

    ``status`` is ``ok``, ``skipped`` (``resume``: already written for the same parameters),
    ``invalid`` (refused before any kernel), ``failed`` or ``interrupted``. ``timings`` has one
    row per report written, the seconds of each step (:data:`STEP_COLUMNS`): ``validate`` (in
    this process, before any kernel), ``start`` (a warm kernel's start, in the report that
    needed it), ``reset`` (the warm kernel back to its clean state), ``execute``, ``export``
    (the HTML page), ``pdf`` and ``write`` (the files, atomically, in this process).
    """

    summary: pd.DataFrame
    summary_path: Path | None
    timings: pd.DataFrame | None = None

    @property
    def ok(self) -> bool:
        return bool(self.summary["status"].isin(["ok", "skipped"]).all())

    @property
    def failed(self) -> pd.DataFrame:
        return self.summary[~self.summary["status"].isin(["ok", "skipped"])]

    def count(self, status: str) -> int:
        return int((self.summary["status"] == status).sum())


_JOBS = whole_rule("jobs", 1, 64)


def _batch_jobs(template, run_as: str, rows: list[dict], out_dir: Path, *, name_column: str, common: dict | None,
                pdf: bool, keep_notebook: bool, on_invalid, source: str | None = None,
                seconds: dict | None = None) -> tuple[list[dict], list[Job]]:
    """Validate every row and name its output; return (summary rows of the invalid ones, jobs for the rest).

    ``run_as`` is what the workers run: the registry key, or the template file's resolved path.
    ``seconds``, when given, receives each valid row's validation time.
    """
    root = out_dir.resolve()
    used: set = set()
    invalid, jobs = [], []
    for i, rec in enumerate(rows, start=1):
        t0 = time.perf_counter()
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
        jobs.append(Job(i, run_as, params, str(out), pdf, keep_notebook, report_stamp(template, params), source))
        if seconds is not None:
            seconds[i] = time.perf_counter() - t0
    return invalid, jobs


def _already_written(job: Job) -> bool:
    """``resume``: the job's report exists and carries its stamp (and its PDF and notebook, when asked for)."""
    out = Path(job.output)
    if page_stamp(out) != job.stamp:
        return False
    return (not job.pdf or out.with_suffix(".pdf").is_file()) and (
        not job.keep_notebook or out.with_suffix(".ipynb").is_file())


def _timings(rows: list[dict], validate: dict[int, float]) -> pd.DataFrame:
    """One row per report written: the seconds of each step (validation measured in this process)."""
    recs = [{"row": r["row"], **{k: 0.0 for k in STEP_COLUMNS}, **r["steps"], "validate": validate.get(r["row"], 0.0)}
            for r in rows if r.get("steps") and r["status"] == "ok"]
    return pd.DataFrame(recs, columns=["row", *STEP_COLUMNS]).sort_values("row").reset_index(drop=True)


def _write_summary(rows: list[dict], path: Path, validate: dict[int, float] | None = None) -> BatchResult:
    df = _summary_frame(rows)
    tmp = write_temp(path, df.to_csv(index=False), ".csv")
    try:
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return BatchResult(summary=df, summary_path=path, timings=_timings(rows, validate or {}))


def run_batch(template, table, out_dir, *, jobs: int = 2, name_column: str = "name", pdf: bool = False,
              keep_notebook: bool = False, common: dict | None = None, progress: bool = True,
              summary_path=None, on_invalid=None, scheduler: str | None = None, resume: bool = False,
              lock_wait: float = 3.0, on_wait=None, warm: bool = True) -> BatchResult:
    """Run a template once per CSV row into ``out_dir``, with ``jobs`` worker processes (or on a Dask cluster).

    Every row is validated first; a bad row is reported (row number, field, reason) through
    ``on_invalid(row, message)`` and skipped while the others are produced. Output names are
    slugs of ``name_column``, made unique, and always inside ``out_dir``. A summary CSV
    (row, status, output, seconds, message) is written to ``summary_path`` (default
    ``out_dir/<template>-summary.csv``). Rows are numbered from 1 (the first data row).

    Before any kernel starts, ``out_dir`` (and the summary's folder) must be writable, and
    ``out_dir`` is locked for the whole batch: when another run holds it, ``on_wait()`` is
    called and the lock waited for ``lock_wait`` seconds (``math.inf``: as long as it takes),
    then a one-line InputError. ``scheduler`` is a Dask scheduler's address (``jobs`` is then
    the cluster's business); the reports are written here either way. With ``resume`` a row
    whose report already exists with the same stamp (:func:`report_stamp`) is ``skipped``.
    On Ctrl-C or SIGTERM the workers and kernels stop, the summary of what was done is
    written and :class:`~spinelib.executor.Interrupted` is raised with ``result`` (a BatchResult).

    Locally each worker keeps one warm kernel, reset to a clean namespace before every report,
    and one Chromium for all its PDFs (:mod:`.warm`); ``warm=False`` starts a new kernel (and
    browser) for every report instead. The pages are the same either way.
    """
    workers = _JOBS(jobs)
    out_dir = Path(out_dir)
    label = template_label(template)
    tpath = template_path(template)  # an unknown template is refused before the CSV is read
    run_as = template if template_key(template) else str(tpath)
    source = tpath.read_text(encoding="utf-8") if scheduler and not template_key(template) else None
    rows = read_batch_rows(template, table, name_column=name_column)
    validate: dict[int, float] = {}
    summary, work = _batch_jobs(template, run_as, rows, out_dir, name_column=name_column, common=common, pdf=pdf,
                                keep_notebook=keep_notebook, on_invalid=on_invalid, source=source, seconds=validate)
    spath = Path(summary_path) if summary_path else out_dir / f"{label}-summary.csv"
    writable_folder(out_dir, "--out-dir")
    writable_folder(spath.parent, "--summary")
    with interruptible(), folder_lock(out_dir, "--out-dir", wait=lock_wait, on_wait=on_wait):
        if resume:
            done = {j.row for j in work if _already_written(j)}
            summary += [_row(j, "skipped", message="already written from the same parameters", output=j.output)
                        for j in work if j.row in done]
            work = [j for j in work if j.row not in done]
        try:
            finished = run_jobs(work, workers, progress, desc=label, scheduler=scheduler, warm=warm)
        except Interrupted as exc:
            exc.result = _write_summary(summary + (exc.rows or []), spath, validate)
            raise
        return _write_summary(summary + finished, spath, validate)


# ----- examples --------------------------------------------------------------------------------
def example_sets() -> list[dict]:
    """The example parameter sets in ``data/examples/*.yaml``: template, parameters, output stem.

    Read with :func:`~.parameters.safe_yaml`, the limits of every other parameter file.
    """
    sets = []
    for p in sorted(examples_dir().glob("*.yaml")):
        data = safe_yaml(p.read_text(encoding="utf-8"), f"example {p.name}")
        if not isinstance(data, dict) or "template" not in data:
            raise InputError(f"example {p.name}", "a mapping with template and parameters")
        sets.append({"file": p.name, "template": data["template"], "parameters": data.get("parameters") or {},
                     "output": data.get("output") or p.stem, "description": data.get("description", "")})
    return sets


def build_examples(out_dir, *, jobs: int = 2, pdf: bool = True, progress: bool = True, scheduler: str | None = None,
                   lock_wait: float = 3.0, on_wait=None, warm: bool = True) -> pd.DataFrame:
    """Build every example parameter set as HTML (and PDF) into ``out_dir``; return the summary.

    PDFs need Chromium; without it only the HTML is built (the caller says so). The folder is
    checked and locked as in :func:`run_batch`; on Ctrl-C or SIGTERM :class:`~spinelib.executor.Interrupted`
    is raised with ``result``, the summary of what was done.
    """
    out_dir = Path(out_dir)
    pdf = pdf and chromium_available()
    sets = example_sets()
    work, used = [], set()
    for i, ex in enumerate(sets, start=1):
        params = validate_parameters(ex["template"], ex["parameters"])
        stem = safe_output_name(ex["output"], i, used, "output")
        work.append(Job(i, ex["template"], params, str(out_dir / f"{stem}.html"), pdf, False,
                        report_stamp(ex["template"], params)))

    def frame(rows: list[dict]) -> pd.DataFrame:
        df = _summary_frame(rows)
        df.insert(1, "example", [sets[r - 1]["file"] for r in df["row"]])
        return df

    writable_folder(out_dir, "--out-dir")
    with interruptible(), folder_lock(out_dir, "--out-dir", wait=lock_wait, on_wait=on_wait):
        try:
            return frame(run_jobs(work, jobs, progress, desc="examples", scheduler=scheduler, warm=warm))
        except Interrupted as exc:
            exc.result = frame(exc.rows or [])
            raise
