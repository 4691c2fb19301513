"""E3 and training with post-processed outputs (Eq. 12–13): chain-rule costs against the simulator and finite
differences; the experiment's trap finding and its ≥ 5-point bar at small settings (20 seeds)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.derived import postprocess as pp
from sggd_sym.derived import postprocessed_costs as ppc
from sggd_sym.derived.costs import Model
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.experiments import postprocessing as E3

t = sp.Symbol("t")


def _two_qubit_model(rng, n_points=5):
    a, b, c = sp.symbols("a b c")
    circuit = sg.Circuit(2).ry(a, 0).rz(b, 1).cnot(0, 1).rx(c, 0)
    states = np.array([sim.random_density_matrix(4, rng) for _ in range(n_points)])
    return Model(circuit, sg.ops.pauli("ZI"), states), circuit, states


@pytest.mark.parametrize("h, order", [(sp.tanh(2 * t), None), (sp.tanh(2 * t), 3), (1 - 2 * t**2, 2),
                                      (sp.exp(t), 2)])
def test_postprocessed_cost_matches_simulator_and_finite_differences(h, order):
    rng = np.random.default_rng(3)
    model, circuit, states = _two_qubit_model(rng)
    labels = rng.choice([-1.0, 1.0], size=len(states))
    cost = ppc.postprocessed_cost(model, labels, h, t, order)
    poly = h if order is None else sum(c * t**j for j, c in enumerate(pp.taylor_coefficients(h, t, order)))
    hnum = sp.lambdify(t, poly, "numpy")
    ops_ = circuit.to_sim_ops()
    O = np.diag([1.0, 1.0, -1.0, -1.0]).astype(complex)
    for _ in range(3):
        theta = rng.uniform(0, 2 * np.pi, 3)

        def reference(th):
            psi_u = sim.circuit_unitary(ops_, 2, th)
            f = np.array([sim.expectation(psi_u @ rho @ psi_u.conj().T, O) for rho in states]).real
            return np.mean((hnum(f) - labels) ** 2)

        value, grad = cost.value_and_gradient(theta)
        assert value == pytest.approx(reference(theta), abs=1e-10)
        assert np.allclose(grad, sim.finite_difference_gradient(reference, theta, 1e-6), atol=1e-6)


def test_taylor_truncation_differs_from_h_and_outputs_agree():
    rng = np.random.default_rng(4)
    model, _, states = _two_qubit_model(rng)
    theta = rng.uniform(0, 2 * np.pi, 3)
    f = model.outputs(theta)
    assert np.allclose(ppc.postprocessed_outputs(model, theta, sp.tanh(t), t), np.tanh(f))
    assert np.allclose(ppc.postprocessed_outputs(model, theta, sp.tanh(t), t, 3), f - f**3 / 3)
    assert not np.allclose(f - f**3 / 3, np.tanh(f))


def test_exact_expression_of_the_witness_cost():
    a = sp.Symbol("a")
    circuit = sg.Circuit(1).ry(a, 0)
    rho = sp.Matrix([[1, 0], [0, 0]])  # x = 0: f = cos a, label +1
    cost = ppc.postprocessed_cost(Model(circuit, sg.ops.Z, [rho]), [1], 1 - 2 * t**2, t, 2)
    assert sp.simplify(cost.expr - (1 - 2 * sp.cos(a) ** 2 - 1) ** 2) == 0
    assert cost([0.3]) == pytest.approx(4 * np.cos(0.3) ** 4)


def test_paired_cost_equals_rowwise_costs():
    rng = np.random.default_rng(5)
    model = E3.model()
    x_sets = rng.uniform(-1, 1, (3, 7))
    paired = ppc.paired_postprocessed_cost(model, E3.encode(x_sets), E3.labels(x_sets), E3.H, E3.T)
    theta = rng.uniform(0, 2 * np.pi, (3, 2))
    values, grads = paired.value_and_gradient(theta)
    for b in range(3):
        single = ppc.postprocessed_cost(Model(E3.circuit(), sg.ops.Z, E3.encode(x_sets[b])), E3.labels(x_sets[b]),
                                       E3.H, E3.T)
        v, g = single.value_and_gradient(theta[b])
        assert values[b] == pytest.approx(v) and np.allclose(grads[b], g)
    with pytest.raises(InputValueError, match="parameter batch"):
        paired.value_and_gradient(theta[:2])


def test_bad_input():
    model = E3.model()
    beta = sp.Symbol("beta")
    with pytest.raises(InputValueError, match="beta"):
        ppc.postprocessed_cost(model, [1.0], sp.tanh(beta * t), t)
    with pytest.raises(InputValueError, match="order"):
        ppc.postprocessed_cost(model, [1.0], sp.tanh(t), t, 0)
    with pytest.raises(InputValueError, match="not analytic"):
        ppc.postprocessed_cost(model, [1.0], sp.sign(t), t, 2)
    with pytest.raises(InputTypeError, match="Model"):
        ppc.postprocessed_cost("model", [1.0], sp.tanh(t), t)
    with pytest.raises(InputValueError, match="labels"):
        ppc.postprocessed_cost(model, [1.0, 2.0], sp.tanh(t), t)
    with pytest.raises(InputValueError, match="seeds"):
        E3.run(seeds=1, outdir=".")
    with pytest.raises(InputValueError, match="unknown settings"):
        E3.run(seeds=2, outdir=".", lamda=3)


def test_mpmath_residual_matches_closed_form_penalty():
    p, _ = E3.penalties()
    for a, b in [(0.0, 1.0), (0.4, 2.0), (np.pi / 2, 0.3)]:
        assert float(E3.residual_norm_mp(a, b)) ** 2 == pytest.approx(p([a, b]), abs=1e-12)
        n = E3.bloch_vectors([a, b])[0]
        assert p([a, b]) == pytest.approx(2 * (n[0] ** 2 + n[1] ** 2))


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    return E3.run(seeds=20, outdir=tmp_path_factory.mktemp("e3"), workers=1, figures=True, steps=2000,
                  trains=("uniform", "x>0,n=4"), lambdas=(1.0, 10.0), ramp_lambda=1.0, certify_steps=3000)


def test_small_run_reproduces_the_trap_and_the_collapse(small_run):
    rows = {(r["train"], r["method"], r["lambda"]): r for r in small_run["rows"]}
    assert set(rows[("uniform", "none", None)]) >= {"method", "lambda", "train", "seeds", "test_accuracy_mean",
                                                   "test_accuracy_std", "trapped_fraction"}
    assert rows[("uniform", "none", None)]["test_accuracy_mean"] > 0.95
    assert rows[("uniform", "penalty", 10.0)]["test_accuracy_mean"] < 0.05       # plain penalty: Õ -> ±Z
    trap = rows[("uniform", "modified_penalty", 10.0)]
    assert 0.2 < trap["trapped_fraction"] < 0.8                                    # some runs trapped at ±Z
    assert rows[("uniform", "modified_penalty_ramp", 10.0)]["trapped_fraction"] == 0
    traps = small_run["traps"]
    assert traps["trapped_runs"] > 0 and traps["all_certified"]
    assert traps["max_epsilon_symmetrised"] < 1e-4
    assert all(c["epsilon"] <= c["epsilon_bound"] for c in small_run["certificates"])


def test_small_run_bar_and_outputs(small_run, tmp_path):
    bar = small_run["bar"]
    assert bar["evaluated"] and bar["tasks"][0]["seeds"] == 20
    assert bar["tasks"][0]["gain_points"] >= 5 and bar["passed"]
    json.dumps(small_run)
    report = E3.format_report(small_run)
    assert "meets" in report and "GD lr" in report
    for path in small_run["figures"]:
        with open(path, "rb") as fh:
            assert fh.read(8) == b"\x89PNG\r\n\x1a\n"
