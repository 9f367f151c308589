"""The validated profile that the routine builder, the audit and the reports start from."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .catalogue import EQUIPMENT, POSITIONS
from .errors import InputError, fmt_allowed
from .redflags import RED_FLAG_QUESTIONS, normalise_answers

__all__ = ["Profile", "GOALS", "IRRITABILITY", "ALLOWED", "as_profile"]

IRRITABILITY = ("low", "moderate", "high")
GOALS = ("general", "lifting", "sitting", "mornings", "sleep", "walking", "sport", "caregiving")

ALLOWED = {
    "minutes_per_day": "a whole number of minutes from 5 to 60",
    "days_per_week": "a whole number of days from 1 to 7",
    "equipment": "a list drawn from " + ", ".join(EQUIPMENT),
    "positions": "a non-empty list drawn from " + ", ".join(POSITIONS),
    "irritability": fmt_allowed(IRRITABILITY),
    "load_stage": "a whole number from 1 to 5",
    "goals": "a list drawn from " + ", ".join(GOALS),
    "red_flags": "a mapping of question id (" + ", ".join(RED_FLAG_QUESTIONS) + ") to yes/no",
}


_VOCAB = {"equipment": EQUIPMENT, "positions": POSITIONS, "goals": GOALS}


def _listify(value):
    if value is None:
        return []
    if isinstance(value, str):
        return [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    raise ValueError("not a list")


class Profile(BaseModel):
    """A person's situation and preferences. Bad values raise a one-line :class:`InputError`.

    >>> Profile().minutes_per_day
    15
    >>> Profile(minutes_per_day=0)
    Traceback (most recent call last):
    ...
    spinelib.errors.InputError: minutes_per_day: must be a whole number of minutes from 5 to 60 (got 0)
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    minutes_per_day: int = Field(15, ge=5, le=60, description="minutes available per day")
    days_per_week: int = Field(7, ge=1, le=7, description="days a week with a session")
    equipment: tuple[str, ...] = Field(("mat",), description="equipment at hand besides ordinary furniture")
    positions: tuple[str, ...] = Field(POSITIONS, min_length=1, description="positions tolerated")
    irritability: Literal["low", "moderate", "high"] = Field("moderate", description="how easily the back flares")
    load_stage: int = Field(1, ge=1, le=5, description="current rung of the load ladder")
    goals: tuple[str, ...] = Field((), description="what the person wants to get back to")
    red_flags: dict[str, bool] = Field(default_factory=dict, description="screen answers by question id")

    def __init__(self, **data):
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _to_input_error(exc, data) from None

    @field_validator("minutes_per_day", "days_per_week", "load_stage", mode="before")
    @classmethod
    def _whole_number(cls, v):
        if isinstance(v, bool):
            raise ValueError("bool")
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, str) and v.strip().lstrip("-").isdigit():
            return int(v.strip())
        return v

    @field_validator("equipment", "positions", "goals", mode="before")
    @classmethod
    def _vocabulary(cls, v, info):
        allowed = _VOCAB[info.field_name]
        items = [str(x).strip().lower() for x in _listify(v)]
        if info.field_name == "positions":
            items = [x.replace("_", "-") for x in items]
        bad = [x for x in items if x not in allowed]
        if bad:
            raise ValueError(bad[0])
        return tuple(sorted(set(items) - {"none"}, key=allowed.index))

    @field_validator("irritability", mode="before")
    @classmethod
    def _irritability(cls, v):
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("red_flags", mode="before")
    @classmethod
    def _red_flags(cls, v):
        return normalise_answers(v)

    @property
    def available_equipment(self) -> frozenset:
        """Equipment the person can use, always including 'none'."""
        return frozenset(self.equipment) | {"none"}

    def to_dict(self) -> dict:
        """Plain JSON-ready dict of the fields (lists, not tuples)."""
        d = self.model_dump()
        for k in ("equipment", "positions", "goals"):
            d[k] = list(d[k])
        return d


def _to_input_error(exc: ValidationError, data: dict) -> InputError:
    err = exc.errors()[0]
    loc = err.get("loc") or ("profile",)
    field = str(loc[0])
    if err.get("type") == "extra_forbidden":
        return InputError(field, "a known profile field: " + ", ".join(Profile.model_fields), "unknown field")
    got = data.get(field, err.get("input"))
    if field == "red_flags" and isinstance(exc.errors()[0].get("ctx", {}).get("error"), InputError):
        return exc.errors()[0]["ctx"]["error"]
    ctx_err = err.get("ctx", {}).get("error")
    if isinstance(ctx_err, InputError):
        return ctx_err
    if field in ("equipment", "positions", "goals") and isinstance(ctx_err, ValueError):
        return InputError(field, ALLOWED[field], got if "not a list" in str(ctx_err) else str(ctx_err))
    return InputError(field, ALLOWED.get(field, "valid"), got)


def as_profile(profile) -> Profile:
    """Accept a :class:`Profile` or a plain dict of its fields.

    >>> as_profile({"minutes_per_day": 20}).minutes_per_day
    20
    """
    if isinstance(profile, Profile):
        return profile
    if profile is None:
        return Profile()
    if isinstance(profile, dict):
        return Profile(**profile)
    raise InputError("profile", "a Profile or a dict of its fields", type(profile).__name__)
