"""Symmetry: groups, their commutants and the twirl ``T_G`` (paper Eq. 2–5).

* :mod:`~sggd_sym.symmetry.groups` — finite and compact Lie groups, the named presets (:data:`NAMED`);
* :mod:`~sggd_sym.symmetry.commutant` — exact orthogonal Hermitian bases of a commutant;
* :mod:`~sggd_sym.symmetry.pauli_commutant` — commutants in Pauli coordinates, never listing elements;
* :mod:`~sggd_sym.symmetry.twirling` — :func:`twirl` (Eq. 5), :func:`twirled_observable`, the residual of Eq. 4.
"""

from sggd_sym.symmetry import commutant, groups, pauli_commutant, twirling
from sggd_sym.symmetry.groups import NAMED, FiniteGroup, LieGroup, SymmetryGroup
from sggd_sym.symmetry.twirling import TwirledObservable, constraint_residual, twirl, twirled_observable

__all__ = ["commutant", "groups", "pauli_commutant", "twirling",
           "SymmetryGroup", "FiniteGroup", "LieGroup", "NAMED",
           "twirl", "twirled_observable", "TwirledObservable", "constraint_residual"]
