"""Architecture: the package's import graph runs one way, read from the code's own imports.

These rules keep the layout of docs/architecture.md true as the code grows:

- no import circle between files;
- no private (underscore) name imported from, or reached into, another file;
- the package's own modules are imported at the top of a file, never inside a function;
- no module is named or split by notebook number;
- layers import only downward: bottom <- domain and sim (beside each other) <- top.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "spinelib"

# the layer of each module (by dotted name prefix, longest match wins)
LAYERS = {
    "spinelib.errors": 0, "spinelib.resources": 0, "spinelib.atomic": 0, "spinelib.insights": 0,
    "spinelib.week": 0, "spinelib.catalogue": 0, "spinelib.evidence": 0, "spinelib.redflags": 0,
    "spinelib.profile": 0, "spinelib.render": 0, "spinelib.poses": 0, "spinelib.drawing": 0,
    "spinelib.executor": 0,
    "spinelib.routine": 1, "spinelib.progression": 1, "spinelib.builder": 1, "spinelib.audit": 1,
    "spinelib.practice": 1, "spinelib.sim": 1, "spinelib.journal": 1,
    "spinelib.plots": 2, "spinelib.ui": 2, "spinelib.checks": 2, "spinelib.reports": 2, "spinelib.companion": 2,
    "spinelib.research": 2, "spinelib.classroom": 2, "spinelib.lessons": 2,
    "spinelib": 3, "spinelib.__main__": 3,
}
DOMAIN = ("spinelib.routine", "spinelib.progression", "spinelib.builder", "spinelib.audit", "spinelib.practice",
          "spinelib.journal")
# the one piece of the simulator the domain may use: the day-plan schema (the leaf of sim/)
DOMAIN_MAY_USE_FROM_SIM = {"spinelib.sim.plan"}
# top-layer families that must stay apart
TOP_APART = {"spinelib.ui": ("spinelib.reports", "spinelib.checks"),
             "spinelib.reports": ("spinelib.ui", "spinelib.checks"),
             "spinelib.checks": ("spinelib.ui", "spinelib.reports"),
             "spinelib.plots": ("spinelib.ui", "spinelib.reports", "spinelib.checks"),
             # lessons (what each lesson's simulation shows, in words): the simulator, insights and evidence only
             "spinelib.lessons": ("spinelib.ui", "spinelib.reports", "spinelib.checks", "spinelib.plots",
                                  "spinelib.companion", "spinelib.research", "spinelib.classroom"),
             # research (priors, ensembles, sensitivity, studies): sim, the bottom layer and the executor only
             "spinelib.research": ("spinelib.ui", "spinelib.reports", "spinelib.checks", "spinelib.plots",
                                   "spinelib.companion")}


def _modname(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_modname(p): p for p in sorted(PKG.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".") if _is_package(module) else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _layer(name: str) -> int:
    best = max((k for k in LAYERS if name == k or name.startswith(k + ".")), key=len)
    return LAYERS[best]


class _Imports(ast.NodeVisitor):
    """Every import of a spinelib module in one file: (target module, names, line, inside a function?)."""

    def __init__(self, module: str):
        self.module = module
        self.found: list[tuple[str, list[str], int, bool]] = []
        self.aliases: dict[str, str] = {}  # local name -> spinelib module
        self.depth = 0

    def _func(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _func

    def visit_Import(self, node):
        for a in node.names:
            if a.name == "spinelib" or a.name.startswith("spinelib."):
                self.found.append((a.name, [], node.lineno, self.depth > 0))
                self.aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else "spinelib"

    def visit_ImportFrom(self, node):
        target = _resolve(self.module, node)
        if not (target == "spinelib" or target.startswith("spinelib.")):
            return
        names = [a.name for a in node.names]
        for a in node.names:
            sub = f"{target}.{a.name}"
            if sub in MODULES:  # `from . import x` imports the module x
                self.found.append((sub, [], node.lineno, self.depth > 0))
                self.aliases[a.asname or a.name] = sub
            else:
                self.found.append((target, [a.name], node.lineno, self.depth > 0))
        del names


def _scan(module: str, path: Path) -> tuple[_Imports, ast.AST]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    v = _Imports(module)
    v.visit(tree)
    return v, tree


SCANS = {m: _scan(m, p) for m, p in MODULES.items()}


def _graph() -> dict[str, set[str]]:
    g = {m: set() for m in MODULES}
    for m, (v, _) in SCANS.items():
        for target, _names, _line, _inner in v.found:
            if target in MODULES and target != m:
                g[m].add(target)
    return g


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_import_circle():
    "architecture: no import circle between the package's files"
    assert _cycles(_graph()) == []


def test_own_modules_imported_at_the_top():
    "architecture: no spinelib module is imported inside a function (the dependency graph is readable)"
    inner = [f"{m}:{line} imports {t}" for m, (v, _) in SCANS.items() for t, _n, line, i in v.found if i]
    assert inner == []


def _private_uses(module: str, v: _Imports, tree: ast.AST) -> list[str]:
    bad = [f"{module}:{line} imports {n} from {t}" for t, names, line, _ in v.found for n in names
           if n.startswith("_") and not n.startswith("__")]
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in v.aliases \
                and node.attr.startswith("_") and not node.attr.startswith("__"):
            bad.append(f"{module}:{node.lineno} uses {v.aliases[node.value.id]}.{node.attr}")
    return bad


def test_no_private_name_crosses_a_file():
    "architecture: no underscore name is imported from, or reached into, another spinelib file"
    bad = [b for m, (v, tree) in SCANS.items() for b in _private_uses(m, v, tree)]
    assert bad == []


@pytest.mark.parametrize("folder", ["scripts", "benchmarks"])
def test_scripts_use_public_names(folder):
    "architecture: scripts and benchmarks use spinelib's public names only"
    bad = []
    for p in sorted((ROOT / folder).glob("*.py")):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        v = _Imports("scripts")
        v.visit(tree)
        bad += _private_uses(p.name, v, tree)
    assert bad == []


def _code_cells(path: Path) -> str:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "reports" / "templates").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebooks_call_the_public_surface(path):
    "architecture: notebooks and report templates use no private spinelib name"
    code = _code_cells(path)
    assert not re.search(r"\b(spinelib|sl|ui|plots|rf|blocks)(\.\w+)*\._[a-z]", code), path.name
    assert not re.search(r"from spinelib[\w.]* import [^\n]*\b_[a-z]", code), path.name


def test_layers_import_downward():
    "architecture: bottom <- domain and sim <- top; sim uses no domain module; the domain uses only sim.plan"
    bad = []
    for m, (v, _) in SCANS.items():
        for t, _names, line, _ in v.found:
            if t not in MODULES or t == m or m in ("spinelib", "spinelib.__main__"):
                continue
            if m.startswith(t + ".") and _is_package(t):
                bad.append(f"{m}:{line} imports its own package {t}")
            elif _layer(t) > _layer(m):
                bad.append(f"{m}:{line} imports {t} from a higher layer")
            elif m.startswith("spinelib.sim") and t.startswith(DOMAIN):
                bad.append(f"{m}:{line}: the simulator imports the domain module {t}")
            elif m.startswith(DOMAIN) and t.startswith("spinelib.sim") and t not in DOMAIN_MAY_USE_FROM_SIM:
                bad.append(f"{m}:{line}: the domain imports {t} (only the day-plan schema is allowed)")
            for fam, apart in TOP_APART.items():
                if (m == fam or m.startswith(fam + ".")) and t.startswith(apart):
                    bad.append(f"{m}:{line} imports {t}: {fam} stays apart from it")
    assert bad == []


def test_no_module_named_by_notebook_number():
    "architecture: module names say what they hold, never a notebook number or a range of notebooks"
    bad = []
    for m, p in MODULES.items():
        if re.search(r"\d", p.stem) or "widgets" in p.stem:
            bad.append(f"{m}: named {p.stem}")
        doc = ast.get_docstring(SCANS[m][1]) or ""
        found = re.search(r"notebooks \d\d\s*-\s*\d\d", doc.split("\n\n")[0])
        if found:
            bad.append(f"{m}: its docstring says it holds {found.group()}")
    assert bad == []


def test_checks_find_their_own_breakage(tmp_path):
    "architecture: the graph and privacy scanners see a circle, an inner import and a private import"
    g = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert _cycles(g) == [["a", "b", "c"]]
    code = "from .x import _hidden\ndef f():\n    from . import y\n"
    tree = ast.parse(code)
    MODULES.setdefault("spinelib.x", PKG / "x.py")
    MODULES.setdefault("spinelib.y", PKG / "y.py")
    try:
        v = _Imports("spinelib.catalogue")
        v.visit(tree)
        assert any(i for *_, i in v.found) and _private_uses("m", v, tree)
    finally:
        MODULES.pop("spinelib.x", None)
        MODULES.pop("spinelib.y", None)


def test_docs_and_code_point_only_inside_the_repository():
    "architecture: no doc, module, notebook or script points at files outside the repository (a clone has none)"
    files = [*ROOT.glob("*.md"), *(ROOT / "docs").glob("*.md"), *PKG.rglob("*.py"), *(ROOT / "notebooks").glob("*.ipynb"),
             *(ROOT / "reports" / "templates").glob("*.ipynb"), *(ROOT / "scripts").glob("*.py"),
             *(ROOT / "benchmarks").glob("*.py")]
    bad = [str(p.relative_to(ROOT)) for p in files if "../shared" in p.read_text(encoding="utf-8")]
    assert bad == []


def test_research_imports_only_sim_the_bottom_and_the_executor():
    "architecture: spinelib.research uses the simulator, the bottom layer (executor included) and itself, nothing else"
    bad = [f"{m}:{line} imports {t}" for m, (v, _) in SCANS.items() if m.startswith("spinelib.research")
           for t, _n, line, _ in v.found if t in MODULES and not (
               t.startswith(("spinelib.sim", "spinelib.research")) or _layer(t) == 0)]
    assert bad == []
