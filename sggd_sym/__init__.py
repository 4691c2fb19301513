"""sggd_sym — exact symbolic derivations and fast numerics for symmetry-guided gradient descent (SGGD).

Public surface (SPEC §4)::

    import sggd_sym as sg
    c = sg.Circuit(2).ry(t0, 0).rz(t1, 1).cnot(0, 1)
    G = sg.groups.finite([sg.ops.SWAP])
    sg.twirl(X, G)                        # Eq. 5, exact
    P = sg.penalty(c, sg.ops.pauli("ZI"), G)   # Eq. 6: P.expr, P(values), P.gradient(values), P.latex()

The layers, each a subpackage that imports only the ones before it:

=====================  ===================================================================
``numeric``            the one bridge from exact expressions to numpy / JAX (needs only sympy, numpy)
``algebra``            exact Pauli words and sums, exact matrices (``ops``), the trig ring
``circuits``           the circuit builder, exact unitaries, ``Õ(θ) = U†OU`` (Eq. 1)
``symmetry``           groups, commutants, the twirl (Eq. 2–5)
``data``               the paper's data sets, encoded states in Pauli form
``derived``            penalties (Eq. 6), norms, costs (Eq. 7), post-processing (Eq. 12–13)
``training``           training, sweeps, shot estimators, attainable symmetry
``interop``            Qiskit, PennyLane, JSON and export
``experiments``        the paper's experiments and the studies
``cli``                the ``sggd-sym`` command, its cache, the proof recorder
=====================  ===================================================================

Apart from the layers: :mod:`sggd_sym.sim`, the independent numpy witness the tests compare derivations
against (it imports nothing symbolic and is deliberately not imported here), and :mod:`sggd_sym.testing`.
"""

from sggd_sym import algebra, circuits, data, derived, numeric, symmetry, training
from sggd_sym._former_paths import install as _install_former_paths
from sggd_sym._version import __version__
from sggd_sym.algebra import ops
from sggd_sym.algebra.pauli_sum import PauliSum
from sggd_sym.circuits import Circuit, heisenberg_observable
from sggd_sym.data import datasets, werner
from sggd_sym.derived import costs, norms, penalties, postprocess
from sggd_sym.derived.conditions import data_span_rank, lambda_crit, satisfies_constraint
from sggd_sym.derived.penalties import penalty
from sggd_sym.exceptions import DerivationBudgetError, GroupTooLargeError, InputTypeError, InputValueError, SggdError
from sggd_sym.numeric import DerivedFunction
from sggd_sym.symmetry import groups, twirling
from sggd_sym.symmetry.twirling import constraint_residual, twirl, twirled_observable
from sggd_sym.training import analysis, sweeps, train

__all__ = [
    # layers
    "algebra", "numeric", "circuits", "symmetry", "data", "derived", "training",
    # the modules SPEC §4 names, and the ones researchers reach for first
    "ops", "groups", "postprocess", "analysis", "costs", "penalties", "norms", "twirling", "datasets", "werner",
    "sweeps",
    # SPEC §4 functions and types
    "Circuit", "twirl", "twirled_observable", "constraint_residual", "penalty", "heisenberg_observable",
    "DerivedFunction", "PauliSum", "train",
    # verification helpers (Eq. 7 conditions on the data)
    "data_span_rank", "satisfies_constraint", "lambda_crit",
    # errors (SPEC §6)
    "SggdError", "InputValueError", "InputTypeError", "GroupTooLargeError", "DerivationBudgetError",
]

# ``import sggd_sym.costs`` and ``sg.heisenberg``: the former flat module paths keep working.
__getattr__ = _install_former_paths(__name__)
