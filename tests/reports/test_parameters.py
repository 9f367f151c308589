"""Report parameters: validation before any kernel, rules, help text, parameter files."""
from __future__ import annotations

from pathlib import Path

import pytest

from spinelib import reports
from spinelib.errors import InputError
from spinelib.reports.parameters import RULES, whole_rule

TINY = Path(__file__).resolve().parent.parent / "data" / "tiny_template.ipynb"


@pytest.mark.parametrize("params, field, allowed", [
    ({"minutes_per_dya": 15}, "minutes_per_dya", "a parameter of personal-plan"),
    ({"minutes_per_day": "fifteen"}, "minutes_per_day", "5 to 60"),
    ({"minutes_per_day": 90}, "minutes_per_day", "5 to 60"),
    ({"weeks": 0}, "weeks", "1 to 52"),
    ({"people": 10}, "people", "100 to 20000"),
    ({"irritability": "extreme"}, "irritability", "low, moderate, high"),
    ({"red_flags": {"night_pain": "maybe"}}, "red_flags.night_pain", "yes or no"),
    ({"equipment": ["sofa"]}, "equipment", "mat"),
    ({"report_date": "24/11/2026"}, "report_date", "YYYY-MM-DD"),
])
def test_bad_parameters_fail_before_a_kernel(no_kernel, tmp_path, params, field, allowed):
    "validation: unknown name, wrong type, out of range -> one-line InputError naming field and range, no kernel"
    with pytest.raises(InputError) as exc:
        reports.run_report("personal-plan", params, tmp_path / "x.html")
    msg = str(exc.value)
    assert msg.startswith(field + ":") and allowed in msg and "\n" not in msg
    assert not list(tmp_path.iterdir())


def test_generic_types_from_template_defaults(no_kernel):
    "validation: a template without rules is type-checked from its defaults"
    assert reports.validate_parameters(TINY, {"count": 2, "scale": 1, "labels": ("x",)}) == {
        "count": 2, "scale": 1.0, "labels": ["x"]}
    for bad in ({"count": "2"}, {"count": True}, {"fail": "no"}, {"labels": "a"}):
        with pytest.raises(InputError):
            reports.validate_parameters(TINY, bad)


def test_validation_normalises_profile_fields():
    "validation: profile fields come back in the Profile's normal form"
    clean = reports.validate_parameters("personal-plan", {"equipment": "band, mat", "red_flags": {"night_pain": "no"}})
    assert clean == {"equipment": ["mat", "band"], "red_flags": {"night_pain": False}}


def test_whole_number_rules_accept_text_cells():
    "rules: whole numbers also as text (CSV cells, YAML) and whole floats; bools, fractions and words refused"
    weeks = RULES["personal-plan"]["weeks"]
    assert weeks("12") == 12 and weeks(" 3 ") == 3 and weeks(8.0) == 8 and weeks(52) == 52
    for bad, shown in ((True, "True"), (8.5, "8.5"), ("eight", "'eight'"), ("53", "53"), ([1, 2], "[1, 2]"),
                       (None, "None")):
        with pytest.raises(InputError) as exc:
            weeks(bad)
        assert str(exc.value) == f"weeks: must be a whole number of weeks from 1 to 52 (got {shown})"
    seed = RULES["scenario-comparison"]["seed"]
    assert seed(str(2**32 - 1)) == 2**32 - 1
    with pytest.raises(InputError, match=r"seed: must be a whole number from 0 to 4294967295 \(got -1\)"):
        seed("-1")
    assert whole_rule("jobs", 1, 64).allowed == "a whole number from 1 to 64"


def test_optional_title_and_dates():
    "rules: an empty title is automatic; dates are YYYY-MM-DD or empty for today"
    title = RULES["scenario-comparison"]["title"]
    assert title("") == "" and title(None) == "" and title("  My title ") == "My title"
    assert title.allowed == "text of at most 120 characters (empty: automatic)"
    with pytest.raises(InputError, match="title: must be text of 0 to 120 characters"):
        title("x" * 121)
    date = RULES["personal-plan"]["report_date"]
    assert date(" 2026-11-24 ") == "2026-11-24" and date("") == "" and date(None) == ""
    assert date(__import__("datetime").date(2026, 1, 2)) == "2026-01-02"


def test_describe_parameters():
    "help-params: every parameter has a default and an allowed range"
    d = reports.describe_parameters("personal-plan").set_index("name")
    assert d.loc["minutes_per_day", "allowed"] == "a whole number of minutes from 5 to 60"
    assert d.loc["minutes_per_day", "default"] == "15"


def test_scenario_settings_validation(no_kernel):
    "validation: scenario settings are checked by the simulator's Params, before any kernel"
    ok = reports.validate_parameters("scenario-comparison", {"scenario_b": {"base": "gentle_daily", "label": "G"}})
    assert ok == {"scenario_b": {"base": "gentle_daily", "label": "G"}}
    for bad, field in (({"scenario_a": "nope"}, "scenario_a:"), ({"scenario_a": {"base": "nope"}}, "scenario_a.base:"),
                       ({"scenario_a": {"base": "gentle_daily", "colour": 1}}, "scenario_a.colour:"),
                       ({"scenario_a": {"base": "gentle_daily", "params": {"zz": 1}}}, "scenario_a.params:"),
                       ({"people": 50}, "people:")):
        with pytest.raises(InputError) as exc:
            reports.validate_parameters("scenario-comparison", bad)
        assert str(exc.value).startswith(field), str(exc.value)


def test_parameter_file_forms(tmp_path):
    "parameter files: a plain mapping, or template/parameters keys; bad YAML names the line"
    f = tmp_path / "p.yaml"
    f.write_text("name: Ana\nweeks: 4\n")
    assert reports.load_parameter_file(f) == {"name": "Ana", "weeks": 4}
    f.write_text("template: personal-plan\nparameters:\n  name: Ben\n")
    assert reports.load_parameter_file(f) == {"name": "Ben"}
    f.write_text("name: [unclosed\n")
    with pytest.raises(InputError, match="parameters file: must be valid YAML"):
        reports.load_parameter_file(f)
    with pytest.raises(InputError, match="an existing YAML file"):
        reports.load_parameter_file(tmp_path / "missing.yaml")
