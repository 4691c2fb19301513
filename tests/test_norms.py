"""Guidance norms (issue 15): ``sg.penalty(c, O, G, norm=...)`` against numpy computations with the simulator."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.derived import norms
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.numeric import lambdify_checked
from sggd_sym.testing import group_constraints_numeric, numeric_projector, preset_group, to_numpy
from sggd_sym.testing import strategies as sst

NORMS = norms.NORMS


def dense_groups():
    """Groups with no Pauli-native structure (dense matrix path of the generator penalty)."""
    heis = sg.ops.pauli("XX") + sg.ops.pauli("YY") + sg.ops.pauli("ZZ")
    t = sp.diag(1, sp.exp(sp.I * sp.pi / 4))
    return {"lie([XX+YY+ZZ])": sg.groups.lie([heis + sg.ops.pauli("ZI")]),
            "finite([T⊗T])": sg.groups.finite([sg.ops.kron(t, t)])}


DENSE = dense_groups()


def onorm2(observable):
    return sp.nsimplify((sp.Matrix(observable) ** 2).trace())


def numeric_norm(circuit, observable, group, norm):
    """The norm by numpy: numeric twirl (SVD commutant) or numeric commutators, from the simulator's U."""
    ops_ = circuit.to_sim_ops()
    n = circuit.n_qubits
    o = to_numpy(sg.ops.pauli_sum(observable, n).matrix() if isinstance(observable, str) else
                 (observable.matrix() if isinstance(observable, sg.PauliSum) else observable))
    project = numeric_projector(group)
    hams, unis = group_constraints_numeric(group)

    def value(theta):
        u = sim.circuit_unitary(ops_, n, np.atleast_1d(theta))
        a = u.conj().T @ o @ u
        if norm == "generators":
            total = sum(np.linalg.norm(h @ a - a @ h) ** 2 for h in hams)
            total += sum(np.linalg.norm(v @ a @ v.conj().T - a) ** 2 for v in unis)
            return float(total)
        e = project(a) - a
        if norm == "schatten4":
            e2 = e.conj().T @ e
            return float(np.trace(e2 @ e2).real)
        hs = float(np.vdot(e, e).real)
        return hs / float(np.trace(o @ o).real) if norm == "normalized_hs" else hs

    return value


@sst.fast_settings(12)
@given(sst.penalty_problems(), st.sampled_from(NORMS), st.data())
def test_norm_matches_simulator_and_is_nonnegative(case, norm, data):
    circuit, observable, group = case
    if norm == "normalized_hs" and onorm2(observable) == 0:
        return
    pen = sg.penalty(circuit, observable, group, norm=norm)
    ref = numeric_norm(circuit, observable, group, norm)
    points = data.draw(sst.parameter_points(len(circuit.parameters), batch=3))
    values = pen(points)
    assert np.all(values >= -1e-12)
    for theta, v in zip(points, values):
        assert abs(v - ref(theta)) < 1e-9 * max(1.0, abs(v))
    if not circuit.parameters:
        return
    grads = pen.gradient(points[:2])
    for theta, g in zip(points[:2], grads):
        fd = sim.finite_difference_gradient(ref, theta, step=1e-5)
        assert np.max(np.abs(g - fd)) < 1e-5 * max(1.0, np.max(np.abs(g)))


@sst.fast_settings(8)
@given(sst.penalty_problems(sorted(DENSE), groups=DENSE), st.data())
def test_generator_norm_on_dense_groups(case, data):
    circuit, observable, group = case
    assert group.pauli_structure is None
    if not circuit.parameters:
        return
    pen = sg.penalty(circuit, observable, group, norm="generators")
    ref = numeric_norm(circuit, observable, group, "generators")
    points = data.draw(sst.parameter_points(len(circuit.parameters), batch=2))
    for theta, v, g in zip(points, pen(points), pen.gradient(points)):
        assert abs(v - ref(theta)) < 1e-9 * max(1.0, abs(v))
        fd = sim.finite_difference_gradient(ref, theta, step=1e-5)
        assert np.max(np.abs(g - fd)) < 1e-5 * max(1.0, np.max(np.abs(g)))


@sst.fast_settings(8)
@given(sst.symmetric_swap_circuits(), st.sampled_from(["Z0 + Z1", "X0 X1", "1/2 Y0 Y1 - Z0 Z1 + X0 + X1"]),
       st.sampled_from(NORMS))
def test_norm_vanishes_exactly_on_swap_symmetric_circuits(circuit, text, norm):
    group = preset_group("finite([SWAP])")
    pen = sg.penalty(circuit, sg.ops.pauli_sum(text, 2), group, norm=norm)
    assert pen.expr == 0
    points = np.random.default_rng(1).uniform(-np.pi, np.pi, size=(4, len(pen.parameters)))
    # exact zero above; numerically P is a difference of O(‖O‖²) sums: rounding ~1e-11 on 12-gate circuits
    assert np.all(np.abs(pen(points)) < 1e-10)
    assert np.all(np.abs(pen.gradient(points)) < 1e-10)


@pytest.mark.parametrize("norm", NORMS)
def test_werner_norms_zero_at_identity_positive_elsewhere(norm):
    circuit = sg.circuits.werner_ansatz()
    group = preset_group("collective_unitary(2)")
    pen = sg.penalty(circuit, sg.ops.SWAP, group, norm=norm)
    assert pen.at([0]) == 0
    assert pen.at([2 * sp.pi]) == 0
    assert abs(pen(0.0)) < 1e-14 and np.all(np.abs(pen.gradient(np.zeros((1, 1)))) < 1e-14)
    points = np.random.default_rng(0).uniform(0.05, 2 * np.pi - 0.05, size=(20, 1))
    assert np.all(pen(points) > 0)
    assert pen.at([sp.pi]) > 0
    ref = numeric_norm(circuit, sg.ops.SWAP, group, norm)
    for t in (0.3, 1.7, np.pi):
        assert abs(pen(t) - ref(np.array([t]))) < 1e-10
    assert "\\cos" in pen.latex()
    f = lambdify_checked(pen.parameters, pen.expr)
    for t in (0.0, 0.9, np.pi):
        assert abs(f(t) - pen(t)) < 1e-10


def test_werner_closed_forms():
    theta = sp.Symbol("theta", real=True)
    circuit = sg.circuits.werner_ansatz()
    theta, = circuit.parameters
    group = preset_group("collective_unitary(2)")
    c = sp.cos(theta)
    expected = {"hs": sp.Rational(3, 4) * (1 - c) * (3 + c),
                "normalized_hs": sp.Rational(3, 16) * (1 - c) * (3 + c),
                "schatten4": sp.Rational(3, 64) * (1 - c) ** 2 * (3 * c**2 + 34 * c + 59),
                "generators": 4 * (1 - c) * (5 + c)}
    for norm, closed in expected.items():
        pen = sg.penalty(circuit, sg.ops.SWAP, group, norm=norm)
        assert sp.expand(pen.expr - closed) == 0, norm


@sst.fast_settings(12)
@given(sst.penalty_problems(), st.data())
def test_norms_positive_exactly_where_hs_is(case, data):
    """Random points of non-symmetric circuits: every norm is strictly positive, with the exact relations
    Tr E⁴ ≥ ‖E‖⁴/d, normalised = HS/‖O‖²."""
    circuit, observable, group = case
    tw = sg.twirled_observable(circuit, observable, group)
    if tw.is_symmetric() or onorm2(observable) == 0:
        return
    points = data.draw(sst.parameter_points(len(circuit.parameters), batch=4))
    pens = {n: sg.penalty(circuit, observable, group, norm=n) for n in NORMS}
    hs = pens["hs"](points)
    mask = hs > 1e-6
    for n in NORMS:
        assert np.all(pens[n](points)[mask] > 0), n
    s4 = pens["schatten4"](points)
    assert np.all(s4 >= hs**2 / group.dim - 1e-9)
    assert np.all(s4 <= hs**2 + 1e-9)
    assert np.allclose(pens["normalized_hs"](points), hs / float(onorm2(observable)), atol=1e-12)


def test_norm_argument_is_checked():
    circuit = sg.circuits.werner_ansatz()
    group = preset_group("collective_unitary(2)")
    with pytest.raises(InputValueError, match="norm"):
        sg.penalty(circuit, sg.ops.SWAP, group, norm="frobenius")
    with pytest.raises(InputTypeError, match="norm"):
        sg.penalty(circuit, sg.ops.SWAP, group, norm=2)
    with pytest.raises(InputValueError, match="nonzero"):
        sg.penalty(circuit, sg.PauliSum({}, 2), group, norm="normalized_hs")


def test_generator_norm_uses_no_matrix_on_large_registers():
    n = 12
    t = sp.Symbol("t", real=True)
    circuit = sg.Circuit(n).rx(t, 0)
    observable = sg.PauliSum.from_text(" + ".join(f"Z{i}" for i in range(n)), n)
    pen = sg.penalty(circuit, observable, sg.groups.cyclic_shift(n), norm="generators")
    assert pen(0.0) == 0
    assert pen(1.0) > 0
    s4 = sg.penalty(circuit, observable, sg.groups.cyclic_shift(n), norm="schatten4")
    assert s4(0.0) == 0 and s4(1.0) > 0
    uniform = sg.Circuit(n)
    for i in range(n):
        uniform.rx(t, i)
    assert sg.penalty(uniform, observable, sg.groups.cyclic_shift(n), norm="generators").expr == 0
