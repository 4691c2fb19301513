"""Eq. 12–13 (post-processing): Taylor coefficients, M_k, Π_sym and the modified penalty P_k.

Every derived quantity is compared with an independent witness: mpmath at 40 digits for the Taylor
coefficients, the numpy simulator (``sggd_sym.sim``) for ``Tr[M_k ρ^{⊗k}]`` and for ``P_k`` (built from
matrices: ``M_k``, ``Π_sym`` by permutation matrices, the twirl by averaging ``V^{⊗k}``), finite differences
for gradients.
"""

from __future__ import annotations

from itertools import permutations
from math import factorial

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.derived import postprocess as pp
from sggd_sym.exceptions import InputTypeError, InputValueError

t = sp.Symbol("t")
BETA = sp.Rational(3, 2)
FUNCTIONS = {
    "tanh": sp.tanh(BETA * t),
    "sigmoid": 1 / (1 + sp.exp(-BETA * t)),
    "square": t**2,
    "cos": sp.cos(t),
    "exp": sp.exp(t),
    "witness": 1 - 2 * t**2,
}
MP_FUNCTIONS = {
    "tanh": lambda x: mpmath.tanh(mpmath.mpf(3) / 2 * x),
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-mpmath.mpf(3) / 2 * x)),
    "square": lambda x: x**2,
    "cos": mpmath.cos,
    "exp": mpmath.exp,
    "witness": lambda x: 1 - 2 * x**2,
}


# -- Eq. 12: coefficients ----------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("t0", [0, sp.Rational(1, 2), -1])
def test_taylor_coefficients_match_mpmath(name, t0):
    coeffs = pp.taylor_coefficients(FUNCTIONS[name], t, 4, t0)
    with mpmath.workdps(40):
        reference = mpmath.taylor(MP_FUNCTIONS[name], mpmath.mpf(sp.Rational(t0).p) / sp.Rational(t0).q, 4)
        for c, ref in zip(coeffs, reference):
            assert not c.free_symbols
            assert abs(mpmath.mpf(str(sp.N(c, 45))) - ref) < mpmath.mpf(10) ** -30


def test_taylor_coefficients_exact_closed_forms():
    assert pp.taylor_coefficients(sp.tanh(2 * t), t, 3) == [0, 2, 0, sp.Rational(-8, 3)]
    assert pp.taylor_coefficients(sp.exp(t), t, 3) == [1, 1, sp.Rational(1, 2), sp.Rational(1, 6)]
    beta = sp.Symbol("beta")
    assert sp.simplify(pp.taylor_coefficients(sp.tanh(beta * t), t, 3)[3] + beta**3 / 3) == 0
    # locally smooth branches of non-smooth functions are accepted away from their kinks
    assert pp.taylor_coefficients(sp.Abs(t), t, 2, t0=-1) == [1, -1, 0]
    assert pp.taylor_coefficients(sp.sign(t) * t**2, t, 2, t0=2) == [4, 4, 1]
    assert pp.taylor_coefficients(sp.sin(t) / t, t, 2) == [1, 0, sp.Rational(-1, 6)]


@pytest.mark.parametrize("h, t0", [
    (sp.sign(t), 0), (sp.Abs(t), 0), (1 / t, 0), (sp.Heaviside(t), 0), (sp.floor(t), 1), (sp.sqrt(t), 0),
    (sp.log(t), 0), (sp.Piecewise((t, t > 0), (0, True)), 0), (sp.Max(t, 0), 0), (sp.sign(t - 1), 1),
    (sp.tanh(t) + sp.Abs(t), 0),
])
def test_not_analytic_raises_and_suggests_surrogate(h, t0):
    with pytest.raises(InputValueError, match="not analytic at t0") as info:
        pp.taylor_coefficients(h, t, 2, t0)
    assert "tanh(beta*t)" in str(info.value)


def test_bad_arguments():
    with pytest.raises(InputValueError, match="order"):
        pp.taylor_coefficients(sp.tanh(t), t, 0)
    with pytest.raises(InputTypeError, match="order"):
        pp.taylor_coefficients(sp.tanh(t), t, 1.0)
    with pytest.raises(InputTypeError, match="Symbol"):
        pp.taylor_coefficients(sp.tanh(t), "t", 2)
    with pytest.raises(InputTypeError, match="h expected"):
        pp.taylor_coefficients("tanh(t)", t, 2)
    with pytest.raises(InputValueError, match="floats"):
        pp.taylor_coefficients(sp.tanh(0.5 * t), t, 2)
    with pytest.raises(InputValueError, match="t0"):
        pp.taylor_coefficients(sp.tanh(t), t, 2, t0=0.5)
    with pytest.raises(InputValueError, match="Hermitian"):
        pp.taylor_operator(sp.Matrix([[0, 1], [0, 0]]), [0, 1, 1])
    with pytest.raises(InputValueError, match="coefficients"):
        pp.taylor_operator(sg.ops.Z, [1])
    with pytest.raises(InputValueError, match="copies"):
        pp.symmetrize(sg.ops.kron(sg.ops.Z, sg.ops.Z), 0)
    with pytest.raises(InputValueError, match="multiple"):
        pp.symmetrize(sg.ops.kron(sg.ops.Z, sg.ops.Z, sg.ops.Z), 2)
    with pytest.raises(InputValueError, match="copies"):
        pp.copy_permutations(0, 1)
    circuit = sg.Circuit(1).ry(sp.Symbol("a"), 0)
    group = sg.groups.finite([sg.ops.Z])
    with pytest.raises(InputValueError, match="order"):
        pp.modified_penalty(circuit, sg.ops.Z, group, sp.tanh(t), t, 0)
    with pytest.raises(InputValueError, match="not analytic"):
        pp.modified_penalty(circuit, sg.ops.Z, group, sp.sign(t), t, 2)
    with pytest.raises(InputValueError, match="Hermitian"):
        pp.modified_penalty(circuit, sp.Matrix([[0, 1], [0, 0]]), group, sp.tanh(t), t, 2)
    with pytest.raises(InputValueError, match="qubit"):
        pp.modified_penalty(circuit, sg.ops.Z, sg.groups.finite([sg.ops.SWAP]), sp.tanh(t), t, 2)
    with pytest.raises(InputValueError, match="substitute numbers"):
        pp.modified_penalty(circuit, sg.ops.Z, group, sp.tanh(sp.Symbol("beta") * t), t, 2)(np.zeros(1))


# -- numeric witnesses ---------------------------------------------------------------------------
def numeric_taylor_operator(o_tilde: np.ndarray, coeffs, t0: float) -> np.ndarray:
    d = o_tilde.shape[0]
    k = len(coeffs) - 1
    shifted = o_tilde - t0 * np.eye(d)
    total = np.zeros((d**k, d**k), dtype=complex)
    for j, c in enumerate(coeffs):
        term = np.eye(1)
        for factor in [shifted] * j + [np.eye(d)] * (k - j):
            term = np.kron(term, factor)
        total += c * term
    return total


def numeric_copy_permutation(perm, n: int) -> np.ndarray:
    k = len(perm)
    q = k * n
    qperm = [perm[i // n] * n + i % n for i in range(q)]
    w = np.zeros((2**q, 2**q))
    for idx in range(2**q):
        bits = [(idx >> (q - 1 - i)) & 1 for i in range(q)]
        image = [0] * q
        for i, b in enumerate(bits):
            image[qperm[i]] = b
        w[int("".join(map(str, image)), 2), idx] = 1
    return w


def numeric_symmetrize(m: np.ndarray, k: int) -> np.ndarray:
    n = int(np.log2(m.shape[0])) // k
    ws = [numeric_copy_permutation(p, n) for p in permutations(range(k))]
    return sum(w @ m @ w.T for w in ws) / factorial(k)


def kron_power(v: np.ndarray, k: int) -> np.ndarray:
    out = np.eye(1)
    for _ in range(k):
        out = np.kron(out, v)
    return out


def numeric_modified_penalty(circuit, observable, elements, h, order, theta, t0=0.0) -> float:
    coeffs = [float(c) for c in pp.taylor_coefficients(h, t, order, sp.nsimplify(t0))]
    o_tilde = sim.heisenberg_observable(circuit.to_sim_ops(), circuit.n_qubits,
                                        np.array(observable, dtype=complex), theta)
    m_hat = numeric_symmetrize(numeric_taylor_operator(o_tilde, coeffs, t0), order)
    residual = sim.twirl_finite(m_hat, [kron_power(np.array(v, dtype=complex), order) for v in elements]) - m_hat
    return float(np.vdot(residual, residual).real)


# -- strategies ------------------------------------------------------------------------------------
A, B, C, D = sp.symbols("a b c d")
ONE_QUBIT_GATES = ("rx", "ry", "rz", "h", "s")


@st.composite
def one_qubit_circuits(draw):
    circuit = sg.Circuit(1)
    params = iter((A, B, C))
    for name in draw(st.lists(st.sampled_from(ONE_QUBIT_GATES), min_size=1, max_size=4)):
        if name in ("rx", "ry", "rz"):
            p = next(params, None)
            getattr(circuit, name)(p if p is not None else sp.pi / 3, 0)
        else:
            getattr(circuit, name)(0)
    return circuit


@st.composite
def two_qubit_circuits(draw):
    circuit = sg.Circuit(2)
    for j, p in enumerate((A, B)):
        getattr(circuit, draw(st.sampled_from(("rx", "ry", "rz"))))(p, j)
    getattr(circuit, draw(st.sampled_from(("cnot", "cz"))))(0, 1)
    getattr(circuit, draw(st.sampled_from(("rx", "ry"))))(C, draw(st.integers(0, 1)))
    return circuit


OBSERVABLES_1 = [sg.ops.Z, sg.ops.X, (sg.ops.Z + sg.ops.X) / 2, sg.ops.Y + sp.Rational(1, 3) * sg.ops.I2]
OBSERVABLES_2 = [sg.ops.pauli("ZI"), sg.ops.pauli("ZZ"), sg.ops.pauli("XI") + sg.ops.pauli("IY") / 2]
H_NAMES = ("tanh", "sigmoid", "square", "cos")


# -- Eq. 12: Tr[M_k ρ^{⊗k}] = h_k(Tr[Õρ]) --------------------------------------------------------
@settings(max_examples=12, deadline=None, derandomize=True)
@given(circuit=st.one_of(one_qubit_circuits(), two_qubit_circuits()), obs=st.integers(0, 10),
       name=st.sampled_from(H_NAMES), order=st.integers(1, 3), t0=st.sampled_from([0, sp.Rational(1, 4)]),
       seed=st.integers(0, 2**16))
def test_eq12_identity_against_simulator(circuit, obs, name, order, t0, seed):
    rng = np.random.default_rng(seed)
    n = circuit.n_qubits
    observable = (OBSERVABLES_1 if n == 1 else OBSERVABLES_2)[obs % (3 + (n == 1))]
    exact = sg.heisenberg_observable(circuit, observable).matrix()
    theta = rng.uniform(-np.pi, np.pi, len(circuit.parameters))
    coeffs = pp.taylor_coefficients(FUNCTIONS[name], t, order, t0)
    m_k = pp.taylor_operator(exact, coeffs, t0)
    numeric_m = np.array(m_k.subs(dict(zip(circuit.parameters, theta))).evalf(), dtype=complex)
    rho = sim.random_density_matrix(2**n, rng)
    f = sim.expectation(sim.heisenberg_observable(circuit.to_sim_ops(), n, np.array(observable, dtype=complex),
                                                  theta), rho)
    h_k = sum(float(c) * (f - float(t0)) ** j for j, c in enumerate(coeffs))
    assert np.isclose(sim.expectation(numeric_m, kron_power(rho, order)), h_k, atol=1e-9)
    m_hat = pp.symmetrize(m_k, order)  # Π_sym keeps the expectation on product states
    numeric_hat = np.array(m_hat.subs(dict(zip(circuit.parameters, theta))).evalf(), dtype=complex)
    assert np.isclose(sim.expectation(numeric_hat, kron_power(rho, order)), h_k, atol=1e-9)
    if name == "square" and order >= 2:  # h_k = h exactly for a quadratic
        assert np.isclose(h_k, f**2, atol=1e-12)


def test_symmetrize_is_projector_commuting_with_copies():
    rng = np.random.default_rng(1)
    m = sp.Matrix(8, 8, lambda r, c: sp.Rational(int(rng.integers(-3, 4)), int(rng.integers(1, 4))))
    s = pp.symmetrize(m, 3)
    assert pp.symmetrize(s, 3) == s
    for w in pp.copy_permutations(3, 1):
        assert w * s * w.H == s
    assert np.allclose(np.array(s, dtype=float), numeric_symmetrize(np.array(m, dtype=float), 3))
    assert pp.copy_permutation((1, 0), 2, 1) == sg.ops.SWAP


# -- Eq. 13: P_k ---------------------------------------------------------------------------------
FINITE_GROUPS_1 = [[sg.ops.Z], [sg.ops.X], [sg.ops.H], [sg.ops.S]]


@settings(max_examples=10, deadline=None, derandomize=True)
@given(circuit=st.one_of(one_qubit_circuits(), two_qubit_circuits()), which=st.integers(0, 3), obs=st.integers(0, 10),
       name=st.sampled_from(H_NAMES), order=st.integers(1, 3), seed=st.integers(0, 2**16))
def test_modified_penalty_matches_matrix_computation(circuit, which, obs, name, order, seed):
    n = circuit.n_qubits
    if n == 2:
        order = min(order, 2)
        gens, observable = [sg.ops.SWAP], OBSERVABLES_2[obs % 3]
    else:
        gens, observable = FINITE_GROUPS_1[which], OBSERVABLES_1[obs % 4]
    group = sg.groups.finite(gens)
    p_k = pp.modified_penalty(circuit, observable, group, FUNCTIONS[name], t, order)
    rng = np.random.default_rng(seed)
    p = len(circuit.parameters)
    thetas = rng.uniform(-np.pi, np.pi, (3, p))
    values, grads = p_k.value_and_gradient(thetas)
    for theta, value, grad in zip(thetas, values, grads):
        ref = numeric_modified_penalty(circuit, observable, group.elements, FUNCTIONS[name], order, theta)
        assert value >= -1e-12
        assert np.isclose(value, ref, rtol=1e-9, atol=1e-9)
        fd = sim.finite_difference_gradient(lambda x: p_k(x), theta, 1e-6)
        assert np.allclose(grad, fd, atol=1e-5)


def test_modified_penalty_expr_matches_numeric_and_residual_matrix():
    circuit = sg.Circuit(1).ry(A, 0).rz(B, 0)
    group = sg.groups.finite([sg.ops.Z])
    h = 1 - 2 * t**2
    p_2 = pp.modified_penalty(circuit, sg.ops.Z, group, h, t, 2)
    theta = np.array([0.7, -1.3])
    assert np.isclose(float(p_2.expr.subs({A: theta[0], B: theta[1]})), p_2(theta), atol=1e-12)
    residual = pp.modified_residual(circuit, sg.ops.Z, group, h, t, 2)
    numeric = np.array(residual.subs({A: theta[0], B: theta[1]}).evalf(), dtype=complex)
    assert np.isclose(np.vdot(numeric, numeric).real, p_2(theta), atol=1e-12)
    assert np.isclose(p_2(theta), numeric_modified_penalty(circuit, sg.ops.Z, group.elements, h, 2, theta))
    mc = pp.modified_constraint(circuit, sg.ops.Z, group, h, t, 2)
    by_matrices = pp.symmetrize(pp.taylor_operator(mc.heisenberg.matrix(), mc.coefficients), 2)
    assert (mc.symmetrized_matrix() - by_matrices).applyfunc(lambda e: sp.simplify(sp.expand_trig(e))).is_zero_matrix


def test_modified_penalty_with_shift_t0():
    circuit = sg.Circuit(1).ry(A, 0).rx(B, 0)
    group = sg.groups.finite([sg.ops.X])
    h = sp.tanh(2 * t)
    p_3 = pp.modified_penalty(circuit, sg.ops.Z, group, h, t, 3, t0=sp.Rational(1, 2))
    theta = np.array([0.4, 2.1])
    assert np.isclose(p_3(theta), numeric_modified_penalty(circuit, sg.ops.Z, group.elements, h, 3, theta, 0.5))


def test_lie_group_modified_penalty_matches_commutant_projection():
    circuit = sg.Circuit(1).ry(A, 0).rz(B, 0)
    group = sg.groups.u1_charge(1)
    p_2 = pp.modified_penalty(circuit, sg.ops.X, group, sp.cos(t), t, 2)
    theta = np.array([0.3, 1.1])
    coeffs = [float(c) for c in pp.taylor_coefficients(sp.cos(t), t, 2)]
    o_tilde = sim.heisenberg_observable(circuit.to_sim_ops(), 1, np.array(sg.ops.X, dtype=complex), theta)
    m_hat = numeric_symmetrize(numeric_taylor_operator(o_tilde, coeffs, 0.0), 2)
    z = np.array(sg.ops.Z, dtype=float)
    summed = np.kron(z, np.eye(2)) + np.kron(np.eye(2), z)
    residual = sim.commutant_projection(m_hat, hamiltonians=[summed]) - m_hat
    assert np.isclose(p_2(theta), np.vdot(residual, residual).real, atol=1e-10)


@settings(max_examples=6, deadline=None, derandomize=True)
@given(name=st.sampled_from(H_NAMES), order=st.integers(1, 2), seed=st.integers(0, 2**16))
def test_modified_penalty_vanishes_when_plain_penalty_does(name, order, seed):
    # SWAP-symmetric circuit: the same rotation on both qubits, a symmetric entangler, a symmetric observable
    circuit = sg.Circuit(2).ry(A, 0).ry(A, 1).cz(0, 1).rx(B, 0).rx(B, 1)
    observable = sg.ops.pauli("ZI") + sg.ops.pauli("IZ")
    group = sg.groups.finite([sg.ops.SWAP])
    thetas = np.random.default_rng(seed).uniform(-np.pi, np.pi, (4, 2))
    assert np.allclose(sg.penalty(circuit, observable, group)(thetas), 0, atol=1e-12)
    p_k = pp.modified_penalty(circuit, observable, group, FUNCTIONS[name], t, order)
    assert np.allclose(p_k(thetas), 0, atol=1e-12)
    assert p_k.expr == 0


def test_spec_witness_and_e3_witness():
    assert pp.penalty is pp.modified_penalty  # the SPEC §4 name
    x_group = sg.groups.finite([sg.ops.X])
    assert sg.penalty(sg.Circuit(1), sg.ops.Z, x_group).expr == 2
    assert pp.modified_penalty(sg.Circuit(1), sg.ops.Z, x_group, t**2, t, 2).expr == 0
    # E3: Õ = n·σ on the Bloch sphere via RY(a) RZ(b) applied to Z; G = {I, Z}; h = 1 − 2t²
    circuit = sg.Circuit(1).ry(A, 0).rz(B, 0)
    o_tilde = sg.heisenberg_observable(circuit, sg.ops.Z)
    nx, ny, nz = (o_tilde.coefficient(w) for w in "XYZ")
    perp = nx**2 + ny**2
    z_group = sg.groups.finite([sg.ops.Z])
    assert sp.simplify(sg.penalty(circuit, sg.ops.Z, z_group).expr - 2 * perp) == 0
    p_2 = pp.modified_penalty(circuit, sg.ops.Z, z_group, 1 - 2 * t**2, t, 2)
    assert sp.simplify(p_2.expr - 32 * nz**2 * perp) == 0


def test_bars_timing():
    import time
    params = sp.symbols("q0:4")
    circuit = sg.Circuit(2).ry(params[0], 0).ry(params[1], 1).cnot(0, 1).ry(params[2], 0).rx(params[3], 1)
    start = time.perf_counter()
    p_2 = pp.modified_penalty(circuit, sg.ops.pauli("IZ"), sg.groups.finite([sg.ops.SWAP]), 1 - 2 * t**2, t, 2)
    assert p_2(np.ones(4)) > 0 and p_2.expr != 0
    assert time.perf_counter() - start < 10
    one = sg.Circuit(1).ry(params[0], 0).rz(params[1], 0).ry(params[2], 0)
    start = time.perf_counter()
    p_3 = pp.modified_penalty(one, sg.ops.Z, sg.groups.finite([sg.ops.H]), sp.tanh(t), t, 3)
    p_3(np.zeros(3))
    assert time.perf_counter() - start < 5
