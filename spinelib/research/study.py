"""Studies: scenarios x parameter sets x seeds x cohort sizes, declared in YAML, stored as Parquet.

::

    name: calm-first-robustness
    scenarios: [calm_first, strength_only]      # names from spinelib.sim.scenarios()
    plans: {my_plan: my_plan.csv}               # optional: day plans (CSV, beside the study file)
    parameters:                                 # optional: a grid ...
      grid: {calm_first_effect: [0.1, 0.3, 0.5]}
    # ... or a sample from the priors:  parameters: {sample: {n: 50, seed: 1, names: [...]}}
    seeds: 3                                    # a count (0, 1, 2) or a list of seeds
    people: [200, 1000]                         # one cohort size or a list
    days: 84
    outcomes: [pain_change, flares]             # default: every outcome of spinelib.sim.OUTCOMES

One *cell* is one scenario (or plan) with one parameter set, one seed and one cohort size: one
:func:`~spinelib.sim.simulate` call. :func:`run_study` (or ``spinelib experiment STUDY.yaml``)
runs every cell on the shared executor (:mod:`spinelib.executor`: local processes, or a Dask
cluster by address or ``distributed.Client``) and writes, into its output folder:

- ``study.yaml``: the study as it was understood (every default filled in), and ``meta.json``:
  the spinelib version, the number of cells, the study's hash;
- ``param_sets.parquet``: one row per parameter set and parameter that varies;
- ``parts/cells-<first>-<last>.parquet``: results as they finish, each part written atomically;
- ``results.parquet``: every part in cell order (written atomically at the end): one row per
  cell and outcome: ``cell, scenario, param_set, seed, people, days, outcome, mean, sd, p2.5,
  p97.5, n`` (across the cell's people).

Run it again into the same folder and the finished cells are not run again (an interrupted
study resumes); a different study in that folder is refused. A cell's numbers depend only on
the cell, so one process, several, or a cluster give identical results.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import json
import math
import os
import re
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ..atomic import atomic_write, folder_lock, temp_beside, writable_folder
from ..errors import InputError, Shown, fmt_allowed, kind
from ..executor import Interrupted, interruptible, open_executor
from ..sim import MAX_DAYS, MAX_PEOPLE, OUTCOMES, Params, scenarios, simulate
from .priors import draw_params, uncertain_names

__all__ = ["Study", "load_study", "study_from_dict", "run_study", "read_results", "StudyResult", "LIMITS",
           "run_cells", "RESULT_COLUMNS"]

LIMITS = {"file_chars": 100_000, "depth": 6, "scenarios": 50, "grid_values": 100, "param_sets": 10_000,
          "seeds": 1_000, "cohorts": 20, "cells": 1_000_000, "seed_max": 2**32 - 1}
FIELDS = ("name", "description", "scenarios", "plans", "parameters", "seeds", "people", "days", "outcomes")
RESULT_COLUMNS = ["cell", "scenario", "param_set", "seed", "people", "days", "outcome", "mean", "sd", "p2.5", "p97.5",
                  "n"]
ROW_GROUP = 65_536


# ----- the study file: YAML with limits -----------------------------------------------------------
class _Refused(Exception):
    pass


class _StudyLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases or anchors, and not nested deeper than ``LIMITS['depth']``."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused("an alias or anchor")
        self._depth += 1
        if self._depth > LIMITS["depth"]:
            raise _Refused(f"nesting deeper than {LIMITS['depth']} levels")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _read_yaml(text: str, where: str) -> dict:
    if len(text) > LIMITS["file_chars"]:
        raise InputError("study file", f"YAML of at most {LIMITS['file_chars']:,} characters",
                         Shown(f"{len(text):,} characters"), where=where)
    loader = _StudyLoader(text)
    try:
        data = loader.get_single_data()
    except _Refused as exc:
        raise InputError("study file", f"plain YAML (no aliases or anchors, at most {LIMITS['depth']} levels deep)",
                         Shown(str(exc)), where=where) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        got = f"line {mark.line + 1}: {getattr(exc, 'problem', '')}" if mark is not None else "not YAML"
        raise InputError("study file", "valid YAML", Shown(got), where=where) from None
    except (ValueError, OverflowError, RecursionError) as exc:
        raise InputError("study file", "plain YAML values", Shown(" ".join(str(exc).split())[:60]),
                         where=where) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise InputError("study file", "a YAML mapping of study fields", kind(data), where=where)
    return data


# ----- the study ----------------------------------------------------------------------------------
def _whole(value, field, lo, hi, where):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise InputError(field, f"a whole number from {lo:,} to {hi:,}",
                         value if isinstance(value, (int, float, str)) else kind(value), where=where)
    return int(value)


def _list(value, field, where, most):
    items = value if isinstance(value, list) else [value]
    if not items or len(items) > most:
        raise InputError(field, f"a value or a list of 1 to {most:,} values", Shown(f"{len(items)} values"),
                         where=where)
    return items


class Study:
    """A validated study: its cells, parameter sets and plans. Build it with :func:`load_study` or
    :func:`study_from_dict`; ``spec`` is the normalised study (JSON-ready), ``cells()`` the cells in order."""

    def __init__(self, spec: dict, plans: dict, param_sets: list[dict]):
        self.spec, self.plans, self.param_sets = spec, plans, param_sets
        self.labels = list(spec["scenarios"]) + list(spec["plans"])

    @property
    def name(self) -> str:
        return self.spec["name"]

    @property
    def n_cells(self) -> int:
        s = self.spec
        return len(self.labels) * len(self.param_sets) * len(s["seeds"]) * len(s["people"])

    def cells(self):
        """``(cell, label, param_set, seed, people)`` in cell order (the nested loops of the spec)."""
        s = self.spec
        it = itertools.product(self.labels, range(len(self.param_sets)), s["seeds"], s["people"])
        for cell, (label, k, seed, people) in enumerate(it):
            yield cell, label, k, seed, people

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.spec, sort_keys=True).encode()).hexdigest()


def _too_many(cells, where):
    return InputError("study", f"at most {LIMITS['cells']:,} cells (scenarios x parameter sets x seeds x people)",
                      Shown(f"more than {cells:,}"), where=where)


def _param_sets(value, where, most: int) -> tuple[list[dict], dict]:
    """The parameter sets (overrides of the defaults) and the normalised ``parameters`` field."""
    if value is None:
        return [{}], {}
    allowed = "a mapping with one of: grid (parameter -> list of values), sample (n, seed, names)"
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in ("grid", "sample"):
        raise InputError("parameters", allowed, kind(value) if not isinstance(value, dict) else list(value),
                         where=where)
    how, body = next(iter(value.items()))
    if how == "grid":
        if not isinstance(body, dict) or not body:
            raise InputError("parameters.grid", "a mapping of parameter names to lists of values", kind(body),
                             where=where)
        names, values = [], []
        for name, vals in body.items():
            if name not in Params().to_dict():
                raise InputError("parameters.grid", "names from spinelib.sim.PARAMS", name, where=where)
            vals = _list(vals, f"parameters.grid.{name}", where, LIMITS["grid_values"])
            for v in vals:
                try:
                    Params(**{name: v})
                except InputError as exc:
                    raise InputError(f"parameters.grid.{name}", exc.allowed, v, where=where) from None
            names.append(name)
            values.append(vals)
        total = math.prod(len(v) for v in values)
        if total > LIMITS["param_sets"]:
            raise InputError("parameters.grid", f"at most {LIMITS['param_sets']:,} combinations",
                             Shown(f"{total:,}"), where=where)
        if total > most:
            raise _too_many(LIMITS["cells"], where)
        sets = [dict(zip(names, combo)) for combo in itertools.product(*values)]
        for s in sets:
            try:
                Params(**s)
            except InputError as exc:
                raise InputError(f"parameters.grid.{exc.field}", exc.allowed, s.get(exc.field, ...),
                                 where=where) from None
        return sets, {"grid": {n: list(v) for n, v in zip(names, values)}}
    if not isinstance(body, dict) or set(body) - {"n", "seed", "names"} or "n" not in body:
        raise InputError("parameters.sample", "a mapping with n (and optional seed, names)",
                         list(body) if isinstance(body, dict) else kind(body), where=where)
    n = _whole(body["n"], "parameters.sample.n", 1, LIMITS["param_sets"] - 1, where)
    seed = _whole(body.get("seed", 0), "parameters.sample.seed", 0, LIMITS["seed_max"], where)
    if n + 1 > most:
        raise _too_many(LIMITS["cells"], where)
    names = body.get("names")
    try:
        names = uncertain_names(names)
    except InputError as exc:
        raise InputError("parameters.sample.names", exc.allowed, exc.got, where=where) from None
    drawn = draw_params(n, seed, names)
    sets = [{}] + [{k: p.to_dict()[k] for k in names} for p in drawn]  # set 0: the defaults
    return sets, {"sample": {"n": n, "seed": seed, "names": names}}


def study_from_dict(data: dict, *, where: str = "study", folder=None) -> Study:
    """A :class:`Study` from a mapping (a parsed study file); bad fields raise a one-line InputError
    naming the field and what is allowed. ``folder``: where plan CSV files are looked up."""
    if not isinstance(data, dict):
        raise InputError("study", "a mapping of study fields", kind(data), where=where)
    for k in data:
        if k not in FIELDS:
            raise InputError("study", f"fields from: {', '.join(FIELDS)}", k, where=where)
    name = data.get("name", "study")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,59}", name):
        raise InputError("name", "1-60 letters, digits, '-', '_' or '.'", name if isinstance(name, str) else kind(name),
                         where=where)
    spec: dict = {"name": name, "description": str(data.get("description", ""))[:500]}
    sc = data.get("scenarios", [] if "plans" in data else None)
    if sc is None:
        raise InputError("scenarios", "a list of scenario names (or give plans)", where=where)
    sc = _list(sc, "scenarios", where, LIMITS["scenarios"]) if sc != [] else []
    for s in sc:
        if s not in scenarios():
            raise InputError("scenarios", fmt_allowed(scenarios()), s, where=where)
    spec["scenarios"] = list(dict.fromkeys(sc))
    plans: dict = {}
    raw_plans = data.get("plans") or {}
    if not isinstance(raw_plans, dict):
        raise InputError("plans", "a mapping of labels to plan CSV files", kind(raw_plans), where=where)
    for label, path in raw_plans.items():
        if not isinstance(label, str) or label in spec["scenarios"]:
            raise InputError("plans", "labels that are text and not scenario names", label, where=where)
        p = Path(folder or ".") / str(path)
        if not p.is_file():
            raise InputError(f"plans.{label}", "a CSV file of a day plan (see Routine.daily_plan)", str(path),
                             where=where)
        plans[label] = pd.read_csv(p)
    spec["plans"] = {k: str(v) for k, v in raw_plans.items()}
    if not spec["scenarios"] and not plans:
        raise InputError("scenarios", "at least one scenario or plan", where=where)
    seeds = data.get("seeds", 1)
    if isinstance(seeds, list):
        seeds = [_whole(s, "seeds", 0, LIMITS["seed_max"], where)
                 for s in _list(seeds, "seeds", where, LIMITS["seeds"])]
    else:
        seeds = list(range(_whole(seeds, "seeds", 1, LIMITS["seeds"], where)))
    spec["seeds"] = list(dict.fromkeys(seeds))
    spec["people"] = list(dict.fromkeys(_whole(p, "people", 1, MAX_PEOPLE, where)
                                        for p in _list(data.get("people", 500), "people", where, LIMITS["cohorts"])))
    spec["days"] = _whole(data.get("days", 84), "days", 1, MAX_DAYS, where)
    outs = _list(data.get("outcomes", list(OUTCOMES)), "outcomes", where, len(OUTCOMES))
    for o in outs:
        if o not in OUTCOMES:
            raise InputError("outcomes", fmt_allowed(OUTCOMES), o, where=where)
    spec["outcomes"] = list(dict.fromkeys(outs))
    per_set = (len(spec["scenarios"]) + len(plans)) * len(spec["seeds"]) * len(spec["people"])
    param_sets, spec["parameters"] = _param_sets(data.get("parameters"), where, LIMITS["cells"] // per_set)
    study = Study(spec, plans, param_sets)
    if study.n_cells > LIMITS["cells"]:
        raise InputError("study", f"at most {LIMITS['cells']:,} cells (scenarios x parameter sets x seeds x people)",
                         Shown(f"{study.n_cells:,}"), where=where)
    return study


def load_study(path) -> Study:
    """The study in a YAML file (see the module's notes), validated; plans are read beside it."""
    path = Path(path)
    if not path.is_file():
        raise InputError("STUDY", "an existing study YAML file", str(path))
    if path.stat().st_size > 4 * LIMITS["file_chars"]:
        raise InputError("study file", f"YAML of at most {LIMITS['file_chars']:,} characters",
                         Shown(f"{path.stat().st_size:,} bytes"), where=path.name)
    text = path.read_text(encoding="utf-8", errors="replace")
    return study_from_dict(_read_yaml(text, path.name), where=path.name, folder=path.parent)


# ----- running ------------------------------------------------------------------------------------
def run_cells(job: dict) -> pd.DataFrame:
    """Run a chunk of cells (worker side): one row per cell and outcome, in the columns of :data:`RESULT_COLUMNS`."""
    rows = []
    for cell, label, k, seed, people, overrides in job["cells"]:
        what = job["plans"].get(label, label)
        # one thread per simulation: a study's parallelism is its cells, spread over processes or workers
        res = simulate(what, people=people, days=job["days"], seed=seed, params=Params(**overrides), threads=1)
        for o in job["outcomes"]:
            v = res.people[o].to_numpy(dtype=float)
            v = v[~np.isnan(v)]
            lo, hi = np.percentile(v, [2.5, 97.5]) if v.size else (np.nan, np.nan)
            rows.append((cell, label, k, seed, people, job["days"], o, float(v.mean()) if v.size else np.nan,
                         float(v.std(ddof=1)) if v.size > 1 else np.nan, float(lo), float(hi), int(v.size)))
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False, engine="pyarrow")
    return buf.getvalue()


def _done_cells(parts: Path) -> set[int]:
    import pyarrow.parquet as pq

    done: set[int] = set()
    for p in sorted(parts.glob("cells-*.parquet")):
        done.update(pq.read_table(p, columns=["cell"]).column("cell").to_pylist())
    return done


def _merge(parts: Path, target: Path) -> None:
    """Every part, in cell order, into ``target`` (streamed: one part in memory at a time; atomic)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = sorted(parts.glob("cells-*.parquet"), key=lambda p: int(p.stem.split("-")[1]))
    tmp = temp_beside(target, ".parquet")
    try:
        writer, pending = None, []
        for f in files:
            pending.append(pq.read_table(f))  # a part holds its cells in order, each cell's outcomes in order
            if sum(x.num_rows for x in pending) >= ROW_GROUP or f is files[-1]:
                block = pa.concat_tables(pending).combine_chunks()
                if writer is None:
                    writer = pq.ParquetWriter(tmp, block.schema)
                writer.write_table(block, row_group_size=ROW_GROUP)
                pending = []
        if writer is None:
            writer = pq.ParquetWriter(tmp, pa.Schema.from_pandas(pd.DataFrame(columns=RESULT_COLUMNS)))
        writer.close()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class StudyResult:
    """What :func:`run_study` returns: the folder, the counts and :meth:`results`."""

    def __init__(self, folder: Path, study: Study, ran: int, skipped: int, seconds: float):
        self.folder, self.study, self.ran, self.skipped, self.seconds = folder, study, ran, skipped, seconds

    def results(self, wide_params: bool = False) -> pd.DataFrame:
        return read_results(self.folder, wide_params=wide_params)

    def __repr__(self):
        return (f"StudyResult({self.study.name!r}: {self.ran} cells run, {self.skipped} already done, "
                f"{self.seconds:.1f} s, in {self.folder})")


def _version() -> str:
    try:
        return version("spinelib")
    except PackageNotFoundError:  # pragma: no cover - a source checkout without metadata
        return "unknown"


def _chunks(todo: list, workers: int, most: int = 32) -> list[list]:
    """Contiguous runs of cells, about four jobs per worker and at most ``most`` cells each."""
    size = max(1, min(most, math.ceil(len(todo) / max(1, 4 * workers))))
    out, cur = [], []
    for c in todo:
        if cur and (len(cur) >= size or c[0] != cur[-1][0] + 1):
            out.append(cur)
            cur = []
        cur.append(c)
    if cur:
        out.append(cur)
    return out


def run_study(study, out_dir, *, workers: int = 1, scheduler=None, progress: bool = True,
              lock_wait: float = 3.0) -> StudyResult:
    """Run every cell of ``study`` (a :class:`Study`, a path to a study file or a mapping) not yet in ``out_dir``.

    ``workers``: local processes (1: this one); ``scheduler``: a Dask scheduler address or a
    ``distributed.Client`` (then ``workers`` is ignored). Results stream to ``out_dir/parts``
    as cells finish; ``results.parquet`` is written at the end. Ctrl-C or SIGTERM stops the
    run (:class:`~spinelib.executor.Interrupted`); what finished is kept and a second call
    resumes from there.
    """
    from tqdm.auto import tqdm

    if not isinstance(study, Study):
        study = study_from_dict(study) if isinstance(study, dict) else load_study(study)
    out = writable_folder(out_dir, "--out-dir")
    t0 = time.perf_counter()
    with folder_lock(out, "--out-dir", wait=lock_wait):
        spec_text = yaml.safe_dump(study.spec, sort_keys=False, allow_unicode=True)
        old = out / "study.yaml"
        if old.exists() and yaml.safe_load(old.read_text(encoding="utf-8")) != json.loads(json.dumps(study.spec)):
            raise InputError("--out-dir", "a new folder, or the folder of this same study (it holds another study: "
                                          f"{old})")
        atomic_write(old, spec_text)
        atomic_write(out / "meta.json", json.dumps({"spinelib": _version(), "study": study.name,
                                                    "cells": study.n_cells, "sha256": study.digest(),
                                                    "result_columns": RESULT_COLUMNS}, indent=2) + "\n")
        ps = pd.DataFrame([{"param_set": k, "parameter": n, "value": float(v)}
                           for k, s in enumerate(study.param_sets) for n, v in s.items()],
                          columns=["param_set", "parameter", "value"])
        atomic_write(out / "param_sets.parquet", _parquet_bytes(ps))
        parts = out / "parts"
        parts.mkdir(exist_ok=True)
        done = _done_cells(parts)
        todo = [(c, label, k, seed, people, study.param_sets[k]) for c, label, k, seed, people in study.cells()
                if c not in done]
        ran = 0
        bar = tqdm(total=study.n_cells, initial=len(done), unit="cell", disable=not progress, file=sys.stderr,
                   desc=study.name)
        try:
            with interruptible(), open_executor(workers, scheduler) as ex:
                for chunk in _chunks(todo, 1 if scheduler is None and workers <= 1 else max(2, workers)):
                    ex.submit(run_cells, {"cells": chunk, "days": study.spec["days"],
                                          "outcomes": study.spec["outcomes"],
                                          "plans": {k: study.plans[k] for k in {c[1] for c in chunk}
                                                    if k in study.plans}})
                for d in ex.completed():
                    if d.error:
                        raise InputError("study", "cells that run", f"cells {d.job['cells'][0][0]}-"
                                         f"{d.job['cells'][-1][0]}: {d.error}")
                    first, last = d.job["cells"][0][0], d.job["cells"][-1][0]
                    atomic_write(parts / f"cells-{first}-{last}.parquet", _parquet_bytes(d.value))
                    ran += len(d.job["cells"])
                    bar.update(len(d.job["cells"]))
        except Interrupted as exc:
            exc.result = StudyResult(out, study, ran, len(done), time.perf_counter() - t0)
            raise
        finally:
            bar.close()
        _merge(parts, out / "results.parquet")
    return StudyResult(out, study, ran, len(done), time.perf_counter() - t0)


def read_results(folder, *, wide_params: bool = False) -> pd.DataFrame:
    """A study folder's results (``results.parquet``, else the parts finished so far, in cell order).

    ``wide_params``: add one column per varied parameter (from ``param_sets.parquet``).
    """
    folder = Path(folder)
    if (folder / "results.parquet").exists():
        df = pd.read_parquet(folder / "results.parquet")
    else:
        files = sorted((folder / "parts").glob("cells-*.parquet"))
        df = (pd.concat([pd.read_parquet(f) for f in files], ignore_index=True) if files
              else pd.DataFrame(columns=RESULT_COLUMNS))
        df = df.sort_values("cell", kind="stable").reset_index(drop=True)
    if wide_params and (folder / "param_sets.parquet").exists():
        ps = pd.read_parquet(folder / "param_sets.parquet")
        if len(ps):
            wide = ps.pivot(index="param_set", columns="parameter", values="value").reset_index()
            df = df.merge(wide, on="param_set", how="left")
    return df
