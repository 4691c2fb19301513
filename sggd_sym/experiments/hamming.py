"""E4 (the paper's Fig. 1(a) example at a real size): is the Hamming weight of an n-bit string above n/2?

Data: all ``2ⁿ`` bit strings ``x`` (``n = 6, 8``), basis-state encoded, ``ρ(x) = |x⟩⟨x|``
(:class:`~sggd_sym.data.pauli_data.ProductStates`, no ``2ⁿ × 2ⁿ`` matrix).  Label ``+1`` iff ``|x| > n/2``:
invariant under every qubit permutation, and ``ρ(πx) = W_π ρ(x) W_π†``, so the group is
``permutations(n)`` (Eq. 2).

Biased training: strings whose 1s *lean to the first half* of the register (at least as many 1s in
qubits ``0 … n/2−1`` as in the rest), ``n_train`` of them per seed; tests on all ``2ⁿ`` strings and on
those leaning the other way.  Model: the hardware-efficient ansatz (RY, RZ on every qubit, CNOT chain;
``layers`` layers and a final rotation layer) read out by ``O = −(1/n) Σ_q Z_q − 1/(2n)``, whose value at
``U = I`` is ``(2|x| − n)/n − 1/(2n)``, whose sign is the label: a symmetric solution exists (the equivariant ansatz
at zero angles); whether the HEA reaches one from random starts is what the experiment measures.  Methods, on the
same data and initial point per seed:

* ``mse`` — plain ``C_MSE``;
* ``penalty`` — SGGD ``C_P = C_MSE + λ P`` under ``permutations(n)`` (Eq. 6), every λ of a grid fixed in advance;
* ``augmentation`` — ``C_MSE`` on the training set plus ``images`` random qubit permutations of each point;
* ``equivariant`` — an ansatz whose gates commute with every qubit permutation: one RY and one RZ angle
  shared by all qubits and ``exp(−iφ Σ_{i<j} Z_iZ_j / 2)`` per layer.
"""

from __future__ import annotations

import time
from functools import lru_cache

import numpy as np
import sympy as sp

from sggd_sym.algebra.pauli_sum import PauliSum
from sggd_sym.circuits.circuit import Circuit, hardware_efficient
from sggd_sym.data.pauli_data import PauliData, ProductStates
from sggd_sym.derived.costs import Model, paired_mse_cost
from sggd_sym.derived.penalties import penalty_from
from sggd_sym.exceptions import InputValueError
from sggd_sym.symmetry import groups
from sggd_sym.symmetry.twirling import twirled_observable
from sggd_sym.training.descent import train

__all__ = ["DEFAULTS", "bit_strings", "equivariant_ansatz", "figures", "format_report", "jobs_for", "labels",
           "leans_first", "model", "observable", "penalty_function", "run", "run_job"]

DEFAULTS = {
    "sizes": (6, 8),
    "seeds": 20,
    "n_train": {6: 24, 8: 64},
    "steps": 300,
    "learning_rate": 0.05,
    "layers": 1,
    "lambdas": (0.1, 1.0, 10.0),
    "images": 2,
}


def bit_strings(n: int) -> np.ndarray:
    """All ``2ⁿ`` strings as a 0/1 array ``(2ⁿ, n)``, qubit 0 first."""
    return ((np.arange(2**n)[:, None] >> np.arange(n)[::-1]) & 1).astype(int)


def labels(bits: np.ndarray) -> np.ndarray:
    """``+1`` iff the Hamming weight exceeds ``n/2``."""
    return np.where(bits.sum(axis=1) > bits.shape[1] / 2, 1.0, -1.0)


def leans_first(bits: np.ndarray) -> np.ndarray:
    """Strings with at least as many 1s in the first half of the register as in the second."""
    half = bits.shape[1] // 2
    return bits[:, :half].sum(axis=1) >= bits[:, half:].sum(axis=1)


def observable(n: int) -> PauliSum:
    """``O = −(1/n) Σ_q Z_q − 1/(2n)``: at ``U = I`` its sign is the label."""
    terms = {"I" * q + "Z" + "I" * (n - q - 1): sp.Rational(-1, n) for q in range(n)}
    terms["I" * n] = sp.Rational(-1, 2 * n)
    return PauliSum(terms, n)


def equivariant_ansatz(n: int, layers: int) -> Circuit:
    """Gates commuting with every qubit permutation: shared RY, RZ angles and ``exp(−iφ Σ_{i<j} Z_iZ_j/2)``."""
    c = Circuit(n)
    zz = {"".join("Z" if q in (i, j) else "I" for q in range(n)): 1 for i in range(n) for j in range(i + 1, n)}
    for k in range(layers):
        a, b, g = sp.symbols(f"a_{k} b_{k} g_{k}", real=True)
        for q in range(n):
            c.ry(a, q)
        for q in range(n):
            c.rz(b, q)
        c.exp(g, zz)
    a, b = sp.symbols(f"a_{layers} b_{layers}", real=True)
    for q in range(n):
        c.ry(a, q)
    for q in range(n):
        c.rz(b, q)
    return c


@lru_cache(maxsize=8)
def _model(kind: str, n: int, layers: int) -> Model:
    anchor = ProductStates.basis(bit_strings(n)[:1])
    circuit = equivariant_ansatz(n, layers) if kind == "equivariant" else hardware_efficient(
        n, layers, final_rotations=True)
    # the S_n-symmetric ZZ layer makes Õ of the n = 8 equivariant model ~1.1e5 terms: known to finish
    return Model(circuit, observable(n), anchor, budget=None if kind == "equivariant" else 400_000)


@lru_cache(maxsize=8)
def _penalty(n: int, layers: int):
    model = _model("hea", n, layers)
    return penalty_from(twirled_observable(model.circuit, model.observable, groups.permutations(n)))


def model(kind: str = "hea", n: int = 6, layers: int = DEFAULTS["layers"]) -> Model:
    """The derived model (cached): ``kind="hea"`` (hardware-efficient, ``layers`` layers + final rotations) or
    ``"equivariant"`` (:func:`equivariant_ansatz`), read out by :func:`observable` ``(n)``."""
    if kind not in ("hea", "equivariant"):
        raise InputValueError(f"hamming.model: kind must be 'hea' or 'equivariant', got {kind!r}")
    return _model(kind, int(n), int(layers))


def penalty_function(n: int = 6, layers: int = DEFAULTS["layers"]):
    """The exact SGGD penalty (Eq. 6) of the HEA :func:`model` under ``permutations(n)`` (cached)."""
    return _penalty(int(n), int(layers))


def _seed_data(seed: int, n: int, cfg: dict):
    rng = np.random.default_rng([20261201, n, seed])
    pool = bit_strings(n)[leans_first(bit_strings(n))]
    size = min(cfg["n_train"][n], len(pool))
    train_bits = pool[rng.choice(len(pool), size=size, replace=False)]
    return train_bits, rng


def run_job(job: dict) -> dict:
    """One (n, method, λ) over a chunk of seeds, all trained in one vectorised run."""
    cfg, n, method, lam, seeds = job["cfg"], job["n"], job["method"], job["lam"], job["seeds"]
    model = _model("equivariant" if method == "equivariant" else "hea", n, cfg["layers"])
    p = len(model.parameters)
    sets, targets, theta0 = [], [], []
    for seed in seeds:
        bits, rng = _seed_data(seed, n, cfg)
        theta0.append(rng.uniform(0, 2 * np.pi, size=p))
        if method == "augmentation":
            images = [bits[:, rng.permutation(n)] for _ in range(cfg["images"])]
            bits = np.concatenate([bits] + images)
        sets.append(ProductStates.basis(bits))
        targets.append(labels(bits))
    objective = paired_mse_cost(model, sets, np.stack(targets))
    penalty = _penalty(n, cfg["layers"]) if method == "penalty" else None
    history = train(objective, np.array(theta0), penalty=penalty, lam=lam if penalty is not None else None,
                    method="adam", learning_rate=cfg["learning_rate"], steps=cfg["steps"])
    final = history.parameters[-1]
    test = bit_strings(n)
    test_data = PauliData(ProductStates.basis(test), n)
    y = labels(test)
    other = ~leans_first(test)
    f = model.linear_map.outputs(final, test_data.coordinates(model.words))[0]
    correct = np.where(f > 0, 1.0, -1.0) == y[None, :]
    return {"n": n, "method": method, "lambda": lam, "seeds": list(seeds),
            "accuracy": correct.mean(axis=1).tolist(), "other_half_accuracy": correct[:, other].mean(axis=1).tolist(),
            "final_penalty": (_penalty(n, cfg["layers"])(final).tolist() if method != "equivariant" else
                              [0.0] * len(seeds)),
            "final_cost": history.cost[-1].tolist()}


def jobs_for(cfg: dict) -> list[dict]:
    methods = [("mse", None)] + [("penalty", float(lam)) for lam in cfg["lambdas"]] + [
        ("augmentation", None), ("equivariant", None)]
    seeds = list(range(cfg["seeds"]))
    return [{"cfg": cfg, "n": n, "method": m, "lam": lam, "seeds": seeds} for n in cfg["sizes"] for m, lam in methods]


def run(*, seeds: int | None = None, outdir, progress: bool = False, **overrides) -> dict:
    """Run E4 and return ``{"experiment": "hamming", "rows", "config", ...}``; a figure goes to ``outdir``."""
    cfg = dict(DEFAULTS, **overrides)
    if seeds is not None:
        cfg["seeds"] = int(seeds)
    if cfg["seeds"] < 1:
        raise InputValueError("hamming.run: seeds must be >= 1")
    if any(lam < 0 for lam in cfg["lambdas"]):
        raise InputValueError("hamming.run: every λ must be >= 0")
    cfg["n_train"] = {int(k): int(v) for k, v in dict(cfg["n_train"]).items()}
    start = time.perf_counter()
    jobs = jobs_for(cfg)
    results = []
    iterator = jobs
    if progress:
        from tqdm import tqdm

        iterator = tqdm(jobs, desc="hamming sweep")
    for job in iterator:
        results.append(run_job(job))
    rows = _rows(results, cfg)
    result = {
        "experiment": "hamming",
        "rows": rows,
        "config": {k: (list(v) if isinstance(v, tuple) else ({str(a): b for a, b in v.items()} if isinstance(v, dict)
                                                              else v)) for k, v in cfg.items()},
        "models": {str(n): {"hea_parameters": len(_model("hea", n, cfg["layers"]).parameters),
                            "equivariant_parameters": len(_model("equivariant", n, cfg["layers"]).parameters),
                            "majority_baseline": float(np.mean(labels(bit_strings(n)) < 0))}
                   for n in cfg["sizes"]},
        "seconds": round(time.perf_counter() - start, 2),
    }
    try:
        from sggd_sym.experiments.plotting import save

        result["figures"] = save(figures(result), outdir)
    except ImportError:
        result["figures_skipped"] = "matplotlib is not installed (pip install 'sggd_sym[plots]')"
    return result


def _rows(results: list[dict], cfg: dict) -> list[dict]:
    rows = []
    for r in results:
        acc = np.array(r["accuracy"])
        other = np.array(r["other_half_accuracy"])
        rows.append({"n": r["n"], "method": r["method"], "lambda": r["lambda"], "seeds": int(acc.size),
                     "test_accuracy_mean": float(acc.mean()),
                     "test_accuracy_std": float(acc.std(ddof=1)) if acc.size > 1 else 0.0,
                     "test_accuracy_median": float(np.median(acc)),
                     "below_chance_fraction": float(np.mean(acc < 0.5)),
                     "perfect_fraction": float(np.mean(acc == 1.0)),
                     "other_half_accuracy_mean": float(other.mean()),
                     "final_penalty_median": float(np.median(r["final_penalty"]))})
    return rows


def figures(result: dict, details: dict | None = None) -> dict:
    """The figure of a run as a matplotlib ``Figure``: ``{"hamming_accuracy": fig}`` (drawn from ``result``
    alone; ``details`` is accepted for the same call as the other experiments).  One panel per register size:
    accuracy on all strings and on those leaning to the 2nd half, per method, with the majority-class rate."""
    from sggd_sym.experiments.plotting import new_figure

    rows, cfg = result["rows"], result["config"]
    sizes = list(cfg["sizes"])
    fig, axes = new_figure(1, len(sizes), figsize=(5.2 * len(sizes), 4.0))
    for ax, n in zip(axes[0], sizes):
        mine = [r for r in rows if r["n"] == n]
        names = [r["method"] + (f"\nλ={r['lambda']:g}" if r["lambda"] is not None else "") for r in mine]
        x = np.arange(len(mine))
        ax.bar(x - 0.2, [r["test_accuracy_mean"] for r in mine], 0.4, yerr=[r["test_accuracy_std"] for r in mine],
               capsize=3, label="all strings")
        ax.bar(x + 0.2, [r["other_half_accuracy_mean"] for r in mine], 0.4, hatch="//",
               label="strings leaning to the 2nd half")
        base = float(result["models"][str(n)]["majority_baseline"])
        ax.axhline(base, ls="--", lw=1, color="grey", label="majority class")
        ax.set_xticks(x)
        ax.set_xticklabels(names, fontsize=8, rotation=25, ha="right")
        ax.set_ylim(0, 1.3)
        ax.set_yticks(np.linspace(0, 1, 6))
        ax.set_xlabel("method")
        ax.set_ylabel("test accuracy (mean ± std)")
        ax.set_title(f"n = {n}: trained on strings leaning to the 1st half ({cfg['seeds']} seeds)", fontsize=9)
        ax.legend(fontsize=7, loc="upper center", ncol=3, frameon=False)
    return {"hamming_accuracy": fig}


def format_report(result: dict) -> str:
    cfg = result["config"]
    lines = [f"E4 Hamming weight > n/2 (basis-state encoding, group permutations(n)); biased training on strings "
             f"leaning to the first half, {cfg['seeds']} seeds, Adam lr {cfg['learning_rate']}, {cfg['steps']} steps; "
             f"{result['seconds']} s",
             f"{'n':>2s} {'method':13s} {'λ':>6s} {'accuracy':>17s} {'median':>7s} {'<50%':>5s} {'=100%':>6s} "
             f"{'2nd-half':>9s} {'P final':>8s}"]
    for r in result["rows"]:
        lam = "" if r["lambda"] is None else f"{r['lambda']:g}"
        lines.append(f"{r['n']:2d} {r['method']:13s} {lam:>6s} {r['test_accuracy_mean']:8.1%} ± "
                     f"{r['test_accuracy_std']:5.1%} {r['test_accuracy_median']:7.1%} {r['below_chance_fraction']:5.0%} "
                     f"{r['perfect_fraction']:6.0%} {r['other_half_accuracy_mean']:8.1%} "
                     f"{r['final_penalty_median']:8.3f}")
    for n, m in result["models"].items():
        lines.append(f"n={n}: {m['hea_parameters']} HEA parameters, {m['equivariant_parameters']} equivariant; "
                     f"majority-class accuracy {m['majority_baseline']:.1%}")
    for fig in result.get("figures", []):
        lines.append(f"figure: {fig}")
    return "\n".join(lines)
