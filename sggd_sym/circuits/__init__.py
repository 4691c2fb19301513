"""Circuits and the Heisenberg picture: the builder, exact unitaries, ``Õ(θ) = U(θ)†OU(θ)`` (paper Eq. 1).

* :mod:`~sggd_sym.circuits.circuit` — :class:`Circuit`, :class:`Gate`, :func:`werner_ansatz` (Eq. 9),
  :func:`hardware_efficient`;
* :mod:`~sggd_sym.circuits.unitaries` — exact unitaries in the half-angle ring;
* :mod:`~sggd_sym.circuits.heisenberg` — exact ``Õ(θ)`` in the Pauli basis over the trig ring;
* :mod:`~sggd_sym.circuits.pauli_propagation` — the same ``Õ(θ)`` bit-packed, for deep circuits.
"""

from sggd_sym.circuits import circuit, heisenberg, pauli_propagation, unitaries
from sggd_sym.circuits.circuit import (GATES, MAX_FREQUENCY_MULTIPLE, Circuit, Gate, UnknownGateError,
                                       hardware_efficient, werner_ansatz)
from sggd_sym.circuits.heisenberg import HeisenbergObservable, heisenberg_observable
from sggd_sym.circuits.pauli_propagation import PackedHeisenberg, Truncation, propagate
from sggd_sym.circuits.unitaries import exact_unitary

__all__ = ["circuit", "heisenberg", "pauli_propagation", "unitaries",
           "Circuit", "Gate", "UnknownGateError", "GATES", "MAX_FREQUENCY_MULTIPLE", "werner_ansatz",
           "hardware_efficient", "HeisenbergObservable", "heisenberg_observable", "exact_unitary",
           "PackedHeisenberg", "Truncation", "propagate"]
