"""Bit-packed exact Pauli propagation (issue 11): equal to the canonical ring, to the simulator, and
truncation bounds that hold."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.algebra.pauli_sum import pauli_word_matrix
from sggd_sym.circuits.heisenberg import heisenberg_observable
from sggd_sym.circuits.pauli_propagation import PackedEvaluator, Truncation, propagate, supports_packed
from sggd_sym.exceptions import DerivationBudgetError, InputTypeError, InputValueError
from sggd_sym.testing.assertions import to_numpy
from sggd_sym.testing.strategies import circuit_problems, fast_settings, parameter_points

# every gate kind drawn by the shared strategies is one the packed path supports: Pauli rotations (any
# angles) and Clifford fixed gates


@fast_settings(40)
@given(circuit_problems(max_gates=7))
def test_packed_equals_ring_exactly(problem):
    """Every term of the canonical form from the packed terms equals the ring propagation's, exactly
    (shared parameters, slopes 2, 1/2, 3/2, −1, offsets ±π/2, π, constant angles, controlled rotations)."""
    circuit, observable = problem
    ring = heisenberg_observable(circuit, observable)
    packed = propagate(circuit, observable)
    assert packed.exact and packed.error_bound == 0
    assert packed.to_trig_ring(ring.trig) == ring.terms


@fast_settings(30)
@given(circuit_problems(max_gates=7), st.data())
def test_packed_evaluator_equals_ring_evaluator_and_simulator(problem, data):
    circuit, observable = problem
    ring = heisenberg_observable(circuit, observable)
    evaluator = PackedEvaluator(propagate(circuit, observable))
    assert set(evaluator.words) >= set(ring.terms)  # packed words may cancel in the canonical form
    p = len(circuit.parameters)
    theta = np.array(data.draw(parameter_points(p, batch=1))[0], dtype=float).reshape(p)
    zero = ring.trig.ring.zero
    compiled = ring.trig.compile([ring.terms.get(w, zero) for w in evaluator.words])
    values, jac = compiled.values_and_jacobian(theta)
    np.testing.assert_allclose(evaluator.coefficients(theta), values, atol=1e-12)
    weights = np.linspace(-1, 1, evaluator.n_words)
    value, grad = evaluator.value_and_gradient(theta, lambda a: (a @ weights, weights))
    assert value == pytest.approx(values @ weights, abs=1e-12)
    np.testing.assert_allclose(grad, weights @ jac, atol=1e-11)
    # the operator itself, against the independent numpy simulator
    a = evaluator.coefficients(theta)
    got = sum((c * to_numpy(pauli_word_matrix(w)) for c, w in zip(a, evaluator.words)),
              np.zeros((circuit.dim, circuit.dim)))
    ref = sim.heisenberg_observable(circuit.to_sim_ops(), circuit.n_qubits, to_numpy(observable), theta)
    np.testing.assert_allclose(got, ref, atol=1e-10)


@pytest.mark.parametrize("n, layers", [(2, 5), (3, 3), (4, 2)])
def test_zero_state_expectation_is_the_diagonal_part(n, layers):
    circuit = sg.circuits.hardware_efficient(n, layers)
    packed = propagate(circuit, "Z" + "I" * (n - 1))
    cos, sin, coef = packed.zero_state_expectation()
    theta = np.random.default_rng(n).normal(size=len(circuit.parameters))
    phi = theta  # hardware_efficient: one rotation per parameter, slope 1, no offset
    vals = coef.astype(float) / packed.denominator
    for k in range(len(packed.occurrences)):
        c_on = ((cos[0] >> np.uint64(k)) & np.uint64(1)).astype(bool)
        s_on = ((sin[0] >> np.uint64(k)) & np.uint64(1)).astype(bool)
        vals = vals * np.where(c_on, np.cos(phi[k]), 1.0) * np.where(s_on, np.sin(phi[k]), 1.0)
    state = sim.statevector(circuit.to_sim_ops(), n, theta)
    z0 = to_numpy(sg.ops.pauli_sum("Z0", n))
    assert vals.sum() == pytest.approx(np.real(state.conj() @ z0 @ state), abs=1e-12)
    # merged like monomials: no two terms share a key
    keys = np.stack(cos + sin, axis=1)
    assert np.unique(keys, axis=0).shape[0] == keys.shape[0]


@fast_settings(12)
@given(st.integers(2, 3), st.integers(2, 3), st.sampled_from(["weight", "sin"]), st.integers(0, 2), st.data())
def test_truncation_bound_holds(n, layers, kind, cut, data):
    circuit = sg.circuits.hardware_efficient(n, layers, entangler="cz" if n == 3 else "cnot")
    word = "Z" + "X" * (n - 1)
    truncation = Truncation(max_weight=cut + 1) if kind == "weight" else Truncation(max_sin_degree=cut + 1)
    exact = PackedEvaluator(propagate(circuit, word))
    truncated_packed = propagate(circuit, word, truncation=truncation)
    truncated = PackedEvaluator(truncated_packed)
    eps = truncated_packed.error_bound
    d = 2**n
    for theta in np.array(data.draw(parameter_points(len(circuit.parameters), batch=4)), dtype=float):
        a = dict(zip(exact.words, exact.coefficients(theta)))
        b = dict(zip(truncated.words, truncated.coefficients(theta)))
        diff = np.array([a.get(w, 0.0) - b.get(w, 0.0) for w in set(a) | set(b)])
        assert np.sqrt(d * np.sum(diff**2)) <= eps + 1e-12  # ‖ΔÕ‖_HS ≤ ε
        assert np.max(np.abs(diff), initial=0.0) <= eps / np.sqrt(d) + 1e-12  # each coefficient
    group = sg.groups.permutations(n)
    P_exact = sg.penalty(circuit, word, group, representation="packed")
    P_trunc = sg.penalty(circuit, word, group, truncation=truncation)
    points = np.array(data.draw(parameter_points(len(circuit.parameters), batch=6)), dtype=float)
    assert np.all(np.abs(P_exact(points) - P_trunc(points)) <= P_trunc.error_bound + 1e-10)
    if eps == 0:
        assert P_trunc.error_bound == 0


def test_truncation_drops_and_reports():
    circuit = sg.circuits.hardware_efficient(3, 3)
    full = propagate(circuit, "ZII")
    cut = propagate(circuit, "ZII", truncation=Truncation(max_weight=1))
    assert cut.n_terms < full.n_terms and cut.error_bound > 0 and not cut.exact
    x = np.stack(cut.x + cut.z, axis=1)
    assert np.all(np.bitwise_count(cut.x[0] | cut.z[0]) <= 1), x.shape
    sine_cut = propagate(circuit, "ZII", truncation=Truncation(max_sin_degree=0))
    theta = np.zeros(len(circuit.parameters))  # every sine vanishes at 0: the sine truncation is exact there
    a = dict(zip(*[PackedEvaluator(full).words, PackedEvaluator(full).coefficients(theta)]))
    b = dict(zip(*[PackedEvaluator(sine_cut).words, PackedEvaluator(sine_cut).coefficients(theta)]))
    assert all(abs(a.get(w, 0) - b.get(w, 0)) < 1e-15 for w in set(a) | set(b))


@pytest.mark.parametrize("group_name", ["swap", "permutations", "collective"])
def test_packed_penalty_equals_ring_penalty(group_name):
    n = 2 if group_name != "permutations" else 3
    group = {"swap": sg.groups.finite([sg.ops.SWAP]), "permutations": sg.groups.permutations(3),
             "collective": sg.groups.collective_unitary(2)}[group_name]
    circuit = sg.circuits.hardware_efficient(n, 2)
    obs = "Z" + "I" * (n - 1)
    ring = sg.penalty(circuit, obs, group, representation="ring")
    packed = sg.penalty(circuit, obs, group, representation="packed")
    theta = np.random.default_rng(7).uniform(-np.pi, np.pi, size=(5, len(circuit.parameters)))
    np.testing.assert_allclose(packed(theta), ring(theta), atol=1e-12)
    np.testing.assert_allclose(packed.gradient(theta), ring.gradient(theta), atol=1e-12)
    assert packed.error_bound == 0
    assert sp.simplify(packed.expr - ring.expr) == 0 if n == 2 else True
    normalized = sg.penalty(circuit, obs, group, norm="normalized_hs", representation="packed")
    np.testing.assert_allclose(normalized(theta), ring(theta) / 2**n, atol=1e-12)


def test_auto_uses_packed_for_deep_circuits_and_agrees():
    circuit = sg.circuits.hardware_efficient(2, 7)  # ~56k terms: above RING_TERMS
    group = sg.groups.finite([sg.ops.SWAP])
    auto = sg.penalty(circuit, "ZI", group)
    assert "packed" in auto.name
    theta = np.random.default_rng(3).normal(size=(2, len(circuit.parameters)))
    ops = circuit.to_sim_ops()
    swap = to_numpy(sg.ops.SWAP)
    project = lambda m: (m + swap @ m @ swap) / 2  # noqa: E731
    o = to_numpy(sg.ops.pauli_sum("Z0", 2))
    for row, value in zip(theta, auto(theta)):
        assert value == pytest.approx(sim.penalty(sim.circuit_unitary(ops, 2, row), o, project), abs=1e-10)


def test_packed_refuses_what_it_cannot_hold():
    t = sp.Symbol("t", real=True)
    circuit = sg.Circuit(1).ry(t, 0).t(0)
    assert not supports_packed(circuit, {"Z": 1})
    with pytest.raises(InputValueError, match="not Clifford"):
        propagate(circuit, "Z")
    with pytest.raises(InputValueError, match="rational"):
        propagate(sg.Circuit(1).ry(t, 0), {"Z": sp.sqrt(2)})
    with pytest.raises(InputValueError, match="representation='ring'"):
        sg.penalty(circuit, "Z", sg.groups.finite([sg.ops.Z]), representation="packed")
    # the ring still handles it
    assert sg.penalty(circuit, "Z", sg.groups.finite([sg.ops.Z]))(0.3) >= 0
    with pytest.raises(InputTypeError, match="truncation"):
        propagate(sg.Circuit(1).ry(t, 0), "Z", truncation={"max_weight": 1})
    with pytest.raises(InputTypeError, match="max_weight"):
        Truncation(max_weight=-1)
    with pytest.raises(InputValueError, match="representation"):
        sg.penalty(sg.Circuit(1).ry(t, 0), "Z", sg.groups.finite([sg.ops.Z]), representation="dense")


def test_packed_budget_fails_fast():
    with pytest.raises(DerivationBudgetError, match="budget"):
        propagate(sg.circuits.hardware_efficient(2, 8), "ZI", budget=1000)
