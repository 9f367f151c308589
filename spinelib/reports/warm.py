"""Warm kernels for batches: one kernel per worker process, a clean namespace for every report.

Most of a cold report is spent starting a kernel and importing spinelib, pandas and matplotlib
into it. :class:`WarmKernel` keeps one ipykernel (on local sockets, as :mod:`.nbrun` starts them)
and runs report after report on it through papermill (a registered papermill engine that uses
the kept kernel), so parameters are injected exactly as ``papermill.execute_notebook`` does and
a failing cell gives the same one-line error as :func:`~.runner.execute_template`.

Before each report the kernel is put back in the state it had just after it started and imported
:data:`WARM_IMPORTS` (:func:`reset_kernel_state`, run inside the kernel):

- the user namespace is emptied as by ``%reset -f`` (a new history session, so cells count from
  1 again): no variable, function or import name of one report is seen by the next;
- matplotlib figures are closed, ``rcParams`` and the backend restored; pandas and numpy
  options restored; the global ``random`` and ``numpy.random`` generators reseeded from the OS
  (as a new kernel is), so a seed set by one report does not reach the next;
- the working folder, environment variables, ``sys.path``, warning filters, builtins, standard
  streams and hooks, logging's root logger, IPython's display formatters, input transformers
  and event callbacks are restored.

Imported modules stay imported (that is the speed-up). Their module-level caches (the routine
builder's cache, ``lru_cache``'d catalogue and evidence tables, the simulator's plans) hold
results that depend only on their arguments, so a report sees the same values as in a new
kernel. What one report does to the state of a module beyond the list above is not undone; the
templates do none of it.

A kernel is replaced (shut down, a new one started on the next report) after ``max_reports``
reports, after any failed report (a cell that raised, a timeout, a kernel that died) and when
its reset fails; a kernel that is found dead before a report is replaced without failing it.

:class:`ReportSession` is what a batch worker keeps for its lifetime: a warm kernel and, when a
report asks for a PDF, one :class:`~.pages.PdfPrinter` (one Chromium) for all its PDFs::

    with ReportSession() as session:
        for params in rows:
            nb = session.execute("personal-plan", params)              # like execute_template
            ...
            report = session.render("personal-plan", params, pdf=True)  # page, PDF bytes, seconds
"""
from __future__ import annotations

import builtins
import copy
import functools
import gc
import importlib
import logging
import os
import random
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

from .nbrun import drop_ipc_dir, ipc_kernel_manager_class, quiet_papermill
from .pages import PdfPrinter, render_html, report_title
from .parameters import validate_parameters
from .templates import ReportError, template_label, template_path

__all__ = ["WARM_IMPORTS", "ENGINE_NAME", "capture_kernel_state", "reset_kernel_state", "WarmKernel",
           "RenderedReport", "ReportSession"]

# imported into every new kernel before its state is recorded (what the templates import)
WARM_IMPORTS = ("datetime", "numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn", "IPython.display",
                "spinelib", "spinelib.plots", "spinelib.reports.blocks")
ENGINE_NAME = "spinelib-warm"
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=CRITICAL", "--HistoryManager.hist_file=:memory:")


# ----- inside the kernel -------------------------------------------------------------------------
_BASELINE: dict = {}


def _shell():
    from IPython import get_ipython

    ip = get_ipython()
    if ip is None:
        raise RuntimeError("reset_kernel_state runs inside an IPython kernel")
    return ip


def _pandas_options(pd) -> dict:
    from pandas._config import config as pd_config

    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key in pd_config._registered_options:
            try:
                out[key] = pd.get_option(key)
            except Exception:  # an option that cannot be read is left alone
                pass
    return out


def capture_kernel_state(imports=WARM_IMPORTS) -> None:
    """(In the kernel) import ``imports`` and record the state :func:`reset_kernel_state` restores."""
    for name in imports:
        importlib.import_module(name)
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib

        # pyplot picks its backend at the first figure; do it now, so that the inline backend's hooks
        # and figure formatters (registered once per process) are part of the state kept
        sys.modules["matplotlib.pyplot"].switch_backend(matplotlib.get_backend())
    ip = _shell()
    b = _BASELINE
    b.clear()
    b["environ"] = dict(os.environ)
    b["path"] = list(sys.path)
    b["warnings"] = list(warnings.filters)
    b["builtins"] = dict(vars(builtins))
    b["sys"] = {k: getattr(sys, k) for k in ("stdout", "stderr", "stdin", "displayhook", "excepthook")}
    b["recursionlimit"] = sys.getrecursionlimit()
    root = logging.getLogger()
    b["logging"] = (root.level, list(root.handlers), logging.root.manager.disable)
    b["events"] = {name: list(cbs) for name, cbs in ip.events.callbacks.items()}
    b["formatters"] = {mime: (dict(f.type_printers), dict(f.deferred_printers), f.enabled)
                       for mime, f in ip.display_formatter.formatters.items()}
    b["transformers"] = {k: list(getattr(ip, k)) for k in ("ast_transformers", "input_transformers_post")
                         if hasattr(ip, k)}
    if "matplotlib" in sys.modules:
        import matplotlib

        b["rc"] = copy.deepcopy({k: v for k, v in dict(matplotlib.rcParams.copy()).items() if k != "backend"})
        b["backend"] = matplotlib.get_backend()
        inline = sys.modules.get("matplotlib_inline.config")
        if inline is not None:
            cfg = inline.InlineBackend.instance()
            b["inline"] = copy.deepcopy({k: getattr(cfg, k)
                                         for k in ("figure_formats", "print_figure_kwargs", "close_figures", "rc")})
    if "numpy" in sys.modules:
        import numpy as np

        b["np_print"] = np.get_printoptions()
        b["np_err"] = np.geterr()
    if "pandas" in sys.modules:
        import pandas as pd

        b["pandas"] = _pandas_options(pd)
    # what is alive now (the imported modules) lives as long as the kernel: leave it out of every
    # later garbage collection, so the collection in each reset only looks at what reports made
    gc.collect()
    gc.freeze()


def _restore_mapping(live: dict, saved: dict) -> None:
    for k in [k for k in live if k not in saved]:
        del live[k]
    for k, v in saved.items():
        if k not in live or live[k] is not v:
            live[k] = v


def reset_kernel_state(cwd: str | None = None) -> None:
    """(In the kernel) put it back as :func:`capture_kernel_state` found it; ``cwd`` becomes the working folder."""
    if not _BASELINE:
        raise RuntimeError("capture_kernel_state was not run in this kernel")
    b = _BASELINE
    ip = _shell()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    ip.reset(new_session=True)  # %reset -f, execution counts from 1 again, and a gc.collect()
    if cwd is not None:
        os.chdir(cwd)
    _restore_mapping(os.environ, b["environ"])
    sys.path[:] = b["path"]
    warnings.resetwarnings()  # also makes every module forget which warnings it already showed
    warnings.filters[:] = b["warnings"]
    _restore_mapping(vars(builtins), b["builtins"])
    for k, v in b["sys"].items():
        setattr(sys, k, v)
    sys.setrecursionlimit(b["recursionlimit"])
    root = logging.getLogger()
    root.setLevel(b["logging"][0])
    root.handlers[:] = b["logging"][1]
    logging.disable(b["logging"][2])
    for name, cbs in b["events"].items():
        ip.events.callbacks[name][:] = cbs
    for mime, (types, deferred, enabled) in b["formatters"].items():
        f = ip.display_formatter.formatters.get(mime)
        if f is not None:
            f.type_printers.clear()
            f.type_printers.update(types)
            f.deferred_printers.clear()
            f.deferred_printers.update(deferred)
            f.enabled = enabled
    for k, v in b["transformers"].items():
        getattr(ip, k)[:] = v
    if "rc" in b:
        import matplotlib

        if "inline" in b:
            cfg = sys.modules["matplotlib_inline.config"].InlineBackend.instance()
            for k, v in b["inline"].items():
                if getattr(cfg, k) != v:
                    setattr(cfg, k, copy.deepcopy(v))
        if matplotlib.get_backend() != b["backend"]:
            sys.modules["matplotlib.pyplot"].switch_backend(b["backend"])
        # as matplotlib.rc_context restores them: the saved values were validated when they were set
        # (copies: a report may change a list value in place)
        getattr(matplotlib.rcParams, "_update_raw", functools.partial(dict.update, matplotlib.rcParams))(
            copy.deepcopy(b["rc"]))
    if "np_print" in b:
        import numpy as np

        np.set_printoptions(**b["np_print"])
        np.seterr(**b["np_err"])
        np.random.seed()  # a new kernel's global generator is seeded from the OS
    random.seed()
    if "pandas" in b:
        import pandas as pd

        now = _pandas_options(pd)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for key, value in b["pandas"].items():
                if key in now and now[key] != value:
                    pd.set_option(key, value)


# ----- the host side -----------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _register_engine() -> str:
    """Register the papermill engine that runs a notebook on a :class:`WarmKernel`'s kept kernel."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger
    from papermill.utils import remove_args

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, *, warm, **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = PapermillNotebookClient(nb_man, km=warm.km, timeout=execution_timeout, startup_timeout=start_timeout,
                                             kernel_name=kernel_name, log=logger, log_output=log_output,
                                             stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
            client.kc = warm.kc  # the kept client: execute() neither starts nor stops a kernel
            return client.execute()

    papermill_engines.register(ENGINE_NAME, WarmEngine)
    return ENGINE_NAME


def _drop_pending_tasks() -> None:
    """Cancel what an interrupted run left pending on this thread's event loop (a cell's execution).

    Otherwise the next turn of the loop (the kernel's shutdown) resumes it against a dead kernel,
    and asyncio prints its DeadKernelError as "Task exception was never retrieved".
    """
    import asyncio

    from jupyter_core.utils import ensure_event_loop

    try:
        asyncio.get_running_loop()
        return  # called from inside a running loop: not ours to drive
    except RuntimeError:
        pass
    loop = ensure_event_loop()
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    if not tasks:
        return
    for t in tasks:
        t.cancel()
    try:
        loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    except BaseException:  # a second interruption while cancelling: the kernel is killed anyway
        pass


def _one_line(text) -> str:
    return " ".join(str(text).split())


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the folder was removed under us
        return None


class WarmKernel:
    """One python3 kernel kept for many reports, reset to a clean state before each.

    ``max_reports`` reports run on one kernel before it is replaced; ``startup_timeout`` bounds
    the start of a kernel (seconds). Use as a context manager, or call :meth:`shutdown`.
    """

    def __init__(self, *, max_reports: int = 100, startup_timeout: float = 60, imports=WARM_IMPORTS):
        self.max_reports = max_reports
        self.startup_timeout = startup_timeout
        self.imports = tuple(imports)
        self.km = None
        self.kc = None
        self.runs = 0  # reports run on the current kernel
        self.starts = 0  # kernels started so far
        self.seconds: dict = {}  # the last report's times: start (of a new kernel), reset, execute
        self._clean = False  # the kernel is as capture_kernel_state left it

    def __enter__(self) -> "WarmKernel":
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()

    @property
    def pid(self) -> int | None:
        """The running kernel's process id (``None`` when none runs)."""
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        return proc.pid if proc is not None and self.km is not None and self.km.has_kernel else None

    # -- kernel lifecycle --
    def start(self) -> None:
        """Start a kernel and record its clean state (a no-op while one runs)."""
        if self.km is not None:
            return
        from jupyter_core.utils import run_sync

        self.starts += 1
        km = ipc_kernel_manager_class()(kernel_name="python3")
        self.km = km
        try:
            run_sync(km.start_kernel)(extra_arguments=list(KERNEL_ARGUMENTS), cwd=_cwd())
            kc = km.client()
            kc.start_channels()
            self.kc = kc
            run_sync(kc.wait_for_ready)(timeout=self.startup_timeout)
            kc.allow_stdin = False
            self._silent(f"__import__('spinelib.reports.warm', fromlist=['_']).capture_kernel_state({self.imports!r})",
                         self.startup_timeout)
        except BaseException as exc:
            self.shutdown()
            if isinstance(exc, Exception):
                raise ReportError(f"could not start a python3 kernel: {_one_line(exc) or type(exc).__name__}") from None
            raise
        self.runs = 0
        self._clean = True

    def shutdown(self) -> None:
        """Stop the kernel now (if one runs) and remove its connection file and sockets."""
        km, kc, self.km, self.kc = self.km, self.kc, None, None
        if km is None:
            return
        from jupyter_core.utils import run_sync

        _drop_pending_tasks()

        proc = getattr(getattr(km, "provisioner", None), "process", None)
        ip = str(getattr(km, "ip", ""))
        sockets = Path(ip).parent if km.transport == "ipc" and os.path.isabs(ip) else None  # not abstract (@...)
        try:
            if kc is not None:
                kc.stop_channels()
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
        except Exception:
            pass
        finally:
            if proc is not None and proc.poll() is None:  # the last resort: our own kernel process, by its id
                proc.kill()
                try:
                    proc.wait(timeout=10)
                except Exception:
                    pass
            try:
                run_sync(km.cleanup_resources)()
            except Exception:
                pass
            drop_ipc_dir()
            if sockets is not None:
                try:
                    sockets.rmdir()  # only when empty: another kernel of this process may still use it
                except OSError:
                    pass

    def restart(self) -> None:
        """Replace the kernel with a new one."""
        self.shutdown()
        self.start()

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return self.km is not None and bool(run_sync(self.km.is_alive)())

    def _silent(self, code: str, timeout: float) -> None:
        """Run ``code`` silently (no output, no history, execution count unchanged); raise unless it succeeded."""
        from jupyter_core.utils import run_sync

        kc = self.kc
        msg_id = kc.execute(code, silent=True, store_history=False, allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + timeout

        async def wait(channel, done):
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the kernel did not answer within {timeout:g} s")
                try:
                    msg = await channel.get_msg(timeout=min(left, 1.0))
                except Empty:
                    if not await self.km.is_alive():
                        raise RuntimeError("the kernel died") from None
                    continue
                if msg["parent_header"].get("msg_id") == msg_id and done(msg):
                    return msg

        reply = run_sync(wait)(kc.shell_channel, lambda m: m["msg_type"] == "execute_reply")
        run_sync(wait)(kc.iopub_channel, lambda m: m["msg_type"] == "status"
                       and m["content"]["execution_state"] == "idle")
        if reply["content"]["status"] != "ok":
            c = reply["content"]
            raise RuntimeError(f"{c.get('ename', 'error')}: {_one_line(c.get('evalue', ''))}")

    def ready(self) -> None:
        """A live kernel in its clean state: start one, or replace it when it is dead, used up or cannot reset."""
        if self.km is not None and (self.runs >= self.max_reports or not self.alive()):
            self.shutdown()
        t0 = time.perf_counter()
        if self.km is None:
            self.start()
            self.seconds["start"] = time.perf_counter() - t0
        if self._clean:
            return
        t0 = time.perf_counter()
        try:
            self._silent(f"__import__('spinelib.reports.warm', fromlist=['_']).reset_kernel_state({_cwd()!r})", 60)
            self._clean = True
            self.seconds["reset"] = time.perf_counter() - t0
        except (RuntimeError, TimeoutError):
            t0 = time.perf_counter()
            self.restart()  # a new kernel is clean by definition
            self.seconds["start"] = time.perf_counter() - t0

    # -- one report --
    def execute(self, template, parameters: dict, *, timeout: float = 600, source: str | None = None):
        """Execute a template with (validated) parameters on the kept kernel; return the executed notebook.

        Same contract as :func:`~.runner.execute_template` (``source``: the template's notebook
        JSON, for a worker without its file): a cell that raises gives the same one-line
        :class:`~.templates.ReportError`; a cell timeout or a dead kernel gives one line too.
        After any failure or interruption the kernel is stopped, and a new one serves the next report.
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
        engine = _register_engine()
        ok = False
        self.seconds = {"start": 0.0, "reset": 0.0}
        t1 = time.perf_counter()
        try:
            self.ready()
            t1 = time.perf_counter()
            self.runs += 1
            self._clean = False
            with quiet_papermill():
                nb = papermill.execute_notebook(
                    notebook, None, parameters=parameters, engine_name=engine, kernel_name="python3",
                    progress_bar=False, log_output=False, execution_timeout=timeout, warm=self)
            ok = True
        except ReportError:
            raise
        except PapermillExecutionError as exc:
            raise ReportError(f"{label}: cell {exc.exec_count} raised {exc.ename}: {_one_line(exc.evalue)}") from None
        except CellTimeoutError:
            raise ReportError(f"{label}: a cell did not finish within {timeout:g} s (kernel replaced)") from None
        except DeadKernelError:
            raise ReportError(f"{label}: the kernel died while running the notebook (kernel replaced)") from None
        except Exception as exc:
            raise ReportError(f"{label}: the kernel failed ({type(exc).__name__}: {_one_line(exc)}); "
                              "kernel replaced") from None
        finally:
            if not ok:  # whatever happened (an interruption too), this kernel is not reused
                self.shutdown()
            self.seconds["execute"] = time.perf_counter() - t1
        return nb


@dataclass
class RenderedReport:
    """One report rendered by :meth:`ReportSession.render`: the page, the executed notebook, the PDF.

    ``seconds`` holds the time of each step: ``validate``, ``start`` (of a new kernel, when one
    was started for this report), ``reset`` (back to the clean state), ``execute``, ``export``
    (the HTML page), ``pdf`` and ``total``.
    """

    page: str
    nb: object
    pdf: bytes | None = None
    parameters: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


class ReportSession:
    """What one batch worker keeps: a :class:`WarmKernel` and, on first need, one :class:`~.pages.PdfPrinter`.

    Open it once per worker process (``with ReportSession() as s:``) and run every report of the
    worker through it; leaving the block (also on an exception or Ctrl-C) stops the kernel and
    the browser. :meth:`execute` matches :func:`~.runner.execute_template`; :meth:`pdf_of` prints
    a page to PDF bytes and ``session.printer.print_file`` prints a staged HTML file like
    :func:`~.pages.html_to_pdf`; :meth:`render` does a whole report in memory (the worker writes
    the files atomically).
    """

    def __init__(self, *, max_reports: int = 100, timeout: float = 600, pdf_timeout: float = 120):
        self.kernel = WarmKernel(max_reports=max_reports)
        self.timeout = timeout
        self.pdf_timeout = pdf_timeout
        self._printer: PdfPrinter | None = None

    def __enter__(self) -> "ReportSession":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def printer(self) -> PdfPrinter:
        """The session's one Chromium (started on the first PDF)."""
        if self._printer is None:
            self._printer = PdfPrinter(timeout=self.pdf_timeout)
        return self._printer

    def execute(self, template, parameters: dict, *, timeout: float | None = None, source: str | None = None):
        """Execute a template on the warm kernel; return the executed notebook (like ``execute_template``)."""
        return self.kernel.execute(template, parameters, timeout=timeout or self.timeout, source=source)

    def pdf_of(self, page: str) -> bytes:
        """Print a page (HTML text) with the session's Chromium; the PDF's bytes (from a private temporary folder)."""
        with tempfile.TemporaryDirectory(prefix="spinelib-print-") as tmp:
            html_path = Path(tmp) / "report.html"
            html_path.write_text(page, encoding="utf-8", newline="")
            return self.printer.pdf_bytes(html_path)

    def render(self, template, parameters: dict | None = None, *, pdf: bool = False, validate: bool = True,
               timeout: float | None = None, source: str | None = None) -> RenderedReport:
        """Validate, execute and render one report; with ``pdf``, print it too. Nothing is written.

        The page is byte for byte the one a cold run renders for the same parameters
        (:func:`~.runner.run_report` writes it, with the runner's stamp in its head).
        """
        t0 = time.perf_counter()
        params = validate_parameters(template, parameters) if validate else dict(parameters or {})
        t1 = time.perf_counter()
        nb = self.execute(template, params, timeout=timeout, source=source)
        t2 = time.perf_counter()
        page = render_html(nb, title=report_title(template, params))
        t3 = time.perf_counter()
        data = self.pdf_of(page) if pdf else None
        t4 = time.perf_counter()
        seconds = {"validate": t1 - t0, **{k: self.kernel.seconds.get(k, 0.0) for k in ("start", "reset", "execute")},
                   "export": t3 - t2, "pdf": t4 - t3, "total": t4 - t0}
        return RenderedReport(page=page, nb=nb, pdf=data, parameters=params, seconds=seconds)

    def close(self) -> None:
        """Stop the kernel and the browser (safe to call twice)."""
        try:
            self.kernel.shutdown()
        finally:
            if self._printer is not None:
                self._printer.close()
