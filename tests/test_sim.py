"""Tests for the independent numeric simulator sggd_sym.sim."""

import math

import numpy as np
import pytest

from sggd_sym import sim

I2 = np.eye(2)
X, Y, Z = sim.PAULI["X"], sim.PAULI["Y"], sim.PAULI["Z"]
H = sim.gate_matrix("h")
CNOT = sim.gate_matrix("cnot")
SWAP = sim.gate_matrix("swap")
P0, P1 = np.diag([1.0, 0.0]), np.diag([0.0, 1.0])


def basis(i, d):
    v = np.zeros(d, dtype=complex)
    v[i] = 1.0
    return v


def swap_closed_form(x):
    """Collective U(2) twirl of a 4x4 X: a I + b F."""
    d = 2
    tr, trf = np.trace(x), np.trace(x @ SWAP)
    a = (tr - trf / d) / (d**2 - 1)
    b = (trf - tr / d) / (d**2 - 1)
    return a * np.eye(4) + b * SWAP


# ---------------------------------------------------------------- gates


@pytest.mark.parametrize("name", sim.KNOWN_GATES)
def test_gate_matrices_unitary(name):
    rng = np.random.default_rng(1)
    angle = 0.7 if name in ("rx", "ry", "rz", "crx", "cry", "crz", "pauli", "exp") else None
    data = {"pauli": "XYZ", "exp": sim.random_hermitian(4, rng), "unitary": sim.haar_unitary(8, rng)}.get(name)
    u = sim.gate_matrix(name, angle, data)
    np.testing.assert_allclose(u.conj().T @ u, np.eye(len(u)), atol=1e-12)


def test_basic_gate_values():
    np.testing.assert_allclose(sim.gate_matrix("rx", math.pi), -1j * X, atol=1e-15)
    plus = sim.gate_matrix("ry", math.pi / 2) @ basis(0, 2)
    np.testing.assert_allclose(plus, np.array([1, 1]) / math.sqrt(2), atol=1e-15)
    np.testing.assert_allclose(CNOT @ basis(2, 4), basis(3, 4))  # |10> -> |11>
    np.testing.assert_allclose(sim.gate_matrix("s"), np.diag([1, 1j]))
    np.testing.assert_allclose(sim.gate_matrix("sdg") @ sim.gate_matrix("s"), I2)
    np.testing.assert_allclose(sim.gate_matrix("t") @ sim.gate_matrix("t"), sim.gate_matrix("s"), atol=1e-15)
    t = 0.3
    np.testing.assert_allclose(sim.gate_matrix("rz", t), np.diag([np.exp(-1j * t / 2), np.exp(1j * t / 2)]))


def test_qubit_order_convention():
    xq0 = sim.embed(X, (0,), 2)
    np.testing.assert_allclose(xq0 @ basis(0, 4), basis(2, 4))
    np.testing.assert_allclose(xq0, np.kron(X, I2))
    psi = sim.statevector([("x", (0,), None, None)], 2)
    np.testing.assert_allclose(psi, basis(2, 4))


def test_embed_nonadjacent_and_reversed_via_swaps():
    sw01, sw12 = np.kron(SWAP, I2), np.kron(I2, SWAP)
    sw02 = sw01 @ sw12 @ sw01
    cnot02 = sw12 @ np.kron(CNOT, I2) @ sw12
    np.testing.assert_allclose(sim.embed(CNOT, (0, 2), 3), cnot02)
    cnot20 = sw02 @ cnot02 @ sw02
    np.testing.assert_allclose(sim.embed(CNOT, (2, 0), 3), cnot20)
    np.testing.assert_allclose(cnot20 @ basis(1, 8), basis(5, 8))  # |001> -> |101>
    rng = np.random.default_rng(2)
    m = sim.haar_unitary(4, rng)
    np.testing.assert_allclose(sim.embed(m, (1, 0), 2), SWAP @ m @ SWAP, atol=1e-14)


def test_reversed_cnot_is_hadamard_conjugate():
    hh = np.kron(H, H)
    np.testing.assert_allclose(sim.embed(CNOT, (1, 0), 2), hh @ CNOT @ hh, atol=1e-14)
    u = sim.circuit_unitary([("cnot", (1, 0), None, None)], 2)
    np.testing.assert_allclose(u, hh @ CNOT @ hh, atol=1e-14)


# ---------------------------------------------------------------- circuits


def random_circuit(rng, n, depth, n_params):
    ops = []
    for _ in range(depth):
        kind = rng.integers(6)
        q = [int(x) for x in rng.permutation(n)[:2]]
        p = (int(rng.integers(n_params)), float(rng.normal()), float(rng.normal()))
        if kind == 0:
            ops.append((str(rng.choice(["rx", "ry", "rz"])), (q[0],), p, None))
        elif kind == 1:
            ops.append((str(rng.choice(["h", "s", "t", "sdg", "y"])), (q[0],), None, None))
        elif kind == 2:
            ops.append((str(rng.choice(["cnot", "cz", "swap"])), tuple(q), None, None))
        elif kind == 3:
            ops.append((str(rng.choice(["crx", "cry", "crz"])), tuple(q), float(rng.normal()), None))
        elif kind == 4:
            ops.append(("pauli", tuple(q), p, "ZY"))
        else:
            ops.append(("unitary", tuple(q), None, sim.haar_unitary(4, rng)))
    return ops


def test_circuit_unitary_matches_explicit_product():
    rng = np.random.default_rng(3)
    n, n_params = 3, 4
    ops = random_circuit(rng, n, 25, n_params)
    theta = rng.normal(size=n_params)
    expected = np.eye(2**n, dtype=complex)
    for name, qubits, angle, data in ops:
        a = angle[1] * theta[angle[0]] + angle[2] if isinstance(angle, tuple) else angle
        expected = sim.embed(sim.gate_matrix(name, a, data), qubits, n) @ expected
    u = sim.circuit_unitary(ops, n, theta)
    np.testing.assert_allclose(u, expected, atol=1e-12)
    np.testing.assert_allclose(sim.statevector(ops, n, theta), u[:, 0], atol=1e-12)
    psi0 = sim.random_state(8, rng)
    np.testing.assert_allclose(sim.statevector(ops, n, theta, initial=psi0), u @ psi0, atol=1e-12)
    rho0 = sim.random_density_matrix(8, rng, rank=2)
    rho = sim.density_matrix(ops, n, theta, rho0)
    np.testing.assert_allclose(rho, u @ rho0 @ u.conj().T, atol=1e-12)
    psi = sim.statevector(ops, n, theta)
    np.testing.assert_allclose(sim.density_matrix(ops, n, theta), np.outer(psi, psi.conj()), atol=1e-12)
    o = sim.random_hermitian(8, rng)
    heis = sim.heisenberg_observable(ops, n, o, theta)
    assert sim.expectation(heis, psi0) == pytest.approx(sim.expectation(o, u @ psi0), abs=1e-12)
    assert sim.expectation(o, rho) == pytest.approx(np.trace(heis @ rho0).real, abs=1e-12)


def test_pauli_and_exp_and_controlled_rotations():
    t = 0.83
    np.testing.assert_allclose(sim.gate_matrix("pauli", t, "Z"), sim.gate_matrix("rz", t))
    zz = sim.circuit_unitary([("pauli", (0, 1), t, "ZZ")], 2)
    ladder = [("cnot", (0, 1), None, None), ("rz", (1,), t, None), ("cnot", (0, 1), None, None)]
    np.testing.assert_allclose(zz, sim.circuit_unitary(ladder, 2), atol=1e-14)
    np.testing.assert_allclose(
        sim.gate_matrix("exp", t, np.kron(Z, X)), sim.gate_matrix("pauli", t, "ZX"), atol=1e-14
    )
    np.testing.assert_allclose(sim.gate_matrix("exp", t, X), sim.gate_matrix("rx", t), atol=1e-14)
    crz = np.kron(P0, I2) + np.kron(P1, sim.gate_matrix("rz", t))
    np.testing.assert_allclose(sim.gate_matrix("crz", t), crz)
    # pauli word acts on qubits in the given order
    u = sim.circuit_unitary([("pauli", (2, 0), t, "XZ")], 3)
    np.testing.assert_allclose(u, sim.embed(sim.gate_matrix("pauli", t, "ZIX"), (0, 1, 2), 3), atol=1e-14)


def test_expectation_rejects_non_hermitian():
    psi = basis(0, 2) + basis(1, 2)
    with pytest.raises(ValueError, match="imaginary"):
        sim.expectation(np.array([[0, 1], [0, 0]]) * 1j + Y, psi)
    assert sim.expectation(Y, psi) == 0.0


# ---------------------------------------------------------------- Haar, twirls


def test_haar_unitary_statistics():
    rng = np.random.default_rng(4)
    d, samples = 4, 4000
    vals = np.empty(samples)
    for k in range(samples):
        u = sim.haar_unitary(d, rng)
        vals[k] = abs(u[0, 0]) ** 2
    np.testing.assert_allclose(u.conj().T @ u, np.eye(d), atol=1e-12)
    sd = math.sqrt((d - 1) / (d**2 * (d + 1)) / samples)  # exact Haar variance of |U00|^2
    assert abs(vals.mean() - 1 / d) < 5 * sd


def test_random_matrices():
    rng = np.random.default_rng(5)
    rho = sim.random_density_matrix(4, rng, rank=1)
    assert np.trace(rho).real == pytest.approx(1.0)
    assert np.linalg.matrix_rank(rho, tol=1e-10) == 1
    assert np.all(np.linalg.eigvalsh(sim.random_density_matrix(4, rng)) > -1e-12)
    h = sim.random_hermitian(4, rng)
    np.testing.assert_allclose(h, h.conj().T)
    assert np.linalg.norm(sim.random_state(4, rng)) == pytest.approx(1.0)


def test_twirl_finite_swap_group():
    rng = np.random.default_rng(6)
    x = sim.random_hermitian(4, rng) + 1j * sim.random_hermitian(4, rng)
    np.testing.assert_allclose(sim.twirl_finite(x, [np.eye(4), SWAP]), (x + SWAP @ x @ SWAP) / 2)


def test_twirl_monte_carlo_collective_and_local():
    rng = np.random.default_rng(7)
    x = sim.random_hermitian(4, rng) + 0.5j * sim.random_hermitian(4, rng)
    mean, se = sim.twirl_monte_carlo(x, sim.sample_collective(2), 2000, rng)
    assert np.all(se > 0)
    assert np.all(np.abs(mean - swap_closed_form(x)) <= 5 * se + 1e-12)
    mean, se = sim.twirl_monte_carlo(x, sim.sample_local(2), 2000, rng)
    assert np.all(np.abs(mean - np.trace(x) * np.eye(4) / 4) <= 5 * se + 1e-12)
    # a wrong target is detected: the statistical check has power
    assert not np.all(np.abs(mean - swap_closed_form(x)) <= 5 * se + 1e-12)


def test_sample_u1_charge():
    rng = np.random.default_rng(8)
    v = sim.sample_u1_charge(2)(rng)
    zsum = np.kron(Z, I2) + np.kron(I2, Z)
    np.testing.assert_allclose(v @ zsum, zsum @ v, atol=1e-14)
    phase = v[0, 0]  # exp(-i phi): charge +2 sector
    np.testing.assert_allclose(np.diag(v), [phase, 1, 1, phase.conj()], atol=1e-14)
    x = sim.random_hermitian(4, rng)
    mean, se = sim.twirl_monte_carlo(x, sim.sample_u1_charge(2), 1000, rng)
    proj = sim.commutant_projection(x, hamiltonians=[zsum])
    assert np.all(np.abs(mean - proj) <= 5 * se + 1e-12)


# ---------------------------------------------------------------- commutants

SU2_GENERATORS = [np.kron(P, I2) + np.kron(I2, P) for P in (X, Y, Z)]


def test_commutant_projection_collective_closed_form():
    rng = np.random.default_rng(9)
    x = sim.random_hermitian(4, rng) + 1j * sim.random_hermitian(4, rng)
    proj = sim.commutant_projection(x, hamiltonians=SU2_GENERATORS)
    np.testing.assert_allclose(proj, swap_closed_form(x), atol=1e-10)
    assert sim.commutant_dimension(hamiltonians=SU2_GENERATORS) == 2


def test_commutant_dimensions():
    assert sim.commutant_dimension(unitaries=[SWAP]) == 10
    assert sim.commutant_dimension(hamiltonians=[SU2_GENERATORS[2]]) == 6
    assert sim.commutant_dimension(n=2) == 16
    assert sim.commutant_dimension(hamiltonians=[np.eye(4)]) == 16
    # the unitary constraint agrees with the finite twirl
    rng = np.random.default_rng(10)
    x = sim.random_hermitian(4, rng)
    np.testing.assert_allclose(
        sim.commutant_projection(x, unitaries=[SWAP]), sim.twirl_finite(x, [np.eye(4), SWAP]), atol=1e-12
    )


def test_commutant_projection_idempotent_self_adjoint():
    rng = np.random.default_rng(11)
    a = sim.haar_unitary(8, rng)
    b = sim.haar_unitary(8, rng)
    hams = [sum(sim.embed(P, (q,), 3) for q in range(3)) for P in (X, Z)]
    kw = dict(hamiltonians=hams, unitaries=[sim.embed(SWAP, (0, 2), 3)])
    pa, pb = sim.commutant_projection(a, **kw), sim.commutant_projection(b, **kw)
    np.testing.assert_allclose(sim.commutant_projection(pa, **kw), pa, atol=1e-12)
    assert np.vdot(a, pb) == pytest.approx(np.vdot(pa, b), abs=1e-12)
    for h in hams:
        np.testing.assert_allclose(h @ pa, pa @ h, atol=1e-12)
    assert np.linalg.norm(pa) > 0.1


def test_penalty():
    rng = np.random.default_rng(12)
    o = sim.random_hermitian(4, rng)
    group = [np.eye(4), SWAP]
    project = lambda m: sim.twirl_finite(m, group)  # noqa: E731
    u = sim.haar_unitary(4, rng)
    a = u.conj().T @ o @ u
    expected = np.linalg.norm((SWAP @ a @ SWAP - a) / 2) ** 2
    assert sim.penalty(u, o, project) == pytest.approx(expected, rel=1e-12)
    assert sim.penalty(np.eye(4), SWAP @ o @ SWAP + o, project) == pytest.approx(0.0, abs=1e-24)


# ---------------------------------------------------------------- gradients


def werner_generator():
    minus = np.array([1, -1]) / math.sqrt(2)
    return -2 * np.kron(P1, np.outer(minus, minus))


def test_four_term_constants():
    d1, d2 = sim._D1, sim._D2
    for omega in (0.5, 1.0):  # d/da sin(omega a) at a = 0
        lhs = 2 * d1 * math.sin(omega * math.pi / 2) - 2 * d2 * math.sin(omega * 3 * math.pi / 2)
        assert lhs == pytest.approx(omega, rel=1e-14)


def test_parameter_shift_matches_finite_differences():
    rng = np.random.default_rng(13)
    n = 2
    ops = [
        ("ry", (0,), (0, 1.0, 0.0), None),
        ("rx", (1,), (1, 1.0, 0.0), None),
        ("cnot", (0, 1), None, None),
        ("rz", (0,), (2, -0.7, 0.4), None),
        ("pauli", (0, 1), (3, 1.0, 0.0), "ZX"),
        ("crx", (0, 1), (4, 1.0, 0.0), None),
        ("h", (0,), None, None),
        ("cry", (1, 0), (5, 1.3, 0.2), None),
        ("exp", (0, 1), (6, 1.0, 0.0), werner_generator()),
        ("crz", (0, 1), (0, 2.0, 0.5), None),
        ("exp", (1,), (2, 2.0, -0.3), P1),  # G/2 gaps {0, 1/2}: four-term
        ("ry", (1,), (1, 2.0, 0.5), None),
        ("exp", (1, 0), (3, 1.0, 0.0), np.kron(Z, X) + np.kron(I2, I2)),
    ]
    theta = rng.uniform(-math.pi, math.pi, size=7)
    o = sim.random_hermitian(4, rng)
    rho0 = sim.random_density_matrix(4, rng)

    def cost(u):
        return sim.expectation(o, u @ rho0 @ u.conj().T)

    ps = sim.parameter_shift_gradient(ops, n, theta, cost)
    fd = sim.finite_difference_gradient(lambda t: cost(sim.circuit_unitary(ops, n, t)), theta)
    assert np.linalg.norm(ps) > 0.1
    np.testing.assert_allclose(ps, fd, rtol=1e-6, atol=1e-7 * np.linalg.norm(fd))


def test_parameter_shift_rejects_bad_spectrum():
    ops = [("exp", (0,), (0, 1.0, 0.0), 0.6 * Z)]
    with pytest.raises(ValueError, match="finite_difference_gradient"):
        sim.parameter_shift_gradient(ops, 1, [0.1], lambda u: u[0, 0].real)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "ops, theta, match",
    [
        ([("foo", (0,), None, None)], (), "unknown gate name 'foo'.*known gates: rx"),
        ([("cnot", (0,), None, None)], (), "2 qubit"),
        ([("cnot", (1, 1), None, None)], (), "repeated qubit"),
        ([("x", (2,), None, None)], (), "out of range"),
        ([("x", (-1,), None, None)], (), "out of range"),
        ([("rx", (0,), (3, 1.0, 0.0), None)], (0.1,), "parameter index 3 out of range"),
        ([("rx", (0,), (0, 1.0, 0.0), None)], (np.nan,), "non-finite"),
        ([("rx", (0,), None, None)], (), "finite real angle"),
        ([("rx", (0,), math.inf, None)], (), "finite real angle"),
        ([("h", (0,), 0.3, None)], (), "takes no angle"),
        ([("h", (0,), (0, 1.0, 0.0), None)], (0.1,), "cannot be parameterised"),
        ([("pauli", (0, 1), 0.3, "ZQ")], (), "Pauli word"),
        ([("pauli", (0, 1), 0.3, "Z")], (), "1 qubit"),
        ([("exp", (0,), 0.3, np.array([[0, 1], [0, 0]]))], (), "Hermitian"),
        ([("exp", (0,), 0.3, np.eye(3))], (), "power of 2"),
        ([("unitary", (0,), None, 2 * np.eye(2))], (), "not a unitary"),
        ([("rx", (0,), 0.1)], (), "4-tuple"),
    ],
)
def test_bad_inputs(ops, theta, match):
    with pytest.raises(ValueError, match=match):
        sim.circuit_unitary(ops, 2, theta)


def test_bad_inputs_misc():
    with pytest.raises(ValueError, match="positive int"):
        sim.statevector([], 0)
    with pytest.raises(ValueError, match="initial state"):
        sim.statevector([], 2, initial=np.ones(3))
    with pytest.raises(ValueError, match="give n or d"):
        sim.commutant_dimension()
    with pytest.raises(ValueError, match="samples >= 2"):
        sim.twirl_monte_carlo(np.eye(2), sim.sample_local(1), 1, np.random.default_rng(0))
    with pytest.raises(ValueError, match="rank"):
        sim.random_density_matrix(4, np.random.default_rng(0), rank=5)
