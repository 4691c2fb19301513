"""Exact proofs for nonlinear post-processing (paper Eq. 12–13, SPEC §2 Eq. 12–13 and §3 E3).

Run: ``python proofs/postprocessing.py`` (exit status 1 if any claim fails).  Claims:

1. Eq. 12: ``Tr[M_k ρ^{⊗k}] = h_k(Tr[Õρ])`` for *generic* Taylor coefficients ``c_0..c_k`` (symbols, so for
   every analytic ``h``), ``k ≤ 3``, a generic one-qubit ``ρ`` and ``Õ`` (symbolic Bloch vectors), at
   ``t₀ = 0`` and ``t₀ = 1/3`` (``t₀ = 0`` with a generic ``Õ`` covers every ``t₀``, since ``Õ − t₀I`` is again
   generic); the same for ``Π_sym[M_k]``.
2. ``Π_sym`` is an orthogonal projector (idempotent, HS-self-adjoint on generic matrices) and commutes with
   ``X ↦ V^{⊗k} X V^{⊗k}†`` for a generic ``V`` (``W_π V^{⊗k} = V^{⊗k} W_π``), ``k = 2, 3``.
3. (4) ⇒ (13): where ``T_G[Õ] = Õ`` every residual ``T_{G^{(k)}}[S_i] − S_i`` vanishes
   (``S_i = Π_sym[Õ^{⊗i}⊗I^{⊗(k−i)}]``), hence ``P_k = 0`` for every ``h`` — for ``finite([SWAP])``,
   ``collective_unitary(2)`` and the finite one-qubit group ``{I, Z}``.
4. SPEC §2 Eq. 13 witness: one qubit, ``G = {I, X}``, ``O = Z``, ``U = I``, ``h = t²``, ``k = 2``: ``P = 2``,
   ``P_2 = 0``.
5. E3 witness: ``Õ = n·σ``, ``G = {I, Z}``, ``h = 1 − 2t²``: ``P = 2|n⊥|²`` and ``P_2 = 32 n_z² |n⊥|²`` on the
   Bloch sphere (``|n| = 1``; off the sphere ``P_2 = 32 n_z²|n⊥|²`` still holds because the ``I⊗I``
   part is invariant); ``Õ = ±X`` gives every label ``sign(cos 2πx)`` right and ``Õ = ±Z`` every label
   wrong, and both have ``P_2 = 0``.
"""

from __future__ import annotations

import sys
from itertools import permutations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sympy as sp  # noqa: E402

import sggd_sym as sg  # noqa: E402
from sggd_sym.algebra import ops  # noqa: E402
from sggd_sym.cli.proving import ProofReport  # noqa: E402
from sggd_sym.derived import postprocess as pp  # noqa: E402

X, Y, Z, I2 = ops.X, ops.Y, ops.Z, ops.I2


def zero(expr) -> bool:
    return sp.expand(expr) == 0 or sp.simplify(expr) == 0


def zero_matrix(m) -> bool:
    return all(zero(e) for e in sp.Matrix(m))


def bloch(a, b, c):
    return a * X + b * Y + c * Z


def kron_power(m, k):
    return ops.kron(*([m] * k)) if k > 1 else sp.ImmutableMatrix(m)


def generic(name: str, size: int) -> sp.Matrix:
    """A generic complex matrix with independent real and imaginary parts."""
    re = sp.symbols(f"{name}r0:{size * size}", real=True)
    im = sp.symbols(f"{name}i0:{size * size}", real=True)
    return sp.Matrix(size, size, [r + sp.I * i for r, i in zip(re, im)])


def hs(a, b):
    return (sp.Matrix(a).H * sp.Matrix(b)).trace()


def eq12_claims(report: ProofReport) -> None:
    r = sp.symbols("r_x r_y r_z", real=True)
    a0 = sp.Symbol("a_0", real=True)
    a = sp.symbols("a_x a_y a_z", real=True)
    rho = (I2 + bloch(*r)) / 2
    o_tilde = a0 * I2 + bloch(*a)
    f = sp.expand((o_tilde * rho).trace())
    for k in (1, 2, 3):
        c = sp.symbols(f"c0:{k + 1}")
        for t0 in (sp.Integer(0), sp.Rational(1, 3)):
            m_k = pp.taylor_operator(o_tilde, list(c), t0)
            h_k = sum(c[j] * (f - t0) ** j for j in range(k + 1))
            lhs = (m_k * kron_power(rho, k)).trace()
            report.check(f"Eq. 12: Tr[M_{k} rho^(x{k})] = h_{k}(Tr[O~ rho]) for generic c_0..c_{k}, rho, O~, "
                         f"t0 = {t0}", lambda: zero(lhs - h_k))
            m_hat = pp.symmetrize(m_k, k)
            report.check(f"Eq. 13: Tr[Pi_sym[M_{k}] rho^(x{k})] = h_{k}(Tr[O~ rho]) (t0 = {t0})",
                         lambda: zero((m_hat * kron_power(rho, k)).trace() - h_k))


def projector_claims(report: ProofReport) -> None:
    for k in (2, 3):
        a, b = generic("A", 2**k), generic("B", 2**k)
        pa, pb = pp.symmetrize(a, k), pp.symmetrize(b, k)
        report.check(f"Pi_sym idempotent on a generic {2**k}x{2**k} matrix (k = {k})",
                     lambda: zero_matrix(pp.symmetrize(pa, k) - pa))
        report.check(f"Pi_sym HS-self-adjoint: <A, Pi B> = <Pi A, B> for generic A, B (k = {k})",
                     lambda: zero(hs(a, pb) - hs(pa, b)))
        v = sp.Matrix(2, 2, sp.symbols("v0:4"))
        vk = kron_power(v, k)
        report.check(f"W_pi V^(x{k}) = V^(x{k}) W_pi for every copy permutation and generic V (k = {k})",
                     lambda: all(zero_matrix(w * vk - vk * w) for w in pp.copy_permutations(k, 1)))
        u = sp.Matrix([[sp.cos(sp.Symbol("g")), -sp.sin(sp.Symbol("g"))],
                       [sp.sin(sp.Symbol("g")), sp.cos(sp.Symbol("g"))]]) if k == 3 else sp.Matrix(X + Z) / sp.sqrt(2)
        uk = kron_power(u, k)
        report.check(f"Pi_sym[V^(x{k}) A V^(x{k})^dag] = V^(x{k}) Pi_sym[A] V^(x{k})^dag (V = "
                     f"{'rotation(g)' if k == 3 else 'H'}, generic A)",
                     lambda: zero_matrix(pp.symmetrize(uk * a * uk.H, k) - uk * pa * uk.H))
    report.check("copy_permutation((1, 0), 2, 1) is SWAP; W_pi on 2 copies of 2 qubits swaps qubit pairs",
                 lambda: pp.copy_permutation((1, 0), 2, 1) == ops.SWAP
                 and pp.copy_permutation((1, 0), 2, 2) == ops.permutation_operator((2, 3, 0, 1)))


def residuals_vanish(mc, at=None) -> bool:
    """All ``T[S_i] − S_i`` vanish (identically, or at the parameter point ``at``) ⇒ ``P_k = 0`` for all ``h``."""
    for part in mc.residual:
        for poly in part.values():
            expr = mc.trig.to_expr(poly)
            if not zero(expr if at is None else expr.subs(at)):
                return False
    return True


def implication_claims(report: ProofReport) -> None:
    t = sp.Symbol("t")
    a, b = sp.symbols("a b")
    # finite([SWAP]): a SWAP-symmetric circuit satisfies Eq. 4 identically
    sym = sg.Circuit(2).ry(a, 0).ry(a, 1).cz(0, 1).rx(b, 0).rx(b, 1)
    obs = ops.pauli("ZI") + ops.pauli("IZ")
    swap = sg.groups.finite([ops.SWAP])
    report.check("{I, SWAP}: the symmetric circuit has P = 0 identically",
                 lambda: sg.penalty(sym, obs, swap).expr == 0)
    mc = pp.modified_constraint(sym, obs, swap, t**2, t, 2)
    report.check("{I, SWAP}: (4) => (13): every residual T[S_i] - S_i vanishes (k = 2), so P_2 = 0 for all h",
                 lambda: residuals_vanish(mc) and mc.modified_penalty().expr == 0)
    # collective U(2): the Werner ansatz satisfies Eq. 4 at theta = 0 only
    werner = sg.circuits.werner_ansatz()
    theta, = werner.parameters
    coll = sg.groups.collective_unitary(2)
    report.check("collective U(2), Werner ansatz: P(0) = 0, P(pi) = 3",
                 lambda: sg.penalty(werner, ops.SWAP, coll).at([0]) == 0
                 and sg.penalty(werner, ops.SWAP, coll).at([sp.pi]) == 3)
    mc = pp.modified_constraint(werner, ops.SWAP, coll, t**2, t, 2)
    report.check("collective U(2): (4) => (13): all residuals vanish at theta = 0 (P_2(0) = 0 for all h)",
                 lambda: residuals_vanish(mc, {theta: 0}))
    report.check("collective U(2): P_2 for h = t^2 is not identically zero (P_2(pi) > 0)",
                 lambda: mc.modified_penalty().at([sp.pi]) > 0)
    # a finite one-qubit group {I, Z}: Eq. 4 holds where RY(a)†ZRY(a) = ±Z
    circuit = sg.Circuit(1).ry(a, 0)
    zgroup = sg.groups.finite([Z])
    mc = pp.modified_constraint(circuit, Z, zgroup, sp.cos(t), t, 3)
    report.check("{I, Z}: P = 0 at a = 0 and a = pi", lambda: all(
        sg.penalty(circuit, Z, zgroup).at([v]) == 0 for v in (0, sp.pi)))
    report.check("{I, Z}: (4) => (13): all residuals vanish at a = 0 and a = pi (k = 3, every h)",
                 lambda: residuals_vanish(mc, {a: 0}) and residuals_vanish(mc, {a: sp.pi}))
    report.check("{I, Z}: the k-copy operator of Eq. 4's solution is invariant: T[M_3] = M_3 for O~ = Z, "
                 "generic c_j (matrix check)", lambda: zero_matrix(
                     sg.groups.finite([Z]).tensor_power(3).twirl(pp.taylor_operator(Z, list(sp.symbols("c0:4"))))
                     - pp.taylor_operator(Z, list(sp.symbols("c0:4")))))


def witness_claims(report: ProofReport) -> None:
    t = sp.Symbol("t")
    xgroup = sg.groups.finite([X])
    report.check("SPEC Eq. 13 witness: P = 2 for O = Z, U = I, G = {I, X}",
                 lambda: sg.penalty(sg.Circuit(1), Z, xgroup).expr == 2)
    report.check("SPEC Eq. 13 witness: P_2 = 0 for h = t^2",
                 lambda: pp.modified_penalty(sg.Circuit(1), Z, xgroup, t**2, t, 2).expr == 0)
    m_hat = pp.symmetrize(pp.taylor_operator(Z, [0, 0, 1]), 2)
    report.check("SPEC Eq. 13 witness, by matrices: Z(x)Z is invariant under {I(x)I, X(x)X}",
                 lambda: xgroup.tensor_power(2).twirl(m_hat) == m_hat)


def e3_claims(report: ProofReport) -> None:
    t = sp.Symbol("t")
    nx, ny, nz = sp.symbols("n_x n_y n_z", real=True)
    perp = nx**2 + ny**2
    o_tilde = bloch(nx, ny, nz)
    zgroup = sg.groups.finite([Z])
    plain = sg.groups.finite([Z]).twirl(o_tilde) - o_tilde
    report.check("E3: P = ||T[O~] - O~||^2 = 2 |n_perp|^2 for O~ = n.sigma, G = {I, Z}",
                 lambda: zero(hs(plain, plain) - 2 * perp))
    coeffs = pp.taylor_coefficients(1 - 2 * t**2, t, 2)
    m_hat = pp.symmetrize(pp.taylor_operator(o_tilde, coeffs), 2)
    residual = zgroup.tensor_power(2).twirl(m_hat) - m_hat
    p2 = sp.factor(sp.expand(hs(residual, residual)))
    report.check(f"E3: P_2 = ||T_(G^(2))[M^] - M^||^2 = 32 n_z^2 |n_perp|^2 for every real n (got {p2})",
                 lambda: zero(p2 - 32 * nz**2 * perp))
    # the same through the circuit derivation: O~ = RZ(b)† RY(a)† Z RY(a) RZ(b) sweeps the Bloch sphere
    a, b = sp.symbols("a b")
    circuit = sg.Circuit(1).ry(a, 0).rz(b, 0)
    heis = sg.heisenberg_observable(circuit, Z)
    n = [heis.coefficient(w) for w in "XYZ"]
    n_perp = n[0] ** 2 + n[1] ** 2
    report.check("E3 (circuit RY(a), RZ(b)): |n| = 1 and sg.penalty = 2 |n_perp|^2",
                 lambda: zero(sum(v**2 for v in n) - 1)
                 and zero(sg.penalty(circuit, Z, zgroup).expr - 2 * n_perp))
    p_2 = pp.modified_penalty(circuit, Z, zgroup, 1 - 2 * t**2, t, 2)
    report.check("E3 (circuit): postprocess.modified_penalty = 32 n_z^2 |n_perp|^2",
                 lambda: zero(p_2.expr - 32 * n[2] ** 2 * n_perp))
    # labels: rho(x) = RY(pi x)|0><0|RY(pi x)^dag has Bloch vector (sin pi x, 0, cos pi x)
    x = sp.Symbol("x", real=True)
    ry = sp.Matrix([[sp.cos(sp.pi * x / 2), -sp.sin(sp.pi * x / 2)], [sp.sin(sp.pi * x / 2), sp.cos(sp.pi * x / 2)]])
    rho = ry * ops.projector(ops.ket("0")) * ry.H
    h = sp.Lambda(t, 1 - 2 * t**2)
    report.check("E3: Z rho(x) Z = rho(-x) (G = {I, Z} is the reflection x -> -x)",
                 lambda: zero_matrix(Z * rho * Z - rho.subs(x, -x)))
    for sign in (1, -1):
        report.check(f"E3: O~ = {'+' if sign > 0 else '-'}X gives h(f) = cos(2 pi x): every label sign(cos 2 pi x) "
                     "right", lambda: zero(h((sign * X * rho).trace()) - sp.cos(2 * sp.pi * x)))
        report.check(f"E3: O~ = {'+' if sign > 0 else '-'}Z gives h(f) = -cos(2 pi x): every label wrong",
                     lambda: zero(h((sign * Z * rho).trace()) + sp.cos(2 * sp.pi * x)))
    at = {nx: 1, ny: 0, nz: 0}
    report.check("E3: P_2 = 0 at O~ = +-X (correct model) and at O~ = +-Z (wrong model, where P = 0 too)",
                 lambda: all(zero(p2.subs(v)) for v in ({nx: s, ny: 0, nz: 0} for s in (1, -1)))
                 and all(zero(p2.subs({nx: 0, ny: 0, nz: s})) and zero(2 * perp.subs({nx: 0, ny: 0})) for s in (1, -1)))
    report.check("E3: the plain penalty fights the correct model: P(+-X) = 2", lambda: (2 * perp).subs(at) == 2)


def main() -> None:
    report = ProofReport("postprocessing")
    eq12_claims(report)
    projector_claims(report)
    implication_claims(report)
    witness_claims(report)
    e3_claims(report)
    report.finish()


if __name__ == "__main__":
    main()
