"""The Pauli-native path (PauliSum, signed Pauli maps, structure commutants) against the dense path and
closed forms: exact agreement wherever both run (SPEC §2 Eq. 5), and fast failure where a case is too big."""

import itertools
import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.algebra.pauli_maps import CliffordMap, PauliConjugation, QubitPermutation, detect_signed_pauli_map
from sggd_sym.algebra.pauli_sum import PauliSum, as_pauli_sum
from sggd_sym.exceptions import DerivationBudgetError, GroupTooLargeError, InputTypeError, InputValueError
from sggd_sym.symmetry.pauli_commutant import OneBodyGenerator, PauliStructure
from sggd_sym.testing import assert_close, to_numpy
from sggd_sym.testing import strategies as sst

WORDS = lambda n: ["".join(w) for w in itertools.product("IXYZ", repeat=n)]  # noqa: E731


def dense_twirl(group, x: sp.Matrix) -> sp.Matrix:
    """The twirl from the dense nullspace over all d² entries (the old, independent path)."""
    total = sp.zeros(group.dim, group.dim)
    for b, norm2 in group._dense_basis:
        total += (sg.ops.hs_inner(b, x) / norm2) * b
    return total.applyfunc(sp.expand)


def exact_equal(a, b) -> bool:
    return all(sp.expand(e) == 0 for e in sp.Matrix(a) - sp.Matrix(b))


# -- PauliSum -----------------------------------------------------------------------------------------
@sst.fast_settings(25)
@given(st.integers(1, 3).flatmap(lambda n: sst.rational_matrices(2**n, density=0.4)))
def test_matrix_decomposition_equals_dense_decomposition(m):
    fast = as_pauli_sum("test", "m", m)
    assert fast.to_dict() == sg.ops.pauli_decompose(m)
    assert exact_equal(fast.matrix(), m)


@sst.fast_settings(20)
@given(st.integers(1, 3).flatmap(lambda n: sst.pauli_sums(n, max_terms=4)))
def test_text_round_trip_and_algebra(o):
    p = as_pauli_sum("test", "o", o)
    n = p.n_qubits
    assert PauliSum.from_text(str(p), n) == p
    assert exact_equal((p @ p).matrix(), sp.Matrix(o) * sp.Matrix(o))
    assert exact_equal((p + 2 * p - p / 2).matrix(), sp.Rational(5, 2) * sp.Matrix(o))
    assert p.hs_norm2() == sp.expand((sp.Matrix(o) ** 2).trace())
    assert p.is_hermitian()


def test_pauli_sum_refuses_text_floats_and_bad_words():
    with pytest.raises(InputTypeError, match="exact number"):
        PauliSum({"Z": "1"})
    with pytest.raises(InputValueError, match="float"):
        PauliSum({"Z": 0.5})
    with pytest.raises(InputValueError, match="Pauli word"):
        PauliSum({"ZQ": 1})
    with pytest.raises(InputValueError, match="not Hermitian"):
        as_pauli_sum("test", "O", {"Z": sp.I}, hermitian=True)
    with pytest.raises(DerivationBudgetError, match="PauliSum"):
        PauliSum.word("Z" * 14).matrix()


def test_sparse_256_matrix_decomposes_in_milliseconds():
    m = PauliSum.from_text("Z0 + 1/2 X3 X4 - 1/3 Y7", 8).matrix()
    start = time.perf_counter()
    p = as_pauli_sum("test", "m", m)
    assert time.perf_counter() - start < 1.0  # generous bound; the benchmark reports ~5 ms
    assert p == PauliSum.from_text("Z0 + 1/2 X3 X4 - 1/3 Y7", 8)


# -- signed Pauli maps --------------------------------------------------------------------------------
@sst.fast_settings(20)
@given(st.integers(1, 3).flatmap(lambda n: st.tuples(st.permutations(range(n)), sst.pauli_words(n),
                                                      sst.pauli_words(n))))
def test_maps_act_as_conjugation(case):
    perm, q, word = case
    for m in (QubitPermutation(tuple(perm)), PauliConjugation(q)):
        v = sp.Matrix(m.matrix())
        sign, image = m.apply(word)
        assert exact_equal(v * sg.ops.pauli(word) * v.H, sign * sg.ops.pauli(image))


@pytest.mark.parametrize("gate", ["h", "s", "cnot", "cz", "swap"])
def test_clifford_gates_are_detected_and_act_as_conjugation(gate):
    from sggd_sym.circuits.circuit import _FIXED

    v = sp.Matrix(_FIXED[gate])
    m = detect_signed_pauli_map(v)
    assert isinstance(m, CliffordMap)
    for word in WORDS(m.n_qubits):
        sign, image = m.apply(word)
        assert exact_equal((v * sg.ops.pauli(word) * v.H).applyfunc(sp.radsimp), sign * sg.ops.pauli(image))


def test_non_clifford_is_not_detected():
    t_gate = sp.Matrix([[1, 0], [0, sp.exp(sp.I * sp.pi / 4)]])
    assert detect_signed_pauli_map(t_gate) is None


# -- structure commutants against the dense path ------------------------------------------------------
STRUCTURED = {
    "cyclic_shift(3)": lambda: sg.groups.cyclic_shift(3),
    "reflection(3)": lambda: sg.groups.reflection(3),
    "dihedral(4)": lambda: sg.groups.dihedral(4),
    "pauli_symmetry(XX)": lambda: sg.groups.pauli_symmetry("XX"),
    "pauli_symmetry(XYZ)": lambda: sg.groups.pauli_symmetry("XYZ"),
    "graph_automorphisms(path 3)": lambda: sg.groups.graph_automorphisms([(0, 1), (1, 2)]),
    "product(shift, parity)": lambda: sg.groups.product(sg.groups.cyclic_shift(3), sg.groups.pauli_symmetry("ZZZ")),
    "product(u1, swap)": lambda: sg.groups.product(sg.groups.u1_charge(2), sg.groups.permutations(2)),
    "collective_unitary(3)": lambda: sg.groups.collective_unitary(3),
    "u1_charge(3)": lambda: sg.groups.u1_charge(3),
    "local_unitary(2)": lambda: sg.groups.local_unitary(2),
    "finite([H x H, CZ])": lambda: sg.groups.finite([sg.ops.kron(sg.ops.H, sg.ops.H), sp.diag(1, 1, 1, -1)]),
    "lie([X+Z one-body])": lambda: sg.groups.lie([sg.ops.pauli("XI") + sg.ops.pauli("IZ")]),
}
_CACHE: dict = {}


def structured(name):
    if name not in _CACHE:
        _CACHE[name] = STRUCTURED[name]()
    return _CACHE[name]


@pytest.mark.parametrize("name", sorted(STRUCTURED))
def test_pauli_native_commutant_equals_dense_commutant(name):
    group = structured(name)
    assert group.pauli_structure is not None
    assert group.commutant_dimension() == len(group._dense_basis)
    # the dense path agrees with the simulator's SVD nullspace
    hams, unis = sg.testing.group_constraints_numeric(group)
    assert group.commutant_dimension() == sim.commutant_dimension(hams, unis, d=group.dim)


@pytest.mark.parametrize("name", sorted(STRUCTURED))
def test_pauli_native_twirl_equals_dense_twirl_and_obeys_the_laws(name):
    group = structured(name)

    n = group.n_qubits
    operators = st.tuples(sst.pauli_sums(n, max_terms=5), sst.pauli_sums(n, max_terms=3)).map(
        lambda ab: sp.Matrix(ab[0]) + sp.I * sp.Matrix(ab[1]))

    @sst.fast_settings(4)
    @given(operators, operators)
    def run(x, y):
        tx = group.twirl(x)
        assert exact_equal(tx, dense_twirl(group, x))                       # same projection as the dense path
        assert exact_equal(group.twirl(tx), tx)                             # idempotent
        assert sp.expand(tx.trace() - x.trace()) == 0                       # trace preserving
        assert sp.simplify(sg.ops.hs_inner(y, tx) - sg.ops.hs_inner(group.twirl(y), x)) == 0  # self-adjoint
        assert group.is_invariant(tx)                                       # image in the commutant
        h = ((x + x.H) / 2).applyfunc(sp.expand)
        assert sg.ops.is_hermitian(group.twirl(h))                          # Hermiticity preserving
        px = as_pauli_sum("test", "x", x)
        assert exact_equal(group.twirl(px).matrix(), tx)                    # PauliSum in, PauliSum out

    run()
    assert exact_equal(group.twirl(sp.eye(group.dim)), sp.eye(group.dim))  # unital


@pytest.mark.parametrize("name", ["cyclic_shift(3)", "dihedral(4)", "product(shift, parity)", "finite([H x H, CZ])"])
def test_finite_twirl_equals_explicit_average(name):
    group = structured(name)
    x = sp.Matrix(group.dim, group.dim, lambda i, j: sp.Rational((3 * i + 5 * j) % 7 - 3, 1 + (i + j) % 3))
    assert_close(sim.twirl_finite(to_numpy(x), [to_numpy(v) for v in group.elements]), to_numpy(group.twirl(x)),
                 atol=1e-12, what="sim.twirl_finite")
    assert group.order == len(group.elements)


@sst.fast_settings(15)
@given(st.integers(2, 3).flatmap(
    lambda n: st.lists(st.tuples(st.integers(0, n - 1), st.sampled_from("XYZ"), st.integers(-2, 2)),
                       min_size=1, max_size=4).map(lambda terms: (n, terms))))
def test_random_one_body_lie_groups_agree_with_the_simulator(case):
    n, terms = case
    h = sp.zeros(2**n, 2**n)
    for q, a, c in terms:
        h += c * sg.ops.pauli("I" * q + a + "I" * (n - q - 1))
    if h.is_zero_matrix:
        h = sg.ops.pauli("Z" + "I" * (n - 1))
    group = sg.groups.lie([h])
    assert group.pauli_structure is not None
    x = sp.Matrix(group.dim, group.dim, lambda i, j: sp.Rational((2 * i + 3 * j) % 5 - 2, 1 + (i * j) % 2))
    assert_close(to_numpy(group.twirl(x)), sim.commutant_projection(to_numpy(x), [to_numpy(h)]), atol=1e-10,
                 what="one-body twirl")


# -- known closed forms at sizes the dense path cannot reach -------------------------------------------
def test_permutation_commutant_dimensions_are_multiset_counts():
    # orbits of S_n on Pauli words = multisets of n letters from IXYZ: C(n+3, 3)
    for n in (4, 5, 6):
        assert sg.groups.permutations(n).commutant_dimension() == sp.binomial(n + 3, 3)


def test_cyclic_shift_commutant_dimension_is_necklace_count():
    for n in (5, 6):
        necklaces = sum(sp.totient(k) * 4 ** (n // k) for k in sp.divisors(n)) / n
        assert sg.groups.cyclic_shift(n).commutant_dimension() == necklaces


def test_collective_unitary_commutant_dimension_is_catalan():
    # dim span{W_π} on n qubits = Catalan(n) (Schur–Weyl for U(2))
    for n in (4, 5):
        assert sg.groups.collective_unitary(n).commutant_dimension() == sp.catalan(n)


def test_u1_twirl_of_a_twelve_qubit_operator_is_hamming_block_diagonal():
    n = 12
    o = PauliSum.from_text("X0 X1 + X0 Y1 + Z3 + X0 X5 Z7 + Y2 Y3 X4 X6", n)
    t = sg.twirl(o, sg.groups.u1_charge(n))
    # XX + YY is invariant, XY alone is not; two flips with equal charge survive as (XX+YY)/2
    assert t == PauliSum.from_text("1/2 X0 X1 + 1/2 Y0 Y1 + 1/2 X0 Y1 - 1/2 Y0 X1 + Z3 + 1/2 X0 X5 Z7 "
                                   "+ 1/2 Y0 Y5 Z7", n) + sg.twirl(PauliSum.from_text("Y2 Y3 X4 X6", n),
                                                                   sg.groups.u1_charge(n))
    assert sg.twirl(t, sg.groups.u1_charge(n)) == t


def test_twirl_under_permutations_of_ten_qubits_is_the_orbit_average():
    n = 10
    t = sg.twirl(PauliSum.word("ZZ" + "I" * (n - 2)), sg.groups.permutations(n))
    assert len(t) == n * (n - 1) // 2
    assert set(t.values()) == {sp.Rational(2, n * (n - 1))}


def test_parity_kills_anticommuting_words():
    t = sg.twirl(PauliSum.from_text("Z0 + Z0 Z1 + X0", 4), sg.groups.pauli_symmetry("XXXX"))
    assert t == PauliSum.from_text("Z0 Z1 + X0", 4)


@pytest.mark.parametrize("edges,order", [
    ([(i, (i + 1) % 6) for i in range(6)], 12),                  # ring: D_6
    ([(0, i) for i in range(1, 5)], 24),                         # star: S_4 on the leaves
    ([(i, j) for i in range(5) for j in range(i + 1, 5)], 120),  # complete graph K_5
    ([(0, 1), (1, 2), (2, 3)], 2),                               # path
    ([(0, 1), (2, 3)], 8),                                       # two disjoint edges
])
def test_graph_automorphism_orders(edges, order):
    assert sg.groups.graph_automorphisms(edges).order == order


@sst.fast_settings(20)
@given(st.integers(2, 6).flatmap(lambda n: st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
                                                    .filter(lambda e: e[0] != e[1]), max_size=8)
                                 .map(lambda e: (n, e))))
def test_graph_automorphisms_equal_brute_force(case):
    n, edges = case
    edge_set = {frozenset(e) for e in edges}
    brute = sum(1 for p in itertools.permutations(range(n))
                if {frozenset((p[a], p[b])) for a, b in edge_set} == edge_set)
    assert sg.groups.graph_automorphisms(edges, n).order == brute


# -- failing fast ------------------------------------------------------------------------------------------
def test_infinite_order_generator_fails_fast():
    th = sp.Matrix([[1, 0], [0, sp.exp(sp.I * sp.pi / 4)]]) * sg.ops.H
    group = sg.groups.finite([th], max_order=50)
    start = time.perf_counter()
    with pytest.raises(GroupTooLargeError, match="infinite"):
        group.order
    assert time.perf_counter() - start < 5
    # its commutant is still its Haar twirl: {X : V X V† = X}
    assert group.commutant_dimension() == sim.commutant_dimension([], [to_numpy(th)], d=2)


def test_collective_support_past_the_class_limit_says_so():
    structure = PauliStructure(9, lie=[OneBodyGenerator.uniform(a, range(9)) for a in "XYZ"])
    start = time.perf_counter()
    with pytest.raises(DerivationBudgetError, match="support 9"):
        structure.coordinates(["XYZXYZXYZ"])
    assert time.perf_counter() - start < 5


def test_dense_path_refuses_large_registers():
    with pytest.raises(DerivationBudgetError, match="dense path"):
        sg.groups.cyclic_shift(8).generators
