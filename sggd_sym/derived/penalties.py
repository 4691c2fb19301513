"""The SGGD penalty of Eq. 6 in closed form.

.. math::  P(θ) = ‖T_G[Õ(θ)] − Õ(θ)‖^2 = ‖Õ‖^2 − ‖T_G[Õ]‖^2
               = \\mathrm{Tr}(O^2) − Σ_i ⟨B_i, Õ(θ)⟩^2 / ‖B_i‖^2

(``T_G`` is an orthogonal projection and ``‖Õ‖ = ‖O‖``).  The commutant
coordinates ``⟨B_i, Õ⟩`` are exact trig polynomials; the numeric value and
gradient come from their compiled form, the gradient by the chain rule
``∇P = −2 Σ_i y_i ∇y_i / ‖B_i‖²`` with ``∇y_i`` taken in the ring.
"""

from __future__ import annotations

from math import sqrt

import numpy as np
import sympy as sp

from sggd_sym import _checks
from sggd_sym.algebra.pauli_sum import as_pauli_sum
from sggd_sym.circuits.circuit import Circuit
from sggd_sym.circuits.heisenberg import DEFAULT_BUDGET
from sggd_sym.circuits.pauli_propagation import (
    PackedEvaluator,
    PackedHeisenberg,
    Truncation,
    propagate,
    supports_packed,
)
from sggd_sym.derived.norms import check_norm, generator_penalty, normalized_hs_penalty, schatten4_penalty
from sggd_sym.exceptions import DerivationBudgetError, InputValueError
from sggd_sym.numeric.bridge import DerivedFunction
from sggd_sym.symmetry.groups import SymmetryGroup
from sggd_sym.symmetry.twirling import TwirledObservable, check_circuit_and_group, twirled_observable

__all__ = ["penalty", "penalty_from", "packed_penalty", "EXPAND_LIMIT", "RING_TERMS", "PACKED_TERMS_PER_RING_TERM"]

#: Largest ``Σ_i (terms of y_i)²`` for which ``.expr`` is expanded exactly (else kept as a sum of squares).
EXPAND_LIMIT = 4_000
#: ``representation="auto"`` derives in the canonical ring up to this many terms of ``Õ``, packed above.
RING_TERMS = 20_000
#: A packed term costs ~40 bytes and ~0.2 µs, a ring term ~50× more: ``budget`` allows this many packed
#: terms per ring term.
PACKED_TERMS_PER_RING_TERM = 50
#: Largest number of packed terms whose canonical closed form ``.expr`` is built on request.
PACKED_EXPR_LIMIT = 200_000


def penalty(circuit: Circuit, observable, group: SymmetryGroup, *, norm: str = "hs",
            budget: int | None = DEFAULT_BUDGET, representation: str = "auto",
            truncation: Truncation | None = None) -> DerivedFunction:
    """Eq. 6 without ``λ``: ``P(θ) = ‖T_G[U†OU] − U†OU‖²`` as a :class:`DerivedFunction`.

    ``representation`` chooses how ``Õ`` is held: ``"ring"`` (canonical trig polynomials,
    :mod:`sggd_sym.circuits.heisenberg`), ``"packed"`` (bit-packed exact terms, :mod:`sggd_sym.circuits.pauli_propagation`:
    Pauli rotations and Clifford gates, deep circuits) or ``"auto"`` (packed when it applies and ``Õ``
    has more than ``RING_TERMS`` terms; the values are the same).  ``truncation`` (packed only) drops
    terms while propagating; the result's ``error_bound`` then bounds ``|ΔP|`` for every θ
    (``2‖O‖ε + ε²`` with ``ε ≥ ‖ΔÕ‖_HS``).

    ``norm`` chooses the guidance norm (:mod:`sggd_sym.derived.norms`): ``"hs"`` (Eq. 6, the default),
    ``"normalized_hs"`` (``P/‖O‖²``), ``"schatten4"`` (``Tr[(E†E)²]`` of ``E = T_G[Õ] − Õ``) or
    ``"generators"`` (``Σ_a ‖[H_a, Õ]‖² + Σ_g ‖V_g Õ V_g† − Õ‖²``, no commutant needed).

    Raises
    ------
    InputValueError
        For an unknown ``norm`` or ``representation``, a ``truncation`` with ``representation="ring"``
        or a norm other than the HS ones, or ``representation="packed"`` on a circuit it cannot hold.
    DerivationBudgetError
        When ``Õ`` would pass ``budget`` terms.

    The Werner example, Eq. 11:

    >>> import numpy as np, sympy as sp, sggd_sym as sg
    >>> P = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    >>> theta, = P.parameters
    >>> sp.simplify(P.expr - sp.Rational(3, 4) * (1 - sp.cos(theta)) * (3 + sp.cos(theta)))
    0
    >>> round(P(np.pi), 12)
    3.0
    """
    norm = check_norm("penalty", norm)
    if representation not in ("auto", "ring", "packed"):
        raise InputValueError(f"penalty: representation {representation!r} unknown; use 'auto', 'ring' or 'packed'")
    if truncation is not None and representation == "ring":
        raise InputValueError("penalty: truncation needs representation='packed' (or 'auto'); the ring is exact")
    if representation != "ring" and norm in ("hs", "normalized_hs"):
        packed = _packed_if_preferred(circuit, observable, group, budget, representation, truncation)
        if packed is not None:
            return packed_penalty(packed, group, normalized=norm == "normalized_hs")
    elif truncation is not None:
        raise InputValueError(f"penalty: truncation is available for norm='hs' and 'normalized_hs', not {norm!r}")
    if norm == "generators":
        check_circuit_and_group("penalty", circuit, group)
        return generator_penalty(circuit, observable, group, budget=budget)
    twirled = twirled_observable(circuit, observable, group, budget=budget)
    if norm == "normalized_hs":
        return normalized_hs_penalty(twirled, penalty_from(twirled))
    if norm == "schatten4":
        return schatten4_penalty(twirled)
    return penalty_from(twirled)


def _packed_if_preferred(circuit, observable, group, budget, representation, truncation) -> PackedHeisenberg | None:
    """The packed ``Õ`` when ``representation`` asks for it (or, for ``"auto"``, when it applies and is
    large); ``None`` to derive in the ring."""
    check_circuit_and_group("penalty", circuit, group)
    _checks.term_budget("penalty", budget)
    obs = as_pauli_sum("penalty", "observable", observable, n_qubits=circuit.n_qubits, hermitian=True,
                       numeric=True)
    if not supports_packed(circuit, obs.to_dict()):
        if representation == "packed" or truncation is not None:
            raise InputValueError("penalty: representation='packed' needs Pauli rotations, Clifford fixed gates and "
                                  "a rational observable; use representation='ring'")
        return None
    packed_budget = None if budget is None else budget * PACKED_TERMS_PER_RING_TERM
    packed = propagate(circuit, obs, truncation=truncation, budget=packed_budget)
    if representation == "auto" and truncation is None and packed.n_terms <= RING_TERMS:
        return None
    return packed


def packed_penalty(packed: PackedHeisenberg, group: SymmetryGroup, *, normalized: bool = False) -> DerivedFunction:
    """Eq. 6 from a packed ``Õ``: ``P = ‖Õ‖² − Σ_i ⟨B_i, Õ⟩²/‖B_i‖²``.

    ``‖Õ‖² = 2ⁿ Σ_P a_P²`` (``= Tr(O²)`` when exact); values and gradients read off the packed terms
    (:class:`~sggd_sym.circuits.pauli_propagation.PackedEvaluator`); ``normalized`` divides by ``‖O‖²``.

    ``error_bound`` (an attribute of the result) bounds ``|P_exact − P|`` for every θ: 0 when nothing was
    truncated, else ``2‖O‖ε + ε²`` with ``ε = packed.error_bound ≥ ‖ΔÕ‖_HS`` (the residual is a projection
    of ``Õ``, so ``‖ΔE‖ ≤ ‖ΔÕ‖`` and ``‖E‖ ≤ ‖O‖``).

    >>> import sggd_sym as sg
    >>> from sggd_sym.circuits.pauli_propagation import propagate
    >>> t = sp.Symbol("t", real=True)
    >>> packed = propagate(sg.Circuit(2).ry(t, 0), sg.PauliSum.from_text("Z0 Z1", 2))
    >>> P = packed_penalty(packed, sg.groups.finite([sg.ops.SWAP]))
    >>> P.expr, P(np.pi / 2), P.error_bound
    (1 - cos(2*t), 2.0, 0.0)
    """
    evaluator = PackedEvaluator(packed)
    coords = group.commutant_coordinates(evaluator.words)
    column = {w: i for i, w in enumerate(evaluator.words)}
    V = np.zeros((len(coords), evaluator.n_words))
    for i, (c, _) in enumerate(coords):
        for word, value in c.items():
            if word in column:
                V[i, column[word]] = float(value)
    weights = np.array([1.0 / float(n) for _, n in coords])
    d = float(group.dim)
    norm2_obs = float(packed.observable_norm2)
    scale = 1.0
    if normalized:
        if norm2_obs == 0:
            raise InputValueError("penalty: norm='normalized_hs' needs a nonzero observable (‖O‖ = 0)")
        scale = 1.0 / norm2_obs

    def outer(a):
        y = V @ a
        value = d * (a @ a) - (y**2) @ weights
        return scale * value, scale * (2 * d * a - 2 * V.T @ (weights * y))

    def evaluate(theta: np.ndarray):
        values = np.empty(theta.shape[0])
        grads = np.empty(theta.shape)
        for b, row in enumerate(theta):
            values[b], grads[b] = evaluator.value_and_gradient(row, outer)
        return values, grads

    def build_expr() -> sp.Expr:
        if packed.n_terms > PACKED_EXPR_LIMIT:
            raise DerivationBudgetError(
                f"penalty: Õ has {packed.n_terms} packed terms; its closed form is not built for display past "
                f"{PACKED_EXPR_LIMIT} terms (values and gradients do not need it)")
        trig = packed.trig_ring()
        terms = packed.to_trig_ring(trig)
        poly = trig.ring.zero
        for word, a in terms.items():
            poly += trig.reduce(a * a) * trig.constant(2**packed.n_qubits)
        for c, n in coords:
            y = trig.ring.zero
            for word, value in c.items():
                if word in terms:
                    y += terms[word] * trig.constant(value)
            poly -= trig.reduce(y * y) * trig.constant(1 / n)
        expr = trig.to_expr(trig.reduce(poly))
        return expr / packed.observable_norm2 if normalized else expr

    eps = packed.error_bound
    result = DerivedFunction(packed.circuit.parameters, evaluate, build_expr,
                             name=f"{'normalised ' if normalized else ''}SGGD penalty under {group.name} (packed)",
                             unused_parameters=packed.unused_parameters)
    result.error_bound = scale * (2 * sqrt(norm2_obs) * eps + eps**2) if eps else 0.0
    return result


def penalty_from(twirled: TwirledObservable) -> DerivedFunction:
    """Eq. 6 (``norm="hs"``) from an already derived :class:`~sggd_sym.twirl.TwirledObservable`.

    ``P = Tr(O²) − Σ_i y_i²/‖B_i‖²`` in its coordinates ``y_i = ⟨B_i, Õ⟩``; reuses the twirl that
    :func:`sggd_sym.twirled_observable` (or a cost) has already derived.

    >>> import sggd_sym as sg
    >>> tw = sg.twirled_observable(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    >>> penalty_from(tw).expr         # Eq. 11
    -3*(cos(theta) - 1)*(cos(theta) + 3)/4
    """
    trig = twirled.trig
    norm2_obs = twirled.heisenberg.observable.hs_norm2()  # Tr(O²) = ‖Õ‖², O Hermitian
    weights = np.array([1.0 / float(n) for n in twirled.norms])
    constant = float(norm2_obs)
    compiled = trig.compile(twirled.coordinates)

    def evaluate(theta: np.ndarray):
        y, jac = compiled.values_and_jacobian(theta)
        value = constant - (y**2) @ weights
        grad = -2.0 * np.einsum("bk,bkp,k->bp", y, jac, weights)
        return value, grad

    def build_expr() -> sp.Expr:
        ys = twirled.coordinates
        if sum(len(y) ** 2 for y in ys) <= EXPAND_LIMIT:
            poly = trig.constant(norm2_obs)
            for y, n in zip(ys, twirled.norms):
                poly -= trig.reduce(y * y) * trig.constant(1 / n)
            expr = trig.to_expr(trig.reduce(poly))
            return sp.factor(expr) if len(poly) <= 40 else expr
        return norm2_obs - sp.Add(*[trig.to_expr(y) ** 2 / n for y, n in zip(ys, twirled.norms)])

    return DerivedFunction(trig.parameters, evaluate, build_expr,
                           name=f"SGGD penalty under {twirled.group.name}",
                           unused_parameters=twirled.heisenberg.unused_parameters)
