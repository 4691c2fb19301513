"""JAX backend for derived functions, built on the compiled monomial representation.

:func:`to_jax` turns a :class:`~sggd_sym.numeric.DerivedFunction` (a penalty, a cost, a post-processed
cost, sums and multiples of them) into a pure function ``theta (p,) -> scalar`` made of ``jnp`` operations
only, so ``jax.jit``, ``jax.grad``, ``jax.vmap``, ``jax.hessian`` and optax/PennyLane-JAX loops accept it.

It is built from :class:`~sggd_sym.algebra.trig.CompiledTrigPolynomials` — exponent tables and float coefficients —
not from SymPy expression trees: every polynomial ``Σ_t C_tk Π_j c_j^{a_tj} s_j^{b_tj}`` becomes

* one table of powers ``c^0 … c^A``, ``s^0 … s^B`` per active parameter (repeated products, so the
  derivative at ``c = 0`` is exact: no ``0 · 0^{-1}``),
* one gather of each term's factors per parameter and a product over parameters,
* one matrix product with the coefficient table.

Tracing is a handful of primitives whatever the number of monomials, so ``jax.jit`` compiles in well under a
second at 24 parameters and a few hundred terms.  Values and gradients equal the numpy evaluator to
rounding (``tests/test_jax_backend.py``).

JAX is an optional extra (``pip install sggd_sym[jax]``); importing this module without it raises
:class:`ImportError` with that hint.  float64 is required for agreement to 1e-12: :func:`to_jax` enables
``jax_enable_x64`` unless ``enable_x64=False``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

try:
    import jax
    import jax.numpy as jnp
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("sggd_sym.numeric.jax_backend needs JAX: pip install 'sggd_sym[jax]'") from exc

from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.numeric.bridge import DerivedFunction

__all__ = ["to_jax", "compiled_to_jax", "register", "JaxUnsupported"]


class JaxUnsupported(InputValueError):
    """Raised when a derived function has no JAX translation (and ``fallback="error"``)."""


# -- the compiled polynomials -----------------------------------------------------------------------
def compiled_to_jax(compiled) -> Callable:
    """``theta (p,) -> values (K,)`` of a :class:`~sggd_sym.algebra.trig.CompiledTrigPolynomials`, in ``jnp``.

    The static tables (numpy) are closed over; only ``theta`` is traced.  Batch with ``jax.vmap``.
    """
    tables = compiled.jax_tables()
    owner = tables["owner"]            # (F,) parameter of each factor column
    freq = tables["frequency"]         # (F,)
    a_idx, b_idx = tables["a"], tables["b"]   # (F,) integer exponents
    gather = tables["gather"]          # (m, T) factor column of each term per active parameter
    coeffs = tables["coefficients"]    # (T, K)
    max_a, max_b = int(tables["max_a"]), int(tables["max_b"])
    n_outputs = coeffs.shape[1]
    n_terms = coeffs.shape[0]
    cols = np.arange(len(owner))
    coeffs_j = jnp.asarray(coeffs)

    active = np.array(compiled.active, dtype=np.intp)
    m = gather.shape[0]

    def powers(x, top):
        out = [jnp.ones_like(x)]
        for _ in range(top):
            out.append(out[-1] * x)
        return jnp.stack(out)            # (top+1, F)

    def tables_of(theta):
        angle = freq * theta[owner]
        c, s = jnp.cos(angle), jnp.sin(angle)
        pc, ps = powers(c, max_a + 1), powers(s, max_b + 1)
        table = pc[a_idx, cols] * ps[b_idx, cols]                              # (F,)
        # d/dθ (c^a s^b) = ω (b c^{a+1} s^{b-1} − a c^{a-1} s^{b+1}), from products only
        dtable = freq * (b_idx * pc[a_idx + 1, cols] * ps[np.maximum(b_idx - 1, 0), cols]
                         - a_idx * pc[np.maximum(a_idx - 1, 0), cols] * ps[b_idx + 1, cols])
        return table[gather], dtable[gather]                                    # (m, T) each

    def product(rows):
        out = rows[0]
        for i in range(1, m):            # unrolled: XLA fuses the chain
            out = out * rows[i]
        return out

    @jax.custom_jvp
    def values(theta):
        return product(tables_of(theta)[0]) @ coeffs_j

    @values.defjvp
    def _values_jvp(primals, tangents):
        # the Jacobian from exclusive prefix/suffix products (as the numpy evaluator), so reverse mode is
        # one small (K, m) product instead of scatter-adds through the gathers; the rule itself is jnp,
        # so higher derivatives still work
        (theta,), (dtheta,) = primals, tangents
        f, df = tables_of(theta)
        prefix, suffix = [jnp.ones_like(f[0])], [jnp.ones_like(f[0])]
        for i in range(m - 1):
            prefix.append(prefix[-1] * f[i])
            suffix.append(suffix[-1] * f[m - 1 - i])
        partial = jnp.stack([prefix[i] * df[i] * suffix[m - 1 - i] for i in range(m)])   # (m, T)
        terms = prefix[-1] * f[m - 1]
        jac = coeffs_j.T @ partial.T                                           # (K, m)
        return terms @ coeffs_j, jac @ dtheta[active]

    def evaluate(theta):
        theta = jnp.asarray(theta)
        if n_terms == 0:
            return jnp.zeros((n_outputs,), dtype=theta.dtype) + 0.0 * jnp.sum(theta)
        if m == 0:                        # only constants
            return jnp.ones((n_terms,), dtype=theta.dtype) @ coeffs_j + 0.0 * jnp.sum(theta)
        return values(theta)

    return evaluate


# -- derived functions ------------------------------------------------------------------------------
# A builder receives the DerivedFunction and the values of its evaluate closure's free variables and
# returns a jnp function theta (p,) -> scalar.  Keys are ``evaluate.__code__.co_qualname``.
_BUILDERS: dict[str, Callable] = {}


def register(qualname: str):
    """Decorator: register a JAX builder for evaluate closures of ``qualname``."""
    def deco(builder):
        _BUILDERS[qualname] = builder
        return builder
    return deco


def _closure(fn) -> dict:
    code = fn.__code__
    cells = fn.__closure__ or ()
    return {name: cell.cell_contents for name, cell in zip(code.co_freevars, cells)}


def _linear_jax(linear):
    return compiled_to_jax(linear.compiled)


@register("penalty_from.<locals>.evaluate")
def _penalty(fn, env):
    y_of = compiled_to_jax(env["compiled"])
    weights = jnp.asarray(env["weights"])
    constant = float(env["constant"])
    return lambda theta: constant - jnp.sum(y_of(theta) ** 2 * weights)


@register("expectation.<locals>.evaluate")
def _expectation(fn, env):
    a_of = _linear_jax(env["linear"])
    coords = jnp.asarray(env["coords"])[0]
    return lambda theta: jnp.dot(a_of(theta), coords)


@register("_direct_mse_evaluate.<locals>.evaluate")
def _mse(fn, env):
    a_of = _linear_jax(env["linear"])
    coords_t = jnp.asarray(np.asarray(env["coords"]).T)
    y = jnp.asarray(env["y"])
    return lambda theta: jnp.mean((a_of(theta) @ coords_t - y) ** 2)


@register("_quadratic_evaluate.<locals>.evaluate")
def _quadratic(fn, env):
    """``a(θ)ᵀ A a(θ) − 2 bᵀ a(θ) + c`` (the Gram form of MSE and penalised costs)."""
    quad = env["quad"]
    a_of = compiled_to_jax(quad.compiled)
    A, b, c = jnp.asarray(quad.A), jnp.asarray(quad.b), float(quad.c)

    def value(theta):
        a = a_of(theta)
        return a @ (A @ a - 2.0 * b) + c
    return value


@register("DerivedFunction.plus.<locals>.evaluate")
def _combined(fn, env):
    """``self + w · other`` (:meth:`DerivedFunction.plus`; also ``C_P`` of :class:`PenalisedCost` without
    its Gram form)."""
    f1, f2 = to_jax(env["self"]), to_jax(env["other"])
    w = float(env["w"])
    return lambda theta: f1(theta) + w * f2(theta)


@register("DerivedFunction.scaled.<locals>.evaluate")
def _scaled(fn, env):
    f1 = to_jax(env["self"])
    w = float(env["f"])
    return lambda theta: w * f1(theta)


@register("_penalty_function.<locals>.evaluate")
def _modified_penalty(fn, env):
    compiled = env["compiled"]
    if compiled is None:
        return lambda theta: jnp.zeros((), dtype=jnp.asarray(theta).dtype) * jnp.sum(theta)
    y_of = compiled_to_jax(compiled)
    mix = jnp.asarray(env["mix"])
    k, n_keys = int(env["k"]), len(env["keys"])
    weights = jnp.asarray(env["weights"])

    def value(theta):
        z = mix @ y_of(theta).reshape(k, n_keys)
        return jnp.sum(z**2 * weights)
    return value


@register("postprocessed_cost.<locals>.evaluate")
def _postprocessed(fn, env):
    import sympy as sp

    a_of = _linear_jax(env["linear"])
    coords_t = jnp.asarray(np.asarray(env["coords"]).T)
    y = jnp.asarray(env["y"])
    h = _postprocessed_h(fn)
    if h is None:
        return _callback(fn)
    expr, t = h
    h_jax = sp.lambdify((t,), expr, modules="jax")
    return lambda theta: jnp.mean((h_jax(a_of(theta) @ coords_t) - y) ** 2)


def _postprocessed_h(fn):
    """``(expr, t)`` of a post-processed cost: its ``h`` (``h_k`` for a Taylor order) is in its name."""
    import sympy as sp

    if "h = " not in fn.name:
        return None
    try:
        expr = sp.sympify(fn.name.split("h = ", 1)[1])
    except (sp.SympifyError, SyntaxError, TypeError):
        return None
    free = sorted(expr.free_symbols, key=str)
    if len(free) > 1:
        return None
    t = free[0] if free else sp.Symbol("t")
    return expr, t


def _callback(fn):
    """Fallback: the numpy evaluator through ``jax.pure_callback`` with its exact gradient as a custom JVP
    (jit, grad and vmap work; higher derivatives do not)."""
    p = len(fn.parameters)

    def host(theta):
        theta = np.asarray(theta, dtype=float).reshape(-1, p)
        v, g = fn._evaluate(theta)
        return np.asarray(v, dtype=float), np.asarray(g, dtype=float)

    def both(theta):
        lead = theta.shape[:-1]
        shapes = (jax.ShapeDtypeStruct(lead, jnp.float64), jax.ShapeDtypeStruct(lead + (p,), jnp.float64))

        def cb(x):
            v, g = host(x)
            return v.reshape(x.shape[:-1]), g.reshape(x.shape)
        return jax.pure_callback(cb, shapes, theta, vmap_method="expand_dims")

    @jax.custom_jvp
    def value(theta):
        return both(theta)[0]

    @value.defjvp
    def _jvp(primals, tangents):
        (theta,), (dtheta,) = primals, tangents
        v, g = both(theta)
        return v, jnp.sum(g * dtheta, axis=-1)

    return value


def to_jax(fn, *, fallback: str = "callback", enable_x64: bool = True) -> Callable:
    """A pure JAX function ``theta (p,) -> scalar`` equal to ``fn`` (a :class:`DerivedFunction`).

    ``fallback``: for derived functions this backend does not know natively, ``"callback"`` wraps the numpy
    evaluator in ``jax.pure_callback`` with its exact gradient (first derivatives only); ``"error"`` raises
    :class:`JaxUnsupported`.  Use ``jax.vmap`` for batches of parameter vectors.

    >>> import jax, numpy as np, sggd_sym as sg
    >>> P = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    >>> f = to_jax(P)
    >>> round(float(jax.jit(f)(np.array([np.pi]))), 12)
    3.0
    """
    if not isinstance(fn, DerivedFunction):
        raise InputTypeError(f"to_jax: expected a sggd_sym DerivedFunction, got {type(fn).__name__}")
    if fallback not in ("callback", "error"):
        raise InputValueError(f"to_jax: fallback must be 'callback' or 'error', got {fallback!r}")
    if enable_x64:
        jax.config.update("jax_enable_x64", True)
    cached = getattr(fn, "_jax_fn", None)
    if cached is not None:
        return cached
    out, native = None, True
    builder = getattr(fn, "_jax_builder", None)
    if builder is not None:
        out = builder()
    else:
        evaluate = fn._evaluate
        key = getattr(getattr(evaluate, "__code__", None), "co_qualname", None)
        known = _BUILDERS.get(key)
        reason = f"no JAX translation for {fn.name} (evaluate {key})"
        if known is not None:
            try:
                out = known(fn, _closure(evaluate))
            except (KeyError, AttributeError, TypeError) as exc:  # the closure changed shape
                reason = f"the JAX translation of {fn.name} failed ({type(exc).__name__}: {exc})"
                warnings.warn(f"to_jax: {reason}; using the numpy evaluator through a callback",
                              RuntimeWarning, stacklevel=2)
        if out is None:
            if fallback == "error":
                raise JaxUnsupported(f"to_jax: {reason}; use fallback='callback'")
            out, native = _callback(fn), False
    p = len(fn.parameters)
    inner = jax.jit(out)  # eager callers get one compiled call, not op-by-op dispatch; inlined under jit

    def checked(theta):
        theta = jnp.asarray(theta)
        if theta.shape != (p,):
            raise InputValueError(f"to_jax({fn.name}): expected theta of shape ({p},), got {theta.shape}; "
                                  "use jax.vmap for batches")
        return inner(theta)

    checked.__doc__ = f"JAX version of {fn.name}: theta ({p},) -> scalar."
    if native and builder is None:  # composites: native only if every part is
        parts = [v for v in _closure(fn._evaluate).values() if isinstance(v, DerivedFunction)]
        native = all(getattr(to_jax(v, fallback=fallback, enable_x64=enable_x64), "native", False) for v in parts)
    checked.native = native  # False: the numpy evaluator runs through a callback somewhere inside
    try:
        fn._jax_fn = checked
    except AttributeError:  # pragma: no cover
        pass
    return checked
