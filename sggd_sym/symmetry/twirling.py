"""The twirl of Eq. 5 and the exact twirled Heisenberg observable of a circuit (Eq. 4).

.. math::  T_G[X] = \\int_G dμ(V)\\, V X V^† = Σ_i ⟨B_i, X⟩ B_i

for an HS-orthonormal Hermitian basis ``B_i`` of the commutant ``G'``
(``(1/|G|) Σ_g V_g X V_g^†`` for a finite group).  For a circuit, the
*commutant coordinates* ``y_i(θ) = ⟨B_i, Õ(θ)⟩`` are exact trig polynomials,
from which the twirled observable, the constraint residual
``T_G[Õ] − Õ`` of Eq. 4 and the penalty of Eq. 6 all follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp
from sympy.polys.rings import PolyElement

from sggd_sym import _checks
from sggd_sym.algebra.pauli_sum import PauliSum
from sggd_sym.circuits.circuit import Circuit
from sggd_sym.circuits.heisenberg import DEFAULT_BUDGET, HeisenbergObservable, heisenberg_observable, terms_matrix
from sggd_sym.exceptions import InputTypeError
from sggd_sym.symmetry.groups import SymmetryGroup

__all__ = ["twirl", "TwirledObservable", "twirled_observable", "constraint_residual"]


def twirl(operator, group: SymmetryGroup):
    """Eq. 5: the exact twirl ``T_G[X]`` of an exact (possibly symbolic) matrix ``X`` (a matrix), or of a
    :class:`~sggd_sym.algebra.pauli_sum.PauliSum` (a PauliSum, with no matrix formed: any register size).

    >>> import sggd_sym as sg
    >>> sg.twirl(sg.ops.pauli("ZI"), sg.groups.finite([sg.ops.SWAP])) == (sg.ops.pauli("ZI") + sg.ops.pauli("IZ")) / 2
    True
    """
    check_group("twirl", group)
    return group.twirl(operator)


def check_group(where: str, group) -> None:
    """A group of :mod:`sggd_sym.symmetry.groups`, or the package's error naming ``where``."""
    if not isinstance(group, SymmetryGroup):
        raise InputTypeError(f"{where}: group expected a sggd_sym.symmetry.groups group (finite, lie, collective_unitary, …), "
                             f"got {type(group).__name__}")


def check_circuit_and_group(where: str, circuit, group) -> None:
    """A :class:`~sggd_sym.Circuit` and a group acting on its register, or the package's error."""
    if not isinstance(circuit, Circuit):
        raise InputTypeError(f"{where}: circuit expected a sggd_sym.Circuit, got {type(circuit).__name__}")
    check_group(where, group)
    if group.dim != circuit.dim:
        _checks.fail(where, f"group acts on {group.n_qubits} qubit(s) but the circuit has "
                     f"{circuit.n_qubits}; build the group for {circuit.n_qubits} qubits")


@dataclass
class TwirledObservable:
    """``Õ(θ)`` of a circuit together with its exact commutant coordinates under a group.

    ``coordinates[i] = ⟨B_i, Õ⟩`` for the group's orthogonal Hermitian basis ``B_i`` with
    ``norms[i] = ‖B_i‖²``, so that ``T_G[Õ] = Σ_i coordinates[i]/norms[i] · B_i`` (Eq. 5).  Made by
    :func:`twirled_observable`.

    >>> import sggd_sym as sg
    >>> t = sp.Symbol("t")
    >>> tw = twirled_observable(sg.Circuit(2).ry(t, 0), "ZI", sg.groups.finite([sg.ops.SWAP]))
    >>> tw.twirled_operator()
    PauliSum('- (sin(t)/2) X0 + (cos(t)/2) Z0 - (sin(t)/2) X1 + (cos(t)/2) Z1', n_qubits=2)
    >>> tw.is_symmetric()
    False
    """

    heisenberg: HeisenbergObservable
    group: SymmetryGroup
    coordinates: list[PolyElement]
    norms: list[sp.Expr]
    basis: list[tuple[dict[str, sp.Expr], sp.Expr]] | None = None
    """The basis elements ``({P: Tr(B_i P)}, ‖B_i‖²)`` the coordinates refer to (those meeting ``Õ``'s
    words; the group's whole basis when ``None``)."""

    def __post_init__(self):
        if self.basis is None:
            self.basis = list(self.group.pauli_coordinates)
        if len(self.basis) != len(self.coordinates):
            raise ValueError("TwirledObservable: one coordinate per basis element expected")

    @property
    def trig(self):
        return self.heisenberg.trig

    @property
    def parameters(self):
        return self.heisenberg.parameters

    @cached_property
    def twirled_terms(self) -> dict[str, PolyElement]:
        """Pauli coefficients of ``T_G[Õ(θ)]`` (Eq. 5).

        >>> import sggd_sym as sg
        >>> tw = twirled_observable(sg.Circuit(2).ry(sp.Symbol("t"), 0), "ZI", sg.groups.finite([sg.ops.SWAP]))
        >>> sorted(tw.twirled_terms)
        ['IX', 'IZ', 'XI', 'ZI']
        """
        trig = self.trig
        d = self.group.dim
        out: dict[str, PolyElement] = {}
        for y, (coords, norm2) in zip(self.coordinates, self.basis):
            for word, value in coords.items():
                out[word] = out.get(word, trig.ring.zero) + y * trig.constant(value / (norm2 * d))
        return {w: q for w, q in out.items() if q}

    def twirled_matrix(self) -> sp.ImmutableMatrix:
        """``T_G[Õ(θ)]`` as an exact matrix.

        >>> import sggd_sym as sg
        >>> tw = twirled_observable(sg.Circuit(2).ry(sp.pi, 0), "ZI", sg.groups.finite([sg.ops.SWAP]))
        >>> tw.twirled_matrix() == -(sg.ops.pauli("ZI") + sg.ops.pauli("IZ")) / 2
        True
        """
        return terms_matrix(self.twirled_terms, self.trig, self.group.n_qubits)

    def residual_terms(self) -> dict[str, PolyElement]:
        """Pauli coefficients of the constraint residual ``E = T_G[Õ] − Õ`` (Eq. 4).

        >>> import sggd_sym as sg
        >>> tw = twirled_observable(sg.Circuit(2).ry(sp.Symbol("t"), 0), "ZI", sg.groups.finite([sg.ops.SWAP]))
        >>> sorted(tw.residual_terms())
        ['IX', 'IZ', 'XI', 'ZI']
        """
        out = dict(self.twirled_terms)
        for word, poly in self.heisenberg.terms.items():
            out[word] = out.get(word, self.trig.ring.zero) - poly
        return {w: q for w, q in out.items() if q}

    def is_symmetric(self) -> bool:
        """Whether ``T_G[Õ(θ)] = Õ(θ)`` for *every* θ (Eq. 4 with ``E ≡ 0``): exact, since the
        trig-polynomial form is canonical; equivalently ``P ≡ 0``.

        >>> import sggd_sym as sg
        >>> t = sp.Symbol("t")
        >>> swap = sg.groups.finite([sg.ops.SWAP])
        >>> twirled_observable(sg.Circuit(2).ry(t, 0).ry(t, 1), "ZZ", swap).is_symmetric()
        True
        """
        return not self.residual_terms()

    def twirled_operator(self):
        """``T_G[Õ(θ)]`` as a :class:`~sggd_sym.algebra.pauli_sum.PauliSum` with symbolic coefficients (any size).

        >>> import sggd_sym as sg
        >>> twirled_observable(sg.Circuit(2).ry(sp.pi, 0), "ZI", sg.groups.finite([sg.ops.SWAP])).twirled_operator()
        PauliSum('- 1/2 Z0 - 1/2 Z1', n_qubits=2)
        """
        return PauliSum({w: self.trig.to_expr(q) for w, q in self.twirled_terms.items()}, self.group.n_qubits)

    def residual_operator(self):
        """``E(θ) = T_G[Õ(θ)] − Õ(θ)`` as a :class:`~sggd_sym.algebra.pauli_sum.PauliSum` (any size; Eq. 4).

        >>> import sggd_sym as sg
        >>> twirled_observable(sg.Circuit(2).ry(sp.pi, 0), "ZI", sg.groups.finite([sg.ops.SWAP])).residual_operator()
        PauliSum('1/2 Z0 - 1/2 Z1', n_qubits=2)
        """
        return PauliSum({w: self.trig.to_expr(q) for w, q in self.residual_terms().items()}, self.group.n_qubits)

    def residual_matrix(self) -> sp.ImmutableMatrix:
        """``E(θ) = T_G[Õ(θ)] − Õ(θ)`` as an exact matrix (Eq. 4).

        >>> import sggd_sym as sg
        >>> tw = twirled_observable(sg.Circuit(2).ry(sp.pi, 0), "ZI", sg.groups.finite([sg.ops.SWAP]))
        >>> tw.residual_matrix() == (sg.ops.pauli("ZI") - sg.ops.pauli("IZ")) / 2
        True
        """
        return terms_matrix(self.residual_terms(), self.trig, self.group.n_qubits)


def twirled_observable(circuit: Circuit, observable, group: SymmetryGroup, *,
                       budget: int | None = DEFAULT_BUDGET) -> TwirledObservable:
    """Derive ``Õ(θ)`` and its commutant coordinates under ``group`` exactly (Eq. 1, 5).

    The Werner example: ``T_G[U†FU] = a(θ) I + b(θ) F`` (Eq. 10).

    >>> import sggd_sym as sg
    >>> c = sg.circuits.werner_ansatz()
    >>> theta, = c.parameters
    >>> tw = twirled_observable(c, sg.ops.SWAP, sg.groups.collective_unitary(2))
    >>> a, b = (1 - sp.cos(theta)) / 4, (1 + sp.cos(theta)) / 2
    >>> tw.twirled_matrix() == a * sp.eye(4) + b * sg.ops.SWAP
    True
    """
    check_circuit_and_group("twirled_observable", circuit, group)
    heis = heisenberg_observable(circuit, observable, budget=budget)
    coords = group.commutant_coordinates(heis.terms.keys())
    constants = [v for c, _ in coords for v in c.values()] + [n for _, n in coords]
    if not _representable(heis.trig, constants):
        # basis values outside the ring's domain (e.g. sqrt(2)): derive again over a domain holding them
        heis = heisenberg_observable(circuit, observable, extra_constants=constants, budget=budget)
    trig = heis.trig
    ys = []
    for c, _ in coords:
        y = trig.ring.zero
        for word, value in c.items():
            if word in heis.terms:
                y += heis.terms[word] * trig.constant(value)
        ys.append(y)
    return TwirledObservable(heis, group, ys, [n for _, n in coords], basis=list(coords))


def _representable(trig, constants) -> bool:
    try:
        for c in constants:
            trig.constant(c)
    except (sp.polys.polyerrors.CoercionFailed, ValueError, TypeError):
        return False
    return True


def constraint_residual(circuit: Circuit, observable, group: SymmetryGroup) -> sp.ImmutableMatrix:
    """Eq. 4: the exact residual ``E(θ) = T_G[U†OU] − U†OU`` (zero iff the circuit satisfies the symmetry).

    >>> import sggd_sym as sg
    >>> c = sg.circuits.werner_ansatz()
    >>> theta, = c.parameters
    >>> E = constraint_residual(c, sg.ops.SWAP, sg.groups.collective_unitary(2))
    >>> E.subs(theta, 0).is_zero_matrix, (E * E).trace().subs(theta, sp.pi)   # ‖E‖² = P(π) = 3 (Eq. 11)
    (True, 3)
    """
    return twirled_observable(circuit, observable, group).residual_matrix()
