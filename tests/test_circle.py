"""E2 (paper Fig. 3): data, encoding, the derived model against the simulator, the bars, and the sweeps."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.data import datasets
from sggd_sym.experiments import circle
from sggd_sym.testing.strategies import fast_settings

ROOT = Path(__file__).resolve().parent.parent


def test_labels_are_balanced_and_invariant():
    x = datasets.uniform_square(40000, 1)
    for name, label in datasets.LABELLINGS.items():
        assert abs(np.mean(label(x) == 1) - 0.5) < 0.01, name
    np.testing.assert_array_equal(datasets.circle_labels(x), datasets.circle_labels(datasets.swap_points(x)))
    np.testing.assert_array_equal(datasets.diamond_labels(x), datasets.diamond_labels(datasets.rotate_points(x)))
    assert np.all(datasets.right_half(100, 2)[:, 0] >= 0)


@fast_settings(25)
@given(st.floats(-1, 1), st.floats(-1, 1))
def test_encoding_maps_group_to_conjugation(a, b):
    rho = datasets.encode([[a, b]])[0]
    swap = np.array(sg.ops.SWAP, dtype=complex)
    v = np.array(datasets.C4_GENERATOR, dtype=complex)
    np.testing.assert_allclose(datasets.encode([[b, a]])[0], swap @ rho @ swap, atol=1e-12)
    np.testing.assert_allclose(datasets.encode([[-b, a]])[0], v @ rho @ v.conj().T, atol=1e-12)
    # the same state from the simulator's RY gates
    psi = sim.statevector([("ry", (0,), (0, 1.0, 0.0), None), ("ry", (1,), (1, 1.0, 0.0), None)], 2,
                          np.pi * np.array([a, b]))
    np.testing.assert_allclose(rho, np.outer(psi, psi.conj()), atol=1e-12)


def test_c4_group_has_order_four():
    assert datasets.c4_group().order == 4
    assert datasets.swap_group().order == 2


@pytest.fixture(scope="module")
def default_penalty():
    return circle._penalty(3, 3, "circle"), circle._model("hea", 3, 3)


@fast_settings(10)
@given(st.lists(st.floats(0, 2 * np.pi), min_size=16, max_size=16))
def test_default_model_penalty_matches_simulator(default_penalty, values):
    penalty, model = default_penalty
    values = np.array(values)
    swap = np.array(sg.ops.SWAP, dtype=complex)
    u = sim.circuit_unitary(model.circuit.to_sim_ops(), 2, values)
    o = 3 * sim.pauli_matrix("ZI")
    expected = sim.penalty(u, o, lambda m: sim.twirl_finite(m, [np.eye(4), swap]))
    assert penalty(values) == pytest.approx(expected, abs=1e-10)
    assert penalty(values) >= -1e-12


def test_default_model_outputs_match_simulator():
    model = circle._model("hea", 3, 3)
    rng = np.random.default_rng(5)
    theta = rng.uniform(0, 2 * np.pi, 16)
    x = datasets.uniform_square(7, rng)
    u = sim.circuit_unitary(model.circuit.to_sim_ops(), 2, theta)
    o = 3 * sim.pauli_matrix("ZI")
    expected = [sim.expectation(o, u @ rho @ u.conj().T) for rho in datasets.encode(x)]
    np.testing.assert_allclose(model.outputs_on(theta, datasets.encode(x)), expected, atol=1e-12)


def _cfg(**overrides):
    cfg = dict(circle.DEFAULTS, **overrides)
    cfg["lambdas"] = tuple(cfg["lambdas"])
    return cfg


def _accuracy(cfg, train, method, lam=None):
    jobs = [j for j in circle.jobs_for(cfg) if j["train"] == train and j["method"] == method and j["lam"] == lam]
    accs = [a for j in jobs for a in circle.run_job(j)["accuracy"]]
    return np.mean(accs), len(accs)


@pytest.fixture(scope="module")
def bars():
    cfg = _cfg(seeds=20, lambdas=(1.0,))
    return {key: _accuracy(cfg, *key) for key in
            [("uniform", "mse"), ("right", "mse"), ("right", "penalty", 1.0)]}


def test_bar_uniform_training_generalises(bars):
    acc, seeds = bars[("uniform", "mse")]
    assert seeds == 20 and acc >= 0.85


def test_bar_sggd_recovers_right_half_bias(bars):
    plain, _ = bars[("right", "mse")]
    sggd, seeds = bars[("right", "penalty", 1.0)]
    assert seeds == 20
    assert plain < 0.80  # the bias is real
    assert sggd - plain >= 0.12


def test_bars_agree_with_the_stored_readme_results(bars):
    """The bar runs are default-setting rows of ``results/circle.json`` (the README table): same numbers."""
    from sggd_sym.experiments import report_tables

    stored = {report_tables.row_key("circle", r): r
              for r in report_tables.load(ROOT / "results" / "circle.json")["result"]["rows"]}
    for (train, method, *lam), (acc, seeds) in bars.items():
        row = stored[(train, method, lam[0] if lam else None)]
        assert seeds == row["seeds"] == 20
        assert f"{acc:.1%}" == f"{row['test_accuracy_mean']:.1%}"


def test_results_do_not_depend_on_the_executor():
    cfg = _cfg(seeds=3, steps=15, n_train=30, n_test=100, chunk=2, trains=("right",), lambdas=(1.0,))
    inline = circle.run(outdir="unused", workers=1, **{k: cfg[k] for k in ("steps", "n_train", "n_test", "chunk",
                                                                         "trains", "lambdas")}, seeds=3)
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, processes=False, threads_per_worker=1,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        remote = circle.run(outdir="unused", scheduler=client, seeds=3,
                            **{k: cfg[k] for k in ("steps", "n_train", "n_test", "chunk", "trains", "lambdas")})
    assert inline["rows"] == remote["rows"]
    pooled = circle.run(outdir="unused", workers=2, seeds=3,
                        **{k: cfg[k] for k in ("steps", "n_train", "n_test", "chunk", "trains", "lambdas")})
    assert pooled["rows"] == inline["rows"]


def test_report_and_figures(tmp_path):
    pytest.importorskip("matplotlib")
    result = circle.run(outdir=tmp_path, workers=1, seeds=2, steps=10, n_train=20, n_test=50, trains=("right",))
    methods = {(r["method"], r["lambda"]) for r in result["rows"]}
    assert methods == {("mse", None), ("penalty", 0.1), ("penalty", 1.0), ("penalty", 10.0), ("twirled", None),
                       ("augmentation", None), ("equivariant", None)}
    assert all(set(r) >= {"train", "method", "lambda", "seeds", "test_accuracy_mean", "test_accuracy_std"}
               for r in result["rows"])
    assert all((tmp_path / name).stat().st_size > 1000 for name in
               ("circle_decision_regions.png", "circle_accuracy_vs_lambda.png"))
    assert "augmentation" in circle.format_report(result)


def test_c4_variant_runs_with_its_group(tmp_path):
    from sggd_sym.experiments import c4

    result = c4.run(outdir=tmp_path, workers=1, seeds=2, steps=10, n_train=20, n_test=50, trains=("right",))
    assert result["experiment"] == "c4" and result["model"]["group"].startswith("C4")
    assert "equivariant" not in {r["method"] for r in result["rows"]}


def test_bad_inputs():
    with pytest.raises(ValueError, match="task"):
        circle.run(outdir="unused", task="square")
    with pytest.raises(ValueError, match="λ"):
        circle.run(outdir="unused", lambdas=(-1.0,), seeds=1)
    with pytest.raises(ValueError, match="shape"):
        datasets.encode([1, 2, 3])
    with pytest.raises(ValueError, match="NaN"):
        datasets.circle_labels([[np.nan, 0.0]])
    with pytest.raises(ValueError, match="workers"):
        sg.sweeps.run_jobs(len, [[1]], workers=0)
