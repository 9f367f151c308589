"""The trust widget and its pure parts (spinelib.ui.trust): refit(), validation_plot(), insight_verdicts(),
TrustWidget driven in-process, and notebook 07's widget in a real kernel.

Model values move while the model is being changed, so the tests check what must hold for any
model: the refit hits the wanted value when it says it can, an out-of-reach value is reported, the
linked rows are the promised ones, the figure has one axis per row."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

from spinelib import ui
from spinelib.errors import InputError
from spinelib.insights import INSIGHT_TITLES
from spinelib.sim import TARGETS, Params, validation_table
from spinelib.ui.trust import FITS, INSIGHT_ROWS, _fit_plot, available_fits, refit


@pytest.fixture(scope="module")
def small_table():
    return validation_table(seeds=1, people=200)


def test_available_fits_are_targets_with_their_parameter():
    """available_fits: every offered target is a calibration target and its parameter exists"""
    from spinelib.sim import PARAMS

    names = available_fits()
    assert names, "the widget has no calibration target left to move"
    assert set(names) <= {t[0] for t in TARGETS}
    assert all(FITS[n].parameter in {p.name for p in PARAMS} for n in names)


def test_refit_hits_the_wanted_value_within_the_search_step():
    """refit: a reachable wanted value is hit within the bisection's resolution (same cohort and seed), and the
    search points are returned"""
    target = available_fits()[0]
    fit = FITS[target]
    first = refit(target, 0.5 * (fit.lo + fit.hi), people=200, seed=3)
    lo_end, hi_end = first.range_reached
    wanted = lo_end + 0.4 * (hi_end - lo_end)           # inside what the parameter's range can give
    res = refit(target, wanted, people=200, seed=3, steps=10)
    assert res.reachable and res.value is not None
    assert res.bounds[0] <= res.value <= res.bounds[1]
    assert abs(res.reached - wanted) <= 0.1 * (hi_end - lo_end)
    assert len(res.tried) >= 10 and list(res.tried.columns) == [res.parameter, target]


def test_refit_out_of_reach_is_reported_not_forced():
    """refit: a wanted value beyond what the whole parameter range gives is unreachable: value None, reached at
    the nearer end"""
    target = available_fits()[0]
    fit = FITS[target]
    probe = refit(target, fit.lo, people=200, seed=3)
    lo_end, hi_end = probe.range_reached
    if fit.lo >= lo_end:  # the slider's bottom is reachable for this model: nothing to test at that end
        pytest.skip("the slider range lies inside what the parameter can reach")
    assert not probe.reachable and probe.value is None and probe.reached == pytest.approx(lo_end)


@pytest.mark.parametrize("target,wanted,field", [("nope", 1, "target"),
                                                  ("pain_diff_supervised_vs_none", 99, "exercise effect")])
def test_refit_bad_input_is_one_line(target, wanted, field):
    """refit: an unknown target or a wanted value outside the slider range is a one-line InputError"""
    with pytest.raises(InputError, match=f"^{field}"):
        refit(target, wanted)


def test_validation_plot_one_axis_per_row(small_table):
    """validation_plot: one axis per validation row, titled with its verdict"""
    fig = ui.validation_plot(small_table)
    assert len(fig.axes) == len(small_table)
    for ax, v in zip(fig.axes, small_table["verdict"]):
        assert ax.get_title(loc="left").endswith(v)


def test_insight_verdicts_cover_the_five_ideas(small_table):
    """insight_verdicts: one row per idea, only existing validation ids, the worst verdict among its rows,
    'none' (and a statement that nothing tests it) for an idea without rows"""
    t = ui.insight_verdicts(small_table)
    assert list(t["idea"]) == sorted(INSIGHT_TITLES)
    ids = set(small_table["id"])
    for ideas, (rows, _) in INSIGHT_ROWS.items():
        assert set(rows) <= ids
    order = ["none", "within", "direction right", "wrong"]
    verdicts = dict(zip(small_table["id"], small_table["verdict"]))
    for r in t.itertuples():
        rows = INSIGHT_ROWS[r.idea][0]
        expected = max((verdicts[i] for i in rows), key=order.index) if rows else "none"
        assert r.worst == expected
    assert t.loc[t["idea"] == 3, "what it means"].item().startswith("No published figure tests this idea")


def test_insight_verdicts_on_synthetic_table():
    """insight_verdicts: a single wrong row makes its idea 'wrong'; all within gives 'within'"""
    ids = sorted({i for rows, _ in INSIGHT_ROWS.values() for i in rows})
    t = pd.DataFrame({"id": ids, "verdict": ["within"] * len(ids)})
    assert set(ui.insight_verdicts(t)["worst"]) == {"within", "none"}
    t.loc[t["id"] == "V5", "verdict"] = "wrong"
    out = ui.insight_verdicts(t).set_index("idea")
    assert out.loc[1, "worst"] == "wrong" and out.loc[2, "worst"] == "within"


def test_widget_refits_and_moves_the_linked_rows():
    """TrustWidget: starts at the calibration's own wanted value; moving it refits (a different parameter value)
    and recomputes the linked rows; a new target resets the wanted value to that target's"""
    w = ui.trust_widget()
    target = w.target.value
    assert w.error is None and w.wanted.value == pytest.approx(w.default_wanted(target))
    first = w.result["fit"]
    assert list(w.result["linked"]["id"]) == list(FITS[target].linked)
    assert set(w.result["before"]) == set(FITS[target].linked)
    lo_end, hi_end = first.range_reached
    w.wanted.value = round(lo_end + 0.7 * (hi_end - lo_end), 1)
    second = w.result["fit"]
    assert w.error is None and second.reachable and second.value != first.value
    assert len(w.figures) == 1
    others = [n for n in available_fits() if n != target]
    if others:
        w.target.value = others[0]
        assert w.error is None and w.values["wanted"] == pytest.approx(w.default_wanted(others[0]))
        assert list(w.result["linked"]["id"]) == list(FITS[others[0]].linked)


def test_widget_speaks_plain_words_not_internal_names():
    """TrustWidget: the message and the fit's axis labels name the target and the parameter in words (FITS'
    labels), never their internal names (pain_diff_supervised_vs_none, pain_benefit_capacity)."""
    w = ui.trust_widget()
    shown = []
    show_text = w.show_text
    w.show_text = lambda text, **kw: (shown.append(text), show_text(text, **kw))
    w.forget()
    w.update()
    res = w.result["fit"]
    fit = FITS[res.target]
    text = " ".join(shown)
    assert fit.label in text and fit.parameter_words in text
    assert res.target not in text and res.parameter not in text
    left = w.figures[0].axes[0]
    assert (left.get_xlabel(), left.get_ylabel()) == (fit.parameter_words, fit.label)
    for f in FITS.values():
        assert "_" not in f.parameter_words and "_" not in f.label


def test_widget_redraws_one_figure_in_place_and_reuses_linked_rows(monkeypatch):
    """TrustWidget: moving the slider redraws the same figure (its layout settled once) with the new fit, the
    star at the new parameter value; a value visited before reuses its refit and linked rows (no new runs)."""
    w = ui.trust_widget()
    fig = w.figures[0]
    n_axes = len(fig.axes)
    lo_end, hi_end = w.result["fit"].range_reached
    first_value = w.wanted.value
    w.wanted.value = round(lo_end + 0.7 * (hi_end - lo_end), 1)
    res = w.result["fit"]
    assert w.figures[0] is fig and len(fig.axes) == n_axes
    star = [ln for ln in fig.axes[0].lines if ln.get_marker() == "*"]
    assert len(star) == 1 and star[0].get_xdata()[0] == pytest.approx(res.value)
    assert len(fig.axes[0].get_legend().get_texts()) == 4
    for ax, row in zip(fig.axes[1:], w.result["linked"].itertuples()):
        assert ax.get_title(loc="left").endswith(row.verdict)
    fresh = _fit_plot(res, w.result["linked"], w.result["before"])  # what a new figure would hold
    assert [len(ax.lines) for ax in fig.axes] == [len(ax.lines) for ax in fresh.axes]
    calls = []
    monkeypatch.setattr(w, "linked_rows", lambda *a: calls.append(a))
    monkeypatch.setattr("spinelib.ui.trust.refit", lambda *a, **k: calls.append(a))
    w.wanted.value = first_value
    assert w.error is None and calls == [] and w.figures[0] is fig


def test_widget_unknown_target_is_refused():
    """trust_widget: an unknown target is a one-line InputError listing the known ones"""
    with pytest.raises(InputError, match="^target: must be one of"):
        ui.trust_widget(target="nope")


def test_trust_widget_in_a_kernel(kernel_run):
    """07_trust_the_model in a kernel: moving the wanted value refits and redraws; the Output holds the last
    render (one PNG) and its marker, no traceback"""
    steps = [
        "lo_end, hi_end = trust.result['fit'].range_reached\n"
        "trust.wanted.value = round(lo_end + 0.5 * (hi_end - lo_end), 1)\n"
        "print('FIT', trust.error, trust.result['fit'].reachable, trust.values['wanted'])",
    ]
    printed, outputs = kernel_run("07_trust_the_model.ipynb", steps)
    assert printed[0].startswith("FIT None True")
    wanted = printed[0].split()[-1]
    outs = [o for o in outputs if "refitted: target=" in o]
    assert outs, "the trust widget's Output holds nothing"
    assert f"wanted={float(wanted):g}" in outs[0] and outs[0].count("<png>") == 1 and "Traceback" not in outs[0]


# ----------------------------------------------------------------------- real browser (JupyterLab)
@pytest.mark.ui
def test_trust_slider_in_jupyterlab(lab_page, shot):
    """07 in JupyterLab (Debian's Chromium): run all; the trust widget renders at the calibration's wanted value;
    one step of the 'wanted value' slider refits and replaces the plot; screenshots before and after."""
    import re

    from playwright.sync_api import expect

    page = lab_page.page
    lab_page.open("notebooks/07_trust_the_model.ipynb")
    lab_page.run_all()
    out = page.locator(".widget-output", has_text=re.compile(r"refitted: target=")).first
    expect(out).to_contain_text("refitted: target=pain_diff_supervised_vs_none wanted=-15", timeout=180_000)
    lab_page.wait_idle(180_000)
    img = out.locator("img").first
    expect(img).to_be_visible()
    src_before = img.get_attribute("src")
    shot("before", show=img)
    slider = page.locator(".widget-slider:has(.widget-label:text-is('wanted value'))").first
    handle = slider.locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    handle.press("ArrowLeft")  # one step of 1 point: -16
    expect(slider.locator(".widget-readout")).to_have_text(re.compile(r"^[−-]16(\.0)?$"))
    expect(out).to_contain_text("refitted: target=pain_diff_supervised_vs_none wanted=-16", timeout=120_000)
    src_after = out.locator("img").first.get_attribute("src")
    assert src_after and src_after != src_before, "the plot did not change"
    page.wait_for_timeout(500)
    shot("after", show=out.locator("img").first)


# ----------------------------------------------------------------------- the refit's kernel, caches, drawing
@pytest.mark.parametrize("target", sorted(FITS))
def test_kernel_measure_agrees_with_simulate(target):
    """Fit.measure_many (the compiled kernel, what refit uses) gives the target simulate gives (Fit.measure) at the
    ends of the parameter's range, its default and between, within 2% of the slider range (float32 rounding)"""
    from spinelib.sim import PARAMS, Params

    fit = FITS[target]
    spec = next(p for p in PARAMS if p.name == fit.parameter)
    xs = [spec.lo, spec.lo + 0.3 * (spec.hi - spec.lo), float(getattr(Params(), fit.parameter)), spec.hi]
    sets = [Params().replace(**{fit.parameter: float(x)}) for x in xs]
    fast = fit.measure_sets(sets, 200, 2)
    assert len(fast) == len(sets)
    for p, value in zip(sets, fast):
        assert value == pytest.approx(fit.measure(p, 200, 2), abs=0.02 * (fit.hi - fit.lo))


@pytest.mark.parametrize("target", sorted(FITS))
def test_refit_batches_do_not_change_the_search(target):
    """refit: measuring several bisection points per kernel call (levels) finds the same value as one point per
    call, and the points it measured include every point the search visited"""
    fit = FITS[target]
    wanted = ui.TrustWidget.default_wanted(target)  # the calibration's own value: reachable
    one = refit(target, wanted, people=200, seed=3, levels=1)
    many = refit(target, wanted, people=200, seed=3, levels=3)
    assert one.reachable == many.reachable and one.value == many.value and one.reached == many.reached
    assert set(one.tried[fit.parameter].round(6)) <= set(many.tried[fit.parameter].round(6))


def test_widget_records_its_simulation_time_and_reuses_rows_by_refitted_value(monkeypatch):
    """TrustWidget: an update that refits records the time spent simulating (sim_seconds); the linked rows are run
    once per refitted value (a wanted value that refits to a value seen before runs no validation rows)"""
    w = ui.trust_widget()
    lo_end, hi_end = w.result["fit"].range_reached
    w.wanted.value = round(lo_end + 0.6 * (hi_end - lo_end), 1)  # off the calibration's own value: a refit
    assert w.sim_seconds > 0 and not w.result["fit"].calibrated
    target, value = w.target.value, w.result["fit"].value
    calls = []
    real = w.linked_rows
    monkeypatch.setattr(w, "linked_rows", lambda *a: (calls.append(a), real(*a))[1])
    assert w._linked_at(target, value) is w.result["linked"]
    assert calls == []
    other = w._linked_at(target, value * 1.01)
    assert len(calls) == 1 and w._linked_at(target, value * 1.01) is other and len(calls) == 1
    w.forget()
    w.update()
    assert w.sim_seconds > 0 and calls  # forgotten: run again


def test_widget_keeps_one_figure_per_target():
    """TrustWidget: each target keeps its own figure (its layout settled once): back on a target, the widget redraws
    the figure it made for it"""
    names = available_fits()
    if len(names) < 2:
        pytest.skip("one target only")
    w = ui.trust_widget()
    first = w.figures[0]
    w.target.value = names[1]
    assert w.error is None and w.figures[0] is not first
    w.target.value = names[0]
    assert w.error is None and w.figures[0] is first


def test_kept_png_is_the_full_draw(shown):
    """TrustWidget in a kernel: every PNG it sends (the first, made by the draw that settled the layout; later ones
    from the kept bitmap with the rows' verdict titles drawn on top, x ranges kept or grown) is the picture a full
    draw of the figure gives"""
    import io

    import numpy as np
    from IPython.display import Image
    from PIL import Image as PILImage

    from spinelib import plots

    def pixels(png):
        return np.asarray(PILImage.open(io.BytesIO(png)).convert("RGBA"))

    w = ui.trust_widget()
    fit = FITS[w.target.value]
    for value in (None, fit.lo + 0.3 * (fit.hi - fit.lo), fit.lo, fit.hi, fit.lo + 0.6 * (fit.hi - fit.lo)):
        if value is not None:
            w.wanted.value = round(value, 3)
        assert w.error is None
        png = [o for o in shown if isinstance(o, Image)][-1].data
        np.testing.assert_array_equal(pixels(png), pixels(plots.figure_png(w.kept.fig)), err_msg=str(value))
    assert w.kept._background is not None  # the last PNGs drew on the kept bitmap


def test_calibration_value_shows_the_calibrated_fit_and_a_new_target_runs_no_validation(monkeypatch):
    """TrustWidget: at the calibration's own wanted value the parameter stays at its calibrated default (nothing
    refitted) and the rows are the default fit's; every target's default rows are run when the widget is made, so
    changing the target runs no validation row and no bisection; moving the slider refits"""
    from spinelib.ui import trust as trust_mod

    w = ui.trust_widget()
    res = w.result["fit"]
    assert res.calibrated and res.value == res.default and res.reached == pytest.approx(res.at_default)
    assert w.result["linked"]["model"].tolist() == [w.result["before"][i] for i in w.result["linked"]["id"]]
    ran = []
    monkeypatch.setattr(w, "linked_rows", lambda *a: ran.append(a))
    monkeypatch.setattr(trust_mod, "refit", lambda *a, **k: ran.append(a))
    for name in available_fits()[1:]:
        w.target.value = name
        assert w.error is None and w.result["fit"].calibrated and w.result["fit"].target == name
        assert list(w.result["linked"]["id"]) == list(FITS[name].linked)
    assert ran == []
    monkeypatch.undo()
    w.forget()  # forgets the refits, keeps the default fit's rows
    w.target.value = available_fits()[0]
    lo_end, hi_end = w.result["fit"].range_reached
    w.wanted.value = round(lo_end + 0.3 * (hi_end - lo_end), 1)
    moved = w.result["fit"]
    assert w.error is None and not moved.calibrated and moved.reachable and moved.value != moved.default


def test_calibrated_fit_measures_the_default_and_the_ends():
    """calibrated_fit: value = the default parameter, reached = what the cohort gives there (the same number a
    refit's measure gives at the default), range from the two ends; bad target is a one-line error"""
    from spinelib.ui.trust import calibrated_fit

    target = available_fits()[0]
    fit = FITS[target]
    res = calibrated_fit(target, people=200, seed=3)
    assert res.calibrated and res.value == res.default and len(res.tried) == 3
    assert res.reached == pytest.approx(fit.measure_sets([Params()], 200, 3)[0])
    assert min(res.range_reached) <= res.reached <= max(res.range_reached)
    with pytest.raises(InputError, match="^target: must be one of"):
        calibrated_fit("nope")
