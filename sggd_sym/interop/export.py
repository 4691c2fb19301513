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

from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.interop import missing_extra
from sggd_sym.numeric.bridge import DerivedFunction, lambdify_checked

__all__ = ["to_pennylane_penalty", "twirled_pauli_terms", "pennylane_observable", "exact_terms", "numeric_pauli_terms",
           "lambdify_for"]

_INTERFACES = ("autograd", "jax")


def lambdify_for(arguments, expr, interface: str):
    """:func:`sggd_sym.numeric.bridge.lambdify_checked` for the array library of a PennyLane interface
    (``"autograd"`` → ``autograd.numpy``, ``"jax"`` → ``jax.numpy``), so that gradients flow through it."""
    if interface == "autograd":
        try:
            import autograd.numpy as anp
        except ImportError:
            raise missing_extra("autograd", "pennylane") from None
        # autograd's functions shadow numpy's by name; the NumPy printer writes plain names (cos, sin, …).
        return lambdify_checked(arguments, expr, where="lambdify_for", modules=[dict(vars(anp)), "numpy"])
    try:
        import jax  # noqa: F401
    except ImportError:
        raise missing_extra("jax", "jax") from None
    return lambdify_checked(arguments, expr, where="lambdify_for", modules="jax")


def to_pennylane_penalty(derived: DerivedFunction, interface: str = "autograd", *, method: str = "lambdify"):
    """The derived penalty as ``f(params) -> scalar``, differentiable under ``interface``.

    ``params`` is a 1-D array (PennyLane ``numpy`` tensor, autograd box or JAX array) ordered as
    ``derived.parameters``, or any array with that many elements — such as the weight tensor of a PennyLane
    template imported with :func:`~sggd_sym.interop.from_pennylane`, whose layout it is (C order).  The gradient under ``qml.grad``/``jax.grad`` equals ``derived.gradient``
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
    if interface == "jax":
        return _jax_penalty(derived)
    fn = lambdify_for(derived.parameters, derived.expr, interface)

    def penalty(params):
        shape = np.shape(params)
        if shape != (p,):
            if int(np.prod(shape)) != p:
                raise InputValueError(f"penalty: expected {p} parameters {derived.parameters}, got shape {shape}")
            params = params.reshape((p,))  # an argument-shaped weight tensor, flattened in C order
        return fn(*[params[j] for j in range(p)])

    penalty.__doc__ = f"{derived.name} of {derived.parameters} ({interface})"
    return penalty


def _jax_penalty(derived: DerivedFunction):
    """JAX: the compiled monomial tables in ``jnp`` (:mod:`sggd_sym.numeric.jax_backend`), not a lambdified tree."""
    try:
        from sggd_sym.numeric import jax_backend
    except ImportError:
        raise missing_extra("jax", "jax") from None
    fn = jax_backend.to_jax(derived)
    p = len(derived.parameters)

    def penalty(params):
        shape = np.shape(params)
        if shape != (p,):
            if int(np.prod(shape)) != p:
                raise InputValueError(f"penalty: expected {p} parameters {derived.parameters}, got shape {shape}")
            params = params.reshape((p,))  # an argument-shaped weight tensor, flattened in C order
        return fn(params)

    penalty.__doc__ = f"{derived.name} of {derived.parameters} (jax, compiled monomials)"
    return penalty


def _autograd_primitive(derived: DerivedFunction):
    try:
        from autograd.extend import defvjp, primitive
    except ImportError:
        raise missing_extra("autograd", "pennylane") from None

    @primitive
    def penalty(params):
        return derived(np.asarray(params, dtype=float).reshape(-1))

    defvjp(penalty, lambda ans, params: lambda g: g * derived.gradient(
        np.asarray(params, dtype=float).reshape(-1)).reshape(np.shape(params)))
    return penalty


def twirled_pauli_terms(twirled) -> list[tuple[sp.Expr, str]]:
    """``T_G[Õ(θ)] = Σ_P t_P(θ) P`` as a list of ``(t_P, word)`` (exact expressions, sorted by word).

    ``twirled`` is a :class:`~sggd_sym.symmetry.twirling.TwirledObservable`; ``word[k]`` acts on qubit ``k``.
    """
    terms = getattr(twirled, "twirled_terms", None)
    if terms is None:
        raise InputTypeError("twirled_pauli_terms: twirled expected a TwirledObservable "
                             f"(sg.twirled_observable(circuit, O, G)), got {type(twirled).__name__}")
    return [(twirled.trig.to_expr(poly), word) for word, poly in sorted(terms.items())]


def exact_terms(observable, where: str = "exact_terms") -> tuple[list[tuple[str, sp.Expr]], tuple[sp.Symbol, ...]]:
    """``([(word, exact coefficient)], parameters)`` of a :class:`~sggd_sym.symmetry.twirling.TwirledObservable`
    (``T_G[Õ(θ)]``, parameters ``twirled.parameters``), a ``{word: coefficient}`` mapping or an exact
    SymPy matrix (parameters: their free Symbols sorted by name)."""
    if hasattr(observable, "twirled_terms") and hasattr(observable, "trig"):
        return [(w, e) for e, w in twirled_pauli_terms(observable)] or [("I" * observable.heisenberg.n_qubits,
                                                                          sp.Integer(0))], tuple(observable.parameters)
    if isinstance(observable, sp.MatrixBase):
        m = sp.Matrix(observable)
        if m.rows != m.cols or m.rows < 2 or m.rows & (m.rows - 1):
            raise InputValueError(f"{where}: the matrix must be square of size 2**n, got {m.shape}")
        if m.free_symbols:
            terms = _symbolic_pauli_decompose(m)
        else:
            from sggd_sym.algebra import ops

            terms = ops.pauli_decompose(m)
            terms = terms or {"I" * (m.rows.bit_length() - 1): sp.Integer(0)}
        pairs = sorted(terms.items())
    elif hasattr(observable, "items"):
        from sggd_sym.interop.exact import exact_pauli_terms

        symbolic = {w: c for w, c in observable.items() if isinstance(c, sp.Basic) and c.free_symbols}
        constant = exact_pauli_terms({w: c for w, c in observable.items() if w not in symbolic} or
                                     {next(iter(observable)): 0}, where)
        merged = dict(constant)
        for w, c in symbolic.items():
            if c.has(sp.Float):
                raise InputValueError(f"{where}: the coefficient {c} of {w} contains floats; keep it exact")
            merged[w.upper()] = sp.expand(merged.get(w.upper(), sp.Integer(0)) + c)
        pairs = sorted(merged.items())
    else:
        raise InputTypeError(f"{where}: expected a TwirledObservable, a {{Pauli word: coefficient}} dict or an exact "
                             f"SymPy matrix, got {type(observable).__name__}")
    free = set().union(*[c.free_symbols for _, c in pairs])
    return pairs, tuple(sorted(free, key=lambda s: s.name))


def _symbolic_pauli_decompose(m: sp.Matrix) -> dict[str, sp.Expr]:
    from itertools import product

    from sggd_sym.algebra import ops

    n = m.rows.bit_length() - 1
    out = {}
    for letters in product("IXYZ", repeat=n):
        word = "".join(letters)
        c = sp.expand((ops.pauli(word) * m).trace() / m.rows)
        if c != 0:
            out[word] = c
    return out or {"I" * n: sp.Integer(0)}


def _depends(pairs) -> bool:
    return any(c.free_symbols for _, c in pairs)


def numeric_pauli_terms(observable, values=None, where: str = "numeric_pauli_terms") -> list[tuple[str, complex]]:
    """``[(word, complex coefficient)]`` of an observable accepted by :func:`exact_terms`, at parameter
    ``values`` (an array ordered as its parameters, or a mapping; see :func:`sggd_sym.interop.parameter_values`)
    when the coefficients depend on parameters."""
    from sggd_sym.interop import parameter_values

    pairs, params = exact_terms(observable, where)
    if _depends(pairs) and values is None:
        raise InputValueError(f"{where}: the coefficients depend on {params}; pass values=[...] (in that order) "
                              "or a mapping {name: value}")
    if values is None:
        numbers = [complex(c) for _, c in pairs]
    else:
        theta = parameter_values(params, values, where)
        fn = lambdify_checked(params, [c for _, c in pairs], where=where)
        numbers = [complex(v) for v in fn(*theta)]
    return [(w, z) for (w, _), z in zip(pairs, numbers)]


def pennylane_observable(observable, values=None, *, wires=None):
    """An exact observable of this package as a PennyLane operator (``qml.dot`` of coefficients and Pauli
    words; ``wires[k]`` is qubit ``k``, default ``0..n−1``).

    ``observable``: a :class:`~sggd_sym.symmetry.twirling.TwirledObservable` (then ``T_G[Õ(θ)]`` of Eq. 5), a
    ``{Pauli word: coefficient}`` mapping or an exact SymPy matrix.

    * Without ``values`` the coefficients must be constants; rational ones are kept exactly as
      :class:`fractions.Fraction` (PennyLane carries them through; ``qml.matrix`` evaluates them), others
      become floats.
    * With ``values`` (ordered as the parameters, or a mapping) the θ-dependent coefficients are evaluated
      there.  When ``values`` is an autograd (``pennylane.numpy`` with ``requires_grad``) or JAX array, the
      coefficients are computed with that library from the exact expressions, so a PennyLane cost built on
      ``qml.expval(pennylane_observable(twirled, theta))`` — the twirled cost of Eq. 7 — is differentiable
      in ``theta``.
    """
    try:
        import pennylane as qml
    except ImportError:
        raise missing_extra("pennylane", "pennylane") from None
    from fractions import Fraction

    where = "pennylane_observable"
    pairs, params = exact_terms(observable, where)
    if _depends(pairs) and values is None:
        raise InputValueError(f"{where}: the coefficients depend on {params}; pass values (in that order)")
    n = len(pairs[0][0])
    wires = list(range(n)) if wires is None else list(wires)
    if len(wires) != n or len(set(wires)) != n:
        raise InputValueError(f"{where}: wires must name {n} distinct wires, got {wires}")
    if values is not None and _depends(pairs):
        interface = qml.math.get_interface(values) if not hasattr(values, "items") else "numpy"
        if interface in _INTERFACES and np.shape(values) == (len(params),):
            fn = lambdify_for(params, [c for _, c in pairs], interface)
            coeffs = list(fn(*[values[j] for j in range(len(params))]))
        else:
            coeffs = [z.real for _, z in numeric_pauli_terms(observable, values, where)]
    else:
        coeffs = [Fraction(int(c.p), int(c.q)) if c.is_Rational else float(sp.re(c)) for _, c in pairs]
    wire_map = {k: wires[k] for k in range(n)}
    words = [qml.pauli.string_to_pauli_word(w, wire_map=wire_map) if set(w) != {"I"} else qml.Identity(wires[0])
             for w, _ in pairs]
    return qml.dot(coeffs, words)
