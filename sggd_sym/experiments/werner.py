"""E1 — the Werner-state experiment (paper Fig. 2; SPEC §3 E1, Eq. 8–11).

For each bias ``β`` (fraction of the 20 training points drawn from S2) and each method —
``mse`` (``C_MSE``), ``penalty`` (``C_P = C_MSE + λP``, Eq. 6) for each λ, ``twirled`` (``C_T``, Eq. 7) —
train the one-parameter ansatz of Eq. 9 from many seeds (initial θ uniform in [0, 2π), one training
set per seed, shared by all methods) with the same optimiser, then report

* the success rate (final θ within 0.1 of 0 mod 2π) next to the rate predicted by the gradient-flow
  basin formula of :func:`sggd_sym.data.werner.flow_limit_cos` (the failures are the trap at θ = π);
* the test accuracy (sign of ``f``; 1000 fresh states with ``p`` uniform in [−1/3, 1]), mean and std;
* ``λ_crit`` of each training set (SPEC §2 Eq. 11), reported as a mean.

Werner states are invariant under ``{V⊗V}``, so ``C_T = C_MSE`` exactly; the ``twirled`` rows show it.
"""

from __future__ import annotations

import time

import numpy as np

from sggd_sym import circuits
from sggd_sym.algebra import ops
from sggd_sym.data import werner as W
from sggd_sym.derived.costs import Model, paired_mse_cost
from sggd_sym.derived.penalties import penalty
from sggd_sym.symmetry import groups
from sggd_sym.training.descent import train

__all__ = ["run", "figures", "format_report", "DEFAULTS"]

DEFAULTS = {
    "seeds": 100,
    "biases": (0.0, 0.5, 0.8, 1.0),
    "lambdas": (1.0, 10.0),
    "n_train": 20,
    "n_test": 1000,
    "method": "adam",
    "learning_rate": 0.05,
    "steps": 600,
    "tolerance": 0.1,
}


def _angle_to_zero(theta: np.ndarray) -> np.ndarray:
    return np.abs((theta + np.pi) % (2 * np.pi) - np.pi)


def _accuracy(model: Model, theta: np.ndarray, test_states: np.ndarray, test_labels: np.ndarray) -> np.ndarray:
    f = model.outputs_on(theta, test_states)
    predicted = np.where(f < 0, -1.0, 1.0)
    return np.mean(predicted == test_labels[None, :], axis=1)


def run(*, seeds: int | None = None, outdir, progress: bool = False, biases=None, lambdas=None,
        steps: int | None = None, learning_rate: float | None = None, figures: bool = True,
        details: dict | None = None) -> dict:
    """Run E1 and return the JSON-ready result (``{"experiment": "werner", "rows": [...], ...}``).

    ``figures``: write the PNGs of :func:`figures` under ``outdir``.  ``details``: a dict to fill with the
    in-memory data the figures are drawn from (pass it to :func:`figures` to get the ``Figure`` objects).
    """
    start = time.perf_counter()
    cfg = dict(DEFAULTS)
    for key, value in (("seeds", seeds), ("biases", biases), ("lambdas", lambdas), ("steps", steps),
                       ("learning_rate", learning_rate)):
        if value is not None:
            cfg[key] = value
    n_seeds = int(cfg["seeds"])
    if n_seeds < 1:
        raise ValueError("werner.run: seeds must be >= 1")
    circuit = circuits.werner_ansatz()
    group = groups.collective_unitary(2)
    model = Model(circuit, ops.SWAP, W.werner_state_numeric([0.0]))
    pen = penalty(circuit, ops.SWAP, group)
    invariant = group.is_invariant(W.werner_state(W.P))  # every p at once: C_T = C_MSE (Eq. 7)

    test_rng = np.random.default_rng(2024)
    test_p = W.uniform_p(cfg["n_test"], test_rng)
    test_states, test_labels = W.werner_state_numeric(test_p), W.labels(test_p)

    methods = [("mse", 0.0)] + [("penalty", float(lam)) for lam in cfg["lambdas"]] + [("twirled", 0.0)]
    rows, curves, lambda_crit_by_bias = [], {}, {}
    for bias_index, beta in enumerate(cfg["biases"]):
        data = [W.biased_dataset(cfg["n_train"], beta, np.random.default_rng([bias_index, s]))
                for s in range(n_seeds)]
        ps = np.array([d[0] for d in data])
        ys = np.array([d[1] for d in data])
        theta0 = np.random.default_rng([1000 + bias_index]).uniform(0, 2 * np.pi, size=(n_seeds, 1))
        states = W.werner_state_numeric(ps)
        mse = paired_mse_cost(model, states, ys)
        twirled = paired_mse_cost(model, states, ys, group=group)
        crit = np.array([W.lambda_crit_closed_form(p, y) for p, y in zip(ps, ys)])
        lambda_crit_by_bias[float(beta)] = float(crit.mean())
        for method, lam in methods:
            objective = twirled if method == "twirled" else mse
            history = train(objective, theta0, penalty=pen if method == "penalty" else None,
                            lam=lam if method == "penalty" else None, method=cfg["method"],
                            learning_rate=cfg["learning_rate"], steps=int(cfg["steps"]), progress=progress,
                            description=f"werner beta={beta} {method} lam={lam}")
            final = history.final_parameters[:, 0]
            success = _angle_to_zero(final) < cfg["tolerance"]
            limit = np.array([float(W.flow_limit_cos(p, y, lam, t0)) for p, y, t0 in zip(ps, ys, theta0[:, 0])])
            predicted = limit > np.cos(cfg["tolerance"])
            accuracy = _accuracy(model, history.final_parameters, test_states, test_labels)
            rows.append({
                "bias": float(beta), "method": method, "lambda": float(lam), "seeds": n_seeds,
                "success_rate": float(success.mean()),
                "test_accuracy_mean": float(accuracy.mean()),
                "test_accuracy_std": float(accuracy.std(ddof=1)) if n_seeds > 1 else 0.0,
                "predicted_success_rate": float(predicted.mean()),
                "trap_rate": float((_angle_to_zero(final - np.pi) < cfg["tolerance"]).mean()),
                "lambda_crit_mean": float(crit.mean()),
            })
            if beta == max(cfg["biases"]):
                curves[f"{method} λ={lam:g}"] = history
    result = {
        "experiment": "werner",
        "rows": rows,
        "penalty_expr": str(pen.expr),
        "lambda_crit_mean": lambda_crit_by_bias[float(max(cfg["biases"]))],
        "lambda_crit_bias": float(max(cfg["biases"])),
        "lambda_crit_mean_by_bias": {str(k): v for k, v in lambda_crit_by_bias.items()},
        "twirled_equals_mse": bool(invariant),
        "optimizer": {k: cfg[k] for k in ("method", "learning_rate", "steps")},
        "n_train": cfg["n_train"], "n_test": cfg["n_test"], "tolerance": cfg["tolerance"],
        "figures": [],
    }
    if details is not None:
        details.update(curves=curves, bias=float(max(cfg["biases"])))
    if figures:
        try:
            from sggd_sym.experiments.plotting import save

            result["figures"] = save(_figures(result, {"curves": curves, "bias": float(max(cfg["biases"]))}), outdir,
                                     dpi=100)
        except ImportError:  # matplotlib is an optional extra (``pip install sggd_sym[plots]``)
            result["figures_skipped"] = "matplotlib is not installed (pip install 'sggd_sym[plots]')"
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result


METHOD_LABELS = {"mse": "plain MSE", "twirled": "twirled C_T", "penalty": "SGGD C_P"}
# one (line style, marker) per curve: C_T = C_MSE here, so identical curves must stay distinguishable
CURVE_STYLES = [("-", None), ("-.", "s"), (":", "^"), ((0, (5, 3)), "o"), ((0, (1, 1)), "D"), ("--", "v")]


def _method_label(name: str) -> str:
    method, _, lam = name.partition(" λ=")
    label = METHOD_LABELS.get(method, method)
    return f"{label}, λ = {lam}" if method == "penalty" else label


def figures(result: dict, details: dict) -> dict:
    """The figures of a run as matplotlib ``Figure`` objects: ``{"landscapes", "training_curves"}``.

    ``details`` is the dict that :func:`run` fills when given ``details={}`` (the training histories at the
    largest bias).  Every panel has both axis labels and a legend of every plotted method; θ axes are
    ticked in multiples of π; the titles state the run's real number of seeds.
    """
    from sggd_sym.experiments.plotting import new_figure, pi_ticks

    theta = np.linspace(0, 2 * np.pi, 400)
    penalty_values = 0.75 * (1 - np.cos(theta)) * (3 + np.cos(theta))
    landscapes, axes = new_figure(1, 2, figsize=(9, 3.6))
    for ax, (name, p) in zip(axes[0], (("S1 point p = 0.8 (entangled)", 0.8), ("S2 point p = 0.2", 0.2))):
        y = float(W.label(p))
        loss = (0.5 - 0.75 * p * (1 + np.cos(theta)) - y) ** 2
        ax.plot(theta, loss, label="(f_θ − y)², no penalty")
        ax.plot(theta, loss + penalty_values, ls="--", label="(f_θ − y)² + λP, λ = 1")
        ax.set_title(name)
        ax.set_xlabel("θ")
        ax.set_ylabel("per-point cost")
        pi_ticks(ax.xaxis)
        ax.legend(fontsize=8)
    landscapes.suptitle("E1 per-point landscapes (Eq. 11): θ = 0 is the symmetric solution, θ = π is CNOT")

    curves = details["curves"]
    beta = details["bias"]
    n_seeds = int(result["rows"][0]["seeds"])
    shown = min(n_seeds, 8)
    training, axes = new_figure(1, 1 + len(curves), figsize=(3.3 * (1 + len(curves)), 3.8))
    axes = axes[0]
    colours = {name: f"C{i}" for i, name in enumerate(curves)}
    for k, (name, history) in enumerate(curves.items()):
        ls, marker = CURVE_STYLES[k % len(CURVE_STYLES)]
        cost = np.mean(history.cost, axis=1)
        axes[0].plot(cost, color=colours[name], ls=ls, marker=marker, markevery=max(1, len(cost) // 8), ms=4,
                     lw=1.3, label=_method_label(name))
    axes[0].set_yscale("log")
    axes[0].set_title("mean data term (no λP)")
    axes[0].set_xlabel("step")
    axes[0].set_ylabel("mean C_MSE (C_T for twirled)")
    axes[0].legend(fontsize=7)
    for ax, (name, history) in zip(axes[1:], curves.items()):
        angles = _angle_to_zero(history.parameters[:, :shown, 0])
        ax.plot(angles, color=colours[name], lw=0.8, alpha=0.8)
        ax.lines[0].set_label(f"{_method_label(name)} ({shown} of {n_seeds} seeds)")
        ax.set_title(_method_label(name), fontsize=10)
        ax.set_xlabel("step")
        ax.set_ylabel("|θ(t)| mod 2π")
        ax.set_ylim(-0.1, np.pi + 0.2)
        pi_ticks(ax.yaxis)
        ax.legend(fontsize=7, loc="center right")
    training.suptitle(f"E1 training at β = {beta:g}: {n_seeds} seeds per method (θ = 0: symmetric, π: CNOT)")
    return {"landscapes": landscapes, "training_curves": training}


_figures = figures  # run()'s boolean argument ``figures`` shadows the function's name there


def format_report(result: dict) -> str:
    """A readable table of :func:`run`'s result."""
    opt = result["optimizer"]
    lines = [
        "E1 Werner states (paper Fig. 2): U(θ) of Eq. 9, O = SWAP, G = {V⊗V}",
        f"P(θ) = {result['penalty_expr']}",
        f"optimiser: {opt['method']}, learning rate {opt['learning_rate']}, {opt['steps']} steps, "
        f"initial θ uniform in [0, 2π); {result['n_train']} training points per seed; "
        f"test on {result['n_test']} fresh states (p uniform in [-1/3, 1])",
        f"success: final θ within {result['tolerance']} of 0 mod 2π; predicted = gradient-flow basin formula; "
        "trap = final θ within the same distance of π",
        "",
        f"{'bias':>5} {'method':>8} {'λ':>5} {'seeds':>5} {'success':>8} {'predicted':>9} {'trap':>6} "
        f"{'test acc':>17} {'λ_crit':>8}",
    ]
    for r in result["rows"]:
        lines.append(f"{r['bias']:>5.2f} {r['method']:>8} {r['lambda']:>5g} {r['seeds']:>5d} "
                     f"{r['success_rate']:>8.1%} {r['predicted_success_rate']:>9.1%} {r['trap_rate']:>6.1%} "
                     f"{r['test_accuracy_mean']:>8.3f} ± {r['test_accuracy_std']:<6.3f} "
                     f"{r['lambda_crit_mean']:>8.4f}")
    lines += [
        "",
        f"mean λ_crit over the β = {result['lambda_crit_bias']:g} training sets: {result['lambda_crit_mean']:.4f} "
        "(θ = 0 is a local minimum of C_P iff λ > λ_crit)",
        "C_T = C_MSE here (Werner states are G-invariant): " + str(result["twirled_equals_mse"]),
        f"figures: {', '.join(result['figures']) or result.get('figures_skipped', '(none)')}; "
        f"{result['seconds']} s",
    ]
    return "\n".join(lines)
