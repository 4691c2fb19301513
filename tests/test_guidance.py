"""The guidance study (issue 15: norms × λ schedules), at small settings."""

from __future__ import annotations

import numpy as np
import pytest

from sggd_sym.derived.norms import NORMS
from sggd_sym.exceptions import InputValueError
from sggd_sym.experiments import circle, guidance
from sggd_sym.training import SCHEDULES

SMALL = {"tasks": ("circle",), "steps": 15}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("guidance")
    return guidance.run(seeds=3, outdir=out, workers=1, **SMALL), out


def _strip_timing(result):
    return {k: v for k, v in result.items() if k not in ("timing", "seconds", "figures")}


def test_every_norm_schedule_lambda_cell_is_reported(small):
    result, _ = small
    cells = {(r["norm"], r["schedule"], r["lambda"]) for r in result["rows"] if r["method"] == "penalty"}
    assert cells == {(n, s, lam) for n in NORMS for s in SCHEDULES for lam in guidance.DEFAULTS["lambdas"]}
    assert [r["method"] for r in result["rows"]].count("mse") == 1
    table = guidance.format_report(result).splitlines()
    header = next(line for line in table if line.startswith("task"))
    assert header.split()[3:3 + len(SCHEDULES)] == list(SCHEDULES) and header.split()[-1] == "ms/step"
    for norm in NORMS:
        for lam in guidance.DEFAULTS["lambdas"]:
            line = next(line for line in table if line.split()[:3] == ["circle", norm, f"{lam:g}"])
            assert line.count("±") == len(SCHEDULES)
    for r in result["rows"]:
        assert r["seeds"] == 3 and len(r["accuracy"]) == 3
        assert 0 <= r["below_chance_fraction"] <= 1
        assert r["test_accuracy_mean"] == pytest.approx(np.mean(r["accuracy"]), abs=1e-6)


def test_penalties_are_nonnegative_and_vanish_at_the_equivariant_model(small):
    result, _ = small
    assert all(r["final_penalty_min"] >= 0 for r in result["rows"])
    assert set(result["equivariant_penalty"]["circle"]) == set(NORMS)
    assert all(v < 1e-10 for v in result["equivariant_penalty"]["circle"].values())
    theta = np.random.default_rng(1).uniform(0, 2 * np.pi, (16, 16))
    for norm in NORMS:
        values = guidance.penalty_for("circle", norm)(theta)
        assert np.all(values >= 0) and values.max() > 0.05  # the HEA is far from symmetric at random points


def test_summary_is_computed_from_the_rows(small):
    result, _ = small
    rows = [r for r in result["rows"] if r["method"] == "penalty"]
    best = max(rows, key=lambda r: (r["test_accuracy_mean"], -r["test_accuracy_std"]))
    first = result["summary"][0]
    assert f"best cell {best['norm']}/{best['schedule']}/λ={best['lambda']:g}" in first
    base = next(r for r in result["rows"] if r["method"] == "mse")
    assert f"plain MSE {base['test_accuracy_mean']:.1%}" in first
    assert any(line.startswith("circle: schedules vs constant") for line in result["summary"])


def test_constant_hs_cell_repeats_e2(small):
    """The paired design uses E2's data and initial points: hs/constant equals circle's SGGD row."""
    result, _ = small
    cfg = dict(circle.DEFAULTS, steps=SMALL["steps"], seeds=3)
    e2 = circle.run_job({"cfg": cfg, "train": "right", "method": "penalty", "lam": 1.0, "seeds": [0, 1, 2]})
    row = next(r for r in result["rows"] if (r["norm"], r["schedule"], r["lambda"]) == ("hs", "constant", 1.0))
    assert row["accuracy"] == pytest.approx(e2["accuracy"], abs=1e-6)
    mse = circle.run_job({"cfg": cfg, "train": "right", "method": "mse", "lam": None, "seeds": [0, 1, 2]})
    base = next(r for r in result["rows"] if r["method"] == "mse")
    assert base["accuracy"] == pytest.approx(mse["accuracy"], abs=1e-6)


def test_results_are_reproducible_from_the_seed(small, tmp_path):
    result, _ = small
    again = guidance.run(seeds=3, outdir=tmp_path, workers=1, **SMALL)
    assert _strip_timing(again) == _strip_timing(result)


def test_figure_is_a_png_with_labelled_axes(small):
    result, _ = small
    (path,) = result["figures"]
    with open(path, "rb") as fh:
        assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
    fig = guidance.figure(result)
    axes = fig.get_axes()
    assert len(axes) == len(guidance.DEFAULTS["lambdas"])  # one task: one panel per λ
    for ax in axes:
        assert ax.get_xlabel() == "λ schedule" and ax.get_ylabel() == "test accuracy"
        assert [t.get_text().split("\n")[0] for t in ax.get_xticklabels()] == list(SCHEDULES)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert all(f"norm: {n}" in legend for n in NORMS) and "plain MSE (no penalty)" in legend
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_hamming_norms_not_trained_are_timed_and_said(tmp_path):
    result = guidance.run(seeds=2, outdir=tmp_path, workers=1, tasks=("hamming",), norms=("hs", "generators"),
                          schedules=("constant", "warmup"), lambdas=(1.0,), steps=5,
                          trained_norms={"hamming": ("hs",)})
    assert {r["norm"] for r in result["rows"]} == {None, "hs"}
    timing = result["timing"]["hamming"]
    assert timing["generators"]["trained"] is False and timing["generators"]["penalty_ms"] > 0
    assert timing["hs"]["trained"] is True
    report = guidance.format_report(result)
    assert "generators          not trained" in report
    assert all(v < 1e-10 for v in result["equivariant_penalty"]["hamming"].values())


def test_schedules_of_the_cells():
    cfg = dict(guidance.DEFAULTS, steps=10)
    assert [guidance.schedule_for("linear", 4.0, cfg)(t) for t in (0, 5, 10)] == [0.0, 4.0, 4.0]
    assert guidance.schedule_for("warmup", 4.0, cfg)(3) == 4.0 and guidance.schedule_for("warmup", 4.0, cfg)(2) == 0
    assert guidance.schedule_for("adaptive", 2.0, cfg).ratio == 2.0


def test_bad_settings_are_refused_by_name(tmp_path):
    with pytest.raises(InputValueError, match="tasks"):
        guidance.run(outdir=tmp_path, tasks=("square",))
    with pytest.raises(InputValueError, match="unknown setting"):
        guidance.run(outdir=tmp_path, lr=0.1)
    with pytest.raises(InputValueError, match="lambdas"):
        guidance.run(outdir=tmp_path, lambdas=(-1.0,))
    with pytest.raises(InputValueError, match="seeds"):
        guidance.run(outdir=tmp_path, seeds=0)
