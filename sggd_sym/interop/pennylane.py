"""PennyLane quantum function or tape → :class:`sggd_sym.Circuit`, every gate mapped exactly.

PennyLane orders wires big-endian like this package, so with wires ``0..n−1`` (or a given ``wires`` order)
the imported unitary equals ``qml.matrix(qfunc, wire_order=wires)``.  Each *trainable* gate parameter
(one that requires a gradient; for a tape, ``tape.trainable_params``) becomes its own real Symbol
``theta_0, theta_1, …`` in tape order (or the names given); every other parameter must be a rational
multiple of π and is kept exact.  A value reused in two gates gives two Symbols, as on a PennyLane tape.

Conventions (PennyLane's, equal to this package's): ``RX(θ) = exp(−iθX/2)``,
``IsingZZ(θ) = exp(−iθ Z⊗Z/2)``, ``PauliRot(θ, P) = exp(−iθP/2)``, ``MultiRZ(θ) = exp(−iθ Z⋯Z/2)``,
``PhaseShift(φ) = diag(1, e^{iφ})``.
"""

from __future__ import annotations

import sympy as sp

from ..circuits import Circuit
from ..exceptions import InputTypeError, InputValueError
from . import exact_angle_constant, missing_extra

__all__ = ["from_pennylane", "SUPPORTED_OPERATIONS"]

_FIXED = {"Hadamard": "h", "PauliX": "x", "PauliY": "y", "PauliZ": "z", "S": "s", "T": "t",
          "CNOT": "cnot", "CZ": "cz", "SWAP": "swap"}
_ROTATIONS = {"RX": "rx", "RY": "ry", "RZ": "rz", "CRX": "crx", "CRY": "cry", "CRZ": "crz"}
_ISING = {"IsingXX": "XX", "IsingYY": "YY", "IsingZZ": "ZZ"}
_HALF = sp.Rational(1, 2)
_PHASE = {"I": -1, "Z": 1}
_CPHASE = {"II": -_HALF, "IZ": _HALF, "ZI": _HALF, "ZZ": -_HALF}
_IGNORED = {"Identity", "Barrier"}

#: PennyLane operation names :func:`from_pennylane` maps.
SUPPORTED_OPERATIONS = tuple(sorted(set(_FIXED) | set(_ROTATIONS) | set(_ISING) | _IGNORED
                                    | {"PauliRot", "MultiRZ", "PhaseShift", "ControlledPhaseShift"}))


def from_pennylane(qfunc_or_tape, *args, wires=None, names=None, **kwargs) -> Circuit:
    """Convert a PennyLane quantum function (called with the example ``args``/``kwargs``) or a
    ``QuantumScript``/``QuantumTape`` into an exact :class:`~sggd_sym.Circuit`.

    ``wires``: the wire order, wire ``wires[k]`` → qubit ``k`` (default: the tape's wires, which must then
    be ``0..n−1``).  ``names``: Symbol names for the trainable parameters (default ``theta_0, …``).

    >>> qml = __import__("pytest").importorskip("pennylane")
    >>> from pennylane import numpy as pnp
    >>> def qfunc(x):
    ...     qml.RY(x[0], wires=0); qml.CNOT(wires=[0, 1]); qml.IsingZZ(x[1], wires=[0, 1])
    >>> from_pennylane(qfunc, pnp.array([0.1, 0.2])).parameters
    (theta_0, theta_1)
    """
    try:
        import pennylane as qml
    except ImportError:
        raise missing_extra("pennylane", "pennylane") from None
    if isinstance(qfunc_or_tape, qml.tape.QuantumScript):
        if args or kwargs:
            raise InputValueError("from_pennylane: a tape takes no example arguments")
        tape = qfunc_or_tape
        trainable = set(tape.trainable_params)
    elif callable(qfunc_or_tape):
        tape = qml.tape.make_qscript(qfunc_or_tape)(*args, **kwargs)
        trainable = {i for i, p in enumerate(tape.get_parameters(trainable_only=False))
                     if qml.math.requires_grad(p)}
    else:
        raise InputTypeError("from_pennylane: qfunc_or_tape expected a quantum function or a "
                             f"QuantumScript/QuantumTape, got {type(qfunc_or_tape).__name__}")
    order = _wire_order(tape, wires)
    symbols = _symbols(len(trainable), names)
    circuit = Circuit(len(order))
    index = 0
    k = 0
    for position, op in enumerate(tape.operations):
        where = f"from_pennylane: operation {position} ({op.name} on wires {op.wires.tolist()})"
        angles = []
        for value in op.data:
            if index in trainable:
                angles.append(symbols[k])
                k += 1
            else:
                angles.append(exact_angle_constant(qml.math.toarray(value), where))
            index += 1
        qubits = [order[w] for w in op.wires]
        _append(circuit, op, qubits, angles, where)
    return circuit


def _wire_order(tape, wires) -> dict:
    labels = list(tape.wires) if wires is None else list(wires)
    if wires is None and sorted(labels) != list(range(len(labels))):
        raise InputValueError(f"from_pennylane: the wires {labels} are not 0..n-1; pass wires=[...] to say which "
                              "wire is qubit 0, 1, …")
    if wires is None:
        labels = sorted(labels)
    missing = [w for w in tape.wires if w not in labels]
    if missing:
        raise InputValueError(f"from_pennylane: wires {missing} used by the circuit are not in wires={labels}")
    if not labels:
        raise InputValueError("from_pennylane: the circuit has no wires")
    return {w: k for k, w in enumerate(labels)}


def _symbols(count: int, names) -> list[sp.Symbol]:
    if names is None:
        return [sp.Symbol(f"theta_{j}", real=True) for j in range(count)]
    names = list(names)
    if len(names) != count or not all(isinstance(n, str) and n for n in names) or len(set(names)) != count:
        raise InputValueError(f"from_pennylane: names must be {count} distinct non-empty strings (one per "
                              f"trainable parameter), got {names}")
    return [sp.Symbol(n, real=True) for n in names]


def _append(circuit: Circuit, op, q: list[int], angles: list[sp.Expr], where: str) -> None:
    name = op.name
    if name in _IGNORED:
        return
    if name in _FIXED:
        getattr(circuit, _FIXED[name])(*q)
    elif name in _ROTATIONS:
        getattr(circuit, _ROTATIONS[name])(angles[0], *q)
    elif name in _ISING:
        circuit.pauli(angles[0], _ISING[name], q)
    elif name == "PauliRot":
        word = op.hyperparameters["pauli_word"]
        circuit.exp(angles[0], {word: 1}, q, _name="pauli")
    elif name == "MultiRZ":
        circuit.pauli(angles[0], "Z" * len(q), q)
    elif name == "PhaseShift":
        circuit.exp(angles[0], _PHASE, q)
    elif name == "ControlledPhaseShift":
        circuit.exp(angles[0], _CPHASE, q)
    else:
        raise InputValueError(f"{where}: operation {name!r} is not supported; supported: "
                              f"{', '.join(SUPPORTED_OPERATIONS)} (decompose it first, e.g. with "
                              "qml.transforms.decompose)")
