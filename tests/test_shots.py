"""Swap-test shot-noise estimator of the SGGD penalty (sggd_sym.training.shots, issue 15)."""

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.circuits import hardware_efficient
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.training.shots import SwapTestPenalty, swap_test_probability


def circle_case():
    circuit = hardware_efficient(2, 1, final_rotations=True)
    group = sg.groups.finite([sg.ops.SWAP])
    return circuit, 3 * sg.ops.pauli("ZI"), group


def test_swap_test_circuit_gives_overlap():
    rng = np.random.default_rng(3)
    for _ in range(5):
        psi, phi = sim.random_state(4, rng), sim.random_state(4, rng)
        assert abs(swap_test_probability(psi, phi) - (1 + abs(np.vdot(psi, phi)) ** 2) / 2) < 1e-12


def test_infinite_shot_limit_equals_the_penalty():
    circuit, observable, group = circle_case()
    est = SwapTestPenalty.from_circuit(circuit, observable, group)
    pen = sg.penalty(circuit, observable, group)
    points = np.random.default_rng(0).uniform(0, 2 * np.pi, (4, len(circuit.parameters)))
    for theta in points:
        assert abs(est.exact(theta) - pen(theta)) < 1e-10
    assert est.swap_tests == 16  # one non-identity element, 4 x 4 eigenvalue pairs


@pytest.mark.parametrize("shots", [50, 400])
def test_empirical_variance_within_ten_percent_of_closed_form(shots):
    circuit, observable, group = circle_case()
    est = SwapTestPenalty.from_circuit(circuit, observable, group)
    rng = np.random.default_rng(11)
    theta = rng.uniform(0, 2 * np.pi, len(circuit.parameters))
    values = est.estimate(theta, shots, rng, repeats=1000)
    closed = est.variance(theta, shots)
    assert abs(values.var(ddof=1) / closed - 1) < 0.10
    assert abs(values.mean() - est.exact(theta)) < 4 * np.sqrt(closed / 1000)  # unbiased


def test_shots_for_precision():
    circuit, observable, group = circle_case()
    est = SwapTestPenalty.from_circuit(circuit, observable, group)
    theta = np.full(len(circuit.parameters), 0.4)
    per_test, total = est.shots_for(theta, 0.1)
    assert est.variance(theta, per_test) <= 0.01 + 1e-12 and total == per_test * est.swap_tests
    assert per_test == 1 or est.variance(theta, per_test - 1) > 0.01


def test_symmetric_point_has_zero_penalty_and_werner_like_group():
    t = sp.Symbol("t", real=True)
    circuit = sg.Circuit(2).ry(t, 0).ry(t, 1)
    est = SwapTestPenalty.from_circuit(circuit, sg.ops.pauli("ZI") + sg.ops.pauli("IZ"), sg.groups.finite([sg.ops.SWAP]))
    assert abs(est.exact([0.7])) < 1e-12


def test_bad_input():
    circuit, observable, group = circle_case()
    est = SwapTestPenalty.from_circuit(circuit, observable, group)
    theta = np.zeros(len(circuit.parameters))
    with pytest.raises(InputValueError, match="shots"):
        est.estimate(theta, 0, np.random.default_rng(0))
    with pytest.raises(InputTypeError, match="rng"):
        est.estimate(theta, 10, "0")
    # one RNG contract in the package (issue 16): an int is a seed
    assert est.estimate(theta, 10, 5) == est.estimate(theta, 10, np.random.default_rng(5))
    with pytest.raises(InputValueError, match="precision"):
        est.shots_for(theta, 0.0)
    with pytest.raises(InputTypeError, match="finite"):
        SwapTestPenalty.from_circuit(circuit, observable, sg.groups.collective_unitary(2))
    with pytest.raises(InputValueError, match="Hermitian"):
        SwapTestPenalty([], 1, np.array([[0, 1], [0, 0]]), [np.eye(2)])


def test_gradient_from_shifted_swap_tests():
    circuit, observable, group = circle_case()
    est = SwapTestPenalty.from_circuit(circuit, observable, group)
    pen = sg.penalty(circuit, observable, group)
    rng = np.random.default_rng(5)
    theta = rng.uniform(0, 2 * np.pi, len(circuit.parameters))
    np.testing.assert_allclose(est.exact_gradient(theta), pen.gradient(theta), atol=1e-10)
    grads = est.gradient(theta, 200, rng, repeats=1000)
    closed = est.gradient_variance(theta, 200)
    assert np.all(np.abs(grads.var(axis=0, ddof=1) / closed - 1) < 0.15)
    assert np.all(np.abs(grads.mean(axis=0) - pen.gradient(theta)) < 5 * np.sqrt(closed / 1000))


def test_gradient_with_controlled_rotations_uses_four_term_rule():
    t = sp.Symbol("t", real=True)
    circuit = sg.Circuit(2).ry(t, 0).crx(2 * t, 0, 1)
    observable = sg.ops.pauli("ZI") + sg.ops.pauli("XX") / 2
    group = sg.groups.finite([sg.ops.SWAP])
    est = SwapTestPenalty.from_circuit(circuit, observable, group)
    pen = sg.penalty(circuit, observable, group)
    for theta in ([0.3], [1.9]):
        assert abs(est.exact(theta) - pen(theta)) < 1e-10
        np.testing.assert_allclose(est.exact_gradient(theta), pen.gradient(theta), atol=1e-10)


def test_fast_overlaps_equal_the_simulated_swap_tests_and_train():
    circuit, observable, group = circle_case()
    slow = SwapTestPenalty.from_circuit(circuit, observable, group)
    fast = SwapTestPenalty.from_circuit(circuit, observable, group, simulate_swap_tests=False)
    theta = np.random.default_rng(2).uniform(0, 2 * np.pi, len(circuit.parameters))
    np.testing.assert_allclose(fast._overlaps(theta), slow._overlaps(theta), atol=1e-12)
    np.testing.assert_allclose(fast.exact_gradient(theta), slow.exact_gradient(theta), atol=1e-12)
    from sggd_sym import training
    pen = sg.penalty(circuit, observable, group)
    noisy = fast.noisy(10_000, np.random.default_rng(0))
    h = training.train(pen, theta[None], penalty=noisy, lam=0.0, steps=2)  # recording the noisy penalty
    assert abs(h.penalty[0, 0] - pen(theta)) < 5 * np.sqrt(fast.variance(theta, 10_000))


def test_shot_noise_comparison_smoke():
    from sggd_sym.experiments import circle
    rows = circle.shot_noise_comparison(seeds=1, shots=(50,))
    assert [r["penalty"] for r in rows] == ["exact", "50 shots/test", "none (plain MSE)"]
    assert all(0 <= r["accuracy_mean"] <= 1 for r in rows)
