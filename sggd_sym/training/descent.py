"""Gradient-based training from derived costs (SGGD, paper Eq. 6–7).

:func:`train` minimises ``objective(θ) + λ_t · penalty(θ)`` by gradient descent or Adam, where
``objective`` and ``penalty`` are anything with ``value_and_gradient(theta (B, p))`` (a
:class:`~sggd_sym.numeric.DerivedFunction`, a :class:`~sggd_sym.derived.costs.PairedMSE`, …) and ``λ_t`` is a
constant, a schedule (:func:`schedule`: constant, warm-up, linear / cosine ramps, an adaptive rule from
the gradient norms) or any callable ``step -> λ``.  A :class:`~sggd_sym.derived.costs.PenalisedCost` passed as ``objective``
is split into its ``C_MSE`` and ``P`` parts (so a schedule can act on λ and the history records both).

Everything is vectorised over a batch of initial points (``theta0`` of shape ``(B, p)``): one run of
:func:`train` trains many seeds at once; :func:`train_many` draws the initial points from a seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sggd_sym import _checks
from sggd_sym.exceptions import InputTypeError, InputValueError

__all__ = ["History", "train", "train_many", "gradient_descent", "adam", "schedule", "SCHEDULES", "LambdaSchedule",
           "Constant", "WarmUp", "LinearRamp", "CosineRamp", "Adaptive"]


@dataclass
class History:
    """The record of a :func:`train` run.

    Per step ``t = 0 … steps``: ``cost`` (objective, e.g. ``C_MSE``), ``penalty`` (``P``, zeros if none),
    ``lam`` (λ_t), ``parameters``.  Arrays have a leading step axis; batched runs add a batch axis
    (``cost[t, b]``, ``parameters[t, b, j]``).  ``total = cost + lam · penalty``.

    >>> import sggd_sym as sg
    >>> P = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))   # Eq. 11
    >>> h = train(P, [1.0], method="gd", learning_rate=0.2, steps=50)
    >>> h.steps, h.cost.shape, h.parameters.shape, h.method
    (50, (51,), (51, 1), 'gd')
    """

    cost: np.ndarray
    penalty: np.ndarray
    lam: np.ndarray
    parameters: np.ndarray
    method: str
    learning_rate: float

    @property
    def total(self) -> np.ndarray:
        """``cost + lam · penalty`` per step (and run): the objective of Eq. 6 that was minimised."""
        lam = self.lam if self.lam.ndim == self.cost.ndim else \
            self.lam.reshape(self.lam.shape + (1,) * (self.cost.ndim - 1))  # per-run λ of adaptive schedules
        return self.cost + lam * self.penalty

    @property
    def final_parameters(self) -> np.ndarray:
        """``parameters[-1]``: shape ``(p,)``, or ``(B, p)`` for a batch."""
        return self.parameters[-1]

    @property
    def steps(self) -> int:
        """The number of update steps (one less than the recorded points)."""
        return self.cost.shape[0] - 1


# -- λ schedules (issue 15, the paper's open question i) ------------------------------------------
class LambdaSchedule:
    """A penalty strength ``λ_t`` for :func:`train` (``lam=`` accepts one, a number or ``step -> λ``).

    Static schedules depend on the step only (``schedule(step) -> λ``).  An *adaptive* schedule
    (:attr:`adaptive` true) also sees the two gradients at every step: :func:`train` calls
    :meth:`update` with ``∇C_MSE`` and ``∇P`` of the batch and uses the returned per-run ``λ`` (then
    ``History.lam`` has a batch axis).  Build them with :func:`schedule` or the classes below.

    >>> ramp = schedule("linear", 1.0, length=4)
    >>> isinstance(ramp, LambdaSchedule), ramp.adaptive, ramp(2)
    (True, False, 0.5)
    """

    adaptive = False

    def __call__(self, step: int) -> float:
        raise NotImplementedError

    def reset(self, batch: int) -> None:
        """Forget any state before a new run of ``batch`` initial points."""

    def update(self, step: int, mse_gradient: np.ndarray, penalty_gradient: np.ndarray) -> np.ndarray:
        """Per-run ``λ_t`` (shape ``(B,)``) from the gradients ``(B, p)``; static schedules ignore them.

        >>> Constant(0.5).update(3, np.zeros((2, 1)), np.ones((2, 1))).tolist()
        [0.5, 0.5]
        """
        return np.full(mse_gradient.shape[0], self(step))

    def values(self, steps: int) -> np.ndarray:
        """``λ_0 … λ_steps`` of a static schedule.

        Raises
        ------
        InputValueError
            For an adaptive schedule.

        >>> LinearRamp(1.0, length=4).values(5).tolist()
        [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
        """
        if self.adaptive:
            raise InputValueError(f"{self!r}: an adaptive schedule has no fixed values; they depend on the run")
        return np.array([self(t) for t in range(int(steps) + 1)])


def _nonnegative(where: str, name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputTypeError(f"{where}: {name} expected a number, got {type(value).__name__}") from None
    if not np.isfinite(v) or v < 0:
        raise InputValueError(f"{where}: {name} must be a finite number >= 0, got {value}")
    return v


def _steps_arg(where: str, name: str, value, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InputValueError(f"{where}: {name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Constant(LambdaSchedule):
    """``λ_t = lam``.

    >>> Constant(0.5).values(2).tolist()
    [0.5, 0.5, 0.5]
    """

    lam: float

    def __post_init__(self):
        object.__setattr__(self, "lam", _nonnegative("schedule('constant')", "lam", self.lam))

    def __call__(self, step: int) -> float:
        return self.lam


@dataclass(frozen=True)
class WarmUp(LambdaSchedule):
    """``λ_t = 0`` for ``t < start`` (plain MSE first), then ``lam``.

    >>> WarmUp(2.0, start=2).values(3).tolist()
    [0.0, 0.0, 2.0, 2.0]
    """

    lam: float
    start: int

    def __post_init__(self):
        object.__setattr__(self, "lam", _nonnegative("schedule('warmup')", "lam", self.lam))
        object.__setattr__(self, "start", _steps_arg("schedule('warmup')", "start", self.start))

    def __call__(self, step: int) -> float:
        return self.lam if step >= self.start else 0.0


@dataclass(frozen=True)
class LinearRamp(LambdaSchedule):
    """``λ_t = lam · clip((t − start)/length, 0, 1)``: 0 until ``start``, ``lam`` from ``start + length``.

    >>> LinearRamp(2.0, length=2, start=1).values(4).tolist()
    [0.0, 0.0, 1.0, 2.0, 2.0]
    """

    lam: float
    length: int
    start: int = 0

    def __post_init__(self):
        where = f"schedule({type(self).__name__})"
        object.__setattr__(self, "lam", _nonnegative(where, "lam", self.lam))
        object.__setattr__(self, "length", _steps_arg(where, "length", self.length, minimum=1))
        object.__setattr__(self, "start", _steps_arg(where, "start", self.start))

    def _fraction(self, step: int) -> float:
        return min(1.0, max(0.0, (step - self.start) / self.length))

    def __call__(self, step: int) -> float:
        return self.lam * self._fraction(step)


@dataclass(frozen=True)
class CosineRamp(LinearRamp):
    """``λ_t = lam · (1 − cos(π u))/2`` with ``u = clip((t − start)/length, 0, 1)``: smooth at both ends.

    >>> CosineRamp(2.0, length=2).values(3).round(6).tolist()
    [0.0, 1.0, 2.0, 2.0]
    """

    def __call__(self, step: int) -> float:
        return float(self.lam * 0.5 * (1.0 - np.cos(np.pi * self._fraction(step))))


class Adaptive(LambdaSchedule):
    """``λ`` from the ratio of the gradient norms.

    In the spirit of learning-rate annealing for physics-informed losses (Wang–Teng–Perdikaris 2021):

    ``λ̂_t = ratio · ‖∇C_MSE‖ / (‖∇P‖ + eps)``, ``λ_t = (1 − smoothing) λ_{t−1} + smoothing · λ̂_t``,
    clipped to ``[0, max_lam]``, per run of the batch, from ``λ_{−1} = initial``.  With ``ratio = 1`` the
    penalty's pull is kept about as strong as the data's; near a symmetric point (``∇P → 0``) ``λ`` grows,
    up to ``max_lam``, which holds the run there.

    Raises
    ------
    InputValueError
        For a negative option, ``smoothing`` outside ``(0, 1]`` or ``eps = 0``.

    >>> rule = Adaptive(ratio=1.0, smoothing=0.5)
    >>> rule.reset(2)
    >>> lam = rule.update(0, np.array([[1.0], [2.0]]), np.array([[1.0], [1.0]]))   # ½·0 + ½·‖∇C‖/‖∇P‖
    >>> lam.round(6).tolist()
    [0.5, 1.0]
    """

    adaptive = True

    def __init__(self, ratio: float = 1.0, *, smoothing: float = 0.1, initial: float = 0.0,
                 max_lam: float = 100.0, eps: float = 1e-12):
        where = "schedule('adaptive')"
        self.ratio = _nonnegative(where, "ratio", ratio)
        self.smoothing = _nonnegative(where, "smoothing", smoothing)
        if not 0 < self.smoothing <= 1:
            raise InputValueError(f"{where}: smoothing must lie in (0, 1], got {smoothing}")
        self.initial = _nonnegative(where, "initial", initial)
        self.max_lam = _nonnegative(where, "max_lam", max_lam)
        self.eps = _nonnegative(where, "eps", eps)
        if self.eps == 0:
            raise InputValueError(f"{where}: eps must be > 0 (it guards ‖∇P‖ = 0)")
        self._lam: np.ndarray | None = None

    def __repr__(self) -> str:
        return (f"Adaptive(ratio={self.ratio}, smoothing={self.smoothing}, initial={self.initial}, "
                f"max_lam={self.max_lam})")

    def __call__(self, step: int) -> float:
        raise InputValueError("schedule('adaptive'): λ depends on the gradients; pass it to train(lam=...)")

    def reset(self, batch: int) -> None:
        """Start every run of the batch from ``λ = initial`` (capped at ``max_lam``)."""
        self._lam = np.full(int(batch), min(self.initial, self.max_lam))

    def update(self, step: int, mse_gradient: np.ndarray, penalty_gradient: np.ndarray) -> np.ndarray:
        """One smoothed, clipped step of the rule above, per run; returns a copy of the new ``λ``."""
        if self._lam is None or self._lam.shape[0] != mse_gradient.shape[0]:
            self.reset(mse_gradient.shape[0])
        target = self.ratio * np.linalg.norm(mse_gradient, axis=1) / (np.linalg.norm(penalty_gradient, axis=1)
                                                                       + self.eps)
        lam = (1 - self.smoothing) * self._lam + self.smoothing * np.minimum(target, self.max_lam)
        self._lam = np.clip(lam, 0.0, self.max_lam)
        return self._lam.copy()


class _Callable(LambdaSchedule):
    def __init__(self, fn):
        self.fn = fn

    def __call__(self, step: int) -> float:
        value = float(self.fn(step))
        if not np.isfinite(value) or value < 0:
            raise InputValueError(f"train: the λ schedule returned {value} at step {step}; λ must be >= 0")
        return value


#: The schedule kinds of :func:`schedule`.
SCHEDULES = ("constant", "warmup", "linear", "cosine", "adaptive")


def schedule(kind: str, lam: float | None = None, **options) -> LambdaSchedule:
    """One constructor for every λ schedule of :func:`train`:

    * ``schedule("constant", lam)``;
    * ``schedule("warmup", lam, start=S)`` — 0 before step ``S``, ``lam`` after;
    * ``schedule("linear", lam, length=L, start=0)`` and ``schedule("cosine", lam, length=L, start=0)`` —
      ramps from 0 at ``start`` to ``lam`` at ``start + L``;
    * ``schedule("adaptive", ratio=1.0, smoothing=0.1, initial=0.0, max_lam=100.0)`` — from the ratio of
      the MSE and penalty gradient norms (``lam`` is not used).

    >>> [round(schedule("cosine", 2.0, length=4)(t), 3) for t in range(6)]
    [0.0, 0.293, 1.0, 1.707, 2.0, 2.0]
    """
    if not isinstance(kind, str) or kind not in SCHEDULES:
        raise InputValueError(f"schedule: kind {kind!r} unknown; use one of {', '.join(map(repr, SCHEDULES))}")
    if kind == "adaptive":
        if lam is not None:
            raise InputValueError("schedule('adaptive'): takes no lam; set ratio= (λ follows the gradient norms)")
        return Adaptive(**options)
    if lam is None:
        raise InputValueError(f"schedule({kind!r}): give the strength lam (a number >= 0)")
    allowed = {"constant": (), "warmup": ("start",), "linear": ("length", "start"),
               "cosine": ("length", "start")}[kind]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise InputValueError(f"schedule({kind!r}): unknown option(s) {unknown}; it takes {list(allowed) or 'none'}")
    if kind == "constant":
        return Constant(lam)
    if kind == "warmup":
        if "start" not in options:
            raise InputValueError("schedule('warmup'): give start= (the first step with λ > 0)")
        return WarmUp(lam, options["start"])
    if "length" not in options:
        raise InputValueError(f"schedule({kind!r}): give length= (the number of steps of the ramp)")
    cls = LinearRamp if kind == "linear" else CosineRamp
    return cls(lam, options["length"], options.get("start", 0))


def _schedule(lam) -> LambdaSchedule:
    if lam is None:
        return Constant(0.0)
    if isinstance(lam, LambdaSchedule):
        return lam
    if callable(lam):
        return _Callable(lam)
    try:
        value = float(lam)
    except (TypeError, ValueError):
        raise InputTypeError(f"train: lam expected a number >= 0, a schedule (training.schedule(...)) or a "
                             f"callable step -> λ, got {type(lam).__name__}") from None
    if not np.isfinite(value) or value < 0:
        raise InputValueError(f"train: lam must be >= 0 (penalty strength λ of Eq. 6), got {lam}")
    return Constant(value)


def _check_function(name: str, fn) -> None:
    if not hasattr(fn, "value_and_gradient"):
        raise InputTypeError(f"train: {name} expected an object with value_and_gradient (a DerivedFunction), "
                             f"got {type(fn).__name__}")


def _evaluate(fn, theta: np.ndarray):
    value, grad = fn.value_and_gradient(theta)
    return np.asarray(value, dtype=float).reshape(theta.shape[0]), np.asarray(grad, dtype=float).reshape(theta.shape)


def train(objective, theta0, *, penalty=None, lam=None, method: str = "adam", learning_rate: float = 0.05,
          steps: int = 500, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
          progress: bool = False, description: str = "training", backend: str = "numpy") -> History:
    """Minimise ``objective + λ_t · penalty`` from ``theta0`` (shape ``(p,)`` or a batch ``(B, p)``).

    ``method``: ``"gd"`` (``θ ← θ − η ∇``) or ``"adam"`` (Kingma–Ba, bias-corrected, per batch row).
    The run is deterministic given ``theta0``; ``progress=True`` shows a tqdm bar.

    ``backend="jax"`` (needs the ``jax`` extra; ``objective`` and ``penalty`` must be
    :class:`~sggd_sym.numeric.DerivedFunction`): the whole run is one ``jax.jit`` of a ``lax.scan`` over the
    steps of ``jax.vmap`` over the batch, built from :func:`sggd_sym.numeric.jax_backend.to_jax`; same updates and
    same :class:`History` (to rounding).  Compilation takes a few seconds, so it pays for long runs.

    ``objective`` may be a :class:`~sggd_sym.derived.costs.PenalisedCost` (Eq. 6), split into ``C_MSE`` and
    ``P``; ``lam`` is a number, a :class:`LambdaSchedule` or ``step -> λ``.

    Raises
    ------
    InputTypeError
        If ``objective`` or ``penalty`` has no ``value_and_gradient``.
    InputValueError
        For an unknown ``method`` or ``backend``, a bad shape of ``theta0``, or a negative ``λ``.

    Minimising the Werner penalty (Eq. 11) from θ = 1 reaches the symmetric point θ = 0:

    >>> import sggd_sym as sg
    >>> P = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))   # Eq. 11
    >>> h = train(P, [1.0], method="gd", learning_rate=0.2, steps=50)
    >>> round(float(h.cost[0]), 4), abs(float(h.final_parameters[0])) < 1e-4
    (1.2206, True)
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
    if backend not in ("numpy", "jax"):
        raise InputValueError(f"train: backend {backend!r} unknown; use 'numpy' or 'jax'")
    if backend == "jax":
        lams = np.array([schedule(t) for t in range(steps + 1)], dtype=float)
        costs, penalties, params = _train_jax(objective, penalty, theta, lams, method, float(learning_rate),
                                              int(steps), betas, eps)
        if single:
            costs, penalties, params = costs[:, 0], penalties[:, 0], params[:, 0, :]
        return History(costs, penalties, lams, params, method, float(learning_rate))
    costs = np.empty((steps + 1, theta.shape[0]))
    penalties = np.zeros_like(costs)
    adaptive = schedule.adaptive and penalty is not None
    lams = np.empty((steps + 1, theta.shape[0]) if adaptive else steps + 1)
    schedule.reset(theta.shape[0])
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
        lam_t = 0.0 if schedule.adaptive else schedule(t)
        value, grad = _evaluate(objective, theta)
        if penalty is not None:
            p_value, p_grad = _evaluate(penalty, theta)
            penalties[t] = p_value
            if adaptive:
                lam_t = schedule.update(t, grad, p_grad)
                grad = grad + lam_t[:, None] * p_grad
            else:
                grad = grad + lam_t * p_grad
        costs[t], lams[t], params[t] = value, lam_t, theta
        if t == steps:
            continue  # not break: a progress bar counts the last step only when the loop ends (601/601)
        if method == "gd":
            theta = theta - learning_rate * grad
        else:
            theta, m, v = _adam_step(np, theta, grad, m, v, t, learning_rate, b1, b2, eps)
    if single:
        costs, penalties, params = costs[:, 0], penalties[:, 0], params[:, 0, :]
        lams = lams[:, 0] if adaptive else lams
    return History(costs, penalties, lams, params, method, float(learning_rate))


def _adam_step(xp, theta, grad, m, v, t, lr, b1, b2, eps):
    """One Adam update with bias-corrected moments at step ``t`` (from 0); ``xp`` is numpy or jax.numpy."""
    m = b1 * m + (1 - b1) * grad
    v = b2 * v + (1 - b2) * grad**2
    m_hat = m / (1 - b1 ** (t + 1))
    v_hat = v / (1 - b2 ** (t + 1))
    return theta - lr * m_hat / (xp.sqrt(v_hat) + eps), m, v


def _train_jax(objective, penalty, theta, lams, method, lr, steps, betas, eps):
    """The loop of :func:`train` as one jitted ``lax.scan`` (steps) of ``vmap`` (batch rows)."""
    from sggd_sym.numeric.bridge import DerivedFunction

    for name, fn in (("objective", objective), ("penalty", penalty)):
        if fn is not None and not isinstance(fn, DerivedFunction):
            raise InputTypeError(f"train: backend='jax' needs DerivedFunctions; {name} is a {type(fn).__name__} "
                                 "(use backend='numpy')")
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        raise ImportError("train: backend='jax' needs JAX: pip install 'sggd_sym[jax]'") from None
    from sggd_sym.numeric.jax_backend import to_jax

    vg_obj = jax.vmap(jax.value_and_grad(to_jax(objective)))
    vg_pen = jax.vmap(jax.value_and_grad(to_jax(penalty))) if penalty is not None else None
    b1, b2 = (float(b) for b in betas)

    def evaluate(th, lam_t):
        value, grad = vg_obj(th)
        if vg_pen is None:
            return value, jnp.zeros_like(value), grad
        p_value, p_grad = vg_pen(th)
        return value, p_value, grad + lam_t * p_grad

    def step(carry, inputs):
        th, m, v = carry
        t, lam_t = inputs
        value, p_value, grad = evaluate(th, lam_t)
        if method == "gd":
            new = th - lr * grad
        else:
            new, m, v = _adam_step(jnp, th, grad, m, v, t, lr, b1, b2, eps)
        return (new, m, v), (value, p_value, th)

    @jax.jit
    def run(th0, lam_arr):
        zeros = jnp.zeros_like(th0)
        ts = jnp.arange(steps, dtype=th0.dtype)
        (th, _, _), (values, p_values, thetas) = jax.lax.scan(step, (th0, zeros, zeros), (ts, lam_arr[:steps]))
        value, p_value, _ = evaluate(th, lam_arr[steps])
        return (jnp.concatenate([values, value[None]]), jnp.concatenate([p_values, p_value[None]]),
                jnp.concatenate([thetas, th[None]]))

    costs, penalties, params = run(jnp.asarray(theta), jnp.asarray(lams))
    return np.asarray(costs), np.asarray(penalties), np.asarray(params)


def gradient_descent(objective, theta0, **kwargs) -> History:
    """:func:`train` with ``method="gd"``.

    >>> import sggd_sym as sg
    >>> P = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))   # Eq. 11
    >>> gradient_descent(P, [1.0], steps=3, learning_rate=0.1).cost.round(4).tolist()
    [1.2206, 0.8511, 0.5363, 0.3087]
    """
    return train(objective, theta0, method="gd", **kwargs)


def adam(objective, theta0, **kwargs) -> History:
    """:func:`train` with ``method="adam"``.

    >>> import sggd_sym as sg
    >>> P = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))   # Eq. 11
    >>> adam(P, [1.0], steps=3).method
    'adam'
    """
    return train(objective, theta0, method="adam", **kwargs)


def train_many(objective, n_parameters: int, seeds: int, *, rng: np.random.Generator | int = 0,
               low: float = 0.0, high: float = 2 * np.pi, **kwargs) -> History:
    """Train ``seeds`` independent initial points (uniform in ``[low, high)^p`` from ``rng``) in one batch.

    ``kwargs`` go to :func:`train`.

    >>> import sggd_sym as sg
    >>> P = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))   # Eq. 11
    >>> h = train_many(P, 1, 4, rng=0, steps=100, learning_rate=0.1)
    >>> h.parameters.shape, bool((h.cost[-1] < 1e-3).all())
    ((101, 4, 1), True)
    """
    rng = _checks.rng("train_many", rng)
    if not isinstance(seeds, (int, np.integer)) or seeds < 1:
        raise InputValueError(f"train_many: seeds must be an integer >= 1, got {seeds}")
    theta0 = rng.uniform(low, high, size=(int(seeds), int(n_parameters)))
    return train(objective, theta0, **kwargs)
