"""Parameterized reports: validate, execute with papermill, render self-contained HTML and PDF.

One runner for every report template in ``reports/templates`` (shipped inside the wheel as
``spinelib/templates``)::

    run_report("personal-plan", {"name": "Ana", "minutes_per_day": 15}, "reports/out/ana.html")

1. **Validate before any kernel starts.** Parameter names come from the template itself
   (:func:`papermill.inspect_notebook`); types and ranges from :class:`spinelib.Profile` and
   the simulator's scenarios. A bad value raises a one-line :class:`~spinelib.errors.InputError`
   naming the field and the allowed range.
2. **Execute** with the papermill Python API (one kernel per report, no CLI start-up cost).
3. **Render** HTML without code cells (nbconvert ``HTMLExporter(exclude_input=True)``), wrapped in
   our own page: images embedded as ``data:`` URIs, no script, font or stylesheet from the
   network (a Content-Security-Policy forbids any), print-friendly CSS.
4. **Write atomically**: every output is first written to a temporary file in the target folder
   and renamed into place only when all of them are complete, so a failure never leaves a half
   report nor destroys an earlier one. ``pdf=True`` prints the HTML with the system Chromium.

:func:`run_batch` runs one template over the rows of a CSV file with a process pool, and
:func:`build_examples` builds the parameter sets in ``data/examples``.
Nothing here is medical advice.
"""
from __future__ import annotations

import ast
import concurrent.futures as cf
import datetime as _dt
import functools
import html as _html
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from .atomic import temp_beside, write_temp
from .errors import InputError, fmt_allowed

__all__ = [
    "TEMPLATES",
    "ReportError",
    "ReportResult",
    "BatchResult",
    "templates_dir",
    "template_path",
    "template_parameters",
    "describe_parameters",
    "validate_parameters",
    "execute_template",
    "render_html",
    "check_self_contained",
    "html_to_pdf",
    "run_report",
    "read_batch_rows",
    "run_batch",
    "example_sets",
    "build_examples",
    "chromium_available",
    "safe_output_name",
]

CHROMIUM = os.environ.get("SPINELIB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
)
SEED_MAX = 2**32 - 1


@dataclass(frozen=True)
class TemplateInfo:
    """A report template shipped with spinelib."""

    key: str
    file: str
    title: str
    description: str


TEMPLATES = {
    "personal-plan": TemplateInfo(
        "personal-plan", "personal_plan.ipynb", "Personal plan",
        "One person's plan: red-flag screen, day plan in three slots, week schedule, progression ladder, "
        "five-insight audit, projection for a cohort of similar people, evidence cited."),
    "scenario-comparison": TemplateInfo(
        "scenario-comparison", "scenario_comparison.ipynb", "Scenario comparison",
        "Two simulator scenarios side by side: plots, a table of outcomes with 95% intervals, and which "
        "differences are real at this cohort size."),
}


class ReportError(RuntimeError):
    """A report could not be produced (the notebook failed, or Chromium did); one-line message."""


@dataclass
class ReportResult:
    """What :func:`run_report` wrote."""

    html: Path
    pdf: Path | None = None
    notebook: Path | None = None
    seconds: float = 0.0
    parameters: dict = field(default_factory=dict)


# ----- templates and their parameters ------------------------------------------------------
def templates_dir() -> Path:
    """Folder of the report templates: the installed package first, then the repository checkout."""
    installed = resources.files("spinelib") / "templates"
    if installed.is_dir() and any(p.name.endswith(".ipynb") for p in installed.iterdir()):
        return Path(str(installed))
    return Path(__file__).resolve().parent.parent / "reports" / "templates"


def _key(template) -> str | None:
    if isinstance(template, str):
        k = template.strip().lower().replace("_", "-").removesuffix(".ipynb")
        if k in TEMPLATES:
            return k
    return None


def template_path(template) -> Path:
    """Path of a template given its name (``personal-plan`` or ``personal_plan``) or a path to an .ipynb."""
    key = _key(template)
    if key is not None:
        p = templates_dir() / TEMPLATES[key].file
        if not p.is_file():
            raise InputError("template", f"an installed template (missing file {p})", template)
        return p
    p = Path(str(template))
    if p.suffix == ".ipynb" and p.is_file():
        return p.resolve()
    raise InputError("template", fmt_allowed(TEMPLATES) + " or the path of a .ipynb template", str(template))


def _label(template) -> str:
    key = _key(template)
    return key if key else Path(str(template)).stem


def _literal(text: str):
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


@functools.lru_cache(maxsize=16)
def _inspect(path: str, mtime: float) -> dict:
    import papermill

    raw = papermill.inspect_notebook(path)
    return {name: {"default": _literal(p["default"]), "default_text": p["default"], "help": p.get("help", "")}
            for name, p in raw.items()}


def template_parameters(template) -> dict:
    """The parameters a template declares: ``{name: {"default", "default_text", "help"}}``.

    Read with :func:`papermill.inspect_notebook` from the cell tagged ``parameters``.
    """
    p = template_path(template)
    return {k: dict(v) for k, v in _inspect(str(p), p.stat().st_mtime).items()}


# ----- validation rules --------------------------------------------------------------------
def _whole(field_name, lo, hi, what="a whole number"):
    allowed = f"{what} from {lo} to {hi}"

    def check(v):
        if isinstance(v, bool):
            raise InputError(field_name, allowed, v)
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, str) and re.fullmatch(r"\s*-?\d+\s*", v):
            v = int(v)
        if not isinstance(v, int) or not lo <= v <= hi:
            raise InputError(field_name, allowed, v)
        return v

    check.allowed = allowed
    return check


def _text(field_name, lo, hi):
    allowed = f"text of {lo} to {hi} characters"

    def check(v):
        if not isinstance(v, str) or not lo <= len(v.strip()) <= hi:
            raise InputError(field_name, allowed, v)
        return v.strip()

    check.allowed = allowed
    return check


def _date(field_name):
    allowed = "a date written YYYY-MM-DD, or empty for today"

    def check(v):
        if isinstance(v, _dt.date):
            return v.isoformat()
        if v is None or v == "":
            return ""
        if isinstance(v, str):
            try:
                return _dt.date.fromisoformat(v.strip()).isoformat()
            except ValueError:
                pass
        raise InputError(field_name, allowed, v)

    check.allowed = allowed
    return check


def _scenario_names() -> list:
    try:
        from .simulate import scenarios
    except ImportError:
        try:
            from .scenarios import scenarios
        except ImportError:
            raise ReportError("the simulator (spinelib.simulate) is not installed") from None
    return list(scenarios())


SCENARIO_KEYS = ("base", "label", "params")


def _scenario(field_name):
    def check(v):
        known = _scenario_names()
        if isinstance(v, str) and v.strip() in known:
            return v.strip()
        if isinstance(v, dict):
            return _check_scenario_settings(field_name, v, known)
        raise InputError(field_name, "a built-in scenario (" + ", ".join(known) + ") or a mapping of its settings", v)

    check.allowed = ("a built-in scenario name (spinelib.scenarios()) or settings {base: <name>, label: <text>, "
                     "params: {<simulator parameter>: <value>}}")
    return check


def _check_scenario_settings(field_name, settings: dict, known) -> dict:
    """Validate ``{base, label, params}`` with the simulator's own parameter checks (no kernel)."""
    from .params import Params

    for k in settings:
        if k not in SCENARIO_KEYS:
            raise InputError(f"{field_name}.{k}", "one of the settings " + ", ".join(SCENARIO_KEYS))
    base = settings.get("base")
    if base not in known:
        raise InputError(f"{field_name}.base", "a built-in scenario (" + ", ".join(known) + ")", base)
    out = {"base": base}
    if settings.get("label") not in (None, ""):
        out["label"] = _text(f"{field_name}.label", 1, 60)(settings["label"])
    params = settings.get("params") or {}
    if not isinstance(params, dict):
        raise InputError(f"{field_name}.params", "a mapping of simulator parameter names to values", params)
    try:
        Params.coerce(params)
    except InputError as exc:
        sub = f"{field_name}.params" + ("" if exc.field == "params" else f".{exc.field}")
        raise InputError(sub, exc.allowed, exc.got) from None
    if params:
        out["params"] = dict(params)
    return out


PROFILE_FIELDS = ("minutes_per_day", "days_per_week", "equipment", "positions", "irritability", "load_stage",
                  "goals", "red_flags")

RULES = {
    "personal-plan": {
        "name": _text("name", 1, 80),
        "report_date": _date("report_date"),
        "weeks": _whole("weeks", 1, 52, "a whole number of weeks"),
        "people": _whole("people", 100, 20000, "a whole number of people"),
        "seed": _whole("seed", 0, SEED_MAX),
    },
    "scenario-comparison": {
        "scenario_a": _scenario("scenario_a"),
        "scenario_b": _scenario("scenario_b"),
        "people": _whole("people", 100, 100000, "a whole number of people"),
        "weeks": _whole("weeks", 1, 104, "a whole number of weeks"),
        "seed": _whole("seed", 0, SEED_MAX),
        "title": lambda v: _text("title", 0, 120)(v) if v else "",
    },
}
RULES["scenario-comparison"]["title"].allowed = "text of at most 120 characters (empty: automatic)"


def _type_name(v) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text", list: "a list",
            dict: "a mapping", tuple: "a list"}.get(type(v), type(v).__name__)


def _generic(field_name, default):
    """Type check from the template's default value, for parameters without a rule."""
    if default is None:
        return lambda v: v
    want = type(default)

    def check(v):
        if want is float and isinstance(v, int) and not isinstance(v, bool):
            return float(v)
        if want in (list, tuple) and isinstance(v, (list, tuple)):
            return list(v)
        if not isinstance(v, want) or (want is int and isinstance(v, bool)):
            raise InputError(field_name, _type_name(default), v)
        return v

    return check


def _allowed_text(key, name, default) -> str:
    if key == "personal-plan" and name in PROFILE_FIELDS:
        from .profile import ALLOWED

        return ALLOWED[name]
    rule = RULES.get(key, {}).get(name)
    if rule is not None and hasattr(rule, "allowed"):
        return rule.allowed
    return _type_name(default) if default is not None else "any literal"


def describe_parameters(template) -> pd.DataFrame:
    """One row per declared parameter: name, default, allowed values and help text."""
    key = _key(template)
    rows = []
    for name, p in template_parameters(template).items():
        rows.append({"name": name, "default": p["default_text"], "allowed": _allowed_text(key, name, p["default"]),
                     "help": p["help"]})
    return pd.DataFrame(rows, columns=["name", "default", "allowed", "help"])


def validate_parameters(template, parameters: dict | None) -> dict:
    """Check parameters against the template, without starting a kernel; return them cleaned.

    Unknown names, wrong types and out-of-range values raise a one-line
    :class:`~spinelib.errors.InputError` naming the field and the allowed values.
    """
    parameters = dict(parameters or {})
    declared = template_parameters(template)
    key = _key(template)
    label = _label(template)
    for name in parameters:
        if name not in declared:
            raise InputError(name, f"a parameter of {label}: one of {', '.join(declared)}")
    clean: dict = {}
    rules = RULES.get(key, {})
    for name, value in parameters.items():
        if key == "personal-plan" and name in PROFILE_FIELDS:
            continue
        rule = rules.get(name) or _generic(name, declared[name]["default"])
        clean[name] = rule(value)
    if key == "personal-plan":
        from .profile import Profile

        given = {k: parameters[k] for k in PROFILE_FIELDS if k in parameters}
        defaults = {k: declared[k]["default"] for k in PROFILE_FIELDS if k in declared and k not in given}
        prof = Profile(**{**defaults, **given}).to_dict()
        for k in given:
            clean[k] = prof[k]
        if "red_flags" in given:  # keep only the answered questions, as plain "yes"/"no" booleans
            clean["red_flags"] = dict(prof["red_flags"])
    return clean


# ----- execution and rendering -------------------------------------------------------------
def execute_template(template, parameters: dict, *, cwd=None, timeout: int = 600):
    """Execute a template with papermill's Python API; return the executed notebook node.

    A failing cell raises :class:`ReportError` with a one-line message.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError
    from .nbrun import drop_ipc_dir, ipc_kernel_manager_class

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
        raise ReportError(f"{_label(template)}: cell {exc.exec_count} raised {exc.ename}: {evalue}") from None
    finally:
        drop_ipc_dir()


PAGE_CSS = """
:root { --ink: #1d2329; --muted: #5b6670; --rule: #d5dbe0; --accent: #2a6f97; --warn: #9a5b00; --bad: #a4262c; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
main.report { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.5rem 3rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; color: var(--accent); }
h2 { font-size: 1.3rem; margin: 1.8rem 0 .5rem; padding-bottom: .2rem; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 1.1rem 0 .4rem; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
p, li { max-width: 52rem; }
a { color: var(--accent); }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .88rem; width: auto; max-width: 100%; }
th, td { border: 1px solid var(--rule); padding: .28rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #eef2f5; }
tbody tr:nth-child(even) { background: #f8fafb; }
td ul { margin: 0; padding-left: 1.1rem; }
tr, img, figure, .keep, .callout, .note, section#outcomes, section#audit, section#red-flags, table.week, table.audit, table.projection, table.parameters, table.outcomes
  { break-inside: avoid; page-break-inside: avoid; }
table.plan { width: 100%; }
table.plan td:first-child { width: 24%; } table.plan td:nth-child(2) { width: 18%; }
h2[id^="Evidence"] ~ ul { font-size: .85rem; }
h2[id^="Evidence"] ~ ul li { margin-bottom: .3rem; }
img { max-width: 100%; height: auto; display: block; margin: .4rem 0 1rem; }
pre { white-space: pre-wrap; font-size: .85rem; }
.output_stderr, .jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"] { display: none; }
table.parameters th { white-space: nowrap; background: #f4f6f8; }
.nowrap { white-space: nowrap; }
.meta { color: var(--muted); font-size: .9rem; }
.callout { border-left: 5px solid var(--accent); background: #eef5f9; padding: .7rem 1rem; margin: 1rem 0; }
.callout.referral { border-color: var(--bad); background: #fbeeee; font-size: 1.05rem; }
.callout.warn { border-color: var(--warn); background: #fdf5e8; }
.status-pass { color: #1e6b34; font-weight: 600; }
.status-warn { color: var(--warn); font-weight: 600; }
.status-fail { color: var(--bad); font-weight: 600; }
.note { border-top: 2px solid var(--rule); margin-top: 2rem; padding-top: .6rem; color: var(--muted); font-size: .9rem; }
.page-break { break-before: page; page-break-before: always; }
@page { size: A4; margin: 14mm 13mm 16mm; }
@media print {
  body { font-size: 10.5pt; }
  main.report { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h2 { margin-top: 1rem; }
}
"""
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'"


def _prepare(nb):
    """Drop what a reader should not see: stderr streams, cells tagged remove-cell, empty cells."""
    import copy

    nb = copy.deepcopy(nb)
    keep = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "remove-cell" in tags or "remove_cell" in tags:
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            if not cell.outputs:
                continue
        keep.append(cell)
    nb.cells = keep
    return nb


@functools.lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, anchor_link_text="")


_IMG_ALT = 'alt="No description has been provided for this image"'


def render_html(nb, title: str = "spinelib report") -> str:
    """Render an executed notebook as one self-contained HTML page, without code cells."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise ReportError(f"the notebook holds an error output ({out.get('ename')}); not rendering it")
    body, _ = _exporter().from_notebook_node(_prepare(nb))
    body = body.replace(_IMG_ALT, 'alt="Figure"')
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"spinelib reports\">\n"
        f"<title>{_html.escape(title)}</title>\n<style>{PAGE_CSS}</style>\n</head>\n"
        f"<body>\n<main class=\"report\">\n{body}\n</main>\n</body>\n</html>\n"
    )
    check_self_contained(page)
    return page


_EXTERNAL = [
    (re.compile(r"<script\b[^>]*\bsrc\s*=", re.I), "a <script src=...>"),
    (re.compile(r"<link\b[^>]*\bhref\s*=", re.I), "a <link href=...>"),
    (re.compile(r"<(?:img|iframe|embed|source|video|audio|object)\b[^>]*\b(?:src|data)\s*=\s*(?![\"']?data:)", re.I),
     "an embedded resource not in a data: URI"),
    (re.compile(r"@import", re.I), "a CSS @import"),
    (re.compile(r"url\(\s*[\"']?(?!data:)(?:https?:)?//", re.I), "a CSS url() from the network"),
]


def check_self_contained(page: str) -> None:
    """Raise :class:`ReportError` when the page would load anything from outside itself."""
    for pattern, what in _EXTERNAL:
        m = pattern.search(page)
        if m:
            raise ReportError(f"the HTML would load {what} ({page[m.start():m.start() + 60]!r}); refusing to write it")


# ----- atomic writes: spinelib.atomic ------------------------------------------------------


def html_to_pdf(html_path, pdf_path, *, timeout: float = 120) -> Path:
    """Print an HTML file to PDF with the system Chromium (headless); written atomically."""
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    if not Path(CHROMIUM).exists():
        raise ReportError(f"PDF needs Chromium at {CHROMIUM} (Debian package `chromium`; or set SPINELIB_CHROMIUM)")
    tmp = temp_beside(pdf_path, ".pdf")
    try:
        with tempfile.TemporaryDirectory(prefix="spinelib-chromium-") as profile:
            cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}",
                   html_path.as_uri()]
            try:
                proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
            except subprocess.TimeoutExpired:
                raise ReportError(f"Chromium did not finish printing {html_path.name} within {timeout:g} s") from None
        with open(tmp, "rb") as fh:
            ok = fh.read(5) == b"%PDF-"
        if proc.returncode != 0 or not ok:
            last = (proc.stderr.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
            raise ReportError(f"Chromium could not print {html_path.name} (exit {proc.returncode}): {last}")
        os.replace(tmp, pdf_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return pdf_path


def _title(template, params: dict) -> str:
    info = TEMPLATES.get(_key(template) or "")
    base = info.title if info else _label(template)
    who = params.get("name") or params.get("title")
    return f"{base}: {who}" if who else base


def run_report(template, parameters: dict | None = None, output=None, *, pdf: bool = False,
               keep_notebook: bool = False, validate: bool = True, timeout: int = 600) -> ReportResult:
    """Validate, execute and render one report; write HTML (and PDF, notebook) atomically.

    ``output`` is the HTML path (default ``reports/out/<template>.html``). With
    ``keep_notebook`` the executed notebook is kept beside it (same name, ``.ipynb``); with
    ``pdf`` a PDF too (``.pdf``). Nothing is written unless everything succeeded.
    """
    t0 = time.perf_counter()
    params = validate_parameters(template, parameters) if validate else dict(parameters or {})
    out = Path(output) if output is not None else Path("reports/out") / f"{_label(template)}.html"
    if out.suffix.lower() not in (".html", ".htm"):
        raise InputError("output", "a path ending in .html", str(out))
    nb = execute_template(template, params, timeout=timeout)
    page = render_html(nb, title=_title(template, params))
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
    return ReportResult(html=out, pdf=pdf_path, notebook=nb_path, seconds=time.perf_counter() - t0, parameters=params)


# ----- batch -------------------------------------------------------------------------------
_UNSAFE_NAME = re.compile(r"[/\\]|\.\.|^\s*\.|[\x00-\x1f]")


def safe_output_name(value, row: int, used: set, column: str = "name") -> str:
    """A unique file stem from a slug of ``value``; names that look like paths are refused.

    >>> used = set()
    >>> safe_output_name("Ana María", 1, used), safe_output_name("ana maria", 2, used)
    ('ana-maria', 'ana-maria-2')
    >>> safe_output_name("../../etc/x", 3, used)
    Traceback (most recent call last):
    ...
    spinelib.errors.InputError: name: must be a plain name without '/', '\\' or '..' (got '../../etc/x')
    """
    from slugify import slugify

    text = "" if value is None else str(value)
    if _UNSAFE_NAME.search(text):
        raise InputError(column, "a plain name without '/', '\\' or '..'", text)
    stem = slugify(text, max_length=60, word_boundary=True) or f"row-{row}"
    candidate, n = stem, 1
    while candidate in used:
        n += 1
        candidate = f"{stem}-{n}"
    used.add(candidate)
    return candidate


def _from_text(text: str, default):
    """Turn a CSV cell into a parameter value, guided by the template default's type."""
    import yaml

    s = text.strip()
    if isinstance(default, bool):
        low = s.lower()
        return True if low in ("true", "yes", "1") else False if low in ("false", "no", "0") else s
    if isinstance(default, int):
        return int(s) if re.fullmatch(r"-?\d+", s) else s
    if isinstance(default, float):
        try:
            return float(s)
        except ValueError:
            return s
    if isinstance(default, (list, tuple)):
        if s.startswith("["):
            try:
                return yaml.safe_load(s)
            except yaml.YAMLError:
                return s
        return [p.strip() for p in re.split(r"[;,]", s) if p.strip()]
    if isinstance(default, dict):
        try:
            v = yaml.safe_load(s)
        except yaml.YAMLError:
            return s
        return v if isinstance(v, dict) else s
    return s


def read_batch_rows(template, table, *, name_column: str = "name") -> list[dict]:
    """Read a CSV (path or DataFrame) into one parameter dict per row, from text cells.

    Empty cells keep the template default. Columns ``red_flags.<question id>`` are gathered
    into the ``red_flags`` mapping. A column that is not a parameter is refused.
    """
    df = table if isinstance(table, pd.DataFrame) else pd.read_csv(table, dtype=str, keep_default_na=False)
    df = df.astype(str)
    declared = template_parameters(template)
    for col in df.columns:
        base = col.split(".", 1)[0]
        if col != name_column and base not in declared:
            raise InputError(f"column {col}", f"a parameter of {_label(template)}: one of {', '.join(declared)}")
    if name_column not in df.columns:
        raise InputError("name column", "a column of the CSV: " + ", ".join(df.columns), name_column)
    rows = []
    for rec in df.to_dict(orient="records"):
        params: dict = {}
        for col, text in rec.items():
            if text.strip() == "":
                continue
            base, _, sub = col.partition(".")
            if base not in declared:
                continue
            if sub:
                params.setdefault(base, {})[sub] = text.strip()
            else:
                params[base] = _from_text(text, declared[base]["default"])
        rows.append({"params": params, "name": rec.get(name_column, "")})
    return rows


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


def _job(args):
    """Run one report in a worker process; never raises (returns a summary row)."""
    row, template, params, out, pdf, keep = args
    t0 = time.perf_counter()
    try:
        res = run_report(template, params, out, pdf=pdf, keep_notebook=keep, validate=False)
        return {"row": row, "status": "ok", "output": str(res.html), "seconds": round(res.seconds, 2), "message": ""}
    except (InputError, ReportError) as exc:
        msg = str(exc)
    except Exception as exc:  # a report must not take the batch down with it
        msg = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    return {"row": row, "status": "failed", "output": "", "seconds": round(time.perf_counter() - t0, 2),
            "message": msg}


def _pool_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_jobs(jobs: list, workers: int, progress: bool, desc: str) -> list[dict]:
    from tqdm.auto import tqdm

    results = []
    bar = tqdm(total=len(jobs), desc=desc, unit="report", disable=not progress, file=sys.stderr)
    try:
        if workers <= 1 or len(jobs) <= 1:
            for j in jobs:
                results.append(_job(j))
                bar.update(1)
        else:
            ctx = _pool_context()
            if ctx.get_start_method() == "fork":  # warm the imports once; forked workers inherit them
                import papermill  # noqa: F401

                _exporter()
            with cf.ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx) as pool:
                futures = [pool.submit(_job, j) for j in jobs]
                for fut in cf.as_completed(futures):
                    results.append(fut.result())
                    bar.update(1)
    finally:
        bar.close()
    return results


SUMMARY_COLUMNS = ["row", "status", "output", "seconds", "message"]


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
    jobs = _whole("jobs", 1, 64)(jobs)
    out_dir = Path(out_dir)
    root = out_dir.resolve()
    label = _label(template)
    tpath = template_path(template)
    rows = read_batch_rows(template, table, name_column=name_column)
    used: set = set()
    summary, work = [], []
    for i, rec in enumerate(rows, start=1):
        try:
            params = validate_parameters(template, {**(common or {}), **rec["params"]})
            stem = safe_output_name(rec["name"], i, used, name_column)
            out = out_dir / f"{stem}.html"
            if root not in out.resolve().parents:
                raise InputError(name_column, f"a name that stays inside {out_dir}", rec["name"])
        except InputError as exc:
            summary.append({"row": i, "status": "invalid", "output": "", "seconds": 0.0, "message": str(exc)})
            if on_invalid:
                on_invalid(i, str(exc))
            continue
        work.append((i, template if _key(template) else str(tpath), params, str(out), pdf, keep_notebook))
    summary += _run_jobs(work, jobs, progress, desc=label)
    df = pd.DataFrame(summary, columns=SUMMARY_COLUMNS).sort_values("row").reset_index(drop=True)
    spath = Path(summary_path) if summary_path else out_dir / f"{label}-summary.csv"
    tmp = write_temp(spath, df.to_csv(index=False), ".csv")
    os.replace(tmp, spath)
    return BatchResult(summary=df, summary_path=spath)


# ----- examples ----------------------------------------------------------------------------
def examples_dir() -> Path:
    """``data/examples``: the installed package first, then the repository checkout."""
    installed = resources.files("spinelib") / "data" / "examples"
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parent.parent / "data" / "examples"


def load_parameter_file(path) -> dict:
    """Parameters from a YAML file: a plain mapping, or ``{template: ..., parameters: {...}}``."""
    import yaml

    p = Path(path)
    if not p.is_file():
        raise InputError("parameters file", "an existing YAML file", str(path))
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        raise InputError("parameters file", "valid YAML",
                         f"{p.name} line {where.line + 1}" if where else p.name) from None
    if not isinstance(data, dict):
        raise InputError("parameters file", "a YAML mapping of parameter names to values", p.name)
    if "parameters" in data and set(data) <= {"template", "parameters", "output", "description"}:
        data = data["parameters"] or {}
    return data


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


def chromium_available() -> bool:
    """True when the Chromium that prints PDFs is installed (see ``CHROMIUM``)."""
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def build_examples(out_dir, *, jobs: int = 2, pdf: bool = True, progress: bool = True) -> pd.DataFrame:
    """Build every example parameter set as HTML (and PDF) into ``out_dir``; return the summary.

    PDFs need Chromium; without it only the HTML is built (the caller says so).
    """
    out_dir = Path(out_dir)
    pdf = pdf and chromium_available()
    work, used = [], set()
    for i, ex in enumerate(example_sets(), start=1):
        params = validate_parameters(ex["template"], ex["parameters"])
        stem = safe_output_name(ex["output"], i, used, "output")
        work.append((i, ex["template"], params, str(out_dir / f"{stem}.html"), pdf, False))
    res = _run_jobs(work, jobs, progress, desc="examples")
    df = pd.DataFrame(res, columns=SUMMARY_COLUMNS).sort_values("row").reset_index(drop=True)
    df.insert(1, "example", [example_sets()[r - 1]["file"] for r in df["row"]])
    return df
