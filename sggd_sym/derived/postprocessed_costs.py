"""Costs of post-processed outputs (paper Eq. 12): train a QNN whose label is ``h(f_θ(x))``.

The cost is the MSE of ``h_k(f)`` (Eq. 12, the exact Taylor truncation of ``h`` at ``t₀``; see
:func:`~sggd_sym.derived.postprocess.postprocessing_function`) or of ``h`` itself against the labels, with
``f`` of Eq. 1 from a :class:`~sggd_sym.derived.costs.Model`.  Value and gradient by the chain rule from the
model's ``f`` and ``∂f/∂θ``:

.. math::  ∂_θ \\frac1N Σ_x (h(f) − y)^2 = \\frac2N Σ_x (h(f) − y)\\, h'(f)\\, ∂_θ f.

Add ``λ P`` (:func:`sggd_sym.penalty`, Eq. 6) or ``λ P_k`` (:func:`~sggd_sym.derived.postprocess.modified_penalty`,
Eq. 13) through :func:`sggd_sym.training.train` (``penalty=``, ``lam=``).

>>> import sympy as sp, sggd_sym as sg
>>> from sggd_sym.derived.costs import Model
>>> t, a = sp.symbols("t a")
>>> model = Model(sg.Circuit(1).ry(a, 0), sg.ops.Z, [sp.diag(1, 0)])       # f = cos a
>>> postprocessed_cost(model, [1], 1 - 2 * t**2, t).expr                 # h(f) = 1 − 2f² = −cos 2a
4*cos(a)**4
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from sggd_sym import _checks
from sggd_sym.derived.costs import Model, PairedCost, PauliLinearMap, check_model
from sggd_sym.derived.postprocess import postprocessing_function
from sggd_sym.exceptions import InputValueError
from sggd_sym.numeric.bridge import DerivedFunction

__all__ = ["postprocessed_outputs", "postprocessed_cost", "PairedPostprocessedMSE", "paired_postprocessed_cost"]


def postprocessed_outputs(model: Model, theta, h, t, order=None, t0=0, *, states=None) -> np.ndarray:
    """The post-processed outputs ``h_k(f_θ(x))`` (Eq. 12; ``h(f)`` when ``order=None``), ``f`` of Eq. 1.

    Parameters
    ----------
    model : Model
        Circuit, observable and data.
    theta : array ``(p,)`` or ``(B, p)``
        Parameter values.
    h, t, order, t0
        As :func:`~sggd_sym.derived.postprocess.postprocessing_function`.
    states : optional, keyword-only
        Other states (e.g. a test set) instead of the model's data.

    Returns
    -------
    numpy.ndarray
        Shape ``(N,)`` for one parameter vector, ``(B, N)`` for a batch.

    Examples
    --------
    >>> import sympy as sp, sggd_sym as sg
    >>> from sggd_sym.derived.costs import Model
    >>> t = sp.Symbol("t")
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0), sp.diag(0, 1)])
    >>> postprocessed_outputs(model, [0.0], t**2 + t, t)
    array([2., 0.])
    """
    model = check_model("postprocessed_outputs", model)
    _, value, _ = postprocessing_function(h, t, order, t0)
    f = model.outputs(theta) if states is None else model.outputs_on(theta, states)
    return value(f)


def postprocessed_cost(model: Model, labels, h, t, order=None, t0=0) -> DerivedFunction:
    """``C(θ) = (1/|S|) Σ_x (h_k(f_θ(x)) − y(x))²`` with ``f`` of Eq. 1 and ``h_k`` of Eq. 12 (``h`` if ``order=None``).

    Parameters
    ----------
    model : Model
        Circuit, observable and data.
    labels : sequence or array ``(N,)``
        ``y(x)``; ints or Rationals (with exact data) give an exact ``.expr``.
    h, t, order, t0
        As :func:`~sggd_sym.derived.postprocess.postprocessing_function`.

    Returns
    -------
    DerivedFunction
        Value and gradient by the chain rule; the exact ``.expr`` exists for exact data and labels.

    Examples
    --------
    >>> import numpy as np, sympy as sp, sggd_sym as sg
    >>> from sggd_sym.derived.costs import Model
    >>> t = sp.Symbol("t")
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0)])
    >>> cost = postprocessed_cost(model, [0], sp.cos(t), t, 2)      # h_2(f) = 1 − f²/2
    >>> cost([0.0]), cost.gradient([0.0])
    (0.25, array([0.]))
    """
    where = "postprocessed_cost"
    model = check_model(where, model)
    expr, value, slope = postprocessing_function(h, t, order, t0)
    y, exact_y = model.checked_labels(labels, where=where)
    coords = model.coordinates
    linear = model.linear_map

    def evaluate(theta):
        f, df = linear.outputs(theta, coords)
        return _chain(f, df, y[None, :], value, slope)

    def build_expr():
        if not model.exact or exact_y is None:
            raise InputValueError(f"{where}: no exact expression: give exact sympy density matrices and exact "
                                  "labels (ints or Rationals)")
        fs = model.expressions()
        return sp.Rational(1, len(fs)) * sp.Add(*[(expr.subs(t, f) - yy) ** 2 for f, yy in zip(fs, exact_y)])

    return DerivedFunction(model.parameters, evaluate, build_expr, name=f"MSE of h(f), h = {expr}",
                           unused_parameters=model.heisenberg.unused_parameters)


def _chain(f, df, y, value, slope):
    r = value(f) - y
    n = f.shape[1]
    return np.mean(r**2, axis=1), (2.0 / n) * np.einsum("bn,bnp->bp", r * slope(f), df)


class PairedPostprocessedMSE(PairedCost):
    """:func:`postprocessed_cost` (Eq. 12) where row ``b`` of a parameter batch is scored on its own data set ``b``.

    A :class:`~sggd_sym.derived.costs.PairedCost` like :class:`~sggd_sym.derived.costs.PairedMSE` (many seeds,
    each with its own training set, in one vectorised run): ``value_and_gradient(theta (B, p))``, and
    :meth:`outputs` gives the post-processed ``h_k(f)`` ``(B, N)``.

    Parameters
    ----------
    linear, coords, labels, parameters
        As :class:`~sggd_sym.derived.costs.PairedCost`.
    expr : sympy.Expr
        ``h_k`` (or ``h``) in ``t``.
    value, slope : callable
        ``h_k`` and ``h_k'`` on numpy arrays (:func:`~sggd_sym.derived.postprocess.postprocessing_function`).

    Examples
    --------
    Two data sets of one point ``|0⟩⟨0|`` (Pauli coordinates ``[r_X, r_Z] = [0, 1]``), labels 1 and 0,
    ``h(f) = 2f²``:

    >>> import numpy as np, sympy as sp
    >>> from sggd_sym import Circuit, ops
    >>> from sggd_sym.derived.costs import Model
    >>> from sggd_sym.derived.postprocess import postprocessing_function
    >>> t = sp.Symbol("t")
    >>> model = Model(Circuit(1).ry(sp.Symbol("a"), 0), ops.Z, [sp.diag(1, 0)])
    >>> cost = PairedPostprocessedMSE(model.linear_map, np.array([[[0.0, 1.0]]] * 2), np.array([[1.0], [0.0]]),
    ...                               model.parameters, *postprocessing_function(2 * t**2, t))
    >>> cost(np.zeros((2, 1))), cost.outputs(np.zeros((2, 1)))
    (array([1., 4.]), array([[2.],
           [2.]]))
    """

    def __init__(self, linear: PauliLinearMap, coords: np.ndarray, labels: np.ndarray, parameters, expr, value,
                 slope):
        super().__init__(linear, coords, labels, parameters)
        self.expr = expr
        self._value = value
        self._slope = slope

    def value_and_gradient(self, theta):
        f, df = self.outputs_and_jacobian(theta)
        return _chain(f, df, self.labels, self._value, self._slope)

    def outputs(self, theta) -> np.ndarray:
        """The post-processed outputs ``h_k(f)`` ``(B, N)``, row ``b`` of ``theta`` on data set ``b`` (Eq. 12)."""
        return self._value(super().outputs(theta))


def paired_postprocessed_cost(model: Model, data_sets, label_sets, h, t, order=None, t0=0) -> PairedPostprocessedMSE:
    """:func:`postprocessed_cost` (Eq. 12) of ``model``'s circuit on ``B`` data sets at once (one per parameter row).

    Parameters
    ----------
    model : Model
        Circuit and observable (its own data are not used).
    data_sets : array ``(B, N, d, d)``
        Numeric states.
    label_sets : array ``(B, N)``
    h, t, order, t0
        As :func:`~sggd_sym.derived.postprocess.postprocessing_function`.

    Returns
    -------
    PairedPostprocessedMSE

    Examples
    --------
    One data set of one point ``|1⟩⟨1|`` (``f = −1`` at ``a = 0``), label 1, ``h(f) = f²``:

    >>> import numpy as np, sympy as sp, sggd_sym as sg
    >>> t, a = sp.symbols("t a")
    >>> model = sg.costs.Model(sg.Circuit(1).ry(a, 0), sg.ops.Z, [sp.diag(1, 0)])
    >>> paired_postprocessed_cost(model, np.diag([0.0, 1.0])[None, None], [[1.0]], t**2, t)(np.zeros((1, 1)))
    array([0.])
    """
    where = "paired_postprocessed_cost"
    model = check_model(where, model)
    expr, value, slope = postprocessing_function(h, t, order, t0)
    arr = np.asarray(data_sets, dtype=complex)
    d = model.circuit.dim
    if arr.ndim != 4 or arr.shape[2:] != (d, d):
        _checks.fail(where, f"data_sets expected shape (B, N, {d}, {d}), got {arr.shape}")
    coords = np.stack([model.coordinates_of(s) for s in arr])
    labels = np.asarray(label_sets, dtype=float)
    if labels.shape != coords.shape[:2] or not np.all(np.isfinite(labels)):
        _checks.fail(where, f"label_sets expected finite values of shape {coords.shape[:2]}, got {labels.shape}")
    return PairedPostprocessedMSE(model.linear_map, coords, labels, model.parameters, expr, value, slope)
