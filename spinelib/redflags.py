"""The red-flag screen: questions that mean "see a clinician", never "here is a routine".

The questions follow the guideline rows Z1-Z3 of the evidence table (NICE NG59 and the NHS
red-flag pathway). A screen is a prompt to get checked, not a diagnosis: most people who
answer yes to one question do not have a serious cause (Z3), but they should be examined
before starting a self-guided programme.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import InputError, yes_no

__all__ = ["RED_FLAG_QUESTIONS", "URGENT", "GROUPS", "RedFlagResult", "screen_red_flags", "normalise_answers"]

RED_FLAG_QUESTIONS: dict[str, str] = {
    "bladder_bowel": "Have you recently lost control of your bladder or bowels (leaking, or being unable to pass urine)?",
    "saddle_numbness": "Is there new numbness or tingling around your genitals, bottom or inner thighs (the 'saddle' area)?",
    "progressive_weakness": "Is weakness or numbness in one or both legs getting worse, or are you tripping or struggling to walk?",
    "fever_unwell": "Do you have a fever, chills, or feel generally unwell along with the back pain?",
    "weight_loss": "Have you lost weight recently without trying?",
    "cancer_history": "Have you ever been treated for cancer?",
    "significant_trauma": "Did the pain start after a fall, an accident or another injury (or a minor one if you have weak bones)?",
    "night_pain": "Is the pain constant and present at night, not easing when you lie still or change position?",
    "age_new_pain": "Are you under 20 or over 50, and is this back pain new?",
}

URGENT = ("bladder_bowel", "saddle_numbness", "progressive_weakness")

# the questions by what a yes may point to (how the screen groups them, and how a message names them)
GROUPS: dict[str, tuple[str, ...]] = {
    "signs of pressure on the nerves at the base of the spine (urgent)": URGENT,
    "signs of another serious cause (infection, cancer, a fracture)": (
        "fever_unwell", "weight_loss", "cancer_history", "significant_trauma", "night_pain"),
    "age: new back pain at an age where serious causes are more common": ("age_new_pain",),
}

_REASONS = {
    "bladder_bowel": "new loss of bladder or bowel control",
    "saddle_numbness": "numbness in the saddle area",
    "progressive_weakness": "leg weakness or numbness that is getting worse",
    "fever_unwell": "fever or feeling unwell (possible infection)",
    "weight_loss": "unexplained weight loss",
    "cancer_history": "a history of cancer",
    "significant_trauma": "pain that began with an injury",
    "night_pain": "constant pain at night",
    "age_new_pain": "new back pain under 20 or over 50",
}

def normalise_answers(answers) -> dict[str, bool]:
    """Turn answers keyed by question id into booleans; unanswered questions are left out.

    Accepts True/False, 1/0 and "yes"/"no" (any case). ``None`` or ``""`` means not answered.

    >>> normalise_answers({"fever_unwell": "no", "night_pain": None})
    {'fever_unwell': False}
    """
    if answers is None:
        return {}
    if not isinstance(answers, dict):
        raise InputError("red_flags", "a mapping of question id to yes/no", type(answers).__name__)
    out: dict[str, bool] = {}
    for key, value in answers.items():
        if key not in RED_FLAG_QUESTIONS:
            raise InputError("red_flags", "keyed by question ids: " + ", ".join(RED_FLAG_QUESTIONS), key)
        if value is None or (isinstance(value, str) and value.strip() == ""):
            continue
        answer = yes_no(value)
        if answer is None:
            raise InputError(f"red_flags.{key}", "yes or no", value)
        out[key] = answer
    return out


@dataclass(frozen=True)
class RedFlagResult:
    """The outcome of the screen.

    ``clear`` is True only when every question is answered no. ``referral`` is True when
    any answer is yes: then ``message`` tells the person to see a clinician and no routine
    is built. ``urgent`` marks the cauda equina signs.
    """

    answers: dict = field(default_factory=dict)
    positives: tuple = ()
    unanswered: tuple = ()

    @property
    def referral(self) -> bool:
        return bool(self.positives)

    is_referral = referral

    @property
    def urgent(self) -> bool:
        return any(q in URGENT for q in self.positives)

    @property
    def clear(self) -> bool:
        return not self.positives and not self.unanswered

    @property
    def complete(self) -> bool:
        return not self.unanswered

    @property
    def reasons(self) -> list[str]:
        return [_REASONS[q] for q in self.positives]

    @property
    def urgent_reasons(self) -> list[str]:
        """The reasons that are signs of pressure on the nerves (the urgent ones)."""
        return [_REASONS[q] for q in self.positives if q in URGENT]

    @property
    def other_reasons(self) -> list[str]:
        """The reasons that are not signs of pressure on the nerves."""
        return [_REASONS[q] for q in self.positives if q not in URGENT]

    @property
    def message(self) -> str:
        """What to do, in plain words; the urgent nerve signs are named apart from the other reasons.

        >>> r = screen_red_flags({"saddle_numbness": "yes", "age_new_pain": "yes"})
        >>> "numbness in the saddle area. These can be signs of pressure" in r.message
        True
        >>> r.message.index("over 50") > r.message.index("signs of pressure")
        True
        """
        if self.urgent:
            other = self.other_reasons
            return ("Seek urgent medical care today (an emergency department or an urgent call to your doctor): "
                    + "; ".join(self.urgent_reasons)
                    + ". These can be signs of pressure on the nerves at the base of the spine and need to be "
                    "checked straight away."
                    + (" Also tell them about: " + "; ".join(other) + "." if other else "")
                    + " Do not start an exercise routine.")
        if self.referral:
            return ("Please see a clinician promptly before starting an exercise routine: "
                    + "; ".join(self.reasons)
                    + ". This does not mean something serious is wrong, but it needs to be checked first.")
        if self.unanswered:
            return (f"{len(self.unanswered)} of {len(RED_FLAG_QUESTIONS)} screening questions are not answered yet; "
                    "answer them before you start.")
        return "No red flags reported. If anything on this list changes, stop and see a clinician."

    def __repr__(self) -> str:
        state = "urgent referral" if self.urgent else "referral" if self.referral else "clear" if self.clear else "incomplete"
        return f"RedFlagResult({state}: {self.message})"


def screen_red_flags(answers=None) -> RedFlagResult:
    """Screen answers keyed by question id.

    >>> screen_red_flags({q: "no" for q in RED_FLAG_QUESTIONS}).clear
    True
    >>> r = screen_red_flags({"saddle_numbness": True})
    >>> r.referral, r.urgent, r.message.startswith("Seek urgent")
    (True, True, True)
    """
    norm = normalise_answers(answers)
    positives = tuple(q for q in RED_FLAG_QUESTIONS if norm.get(q) is True)
    unanswered = tuple(q for q in RED_FLAG_QUESTIONS if q not in norm)
    return RedFlagResult(answers=norm, positives=positives, unanswered=unanswered)
