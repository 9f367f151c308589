"""Errors: one exception and one set of validators for every entry point."""
from __future__ import annotations

import math

import numpy as np
import pytest

from spinelib.errors import InputError, choice, number, whole_number, yes_no


@pytest.mark.parametrize("value, whole, want", [
    (3, False, 3.0), ("2,5", False, 2.5), (" 4 ", True, 4), (np.float64(2.0), True, 2), (5.0, True, 5),
])
def test_number_accepts(value, whole, want):
    "errors.number: numbers, typed text with a decimal comma, whole numbers as int"
    got = number(value, "field", 1, 5, whole=whole)
    assert got == want and type(got) is (int if whole else float)


@pytest.mark.parametrize("value, whole, text", [
    ("", False, "field: must be a number from 1 to 5 (the box is empty)"),
    (None, False, "field: must be a number from 1 to 5 (the box is empty)"),
    ("abc", False, "field: must be a number from 1 to 5 (got 'abc')"),
    (0, False, "field: must be a number from 1 to 5 (got 0)"),
    (math.nan, False, "field: must be a number from 1 to 5 (got nan)"),
    ("2.5", True, "field: must be a whole number from 1 to 5 (got '2.5')"),
])
def test_number_refuses_with_one_line(value, whole, text):
    "errors.number: a one-line message naming the field and the allowed range"
    with pytest.raises(InputError) as e:
        number(value, "field", 1, 5, whole=whole)
    assert str(e.value) == text and "\n" not in str(e.value)


def test_whole_number_refuses_bools_and_text():
    "errors.whole_number: bools, text and fractions are refused"
    for bad in (True, "3", 2.5, math.inf):
        with pytest.raises(InputError, match="days: must be a whole number from 1 to 7"):
            whole_number(bad, "days", 1, 7)
    assert whole_number(np.int64(3), "days", 1, 7) == 3


def test_yes_no():
    "errors.yes_no: yes/no words, bools and 1/0; anything else is no answer (None)"
    assert [yes_no(v) for v in ("YES", "y", "true", "1", True, np.bool_(True), 1, 1.0)] == [True] * 8
    assert [yes_no(v) for v in ("no", " N ", "false", "0", False, 0)] == [False] * 6
    assert [yes_no(v) for v in ("maybe", "", None, 2, [])] == [None] * 5


def test_choice():
    "errors.choice: one of the allowed values, else a message listing them"
    assert choice("b", "letter", ("a", "b")) == "b"
    with pytest.raises(InputError, match="letter: must be one of a, b"):
        choice("c", "letter", ("a", "b"))
