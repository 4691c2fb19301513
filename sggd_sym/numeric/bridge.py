"""The one bridge from exact derivations to numpy (SPEC §5, STYLE §3).

* :data:`DEFAULT_ATOL` — the package's one default tolerance for numeric comparisons; every function
  that compares floats takes it as the keyword-only ``atol`` (documented where it is scaled).
* :func:`to_numpy`, :func:`to_float` — exact SymPy matrices and numbers as numpy values (symbol-free only).
* :func:`lambdify_checked` turns a SymPy expression into a numpy (or JAX, autograd) function with an
  ordered argument tuple, common-subexpression elimination, and a check that no
  free symbol is left over.
* :class:`DerivedFunction` is what the package returns for a derived quantity of
  the circuit parameters (penalty, cost, …): the exact expression (built lazily,
  for display and proofs) plus a compiled numeric evaluator of value and gradient,
  vectorised over batches of parameter vectors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import sympy as sp

from sggd_sym import _checks
from sggd_sym.exceptions import InputTypeError, InputValueError

__all__ = ["DEFAULT_ATOL", "to_numpy", "to_float", "lambdify_checked", "apply_to_qubits", "DerivedFunction"]

#: Default absolute tolerance of numeric comparisons (data validity, invariance checks, rational recognition).
#: Where a comparison is scale-aware it is ``atol · max(1, |reference|)``, and the docstring says so.
#: Far above float64 rounding of the package's O(4ⁿ)-term sums, far below any physically meaningful gap.
DEFAULT_ATOL = 1e-9


def _free_symbols(expr) -> set:
    if isinstance(expr, (list, tuple)):
        return set().union(*(_free_symbols(e) for e in expr)) if expr else set()
    return set(getattr(expr, "free_symbols", ()))


def to_numpy(matrix, *, where: str = "to_numpy") -> np.ndarray:
    """An exact, symbol-free SymPy matrix (or nested list of exact numbers) as a complex numpy array.

    >>> to_numpy(sp.Matrix([[1, sp.I], [-sp.I, sp.sqrt(2)]]))
    array([[1.        +0.j, 0.        +1.j],
           [0.        -1.j, 1.41421356+0.j]])
    """
    # nested lists go through the input layer (it refuses text and floats), never through sympy.Matrix(text)
    m = matrix if isinstance(matrix, sp.MatrixBase) else _checks.exact_matrix(where, "matrix", matrix)
    if m.free_symbols:
        raise InputValueError(f"{where}: the matrix still depends on {sorted(map(str, m.free_symbols))}; "
                              "substitute values first")
    return np.array([[complex(e) for e in row] for row in m.tolist()], dtype=complex)


def to_float(value, *, where: str = "to_float", digits: int = 17) -> float:
    """An exact real SymPy number as the nearest float (evaluated to ``digits`` significant digits first,
    so that ``sqrt(2)/2`` or ``pi/3`` round once).

    >>> to_float(sp.sqrt(2) / 2)
    0.7071067811865476
    """
    number = _checks.exact_number(where, "value", value, symbols=True)
    if number.free_symbols:
        raise InputValueError(f"{where}: {number} still depends on {sorted(map(str, number.free_symbols))}")
    return float(sp.re(sp.N(number, digits)))


def lambdify_checked(arguments: Sequence[sp.Symbol], expr, *, where: str = "lambdify",
                     modules="numpy") -> Callable:
    """``sympy.lambdify(arguments, expr, modules, cse=True)`` after checking no other symbol remains.

    ``modules`` is ``"numpy"`` (default), ``"jax"`` or anything :func:`sympy.lambdify` accepts (e.g. the
    namespace of ``autograd.numpy``).  ``expr`` may be a list of expressions.

    >>> t = sp.Symbol("t")
    >>> float(lambdify_checked((t,), sp.cos(t) ** 2)(0.0))
    1.0
    """
    arguments = tuple(arguments)
    leftover = _free_symbols(expr) - set(arguments)
    if leftover:
        names = ", ".join(sorted(map(str, leftover)))
        raise InputValueError(f"{where}: the expression still depends on {names}, which are not among the "
                              f"arguments {arguments}; substitute them or add them to the arguments")
    return sp.lambdify(arguments, expr, modules=modules, cse=True)


def apply_to_qubits(tensor: np.ndarray, matrix: np.ndarray, qubits) -> np.ndarray:
    """Apply a ``k``-qubit ``matrix`` to the axes ``qubits`` of a ``(2,)*n + rest`` tensor (qubit 0 first).

    The package's numeric gate application (e.g. :meth:`sggd_sym.Circuit.unitary_numeric`); the witness
    :mod:`sggd_sym.sim` keeps its own on purpose, so that the two can be compared.

    >>> state = np.array([1, 0, 0, 0], dtype=complex).reshape(2, 2)        # |00⟩
    >>> apply_to_qubits(state, np.array([[0, 1], [1, 0]]), (1,)).reshape(4)  # X on qubit 1: |01⟩
    array([0.+0.j, 1.+0.j, 0.+0.j, 0.+0.j])
    """
    qubits = list(qubits)
    k = len(qubits)
    matrix = np.asarray(matrix)
    if matrix.shape != (2**k, 2**k) or len(set(qubits)) != k or not all(
            isinstance(q, (int, np.integer)) and 0 <= q < tensor.ndim and tensor.shape[q] == 2 for q in qubits):
        raise InputValueError(f"apply_to_qubits: a {2**k}x{2**k} matrix on {k} distinct qubit axes of the tensor "
                              f"was expected, got matrix shape {matrix.shape}, qubits {qubits}, tensor shape "
                              f"{np.shape(tensor)}")
    moved = np.tensordot(matrix.reshape((2,) * (2 * k)), tensor, axes=(list(range(k, 2 * k)), qubits))
    return np.moveaxis(moved, list(range(k)), qubits)


class DerivedFunction:
    """A closed-form function of the circuit parameters, exact and compiled.

    Parameters
    ----------
    parameters : tuple of Symbols, the argument order.
    evaluate : callable ``theta (B, p) -> (values (B,), gradients (B, p))`` (numpy, vectorised).
    build_expr : callable returning the exact SymPy expression (called once, lazily).
    name : short description used in ``repr``.

    Calling it on one parameter vector returns a float; on an array of shape ``(B, p)`` an array ``(B,)``.

    Examples
    --------
    The Werner penalty of Eq. 11, ``P(θ) = (3/4)(1 − cos θ)(3 + cos θ)``, as made by ``sggd_sym.penalty``:

    >>> import sggd_sym as sg
    >>> P = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    >>> P.expr
    -3*(cos(theta) - 1)*(cos(theta) + 3)/4
    >>> round(P([np.pi]), 6), P.at([sp.pi]), np.round(P.gradient([np.pi / 2]), 6).tolist()
    (3.0, 3, [1.5])

    Built by hand from a vectorised evaluator and an exact expression:

    >>> t = sp.Symbol("t")
    >>> f = DerivedFunction((t,), lambda th: (np.cos(th[:, 0]), -np.sin(th)), lambda: sp.cos(t), name="cos")
    >>> f, f([[0.0], [np.pi]]).tolist()
    (<DerivedFunction cos of (t,)>, [1.0, -1.0])
    """

    def __init__(self, parameters, evaluate, build_expr, *, name: str = "derived function",
                 unused_parameters=(), jax_builder=None):
        self.parameters = tuple(parameters)
        # optional: () -> pure jnp function theta (p,) -> scalar (see sggd_sym.numeric.jax_backend.to_jax)
        self._jax_builder = jax_builder
        self._evaluate = evaluate
        self._build_expr = build_expr
        self._expr = None
        self.name = name
        self.unused_parameters = tuple(unused_parameters)

    def __repr__(self) -> str:
        return f"<DerivedFunction {self.name} of {self.parameters}>"

    @property
    def expr(self) -> sp.Expr:
        """The exact SymPy expression in :attr:`parameters`."""
        if self._expr is None:
            self._expr = self._build_expr()
        return self._expr

    def latex(self) -> str:
        """LaTeX of :attr:`expr`."""
        return sp.latex(self.expr)

    def _batch(self, values, method: str = "__call__") -> tuple[np.ndarray, bool]:
        where = f"{self.name}.{method}"
        arr = _checks.real_array(where, "values (the parameter values)", values, max_ndim=2)
        single = arr.ndim <= 1
        arr = arr.reshape(1, -1) if single else arr
        if arr.shape[-1] != len(self.parameters):
            raise InputValueError(f"{where}: expected {len(self.parameters)} parameter values "
                                  f"{self.parameters}, got {arr.shape[-1]}")
        return arr, single

    def __call__(self, values):
        arr, single = self._batch(values)
        value, _ = self._evaluate(arr)
        return float(value[0]) if single else value

    def gradient(self, values) -> np.ndarray:
        """``∇_θ`` of the function: shape ``(p,)``, or ``(B, p)`` for a batch.

        >>> t = sp.Symbol("t")
        >>> f = DerivedFunction((t,), lambda th: (np.cos(th[:, 0]), -np.sin(th)), lambda: sp.cos(t))
        >>> f.gradient([np.pi / 2]).tolist()
        [-1.0]
        """
        arr, single = self._batch(values, "gradient")
        _, grad = self._evaluate(arr)
        return grad[0] if single else grad

    def value_and_gradient(self, values):
        """Both at once (one pass): ``(float, (p,))`` or ``((B,), (B, p))``."""
        arr, single = self._batch(values, "value_and_gradient")
        value, grad = self._evaluate(arr)
        return (float(value[0]), grad[0]) if single else (value, grad)

    def at(self, values: dict | Sequence) -> sp.Expr:
        """Exact value at exact parameter values (a dict or a sequence in parameter order).

        >>> t = sp.Symbol("t")
        >>> f = DerivedFunction((t,), lambda th: (np.cos(th[:, 0]), -np.sin(th)), lambda: sp.cos(t))
        >>> f.at([sp.pi / 3]), f.at({t: sp.pi})
        (1/2, -1)
        """
        where = f"{self.name}.at"
        if isinstance(values, dict):
            unknown = [k for k in values if k not in self.parameters]
            if unknown:
                raise InputValueError(f"{where}: values names {unknown!r}, which are not among the parameters "
                                      f"{self.parameters}")
            items = list(values.items())
        elif isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
            raise InputTypeError(f"{where}: values expected a dict {{parameter: exact value}} or a list in "
                                 f"parameter order, got {type(values).__name__}")
        else:
            values = list(values)
            if len(values) != len(self.parameters):
                raise InputValueError(f"{where}: expected {len(self.parameters)} values for {self.parameters}, "
                                      f"got {len(values)}")
            items = list(zip(self.parameters, values))
        subs = {k: _checks.exact_number(where, f"values[{k}]", v, symbols=True) for k, v in items}
        return sp.simplify(self.expr.subs(subs))

    def __add__(self, other: "DerivedFunction") -> "DerivedFunction":
        return self.plus(other)

    def plus(self, other: "DerivedFunction", weight=1) -> "DerivedFunction":
        """``self + weight · other`` (same parameters), exact and compiled; e.g. ``C_P = C_MSE + λP`` (Eq. 6).

        ``weight`` is an exact number or a float (kept as the nearest simple rational in :attr:`expr`).

        >>> t = sp.Symbol("t")
        >>> f = DerivedFunction((t,), lambda th: (np.cos(th[:, 0]), -np.sin(th)), lambda: sp.cos(t))
        >>> g = f.plus(f, weight=0.5)
        >>> g.expr, g(0.0)
        (3*cos(t)/2, 1.5)
        """
        if not isinstance(other, DerivedFunction) or other.parameters != self.parameters:
            raise InputValueError("DerivedFunction: can only combine functions of the same parameters")
        exact = self._exact_factor("plus", "weight", weight)
        w = float(exact)

        def evaluate(theta):
            v1, g1 = self._evaluate(theta)
            v2, g2 = other._evaluate(theta)
            return v1 + w * v2, g1 + w * g2

        label = other.name if exact == 1 else f"{weight}*{other.name}"
        return DerivedFunction(self.parameters, evaluate, lambda: self.expr + exact * other.expr,
                               name=f"({self.name} + {label})",
                               unused_parameters=tuple(p for p in self.unused_parameters
                                                       if p in other.unused_parameters))

    def _exact_factor(self, method: str, name: str, factor) -> sp.Expr:
        if isinstance(factor, (float, np.floating)) and np.isfinite(factor):
            return sp.nsimplify(factor)
        exact = _checks.exact_number(f"{self.name}.{method}", name, factor)
        if not exact.is_real:
            raise InputValueError(f"{self.name}.{method}: {name} must be real, got {exact}")
        return exact

    def scaled(self, factor) -> "DerivedFunction":
        """``factor · self`` (``factor`` an exact or float number).

        >>> t = sp.Symbol("t")
        >>> f = DerivedFunction((t,), lambda th: (np.cos(th[:, 0]), -np.sin(th)), lambda: sp.cos(t))
        >>> f.scaled(sp.Rational(1, 3)).expr, f.scaled(2)(0.0)
        (cos(t)/3, 2.0)
        """
        exact = self._exact_factor("scaled", "factor", factor)
        f = float(exact)

        def evaluate(theta):
            v, g = self._evaluate(theta)
            return f * v, f * g

        return DerivedFunction(self.parameters, evaluate, lambda: exact * self.expr,
                               name=f"{factor}*{self.name}", unused_parameters=self.unused_parameters)
