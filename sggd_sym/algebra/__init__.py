"""Exact algebra, the lowest layer: Pauli words, exact Pauli sums, exact matrices, the trig ring.

Nothing here knows about circuits, groups or data.

* :mod:`~sggd_sym.algebra.paulis` — words over ``{I, X, Y, Z}`` and their products;
* :mod:`~sggd_sym.algebra.pauli_sum` — :class:`PauliSum`, exact operators ``Σ_P c_P P``;
* :mod:`~sggd_sym.algebra.ops` — exact SymPy matrices (Paulis, SWAP, projectors, ``kron``, HS inner product);
* :mod:`~sggd_sym.algebra.trig` — :class:`TrigRing`, exact polynomials in ``cos(ω_j θ_j), sin(ω_j θ_j)``;
* :mod:`~sggd_sym.algebra.pauli_maps` — signed permutations of Pauli words (qubit permutations, Cliffords).
"""

from sggd_sym.algebra import ops, pauli_maps, pauli_sum, paulis, trig
from sggd_sym.algebra.pauli_maps import SignedPauliMap, detect_signed_pauli_map
from sggd_sym.algebra.pauli_sum import PauliSum, as_pauli_sum, pauli_word_matrix
from sggd_sym.algebra.trig import TrigRing

__all__ = ["ops", "pauli_maps", "pauli_sum", "paulis", "trig",
           "PauliSum", "as_pauli_sum", "pauli_word_matrix", "TrigRing", "SignedPauliMap", "detect_signed_pauli_map"]
