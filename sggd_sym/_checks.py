"""The one input-conversion layer of the package (SPEC §6).

Every public function turns what it is given into exact SymPy objects (or checked numpy arrays) through
these helpers, so the rules hold everywhere:

* exact numbers come from ints, :class:`fractions.Fraction`, SymPy expressions and integer (or exact
  object) numpy arrays only; **text is never evaluated** — a ``str`` is refused before SymPy sees it (no
  ``sympify`` without ``strict=True``, no ``Matrix`` built from nested lists holding strings);
* floats are refused where the derivation must stay exact; NaN, ``±oo`` and ``zoo`` are refused everywhere;
* sizes are bounded before work grows: integers of at most :data:`MAX_INT_BITS` bits, expressions of at most
  :data:`MAX_EXPR_NODES` nodes, integer powers of at most :data:`MAX_POW_EXPONENT`, matrices of at most
  :data:`MAX_MATRIX_DIM` rows, checked on the shape of a list before any entry is converted.

Each helper raises :class:`InputTypeError` / :class:`InputValueError` with a message of the form
``"<where>: <argument> expected X, got Y; <fix>"``.
"""

from __future__ import annotations

import numbers
from fractions import Fraction

import numpy as np
import sympy as sp

from sggd_sym.exceptions import InputTypeError, InputValueError

#: Largest magnitude (in bits) of an integer, numerator or denominator accepted in exact input.
MAX_INT_BITS = 4096
#: Largest number of nodes of one input expression.
MAX_EXPR_NODES = 20_000
#: Largest |n| of an integer power ``b**n`` inside an input expression.
MAX_POW_EXPONENT = 1_000
#: Largest number of rows (and columns) of an exact input matrix (2**10: ten qubits).
MAX_MATRIX_DIM = 2**10
#: Largest number of qubits any object may describe (2**n is still a cheap Python int).
MAX_QUBITS = 1_000

_NOT_FINITE = (sp.nan, sp.zoo, sp.oo, -sp.oo)
_TEXT_FIX = ("text is never evaluated as code; build the value with sympy (sympy.Rational(1, 2), sympy.sqrt(2), "
             "sympy.I, sympy.pi) or use a documented parser (sggd_sym.algebra.ops.pauli_sum, sggd_sym.interop.circuit_json)")


def fail(where: str, message: str, *, kind: type[Exception] = InputValueError) -> None:
    raise kind(f"{where}: {message}")


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


# -- numbers ----------------------------------------------------------------------------------------
def _check_int_size(where: str, name: str, value: int) -> None:
    if abs(value).bit_length() > MAX_INT_BITS:
        fail(where, f"{name} holds an integer of {abs(value).bit_length()} bits, more than the limit of "
             f"{MAX_INT_BITS} bits; use smaller exact numbers")


def _check_expr(where: str, name: str, expr: sp.Basic) -> sp.Basic:
    """Finite, float-free, bounded expression (shared by numbers and matrix entries)."""
    if expr.has(*_NOT_FINITE):
        fail(where, f"{name} is not finite ({_short(expr)} contains nan, oo or zoo); give finite exact values")
    if expr.has(sp.Float):
        fail(where, f"{name} contains floating-point numbers ({_short(expr)}); use exact numbers "
             "(sympy.Rational, sympy.sqrt, sympy.I) so the derivation stays exact")
    nodes = 0
    for node in sp.preorder_traversal(expr):
        nodes += 1
        if nodes > MAX_EXPR_NODES:
            fail(where, f"{name} is an expression of more than {MAX_EXPR_NODES} nodes; simplify it first")
        if node.is_Rational:
            _check_int_size(where, name, int(node.p))
            _check_int_size(where, name, int(node.q))
        elif node.is_Pow and node.exp.is_Integer and abs(int(node.exp)) > MAX_POW_EXPONENT:
            fail(where, f"{name} raises to the power {node.exp}, more than the limit of {MAX_POW_EXPONENT}; "
                 "use smaller exponents")
    return expr


def exact_number(where: str, name: str, value, *, symbols: bool = False, real: bool = False) -> sp.Expr:
    """``value`` as an exact SymPy number (or expression when ``symbols``); text and floats are refused."""
    if isinstance(value, (str, bytes, bytearray)):
        fail(where, f"{name} expected an exact number, got the string {_short(value)}; {_TEXT_FIX}",
             kind=InputTypeError)
    if isinstance(value, (bool, np.bool_)) or value is None:
        fail(where, f"{name} expected an exact number, got {value!r}", kind=InputTypeError)
    if isinstance(value, (float, np.floating, sp.Float)):
        fail(where, f"{name} = {_short(value)} is a float; use an exact number (sympy.Rational(1, 3), "
             "sympy.pi/4, sympy.sqrt(2)) so the derivation stays exact", kind=InputTypeError)
    if isinstance(value, (complex, np.complexfloating)):
        fail(where, f"{name} = {value!r} is a complex float; use exact numbers such as 1 + sympy.I/2",
             kind=InputTypeError)
    if isinstance(value, (numbers.Integral, np.integer)):
        _check_int_size(where, name, int(value))
        expr = sp.Integer(int(value))
    elif isinstance(value, (Fraction, numbers.Rational)):
        _check_int_size(where, name, int(value.numerator))
        _check_int_size(where, name, int(value.denominator))
        expr = sp.Rational(int(value.numerator), int(value.denominator))
    elif isinstance(value, sp.Basic):
        if not isinstance(value, sp.Expr):
            fail(where, f"{name} expected a number or expression, got the SymPy {type(value).__name__} "
                 f"{_short(value)}", kind=InputTypeError)
        expr = _check_expr(where, name, value)
    else:
        fail(where, f"{name} expected an exact number (int, fractions.Fraction or a sympy expression), got "
             f"{type(value).__name__}", kind=InputTypeError)
    if not symbols and expr.free_symbols:
        fail(where, f"{name} = {_short(expr)} depends on {', '.join(sorted(map(str, expr.free_symbols)))}; "
             "give a number (substitute values for the symbols)")
    if real and (expr.has(sp.I) and sp.im(expr) != 0 or expr.is_extended_real is False):
        fail(where, f"{name} = {_short(expr)} must be real")
    return expr


def exact_expr(where: str, name: str, value, *, real: bool = False) -> sp.Expr:
    """An exact expression that may contain symbols (angles, post-processing functions)."""
    return exact_number(where, name, value, symbols=True, real=real)


def term_budget(where: str, budget) -> int | None:
    """A derivation's term budget: a positive int or ``None`` (no bound)."""
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, int) or budget < 1):
        raise InputTypeError(f"{where}: budget expected a positive int (a number of polynomial terms) or None, "
                             f"got {budget!r}")
    return budget


def integer(where: str, name: str, value, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        if isinstance(value, sp.Integer):
            value = int(value)
        else:
            fail(where, f"{name} expected an int, got {type(value).__name__} {_short(value)}", kind=InputTypeError)
    value = int(value)
    if minimum is not None and value < minimum:
        fail(where, f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        fail(where, f"{name} must be <= {maximum}, got {_short(value)}")
    return value


def qubits_count(where: str, name: str, value, *, minimum: int = 1, maximum: int = MAX_QUBITS) -> int:
    """A number of qubits, bounded before anything of size ``2**n`` is formed."""
    return integer(where, name, value, minimum=minimum, maximum=maximum)


def rng(where: str, value, *, name: str = "rng") -> np.random.Generator:
    """The package's one random-generator argument: a ``numpy.random.Generator`` (used as is) or an int
    seed (``np.random.default_rng(seed)``), so that every result can be reproduced from a seed.

    >>> bool(rng("demo", 7).integers(100) == np.random.default_rng(7).integers(100))
    True
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return np.random.default_rng(int(value))
    if not isinstance(value, np.random.Generator):
        raise InputTypeError(f"{where}: {name} expected a numpy.random.Generator (np.random.default_rng(seed)) or "
                             f"an int seed, got {type(value).__name__}")
    return value


def real_array(where: str, name: str, values, *, max_ndim: int = 2) -> np.ndarray:
    """Finite real floats as a numpy array (numeric evaluation only): no text, ``None``, complex or objects."""
    if isinstance(values, (str, bytes, bytearray)):
        fail(where, f"{name} expected numbers (a float, a list or a numpy array), got the string {_short(values)}; "
             "text is never parsed as numbers here", kind=InputTypeError)
    if values is None or isinstance(values, (dict, set, frozenset)):
        fail(where, f"{name} expected numbers (a float, a list or a numpy array), got {type(values).__name__}",
             kind=InputTypeError)
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError) as err:  # ragged nesting
        fail(where, f"{name} expected a rectangular array of numbers ({err})", kind=InputTypeError)
    if arr.dtype.kind in "USV" or arr.dtype.kind == "b":
        fail(where, f"{name} expected real numbers, got an array of dtype {arr.dtype}", kind=InputTypeError)
    if arr.dtype.kind == "c":
        fail(where, f"{name} expected real numbers, got complex values; pass the real parameter values",
             kind=InputTypeError)
    if arr.dtype.kind == "O":
        flat = []
        for v in arr.reshape(-1):
            if isinstance(v, (str, bytes, bool, np.bool_, complex)) or v is None or not (
                    isinstance(v, (numbers.Real, np.number)) or (isinstance(v, sp.Expr) and v.is_number)):
                fail(where, f"{name} expected real numbers, got {type(v).__name__} {_short(v)}", kind=InputTypeError)
            try:
                flat.append(float(v))
            except (OverflowError, TypeError, ValueError):
                fail(where, f"{name} holds {_short(v)}, which is not a finite real float")
        arr = np.array(flat, dtype=float).reshape(arr.shape)
    else:
        arr = arr.astype(float)
    if arr.ndim > max_ndim:
        fail(where, f"{name} expected at most {max_ndim} dimensions, got an array of shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        fail(where, f"{name} must be finite (got NaN or inf)")
    return arr


# -- matrices ---------------------------------------------------------------------------------------
def _check_matrix_entries(where: str, name: str, matrix: sp.MatrixBase) -> None:
    bad = [e for e in matrix if not isinstance(e, sp.Expr)]
    if bad:
        fail(where, f"{name} has a non-numeric entry {_short(bad[0])}", kind=InputTypeError)
    if matrix.has(*_NOT_FINITE):
        fail(where, f"{name} has an entry that is not finite (nan, oo or zoo); give finite exact values")
    if matrix.has(sp.Float):
        fail(where, f"{name} contains floating-point entries; use exact numbers "
             "(sympy.Rational, sympy.sqrt, sympy.I) so the derivation stays exact")
    for atom in matrix.atoms(sp.Rational):
        _check_int_size(where, name, int(atom.p))
        _check_int_size(where, name, int(atom.q))
    for power in matrix.atoms(sp.Pow):
        if power.exp.is_Integer and abs(int(power.exp)) > MAX_POW_EXPONENT:
            fail(where, f"{name} raises to the power {power.exp}, more than the limit of {MAX_POW_EXPONENT}")


def _from_rows(where: str, name: str, rows, dim: int | None) -> sp.ImmutableMatrix:
    """Nested lists/tuples → exact matrix; shape first (bounded), then every entry through exact_number."""
    if len(rows) == 0:
        fail(where, f"{name} is empty; expected a square matrix as a list of rows")
    if len(rows) > MAX_MATRIX_DIM or (dim is not None and len(rows) != dim):
        expected = f"{dim}" if dim is not None else f"at most {MAX_MATRIX_DIM}"
        fail(where, f"{name} has {len(rows)} rows, expected {expected}")
    width = None
    for i, row in enumerate(rows):
        if isinstance(row, np.ndarray):
            row = row.tolist()
        if not isinstance(row, (list, tuple)):
            fail(where, f"{name}[{i}] expected a row (a list of numbers), got {type(row).__name__}",
                 kind=InputTypeError)
        if width is None:
            width = len(row)
        if len(row) != width:
            fail(where, f"{name}[{i}] has {len(row)} entries, the first row has {width} (rows must have equal length)")
    if width != len(rows):
        fail(where, f"{name} must be square, got shape ({len(rows)}, {width})")
    entries = []
    for i, row in enumerate(rows):
        for j, e in enumerate(row.tolist() if isinstance(row, np.ndarray) else row):
            if isinstance(e, (list, tuple, np.ndarray, sp.MatrixBase)):
                fail(where, f"{name}[{i}][{j}] is a {type(e).__name__}, expected a number (a matrix is a list "
                     "of rows of numbers)", kind=InputTypeError)
            entries.append(exact_number(where, f"{name}[{i}][{j}]", e, symbols=True))
    return sp.ImmutableMatrix(len(rows), width, entries)


def exact_matrix(where: str, name: str, value, *, dim: int | None = None, symbols: bool = True) -> sp.ImmutableMatrix:
    """``value`` as an exact square SymPy matrix, optionally of size ``dim``.

    Accepts SymPy matrices, integer (or exact object) numpy arrays and nested lists/tuples of exact numbers;
    refuses text, floats and non-finite entries.  ``symbols=False`` also refuses free symbols.
    """
    if isinstance(value, sp.MatrixBase):
        if value.rows != value.cols:
            fail(where, f"{name} must be square, got shape {value.shape}")
        if dim is not None and value.rows != dim:
            fail(where, f"{name} has dimension {value.rows}, expected {dim} "
                 f"(2**n for the n qubits of the circuit or group)")
        matrix = sp.ImmutableMatrix(value)
        _check_matrix_entries(where, name, matrix)
    elif isinstance(value, np.ndarray):
        if value.ndim != 2:
            fail(where, f"{name} expected a 2-d array, got shape {value.shape}")
        if value.dtype.kind in "fc":
            fail(where, f"{name} expected an exact sympy Matrix, got a numpy array of dtype {value.dtype}; "
                 "build it with sympy (e.g. sympy.Matrix, sggd_sym.algebra.ops.pauli) or an integer array so the "
                 "derivation stays exact", kind=InputTypeError)
        if value.dtype.kind not in "iuO":
            fail(where, f"{name} expected numbers, got a numpy array of dtype {value.dtype}", kind=InputTypeError)
        matrix = _from_rows(where, name, list(value), dim)
    elif isinstance(value, (list, tuple)):
        matrix = _from_rows(where, name, value, dim)
    else:
        hint = "; text is never evaluated — for a Pauli sum use sggd_sym.algebra.ops.pauli_sum" if isinstance(
            value, (str, bytes)) else ""
        fail(where, f"{name} expected a square sympy Matrix, got {type(value).__name__}{hint}", kind=InputTypeError)
    if matrix.rows != matrix.cols:
        fail(where, f"{name} must be square, got shape {matrix.shape}")
    if dim is not None and matrix.rows != dim:
        fail(where, f"{name} has dimension {matrix.rows}, expected {dim} "
             f"(2**n for the n qubits of the circuit or group)")
    if not symbols and matrix.free_symbols:
        fail(where, f"{name} depends on {', '.join(sorted(map(str, matrix.free_symbols)))}; it must be a "
             "numeric matrix (substitute numbers for the symbols)")
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


def hermitian(where: str, name: str, value, *, dim: int | None = None, symbols: bool = False) -> sp.ImmutableMatrix:
    """An exact Hermitian matrix; numeric unless ``symbols`` (then symbols are taken as they are)."""
    matrix = exact_matrix(where, name, value, dim=dim, symbols=symbols)
    if not is_zero_matrix(matrix - matrix.H):
        fail(where, f"{name} is not Hermitian (M != M^†); observables and generators must be Hermitian")
    return matrix


def unitary(where: str, name: str, value, *, dim: int | None = None, symbols: bool = False) -> sp.ImmutableMatrix:
    matrix = exact_matrix(where, name, value, dim=dim, symbols=symbols)
    if not is_zero_matrix(matrix.H * matrix - sp.eye(matrix.rows)):
        fail(where, f"{name} is not unitary (M^† M != I); group elements and gates must be unitary")
    return matrix


# -- files ------------------------------------------------------------------------------------------
def read_regular_file(where: str, path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    Opened without blocking (a FIFO cannot stall the reader) and checked on the open descriptor, so a
    directory, FIFO, socket or device (``/dev/zero``) is refused and never read.
    """
    import os
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(os.fspath(path), flags)
    except OSError as err:
        fail(where, f"cannot read {path}: {err.strerror or err}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = ("a directory" if stat.S_ISDIR(info.st_mode) else "a FIFO" if stat.S_ISFIFO(info.st_mode)
                    else "a device or socket")
            fail(where, f"{path} is {kind}, not a regular file; give the path of a file")
        if info.st_size > limit:
            fail(where, f"{path} has {info.st_size} bytes, more than the limit of {limit}")
        chunks, total = [], 0
        while True:
            try:
                chunk = os.read(fd, 1 << 20)
            except OSError as err:
                fail(where, f"cannot read {path}: {err.strerror or err}")
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                fail(where, f"{path} is larger than the limit of {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def json_nesting(text: str) -> int:
    """The deepest ``[``/``{`` nesting of JSON text (strings skipped), without parsing it."""
    depth = best = 0
    in_string = escape = False
    for ch in text:
        if in_string:
            if escape:
                escape = False
            elif ch == "\\":
                escape = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def parse_json(where: str, text: str, *, max_depth: int = 64, max_digits: int = 300):
    """``json.loads`` with bounded nesting and number sizes, refusing ``NaN``/``Infinity`` and duplicate keys."""
    import json
    import re

    if json_nesting(text) > max_depth:
        fail(where, f"the JSON is nested more than {max_depth} levels deep")
    long_number = re.search(r"\d{%d,}" % (max_digits + 1), text)
    if long_number is not None:
        fail(where, f"the JSON holds a number with more than {max_digits} digits")

    def constant(name):
        fail(where, f"the JSON holds {name}, which is not a finite number")

    def pairs(items):
        out = {}
        for key, value in items:
            if key in out:
                fail(where, f"the JSON object repeats the key {key!r}")
            out[key] = value
        return out

    try:
        return json.loads(text, parse_constant=constant, object_pairs_hook=pairs)
    except (ValueError, RecursionError) as err:
        if isinstance(err, InputValueError):
            raise
        fail(where, f"not valid JSON ({err})")
