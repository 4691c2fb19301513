"""Nonlinear post-processing: Taylor-truncated k-copy operators and the modified constraint (paper Eq. 12–13).

**Eq. 12.**  For a label ``h(f)`` with ``h`` analytic at ``t₀``, ``h_k(t) = Σ_{j=0}^{k} c_j (t − t₀)^j`` with
``c_j = h^{(j)}(t₀)/j!``; since ``(Tr[Aρ])^j = Tr[A^{⊗j} ρ^{⊗j}]``,

.. math::  h_k(f_θ(x)) = \\mathrm{Tr}[M_k ρ(x)^{⊗k}], \\qquad
           M_k = Σ_j c_j (Õ − t₀ I)^{⊗j} ⊗ I^{⊗(k−j)}.

**Eq. 13.**  ``M̂ = Π_sym[M_k] = (1/k!) Σ_{π∈S_k} W_π M_k W_π†`` (``W_π`` permutes the ``k`` copies), and with
``G^{(k)} = {V^{⊗k}}`` the modified penalty is ``P_k(θ) = ‖T_{G^{(k)}}[M̂] − M̂‖²``.

Derivation (SPEC §5).  Expanding the shifts, ``M̂ = Σ_i b_i S_i`` with ``h_k(t) = Σ_i b_i t^i``,
``S_i = Π_sym[Õ^{⊗i} ⊗ I^{⊗(k−i)}]``.  The Pauli coefficients of ``S_i`` are products of the exact
trig polynomials ``a_P(θ)`` of ``Õ = Σ_P a_P P``: a ``k``-copy Pauli word is a concatenation of ``k`` blocks;
``Π_sym`` averages a word over the rearrangements of its blocks, so ``S_i`` has one coefficient per *multiset*
of blocks.  The twirl of ``G^{(k)}`` commutes with ``Π_sym``; for a finite group it is the group average of the
elements' Pauli transfer maps ``Q ↦ V Q V†`` applied blockwise, for a Lie group the projection on the
commutant of ``group.tensor_power(k)``.  Then ``P_k = d^k Σ_w r_w(θ)²`` over the Pauli coefficients ``r_w`` of
the residual ``T[M̂] − M̂`` (``‖w‖² = d^k``); it equals ``‖M̂‖² − ‖T[M̂]‖²`` but has no cancellation.

:func:`modified_penalty` is ``P_k`` (SPEC §4 calls it ``postprocess.penalty``, an alias).  Training with
post-processed outputs (the MSE of ``h_k(f)``) is :mod:`sggd_sym.derived.postprocessed_costs`; this module keeps
the numeric ``h_k`` it uses (:func:`postprocessing_function`).

>>> import sympy as sp, sggd_sym as sg
>>> t = sp.Symbol("t")
>>> taylor_coefficients(sp.tanh(2 * t), t, 3)
[0, 2, 0, -8/3]
>>> O = sg.ops.Z                                   # SPEC §2 Eq. 13 witness: G = {I, X}, h = t², U = I
>>> P2 = modified_penalty(sg.Circuit(1), O, sg.groups.finite([sg.ops.X]), t**2, t, 2)
>>> P2.expr, sg.penalty(sg.Circuit(1), O, sg.groups.finite([sg.ops.X])).expr
(0, 2)
"""

from __future__ import annotations

import numbers
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations_with_replacement, permutations
from math import factorial, prod

import numpy as np
import sympy as sp
from sympy.polys.rings import PolyElement

from sggd_sym import _checks
from sggd_sym.algebra import ops
from sggd_sym.algebra.trig import check_budget
from sggd_sym.circuits.circuit import Circuit
from sggd_sym.circuits.heisenberg import DEFAULT_BUDGET, HeisenbergObservable, heisenberg_observable
from sggd_sym.exceptions import DerivationBudgetError, InputTypeError, InputValueError
from sggd_sym.numeric.bridge import DerivedFunction, lambdify_checked, to_float
from sggd_sym.symmetry.groups import FiniteGroup, SymmetryGroup
from sggd_sym.symmetry.twirling import check_circuit_and_group

__all__ = [
    "taylor_coefficients", "power_coefficients", "taylor_operator", "copy_permutation", "copy_permutations",
    "symmetrize", "ModifiedConstraint", "modified_constraint", "modified_residual", "modified_penalty", "penalty",
    "postprocessing_function",
]

_SURROGATE = "use a smooth surrogate such as tanh(beta*t) for sign(t), or sqrt(t**2 + eps) for Abs(t)"

#: Largest Taylor order of :func:`taylor_coefficients` (and of the post-processing penalties).
MAX_TAYLOR_ORDER = 32
#: Budget of the k-copy derivation (Eq. 13): multisets of Pauli blocks × k! arrangements, estimated before work.
COPY_WORK_BUDGET = 10_000_000
#: Largest number of qubits of a dense k-copy matrix (taylor_operator, copy permutations, Lie-group copies).
MAX_COPY_QUBITS = 10
#: Largest number of copies whose k! permutations are enumerated (symmetrize, copy_permutations).
MAX_PERMUTED_COPIES = 8


# -- Eq. 12: Taylor coefficients ------------------------------------------------------------------
def taylor_coefficients(h, t, order, t0=0) -> list[sp.Expr]:
    """Eq. 12: the exact ``c_j = h^{(j)}(t₀)/j!`` for ``j = 0..order``.

    ``h`` is a SymPy expression in the Symbol ``t`` (other symbols, such as ``beta``, may stay symbolic).
    Raises :class:`InputValueError` when ``order < 1`` or when ``h`` is not analytic at ``t₀`` (a kink or jump
    of ``sign``, ``Abs``, ``Heaviside``, ``floor``, ``Max``/``Min`` or ``Piecewise`` at ``t₀``, a pole, a branch
    point, a logarithm, …), suggesting a smooth surrogate.

    >>> t = sp.Symbol("t")
    >>> taylor_coefficients(1 - 2 * t**2, t, 2)
    [1, 0, -2]
    >>> taylor_coefficients(sp.Abs(t), t, 2, t0=1)
    [1, 1, 0]
    """
    where = "taylor_coefficients"
    h, t = _check_function(where, h, t)
    order = _checks.integer(where, "order", order, minimum=1, maximum=MAX_TAYLOR_ORDER)
    t0 = _check_point(where, t0)
    local = _localize(h, t, t0)
    _check_essential(h, local, t, t0)
    u = sp.Dummy("u")
    shifted = local.subs(t, t0 + u)
    try:
        series = sp.series(shifted, u, 0, order + 1).removeO()
        poly = sp.Poly(sp.expand(series), u)
    except (sp.PolynomialError, sp.PoleError, NotImplementedError, ValueError, TypeError) as exc:
        raise InputValueError(f"{where}: h = {h} is not analytic at t0 = {t0} (its expansion in t − t0 is not "
                              f"a power series: {type(exc).__name__}); {_SURROGATE}") from exc
    coeffs = [sp.Integer(0)] * (order + 1)
    for (power,), value in poly.terms():
        if power <= order:
            coeffs[power] = value
    out = []
    for j, c in enumerate(coeffs):
        c = c if c.is_Rational else sp.simplify(c)
        if c.has(sp.zoo, sp.oo, -sp.oo, sp.nan) or c.has(u):
            raise InputValueError(f"{where}: h = {h} is not analytic at t0 = {t0} (coefficient c_{j} = {c} is "
                                  f"not finite); {_SURROGATE}")
        out.append(c)
    return out


def _check_function(where: str, h, t) -> tuple[sp.Expr, sp.Symbol]:
    if not isinstance(t, sp.Symbol):
        raise InputTypeError(f"{where}: t expected a sympy Symbol (the variable of h), got {type(t).__name__}")
    if isinstance(h, numbers.Integral) and not isinstance(h, bool):
        h = sp.Integer(h)
    if not isinstance(h, sp.Expr):
        hint = "; text is never evaluated as code, build h with sympy" if isinstance(h, (str, bytes)) else ""
        raise InputTypeError(f"{where}: h expected a sympy expression in {t} (e.g. sympy.tanh(2*{t})), "
                             f"got {type(h).__name__}{hint}")
    if h.has(sp.Float):
        raise InputValueError(f"{where}: h = {h} contains floats; use exact numbers (sympy.Rational)")
    return _checks.exact_expr(where, "h", h), t


def _check_essential(h, local: sp.Expr, t: sp.Symbol, t0: sp.Expr) -> None:
    """Refuse an essential singularity at ``t₀`` such as ``exp(−1/t²)``: its series is identically zero (or
    does not exist) although ``h`` is not analytic there.  A function (or a power with a variable exponent) is
    singular at ``t₀`` when its argument tends to infinity there; removable cases such as ``sin(t)/t`` pass."""
    for node in sp.preorder_traversal(local):
        if isinstance(node, sp.Pow) and node.exp.has(t):
            arguments = [node.exp * sp.log(node.base)]
        elif isinstance(node, sp.Function) and node.has(t):
            arguments = [a for a in node.args if a.has(t)]
        else:
            continue
        for arg in arguments:
            value = arg.subs(t, t0)
            if value.is_finite and not value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                continue
            try:
                limit = sp.limit(arg, t, t0, "+-")
            except (ValueError, NotImplementedError, TypeError, sp.PoleError):
                limit = sp.nan
            if limit.is_finite is not True or limit.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
                raise _not_analytic(h, t0, f"{node} has an essential singularity there: {arg} is unbounded "
                                           "as t -> t0, so its Taylor series does not represent it")


def _check_point(where: str, t0) -> sp.Expr:
    if isinstance(t0, (bool, float, complex, str, bytes)) or not isinstance(t0, (numbers.Number, sp.Expr)):
        raise InputValueError(f"{where}: t0 expected an exact real number (int, sympy.Rational, sympy.pi, …), "
                              f"got {t0!r}")
    if isinstance(t0, sp.Expr) and t0.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise InputValueError(f"{where}: t0 expected an exact finite real number, got {t0}")
    t0 = _checks.exact_number(where, "t0", t0, symbols=True)
    if t0.free_symbols or t0.has(sp.Float) or not t0.is_real or not t0.is_finite:
        raise InputValueError(f"{where}: t0 expected an exact finite real number, got {t0}")
    return t0


def _not_analytic(h, t0, reason: str) -> InputValueError:
    return InputValueError(f"taylor_coefficients: h = {h} is not analytic at t0 = {t0} ({reason}); {_SURROGATE}")


def _value_at(arg: sp.Expr, t: sp.Symbol, t0: sp.Expr) -> sp.Expr:
    value = arg.subs(t, t0)
    return value if value.is_number and value.is_Rational else sp.simplify(value)


def _nonzero_sign(h, func, arg, t, t0) -> sp.Expr:
    value = _value_at(arg, t, t0)
    if value.is_zero or value.has(sp.nan, sp.zoo):
        raise _not_analytic(h, t0, f"{func}({arg}) has a kink or jump where {arg} = 0")
    if value.is_zero is None or value.is_extended_real is not True:
        raise _not_analytic(h, t0, f"cannot decide the sign of {arg} at t0; substitute numbers for its symbols")
    return sp.sign(value)


def _localize(h: sp.Expr, t: sp.Symbol, t0: sp.Expr) -> sp.Expr:
    """Replace each non-smooth function of ``t`` by its branch on a neighbourhood of ``t₀`` (raise at a kink)."""

    def visit(e):
        if not e.has(t) or e.is_Atom:
            return e
        if isinstance(e, sp.Piecewise):
            return piecewise(e)
        args = [visit(a) for a in e.args]
        if isinstance(e, (sp.sign, sp.Abs, sp.Heaviside, sp.DiracDelta)):
            s = _nonzero_sign(h, type(e).__name__, args[0], t, t0)
            if isinstance(e, sp.sign):
                return s
            if isinstance(e, sp.Abs):
                return s * args[0]
            return sp.Integer(0) if isinstance(e, sp.DiracDelta) else (sp.Integer(1) if s > 0 else sp.Integer(0))
        if isinstance(e, (sp.floor, sp.ceiling, sp.frac)):
            value = _value_at(args[0], t, t0)
            if value.is_extended_real is not True or value.is_integer is not False:
                raise _not_analytic(h, t0, f"{type(e).__name__}({args[0]}) jumps at integer values")
            low = sp.floor(value)
            return {sp.floor: low, sp.ceiling: low + 1}.get(type(e), args[0] - low)
        if isinstance(e, (sp.Max, sp.Min)):
            values = [_value_at(a, t, t0) for a in args]
            best = (max if isinstance(e, sp.Max) else min)(values)
            winners = [a for a, v in zip(args, values) if sp.simplify(v - best) == 0]
            if len(winners) > 1 and len({sp.simplify(w - winners[0]) for w in winners}) > 1:
                raise _not_analytic(h, t0, f"{type(e).__name__} switches branch at t0")
            return winners[0]
        return e.func(*args)

    def piecewise(e):
        for expr, cond in e.args:
            if cond is sp.true:
                return visit(expr)
            for rel in cond.atoms(sp.core.relational.Relational):
                if rel.has(t) and _value_at(rel.lhs - rel.rhs, t, t0).is_zero is not False:
                    raise _not_analytic(h, t0, f"Piecewise switches at {rel}")
            if bool(cond.subs(t, t0)):
                return visit(expr)
        raise _not_analytic(h, t0, "Piecewise is undefined there")

    return visit(h)


def power_coefficients(coefficients, t0=0) -> list[sp.Expr]:
    """Eq. 12 in powers of ``t``: ``b_i`` with ``Σ_j c_j (t − t₀)^j = Σ_i b_i t^i``,
    ``b_i = Σ_{j≥i} c_j C(j, i) (−t₀)^{j−i}``.

    Examples
    --------
    >>> power_coefficients([1, 2, 3], t0=1)          # 1 + 2(t − 1) + 3(t − 1)² = 2 − 4t + 3t²
    [2, -4, 3]
    """
    where = "power_coefficients"
    if isinstance(coefficients, (str, bytes)) or not hasattr(coefficients, "__iter__"):
        raise InputTypeError(f"{where}: coefficients expected a list [c_0, …, c_k] of exact numbers, got "
                             f"{type(coefficients).__name__}; text is never evaluated as code")
    c = [_checks.exact_number(where, f"coefficients[{j}]", x, symbols=True) for j, x in enumerate(coefficients)]
    if len(c) > MAX_TAYLOR_ORDER + 1:
        raise InputValueError(f"{where}: coefficients has {len(c)} entries, more than order {MAX_TAYLOR_ORDER} + 1")
    t0 = _checks.exact_number(where, "t0", t0, symbols=True)
    return [sp.expand(sum(c[j] * sp.binomial(j, i) * (-t0) ** (j - i) for j in range(i, len(c))))
            for i in range(len(c))]


# -- Eq. 12: the k-copy operator -------------------------------------------------------------------
def taylor_operator(O_tilde, coefficients, t0=0) -> sp.ImmutableMatrix:
    """Eq. 12: ``M_k = Σ_j c_j (Õ − t₀ I)^{⊗j} ⊗ I^{⊗(k−j)}`` on ``k = len(coefficients) − 1`` copies.

    ``O_tilde`` is an exact Hermitian matrix; its free symbols are taken to be real (circuit angles).

    >>> taylor_operator(ops.Z, [0, 0, 1]) == ops.kron(ops.Z, ops.Z)
    True
    """
    where = "taylor_operator"
    o = _checks.exact_matrix(where, "O_tilde", O_tilde)
    real = {s: sp.Dummy(s.name, real=True) for s in o.free_symbols}  # parameters are real angles
    _checks.hermitian(where, "O_tilde", o.subs(real), symbols=True)
    _checks.qubit_count(where, "O_tilde", o.rows)
    coeffs = _check_coefficients(where, coefficients)
    t0 = _check_point(where, t0)
    k = len(coeffs) - 1
    d = o.rows
    _dense_copies(where, (d.bit_length() - 1) * k)
    shifted = sp.Matrix(o) - t0 * sp.eye(d)
    total = sp.zeros(d**k, d**k)
    for j, c in enumerate(coeffs):
        if c == 0:
            continue
        factors = [shifted] * j + [sp.eye(d)] * (k - j)
        total += c * sp.Matrix(sp.kronecker_product(*factors)) if k > 1 else c * factors[0]
    return sp.ImmutableMatrix(total.applyfunc(sp.expand))


def _dense_copies(where: str, qubits: int) -> None:
    if qubits > MAX_COPY_QUBITS:
        raise DerivationBudgetError(f"{where}: the k-copy matrix would act on {qubits} qubits (a dense "
                                    f"2**{qubits} matrix), more than the limit of {MAX_COPY_QUBITS}; use fewer "
                                    "copies (a lower Taylor order) or sggd_sym.derived.postprocess.modified_penalty, "
                                    "which works in Pauli coordinates")


def _check_coefficients(where: str, coefficients) -> list[sp.Expr]:
    if isinstance(coefficients, (str, bytes)) or not hasattr(coefficients, "__iter__"):
        raise InputTypeError(f"{where}: coefficients expected a list [c_0, …, c_k], got {type(coefficients).__name__}")
    coeffs = []
    for j, c in enumerate(coefficients):
        if j > MAX_TAYLOR_ORDER:
            raise InputValueError(f"{where}: coefficients has more than {MAX_TAYLOR_ORDER + 1} entries "
                                  f"(Taylor order at most {MAX_TAYLOR_ORDER})")
        if isinstance(c, (bool, float, complex, str, bytes)) or not isinstance(c, (numbers.Number, sp.Expr)):
            raise InputValueError(f"{where}: coefficients[{j}] = {c!r} must be an exact number or expression "
                                  "(text is never evaluated)")
        if isinstance(c, sp.Expr) and c.has(sp.Float):
            raise InputValueError(f"{where}: coefficients[{j}] = {c} contains floats; use exact numbers")
        coeffs.append(_checks.exact_number(where, f"coefficients[{j}]", c, symbols=True))
    if len(coeffs) < 2:
        raise InputValueError(f"{where}: coefficients needs at least [c_0, c_1] (Taylor order k >= 1), "
                              f"got {len(coeffs)} entries")
    return coeffs


# -- Eq. 13: copy permutations and Π_sym ----------------------------------------------------------
def copy_permutation(perm, copies, n_qubits) -> sp.ImmutableMatrix:
    """Eq. 13: ``W_π`` moving copy ``i`` (the block of qubits ``i·n … i·n+n−1``) to copy ``π(i)``.

    Examples
    --------
    >>> copy_permutation((1, 0), 2, 1) == ops.SWAP
    True
    """
    where = "copy_permutation"
    k = _checks.integer(where, "copies", copies, minimum=1)
    n = _checks.integer(where, "n_qubits", n_qubits, minimum=1)
    _dense_copies(where, k * n)
    if isinstance(perm, (str, bytes)) or not hasattr(perm, "__iter__"):
        raise InputTypeError(f"{where}: perm expected a sequence of copy indices, got {type(perm).__name__}")
    perm = tuple(perm)
    if sorted(perm) != list(range(k)):
        raise InputValueError(f"{where}: perm expected a rearrangement of 0..{k - 1}, got {perm}")
    return ops.permutation_operator(_qubit_permutation(perm, n))


def copy_permutations(copies, n_qubits) -> list[sp.ImmutableMatrix]:
    """Eq. 13: all ``k!`` copy-permutation operators ``W_π`` (``π`` in ``itertools.permutations`` order).

    Examples
    --------
    >>> copy_permutations(2, 1) == [sp.eye(4), ops.SWAP]
    True
    """
    k = _checks.integer("copy_permutations", "copies", copies, minimum=1, maximum=MAX_PERMUTED_COPIES)
    _dense_copies("copy_permutations", k * _checks.integer("copy_permutations", "n_qubits", n_qubits, minimum=1))
    return [copy_permutation(p, k, n_qubits) for p in permutations(range(k))]


def _qubit_permutation(perm: tuple[int, ...], n: int) -> tuple[int, ...]:
    return tuple(perm[q // n] * n + q % n for q in range(len(perm) * n))


def symmetrize(M, copies) -> sp.ImmutableMatrix:
    """Eq. 13: ``Π_sym[M] = (1/k!) Σ_{π∈S_k} W_π M W_π†`` for ``M`` on ``k = copies`` blocks of qubits.

    >>> symmetrize(ops.kron(ops.Z, ops.I2), 2) == (ops.kron(ops.Z, ops.I2) + ops.kron(ops.I2, ops.Z)) / 2
    True
    """
    where = "symmetrize"
    # the scalar first: a bad copy count is refused before M's entries are checked one by one
    k = _checks.integer(where, "copies", copies, minimum=1, maximum=MAX_PERMUTED_COPIES)
    m = _checks.exact_matrix(where, "M", M)
    total_qubits = _checks.qubit_count(where, "M", m.rows)
    if total_qubits % k:
        raise InputValueError(f"{where}: M acts on {total_qubits} qubits, which is not a multiple of copies={k}")
    n = total_qubits // k
    d = m.rows
    out = sp.zeros(d, d)
    for perm in permutations(range(k)):
        index = _index_map(_qubit_permutation(perm, n))
        for r in range(d):
            for c in range(d):
                if m[r, c] != 0:
                    out[index[r], index[c]] += m[r, c]
    return sp.ImmutableMatrix((out / factorial(k)).applyfunc(sp.expand))


def _index_map(qperm: tuple[int, ...]) -> list[int]:
    """``W|b⟩ = |b'⟩`` with ``b'_{qperm(i)} = b_i`` as an index map (see :func:`ops.permutation_operator`)."""
    n = len(qperm)
    out = []
    for idx in range(2**n):
        image = 0
        for i in range(n):
            if (idx >> (n - 1 - i)) & 1:
                image |= 1 << (n - 1 - qperm[i])
        out.append(image)
    return out


# -- Eq. 13: the modified constraint of a circuit ---------------------------------------------------
Blocks = tuple[str, ...]  # a k-copy Pauli word as its k blocks of n letters, sorted for a multiset


def _arrangements(blocks: Blocks) -> int:
    return factorial(len(blocks)) // prod(factorial(m) for m in Counter(blocks).values())


@dataclass
class ModifiedConstraint:
    """``M̂ = Σ_i b_i S_i`` and the residual ``T_{G^{(k)}}[M̂] − M̂`` of a circuit, in Pauli coordinates.

    ``symmetric[i][μ]`` / ``residual[i][μ]`` are the exact trig-polynomial coefficients of ``S_i`` /
    ``T[S_i] − S_i`` on *each* arrangement of the sorted block multiset ``μ`` (both operators are symmetric).
    ``power`` holds ``b_0..b_k`` (``h_k(t) = Σ b_i t^i``) and ``coefficients`` the Taylor ``c_j``.
    Built by :func:`modified_constraint`.

    Examples
    --------
    >>> import sggd_sym as sg
    >>> t = sp.Symbol("t")
    >>> mc = modified_constraint(sg.Circuit(1), ops.Z, sg.groups.finite([ops.X]), t**2, t, 2)
    >>> mc.copies, mc.symmetrized_terms(), mc.residual_terms()       # M̂ = Z⊗Z is {I, X}⊗2-invariant
    (2, {'ZZ': 1}, {})
    """

    heisenberg: HeisenbergObservable
    group: SymmetryGroup
    coefficients: list[sp.Expr]
    t0: sp.Expr
    power: list[sp.Expr]
    symmetric: list[dict[Blocks, PolyElement]]
    residual: list[dict[Blocks, PolyElement]]

    @property
    def trig(self):
        return self.heisenberg.trig

    @property
    def copies(self) -> int:
        return len(self.coefficients) - 1

    @property
    def parameters(self):
        return self.heisenberg.parameters

    @cached_property
    def _power_in_ring(self):
        """``b_i`` as ring constants, or ``None`` when one is not in the ring's exact domain."""
        try:
            return [self.trig.constant(b) for b in self.power]
        except Exception:  # e.g. transcendental tanh(1): fall back to expression trees
            return None

    def _combined(self, table: list[dict[Blocks, PolyElement]]) -> dict[Blocks, object]:
        keys = {mu for part in table for mu in part}
        ring_b = self._power_in_ring
        out = {}
        for mu in keys:
            if ring_b is not None:
                poly = sum((ring_b[i] * part[mu] for i, part in enumerate(table) if mu in part), self.trig.ring.zero)
                if poly:
                    out[mu] = self.trig.to_expr(poly)
            else:
                expr = sp.Add(*[self.power[i] * self.trig.to_expr(part[mu]) for i, part in enumerate(table)
                                if mu in part])
                if expr != 0:
                    out[mu] = expr
        return out

    def symmetrized_terms(self) -> dict[str, sp.Expr]:
        """Pauli coefficients ``{k·n-qubit word: coefficient}`` of ``M̂ = Π_sym[M_k(Õ(θ))]`` (exact)."""
        return _expand_words(self._combined(self.symmetric))

    def residual_terms(self) -> dict[str, sp.Expr]:
        """Pauli coefficients of the modified residual ``E_k = T_{G^{(k)}}[M̂] − M̂`` (Eq. 13, exact)."""
        return _expand_words(self._combined(self.residual))

    def symmetrized_matrix(self) -> sp.ImmutableMatrix:
        """``M̂(θ)`` as an exact matrix on ``k·n`` qubits."""
        return ops.from_pauli_terms(self.symmetrized_terms(), expand=False,
                                    n_qubits=self.copies * self.heisenberg.n_qubits)

    def residual_matrix(self) -> sp.ImmutableMatrix:
        """``T_{G^{(k)}}[M̂(θ)] − M̂(θ)`` as an exact matrix on ``k·n`` qubits."""
        return ops.from_pauli_terms(self.residual_terms(), expand=False,
                                    n_qubits=self.copies * self.heisenberg.n_qubits)

    def modified_penalty(self) -> DerivedFunction:
        """Eq. 13: the modified penalty ``P_k(θ) = ‖T_{G^{(k)}}[M̂] − M̂‖² = d^k Σ_w r_w(θ)²`` of this constraint.

        Returns
        -------
        DerivedFunction
            ``.expr`` exact; value and gradient compiled from the residual's Pauli coefficients ``r_w``.

        Examples
        --------
        >>> import sympy as sp, sggd_sym as sg
        >>> t, a = sp.symbols("t a")
        >>> mc = modified_constraint(sg.Circuit(1).ry(a, 0), sg.ops.Z, sg.groups.finite([sg.ops.X]), t**2, t, 2)
        >>> mc.modified_penalty().expr             # 0 at a = 0 (the SPEC §2 witness), 2 at a = π/4
        1 - cos(4*a)
        """
        return _penalty_function(self)


def _expand_words(by_multiset: dict[Blocks, sp.Expr]) -> dict[str, sp.Expr]:
    out = {}
    for mu, value in by_multiset.items():
        for arrangement in set(permutations(mu)):
            out["".join(arrangement)] = value
    return out


def modified_constraint(circuit: Circuit, observable, group: SymmetryGroup, h, t, order, t0=0, *,
                        budget: int | None = DEFAULT_BUDGET) -> ModifiedConstraint:
    """Eq. 13: derive ``M̂(θ) = Π_sym[M_k(Õ(θ))]`` and the residual ``T_{G^{(k)}}[M̂] − M̂`` for a circuit,
    observable, group and post-processing ``h`` (Taylor order ``k = order`` at ``t0``, Eq. 12).

    Parameters as :func:`modified_penalty`; returns a :class:`ModifiedConstraint` (exact, in Pauli coordinates).

    Examples
    --------
    >>> import sggd_sym as sg
    >>> t = sp.Symbol("t")
    >>> mc = modified_constraint(sg.Circuit(1), ops.Z, sg.groups.finite([ops.Z]), 1 + t, t, 1)
    >>> sorted(mc.symmetrized_terms().items()), mc.modified_penalty().expr
    ([('I', 1), ('Z', 1)], 0)
    """
    where = "postprocess"
    check_circuit_and_group(where, circuit, group)
    coefficients = taylor_coefficients(h, t, order, t0)
    t0 = _check_point(where, t0)
    power = power_coefficients(coefficients, t0)
    k = len(coefficients) - 1
    if not isinstance(group, FiniteGroup):
        _dense_copies(f"{where} (copies of a Lie group)", k * group.n_qubits)
    # a cheap upper estimate before any k-copy work: at most 4**n Pauli words in Õ
    _copy_work(where, 4 ** circuit.n_qubits, k, budget, estimate=True)
    twirl = _CopyTwirl(group, k)
    heis = heisenberg_observable(circuit, observable, extra_constants=twirl.constants(), budget=budget)
    _copy_work(where, len(heis.terms), k, budget)
    trig = heis.trig
    symmetric: list[dict[Blocks, PolyElement]] = [{("I" * circuit.n_qubits,) * k: trig.ring.one}]
    residual: list[dict[Blocks, PolyElement]] = [{}]
    for i in range(1, k + 1):
        s_i = _symmetric_power(heis, i, k)
        check_budget(where, s_i.values(), budget)
        symmetric.append(s_i)
        residual.append(twirl.residual(s_i, trig))
        check_budget(where, residual[-1].values(), budget)
    return ModifiedConstraint(heis, group, coefficients, t0, power, symmetric, residual)


def _copy_work(where: str, words: int, k: int, budget, *, estimate: bool = False) -> None:
    """Raise :class:`DerivationBudgetError` when ``C(words + k − 1, k)`` multisets × ``k!`` arrangements (the
    work of Eq. 13 in Pauli coordinates) exceed :data:`COPY_WORK_BUDGET` (``budget=None`` lifts it)."""
    if budget is None:
        return
    from math import comb

    work = comb(words + k - 1, k) * factorial(k)
    if work > COPY_WORK_BUDGET and (not estimate or words <= 4):
        raise DerivationBudgetError(
            f"{where}: order {k} on {'up to ' if estimate else ''}{words} Pauli words needs about {work:.3g} "
            f"k-copy arrangements, over the budget of {COPY_WORK_BUDGET:.3g}; use a lower Taylor order "
            "(order=2 or 3 is usual) or pass budget=None to lift the limit")


def _symmetric_power(heis: HeisenbergObservable, i: int, k: int) -> dict[Blocks, PolyElement]:
    """``S_i = Π_sym[Õ^{⊗i} ⊗ I^{⊗(k−i)}]``: coefficient per arrangement of each block multiset."""
    trig = heis.trig
    identity = "I" * heis.n_qubits
    words = sorted(heis.terms)
    out: dict[Blocks, PolyElement] = {}
    for nu in combinations_with_replacement(words, i):
        poly = trig.ring.one
        for w in nu:
            poly = trig.reduce(poly * heis.terms[w])
        mu = tuple(sorted(nu + (identity,) * (k - i)))
        ways = factorial(i) // prod(factorial(m) for m in Counter(nu).values())  # orderings of ν
        out[mu] = poly * trig.constant(sp.Rational(ways, _arrangements(mu)))
    return {mu: p for mu, p in out.items() if p}


class _CopyTwirl:
    """The twirl of ``G^{(k)} = {V^{⊗k}}`` on symmetric k-copy operators, in Pauli coordinates.

    Finite groups: ``T[Q_1⊗…⊗Q_k] = (1/|G|) Σ_g ⊗_l V_g Q_l V_g†`` (each factor by the element's exact Pauli
    transfer map), which avoids the ``4^{kn}``-dimensional commutant.  Lie groups: the orthogonal projection on
    the commutant of ``group.tensor_power(k)``.
    """

    def __init__(self, group: SymmetryGroup, k: int):
        self.group = group
        self.k = k
        self.n = group.n_qubits
        self._images: dict[Blocks, dict[Blocks, sp.Expr]] = {}
        if isinstance(group, FiniteGroup):
            self._transfer = [self._transfer_map(v) for v in group.elements]
        else:
            power = group.tensor_power(k)
            scale = sp.Integer(2) ** (self.n * k)
            self._coords = [({_split(w, self.n): c for w, c in coords.items()}, norm2 * scale)
                            for coords, norm2 in power.pauli_coordinates]

    def _transfer_map(self, v) -> dict[str, dict[str, sp.Expr]]:
        from sggd_sym.algebra.paulis import pauli_words
        return {q: ops.pauli_decompose(v * ops.pauli(q) * v.H) for q in pauli_words(self.n)}

    def constants(self) -> list[sp.Expr]:
        if isinstance(self.group, FiniteGroup):
            return [c for rmap in self._transfer for image in rmap.values() for c in image.values()]
        return [c for coords, scale in self._coords for c in coords.values()] + [s for _, s in self._coords]

    def image_of_sum(self, mu: Blocks) -> dict[Blocks, sp.Expr]:
        """Coefficients of ``T[Σ_{arrangements w of μ} w]`` on sorted words (it is symmetric)."""
        if mu not in self._images:
            total: dict[Blocks, sp.Expr] = {}
            for w in set(permutations(mu)):
                for target, c in self._image(w).items():
                    if list(target) == sorted(target):
                        total[target] = total.get(target, 0) + c
            self._images[mu] = {w: sp.nsimplify(sp.expand(c)) for w, c in total.items() if sp.expand(c) != 0}
        return self._images[mu]

    def _image(self, w: Blocks) -> dict[Blocks, sp.Expr]:
        if isinstance(self.group, FiniteGroup):
            out: dict[Blocks, sp.Expr] = {}
            weight = sp.Rational(1, len(self._transfer))
            for rmap in self._transfer:
                partial = {(): weight}
                for block in w:
                    partial = {key + (q,): c * r for key, c in partial.items() for q, r in rmap[block].items()}
                for key, c in partial.items():
                    out[key] = out.get(key, 0) + c
            return out
        out = {}
        for coords, norm2 in self._coords:
            if w in coords:
                factor = coords[w] / norm2
                for target, c in coords.items():
                    out[target] = out.get(target, 0) + factor * c
        return out

    def residual(self, symmetric: dict[Blocks, PolyElement], trig) -> dict[Blocks, PolyElement]:
        out: dict[Blocks, PolyElement] = {mu: -p for mu, p in symmetric.items()}
        for mu, poly in symmetric.items():
            for target, c in self.image_of_sum(mu).items():
                out[target] = out.get(target, trig.ring.zero) + poly * trig.constant(c)
        return {mu: p for mu, p in out.items() if p}


def _split(word: str, n: int) -> Blocks:
    return tuple(word[i:i + n] for i in range(0, len(word), n))


def _numeric_power(power: list[sp.Expr]) -> np.ndarray:
    free = set().union(*(sp.sympify(b).free_symbols for b in power))
    if free:
        raise InputValueError(f"postprocess.modified_penalty: the Taylor coefficients of h depend on "
                              f"{', '.join(sorted(map(str, free)))}; substitute numbers (e.g. h.subs(beta, 2)) "
                              "to evaluate the penalty")
    return np.array([to_float(b, digits=20) for b in power])


def _penalty_function(mc: ModifiedConstraint) -> DerivedFunction:
    trig = mc.trig
    k = mc.copies
    scale = float(2 ** (mc.heisenberg.n_qubits * k))
    b = _numeric_power(mc.power)
    keys = sorted({mu for part in mc.residual for mu in part})
    weights = np.array([_arrangements(mu) for mu in keys], dtype=float) * scale
    polys = [part.get(mu, trig.ring.zero) for part in mc.residual[1:] for mu in keys]
    compiled = trig.compile(polys) if keys else None
    mix = b[1:]

    def evaluate(theta: np.ndarray):
        if compiled is None:
            return np.zeros(theta.shape[0]), np.zeros_like(theta)
        y, jac = compiled.values_and_jacobian(theta)
        batch = theta.shape[0]
        z = np.einsum("i,bim->bm", mix, y.reshape(batch, k, len(keys)))
        dz = np.einsum("i,bimp->bmp", mix, jac.reshape(batch, k, len(keys), -1))
        value = (z**2) @ weights
        grad = 2.0 * np.einsum("bm,bmp,m->bp", z, dz, weights)
        return value, grad

    def build_expr() -> sp.Expr:
        scale_exact = sp.Integer(2) ** (mc.heisenberg.n_qubits * k)
        ring_b = mc._power_in_ring
        if ring_b is not None:
            total = trig.ring.zero
            for mu in keys:
                z = sum((ring_b[i] * part[mu] for i, part in enumerate(mc.residual) if mu in part), trig.ring.zero)
                total += trig.reduce(z * z) * trig.constant(scale_exact * _arrangements(mu))
            expr = trig.to_expr(trig.reduce(total))
            return sp.factor(expr) if len(total) <= 40 else expr
        terms = mc._combined(mc.residual)
        return scale_exact * sp.Add(*[_arrangements(mu) * v**2 for mu, v in terms.items()])

    return DerivedFunction(trig.parameters, evaluate, build_expr,
                           name=f"modified penalty P_{k} under {mc.group.name}",
                           unused_parameters=mc.heisenberg.unused_parameters)


def modified_penalty(circuit: Circuit, observable, group: SymmetryGroup, h, t, order, t0=0, *,
                     budget: int | None = DEFAULT_BUDGET) -> DerivedFunction:
    """Eq. 13: the modified penalty ``P_k(θ) = ‖T_{G^{(k)}}[M̂] − M̂‖²``, ``M̂ = Π_sym[M_k(Õ(θ))]``, ``k = order``.

    ``M_k`` is the Taylor operator of Eq. 12 for ``h`` at ``t0``; :data:`penalty` is the same function under the
    name of SPEC §4 (``sg.postprocess.penalty``).

    Parameters
    ----------
    circuit : Circuit
        ``U(θ)``.
    observable : matrix, PauliSum or dict of Pauli words
        ``O`` (Hermitian).
    group : SymmetryGroup
        ``G``; its ``k``-copy action ``G^{(k)} = {V^{⊗k}}`` twirls ``M̂``.
    h : sympy.Expr
        The post-processing, analytic at ``t0``.
    t : sympy.Symbol
        The variable of ``h``.
    order : int
        The Taylor order ``k`` (also the number of copies).
    t0 : exact real number
        The expansion point.
    budget : int or None, keyword-only
        Bounds the derivation (``None`` lifts it).

    Returns
    -------
    DerivedFunction
        ``.expr`` exact; value and gradient compiled.

    Examples
    --------
    The SPEC §2 witness: ``O = Z``, ``U = I``, ``G = {I, X}``, ``h = t²``: ``P = 2`` but ``P_2 = 0``.

    >>> import sympy as sp, sggd_sym as sg
    >>> t = sp.Symbol("t")
    >>> modified_penalty(sg.Circuit(1), sg.ops.Z, sg.groups.finite([sg.ops.X]), t**2, t, 2).expr
    0
    """
    return modified_constraint(circuit, observable, group, h, t, order, t0, budget=budget).modified_penalty()


#: SPEC §4 name of :func:`modified_penalty` (``sg.postprocess.penalty(circuit, O, G, h, t, order, t0=0)``).
penalty = modified_penalty


def modified_residual(circuit: Circuit, observable, group: SymmetryGroup, h, t, order, t0=0) -> sp.ImmutableMatrix:
    """Eq. 13: the exact matrix ``E_k(θ) = T_{G^{(k)}}[M̂(θ)] − M̂(θ)`` on ``order`` copies (small cases).

    Examples
    --------
    >>> import sggd_sym as sg
    >>> t = sp.Symbol("t")
    >>> modified_residual(sg.Circuit(1), ops.Z, sg.groups.finite([ops.X]), t, t, 1)     # T[Z] − Z = −Z
    Matrix([
    [-1, 0],
    [ 0, 1]])
    """
    return modified_constraint(circuit, observable, group, h, t, order, t0).residual_matrix()


# -- Eq. 12: the truncated post-processing as a numeric function (for the costs of postprocessed_costs) ---

def postprocessing_function(h, t, order=None, t0=0) -> tuple[sp.Expr, object, object]:
    """The post-processing used in training: ``h_k(t) = Σ_{j≤k} c_j (t − t₀)^j`` (Eq. 12, ``k = order``) or ``h``.

    Returns ``(expr, value, derivative)``: the exact expression in ``t`` and numpy functions of it and of its
    derivative (through :func:`~sggd_sym.numeric.lambdify_checked`).  ``order=None`` uses ``h`` itself (no
    analyticity needed, but ``h`` must be differentiable where it is evaluated).

    >>> t = sp.Symbol("t")
    >>> expr, value, slope = postprocessing_function(sp.cos(t), t, 2)
    >>> expr, float(value(np.array(0.5))), float(slope(np.array(0.5)))
    (1 - t**2/2, 0.875, -0.5)
    """
    where = "postprocessing_function"
    h, t = _check_function(where, h, t)
    extra = h.free_symbols - {t}
    if extra:
        raise InputValueError(f"{where}: h = {h} depends on {', '.join(sorted(map(str, extra)))} besides {t}; "
                              f"substitute numbers (e.g. h.subs(beta, 2)) to train with it")
    if order is None:
        expr = h
    else:
        order = _checks.integer(where, "order", order, minimum=1)
        t0 = _check_point(where, t0)
        expr = sp.expand(sum(c * (t - t0) ** j for j, c in enumerate(taylor_coefficients(h, t, order, t0))))
    value = _vectorised(lambdify_checked((t,), expr, where=where))
    derivative = _vectorised(lambdify_checked((t,), sp.diff(expr, t), where=where))
    return expr, value, derivative


def _vectorised(fn):
    def call(x):
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(np.asarray(fn(x), dtype=float), x.shape).copy()
    return call
