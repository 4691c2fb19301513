"""A circuit imported from a framework, with its observable and its parameter layout.

:class:`ImportedModel` is what :func:`sggd_sym.interop.load` returns for a Qiskit ``QuantumCircuit`` or a
PennyLane QNode / quantum function / tape: the exact :class:`~sggd_sym.Circuit`, the exact observable
(from the QNode's ``expval`` measurement, or as given), and how the framework's own parameter values map
onto ``circuit.parameters``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from sggd_sym.circuits.circuit import Circuit
from sggd_sym.exceptions import InputValueError

__all__ = ["ImportedModel"]


@dataclass(frozen=True)
class ImportedModel:
    """An imported circuit.

    Attributes
    ----------
    circuit : the exact :class:`~sggd_sym.Circuit`; its ``parameters`` follow the framework's layout
        (Qiskit: ``qc.parameters``; PennyLane: the trainable arguments flattened in order, C order).
    observable_matrix : the exact observable, or ``None`` (see :attr:`observable`).
    layout : ``((argument, shape), …)`` — for PennyLane the trainable arguments (positions or keyword names)
        and their shapes; for Qiskit ``(("parameters", (p,)),)``.
    source : ``"qiskit"`` or ``"pennylane"``.
    wires : for PennyLane, the wire labels in qubit order (qubit ``k`` is ``wires[k]``).
    """

    circuit: Circuit
    observable_matrix: sp.ImmutableMatrix | None = None
    layout: tuple = ()
    source: str = ""
    observable_problem: str = field(default="no observable was given", repr=False)
    wires: tuple = ()
    _flatten: object = field(default=None, repr=False, compare=False)

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        return self.circuit.parameters

    @property
    def observable(self) -> sp.ImmutableMatrix:
        """The exact observable; raises ``InputValueError`` saying why when there is none."""
        if self.observable_matrix is None:
            raise InputValueError(f"ImportedModel: {self.observable_problem}")
        return self.observable_matrix

    def values(self, *args, **kwargs) -> np.ndarray:
        """The framework's parameter values as a vector ordered as :attr:`parameters`.

        PennyLane: the same arguments as the quantum function (non-trainable ones may be omitted when they
        come after the trainable ones); Qiskit: an array in ``qc.parameters`` order or a mapping
        ``{Parameter | name: value}`` as ``assign_parameters`` takes.
        """
        return self._flatten(*args, **kwargs)

    def _observable_or(self, observable, where: str):
        if observable is None:
            return self.observable
        from sggd_sym.interop import observable as convert

        return convert(observable, self.circuit.n_qubits, wires=list(self.wires) or None, where=where)

    def twirled_observable(self, group, observable=None):
        """:func:`sggd_sym.twirled_observable` of the imported circuit (observable: the model's, or given)."""
        from sggd_sym.symmetry.twirling import twirled_observable

        return twirled_observable(self.circuit, self._observable_or(observable, "ImportedModel.twirled_observable"),
                                  group)

    def penalty(self, group, observable=None):
        """:func:`sggd_sym.penalty` (Eq. 6) of the imported circuit; call it on :meth:`values`."""
        from sggd_sym.derived.penalties import penalty

        return penalty(self.circuit, self._observable_or(observable, "ImportedModel.penalty"), group)
