"""Symmetry groups acting on qubits by unitaries, and their commutants (paper Eq. 2, 5).

A group acts on operators by conjugation ``X ↦ V X V†``.  The twirl of Eq. 5 is the
orthogonal (Hilbert–Schmidt) projection onto the commutant

.. math::  G' = \\{X : V X V^† = X \\;∀ V ∈ G\\}
              = \\{X : [H_a, X] = 0,\\; D_b X D_b^† = X\\},

so every group here is described by what fixes its commutant: unitary generators
(finite groups, discrete elements) and Hermitian Lie-algebra generators
(compact groups).  Two paths compute it:

* **Pauli-native** (:mod:`sggd_sym.symmetry.pauli_commutant`), used whenever the group's generators act
  on Pauli words as signed permutations (qubit permutations, cyclic shifts, reflections, graph
  automorphisms, Pauli-string symmetries, Clifford gates) or are one-body sums (collective
  ``U(2)``, ``U(1)`` charge, local unitaries), and for their products.  Only the classes of the
  Pauli words an operator has are formed: nothing of size ``d²``.  Every preset is of this kind,
  at any register size.
* **Dense** (:mod:`sggd_sym.symmetry.commutant`): the exact nullspace over all ``d²`` matrix entries, for
  any other group on a small register, and the independent reference the tests compare with.

Bases are kept *orthogonal with rational norms* (no square roots), so that penalties stay over
``QQ``; :meth:`SymmetryGroup.commutant_basis` returns the HS-orthonormal version.

>>> import sggd_sym as sg
>>> sg.groups.collective_unitary(2).commutant_dimension()
2
>>> sg.groups.finite([sg.ops.SWAP]).order
2
>>> sg.groups.cyclic_shift(12).order, sg.groups.permutations(10).order
(12, 3628800)
"""

from __future__ import annotations

import math
from functools import cached_property
from itertools import product as _cartesian

import numpy as np
import sympy as sp
from sympy.combinatorics import Permutation, PermutationGroup

from sggd_sym import _checks
from sggd_sym.algebra import ops
from sggd_sym.algebra.pauli_maps import (
    DETECT_QUBIT_LIMIT,
    PauliConjugation,
    QubitPermutation,
    SignedPauliMap,
    detect_signed_pauli_map,
)
from sggd_sym.algebra.pauli_sum import PauliSum, as_pauli_sum
from sggd_sym.exceptions import DerivationBudgetError, GroupTooLargeError, InputTypeError, InputValueError
from sggd_sym.numeric.bridge import to_numpy
from sggd_sym.symmetry.commutant import orthogonal_hermitian_basis, pauli_traces
from sggd_sym.symmetry.pauli_commutant import OneBodyGenerator, PauliStructure

__all__ = [
    "SymmetryGroup", "FiniteGroup", "LieGroup", "finite", "lie", "collective_unitary", "local_unitary",
    "permutations", "u1_charge", "cyclic_shift", "reflection", "dihedral", "graph_automorphisms",
    "pauli_symmetry", "product", "hamming_projectors", "NAMED", "DEFAULT_MAX_ORDER", "DENSE_QUBIT_LIMIT",
]

#: Largest closure :func:`finite` builds before raising :class:`GroupTooLargeError`.
DEFAULT_MAX_ORDER = 4096
#: Largest register on which the dense (``d²``-entry) commutant is formed.
DENSE_QUBIT_LIMIT = 6
#: Largest register on which a whole commutant basis (over all ``4ⁿ`` Pauli words) is listed.
FULL_BASIS_QUBIT_LIMIT = 8


def _canonical(matrix: sp.MatrixBase) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix(matrix.applyfunc(lambda e: sp.radsimp(sp.expand(e))))


def _dense_guard(where: str, n: int) -> None:
    if n > DENSE_QUBIT_LIMIT:
        raise DerivationBudgetError(
            f"{where}: the dense path needs {4**n} unknowns ({n} qubits), past its limit of {DENSE_QUBIT_LIMIT} "
            "qubits; use a preset group (permutations, cyclic_shift, collective_unitary, u1_charge, …) or one "
            "whose generators are Clifford / one-body, which twirl in the Pauli basis at any size")


class SymmetryGroup:
    """Common interface: dimension, commutant, twirl, invariance test.

    Subclasses provide :meth:`_constraints` (unitaries ``D`` with ``D X D† = X`` and Hermitian ``H``
    with ``[H, X] = 0``, as matrices, for the dense path) and, where they can,
    :attr:`pauli_structure` (the Pauli-native path).  Build groups with :func:`finite`, :func:`lie` or
    the presets below.

    >>> G = finite([ops.SWAP])
    >>> G, G.dim, G.n_qubits
    (<FiniteGroup finite group with 1 generator(s) on 2 qubit(s)>, 4, 2)
    """

    name: str = "group"

    def __init__(self, dim: int, name: str):
        self.dim = dim
        self.n_qubits = _checks.qubit_count(type(self).__name__, "dimension", dim)
        self.name = name

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} on {self.n_qubits} qubit(s)>"

    def _constraints(self) -> tuple[list[sp.ImmutableMatrix], list[sp.ImmutableMatrix]]:
        raise NotImplementedError

    @property
    def pauli_structure(self) -> PauliStructure | None:
        """The group's action on Pauli words, when it is Pauli-native (else ``None``).

        >>> finite([ops.SWAP]).pauli_structure is None, lie([ops.pauli("XX") + ops.pauli("ZI")]).pauli_structure
        (False, None)
        """
        return None

    # -- commutant ------------------------------------------------------------------------------
    @cached_property
    def _orthogonal_basis(self) -> tuple[tuple[sp.ImmutableMatrix, sp.Expr], ...]:
        """Hermitian, HS-orthogonal basis ``(B_i, ‖B_i‖²)`` of the commutant (exact, rational norms)."""
        if self.pauli_structure is not None:
            return tuple((sp.ImmutableMatrix(PauliSum({w: v / self.dim for w, v in coords.items()},
                                                      self.n_qubits).matrix()), norm2)
                         for coords, norm2 in self.pauli_coordinates)
        return self._dense_basis

    @cached_property
    def _dense_basis(self) -> tuple[tuple[sp.ImmutableMatrix, sp.Expr], ...]:
        """The commutant by exact nullspace over all ``d²`` entries (independent of the Pauli-native path)."""
        _dense_guard(f"{self.name}: commutant", self.n_qubits)
        unitaries, hamiltonians = self._constraints()
        return tuple(orthogonal_hermitian_basis(unitaries, hamiltonians, self.dim))

    def commutant_basis(self) -> list[sp.ImmutableMatrix]:
        """HS-orthonormal Hermitian basis ``B_i`` of the commutant ``G'`` of Eq. 5 (exact; may contain radicals).

        >>> I4, B = collective_unitary(2).commutant_basis()     # span{I, SWAP}
        >>> I4 == ops.identity(2) / 2, B[1, 2]
        (True, sqrt(3)/3)
        """
        return [_canonical(b / sp.sqrt(norm2)) for b, norm2 in self._orthogonal_basis]

    def commutant_dimension(self) -> int:
        """``dim G'``, the number of commutant basis elements.

        >>> collective_unitary(3).commutant_dimension(), local_unitary(2).commutant_dimension()
        (5, 1)
        """
        return len(self.pauli_coordinates)

    @cached_property
    def pauli_coordinates(self) -> tuple[tuple[dict[str, sp.Expr], sp.Expr], ...]:
        """The whole commutant basis as ``({P: Tr(B_i P)}, ‖B_i‖²)``, exact and real (small registers).

        Raises
        ------
        DerivationBudgetError
            For a Pauli-native group past ``FULL_BASIS_QUBIT_LIMIT`` (8) qubits; use
            :meth:`commutant_coordinates` instead.

        >>> finite([ops.SWAP]).pauli_coordinates[:2]
        (({'II': 4}, 4), ({'IX': 4, 'XI': 4}, 8))
        """
        if self.pauli_structure is not None:
            if self.n_qubits > FULL_BASIS_QUBIT_LIMIT:
                raise DerivationBudgetError(
                    f"{self.name}: listing the whole commutant means visiting all {4**self.n_qubits} Pauli words "
                    f"({self.n_qubits} qubits, limit {FULL_BASIS_QUBIT_LIMIT}); twirl a given operator instead "
                    "(commutant_coordinates(words), twirl, penalty), which visits only its own words")
            words = ("".join(w) for w in _cartesian("IXYZ", repeat=self.n_qubits))
            return tuple(self.pauli_structure.coordinates(words))
        return tuple((pauli_traces(b, self.n_qubits), norm2) for b, norm2 in self._dense_basis)

    def commutant_coordinates(self, words) -> list[tuple[dict[str, sp.Expr], sp.Expr]]:
        """The basis elements ``({P: Tr(B_i P)}, ‖B_i‖²)`` that meet the Pauli ``words``.

        That is all a twirl of an operator with those words needs (Pauli-native: only their classes are
        visited).

        >>> finite([ops.SWAP]).commutant_coordinates(["ZI"])     # B = ZI + IZ
        [({'IZ': 4, 'ZI': 4}, 8)]
        """
        words = set(words)
        if self.pauli_structure is not None:
            return self.pauli_structure.coordinates(words)
        return [(c, n) for c, n in self.pauli_coordinates if words & c.keys()]

    # -- twirl ---------------------------------------------------------------------------------
    def twirl(self, operator):
        """Eq. 5: ``T_G[X] = Σ_i ⟨B_i, X⟩ B_i / ‖B_i‖²`` (orthogonal projection onto ``G'``), exact.

        A :class:`~sggd_sym.algebra.pauli_sum.PauliSum` gives a PauliSum (no matrix formed); a matrix gives a matrix.

        >>> G = finite([ops.SWAP])
        >>> G.twirl(PauliSum.from_text("Z0", 2))
        PauliSum('1/2 Z0 + 1/2 Z1', n_qubits=2)
        >>> G.twirl(ops.pauli("ZI")) == (ops.pauli("ZI") + ops.pauli("IZ")) / 2
        True
        """
        if isinstance(operator, PauliSum):
            self._check_register("twirl", operator.n_qubits)
            return self._twirl_pauli(operator)
        x = self._operand("twirl", operator)
        if self.pauli_structure is not None:
            return sp.ImmutableMatrix(self._twirl_pauli(as_pauli_sum("twirl", "operator", x)).matrix())
        total = sp.zeros(self.dim, self.dim)
        for b, norm2 in self._orthogonal_basis:
            total += (ops.hs_inner(b, x) / norm2) * b
        return sp.ImmutableMatrix(total.applyfunc(sp.expand))

    def _twirl_pauli(self, operator: PauliSum) -> PauliSum:
        out: dict[str, sp.Expr] = {}
        for coords, norm2 in self.commutant_coordinates(operator.keys()):
            y = sum((operator[w] * v for w, v in coords.items() if w in operator), sp.Integer(0))
            if y == 0:
                continue
            for w, v in coords.items():
                out[w] = out.get(w, 0) + y * v / (norm2 * self.dim)
        return PauliSum(out, self.n_qubits)

    def is_invariant(self, operator) -> bool:
        """Whether ``V X V† = X`` for every group element (exact), i.e. ``X ∈ G'`` (Eq. 5).

        >>> G = finite([ops.SWAP])
        >>> G.is_invariant(ops.pauli("ZZ")), G.is_invariant(ops.pauli("ZI"))
        (True, False)
        """
        if isinstance(operator, PauliSum) or self.pauli_structure is not None:
            x = operator if isinstance(operator, PauliSum) else as_pauli_sum(
                "is_invariant", "operator", self._operand("is_invariant", operator))
            self._check_register("is_invariant", x.n_qubits)
            return self._twirl_pauli(x) == x
        x = sp.Matrix(self._operand("is_invariant", operator))
        unitaries, hamiltonians = self._constraints()
        checks = [v * x * v.H - x for v in unitaries] + [h * x - x * h for h in hamiltonians]
        return all(_checks.is_zero_matrix(sp.Matrix(c).applyfunc(sp.expand)) for c in checks)

    def _check_register(self, where: str, n: int) -> None:
        if n != self.n_qubits:
            raise InputValueError(f"{where}: operator acts on {n} qubit(s), but {self!r} acts on {self.n_qubits}")

    def _operand(self, where: str, operator) -> sp.Matrix:
        if not isinstance(operator, sp.MatrixBase):
            raise InputTypeError(f"{where}: operator expected a sympy Matrix or a PauliSum, "
                                 f"got {type(operator).__name__}")
        if operator.shape != (self.dim, self.dim):
            raise InputValueError(f"{where}: operator has shape {operator.shape}, but {self!r} acts on "
                                  f"{self.dim}x{self.dim} matrices")
        if operator.has(sp.Float):
            raise InputValueError(f"{where}: operator contains floats; use exact numbers (sympy.Rational, sqrt)")
        return sp.Matrix(operator)

    # -- copies (Eq. 13) --------------------------------------------------------------------------
    def tensor_power(self, copies: int) -> "SymmetryGroup":
        """The diagonal action ``G^{(k)} = {V^{⊗k}}`` on ``k`` copies (paper Eq. 13).

        >>> G2 = pauli_symmetry("X").tensor_power(2)       # {I, X⊗X}
        >>> G2.n_qubits, G2.order
        (2, 2)
        """
        raise NotImplementedError


class FiniteGroup(SymmetryGroup):
    """Finite group generated by unitaries, its elements stored up to a global phase.

    Conjugation ignores global phases, so the first nonzero entry of each element is made real and
    positive.

    Built from exact matrices (:func:`finite`) or from maps that act on Pauli words
    (:meth:`from_maps`; the presets).  Matrix generators that are Clifford (signed permutations of Pauli
    words) are recognised, and such groups twirl in the Pauli basis.

    Raises
    ------
    InputValueError
        For no generators, or a generator that is not unitary or not of the first one's size.

    >>> finite([ops.H]).order, finite([ops.S]).order      # S² = Z, S⁴ = I
    (2, 4)
    """

    def __init__(self, generators, *, max_order: int = DEFAULT_MAX_ORDER, name: str | None = None):
        gens = list(generators)
        if not gens:
            raise InputValueError("finite: generators must contain at least one unitary matrix")
        first = _checks.unitary("finite", "generators[0]", gens[0])
        checked = [first] + [_checks.unitary("finite", f"generators[{i}]", g, dim=first.rows)
                             for i, g in enumerate(gens[1:], start=1)]
        super().__init__(first.rows, name or f"finite group with {len(checked)} generator(s)")
        self._matrices = tuple(_dephase(g) for g in checked)
        self._maps: tuple[SignedPauliMap, ...] | None = None
        self.max_order = _checks.integer("finite", "max_order", max_order, minimum=1)

    @classmethod
    def from_maps(cls, maps, *, name: str, max_order: int = DEFAULT_MAX_ORDER) -> "FiniteGroup":
        """The group generated by :class:`~sggd_sym.algebra.pauli_maps.SignedPauliMap` s (no matrix formed).

        >>> FiniteGroup.from_maps([QubitPermutation((1, 2, 0))], name="shift").order
        3
        """
        maps = tuple(maps)
        if not maps or not all(isinstance(m, SignedPauliMap) for m in maps):
            raise InputTypeError("FiniteGroup.from_maps: maps expected one or more SignedPauliMap")
        self = cls.__new__(cls)
        SymmetryGroup.__init__(self, 2 ** maps[0].n_qubits, name)
        self._matrices = None
        self._maps = maps
        self.max_order = _checks.integer("finite", "max_order", max_order, minimum=1)
        return self

    @cached_property
    def generators(self) -> tuple[sp.ImmutableMatrix, ...]:
        """The generators as exact matrices (formed on request, small registers only).

        >>> cyclic_shift(3).generators[0] == ops.permutation_operator((1, 2, 0))
        True
        """
        if self._matrices is not None:
            return self._matrices
        _dense_guard(f"{self.name}: generators as matrices", self.n_qubits)
        return tuple(_dephase(m.matrix()) for m in self._maps)

    @cached_property
    def pauli_maps(self) -> tuple[SignedPauliMap, ...] | None:
        """The generators' actions on Pauli words (``None`` if some generator is not Clifford).

        >>> finite([ops.SWAP]).pauli_maps[0].apply("XZ")
        (1, 'ZX')
        >>> finite([sp.diag(1, sp.exp(sp.I * sp.pi / 4))]).pauli_maps is None     # T
        True
        """
        if self._maps is not None:
            return self._maps
        maps = []
        for g in self._matrices:
            m = detect_signed_pauli_map(g)
            if m is None:
                return None
            maps.append(m)
        return tuple(maps)

    @cached_property
    def pauli_structure(self) -> PauliStructure | None:
        maps = self.pauli_maps
        return None if maps is None else PauliStructure(self.n_qubits, discrete=maps)

    def _constraints(self):
        return list(self.generators), []

    # -- elements --------------------------------------------------------------------------------
    @cached_property
    def _permutations(self) -> PermutationGroup | None:
        if self._maps is None or not all(isinstance(m, QubitPermutation) for m in self._maps):
            return None
        return PermutationGroup([Permutation(list(m.perm)) for m in self._maps])

    @cached_property
    def order(self) -> int:
        """``|G|`` (up to phases).

        Qubit-permutation groups by Schreier–Sims; others by a closure that stops at ``max_order``
        (raising :class:`GroupTooLargeError`, also for infinite groups).

        >>> permutations(5).order, finite([ops.pauli("XX"), ops.pauli("ZZ")]).order
        (120, 4)
        """
        if self._permutations is not None:
            return int(self._permutations.order())
        if self.pauli_maps is not None:
            return _tableau_order(self.pauli_maps, self.n_qubits, self.max_order, self.name)
        return _numeric_order(self._matrices, self.max_order, self.name)

    @cached_property
    def elements(self) -> tuple[sp.ImmutableMatrix, ...]:
        """All elements (up to phase) as exact matrices, by breadth-first closure; raises past ``max_order``.

        >>> [v == ops.identity(1) or v == ops.Z for v in finite([ops.Z]).elements]
        [True, True]
        """
        if self.order > self.max_order:
            raise GroupTooLargeError(
                f"finite: the group has {self.order} elements, past max_order={self.max_order}; pass a larger "
                "max_order, or work with its commutant (twirl, penalty), which never lists the elements")
        identity = sp.ImmutableMatrix.eye(self.dim)
        seen = {identity}
        frontier = [identity]
        order = [identity]
        while frontier:
            nxt = []
            for g in frontier:
                for gen in self.generators:
                    h = _dephase(gen * g)
                    if h not in seen:
                        seen.add(h)
                        order.append(h)
                        nxt.append(h)
                        if len(order) > self.max_order:
                            raise GroupTooLargeError(
                                f"finite: the closure of the generators exceeds max_order={self.max_order} "
                                "elements; pass a larger max_order, or describe the group by Lie generators "
                                "with sggd_sym.symmetry.groups.lie if it is (a subgroup of) a compact group")
            frontier = nxt
        return tuple(order)

    def average(self, operator) -> sp.ImmutableMatrix:
        """The explicit group average ``(1/|G|) Σ_g V_g X V_g†`` (Eq. 5 for a finite group).

        Independent of the commutant basis that :meth:`twirl` uses.

        >>> G = finite([ops.SWAP])
        >>> G.average(ops.pauli("XZ")) == G.twirl(ops.pauli("XZ"))
        True
        """
        x = self._operand("average", operator)
        total = sp.zeros(self.dim, self.dim)
        for v in self.elements:
            total += v * x * v.H
        return sp.ImmutableMatrix((total / len(self.elements)).applyfunc(sp.expand))

    def tensor_power(self, copies: int) -> "FiniteGroup":
        k = _checks.integer("tensor_power", "copies", copies, minimum=1)
        name = f"({self.name})^(x{k})"
        if self._maps is not None:
            return FiniteGroup.from_maps([m.lift(k) for m in self._maps], name=name, max_order=self.max_order)
        return FiniteGroup([ops.kron(*([g] * k)) for g in self.generators], max_order=self.max_order, name=name)


def _dephase(matrix: sp.MatrixBase) -> sp.ImmutableMatrix:
    m = _canonical(sp.Matrix(matrix))
    for entry in m:
        if entry != 0:
            phase = sp.radsimp(sp.expand(entry / sp.sqrt(sp.expand(entry * sp.conjugate(entry)))))
            if phase != 1:
                m = _canonical(m / phase)
            break
    return m


def _closure_size(start, moves, key, max_order: int, too_large: str) -> int:
    """Breadth-first closure of ``start`` under ``moves(element) -> elements``, counted by ``key``;
    raises :class:`GroupTooLargeError` (message ``too_large``) as soon as it passes ``max_order``."""
    seen = {key(start)}
    frontier = [start]
    while frontier:
        nxt = []
        for g in frontier:
            for h in moves(g):
                k = key(h)
                if k not in seen:
                    seen.add(k)
                    nxt.append(h)
                    if len(seen) > max_order:
                        raise GroupTooLargeError(too_large)
        frontier = nxt
    return len(seen)


def _numeric_order(matrices, max_order: int, name: str) -> int:
    """Closure in floating point (elements up to phase, keyed by rounded entries): stops at ``max_order``.

    Used only to count and to fail fast; the elements themselves are built exactly.
    """
    gens = [to_numpy(m) for m in matrices]

    def key(u: np.ndarray):
        flat = u.reshape(-1)
        pivot = flat[np.flatnonzero(np.abs(flat) > 1e-6)[0]]
        v = flat * (abs(pivot) / pivot)
        return tuple(np.round(v.real, 7) + 0.0) + tuple(np.round(v.imag, 7) + 0.0)

    return _closure_size(
        np.eye(gens[0].shape[0], dtype=complex), lambda g: (gen @ g for gen in gens), key, max_order,
        f"{name}: the closure of the generators exceeds max_order={max_order} elements (it may be infinite, e.g. a "
        "generator of infinite order); its commutant and twirl are still defined (they use only the generators), "
        "or pass a larger max_order")


def _tableau_order(maps, n: int, max_order: int, name: str) -> int:
    """Closure of Clifford maps by their images of ``X_q, Z_q`` (an element up to phase)."""
    start = tuple((1, "I" * q + letter + "I" * (n - q - 1)) for q in range(n) for letter in "XZ")

    def moves(images):
        return (tuple((s * t, v) for (s, w) in images for t, v in [m.apply(w)]) for m in maps)

    return _closure_size(start, moves, lambda images: images, max_order,
                         f"{name}: the group has more than max_order={max_order} elements; pass a larger max_order "
                         "(its commutant and twirl never need the elements)")


class LieGroup(SymmetryGroup):
    """Compact group generated by ``exp(−i t H_a)`` for Hermitian ``H_a`` and discrete unitaries ``D_b``.

    Built from exact matrices (:func:`lie`) or from one-body generators and Pauli maps
    (:meth:`from_structure`; the presets).  One-body matrix generators (every Pauli word of weight ≤ 1)
    with Clifford discrete elements are recognised and twirl in the Pauli basis.

    Raises
    ------
    InputValueError
        For no generator at all, or a generator that is not Hermitian (unitary for ``discrete``).

    >>> lie([ops.Z]).commutant_dimension()      # span{I, Z}
    2
    """

    def __init__(self, hamiltonians, discrete=(), *, name: str | None = None):
        hams = list(hamiltonians)
        disc = list(discrete)
        if not hams and not disc:
            raise InputValueError("lie: give at least one Hermitian generator (or a discrete element)")
        first = (hams or disc)[0]
        if not isinstance(first, sp.MatrixBase):
            raise InputTypeError(f"lie: generators expected exact sympy matrices, got {type(first).__name__}")
        dim = first.rows
        self._hamiltonians = tuple(_checks.hermitian("lie", f"hamiltonians[{i}]", h, dim=dim)
                                   for i, h in enumerate(hams))
        self._discrete = tuple(_checks.unitary("lie", f"discrete[{i}]", v, dim=dim) for i, v in enumerate(disc))
        self._one_body: tuple[OneBodyGenerator, ...] | None = None
        self._maps: tuple[SignedPauliMap, ...] | None = None
        super().__init__(dim, name or f"Lie group with {len(hams)} generator(s)")

    @classmethod
    def from_structure(cls, n: int, one_body, maps=(), *, name: str) -> "LieGroup":
        """The group generated by one-body Lie generators and discrete Pauli maps (no matrix formed).

        >>> G = LieGroup.from_structure(2, [OneBodyGenerator.uniform("Z", [0, 1])], name="U(1)")
        >>> G.twirl(PauliSum.from_text("X0 X1 + Z0", 2))
        PauliSum('Z0 + 1/2 X0 X1 + 1/2 Y0 Y1', n_qubits=2)
        """
        self = cls.__new__(cls)
        SymmetryGroup.__init__(self, 2**n, name)
        self._hamiltonians = None
        self._discrete = None
        self._one_body = tuple(one_body)
        self._maps = tuple(maps)
        return self

    @cached_property
    def hamiltonians(self) -> tuple[sp.ImmutableMatrix, ...]:
        """The Hermitian generators ``H_a`` as exact matrices (formed on request for the presets).

        >>> u1_charge(2).hamiltonians[0] == ops.pauli("ZI") + ops.pauli("IZ")
        True
        """
        if self._hamiltonians is not None:
            return self._hamiltonians
        _dense_guard(f"{self.name}: generators as matrices", self.n_qubits)
        return tuple(_one_body_matrix(g, self.n_qubits) for g in self._one_body)

    @cached_property
    def discrete(self) -> tuple[sp.ImmutableMatrix, ...]:
        """The discrete elements ``D_b`` as exact matrices (empty for a connected group).

        >>> lie([ops.Z], discrete=[ops.X]).discrete == (ops.X,), u1_charge(2).discrete
        (True, ())
        """
        if self._discrete is not None:
            return self._discrete
        _dense_guard(f"{self.name}: discrete elements as matrices", self.n_qubits)
        return tuple(sp.ImmutableMatrix(m.matrix()) for m in self._maps)

    @cached_property
    def pauli_structure(self) -> PauliStructure | None:
        one_body, maps = self._one_body, self._maps
        if one_body is None:
            one_body = []
            for h in self._hamiltonians:
                g = _detect_one_body(h)
                if g is None:
                    return None
                one_body.append(g)
        if maps is None:
            maps = []
            for v in self._discrete:
                m = detect_signed_pauli_map(v)
                if m is None:
                    return None
                maps.append(m)
        return PauliStructure(self.n_qubits, discrete=maps, lie=one_body)

    def _constraints(self):
        return list(self.discrete), list(self.hamiltonians)

    def tensor_power(self, copies: int) -> "LieGroup":
        k = _checks.integer("tensor_power", "copies", copies, minimum=1)
        name = f"({self.name})^(x{k})"
        n = self.n_qubits
        if self._one_body is not None:
            lifted = [OneBodyGenerator(tuple((c * n + q, h) for c in range(k) for q, h in g.sites))
                      for g in self._one_body]
            return LieGroup.from_structure(n * k, lifted, [m.lift(k) for m in self._maps], name=name)
        d = self.dim
        eye = sp.eye(d)

        def summed(h):
            total = sp.zeros(d**k, d**k)
            for i in range(k):
                total += ops.kron(*[h if j == i else eye for j in range(k)])
            return total

        return LieGroup([summed(h) for h in self.hamiltonians], [ops.kron(*([v] * k)) for v in self.discrete],
                        name=name)


def _detect_one_body(h: sp.MatrixBase) -> OneBodyGenerator | None:
    """``H = Σ_q h^{(q)}`` when every Pauli word of ``H`` has weight ≤ 1 (identity parts dropped)."""
    n = h.rows.bit_length() - 1
    if n > DETECT_QUBIT_LIMIT:
        return None
    terms = as_pauli_sum("lie", "hamiltonian", h)
    sites: dict[int, list] = {}
    for word, c in terms.items():
        letters = [(q, a) for q, a in enumerate(word) if a != "I"]
        if len(letters) > 1:
            return None
        if letters:
            q, a = letters[0]
            sites.setdefault(q, [sp.Integer(0)] * 3)["XYZ".index(a)] += c
    return OneBodyGenerator(tuple((q, tuple(v)) for q, v in sorted(sites.items())))


def _one_body_matrix(g: OneBodyGenerator, n: int) -> sp.ImmutableMatrix:
    terms: dict[str, sp.Expr] = {}
    for q, h in g.sites:
        for a, c in zip("XYZ", h):
            if c != 0:
                word = "I" * q + a + "I" * (n - q - 1)
                terms[word] = terms.get(word, 0) + c
    return sp.ImmutableMatrix(PauliSum(terms, n).matrix())


# -- constructors of SPEC §4 -----------------------------------------------------------------------
def finite(generators, *, max_order: int = DEFAULT_MAX_ORDER) -> FiniteGroup:
    """The finite group generated by exact unitary ``generators`` (closure built lazily, up to ``max_order``).

    Its twirl is the average of Eq. 5 over the elements; see :class:`FiniteGroup`.

    >>> finite([ops.pauli("XX"), ops.pauli("ZZ")]).order
    4
    """
    return FiniteGroup(generators, max_order=max_order)


def lie(hamiltonians, discrete=()) -> LieGroup:
    """The compact group generated by ``exp(−itH)`` for Hermitian ``hamiltonians`` and unitaries ``discrete``.

    Its commutant (Eq. 5) is ``{X : [H_a, X] = 0, D_b X D_b† = X}``; see :class:`LieGroup`.

    >>> lie([ops.pauli("ZZ")], discrete=[ops.pauli("XX")]).is_invariant(ops.pauli("YY"))
    True
    """
    return LieGroup(hamiltonians, discrete)


def _register(where: str, n) -> int:
    n = _checks.integer(where, "n", n, minimum=1)
    if n > 64:
        raise InputValueError(f"{where}: n = {n} qubits is past the supported 64")
    return n


def collective_unitary(n: int) -> LieGroup:
    """``{V^{⊗n} : V ∈ U(2)}``: generated by ``Σ_i X_i, Σ_i Y_i, Σ_i Z_i``; commutant = qubit permutations.

    The symmetry of the Werner example (Eq. 8); on two qubits ``T[X] = a I + b F`` (Eq. 10).

    >>> collective_unitary(2).twirl(PauliSum.from_text("Z0 Z1 + X0", 2))
    PauliSum('1/3 X0 X1 + 1/3 Y0 Y1 + 1/3 Z0 Z1', n_qubits=2)
    """
    n = _register("collective_unitary", n)
    return LieGroup.from_structure(n, [OneBodyGenerator.uniform(a, range(n)) for a in "XYZ"],
                                   name=f"collective U(2)^(x{n})")


def local_unitary(n: int) -> LieGroup:
    """``{V_1⊗…⊗V_n}``: generated by every single-qubit Pauli; its twirl is ``Tr(X) I/d``.

    >>> local_unitary(2).twirl(PauliSum.from_text("3 + Z0 X1", 2))
    PauliSum('3', n_qubits=2)
    """
    n = _register("local_unitary", n)
    return LieGroup.from_structure(n, [OneBodyGenerator.uniform(a, [i]) for i in range(n) for a in "XYZ"],
                                   name=f"local U(2)^{n}")


def u1_charge(n: int) -> LieGroup:
    """``U(1)`` generated by ``Σ_i Z_i``: conserves the Hamming weight; ``T[X] = Σ_w Π_w X Π_w``.

    >>> X = ops.pauli("XX")
    >>> u1_charge(2).twirl(X) == sum((P * X * P for P in hamming_projectors(2)), sp.zeros(4, 4))
    True
    """
    n = _register("u1_charge", n)
    return LieGroup.from_structure(n, [OneBodyGenerator.uniform("Z", range(n))], name=f"U(1) charge on {n} qubits")


def permutations(n: int) -> FiniteGroup:
    """The qubit permutations ``S_n`` (generated by adjacent SWAPs; ``n!`` elements).

    >>> permutations(3).order, permutations(3).twirl(PauliSum.from_text("Z0", 3))
    (6, PauliSum('1/3 Z0 + 1/3 Z1 + 1/3 Z2', n_qubits=3))
    """
    n = _register("permutations", n)
    if n == 1:
        return FiniteGroup.from_maps([QubitPermutation((0,))], name="S_1")
    gens = []
    for i in range(n - 1):
        perm = list(range(n))
        perm[i], perm[i + 1] = perm[i + 1], perm[i]
        gens.append(QubitPermutation(tuple(perm)))
    return FiniteGroup.from_maps(gens, name=f"S_{n}", max_order=max(DEFAULT_MAX_ORDER, math.factorial(min(n, 8))))


def cyclic_shift(n: int) -> FiniteGroup:
    """Translations of a ring of ``n`` qubits: generated by ``i ↦ i+1 mod n`` (order ``n``).

    >>> cyclic_shift(3).twirl(PauliSum.from_text("Z0 Z1", 3))
    PauliSum('1/3 Z0 Z1 + 1/3 Z0 Z2 + 1/3 Z1 Z2', n_qubits=3)
    """
    n = _register("cyclic_shift", n)
    return FiniteGroup.from_maps([QubitPermutation(tuple((i + 1) % n for i in range(n)))], name=f"C_{n} shifts")


def reflection(n: int) -> FiniteGroup:
    """The mirror ``i ↦ n−1−i`` of a chain of ``n`` qubits (order 2, or 1 for ``n = 1``).

    >>> reflection(3).twirl(PauliSum.from_text("Z0 + Z1", 3))
    PauliSum('1/2 Z0 + Z1 + 1/2 Z2', n_qubits=3)
    """
    n = _register("reflection", n)
    return FiniteGroup.from_maps([QubitPermutation(tuple(n - 1 - i for i in range(n)))], name=f"reflection of {n}")


def dihedral(n: int) -> FiniteGroup:
    """Symmetries of a ring of ``n`` qubits: shifts and the mirror (order ``2n`` for ``n ≥ 3``).

    >>> dihedral(5).order, dihedral(2).order
    (10, 2)
    """
    n = _register("dihedral", n)
    shift = QubitPermutation(tuple((i + 1) % n for i in range(n)))
    mirror = QubitPermutation(tuple((n - i) % n for i in range(n)))
    return FiniteGroup.from_maps([shift, mirror], name=f"D_{n} ring")


def pauli_symmetry(word: str) -> FiniteGroup:
    """The group ``{I, P}`` of a Pauli-string symmetry, e.g. the parity ``"XXXX"`` or ``"ZZZZ"``.

    >>> import sggd_sym as sg
    >>> sg.twirl(sg.PauliSum.from_text("Z0 + X0 X1", 2), sg.groups.pauli_symmetry("XX"))
    PauliSum('X0 X1', n_qubits=2)
    """
    if not isinstance(word, str) or not word or set(word.upper()) - set("IXYZ"):
        raise InputValueError(f"pauli_symmetry: word expected a Pauli word over 'IXYZ' such as 'XXXX', got {word!r}")
    _register("pauli_symmetry", len(word))
    return FiniteGroup.from_maps([PauliConjugation(word.upper())], name=f"{{I, {word.upper()}}}")


def graph_automorphisms(edges, n: int | None = None) -> FiniteGroup:
    """The qubit permutations that preserve an undirected graph (``edges`` as pairs of qubits).

    Generators are found by a backtracking search along a stabiliser chain (one automorphism per
    coset), so the group is never enumerated.

    >>> import sggd_sym as sg
    >>> sg.groups.graph_automorphisms([(0, 1), (1, 2), (2, 3), (3, 0)]).order   # the square: D_4
    8
    """
    try:
        pairs = [tuple(e) for e in edges]
    except TypeError:
        raise InputTypeError("graph_automorphisms: edges expected pairs of qubit indices, e.g. [(0, 1), (1, 2)]") \
            from None
    for e in pairs:
        if len(e) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0 for v in e):
            raise InputValueError(f"graph_automorphisms: edge {e!r} is not a pair of non-negative qubit indices")
        if e[0] == e[1]:
            raise InputValueError(f"graph_automorphisms: edge {e!r} is a self-loop")
    size = max([max(e) + 1 for e in pairs], default=0)
    n = size if n is None else _register("graph_automorphisms", n)
    if n < size or n < 1:
        raise InputValueError(f"graph_automorphisms: n = {n} is smaller than the largest qubit in edges ({size - 1})")
    _register("graph_automorphisms", n)
    adjacency = [set() for _ in range(n)]
    for a, b in pairs:
        adjacency[int(a)].add(int(b))
        adjacency[int(b)].add(int(a))
    gens = _automorphism_generators(adjacency)
    identity = QubitPermutation(tuple(range(n)))
    return FiniteGroup.from_maps([QubitPermutation(g) for g in gens] or [identity],
                                 name=f"Aut(graph with {len(pairs)} edges)")


def _automorphism_generators(adjacency: list[set[int]]) -> list[tuple[int, ...]]:
    n = len(adjacency)
    degree = [len(a) for a in adjacency]

    def extend(mapping: dict[int, int], used: set[int]):
        if len(mapping) == n:
            return dict(mapping)
        v = len(mapping)
        for w in range(n):
            if w in used or degree[w] != degree[v]:
                continue
            if all((mapping[u] in adjacency[w]) == (u in adjacency[v]) for u in mapping):
                mapping[v] = w
                used.add(w)
                found = extend(mapping, used)
                if found is not None:
                    return found
                del mapping[v]
                used.discard(w)
        return None

    gens = []
    for level in range(n):
        fixed = {v: v for v in range(level)}
        for target in range(level + 1, n):
            if degree[target] != degree[level]:
                continue
            if gens and _in_orbit(gens, level, target, set(range(level))):
                continue
            mapping = dict(fixed)
            mapping[level] = target
            if not all((mapping[u] in adjacency[target]) == (u in adjacency[level]) for u in fixed):
                continue
            found = extend(mapping, set(mapping.values()))
            if found is not None:
                gens.append(tuple(found[v] for v in range(n)))
    return gens


def _in_orbit(gens, start: int, target: int, fixed: set[int]) -> bool:
    """Whether ``target`` is in the orbit of ``start`` under the generators that fix ``fixed`` pointwise."""
    usable = [g for g in gens if all(g[v] == v for v in fixed)]
    seen = {start}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for g in usable:
                if g[v] not in seen:
                    seen.add(g[v])
                    nxt.append(g[v])
        frontier = nxt
    return target in seen


def product(*groups: SymmetryGroup) -> SymmetryGroup:
    """The group generated by several groups acting on the same register (e.g. ``S_n`` × parity).

    >>> import sggd_sym as sg
    >>> G = sg.groups.product(sg.groups.cyclic_shift(4), sg.groups.pauli_symmetry("XXXX"))
    >>> G.order
    8
    """
    if len(groups) < 2 or not all(isinstance(g, SymmetryGroup) for g in groups):
        raise InputTypeError("product: expected two or more sggd_sym.symmetry.groups groups")
    n = groups[0].n_qubits
    if any(g.n_qubits != n for g in groups):
        raise InputValueError(f"product: the groups act on registers of {[g.n_qubits for g in groups]} qubits; "
                              "build them all for the same register")
    name = " x ".join(g.name for g in groups)
    structures = [g.pauli_structure for g in groups]
    if all(s is not None for s in structures):
        maps = [m for s in structures for m in s.discrete]
        lie_gens = [h for s in structures for h in s.lie]
        if not lie_gens:
            return FiniteGroup.from_maps(maps, name=name,
                                         max_order=max(getattr(g, "max_order", DEFAULT_MAX_ORDER) for g in groups))
        return LieGroup.from_structure(n, lie_gens, maps, name=name)
    unitaries, hamiltonians = [], []
    for g in groups:
        u, h = g._constraints()
        unitaries.extend(u)
        hamiltonians.extend(h)
    if not hamiltonians:
        group = FiniteGroup(unitaries)
        group.name = name
        return group
    return LieGroup(hamiltonians, unitaries, name=name)


def _swap_or_permutations(n: int) -> SymmetryGroup:
    """``{I, SWAP}`` on two qubits; all qubit permutations on more."""
    return FiniteGroup([ops.SWAP], name="{I, SWAP}") if n == 2 else permutations(n)


#: The groups that the command line and circuit files name, each a function of the qubit count.
NAMED = {
    "swap": _swap_or_permutations,
    "permutations": permutations,
    "cyclic": cyclic_shift,
    "reflection": reflection,
    "dihedral": dihedral,
    "parity": lambda n: pauli_symmetry("X" * n),
    "collective": collective_unitary,
    "local": local_unitary,
    "u1": u1_charge,
}


def hamming_projectors(n: int) -> list[sp.ImmutableMatrix]:
    """Projectors ``Π_w`` onto the Hamming-weight-``w`` subspaces, ``w = 0..n`` (the blocks of :func:`u1_charge`).

    >>> [P.trace() for P in hamming_projectors(3)]
    [1, 3, 3, 1]
    """
    n = _checks.integer("hamming_projectors", "n", n, minimum=1)
    out = []
    for w in range(n + 1):
        diag = [1 if bin(i).count("1") == w else 0 for i in range(2**n)]
        out.append(sp.ImmutableMatrix(sp.diag(*diag)))
    return out

