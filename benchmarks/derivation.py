"""Benchmark: exact derivation of Õ(θ) and of the SGGD penalty P(θ) (issue 2 / issue 6, case 1).

Cases: the 2-qubit hardware-efficient ansatz (per layer RY, RZ on each qubit, then CNOT(0,1);
O = Z⊗I; group {I, SWAP}) with p = 4, 8, 12, 16, 24 parameters, 3 qubits p = 12, 24 under
permutations(3), and the Werner model (Eq. 9-11).  Each timing is a fresh derivation (new circuit,
new group: nothing cached but the fixed gates' Pauli transfer maps).  Reported: median over
``--repeats`` of

* ``heisenberg``: exact Õ(θ) in Pauli coordinates;
* ``penalty``: Õ, commutant coordinates, compilation and one value+gradient evaluation;
* ``expr``: building the SymPy expression of P for display (``.expr``), once.

The plain-SymPy baseline (matrix products of exact gate matrices + ``simplify``) runs in a
subprocess with a time limit (``--baseline-timeout``); a timeout is reported as "> limit".

    python benchmarks/derivation.py [--repeats 5] [--json] [--baseline-timeout 60] [--quick]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import statistics
import sys
import time

import numpy as np
import sympy as sp

import sggd_sym as sg


def hea(n: int, p: int) -> sg.Circuit:
    return sg.circuits.hardware_efficient(n, p // (2 * n))


def cases(quick: bool):
    sizes = [4, 8] if quick else [4, 8, 12, 16, 24]
    out = [(f"2q HEA p={p}", lambda p=p: hea(2, p), lambda: sg.ops.pauli("ZI"), lambda: sg.groups.finite([sg.ops.SWAP]))
           for p in sizes]
    for p in ([12] if quick else [12, 24]):
        out.append((f"3q HEA p={p} S3", lambda p=p: hea(3, p), lambda: sg.ops.pauli("ZII"),
                    lambda: sg.groups.permutations(3)))
    out.append(("Werner (Eq. 11)", sg.circuits.werner_ansatz, lambda: sg.ops.SWAP,
                lambda: sg.groups.collective_unitary(2)))
    return out


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def derive_penalty(make_circuit, make_obs, make_group):
    circuit = make_circuit()
    penalty = sg.penalty(circuit, make_obs(), make_group())
    penalty.value_and_gradient(np.full(len(circuit.parameters), 0.3))
    return penalty


def _plain_sympy(make_circuit, make_obs, make_group, queue):
    circuit = make_circuit()
    u = sp.eye(circuit.dim)
    for gate in circuit.gates:
        from sggd_sym.circuits import _apply  # noqa: F401  (same gate set, exact matrices)
        full = _embed(gate.exact_matrix(), gate.qubits, circuit.n_qubits)
        u = full * u
    o_tilde = sp.simplify(u.H * make_obs() * u)
    twirled = make_group().twirl(o_tilde)
    diff = twirled - o_tilde
    sp.simplify((diff.H * diff).trace())
    queue.put("done")


def _embed(matrix, qubits, n):
    d = 2**n
    k = len(qubits)
    out = sp.zeros(d, d)
    shifts = [n - 1 - q for q in qubits]
    for r in range(d):
        for c in range(d):
            if (r & ~sum(1 << s for s in shifts)) != (c & ~sum(1 << s for s in shifts)):
                continue
            a = sum(((r >> s) & 1) << (k - 1 - i) for i, s in enumerate(shifts))
            b = sum(((c >> s) & 1) << (k - 1 - i) for i, s in enumerate(shifts))
            out[r, c] = matrix[a, b]
    return out


def plain_sympy_time(case, timeout: float) -> float | None:
    _, make_circuit, make_obs, make_group = case
    queue = mp.Queue()
    proc = mp.Process(target=_plain_sympy, args=(make_circuit, make_obs, make_group, queue))
    start = time.perf_counter()
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--baseline-timeout", type=float, default=60.0)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--quick", action="store_true", help="small sizes only (smoke run)")
    args = parser.parse_args(argv)
    rows = []
    for case in cases(args.quick):
        name, make_circuit, make_obs, make_group = case
        heis = [timed(lambda: sg.heisenberg_observable(make_circuit(), make_obs())) for _ in range(args.repeats)]
        pen = [timed(lambda: derive_penalty(make_circuit, make_obs, make_group)) for _ in range(args.repeats)]
        penalty = derive_penalty(make_circuit, make_obs, make_group)
        expr_time = timed(lambda: penalty.expr)
        terms = sg.heisenberg_observable(make_circuit(), make_obs()).n_terms()
        row = {"case": name, "tool": "sggd_sym", "heisenberg_median_s": statistics.median(heis),
               "median_s": statistics.median(pen), "expr_s": expr_time, "terms": terms}
        rows.append(row)
        baseline = None
        if not args.no_baseline and (name.startswith("2q HEA p=4") or name.startswith("2q HEA p=8")
                                     or name.startswith("Werner")):
            baseline = plain_sympy_time(case, args.baseline_timeout)
            rows.append({"case": name, "tool": "plain sympy (products + simplify)",
                         "median_s": baseline, "limit_s": args.baseline_timeout})
            row["ratio_to_baseline"] = (row["median_s"] / baseline) if baseline else 0.0
        if not args.json:
            base = "" if args.no_baseline or "ratio_to_baseline" not in row else (
                f"  plain sympy: {baseline:.2f} s" if baseline else f"  plain sympy: > {args.baseline_timeout:.0f} s")
            print(f"{name:22s} Õ {row['heisenberg_median_s']:7.3f} s   P(+grad, compiled) {row['median_s']:7.3f} s   "
                  f".expr {expr_time:7.3f} s   terms {terms:6d}{base}", flush=True)
    versions = {"python": platform.python_version(), "sympy": sp.__version__, "numpy": np.__version__,
                "sggd_sym": sg.__version__, "machine": platform.machine()}
    if args.json:
        print(json.dumps({"rows": rows, "versions": versions}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
