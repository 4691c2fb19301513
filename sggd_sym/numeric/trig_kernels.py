"""Numeric evaluation of exact trig polynomials (the bridge's kernel for :class:`~sggd_sym.algebra.trig.TrigRing`).

:class:`CompiledTrigPolynomials` takes the ring's exact polynomials in ``c_j = cos(ω_j θ_j)``,
``s_j = sin(ω_j θ_j)`` once, as integer exponent tables and float coefficients, and evaluates their values
and Jacobian vectorised over batches of parameter vectors (and, for one parameter vector, fused partial
derivatives).  It reads only the ring's data (``n_parameters``, ``frequencies``, ``domain``, the terms of
each polynomial), so this module imports nothing of the exact algebra.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy as sp

from sggd_sym.exceptions import InputValueError

__all__ = ["CompiledTrigPolynomials", "CHUNK_ELEMENTS"]

#: Largest number of elements of one ``(batch, parameters, terms)`` temporary of the Jacobian (~16 MB).
CHUNK_ELEMENTS = 2_000_000


@dataclass
class _Factor:
    """Per-parameter lookup tables: distinct exponent pairs ``(a, b)`` of ``c^a s^b``."""

    pairs: np.ndarray  # (n_codes, 2) ints
    codes: np.ndarray  # (n_terms,) index into pairs


class CompiledTrigPolynomials:
    """Vectorised numpy evaluation of a list of trig polynomials and of their Jacobian.

    Each monomial ``Π_j c_j^{a_j} s_j^{b_j}`` is a product of per-parameter factors; the distinct
    factors of each parameter are tabulated once per call, gathered per term and multiplied.
    Values are ``terms @ C`` with the coefficients folded into ``C`` (terms × outputs).  The Jacobian
    uses prefix/suffix products so no division by a vanishing factor ever occurs.  Made by
    :meth:`sggd_sym.algebra.trig.TrigRing.compile`.

    >>> from sggd_sym.algebra.trig import TrigRing
    >>> t, u = sp.symbols("t u")
    >>> R = TrigRing((t, u), (1, 1))
    >>> f = R.compile([R.cos[0] * R.sin[1], R.cos[0] ** 2])      # cos t sin u, cos² t
    >>> f.n_parameters, f.n_outputs, f.n_terms
    (2, 2, 2)
    >>> np.round(f.values([[np.pi / 3, np.pi / 6], [0.0, 0.0]]), 6).tolist()
    [[0.25, 0.25], [0.0, 1.0]]
    """

    def __init__(self, trig, polys):
        self.n_parameters = trig.n_parameters
        self.n_outputs = len(polys)
        self.frequencies = np.array([float(w) for w in trig.frequencies], dtype=float)
        p = trig.n_parameters
        monoms: list[tuple[int, ...]] = []
        rows, cols, vals = [], [], []
        index: dict[tuple[int, ...], int] = {}
        for k, poly in enumerate(polys):
            for monom, coeff in poly.items():
                if monom not in index:
                    index[monom] = len(monoms)
                    monoms.append(monom)
                rows.append(index[monom])
                cols.append(k)
                vals.append(complex(sp.N(trig.domain.to_sympy(coeff), 17)).real
                            if not trig.domain.is_QQ else float(coeff))
        exps = np.array(monoms, dtype=np.int64).reshape(len(monoms), max(2 * p, 1))
        self.coefficients = np.zeros((len(monoms), self.n_outputs))
        np.add.at(self.coefficients, (np.array(rows, dtype=int), np.array(cols, dtype=int)), vals)
        self.n_terms = len(monoms)
        self.factors: list[_Factor] = []
        self.active: list[int] = []
        for j in range(p):
            pair = exps[:, [j, p + j]] if p else np.zeros((len(monoms), 2), dtype=np.int64)
            uniq, codes = np.unique(pair, axis=0, return_inverse=True)
            self.factors.append(_Factor(uniq, codes.reshape(-1)))
            if len(uniq) > 1 or (len(uniq) == 1 and uniq[0].any()):
                self.active.append(j)

    @cached_property
    def _flat(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """All active parameters' factor tables side by side: parameter index, exponents ``a``, ``b``
        per table column, and the gather index ``(m, n_terms)`` of each term's factor per parameter."""
        owner, a, b, gather, offset = [], [], [], [], 0
        for j in self.active:
            pairs = self.factors[j].pairs
            owner += [j] * len(pairs)
            a += pairs[:, 0].tolist()
            b += pairs[:, 1].tolist()
            gather.append(self.factors[j].codes + offset)
            offset += len(pairs)
        gather_arr = np.array(gather, dtype=np.intp).reshape(len(self.active), self.n_terms)
        return (np.array(owner, dtype=np.intp), np.array(a, dtype=float)[None, :],
                np.array(b, dtype=float)[None, :], gather_arr)

    @cached_property
    def _int_tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int]:
        """``owner``, integer exponents ``a``, ``b`` per factor column, frequencies per column, and the
        largest exponents (so powers are repeated products, never ``pow``)."""
        owner, a, b, _ = self._flat
        a_int = a.reshape(-1).astype(np.intp)
        b_int = b.reshape(-1).astype(np.intp)
        return (owner, a_int, b_int, self.frequencies[owner], int(a_int.max(initial=0)),
                int(b_int.max(initial=0)))

    @cached_property
    def _coefficients_t(self) -> np.ndarray:
        return np.ascontiguousarray(self.coefficients.T)

    @staticmethod
    def _powers(x: np.ndarray, top: int) -> np.ndarray:
        """``x^0 … x^top`` stacked on a new leading axis (repeated products)."""
        out = np.empty((top + 1,) + x.shape)
        out[0] = 1.0
        for k in range(1, top + 1):
            np.multiply(out[k - 1], x, out=out[k])
        return out

    def _all_tables(self, theta: np.ndarray, derivative: bool):
        """Values of every active factor ``c^a s^b`` per term, ``(m, n_terms, batch)`` (batch last, so
        each parameter's slice is contiguous), and, when ``derivative``, of its θ-derivative
        ``ω (−a c^{a−1} s^{b+1} + b c^{a+1} s^{b−1})``."""
        owner, a, b, w, top_a, top_b = self._int_tables
        gather = self._flat[3]
        angle = w[:, None] * theta.T[owner]                   # (F, B)
        c, s = np.cos(angle), np.sin(angle)
        cols = np.arange(len(owner))
        pc = self._powers(c, top_a + 1)                       # (A+2, F, B)
        ps = self._powers(s, top_b + 1)
        values = (pc[a, cols] * ps[b, cols])[gather]          # (m, T, B)
        if not derivative:
            return values, None
        da = a[:, None] * pc[np.maximum(a - 1, 0), cols] * ps[b + 1, cols]
        db = b[:, None] * pc[a + 1, cols] * ps[np.maximum(b - 1, 0), cols]
        return values, ((db - da) * w[:, None])[gather]

    def _as_batch(self, theta) -> tuple[np.ndarray, bool]:
        arr = np.asarray(theta, dtype=float)
        single = arr.ndim == 1
        arr = np.atleast_2d(arr)
        if arr.shape[-1] != self.n_parameters:
            raise InputValueError(f"evaluate: expected {self.n_parameters} parameter values per point, "
                                  f"got {arr.shape[-1]}")
        if not np.all(np.isfinite(arr)):
            raise InputValueError("evaluate: parameter values must be finite (got NaN or inf)")
        return arr, single

    def values(self, theta) -> np.ndarray:
        """Values of the polynomials: shape ``(K,)`` for one parameter vector, ``(B, K)`` for a batch.

        >>> from sggd_sym.algebra.trig import TrigRing
        >>> R = TrigRing((sp.Symbol("t"),), (1,))
        >>> f = R.compile([R.cos[0], R.sin[0]])
        >>> np.round(f.values([0.0]), 6).tolist(), f.values(np.zeros((3, 1))).shape
        ([1.0, 0.0], (3, 2))
        """
        arr, single = self._as_batch(theta)
        factors, _ = self._all_tables(arr, False)
        terms = np.prod(factors, axis=0) if factors.shape[0] else np.ones((self.n_terms, arr.shape[0]))
        out = (self._coefficients_t @ terms).T
        return out[0] if single else out

    def values_and_jacobian(self, theta) -> tuple[np.ndarray, np.ndarray]:
        """Values ``(B, K)`` and Jacobian ``(B, K, p)`` (batch axis dropped for one vector).

        ``∂_j Π_i f_i = (Π_{i<j} f_i) f_j' (Π_{i>j} f_i)``: exclusive prefix and suffix products, so
        no division by a vanishing factor ever occurs; all parameters in one vectorised pass.  Large
        batches are split so that the ``(batch, parameters, terms)`` temporaries stay below
        :data:`CHUNK_ELEMENTS` elements each.

        >>> from sggd_sym.algebra.trig import TrigRing
        >>> t, u = sp.symbols("t u")
        >>> R = TrigRing((t, u), (1, 1))
        >>> f = R.compile([R.cos[0] * R.sin[1], R.cos[0] ** 2])
        >>> values, jacobian = f.values_and_jacobian([np.pi / 3, np.pi / 6])
        >>> np.round(values, 6).tolist(), np.round(jacobian, 6).tolist()
        ([0.25, 0.25], [[-0.433013, 0.433013], [-0.866025, 0.0]])
        """
        arr, single = self._as_batch(theta)
        rows = max(1, CHUNK_ELEMENTS // max(1, (len(self.active) + 1) * self.n_terms))
        if arr.shape[0] > rows:
            parts = [self._values_and_jacobian(arr[i:i + rows]) for i in range(0, arr.shape[0], rows)]
            return np.concatenate([v for v, _ in parts]), np.concatenate([j for _, j in parts])
        values, jac = self._values_and_jacobian(arr)
        return (values[0], jac[0]) if single else (values, jac)

    def _values_and_jacobian(self, arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        batch = arr.shape[0]
        jac = np.zeros((batch, self.n_outputs, self.n_parameters))
        factors, partial = self._all_tables(arr, True)       # (m, T, B) each
        m = factors.shape[0]
        ct = self._coefficients_t                            # (K, T), contiguous for BLAS
        if m == 0:
            return (ct @ np.ones((self.n_terms, batch))).T, jac
        # partial_i = (Π_{k<i} f_k) f_i' (Π_{k>i} f_k) (no division, so vanishing factors are harmless)
        # running products in place, one contiguous (T, B) slice per active parameter (cumprod along
        # the parameter axis is slower: strided accumulate)
        run = factors[0].copy()
        for i in range(1, m):
            partial[i] *= run
            run *= factors[i]
        values = (ct @ run).T
        run = factors[m - 1].copy()
        for i in range(m - 2, -1, -1):
            partial[i] *= run
            run *= factors[i]
        jac[:, :, self.active] = np.transpose(ct @ partial, (2, 1, 0))   # (m, K, B) -> (B, K, m)
        return values, jac

    # -- one parameter vector: few numpy calls, no batch axis -----------------------------------
    #: Largest ``(m + 1) · m · T`` gathered by :meth:`single_partials` (larger tables take the batch path).
    SINGLE_ELEMENTS = 250_000

    @cached_property
    def _single_plan(self):
        """Static tables of :meth:`single_partials` (``None`` when no parameter is active, no term, or the
        gather would exceed :attr:`SINGLE_ELEMENTS`).

        A value vector ``z`` holds every factor and every factor's θ-derivative; ``index`` ``(m + 1, m, T)``
        gathers, per term and active parameter, the factor (row 0) or — in row ``1 + j`` — the same with
        parameter ``j``'s factor replaced by its derivative, so one product over the middle axis gives the
        monomials and all their partial derivatives (no division, no prefix/suffix bookkeeping).
        *Multilinear* tables (every factor is ``1``, ``c_j`` or ``s_j``: each parameter in one rotation, the
        usual case) need no powers: ``z = [1, 0, c, s, −ω s, ω c]``; otherwise ``z = [c^a s^b,
        ω(b c^{a+1} s^{b−1} − a c^{a−1} s^{b+1})]`` per factor column from one ``np.power`` (integer
        exponents ≥ 0: no ``0 · 0^{−1}`` at ``c = 0``).  The angle matrix has one nonzero ``ω_j`` per column
        (``θ @ angles`` is exact) and a last column of ones: ``Σ θ``, finite iff every entry of ``θ`` is."""
        m = len(self.active)
        t = self.n_terms
        if m == 0 or t == 0 or (m + 1) * m * t > self.SINGLE_ELEMENTS:
            return None
        owner, a, b, w, _, _ = self._int_tables
        gather = self._flat[3]                                   # (m, T) factor columns
        f = len(owner)
        if np.all(a + b <= 1):
            # column -> slot in z: 0 for 1, 2 + i for c_i, 2 + m + i for s_i (i = position among active)
            pos = {j: i for i, j in enumerate(self.active)}
            col_pos = np.array([pos[j] for j in owner], dtype=np.intp)
            slot = np.where(a == 1, 2 + col_pos, np.where(b == 1, 2 + m + col_pos, 0))
            dslot = np.where(a == 1, 2 + 2 * m + col_pos, np.where(b == 1, 2 + 3 * m + col_pos, 1))
            angles = np.zeros((self.n_parameters, m + 1))
            angles[self.active, np.arange(m)] = self.frequencies[self.active]
            table = np.zeros(2 + 4 * m)
            table[0] = 1.0
            omega = self.frequencies[self.active]
            weights = (-omega, omega)
            kind = "multilinear"
        else:
            slot, dslot = np.arange(f), f + np.arange(f)
            angles = np.zeros((self.n_parameters, 3 * f + 1))
            for k in range(3):
                angles[owner, k * f + np.arange(f)] = w
            table = np.ones((2, 3 * f + 1))                      # exponents
            table[0, :3 * f] = np.concatenate([a, a + 1, np.maximum(a - 1, 0)])
            table[1, :3 * f] = np.concatenate([b, np.maximum(b - 1, 0), b + 1])
            weights = np.concatenate([w * b, -w * a])
            kind = "powers"
        angles[:, -1] = 1.0
        # (m + 1, m, T + 1); the last column is the constant monomial 1 (slot of 1; of 0 for its derivatives)
        index = np.empty((m + 1, m, t + 1), dtype=np.intp)
        index[:, :, :t] = slot[gather][None]
        one, zero = (0, 1) if kind == "multilinear" else (3 * f, 3 * f + 1)   # slots of 1 and 0 in z
        index[:, :, t] = one
        for j in range(m):
            index[1 + j, j, :t] = dslot[gather[j]]
            index[1 + j, j, t] = zero
        return kind, angles, table, weights, index, m

    def single_partials(self, theta: np.ndarray):
        """For one parameter vector ``theta`` ``(p,)`` (float64, unchecked): ``(m + 1, T + 1)`` — row 0 the
        monomials, row ``1 + j`` their derivatives by the ``j``-th active parameter; the last column is the
        constant monomial ``1`` (derivatives 0), for affine terms — so that values are
        ``rows[0, :T] @ coefficients`` and a contracted gradient ``∇ Σ_k u_k q_k = rows[1:, :T] @
        (coefficients @ u)`` needs no ``(K, p)`` Jacobian.  About a dozen numpy calls.  Returns ``None`` when an entry of ``theta``
        is not finite, no parameter is active or the table is large (callers then take the checked batch
        path).

        >>> from sggd_sym.algebra.trig import TrigRing
        >>> t, u = sp.symbols("t u")
        >>> R = TrigRing((t, u), (1, 1))
        >>> f = R.compile([R.cos[0] * R.sin[1], R.cos[0] ** 2])
        >>> rows = f.single_partials(np.array([np.pi / 3, np.pi / 6]))
        >>> np.round(rows[:, :-1] @ f.coefficients, 6).tolist()   # values, ∂_t, ∂_u
        [[0.25, 0.25], [-0.433013, -0.866025], [0.433013, 0.0]]
        """
        plan = self._single_plan
        if plan is None:
            return None
        kind, angles, table, weights, index, m = plan
        ang = theta @ angles
        if not np.isfinite(ang[-1]):
            return None
        if kind == "multilinear":
            z = table.copy()                                     # [1, 0, c, s, −ω s, ω c]
            np.cos(ang[:m], out=z[2:2 + m])
            np.sin(ang[:m], out=z[2 + m:2 + 2 * m])
            np.multiply(z[2 + m:2 + 2 * m], weights[0], out=z[2 + 2 * m:2 + 3 * m])
            np.multiply(z[2:2 + m], weights[1], out=z[2 + 3 * m:])
        else:
            x = np.empty((2, ang.shape[0]))
            np.cos(ang, out=x[0])
            np.sin(ang, out=x[1])
            np.power(x, table, out=x)
            f = (ang.shape[0] - 1) // 3
            z = np.empty(3 * f + 2)
            np.multiply(x[0, :-1], x[1, :-1], out=z[:3 * f])   # [c^a s^b, c^{a+1}s^{b-1}, c^{a-1}s^{b+1}]
            z[3 * f:] = (1.0, 0.0)
            tail = z[f:3 * f]
            np.multiply(tail, weights, out=tail)
            np.add(tail[:f], tail[f:], out=tail[:f])              # ω(b c^{a+1}s^{b-1} − a c^{a-1}s^{b+1})
        return np.multiply.reduce(np.take(z, index), axis=1)

    def jax_tables(self) -> dict:
        """The static tables a JAX (or other array-library) evaluator needs, as numpy arrays.

        ``owner``/``frequency``/``a``/``b`` per factor column (``c_j^a s_j^b`` with ``c_j = cos(ω_j θ_j)``),
        ``gather`` ``(m, T)``: the factor column of each term for each of the ``m`` active parameters,
        ``coefficients`` ``(T, K)``, and the largest exponents ``max_a``, ``max_b``.

        >>> from sggd_sym.algebra.trig import TrigRing
        >>> R = TrigRing((sp.Symbol("t"),), (1,))
        >>> tables = R.compile([R.cos[0] ** 2]).jax_tables()
        >>> sorted(tables), tables["max_a"], tables["coefficients"].tolist()
        (['a', 'b', 'coefficients', 'frequency', 'gather', 'max_a', 'max_b', 'owner'], 2, [[1.0]])
        """
        owner, a, b, gather = self._flat
        a_int = a.reshape(-1).astype(np.intp)
        b_int = b.reshape(-1).astype(np.intp)
        return {"owner": owner, "frequency": self.frequencies[owner], "a": a_int, "b": b_int,
                "gather": gather, "coefficients": self.coefficients,
                "max_a": int(a_int.max(initial=0)), "max_b": int(b_int.max(initial=0))}
