"""Exact numbers and operators from framework data (floats, numpy arrays, Pauli-term tables).

The derivations of this package are exact, so a float coefficient coming from Qiskit, PennyLane or numpy
is converted only when its value is certain:

* a float whose exact binary value is a rational with a small power-of-two denominator (``3.0``, ``0.5``,
  ``-0.375``; denominator at most ``2**32``) *is* that rational, and is taken as such;
* any other float (``0.1``, ``1/3``, ``0.7071…``) is refused, because the rational it was meant to be is a
  guess — unless ``tolerance=`` is given, in which case the simplest rational with denominator at most
  :data:`MAX_DENOMINATOR` within ``tolerance`` is taken (``0.1`` → ``1/10``, ``0.333…`` → ``1/3``).

Integers, :class:`fractions.Fraction` and exact SymPy numbers are always exact.  Nothing is parsed from
text and ``sympify`` is never called on strings.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction

import numpy as np
import sympy as sp

from sggd_sym.algebra import ops
from sggd_sym.exceptions import InputTypeError, InputValueError

__all__ = ["exact_number", "exact_matrix", "exact_pauli_terms", "pauli_terms_matrix", "MAX_DENOMINATOR",
           "MAX_EXACT_DYADIC", "MAX_QUBITS"]

#: Largest denominator of the rational searched for when ``tolerance=`` is given.
MAX_DENOMINATOR = 10_000
#: Largest power-of-two denominator of a float that is taken as exactly the rational it stores.
MAX_EXACT_DYADIC = 2**32
#: Largest number of qubits for which an observable is formed as a dense exact matrix.
MAX_QUBITS = 10


def exact_number(value, where: str, *, tolerance: float | None = None, real: bool = False) -> sp.Expr:
    """``value`` as an exact SymPy number (rational real and imaginary parts).

    ``where`` names the argument in error messages; ``real=True`` refuses a nonzero imaginary part.

    >>> exact_number(0.5, "c"), exact_number(3, "c"), exact_number(0.1, "c", tolerance=1e-12)
    (1/2, 3, 1/10)
    >>> exact_number(0.1, "c")
    Traceback (most recent call last):
    ...
    sggd_sym.exceptions.InputValueError: c: the float 0.1 is not exactly a simple rational (its exact value has denominator 2**55); pass an exact number (fractions.Fraction, sympy.Rational) or give tolerance= (e.g. tolerance=1e-12) to accept the nearest simple rational
    """
    if tolerance is not None:
        if isinstance(tolerance, bool) or not isinstance(tolerance, numbers.Real) or not (0 <= tolerance < 1):
            raise InputValueError(f"{where}: tolerance must be a real number in [0, 1), got {tolerance!r}")
    if isinstance(value, sp.Basic):
        expr = value
        if expr.has(sp.Float):
            return exact_number(complex(expr), where, tolerance=tolerance, real=real)
        if expr.free_symbols or not expr.is_number:
            raise InputValueError(f"{where}: expected a number, got the expression {expr}")
        if real and expr.is_real is False:
            raise InputValueError(f"{where}: expected a real number, got {expr}")
        return expr
    if isinstance(value, (bool, np.bool_)):
        raise InputTypeError(f"{where}: expected a number, got the bool {value!r}")
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if hasattr(value, "shape") and np.shape(value) == () and not isinstance(value, numbers.Number):
        value = np.asarray(value).item()  # 0-d arrays (numpy, PennyLane, JAX)
        return exact_number(value, where, tolerance=tolerance, real=real)
    try:
        z = complex(value)
    except (TypeError, ValueError):
        raise InputTypeError(f"{where}: expected a number, got {type(value).__name__} {value!r}") from None
    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
        raise InputValueError(f"{where}: expected a finite number, got {value!r}")
    re = _exact_float(z.real, where, tolerance)
    im = _exact_float(z.imag, where, tolerance)
    if real and im != 0:
        raise InputValueError(f"{where}: expected a real number, got {value!r}")
    return re + sp.I * im if im != 0 else re


def _exact_float(x: float, where: str, tolerance: float | None) -> sp.Rational:
    exact = Fraction(x)
    if exact.denominator <= MAX_EXACT_DYADIC:
        return sp.Rational(exact.numerator, exact.denominator)
    if tolerance is None:
        raise InputValueError(
            f"{where}: the float {x!r} is not exactly a simple rational (its exact value has denominator "
            f"2**{exact.denominator.bit_length() - 1}); pass an exact number (fractions.Fraction, sympy.Rational) "
            "or give tolerance= (e.g. tolerance=1e-12) to accept the nearest simple rational")
    guess = exact.limit_denominator(MAX_DENOMINATOR)
    if abs(float(guess) - x) > tolerance:
        raise InputValueError(f"{where}: no rational with denominator <= {MAX_DENOMINATOR} lies within "
                              f"tolerance={tolerance} of {x!r}; pass the exact value (e.g. sympy.sqrt(2)/2) instead")
    return sp.Rational(guess.numerator, guess.denominator)


def exact_matrix(array, where: str, *, tolerance: float | None = None) -> sp.ImmutableMatrix:
    """A square numpy array (integer, float or complex entries) or nested list as an exact SymPy matrix,
    entry by entry with :func:`exact_number` (so ``tolerance=`` applies to every entry)."""
    if isinstance(array, sp.MatrixBase):
        return sp.ImmutableMatrix(array.applyfunc(lambda v: exact_number(v, where, tolerance=tolerance)))
    try:
        arr = np.asarray(array)
    except Exception:  # noqa: BLE001 - any conversion failure is bad input
        raise InputTypeError(f"{where}: expected a square matrix (numpy array), got {type(array).__name__}") from None
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] < 2:
        raise InputValueError(f"{where}: expected a square 2-D matrix of a qubit operator, got shape {arr.shape}")
    d = arr.shape[0]
    if d & (d - 1):
        raise InputValueError(f"{where}: the matrix dimension {d} is not a power of two (a qubit operator)")
    if d > 2**MAX_QUBITS:
        raise InputValueError(f"{where}: {d}×{d} exceeds the {MAX_QUBITS}-qubit limit for exact dense matrices")
    if arr.dtype.kind not in "biufcO":
        raise InputTypeError(f"{where}: matrix entries must be numbers, got dtype {arr.dtype}")
    if arr.dtype.kind == "b":
        raise InputTypeError(f"{where}: matrix entries must be numbers, got booleans")
    rows = [[exact_number(arr[i, j], f"{where}[{i}, {j}]", tolerance=tolerance) for j in range(d)] for i in range(d)]
    return sp.ImmutableMatrix(rows)


def exact_pauli_terms(terms, where: str, *, tolerance: float | None = None) -> dict[str, sp.Expr]:
    """``{Pauli word: coefficient}`` with exact coefficients; repeated words are added exactly and zero
    totals dropped.  ``terms`` is a mapping or an iterable of ``(word, coefficient)``; ``word[k]`` acts on
    qubit ``k`` (this package's order)."""
    items = terms.items() if hasattr(terms, "items") else terms
    out: dict[str, sp.Expr] = {}
    n = None
    for entry in items:
        try:
            word, coeff = entry
        except (TypeError, ValueError):
            raise InputTypeError(f"{where}: expected (Pauli word, coefficient) pairs, got {entry!r}") from None
        if not isinstance(word, str) or not word or set(word.upper()) - set("IXYZ"):
            raise InputValueError(f"{where}: Pauli word {word!r} must be a non-empty string of I, X, Y, Z")
        word = word.upper()
        if n is None:
            n = len(word)
        elif len(word) != n:
            raise InputValueError(f"{where}: Pauli words have different lengths ({n} and {len(word)}: {word!r})")
        c = exact_number(coeff, f"{where}: coefficient of {word}", tolerance=tolerance)
        out[word] = sp.expand(out.get(word, sp.Integer(0)) + c)
    out = {w: c for w, c in out.items() if c != 0}
    if n is None:
        raise InputValueError(f"{where}: no Pauli terms given")
    if not out:
        out = {"I" * n: sp.Integer(0)}
    return out


def pauli_terms_matrix(terms: dict[str, sp.Expr], where: str, *, hermitian: bool = True) -> sp.ImmutableMatrix:
    """``Σ_P c_P P`` as an exact matrix (via :func:`sggd_sym.algebra.ops.from_pauli_terms`), after checking the size
    and, with ``hermitian=True``, that every coefficient is real."""
    n = len(next(iter(terms)))
    if n > MAX_QUBITS:
        raise InputValueError(f"{where}: {n} qubits exceed the {MAX_QUBITS}-qubit limit for exact dense observables")
    if hermitian:
        for word, c in terms.items():
            if sp.im(c) != 0:
                raise InputValueError(f"{where}: the coefficient {c} of {word} is not real, so the observable is not "
                                      "Hermitian")
    return ops.from_pauli_terms(terms)
