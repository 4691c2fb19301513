"""Exact commutants ``{X : D X D† = X, [H, X] = 0}`` and their Hermitian orthogonal bases.

With row-major ``vec``, ``vec(A X B) = (A ⊗ Bᵀ) vec X``, so the constraints are

* ``(D ⊗ D̄ − I) vec X = 0`` for each unitary ``D``;
* ``(H ⊗ I − I ⊗ Hᵀ) vec X = 0`` for each Hermitian ``H``.

The stacked system is built sparsely and solved by an exact sparse nullspace
(``DomainMatrix``).  The commutant is closed under ``†``, so ``(X + X†)/2`` and
``(X − X†)/2i`` of the null vectors span it with Hermitian matrices; a
Gram–Schmidt pass without normalisation keeps every norm rational.  All of it runs
in exact domain arithmetic over ``QQ_I`` (Gaussian rationals) — the case of
Pauli, permutation and Clifford-like generators; other fields fall back to SymPy.
"""

from __future__ import annotations

import sympy as sp
from sympy.polys.domains import QQ_I
from sympy.polys.matrices import DomainMatrix

__all__ = ["orthogonal_hermitian_basis", "pauli_traces"]


def _conj(z):
    """Complex conjugate of a Gaussian rational."""
    return QQ_I(z.x, -z.y)


def _domain(matrices) -> object:
    entries = [sp.expand(e) for m in matrices for e in m] + [sp.I]
    domain = sp.polys.constructor.construct_domain(entries, extension=True)[0]
    return domain.get_field() if not domain.is_Field else domain


def _sparse(matrix, domain) -> dict[int, dict[int, object]]:
    rows: dict[int, dict[int, object]] = {}
    for (r, c), value in sp.SparseMatrix(matrix).todok().items():
        rows.setdefault(r, {})[c] = domain.from_sympy(sp.expand(value))
    return rows


def _constraint_rows(unitaries, hamiltonians, d: int, domain) -> dict[int, dict[int, object]]:
    """Sparse rows of the stacked linear constraints on ``vec X`` (row-major)."""
    rows: dict[int, dict[int, object]] = {}
    offset = 0
    one = domain.one
    for v in unitaries:
        sv = _sparse(v, domain)
        conj = {r: {c: domain.from_sympy(sp.conjugate(domain.to_sympy(x))) for c, x in row.items()}
                for r, row in sv.items()}
        for a, row_a in sv.items():
            for b, row_b in conj.items():
                out: dict[int, object] = {}
                for c, vac in row_a.items():
                    for e, vbe in row_b.items():
                        out[c * d + e] = out.get(c * d + e, domain.zero) + vac * vbe
                out[a * d + b] = out.get(a * d + b, domain.zero) - one
                out = {k: x for k, x in out.items() if x}
                if out:
                    rows[offset + a * d + b] = out
        offset += d * d
    for h in hamiltonians:
        sh = _sparse(h, domain)
        cols: dict[int, dict[int, object]] = {}
        for r, row in sh.items():
            for c, x in row.items():
                cols.setdefault(c, {})[r] = x
        for a in range(d):
            for b in range(d):
                out = {}
                for c, x in sh.get(a, {}).items():  # (H X)[a, b] = Σ_c H[a, c] X[c, b]
                    out[c * d + b] = out.get(c * d + b, domain.zero) + x
                for e, x in cols.get(b, {}).items():  # (X H)[a, b] = Σ_e X[a, e] H[e, b]
                    out[a * d + e] = out.get(a * d + e, domain.zero) - x
                out = {k: y for k, y in out.items() if y}
                if out:
                    rows[offset + a * d + b] = out
        offset += d * d
    return rows


def orthogonal_hermitian_basis(unitaries, hamiltonians, d: int) -> list[tuple[sp.ImmutableMatrix, sp.Expr]]:
    """Hermitian, HS-orthogonal basis ``[(B_i, ‖B_i‖²)]`` of the commutant ``G'`` of Eq. 5, exact.

    Parameters
    ----------
    unitaries, hamiltonians
        The constraints ``D X D† = X`` and ``[H, X] = 0``, as exact ``d × d`` matrices.
    d
        The dimension of ``X``.

    Returns
    -------
    list of (ImmutableMatrix, Expr)
        Unnormalised basis matrices with their squared HS norms (rational for Gaussian-rational input).

    >>> from sggd_sym import ops
    >>> [(b == ops.X, b == ops.I2, n2) for b, n2 in orthogonal_hermitian_basis([ops.X], [], 2)]
    [(True, False, 2), (False, True, 2)]
    """
    domain = _domain(list(unitaries) + list(hamiltonians))
    if domain != QQ_I:
        return _sympy_basis(unitaries, hamiltonians, d, domain)
    rows = _constraint_rows(unitaries, hamiltonians, d, domain)
    if rows:
        null = DomainMatrix(rows, (max(rows) + 1, d * d), domain).nullspace().to_dense().rep.to_ddm()
        vectors = [list(v) for v in null]
    else:
        vectors = [[domain.one if k == i else domain.zero for k in range(d * d)] for i in range(d * d)]
    half = domain.from_sympy(sp.Rational(1, 2))
    minus_half_i = domain.from_sympy(-sp.I / 2)
    basis: list[list] = []
    norms: list = []
    for vec in vectors:
        adj = [_conj(vec[(k % d) * d + k // d]) for k in range(d * d)]
        for cand in ([half * (x + y) for x, y in zip(vec, adj)],
                     [minus_half_i * (x - y) for x, y in zip(vec, adj)]):
            for b, n2 in zip(basis, norms):
                coeff = sum((_conj(x) * y for x, y in zip(b, cand) if x and y), domain.zero) / n2
                if coeff:
                    cand = [y - coeff * x for x, y in zip(b, cand)]
            norm2 = sum((_conj(x) * x for x in cand if x), domain.zero)
            if norm2:
                basis.append(cand)
                norms.append(norm2)
    return [(sp.ImmutableMatrix(d, d, [domain.to_sympy(x) for x in b]), domain.to_sympy(n2))
            for b, n2 in zip(basis, norms)]


def _sympy_basis(unitaries, hamiltonians, d: int, domain) -> list[tuple[sp.ImmutableMatrix, sp.Expr]]:
    """The same construction with SymPy entries (fields beyond ``QQ_I``, e.g. with ``sqrt(2)``)."""
    from sggd_sym.algebra import ops

    rows = _constraint_rows(unitaries, hamiltonians, d, domain)
    if rows:
        null = DomainMatrix(rows, (max(rows) + 1, d * d), domain).nullspace().to_Matrix()
        vectors = [list(null.row(i)) for i in range(null.rows)]
    else:
        vectors = [[1 if k == i else 0 for k in range(d * d)] for i in range(d * d)]
    basis: list[tuple[sp.Matrix, sp.Expr]] = []
    for vec in vectors:
        x = sp.Matrix(d, d, vec)
        for cand in ((x + x.H) / 2, (x - x.H) / (2 * sp.I)):
            y = sp.Matrix(cand)
            for b, norm2 in basis:
                y -= (ops.hs_inner(b, y) / norm2) * b
            y = y.applyfunc(lambda e: sp.radsimp(sp.expand(e)))
            if y.is_zero_matrix:
                continue
            basis.append((y, sp.radsimp(sp.expand(ops.hs_inner(y, y)))))
    return [(sp.ImmutableMatrix(b), n) for b, n in basis]


# P[r, r ⊕ x] for one qubit: letter -> (flips?, value at row bit 0, value at row bit 1)
_LETTERS = {False: (("I", 1, 1), ("Z", 1, -1)), True: (("X", 1, 1), ("Y", -sp.I, sp.I))}


def pauli_traces(matrix: sp.MatrixBase, n: int) -> dict[str, sp.Expr]:
    """``{P: Tr(P M)}`` over Pauli words with a nonzero trace, from the nonzero entries of ``M``.

    A Pauli word has one nonzero per row, ``P[r, r⊕x]``, so ``Tr(P M) = Σ_r P[r, r⊕x] M[r⊕x, r]``: each
    nonzero ``M[c, r]`` feeds the ``2^n`` words whose flip pattern is ``c ⊕ r``.

    >>> from sggd_sym import ops
    >>> pauli_traces(ops.CNOT, 2)
    {'II': 2, 'ZI': 2, 'IX': 2, 'ZX': -2}
    """
    out: dict[str, sp.Expr] = {}
    for (c, r), value in sp.SparseMatrix(matrix).todok().items():
        flips = c ^ r
        partial = [("", sp.Integer(1))]
        for q in range(n):
            shift = n - 1 - q
            bit = (r >> shift) & 1
            options = _LETTERS[bool((flips >> shift) & 1)]
            partial = [(w + letter, f * (v1 if bit else v0)) for w, f in partial for letter, v0, v1 in options]
        for word, factor in partial:
            out[word] = out.get(word, 0) + factor * value
    return {w: v for w, v in ((w, sp.expand(v)) for w, v in out.items()) if v != 0}

