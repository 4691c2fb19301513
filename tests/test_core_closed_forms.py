"""Known closed forms of the paper (Eq. 9-11) and SPEC §2 Eq. 5, derived by the general machinery."""

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg
from sggd_sym import sim


@pytest.fixture(scope="module")
def werner():
    circuit = sg.circuits.werner_ansatz()
    return circuit, sg.twirled_observable(circuit, sg.ops.SWAP, sg.groups.collective_unitary(2))


def test_eq10_twirled_observable(werner):
    _, tw = werner
    (theta,) = tw.parameters
    a = (1 - sp.cos(theta)) / 4
    b = (1 + sp.cos(theta)) / 2
    assert sp.simplify(tw.twirled_matrix() - (a * sp.eye(4) + b * sg.ops.SWAP)) == sp.zeros(4, 4)


def test_eq11_penalty_exact(werner):
    _, tw = werner
    penalty = sg.penalties.penalty_from(tw)
    (theta,) = penalty.parameters
    assert sp.simplify(penalty.expr - sp.Rational(3, 4) * (1 - sp.cos(theta)) * (3 + sp.cos(theta))) == 0
    assert penalty.at([0]) == 0 and penalty.at([sp.pi]) == 3


def test_collective_twirl_closed_form():
    x = sp.Matrix(4, 4, lambda i, j: sp.Symbol(f"x{i}{j}"))
    f = sg.ops.SWAP
    d = 2
    a = (x.trace() - (x * f).trace() / d) / (d**2 - 1)
    b = ((x * f).trace() - x.trace() / d) / (d**2 - 1)
    assert sp.expand(sg.twirl(x, sg.groups.collective_unitary(2)) - (a * sp.eye(4) + b * f)) == sp.zeros(4, 4)


def test_local_twirl_is_trace():
    x = sp.Matrix(4, 4, lambda i, j: sp.Symbol(f"x{i}{j}"))
    assert sp.expand(sg.twirl(x, sg.groups.local_unitary(2)) - x.trace() * sp.eye(4) / 4) == sp.zeros(4, 4)


def test_u1_twirl_is_block_diagonal_pinching():
    rng = np.random.default_rng(3)
    x = sp.Matrix(8, 8, lambda i, j: sp.Rational(int(rng.integers(-4, 5)), 2))
    blocks = sg.groups.hamming_projectors(3)
    expected = sum((p * x * p for p in blocks), sp.zeros(8, 8))
    assert sg.twirl(x, sg.groups.u1_charge(3)) == expected


def test_collective_commutant_is_permutation_span():
    # Schur–Weyl: the commutant of {V^{⊗3}} is spanned by the qubit permutation operators
    group = sg.groups.collective_unitary(3)
    perms = [sg.ops.permutation_operator(p) for p in [(0, 1, 2), (1, 0, 2), (0, 2, 1), (2, 1, 0), (1, 2, 0), (2, 0, 1)]]
    span = sp.Matrix.hstack(*[sp.Matrix(p).reshape(64, 1) for p in perms])
    assert span.rank() == group.commutant_dimension() == 5
    for basis in group.commutant_basis():
        augmented = sp.Matrix.hstack(span, sp.Matrix(basis).reshape(64, 1))
        assert augmented.rank() == 5


def test_hardware_efficient_penalty_matches_simulator():
    circuit = sg.circuits.hardware_efficient(2, 2)
    observable = sg.ops.pauli("ZI")
    penalty = sg.penalty(circuit, observable, sg.groups.finite([sg.ops.SWAP]))
    rng = np.random.default_rng(7)
    swap = np.array(sg.ops.SWAP, dtype=complex)
    o = np.array(observable, dtype=complex)
    for _ in range(5):
        values = rng.uniform(0, 2 * np.pi, len(circuit.parameters))
        u = sim.circuit_unitary(circuit.to_sim_ops(), 2, values)
        expected = sim.penalty(u, o, lambda m: sim.twirl_finite(m, [np.eye(4), swap]))
        assert penalty(values) == pytest.approx(expected, abs=1e-12)
        fd = sim.finite_difference_gradient(
            lambda th: sim.penalty(sim.circuit_unitary(circuit.to_sim_ops(), 2, th), o,
                                   lambda m: sim.twirl_finite(m, [np.eye(4), swap])), values)
        np.testing.assert_allclose(penalty.gradient(values), fd, atol=1e-7)
    # the last layer's CNOT-shadowed rotations do not reach O = Z⊗I
    assert [str(p) for p in penalty.unused_parameters] == ["theta_5", "theta_6", "theta_7"]
