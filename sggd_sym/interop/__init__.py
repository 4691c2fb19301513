"""Bridges to other quantum software (optional extras; the core never imports them).

* :func:`from_qiskit` — a Qiskit ``QuantumCircuit`` → :class:`sggd_sym.Circuit` (``pip install sggd_sym[qiskit]``).
* :func:`from_pennylane` — a PennyLane quantum function or tape → :class:`sggd_sym.Circuit`
  (``pip install sggd_sym[pennylane]``).
* :mod:`sggd_sym.interop.export` — the derived penalty (Eq. 6) and the twirled observable ``T_G[Õ]``
  (Eq. 5) as functions PennyLane users add to their cost (autograd or JAX).

Qiskit and PennyLane are imported only inside these functions.  Bound float angles are kept exact only
when they are rational multiples of π (to 1e-12): :func:`exact_angle_constant`.
"""

from __future__ import annotations

import math
from fractions import Fraction

import sympy as sp

from sggd_sym.exceptions import InputTypeError, InputValueError

__all__ = ["from_qiskit", "from_pennylane", "observable", "load", "penalty", "twirled_observable",
           "parameter_values", "exact_angle_constant", "exact_slope", "linear_exact_angle", "missing_extra"]

#: Largest denominator tried when recognising ``float = (p/q)·π`` or a rational slope.
MAX_DENOMINATOR = 10_000
#: Relative tolerance of that recognition.  Deliberately far below the package's DEFAULT_ATOL: about 3·10⁷
#: fractions p/q with q ≤ MAX_DENOMINATOR lie in each unit interval, so at 1e-9 one float in twenty would be
#: "recognised" as some (p/q)·π; at 1e-12 one in 30,000.
TOLERANCE = 1e-12


def missing_extra(package: str, extra: str) -> ImportError:
    """The error raised when an optional dependency is absent."""
    return ImportError(f"{package} is not installed; install the extra with `pip install sggd_sym[{extra}]` "
                       f"(or `pip install {package}`)")


def exact_angle_constant(value, where: str) -> sp.Expr:
    """A bound float angle as an exact rational multiple of π (``0``, ``π/4``, ``−3π/2``, …).

    Raises :class:`InputValueError` naming ``where`` when ``value`` is no such multiple within 1e-12.
    """
    x = _real_float(value, where)
    if x == 0.0:
        return sp.Integer(0)
    ratio = Fraction(x / math.pi).limit_denominator(MAX_DENOMINATOR)
    if abs(float(ratio) * math.pi - x) > TOLERANCE * max(1.0, abs(x)):
        raise InputValueError(
            f"{where}: the bound angle {x!r} is not a rational multiple of pi (within {TOLERANCE}); "
            "the derivation must stay exact, so use a symbolic Parameter for it (and bind it numerically "
            "when evaluating), or an angle such as pi/4")
    return sp.Rational(ratio.numerator, ratio.denominator) * sp.pi


def exact_slope(value, where: str) -> sp.Rational:
    """A parameter's coefficient in an angle as an exact rational (``2``, ``1/2``; floats recognised to 1e-12)."""
    x = _real_float(value, where)
    ratio = Fraction(x).limit_denominator(MAX_DENOMINATOR)
    if abs(float(ratio) - x) > TOLERANCE * max(1.0, abs(x)):
        raise InputValueError(f"{where}: the parameter coefficient {x!r} is not a simple rational number; "
                              "only angles like 2*t, t/2 + pi/4 can be derived exactly")
    return sp.Rational(ratio.numerator, ratio.denominator)


def _real_float(value, where: str) -> float:
    try:
        z = complex(value)
    except (TypeError, ValueError):
        raise InputValueError(f"{where}: expected a real number, got {value!r}") from None
    if abs(z.imag) > TOLERANCE or not math.isfinite(z.real):
        raise InputValueError(f"{where}: angle {value!r} must be a finite real number")
    return z.real


def linear_exact_angle(expr: sp.Expr, symbols: dict[str, sp.Symbol], where: str) -> sp.Expr:
    """An angle given as a SymPy expression with float constants → ``Σ a_j θ_j + b`` exact.

    ``symbols`` maps the names of the expression's free symbols to the circuit Symbols; slopes ``a_j``
    must be rational and ``b`` a rational multiple of π.  Used on the SymPy form of Qiskit
    ``ParameterExpression`` objects (never on text).
    """
    expr = sp.expand(expr)
    free = sorted(expr.free_symbols, key=str)
    for s in free:
        if str(s) not in symbols:
            raise InputValueError(f"{where}: the angle uses {s}, which is not a parameter of the circuit")
    if free:
        try:
            poly = sp.Poly(expr, *free)
        except sp.PolynomialError:
            poly = None
        if poly is None or poly.total_degree() > 1:
            raise InputValueError(f"{where}: the angle {expr} is not linear in its parameters; only angles "
                                  "like 2*t or t/2 + pi/4 can be derived exactly")
    total = exact_angle_constant(sp.N(expr.subs({s: 0 for s in free}), 20), where)
    for s in free:
        total += exact_slope(sp.N(expr.coeff(s), 20), where) * symbols[str(s)]
    return total


def parameter_values(parameters, values, where: str = "parameter_values"):
    """``values`` as a float array ordered as ``parameters`` (a tuple of SymPy Symbols).

    ``values`` is an array of that length (any layout that flattens to it: a PennyLane weight tensor, a
    JAX array), or a mapping whose keys are the Symbols, their names, Qiskit ``Parameter``\\ s (matched by
    name) or a Qiskit ``ParameterVector`` (mapped to an array of its length), like the dict
    ``QuantumCircuit.assign_parameters`` takes.

    >>> import sympy as sp
    >>> a, b = sp.symbols("a b", real=True)
    >>> parameter_values((a, b), {"b": 2.0, a: 1.0})
    array([1., 2.])
    """
    import numpy as np

    parameters = tuple(parameters)
    if hasattr(values, "items"):
        by_name: dict[str, float] = {}
        for key, value in values.items():
            if isinstance(key, sp.Symbol):
                names = [key.name]
                vals = [value]
            elif isinstance(key, str):
                names, vals = [key], [value]
            elif hasattr(key, "params") and hasattr(key, "name") and hasattr(key, "__len__"):
                # a Qiskit ParameterVector: its elements in order
                names = [e.name for e in key.params]
                vals = list(np.asarray(value, dtype=float).reshape(-1))
                if len(vals) != len(names):
                    raise InputValueError(f"{where}: {key.name} has {len(names)} elements but got {len(vals)} values")
            elif hasattr(key, "name"):
                names, vals = [key.name], [value]
            else:
                raise InputTypeError(f"{where}: cannot read the key {key!r}; use Symbols, names or Qiskit Parameters")
            for name, v in zip(names, vals):
                if name in by_name:
                    raise InputValueError(f"{where}: the parameter {name} is given twice")
                by_name[name] = v
        missing = [p.name for p in parameters if p.name not in by_name]
        extra = sorted(set(by_name) - {p.name for p in parameters})
        if missing or extra:
            raise InputValueError(f"{where}: values must give exactly the parameters {[p.name for p in parameters]}"
                                  + (f"; missing {missing}" if missing else "") + (f"; unknown {extra}" if extra else ""))
        arr = np.array([float(np.real(by_name[p.name])) for p in parameters])
    else:
        try:
            arr = np.asarray(values, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise InputTypeError(f"{where}: values expected an array of numbers or a mapping, got "
                                 f"{type(values).__name__}") from None
        if arr.size != len(parameters):
            raise InputValueError(f"{where}: expected {len(parameters)} values for {parameters}, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise InputValueError(f"{where}: values must be finite (got NaN or inf)")
    return arr


def from_qiskit(qc, *, decompose: bool = True):
    """A Qiskit ``QuantumCircuit`` → exact :class:`~sggd_sym.Circuit`; parameters are ``qc.parameters`` (the
    order of ``qc.assign_parameters``), library circuits are decomposed automatically.  Full documentation:
    :func:`sggd_sym.interop.qiskit.from_qiskit`."""
    from sggd_sym.interop.qiskit import from_qiskit as impl

    return impl(qc, decompose=decompose)


def from_pennylane(model, *args, wires=None, names=None, trainable=None, **kwargs):
    """A PennyLane QNode, quantum function (called with example ``args``/``kwargs``) or tape → exact
    :class:`~sggd_sym.Circuit`; parameters follow the layout of the trainable arguments, templates and
    ``Rot``/``U3`` are decomposed automatically.  Full documentation:
    :func:`sggd_sym.interop.pennylane.from_pennylane`."""
    from sggd_sym.interop.pennylane import from_pennylane as impl

    return impl(model, *args, wires=wires, names=names, trainable=trainable, **kwargs)


def observable(obj, n_qubits: int | None = None, *, wires=None, tolerance: float | None = None,
               where: str = "observable"):
    """Any observable a user already has, as an exact Hermitian SymPy matrix (qubit 0 leftmost):

    * a PennyLane operator (``qml.Z(0)``, ``qml.Z(0) + 0.5 * qml.X(0) @ qml.X(1)``, ``qml.Hamiltonian``, …;
      ``wires`` gives the wire order) — :func:`sggd_sym.interop.pennylane.observable_from_pennylane`;
    * a Qiskit ``SparsePauliOp``, ``Pauli``, ``SparseObservable`` or ``Operator`` (Qiskit's little-endian
      order is converted) — :func:`sggd_sym.interop.qiskit.observable_from_qiskit`;
    * a numpy array or nested list in this package's order (integer entries, or floats that are exactly
      simple dyadic rationals; others need ``tolerance=``);
    * a ``{Pauli word: coefficient}`` mapping (``word[k]`` on qubit ``k``);
    * a Pauli-sum string such as ``"Z0 + 1/2 X0 X1"`` (needs ``n_qubits``; read by
      :func:`sggd_sym.algebra.ops.pauli_sum`, never evaluated);
    * an exact SymPy matrix (checked and returned).

    ``n_qubits``, when given, is checked against the result.

    >>> import numpy as np, sggd_sym as sg
    >>> observable(np.diag([1, -1])) == sg.ops.pauli("Z")
    True
    >>> observable({"ZI": 0.5, "XX": 1}) == sg.ops.pauli_sum("1/2 Z0 + X0 X1", 2)
    True
    """
    from sggd_sym import _checks
    from sggd_sym.algebra import ops
    from sggd_sym.interop.exact import exact_matrix, exact_pauli_terms, pauli_terms_matrix

    module = type(obj).__module__ or ""
    if module.startswith("pennylane"):
        from sggd_sym.interop.pennylane import observable_from_pennylane

        result = observable_from_pennylane(obj, wires=wires, tolerance=tolerance)
    elif module.startswith("qiskit"):
        from sggd_sym.interop.qiskit import observable_from_qiskit

        result = observable_from_qiskit(obj, tolerance=tolerance)
    elif isinstance(obj, str):
        if n_qubits is None:
            raise InputValueError(f"{where}: a Pauli-sum string needs n_qubits (e.g. observable('Z0 + X1', 2))")
        result = ops.pauli_sum(obj, n_qubits)
    elif isinstance(obj, sp.MatrixBase):
        result = _checks.hermitian(where, "observable", obj)
    elif hasattr(obj, "items"):
        result = pauli_terms_matrix(exact_pauli_terms(obj, where, tolerance=tolerance), where)
    elif hasattr(obj, "shape") or isinstance(obj, (list, tuple)):
        result = _checks.hermitian(where, "observable", exact_matrix(obj, where, tolerance=tolerance))
    else:
        raise InputTypeError(f"{where}: cannot read an observable from {type(obj).__name__}; pass a PennyLane "
                             "operator, a Qiskit SparsePauliOp, a numpy array, a {word: coefficient} dict or a "
                             "sympy Matrix")
    if n_qubits is not None and result.rows != 2**n_qubits:
        if module.startswith("pennylane") and wires is None and result.rows < 2**n_qubits:
            from sggd_sym.interop.pennylane import observable_from_pennylane

            return observable_from_pennylane(obj, wires=list(range(n_qubits)), tolerance=tolerance)
        raise InputValueError(f"{where}: the observable acts on {result.rows.bit_length() - 1} qubit(s) but "
                              f"{n_qubits} are needed")
    return result


def load(model, *args, observable=None, tolerance: float | None = None, **kwargs):
    """Import a framework model in one call: a Qiskit ``QuantumCircuit`` (library classes included) or a
    PennyLane QNode / quantum function (with its example arguments) / tape.

    Returns an :class:`~sggd_sym.interop.model.ImportedModel` with ``.circuit`` (parameters in the
    framework's layout), ``.observable`` (from ``observable=`` — any form :func:`observable` reads — or a
    QNode's ``qml.expval`` measurement), ``.values(...)`` and ``.penalty(group)``.  Other keyword arguments
    (``wires``, ``names``, ``trainable``) go to :func:`sggd_sym.interop.pennylane.load_pennylane`.
    """
    from dataclasses import replace

    from sggd_sym.interop.model import ImportedModel

    if type(model).__module__.startswith("qiskit"):
        if args or kwargs:
            raise InputValueError("load: a Qiskit circuit takes no example arguments "
                                  f"(got {len(args)} positional and {sorted(kwargs)})")
        from sggd_sym.interop.qiskit import from_qiskit as qiskit_impl

        circuit = qiskit_impl(model)
        imported = ImportedModel(circuit, None, (("parameters", (len(circuit.parameters),)),), "qiskit",
                                 "a Qiskit circuit carries no observable; pass observable=...",
                                 _flatten=lambda values: parameter_values(circuit.parameters, values,
                                                                          "ImportedModel.values"))
    else:
        from sggd_sym.interop.pennylane import load_pennylane

        imported = load_pennylane(model, *args, tolerance=tolerance, **kwargs)
    if observable is not None:
        wires = list(imported.wires) or None
        matrix = globals()["observable"](observable, imported.circuit.n_qubits, wires=wires, tolerance=tolerance,
                                         where="load")
        imported = replace(imported, observable_matrix=matrix)
    return imported


def penalty(model, group, *args, observable=None, tolerance: float | None = None, **kwargs):
    """The SGGD penalty (Eq. 6) of a Qiskit or PennyLane model in one call: ``load(model, *args, …).penalty(group)``.

    Its parameters follow the framework's layout (Qiskit ``qc.parameters``; PennyLane the flattened trainable
    arguments).
    """
    return load(model, *args, observable=observable, tolerance=tolerance, **kwargs).penalty(group)


def twirled_observable(model, group, *args, observable=None, tolerance: float | None = None, **kwargs):
    """The twirled observable ``T_G[Õ(θ)]`` (Eq. 5) of a Qiskit or PennyLane model in one call."""
    return load(model, *args, observable=observable, tolerance=tolerance, **kwargs).twirled_observable(group)
