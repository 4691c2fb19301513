"""Input checks shared by the public functions (SPEC §6).

Each helper raises :class:`InputTypeError` / :class:`InputValueError` with a
message of the form ``"<where>: <argument> expected X, got Y; <fix>"``.
"""

from __future__ import annotations

import numbers

import sympy as sp

from .exceptions import InputTypeError, InputValueError


def fail(where: str, message: str, *, kind: type[Exception] = InputValueError) -> None:
    raise kind(f"{where}: {message}")


def exact_matrix(where: str, name: str, value, *, dim: int | None = None) -> sp.ImmutableMatrix:
    """``value`` as an exact square sympy matrix (no floats), optionally of size ``dim``."""
    if isinstance(value, sp.MatrixBase):
        matrix = sp.ImmutableMatrix(value)
    elif hasattr(value, "shape") and hasattr(value, "dtype"):
        fail(where, f"{name} expected an exact sympy Matrix, got a numpy array of dtype {value.dtype}; "
             "build it with sympy (e.g. sympy.Matrix, sggd_sym.ops.pauli) so the derivation stays exact",
             kind=InputTypeError)
    elif isinstance(value, (list, tuple)):
        matrix = sp.ImmutableMatrix(value)
    else:
        fail(where, f"{name} expected a square sympy Matrix, got {type(value).__name__}", kind=InputTypeError)
    if matrix.rows != matrix.cols:
        fail(where, f"{name} must be square, got shape {matrix.shape}")
    if dim is not None and matrix.rows != dim:
        fail(where, f"{name} has dimension {matrix.rows}, expected {dim} "
             f"(2**n for the n qubits of the circuit or group)")
    if matrix.has(sp.Float):
        fail(where, f"{name} contains floating-point entries; use exact numbers "
             "(sympy.Rational, sympy.sqrt, sympy.I) so the derivation stays exact")
    return matrix


def qubit_count(where: str, name: str, dim: int) -> int:
    n = dim.bit_length() - 1
    if dim < 2 or 2**n != dim:
        fail(where, f"{name} has dimension {dim}, which is not a power of two (qubit operators only)")
    return n


def is_zero_matrix(matrix: sp.MatrixBase) -> bool:
    """Exact test that every entry vanishes (expanding radicals and complex numbers)."""
    for entry in matrix:
        if entry == 0:
            continue
        if sp.expand(entry) != 0 and sp.simplify(entry) != 0:
            return False
    return True


def hermitian(where: str, name: str, value, *, dim: int | None = None) -> sp.ImmutableMatrix:
    matrix = exact_matrix(where, name, value, dim=dim)
    if not is_zero_matrix(matrix - matrix.H):
        fail(where, f"{name} is not Hermitian (M != M^†); observables and generators must be Hermitian")
    return matrix


def unitary(where: str, name: str, value, *, dim: int | None = None) -> sp.ImmutableMatrix:
    matrix = exact_matrix(where, name, value, dim=dim)
    if not is_zero_matrix(matrix.H * matrix - sp.eye(matrix.rows)):
        fail(where, f"{name} is not unitary (M^† M != I); group elements and gates must be unitary")
    return matrix


def integer(where: str, name: str, value, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        fail(where, f"{name} expected an int, got {type(value).__name__}", kind=InputTypeError)
    value = int(value)
    if minimum is not None and value < minimum:
        fail(where, f"{name} must be >= {minimum}, got {value}")
    return value
