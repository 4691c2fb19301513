"""JAX benchmarks (issue 12): sggd_sym's JAX backend and training vs a hand-written jitted JAX statevector peer.

Cases (medians over ``--repeats``; everything measured in one run, float64 throughout):

4. **Penalty of ``hardware_efficient(3, 4)`` under ``permutations(3)``** (``O = Z⊗I⊗I``, 24 parameters):
   ``jax.jit(jax.value_and_grad(to_jax(P)))`` — time of the first call (trace + XLA compilation) and per
   call — vs the numpy evaluator ``P.value_and_gradient``.  Bars: compile < 10 s, per call within 2× numpy.
5. **One ``C_P`` value + gradient** of the circle benchmark (``hardware_efficient(2, 3)``, 12 parameters,
   ``O = 3·Z⊗I``, ``G = {I, SWAP}``, λ = 1, 256 points): sggd_sym's numpy evaluator, sggd_sym's JAX
   backend (jitted) and the peer: a hand-written JAX statevector model (the 256 data states and the 4 basis
   states evolved gate by gate; ``Õ = U†OU`` from the evolved basis; ``P = ‖(SÕS − Õ)/2‖²``), jitted
   ``value_and_grad``.  Values and gradients are compared (``max_abs_diff``).  sggd_sym is timed in its default
   Gram form (one quadratic form in the Pauli coefficients, with the closed form's flop count and achieved
   rate) and with ``gram=False`` (residuals on every point); ``speedup_vs_peer`` = peer time / row time.
6. **100 trainings × 300 Adam steps** of the same cost (lr 0.05, initial points uniform in [0, 2π)¹² from
   seed 1): sggd_sym ``training.train`` (one batched run; derivation and compilation included) vs the peer
   (``jax.vmap`` over the 100 trainings, Adam in ``lax.scan``, ``jax.jit``; compilation reported on its own
   row and excluded from its time) and vs sggd_sym's JAX backend in the same jitted loop.  Final parameters
   are compared (``max_abs_diff_final_parameters``).

    python benchmarks/jax_backend.py [--repeats 5] [--json] [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402
from run import LAM, LAYERS, LEARNING_RATE, OBS_SCALE, circle_problem, data_states, per_call, row, sggd_cost  # noqa: E402

import sggd_sym as sg  # noqa: E402
from sggd_sym.data.datasets import encode, swap_group  # noqa: E402
from sggd_sym.derived.costs import Model, penalised_cost  # noqa: E402
from sggd_sym.numeric.jax_backend import to_jax  # noqa: E402
from sggd_sym.training import train  # noqa: E402


def _block(out):
    return jax.tree_util.tree_map(lambda a: a.block_until_ready(), out)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_of(fn, repeats: int) -> float:
    return statistics.median(timed(fn) for _ in range(repeats))


# -- case 4 -----------------------------------------------------------------------------------------
def bench_penalty(args) -> list[dict]:
    n, layers = (3, 2) if args.quick else (3, 4)
    case = f"P of hardware_efficient({n}, {layers}) under permutations({n}), value+grad"
    P = sg.penalty(sg.circuits.hardware_efficient(n, layers), sg.ops.pauli("Z" + "I" * (n - 1)),
                   sg.groups.permutations(n))
    theta = np.random.default_rng(0).uniform(-np.pi, np.pi, len(P.parameters))
    compiles = []
    for _ in range(args.repeats):  # a fresh jit each time: trace + XLA compile + first call
        vg = jax.jit(jax.value_and_grad(to_jax(P)))
        compiles.append(timed(lambda: _block(vg(theta))))
    value, grad = vg(theta)
    v0, g0 = P.value_and_gradient(theta)
    diff = max(abs(float(value) - v0), float(np.max(np.abs(np.asarray(grad) - g0))))
    numpy_s = per_call(lambda: P.value_and_gradient(theta), args.repeats)
    jax_s = per_call(lambda: _block(vg(theta)), args.repeats)
    from sggd_sym.numeric.jax_backend import _closure

    tables = _closure(P._evaluate)["compiled"]
    extra = {"terms": tables.n_terms, "outputs": tables.n_outputs, "parameters": len(P.parameters)}
    return [row(4, case, "sggd_sym numpy evaluator", numpy_s, **extra),
            row(4, case, "sggd_sym JAX backend, jit(value_and_grad), per call", jax_s, max_abs_diff=diff,
                ratio_to_numpy=jax_s / numpy_s),
            row(4, case, "sggd_sym JAX backend, jit compile (first call)", statistics.median(compiles))]


# -- the hand-written JAX statevector peer ----------------------------------------------------------
def peer_cost(x, y):
    """``C_P(θ)`` of the circle benchmark as a JAX statevector simulation (pure jnp, jit/grad/vmap-able)."""
    psi = jnp.asarray(data_states(x))                         # (N, 4) complex
    states = jnp.concatenate([jnp.eye(4, dtype=complex), psi]).reshape(-1, 2, 2)   # basis first
    obs_diag = OBS_SCALE * jnp.array([1.0, 1.0, -1.0, -1.0])
    swap = jnp.eye(4)[jnp.array([0, 2, 1, 3])]
    y = jnp.asarray(y)

    def ry(t):
        c, s = jnp.cos(t / 2), jnp.sin(t / 2)
        return jnp.array([[c, -s], [s, c]], dtype=complex)

    def rz(t):
        e = jnp.exp(-0.5j * t)
        return jnp.array([[e, 0], [0, jnp.conj(e)]], dtype=complex)

    def cost(theta):
        s = states
        for layer in range(LAYERS):
            k = 4 * layer
            g0 = rz(theta[k + 1]) @ ry(theta[k])
            g1 = rz(theta[k + 3]) @ ry(theta[k + 2])
            s = jnp.einsum("ij,bjk->bik", g0, s)
            s = jnp.einsum("ij,bkj->bki", g1, s)
            s = jnp.stack([s[:, 0], s[:, 1, ::-1]], axis=1)         # CNOT(0, 1)
        s = s.reshape(-1, 4)
        u = s[:4].T                                               # columns: U|e_j>
        out = s[4:]
        f = jnp.sum(obs_diag * jnp.abs(out) ** 2, axis=1)
        a = (u.conj().T * obs_diag) @ u                           # U† O U
        d = (swap @ a @ swap - a) / 2
        return jnp.mean((f - y) ** 2) + LAM * jnp.sum(jnp.abs(d) ** 2)

    return cost


def adam_scan(cost, steps: int, lr: float, b1=0.9, b2=0.999, eps=1e-8):
    """``theta0 (B, p) -> theta (B, p)``: the bias-corrected Adam of ``training.train``, ``lax.scan`` over
    steps, ``vmap`` over trainings."""
    grad = jax.grad(cost)

    def one(theta0):
        def step(carry, t):
            theta, m, v = carry
            g = grad(theta)
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g**2
            m_hat = m / (1 - b1 ** (t + 1))
            v_hat = v / (1 - b2 ** (t + 1))
            return (theta - lr * m_hat / (jnp.sqrt(v_hat) + eps), m, v), None

        zeros = jnp.zeros_like(theta0)
        (theta, _, _), _ = lax.scan(step, (theta0, zeros, zeros), jnp.arange(steps, dtype=jnp.float64))
        return theta

    return jax.jit(jax.vmap(one))


def _gram_flops(cost) -> int:
    """Flops of one C_P value+gradient in the closed form: the (m+1)·(m−1)·(T+1) factor products, the
    (T+1)² matrix-vector product xᵀHx and the (m, T+1) gradient contraction (or the K-space form)."""
    q = cost._quad
    comp = q.compiled
    m, t = len(comp.active), comp.n_terms + 1
    products = (m + 1) * (m - 1) * t + 6 * m
    if q.coeffs is None:
        return products + 2 * t * t + 2 * t + 2 * m * t
    k = q.h.shape[0]
    return products + 4 * t * k + 2 * k * k + 2 * k + 2 * m * t


# -- case 5 -----------------------------------------------------------------------------------------
def bench_cost(args) -> list[dict]:
    n_points = 16 if args.quick else 256
    case = f"C_P value+grad, {n_points} points, p=12"
    x, y = circle_problem(n_points)
    theta = np.random.default_rng(2).uniform(0, 2 * np.pi, 4 * LAYERS)
    _, cost = sggd_cost(x, y)
    v0, g0 = cost.value_and_gradient(theta)
    direct = penalised_cost(Model(sg.circuits.hardware_efficient(2, LAYERS), int(OBS_SCALE) * sg.ops.pauli("ZI"),
                                  encode(x)), y, swap_group(), LAM, gram=False)
    vd, gd = direct.value_and_gradient(theta)
    flops = _gram_flops(cost)
    fast_s = per_call(lambda: cost.value_and_gradient(theta), args.repeats)
    rows = [row(5, case, "sggd_sym numpy evaluator (Gram form, default)", fast_s, flops=flops,
                flop_rate_gflops=flops / fast_s / 1e9),
            row(5, case, "sggd_sym numpy evaluator, gram=False (residuals on every point)",
                per_call(lambda: direct.value_and_gradient(theta), args.repeats),
                max_abs_diff=max(abs(vd - v0), float(np.max(np.abs(gd - g0)))))]
    for tool, f in (("sggd_sym JAX backend, jitted", to_jax(cost)), ("JAX statevector peer, jitted", peer_cost(x, y))):
        vg = jax.jit(jax.value_and_grad(f))
        compile_s = timed(lambda: _block(vg(theta)))
        value, grad = vg(theta)
        diff = max(abs(float(value) - v0), float(np.max(np.abs(np.asarray(grad) - g0))))
        rows.append(row(5, case, tool, per_call(lambda: _block(vg(theta)), args.repeats), max_abs_diff=diff,
                        compile_s=compile_s))
    peer = rows[-1]["median_s"]
    for r in rows:
        r["ratio_to_baseline"] = r["median_s"] / peer   # < 1: faster than the peer
        r["speedup_vs_peer"] = peer / r["median_s"]
    return rows


# -- case 6 -----------------------------------------------------------------------------------------
def bench_training(args) -> list[dict]:
    trainings, steps = (4, 10) if args.quick else (100, 300)
    n_points = 16 if args.quick else 256
    case = f"{trainings} trainings x {steps} Adam steps ({n_points} points)"
    x, y = circle_problem(n_points)
    theta0 = np.random.default_rng(1).uniform(0, 2 * np.pi, (trainings, 4 * LAYERS))

    def sggd_run():
        _, cost = sggd_cost(x, y)
        return train(cost, theta0, method="adam", learning_rate=LEARNING_RATE, steps=steps).final_parameters

    sggd_s = median_of(sggd_run, args.repeats)
    final = sggd_run()
    rows = [row(6, case, "sggd_sym train (numpy, one batched run, incl. derivation + compilation)", sggd_s)]

    def sggd_jax_run():
        _, cost = sggd_cost(x, y)
        return train(cost, theta0, method="adam", learning_rate=LEARNING_RATE, steps=steps,
                     backend="jax").final_parameters

    jax_s = median_of(sggd_jax_run, args.repeats)
    rows.append(row(6, case, "sggd_sym train(backend='jax') (incl. derivation + jit compilation)", jax_s,
                    max_abs_diff_final_parameters=float(np.max(np.abs(sggd_jax_run() - final)))))
    for tool, f in (("sggd_sym JAX backend in jit(vmap(scan Adam))", to_jax(sggd_cost(x, y)[1])),
                    ("JAX statevector peer, jit(vmap(scan Adam))", peer_cost(x, y))):
        run = adam_scan(f, steps, LEARNING_RATE)
        compile_s = timed(lambda: _block(run(theta0)))
        measured = median_of(lambda: _block(run(theta0)), args.repeats)
        diff = float(np.max(np.abs(np.asarray(run(theta0)) - final)))
        rows.append(row(6, case, tool + ", excl. compilation", measured, max_abs_diff_final_parameters=diff))
        rows.append(row(6, case, tool + ", compilation (first call minus a run)", max(compile_s - measured, 0.0)))
    peer = rows[-2]["median_s"]
    for r in rows:
        r["ratio_to_baseline"] = r["median_s"] / peer
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="tiny sizes (the smoke test)")
    parser.add_argument("--only", type=int, choices=(4, 5, 6), action="append")
    args = parser.parse_args(argv)
    rows: list[dict] = []
    for bench, fn in ((4, bench_penalty), (5, bench_cost), (6, bench_training)):
        if args.only and bench not in args.only:
            continue
        rows += fn(args)
        if not args.json:
            for r in rows:
                if r["bench"] == bench:
                    extra = {k: v for k, v in r.items() if k not in ("bench", "case", "tool", "median_s")}
                    print(f"[{bench}] {r['case']} | {r['tool']}: {r['median_s'] * 1e3:.3f} ms  {extra}", flush=True)
    info = {"jax": jax.__version__, "numpy": np.__version__, "repeats": args.repeats}
    if args.json:
        print(json.dumps({"rows": rows, "versions": info}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
