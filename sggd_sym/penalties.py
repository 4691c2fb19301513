"""The SGGD penalty of Eq. 6 in closed form.

.. math::  P(θ) = ‖T_G[Õ(θ)] − Õ(θ)‖^2 = ‖Õ‖^2 − ‖T_G[Õ]‖^2
               = \\mathrm{Tr}(O^2) − Σ_i ⟨B_i, Õ(θ)⟩^2 / ‖B_i‖^2

(``T_G`` is an orthogonal projection and ``‖Õ‖ = ‖O‖``).  The commutant
coordinates ``⟨B_i, Õ⟩`` are exact trig polynomials; the numeric value and
gradient come from their compiled form, the gradient by the chain rule
``∇P = −2 Σ_i y_i ∇y_i / ‖B_i‖²`` with ``∇y_i`` taken in the ring.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .circuits import Circuit
from .exceptions import InputTypeError, InputValueError
from .groups import SymmetryGroup
from .heisenberg import DEFAULT_BUDGET
from .norms import check_norm, generator_penalty, normalized_hs_penalty, schatten4_penalty
from .numeric import DerivedFunction
from .twirling import TwirledObservable, twirled_observable

__all__ = ["penalty", "penalty_from", "EXPAND_LIMIT"]

#: Largest ``Σ_i (terms of y_i)²`` for which ``.expr`` is expanded exactly (else kept as a sum of squares).
EXPAND_LIMIT = 4_000


def penalty(circuit: Circuit, observable, group: SymmetryGroup, *, norm: str = "hs",
            budget: int | None = DEFAULT_BUDGET) -> DerivedFunction:
    """Eq. 6 without ``λ``: ``P(θ) = ‖T_G[U†OU] − U†OU‖²`` as a :class:`DerivedFunction`.

    ``norm`` chooses the guidance norm (:mod:`sggd_sym.norms`): ``"hs"`` (Eq. 6, the default),
    ``"normalized_hs"`` (``P/‖O‖²``), ``"schatten4"`` (``Tr[(E†E)²]`` of ``E = T_G[Õ] − Õ``) or
    ``"generators"`` (``Σ_a ‖[H_a, Õ]‖² + Σ_g ‖V_g Õ V_g† − Õ‖²``, no commutant needed).

    >>> import numpy as np, sympy as sp, sggd_sym as sg
    >>> P = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    >>> theta, = P.parameters
    >>> sp.simplify(P.expr - sp.Rational(3, 4) * (1 - sp.cos(theta)) * (3 + sp.cos(theta)))
    0
    >>> round(P(np.pi), 12)
    3.0
    """
    norm = check_norm("penalty", norm)
    if norm == "generators":
        if not isinstance(circuit, Circuit):
            raise InputTypeError(f"penalty: circuit expected a sggd_sym.Circuit, got {type(circuit).__name__}")
        if not isinstance(group, SymmetryGroup):
            raise InputTypeError(f"penalty: group expected a sggd_sym.groups group, got {type(group).__name__}")
        if group.dim != circuit.dim:
            raise InputValueError(f"penalty: group acts on {group.n_qubits} qubit(s) but the circuit has "
                                  f"{circuit.n_qubits}; build the group for {circuit.n_qubits} qubits")
        return generator_penalty(circuit, observable, group, budget=budget)
    twirled = twirled_observable(circuit, observable, group, budget=budget)
    if norm == "normalized_hs":
        return normalized_hs_penalty(twirled, penalty_from(twirled))
    if norm == "schatten4":
        return schatten4_penalty(twirled)
    return penalty_from(twirled)


def penalty_from(twirled: TwirledObservable) -> DerivedFunction:
    """The penalty of an already derived :class:`~sggd_sym.twirl.TwirledObservable`."""
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
