"""Circuits (SPEC §1, §4; paper Eq. 1, 9): exact and numeric unitaries and Heisenberg observables agree
with the independent simulator on random circuits; the named ansätze have their stated shape."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.testing import assert_close, assert_heisenberg_matches_simulator, assert_unitary_matches_simulator
from sggd_sym.testing import strategies as sst


@sst.fast_settings(12)
@given(sst.circuits(), st.integers(0, 2**16))
def test_random_circuit_unitaries_match_simulator(circuit, seed):
    values = np.random.default_rng(seed).uniform(-np.pi, np.pi, size=(2, len(circuit.parameters)))
    assert_unitary_matches_simulator(circuit, values, atol=1e-12)


@sst.fast_settings(25)
@given(sst.circuits().flatmap(lambda c: st.tuples(st.just(c), sst.pauli_sums(c.n_qubits))), st.integers(0, 2**16))
def test_random_heisenberg_observable_matches_simulator(case, seed):
    circuit, observable = case
    values = np.random.default_rng(seed).uniform(-np.pi, np.pi, size=(2, len(circuit.parameters)))
    assert_heisenberg_matches_simulator(circuit, observable, values, atol=1e-12)


@sst.fast_settings(6)
@given(sst.circuits(max_qubits=2, max_gates=4))
def test_exact_unitary_is_unitary(circuit):
    u = sp.Matrix(circuit.unitary())
    point = {p: sp.Rational(j + 1, 3) * sp.pi for j, p in enumerate(circuit.parameters)}
    v = u.subs(point)
    assert_close(sg.testing.to_numpy(v.H * v), np.eye(circuit.dim), atol=1e-13, what="U†U")


def test_werner_ansatz_endpoints():
    circuit = sg.circuits.werner_ansatz()
    (theta,) = circuit.parameters
    u = circuit.unitary()
    assert sp.simplify(u.subs(theta, 0) - sp.eye(4)) == sp.zeros(4, 4)
    assert sp.simplify(u.subs(theta, sp.pi) - sg.ops.CNOT) == sp.zeros(4, 4)
    assert_close(circuit.unitary_numeric([0.0]), np.eye(4), atol=1e-14, what="U(0)")
    assert_close(circuit.unitary_numeric([np.pi]), sg.testing.to_numpy(sg.ops.CNOT), atol=1e-14, what="U(pi)")
    # Eq. 9 at a generic angle: U = I + (e^{iθ} − 1)|1−⟩⟨1−|
    minus = np.array([1, -1]) / np.sqrt(2)
    one_minus = np.kron([0, 1], minus)
    t = 0.83
    expected = np.eye(4) + (np.exp(1j * t) - 1) * np.outer(one_minus, one_minus)
    assert_close(circuit.unitary_numeric([t]), expected, atol=1e-14, what="Eq. 9")


@pytest.mark.parametrize("n, layers, rotations, final", [
    (1, 1, ("ry",), False), (2, 2, ("ry", "rz"), False), (3, 1, ("rx", "ry", "rz"), True), (2, 0, ("ry",), True),
])
def test_hardware_efficient_parameter_counts(n, layers, rotations, final):
    circuit = sg.circuits.hardware_efficient(n, layers, rotations=rotations, final_rotations=final)
    per_layer = n * len(rotations)
    assert len(circuit.parameters) == per_layer * (layers + int(final))
    assert [str(p) for p in circuit.parameters] == [f"theta_{k}" for k in range(len(circuit.parameters))]
    entanglers = [g for g in circuit.gates if g.name == "cnot"]
    assert len(entanglers) == layers * (n - 1)
    assert len(circuit) == len(circuit.parameters) + len(entanglers)


def test_hardware_efficient_cz_matches_simulator():
    circuit = sg.circuits.hardware_efficient(2, 1, entangler="cz", final_rotations=True)
    values = np.random.default_rng(3).uniform(-np.pi, np.pi, size=(2, len(circuit.parameters)))
    assert_unitary_matches_simulator(circuit, values, atol=1e-12)


def test_parameters_in_first_use_order():
    a, b, c = sp.symbols("a b c", real=True)
    circuit = sg.Circuit(2).rx(c, 0).ry(2 * a, 1).rz(c / 2 + sp.pi / 4, 0).crx(b, 0, 1).ry(a, 0)
    assert circuit.parameters == (c, a, b)
    assert len(circuit) == 5
    assert sg.Circuit(1).h(0).parameters == ()


def test_reused_parameter_with_slopes_matches_simulator():
    t = sp.Symbol("t", real=True)
    circuit = sg.Circuit(2).rx(2 * t, 0).cry(t / 2 + sp.pi / 2, 0, 1).pauli(-t + sp.pi, "XY", [1, 0])
    ops = circuit.to_sim_ops()
    for value in (0.0, 0.4, -2.9):
        assert_close(circuit.unitary_numeric([value]), sim.circuit_unitary(ops, 2, [value]), atol=1e-13,
                     what="reused parameter")
    assert_unitary_matches_simulator(circuit, [[0.4], [-2.9]], atol=1e-12)


def test_exp_gate_with_identity_term_keeps_global_phase():
    t = sp.Symbol("t", real=True)
    circuit = sg.Circuit(1).exp(t, {"I": 1, "Z": 1})
    # exp(−i t (I + Z)/2) = diag(e^{−it}, 1)
    assert_close(circuit.unitary_numeric([0.7]), np.diag([np.exp(-0.7j), 1]), atol=1e-14, what="phase")
    assert_unitary_matches_simulator(circuit, [[0.7]], atol=1e-12)


def test_offset_pi_over_4_heisenberg_matches_simulator():
    t = sp.Symbol("t", real=True)
    circuit = sg.Circuit(2).rx(t + sp.pi / 4, 0).cnot(0, 1).pauli(t / 2 - sp.pi / 4, "ZY", [0, 1])
    assert_heisenberg_matches_simulator(circuit, sg.ops.pauli_sum("Z0 + 1/2 X0 Y1", 2), [[0.3], [-1.7]], atol=1e-12)


def test_declared_parameter_order_comes_first():
    a, b, c = sp.symbols("a b c", real=True)
    circuit = sg.Circuit(1, parameters=(a, b)).rz(b, 0).ry(a, 0).rx(c, 0)
    assert circuit.parameters == (a, b, c)
    u = sim.circuit_unitary(circuit.to_sim_ops(), 1, [0.3, 1.1, -0.4])
    assert_close(circuit.unitary_numeric([0.3, 1.1, -0.4]), u, atol=1e-13, what="declared order")
    with pytest.raises(TypeError, match="Symbols"):
        sg.Circuit(1, parameters=("a",))


def test_unitary_with_a_matrix_is_the_deprecated_spelling_of_append_unitary():
    """``Circuit.unitary()`` is the exact unitary; ``unitary(matrix, qubits)`` still appends, with a warning."""
    m = sp.Matrix([[0, 1], [1, 0]])
    with pytest.warns(DeprecationWarning, match="append_unitary"):
        old = sg.Circuit(2).unitary(m, [1])
    new = sg.Circuit(2).append_unitary(m, [1])
    assert [(g.name, g.qubits, g.matrix) for g in old.gates] == [(g.name, g.qubits, g.matrix) for g in new.gates]
    assert new.unitary() == sp.ImmutableMatrix(sp.kronecker_product(sp.eye(2), m))


def test_rotations_are_computed_once_per_gate():
    gate = sg.Circuit(2).crx(sp.Symbol("t"), 0, 1).gates[0]
    assert gate.rotations() is gate.rotations()
    assert gate.global_phase() == 1 and gate.phase_angle() == 0
