"""Exact operators on qubits (SymPy matrices) and the Hilbert–Schmidt geometry.

Conventions (SPEC §1): ``n`` qubits, ``d = 2**n``; the first tensor factor is
qubit 0, basis ``|q0 q1 …⟩``; ``⟨A, B⟩ = Tr(A†B)`` and ``‖A‖² = Tr(A†A)``.

>>> from sggd_sym import ops
>>> ops.pauli("XZ") == ops.kron(ops.X, ops.Z)
True
>>> ops.SWAP * ops.kron(ops.ket("0"), ops.ket("1")) == ops.kron(ops.ket("1"), ops.ket("0"))
True
"""

from __future__ import annotations

from functools import reduce
from itertools import product

import sympy as sp

from sggd_sym import _checks
from sggd_sym.algebra.paulis import PAULI_LETTERS
from sggd_sym.exceptions import InputTypeError, InputValueError

__all__ = [
    "I2", "X", "Y", "Z", "H", "S", "SWAP", "CNOT",
    "pauli", "pauli_decompose", "from_pauli_terms", "kron", "dagger",
    "permutation_operator", "projector", "ket", "hs_inner", "hs_norm",
    "is_unitary", "is_hermitian", "identity", "pauli_sum",
]

I2 = sp.ImmutableMatrix.eye(2)
X = sp.ImmutableMatrix([[0, 1], [1, 0]])
Y = sp.ImmutableMatrix([[0, -sp.I], [sp.I, 0]])
Z = sp.ImmutableMatrix([[1, 0], [0, -1]])
H = sp.ImmutableMatrix([[1, 1], [1, -1]]) / sp.sqrt(2)
S = sp.ImmutableMatrix([[1, 0], [0, sp.I]])
_LETTER = {"I": I2, "X": X, "Y": Y, "Z": Z}


def identity(n: int) -> sp.ImmutableMatrix:
    """The identity ``I`` on ``n`` qubits (``2**n × 2**n``).

    >>> identity(1)
    Matrix([
    [1, 0],
    [0, 1]])
    """
    return sp.ImmutableMatrix.eye(2 ** _checks.integer("identity", "n", n, minimum=0))


def kron(*factors) -> sp.ImmutableMatrix:
    """Kronecker product ``A ⊗ B ⊗ …``; the first factor acts on qubit 0.

    With no factors, the ``1 × 1`` matrix ``[1]``.

    >>> kron(X, I2)[:, 0].T
    Matrix([[0, 0, 1, 0]])
    """
    if not factors:
        return sp.ImmutableMatrix([[1]])
    mats = [sp.Matrix(f) if isinstance(f, sp.MatrixBase) else sp.Matrix(_checks.exact_matrix("kron", f"factors[{i}]", f))
            for i, f in enumerate(factors)]
    return sp.ImmutableMatrix(reduce(sp.kronecker_product, mats))


def pauli(word: str) -> sp.ImmutableMatrix:
    """The Pauli string ``word`` (letters ``IXYZ``, case-insensitive, qubit 0 first) as an exact matrix.

    Raises
    ------
    InputValueError
        If ``word`` is empty or has a letter outside ``IXYZ``.

    >>> pauli("ZI")
    Matrix([
    [1, 0,  0,  0],
    [0, 1,  0,  0],
    [0, 0, -1,  0],
    [0, 0,  0, -1]])
    """
    if not isinstance(word, str):
        raise InputTypeError(f"pauli: word expected a str such as 'ZI', got {type(word).__name__}")
    bad = sorted(set(word.upper()) - set(PAULI_LETTERS))
    if not word or bad:
        raise _invalid_word("pauli", word)
    return kron(*(_LETTER[c] for c in word.upper()))


def _invalid_word(where: str, word) -> Exception:
    return InputValueError(f"{where}: Pauli word {word!r} is not a non-empty string over 'IXYZ' (e.g. 'ZI', 'XXY')")


def dagger(matrix) -> sp.ImmutableMatrix:
    """Conjugate transpose ``M†``.

    >>> dagger(S)
    Matrix([
    [1,  0],
    [0, -I]])
    """
    return sp.ImmutableMatrix(_checks.exact_matrix("dagger", "matrix", matrix).H)


def hs_inner(a, b):
    """Hilbert–Schmidt inner product ``⟨A, B⟩ = Tr(A†B)`` (expanded).

    Raises
    ------
    InputValueError
        If the shapes of ``a`` and ``b`` differ.

    >>> hs_inner(pauli("XX"), pauli("XX")), hs_inner(pauli("XX"), SWAP)
    (4, 2)
    """
    a = sp.Matrix(_checks.exact_matrix("hs_inner", "a", a)) if not isinstance(a, sp.MatrixBase) else sp.Matrix(a)
    b = sp.Matrix(_checks.exact_matrix("hs_inner", "b", b)) if not isinstance(b, sp.MatrixBase) else sp.Matrix(b)
    if a.shape != b.shape:
        _checks.fail("hs_inner", f"shapes differ: {a.shape} and {b.shape}")
    return sp.expand(sum(sp.conjugate(a[i, j]) * b[i, j] for i in range(a.rows) for j in range(a.cols)))


def hs_norm(a):
    """Hilbert–Schmidt (Frobenius) norm ``‖A‖ = sqrt(Tr(A†A))``.

    >>> hs_norm(H), hs_norm(SWAP)
    (sqrt(2), 2)
    """
    return sp.sqrt(hs_inner(a, a))


def ket(bits: str) -> sp.ImmutableMatrix:
    """Computational basis column vector ``|bits⟩`` (qubit 0 = first bit).

    >>> ket("01").T
    Matrix([[0, 1, 0, 0]])
    """
    if not isinstance(bits, str) or not bits or set(bits) - {"0", "1"}:
        _checks.fail("ket", f"bits expected a string of 0/1 such as '01', got {bits!r}")
    vec = sp.zeros(2 ** len(bits), 1)
    vec[int(bits, 2), 0] = 1
    return sp.ImmutableMatrix(vec)


def projector(vector) -> sp.ImmutableMatrix:
    """The projector ``|v⟩⟨v| / ⟨v|v⟩`` for a nonzero column (or row) vector ``v``.

    ``v`` may be a SymPy matrix or a list of exact numbers.

    Raises
    ------
    InputValueError
        If ``v`` is not a vector or is zero.

    >>> projector([1, -1])      # |−⟩⟨−|
    Matrix([
    [ 1/2, -1/2],
    [-1/2,  1/2]])
    """
    if isinstance(vector, sp.MatrixBase):
        v = sp.Matrix(vector)
    else:
        try:
            entries = list(vector)
        except TypeError:
            raise InputTypeError(f"projector: vector expected a sympy Matrix or a list of exact numbers, got "
                                 f"{type(vector).__name__}") from None
        v = sp.Matrix([_checks.exact_number("projector", f"vector[{i}]", e, symbols=True)
                       for i, e in enumerate(entries)])
    if v.cols != 1:
        v = v.T if v.rows == 1 else None
    if v is None:
        _checks.fail("projector", "vector must be a column or row vector")
    norm2 = sp.expand((v.H * v)[0, 0])
    if norm2 == 0:
        _checks.fail("projector", "vector must be nonzero")
    return sp.ImmutableMatrix((v * v.H) / norm2).applyfunc(lambda e: sp.radsimp(sp.expand(e)))


def permutation_operator(permutation) -> sp.ImmutableMatrix:
    """The unitary ``W_π`` that moves the state of qubit ``i`` to qubit ``π(i)``.

    ``W_π |b_0 … b_{n-1}⟩ = |b'⟩`` with ``b'_{π(i)} = b_i``; ``permutation_operator((1, 0))`` is SWAP.
    These are the copy permutations of Eq. 13 and the elements of :func:`sggd_sym.groups.permutations`.

    >>> w = permutation_operator((1, 2, 0))     # qubit 0 → 1, 1 → 2, 2 → 0
    >>> w * kron(ket("1"), ket("0"), ket("0")) == kron(ket("0"), ket("1"), ket("0"))
    True
    """
    perm = tuple(permutation)
    n = len(perm)
    if sorted(perm) != list(range(n)):
        _checks.fail("permutation_operator", f"permutation expected a rearrangement of 0..{n - 1}, got {perm}")
    d = 2**n
    matrix = sp.zeros(d, d)
    for bits in product((0, 1), repeat=n):
        image = [0] * n
        for i, b in enumerate(bits):
            image[perm[i]] = b
        matrix[int("".join(map(str, image)), 2), int("".join(map(str, bits)), 2)] = 1
    return sp.ImmutableMatrix(matrix)


SWAP = permutation_operator((1, 0))
CNOT = sp.ImmutableMatrix([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]])


# P[r, c] for single-qubit letters: (flip bit?, {row bit: value})
_ENTRY = {"I": (0, (1, 1)), "X": (1, (1, 1)), "Y": (1, (-sp.I, sp.I)), "Z": (0, (1, -1))}


def pauli_decompose(matrix) -> dict[str, sp.Expr]:
    """Exact Pauli coefficients ``{word: Tr(P·M)/d}`` of ``M = Σ_P m_P P`` (zero terms omitted).

    Uses that a Pauli word has one nonzero entry per row: ``Tr(P M) = Σ_r P[r, r⊕x] M[r⊕x, r]``.

    >>> pauli_decompose(SWAP)
    {'II': 1/2, 'XX': 1/2, 'YY': 1/2, 'ZZ': 1/2}
    """
    m = _checks.exact_matrix("pauli_decompose", "matrix", matrix)
    n = _checks.qubit_count("pauli_decompose", "matrix", m.rows)
    d = 2**n
    terms = {}
    for letters in product(PAULI_LETTERS, repeat=n):
        flip = sum(_ENTRY[c][0] << (n - 1 - q) for q, c in enumerate(letters))
        total = sp.Integer(0)
        for r in range(d):
            entry = m[r ^ flip, r]
            if entry == 0:
                continue
            value = sp.Integer(1)
            for q, c in enumerate(letters):
                value *= _ENTRY[c][1][(r >> (n - 1 - q)) & 1]
            total += value * entry
        coeff = sp.expand(total / d)
        if coeff != 0:
            terms["".join(letters)] = coeff
    return terms


def from_pauli_terms(terms: dict[str, sp.Expr], *, expand: bool = True, n_qubits: int | None = None
                     ) -> sp.ImmutableMatrix:
    """``Σ_P m_P P`` from Pauli-word coefficients, the inverse of :func:`pauli_decompose`.

    The package's one Pauli-terms-to-matrix function.  ``expand=False`` keeps each entry as summed (for
    coefficients that are trig polynomials, whose expansion would only cost time).  ``n_qubits`` fixes the
    register, so that no terms (a vanishing operator) give the zero matrix:

    >>> from_pauli_terms({}, n_qubits=1)
    Matrix([
    [0, 0],
    [0, 0]])

    >>> from_pauli_terms({"ZI": 1, "IZ": 1})
    Matrix([
    [2, 0, 0,  0],
    [0, 0, 0,  0],
    [0, 0, 0,  0],
    [0, 0, 0, -2]])
    """
    if not terms and n_qubits is None:
        _checks.fail("from_pauli_terms", "terms must name at least one Pauli word (or give n_qubits)")
    n = len(next(iter(terms))) if n_qubits is None else _checks.qubits_count("from_pauli_terms", "n_qubits",
                                                                               n_qubits)
    total = sp.zeros(2**n, 2**n)
    for word, coeff in terms.items():
        if len(word) != n:
            _checks.fail("from_pauli_terms", f"word {word!r} has {len(word)} letters, expected {n} (one per qubit)")
        total += coeff * pauli(word)
    return sp.ImmutableMatrix(total.applyfunc(sp.expand) if expand else total)


def is_unitary(matrix) -> bool:
    """Exact test ``M†M = I`` (``False`` for a non-square matrix).

    >>> is_unitary(H), is_unitary(X + Z)
    (True, False)
    """
    m = sp.Matrix(_checks.exact_matrix("is_unitary", "matrix", matrix)) if not isinstance(
        matrix, sp.MatrixBase) else sp.Matrix(matrix)
    return m.rows == m.cols and _checks.is_zero_matrix(m.H * m - sp.eye(m.rows))


def is_hermitian(matrix) -> bool:
    """Exact test ``M = M†`` (``False`` for a non-square matrix).

    >>> is_hermitian(Y), is_hermitian(S)
    (True, False)
    """
    m = sp.Matrix(_checks.exact_matrix("is_hermitian", "matrix", matrix)) if not isinstance(
        matrix, sp.MatrixBase) else sp.Matrix(matrix)
    return m.rows == m.cols and _checks.is_zero_matrix(m - m.H)


def pauli_sum(text: str, n: int) -> sp.ImmutableMatrix:
    """Parse an exact Pauli sum such as ``"Z0 + 1/2 X0 X1 - 0.25 Y1"`` on ``n`` qubits (never evaluated as code).

    Coefficients are integers, fractions ``p/q`` or decimals (read exactly); factors are a letter
    ``X|Y|Z|I`` followed by a qubit index.  Returns the matrix; :meth:`sggd_sym.PauliSum.from_text` reads the
    same text without forming it (any register size).

    >>> pauli_sum("Z0 + 1/2 X0 X1", 2) == pauli("ZI") + pauli("XX") / 2
    True
    """
    from sggd_sym.algebra.pauli_sum import PauliSum

    n = _checks.integer("pauli_sum", "n", n, minimum=1)
    return sp.ImmutableMatrix(PauliSum.from_text(text, n).matrix())
