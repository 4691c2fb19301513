"""The Werner example (Eq. 8–11) and experiment E1 (paper Fig. 2)."""

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg
from sggd_sym import sim, training
from sggd_sym.data import werner as W
from sggd_sym.derived import costs
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.experiments import werner as E1

ROOT = Path(__file__).resolve().parent.parent


def test_states_and_conversions():
    rho = W.werner_state(sp.Rational(1, 2))
    assert rho.trace() == 1 and sg.ops.is_hermitian(rho)
    np.testing.assert_allclose(W.werner_state_numeric(0.5), np.array(rho.tolist(), dtype=complex), atol=1e-15)
    for p in (sp.Rational(-1, 3), sp.Rational(1, 7), sp.Integer(1)):
        phi = W.p_to_phi(p)
        assert (sg.ops.SWAP * W.werner_state(p)).trace() == phi and W.phi_to_p(phi) == p
    ps = np.linspace(-1 / 3, 1, 41)
    np.testing.assert_allclose(W.phi_to_p(W.p_to_phi(ps)), ps)
    # entangled iff p > 1/3: the partial transpose has a negative eigenvalue (PPT criterion, 2 qubits)
    for p in ps:
        r = W.werner_state_numeric(p).reshape(2, 2, 2, 2).transpose(0, 3, 2, 1).reshape(4, 4)
        assert (np.linalg.eigvalsh(r).min() < -1e-12) == bool(W.is_entangled(p))
    assert W.label(sp.Rational(1, 2)) == -1 and W.label(sp.Rational(1, 3)) == 1
    np.testing.assert_array_equal(W.labels([0.2, 0.5, -0.1]), [1, -1, 1])


def test_split_and_biased_dataset():
    rng = np.random.default_rng(0)
    for beta in (0.0, 0.35, 0.8, 1.0):
        p, y = W.biased_dataset(20, beta, rng)
        assert W.in_s2(p).sum() == round(20 * beta) and np.all(W.in_s1(p) ^ W.in_s2(p))
        np.testing.assert_array_equal(y, W.labels(p))
        assert np.all((p >= -1 / 3) & (p <= 1))
    with pytest.raises(InputValueError, match="beta"):
        W.biased_dataset(20, 1.5, rng)
    with pytest.raises(InputValueError, match="beta"):
        W.biased_dataset(20, -0.1, rng)
    with pytest.raises(InputTypeError, match="rng"):
        W.biased_dataset(20, 0.5, "3")
    # one RNG contract in the package (issue 16): an int is a seed
    np.testing.assert_array_equal(W.biased_dataset(20, 0.5, 3)[0],
                                  W.biased_dataset(20, 0.5, np.random.default_rng(3))[0])
    with pytest.raises(InputValueError):
        W.werner_state(sp.Rational(3, 2))
    with pytest.raises(InputValueError):
        W.werner_state(0.5)


def test_closed_forms_against_simulator():
    """Eq. 11: f_θ(p) and P(θ) from the numeric simulator (collective twirl by Monte Carlo-free projection)."""
    circuit = sg.circuits.werner_ansatz()
    theta, = circuit.parameters
    ops_ = circuit.to_sim_ops()
    swap = np.array(sg.ops.SWAP.tolist(), dtype=complex)
    hams = [np.kron(P, np.eye(2)) + np.kron(np.eye(2), P) for P in (sim.PAULI["X"], sim.PAULI["Y"], sim.PAULI["Z"])]
    f = sp.lambdify((W.P, theta), W.model_closed_form())
    pen = sp.lambdify(theta, W.penalty_closed_form())
    for t in np.linspace(0, 2 * np.pi, 7):
        u = sim.circuit_unitary(ops_, 2, [t])
        for p in (-0.2, 0.1, 0.6):
            assert sim.expectation(swap, u @ W.werner_state_numeric(p) @ u.conj().T) == pytest.approx(f(p, t))
        assert sim.penalty(u, swap, lambda x: sim.commutant_projection(x, hams)) == pytest.approx(pen(t), abs=1e-9)
    P = sg.penalty(circuit, sg.ops.SWAP, sg.groups.collective_unitary(2))
    assert sp.simplify(P.expr - W.penalty_closed_form(theta)) == 0


def test_trap_basin_formula_matches_numeric_flow():
    """The basin edge c* = −B/(2A) separates the θ that gradient descent sends to π from those sent to 0."""
    rng = np.random.default_rng(5)
    p, y = W.biased_dataset(20, 1.0, rng)
    model = costs.Model(sg.circuits.werner_ansatz(), sg.ops.SWAP, W.werner_state_numeric(p))
    assert W.trap_condition(p, y) > 0
    for lam in (1.0, 10.0):
        cp = costs.penalised_cost(model, y, sg.groups.collective_unitary(2), lam)
        theta0 = np.linspace(0.05, 2 * np.pi - 0.05, 60)[:, None]
        final = training.train(cp, theta0, method="gd", learning_rate=0.02, steps=3000).final_parameters[:, 0]
        predicted = W.flow_limit_cos(p, y, lam, theta0[:, 0])
        np.testing.assert_array_equal(np.cos(final) < 0, predicted < 0)
        fraction = W.trap_basin_fraction(p, y, lam)
        assert np.mean(predicted < 0) == pytest.approx(fraction, abs=2 / 60)
    assert W.lambda_crit_closed_form(p, y) == pytest.approx(np.mean(p / 4 * (1 + 3 * p)))
    # λ_crit is where the second derivative of C_P at θ = 0 changes sign (numeric, central differences)
    lc = W.lambda_crit_closed_form(p, y)
    for lam, sign in ((0.5 * lc, -1), (1.5 * lc, 1)):
        cp = costs.penalised_cost(model, y, sg.groups.collective_unitary(2), lam)
        second = (cp(1e-3) - 2 * cp(0.0) + cp(-1e-3)) / 1e-6
        assert np.sign(second) == sign


def _rows(result):
    return {(r["bias"], r["method"], r["lambda"]): r for r in result["rows"]}


def test_experiment_small(tmp_path):
    """E1 with 40 seeds: the bars of issue 3, and the measured success rates equal the basin prediction."""
    result = E1.run(seeds=40, outdir=tmp_path, progress=False, biases=(0.0, 1.0), figures=False)
    rows = _rows(result)
    assert rows[(1.0, "mse", 0.0)]["success_rate"] <= 0.05
    assert rows[(1.0, "penalty", 1.0)]["success_rate"] >= 0.75
    assert rows[(1.0, "penalty", 10.0)]["success_rate"] >= 0.90
    assert rows[(0.0, "mse", 0.0)]["success_rate"] >= 0.95 and rows[(0.0, "penalty", 1.0)]["success_rate"] >= 0.95
    for r in result["rows"]:
        assert abs(r["success_rate"] - r["predicted_success_rate"]) <= 1 / 40 + 1e-12
        assert set(r) >= {"bias", "method", "lambda", "seeds", "success_rate", "test_accuracy_mean",
                          "test_accuracy_std"}
    assert rows[(1.0, "twirled", 0.0)]["success_rate"] == rows[(1.0, "mse", 0.0)]["success_rate"]
    assert rows[(0.0, "mse", 0.0)]["test_accuracy_mean"] == 1.0
    penalty = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    assert result["penalty_expr"] == str(penalty.expr)
    assert sp.simplify(penalty.expr - W.penalty_closed_form()) == 0
    assert 0 < result["lambda_crit_mean"] <= 1 / 6
    assert "E1 Werner" in E1.format_report(result)
    json.dumps(result)


def test_experiment_figures(tmp_path):
    pytest.importorskip("matplotlib")
    result = E1.run(seeds=4, outdir=tmp_path, biases=(1.0,), steps=20)
    assert result["figures"] and all(Path(f).stat().st_size > 1000 for f in result["figures"])


@pytest.mark.slow
def test_reproduce_werner_cli_100_seeds(tmp_path):
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "sggd_sym.cli", "reproduce", "werner", "--seeds", "100", "--json",
                          "--out", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, check=True)
    assert time.perf_counter() - start < 60
    result = json.loads(out.stdout)
    assert result["experiment"] == "werner" and {"rows", "penalty_expr", "lambda_crit_mean"} <= set(result)
    rows = _rows(result)
    assert {r["bias"] for r in result["rows"]} == {0.0, 0.5, 0.8, 1.0}
    assert all(r["seeds"] == 100 for r in result["rows"])
    assert rows[(1.0, "mse", 0.0)]["success_rate"] <= 0.05
    assert rows[(1.0, "penalty", 1.0)]["success_rate"] >= 0.75
    assert rows[(1.0, "penalty", 10.0)]["success_rate"] >= 0.93
    for method, lam in (("mse", 0.0), ("penalty", 1.0), ("penalty", 10.0)):
        assert rows[(0.0, method, lam)]["success_rate"] >= 0.95
