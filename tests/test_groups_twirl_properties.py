"""Property tests of the twirl (paper Eq. 5, SPEC §2) for every preset group and for random finite groups.

Exact checks use random rational matrices and exact equality; numeric checks compare with the
independent simulator (:mod:`sggd_sym.sim`): its SVD commutant projection, its finite-group
average and its Monte-Carlo Haar average.
"""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.testing import PRESETS, assert_close, assert_twirl_matches_simulator, preset_group, to_numpy
from sggd_sym.testing import strategies as sst

PRESET_NAMES = sorted(PRESETS)


def is_zero(matrix) -> bool:
    return all(sp.expand(e) == 0 or sp.simplify(e) == 0 for e in sp.Matrix(matrix))


def exact_equal(a, b) -> bool:
    return is_zero(sp.Matrix(a) - sp.Matrix(b))


GROUPS = PRESET_NAMES + ["random finite"]


def group_and_matrix(name: str):
    """(name, group, X) with X a random exact rational complex matrix of the group's dimension."""
    if name == "random finite":
        groups = st.integers(1, 3).flatmap(sst.finite_groups)
    else:
        groups = st.just(preset_group(name))
    return groups.flatmap(lambda g: st.tuples(st.just(name), st.just(g), sst.rational_matrices(g.dim, density=0.3)))


def for_every_group(check=None, *, names=None):
    """Parametrize ``check(name, group, x, data)`` over ``names`` (default :data:`GROUPS`); hypothesis draws
    ``x`` (3 examples per preset, 6 random finite groups)."""
    if check is None:
        return lambda f: for_every_group(f, names=names)

    @pytest.mark.parametrize("name", GROUPS if names is None else names)
    def test(name):
        @sst.fast_settings(6 if name == "random finite" else 3)
        @given(st.data())
        def run(data):
            _, group, x = data.draw(group_and_matrix(name))
            check(name, group, x, data)

        run()

    test.__name__ = check.__name__
    test.__doc__ = check.__doc__
    return test


def exact_elements(name: str, group) -> list:
    """Exact group elements (not only generators) used for T[V X V†] = T[X]."""
    n = group.n_qubits
    if name.startswith("collective"):
        return [sg.ops.kron(*([sg.ops.H] * n)), sg.ops.kron(*([sg.ops.S * sg.ops.H] * n))]
    if name.startswith("local"):
        return [sg.ops.kron(sg.ops.H, sg.ops.S), sg.ops.kron(sg.ops.S * sg.ops.H, sg.ops.X)]
    if name.startswith("u1"):
        # exp(−iφ Σ Z_i / 2) at φ = π: the phase (−i)^(n − 2w) on Hamming weight w
        charge = [n - 2 * bin(b).count("1") for b in range(2**n)]
        return [sp.diag(*[(-sp.I) ** q for q in charge])]
    return list(group.elements)


@for_every_group
def test_twirl_is_linear(name, group, x, data):
    a, b = data.draw(sst.small_rationals()), data.draw(sst.small_rationals())
    y = data.draw(sst.rational_matrices(group.dim, density=0.3))
    assert exact_equal(group.twirl(a * x + b * y), a * group.twirl(x) + b * group.twirl(y))


@for_every_group
def test_twirl_is_idempotent_trace_preserving_and_unital(name, group, x, data):
    tx = group.twirl(x)
    assert exact_equal(group.twirl(tx), tx)
    assert sp.expand(tx.trace() - x.trace()) == 0
    assert exact_equal(group.twirl(sp.eye(group.dim)), sp.eye(group.dim))


@for_every_group
def test_twirl_is_hs_self_adjoint(name, group, a, data):
    b = data.draw(sst.rational_matrices(group.dim, density=0.3))
    lhs = sg.ops.hs_inner(a, group.twirl(b))
    rhs = sg.ops.hs_inner(group.twirl(a), b)
    assert sp.simplify(lhs - rhs) == 0


@for_every_group
def test_twirl_preserves_hermiticity_and_commutes_with_dagger(name, group, x, data):
    h = ((x + x.H) / 2).applyfunc(sp.expand)
    th = group.twirl(h)
    assert sg.ops.is_hermitian(th)
    assert exact_equal(group.twirl(x.H), group.twirl(x).H)


@for_every_group
def test_twirl_image_is_invariant(name, group, x, data):
    tx = group.twirl(x)
    assert group.is_invariant(tx)
    # independently of is_invariant: every generator / Lie generator fixes T[X]
    t = to_numpy(tx)
    if isinstance(group, sg.groups.FiniteGroup):
        for v in map(to_numpy, group.generators):
            assert_close(v @ t @ v.conj().T, t, atol=1e-12, what="V T[X] V†")
    else:
        for h in map(to_numpy, group.hamiltonians):
            w, vecs = np.linalg.eigh(h)
            v = vecs @ np.diag(np.exp(-0.7j * w)) @ vecs.conj().T  # exp(−0.7 i H)
            assert_close(v @ t @ v.conj().T, t, atol=1e-12, what="exp(−itH) T[X] exp(itH)")
            assert_close(h @ t - t @ h, np.zeros_like(t), atol=1e-12, what="[H, T[X]]")


@for_every_group
def test_twirl_is_invariant_under_conjugating_the_argument(name, group, x, data):
    tx = group.twirl(x)
    for v in exact_elements(name, group)[:4]:
        v = sp.Matrix(v)
        assert exact_equal(group.twirl((v * x * v.H).applyfunc(sp.expand)), tx)


FINITE = [k for k in PRESET_NAMES if isinstance(preset_group(k), sg.groups.FiniteGroup)] + ["random finite"]


@for_every_group(names=FINITE)
def test_twirl_equals_explicit_average_for_finite_groups(name, group, x, data):
    assert isinstance(group, sg.groups.FiniteGroup)
    tx = group.twirl(x)
    assert exact_equal(group.average(x), tx)
    # and the simulator's average over the same elements
    assert_close(sim.twirl_finite(to_numpy(x), [to_numpy(v) for v in group.elements]), to_numpy(tx),
                 atol=1e-12, what="sim.twirl_finite")


@for_every_group
def test_twirl_equals_numeric_commutant_projection(name, group, x, data):
    assert_twirl_matches_simulator(x, group, atol=1e-10)


@pytest.mark.parametrize("name", [k for k in PRESET_NAMES if PRESETS[k][1] is not None])
def test_twirl_equals_monte_carlo_haar_average(name):
    group = preset_group(name)
    sampler = PRESETS[name][1]
    rng = np.random.default_rng(20260 + PRESET_NAMES.index(name))
    x = sp.Matrix(group.dim, group.dim, lambda i, j: sp.Rational((3 * i + 5 * j) % 7 - 3, 1 + (i + j) % 3)
                  + sp.I * ((i * j) % 3 - 1))
    mean, se = sim.twirl_monte_carlo(to_numpy(x), sampler, 2000, rng)
    deviation = np.abs(mean - to_numpy(group.twirl(x)))
    assert np.all(deviation <= 5 * se + 1e-9), (deviation / np.maximum(se, 1e-300)).max()
    # and the estimate resolves something: the twirl is not the identity map here
    assert np.abs(mean - to_numpy(x)).max() > 10 * se.max()


@pytest.mark.parametrize("name", PRESET_NAMES)
def test_commutant_basis_is_orthonormal_and_hermitian(name):
    group = preset_group(name)
    basis = group.commutant_basis()
    assert len(basis) == group.commutant_dimension()
    hams, unis = sg.testing.group_constraints_numeric(group)
    assert group.commutant_dimension() == sim.commutant_dimension(hams, unis, d=group.dim)
    for i, b in enumerate(basis):
        assert sg.ops.is_hermitian(b)
        assert group.is_invariant(b)
        for j, c in enumerate(basis[: i + 1]):
            assert sp.simplify(sg.ops.hs_inner(b, c) - (1 if i == j else 0)) == 0


@sst.fast_settings(10)
@given(st.integers(1, 3).flatmap(sst.finite_groups))
def test_random_finite_group_commutant(group):
    basis = group.commutant_basis()
    hams, unis = sg.testing.group_constraints_numeric(group)
    assert len(basis) == sim.commutant_dimension(hams, unis, d=group.dim)
    # Burnside: dim G' = (1/|G|) Σ_g |Tr V_g|² for the conjugation action
    burnside = sum(abs(complex(sp.N(v.trace()))) ** 2 for v in group.elements) / group.order
    assert abs(burnside - len(basis)) < 1e-9
    for i, b in enumerate(basis):
        assert sg.ops.is_hermitian(b)
        for j, c in enumerate(basis[: i + 1]):
            assert sp.simplify(sg.ops.hs_inner(b, c) - (1 if i == j else 0)) == 0


def test_known_commutant_dimensions():
    expected = {"collective_unitary(2)": 2, "collective_unitary(3)": 5, "local_unitary(2)": 1,
                "permutations(2)": 10, "permutations(3)": 20, "u1_charge(2)": 6, "u1_charge(3)": 20,
                "finite([SWAP])": 10}
    assert {k: preset_group(k).commutant_dimension() for k in PRESET_NAMES} == expected
