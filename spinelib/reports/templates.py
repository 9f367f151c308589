"""The report templates shipped with spinelib, and the parameters each one declares.

A template is named by its key (``personal-plan``; ``personal_plan`` and ``personal_plan.ipynb``
work too) or given as the path of any ``.ipynb`` file with a cell tagged ``parameters``.
The files live in ``reports/templates`` (inside the wheel: ``spinelib/templates``; see
:func:`spinelib.resources.templates_dir`).
"""
from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, fmt_allowed
from ..resources import templates_dir

__all__ = ["TemplateInfo", "TEMPLATES", "ReportError", "template_key", "template_label", "template_path",
           "template_parameters"]


class ReportError(RuntimeError):
    """A report could not be produced (the notebook failed, or Chromium did); one-line message."""


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
    "progress-report": TemplateInfo(
        "progress-report", "progress_report.ipynb", "Progress report",
        "One person's practice log: streaks, adherence against the plan, weekly minutes, weekly measures against "
        "their minimal important differences, the log over the simulated cohort for the same routine, and a "
        "personal forecast with honest intervals."),
}


def template_key(template) -> str | None:
    """The registry key of a shipped template given by name, else ``None`` (a path, or unknown).

    >>> template_key("Personal_Plan.ipynb"), template_key("nope")
    ('personal-plan', None)
    """
    if isinstance(template, str):
        k = template.strip().lower().replace("_", "-").removesuffix(".ipynb")
        if k in TEMPLATES:
            return k
    return None


def template_label(template) -> str:
    """A short name for messages and file names: the registry key, else the file's stem."""
    key = template_key(template)
    return key if key else Path(str(template)).stem


def template_path(template) -> Path:
    """Path of a template given its name (``personal-plan`` or ``personal_plan``) or a path to an .ipynb."""
    key = template_key(template)
    if key is not None:
        p = templates_dir() / TEMPLATES[key].file
        if not p.is_file():
            raise InputError("template", f"an installed template (missing file {p})", template)
        return p
    p = Path(str(template))
    if p.suffix == ".ipynb" and p.is_file():
        return p.resolve()
    raise InputError("template", fmt_allowed(TEMPLATES) + " or the path of a .ipynb template", str(template))


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
