"""Gradient-based training from derived costs (SGGD, paper Eq. 6–7).

:func:`train` minimises ``objective(θ) + λ_t · penalty(θ)`` by gradient descent or Adam, where
``objective`` and ``penalty`` are anything with ``value_and_gradient(theta (B, p))`` (a
:class:`~sggd_sym.numeric.DerivedFunction`, a :class:`~sggd_sym.costs.PairedMSE`, …) and ``λ_t`` is a
constant or a schedule ``step -> λ``.  A :class:`~sggd_sym.costs.PenalisedCost` passed as ``objective``
is split into its ``C_MSE`` and ``P`` parts (so a schedule can act on λ and the history records both).

Everything is vectorised over a batch of initial points (``theta0`` of shape ``(B, p)``): one run of
:func:`train` trains many seeds at once; :func:`train_many` draws the initial points from a seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .exceptions import InputTypeError, InputValueError

__all__ = ["History", "train", "train_many", "gradient_descent", "adam"]


@dataclass
class History:
    """Per step ``t = 0 … steps``: ``cost`` (objective, e.g. ``C_MSE``), ``penalty`` (``P``, zeros if none),
    ``lam`` (λ_t), ``parameters``.  Arrays have a leading step axis; batched runs add a batch axis
    (``cost[t, b]``, ``parameters[t, b, j]``).  ``total = cost + lam · penalty``.
    """

    cost: np.ndarray
    penalty: np.ndarray
    lam: np.ndarray
    parameters: np.ndarray
    method: str
    learning_rate: float

    @property
    def total(self) -> np.ndarray:
        lam = self.lam.reshape(self.lam.shape + (1,) * (self.cost.ndim - 1))
        return self.cost + lam * self.penalty

    @property
    def final_parameters(self) -> np.ndarray:
        return self.parameters[-1]

    @property
    def steps(self) -> int:
        return self.cost.shape[0] - 1


def _schedule(lam) -> Callable[[int], float]:
    if lam is None:
        return lambda step: 0.0
    if callable(lam):
        def checked(step: int) -> float:
            value = float(lam(step))
            if not np.isfinite(value) or value < 0:
                raise InputValueError(f"train: the λ schedule returned {value} at step {step}; λ must be >= 0")
            return value
        return checked
    try:
        value = float(lam)
    except (TypeError, ValueError):
        raise InputTypeError(f"train: lam expected a number >= 0 or a callable step -> λ, got "
                             f"{type(lam).__name__}") from None
    if not np.isfinite(value) or value < 0:
        raise InputValueError(f"train: lam must be >= 0 (penalty strength λ of Eq. 6), got {lam}")
    return lambda step: value


def _check_function(name: str, fn) -> None:
    if not hasattr(fn, "value_and_gradient"):
        raise InputTypeError(f"train: {name} expected an object with value_and_gradient (a DerivedFunction), "
                             f"got {type(fn).__name__}")


def _evaluate(fn, theta: np.ndarray):
    value, grad = fn.value_and_gradient(theta)
    return np.asarray(value, dtype=float).reshape(theta.shape[0]), np.asarray(grad, dtype=float).reshape(theta.shape)


def train(objective, theta0, *, penalty=None, lam=None, method: str = "adam", learning_rate: float = 0.05,
          steps: int = 500, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
          progress: bool = False, description: str = "training") -> History:
    """Minimise ``objective + λ_t · penalty`` from ``theta0`` (shape ``(p,)`` or a batch ``(B, p)``).

    ``method``: ``"gd"`` (``θ ← θ − η ∇``) or ``"adam"`` (Kingma–Ba, bias-corrected, per batch row).
    The run is deterministic given ``theta0``; ``progress=True`` shows a tqdm bar.
    """
    _check_function("objective", objective)
    if penalty is None and hasattr(objective, "mse") and hasattr(objective, "penalty"):
        lam = objective.lam if lam is None else lam
        objective, penalty = objective.mse, objective.penalty
    if penalty is not None:
        _check_function("penalty", penalty)
    elif lam is not None:
        raise InputValueError("train: lam given without a penalty; pass penalty=... or a penalised cost")
    schedule = _schedule(lam)
    if method not in ("gd", "adam"):
        raise InputValueError(f"train: method {method!r} unknown; use 'gd' or 'adam'")
    if not (np.isfinite(learning_rate) and learning_rate > 0):
        raise InputValueError(f"train: learning_rate must be > 0, got {learning_rate}")
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise InputValueError(f"train: steps must be an integer >= 0, got {steps}")
    theta = np.array(theta0, dtype=float)
    single = theta.ndim == 1
    theta = np.atleast_2d(theta)
    if theta.ndim != 2 or not np.all(np.isfinite(theta)):
        raise InputValueError(f"train: theta0 must be a finite vector (p,) or batch (B, p), got shape "
                              f"{np.shape(theta0)}")
    costs = np.empty((steps + 1, theta.shape[0]))
    penalties = np.zeros_like(costs)
    lams = np.empty(steps + 1)
    params = np.empty((steps + 1,) + theta.shape)
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    b1, b2 = betas
    iterator = range(steps + 1)
    if progress:
        try:
            from tqdm.auto import tqdm
        except ImportError:  # tqdm is an optional extra; train silently without it
            tqdm = None
        if tqdm is not None:
            iterator = tqdm(iterator, desc=description, leave=False)
    for t in iterator:
        lam_t = schedule(t)
        value, grad = _evaluate(objective, theta)
        if penalty is not None:
            p_value, p_grad = _evaluate(penalty, theta)
            penalties[t] = p_value
            grad = grad + lam_t * p_grad
        costs[t], lams[t], params[t] = value, lam_t, theta
        if t == steps:
            break
        if method == "gd":
            theta = theta - learning_rate * grad
        else:
            m = b1 * m + (1 - b1) * grad
            v = b2 * v + (1 - b2) * grad**2
            m_hat = m / (1 - b1 ** (t + 1))
            v_hat = v / (1 - b2 ** (t + 1))
            theta = theta - learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    if single:
        costs, penalties, params = costs[:, 0], penalties[:, 0], params[:, 0, :]
    return History(costs, penalties, lams, params, method, float(learning_rate))


def gradient_descent(objective, theta0, **kwargs) -> History:
    """:func:`train` with ``method="gd"``."""
    return train(objective, theta0, method="gd", **kwargs)


def adam(objective, theta0, **kwargs) -> History:
    """:func:`train` with ``method="adam"``."""
    return train(objective, theta0, method="adam", **kwargs)


def train_many(objective, n_parameters: int, seeds: int, *, rng: np.random.Generator | int = 0,
               low: float = 0.0, high: float = 2 * np.pi, **kwargs) -> History:
    """Train ``seeds`` independent initial points (uniform in ``[low, high)^p`` from ``rng``) in one batch."""
    if isinstance(rng, (int, np.integer)):
        rng = np.random.default_rng(int(rng))
    if not isinstance(rng, np.random.Generator):
        raise InputTypeError(f"train_many: rng expected a numpy Generator or an int seed, got {type(rng).__name__}")
    if not isinstance(seeds, (int, np.integer)) or seeds < 1:
        raise InputValueError(f"train_many: seeds must be an integer >= 1, got {seeds}")
    theta0 = rng.uniform(low, high, size=(int(seeds), int(n_parameters)))
    return train(objective, theta0, **kwargs)
