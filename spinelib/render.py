"""HTML and Markdown renderings of a routine, its week and its audit: one of each.

The widgets and the reports show the same plan, so they call the same functions here.
Every string that can come from a person or a data file is escaped. The functions take the
objects they render (a :class:`~spinelib.routine.Routine` or anything with the same
attributes, an audit table) and return text; nothing is displayed here.
"""
from __future__ import annotations

import html

import pandas as pd

from .week import SLOT_TITLES, SLOTS

__all__ = ["STATUS_MARK", "routine_html", "routine_markdown", "week_display", "audit_html", "evidence_ids_html"]

# how each audit status is shown: mark, colour, word
STATUS_MARK = {"pass": ("&#10004;", "#1b5e20", "pass"), "warn": ("!", "#8a5a00", "warning"),
               "fail": ("&#10008;", "#8a1c13", "fail")}


def _slot_heading(routine, slot: str) -> str:
    return f"{SLOT_TITLES[slot]} ({routine.slot_minutes()[slot]:g} min)"


def routine_html(routine) -> str:
    """The day plan as HTML tables, one per slot: exercise, dosage, minutes and cues."""
    parts = ['<div class="spinelib-routine">']
    for s in SLOTS:
        items = routine.slots.get(s, ())
        parts.append(f"<h3>{html.escape(_slot_heading(routine, s))}</h3>")
        if not items:
            parts.append("<p><em>Nothing planned in this slot.</em></p>")
            continue
        parts.append('<table class="plan"><thead><tr><th>Exercise</th><th>Dosage</th><th>Minutes</th>'
                     "<th>Cues</th></tr></thead><tbody>")
        for it in items:
            cues = "".join(f"<li>{html.escape(c)}</li>" for c in it.cues)
            parts.append(f"<tr><td>{html.escape(it.name)}</td><td>{html.escape(it.dosage)}</td>"
                         f"<td>{it.minutes:g}</td><td><ul>{cues}</ul></td></tr>")
        parts.append("</tbody></table>")
    parts.append("</div>")
    return "\n".join(parts)


def routine_markdown(routine) -> str:
    """The day plan as Markdown, one table per slot, then the week."""
    out = []
    for s in SLOTS:
        items = routine.slots.get(s, ())
        out.append(f"### {_slot_heading(routine, s)}\n")
        if not items:
            out.append("_Nothing planned in this slot._\n")
            continue
        df = pd.DataFrame([{"Exercise": it.name, "Dosage": it.dosage, "Minutes": it.minutes,
                            "Cues": "; ".join(it.cues)} for it in items])
        out.append(df.to_markdown(index=False) + "\n")
    out.append("### Week\n")
    out.append(routine.week_frame().to_markdown(index=False) + "\n")
    return "\n".join(out)


WEEK_COLUMNS = ["Day", "Session", "Morning (min)", "Mid-day (min)", "Evening (min)", "Total (min)",
                "Transition drill"]


def week_display(routine) -> pd.DataFrame:
    """The week as a person reads it: session or rest, minutes per slot (blank on rest days),
    and whether a transition drill is practised."""
    wk = routine.week_frame().copy()
    wk["session"] = wk["session"].map({True: "session", False: "rest"})
    wk["transition"] = wk["transition"].map({True: "yes", False: ""})
    for c in ("morning", "midday", "evening", "total"):
        wk[c] = wk[c].map(lambda x: f"{x:g}" if x else "")
    wk.columns = WEEK_COLUMNS
    return wk


def evidence_ids_html(ids) -> str:
    """Evidence ids, escaped, each kept on one line."""
    return ", ".join(f'<span class="nowrap">{html.escape(str(i))}</span>' for i in ids)


def audit_html(table: pd.DataFrame, *, evidence: bool = True) -> str:
    """The five-insight audit as a table: insight, a coloured pass/warning/fail mark, why, evidence.

    The status cell carries the class ``status-<status>`` (the reports' stylesheet) and its
    own colour, so it reads the same in a notebook, where no stylesheet applies.
    """
    rows = []
    for r in table.itertuples():
        mark, colour, word = STATUS_MARK.get(r.status, ("?", "#333333", str(r.status)))
        ev = f"<td>{evidence_ids_html(r.evidence)}</td>" if evidence else ""
        rows.append(f"<tr><td>{int(r.insight)}. {html.escape(r.title)}</td>"
                    f'<td class="status-{html.escape(str(r.status))}" style="color:{colour};font-weight:bold;'
                    f'white-space:nowrap">{mark} {html.escape(word)}</td>'
                    f"<td>{html.escape(r.reason)}</td>{ev}</tr>")
    head = "<th>Insight</th><th>Status</th><th>Why</th>" + ("<th>Evidence</th>" if evidence else "")
    return (f'<table class="audit spinelib-audit"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")
