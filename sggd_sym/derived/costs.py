"""SGGD models and costs from the derived formulas (paper Eq. 1, 3–4, 6, 7).

A :class:`Model` is a circuit, an observable and data (encoded states).  With the exact Pauli
coefficients ``a_P(θ)`` of ``Õ(θ) = U(θ)† O U(θ)`` (:func:`~sggd_sym.circuits.heisenberg.heisenberg_observable`)
and the data's Pauli coordinates ``r_P(x) = Tr(P ρ(x))``,

.. math::  f_θ(x) = \\mathrm{Tr}[Õ(θ) ρ(x)] = Σ_P a_P(θ)\\, r_P(x)          \\qquad (1)

is a small matrix product, vectorised over data points and over batches of parameter vectors.
The costs are :class:`~sggd_sym.numeric.DerivedFunction` objects (value, gradient, lazy exact
``.expr`` for exact data):

* :func:`mse_cost`        ``C_MSE = (1/|S|) Σ_x (f_θ(x) − y(x))²``
* :func:`penalised_cost`  ``C_P = C_MSE + λ P`` (Eq. 6)
* :func:`twirled_cost`    ``C_T = (1/|S|) Σ_x (Tr[T_G[Õ(θ)] ρ(x)] − y(x))²`` (Eq. 7); warns with
  :class:`InvariantDataWarning` when every ``ρ(x)`` is ``G``-invariant, because then ``C_T = C_MSE``.

The post-processed costs of Eq. 12 (MSE of ``h_k(f)``) build on this module's public model API
(:attr:`Model.linear_map`, :meth:`Model.checked_labels`, :meth:`Model.coordinates_of`, :class:`PairedCost`) in
:mod:`sggd_sym.derived.postprocessed_costs`.  The verification helpers :func:`data_span_rank`,
:func:`satisfies_constraint` and :func:`lambda_crit` live in :mod:`sggd_sym.derived.conditions` and are
re-exported here for compatibility.
"""

from __future__ import annotations

import warnings

import numpy as np
import sympy as sp

from sggd_sym import _checks
from sggd_sym.algebra.pauli_sum import as_pauli_sum, pauli_word_matrix
from sggd_sym.circuits.circuit import Circuit
from sggd_sym.circuits.heisenberg import DEFAULT_BUDGET, heisenberg_observable
from sggd_sym.data.pauli_data import PauliData, ProductStates
from sggd_sym.derived.conditions import data_span_rank, is_exact_data, lambda_crit, satisfies_constraint
from sggd_sym.derived.penalties import penalty_from
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.numeric.bridge import DEFAULT_ATOL, DerivedFunction, to_float, to_numpy
from sggd_sym.symmetry.groups import SymmetryGroup
from sggd_sym.symmetry.twirling import check_circuit_and_group, twirled_observable

__all__ = [
    "Model", "PauliLinearMap", "check_model", "InvariantDataWarning", "expectation", "mse_cost", "penalised_cost",
    "twirled_cost", "PenalisedCost", "QuadraticCost", "data_invariant", "PairedCost", "PairedMSE", "paired_mse_cost",
    # re-exported from sggd_sym.derived.conditions (their home) for compatibility
    "data_span_rank", "satisfies_constraint", "lambda_crit",
]


class InvariantDataWarning(UserWarning):
    """Every data state is ``G``-invariant, so ``C_T = C_MSE`` (Eq. 7): the twirled cost changes nothing.

    Raised as a warning by :func:`twirled_cost`; silence it with ``warn_invariant=False``.

    Examples
    --------
    >>> issubclass(InvariantDataWarning, UserWarning)
    True
    """


# -- data ------------------------------------------------------------------------------------------
def _exact_states(where: str, states, dim: int) -> list[sp.ImmutableMatrix]:
    out = []
    for i, rho in enumerate(states):
        m = _checks.hermitian(where, f"states[{i}]", rho, dim=dim)
        if m.free_symbols:
            _checks.fail(where, f"states[{i}] depends on {sorted(map(str, m.free_symbols))}; substitute numbers "
                         "(the model evaluates numerically; use sympy directly for symbolic data)")
        if sp.simplify(m.trace() - 1) != 0:
            _checks.fail(where, f"states[{i}] has trace {m.trace()}, expected 1 (a density matrix)")
        out.append(m)
    if not out:
        _checks.fail(where, "states is empty; give at least one encoded state")
    return out


def _labels(where: str, labels, n_points: int, exact: bool):
    if isinstance(labels, np.ndarray) or not isinstance(labels, (list, tuple)):
        arr = np.asarray(labels, dtype=float).reshape(-1)
        exact_labels = None
    else:
        arr = np.asarray([float(v) for v in labels], dtype=float)
        exact_labels = [sp.nsimplify(v) for v in labels] if exact else None
    if arr.shape != (n_points,):
        _checks.fail(where, f"labels has {arr.size} entries but there are {n_points} data states")
    if not np.all(np.isfinite(arr)):
        _checks.fail(where, "labels contain NaN or inf")
    if exact_labels is None and exact:
        exact_labels = [sp.nsimplify(v) for v in arr.tolist()]
    if exact_labels is not None and any(v.has(sp.Float) for v in exact_labels):
        exact_labels = None
    return arr, exact_labels


# -- model ---------------------------------------------------------------------------------------
class PauliLinearMap:
    """Eq. 1 in Pauli coordinates: ``f_θ(x) = Σ_P a_P(θ) r_P(x)`` for exact coefficient polynomials ``a_P``.

    The polynomials ``a_P(θ)`` (of ``Õ(θ)``, or of ``T_G[Õ(θ)]`` for the twirled cost, Eq. 7) are compiled
    once (:attr:`compiled`); the data enter as their Pauli coordinates ``r_P(x) = Tr(P ρ(x))`` over
    :attr:`words`.

    Parameters
    ----------
    trig : TrigRing
        The exact ring of the polynomials (``HeisenbergObservable.trig``).
    terms : dict
        ``{Pauli word: trig polynomial a_P}``.
    words : list of str
        The words, in the column order of the coordinates.

    Examples
    --------
    >>> import numpy as np, sympy as sp, sggd_sym as sg
    >>> heis = sg.heisenberg_observable(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z)
    >>> f = PauliLinearMap(heis.trig, heis.terms, sorted(heis.terms))
    >>> f.words
    ['X', 'Z']
    >>> values, slopes = f.outputs(np.array([[0.0]]), np.array([[0.0, 1.0]]))   # ρ = |0⟩⟨0|: f = cos a
    >>> values, slopes
    (array([[1.]]), array([[[0.]]]))
    """

    def __init__(self, trig, terms: dict, words: list[str]):
        self.trig = trig
        self.words = list(words)
        self.trig_terms = terms
        zero = trig.ring.zero
        self.polys = [terms.get(w, zero) for w in self.words]
        self.compiled = trig.compile(self.polys)

    def restricted_to(self, coords: np.ndarray) -> tuple["PauliLinearMap", np.ndarray]:
        """Drop the words on which every data point has coordinate 0 (they add nothing to ``f``): e.g. all
        but the ``{I, Z}`` words for basis-state data.  Returns the smaller map and its coordinates."""
        if coords.shape[-1] == 0:  # no words at all (e.g. a twirl to 0): nothing to drop
            return self, coords
        keep = np.flatnonzero(np.any(coords.reshape(-1, coords.shape[-1]) != 0, axis=0))
        if keep.size == len(self.words):
            return self, coords
        return PauliLinearMap(self.trig, self.trig_terms, [self.words[k] for k in keep]), coords[..., keep]

    def outputs(self, theta: np.ndarray, coords: np.ndarray):
        """``f`` of shape ``(B, N)`` and ``∂f/∂θ`` of shape ``(B, N, p)`` for a parameter batch ``theta``
        ``(B, p)`` and data ``coords`` ``(N, K)`` (Eq. 1; no input checks: the callers check)."""
        a, jac = self.compiled.values_and_jacobian(theta)
        return a @ coords.T, np.matmul(coords, jac)  # (N, K) @ (B, K, p): BLAS, ~10x einsum

    def outputs_paired(self, theta: np.ndarray, coords: np.ndarray):
        """As :meth:`outputs`, row ``b`` of ``theta`` with its own data ``coords[b]`` ``(B, N, K)``."""
        a, jac = self.compiled.values_and_jacobian(theta)
        return np.matmul(coords, a[:, :, None])[:, :, 0], np.matmul(coords, jac)

    def expressions(self, exact_coords) -> list[sp.Expr]:
        """Exact ``f_θ(x)`` per row of exact coordinates ``exact_coords`` (rows: points, columns: words)."""
        coeffs = [self.trig.to_expr(q) for q in self.polys]
        return [sp.Add(*[a * r for a, r in zip(coeffs, row) if r != 0]) for row in exact_coords]


class Model:
    """A QNN of Eq. 1: ``circuit`` ``U(θ)``, Hermitian ``observable`` ``O`` and encoded ``states`` ``ρ(x)``.

    ``f_θ(x) = Tr[Õ(θ) ρ(x)] = Σ_P a_P(θ) r_P(x)`` (:attr:`linear_map`, a :class:`PauliLinearMap`).

    Parameters
    ----------
    circuit : Circuit
        ``U(θ)``.
    observable : PauliSum, dict of Pauli words or exact matrix
        ``O`` (Hermitian).
    states : list of exact SymPy density matrices, or numeric data
        Exact matrices give every cost an exact ``.expr``; numeric data are anything
        :class:`~sggd_sym.data.pauli_data.PauliData` reads — product states
        (:class:`~sggd_sym.data.pauli_data.ProductStates`), statevectors ``(N, d)`` or density matrices
        ``(N, d, d)``.  The data enter only through the Pauli coordinates ``r_P(x) = Tr(P ρ(x))`` of the
        words the observable needs (:attr:`words`, :attr:`coordinates` of shape ``(N, K)``).
    budget : int or None, keyword-only
        Bounds the derivation of ``Õ`` (polynomial terms; ``None`` lifts it).

    Examples
    --------
    >>> import sympy as sp, sggd_sym as sg
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0), sp.diag(0, 1)])
    >>> model.expressions(), model.outputs([0.0])
    ([cos(a), -cos(a)], array([ 1., -1.]))
    """

    def __init__(self, circuit: Circuit, observable, states, *, budget: int | None = DEFAULT_BUDGET):
        if not isinstance(circuit, Circuit):
            raise InputTypeError(f"Model: circuit expected a sggd_sym.Circuit, got {type(circuit).__name__}")
        self.circuit = circuit
        self.observable = as_pauli_sum("Model", "observable", observable, n_qubits=circuit.n_qubits,
                                       hermitian=True, numeric=True)
        self.heisenberg = heisenberg_observable(circuit, self.observable, budget=budget)
        self.parameters = circuit.parameters
        n = circuit.n_qubits
        self.exact = is_exact_data(states)
        if self.exact:
            states = [states] if isinstance(states, sp.MatrixBase) else list(states)
            self._exact_states = _exact_states("Model", states, circuit.dim)
            self.data = None
        else:
            self._exact_states = None
            self.data = PauliData(states, n)
        #: Eq. 1 as a :class:`PauliLinearMap` over :attr:`words` (the compiled ``a_P(θ)`` of ``Õ(θ)``).
        self.linear_map = PauliLinearMap(self.heisenberg.trig, self.heisenberg.terms, sorted(self.heisenberg.terms))
        self.words = self.linear_map.words
        self._exact_cache: dict[str, list[sp.Expr]] = {}
        self.exact_coordinates = self.exact_coordinates_for(self.words) if self.exact else None
        self.coordinates = self.coordinates_for(self.words)

    @property
    def states(self):
        """The data: exact matrices, or numeric density matrices ``(N, d, d)`` (formed on request)."""
        return self._exact_states if self.exact else self.data.density_matrices()

    @property
    def n_points(self) -> int:
        return len(self._exact_states) if self.exact else self.data.n_points

    def exact_coordinates_for(self, words) -> list[list[sp.Expr]]:
        """Exact ``Tr(P ρ(x))`` per data point (rows) and word (columns), exact data only."""
        for w in words:
            if w not in self._exact_cache:
                p = pauli_word_matrix(w)
                self._exact_cache[w] = [sp.nsimplify(sp.expand((p * rho).trace())) for rho in self._exact_states]
        return [[self._exact_cache[w][i] for w in words] for i in range(self.n_points)]

    def coordinates_for(self, words) -> np.ndarray:
        """``(N, K)`` numeric Pauli coordinates of the data for the given words."""
        words = list(words)
        if self.exact:
            rows = self.exact_coordinates_for(words)
            return np.array([[to_float(v) for v in row] for row in rows]).reshape(self.n_points, len(words))
        return self.data.coordinates(words)

    def coordinates_of(self, states) -> np.ndarray:
        """The Pauli coordinates ``r_P(x) = Tr(P ρ(x))`` (Eq. 1) of other states over :attr:`words`.

        Parameters
        ----------
        states : exact SymPy matrices, or numeric data in any form
            :class:`~sggd_sym.data.pauli_data.PauliData` reads (e.g. a test set).

        Returns
        -------
        numpy.ndarray
            Shape ``(M, K)``, ``K = len(model.words)``.

        Examples
        --------
        >>> import numpy as np, sympy as sp, sggd_sym as sg
        >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0)])
        >>> model.words, model.coordinates_of(np.array([[[0.5, 0.5], [0.5, 0.5]]]))    # |+⟩⟨+|
        (['X', 'Z'], array([[1., 0.]]))
        """
        n = self.circuit.n_qubits
        if is_exact_data(states):
            states = [states] if isinstance(states, sp.MatrixBase) else list(states)
            states = np.array([to_numpy(s, where="Model.coordinates_of") for s in states])
        return PauliData(states, n).coordinates(self.words)

    def checked_labels(self, labels, *, where: str = "Model") -> tuple[np.ndarray, list | None]:
        """The labels ``y(x)`` of the data (Eq. 6), checked: one finite number per data point.

        Parameters
        ----------
        labels : sequence or array of shape ``(N,)``
            A list of ints/Rationals keeps them exact (for exact data); a numpy array is numeric.
        where : str, keyword-only
            The caller named in the error message.

        Returns
        -------
        (numpy.ndarray, list or None)
            The float labels ``(N,)`` and, for exact data and exact labels, the exact labels (else ``None``).

        Examples
        --------
        >>> import sympy as sp, sggd_sym as sg
        >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0), sp.diag(0, 1)])
        >>> model.checked_labels([1, sp.Rational(-1, 2)])
        (array([ 1. , -0.5]), [1, -1/2])
        """
        return _labels(where, labels, self.n_points, self.exact)

    def outputs(self, theta) -> np.ndarray:
        """``f_θ(x)`` for all data: shape ``(N,)`` for one parameter vector, ``(B, N)`` for a batch."""
        arr, single = _batch("Model.outputs", theta, len(self.parameters))
        f, _ = self.linear_map.outputs(arr, self.coordinates)
        return f[0] if single else f

    def outputs_on(self, theta, states) -> np.ndarray:
        """``f_θ`` on other (numeric or exact) states, e.g. a test set: ``(B, M)`` or ``(M,)``."""
        coords = self.coordinates_of(states)
        arr, single = _batch("Model.outputs_on", theta, len(self.parameters))
        f, _ = self.linear_map.outputs(arr, coords)
        return f[0] if single else f

    def expressions(self) -> list[sp.Expr]:
        """Exact ``f_θ(x)`` per data point (exact data only)."""
        if not self.exact:
            raise InputValueError("Model.expressions: the data are numeric; give exact sympy density "
                                  "matrices for exact expressions")
        return self.linear_map.expressions(self.exact_coordinates)


def _batch(where: str, theta, p: int) -> tuple[np.ndarray, bool]:
    arr = np.asarray(theta, dtype=float)
    single = arr.ndim <= 1
    arr = arr.reshape(1, -1) if single else arr
    if arr.shape[-1] != p:
        _checks.fail(where, f"expected {p} parameter values, got {arr.shape[-1]}")
    if not np.all(np.isfinite(arr)):
        _checks.fail(where, "parameter values must be finite")
    return arr, single


def check_model(where: str, model) -> Model:
    """``model`` if it is a :class:`Model` (Eq. 1), else the package's :class:`TypeError` naming ``where``.

    Examples
    --------
    >>> check_model("my_cost", "not a model")
    Traceback (most recent call last):
    ...
    sggd_sym.exceptions.InputTypeError: my_cost: model expected a sggd_sym.derived.costs.Model, got str
    """
    if not isinstance(model, Model):
        raise InputTypeError(f"{where}: model expected a sggd_sym.derived.costs.Model, got {type(model).__name__}")
    return model


# -- the Gram (quadratic-form) evaluation -----------------------------------------------------------
class _Quadratic:
    """``C(θ) = a(θ)ᵀ A a(θ) − 2 bᵀ a(θ) + c`` for exact trig polynomials ``a`` (compiled), ``A`` symmetric.

    The MSE of a model linear in its coordinates, ``(1/n) Σ_x (a·r_x − y_x)²``, is this form with the data
    contracted once: ``A = RᵀR/n``, ``b = Rᵀy/n``, ``c = yᵀy/n`` (``R`` the ``(n, K)`` data coordinates);
    the HS penalty ``P = ‖Õ‖² − ‖T_G[Õ]‖² = aᵀ(d·1 − LᵀWL)a`` is one too (``L`` the commutant basis in Pauli
    coordinates, ``W = diag(1/‖B_i‖²)``, ``‖Õ‖² = d Σ_w a_w²``), so ``C_P = aᵀ(M + λD)a − 2bᵀa + c``: a
    call no longer touches the data points and needs one trig evaluation of ``(a, ∂a)``.  The gradient is
    ``2(Aa − b)ᵀ ∂a``, contracted before the Jacobian (``∂a`` is never formed for one parameter vector).

    Rounding: the value is a difference of terms of size ``~ aᵀAa``, so its absolute error is a few ulp of
    that (``~1e-15`` for the circle benchmark), also at a perfect fit where the direct form's relative error
    is small but this one's is not (``tests/test_costs_gram.py`` measures it).
    """

    #: Largest number of monomials for which one call contracts in monomial space (``(T+1)²`` matrix).
    MONOMIAL_SPACE = 256

    def __init__(self, compiled, A, b, c):
        self.compiled = compiled
        A = np.asarray(A, dtype=float)
        self.A = np.ascontiguousarray((A + A.T) / 2)
        self.b = np.ascontiguousarray(b, dtype=float)
        self.c = float(c)
        p = compiled.n_parameters
        self.shape = (p,)
        active = list(compiled.active)
        self.select = None
        if active != list(range(p)):
            self.select = np.zeros((len(active), p))
            self.select[np.arange(len(active)), active] = 1.0
        # affine form of one call: with x = [a, 1], C = xᵀ H x and ∇C = (H x)ᵀ ∂x, H = 2[[A, −b], [−bᵀ, c]]
        k = len(self.b)
        h = np.empty((k + 1, k + 1))
        h[:k, :k], h[:k, k], h[k, :k], h[k, k] = self.A, -self.b, -self.b, self.c
        h *= 2.0
        t = compiled.n_terms
        coeffs = np.zeros((t + 1, k + 1))                      # x = [monomials, 1] @ coeffs = [a, 1]
        coeffs[:t, :k] = compiled.coefficients
        coeffs[t, k] = 1.0
        if t + 1 <= self.MONOMIAL_SPACE:                       # contract in monomial space: 2 products a call
            self.coeffs, self.h = None, np.ascontiguousarray(coeffs @ h @ coeffs.T)
        else:
            self.coeffs, self.h = np.ascontiguousarray(coeffs), h

    def batch(self, theta: np.ndarray):
        """Values ``(B,)`` and gradients ``(B, p)`` for a checked batch ``(B, p)``."""
        a, jac = self.compiled.values_and_jacobian(theta)
        h = a @ self.A
        value = np.einsum("bk,bk->b", a, h - 2.0 * self.b) + self.c
        return value, np.matmul((2.0 * (h - self.b))[:, None, :], jac)[:, 0, :]

    def single(self, theta: np.ndarray):
        """``(float, (p,))`` for one float64 vector, or ``None`` (not finite, nothing active, large table):
        about fifteen numpy calls, no ``(K, p)`` Jacobian (``∇C = (∂x)ᵀ H x``)."""
        rows = self.compiled.single_partials(theta)
        if rows is None:
            return None
        if self.coeffs is None:
            x = rows[0]
            hx = self.h @ x
            grad = rows[1:] @ hx
        else:
            x = rows[0] @ self.coeffs
            hx = self.h @ x
            grad = rows[1:] @ (self.coeffs @ hx)
        return 0.5 * float(x @ hx), (grad if self.select is None else grad @ self.select)


def _quadratic_evaluate(quad: _Quadratic):
    def evaluate(theta):
        return quad.batch(theta)
    return evaluate


def _data_gram(coords: np.ndarray, y: np.ndarray):
    """``(RᵀR/n, Rᵀy/n, yᵀy/n)`` of data coordinates ``R`` ``(n, K)`` and labels ``y`` ``(n,)``."""
    n = len(y)
    return coords.T @ coords / n, coords.T @ y / n, float(y @ y) / n


class _FastSingle:
    """Mixin for a :class:`DerivedFunction` with a :class:`_Quadratic` (``self._quad``): one float64
    parameter vector of the right shape skips the batch machinery (same checks: anything else, and any
    non-finite value, goes the checked way)."""

    _quad = None

    def _single(self, values):
        quad = self._quad
        if quad is not None and type(values) is np.ndarray and values.dtype == np.float64 \
                and values.shape == quad.shape:
            return quad.single(values)
        return None

    def value_and_gradient(self, values):
        out = self._single(values)
        return out if out is not None else super().value_and_gradient(values)

    def __call__(self, values):
        out = self._single(values)
        return out[0] if out is not None else super().__call__(values)

    def gradient(self, values):
        out = self._single(values)
        return out[1] if out is not None else super().gradient(values)


class QuadraticCost(_FastSingle, DerivedFunction):
    """A :class:`DerivedFunction` evaluated as a quadratic form in compiled coordinates (``C_MSE`` of Eq. 6,
    ``C_T`` of Eq. 7): see :class:`_Quadratic`.  Built by :func:`mse_cost` and :func:`twirled_cost`.

    Examples
    --------
    >>> import sympy as sp, sggd_sym as sg
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0)])
    >>> isinstance(mse_cost(model, [1]), QuadraticCost)
    True
    """


# -- costs ---------------------------------------------------------------------------------------
def expectation(model: Model, index: int) -> DerivedFunction:
    """Eq. 1 for data point ``index``: ``f_θ(x_index) = Σ_P a_P(θ) r_P(x_index)``.

    Examples
    --------
    >>> import sympy as sp, sggd_sym as sg
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0), sp.diag(0, 1)])
    >>> expectation(model, 1).expr
    -cos(a)
    """
    model = check_model("expectation", model)
    index = _checks.integer("expectation", "index", index, minimum=0)
    if index >= model.n_points:
        _checks.fail("expectation", f"index {index} out of range for {model.n_points} data states")
    coords = model.coordinates[index:index + 1]
    linear = model.linear_map

    def evaluate(theta):
        f, df = linear.outputs(theta, coords)
        return f[:, 0], df[:, 0, :]

    def build_expr():
        return _exact_only("expectation", model, lambda: model.expressions()[index])

    return DerivedFunction(model.parameters, evaluate, build_expr, name=f"f_theta(x_{index})",
                           unused_parameters=model.heisenberg.unused_parameters)


def _exact_only(where: str, model: Model, build):
    if not model.exact:
        raise InputValueError(f"{where}: the data are numeric, so there is no exact expression; build the "
                              "model from exact sympy density matrices")
    return build()


def _direct_mse_evaluate(linear: PauliLinearMap, coords: np.ndarray, y: np.ndarray):
    """``C_MSE`` from the residuals ``f_θ(x) − y(x)`` on every data point (the form without the Gram
    contraction; ``gram=False``)."""
    n = len(y)

    def evaluate(theta):
        # ∇C = (2/n) Σ_x r_x ∇f_x = (2/n) (r·R) ∇a: contract the data first, never form (B, N, p)
        a, jac = linear.compiled.values_and_jacobian(theta)
        r = a @ coords.T - y[None, :]
        return np.mean(r**2, axis=1), (2.0 / n) * np.einsum("bk,bkp->bp", r @ coords, jac)

    return evaluate


def _mse_from(linear: PauliLinearMap, model: Model, labels, name: str, gram: bool = True) -> DerivedFunction:
    y, exact_y = _labels(name, labels, model.n_points, model.exact)
    coords = model.coordinates_for(linear.words)
    if not model.exact:
        linear, coords = linear.restricted_to(coords)
    n = len(y)
    quad = _Quadratic(linear.compiled, *_data_gram(coords, y)) if gram else None
    evaluate = _quadratic_evaluate(quad) if gram else _direct_mse_evaluate(linear, coords, y)

    def build_expr():
        def exact():
            if exact_y is None:
                raise InputValueError(f"{name}: labels are not exact numbers; give ints or sympy Rationals")
            fs = linear.expressions(model.exact_coordinates_for(linear.words))
            return sp.Rational(1, n) * sp.Add(*[(f - yy) ** 2 for f, yy in zip(fs, exact_y)])
        return _exact_only(name, model, exact)

    out = QuadraticCost(model.parameters, evaluate, build_expr, name=name,
                        unused_parameters=model.heisenberg.unused_parameters)
    out._quad = quad
    return out


def mse_cost(model: Model, labels, *, gram: bool = True) -> DerivedFunction:
    """``C_MSE(θ) = (1/|S|) Σ_x (f_θ(x) − y(x))²`` (Eq. 6 without the penalty), ``f`` from Eq. 1.

    ``gram=True`` (default) evaluates it as the quadratic form ``aᵀMa − 2bᵀa + c`` of the Pauli
    coefficients ``a(θ)`` with the data contracted once (``M = RᵀR/n``, ``b = Rᵀy/n``, ``c = yᵀy/n``):
    a call costs the same for 10 or 10⁶ points.  Its absolute rounding error is a few ulp of ``aᵀMa``
    (not of the MSE itself), so at a near-perfect fit ``gram=False`` (the residuals on every point) has the
    better relative accuracy.

    Examples
    --------
    >>> import sympy as sp, sggd_sym as sg
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0)])
    >>> cost = mse_cost(model, [-1])
    >>> cost.expr, cost([0.0])
    ((cos(a) + 1)**2, 4.0)
    """
    model = check_model("mse_cost", model)
    return _mse_from(model.linear_map, model, labels, "C_MSE", gram)


def _check_lambda(where: str, lam) -> float:
    try:
        value = float(lam)
    except (TypeError, ValueError):
        raise InputTypeError(f"{where}: lam expected a number >= 0, got {type(lam).__name__}") from None
    if not np.isfinite(value) or value < 0:
        raise InputValueError(f"{where}: lam must be a finite number >= 0 (the penalty strength λ of Eq. 6), "
                              f"got {lam}")
    return value


class PenalisedCost(_FastSingle, DerivedFunction):
    """``C_P = C_MSE + λ P`` (Eq. 6), keeping its parts :attr:`mse` and :attr:`penalty` and :attr:`lam`.

    The sum is :meth:`DerivedFunction.plus` (``mse.plus(penalty, lam)``: exact ``.expr``, compiled value
    and gradient); ``quadratic`` (built by :func:`penalised_cost`) replaces its evaluation by the whole cost
    as one quadratic form in the Pauli coefficients of ``Õ(θ)`` (:class:`_Quadratic`), one trig evaluation
    per call.

    Parameters
    ----------
    mse, penalty : DerivedFunction
        ``C_MSE`` and ``P`` (same parameters).
    lam : number
        ``λ ≥ 0`` (exact, or a float kept as the nearest simple rational in ``.expr``).
    quadratic : _Quadratic or None, keyword-only
        The Gram form of the whole cost, or ``None`` (the sum of the parts).

    Examples
    --------
    >>> import sympy as sp, sggd_sym as sg
    >>> c = sg.Circuit(1).ry(sp.Symbol("a"), 0)
    >>> model = Model(c, sg.ops.Z, [sp.diag(1, 0)])
    >>> cost = PenalisedCost(mse_cost(model, [1]), sg.penalty(c, sg.ops.Z, sg.groups.finite([sg.ops.Z])), 2)
    >>> sp.simplify(cost.expr - (sp.cos(sp.Symbol("a")) - 1)**2 - 4 * sp.sin(sp.Symbol("a"))**2)
    0
    """

    def __init__(self, mse: DerivedFunction, penalty: DerivedFunction, lam, *, quadratic: "_Quadratic | None" = None):
        self.mse = mse
        self.penalty = penalty
        self.lam = lam
        total = mse.plus(penalty, lam)
        self._quad = quadratic
        super().__init__(mse.parameters, total._evaluate if quadratic is None else _quadratic_evaluate(quadratic),
                         lambda: total.expr, name=f"C_MSE + {lam}*P", unused_parameters=total.unused_parameters)


def _penalty_gram(model: Model, twirled) -> np.ndarray | None:
    """``D`` with ``P(θ) = a(θ)ᵀ D a(θ)`` over :attr:`Model.words`: ``D = d·1 − LᵀWL``, ``L_iw = Tr(B_i P_w)``,
    ``W = diag(1/‖B_i‖²)`` (``‖T_G[Õ]‖² = Σ_i ⟨B_i, Õ⟩²/‖B_i‖²``, ``‖Õ‖² = d Σ_w a_w²``).  ``None`` when the
    twirl was derived for other words."""
    words = model.words
    if set(twirled.heisenberg.terms) != set(words):
        return None
    index = {w: k for k, w in enumerate(words)}
    L = np.zeros((len(twirled.basis), len(words)))
    weights = np.empty(len(twirled.basis))
    for i, (coords, norm2) in enumerate(twirled.basis):
        weights[i] = 1.0 / to_float(norm2)
        for w, v in coords.items():
            if w in index:
                L[i, index[w]] = to_float(v)
    return model.circuit.dim * np.eye(len(words)) - (L.T * weights) @ L


def penalised_cost(model: Model, labels, group: SymmetryGroup, lam, *, gram: bool = True) -> PenalisedCost:
    """Eq. 6: ``C_P(θ) = C_MSE(θ) + λ ‖T_G[Õ(θ)] − Õ(θ)‖²`` with ``λ ≥ 0``.

    ``gram=True`` (default): value and gradient of the whole cost come from one quadratic form
    ``aᵀ(M + λD)a − 2bᵀa + c`` in the Pauli coefficients ``a(θ)`` of ``Õ(θ)`` (see :func:`mse_cost`; ``D``
    the penalty's form), one trig evaluation per call, independent of the number of points.  Its parts
    :attr:`~PenalisedCost.mse` and :attr:`~PenalisedCost.penalty` (what :func:`~sggd_sym.training.train`
    uses) are the usual ones.  ``gram=False``: the sum of the parts, MSE from the residuals.

    Examples
    --------
    >>> import sympy as sp, sggd_sym as sg
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0)])
    >>> cost = penalised_cost(model, [1], sg.groups.finite([sg.ops.Z]), 2)
    >>> cost([sp.pi / 2]), cost.mse([0.0]), cost.penalty([sp.pi / 2])      # (0 − 1)² + 2 · 2
    (5.0, 0.0, 2.0)
    """
    model = check_model("penalised_cost", model)
    lam_f = _check_lambda("penalised_cost", lam)
    check_circuit_and_group("penalised_cost", model.circuit, group)
    twirled = twirled_observable(model.circuit, model.observable, group)
    penalty = penalty_from(twirled)
    mse = mse_cost(model, labels, gram=gram)
    quadratic = None
    if gram:
        D = _penalty_gram(model, twirled)
        if D is not None:
            y, _ = _labels("penalised_cost", labels, model.n_points, False)
            M, b, c = _data_gram(model.coordinates, y)
            quadratic = _Quadratic(model.linear_map.compiled, M + lam_f * D, b, c)
    return PenalisedCost(mse, penalty, lam, quadratic=quadratic)


def data_invariant(model: Model, group: SymmetryGroup, *, atol: float = DEFAULT_ATOL) -> bool:
    """Whether every data state is ``G``-invariant, ``T_G[ρ(x)] = ρ(x)`` (Eq. 5): then ``C_T = C_MSE`` (Eq. 7).

    Parameters
    ----------
    model : Model
        Its data are checked.
    group : SymmetryGroup
        ``G``, acting on the model's register.
    atol : float, keyword-only
        Numeric data only: ``ρ`` counts as invariant when ``‖T_G[ρ] − ρ‖ ≤ atol · max(1, ‖ρ‖)`` (HS norms,
        the twirl as the projection on the commutant basis).  Exact data are checked exactly.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np, sympy as sp, sggd_sym as sg
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, np.array([np.diag([1.0, 0.0])]))
    >>> data_invariant(model, sg.groups.finite([sg.ops.Z])), data_invariant(model, sg.groups.finite([sg.ops.X]))
    (True, False)
    """
    model = check_model("data_invariant", model)
    check_circuit_and_group("data_invariant", model.circuit, group)
    if model.exact:
        return all(group.is_invariant(rho) for rho in model.states)
    basis = [to_numpy(b, where="data_invariant") for b in group.commutant_basis()]
    for rho in model.states:
        projected = sum(np.vdot(b, rho) * b for b in basis)
        if np.linalg.norm(projected - rho) > atol * max(1.0, np.linalg.norm(rho)):
            return False
    return True


def twirled_cost(model: Model, labels, group: SymmetryGroup, *, warn_invariant: bool = True,
                 gram: bool = True, atol: float = DEFAULT_ATOL) -> DerivedFunction:
    """Eq. 7: ``C_T(θ) = (1/|S|) Σ_x (Tr[T_G[Õ(θ)] ρ(x)] − y(x))²``.

    When every ``ρ(x)`` is ``G``-invariant, ``Tr[T[Õ]ρ] = Tr[Õ T[ρ]] = Tr[Õρ]`` so ``C_T = C_MSE``;
    then an :class:`InvariantDataWarning` says so.

    Parameters
    ----------
    model : Model
        Circuit, observable and data (Eq. 1).
    labels : sequence or array ``(N,)``
        ``y(x)``.
    group : SymmetryGroup
        ``G``, acting on the model's register.
    warn_invariant : bool, keyword-only
        ``False`` silences the warning.
    gram : bool, keyword-only
        As in :func:`mse_cost`.
    atol : float, keyword-only
        Numeric data only: the twirled and plain outputs count as equal (the warning) when they differ by at
        most ``atol · max(1, max |f|)`` at three random parameter points.  Exact data are compared exactly.

    Returns
    -------
    DerivedFunction

    Examples
    --------
    >>> import warnings, sympy as sp, sggd_sym as sg
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0)])
    >>> twirled_cost(model, [1], sg.groups.finite([sg.ops.X])).expr         # T[Õ] = 0 under {I, X}
    1
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = twirled_cost(model, [1], sg.groups.finite([sg.ops.Z]))      # |0⟩⟨0| is Z-invariant
    >>> [w.category.__name__ for w in caught]
    ['InvariantDataWarning']
    """
    model = check_model("twirled_cost", model)
    check_circuit_and_group("twirled_cost", model.circuit, group)
    twirled = twirled_observable(model.circuit, model.observable, group)
    linear = PauliLinearMap(twirled.trig, twirled.twirled_terms, sorted(twirled.twirled_terms))
    if warn_invariant and _same_outputs(model, linear, atol):
        warnings.warn(f"twirled_cost: Tr[T_G[Õ(θ)] ρ(x)] = Tr[Õ(θ) ρ(x)] on every data point (the data are "
                      f"invariant under {group.name} where Õ can see them), so C_T = C_MSE (Eq. 7); the twirled "
                      "cost trains exactly the plain cost. Pass warn_invariant=False to silence this.",
                      InvariantDataWarning, stacklevel=2)
    return _mse_from(linear, model, labels, "C_T", gram)


def _same_outputs(model: Model, twirled_linear: PauliLinearMap, atol: float) -> bool:
    """Whether the twirled and plain outputs agree on all data: exactly in the data's coordinates when
    the data are exact, else at random parameter points to ``atol · max(1, max |f|)``."""
    if model.exact:
        diff = {}
        for w, q in twirled_linear.trig_terms.items():
            diff[w] = q
        for w, q in model.heisenberg.terms.items():
            diff[w] = diff.get(w, model.heisenberg.trig.ring.zero) - q
        words = [w for w, q in diff.items() if q]
        rows = model.exact_coordinates_for(words)
        trig = model.heisenberg.trig
        for row in rows:
            total = trig.ring.zero
            for w, r in zip(words, row):
                if r != 0:
                    total += diff[w] * trig.constant(r)
            if trig.reduce(total):
                return False
        return True
    theta = np.random.default_rng(0).uniform(-np.pi, np.pi, size=(3, len(model.parameters)))
    f_plain, _ = model.linear_map.outputs(theta, model.coordinates)
    f_twirl, _ = twirled_linear.outputs(theta, model.coordinates_for(twirled_linear.words))
    return bool(np.all(np.abs(f_plain - f_twirl) <= atol * max(1.0, float(np.abs(f_plain).max()))))


# -- one data set per parameter row (many seeds at once) -------------------------------------------
class PairedCost:
    """Base of the costs where row ``b`` of a parameter batch is scored on its own data set ``b`` (Eq. 1 per
    row: ``f_{θ_b}(x) = Σ_P a_P(θ_b) r_P(x)`` for ``x`` in data set ``b``).

    Many seeds, each with its own training set, then train in one vectorised run: a subclass offers
    ``value_and_gradient(theta (B, p)) -> ((B,), (B, p))`` like a :class:`~sggd_sym.numeric.DerivedFunction`
    (:class:`PairedMSE`; :class:`~sggd_sym.derived.postprocessed_costs.PairedPostprocessedMSE`).

    Parameters
    ----------
    linear : PauliLinearMap
        The model's Eq. 1 map (:attr:`Model.linear_map`, or the twirled one).
    coords : numpy.ndarray ``(B, N, K)``
        Each data set's Pauli coordinates over ``linear.words``.
    labels : numpy.ndarray ``(B, N)``
        Each data set's labels.
    parameters : tuple of Symbols
        The circuit parameters (the columns of a batch).

    Examples
    --------
    >>> import numpy as np, sympy as sp, sggd_sym as sg
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0)])
    >>> sets = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])         # |+⟩⟨+| over ['X', 'Z'], then |0⟩⟨0|
    >>> PairedCost(model.linear_map, sets, np.ones((2, 1)), model.parameters).outputs(np.zeros((2, 1)))
    array([[0.],
           [1.]])
    """

    def __init__(self, linear: PauliLinearMap, coords: np.ndarray, labels: np.ndarray, parameters):
        self.linear_map = linear
        self.coords = coords
        self.labels = labels
        self.parameters = tuple(parameters)

    def check_batch(self, theta) -> np.ndarray:
        """``theta`` as a float array of shape ``(B, p)`` (one row per data set), or the package's error."""
        theta = np.asarray(theta, dtype=float)
        if theta.ndim != 2 or theta.shape != (self.coords.shape[0], len(self.parameters)):
            raise InputValueError(f"{type(self).__name__}: expected a parameter batch of shape "
                                  f"({self.coords.shape[0]}, {len(self.parameters)}), got {theta.shape}")
        return theta

    def outputs_and_jacobian(self, theta):
        """``f`` ``(B, N)`` and ``∂f/∂θ`` ``(B, N, p)``, row ``b`` of ``theta`` on data set ``b`` (Eq. 1)."""
        return self.linear_map.outputs_paired(self.check_batch(theta), self.coords)

    def outputs(self, theta) -> np.ndarray:
        """The model outputs ``f`` ``(B, N)``, row ``b`` of ``theta`` on data set ``b`` (Eq. 1)."""
        return self.outputs_and_jacobian(theta)[0]

    def value_and_gradient(self, theta):
        """``((B,), (B, p))``: the cost of each row on its own data set, and its gradient."""
        raise NotImplementedError(f"{type(self).__name__} defines no cost; use PairedMSE or a subclass")

    def __call__(self, theta):
        return self.value_and_gradient(theta)[0]


class PairedMSE(PairedCost):
    """``C_MSE`` (Eq. 6 without the penalty; ``C_T`` of Eq. 7 with a twirled map) where row ``b`` of a
    parameter batch is scored on its own data set ``b``.

    Built by :func:`paired_mse_cost`.  ``gram=True``: one Gram form ``aᵀMa − 2bᵀa + c`` per data set (see
    :func:`mse_cost`); ``gram=False``: the residuals on every point.  Other parameters as :class:`PairedCost`.

    Examples
    --------
    >>> import numpy as np, sympy as sp, sggd_sym as sg
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0)])
    >>> sets = np.array([[[0.0, 1.0]], [[0.0, 1.0]]])         # |0⟩⟨0| twice, labels +1 and −1
    >>> cost = PairedMSE(model.linear_map, sets, np.array([[1.0], [-1.0]]), model.parameters)
    >>> cost.value_and_gradient(np.zeros((2, 1)))[0]
    array([0., 4.])
    """

    def __init__(self, linear: PauliLinearMap, coords: np.ndarray, labels: np.ndarray, parameters, *,
                 gram: bool = True):
        super().__init__(linear, coords, labels, parameters)
        self.gram = gram
        if gram:  # one Gram form per data set: M (B, K, K), b (B, K), c (B,) (see mse_cost)
            n = coords.shape[1]
            self._M = np.matmul(np.swapaxes(coords, 1, 2), coords) / n
            self._b = np.matmul(labels[:, None, :], coords)[:, 0, :] / n
            self._c = np.einsum("bn,bn->b", labels, labels) / n

    def value_and_gradient(self, theta):
        a, jac = self.linear_map.compiled.values_and_jacobian(self.check_batch(theta))
        if self.gram:
            h = np.matmul(self._M, a[:, :, None])[:, :, 0]                 # M_b a_b
            value = np.einsum("bk,bk->b", a, h - 2.0 * self._b) + self._c
            return value, np.matmul((2.0 * (h - self._b))[:, None, :], jac)[:, 0, :]
        r = np.matmul(self.coords, a[:, :, None])[:, :, 0] - self.labels
        n = r.shape[1]
        weighted = np.matmul(r[:, None, :], self.coords)[:, 0, :]  # (B, K): data contracted first
        return np.mean(r**2, axis=1), (2.0 / n) * np.einsum("bk,bkp->bp", weighted, jac)


def paired_mse_cost(model: Model, data_sets, label_sets, *, group: SymmetryGroup | None = None,
                    gram: bool = True) -> PairedMSE:
    """``C_MSE`` (Eq. 6 without the penalty; ``C_T`` of Eq. 7 when ``group`` is given) of ``model``'s circuit
    on ``B`` data sets at once, one per parameter row.

    Parameters
    ----------
    model : Model
        Circuit and observable (its own data are not used).
    data_sets : array ``(B, N, d, d)`` or sequence of ``B`` data sets
        Numeric states, or ``B`` data sets of ``N`` states each in any form
        :class:`~sggd_sym.data.pauli_data.PauliData` reads (e.g. :class:`~sggd_sym.data.pauli_data.ProductStates`,
        which never forms a ``d × d`` matrix).
    label_sets : array ``(B, N)``
    group : SymmetryGroup or None, keyword-only
        ``G`` for the twirled cost.
    gram : bool, keyword-only
        As in :func:`mse_cost` (one ``(K, K)`` Gram matrix per data set).

    Returns
    -------
    PairedMSE

    Examples
    --------
    >>> import numpy as np, sympy as sp, sggd_sym as sg
    >>> model = Model(sg.Circuit(1).ry(sp.Symbol("a"), 0), sg.ops.Z, [sp.diag(1, 0)])
    >>> zero = np.diag([1.0, 0.0])
    >>> paired_mse_cost(model, np.array([[zero], [zero]]), [[1.0], [-1.0]])(np.zeros((2, 1)))
    array([0., 4.])
    """
    model = check_model("paired_mse_cost", model)
    d = model.circuit.dim
    n = model.circuit.n_qubits
    if isinstance(data_sets, (list, tuple)) and data_sets and all(
            isinstance(s, (PauliData, ProductStates)) for s in data_sets):
        sets = [PauliData(s, n) for s in data_sets]
    else:
        arr = np.asarray(data_sets, dtype=complex)
        if arr.ndim != 4 or arr.shape[2:] != (d, d):
            _checks.fail("paired_mse_cost", f"data_sets expected shape (B, N, {d}, {d}) or a list of ProductStates, "
                         f"got {arr.shape}")
        sets = [PauliData(a, n) for a in arr]
    labels = np.asarray(label_sets, dtype=float)
    linear = model.linear_map
    if group is not None:
        check_circuit_and_group("paired_mse_cost", model.circuit, group)
        twirled = twirled_observable(model.circuit, model.observable, group)
        linear = PauliLinearMap(twirled.trig, twirled.twirled_terms, sorted(twirled.twirled_terms))
    linear, coords = linear.restricted_to(np.stack([s.coordinates(linear.words) for s in sets]))
    if labels.shape != coords.shape[:2] or not np.all(np.isfinite(labels)):
        _checks.fail("paired_mse_cost", f"label_sets expected finite values of shape {coords.shape[:2]}, "
                     f"got {labels.shape}")
    return PairedMSE(linear, coords, labels, model.parameters, gram=gram)
