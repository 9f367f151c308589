"""Report parameters: one rule per declared parameter, checked before any kernel starts.

Parameter *names* come from the template itself (:func:`~.templates.template_parameters`);
types and ranges from :data:`RULES`, from :class:`spinelib.Profile` (the personal plan's
profile fields) and from the simulator (scenario names and settings). A parameter without a
rule is type-checked against its default in the template. A bad value raises a one-line
:class:`~spinelib.errors.InputError` naming the field and the allowed values.

Values may arrive as text (a CSV cell, ``-r`` on the command line, YAML), so the whole-number
rules accept ``"12"`` as well as ``12``. Text parameters refuse control characters (NUL, line
breaks, direction overrides). All YAML (parameter files, ``-y`` on the command line, YAML in a
CSV cell) is read by :func:`safe_yaml`, with a size limit, a depth limit and no aliases or
anchors (so no "billion laughs" expansion).
"""
from __future__ import annotations

import datetime as _dt
import math
import re
from pathlib import Path

import pandas as pd
import yaml

from ..errors import InputError, Shown, whole_number
from ..journal import check_person
from ..profile import ALLOWED, Profile
from ..render import UNSAFE_CHARS
from ..sim import Params, scenarios
from .templates import template_key, template_label, template_parameters

__all__ = [
    "SEED_MAX", "PROFILE_FIELDS", "SCENARIO_KEYS", "RULES",
    "whole_rule", "text_rule", "optional_text_rule", "date_rule", "scenario_rule", "generic_rule",
    "check_scenario_settings", "allowed_text", "describe_parameters", "validate_parameters", "load_parameter_file",
    "YAML_TEXT_MAX", "YAML_CELL_MAX", "YAML_DEPTH_MAX", "PARAMETER_FILE_MAX", "YamlLimitError", "safe_yaml",
    "yaml_mapping",
]

SEED_MAX = 2**32 - 1
# the personal plan's parameters that are a spinelib.Profile's fields (checked by Profile itself)
PROFILE_FIELDS = ("minutes_per_day", "days_per_week", "equipment", "positions", "irritability", "load_stage",
                  "goals", "red_flags")
# the settings of a custom scenario
SCENARIO_KEYS = ("base", "label", "params")


def _described(check, allowed: str):
    """Attach the allowed-values text that ``--help-params`` shows."""
    check.allowed = allowed
    return check


# ----- rule makers: each returns check(value) -> clean value, with .allowed ---------------------
def _whole_from_text(v):
    """A whole float (12.0) or digits as text (" 12 ") as an int; anything else unchanged."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and re.fullmatch(r"\s*-?\d+\s*", v):
        return int(v)
    return v


def whole_rule(field_name: str, lo: int, hi: int, what: str = "a whole number"):
    """A whole number from ``lo`` to ``hi``; also given as text (``"12"``) or a whole float.

    The range check is :func:`spinelib.errors.whole_number`'s; the message keeps the report's
    wording (``what``, and the bounds without thousands separators).

    >>> rule = whole_rule("people", 100, 20000, "a whole number of people")
    >>> rule("500"), rule(500.0)
    (500, 500)
    >>> rule(True)
    Traceback (most recent call last):
    ...
    spinelib.errors.InputError: people: must be a whole number of people from 100 to 20000 (got True)
    """
    allowed = f"{what} from {lo} to {hi}"

    def check(v):
        if not isinstance(v, bool):
            v = _whole_from_text(v)
        if isinstance(v, bool) or not isinstance(v, int):
            raise InputError(field_name, allowed, v)
        try:
            return whole_number(v, field_name, lo, hi)
        except InputError:
            raise InputError(field_name, allowed, v) from None

    return _described(check, allowed)


_NO_CONTROLS = "text without control characters (NUL, line breaks, tabs, direction overrides)"


def text_rule(field_name: str, lo: int, hi: int):
    """Text of ``lo`` to ``hi`` characters once stripped, without control characters; returned stripped.

    >>> text_rule("name", 1, 80)("  Ana ")
    'Ana'
    >>> text_rule("name", 1, 80)("   ")
    Traceback (most recent call last):
    ...
    spinelib.errors.InputError: name: must be text of 1 to 80 characters (got only spaces)
    """
    allowed = f"text of {lo} to {hi} characters"

    def check(v):
        if not isinstance(v, str) or not lo <= len(v.strip()) <= hi:
            blank = isinstance(v, str) and not v.strip()
            raise InputError(field_name, allowed, Shown("only spaces" if v else "empty text") if blank else v)
        v = v.strip()
        if UNSAFE_CHARS.search(v) or any(c in v for c in "\n\r\t\u2028\u2029"):
            raise InputError(field_name, _NO_CONTROLS, v)
        return v

    return _described(check, allowed)


def optional_text_rule(field_name: str, hi: int):
    """Text of at most ``hi`` characters; an empty value becomes ``""`` (the template fills it in)."""
    text = text_rule(field_name, 0, hi)
    return _described(lambda v: text(v) if v else "", f"text of at most {hi} characters (empty: automatic)")


def date_rule(field_name: str):
    """A date as ``YYYY-MM-DD`` text (a ``datetime.date`` too), or empty for today."""
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

    return _described(check, allowed)


def scenario_rule(field_name: str):
    """A built-in scenario name, or custom settings ``{base, label, params}``."""

    def check(v):
        known = list(scenarios())
        if isinstance(v, str) and v.strip() in known:
            return v.strip()
        if isinstance(v, dict):
            return check_scenario_settings(field_name, v, known)
        raise InputError(field_name, "a built-in scenario (" + ", ".join(known) + ") or a mapping of its settings", v)

    return _described(check, "a built-in scenario name (spinelib.scenarios()) or settings {base: <name>, "
                             "label: <text>, params: {<simulator parameter>: <value>}}")


def check_scenario_settings(field_name: str, settings: dict, known) -> dict:
    """Validate ``{base, label, params}`` with the simulator's own parameter checks (no kernel)."""
    for k in settings:
        if k not in SCENARIO_KEYS:
            raise InputError(f"{field_name}.{k}", "one of the settings " + ", ".join(SCENARIO_KEYS))
    base = settings.get("base")
    if base not in known:
        raise InputError(f"{field_name}.base", "a built-in scenario (" + ", ".join(known) + ")", base)
    out = {"base": base}
    if settings.get("label") not in (None, ""):
        out["label"] = text_rule(f"{field_name}.label", 1, 60)(settings["label"])
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


def _type_name(v) -> str:
    return {bool: "true or false", int: "a whole number", float: "a number", str: "text", list: "a list",
            dict: "a mapping", tuple: "a list"}.get(type(v), type(v).__name__)


def generic_rule(field_name: str, default):
    """Type check from the template's default value, for parameters without a rule."""
    if default is None:
        return lambda v: v
    want = type(default)

    def check(v):
        if want is float and isinstance(v, int) and not isinstance(v, bool):
            return float(v)
        if want is float and isinstance(v, float) and not math.isfinite(v):
            raise InputError(field_name, "a finite number", v)
        if want in (list, tuple) and isinstance(v, (list, tuple)):
            return list(v)
        if not isinstance(v, want) or (want is int and isinstance(v, bool)):
            raise InputError(field_name, _type_name(default), v)
        return v

    return check


# ----- the rules of the shipped templates ---------------------------------------------------
RULES = {
    "personal-plan": {
        "name": text_rule("name", 1, 80),
        "report_date": date_rule("report_date"),
        "weeks": whole_rule("weeks", 1, 52, "a whole number of weeks"),
        "people": whole_rule("people", 100, 20000, "a whole number of people"),
        "seed": whole_rule("seed", 0, SEED_MAX),
    },
    "scenario-comparison": {
        "scenario_a": scenario_rule("scenario_a"),
        "scenario_b": scenario_rule("scenario_b"),
        "people": whole_rule("people", 100, 100000, "a whole number of people"),
        "weeks": whole_rule("weeks", 1, 104, "a whole number of weeks"),
        "seed": whole_rule("seed", 0, SEED_MAX),
        "title": optional_text_rule("title", 120),
    },
    "progress-report": {
        "name": _described(lambda v: check_person(v, "name"), "a name of 1 to 80 letters, digits, spaces or . ' - _"),
        "journal": optional_text_rule("journal", 500),
        "report_date": date_rule("report_date"),
        "weeks": whole_rule("weeks", 1, 26, "a whole number of weeks"),
        "people": whole_rule("people", 100, 20000, "a whole number of people"),
        "demo_days": whole_rule("demo_days", 0, 1095, "a whole number of days"),
    },
}


def _is_profile_field(key, name: str) -> bool:
    return key == "personal-plan" and name in PROFILE_FIELDS


def allowed_text(key, name: str, default) -> str:
    """What a parameter accepts, in words (for ``--help-params``)."""
    if _is_profile_field(key, name):
        return ALLOWED[name]
    rule = RULES.get(key, {}).get(name)
    if rule is not None and hasattr(rule, "allowed"):
        return rule.allowed
    return _type_name(default) if default is not None else "any literal"


def describe_parameters(template) -> pd.DataFrame:
    """One row per declared parameter: name, default, allowed values and help text."""
    key = template_key(template)
    rows = []
    for name, p in template_parameters(template).items():
        rows.append({"name": name, "default": p["default_text"], "allowed": allowed_text(key, name, p["default"]),
                     "help": p["help"]})
    return pd.DataFrame(rows, columns=["name", "default", "allowed", "help"])


# ----- validation ----------------------------------------------------------------------------
def _profile_values(parameters: dict, declared: dict) -> dict:
    """The given profile fields in :class:`~spinelib.Profile`'s normal form (the others from the template)."""
    given = {k: parameters[k] for k in PROFILE_FIELDS if k in parameters}
    defaults = {k: declared[k]["default"] for k in PROFILE_FIELDS if k in declared and k not in given}
    prof = Profile(**{**defaults, **given}).to_dict()
    clean = {k: prof[k] for k in given}
    if "red_flags" in given:  # keep only the answered questions, as plain "yes"/"no" booleans
        clean["red_flags"] = dict(prof["red_flags"])
    return clean


def validate_parameters(template, parameters: dict | None) -> dict:
    """Check parameters against the template, without starting a kernel; return them cleaned.

    Unknown names, wrong types and out-of-range values raise a one-line
    :class:`~spinelib.errors.InputError` naming the field and the allowed values.
    """
    parameters = dict(parameters or {})
    declared = template_parameters(template)
    key = template_key(template)
    for name in parameters:
        if name not in declared:
            raise InputError(name, f"a parameter of {template_label(template)}: one of {', '.join(declared)}")
    rules = RULES.get(key, {})
    clean: dict = {}
    for name, value in parameters.items():
        if not _is_profile_field(key, name):
            rule = rules.get(name) or generic_rule(name, declared[name]["default"])
            clean[name] = rule(value)
    if key == "personal-plan":
        clean.update(_profile_values(parameters, declared))
    return clean


# ----- YAML with limits -----------------------------------------------------------------------
YAML_TEXT_MAX = 100_000  # characters of YAML in -y or in a parameters file
YAML_CELL_MAX = 10_000  # characters of YAML in one CSV cell
YAML_DEPTH_MAX = 10  # nesting of mappings and lists (a parameters file needs 3)
PARAMETER_FILE_MAX = 1_000_000  # bytes of a parameters file, checked before it is read


class YamlLimitError(InputError):
    """YAML refused by a limit (size, depth, an alias or an anchor), as opposed to a typo."""


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader that refuses aliases and anchors and nodes nested too deep."""

    def __init__(self, stream, max_depth: int):
        super().__init__(stream)
        self._max_depth = max_depth
        self._depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(f"an alias (*{event.anchor})", event.start_mark)
        if getattr(event, "anchor", None):
            raise _Refused(f"an anchor (&{event.anchor})", event.start_mark)
        self._depth += 1
        if self._depth > self._max_depth:
            raise _Refused(f"nesting deeper than {self._max_depth} levels", event.start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Refused(Exception):
    def __init__(self, what: str, mark):
        super().__init__(what)
        self.what = what
        self.line = mark.line + 1 if mark is not None else None


def safe_yaml(text, field: str, *, max_chars: int = YAML_TEXT_MAX, max_depth: int = YAML_DEPTH_MAX, where: str = ""):
    """Parse YAML with limits; the one YAML reader of parameters, ``-y`` text and CSV cells.

    Plain YAML only (PyYAML's safe loader: no Python objects), at most ``max_chars``
    characters, nested at most ``max_depth`` deep, and no aliases or anchors (``&a``/``*a``:
    the "billion laughs" expansion). A limit raises :class:`YamlLimitError`, a syntax error an
    :class:`~spinelib.errors.InputError` naming the line; both one line, naming ``field``.

    >>> safe_yaml("[mat, band]", "equipment")
    ['mat', 'band']
    >>> safe_yaml("a: &x [1]\\nb: *x", "-y")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    spinelib.reports.parameters.YamlLimitError: -y: must be plain YAML without aliases or anchors (got an anchor (&x)...
    """
    if not isinstance(text, str):
        raise InputError(field, "YAML text", Shown(type(text).__name__), where=where)
    if len(text) > max_chars:
        raise YamlLimitError(field, f"YAML of at most {max_chars:,} characters", Shown(f"{len(text):,} characters"),
                             where=where)
    if "\x00" in text:
        raise YamlLimitError(field, "YAML text without NUL characters", Shown("a NUL character"), where=where)
    loader = _LimitedLoader(text, max_depth)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        at = f" on line {exc.line}" if exc.line else ""
        if exc.what.startswith("nesting"):
            raise YamlLimitError(field, f"YAML nested at most {max_depth} levels deep", Shown(exc.what + at),
                                 where=where) from None
        raise YamlLimitError(field, "plain YAML without aliases or anchors", Shown(exc.what + at),
                             where=where) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not YAML"
        got = f"line {mark.line + 1}: {problem}" if mark is not None else str(problem)
        raise InputError(field, "valid YAML", Shown(got), where=where) from None
    except (ValueError, OverflowError, RecursionError) as exc:  # e.g. an integer of 5,000 digits
        raise YamlLimitError(field, "plain YAML values", Shown(" ".join(str(exc).split())[:60]), where=where) from None
    finally:
        loader.dispose()


def yaml_mapping(text, field: str, *, max_chars: int = YAML_TEXT_MAX, where: str = "") -> dict:
    """:func:`safe_yaml` text that must be a mapping with text keys (parameter names to values).

    >>> yaml_mapping("weeks: 4", "-y")
    {'weeks': 4}
    """
    allowed = "a YAML mapping of parameter names to values"
    data = safe_yaml(text, field, max_chars=max_chars, where=where)
    if not isinstance(data, dict):
        raise InputError(field, allowed, text if isinstance(text, str) else Shown(type(data).__name__), where=where)
    for k in data:
        if not isinstance(k, str):
            raise InputError(field, allowed + " (names are text)", k, where=where)
    return data


def load_parameter_file(path) -> dict:
    """Parameters from a YAML file: a plain mapping, or ``{template: ..., parameters: {...}}``.

    The file is read through :func:`safe_yaml` (size, depth, no aliases), as UTF-8 text of at
    most :data:`PARAMETER_FILE_MAX` bytes.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("parameters file", "an existing YAML file", str(path))
    size = p.stat().st_size
    if size > PARAMETER_FILE_MAX:
        raise YamlLimitError("parameters file", f"a YAML file of at most {PARAMETER_FILE_MAX:,} bytes",
                             Shown(f"{p.name}: {size:,} bytes"))
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("parameters file", "UTF-8 text", Shown(f"{p.name}: a byte {exc.object[exc.start]:#04x} "
                                                                f"at position {exc.start:,}")) from None
    try:
        data = safe_yaml(text, "parameters file", max_chars=max(YAML_TEXT_MAX, PARAMETER_FILE_MAX))
    except YamlLimitError:
        raise
    except InputError as exc:
        raise InputError("parameters file", "valid YAML", Shown(f"{p.name} {exc.got}")) from None
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise InputError("parameters file", "a YAML mapping of parameter names to values", p.name)
    if "parameters" in data and set(data) <= {"template", "parameters", "output", "description"}:
        data = data["parameters"] or {}
        if not isinstance(data, dict):
            raise InputError("parameters file", "a mapping under 'parameters:' of parameter names to values", p.name)
    for k in data:
        if not isinstance(k, str):
            raise InputError("parameters file", "a mapping whose parameter names are text", k)
    return data
