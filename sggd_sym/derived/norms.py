"""Guidance norms besides the Hilbert–Schmidt penalty of Eq. 6 (issue 15, the paper's open question ii).

With ``Õ(θ) = Σ_P a_P(θ) P`` and the residual of Eq. 4 ``E(θ) = T_G[Õ] − Õ = Σ_P e_P(θ) P``
(both exact trig polynomials in Pauli coordinates, ``d = 2ⁿ``):

``"hs"``
    ``P = ‖E‖² = d Σ_P e_P²`` (Eq. 6; :func:`sggd_sym.derived.penalties.penalty_from`).
``"normalized_hs"``
    ``P / ‖O‖²`` — comparable across observables (``‖O‖² = ‖Õ‖²`` is θ-independent); in ``[0, 1]``.
``"schatten4"``
    ``‖E‖_4⁴ = Tr[(E†E)²] = Tr(E⁴) = d Σ_R f_R²`` with ``E² = Σ_R f_R R``,
    ``f_R = Σ_{PQ = ±R} ± e_P e_Q`` over *commuting* pairs (anticommuting pairs cancel in ``E²``).
    Still a polynomial (degree 4 in the ``e_P``); ``f_I = ‖E‖²/d``, so ``Tr E⁴ ≥ ‖E‖⁴/d``.
``"generators"``
    ``Σ_a ‖[H_a, Õ]‖² + Σ_g ‖V_g Õ V_g† − Õ‖²`` over the group's Lie generators ``H_a`` and the finite
    generators ``V_g`` it was built from — no commutant needed.  Pauli-native groups act on words:
    ``V_g P V_g† = s P'`` (signed maps) and ``[H, P] = 2i Σ_{q,c} v P_{q→c}`` (one-body generators), so
    every term is ``d Σ_Q (linear combination of a_P)²``.  Dense groups use their exact matrices.

Every norm is a non-negative sum of squares of exact trig polynomials; it is evaluated (value and
gradient, vectorised over a batch) from the compiled polynomials by the chain rule, and its exact
expression is built lazily (expanded when small, else kept as a sum of squares).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.polys.rings import PolyElement

from sggd_sym.algebra import ops
from sggd_sym.algebra.paulis import multiply_words, words_commute
from sggd_sym.circuits.circuit import Circuit
from sggd_sym.circuits.heisenberg import DEFAULT_BUDGET, HeisenbergObservable, heisenberg_observable
from sggd_sym.exceptions import DerivationBudgetError, InputTypeError, InputValueError
from sggd_sym.numeric.bridge import DerivedFunction, to_float
from sggd_sym.symmetry.groups import FiniteGroup, LieGroup, SymmetryGroup
from sggd_sym.symmetry.twirling import TwirledObservable

__all__ = ["NORMS", "check_norm", "normalized_hs_penalty", "schatten4_penalty", "generator_penalty",
           "generator_terms", "square_terms", "PAIR_LIMIT", "EXPAND_LIMIT"]

#: The accepted values of ``norm=``.
NORMS = ("hs", "normalized_hs", "schatten4", "generators")

#: Largest number of commuting word pairs in ``E²`` (Schatten-4) before a :class:`DerivationBudgetError`.
PAIR_LIMIT = 4_000_000
#: Largest total number of monomials for which ``.expr`` is expanded exactly.
EXPAND_LIMIT = 4_000


def check_norm(where: str, norm) -> str:
    """``norm`` if it is one of :data:`NORMS`; ``where`` (the calling function) names it in the error.

    Raises
    ------
    InputTypeError
        If ``norm`` is not a string.
    InputValueError
        If it is not one of :data:`NORMS`.

    >>> check_norm("penalty", "schatten4")
    'schatten4'
    >>> check_norm("penalty", "l2")
    Traceback (most recent call last):
    ...
    sggd_sym.exceptions.InputValueError: penalty: norm 'l2' unknown; use one of 'hs', 'normalized_hs', 'schatten4', 'generators'
    """
    if not isinstance(norm, str):
        raise InputTypeError(f"{where}: norm expected one of {', '.join(map(repr, NORMS))}, "
                             f"got {type(norm).__name__}")
    if norm not in NORMS:
        raise InputValueError(f"{where}: norm {norm!r} unknown; use one of {', '.join(map(repr, NORMS))}")
    return norm


# -- helpers ------------------------------------------------------------------------------------
def _expr_sum_of_squares(trig, polys: list[PolyElement], weight) -> sp.Expr:
    """``weight · Σ_k q_k²`` as an exact expression (expanded in the ring when small)."""
    if sum(len(q) ** 2 for q in polys) <= EXPAND_LIMIT:
        total = trig.ring.zero
        for q in polys:
            total += trig.reduce(q * q)
        total = trig.reduce(total * trig.constant(weight))
        expr = trig.to_expr(total)
        return sp.factor(expr) if 0 < len(total) <= 40 else expr
    return weight * sp.Add(*[trig.to_expr(q) ** 2 for q in polys])


def _sum_of_squares(params, compiled, weight: float, build_expr, name, unused):
    """``weight · Σ_k q_k(θ)²`` from compiled polynomials ``q_k``: value and chain-rule gradient."""

    def evaluate(theta):
        y, jac = compiled.values_and_jacobian(theta)
        return weight * np.sum(y**2, axis=1), 2.0 * weight * np.einsum("bk,bkp->bp", y, jac)

    return DerivedFunction(params, evaluate, build_expr, name=name, unused_parameters=unused)


# -- normalised HS --------------------------------------------------------------------------------
def normalized_hs_penalty(twirled: TwirledObservable, base: DerivedFunction) -> DerivedFunction:
    """``P / ‖O‖² = 1 − ‖T_G[Õ]‖²/‖Õ‖²`` (in ``[0, 1]``), from the HS penalty ``base`` (Eq. 6) of ``twirled``.

    Raises
    ------
    InputValueError
        If the observable is zero.

    >>> import sggd_sym as sg
    >>> from sggd_sym.derived.penalties import penalty_from
    >>> tw = sg.twirled_observable(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    >>> normalized_hs_penalty(tw, penalty_from(tw)).expr      # Eq. 11 over ‖SWAP‖² = 4
    -3*(cos(theta) - 1)*(cos(theta) + 3)/16
    """
    norm2 = sp.nsimplify(twirled.heisenberg.observable.hs_norm2())
    if norm2 == 0:
        raise InputValueError("penalty: norm='normalized_hs' needs a nonzero observable (‖O‖ = 0)")
    f = 1.0 / float(norm2)

    def evaluate(theta):
        v, g = base._evaluate(theta)
        return f * v, f * g

    return DerivedFunction(base.parameters, evaluate, lambda: sp.factor(base.expr / norm2),
                           name=f"normalised SGGD penalty under {twirled.group.name}",
                           unused_parameters=base.unused_parameters)


# -- Schatten 4 -----------------------------------------------------------------------------------
def square_terms(words: list[str]) -> tuple[list[str], np.ndarray]:
    """The commuting ordered pairs of Pauli words in ``E²`` (the Schatten-4 norm).

    Returns the output words ``R`` and rows ``(i_P, i_Q, i_R, sign)`` with ``P_i Q_j = sign · R`` (``sign = ±1``; anticommuting pairs are dropped: they cancel in ``E²``).

    Raises
    ------
    DerivationBudgetError
        Past :data:`PAIR_LIMIT` pairs.

    >>> out, rows = square_terms(["ZI", "IZ"])
    >>> out, rows.tolist()
    (['II', 'ZZ'], [[0, 0, 0, 1], [0, 1, 1, 1], [1, 0, 1, 1], [1, 1, 0, 1]])
    """
    m = len(words)
    if m * m > PAIR_LIMIT:
        raise DerivationBudgetError(f"penalty: norm='schatten4' would square a residual of {m} Pauli words "
                                    f"({m * m} pairs, limit {PAIR_LIMIT}); use norm='hs' or a smaller circuit")
    out_words: list[str] = []
    index: dict[str, int] = {}
    rows = []
    for i, p in enumerate(words):
        for j, q in enumerate(words):
            if not words_commute(p, q):
                continue
            k, r = multiply_words(p, q)  # P Q = i^k R with k even
            if r not in index:
                index[r] = len(out_words)
                out_words.append(r)
            rows.append((i, j, index[r], 1 if k == 0 else -1))
    return out_words, np.array(rows, dtype=np.int64).reshape(-1, 4)


def schatten4_penalty(twirled: TwirledObservable) -> DerivedFunction:
    """``Tr[(E†E)²] = Tr(E⁴)`` of the residual ``E = T_G[Õ] − Õ`` (Eq. 4), exact and compiled.

    >>> import sggd_sym as sg
    >>> tw = sg.twirled_observable(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    >>> schatten4_penalty(tw).expr
    3*(cos(theta) - 1)**2*(3*cos(theta)**2 + 34*cos(theta) + 59)/64
    """
    trig = twirled.trig
    d = twirled.group.dim
    residual = twirled.residual_terms()
    words = sorted(residual)
    polys = [residual[w] for w in words]
    out_words, rows = square_terms(words)
    compiled = trig.compile(polys) if polys else None
    p = trig.n_parameters
    n_out = len(out_words)

    def evaluate(theta):
        batch = theta.shape[0]
        if compiled is None:
            return np.zeros(batch), np.zeros((batch, p))
        e, jac = compiled.values_and_jacobian(theta)               # (B, m), (B, m, p)
        i, j, r, s = rows.T
        contrib = s[None, :] * e[:, i] * e[:, j]                    # (B, pairs)
        f = np.zeros((batch, n_out))
        np.add.at(f.T, r, contrib.T)
        # ∂f_R = Σ s (∂e_P e_Q + e_P ∂e_Q); ∂Tr E⁴ = 2d Σ_R f_R ∂f_R
        weight = s[None, :] * f[:, r]                               # (B, pairs)
        grad = np.einsum("bk,bkp->bp", weight * e[:, j], jac[:, i]) + np.einsum("bk,bkp->bp", weight * e[:, i],
                                                                                 jac[:, j])
        return d * np.sum(f**2, axis=1), 2.0 * d * grad

    def build_expr():
        return _expr_sum_of_squares(trig, square_polys(twirled), sp.Integer(d))

    return DerivedFunction(trig.parameters, evaluate, build_expr,
                           name=f"Schatten-4 SGGD penalty under {twirled.group.name}",
                           unused_parameters=twirled.heisenberg.unused_parameters)


def square_polys(twirled: TwirledObservable) -> list[PolyElement]:
    """The exact Pauli coefficients ``f_R`` of ``E²`` (``Tr E⁴ = d Σ_R f_R²``; ``f_I = ‖E‖²/d``)."""
    trig = twirled.trig
    residual = twirled.residual_terms()
    words = sorted(residual)
    out_words, rows = square_terms(words)
    f = [trig.ring.zero for _ in out_words]
    for i, j, r, s in rows:
        f[r] += residual[words[i]] * residual[words[j]] * s
    return [trig.reduce(q) for q in f if q]


# -- generator penalties ---------------------------------------------------------------------------
def generator_terms(group: SymmetryGroup, words) -> list[tuple[dict[str, dict[str, sp.Expr]], sp.Expr]]:
    """For each generator, its linear action on the Pauli ``words`` and the weight of its term.

    Returns ``[(action, weight)]`` with ``action[P] = {Q: r_QP}`` such that the generator's residual of
    ``X = Σ_P x_P P`` is ``Σ_Q (Σ_P r_QP x_P) Q`` times ``2i`` (Lie: ``[H, X]``) or ``1`` (finite:
    ``V X V† − X``), and its squared HS norm is ``weight · d · Σ_Q (Σ_P r_QP x_P)²`` (``weight`` 4 or 1).

    Raises
    ------
    InputTypeError
        For a group that is neither Pauli-native nor a finite or Lie group.

    >>> from sggd_sym import groups
    >>> generator_terms(groups.finite([ops.SWAP]), ["ZI", "ZZ"])     # SWAP·ZI·SWAP − ZI = IZ − ZI
    [({'ZI': {'IZ': 1, 'ZI': -1}, 'ZZ': {}}, 1)]
    >>> generator_terms(groups.u1_charge(1), ["X"])                  # [Z, X] = 2i Y
    [({'X': {'Y': 1}}, 4)]
    """
    words = list(words)
    structure = group.pauli_structure
    out = []
    if structure is not None:
        for m in structure.discrete:
            action = {}
            for w in words:
                s, image = m.apply(w)
                if image == w:
                    action[w] = {w: sp.Integer(s - 1)} if s != 1 else {}
                else:
                    action[w] = {image: sp.Integer(s), w: sp.Integer(-1)}
            out.append((action, sp.Integer(1)))
        for g in structure.lie:
            moves = g.moves
            action = {}
            for w in words:
                acc: dict[str, sp.Expr] = {}
                for q, table in moves.items():
                    letter = w[q]
                    if letter == "I":
                        continue
                    for c, v in table["XYZ".index(letter)]:
                        target = w[:q] + "XYZ"[c] + w[q + 1:]
                        acc[target] = acc.get(target, 0) + v
                action[w] = {k: v for k, v in acc.items() if v != 0}
            out.append((action, sp.Integer(4)))
        return out
    if isinstance(group, FiniteGroup):
        unitaries, hamiltonians = list(group.generators), []
    elif isinstance(group, LieGroup):
        unitaries, hamiltonians = list(group.discrete), list(group.hamiltonians)
    else:
        raise InputTypeError(f"penalty: norm='generators' needs a finite or Lie group, got {group!r}")
    for v in unitaries:
        action = {}
        for w in words:
            p = ops.pauli(w)
            image = ops.pauli_decompose(sp.Matrix(v * p * v.H).applyfunc(sp.expand))
            image = {k: sp.nsimplify(sp.expand(c)) for k, c in image.items()}
            image[w] = image.get(w, 0) - 1
            action[w] = {k: c for k, c in image.items() if c != 0}
        out.append((action, sp.Integer(1)))
    for h in hamiltonians:
        action = {}
        for w in words:
            p = ops.pauli(w)
            image = ops.pauli_decompose(sp.Matrix((h * p - p * h) / (2 * sp.I)).applyfunc(sp.expand))
            action[w] = {k: sp.expand(c) for k, c in image.items() if sp.expand(c) != 0}
        out.append((action, sp.Integer(4)))
    return out


def generator_penalty(circuit: Circuit, observable, group: SymmetryGroup, *,
                      budget: int | None = DEFAULT_BUDGET) -> DerivedFunction:
    """``Σ_a ‖[H_a, Õ]‖² + Σ_g ‖V_g Õ V_g† − Õ‖²`` over the group's generators (no commutant).

    Zero exactly where ``Õ`` commutes with the group, like Eq. 6, but not equal to it; its terms come
    from :func:`generator_terms`.

    >>> import sggd_sym as sg
    >>> generator_penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2)).expr
    -4*(cos(theta) - 1)*(cos(theta) + 5)
    """
    heis = heisenberg_observable(circuit, observable, budget=budget)
    words = sorted(heis.terms)
    terms = generator_terms(group, words)
    constants = [c for action, _ in terms for row in action.values() for c in row.values()]
    try:
        for c in constants:
            heis.trig.constant(c)
    except (sp.polys.polyerrors.CoercionFailed, ValueError, TypeError):
        heis = heisenberg_observable(circuit, observable, extra_constants=constants, budget=budget)
    return generator_penalty_from(heis, group, terms)


def generator_penalty_from(heis: HeisenbergObservable, group: SymmetryGroup, terms) -> DerivedFunction:
    trig = heis.trig
    d = group.dim
    words = sorted(heis.terms)
    col = {w: k for k, w in enumerate(words)}
    compiled = trig.compile([heis.terms[w] for w in words]) if words else None
    # one block per generator: sparse matrix rows (output words) × cols (Õ's words), times √weight
    rows, cols, vals, n_rows = [], [], [], 0
    for action, weight in terms:
        out_index: dict[str, int] = {}
        for w, image in action.items():
            for q, r in image.items():
                if q not in out_index:
                    out_index[q] = n_rows + len(out_index)
                rows.append(out_index[q])
                cols.append(col[w])
                vals.append(to_float(r * sp.sqrt(weight * d)))
        n_rows += len(out_index)
    matrix = np.zeros((n_rows, len(words)))
    if rows:
        np.add.at(matrix, (np.array(rows), np.array(cols)), np.array(vals))
    p = trig.n_parameters

    def evaluate(theta):
        batch = theta.shape[0]
        if compiled is None or n_rows == 0:
            return np.zeros(batch), np.zeros((batch, p))
        a, jac = compiled.values_and_jacobian(theta)
        f = a @ matrix.T                                           # (B, rows)
        df = np.einsum("rk,bkp->brp", matrix, jac)
        return np.sum(f**2, axis=1), 2.0 * np.einsum("br,brp->bp", f, df)

    def build_expr():
        total = sp.Integer(0)
        for action, weight in terms:
            outputs: dict[str, PolyElement] = {}
            for w, image in action.items():
                for q, r in image.items():
                    outputs[q] = outputs.get(q, trig.ring.zero) + heis.terms[w] * trig.constant(r)
            polys = [trig.reduce(q) for q in outputs.values() if q]
            if polys:
                total += _expr_sum_of_squares(trig, polys, weight * d)
        return sp.factor(total) if total.count_ops() <= 400 else total

    return DerivedFunction(trig.parameters, evaluate, build_expr,
                           name=f"generator SGGD penalty under {group.name}",
                           unused_parameters=heis.unused_parameters)
