"""Exact proofs for training with post-processed outputs (paper Eq. 4, 12–13; SPEC §3 E3, issue 5).

Run: ``python proofs/postprocessing_training.py`` (exit status 1 if any claim fails).  E3 witness: one qubit,
``ρ(x)`` with Bloch vector ``(sin πx, 0, cos πx)``, ``y = sign(cos 2πx)``, ``h(t) = 1 − 2t²``, ``G = {I, Z}``,
``Õ = n·σ`` with ``|n| = 1``.  Claims:

1. Eq. 4 ``T_G[Õ] = Õ`` holds iff ``n⊥ = 0`` (``Õ = ±Z``), and then ``P = 0``; it fails at the correct ``±X``.
2. The trap is a zero of ``P_2`` where ``P`` is zero too: on the sphere ``P_2 = 0`` iff ``n_z = 0`` or
   ``n = ±Z``; ``P_2`` and its gradient vanish at ``±Z`` (so ``±Z`` is stationary for ``λP_2`` at every λ).
3. Tolerance: ``|n_z| ≥ 1 − δ`` (``0 ≤ δ ≤ 1``) ⇒ ``‖T_G[Õ] − Õ‖² = 2(1 − n_z²) ≤ 2(2δ − δ²)``: every end point
   that E3 calls trapped satisfies Eq. 4 up to ``ε = √(2(2δ − δ²))``.
4. For a training set closed under ``x → −x`` (labels are invariant), ``∇C_none = 0`` at ``±Z`` (exactly, for a
   symbolic pair ``{x, −x}``): ``±Z`` is a stationary point of ``C_none + λP_2``; with a finite one-sided sample
   it is displaced (E3 continues trapped runs on the symmetrised set and reaches ``±Z``).
5. For uniform data on ``[−1, 1]`` (the continuum cost), in tangent coordinates ``n = (u, v, ±√(1−u²−v²))``
   the Hessian of ``C_none`` at ``±Z`` is ``diag(−16/π, −2 − 8/π)`` (a maximum: the worst model) and that of
   ``P_2`` is ``64·I``; so ``±Z`` is a strict local minimum of ``C_none + λP_2`` iff ``λ > 1/(4π) ≈ 0.080`` —
   the trap exists for every λ of E3's grid.  The plain penalty's Hessian there is ``4·I``, i.e. ``±Z`` becomes
   a minimum of ``C_none + λP`` for ``λ > 4/π``, and for ``λ`` large it is the global one (accuracy collapses).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sympy as sp  # noqa: E402

import sggd_sym as sg  # noqa: E402
from sggd_sym.algebra import ops  # noqa: E402
from sggd_sym.cli.proving import ProofReport  # noqa: E402
from sggd_sym.derived import postprocess as pp  # noqa: E402

X, Y, Z, I2 = ops.X, ops.Y, ops.Z, ops.I2
t = sp.Symbol("t")
x = sp.Symbol("x", real=True)
u, v = sp.symbols("u v", real=True)
nx, ny, nz = sp.symbols("n_x n_y n_z", real=True)
H = 1 - 2 * t**2


def zero(expr) -> bool:
    return sp.expand(expr) == 0 or sp.simplify(expr) == 0


def hs2(m) -> sp.Expr:
    m = sp.Matrix(m)
    return sp.expand((m.H * m).trace())


def constraint_claims(report: ProofReport) -> None:
    group = sg.groups.finite([Z])
    o = nx * X + ny * Y + nz * Z
    residual = group.twirl(o) - o
    report.check("Eq. 4 residual T_G[n.s] - n.s = -(n_x X + n_y Y): zero iff n_perp = 0 (O~ = +-Z on the sphere)",
                 lambda: sp.simplify(residual + nx * X + ny * Y) == sp.zeros(2, 2))
    report.check("P = ||T_G[O~] - O~||^2 = 2 (n_x^2 + n_y^2); P(+-Z) = 0, P(+-X) = 2",
                 lambda: zero(hs2(residual) - 2 * (nx**2 + ny**2)))
    a, b = sp.symbols("a b")
    circuit = sg.Circuit(1, parameters=(a, b)).rz(b, 0).ry(a, 0)
    twirled = sg.twirled_observable(circuit, Z, group)
    report.check("circuit RZ(b) then RY(a): O~ depends on both angles (no unused parameter), so n reaches the "
                 "whole Bloch sphere", lambda: twirled.heisenberg.unused_parameters == ())
    report.check("circuit RZ(b) then RY(a): Eq. 4 holds exactly at a = 0 and a = pi for every b (residual terms vanish)",
                 lambda: all(zero(twirled.trig.to_expr(p).subs(a, k * sp.pi))
                             for p in twirled.residual_terms().values() for k in (0, 1)))


def trap_claims(report: ProofReport) -> None:
    o = nx * X + ny * Y + nz * Z
    m_hat = pp.symmetrize(pp.taylor_operator(o, pp.taylor_coefficients(H, t, 2)), 2)
    zz = sg.groups.finite([Z]).tensor_power(2)
    p2 = sp.factor(hs2(zz.twirl(m_hat) - m_hat))
    report.check(f"P_2 = 32 n_z^2 (n_x^2 + n_y^2) (got {p2})", lambda: zero(p2 - 32 * nz**2 * (nx**2 + ny**2)))
    sphere = p2.subs(nx**2, 1 - ny**2 - nz**2)
    report.check("on the sphere P_2 = 32 n_z^2 (1 - n_z^2): zero iff n_z = 0 or n_z = +-1; at n_z = +-1 also P = 0",
                 lambda: zero(sphere - 32 * nz**2 * (1 - nz**2))
                 and set(sp.solve(nz**2 * (1 - nz**2), nz)) == {-1, 0, 1})
    tangent = {nx: u, ny: v, nz: sp.sqrt(1 - u**2 - v**2)}
    p2_t = p2.subs(tangent)
    grad = [sp.diff(p2_t, w).subs({u: 0, v: 0}) for w in (u, v)]
    hess = sp.hessian(p2_t, (u, v)).subs({u: 0, v: 0})
    report.check("at +-Z: P_2 = 0, grad P_2 = 0, Hessian of P_2 = 64 I (tangent coordinates)",
                 lambda: p2_t.subs({u: 0, v: 0}) == 0 and all(zero(g) for g in grad)
                 and sp.simplify(hess - 64 * sp.eye(2)) == sp.zeros(2, 2))
    delta = sp.Symbol("delta", nonnegative=True)
    report.check("|n_z| >= 1 - delta  =>  P = 2(1 - n_z^2) <= 2(2 delta - delta^2) (0 <= delta <= 1; "
                 "bound attained at |n_z| = 1 - delta, decreasing in |n_z|)",
                 lambda: zero(2 * (1 - (1 - delta) ** 2) - 2 * (2 * delta - delta**2))
                 and sp.diff(2 * (1 - nz**2), nz).subs(nz, sp.Rational(1, 2)) < 0)


def _cost_terms(sign):
    f = u * sp.sin(sp.pi * x) + sign * sp.sqrt(1 - u**2 - v**2) * sp.cos(sp.pi * x)
    return (1 - 2 * f**2 - sp.Symbol("y")) ** 2


def symmetric_data_claims(report: ProofReport) -> None:
    y = sp.Symbol("y")
    for sign in (1, -1):
        loss = _cost_terms(sign)
        pair = loss + loss.subs(x, -x)  # labels are invariant: y(-x) = y(x)
        grads = [sp.diff(pair, w).subs({u: 0, v: 0}) for w in (u, v)]
        report.check(f"symmetrised pair {{x, -x}}: grad C_none = 0 at {'+' if sign > 0 else '-'}Z for every x, y",
                     lambda: all(zero(g) for g in grads) and y in pair.free_symbols)


def continuum_claims(report: ProofReport) -> None:
    pieces = [(-1, sp.Rational(-3, 4), 1), (sp.Rational(-3, 4), sp.Rational(-1, 4), -1),
              (sp.Rational(-1, 4), sp.Rational(1, 4), 1), (sp.Rational(1, 4), sp.Rational(3, 4), -1),
              (sp.Rational(3, 4), 1, 1)]
    for sign in (1, -1):
        loss = _cost_terms(sign)
        hess_integrand = sp.hessian(loss, (u, v)).subs({u: 0, v: 0})
        grad_integrand = [sp.diff(loss, w).subs({u: 0, v: 0}) for w in (u, v)]

        def mean(expr):
            return sp.simplify(sum(sp.integrate(expr.subs(sp.Symbol("y"), lab), (x, lo, hi))
                                   for lo, hi, lab in pieces) / 2)

        hess = hess_integrand.applyfunc(mean)
        grad = [mean(g) for g in grad_integrand]
        name = "+Z" if sign > 0 else "-Z"
        report.check(f"uniform continuum: grad C_none({name}) = 0 and Hessian = diag(-16/pi, -2 - 8/pi) (got {hess.tolist()})",
                     lambda: all(zero(g) for g in grad)
                     and sp.simplify(hess - sp.diag(-16 / sp.pi, -2 - 8 / sp.pi)) == sp.zeros(2, 2))
        lam = sp.Symbol("lambda", positive=True)
        total = hess + 64 * lam * sp.eye(2)
        crit = sp.Max(*[sp.solve(sp.Eq(total[i, i], 0), lam)[0] for i in range(2)])
        report.check(f"{name} is a strict local minimum of C_none + lambda P_2 iff lambda > 1/(4 pi) "
                     f"(E3's lambdas 0.1, 1, 10 all exceed it)",
                     lambda: zero(crit - 1 / (4 * sp.pi)) and all(sp.Rational(1, 10) * k > crit for k in (1, 10, 100)))
        plain = hess + lam * 4 * sp.eye(2)
        crit_p = sp.Max(*[sp.solve(sp.Eq(plain[i, i], 0), lam)[0] for i in range(2)])
        report.check(f"{name} is a strict local minimum of C_none + lambda P (Hessian of P = 4 I) iff lambda > 4/pi",
                     lambda: zero(crit_p - 4 / sp.pi))


def main() -> None:
    report = ProofReport("postprocessing_training")
    constraint_claims(report)
    trap_claims(report)
    symmetric_data_claims(report)
    continuum_claims(report)
    report.finish()


if __name__ == "__main__":
    main()
