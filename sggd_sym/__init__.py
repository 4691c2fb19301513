"""sggd_sym — exact symbolic derivations and fast numerics for symmetry-guided gradient descent (SGGD).

Public surface (SPEC §4)::

    import sggd_sym as sg
    c = sg.Circuit(2).ry(t0, 0).rz(t1, 1).cnot(0, 1)
    G = sg.groups.finite([sg.ops.SWAP])
    sg.twirl(X, G)                        # Eq. 5, exact
    P = sg.penalty(c, sg.ops.pauli("ZI"), G)   # Eq. 6: P.expr, P(values), P.gradient(values), P.latex()

The numeric simulator :mod:`sggd_sym.sim` is deliberately not imported here: it is the
independent witness the tests compare derivations against and imports nothing symbolic.
"""

from . import analysis, circuits, costs, datasets, groups, ops, penalties, postprocess, sweeps, training, twirling
from .circuits import Circuit
from .exceptions import (DerivationBudgetError, GroupTooLargeError, InputTypeError, InputValueError,
                         SggdError)
from .heisenberg import heisenberg_observable
from .numeric import DerivedFunction
from .pauli_sum import PauliSum
from .penalties import penalty
from .twirling import constraint_residual, twirl, twirled_observable

__all__ = [
    "Circuit", "analysis", "circuits", "costs", "datasets", "groups", "ops", "penalties", "postprocess", "sweeps",
    "training", "twirling",
    "twirl", "twirled_observable", "constraint_residual", "penalty", "heisenberg_observable",
    "DerivedFunction", "PauliSum",
    "SggdError", "InputValueError", "InputTypeError", "GroupTooLargeError", "DerivationBudgetError",
]

__version__ = "0.1.0"
