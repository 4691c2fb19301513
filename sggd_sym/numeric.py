"""The one bridge from exact derivations to numpy (SPEC §5, STYLE §3).

* :func:`lambdify_checked` turns a SymPy expression into a numpy function with an
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

from .exceptions import InputValueError

__all__ = ["lambdify_checked", "DerivedFunction"]


def lambdify_checked(arguments: Sequence[sp.Symbol], expr, *, where: str = "lambdify") -> Callable:
    """``sympy.lambdify(arguments, expr, "numpy", cse=True)`` after checking no other symbol remains."""
    arguments = tuple(arguments)
    expr_free = getattr(expr, "free_symbols", set())
    leftover = set(expr_free) - set(arguments)
    if leftover:
        names = ", ".join(sorted(map(str, leftover)))
        raise InputValueError(f"{where}: the expression still depends on {names}, which are not among the "
                              f"arguments {arguments}; substitute them or add them to the arguments")
    return sp.lambdify(arguments, expr, modules="numpy", cse=True)


class DerivedFunction:
    """A closed-form function of the circuit parameters, exact and compiled.

    Parameters
    ----------
    parameters : tuple of Symbols, the argument order.
    evaluate : callable ``theta (B, p) -> (values (B,), gradients (B, p))`` (numpy, vectorised).
    build_expr : callable returning the exact SymPy expression (called once, lazily).
    name : short description used in ``repr``.

    Calling it on one parameter vector returns a float; on an array of shape ``(B, p)`` an array ``(B,)``.
    """

    def __init__(self, parameters, evaluate, build_expr, *, name: str = "derived function",
                 unused_parameters=()):
        self.parameters = tuple(parameters)
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

    def _batch(self, values) -> tuple[np.ndarray, bool]:
        arr = np.asarray(values, dtype=float)
        single = arr.ndim <= 1
        arr = arr.reshape(1, -1) if single else arr
        if arr.shape[-1] != len(self.parameters):
            raise InputValueError(f"{self.name}: expected {len(self.parameters)} parameter values "
                                  f"{self.parameters}, got {arr.shape[-1]}")
        if not np.all(np.isfinite(arr)):
            raise InputValueError(f"{self.name}: parameter values must be finite (got NaN or inf)")
        return arr, single

    def __call__(self, values):
        arr, single = self._batch(values)
        value, _ = self._evaluate(arr)
        return float(value[0]) if single else value

    def gradient(self, values) -> np.ndarray:
        """``∇_θ`` of the function: shape ``(p,)``, or ``(B, p)`` for a batch."""
        arr, single = self._batch(values)
        _, grad = self._evaluate(arr)
        return grad[0] if single else grad

    def value_and_gradient(self, values):
        """Both at once (one pass): ``(float, (p,))`` or ``((B,), (B, p))``."""
        arr, single = self._batch(values)
        value, grad = self._evaluate(arr)
        return (float(value[0]), grad[0]) if single else (value, grad)

    def at(self, values: dict | Sequence) -> sp.Expr:
        """Exact value at exact parameter values (a dict or a sequence in parameter order)."""
        subs = values if isinstance(values, dict) else dict(zip(self.parameters, values))
        return sp.simplify(self.expr.subs(subs))

    def __add__(self, other: "DerivedFunction") -> "DerivedFunction":
        return self._combine(other, 1.0, "+")

    def _combine(self, other: "DerivedFunction", weight: float, op: str) -> "DerivedFunction":
        if not isinstance(other, DerivedFunction) or other.parameters != self.parameters:
            raise InputValueError("DerivedFunction: can only combine functions of the same parameters")

        def evaluate(theta):
            v1, g1 = self._evaluate(theta)
            v2, g2 = other._evaluate(theta)
            return v1 + weight * v2, g1 + weight * g2

        return DerivedFunction(self.parameters, evaluate, lambda: self.expr + weight * other.expr,
                               name=f"({self.name} {op} {other.name})",
                               unused_parameters=tuple(p for p in self.unused_parameters
                                                       if p in other.unused_parameters))

    def scaled(self, factor) -> "DerivedFunction":
        """``factor · self`` (``factor`` an exact or float number)."""
        f = float(factor)

        def evaluate(theta):
            v, g = self._evaluate(theta)
            return f * v, f * g

        return DerivedFunction(self.parameters, evaluate, lambda: sp.nsimplify(factor) * self.expr,
                               name=f"{factor}*{self.name}", unused_parameters=self.unused_parameters)
