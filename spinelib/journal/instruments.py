"""The weekly outcome measures: three instruments that are free to reproduce, and their
minimal important differences (MIDs).

- **NRS pain**: average pain over the past week on the 0-10 numeric rating scale. A fall of
  about 2 points, or about 30%, matched "much improved" in chronic pain trials (evidence P8).
- **PEG-3**: average **P**ain, interference with **E**njoyment of life and with **G**eneral
  activity over the past week, each 0-10; the score is their mean (P9). Most anchor-based MID
  estimates lie between 1.0 and 1.75 points (P10): 1 point is used here.
- **PSFS** (Patient-Specific Functional Scale): up to three activities the person finds hard,
  each rated 0 (unable) to 10 (as before the problem); the score is their mean (P12). MID for
  a small change 1.3 points (P11).

Nothing here is medical advice: a change beyond the MID is a reason to talk it over, not a diagnosis.

>>> INSTRUMENTS["peg"].mid, INSTRUMENTS["psfs"].lower_is_better
(1.0, False)
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Instrument", "INSTRUMENTS", "peg_score", "psfs_score"]


@dataclass(frozen=True)
class Instrument:
    """One outcome measure: its label, range, direction, MID and evidence ids."""

    key: str
    label: str
    lo: float
    hi: float
    lower_is_better: bool
    mid: float
    mid_text: str
    evidence: tuple


INSTRUMENTS = {
    "nrs": Instrument("nrs", "NRS pain (past week, 0-10)", 0, 10, True, 2.0,
                      "about 2 points or about 30% (Farrar 2001)", ("P8",)),
    "peg": Instrument("peg", "PEG-3 pain and interference (0-10)", 0, 10, True, 1.0,
                      "1 point (anchor-based estimates mostly 1.0-1.75; Reed 2023)", ("P9", "P10")),
    "psfs": Instrument("psfs", "Patient-Specific Functional Scale (0-10, higher is better)", 0, 10, False, 1.3,
                       "1.3 points for a small change (Abbott 2014)", ("P11", "P12")),
}


def peg_score(pain, enjoyment, activity) -> float:
    """The PEG-3 score: the mean of its three 0-10 items.

    >>> peg_score(6, 4, 5)
    5.0
    """
    return (float(pain) + float(enjoyment) + float(activity)) / 3


def psfs_score(scores) -> float:
    """The PSFS score: the mean of the rated activities (missing ones ignored); NaN if none.

    >>> psfs_score([4, 6, None])
    5.0
    """
    vals = [float(s) for s in scores if s is not None and s == s]
    return sum(vals) / len(vals) if vals else float("nan")
