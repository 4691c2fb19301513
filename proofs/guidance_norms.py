"""Exact proofs for the guidance norms of issue 15 (``sg.penalty(c, O, G, norm=...)``).

Run: ``python proofs/guidance_norms.py`` (exit status 1 if any claim fails).

For every preset group ``G`` (the groups of SPEC §2/§4 on 2–3 qubits) and every Hermitian ``X``
(so every ``Õ(θ)`` of every circuit), with ``E = T_G[X] − X``:

* ``"hs"``: ``‖E‖² = 0 ⇔ E = 0`` (a norm); ``"normalized_hs"`` divides by the constant ``‖O‖² > 0``.
* ``"schatten4"``: ``Tr E⁴ = d Σ_R f_R²`` with ``E² = Σ_R f_R R``, and the identity coefficient is
  ``f_I = Σ_P e_P² = ‖E‖²/d`` (the only pairs ``PQ ∝ I`` are ``P = Q``, with sign +1): so
  ``‖E‖⁴/d ≤ Tr E⁴`` and ``Tr E⁴ = 0 ⇔ E = 0``.
* ``"generators"``: the stacked linear map ``L: X ↦ ([H_a, X]/2i, V_g X V_g† − X)`` over *all* ``4ⁿ`` Pauli
  words has an exact nullspace of dimension ``dim G'`` containing every commutant basis element, so
  ``ker L = G'``; the penalty is ``Σ (positive weight) ‖L_g X‖²``, zero ⇔ ``X ∈ G'`` ⇔ ``E = 0``.

Hence every norm vanishes exactly where Eq. 4 holds with ``ε = 0``.  Where they differ (checked on the
Werner ansatz and a two-parameter SWAP example): the curvature at symmetric points — HS and generator
penalties are quadratic in ``E`` (nonzero Hessian, different scales), the Schatten-4 penalty is quartic
(its Hessian vanishes at every symmetric point: flat guidance there) — and the cost per evaluation.
"""

from __future__ import annotations

import sys
import time
from itertools import product
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import sympy as sp  # noqa: E402

import sggd_sym as sg  # noqa: E402
from sggd_sym.cli.proving import ProofReport  # noqa: E402
from sggd_sym.derived import norms  # noqa: E402

PRESETS = {
    "collective_unitary(2)": lambda: sg.groups.collective_unitary(2),
    "collective_unitary(3)": lambda: sg.groups.collective_unitary(3),
    "local_unitary(2)": lambda: sg.groups.local_unitary(2),
    "permutations(2)": lambda: sg.groups.permutations(2),
    "permutations(3)": lambda: sg.groups.permutations(3),
    "u1_charge(2)": lambda: sg.groups.u1_charge(2),
    "u1_charge(3)": lambda: sg.groups.u1_charge(3),
    "finite([SWAP])": lambda: sg.groups.finite([sg.ops.SWAP]),
    "cyclic_shift(3)": lambda: sg.groups.cyclic_shift(3),
    "dihedral(3)": lambda: sg.groups.dihedral(3),
    "pauli_symmetry('XXX')": lambda: sg.groups.pauli_symmetry("XXX"),
}


def all_words(n: int) -> list[str]:
    return ["".join(w) for w in product("IXYZ", repeat=n)]


def generator_kernel_is_commutant(group) -> bool:
    """ker L = G' exactly: rank–nullity on all 4ⁿ words, and every basis element of G' in ker L."""
    words = all_words(group.n_qubits)
    col = {w: k for k, w in enumerate(words)}
    blocks = []
    for action, weight in norms.generator_terms(group, words):
        assert weight > 0
        out_words = sorted({q for image in action.values() for q in image})
        row = {q: k for k, q in enumerate(out_words)}
        m = sp.zeros(len(out_words), len(words))
        for w, image in action.items():
            for q, r in image.items():
                m[row[q], col[w]] += r
        blocks.append(m)
    L = sp.Matrix.vstack(*blocks) if blocks else sp.zeros(1, len(words))
    nullity = len(words) - L.rank()
    basis_in_kernel = all(
        all(sp.expand(e) == 0 for e in L * sp.Matrix([coords.get(w, 0) for w in words]))
        for coords, _ in group.pauli_coordinates)
    return nullity == group.commutant_dimension() and basis_in_kernel


def identity_pairs_are_diagonal(n: int) -> bool:
    """In E² = Σ_{P,Q} e_P e_Q PQ the pairs with PQ ∝ I are exactly P = Q, with sign +1; anticommuting
    pairs are dropped (PQ = −QP cancel) — over all 4ⁿ words."""
    words = all_words(n)
    out_words, rows = norms.square_terms(words)
    ident = out_words.index("I" * n)
    diag = {(int(i), int(s)) for i, j, r, s in rows if r == ident for _ in [0] if i == j}
    off = [(i, j) for i, j, r, s in rows if r == ident and i != j]
    return not off and diag == {(i, 1) for i in range(len(words))}


def main() -> None:
    report = ProofReport("guidance_norms")

    for name, build in PRESETS.items():
        group = build()
        report.check(f"{name}: ker(generator map) = G' exactly (dim {group.commutant_dimension()}), so "
                     "norm='generators' vanishes iff T_G[Õ] = Õ", lambda g=group: generator_kernel_is_commutant(g))
    for n in (2, 3):
        report.check(f"n = {n}: the identity coefficient of E² is Σ_P e_P² = ‖E‖²/d, so ‖E‖⁴/d ≤ Tr E⁴ and "
                     "Tr E⁴ = 0 iff E = 0", lambda n=n: identity_pairs_are_diagonal(n))

    # the identities on derived circuits: schatten4 − hs²/d is d Σ_{R≠I} f_R² (a sum of squares)
    a, b = sp.symbols("a b", real=True)
    for name, circuit, obs in (
            ("collective_unitary(2)", sg.Circuit(2).ry(a, 0).cnot(0, 1).rz(b, 1), sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2)),
            ("u1_charge(3)", sg.Circuit(3).rx(a, 0).cnot(0, 2).ry(b, 1), sg.ops.pauli_sum("Z0 Z1 + X2", 3)),
            ("finite([SWAP])", sg.Circuit(2).ry(a, 0).ry(b, 1).cz(0, 1), sg.ops.pauli_sum("Z0 + Z1", 2))):
        group = PRESETS[name]()
        tw = sg.twirled_observable(circuit, obs, group)
        hs = sg.penalty(circuit, obs, group)
        s4 = sg.penalty(circuit, obs, group, norm="schatten4")
        d = group.dim
        f = norms.square_polys(tw)
        res = tw.residual_terms()
        trig = tw.trig
        f_id = [q for q in f if q == trig.reduce(sum((e * e for e in res.values()), trig.ring.zero))]

        def sum_of_squares_identity(tw=tw, hs=hs, s4=s4, d=d, f=f, trig=trig):
            rest = [q for q in f if q != trig.reduce(sum((e * e for e in tw.residual_terms().values()),
                                                          trig.ring.zero))]
            diff = s4.expr - hs.expr**2 / d - d * sp.Add(*[trig.to_expr(q) ** 2 for q in rest])
            return sp.expand(sp.expand_trig(diff)).subs({sp.sin(a): sp.sqrt(1 - sp.cos(a) ** 2),
                                                          sp.sin(b): sp.sqrt(1 - sp.cos(b) ** 2)}) == 0 \
                or sp.simplify(diff) == 0

        report.check(f"{name}: f_I = ‖E‖²/d appears among the coefficients of E² for {circuit!r}", len(f_id) == 1)
        report.check(f"{name}: Tr E⁴ − ‖E‖⁴/d = d Σ_(R≠I) f_R² exactly for {circuit!r}", sum_of_squares_identity)
        gen = sg.penalty(circuit, obs, group, norm="generators")
        pt = {a: sp.pi / 3, b: sp.pi / 4}
        report.check(f"{name}: at (π/3, π/4) all four norms are > 0 exactly (residual ≠ 0)",
                     lambda hs=hs, s4=s4, gen=gen: all(sp.nsimplify(fn.at(pt)) > 0 for fn in (hs, s4, gen)))
        at0 = {a: 0, b: 0}
        e0 = [sp.simplify(trig.to_expr(q).subs(at0)) for q in res.values()]
        report.check(f"{name}: at θ = 0, E = 0 ⇔ every norm = 0 (E = 0: {all(v == 0 for v in e0)})",
                     lambda e0=e0, hs=hs, s4=s4, gen=gen: all(v == 0 for v in e0)
                     == all(sp.simplify(fn.at(at0)) == 0 for fn in (hs, s4, gen)))

    # Werner: closed forms, zero sets and curvature at θ = 0
    circuit = sg.circuits.werner_ansatz()
    theta, = circuit.parameters
    G = sg.groups.collective_unitary(2)
    c = sp.Symbol("c", real=True)
    hessians = {}
    for norm in norms.NORMS:
        P = sg.penalty(circuit, sg.ops.SWAP, G, norm=norm)
        in_c = sp.factor(P.expr.subs(sp.cos(theta), c))
        report.check(f"Werner, {norm}: P = {in_c} with c = cos θ; zero set on [0, 2π) is {{0}} (P ≥ 0 on c ∈ [−1, 1], "
                     "zero only at c = 1)",
                     lambda in_c=in_c, P=P: not in_c.has(theta)
                     and sp.solveset(in_c, c, sp.Interval(-1, 1)) == sp.FiniteSet(1)
                     and sp.solveset(in_c < 0, c, sp.Interval(-1, 1)) == sp.S.EmptySet
                     and sp.solveset(P.expr, theta, sp.Interval.Ropen(0, 2 * sp.pi)) == sp.FiniteSet(0))
        hessians[norm] = sp.simplify(sp.diff(P.expr, theta, 2).subs(theta, 0))
    report.check(f"Werner: Hessians at θ = 0 — {hessians}: HS 3, normalised 3/4, Schatten-4 0 (quartic: flat "
                 "at the symmetric point), generators 24",
                 hessians == {"hs": 3, "normalized_hs": sp.Rational(3, 4), "schatten4": 0, "generators": 24})
    report.check("Werner: Schatten-4 starts at fourth order: Tr E⁴ = (9/8) θ⁴ + O(θ⁶) (4th derivative 27 at θ = 0)",
                 lambda: sp.simplify(sp.diff(sg.penalty(circuit, sg.ops.SWAP, G, norm="schatten4").expr, theta, 4)
                                     .subs(theta, 0)) == 27)

    # two parameters under SWAP: the symmetric set a = b; Hessians at (0, 0)
    circuit2 = sg.Circuit(2).ry(a, 0).ry(b, 1)
    obs2 = sg.ops.pauli_sum("Z0 + Z1", 2)
    G2 = sg.groups.finite([sg.ops.SWAP])
    for norm in norms.NORMS:
        P = sg.penalty(circuit2, obs2, G2, norm=norm)
        H = sp.hessian(P.expr, (a, b)).subs({a: 0, b: 0}).applyfunc(sp.simplify)
        on_diag = sp.simplify(P.expr.subs(b, a))
        expect_rank = 0 if norm == "schatten4" else 1
        report.check(f"ry(a)⊗ry(b), O = Z0 + Z1, SWAP, {norm}: P(a, a) ≡ 0 and Hessian at 0 = {H.tolist()} "
                     f"(rank {expect_rank}, kernel along a = b)",
                     lambda H=H, on_diag=on_diag, e=expect_rank: on_diag == 0 and H.rank() == e
                     and (e == 0 or H * sp.Matrix([1, 1]) == sp.zeros(2, 1)))

    # cost per evaluation (figures, not claims): batch of 256 points on a 3-qubit circuit
    t = sp.symbols("t0:4", real=True)
    c3 = sg.Circuit(3).ry(t[0], 0).ry(t[1], 1).cnot(0, 1).rx(t[2], 2).cnot(1, 2).rz(t[3], 0)
    o3 = sg.ops.pauli_sum("Z0 + Z1 + Z2", 3)
    pts = np.random.default_rng(0).uniform(-np.pi, np.pi, (256, 4))
    for norm in norms.NORMS:
        P = sg.penalty(c3, o3, sg.groups.permutations(3), norm=norm)
        P.value_and_gradient(pts)
        start = time.perf_counter()
        for _ in range(20):
            P.value_and_gradient(pts)
        print(f"cost  [guidance_norms] {norm:14s} value+gradient of 256 points on a 3-qubit, 4-parameter circuit "
              f"under S_3: {(time.perf_counter() - start) / 20 * 1e3:.2f} ms")
    report.finish()


if __name__ == "__main__":
    main()
