"""The conditions the paper's claims rest on, checked for given data, circuits and costs.

* :func:`data_span_rank` — Eq. 3 ⇔ Eq. 4 needs the encoded states to span the operator space (rank ``d²``);
* :func:`satisfies_constraint` — Eq. 4 exactly at a parameter point, ``T_G[Õ(θ)] = Õ(θ)``;
* :func:`lambda_crit` — SPEC §2 Eq. 11 (critical strength): the least ``λ`` that makes a symmetric point a
  strict local minimum of ``C_P = C_MSE + λP`` (Eq. 6).

:func:`is_exact_data` tells the exact-data path (SymPy matrices) from the numeric one, for these checks and
for :class:`~sggd_sym.derived.costs.Model`.

>>> import sympy as sp
>>> data_span_rank([sp.diag(1, 0), sp.diag(0, 1), sp.eye(2) / 2])
2
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from sggd_sym import _checks
from sggd_sym.circuits.circuit import Circuit
from sggd_sym.exceptions import InputTypeError
from sggd_sym.numeric.bridge import DEFAULT_ATOL, DerivedFunction
from sggd_sym.symmetry.groups import SymmetryGroup
from sggd_sym.symmetry.twirling import twirled_observable

__all__ = ["is_exact_data", "data_span_rank", "satisfies_constraint", "lambda_crit"]


def is_exact_data(states) -> bool:
    """Whether ``states`` is exact data: one SymPy matrix or a non-empty list/tuple of SymPy matrices.

    Exact data take the exact path of Eq. 1 (``f_θ(x) = Tr[Õ(θ) ρ(x)]`` as a SymPy expression); anything
    else is read as numeric data.

    Parameters
    ----------
    states : object
        Candidate data: SymPy matrices, or numeric arrays / state containers.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> is_exact_data([sp.diag(1, 0)]), is_exact_data(np.eye(2)[None] / 2), is_exact_data([])
    (True, False, False)
    """
    if isinstance(states, sp.MatrixBase):
        return True
    return isinstance(states, (list, tuple)) and len(states) > 0 and all(
        isinstance(s, sp.MatrixBase) for s in states)


def data_span_rank(states, *, atol: float = DEFAULT_ATOL) -> int:
    """Rank of ``{vec ρ(x)}``: Eq. 3 ⇔ Eq. 4 when it equals ``d²`` (otherwise only on the data's span).

    Parameters
    ----------
    states : list of SymPy matrices, or array_like of shape ``(N, d, d)``
        The encoded states ``ρ(x)``.  Exact states give the exact rank.
    atol : float, keyword-only
        Numeric states only: singular values of the ``(N, d²)`` data matrix at or below ``atol`` count as
        zero (an absolute threshold, not scaled by the size of the states: density matrices have norm ≤ 1).

    Returns
    -------
    int

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> data_span_rank([sp.diag(1, 0), sp.diag(0, 1)])
    2
    >>> data_span_rank(np.array([np.eye(2) / 2, np.eye(2) / 2 + 1e-12]))
    1
    """
    if is_exact_data(states):
        states = [states] if isinstance(states, sp.MatrixBase) else list(states)
        mats = [_checks.exact_matrix("data_span_rank", f"states[{i}]", s) for i, s in enumerate(states)]
        d = mats[0].rows
        if any(m.rows != d for m in mats):
            _checks.fail("data_span_rank", "all states must have the same dimension")
        return sp.Matrix([list(m) for m in mats]).rank(simplify=True)
    arr = np.asarray(states, dtype=complex)
    if arr.ndim != 3 or arr.shape[1] != arr.shape[2] or arr.shape[0] == 0:
        _checks.fail("data_span_rank", f"states expected shape (N, d, d), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        _checks.fail("data_span_rank", "states contain NaN or inf")
    return int(np.linalg.matrix_rank(arr.reshape(arr.shape[0], -1), tol=float(atol)))


def _exact_point(where: str, parameters, point) -> dict:
    if isinstance(point, dict):
        subs = dict(point)
    else:
        values = list(point) if isinstance(point, (list, tuple)) else [point]
        if len(values) != len(parameters):
            _checks.fail(where, f"point has {len(values)} values, expected {len(parameters)} for {parameters}")
        subs = dict(zip(parameters, values))
    for k, v in subs.items():
        v = sp.sympify(v) if not isinstance(v, str) else None
        if v is None or v.has(sp.Float) or v.free_symbols:
            _checks.fail(where, f"point value for {k} must be an exact number (sympy Rational, pi), got {subs[k]}")
        subs[k] = v
    return subs


def satisfies_constraint(circuit: Circuit, observable, group: SymmetryGroup, point) -> bool:
    """Whether Eq. 4 holds exactly at ``point``: ``T_G[Õ(θ)] − Õ(θ) = 0`` (every residual coefficient 0).

    Exact throughout (``sympy.simplify`` of each Pauli coefficient of the residual), so there is no tolerance.

    Parameters
    ----------
    circuit, observable, group
        ``U(θ)``, the Hermitian ``O`` and ``G``, as for :func:`sggd_sym.penalty`.
    point : sequence in ``circuit.parameters`` order, or dict ``{Symbol: value}``
        Exact values (``sympy.pi``, Rationals); floats are refused.

    Returns
    -------
    bool

    Examples
    --------
    >>> import sympy as sp, sggd_sym as sg
    >>> c = sg.Circuit(1).ry(sp.Symbol("a"), 0)
    >>> G = sg.groups.finite([sg.ops.Z])
    >>> satisfies_constraint(c, sg.ops.Z, G, [sp.pi]), satisfies_constraint(c, sg.ops.Z, G, [sp.pi / 2])
    (True, False)
    """
    twirled = twirled_observable(circuit, observable, group)
    subs = _exact_point("satisfies_constraint", circuit.parameters, point)
    trig = twirled.trig
    for poly in twirled.residual_terms().values():
        value = trig.to_expr(poly).subs(subs)
        if sp.simplify(value) != 0:
            return False
    return True


def lambda_crit(mse_cost: DerivedFunction, penalty: DerivedFunction, point) -> sp.Expr:
    """SPEC §2 Eq. 11 (critical strength): the least ``λ ≥ 0`` with ``H_MSE(θ*) + λ H_P(θ*) ≻ 0``.

    ``point`` ``θ*`` must be symmetric (``P(θ*) = 0``) and critical for ``C_MSE`` (``∇C_MSE(θ*) = 0``);
    both are checked exactly.  Hessians are exact (``sympy.diff`` of the exact expressions).

    Parameters
    ----------
    mse_cost, penalty : DerivedFunction
        ``C_MSE`` and ``P`` of Eq. 6, functions of the same parameters, with exact ``.expr``.
    point : sequence or dict
        ``θ*``, exact values.

    Returns
    -------
    sympy.Expr
        The infimum of the ``λ`` for which θ* is a strict local minimum of ``C_P`` (every larger λ is one),
        or ``sympy.oo`` when no ``λ`` makes the Hessian positive definite.

    Examples
    --------
    One qubit, ``f = cos a`` on ``|0⟩`` with label −1, ``G = {I, Z}``: ``C_MSE = (cos a + 1)²`` is maximal at
    ``a = 0`` (``H = −4``) and ``P = 2 sin² a`` (``H = 4``):

    >>> import sympy as sp, sggd_sym as sg
    >>> from sggd_sym.derived.costs import Model, mse_cost
    >>> c = sg.Circuit(1).ry(sp.Symbol("a"), 0)
    >>> model = Model(c, sg.ops.Z, [sp.diag(1, 0)])
    >>> lambda_crit(mse_cost(model, [-1]), sg.penalty(c, sg.ops.Z, sg.groups.finite([sg.ops.Z])), [0])
    1
    """
    for name, fn in (("mse_cost", mse_cost), ("penalty", penalty)):
        if not isinstance(fn, DerivedFunction):
            raise InputTypeError(f"lambda_crit: {name} expected a DerivedFunction, got {type(fn).__name__}")
    if mse_cost.parameters != penalty.parameters:
        _checks.fail("lambda_crit", "mse_cost and penalty must be functions of the same parameters")
    params = mse_cost.parameters
    subs = _exact_point("lambda_crit", params, point)
    p_expr, m_expr = penalty.expr, mse_cost.expr

    def at(expr):
        return sp.nsimplify(sp.simplify(expr.subs(subs)))

    if at(p_expr) != 0:
        _checks.fail("lambda_crit", f"P(θ*) = {at(p_expr)} ≠ 0: the point is not symmetric")
    grad = [at(sp.diff(m_expr, t)) for t in params]
    if any(g != 0 for g in grad):
        _checks.fail("lambda_crit", f"∇C_MSE(θ*) = {grad} ≠ 0: θ* is not a critical point of C_MSE, so it is a "
                     "minimum of C_P for no λ")
    h_m = sp.Matrix(len(params), len(params), lambda i, j: at(sp.diff(m_expr, params[i], params[j])))
    h_p = sp.Matrix(len(params), len(params), lambda i, j: at(sp.diff(p_expr, params[i], params[j])))
    return _least_definite_lambda(h_m, h_p)


def _least_definite_lambda(h_m: sp.Matrix, h_p: sp.Matrix) -> sp.Expr:
    """``inf{λ ≥ 0 : h_m + λ h_p ≻ 0}`` (``h_p ⪰ 0``), or ``oo``.

    The positive-definite λ form an up-closed interval whose lower end is a root of
    ``det(h_m + λ h_p)``; so the answer is the largest real root (or 0) if the matrix is definite just above it.
    """
    lam = sp.Symbol("lam", real=True)
    det = sp.expand((h_m + lam * h_p).det())
    roots = [r for r in sp.Poly(det, lam).real_roots()] if det.has(lam) else []
    start = max([sp.Integer(0)] + [r for r in roots if r >= 0])
    if start == 0 and h_m.is_positive_definite:
        return sp.Integer(0)
    probe = h_m + (start + 1) * h_p
    if probe.is_positive_definite:
        return start
    return sp.oo
