"""The SGGD penalty of Eq. 6 on random circuits, observables and groups, against the simulator."""

import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.numeric import lambdify_checked
from sggd_sym.testing import (
    assert_close,
    assert_penalty_gradient_matches_finite_differences,
    assert_penalty_matches_simulator,
    preset_group,
    to_numpy,
)
from sggd_sym.testing import strategies as sst


@sst.fast_settings(15)
@given(sst.penalty_problems(), st.data())
def test_penalty_nonnegative_and_matches_simulator(case, data):
    circuit, observable, group = case
    pen = sg.penalty(circuit, observable, group)
    points = data.draw(sst.parameter_points(len(circuit.parameters), batch=3))
    assert np.all(pen(points) >= -1e-12)
    assert_penalty_matches_simulator(circuit, observable, group, points, atol=1e-10, penalty=pen)
    assert_penalty_gradient_matches_finite_differences(circuit, observable, group, points[:2], atol=1e-6,
                                                       penalty=pen)


@sst.fast_settings(10)
@given(sst.penalty_problems(), st.data())
def test_commutant_coordinate_gradients_match_parameter_shift(case, data):
    circuit, observable, group = case
    tw = sg.twirled_observable(circuit, observable, group)
    compiled = tw.trig.compile(tw.coordinates)
    ops = circuit.to_sim_ops()
    o = to_numpy(observable)
    d = circuit.dim
    bases = [to_numpy(sg.PauliSum({w: v / d for w, v in coords.items()}, circuit.n_qubits).matrix())
             for coords, _ in tw.basis]
    theta = data.draw(sst.parameter_points(len(circuit.parameters), batch=1))[0]
    y, jac = compiled.values_and_jacobian(theta)
    u = sim.circuit_unitary(ops, circuit.n_qubits, theta)
    for i, b in enumerate(bases):
        # y_i = ⟨B_i, U†OU⟩ is linear in U†·U, so parameter shift is exact for it
        def cost(v, b=b):
            return np.trace(b.conj().T @ v.conj().T @ o @ v).real

        assert abs(y[i] - cost(u)) < 1e-10
        assert_close(jac[i], sim.parameter_shift_gradient(ops, circuit.n_qubits, theta, cost), atol=1e-10,
                     what=f"∇y_{i}")


@sst.fast_settings(10)
@given(sst.symmetric_swap_circuits(), st.sampled_from(["Z0 + Z1", "X0 X1", "1/2 Y0 Y1 - Z0 Z1 + X0 + X1", "I0"]))
def test_penalty_vanishes_exactly_on_swap_symmetric_circuits(circuit, text):
    group = preset_group("finite([SWAP])")
    pen = sg.penalty(circuit, sg.ops.pauli_sum(text, 2), group)
    assert pen.expr == 0
    assert pen.at([sp.pi / 3] * len(pen.parameters)) == 0
    points = np.random.default_rng(1).uniform(-np.pi, np.pi, size=(4, len(pen.parameters)))
    assert np.all(np.abs(pen(points)) < 1e-12)


def test_penalty_positive_for_non_symmetric_circuit():
    t = sp.Symbol("t", real=True)
    circuit = sg.Circuit(2).rx(t, 0).cz(0, 1)
    pen = sg.penalty(circuit, sg.ops.pauli_sum("Z0 + Z1", 2), preset_group("finite([SWAP])"))
    assert pen.at([sp.pi / 2]) > 0
    assert pen(1.0) > 1e-3
    assert pen.at([0]) == 0


def test_penalty_identity_with_residual_norm_exact():
    a, b = sp.symbols("a b", real=True)
    circuit = sg.Circuit(2).ry(a, 0).cnot(0, 1).rz(2 * b, 1)
    observable = sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2)
    group = preset_group("collective_unitary(2)")
    tw = sg.twirled_observable(circuit, observable, group)
    pen = sg.penalties.penalty_from(tw)
    point = {a: sp.pi / 3, b: sp.pi / 4}
    residual = sp.Matrix(tw.residual_matrix().subs(point))
    norm2 = sp.nsimplify(sp.simplify(sg.ops.hs_inner(residual, residual)))
    expected = pen.at(point)
    assert sp.simplify(norm2 - expected) == 0
    # P = Tr(O²) − ‖T[Õ]‖²
    twirled = sp.Matrix(tw.twirled_matrix().subs(point))
    assert sp.simplify((observable**2).trace() - sg.ops.hs_inner(twirled, twirled) - expected) == 0
    assert expected != 0


def test_werner_penalty_latex_mentions_cos():
    pen = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, preset_group("collective_unitary(2)"))
    assert "\\cos" in pen.latex()
    f = lambdify_checked(pen.parameters, pen.expr)
    for t in (0.0, 0.9, np.pi):
        assert abs(f(t) - pen(t)) < 1e-12
