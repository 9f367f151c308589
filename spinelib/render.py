"""HTML and Markdown renderings of a routine, its week and its audit: one of each.

The widgets and the reports show the same plan, so they call the same functions here.
Every string that can come from a person or a data file is escaped, always through the one
escaping path of this module: :func:`esc` for HTML, :func:`md_esc` for Markdown (which
IPython and nbconvert render with any HTML inside it) and :func:`plot_text` for matplotlib
text (where ``$...$`` is mathtext). The functions take the objects they render (a
:class:`~spinelib.routine.Routine` or anything with the same attributes, an audit table) and
return text; nothing is displayed here.
"""
from __future__ import annotations

import html
import re

import pandas as pd

from .week import SLOT_TITLES, SLOTS

__all__ = ["STATUS_MARK", "UNSAFE_CHARS", "esc", "css_string", "md_esc", "plot_text", "routine_html", "routine_markdown",
           "week_display", "audit_html", "evidence_ids_html"]

# characters that never belong in shown text: C0/C1 controls (NUL included; tab and line breaks
# are kept by esc) and the bidirectional overrides and isolates that can reorder what follows
UNSAFE_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_REPLACEMENT = "\ufffd"
# Markdown punctuation that can start markup mid-line (emphasis, code, links, tables, math,
# strikethrough, autolinks via ':'); '<', '>' and '&' become HTML entities instead
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}|$~:])")
# markup that only counts at the start of a line: headings, quotes, lists, rules
_MD_LINE_START = re.compile(r"^(\s*)(?:([#>+=-])|(\d+)([.)]))")


def _plain(value) -> str:
    """``value`` as text with the unsafe characters replaced by U+FFFD (visible, never acted on)."""
    return UNSAFE_CHARS.sub(_REPLACEMENT, "" if value is None else str(value))


def esc(value) -> str:
    """Any value as HTML text, safe in element content and in quoted attributes.

    >>> esc('<script>alert("x")</script> & co')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co'
    """
    return html.escape(_plain(value), quote=True)


def css_string(value) -> str:
    r"""Text as a quoted CSS string (for ``content:`` in a page margin box): every character but
    letters, digits and spaces is written as a CSS hex escape, so nothing can end the string,
    the rule or the ``<style>`` element.

    >>> print(css_string('Ana "</style>"'))
    "Ana \22 \3c \2f style\3e \22 "
    """
    text = _plain(value)
    return '"' + "".join(c if (c.isascii() and c.isalnum()) or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def md_esc(value) -> str:
    r"""Any value as Markdown text that renders literally: no markup, no HTML, no math, no links.

    Line breaks become spaces, so the text cannot open a block of its own.

    >>> md_esc("**bold** [x](javascript:alert(1)) <b> $$x$$")
    '\\*\\*bold\\*\\* \\[x\\](javascript\\:alert(1)) &lt;b&gt; \\$\\$x\\$\\$'
    """
    text = " ".join(_plain(value).replace("\t", " ").splitlines())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = html.escape(text, quote=False)
    return _MD_LINE_START.sub(_line_start, text, count=1)


def _line_start(m) -> str:
    """Escape a line's opening markup: ``\\#``, ``\\-``, ``1\\.`` (a backslash before a digit is no escape)."""
    if m.group(2):
        return f"{m.group(1)}\\{m.group(2)}"
    return f"{m.group(1)}{m.group(3)}\\{m.group(4)}"


def plot_text(value) -> str:
    r"""Any value as matplotlib text shown literally (``$`` would start mathtext, and a
    legend hides a label that starts with ``_``).

    >>> plot_text("$$\\x$$")
    '\\$\\$\\x\\$\\$'
    """
    text = _plain(value).replace("$", "\\$")
    return "\u200b" + text if text.startswith("_") else text


# how each audit status is shown: mark, colour, word
STATUS_MARK = {"pass": ("&#10004;", "#1b5e20", "pass"), "warn": ("!", "#8a5a00", "warning"),
               "fail": ("&#10008;", "#8a1c13", "fail")}


def _slot_heading(routine, slot: str) -> str:
    return f"{SLOT_TITLES[slot]} ({routine.slot_minutes()[slot]:g} min)"


def routine_html(routine, figure=None) -> str:
    """The day plan as HTML tables, one per slot: exercise, dosage, minutes and cues.

    ``figure``, when given, maps an exercise id to the HTML of its drawing (for example
    :func:`spinelib.drawing.figure_html`); each row then starts with the picture.
    """
    parts = ['<div class="spinelib-routine">']
    for s in SLOTS:
        items = routine.slots.get(s, ())
        parts.append(f"<h3>{esc(_slot_heading(routine, s))}</h3>")
        if not items:
            parts.append("<p><em>Nothing planned in this slot.</em></p>")
            continue
        pic = "<th>Picture</th>" if figure else ""
        parts.append(f'<table class="plan"><thead><tr>{pic}<th>Exercise</th><th>Dosage</th><th>Minutes</th>'
                     "<th>Cues</th></tr></thead><tbody>")
        for it in items:
            cues = "".join(f"<li>{esc(c)}</li>" for c in it.cues)
            cell = f'<td class="picture" style="width:1%">{figure(it.exercise_id)}</td>' if figure else ""
            parts.append(f"<tr>{cell}<td>{esc(it.name)}</td><td>{esc(it.dosage)}</td>"
                         f"<td>{esc(format(it.minutes, 'g'))}</td><td><ul>{cues}</ul></td></tr>")
        parts.append("</tbody></table>")
    parts.append("</div>")
    return "\n".join(parts)


def routine_markdown(routine) -> str:
    """The day plan as Markdown, one table per slot, then the week."""
    out = []
    for s in SLOTS:
        items = routine.slots.get(s, ())
        out.append(f"### {md_esc(_slot_heading(routine, s))}\n")
        if not items:
            out.append("_Nothing planned in this slot._\n")
            continue
        df = pd.DataFrame([{"Exercise": md_esc(it.name), "Dosage": md_esc(it.dosage), "Minutes": it.minutes,
                            "Cues": "; ".join(md_esc(c) for c in it.cues)} for it in items])
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
    return ", ".join(f'<span class="nowrap">{esc(i)}</span>' for i in ids)


def audit_html(table: pd.DataFrame, *, evidence: bool = True) -> str:
    """The five-insight audit as a table: insight, a coloured pass/warning/fail mark, why, evidence.

    The status cell carries the class ``status-<status>`` (the reports' stylesheet) and its
    own colour, so it reads the same in a notebook, where no stylesheet applies.
    """
    rows = []
    for r in table.itertuples():
        mark, colour, word = STATUS_MARK.get(r.status, ("?", "#333333", str(r.status)))
        ev = f"<td>{evidence_ids_html(r.evidence)}</td>" if evidence else ""
        rows.append(f"<tr><td>{int(r.insight)}. {esc(r.title)}</td>"
                    f'<td class="status-{esc(r.status)}" style="color:{colour};font-weight:bold;'
                    f'white-space:nowrap">{mark} {esc(word)}</td>'
                    f"<td>{esc(r.reason)}</td>{ev}</tr>")
    head = "<th>Insight</th><th>Status</th><th>Why</th>" + ("<th>Evidence</th>" if evidence else "")
    return (f'<table class="audit spinelib-audit"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")
