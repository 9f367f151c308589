"""The ``spinelib`` command line: reports, batches and the example reports.

::

    spinelib report --list
    spinelib report personal-plan --help-params
    spinelib report personal-plan -p minutes_per_day 15 -f client.yaml -o reports/out/ana.html [--pdf] [--keep-notebook]
    spinelib batch personal-plan clients.csv --out-dir reports/out --jobs 2 [--resume] [--wait] [--fresh-kernels]
    spinelib batch personal-plan clients.csv --scheduler tcp://127.0.0.1:8786   # on a Dask cluster
    spinelib examples --out-dir reports/out
    spinelib validate --seeds 5 --people 1000 [--markdown]   # the model against figures it was not fitted to
    spinelib experiment study.yaml --out-dir experiments/study --jobs 2 [--scheduler tcp://host:8786]
    spinelib classroom --out-dir build/classroom             # student + answer-key editions of the lessons
    spinelib classroom --grade submissions/ --grades grades.csv

Parameters follow papermill's conventions: ``-p NAME VALUE`` (numbers, True/False/None are
converted), ``-r NAME VALUE`` (raw text), ``-y YAML`` and ``-f FILE.yaml``; ``-p
red_flags.night_pain no`` sets one answer of a mapping. Bad parameters print one line naming
the field and the allowed range and exit with status 2, before any kernel starts; so does an
output folder that cannot be written, or one another spinelib run is writing into (a batch
waits 3 s for it, or as long as it takes with ``--wait``). A report that fails (a cell, a dead
kernel, Chromium) is one line with exit status 1. Ctrl-C or SIGTERM stops a command within
seconds, its workers and kernels with it, and exits with 130 or 143; a batch first writes the
summary of what it had done (rows ``ok``, ``failed``, ``interrupted``).
"""
from __future__ import annotations

import functools
import math
import re
import sys
from pathlib import Path

import click

from ..errors import InputError, number
from ..sim.validation import PEOPLE_RANGE, SEEDS_RANGE, validation_markdown, validation_table, verdict_counts
from . import pages
from ..executor import Interrupted, interruptible
from ..classroom import build_editions, grade_folder
from ..research.study import load_study, run_study
from .parameters import describe_parameters, load_parameter_file, validate_parameters, yaml_mapping
from .runner import build_examples, run_batch, run_report
from .templates import TEMPLATES, ReportError, template_label, template_parameters, template_path

__all__ = ["main", "collect_parameters", "EXIT_BAD_INPUT"]

EXIT_BAD_INPUT = 2


def _resolve(value: str):
    """papermill's conversion of ``-p`` values."""
    if value == "True":
        return True
    if value == "False":
        return False
    if value == "None":
        return None
    if re.fullmatch(r"[+-]?\d+", value):
        return int(value)
    try:
        return float(value)
    except ValueError:
        return value


def _set(params: dict, name: str, value):
    base, dot, sub = name.partition(".")
    if dot:
        cur = params.get(base)
        params[base] = {**(cur if isinstance(cur, dict) else {}), sub: value}
    else:
        params[name] = value


def _yaml_mapping(yaml_text: str) -> dict:
    """``-y`` text as a mapping, through the one limited YAML reader (size, depth, no aliases)."""
    return yaml_mapping(yaml_text, "-y")


def collect_parameters(parameters_file, yaml_text, params, raw) -> dict:
    """The parameters given on the command line, in papermill's order: ``-f``, then ``-y``, ``-p``, ``-r``.

    ``params`` and ``raw`` are (name, value) pairs; ``-p`` values are converted as papermill does,
    ``-r`` values stay text; ``name.key`` sets one entry of a mapping.
    """
    out: dict = {}
    if parameters_file:
        out.update(load_parameter_file(parameters_file))
    if yaml_text:
        out.update(_yaml_mapping(yaml_text))
    for name, value in params:
        _set(out, name, _resolve(value))
    for name, value in raw:
        _set(out, name, value)
    return out


def _fail(message: str, code: int = EXIT_BAD_INPUT):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _guard(fn):
    """Turn InputError into one line and exit 2, ReportError into one line and exit 1; SIGINT and
    SIGTERM into one line and exit 130 or 143 (kernels and workers are stopped on the way out)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            with interruptible():
                return fn(*args, **kwargs)
        except InputError as exc:
            _fail(str(exc), EXIT_BAD_INPUT)
        except ReportError as exc:
            _fail(str(exc), 1)
        except Interrupted as exc:
            _fail(f"interrupted by {exc.signame}", exc.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted by SIGINT", 130)

    return wrapper


def _interrupted(exc: Interrupted, done: int, total: int, summary) -> None:
    """One line for an interrupted batch, then exit 130 (SIGINT) or 143 (SIGTERM)."""
    where = f"; summary: {summary}" if summary else ""
    _fail(f"interrupted by {exc.signame}: {done} of {total} reports written, the rest stopped{where}", exc.exit_code)


def _waiting(out_dir):
    return lambda: click.echo(f"waiting for another spinelib run to finish with {out_dir} ...", err=True)


_param_options = [
    click.option("-p", "--parameters", "params", nargs=2, multiple=True, metavar="NAME VALUE",
                 help="A parameter (papermill's -p: numbers and True/False/None are converted)."),
    click.option("-r", "--parameters-raw", "raw", nargs=2, multiple=True, metavar="NAME VALUE",
                 help="A parameter kept as text."),
    click.option("-y", "--parameters-yaml", "yaml_text", metavar="YAML", help="Parameters as a YAML mapping."),
    click.option("-f", "--parameters-file", "parameters_file", type=click.Path(dir_okay=False),
                 help="Parameters from a YAML file."),
]


def _with_params(fn):
    for opt in reversed(_param_options):
        fn = opt(fn)
    return fn


class _OneLineErrors(click.Group):
    """A click group whose usage errors are one line (``error: ...``) with exit status 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as exc:
            click.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("error: aborted", err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="spinelib")
def main():
    """spinelib: exercise-therapy-for-back-pain workbook tools. Not medical advice."""


def _echo_templates() -> None:
    for key, info in TEMPLATES.items():
        names = ", ".join(template_parameters(key))
        click.echo(f"{key}\n    {info.description}\n    file: {template_path(key)}\n    parameters: {names}")


def _echo_parameters(template) -> None:
    desc = describe_parameters(template)
    click.echo(f"Parameters of {template} (from its cell tagged 'parameters'):")
    for r in desc.itertuples():
        click.echo(f"  {r.name} = {r.default}")
        click.echo(f"      allowed: {r.allowed}")
        if r.help:
            click.echo(f"      {r.help}")


def _default_output(template, clean: dict) -> Path:
    """``reports/out/<slug of the name>.html``, else ``reports/out/<template>.html``."""
    from slugify import slugify

    stem = slugify(str(clean.get("name") or "")) or template_label(template)
    return Path("reports/out") / f"{stem}.html"


@main.command()
@click.argument("template", required=False)
@_with_params
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="HTML file to write (default reports/out/<name>.html).")
@click.option("--pdf", is_flag=True, help="Also print a PDF beside the HTML with the system Chromium.")
@click.option("--keep-notebook", is_flag=True, help="Keep the executed notebook beside the HTML.")
@click.option("--list", "list_", is_flag=True, help="List the report templates.")
@click.option("--help-params", is_flag=True, help="Describe the template's parameters and exit.")
@_guard
def report(template, params, raw, yaml_text, parameters_file, output, pdf, keep_notebook, list_, help_params):
    """Run one report TEMPLATE (e.g. personal-plan) into self-contained HTML."""
    if list_:
        _echo_templates()
        return
    if not template:
        _fail("report: give a template name (" + ", ".join(TEMPLATES) + ") or --list")
    if help_params:
        _echo_parameters(template)
        return
    clean = validate_parameters(template, collect_parameters(parameters_file, yaml_text, params, raw))
    if output is None:
        output = _default_output(template, clean)
    res = run_report(template, clean, output, pdf=pdf, keep_notebook=keep_notebook, validate=False)
    click.echo(f"wrote {res.html}" + (f", {res.pdf}" if res.pdf else "") + (f", {res.notebook}" if res.notebook else "")
               + f" in {res.seconds:.1f} s")


@main.command()
@click.argument("template")
@click.argument("csv_file", metavar="CSV", type=click.Path(dir_okay=False))
@click.option("--out-dir", default="reports/out", show_default=True, type=click.Path(file_okay=False))
@click.option("--jobs", "-j", default=2, show_default=True, type=int,
              help="Worker processes, each keeping one kernel (and one Chromium for PDFs) for all its reports.")
@click.option("--name-column", default="name", show_default=True, help="Column whose slug names each output.")
@click.option("--summary", type=click.Path(dir_okay=False), help="Summary CSV (default OUT_DIR/<template>-summary.csv).")
@_with_params
@click.option("--pdf", is_flag=True, help="Also print a PDF of each report.")
@click.option("--keep-notebook", is_flag=True, help="Keep each executed notebook beside its HTML.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--resume", is_flag=True,
              help="Skip rows whose report in OUT_DIR was made from the same parameters, template and spinelib "
                   "version.")
@click.option("--wait", "wait_", is_flag=True,
              help="When another spinelib run is writing into OUT_DIR, wait for it to finish (default: wait 3 s, "
                   "then stop with an error).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run the reports on the Dask cluster at ADDRESS (e.g. tcp://127.0.0.1:8786) instead of --jobs local "
                   "processes; they are written here all the same.")
@click.option("--fresh-kernels", is_flag=True,
              help="Start a new kernel (and browser) for every report instead of keeping one per worker, reset "
                   "between reports (slower; the reports are the same).")
@_guard
def batch(template, csv_file, out_dir, jobs, name_column, summary, params, raw, yaml_text, parameters_file, pdf,
          keep_notebook, no_progress, resume, wait_, scheduler, fresh_kernels):
    """Run TEMPLATE once per row of CSV; bad rows are reported and skipped.

    The summary CSV lists every row: ok, skipped (--resume), invalid, failed or interrupted.
    """
    if not Path(csv_file).is_file():
        raise InputError("CSV", "an existing CSV file", csv_file)
    common = collect_parameters(parameters_file, yaml_text, params, raw)

    def invalid(row, message):
        click.echo(f"row {row}: {message} (skipped)", err=True)

    try:
        res = run_batch(template, csv_file, out_dir, jobs=jobs, name_column=name_column, pdf=pdf,
                        keep_notebook=keep_notebook, common=common, progress=not no_progress,
                        summary_path=summary, on_invalid=invalid, scheduler=scheduler, resume=resume,
                        lock_wait=math.inf if wait_ else 3.0, on_wait=_waiting(out_dir) if wait_ else None,
                        warm=not fresh_kernels)
    except Interrupted as exc:
        if exc.result is None:
            raise
        _failed_rows(exc.result.summary)
        _interrupted(exc, exc.result.count("ok") + exc.result.count("skipped"), len(exc.result.summary),
                     exc.result.summary_path)
    _failed_rows(res.summary)
    skipped = res.count("skipped")
    extra = f" ({skipped} skipped: already written from the same parameters)" if resume else ""
    click.echo(f"{res.count('ok') + skipped} of {len(res.summary)} reports written to {out_dir}{extra}; "
               f"summary: {res.summary_path}")
    if not res.ok:
        sys.exit(1)


def _failed_rows(s) -> None:
    for r in s[s["status"] == "failed"].itertuples():
        click.echo(f"row {r.row}: failed: {r.message}", err=True)


@main.command()
@click.option("--out-dir", default="reports/out", show_default=True, type=click.Path(file_okay=False))
@click.option("--jobs", "-j", default=2, show_default=True, type=int)
@click.option("--no-pdf", is_flag=True, help="HTML only.")
@click.option("--no-progress", is_flag=True)
@click.option("--wait", "wait_", is_flag=True, help="When another spinelib run is writing into OUT_DIR, wait for it.")
@click.option("--scheduler", metavar="ADDRESS", help="Build on the Dask cluster at ADDRESS instead of local processes.")
@_guard
def examples(out_dir, jobs, no_pdf, no_progress, wait_, scheduler):
    """Build every example parameter set in data/examples as HTML and PDF."""
    pdf = not no_pdf and pages.chromium_available()
    if not no_pdf and not pdf:
        click.echo(f"warning: no Chromium at {pages.CHROMIUM}: building HTML only (Debian: apt-get install chromium)",
                   err=True)
    try:
        df = build_examples(out_dir, jobs=jobs, pdf=pdf, progress=not no_progress, scheduler=scheduler,
                            lock_wait=math.inf if wait_ else 3.0, on_wait=_waiting(out_dir) if wait_ else None)
    except Interrupted as exc:
        if exc.result is None:
            raise
        _interrupted(exc, int((exc.result["status"] == "ok").sum()), len(exc.result), None)
    for r in df.itertuples():
        extra = " (+ .pdf)" if pdf and r.status == "ok" else ""
        click.echo(f"{r.example}: {r.status} {r.output or r.message}{extra} [{r.seconds:.1f} s]")
    if (df["status"] != "ok").any():
        sys.exit(1)


@main.command()
@click.option("--seeds", default="5", show_default=True, metavar="N",
              help=f"Seeds per figure, {SEEDS_RANGE[0]}-{SEEDS_RANGE[1]} (the model value is their mean; the range "
                   "shows their spread).")
@click.option("--people", default="1000", show_default=True, metavar="N",
              help=f"Simulated people per run, {PEOPLE_RANGE[0]:,}-{PEOPLE_RANGE[1]:,}.")
@click.option("--markdown", is_flag=True, help="Print a Markdown table instead of plain text.")
@_guard
def validate(seeds, people, markdown):
    """Run the model against published figures it was NOT fitted to (data/validation.csv) and print each
    figure, the model's value over the seeds and a verdict: within, direction right or wrong."""
    n_seeds = number(seeds, "--seeds", *SEEDS_RANGE, whole=True)
    n_people = number(people, "--people", *PEOPLE_RANGE, whole=True)
    table = validation_table(seeds=n_seeds, people=n_people)
    if markdown:
        click.echo(validation_markdown(table))
    else:
        for r in table.itertuples():
            click.echo(f"{r.id:<4} {r.verdict:<16} published {r.published:g} ({r.lo:g} to {r.hi:g}); "
                       f"model {r.model:.3g} ({r.model_min:.3g} to {r.model_max:.3g})  [{r.source}] {r.topic}")
    counts = verdict_counts(table)
    click.echo(f"\n{len(table)} figures, {n_seeds} seed(s) x {n_people:,} people: "
               + ", ".join(f"{n} {v}" for v, n in counts.items()) + ". A teaching model; not medical advice.")


@main.command()
@click.argument("study_file", metavar="STUDY.yaml", type=click.Path(dir_okay=False))
@click.option("--out-dir", type=click.Path(file_okay=False),
              help="Folder of the results (default: experiments/<study name>). Run again to resume.")
@click.option("--jobs", "-j", default=2, show_default=True, type=int, help="Local worker processes (1: this one).")
@click.option("--scheduler", metavar="ADDRESS",
              help="Run the cells on the Dask cluster at ADDRESS (e.g. tcp://127.0.0.1:8786) instead of --jobs local "
                   "processes; results are written here all the same.")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@click.option("--wait", "wait_", is_flag=True, help="When another spinelib run is writing into OUT_DIR, wait for it.")
@_guard
def experiment(study_file, out_dir, jobs, scheduler, no_progress, wait_):
    """Run a study (scenarios x parameter sets x seeds x cohort sizes) into tidy Parquet results.

    Cells already in OUT_DIR are not run again, so an interrupted study resumes.
    """
    study = load_study(study_file)
    out = Path(out_dir) if out_dir else Path("experiments") / study.name
    if jobs < 1:
        raise InputError("--jobs", "a whole number of at least 1", jobs)
    try:
        res = run_study(study, out, workers=jobs, scheduler=scheduler, progress=not no_progress,
                        lock_wait=math.inf if wait_ else 3.0)
    except Interrupted as exc:
        done = exc.result.ran + exc.result.skipped if exc.result is not None else 0
        _fail(f"interrupted by {exc.signame}: {done} of {study.n_cells} cells done in {out}; run the same command "
              "again to resume", exc.exit_code)
    click.echo(f"{study.name}: {res.ran} cells run, {res.skipped} already done, {study.n_cells} in all, "
               f"{res.seconds:.1f} s; results: {out / 'results.parquet'}")


@main.command()
@click.option("--out-dir", default="build/classroom", show_default=True, type=click.Path(file_okay=False),
              help="Where the student/ and answer-key/ editions go.")
@click.option("--grade", "submissions", type=click.Path(exists=True, file_okay=False), default=None,
              help="Grade the submitted student notebooks under this folder instead (one sub-folder per student).")
@click.option("--grades", "grades_csv", default=None, type=click.Path(dir_okay=False),
              help="The grades CSV to write (default: OUT_DIR/grades.csv).")
@click.argument("notebooks", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@_guard
def classroom(out_dir, submissions, grades_csv, notebooks):
    """The classroom edition: derive student notebooks (no solutions) and an answer key from the lessons
    (default: notebooks/0*.ipynb), or, with --grade, grade submitted notebooks into a CSV with feedback."""
    if submissions:
        out = Path(grades_csv or Path(out_dir) / "grades.csv")
        rows = grade_folder(submissions, out)
        for r in rows:
            if r["question"] == "TOTAL":
                click.echo(f"{r['student']} {r['notebook']}: {r['feedback']}")
        click.echo(f"grades: {out}")
        return
    lessons = [Path(n) for n in notebooks] or sorted(
        p for p in (Path(__file__).resolve().parents[2] / "notebooks").glob("0*.ipynb"))
    if not lessons:
        raise click.UsageError("no lesson notebooks given or found in notebooks/")
    written = build_editions(lessons, out_dir)
    for edition, paths in written.items():
        click.echo(f"{edition}: {len(paths)} notebooks in {Path(out_dir) / edition}")


if __name__ == "__main__":  # pragma: no cover
    main()
