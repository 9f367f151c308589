"""Report parameters: one rule per declared parameter, checked before any kernel starts.

Parameter *names* come from the template itself (:func:`~.templates.template_parameters`);
types and ranges from :data:`RULES`, from :class:`spinelib.Profile` (the personal plan's
profile fields) and from the simulator (scenario names and settings). A parameter without a
rule is type-checked against its default in the template. A bad value raises a one-line
:class:`~spinelib.errors.InputError` naming the field and the allowed values.

Values may arrive as text (a CSV cell, ``-r`` on the command line, YAML), so the whole-number
rules accept ``"12"`` as well as ``12``.
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import pandas as pd

from ..errors import InputError, whole_number
from ..profile import ALLOWED, Profile
from ..sim import Params, scenarios
from .templates import template_key, template_label, template_parameters

__all__ = [
    "SEED_MAX", "PROFILE_FIELDS", "SCENARIO_KEYS", "RULES",
    "whole_rule", "text_rule", "optional_text_rule", "date_rule", "scenario_rule", "generic_rule",
    "check_scenario_settings", "allowed_text", "describe_parameters", "validate_parameters", "load_parameter_file",
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


def text_rule(field_name: str, lo: int, hi: int):
    """Text of ``lo`` to ``hi`` characters once stripped; returned stripped."""
    allowed = f"text of {lo} to {hi} characters"

    def check(v):
        if not isinstance(v, str) or not lo <= len(v.strip()) <= hi:
            raise InputError(field_name, allowed, v)
        return v.strip()

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
