"""Benchmark suite (issue 6): sggd_sym against the tools a user would pick instead, measured in one run.

Cases (every timing a median over ``--repeats``; every ratio measured in the same run):

1. **Exact derivation** of ``Õ(θ) = U†OU`` and of the SGGD penalty ``P(θ) = ‖T_G[Õ] − Õ‖²`` (Eq. 5–6, value
   and gradient compiled and evaluated once) for the 2-qubit hardware-efficient ansatz (per layer RY, RZ on
   each qubit, then CNOT(0,1); ``O = Z⊗I``; ``G = {I, SWAP}``) with p = 4, 8, 12, 16, 24, for 3 qubits p = 12,
   24 under ``permutations(3)``, and for the Werner model (Eq. 9–11).  Baseline: plain SymPy (exact matrix
   products + ``simplify``) in a subprocess with ``--baseline-timeout``; a timeout is reported as "> limit".
   Parameters the output does not depend on are reported (``unused``; at one layer the {I, SWAP} penalty
   is the constant 2, so p = 4 is a degenerate size).
2. **Cost + gradient** of ``C_P = C_MSE + λP`` (Eq. 6, λ = 1) on 256 points of the circle task (RY(πx)
   encoding per qubit, ``hardware_efficient(2, 3)``: 12 parameters, ``O = 3·Z⊗I``, ``G = {I, SWAP}``):
   sggd_sym's compiled closed form vs ``sggd_sym.sim`` vs PennyLane ``default.qubit`` (backprop with
   autograd, and parameter-shift) vs a hand-written batched numpy simulation.  Ratios against PennyLane
   backprop.  Every tool's value and gradient is checked against sggd_sym's (``max_abs_diff``).
3. **100 trainings × 300 Adam steps** (lr 0.05, the same 256-point data set, initial points uniform in
   [0, 2π)¹² from seed 1), derivation and compilation included: sggd_sym (one batched run of all 100
   initial points) vs PennyLane backprop (a loop of trainings with the same hand-rolled Adam; only
   ``--pl-trainings`` of them are timed and the time is extrapolated linearly to 100, as the output says).

PennyLane is optional: without it its rows say "not installed".

    python benchmarks/run.py [--repeats 5] [--json] [--quick] [--baseline-timeout 60] [--pl-trainings 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import derivation  # noqa: E402  (benchmarks/derivation.py: the case-1 derivations and plain-SymPy baseline)

import sggd_sym as sg  # noqa: E402
from sggd_sym import sim  # noqa: E402
from sggd_sym.data.datasets import circle_labels, encode, swap_group, uniform_square  # noqa: E402
from sggd_sym.derived.costs import Model, penalised_cost  # noqa: E402
from sggd_sym.training import train  # noqa: E402

try:  # optional: the comparison tool, not a dependency of sggd_sym
    import pennylane as qml
    from autograd import numpy as anp
    from autograd import value_and_grad
except ImportError:  # pragma: no cover - exercised by the smoke test with PennyLane hidden
    qml = None

LAYERS = 3            # hardware_efficient(2, 3): 12 parameters
OBS_SCALE = 3.0       # O = 3·Z⊗I (as the circle experiment)
LAM = 1.0
LEARNING_RATE = 0.05
SWAP_NP = np.eye(4)[[0, 2, 1, 3]]


# -- timing -----------------------------------------------------------------------------------------
def per_call(fn, repeats: int, min_time: float = 0.2) -> float:
    """Median over ``repeats`` of the mean time of one call (each repeat loops for ≥ ``min_time``)."""
    fn()
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    number = max(1, int(min_time / max(once, 1e-7)))
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def median_of(fn, repeats: int) -> float:
    return statistics.median(derivation.timed(fn) for _ in range(repeats))


def row(bench: int, case: str, tool: str, median_s, **extra) -> dict:
    return {"bench": bench, "case": case, "tool": tool, "median_s": median_s, "ratio_to_baseline": None, **extra}


def set_ratios(rows: list[dict], baseline_tool: str) -> None:
    """``ratio_to_baseline = median_s / baseline median_s`` per case (< 1: faster than the baseline)."""
    base = {r["case"]: r for r in rows if r["tool"] == baseline_tool}
    for r in rows:
        b = base.get(r["case"])
        if b is None or r["median_s"] is None:
            continue
        if b["median_s"] is not None:
            r["ratio_to_baseline"] = r["median_s"] / b["median_s"]
        elif b.get("limit_s"):
            r["ratio_to_baseline"] = r["median_s"] / b["limit_s"]
            r["ratio_is_upper_bound"] = True


# -- case 1: exact derivation -----------------------------------------------------------------------
PLAIN = "plain sympy (products + simplify)"


def bench_derivation(args) -> list[dict]:
    rows: list[dict] = []
    timed_out_family: set[str] = set()
    for case in derivation.cases(args.quick):
        name, make_circuit, make_obs, make_group = case
        heis = median_of(lambda: sg.heisenberg_observable(make_circuit(), make_obs()), args.repeats)
        pen = median_of(lambda: derivation.derive_penalty(make_circuit, make_obs, make_group), args.repeats)
        penalty = derivation.derive_penalty(make_circuit, make_obs, make_group)
        p = len(make_circuit().parameters)
        unused = [str(s) for s in penalty.unused_parameters]
        terms = sg.heisenberg_observable(make_circuit(), make_obs()).n_terms()
        rows.append(row(1, f"derive O~: {name}", "sggd_sym", heis, p=p, terms=terms))
        rows.append(row(1, f"derive P + grad (compiled): {name}", "sggd_sym", pen, p=p, unused=unused))
        family = name.split(" p=")[0]
        rows.append(baseline_row(args, case, family, timed_out_family))
    set_ratios(rows, PLAIN)
    return rows


def baseline_row(args, case, family: str, timed_out_family: set[str]) -> dict:
    name = case[0]
    label = f"derive P + grad (compiled): {name}"
    if args.no_baseline or (args.quick and not name.startswith("Werner")):
        return row(1, label, PLAIN, None, status="not run (--quick or --no-baseline)")
    if family in timed_out_family:
        return row(1, label, PLAIN, None, limit_s=args.baseline_timeout,
                   status=f"not run: a smaller {family} case already exceeded the limit")
    seconds = derivation.plain_sympy_time(case, args.baseline_timeout)
    if seconds is None:
        timed_out_family.add(family)
        return row(1, label, PLAIN, None, limit_s=args.baseline_timeout, status="> limit", repeats=1)
    return row(1, label, PLAIN, seconds, repeats=1)


# -- case 2: cost + gradient on 256 points ----------------------------------------------------------
def circle_problem(n_points: int):
    x = uniform_square(n_points, 0)
    return x, circle_labels(x)


def sggd_cost(x, y):
    circuit = sg.circuits.hardware_efficient(2, LAYERS)
    model = Model(circuit, int(OBS_SCALE) * sg.ops.pauli("ZI"), encode(x))
    return circuit, penalised_cost(model, y, swap_group(), LAM)


def data_states(x) -> np.ndarray:
    """``|ψ(x)⟩ = RY(πx₁)|0⟩ ⊗ RY(πx₂)|0⟩`` as an (N, 4) array (the same states as ``datasets.encode``)."""
    half = np.pi * np.asarray(x) / 2
    q0 = np.stack([np.cos(half[:, 0]), np.sin(half[:, 0])], axis=1)
    q1 = np.stack([np.cos(half[:, 1]), np.sin(half[:, 1])], axis=1)
    return np.einsum("ni,nj->nij", q0, q1).reshape(-1, 4).astype(complex)


def swap_twirl(a: np.ndarray) -> np.ndarray:
    return (a + SWAP_NP @ a @ SWAP_NP) / 2


def sim_cost(circuit, x, y):
    """C_P and its gradient from ``sggd_sym.sim`` alone (no symbolic code on the evaluation path).

    Value: one ``circuit_unitary``, then every point's statevector ``U|ψ(x)⟩``.  Gradient:
    ``sim.parameter_shift_gradient`` of the functional ``L(U) = Σ_x w_x ⟨ψ_x|U†OU|ψ_x⟩ +
    2λ Re⟨D₀, T[U†OU] − U†OU⟩`` with weights ``w_x = 2(f_x − y_x)/N`` and ``D₀ = T[Õ] − Õ`` frozen at θ:
    ``L`` is linear in ``U†OU``, so the shift rule is exact and ``∇L = ∇C_P`` (chain rule).
    """
    ops = circuit.to_sim_ops()
    obs = OBS_SCALE * sim.pauli_matrix("ZI")
    psi = data_states(x)
    n = len(y)

    def parts(u):
        a = u.conj().T @ obs @ u
        f = np.einsum("ni,ij,nj->n", psi.conj(), a, psi).real
        return a, f

    def value_and_gradient(theta):
        a, f = parts(sim.circuit_unitary(ops, 2, theta))
        d0 = swap_twirl(a) - a
        value = np.mean((f - y) ** 2) + LAM * np.vdot(d0, d0).real
        w = 2 * (f - y) / n

        def linear(u):
            a_u, f_u = parts(u)
            return w @ f_u + 2 * LAM * np.vdot(d0, swap_twirl(a_u) - a_u).real

        return value, sim.parameter_shift_gradient(ops, 2, theta, linear)

    return value_and_gradient


def _rotation(name: str, angles: np.ndarray) -> np.ndarray:
    """Batched RY/RZ matrices (B, 2, 2)."""
    c, s = np.cos(angles / 2), np.sin(angles / 2)
    out = np.zeros(angles.shape + (2, 2), dtype=complex)
    if name == "ry":
        out[:, 0, 0], out[:, 0, 1], out[:, 1, 0], out[:, 1, 1] = c, -s, s, c
    else:
        out[:, 0, 0], out[:, 1, 1] = c - 1j * s, c + 1j * s
    return out


def numpy_cost(x, y):
    """Hand-written batched numpy reference (the "limit"): fused unitaries + vectorised parameter shift.

    The 2p+1 parameter vectors θ, θ ± (π/2)e_j are stacked into one batch; each batch row's 4×4 unitary is
    built gate by gate (one-qubit gates as batched kron products), ``Õ_k = U_k†OU_k`` for all rows, the
    outputs of all N points for all rows in one einsum.  ∂f/∂θ_j and ∂Õ/∂θ_j by the two-term shift rule
    (each parameter is one RY/RZ angle), then the chain rule for C_P.
    """
    psi = data_states(x)
    obs = OBS_SCALE * np.kron(np.diag([1.0, -1.0]), np.eye(2)).astype(complex)
    cnot = np.eye(4)[[0, 1, 3, 2]].astype(complex)
    eye2 = np.eye(2, dtype=complex)
    p = 4 * LAYERS
    shifts = np.vstack([np.zeros(p), np.pi / 2 * np.eye(p), -np.pi / 2 * np.eye(p)])
    n = len(y)

    def value_and_gradient(theta):
        batch = theta[None, :] + shifts
        u = np.broadcast_to(np.eye(4, dtype=complex), (len(batch), 4, 4))
        for layer in range(LAYERS):
            k = 4 * layer
            g0 = _rotation("rz", batch[:, k + 1]) @ _rotation("ry", batch[:, k])
            g1 = _rotation("rz", batch[:, k + 3]) @ _rotation("ry", batch[:, k + 2])
            local = np.einsum("bij,bkl->bikjl", g0, g1).reshape(-1, 4, 4)
            u = cnot @ (local @ u)
        a = np.conj(np.swapaxes(u, 1, 2)) @ obs @ u
        f = np.einsum("ni,bij,nj->bn", psi.conj(), a, psi).real
        d = (a + SWAP_NP @ a @ SWAP_NP) / 2 - a
        r = f[0] - y
        value = np.mean(r**2) + LAM * np.vdot(d[0], d[0]).real
        df = (f[1:p + 1] - f[p + 1:]) / 2            # (p, N)
        dd = (d[1:p + 1] - d[p + 1:]) / 2            # (p, 4, 4)
        grad = (2 / n) * df @ r + 2 * LAM * np.einsum("ij,pij->p", d[0].conj(), dd).real
        return value, grad

    return value_and_gradient


def pennylane_cost(x, y, diff_method: str):
    """C_P in PennyLane ``default.qubit``: broadcast RY(πx) encoding, expval of 3·Z⊗I; the penalty from
    ``qml.matrix`` of the ansatz, ``‖(Õ + SWAP Õ SWAP)/2 − Õ‖²`` in autograd numpy; gradient by autograd
    (``diff_method`` of the QNode: "backprop" or "parameter-shift")."""
    dev = qml.device("default.qubit", wires=2)
    mode = diff_method.split(",")[0]
    obs = OBS_SCALE * np.kron(np.diag([1.0, -1.0]), np.eye(2))

    def ansatz(params):
        for layer in range(LAYERS):
            k = 4 * layer
            for q in (0, 1):
                qml.RY(params[k + 2 * q], wires=q)
                qml.RZ(params[k + 2 * q + 1], wires=q)
            qml.CNOT(wires=[0, 1])

    @qml.qnode(dev, interface="autograd", diff_method=mode)
    def model(params):
        qml.RY(np.pi * x[:, 0], wires=0)
        qml.RY(np.pi * x[:, 1], wires=1)
        ansatz(params)
        return qml.expval(OBS_SCALE * qml.PauliZ(0))

    unitary = qml.matrix(ansatz, wire_order=[0, 1])

    def cost(params):
        u = unitary(params)
        a = anp.dot(anp.conj(anp.transpose(u)), anp.dot(obs, u))
        d = (a + anp.dot(SWAP_NP, anp.dot(a, SWAP_NP))) / 2 - a
        pen = anp.sum(anp.real(d * anp.conj(d)))
        return anp.mean((model(params) - y) ** 2) + LAM * pen

    def mse_only(params):
        return anp.mean((model(params) - y) ** 2)

    vg = value_and_grad(mse_only if diff_method == "backprop, C_MSE only" else cost)

    def value_and_gradient(theta):
        value, grad = vg(np.asarray(theta, dtype=float))
        return float(value), np.asarray(grad, dtype=float)

    return value_and_gradient


def bench_cost(args) -> list[dict]:
    n_points = 16 if args.quick else 256
    case = f"cost + grad C_P, {n_points} points, p=12"
    x, y = circle_problem(n_points)
    theta = np.random.default_rng(2).uniform(0, 2 * np.pi, 4 * LAYERS)
    setup = median_of(lambda: sggd_cost(x, y)[1].value_and_gradient(theta), args.repeats)
    circuit, cost = sggd_cost(x, y)
    ref_value, ref_grad = cost.value_and_gradient(theta)
    rows = [row(2, "derive + compile circle model (C_P, value+grad)", "sggd_sym", setup)]
    tools = [("sggd_sym (compiled closed form)", lambda: cost.value_and_gradient),
             ("sggd_sym.sim (statevectors, parameter shift)", lambda: sim_cost(circuit, x, y)),
             ("numpy by hand (fused unitary, vectorised shift)", lambda: numpy_cost(x, y)),
             ("pennylane default.qubit backprop", lambda: pennylane_cost(x, y, "backprop")),
             ("pennylane default.qubit parameter-shift", lambda: pennylane_cost(x, y, "parameter-shift")),
             ("pennylane backprop, C_MSE only (for scale)",
              lambda: pennylane_cost(x, y, "backprop, C_MSE only"))]
    for tool, make in tools:
        if tool.startswith("pennylane") and qml is None:
            rows.append(row(2, case, tool, None, status="not installed"))
            continue
        fn = make()
        value, grad = fn(theta)
        if "C_MSE only" in tool:
            ref_value, ref_grad = cost.mse.value_and_gradient(theta)
        diff = max(abs(float(value) - float(ref_value)), float(np.max(np.abs(np.asarray(grad) - ref_grad))))
        rows.append(row(2, case, tool, per_call(lambda: fn(theta), args.repeats), max_abs_diff=diff))
    set_ratios(rows, "pennylane default.qubit backprop")
    return rows


# -- case 3: 100 trainings --------------------------------------------------------------------------
def adam_loop(value_and_gradient, theta, steps: int, lr: float, b1=0.9, b2=0.999, eps=1e-8):
    """The same bias-corrected Adam as :func:`sggd_sym.training.train`, for one parameter vector."""
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    for t in range(steps):
        _, grad = value_and_gradient(theta)
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad**2
        theta = theta - lr * (m / (1 - b1 ** (t + 1))) / (np.sqrt(v / (1 - b2 ** (t + 1))) + eps)
    return value_and_gradient(theta)[0], theta


def bench_training(args) -> list[dict]:
    trainings, steps = (4, 10) if args.quick else (100, 300)
    n_points = 16 if args.quick else 256
    case = f"{trainings} trainings x {steps} Adam steps ({n_points} points, incl. derivation)"
    x, y = circle_problem(n_points)
    theta0 = np.random.default_rng(1).uniform(0, 2 * np.pi, (trainings, 4 * LAYERS))

    def sggd_run():
        _, cost = sggd_cost(x, y)
        return train(cost, theta0, method="adam", learning_rate=LEARNING_RATE, steps=steps)

    rows = [row(3, case, "sggd_sym (one batched run)", median_of(sggd_run, args.repeats))]
    final = sggd_run().total[-1]
    tool = "pennylane default.qubit backprop (loop)"
    if qml is None:
        rows.append(row(3, case, tool, None, status="not installed"))
    else:
        k = min(args.pl_trainings, trainings)

        def pl_run():
            vg = pennylane_cost(x, y, "backprop")
            return [adam_loop(vg, theta0[i].copy(), steps, LEARNING_RATE)[0] for i in range(k)]

        samples, finals = [], None
        for _ in range(args.repeats):
            start = time.perf_counter()
            finals = pl_run()
            samples.append(time.perf_counter() - start)
        measured = statistics.median(samples)
        diff = float(np.max(np.abs(np.array(finals) - final[:k])))
        rows.append(row(3, case, tool, measured * trainings / k, timed_trainings=k,
                        status=f"extrapolated linearly from {k} timed trainings" if k < trainings else "measured",
                        max_abs_diff_final_cost=diff))
    set_ratios(rows, tool)
    return rows


# -- report -----------------------------------------------------------------------------------------
def versions() -> dict:
    out = {"python": platform.python_version(), "numpy": np.__version__, "sympy": sp.__version__,
           "sggd_sym": getattr(sg, "__version__", "?"), "pennylane": qml.__version__ if qml else "not installed",
           "machine": platform.machine(), "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                out["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return out


def fmt_seconds(r: dict) -> str:
    if r["median_s"] is None:
        if r.get("status") == "> limit":
            return f"> {r['limit_s']:.0f} s"
        if "exceeded" in r.get("status", ""):
            return f"> {r['limit_s']:.0f} s (implied)"
        return r.get("status", "-")
    s = r["median_s"]
    return f"{s * 1e3:.3f} ms" if s < 1 else f"{s:.2f} s"


def fmt_ratio(r: dict) -> str:
    ratio = r["ratio_to_baseline"]
    if ratio is None:
        return ""
    speed = 1 / ratio if ratio > 0 else float("inf")
    return f"{'≥ ' if r.get('ratio_is_upper_bound') else ''}{speed:,.1f}× faster" if ratio < 1 else \
        f"{ratio:.2f}× baseline"


def table(rows: list[dict]) -> str:
    lines = []
    headings = {1: "1. Exact derivation (baseline: plain SymPy; a timed-out baseline gives a lower bound)",
                2: "2. C_P value + gradient (baseline: PennyLane backprop)",
                3: "3. Training sweep (baseline: PennyLane backprop)"}
    for bench in sorted({r["bench"] for r in rows}):
        lines.append(f"\n{headings[bench]}")
        for r in (r for r in rows if r["bench"] == bench):
            extra = []
            if r.get("unused"):
                extra.append(f"unused: {', '.join(r['unused'])}")
            if "max_abs_diff" in r:
                extra.append(f"|Δ| {r['max_abs_diff']:.1e}")
            if "max_abs_diff_final_cost" in r:
                extra.append(f"|Δ final cost| {r['max_abs_diff_final_cost']:.1e}")
            if r.get("timed_trainings") and "extrapolated" in r.get("status", ""):
                extra.append(r["status"])
            lines.append(f"  {r['case'][:58]:58s} {r['tool'][:52]:52s} {fmt_seconds(r):>22s} "
                         f"{fmt_ratio(r):>18s}  {'; '.join(extra)}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (the smoke test)")
    parser.add_argument("--baseline-timeout", type=float, default=60.0)
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain-SymPy baseline")
    parser.add_argument("--pl-trainings", type=int, default=5,
                        help="PennyLane trainings timed in case 3 (extrapolated to 100)")
    parser.add_argument("--only", type=int, choices=(1, 2, 3), action="append", help="run only these cases")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.pl_trainings < 1:
        parser.error("--repeats and --pl-trainings must be >= 1")
    start = time.perf_counter()
    rows: list[dict] = []
    for bench, fn in ((1, bench_derivation), (2, bench_cost), (3, bench_training)):
        if args.only and bench not in args.only:
            continue
        rows += fn(args)
        if not args.json:
            print(table([r for r in rows if r["bench"] == bench]).lstrip("\n"), flush=True)
    info = versions()
    info["wall_s"] = time.perf_counter() - start
    info["repeats"] = args.repeats
    if args.json:
        print(json.dumps({"rows": rows, "versions": info}))
    else:
        print(f"\nversions: {json.dumps(info)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
