"""Symmetry groups acting on qubits by unitaries, and their commutants (paper Eq. 2, 5).

A group acts on operators by conjugation ``X ↦ V X V†``.  The twirl of Eq. 5 is the
orthogonal (Hilbert–Schmidt) projection onto the commutant

.. math::  G' = \\{X : V X V^† = X \\;∀ V ∈ G\\}
              = \\{X : [H_a, X] = 0,\\; D_b X D_b^† = X\\},

so every group here is described by what fixes its commutant: unitary generators
(finite groups, discrete elements) and Hermitian Lie-algebra generators
(compact groups).  The commutant is the exact nullspace of the stacked linear
constraints; it is closed under ``†`` and therefore has a Hermitian basis.
Internally the basis is kept *orthogonal with rational norms* (no square
roots), so that penalties stay over ``QQ``; :meth:`SymmetryGroup.commutant_basis`
returns the HS-orthonormal version.

>>> import sggd_sym as sg
>>> sg.groups.collective_unitary(2).commutant_dimension()
2
>>> sg.groups.finite([sg.ops.SWAP]).order
2
"""

from __future__ import annotations

from functools import cached_property
import sympy as sp

from . import _checks, ops
from .commutant import orthogonal_hermitian_basis, pauli_traces
from .exceptions import GroupTooLargeError, InputTypeError, InputValueError

__all__ = [
    "SymmetryGroup", "FiniteGroup", "LieGroup", "finite", "lie", "collective_unitary", "local_unitary",
    "permutations", "u1_charge", "DEFAULT_MAX_ORDER",
]

#: Largest closure :func:`finite` builds before raising :class:`GroupTooLargeError`.
DEFAULT_MAX_ORDER = 4096


def _canonical(matrix: sp.MatrixBase) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix(matrix.applyfunc(lambda e: sp.radsimp(sp.expand(e))))


class SymmetryGroup:
    """Common interface: dimension, commutant, twirl, invariance test.

    Subclasses provide :meth:`_constraints`: unitaries ``D`` (``D X D† = X``) and Hermitian ``H``
    (``[H, X] = 0``) whose joint solutions form the commutant.
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

    # -- commutant ------------------------------------------------------------------------------
    @cached_property
    def _orthogonal_basis(self) -> tuple[tuple[sp.ImmutableMatrix, sp.Expr], ...]:
        """Hermitian, HS-orthogonal basis ``(B_i, ‖B_i‖²)`` of the commutant (exact, rational norms)."""
        unitaries, hamiltonians = self._constraints()
        return tuple(orthogonal_hermitian_basis(unitaries, hamiltonians, self.dim))

    def commutant_basis(self) -> list[sp.ImmutableMatrix]:
        """HS-orthonormal Hermitian basis ``B_i`` of the commutant ``G'`` (exact; may contain radicals)."""
        return [_canonical(b / sp.sqrt(norm2)) for b, norm2 in self._orthogonal_basis]

    def commutant_dimension(self) -> int:
        """``dim G'``."""
        return len(self._orthogonal_basis)

    @cached_property
    def pauli_coordinates(self) -> tuple[tuple[dict[str, sp.Expr], sp.Expr], ...]:
        """For each orthogonal basis element: ``({P: Tr(B_i P)}, ‖B_i‖²)``, exact and real."""
        out = []
        for b, norm2 in self._orthogonal_basis:
            out.append((pauli_traces(b, self.n_qubits), norm2))
        return tuple(out)

    # -- twirl ---------------------------------------------------------------------------------
    def twirl(self, operator) -> sp.ImmutableMatrix:
        """Eq. 5: ``T_G[X] = Σ_i ⟨B_i, X⟩ B_i`` (orthogonal projection onto ``G'``), exact."""
        x = self._operand("twirl", operator)
        total = sp.zeros(self.dim, self.dim)
        for b, norm2 in self._orthogonal_basis:
            total += (ops.hs_inner(b, x) / norm2) * b
        return sp.ImmutableMatrix(total.applyfunc(sp.expand))

    def is_invariant(self, operator) -> bool:
        """Whether ``V X V† = X`` for every group element (exact)."""
        x = sp.Matrix(self._operand("is_invariant", operator))
        unitaries, hamiltonians = self._constraints()
        checks = [v * x * v.H - x for v in unitaries] + [h * x - x * h for h in hamiltonians]
        return all(_checks.is_zero_matrix(sp.Matrix(c).applyfunc(sp.expand)) for c in checks)

    def _operand(self, where: str, operator) -> sp.Matrix:
        if not isinstance(operator, sp.MatrixBase):
            raise InputTypeError(f"{where}: operator expected a sympy Matrix, got {type(operator).__name__}")
        if operator.shape != (self.dim, self.dim):
            raise InputValueError(f"{where}: operator has shape {operator.shape}, but {self!r} acts on "
                                  f"{self.dim}x{self.dim} matrices")
        if operator.has(sp.Float):
            raise InputValueError(f"{where}: operator contains floats; use exact numbers (sympy.Rational, sqrt)")
        return sp.Matrix(operator)

    # -- copies (Eq. 13) --------------------------------------------------------------------------
    def tensor_power(self, copies: int) -> "SymmetryGroup":
        """The diagonal action ``G^{(k)} = {V^{⊗k}}`` on ``k`` copies (paper Eq. 13)."""
        raise NotImplementedError


class FiniteGroup(SymmetryGroup):
    """Finite group generated by unitary matrices; conjugation ignores global phases, so elements are
    stored up to a phase (the first nonzero entry of each is made real and positive)."""

    def __init__(self, generators, *, max_order: int = DEFAULT_MAX_ORDER, name: str | None = None):
        gens = list(generators)
        if not gens:
            raise InputValueError("finite: generators must contain at least one unitary matrix")
        first = _checks.unitary("finite", "generators[0]", gens[0])
        checked = [first] + [_checks.unitary("finite", f"generators[{i}]", g, dim=first.rows)
                             for i, g in enumerate(gens[1:], start=1)]
        super().__init__(first.rows, name or f"finite group with {len(checked)} generator(s)")
        self.generators = tuple(_dephase(g) for g in checked)
        self.max_order = _checks.integer("finite", "max_order", max_order, minimum=1)

    def _constraints(self):
        return list(self.generators), []

    @cached_property
    def elements(self) -> tuple[sp.ImmutableMatrix, ...]:
        """All elements (up to phase), by breadth-first closure; raises past ``max_order``."""
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
                                f"finite: the closure of the generators exceeds max_order={self.max_order} elements; "
                                "pass a larger max_order, or describe the group by Lie generators with "
                                "sggd_sym.groups.lie if it is (a subgroup of) a compact group")
            frontier = nxt
        return tuple(order)

    @property
    def order(self) -> int:
        return len(self.elements)

    def average(self, operator) -> sp.ImmutableMatrix:
        """The explicit group average ``(1/|G|) Σ_g V_g X V_g†`` (Eq. 5 for a finite group)."""
        x = self._operand("average", operator)
        total = sp.zeros(self.dim, self.dim)
        for v in self.elements:
            total += v * x * v.H
        return sp.ImmutableMatrix((total / self.order).applyfunc(sp.expand))

    def tensor_power(self, copies: int) -> "FiniteGroup":
        k = _checks.integer("tensor_power", "copies", copies, minimum=1)
        return FiniteGroup([ops.kron(*([g] * k)) for g in self.generators], max_order=self.max_order,
                           name=f"({self.name})^(x{k})")


def _dephase(matrix: sp.MatrixBase) -> sp.ImmutableMatrix:
    m = _canonical(sp.Matrix(matrix))
    for entry in m:
        if entry != 0:
            phase = sp.radsimp(sp.expand(entry / sp.sqrt(sp.expand(entry * sp.conjugate(entry)))))
            if phase != 1:
                m = _canonical(m / phase)
            break
    return m


class LieGroup(SymmetryGroup):
    """Compact group generated by ``exp(−i t H_a)`` for Hermitian ``H_a`` and discrete unitaries ``D_b``."""

    def __init__(self, hamiltonians, discrete=(), *, name: str | None = None):
        hams = list(hamiltonians)
        disc = list(discrete)
        if not hams and not disc:
            raise InputValueError("lie: give at least one Hermitian generator (or a discrete element)")
        first = (hams or disc)[0]
        dim = sp.Matrix(first).rows
        self.hamiltonians = tuple(_checks.hermitian("lie", f"hamiltonians[{i}]", h, dim=dim)
                                  for i, h in enumerate(hams))
        self.discrete = tuple(_checks.unitary("lie", f"discrete[{i}]", v, dim=dim) for i, v in enumerate(disc))
        super().__init__(dim, name or f"Lie group with {len(hams)} generator(s)")

    def _constraints(self):
        return list(self.discrete), list(self.hamiltonians)

    def tensor_power(self, copies: int) -> "LieGroup":
        k = _checks.integer("tensor_power", "copies", copies, minimum=1)
        d = self.dim
        eye = sp.eye(d)

        def summed(h):
            total = sp.zeros(d**k, d**k)
            for i in range(k):
                total += ops.kron(*[h if j == i else eye for j in range(k)])
            return total

        return LieGroup([summed(h) for h in self.hamiltonians], [ops.kron(*([v] * k)) for v in self.discrete],
                        name=f"({self.name})^(x{k})")


# -- constructors of SPEC §4 -----------------------------------------------------------------------
def finite(generators, *, max_order: int = DEFAULT_MAX_ORDER) -> FiniteGroup:
    """The finite group generated by exact unitary ``generators`` (closure built lazily, up to ``max_order``)."""
    return FiniteGroup(generators, max_order=max_order)


def lie(hamiltonians, discrete=()) -> LieGroup:
    """The compact group generated by ``exp(−itH)`` for Hermitian ``hamiltonians`` and unitaries ``discrete``."""
    return LieGroup(hamiltonians, discrete)


def _site_sum(letter: str, n: int, sites=None) -> sp.ImmutableMatrix:
    sites = range(n) if sites is None else sites
    total = sp.zeros(2**n, 2**n)
    for i in sites:
        total += ops.pauli("".join(letter if j == i else "I" for j in range(n)))
    return sp.ImmutableMatrix(total)


def collective_unitary(n: int) -> LieGroup:
    """``{V^{⊗n} : V ∈ U(2)}``: generated by ``Σ_i X_i, Σ_i Y_i, Σ_i Z_i``; commutant = qubit permutations."""
    n = _checks.integer("collective_unitary", "n", n, minimum=1)
    return LieGroup([_site_sum(a, n) for a in "XYZ"], name=f"collective U(2)^(x{n})")


def local_unitary(n: int) -> LieGroup:
    """``{V_1⊗…⊗V_n}``: generated by every single-qubit Pauli; its twirl is ``Tr(X) I/d``."""
    n = _checks.integer("local_unitary", "n", n, minimum=1)
    hams = [_site_sum(a, n, [i]) for i in range(n) for a in "XYZ"]
    return LieGroup(hams, name=f"local U(2)^{n}")


def permutations(n: int) -> FiniteGroup:
    """The qubit permutations ``S_n`` (generated by adjacent SWAPs; ``n!`` elements)."""
    n = _checks.integer("permutations", "n", n, minimum=1)
    if n == 1:
        return FiniteGroup([ops.identity(1)], name="S_1")
    gens = []
    for i in range(n - 1):
        perm = list(range(n))
        perm[i], perm[i + 1] = perm[i + 1], perm[i]
        gens.append(ops.permutation_operator(perm))
    return FiniteGroup(gens, name=f"S_{n}")


def u1_charge(n: int) -> LieGroup:
    """``U(1)`` generated by ``Σ_i Z_i``: conserves the Hamming weight; ``T[X] = Σ_w Π_w X Π_w``."""
    n = _checks.integer("u1_charge", "n", n, minimum=1)
    return LieGroup([_site_sum("Z", n)], name=f"U(1) charge on {n} qubits")


def hamming_projectors(n: int) -> list[sp.ImmutableMatrix]:
    """Projectors ``Π_w`` onto the Hamming-weight-``w`` subspaces, ``w = 0..n``."""
    n = _checks.integer("hamming_projectors", "n", n, minimum=1)
    out = []
    for w in range(n + 1):
        diag = [1 if bin(i).count("1") == w else 0 for i in range(2**n)]
        out.append(sp.ImmutableMatrix(sp.diag(*diag)))
    return out

