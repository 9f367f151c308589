"""Parameterized reports: validate, execute with papermill, render self-contained HTML and PDF.

One runner for every report template in ``reports/templates`` (shipped inside the wheel as
``spinelib/templates``)::

    run_report("personal-plan", {"name": "Ana", "minutes_per_day": 15}, "reports/out/ana.html")

The package, bottom up:

- :mod:`.templates`: the registry of shipped templates (:data:`TEMPLATES`), finding a template
  and the parameters it declares; :class:`ReportError`;
- :mod:`.parameters`: the rules each parameter is checked against before any kernel starts;
- :mod:`.batch_input`: the rows and cells of a batch CSV, and output names;
- :mod:`.pages`: the self-contained HTML page and the PDF printed by Chromium (:class:`PdfPrinter`:
  one browser for many PDFs);
- :mod:`.nbrun`: running a notebook headless in a fresh kernel (local-socket kernels);
- :mod:`.warm`: warm kernels, reset to a clean namespace before each report (:class:`ReportSession`);
- :mod:`spinelib.executor` (shared with experiments): local worker processes or a Dask cluster; Ctrl-C and SIGTERM as :class:`Interrupted`;
- :mod:`.runner`: one report, a batch over a CSV, the shipped examples (atomic writes, warm
  kernels per worker, a folder lock, ``resume``, a summary even when interrupted);
- :mod:`.blocks`: the tables, figures and call-outs the templates show (``from spinelib.reports
  import blocks as rf``; loads matplotlib, so it is not imported here);
- :mod:`.cli`: the ``spinelib`` command line (``report``, ``batch``, ``examples``, ``validate``, ``experiment``).

Nothing here is medical advice.
"""
from __future__ import annotations

import sys

# nbformat validates notebooks with jsonschema, which, when the optional ``rfc3987-syntax`` package
# is installed (Jupyter's event library pulls it in), compiles about 40 grammars at import to check
# "iri" string formats that the notebook schema never uses: about 2 s of CPU in every process that
# reads a notebook (the command, each batch worker). Without it jsonschema skips only that check.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)

from ..executor import Interrupted, open_executor
from .pages import CHROMIUM, CSP, PAGE_CSS, PdfPrinter, check_self_contained, chromium_available, html_to_pdf, render_html
from .parameters import RULES, describe_parameters, load_parameter_file, validate_parameters
from .batch_input import read_batch_rows, safe_output_name
from .runner import (STEP_COLUMNS, BatchResult, ReportResult, build_examples, example_sets, execute_template, run_batch,
                     run_report)
from .warm import ReportSession
from .templates import TEMPLATES, ReportError, TemplateInfo, template_path, template_parameters

__all__ = [
    "TEMPLATES",
    "TemplateInfo",
    "ReportError",
    "ReportResult",
    "BatchResult",
    "template_path",
    "template_parameters",
    "RULES",
    "describe_parameters",
    "validate_parameters",
    "load_parameter_file",
    "execute_template",
    "PAGE_CSS",
    "CSP",
    "CHROMIUM",
    "render_html",
    "check_self_contained",
    "html_to_pdf",
    "chromium_available",
    "run_report",
    "read_batch_rows",
    "run_batch",
    "safe_output_name",
    "example_sets",
    "build_examples",
    "STEP_COLUMNS",
    "Interrupted",
    "open_executor",
    "PdfPrinter",
    "ReportSession",
]
