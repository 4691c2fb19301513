"""Issue 11: exact deep-circuit Heisenberg observables against pauli-propagator, in one run.

For ``circuits.hardware_efficient(n, L)`` and ``O = Z₀`` this times, per (n, L):

* sggd_sym: ``pauli_propagation.propagate`` — the *whole* operator ``Õ = U† Z₀ U``, exact (integer
  coefficients, bit-packed words and monomials) — and, separately, merging it to ``⟨0|Õ|0⟩``;
* the peer, pauli-propagator 3.4.0 (float coefficients, exact mode ``k1 = k2 = None``, one thread), in a
  Python ≥ 3.12 interpreter given by ``--peer-python`` (optional; ``--setup-peer DIR`` creates that
  environment with pyenv's 3.12 and pip): its Rust propagation alone and its whole ``propagate()``
  (which also builds its evaluator).

Both compute ``⟨0|Õ|0⟩``; the term counts and the values at a random θ are compared.

    python benchmarks/deep_circuits.py --peer-python /tmp/peer312/bin/python --repeats 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import sggd_sym as sg
from sggd_sym.circuits.pauli_propagation import propagate

CASES = [(2, 8), (4, 6), (2, 10), (3, 8)]

PEER = r'''
import json, sys, time
import numpy as np
import pennylane as qml
import pprop.propagator as pp
from pprop.propagator import Propagator
n, L = int(sys.argv[1]), int(sys.argv[2])
theta = np.array(json.loads(sys.argv[3]))
def ansatz(params):
    k = 0
    for _ in range(L):
        for q in range(n):
            qml.RY(params[k], wires=q); k += 1
            qml.RZ(params[k], wires=q); k += 1
        for q in range(n - 1):
            qml.CNOT(wires=[q, q + 1])
    return [qml.expval(qml.PauliZ(0))]
timing = {}
raw = pp.pprop_rs.propagate_batch
def timed(*a, **k):
    t = time.perf_counter(); out = raw(*a, **k); timing["rust"] = time.perf_counter() - t; return out
pp.pprop_rs.propagate_batch = timed
prop = Propagator(ansatz, k1=None, k2=None)
t0 = time.perf_counter()
prop.propagate(n_threads=1)
total = time.perf_counter() - t0
print(json.dumps({"rust_s": timing["rust"], "propagate_s": total, "terms": len(prop.exprs[0]),
                  "value": float(prop(theta)[0])}))
'''


def ours(n: int, layers: int, theta: np.ndarray) -> dict:
    circuit = sg.circuits.hardware_efficient(n, layers)
    word = "Z" + "I" * (n - 1)
    t0 = time.perf_counter()
    packed = propagate(circuit, word, budget=None)
    t1 = time.perf_counter()
    cos, sin, coef = packed.zero_state_expectation()
    t2 = time.perf_counter()
    # value of ⟨0|Õ|0⟩ at θ (hardware_efficient: occurrence k is θ_k)
    vals = coef.astype(float) / packed.denominator
    for k in range(len(packed.occurrences)):
        block, bit = divmod(k, 64)
        c_on = ((cos[block] >> np.uint64(bit)) & np.uint64(1)).astype(bool)
        s_on = ((sin[block] >> np.uint64(bit)) & np.uint64(1)).astype(bool)
        vals *= np.where(c_on, np.cos(theta[k]), np.where(s_on, np.sin(theta[k]), 1.0))
    return {"operator_s": t1 - t0, "expectation_s": t2 - t1, "operator_terms": packed.n_terms,
            "terms": int(coef.size), "value": float(vals.sum()), "parameters": len(circuit.parameters)}


def peer(python: str, n: int, layers: int, theta: np.ndarray) -> dict | None:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(PEER)
    out = subprocess.run([python, f.name, str(n), str(layers), json.dumps(theta.tolist())],
                         capture_output=True, text=True, timeout=1800)
    Path(f.name).unlink()
    if out.returncode != 0:
        print(f"peer failed: {out.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def setup_peer(folder: Path) -> str:
    pyenv = Path.home() / ".pyenv/versions"
    candidates = sorted(pyenv.glob("3.12*/bin/python")) if pyenv.exists() else []
    if not candidates:
        raise SystemExit("no Python 3.12 found under ~/.pyenv/versions; pass --peer-python")
    subprocess.run([str(candidates[-1]), "-m", "venv", str(folder)], check=True)
    subprocess.run([str(folder / "bin/pip"), "install", "-q", "pauli-propagator==3.4.0"], check=True)
    return str(folder / "bin/python")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer-python", default=None, help="a Python >= 3.12 with pauli-propagator 3.4.0")
    parser.add_argument("--setup-peer", type=Path, default=None, help="create that environment in this folder")
    parser.add_argument("--repeats", type=int, default=3, help="runs per case (medians are reported)")
    parser.add_argument("--cases", default=None, help="e.g. '2x8,3x8' (default: the issue's four)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    python = setup_peer(args.setup_peer) if args.setup_peer else args.peer_python
    cases = CASES if not args.cases else [tuple(int(v) for v in c.split("x")) for c in args.cases.split(",")]
    rows = []
    for n, layers in cases:
        theta = np.random.default_rng(n * 100 + layers).uniform(-np.pi, np.pi, size=2 * n * layers)
        mine = [ours(n, layers, theta) for _ in range(args.repeats)]
        theirs = [peer(python, n, layers, theta) for _ in range(args.repeats)] if python else []
        theirs = [t for t in theirs if t]
        row = {"n": n, "layers": layers, "parameters": mine[0]["parameters"],
               "operator_terms": mine[0]["operator_terms"], "terms": mine[0]["terms"],
               "sggd_operator_s": statistics.median(m["operator_s"] for m in mine),
               "sggd_expectation_s": statistics.median(m["operator_s"] + m["expectation_s"] for m in mine)}
        if theirs:
            row.update(peer_terms=theirs[0]["terms"],
                       peer_rust_s=statistics.median(t["rust_s"] for t in theirs),
                       peer_propagate_s=statistics.median(t["propagate_s"] for t in theirs),
                       value_difference=abs(mine[0]["value"] - theirs[0]["value"]))
            row["ratio_vs_rust"] = row["peer_rust_s"] / row["sggd_expectation_s"]
        rows.append(row)
        if not args.json:
            line = (f"(n, L) = ({n}, {layers}), {row['parameters']} parameters: Õ {row['operator_terms']:,} exact terms "
                    f"in {row['sggd_operator_s']:.2f} s; ⟨0|Õ|0⟩ {row['terms']:,} terms in "
                    f"{row['sggd_expectation_s']:.2f} s")
            if theirs:
                line += (f" | peer ⟨0|Õ|0⟩ {row['peer_terms']:,} terms: Rust propagation {row['peer_rust_s']:.2f} s, "
                         f"propagate() {row['peer_propagate_s']:.2f} s | peer/sggd {row['ratio_vs_rust']:.1f}x, "
                         f"|Δ value| {row['value_difference']:.1e}")
            print(line, flush=True)
    if args.json:
        print(json.dumps({"benchmark": "deep_circuits", "repeats": args.repeats, "rows": rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
