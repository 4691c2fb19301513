"""Data: the paper's data sets and encoded states in the Pauli form a model needs.

* :mod:`~sggd_sym.data.werner` — Werner states and the closed forms of the first example (Eq. 8–11);
* :mod:`~sggd_sym.data.datasets` — the circle and rotated-square tasks of the second example;
* :mod:`~sggd_sym.data.pauli_data` — ``r_P(x) = Tr(P ρ(x))`` for the words a model uses.
"""

from sggd_sym.data import datasets, pauli_data, werner
from sggd_sym.data.pauli_data import PauliData, ProductStates

__all__ = ["datasets", "pauli_data", "werner", "PauliData", "ProductStates"]
