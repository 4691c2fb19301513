"""The experiments' figures are fit for a paper (issue 14): rendered with tiny settings on Agg and inspected.

For every figure of every experiment (``figures(result, details) -> {name: Figure}``): constrained layout;
every data panel has an x and a y label; every labelled artist of a panel is in its legend; no title,
axis label or figure legend overlaps another panel's frame once drawn; the titles state the run's real
seed count; θ axes are ticked in multiples of π; in the Werner training curves no method's line style
repeats (C_T = C_MSE there, so two identical curves must stay distinguishable).
"""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from sggd_sym.experiments import c4, circle, hamming, plotting, postprocessing, werner  # noqa: E402


def _panels(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


def _check_figure(fig, seeds):
    assert isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    panels = _panels(fig)
    assert panels
    for ax in panels:
        assert ax.get_xlabel().strip() and ax.get_ylabel().strip(), f"unlabelled axes {ax.get_title()!r}"
        _, labels = ax.get_legend_handles_labels()
        if labels:
            legend = ax.get_legend()
            assert legend is not None, f"panel {ax.get_title()!r} has labelled artists and no legend"
            shown = {t.get_text() for t in legend.get_texts()}
            assert set(labels) <= shown, set(labels) - shown
    frames = [(ax, ax.get_window_extent(renderer)) for ax in panels]
    texts = [(None, fig._suptitle)] if fig._suptitle is not None else []
    texts += [(None, legend) for legend in fig.legends]
    for ax in panels:
        texts += [(ax, ax.title), (ax, ax.xaxis.label), (ax, ax.yaxis.label)]
    for owner, text in texts:
        if not text.get_visible() or (hasattr(text, "get_text") and not text.get_text()):
            continue
        box = text.get_window_extent(renderer)
        for ax, frame in frames:
            if ax is not owner:
                assert not box.overlaps(frame), f"{getattr(text, 'get_text', lambda: 'legend')()!r} overlaps a panel"
    if seeds is None:  # a figure that shows no trained result
        return
    titles = [fig._suptitle.get_text()] if fig._suptitle is not None else []
    titles += [ax.get_title() for ax in panels]
    assert any(f"{seeds} seeds" in t for t in titles), titles


def _ticks(axis) -> list[str]:
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def _assert_pi_ticks(axis):
    labels = _ticks(axis)
    assert labels and all("π" in t or t == "0" for t in labels), labels
    assert any("π" in t for t in labels)


def test_pi_labels():
    assert [plotting.pi_label(k * np.pi / 4, np.pi / 4) for k in range(5)] == ["0", "π/4", "π/2", "3π/4", "π"]
    assert plotting.pi_label(3 * np.pi, np.pi) == "3π" and plotting.pi_label(-np.pi / 2) == "−π/2"


def test_werner_figures(tmp_path):
    details = {}
    result = werner.run(seeds=3, outdir=tmp_path, biases=(1.0,), steps=30, figures=False, details=details)
    figs = werner.figures(result, details)
    assert set(figs) == {"landscapes", "training_curves"}
    for fig in figs.values():
        fig.canvas.draw()
    land, training = figs["landscapes"], figs["training_curves"]
    _check_figure(training, 3)
    assert "3 seeds per method" in training._suptitle.get_text()
    panels = _panels(training)
    cost = panels[0]
    styles = [(line.get_linestyle(), line.get_marker()) for line in cost.get_lines()]
    assert len(styles) == 4 == len(set(styles))  # mse, λ = 1, λ = 10, twirled: all distinguishable
    assert {"plain MSE", "twirled C_T", "SGGD C_P, λ = 1", "SGGD C_P, λ = 10"} == {
        t.get_text() for t in cost.get_legend().get_texts()}
    theta_panels = panels[1:]
    assert len(theta_panels) == 4
    for ax in theta_panels:
        assert "θ" in ax.get_ylabel()
        _assert_pi_ticks(ax.yaxis)
        assert len(ax.get_lines()) == 3 and ax.get_legend() is not None
    for ax in _panels(land):
        assert ax.get_xlabel() == "θ"
        _assert_pi_ticks(ax.xaxis)
    _check_figure(land, None)
    # run() writes the same figures as PNGs
    written = werner.run(seeds=2, outdir=tmp_path / "png", biases=(1.0,), steps=5)["figures"]
    assert sorted(p.rsplit("/", 1)[1] for p in written) == ["landscapes.png", "training_curves.png"]


@pytest.mark.parametrize("module, task", [(circle, "circle"), (c4, "c4")])
def test_decision_region_figures(tmp_path, module, task):
    details = {}
    result = module.run(outdir=tmp_path, workers=1, seeds=2, steps=10, n_train=20, n_test=50, details=details)
    figs = module.figures(result, details)
    assert set(figs) == {f"{task}_decision_regions", f"{task}_accuracy_vs_lambda"}
    regions = figs[f"{task}_decision_regions"]
    _check_figure(regions, 2)
    for ax in _panels(regions):
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("x₁", "x₂")
    methods = [r for r in result["rows"] if r["train"] == "right"]
    assert len(_panels(regions)) == 1 + len(methods)  # the true labels and one panel per method
    (legend,) = regions.legends
    texts = {t.get_text() for t in legend.get_texts()}
    assert {"predicted / true class +1", "predicted / true class −1"} <= texts
    _check_figure(figs[f"{task}_accuracy_vs_lambda"], 2)
    labels = {t.get_text() for t in _panels(figs[f"{task}_accuracy_vs_lambda"])[0].get_legend().get_texts()}
    assert {"SGGD, uniform", "SGGD, right", "plain MSE, uniform", "plain MSE, right"} == labels


def test_hamming_figure(tmp_path):
    result = hamming.run(seeds=2, outdir=tmp_path, steps=5, sizes=(6,), lambdas=(1.0,))
    figs = hamming.figures(result)
    assert set(figs) == {"hamming_accuracy"}
    _check_figure(figs["hamming_accuracy"], 2)


def test_postprocessing_figures(tmp_path):
    result = postprocessing.run(seeds=2, outdir=tmp_path, workers=1, figures=False, steps=20, certify_steps=20,
                                trains=("uniform", "x>0"), lambdas=(1.0,))
    figs = postprocessing.figures(result)
    assert set(figs) == {"postprocessing_landscapes", "postprocessing_accuracy_vs_lambda"}
    curve = figs["postprocessing_accuracy_vs_lambda"]
    _check_figure(curve, 2)
    for ax in _panels(curve):
        assert {"none", "penalty", "modified_penalty", "modified_penalty_ramp"} == {
            t.get_text() for t in ax.get_legend().get_texts()}
    land = figs["postprocessing_landscapes"]
    _check_figure(land, None)
    panels = _panels(land)
    assert len(panels) == 4
    for ax in panels[:3]:  # both Bloch angles
        _assert_pi_ticks(ax.xaxis)
        _assert_pi_ticks(ax.yaxis)
    _assert_pi_ticks(panels[3].xaxis)
