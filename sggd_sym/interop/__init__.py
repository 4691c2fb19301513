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

from ..exceptions import InputValueError

__all__ = ["from_qiskit", "from_pennylane", "exact_angle_constant", "exact_slope", "linear_exact_angle",
           "missing_extra"]

#: Largest denominator tried when recognising ``float = (p/q)·π`` or a rational slope.
MAX_DENOMINATOR = 10_000
#: Absolute tolerance of that recognition.
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


def from_qiskit(circuit, **kwargs):
    """See :func:`sggd_sym.interop.qiskit.from_qiskit`."""
    from .qiskit import from_qiskit as impl

    return impl(circuit, **kwargs)


def from_pennylane(qfunc_or_tape, *args, **kwargs):
    """See :func:`sggd_sym.interop.pennylane.from_pennylane`."""
    from .pennylane import from_pennylane as impl

    return impl(qfunc_or_tape, *args, **kwargs)
