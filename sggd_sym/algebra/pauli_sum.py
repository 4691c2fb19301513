"""Exact operators in the Pauli basis, ``O = Σ_P c_P P`` (SPEC §1), without ``2ⁿ × 2ⁿ`` matrices.

A :class:`PauliSum` maps Pauli words (letters ``IXYZ``, qubit 0 first) to exact SymPy
coefficients.  It is how observables travel through the package at any register
size: the Heisenberg propagation (:mod:`sggd_sym.circuits.heisenberg`), the twirls of
:mod:`sggd_sym.symmetry.groups` and the penalties all read Pauli coefficients, and a matrix
is formed only when asked for (:meth:`PauliSum.matrix`).

Explicit matrices are still accepted (:func:`as_pauli_sum`) and decomposed from their
nonzero entries: with ``P = i^{|x∧z|} X^x Z^z``,

.. math::  \\mathrm{Tr}(P M) = i^{|x∧z|} Σ_b (−1)^{z·b} M[b, b ⊕ x],

so the entries with one flip pattern ``x = r ⊕ c`` give all ``2ⁿ`` coefficients of that
pattern by one fast Walsh–Hadamard transform (``n·2ⁿ`` exact additions), in the exact
domain of the entries.

>>> from sggd_sym.algebra.pauli_sum import PauliSum, as_pauli_sum
>>> O = PauliSum.from_text("Z0 + 1/2 X0 X1", 2)
>>> O
PauliSum('Z0 + 1/2 X0 X1', n_qubits=2)
>>> O["XX"], O.hs_norm2()
(1/2, 5)
>>> import sggd_sym as sg
>>> as_pauli_sum("t", "O", sg.ops.SWAP) == PauliSum({"II": 1, "XX": 1, "YY": 1, "ZZ": 1}, 2) / 2
True
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from fractions import Fraction

import numpy as np
import sympy as sp

from sggd_sym import _checks
from sggd_sym.algebra.paulis import multiply_words
from sggd_sym.exceptions import DerivationBudgetError, InputTypeError, InputValueError

__all__ = ["PauliSum", "as_pauli_sum", "exact_coefficient", "pauli_word_matrix", "MATRIX_QUBIT_LIMIT"]

#: Largest register for which :meth:`PauliSum.matrix` builds an explicit SymPy matrix.
MATRIX_QUBIT_LIMIT = 10

#: Largest register read as an explicit matrix by :func:`as_pauli_sum` (``4ⁿ`` entries to scan).
DECOMPOSE_QUBIT_LIMIT = 12

_WORD_RE = re.compile(r"^[IXYZ]+$")
_LETTER_BITS = {"I": (0, 0), "X": (1, 0), "Y": (1, 1), "Z": (0, 1)}
_BITS_LETTER = {v: k for k, v in _LETTER_BITS.items()}


def exact_coefficient(where: str, name: str, value, *, symbols: bool = False) -> sp.Expr:
    """``value`` as an exact, finite SymPy number (ints, Fractions, SymPy numbers); never parses text.

    ``symbols=True`` also admits exact SymPy expressions in Symbols (e.g. a generic operator to twirl).
    ``where`` and ``name`` (the calling function and argument) go into the error messages.

    Raises
    ------
    InputTypeError
        For a bool, a string or a non-number.
    InputValueError
        For a float, a non-finite value, or Symbols without ``symbols=True``.

    >>> from fractions import Fraction
    >>> exact_coefficient("f", "c", Fraction(1, 3))
    1/3
    >>> exact_coefficient("f", "c", 0.5)
    Traceback (most recent call last):
    ...
    sggd_sym.exceptions.InputValueError: f: c is the float 0.5; use exact numbers (sympy.Rational(1, 2), sympy.sqrt(2)) so the derivation stays exact
    """
    value = _checks.exact_number(where, name, value, symbols=symbols) if not isinstance(
        value, (float, np.floating, complex, np.complexfloating, sp.Float)) else value
    if isinstance(value, bool) or isinstance(value, str):
        raise InputTypeError(f"{where}: {name} expected an exact number, got {type(value).__name__} {value!r}; "
                             "pass an int, fractions.Fraction or a sympy number")
    if isinstance(value, numbers.Integral):
        return sp.Integer(int(value))
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, (float, np.floating, complex, np.complexfloating)) or isinstance(value, sp.Float):
        raise InputValueError(f"{where}: {name} is the float {value!r}; use exact numbers "
                              "(sympy.Rational(1, 2), sympy.sqrt(2)) so the derivation stays exact")
    if not isinstance(value, sp.Expr):
        raise InputTypeError(f"{where}: {name} expected an exact number, got {type(value).__name__}")
    if value.has(sp.Float):
        raise InputValueError(f"{where}: {name} contains floats ({value}); use exact numbers")
    if value.free_symbols and not symbols:
        raise InputValueError(f"{where}: {name} depends on {sorted(map(str, value.free_symbols))}; observables "
                              "need numeric coefficients (parameters belong in the circuit)")
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise InputValueError(f"{where}: {name} is not finite ({value})")
    return value


class PauliSum(Mapping):
    """An exact operator ``Σ_P c_P P`` on ``n_qubits`` qubits, stored as ``{word: c_P}`` (nonzero terms).

    Build it from a mapping of words to exact numbers, from text (:meth:`from_text`, the syntax of
    :func:`sggd_sym.algebra.ops.pauli_sum`) or from a matrix (:meth:`from_matrix`).  It adds, subtracts,
    scales by exact numbers, multiplies (``@`` or ``*``), prints in the text syntax, and converts to a
    matrix on request.

    Raises
    ------
    InputValueError
        For a key that is not a Pauli word of ``n_qubits`` letters, or an empty sum without ``n_qubits``.

    >>> x, z = PauliSum({"X": 1}), PauliSum({"Z": 1})
    >>> (x @ z).to_dict(), x + z / 2
    ({'Y': -I}, PauliSum('X0 + 1/2 Z0', n_qubits=1))
    """

    __slots__ = ("n_qubits", "_terms")

    def __init__(self, terms: Mapping | None = None, n_qubits: int | None = None):
        terms = {} if terms is None else terms
        if not isinstance(terms, Mapping):
            raise InputTypeError(f"PauliSum: terms expected a mapping of Pauli words to exact numbers, "
                                 f"got {type(terms).__name__}")
        if n_qubits is None:
            if not terms:
                raise InputValueError("PauliSum: give n_qubits for an empty sum")
            n_qubits = len(next(iter(terms)))
        if isinstance(n_qubits, bool) or not isinstance(n_qubits, numbers.Integral) or n_qubits < 1:
            raise InputValueError(f"PauliSum: n_qubits expected a positive int, got {n_qubits!r}")
        self.n_qubits = int(n_qubits)
        clean: dict[str, sp.Expr] = {}
        for word, coeff in terms.items():
            if not isinstance(word, str) or len(word) != self.n_qubits or not _WORD_RE.match(word):
                raise InputValueError(f"PauliSum: key {word!r} is not a Pauli word of {self.n_qubits} letter(s) "
                                      "over 'IXYZ' (e.g. 'Z' + 'I'*(n-1))")
            c = exact_coefficient("PauliSum", f"the coefficient of {word}", coeff, symbols=True)
            total = sp.expand(clean.get(word, 0) + c)
            if total == 0:
                clean.pop(word, None)
            else:
                clean[word] = total
        self._terms = clean

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def from_text(cls, text: str, n_qubits: int) -> "PauliSum":
        """Parse ``"Z0 + 1/2 X0 X1 - 0.25 Y1"`` (never evaluated as code; decimals read exactly).

        >>> PauliSum.from_text("0.25 Y1 - X0 X1", 2).to_dict()
        {'IY': 1/4, 'XX': -1}
        """
        return cls(_parse(text, n_qubits), n_qubits)

    @classmethod
    def from_matrix(cls, matrix) -> "PauliSum":
        """The exact Pauli coefficients of an explicit matrix, from its nonzero entries.

        >>> from sggd_sym import ops
        >>> PauliSum.from_matrix(ops.CNOT)
        PauliSum('1/2 + 1/2 Z0 + 1/2 X1 - 1/2 Z0 X1', n_qubits=2)
        """
        return as_pauli_sum("PauliSum.from_matrix", "matrix", matrix)

    @classmethod
    def word(cls, word: str, coefficient=1) -> "PauliSum":
        """A single Pauli word times ``coefficient``.

        >>> PauliSum.word("ZIII", 3)
        PauliSum('3 Z0', n_qubits=4)
        """
        if not isinstance(word, str) or not word:
            raise InputValueError(f"PauliSum.word: word expected a non-empty string over 'IXYZ', got {word!r}")
        return cls({word.upper(): coefficient}, len(word))

    # -- mapping -------------------------------------------------------------------------------
    def __getitem__(self, word: str) -> sp.Expr:
        return self._terms.get(word, sp.Integer(0))

    def __iter__(self):
        return iter(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def __contains__(self, word) -> bool:
        return word in self._terms

    @property
    def dim(self) -> int:
        """``d = 2ⁿ``, the side of the matrix (never formed here).

        >>> PauliSum.word("ZIIIIIIIIIII").dim
        4096
        """
        return 2**self.n_qubits

    # -- algebra -------------------------------------------------------------------------------
    def _same_register(self, other: "PauliSum", op: str) -> None:
        if other.n_qubits != self.n_qubits:
            raise InputValueError(f"PauliSum {op}: registers differ ({self.n_qubits} and {other.n_qubits} qubits)")

    def __add__(self, other):
        if not isinstance(other, PauliSum):
            return NotImplemented
        self._same_register(other, "+")
        out = dict(self._terms)
        for w, c in other._terms.items():
            out[w] = out.get(w, 0) + c
        return PauliSum(out, self.n_qubits)

    def __neg__(self):
        return PauliSum({w: -c for w, c in self._terms.items()}, self.n_qubits)

    def __sub__(self, other):
        if not isinstance(other, PauliSum):
            return NotImplemented
        return self + (-other)

    def __mul__(self, other):
        if isinstance(other, PauliSum):
            return self @ other
        c = exact_coefficient("PauliSum *", "the scalar", other, symbols=True)
        return PauliSum({w: v * c for w, v in self._terms.items()}, self.n_qubits)

    __rmul__ = __mul__

    def __truediv__(self, other):
        c = exact_coefficient("PauliSum /", "the divisor", other, symbols=True)
        if c == 0:
            raise InputValueError("PauliSum /: division by zero")
        return self * (1 / c)

    def __matmul__(self, other):
        if not isinstance(other, PauliSum):
            return NotImplemented
        self._same_register(other, "@")
        out: dict[str, sp.Expr] = {}
        for a, ca in self._terms.items():
            for b, cb in other._terms.items():
                k, w = multiply_words(a, b)
                out[w] = out.get(w, 0) + sp.I**k * ca * cb
        return PauliSum(out, self.n_qubits)

    def __eq__(self, other) -> bool:
        if isinstance(other, PauliSum):
            return self.n_qubits == other.n_qubits and self._terms == other._terms
        if isinstance(other, sp.MatrixBase) and other.shape == (self.dim, self.dim) \
                and self.n_qubits <= DECOMPOSE_QUBIT_LIMIT:
            return self == as_pauli_sum("PauliSum ==", "other", other)  # the same operator
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.n_qubits, frozenset(self._terms.items())))

    # -- properties ----------------------------------------------------------------------------
    def is_hermitian(self) -> bool:
        """``O = O†`` iff every Pauli coefficient is real (exact).

        >>> PauliSum({"X": 1, "Z": sp.I}).is_hermitian()
        False
        """
        return all(_is_real(c) for c in self._terms.values())

    def hs_norm2(self) -> sp.Expr:
        """``‖O‖² = Tr(O†O) = 2ⁿ Σ_P |c_P|²``.

        >>> PauliSum({"XX": 1, "ZI": sp.I}).hs_norm2()
        8
        """
        return sp.expand(self.dim * sum((c * sp.conjugate(c) for c in self._terms.values()), sp.Integer(0)))

    def trace(self) -> sp.Expr:
        """``Tr O = 2ⁿ c_I``.

        >>> PauliSum({"II": sp.Rational(1, 2), "ZZ": 1}).trace()
        2
        """
        return self.dim * self["I" * self.n_qubits]

    def support(self) -> tuple[int, ...]:
        """Qubits on which some term acts non-trivially.

        >>> PauliSum({"IZI": 1, "IIX": 1}).support()
        (1, 2)
        """
        return tuple(q for q in range(self.n_qubits) if any(w[q] != "I" for w in self._terms))

    def matrix(self) -> sp.ImmutableMatrix:
        """``Σ_P c_P P`` as an exact (sparse) SymPy matrix.

        Raises
        ------
        DerivationBudgetError
            Past :data:`MATRIX_QUBIT_LIMIT` qubits.

        >>> PauliSum({"X": 1, "Z": 1}).matrix()
        Matrix([
        [1,  1],
        [1, -1]])
        """
        if self.n_qubits > MATRIX_QUBIT_LIMIT:
            raise DerivationBudgetError(
                f"PauliSum.matrix: a {self.n_qubits}-qubit operator is a {self.dim}x{self.dim} matrix, past the "
                f"limit of {MATRIX_QUBIT_LIMIT} qubits; work with the Pauli coefficients (the PauliSum itself)")
        entries: dict[tuple[int, int], sp.Expr] = {}
        for word, coeff in self._terms.items():
            for (r, c), v in _word_entries(word):
                entries[(r, c)] = entries.get((r, c), 0) + v * coeff
        return sp.ImmutableSparseMatrix(self.dim, self.dim, {k: sp.expand(v) for k, v in entries.items() if v != 0})

    def to_dict(self) -> dict[str, sp.Expr]:
        """A plain ``{word: coefficient}`` copy of the nonzero terms.

        >>> PauliSum({"ZI": 1, "II": 0}).to_dict()
        {'ZI': 1}
        """
        return dict(self._terms)

    # -- display -------------------------------------------------------------------------------
    def __str__(self) -> str:
        if not self._terms:
            return "0"
        parts = []
        for word in sorted(self._terms, key=_word_order):
            coeff = self._terms[word]
            factors = " ".join(f"{a}{q}" for q, a in enumerate(word) if a != "I")
            negative = coeff.could_extract_minus_sign()
            mag = -coeff if negative else coeff
            text = "" if mag == 1 and factors else (str(mag) if mag.is_Atom else f"({mag})")
            body = " ".join(t for t in (text, factors) if t) or "1"
            parts.append(("- " if negative else "+ ") + body)
        out = " ".join(parts)
        return out[2:] if out.startswith("+ ") else "-" + out[1:]

    def __repr__(self) -> str:
        return f"PauliSum({str(self)!r}, n_qubits={self.n_qubits})"

    def latex(self) -> str:
        """LaTeX of ``Σ_P c_P P`` with qubit-indexed letters.

        >>> print(PauliSum({"XX": sp.Rational(1, 2), "ZI": 1}).latex())
        \\frac{X_{0} X_{1}}{2} + Z_{0}
        """
        expr = sp.Add(*[c * sp.Symbol(" ".join(f"{a}_{{{q}}}" for q, a in enumerate(w) if a != "I") or "I",
                                      commutative=True) for w, c in self._terms.items()])
        return sp.latex(expr)

    def _repr_latex_(self) -> str:
        return f"${self.latex()}$"


def pauli_word_matrix(word: str) -> sp.ImmutableMatrix:
    """The exact (sparse) matrix of one Pauli word.

    >>> pauli_word_matrix("Y")
    Matrix([
    [0, -I],
    [I,  0]])
    """
    return PauliSum.word(word).matrix()


def _word_order(word: str):
    weight = sum(a != "I" for a in word)
    return (weight, [(q, a) for q, a in enumerate(word) if a != "I"])


def _is_real(c: sp.Expr) -> bool:
    if c.is_Rational:
        return True
    im = sp.expand(sp.im(sp.expand(c)))
    return im == 0 or sp.simplify(im) == 0


def _word_entries(word: str):
    """Nonzero entries ``((row, col), value)`` of a Pauli word: one per row."""
    n = len(word)
    flip = 0
    zmask = 0
    ymask = 0
    for q, a in enumerate(word):
        x, z = _LETTER_BITS[a]
        bit = 1 << (n - 1 - q)
        flip |= bit * x
        zmask |= bit * z
        ymask |= bit * (x & z)
    n_y = bin(ymask).count("1")
    phase = sp.I**n_y
    for col in range(2**n):
        # P = i^{|y|} X^x Z^z : column b goes to row b ⊕ x with sign (−1)^{z·b}
        sign = -1 if bin(col & zmask).count("1") % 2 else 1
        yield (col ^ flip, col), sign * phase


# -- conversion --------------------------------------------------------------------------------
def _parse(text, n) -> dict[str, sp.Expr]:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise InputValueError(f"PauliSum.from_text: n_qubits expected a positive int, got {n!r}")
    if not isinstance(text, str) or not text.strip():
        raise InputTypeError("PauliSum.from_text: text expected a non-empty string such as 'Z0 + 1/2 X0 X1'")
    if len(text) > 100_000:
        raise InputValueError(f"PauliSum.from_text: text has {len(text)} characters; the limit is 100000")
    term_re = re.compile(r"^\s*(?P<coeff>[0-9]+(?:\.[0-9]+)?(?:/[0-9]+)?)?\s*\*?\s*"
                         r"(?P<ops>(?:[IXYZ]\d{1,6}\s*)*)$")
    out: dict[str, sp.Expr] = {}
    stripped = text.strip()
    if stripped[0] not in "+-":
        stripped = "+" + stripped
    for sign, body in re.findall(r"([+-])\s*([^+-]*)", stripped):
        m = term_re.match(body)
        if m is None or (not m.group("coeff") and not m.group("ops").strip()):
            raise InputValueError(f"PauliSum.from_text: cannot read the term {body.strip()!r}; "
                                  "write terms like '1/2 X0 X1' or 'Z0'")
        coeff = _read_coefficient(m.group("coeff"), body.strip()) if m.group("coeff") else sp.Integer(1)
        if sign == "-":
            coeff = -coeff
        letters = ["I"] * n
        for letter, index in re.findall(r"([IXYZ])(\d+)", m.group("ops")):
            q = int(index)
            if q >= n:
                raise InputValueError(f"PauliSum.from_text: qubit {q} in {body.strip()!r} is out of range for "
                                      f"{n} qubit(s)")
            if letters[q] != "I":
                raise InputValueError(f"PauliSum.from_text: qubit {q} appears twice in the term {body.strip()!r}")
            letters[q] = letter
        word = "".join(letters)
        out[word] = out.get(word, 0) + coeff
    return out


def _read_coefficient(text: str, term: str) -> sp.Rational:
    digits = sum(ch.isdigit() for ch in text)
    if digits > 400:
        raise InputValueError(f"PauliSum.from_text: the coefficient of {term[:40]!r}… has {digits} digits; the "
                              "limit is 400")
    num, _, den = text.partition("/")
    if den and int(den) == 0:
        raise InputValueError(f"PauliSum.from_text: division by zero in {term!r}")
    whole, _, frac = num.partition(".")
    value = sp.Rational(int(whole + frac), 10 ** len(frac))
    return value / int(den) if den else value


def as_pauli_sum(where: str, name: str, value, *, n_qubits: int | None = None,
                 hermitian: bool = False, numeric: bool = False) -> PauliSum:
    """``value`` as a :class:`PauliSum`, with the checks an argument needs.

    ``value`` is a PauliSum, a mapping ``{word: number}``, a Pauli word, or an explicit exact matrix
    (SymPy, or a numpy array of integers), decomposed from its nonzero entries.

    ``hermitian=True`` refuses non-Hermitian operators, ``numeric=True`` coefficients with Symbols (an
    observable); ``n_qubits`` checks the register size.  ``where`` and ``name`` go into error messages.

    >>> as_pauli_sum("f", "O", "XZ")
    PauliSum('X0 Z1', n_qubits=2)
    >>> as_pauli_sum("f", "O", {"Y": sp.I}, hermitian=True)
    Traceback (most recent call last):
    ...
    sggd_sym.exceptions.InputValueError: f: O is not Hermitian (a Pauli coefficient is not real); observables and generators must be Hermitian
    """
    if isinstance(value, PauliSum):
        out = value
    elif isinstance(value, Mapping):
        out = PauliSum(value, n_qubits)
    elif isinstance(value, str):
        word = value.strip().upper()
        if not _WORD_RE.match(word):
            raise InputValueError(f"{where}: {name} {value!r} is not a Pauli word; pass a word such as 'ZIII', "
                                  "a PauliSum (PauliSum.from_text('Z0 + 1/2 X0 X1', n)) or a matrix")
        out = PauliSum({word: 1}, len(word))
    elif isinstance(value, sp.MatrixBase) or isinstance(value, np.ndarray):
        out = _from_matrix(where, name, value)
    elif isinstance(value, (list, tuple)):
        # nested lists go through the one input-conversion layer, which refuses text entries
        out = _from_matrix(where, name, _checks.exact_matrix(where, name, value))
    else:
        raise InputTypeError(f"{where}: {name} expected a PauliSum, a dict of Pauli words, a Pauli word or an exact "
                             f"matrix, got {type(value).__name__}")
    if n_qubits is not None and out.n_qubits != n_qubits:
        raise InputValueError(f"{where}: {name} has dimension {out.dim} ({out.n_qubits} qubit(s)), expected "
                              f"dimension {2**n_qubits} ({n_qubits} qubit(s), the circuit's register)")
    if numeric:
        for w, c in out.items():
            if c.free_symbols:
                raise InputValueError(f"{where}: {name} (coefficient of {w}) = {c} depends on "
                                      f"{sorted(map(str, c.free_symbols))}; observables need numeric coefficients "
                                      "(parameters belong in the circuit)")
    if hermitian and not out.is_hermitian():
        raise InputValueError(f"{where}: {name} is not Hermitian (a Pauli coefficient is not real); "
                              "observables and generators must be Hermitian")
    return out


def _from_matrix(where: str, name: str, value) -> PauliSum:
    shape = tuple(value.shape)
    if len(shape) != 2 or shape[0] != shape[1]:
        raise InputValueError(f"{where}: {name} must be a square matrix, got shape {shape}")
    dim = shape[0]
    n = dim.bit_length() - 1
    if dim < 2 or 2**n != dim:
        raise InputValueError(f"{where}: {name} has dimension {dim}, which is not a power of two (qubit operators)")
    if n > DECOMPOSE_QUBIT_LIMIT:
        raise DerivationBudgetError(f"{where}: {name} is a {dim}x{dim} matrix ({n} qubits), past the limit of "
                                    f"{DECOMPOSE_QUBIT_LIMIT} for explicit matrices; give the observable as a PauliSum")
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iub":
            raise InputTypeError(f"{where}: {name} is a numpy array of dtype {value.dtype}; only integer arrays are "
                                 "exact. Build it with sympy or give a PauliSum so the derivation stays exact")
        rows, cols = np.nonzero(value)
        entries = {(int(r), int(c)): sp.Integer(int(value[r, c])) for r, c in zip(rows, cols)}
    else:
        entries = {}
        for (r, c), v in value.todok().items():
            if v != 0:
                entries[(r, c)] = exact_coefficient(where, f"{name}[{r}, {c}]", v, symbols=True)
    return PauliSum(_decompose_entries(entries, n), n)


def _decompose_entries(entries: dict[tuple[int, int], sp.Expr], n: int) -> dict[str, sp.Expr]:
    """Pauli coefficients from nonzero entries, one Walsh–Hadamard transform per flip pattern."""
    if not entries:
        return {}
    domain, elements = sp.polys.constructor.construct_domain(list(entries.values()), extension=True)
    by_flip: dict[int, dict[int, object]] = {}
    for ((r, c), _), e in zip(entries.items(), elements):
        # Tr(P M) = i^{|x∧z|} Σ_b (−1)^{z·b} M[b, b⊕x]: entry M[r, c] has b = r, x = r ⊕ c
        by_flip.setdefault(r ^ c, {})[r] = e
    d = 2**n
    out: dict[str, sp.Expr] = {}
    for flip, column in by_flip.items():
        vec = np.empty(d, dtype=object)
        vec[:] = [domain.zero] * d
        for b, e in column.items():
            vec[b] = e
        spectrum = _walsh_hadamard(vec, n)
        for z in np.flatnonzero(spectrum != domain.zero):
            value = domain.to_sympy(spectrum[z])
            n_y = bin(int(z) & flip).count("1")
            word = "".join(_BITS_LETTER[((flip >> (n - 1 - q)) & 1, (int(z) >> (n - 1 - q)) & 1)] for q in range(n))
            out[word] = sp.expand(sp.I**n_y * value / d)
    return {w: c for w, c in out.items() if c != 0}


def _walsh_hadamard(vec: np.ndarray, n: int) -> np.ndarray:
    """``S(z) = Σ_b (−1)^{z·b} v_b`` by butterflies along each bit (exact object arithmetic)."""
    arr = vec.reshape((2,) * n) if n else vec
    for axis in range(n):
        a = np.take(arr, 0, axis=axis)
        b = np.take(arr, 1, axis=axis)
        arr = np.stack([a + b, a - b], axis=axis)
    return arr.reshape(-1)
