"""Exact proofs for the Werner-state example (paper Eq. 8–11, SPEC §2 Eq. 11 "Beyond the paper").

Run: ``python proofs/werner.py`` (exit status 1 if any claim fails).  Everything is derived from the
general machinery (Heisenberg propagation, commutant of ``{V⊗V}``, penalty) and checked in exact SymPy.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sympy as sp  # noqa: E402

import sggd_sym as sg  # noqa: E402
from sggd_sym.cli.proving import ProofReport  # noqa: E402
from sggd_sym.data import werner as W  # noqa: E402
from sggd_sym.derived import costs  # noqa: E402


def zero(expr) -> bool:
    return sp.simplify(sp.expand_trig(sp.expand(expr))) == 0


def main() -> None:
    report = ProofReport("werner")
    circuit = sg.circuits.werner_ansatz()
    theta, = circuit.parameters
    F = sg.ops.SWAP
    G = sg.groups.collective_unitary(2)
    twirled = sg.twirled_observable(circuit, F, G)
    o_tilde = twirled.heisenberg.matrix()
    rho = W.werner_state(W.P)
    p = W.P
    c = sp.Symbol("c", real=True)
    delta = sp.Symbol("delta", real=True)
    lam = sp.Symbol("lambda", nonnegative=True)

    # Eq. 8-9
    report.check("Eq. 9: U(0) = I and U(π) = CNOT",
                 lambda: circuit.unitary().subs(theta, 0) == sp.eye(4)
                 and sp.simplify(circuit.unitary().subs(theta, sp.pi) - sg.ops.CNOT) == sp.zeros(4, 4))
    report.check("Eq. 8: ρ(p) = ((2−Φ)I + (2Φ−1)F)/6 with Φ = Tr(Fρ) = (1−3p)/2",
                 lambda: zero((F * rho).trace() - W.p_to_phi(p))
                 and sp.simplify(rho - ((2 - W.p_to_phi(p)) * sp.eye(4) + (2 * W.p_to_phi(p) - 1) * F) / 6)
                 == sp.zeros(4, 4))
    report.check("Eq. 8: ρ(p) is invariant under {V⊗V} for every p", lambda: G.is_invariant(rho))

    # Eq. 10
    a, b = W.twirl_coefficients(theta)
    report.check("Eq. 10: Tr Õ = 2 and Tr(ÕF) = (5 + 3 cos θ)/2",
                 lambda: zero(o_tilde.trace() - 2) and zero((o_tilde * F).trace() - (5 + 3 * sp.cos(theta)) / 2))
    report.check("Eq. 10: T_G[U†FU] = (1 − cos θ)/4 · I + (1 + cos θ)/2 · F",
                 lambda: all(zero(e) for e in twirled.twirled_matrix() - a * sp.eye(4) - b * F))

    # Eq. 11: penalty
    P = sg.penalty(circuit, F, G)
    closed = W.penalty_closed_form(theta)
    report.check("Eq. 11: P(θ) = (3/4)(1 − cos θ)(3 + cos θ) exactly", lambda: zero(P.expr - closed))
    report.check("Eq. 11: P(0) = 0 and P(π) = 3", lambda: P.at([0]) == 0 and P.at([sp.pi]) == 3)
    report.check("θ = 0 is the unique minimiser of P on [0, 2π): P ≥ 0 and {P = 0} ∩ [0, 2π) = {0}",
                 lambda: sp.solveset(closed, theta, sp.Interval.Ropen(0, 2 * sp.pi)) == sp.FiniteSet(0)
                 and sp.factor(closed.subs(sp.cos(theta), c)).equals(
                     sp.Rational(3, 4) * (1 - c) * (3 + c))
                 and sp.solveset(sp.Rational(3, 4) * (1 - c) * (3 + c) < 0, c, sp.Interval(-1, 1)) == sp.S.EmptySet)

    # Eq. 11: model output
    f_model = (o_tilde * rho).trace()
    f_closed = W.model_closed_form(p, theta)
    report.check("Eq. 11: f_θ(p) = Tr[Õ(θ) ρ(p)] = 1/2 − (3p/4)(1 + cos θ)", lambda: zero(f_model - f_closed))
    samples = [sp.Rational(-1, 4), sp.Rational(1, 5), sp.Rational(2, 3)]
    model = costs.Model(circuit, F, [W.werner_state(v) for v in samples])
    report.check("costs.Model's exact f_θ (Eq. 1, Pauli coordinates) matches the closed form at p ∈ {−1/4, 1/5, 2/3}",
                 lambda: all(zero(e - W.model_closed_form(v, theta)) for e, v in zip(model.expressions(), samples)))

    # per-point minimisers: S1 / S2 split
    f_c = f_closed.subs(sp.cos(theta), c)
    for name, y, region, expect in (("p ∈ (1/3, 1], y = −1", -1, sp.Interval.Lopen(sp.Rational(1, 3), 1), "zero"),
                                    ("p ∈ [−1/3, 0), y = +1", 1, sp.Interval.Ropen(sp.Rational(-1, 3), 0), "zero"),
                                    ("p ∈ (0, 1/3], y = +1", 1, sp.Interval.Lopen(0, sp.Rational(1, 3)), "pi")):
        vertex = sp.solve(sp.Eq(f_c, y), c)[0]  # the per-point cost (f − y)² is convex in c = cos θ
        if expect == "zero":
            claim = f"S1 {name}: the per-point cost is minimised over c ∈ [−1, 1] at c = 1 (θ = 0)"
            test = (lambda v=vertex, r=region: sp.solveset(v < 1, p, r) == sp.S.EmptySet)
        else:
            claim = f"S2 {name}: the per-point cost is minimised over c ∈ [−1, 1] at c = −1 (θ = π, CNOT)"
            test = (lambda v=vertex, r=region: sp.solveset(v > -1, p, r) == sp.S.EmptySet)
        report.check(claim + f" (vertex c₀ = {vertex})", test)

    # lambda_crit
    point_cost = (f_closed - 1) ** 2  # one S2 point (y = +1)
    h_m = sp.diff(point_cost, theta, 2).subs(theta, 0)
    h_p = sp.diff(closed, theta, 2).subs(theta, 0)
    report.check("λ_crit: for an S2 point −H_MSE(0)/H_P(0) = (p/4)(1 + 3p); mean over points by linearity",
                 lambda: zero(-h_m / h_p - p / 4 * (1 + 3 * p)) and zero(h_p - 3))
    s2 = [sp.Rational(1, 10), sp.Rational(1, 5), sp.Rational(1, 3), sp.Rational(1, 4)]
    s2_model = costs.Model(circuit, F, [W.werner_state(v) for v in s2])
    mse = costs.mse_cost(s2_model, [W.label(v) for v in s2])
    general = costs.lambda_crit(mse, P, [0])
    report.check(f"λ_crit from the general Hessian routine = mean (p/4)(1+3p) = {general} on an S2 training set",
                 lambda: general == sp.Add(*[v / 4 * (1 + 3 * v) for v in s2]) / len(s2)
                 and general == W.lambda_crit_closed_form(s2) and general <= sp.Rational(1, 6))

    # the trap at θ = π
    y = sp.Symbol("y", real=True)
    ell = (f_c - y) ** 2
    a_coef = sp.Rational(3, 4) * p * (2 * y - 1)
    report.check("trap: d(f − y)²/dc at c = −1 equals (3p/4)(2y − 1) (so dC_MSE/dc|_{c=−1} = mean[(3p/4)(2y−1)])",
                 lambda: zero(sp.diff(ell, c).subs(c, -1) - a_coef))
    report.check("trap: P(π + δ) = 3 − 3δ⁴/16 + O(δ⁶)",
                 lambda: zero(sp.series(closed.subs(theta, sp.pi + delta), delta, 0, 6).removeO()
                              - (3 - sp.Rational(3, 16) * delta**4)))
    alpha, kappa, a_sym = sp.symbols("alpha kappa a", real=True)
    generic = alpha + a_sym * (1 + c) + kappa * (1 + c) ** 2 + lam * W.penalty_closed_form(theta).subs(sp.cos(theta), c)
    series = sp.series(generic.subs(c, sp.cos(sp.pi + delta)), delta, 0, 4).removeO()
    report.check("trap: C_P(π + δ) = C_P(π) + (a/2) δ² + O(δ⁴) for every λ (a = mean[(3p/4)(2y−1)]), so θ = π "
                 "is a strict local minimum of C_P for every λ ≥ 0 when a > 0",
                 lambda: zero(series.coeff(delta, 2) - a_sym / 2) and zero(series.coeff(delta, 1))
                 and not series.coeff(delta, 2).has(lam))
    A, B, C0 = sp.symbols("A B C0", real=True)
    quad = A * c**2 + B * c + C0
    report.check("basin edge: dC_P/dθ = −sin θ · (2A cos θ + B), so c = cos θ flows downhill in C_P(c) and for "
                 "A < 0 the edge is c* = −B/(2A) (cos θ₀ < c* ends at θ = π)",
                 lambda: zero(sp.diff(quad.subs(c, sp.cos(theta)), theta) + sp.sin(theta) * (2 * A * sp.cos(theta) + B))
                 and sp.solve(sp.diff(quad, c), c) == [-B / (2 * A)])
    ys2 = 1
    mean_p, mean_p2 = sp.Rational(1, 6), sp.Rational(1, 27)  # p uniform in S2 = (0, 1/3]
    quad_p = sp.expand(((sp.Rational(1, 2) - sp.Rational(3, 4) * p * (1 + c) - ys2) ** 2))
    a_exact = sp.Poly(quad_p, c).coeff_monomial(c**2).subs(p**2, mean_p2) - sp.Rational(3, 4) * lam
    b_exact = sp.expand(sp.Poly(quad_p, c).coeff_monomial(c)).subs(p**2, mean_p2).subs(p, mean_p) \
        - sp.Rational(3, 2) * lam
    edge = -b_exact / (2 * a_exact)
    frac = {value: float(1 - sp.acos(edge.subs(lam, value)) / sp.pi) for value in (1, 10)}
    report.check(f"basin edge for p uniform in S2: c*(λ) = {sp.simplify(edge)}; trap fractions "
                 f"{frac[1]:.3f} (λ = 1), {frac[10]:.3f} (λ = 10): about 13% and 4%",
                 lambda: 0.12 < frac[1] < 0.14 and 0.035 < frac[10] < 0.045
                 and abs(frac[1] - W.trap_basin_fraction([0.0, 1 / 3], lam=1.0)) < 0.05)
    lam_global = sp.Rational(2, 3) * b_exact.subs(lam, 0)
    report.check(f"θ = 0 is the global minimum of C_P (C_P(c=1) < C_P(c=−1) ⇔ B < 0) for λ > {lam_global} "
                 "(p uniform in S2)",
                 lambda: lam_global == sp.Rational(1, 9)
                 and zero((quad.subs(c, 1) - quad.subs(c, -1)) - 2 * B))

    # C_T = C_MSE for invariant data
    twirled_f = (twirled.twirled_matrix() * rho).trace()
    report.check("Eq. 7: Tr[T_G[Õ] ρ(p)] = Tr[Õ ρ(p)] for every p (Werner states are invariant), so C_T = C_MSE",
                 lambda: zero(twirled_f - f_model))
    labels_ = [W.label(v) for v in samples]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ct = costs.twirled_cost(model, labels_, G)
    report.check("costs.twirled_cost warns (InvariantDataWarning) and its exact expression equals C_MSE's",
                 lambda: any(issubclass(w.category, costs.InvariantDataWarning) for w in caught)
                 and zero(ct.expr - costs.mse_cost(model, labels_).expr))
    report.finish()


if __name__ == "__main__":
    main()
