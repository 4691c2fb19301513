"""Derived quantities out to PennyLane training loops (autograd or JAX).

* :func:`to_pennylane_penalty` — the SGGD penalty of Eq. 6 (any :class:`~sggd_sym.DerivedFunction`) as a
  function of a parameter array, differentiable under PennyLane's autograd interface (``qml.grad``) and
  under JAX (``jax.grad``).  ``method="lambdify"`` compiles the exact ``.expr`` for the target array
  library (``sympy.lambdify`` with common-subexpression elimination); ``method="primitive"``
  (autograd only) wraps the package's compiled evaluator as an autograd primitive whose VJP is the exact
  gradient — faster for large models.
* :func:`twirled_pauli_terms` — ``T_G[Õ(θ)] = Σ_P t_P(θ) P`` (Eq. 5) as ``[(t_P expression, word)]``, and
  :func:`pennylane_observable` to build it as a PennyLane operator at given parameter values.

Penalty usage: ``cost(θ) + λ·penalty(θ)`` with ``θ`` ordered as ``derived.parameters``.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..exceptions import InputTypeError, InputValueError
from ..numeric import DerivedFunction
from . import missing_extra

__all__ = ["to_pennylane_penalty", "twirled_pauli_terms", "pennylane_observable", "lambdify_for"]

_INTERFACES = ("autograd", "jax")


def lambdify_for(arguments, expr, interface: str):
    """``sympy.lambdify(arguments, expr, <autograd.numpy | jax.numpy>, cse=True)`` after checking that no
    other symbol remains (the array-library twin of :func:`sggd_sym.numeric.lambdify_checked`)."""
    arguments = tuple(arguments)
    leftover = set(getattr(expr, "free_symbols", set())) - set(arguments)
    if leftover:
        raise InputValueError(f"lambdify_for: the expression still depends on {sorted(map(str, leftover))}, which "
                              f"are not among the arguments {arguments}")
    if interface == "autograd":
        try:
            import autograd.numpy as anp
        except ImportError:
            raise missing_extra("autograd", "pennylane") from None
        # autograd's functions shadow numpy's by name; the NumPy printer writes plain names (cos, sin, …).
        return sp.lambdify(arguments, expr, modules=[dict(vars(anp)), "numpy"], cse=True)
    try:
        import jax  # noqa: F401
    except ImportError:
        raise missing_extra("jax", "jax") from None
    return sp.lambdify(arguments, expr, modules="jax", cse=True)


def to_pennylane_penalty(derived: DerivedFunction, interface: str = "autograd", *, method: str = "lambdify"):
    """The derived penalty as ``f(params) -> scalar``, differentiable under ``interface``.

    ``params`` is a 1-D array (PennyLane ``numpy`` tensor, autograd box or JAX array) ordered as
    ``derived.parameters``.  The gradient under ``qml.grad``/``jax.grad`` equals ``derived.gradient``
    (Eq. 6 differentiated exactly).
    """
    if not isinstance(derived, DerivedFunction):
        raise InputTypeError(f"to_pennylane_penalty: derived expected a sggd_sym DerivedFunction (e.g. "
                             f"sg.penalty(circuit, O, G)), got {type(derived).__name__}")
    if interface not in _INTERFACES:
        raise InputValueError(f"to_pennylane_penalty: interface must be one of {_INTERFACES}, got {interface!r}")
    if method not in ("lambdify", "primitive"):
        raise InputValueError(f"to_pennylane_penalty: method must be 'lambdify' or 'primitive', got {method!r}")
    p = len(derived.parameters)
    if method == "primitive":
        if interface != "autograd":
            raise InputValueError("to_pennylane_penalty: method='primitive' is for the autograd interface; "
                                  "use method='lambdify' with JAX")
        return _autograd_primitive(derived)
    fn = lambdify_for(derived.parameters, derived.expr, interface)

    def penalty(params):
        if np.shape(params) != (p,):
            raise InputValueError(f"penalty: expected {p} parameters {derived.parameters}, got shape "
                                  f"{np.shape(params)}")
        return fn(*[params[j] for j in range(p)])

    penalty.__doc__ = f"{derived.name} of {derived.parameters} ({interface})"
    return penalty


def _autograd_primitive(derived: DerivedFunction):
    try:
        from autograd.extend import defvjp, primitive
    except ImportError:
        raise missing_extra("autograd", "pennylane") from None

    @primitive
    def penalty(params):
        return derived(np.asarray(params, dtype=float))

    defvjp(penalty, lambda ans, params: lambda g: g * derived.gradient(np.asarray(params, dtype=float)))
    return penalty


def twirled_pauli_terms(twirled) -> list[tuple[sp.Expr, str]]:
    """``T_G[Õ(θ)] = Σ_P t_P(θ) P`` as a list of ``(t_P, word)`` (exact expressions, sorted by word).

    ``twirled`` is a :class:`~sggd_sym.twirling.TwirledObservable`; ``word[k]`` acts on qubit ``k``.
    """
    terms = getattr(twirled, "twirled_terms", None)
    if terms is None:
        raise InputTypeError("twirled_pauli_terms: twirled expected a TwirledObservable "
                             f"(sg.twirled_observable(circuit, O, G)), got {type(twirled).__name__}")
    return [(twirled.trig.to_expr(poly), word) for word, poly in sorted(terms.items())]


def pennylane_observable(twirled, values, *, wires=None):
    """``T_G[Õ(θ)]`` at parameter ``values`` (ordered as ``twirled.parameters``) as a PennyLane operator
    (``qml.dot`` of coefficients and Pauli words; ``wires[k]`` is qubit ``k``, default ``0..n−1``)."""
    try:
        import pennylane as qml
    except ImportError:
        raise missing_extra("pennylane", "pennylane") from None
    params = tuple(twirled.parameters)
    values = np.asarray(values, dtype=float).reshape(-1)
    if values.size != len(params):
        raise InputValueError(f"pennylane_observable: expected {len(params)} values for {params}, got {values.size}")
    n = twirled.heisenberg.n_qubits
    wires = list(range(n)) if wires is None else list(wires)
    if len(wires) != n:
        raise InputValueError(f"pennylane_observable: wires must name {n} wires, got {wires}")
    terms = twirled_pauli_terms(twirled)
    fn = sp.lambdify(params, [e for e, _ in terms], modules="numpy", cse=True)
    coeffs = [float(np.real(c)) for c in fn(*values)]
    words = [qml.pauli.string_to_pauli_word(w, wire_map={k: wires[k] for k in range(n)})
             if set(w) != {"I"} else qml.Identity(wires[0]) for _, w in terms]
    return qml.dot(coeffs, words)
