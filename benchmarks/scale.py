"""Benchmark: exact derivations at 6–12 qubits on the Pauli-native path (issue 10 bars).

Cases (each a fresh circuit and group; medians over ``--repeats``):

* ``ring8-cyclic``: 8-qubit ring, 2 layers of RY, RZ on every qubit + a CZ ring (32 parameters), ``O = Z₀``,
  cyclic shifts — exact penalty and its gradient (bar: < 10 s);
* ``chain6-collective``: 6 qubits, 1 layer + CZ chain, ``O = Z₀Z₁``, collective ``U(2)`` (bar: < 30 s);
* ``chain8-u1``: 8 qubits, 1 layer RX, RZ + CNOT chain, ``O = X₀X₁``, ``u1_charge(8)`` (bar: < 30 s);
* ``hea8x2-permutations``, ``ring12-cyclic``: larger cases beyond the bars;

each checked against an independent numpy reference (dense ``2ⁿ × 2ⁿ`` Heisenberg observable from
:mod:`sggd_sym.sim`, the twirl by its group's explicit action, central finite differences for the
gradient).  Also timed: an explicit sparse 256 × 256 matrix to Pauli coefficients, a model of 256
basis-state points at 8 qubits, the commutant dimension of ``permutations(n)``, and how fast a case
that cannot finish says so.

    python benchmarks/scale.py [--repeats 3] [--json] [--quick]
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import platform
import statistics
import sys
import time

import numpy as np
import sympy as sp

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.data.pauli_data import ProductStates
from sggd_sym.derived import costs


def layered(n: int, layers: int, rotations: str, entangler: str, ring: bool) -> sg.Circuit:
    c = sg.Circuit(n)
    k = 0
    for _ in range(layers):
        for q in range(n):
            for r in rotations:
                getattr(c, r)(sp.Symbol(f"t{k}"), q)
                k += 1
        pairs = [(q, (q + 1) % n) for q in range(n)] if ring else [(q, q + 1) for q in range(n - 1)]
        for a, b in pairs:
            getattr(c, entangler)(a, b)
    return c


# -- numpy references (independent of the symbolic core) ------------------------------------------------
def permute_qubits(x: np.ndarray, perm, n: int) -> np.ndarray:
    """``W_π X W_π†`` by moving tensor axes (qubit i -> position perm[i])."""
    t = x.reshape((2,) * (2 * n))
    inverse = np.argsort(perm)
    axes = list(inverse) + [n + a for a in inverse]
    return t.transpose(axes).reshape(2**n, 2**n)


def twirl_shifts(x, n):
    return sum(permute_qubits(x, [(i + s) % n for i in range(n)], n) for s in range(n)) / n


def twirl_permutations(x, n):
    perms = list(itertools.permutations(range(n)))
    return sum(permute_qubits(x, p, n) for p in perms) / len(perms)


def twirl_u1(x, n):
    weight = np.array([bin(b).count("1") for b in range(2**n)])
    return np.where(weight[:, None] == weight[None, :], x, 0)


@functools.lru_cache(maxsize=None)
def _permutation_span(n):
    d = 2**n
    eye = np.eye(d)
    def w(perm):  # W_π itself: move the output axes only
        inverse = np.argsort(perm)
        return eye.reshape((2,) * (2 * n)).transpose(list(inverse) + list(range(n, 2 * n))).reshape(d, d)

    vecs = np.array([w(p).reshape(-1) for p in itertools.permutations(range(n))]).T
    u, s, _ = np.linalg.svd(vecs, full_matrices=False)
    return u[:, s > 1e-9 * s[0]]


def twirl_collective(x, n):
    """Projection onto span{W_π} (Schur–Weyl: the commutant of {V^{⊗n}}), orthonormal basis by SVD."""
    basis = _permutation_span(n)
    return (basis @ (basis.conj().T @ x.reshape(-1))).reshape(2**n, 2**n)


CASES = {
    "ring8-cyclic": (lambda: layered(8, 2, "ry rz".split(), "cz", True), "Z0", lambda: sg.groups.cyclic_shift(8),
                     twirl_shifts, 10.0),
    "chain6-collective": (lambda: layered(6, 1, "ry rz".split(), "cz", False), "Z0 Z1",
                          lambda: sg.groups.collective_unitary(6), twirl_collective, 30.0),
    "chain8-u1": (lambda: layered(8, 1, "rx rz".split(), "cnot", False), "X0 X1", lambda: sg.groups.u1_charge(8),
                  twirl_u1, 30.0),
    "hea8x2-permutations": (lambda: sg.circuits.hardware_efficient(8, 2), "Z0", lambda: sg.groups.permutations(8),
                            twirl_permutations, None),
    "ring12-cyclic": (lambda: layered(12, 2, "ry rz".split(), "cz", True), "Z0", lambda: sg.groups.cyclic_shift(12),
                      None, None),
}


def numpy_penalty(circuit, text, twirl):
    n = circuit.n_qubits
    obs = sg.PauliSum.from_text(text, n)
    o = sum(complex(c) * sim.pauli_matrix(w) for w, c in obs.items())
    ops = circuit.to_sim_ops()

    def p(theta):
        a = sim.heisenberg_observable(ops, n, o, theta)
        e = twirl(a, n) - a
        return float(np.vdot(e, e).real)

    return p


def run_case(name, repeats, rng):
    build, text, group_of, twirl, bar = CASES[name]
    times = []
    for _ in range(repeats):
        circuit, group = build(), group_of()
        start = time.perf_counter()
        pen = sg.penalty(circuit, sg.PauliSum.from_text(text, circuit.n_qubits), group)
        theta = rng.uniform(-np.pi, np.pi, len(circuit.parameters))
        value, grad = pen(theta), pen.gradient(theta)
        times.append(time.perf_counter() - start)
    row = {"case": name, "qubits": circuit.n_qubits, "parameters": len(circuit.parameters),
           "median_s": statistics.median(times), "bar_s": bar}
    if twirl is not None:
        ref = numpy_penalty(circuit, text, twirl)
        row["value_error"] = abs(value - ref(theta))
        # central differences on up to 8 parameters (all of them are checked in the tests at small sizes)
        idx = rng.choice(len(theta), size=min(8, len(theta)), replace=False)
        fd = []
        for j in idx:
            e = np.zeros_like(theta)
            e[j] = 1e-5
            fd.append((ref(theta + e) - ref(theta - e)) / 2e-5)
        row["gradient_error"] = float(np.max(np.abs(grad[idx] - np.array(fd))))
    row["within_bar"] = None if bar is None else row["median_s"] < bar
    return row


def timed(fn, repeats):
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return statistics.median(out)


def extras(repeats, quick):
    rows = []
    m = sg.PauliSum.from_text("Z0 + 1/2 X3 X4 - 1/3 Y7", 8).matrix()
    rows.append({"case": "sparse 256x256 matrix -> Pauli sum", "median_s": timed(
        lambda: sg.pauli_sum.as_pauli_sum("bench", "m", m), repeats)})
    dense_ref = timed(lambda: sg.ops.pauli_decompose(sg.PauliSum.from_text("Z0 + X1", 4).matrix()), 1)
    rows.append({"case": "old dense decomposition, 16x16 (for scale)", "median_s": dense_ref})
    bits = (np.arange(256)[:, None] >> np.arange(8)[::-1]) & 1
    circuit = sg.circuits.hardware_efficient(8, 1)
    rows.append({"case": "Model: 256 basis states, 8 qubits", "median_s": timed(
        lambda: costs.Model(circuit, sg.PauliSum.word("Z" + "I" * 7), ProductStates.basis(bits)), repeats)})
    for n in ((4, 5) if quick else (4, 5, 6, 7)):
        rows.append({"case": f"permutations({n}).commutant_dimension()", "median_s": timed(
            lambda n=n: sg.groups.permutations(n).commutant_dimension(), 1)})

    def too_big():
        try:
            sg.penalty(sg.circuits.hardware_efficient(5, 8), sg.PauliSum.word("ZIIII"), sg.groups.permutations(5))
        except sg.DerivationBudgetError:
            return
        raise AssertionError("expected DerivationBudgetError")

    rows.append({"case": "fail fast: hea(5, 8) under permutations(5) -> DerivationBudgetError",
                 "median_s": timed(too_big, 1)})
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="the three bar cases, one repeat, fewer extras")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(10)
    names = list(CASES)[:3] if args.quick else list(CASES)
    repeats = 1 if args.quick else args.repeats
    rows = [run_case(name, repeats, rng) for name in names]
    rows += extras(repeats, args.quick)
    meta = {"python": sys.version.split()[0], "machine": platform.machine(), "repeats": repeats}
    if args.json:
        print(json.dumps({"meta": meta, "rows": rows}))
        return 0
    print(f"# scale benchmark ({meta})")
    print("| case | qubits | params | median s | bar s | |ΔP| vs numpy | |Δ∇P| vs FD |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        fmt = lambda k, f: (f.format(r[k]) if r.get(k) is not None else "")  # noqa: E731
        print(f"| {r['case']} | {r.get('qubits', '')} | {r.get('parameters', '')} | {r['median_s']:.3f} | "
              f"{fmt('bar_s', '{:.0f}')} | {fmt('value_error', '{:.1e}')} | {fmt('gradient_error', '{:.1e}')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
