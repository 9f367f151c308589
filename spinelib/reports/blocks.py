"""Report-only building blocks: HTML fragments, tables, figures and interval statistics.

The report templates in ``reports/templates`` call these (``from spinelib.reports import
blocks as rf``) so each code cell stays one or two lines. Every function returns a value (an
``IPython.display.HTML``/``Markdown`` object, a DataFrame or a matplotlib ``Figure``) and
never displays by itself (except :func:`show`), so each one can be tested without a kernel.
Figures are static PNGs in the rendered report (widgets do not survive into HTML). The day
plan, the week and the audit are the same renderings the widgets show (:mod:`spinelib.render`);
the outcomes' labels and units are the simulator's one table (:data:`spinelib.sim.results.OUTCOMES`).
Every string that can come from a person goes through the one escaping path of
:mod:`spinelib.render`: :func:`~spinelib.render.esc` into HTML, :func:`~spinelib.render.md_esc`
into Markdown and :func:`~spinelib.render.plot_text` into figures. Nothing here is medical advice.
"""
from __future__ import annotations

import math
from numbers import Number

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator
import pandas as pd

from ..drawing import thumbnail
from ..evidence import cite_markdown
from ..insights import STRENGTH
from ..plots import COLORS, cohort_band_plot, cohort_bands, compare_bars, figure_png, fixed_title
from ..redflags import RED_FLAG_QUESTIONS
from ..render import audit_html, css_string, esc, md_esc, plot_text, routine_html, week_display
from ..sim import scenario_table, simulate
from ..sim.scenarios import scenario_title
from ..sim.results import OUTCOMES, ci95

__all__ = [
    "header",
    "header_parameters",
    "why_this_plan",
    "week_ticks",
    "person_name",
    "UNNAMED",
    "red_flag_result",
    "day_plan",
    "week_schedule",
    "ladder",
    "audit_table",
    "projection_summary",
    "projection_figure",
    "evidence_ids",
    "evidence",
    "run_scenario",
    "compare_outcomes",
    "outcome_table",
    "outcome_figure",
    "scenario_bands",
    "plain_summary",
    "scenario_label",
    "describe_scenario",
    "table",
    "section",
    "show",
    "REPORT_OUTCOMES",
    "PARAM_LABELS",
    "Z95",
]

# the outcomes a scenario comparison reports, in this order (labels and units: sim.results.OUTCOMES)
REPORT_OUTCOMES = ("pain_change", "adherence", "flares", "habit", "capacity_gain")
Z95 = 1.959963984540054


def _HTML(text):
    from IPython.display import HTML

    return HTML(text)


def _md(text):
    from IPython.display import Markdown

    return Markdown(text)


def show(fig) -> None:
    """Display a matplotlib figure once as a static PNG and close it (no duplicate at cell end).

    The PNG is drawn once at the figure's own size (no "tight" bounding box, which draws it
    twice): the figures here set their own margins.
    """
    from IPython.display import Image, display

    fig.patch.set_facecolor("white")
    png = figure_png(fig, dpi=fig.dpi)
    plt.close(fig)
    display(Image(data=png, format="png"))


def section(title: str, *, page_break: bool = False, anchor: str | None = None, intro: str = ""):
    """An ``<h2>`` heading (optionally starting a new printed page) with a short intro paragraph."""
    cls = ' class="page-break"' if page_break else ""
    aid = f' id="{esc(anchor)}"' if anchor else ""
    p = f"<p>{esc(intro)}</p>" if intro else ""
    return _HTML(f"<h2{cls}{aid}>{esc(title)}</h2>{p}")


def _section(anchor: str, title: str, content: str, intro: str = ""):
    """A ``<section>`` with an ``<h2>``, an optional escaped intro paragraph and ready-made HTML."""
    p = f"<p>{esc(intro)}</p>" if intro else ""
    return _HTML(f'<section id="{esc(anchor)}"><h2>{esc(title)}</h2>{p}{content}</section>')


def _cell(v):
    """A table cell: numbers and missing values as they are, anything else escaped text."""
    if v is None or isinstance(v, Number) or type(v).__name__ in ("bool", "bool_"):
        return v
    return esc(v)


def table(df: pd.DataFrame, *, css_class: str = "data", escape: bool = True) -> str:
    """A DataFrame as a plain HTML table without the index; text cells and headers through :func:`esc`."""
    if escape:
        df = df.map(_cell)
        df.columns = [esc(c) for c in df.columns]
    return df.to_html(index=False, classes=css_class, border=0, escape=False, na_rep="")


# ----- personal plan -----------------------------------------------------------------------------
def _listing(v) -> str:
    if isinstance(v, (list, tuple)):
        return ", ".join(str(x) for x in v) if v else "none"
    if isinstance(v, dict):
        return ", ".join(f"{k}: {v[k]}" for k in v) if v else "none"
    return str(v)


def _answers(v: dict) -> str:
    yes = [k.replace("_", " ") for k, x in v.items() if x]
    n_no = sum(1 for x in v.values() if not x)
    n_open = len(RED_FLAG_QUESTIONS) - len(v)
    parts = [f"yes: {', '.join(yes)}"] if yes else []
    parts += [f"{n_no} answered no"] if n_no else []
    parts += [f"{n_open} not answered"] if n_open else []
    return "; ".join(parts)


PARAM_LABELS = {
    "minutes_per_day": "Minutes per day", "days_per_week": "Days per week", "equipment": "Equipment",
    "positions": "Positions tolerated", "irritability": "Irritability", "load_stage": "Load stage (1-5)",
    "goals": "Goals", "red_flags": "Red-flag answers", "weeks": "Weeks planned", "people": "Cohort size",
    "seed": "Random seed", "scenario_a": "Scenario A", "scenario_b": "Scenario B",
}


def _parameter_row(name: str, value) -> str:
    label = PARAM_LABELS.get(name, name.replace("_", " "))
    shown = _answers(value) if name == "red_flags" else _listing(value)
    return f"<tr><th>{esc(label)}</th><td>{esc(shown)}</td></tr>"


UNNAMED = "unnamed (no name was given)"


def person_name(name) -> str:
    """The name a personal report shows: the given text, stripped, or :data:`UNNAMED` said explicitly.

    spinelib's own entry points refuse a blank name before a report starts; this is for a
    template run directly (papermill, nbconvert) with an empty or blank ``name``.

    >>> person_name("  Ana "), person_name("   ")
    ('Ana', 'unnamed (no name was given)')
    """
    text = "" if name is None else str(name).strip()
    return text or UNNAMED


def header(title: str, name: str, date: str, parameters: dict):
    """The report header: title, who it is for (omitted when ``name`` is empty), the date and the parameters used."""
    rows = "".join(_parameter_row(k, v) for k, v in parameters.items())
    who = f"{esc(title)}: {esc(name)}" if name else esc(title)
    # printed pages after the first carry the title and the client's name at the bottom left
    footer = css_string(f"{title}: {name}" if name else title)
    style = (f"<style>@page {{ @bottom-left {{ content: {footer}; font: 8pt 'DejaVu Sans', 'Noto Sans CJK SC', "
             "'Noto Color Emoji', sans-serif; color: #5b6670; } } @page :first { @bottom-left { content: none; } }"
             "</style>")
    return _HTML(f'{style}<header class="report-header"><h1>{who}</h1>'
                 f'<p class="meta">Prepared {esc(date)} with spinelib. An educational tool, not medical advice.</p>'
                 f'<table class="parameters"><tbody>{rows}</tbody></table></header>')


# what a referral report does not show: it contains no plan, so no plan weeks, minutes or equipment
PLAN_ONLY = ("minutes_per_day", "days_per_week", "equipment", "positions", "load_stage", "goals", "weeks")


def header_parameters(profile: dict, weeks: int, plan: bool = True) -> dict:
    """The parameters a personal report's header lists: the profile and weeks for a plan; for a
    referral (no plan) only what the referral rests on, never plan weeks or minutes.

    >>> list(header_parameters({"minutes_per_day": 15, "irritability": "low", "red_flags": {}}, 8, plan=False))
    ['irritability', 'red_flags']
    """
    shown = {**dict(profile), "weeks": weeks}
    return shown if plan else {k: v for k, v in shown.items() if k not in PLAN_ONLY}


# one plain sentence per kind of exercise in the plan, for the "why this plan" section
WHY = {
    "down_regulation": "Calm breathing comes first: a calmer nervous system makes moving feel safer and hurt less.",
    "micro_strength": "Small, slow strength drills wake up the deep muscles that steady your back, without "
                      "stirring up pain.",
    "transition": "Practising everyday moves (getting out of bed, standing up, bending to lift) makes the moments "
                  "that often hurt easier.",
    "structured_load": "Stronger exercises build up a little at a time, with easier weeks in between, so your back "
                       "gets used to load.",
    "mobility_reset": "Short movement breaks undo long spells of sitting or standing.",
}


def why_this_plan(routine):
    """Why this plan, in plain words: one line per kind of exercise in it, and why short daily sessions."""
    cats = [c for c in WHY if any(it.category == c for it in routine.items)]
    lines = "".join(f"<li>{esc(WHY[c])}</li>" for c in cats)
    lines += ("<li>A few minutes most days is easier to keep up than long, rare sessions, and keeping it up is "
              "what helps.</li>")
    # what the builder changed from what was asked (e.g. minutes kept to the gentle range); the screen's own
    # message has its section
    screen = getattr(getattr(routine, "screen", None), "message", None)
    notes = "".join(f"<p>{esc(n)}</p>" for n in routine.notes if n != screen)
    return _section("why", "Why this plan", f"<ul>{lines}</ul>{notes}",
                    "The details and the research behind each point are in the appendix at the end.")


def red_flag_result(screen):
    """The red-flag screen's outcome as a call-out (a referral is shown in red, alone)."""
    n_yes = len(getattr(screen, "positives", ()))
    if screen.referral:
        kind, head = "referral", ("Urgent: see a doctor today" if screen.urgent else "See a clinician before starting")
    elif not screen.complete:
        kind, head = "warn", "Screening questions not answered yet"
    else:
        kind, head = "clear", "Clear"
    extra = f"<p class=\"meta\">{n_yes} question(s) answered yes.</p>" if n_yes else ""
    return _HTML(f'<section id="red-flags"><h2>Red-flag screen</h2><div class="callout {kind}">'
                 f"<strong>{esc(head)}.</strong> {esc(screen.message)}</div>{extra}</section>")


def day_plan(routine):
    """The day plan in three slots, one table per slot with a drawing of each exercise, dosage, minutes and cues."""
    intro = (f"{routine.minutes:g} minutes on each session day, {routine.days_per_week} day(s) a week, in three short "
             "slots. Calming drills come first; stop any drill that sharply raises your pain.")
    return _section("day-plan", "Your day plan", routine_html(routine, figure=thumbnail), intro)


def week_schedule(routine):
    """One row per weekday: session or rest, minutes per slot, and whether a transition drill is in."""
    return _section("week", "Week schedule", table(week_display(routine), css_class="week"))


def _moves(prev: dict, cur: dict, back: bool = False) -> list[str]:
    word = "steps back to" if back else "->"
    return [f"{prev[k][0]} {word} {v[0]} (load {prev[k][1]} -> {v[1]})" for k, v in cur.items()
            if k in prev and prev[k][0] != v[0]]


def _ladder_change(week: int, prev: dict, cur: dict, deload: bool, after_deload: bool) -> str:
    if week == 1:
        return "Start with the day plan above"
    if deload:
        n = len(_moves(prev, cur))
        return (f"Easier week: {n} exercise{'s' if n > 1 else ''} step{'' if n > 1 else 's'} back one rung"
                if n else "Easier week: same exercises, at the easy end of each dosage")
    moves = _moves(prev, cur)
    if after_deload:
        return f"Back to week {week - 2}'s exercises" if moves else "Back to your usual dosage"
    return ("One step up: " + "; ".join(moves)) if moves else REPEAT


REPEAT = "Repeat and consolidate"


def _weeks_label(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def ladder(progression: pd.DataFrame):
    """The progression ladder: what changes each week, with runs of unchanged weeks shown as one row."""
    rows, prev, was_deload, easier = [], {}, False, []
    for w, g in progression.groupby("week", sort=True):
        cur = {(r.slot, r.order): (r.name, int(r.load_level)) for r in g.itertuples()}
        deload = bool(g["deload"].any())
        strength = g[g["category"].isin(STRENGTH)]
        top = int(strength["load_level"].max()) if not strength.empty else 0
        change = _ladder_change(int(w), prev, cur, deload, was_deload)
        kind = "easier week" if deload else "building"
        last = rows[-1] if rows else None
        if last and change == REPEAT and last["What changes"] == REPEAT and last["Kind of week"] == kind \
                and last["Highest load level"] == (top or ""):
            last["_last"] = int(w)
            last["Week"] = _weeks_label(last["_first"], int(w))
        else:
            rows.append({"Week": str(int(w)), "Kind of week": kind, "What changes": change,
                         "Highest load level": top or "", "_first": int(w), "_last": int(w)})
        if deload:
            easier.append(int(w))
        prev, was_deload = cur, deload
    frame = pd.DataFrame(rows).drop(columns=["_first", "_last"]) if rows else pd.DataFrame()
    if len(easier) > 3:
        gap = easier[1] - easier[0]
        when = f"Every {gap}th week (weeks {easier[0]}, {easier[1]}, ...) is an easier week"
    elif easier:
        when = "Week" + ("s " if len(easier) > 1 else " ") + ", ".join(map(str, easier)) + \
            (" are easier weeks" if len(easier) > 1 else " is an easier week")
    else:
        when = ""
    intro = ("In a building week at most one exercise moves one rung up its ladder. " +
             (f"{when}: exercises with an easier rung step back to it, and the week after they return to where "
              "they were, so that week can show several changes at once." if when else ""))
    return _section("ladder", "Progression ladder, week by week", table(frame, css_class="ladder"), intro)


def audit_table(audit: pd.DataFrame):
    """The five-insight audit as a table with coloured pass/warn/fail and the evidence behind each."""
    verdict = ("passes: no insight fails" if not (audit["status"] == "fail").any()
               else "does not pass: at least one insight fails")
    return _section("audit", "Five-insight audit", f"<p>This plan {verdict}.</p>{audit_html(audit)}")


def _people(result) -> pd.DataFrame:
    return getattr(result, "people", result)


def _projection_rows(p: pd.DataFrame, weeks: int) -> list[tuple]:
    rows = []
    if "adherence" in p:
        a = p["adherence"].astype(float)
        rows.append(("Sessions done (of planned)", f"{a.median():.0%}", f"{a.quantile(.1):.0%} to {a.quantile(.9):.0%}",
                     f"{(a < .5).mean():.0%} did fewer than half"))
    if "pain_change" in p:
        d = p["pain_change"].astype(float)
        rows.append(("Change in pain (0-100)", f"{d.median():+.0f}", f"{d.quantile(.1):+.0f} to {d.quantile(.9):+.0f}",
                     f"{(d <= -15).mean():.0%} improved by 15 points or more"))
    if "flares" in p:
        f = p["flares"].astype(float)
        rows.append((f"Flares in {_weeks(weeks)}", f"{f.median():.0f}", f"{f.quantile(.1):.0f} to {f.quantile(.9):.0f}",
                     f"{(f == 0).mean():.0%} had no flare"))
    return rows


def _weeks(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


def projection_summary(result, *, weeks: int):
    """What a cohort of similar people did: adherence, pain change and flares, as a table."""
    p = _people(result)
    df = pd.DataFrame(_projection_rows(p, weeks), columns=["Outcome", "Typical (median)", "Middle 80% of people", "Note"])
    intro = (f"A simulated cohort of {len(p):,} people with the same profile and plan, followed for {_weeks(weeks)}. "
             "This is a teaching model of averages and spread, not a prediction for one person.")
    return _section("projection", "Projection for people like you", table(df, css_class="projection"), intro)


def projection_figure(result, *, weeks: int):
    """Three static panels: pain band over time, adherence histogram, flare counts.

    The histograms are counted with numpy and drawn as plain bars (seaborn's ``histplot`` took
    about a fifth of a report's run time for the same two bar charts).
    """
    p = _people(result)
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.3), gridspec_kw={"width_ratios": [1.5, 1, 1]})
    fig.subplots_adjust(left=0.06, right=0.99, bottom=0.16, top=0.91, wspace=0.28)
    cohort_band_plot(result, "pain", ax=axes[0], weeks=True, title="Pain: mean and middle 95% of people", label="plan")
    if axes[0].get_legend() is not None:
        axes[0].get_legend().remove()
    axes[0].set_xlabel("week")
    adherence = p["adherence"].astype(float).to_numpy()
    counts, edges = np.histogram(adherence[np.isfinite(adherence)], bins=20, range=(0.0, 1.0))
    axes[1].bar(edges[:-1], counts, width=np.diff(edges), align="edge", color=COLORS[0], alpha=0.75,
                edgecolor="white", linewidth=0.5)
    fixed_title(axes[1], "Adherence")  # titles at a fixed height (plots.fixed_title: half this figure's drawing)
    axes[1].set(xlabel="share of planned sessions done", ylabel="people", xlim=(0, 1))
    flares = p["flares"].astype(int).to_numpy()
    top = max(3, int(np.quantile(flares, 0.99))) if len(flares) else 3
    per_count = np.bincount(np.clip(flares, 0, top), minlength=top + 1)
    axes[2].bar(np.arange(top + 1), per_count, width=0.85, color=COLORS[1], alpha=0.75)
    fixed_title(axes[2], f"Flares in {_weeks(weeks)}")
    axes[2].set(xlabel=f"flares ({top} = {top} or more)", ylabel="people",
                xlim=(-0.6, top + 0.6))
    axes[2].xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes[1:]:
        ax.set_ylim(0, max(1, ax.get_ylim()[1]))
    for i, ax in enumerate(axes):  # five or so labels on each y axis: enough to read, fewer tick objects to draw
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=i > 0))  # the histograms count people
    return week_ticks(fig, weeks)


def week_ticks(fig, weeks: int | None = None):
    """Readable week ticks on every panel whose x axis is in weeks: at most about 8, whole weeks
    when the run is long enough, and at least 3 ticks for a run of one week."""
    for ax in fig.axes:
        if "week" not in ax.get_xlabel().lower():
            continue
        lo, hi = ax.get_xlim()
        span = hi - lo if weeks is None else weeks
        if span < 3:  # a run of a week or two: ticks on days, labelled as days
            days = range(0, int(round(hi * 7)) + 1, 1 if span <= 1.5 else 2)
            ax.set_xticks([d / 7 for d in days], [str(d) for d in days])
            ax.set_xlabel("day")
        else:
            ax.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True, min_n_ticks=3, steps=[1, 2, 2.5, 4, 5, 10]))
    return fig


def evidence_ids(routine=None, audit: pd.DataFrame | None = None, extra=()) -> list[str]:
    """Evidence ids behind the plan's exercises and the audit, in first-seen order."""
    ids: list[str] = []
    for it in (routine.items if routine is not None else []):
        ids += list(it.evidence)
    if audit is not None:
        for ev in audit["evidence"]:
            ids += list(ev)
    ids += list(extra)
    seen: list[str] = []
    for i in ids:
        if i and i not in seen:
            seen.append(i)
    return seen


def evidence(ids):
    """The evidence cited, from spinelib's evidence table, with how sure we are of each figure."""
    return _md('<div class="page-break"></div>\n\n## Evidence cited (appendix)\n\nFor the clinician and the curious: '
               "the research behind this plan, from spinelib's evidence table (`data/evidence.csv`), with how sure "
               "we are that each figure is in its source.\n\n" + cite_markdown(ids))


# ----- scenario comparison -----------------------------------------------------------------------
def run_scenario(spec, *, people: int, days: int, seed: int):
    """Simulate a scenario given by name, or by settings ``{"base": name, "label": ..., "params": {...}}``.

    ``params`` are simulator parameter overrides (see ``spinelib.sim.params``); a built-in
    scenario's own settings still apply on top of them.
    """
    if isinstance(spec, dict):
        return simulate(spec["base"], people=people, days=days, seed=seed, params=spec.get("params") or None)
    return simulate(spec, people=people, days=days, seed=seed)


def scenario_label(spec, fallback: str) -> str:
    """A short label for a scenario given by name or by a mapping of settings."""
    if isinstance(spec, str):
        return readable(spec)
    if isinstance(spec, dict):
        if spec.get("label"):
            return str(spec["label"])
        if spec.get("base"):
            return f"{readable(spec['base'])} (custom)"
    return fallback


def readable(scenario_id: str) -> str:
    """A scenario's title (:func:`~spinelib.sim.scenarios.scenario_title`) as words that start a label, never
    the raw id.

    >>> readable("weekend_warrior"), readable("transitions_untrained")
    ('Weekend warrior', 'Transitions not practised')
    """
    text = scenario_title(str(scenario_id)).strip()
    return text[:1].upper() + text[1:]


def describe_scenario(spec) -> str:
    """A scenario's name and what it is, from the simulator's scenario table."""
    desc = dict(zip(*scenario_table()[["name", "description"]].T.values))
    if isinstance(spec, dict):
        extra = ", ".join(f"{k}={v}" for k, v in (spec.get("params") or {}).items())
        text = f"{scenario_label(spec, 'custom')}: {desc.get(spec.get('base'), '')}"
        return text + (f" (with {extra})" if extra else "")
    return f"{readable(spec)}: {desc.get(spec, '')}"


def _compare_one(o: str, a: pd.Series, b: pd.Series) -> dict:
    ma, la, ha = ci95(a)
    mb, lb, hb = ci95(b)
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)) if len(a) > 1 and len(b) > 1 else 0.0
    d = mb - ma
    return {"outcome": o, "mean_a": ma, "lo_a": la, "hi_a": ha, "mean_b": mb, "lo_b": lb, "hi_b": hb,
            "diff": d, "diff_lo": d - Z95 * se, "diff_hi": d + Z95 * se,
            "real": bool(se > 0 and abs(d) > Z95 * se) or bool(se == 0 and d != 0)}


def compare_outcomes(people_a: pd.DataFrame, people_b: pd.DataFrame, outcomes=None) -> pd.DataFrame:
    """Mean of each outcome per scenario with 95% intervals, and the difference B - A with its interval.

    ``outcomes`` default to :data:`REPORT_OUTCOMES`. Means and their intervals come from
    ``spinelib.sim.results.ci95``; the difference's interval uses the Welch standard error
    (normal approximation). ``real`` is True when the difference's interval excludes zero.
    Outcomes missing in a scenario (adherence with no planned session) are left out.
    """
    outcomes = [o for o in (outcomes or REPORT_OUTCOMES) if o in people_a and o in people_b]
    rows = []
    for o in outcomes:
        a = pd.Series(people_a[o], dtype=float).dropna()
        b = pd.Series(people_b[o], dtype=float).dropna()
        if len(a) < 2 or len(b) < 2:  # e.g. adherence when a scenario plans no session
            continue
        rows.append(_compare_one(o, a, b))
    return pd.DataFrame(rows)


def _outcome_name(o: str) -> str:
    """The outcome's label with its unit, starting with a capital (the outcome's own name if unknown)."""
    label = OUTCOMES[o].label if o in OUTCOMES else o
    return label[:1].upper() + label[1:]


def _fmt(o, v, diff: bool = False) -> str:
    if o == "adherence":
        text = f"{v * 100:+.0f} points" if diff else f"{v:.0%}"
    else:
        text = f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"
    return text.replace("-0.00", "0.00").replace("+0 points", "0 points").replace("-0 points", "0 points")


def shown_real(r) -> bool:
    """A difference is called real only when its interval, as printed, stays clear of zero
    (an interval shown as "-0.04 to 0.00" touches zero and is not called real)."""
    if not r.real:
        return False
    for v in (r.diff_lo, r.diff_hi):
        shown = _fmt(r.outcome, v, True)
        if float(shown.split()[0]) == 0:
            return False
    return (r.diff_lo > 0) == (r.diff_hi > 0)


def _interval(o, mean, lo, hi, diff: bool = False) -> str:
    return f"{_fmt(o, mean, diff)} ({_fmt(o, lo, diff)} to {_fmt(o, hi, diff)})"


def outcome_table(cmp: pd.DataFrame, label_a: str, label_b: str):
    """The comparison as an HTML table: each mean with its 95% interval, and the difference."""
    body = []
    for r in cmp.itertuples():
        verdict = "real difference" if shown_real(r) else "not distinguishable"
        body.append(
            f"<tr><td>{esc(_outcome_name(r.outcome))}</td>"
            f"<td>{esc(_interval(r.outcome, r.mean_a, r.lo_a, r.hi_a))}</td>"
            f"<td>{esc(_interval(r.outcome, r.mean_b, r.lo_b, r.hi_b))}</td>"
            f"<td>{esc(_interval(r.outcome, r.diff, r.diff_lo, r.diff_hi, True))}</td>"
            f"<td>{verdict}</td></tr>")
    a, b = esc(label_a), esc(label_b)
    return _HTML('<section id="outcomes"><h2>Outcomes with 95% intervals</h2>'
                 "<p>Each cell is the cohort mean with the 95% interval of that mean. The last columns give the "
                 f"difference ({b} minus {a}) and whether its interval excludes zero.</p>"
                 f'<table class="outcomes"><thead><tr><th>Outcome</th><th>{a}</th><th>{b}</th>'
                 f"<th>Difference (B - A)</th><th>At this cohort size</th></tr></thead><tbody>{''.join(body)}"
                 "</tbody></table></section>")


def outcome_figure(cmp: pd.DataFrame, label_a: str, label_b: str, outcomes=("pain_change", "adherence", "flares")):
    """Side-by-side bars of the mean outcomes with their 95% intervals, one panel per outcome."""
    cmp = cmp.set_index("outcome")
    outcomes = [o for o in outcomes if o in cmp.index]
    label_a, label_b = plot_text(label_a), plot_text(label_b)
    fig, axes = plt.subplots(1, len(outcomes), figsize=(3.6 * len(outcomes), 3.2), squeeze=False)
    fig.subplots_adjust(left=0.07, right=0.97, bottom=0.12, top=0.9, wspace=0.35)
    for ax, o in zip(axes[0], outcomes):
        r = cmp.loc[o]
        t = pd.DataFrame({"scenario": [label_a, label_b], "value": [r.mean_a, r.mean_b],
                          "lo": [r.lo_a, r.lo_b], "hi": [r.hi_a, r.hi_b]})
        compare_bars(t, "value", lo="lo", hi="hi", ax=ax, ylabel=OUTCOMES[o].short_unit if o in OUTCOMES else "",
                     title=_outcome_name(o).split(" (")[0])
    return fig


def scenario_bands(res_a, res_b, label_a: str, label_b: str, states=("pain", "habit", "capacity")):
    """Both scenarios' cohort bands over the weeks, one panel per state; the labels shown literally."""
    a, b = plot_text(label_a), plot_text(label_b)
    if a == b:
        a, b = a + " (A)", b + " (B)"
    return week_ticks(cohort_bands({a: res_a, b: res_b}, states=states, weeks=True))


def _summary_line(r, label_a: str, label_b: str) -> str:
    """One Markdown bullet; the labels arrive already through :func:`~spinelib.render.md_esc`."""
    name = md_esc(_outcome_name(r.outcome).split(" (")[0].lower().capitalize())
    if not shown_real(r):
        return (f"- **{name}**: the two scenarios cannot be told apart at this cohort size "
                f"(difference {_fmt(r.outcome, r.diff, True)}, 95% interval {_fmt(r.outcome, r.diff_lo, True)} to "
                f"{_fmt(r.outcome, r.diff_hi, True)} includes zero).")
    b_higher = r.diff > 0
    better = (not b_higher) if r.outcome in OUTCOMES and OUTCOMES[r.outcome].lower_is_better else b_higher
    winner = label_b if better else label_a
    return (f"- **{name}**: a real difference in favour of **{winner}** "
            f"({label_b} minus {label_a} = {_fmt(r.outcome, r.diff, True)}, 95% interval "
            f"{_fmt(r.outcome, r.diff_lo, True)} to {_fmt(r.outcome, r.diff_hi, True)}).")


def plain_summary(cmp: pd.DataFrame, label_a: str, label_b: str, people: int):
    """Which differences are real at this cohort size, in plain words (Markdown)."""
    lines = [f"## What the comparison says\n\nWith {people:,} simulated people in each scenario:\n"]
    lines += [_summary_line(r, md_esc(label_a), md_esc(label_b)) for r in cmp.itertuples()]
    lines.append("\n\"Real\" here means larger than the chance variation of a simulated cohort this size; it says "
                 "nothing about whether the difference matters to a person, and the model is a teaching model, "
                 "not a trial.")
    return _md("\n".join(lines))
