"""PennyLane QNode, quantum function or tape → :class:`sggd_sym.Circuit`, every gate mapped exactly.

PennyLane orders wires big-endian like this package, so with wires ``0..n−1`` (or a given ``wires`` order)
the imported unitary equals ``qml.matrix(qfunc, wire_order=wires)``.

**Parameters follow the layout of the quantum function's trainable arguments**: the trainable arguments
(positional then keyword, in call order) are flattened in C order and element ``j`` becomes the real Symbol
``theta_j`` (or ``names[j]``).  So for ``StronglyEntanglingLayers(weights, …)`` the derived penalty is
evaluated at ``weights.reshape(-1)`` (or :meth:`ImportedModel.values`), and
:func:`~sggd_sym.interop.export.to_pennylane_penalty` accepts ``weights`` itself.  An argument is trainable
when it is a float array (NumPy, JAX, or ``pennylane.numpy`` unless ``requires_grad=False``) or a Python
float; ``trainable=[0, "weights"]`` (argument positions or keyword names) chooses explicitly.  Each gate
angle must be an affine function of the arguments with rational slopes (``x[0]``, ``2*x[1] + x[0]``,
``-x/2``); this is found by evaluating the quantum function at the example point and at unit steps, and
checked at a random point.  Constant angles must be rational multiples of π.

Templates (``StronglyEntanglingLayers``, ``BasicEntanglerLayers``, …), ``Rot``, ``U3`` and every other
operation outside :data:`SUPPORTED_OPERATIONS` are decomposed with PennyLane's own ``decomposition()``,
repeatedly.  A QNode's ``expval`` measurement gives the observable (:func:`load_pennylane`).

For a tape, each trainable tape parameter (``tape.trainable_params``) is its own Symbol, in tape order.

Conventions (PennyLane's, equal to this package's): ``RX(θ) = exp(−iθX/2)``,
``IsingZZ(θ) = exp(−iθ Z⊗Z/2)``, ``PauliRot(θ, P) = exp(−iθP/2)``, ``MultiRZ(θ) = exp(−iθ Z⋯Z/2)``,
``PhaseShift(φ) = diag(1, e^{iφ})``, ``GlobalPhase(φ) = e^{−iφ} I``.
"""

from __future__ import annotations

import numbers

import numpy as np
import sympy as sp

from sggd_sym.circuits.circuit import Circuit
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.interop import exact_angle_constant, exact_slope, missing_extra
from sggd_sym.interop.model import ImportedModel
from sggd_sym.numeric.bridge import DEFAULT_ATOL

__all__ = ["from_pennylane", "load_pennylane", "observable_from_pennylane", "pauli_terms_from_pennylane",
           "SUPPORTED_OPERATIONS"]

_FIXED = {"Hadamard": "h", "PauliX": "x", "PauliY": "y", "PauliZ": "z", "S": "s", "T": "t",
          "CNOT": "cnot", "CZ": "cz", "SWAP": "swap"}
_ROTATIONS = {"RX": "rx", "RY": "ry", "RZ": "rz", "CRX": "crx", "CRY": "cry", "CRZ": "crz"}
_ISING = {"IsingXX": "XX", "IsingYY": "YY", "IsingZZ": "ZZ"}
_HALF = sp.Rational(1, 2)
_PHASE = {"I": -1, "Z": 1}
_CPHASE = {"II": -_HALF, "IZ": _HALF, "ZI": _HALF, "ZZ": -_HALF}
_IGNORED = {"Identity", "Barrier", "Snapshot"}

#: PennyLane operation names :func:`from_pennylane` maps directly (others are decomposed).
SUPPORTED_OPERATIONS = tuple(sorted(set(_FIXED) | set(_ROTATIONS) | set(_ISING) | _IGNORED
                                    | {"PauliRot", "MultiRZ", "PhaseShift", "ControlledPhaseShift", "GlobalPhase"}))
#: Nesting depth of ``decomposition()`` tried before giving up.
MAX_DECOMPOSITION_DEPTH = 20


def _qml():
    try:
        import pennylane as qml
    except ImportError:
        raise missing_extra("pennylane", "pennylane") from None
    return qml


def from_pennylane(model, *args, wires=None, names=None, trainable=None, **kwargs) -> Circuit:
    """Convert a PennyLane QNode or quantum function (called with the example ``args``/``kwargs``), or a
    ``QuantumScript``/``QuantumTape``, into an exact :class:`~sggd_sym.Circuit`.

    ``wires``: the wire order, wire ``wires[k]`` → qubit ``k`` (default: a QNode's device wires, else the
    tape's wires, which must then be ``0..n−1``).  ``names``: Symbol names, one per element of the trainable
    arguments (default ``theta_0, …``).  ``trainable``: positions / keyword names of the trainable
    arguments (default: every float array or float argument).  See the module documentation for the
    parameter layout.

    >>> qml = __import__("pytest").importorskip("pennylane")
    >>> import numpy as np
    >>> def qfunc(x):
    ...     qml.RY(x[1], wires=0); qml.CNOT(wires=[0, 1]); qml.IsingZZ(2 * x[0], wires=[0, 1])
    >>> c = from_pennylane(qfunc, np.array([0.1, 0.2]))
    >>> c.parameters, [g.angle for g in c.gates]
    ((theta_0, theta_1), [theta_1, None, 2*theta_0])
    """
    return load_pennylane(model, *args, wires=wires, names=names, trainable=trainable, **kwargs).circuit


def load_pennylane(model, *args, wires=None, names=None, trainable=None, tolerance=None,
                   **kwargs) -> ImportedModel:
    """Like :func:`from_pennylane`, returning an :class:`~sggd_sym.interop.model.ImportedModel`: the circuit,
    the exact observable of the QNode's (or quantum function's) single ``qml.expval`` measurement
    (coefficients converted exactly, ``tolerance=`` as in :func:`observable_from_pennylane`), and
    ``values(*args)`` to lay the framework's arguments out as ``circuit.parameters``."""
    qml = _qml()
    if isinstance(model, qml.tape.QuantumScript):
        if args or kwargs:
            raise InputValueError("from_pennylane: a tape takes no example arguments")
        if trainable is not None:
            raise InputValueError("from_pennylane: for a tape, set tape.trainable_params instead of trainable=")
        return _load_tape(qml, model, wires, names, tolerance)
    device_wires = None
    if isinstance(model, qml.QNode):
        func = model.func
        device_wires = getattr(model.device, "wires", None)
        device_wires = list(device_wires) if device_wires is not None and len(device_wires) else None
    elif callable(model):
        func = model
    else:
        raise InputTypeError("from_pennylane: model expected a QNode, a quantum function or a "
                             f"QuantumScript/QuantumTape, got {type(model).__name__}")
    slots = _trainable_slots(qml, args, kwargs, trainable)
    base, shapes = _flatten_slots(qml, args, kwargs, slots)

    def record(flat):
        a, kw = _substitute(args, kwargs, slots, shapes, flat)
        return qml.tape.make_qscript(func)(*a, **kw)

    def flatten(*a, **kw):
        full_args = tuple(a) + tuple(args[len(a):])
        full_kwargs = {**kwargs, **kw}
        values, _ = _flatten_slots(qml, full_args, full_kwargs, slots, check=False)
        return values

    layout = tuple((key, shape) for key, shape in zip(slots, shapes))
    return _build(qml, record, base, wires if wires is not None else device_wires, wires is None and
                  device_wires is None, names, tolerance, layout, flatten)


def _load_tape(qml, tape, wires, names, tolerance) -> ImportedModel:
    indices = list(tape.trainable_params)
    params = tape.get_parameters(trainable_only=True)
    base = np.array([float(np.real(qml.math.toarray(p))) for p in params], dtype=float)

    def record(flat):
        return tape.bind_new_parameters(list(flat), indices)

    def flatten(values):
        from sggd_sym.interop import parameter_values

        return parameter_values(circuit_params, values, "ImportedModel.values")

    circuit_params: list = []
    model = _build(qml, record, base, wires, wires is None, names, tolerance, (("trainable_params", (len(base),)),),
                   flatten)
    circuit_params.extend(model.circuit.parameters)
    return model


# -- trainable arguments ---------------------------------------------------------------------------

def _is_trainable(qml, value) -> bool:
    if isinstance(value, (bool, np.bool_)) or isinstance(value, numbers.Integral):
        return False
    if isinstance(value, (float, np.floating)):
        return True
    if hasattr(value, "requires_grad") and qml.math.get_interface(value) == "autograd":
        if not value.requires_grad:
            return False
    try:
        kind = np.dtype(getattr(value, "dtype", None)).kind if hasattr(value, "dtype") else None
    except TypeError:
        return False
    return kind == "f"


def _trainable_slots(qml, args, kwargs, trainable) -> list:
    if trainable is None:
        slots = [j for j, v in enumerate(args) if _is_trainable(qml, v)]
        slots += [k for k, v in kwargs.items() if _is_trainable(qml, v)]
        return slots
    if isinstance(trainable, (int, str)):
        trainable = [trainable]
    slots = []
    for key in trainable:
        if isinstance(key, bool) or not isinstance(key, (int, str)):
            raise InputTypeError(f"from_pennylane: trainable entries must be argument positions or keyword names, "
                                 f"got {key!r}")
        if isinstance(key, int) and not 0 <= key < len(args):
            raise InputValueError(f"from_pennylane: trainable position {key} is not among the {len(args)} arguments")
        if isinstance(key, str) and key not in kwargs:
            raise InputValueError(f"from_pennylane: trainable keyword {key!r} is not among {sorted(kwargs)}")
        if key in slots:
            raise InputValueError(f"from_pennylane: trainable argument {key!r} given twice")
        slots.append(key)
    return slots


def _slot_value(args, kwargs, key):
    return args[key] if isinstance(key, int) else kwargs[key]


def _flatten_slots(qml, args, kwargs, slots, check=True):
    parts, shapes = [], []
    for key in slots:
        value = _slot_value(args, kwargs, key)
        try:
            arr = np.asarray(qml.math.toarray(value) if not isinstance(value, (float, int)) else value, dtype=float)
        except (TypeError, ValueError):
            raise InputTypeError(f"from_pennylane: trainable argument {key!r} must be a float array, got "
                                 f"{type(value).__name__}") from None
        if check and not np.all(np.isfinite(arr)):
            raise InputValueError(f"from_pennylane: trainable argument {key!r} has NaN or inf entries")
        parts.append(arr.reshape(-1))
        shapes.append(arr.shape)
    flat = np.concatenate(parts) if parts else np.zeros(0)
    return flat, shapes


def _substitute(args, kwargs, slots, shapes, flat):
    args, kwargs = list(args), dict(kwargs)
    offset = 0
    for key, shape in zip(slots, shapes):
        size = int(np.prod(shape)) if shape else 1
        chunk = np.array(flat[offset:offset + size], dtype=float).reshape(shape)
        offset += size
        value = float(chunk) if shape == () else chunk
        if isinstance(key, int):
            args[key] = value
        else:
            kwargs[key] = value
    return args, kwargs


# -- recording, decomposition and the affine map -------------------------------------------------------

def _decompose(qml, operations, where_prefix="from_pennylane", origins=None):
    """The operations decomposed to :data:`SUPPORTED_OPERATIONS`; ``origins`` (a list) receives the position of
    the recorded operation each one came from."""
    out = []

    def visit(op, depth, position):
        if op.name in SUPPORTED_OPERATIONS:
            out.append(op)
            if origins is not None:
                origins.append(position)
            return
        if depth >= MAX_DECOMPOSITION_DEPTH or not op.has_decomposition:
            raise InputValueError(
                f"{where_prefix}: operation {position} ({op.name} on wires {op.wires.tolist()}) is not supported and "
                f"has no decomposition; supported: {', '.join(SUPPORTED_OPERATIONS)}")
        for sub in op.decomposition():
            visit(sub, depth + 1, position)

    for position, op in enumerate(operations):
        visit(op, 0, position)
    return out


def _signature(op):
    word = op.hyperparameters.get("pauli_word") if op.name == "PauliRot" else None
    return (op.name, tuple(op.wires.tolist()), word, len(op.data))


def _data(qml, ops) -> np.ndarray:
    values = []
    for op in ops:
        for v in op.data:
            z = complex(np.asarray(qml.math.toarray(v)).reshape(()))
            values.append(z.real if abs(z.imag) <= 1e-14 * max(1.0, abs(z)) else np.nan)
    return np.array(values, dtype=float)


def _build(qml, record, base, wires, require_range, names, tolerance, layout, flatten) -> ImportedModel:
    tape = record(base)
    origin: list[int] = []
    ops = _decompose(qml, tape.operations, origins=origin)
    signature = [_signature(op) for op in ops]
    order = _wire_order(tape, wires, require_range)
    m = base.size
    symbols = _symbols(m, names)
    d0 = _data(qml, ops)
    slopes = np.zeros((d0.size, m))
    for j in range(m):
        step = base.copy()
        step[j] += 1.0
        ops_j = _decompose(qml, record(step).operations)
        if [_signature(op) for op in ops_j] != signature:
            raise InputValueError(f"from_pennylane: the circuit's gates change when trainable element {j} changes; "
                                  "only circuits whose structure does not depend on the parameter values are supported")
        slopes[:, j] = _data(qml, ops_j) - d0
    offsets = d0 - slopes @ base
    # the affine map must reproduce the recorded angles at a random point
    rng = np.random.default_rng(20240611)
    probe = base + rng.uniform(-1.0, 1.0, m)
    ops_r = _decompose(qml, record(probe).operations)
    if [_signature(op) for op in ops_r] != signature:
        raise InputValueError("from_pennylane: the circuit's gates change with the parameter values; only circuits "
                              "whose structure does not depend on them are supported")
    predicted = slopes @ probe + offsets
    actual = _data(qml, ops_r)
    circuit = Circuit(len(order), parameters=symbols)
    k = 0
    for index, op in enumerate(ops):
        source = tape.operations[origin[index]]
        where = f"from_pennylane: operation {origin[index]} ({source.name} on wires {source.wires.tolist()})"
        if source is not op:
            where += f", {op.name} after decomposition"
        angles = []
        for _ in op.data:
            if not np.isfinite(d0[k]) or not np.isfinite(actual[k]) or \
                    abs(predicted[k] - actual[k]) > DEFAULT_ATOL * max(1.0, abs(actual[k])):
                raise InputValueError(f"{where}: the gate angle is not an affine function of the trainable arguments "
                                      "(like x[0], 2*x[1] + x[0], -x/2); nonlinear maps such as sin(x) or x*y cannot "
                                      "be derived exactly")
            angle = exact_angle_constant(offsets[k], where)
            for j in np.flatnonzero(np.abs(slopes[k]) > 1e-13):
                angle += exact_slope(slopes[k, j], where) * symbols[j]
            angles.append(angle)
            k += 1
        _append(circuit, op, [order[w] for w in op.wires], angles, where)
    observable, problem = _measured_observable(qml, tape, order, tolerance)
    return ImportedModel(circuit, observable, layout, "pennylane", problem, wires=tuple(order), _flatten=flatten)


def _measured_observable(qml, tape, order, tolerance):
    measurements = list(tape.measurements)
    if len(measurements) != 1:
        return None, (f"the quantum function returns {len(measurements)} measurements; the observable is taken only "
                      "from a single qml.expval(...) (or pass observable=...)")
    mp = measurements[0]
    if type(mp).__name__ != "ExpectationMP" or mp.obs is None:
        return None, (f"the measurement {mp} is not qml.expval of an observable; pass observable=...")
    try:
        return observable_from_pennylane(mp.obs, wires=list(order), tolerance=tolerance), ""
    except (InputValueError, InputTypeError) as exc:
        return None, f"the measured observable cannot be converted exactly: {exc}"


def _wire_order(tape, wires, require_range) -> dict:
    labels = list(tape.wires) if wires is None else list(wires)
    if require_range:
        if sorted(labels) != list(range(len(labels))):
            raise InputValueError(f"from_pennylane: the wires {labels} are not 0..n-1; pass wires=[...] to say which "
                                  "wire is qubit 0, 1, …")
        labels = sorted(labels)
    if len(set(labels)) != len(labels):
        raise InputValueError(f"from_pennylane: wires {labels} repeat a wire")
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
                              f"element of the trainable arguments), got {names}")
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
    elif name == "GlobalPhase":
        # e^{−iφ} I = exp(−i (2φ) I/2): invisible to Õ, kept so that unitaries agree exactly.
        if angles[0] != 0:
            circuit.exp(2 * angles[0], {"I": 1}, [0])
    else:  # pragma: no cover - SUPPORTED_OPERATIONS and this table agree
        raise InputValueError(f"{where}: operation {name!r} is not supported")


# -- observables -------------------------------------------------------------------------------------

def pauli_terms_from_pennylane(op, *, wires=None, tolerance=None) -> dict[str, sp.Expr]:
    """Exact ``{word: coefficient}`` of a PennyLane operator (``qml.Z(0)``, ``qml.X(0) @ qml.X(1)``,
    ``0.5 * qml.Y(1)``, sums, ``qml.Hamiltonian``, …), ``word[k]`` acting on ``wires[k]`` (default: the
    operator's wires, which must be ``0..n−1``).  Operators without a Pauli representation (``qml.Hermitian``,
    projectors) go through ``qml.matrix`` and are decomposed exactly.  Float coefficients follow
    :func:`sggd_sym.interop.exact.exact_number` (``tolerance=`` to accept the nearest simple rational)."""
    qml = _qml()
    from sggd_sym.algebra import ops as sg_ops
    from sggd_sym.interop.exact import exact_matrix, exact_pauli_terms

    where = "observable_from_pennylane"
    if not isinstance(op, qml.operation.Operator):
        raise InputTypeError(f"{where}: op expected a PennyLane operator such as qml.Z(0), got {type(op).__name__}")
    if wires is None:
        labels = list(op.wires)
        if any(isinstance(w, bool) or not isinstance(w, numbers.Integral) or w < 0 for w in labels):
            raise InputValueError(f"{where}: the wires {labels} are not 0..n-1; pass wires=[...]")
        labels = list(range(max(labels) + 1)) if labels else [0]
    else:
        labels = list(wires)
    missing = [w for w in op.wires if w not in labels]
    if missing:
        raise InputValueError(f"{where}: the observable acts on wires {missing}, which are not in wires={labels}")
    position = {w: k for k, w in enumerate(labels)}
    n = len(labels)
    walked = _exact_walk(qml, op, where, tolerance)
    if walked is not None:
        pairs = []
        for word, coeff in walked:
            letters = ["I"] * n
            for w, letter in word.items():
                letters[position[w]] = letter
            pairs.append(("".join(letters), coeff))
        if not pairs:
            pairs = [("I" * n, 0)]
        return exact_pauli_terms(pairs, where, tolerance=tolerance)
    matrix = exact_matrix(qml.matrix(op, wire_order=labels), f"{where}: matrix entry", tolerance=tolerance)
    return sg_ops.pauli_decompose(matrix) or {"I" * n: sp.Integer(0)}


def _exact_walk(qml, op, where, tolerance):
    """``[(PauliWord, exact coefficient)]`` of ``op``, reading the scalars of ``Sum``/``SProd`` nodes exactly
    (``qml.dot`` keeps :class:`fractions.Fraction` scalars there, while ``pauli_rep`` holds floats), or ``None``
    when some part has no Pauli representation."""
    from sggd_sym.interop.exact import exact_number

    if isinstance(op, qml.ops.Sum):
        out = []
        for operand in op.operands:
            part = _exact_walk(qml, operand, where, tolerance)
            if part is None:
                return None
            out.extend(part)
        return out
    if isinstance(op, qml.ops.SProd):
        part = _exact_walk(qml, op.base, where, tolerance)
        if part is None:
            return None
        scalar = exact_number(op.scalar, f"{where}: coefficient", tolerance=tolerance)
        return [(word, scalar * c) for word, c in part]
    rep = op.pauli_rep
    if rep is None:
        return None
    return [(word, exact_number(c, f"{where}: coefficient", tolerance=tolerance)) for word, c in rep.items()]


def observable_from_pennylane(op, *, wires=None, tolerance=None) -> sp.ImmutableMatrix:
    """A PennyLane observable as an exact Hermitian SymPy matrix (see :func:`pauli_terms_from_pennylane`).

    >>> qml = __import__("pytest").importorskip("pennylane")
    >>> import sggd_sym as sg
    >>> observable_from_pennylane(qml.Z(0) + 0.5 * qml.X(0) @ qml.X(1)) == sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2)
    True
    """
    from sggd_sym.interop.exact import pauli_terms_matrix

    return pauli_terms_matrix(pauli_terms_from_pennylane(op, wires=wires, tolerance=tolerance),
                              "observable_from_pennylane")
