"""The Werner-state example of the paper (Eq. 8–11, Fig. 2), exact and numeric.

* Eq. 8: ``ρ(p) = p|Ψ⁻⟩⟨Ψ⁻| + (1−p) I/4`` (:func:`werner_state`), ``Φ = Tr(Fρ) = (1 − 3p)/2``
  (:func:`p_to_phi`, :func:`phi_to_p`); entangled iff ``p > 1/3``; labels ``−1`` if entangled, else ``+1``.
* Eq. 9: the ansatz :func:`sggd_sym.circuits.werner_ansatz`, observable ``O = SWAP``, group
  ``{V⊗V}`` (:func:`sggd_sym.symmetry.groups.collective_unitary` (2)).
* Eq. 10–11 closed forms: :func:`twirl_coefficients`, :func:`penalty_closed_form`,
  :func:`model_closed_form` ``f_θ(p) = 1/2 − (3p/4)(1 + cos θ)``.
* The S1/S2 split, biased data sets (:func:`biased_dataset`), the critical strength
  :func:`lambda_crit_closed_form` and the trap at ``θ = π`` (:func:`trap_basin_fraction`,
  :func:`lambda_global`), SPEC §2 Eq. 11 "Beyond the paper".

Because every Werner cost is a quadratic polynomial in ``c = cos θ``,
``C_P(c) = A c² + B c + C₀`` with ``A = mean(9p²/16) − 3λ/4`` and
``B = −(3/2) mean[p (1/2 − 3p/4 − y)] − 3λ/2``; gradient flow in θ moves ``c`` downhill in ``C_P(c)``, so for
``A < 0`` the stationary ``c* = −B/(2A)`` separates the basins of θ = 0 and θ = π (the trap).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from sggd_sym import _checks
from sggd_sym.algebra import ops
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.numeric.bridge import DEFAULT_ATOL, to_numpy

__all__ = [
    "THETA", "P", "werner_state", "werner_state_numeric", "p_to_phi", "phi_to_p", "is_entangled", "label",
    "labels", "in_s1", "in_s2", "sample_s1", "sample_s2", "biased_dataset", "twirl_coefficients",
    "penalty_closed_form", "model_closed_form", "cost_quadratic_coefficients", "lambda_crit_closed_form",
    "lambda_global", "trap_condition", "trap_edge_cos", "trap_basin_fraction", "trap_edge_exact",
    "flow_limit_cos", "uniform_p", "P_MIN", "P_MAX",
]

THETA = sp.Symbol("theta", real=True)
P = sp.Symbol("p", real=True)
P_MIN, P_MAX = sp.Rational(-1, 3), sp.Integer(1)

_PSI_MINUS = (ops.ket("01") - ops.ket("10")) / sp.sqrt(2)
_SINGLET = ops.projector(_PSI_MINUS)
_SINGLET_NUMERIC = to_numpy(_SINGLET)


def _check_p_exact(where: str, p):
    p = sp.sympify(p) if not isinstance(p, str) else None
    if p is None or (p.free_symbols - {P}) or p.has(sp.Float):
        raise InputValueError(f"{where}: p expected an exact number in [-1/3, 1] (sympy Rational) or the "
                              f"symbol werner.P, got {p}")
    if not p.free_symbols and not (P_MIN <= p <= P_MAX):
        raise InputValueError(f"{where}: p = {p} is outside [-1/3, 1], where ρ(p) is a state")
    return p


def werner_state(p) -> sp.ImmutableMatrix:
    """Eq. 8: ``ρ(p) = p|Ψ⁻⟩⟨Ψ⁻| + (1−p) I/4`` exactly (``p`` exact in ``[−1/3, 1]`` or the symbol ``P``).

    >>> werner_state(sp.Rational(1, 3))
    Matrix([
    [1/6,    0,    0,   0],
    [  0,  1/3, -1/6,   0],
    [  0, -1/6,  1/3,   0],
    [  0,    0,    0, 1/6]])
    """
    p = _check_p_exact("werner_state", p)
    return sp.ImmutableMatrix(p * _SINGLET + (1 - p) * sp.eye(4) / 4)


def _p_array(where: str, p) -> np.ndarray:
    arr = np.asarray(p, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise InputValueError(f"{where}: p must be finite")
    if np.any(arr < -1 / 3 - DEFAULT_ATOL) or np.any(arr > 1 + DEFAULT_ATOL):
        raise InputValueError(f"{where}: p must lie in [-1/3, 1] (Eq. 8), got values in "
                              f"[{arr.min()}, {arr.max()}]")
    return arr


def werner_state_numeric(p) -> np.ndarray:
    """Eq. 8 numerically: shape ``(4, 4)`` for a scalar ``p``, ``(N, 4, 4)`` for an array.

    >>> werner_state_numeric([0.0, 1.0]).shape
    (2, 4, 4)
    >>> np.round(werner_state_numeric(0.2).real[1], 6).tolist()
    [0.0, 0.3, -0.1, 0.0]
    """
    arr = _p_array("werner_state_numeric", p)
    return arr[..., None, None] * _SINGLET_NUMERIC + (1 - arr)[..., None, None] * np.eye(4) / 4


def p_to_phi(p):
    """``Φ = Tr(Fρ(p)) = (1 − 3p)/2`` (Eq. 8).

    >>> p_to_phi(sp.Rational(1, 3)), p_to_phi(1), p_to_phi(P)
    (0, -1, 1/2 - 3*p/2)
    """
    p = sp.Integer(p) if isinstance(p, int) else p
    return (1 - 3 * p) / 2


def phi_to_p(phi):
    """Inverse of :func:`p_to_phi`: ``p = (1 − 2Φ)/3`` (Eq. 8).

    >>> phi_to_p(0), phi_to_p(sp.Rational(-1, 2))
    (1/3, 2/3)
    """
    phi = sp.Integer(phi) if isinstance(phi, int) else phi
    return (1 - 2 * phi) / 3


def is_entangled(p):
    """Entangled iff ``p > 1/3`` (iff ``Φ < 0``, Eq. 8); numpy array in, boolean array out.

    >>> is_entangled(sp.Rational(1, 2)), is_entangled(np.array([0.2, 0.5])).tolist()
    (True, [False, True])
    """
    if isinstance(p, sp.Basic):
        return bool(_check_p_exact("is_entangled", p) > sp.Rational(1, 3))
    return _p_array("is_entangled", p) > 1 / 3


def label(p):
    """``y = −1`` if ``ρ(p)`` is entangled, ``+1`` otherwise (exact for exact ``p``; Eq. 9).

    >>> label(sp.Rational(1, 2)), label(np.array([0.0, 0.9])).tolist()
    (-1, [1.0, -1.0])
    """
    if isinstance(p, sp.Basic):
        p = _check_p_exact("label", p)
        return sp.Integer(-1) if p > sp.Rational(1, 3) else sp.Integer(1)
    return np.where(_p_array("label", p) > 1 / 3, -1.0, 1.0)


def labels(ps):
    """Labels of many ``p`` (numpy array), see :func:`label`.

    >>> labels([0.1, 0.9]).tolist()
    [1.0, -1.0]
    """
    return label(np.asarray(ps, dtype=float))


def in_s1(p):
    """S1 = ``{p < 0} ∪ {p > 1/3}``: per-point cost minimised at θ = 0 (Eq. 11).

    >>> in_s1([-0.2, 0.1, 0.5]).tolist()
    [True, False, True]
    """
    arr = _p_array("in_s1", p)
    return (arr < 0) | (arr > 1 / 3)


def in_s2(p):
    """S2 = ``{0 < p ≤ 1/3}``: per-point cost minimised at θ = π (CNOT, Eq. 11).

    >>> in_s2([-0.2, 0.1, 0.5]).tolist()
    [False, True, False]
    """
    arr = _p_array("in_s2", p)
    return (arr > 0) & (arr <= 1 / 3)


def sample_s2(n: int, rng) -> np.ndarray:
    """``n`` values of ``p`` uniform in S2 = (0, 1/3] (Eq. 11).

    >>> p = sample_s2(5, np.random.default_rng(0))
    >>> p.shape, bool(in_s2(p).all())
    ((5,), True)
    """
    rng = _checks.rng("sample_s2", rng)
    return (1 - rng.random(n)) / 3


def sample_s1(n: int, rng) -> np.ndarray:
    """``n`` values uniform in S1 = [−1/3, 0) ∪ (1/3, 1] (total length 1: u ↦ u − 1/3 or u + 1/3; Eq. 11).

    >>> p = sample_s1(5, np.random.default_rng(0))
    >>> p.shape, bool(in_s1(p).all())
    ((5,), True)
    """
    rng = _checks.rng("sample_s1", rng)
    u = rng.random(n)
    return np.where(u < 1 / 3, u - 1 / 3, 1 - (u - 1 / 3))


def biased_dataset(n: int, beta: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """A training set of ``n`` Werner parameters ``p`` with a fraction ``β`` (``round(βn)`` points) from S2.

    Returns ``(p, y)`` shuffled.  ``β = 1``: all points in S2 (the biased set of Fig. 2); ``β = 0``: all in S1.

    >>> p, y = biased_dataset(4, 0.5, np.random.default_rng(0))
    >>> int(in_s2(p).sum()), y.tolist()
    (2, [1.0, 1.0, 1.0, 1.0])
    """
    n = _checks.integer("biased_dataset", "n", n, minimum=1)
    try:
        beta = float(beta)
    except (TypeError, ValueError):
        raise InputTypeError(f"biased_dataset: beta expected a number in [0, 1], got {type(beta).__name__}") \
            from None
    if not (0.0 <= beta <= 1.0):
        raise InputValueError(f"biased_dataset: beta = {beta} is outside [0, 1]; it is the fraction of points "
                              "drawn from S2")
    rng = _checks.rng("biased_dataset", rng)
    k = int(round(beta * n))
    p = np.concatenate([sample_s2(k, rng), sample_s1(n - k, rng)])
    p = p[rng.permutation(n)]
    return p, labels(p)


def uniform_p(n: int, rng) -> np.ndarray:
    """``n`` values of ``p`` uniform in ``[−1/3, 1]`` (the unbiased test distribution).

    >>> p = uniform_p(100, np.random.default_rng(0))
    >>> p.shape, bool((p >= -1 / 3).all() and (p <= 1).all())
    ((100,), True)
    """
    rng = _checks.rng("uniform_p", rng)
    return -1 / 3 + (4 / 3) * rng.random(n)


# -- closed forms (Eq. 10-11) ------------------------------------------------------------------------
def twirl_coefficients(theta=THETA) -> tuple[sp.Expr, sp.Expr]:
    """Eq. 10: ``T_G[U†FU] = a I + b F`` with ``a = (1 − cos θ)/4``, ``b = (1 + cos θ)/2``.

    >>> twirl_coefficients()
    (1/4 - cos(theta)/4, cos(theta)/2 + 1/2)
    >>> twirl_coefficients(sp.pi)   # CNOT: the twirl is I/2
    (1/2, 0)
    """
    return (1 - sp.cos(theta)) / 4, (1 + sp.cos(theta)) / 2


def penalty_closed_form(theta=THETA) -> sp.Expr:
    """Eq. 11: ``P(θ) = (3/4)(1 − cos θ)(3 + cos θ)``.

    >>> penalty_closed_form(0), penalty_closed_form(sp.pi), penalty_closed_form(sp.pi / 2)
    (0, 3, 9/4)
    """
    return sp.Rational(3, 4) * (1 - sp.cos(theta)) * (3 + sp.cos(theta))


def model_closed_form(p=P, theta=THETA) -> sp.Expr:
    """Eq. 11: ``f_θ(p) = Tr[F U ρ(p) U†] = 1/2 − (3p/4)(1 + cos θ)``.

    >>> model_closed_form()
    -3*p*(cos(theta) + 1)/4 + 1/2
    >>> model_closed_form(sp.Rational(1, 3), 0), model_closed_form(1, sp.pi)
    (0, 1/2)
    """
    return sp.Rational(1, 2) - sp.Rational(3, 4) * p * (1 + sp.cos(theta))


def _data(where: str, p, y):
    p = _p_array(where, p).reshape(-1)
    y = labels(p) if y is None else np.asarray(y, dtype=float).reshape(-1)
    if y.shape != p.shape or p.size == 0:
        raise InputValueError(f"{where}: p and y must be non-empty and of equal length")
    return p, y


def cost_quadratic_coefficients(p, y=None, lam=0.0) -> tuple[float, float, float]:
    """``C_P = A c² + B c + C₀`` in ``c = cos θ`` for Werner data ``(p, y)`` (default labels) and strength λ.

    The penalised cost of Eq. 6 with the closed forms of Eq. 11.

    >>> [round(v, 6) for v in cost_quadratic_coefficients([0.2], lam=1.0)]
    [-0.7275, -1.305, 2.6725]
    """
    p, y = _data("cost_quadratic_coefficients", p, y)
    g = 0.5 - 0.75 * p - y
    a = np.mean((0.75 * p) ** 2) - 0.75 * lam
    b = -2 * np.mean(g * 0.75 * p) - 1.5 * lam
    c0 = np.mean(g**2) + 2.25 * lam
    return float(a), float(b), float(c0)


def lambda_crit_closed_form(p, y=None):
    """SPEC §2 Eq. 11: θ = 0 is a strict local minimum of ``C_P`` iff ``λ > λ_crit = max(0, (1/3) dC_MSE/dc|_{c=1})``.

    With ``dC_MSE/dc|_{c=1} = mean[2 (f₀ − y)(−3p/4)]``, ``f₀ = 1/2 − 3p/2``; for S2 points only (``y = +1``)
    this is ``mean (p/4)(1 + 3p)``.  Exact for exact (sympy) input lists, float otherwise.

    >>> third, sixth = sp.Rational(1, 3), sp.Rational(1, 6)
    >>> lambda_crit_closed_form([third]), lambda_crit_closed_form([sixth, third])
    (1/6, 11/96)
    >>> round(lambda_crit_closed_form([0.2]), 6)
    0.08
    """
    if isinstance(p, (list, tuple)) and all(isinstance(v, sp.Basic) for v in p):
        ys = [label(v) for v in p] if y is None else [sp.nsimplify(v) for v in y]
        slope = sp.Add(*[2 * (sp.Rational(1, 2) - sp.Rational(3, 2) * v - yy) * (-sp.Rational(3, 4) * v)
                         for v, yy in zip(p, ys)]) / len(p)
        return sp.Max(0, slope / 3)
    p, y = _data("lambda_crit_closed_form", p, y)
    slope = np.mean(2 * (0.5 - 1.5 * p - y) * (-0.75 * p))
    return max(0.0, float(slope / 3))


def lambda_global(p, y=None) -> float:
    """The λ above which θ = 0 is the global minimum of ``C_P`` (``C_P(c=1) < C_P(c=−1)`` iff ``B < 0``).

    SPEC §2 Eq. 11, "the trap that stays".

    >>> round(lambda_global([0.2]), 6), round(lambda_global([1 / 3]), 6)
    (0.13, 0.25)
    """
    _, b_mse, _ = cost_quadratic_coefficients(p, y, 0.0)
    return max(0.0, 2 * b_mse / 3)


def trap_condition(p, y=None) -> float:
    """``mean[(3p/4)(2y − 1)]``: when positive, θ = π is a strict local minimum of ``C_P`` for every λ.

    SPEC §2 Eq. 11, "the trap that stays": positive for points of S2, negative for entangled ones.

    >>> round(trap_condition([0.2]), 6), round(trap_condition([0.6]), 6)
    (0.15, -1.35)
    """
    p, y = _data("trap_condition", p, y)
    return float(np.mean(0.75 * p * (2 * y - 1)))


def trap_edge_cos(p, y=None, lam=0.0) -> float:
    """``c* = −B/(2A)``: initial angles with ``cos θ < c*`` flow to θ = π (when ``A < 0``); clipped to [−1, 1].

    For ``A > 0`` the quadratic is convex in ``c``: the flow goes to ``c*`` (or an end) and there is no
    two-basin split; then ``nan`` is returned.  SPEC §2 Eq. 11, the basin edge of the trap.

    >>> round(trap_edge_cos([0.2], lam=1.0), 6), trap_edge_cos([0.2], lam=0.0)
    (-0.896907, nan)
    """
    a, b, _ = cost_quadratic_coefficients(p, y, lam)
    if a >= 0:
        return float("nan")
    return float(np.clip(-b / (2 * a), -1.0, 1.0))


def trap_basin_fraction(p, y=None, lam=0.0) -> float:
    """Fraction of uniform initial θ ∈ [0, 2π) whose gradient flow ends at θ = π: ``1 − arccos(c*)/π``.

    SPEC §2 Eq. 11, the trap; ``c*`` from :func:`trap_edge_cos`.

    >>> round(trap_basin_fraction([0.2], lam=1.0), 6), trap_basin_fraction([0.2]), trap_basin_fraction([0.6])
    (0.145809, 1.0, 0.0)
    """
    edge = trap_edge_cos(p, y, lam)
    if np.isnan(edge):
        a, b, _ = cost_quadratic_coefficients(p, y, lam)
        return 1.0 if -b / (2 * a) <= -1 else 0.0
    return float(1 - np.arccos(edge) / np.pi)


def trap_edge_exact(p_list, lam) -> sp.Expr:
    """Exact ``c* = −B/(2A)`` for exact ``p`` values (default labels) and exact ``λ`` (SPEC §2 Eq. 11 basin edge).

    >>> trap_edge_exact([sp.Rational(1, 5)], 1), trap_edge_exact([sp.Rational(1, 3)], 1)
    (-87/97, -9/11)
    """
    ys = [label(v) for v in p_list]
    lam = sp.nsimplify(lam)
    n = len(p_list)
    a = sp.Add(*[sp.Rational(9, 16) * v**2 for v in p_list]) / n - sp.Rational(3, 4) * lam
    b = -sp.Rational(3, 2) * sp.Add(*[v * (sp.Rational(1, 2) - sp.Rational(3, 4) * v - yy)
                                      for v, yy in zip(p_list, ys)]) / n - sp.Rational(3, 2) * lam
    return sp.nsimplify(-b / (2 * a))


def flow_limit_cos(p, y, lam, theta0) -> np.ndarray:
    """Where gradient flow of ``C_P`` from ``theta0`` ends, as ``cos θ_∞`` (SPEC §2 Eq. 11, the trap).

    ``dθ/dt = sin θ · dC_P/dc`` moves ``c = cos θ`` downhill in the quadratic ``C_P(c) = A c² + B c + C₀``:
    for ``A < 0`` to ``+1`` if ``c₀ > c*`` and to ``−1`` if ``c₀ < c*``; for ``A > 0`` to ``clip(c*, −1, 1)``.
    (Starting exactly at a stationary angle, the flow stays; that set has measure zero.)

    >>> flow_limit_cos([0.2], None, 1.0, [0.5, 3.0]).tolist()   # edge c* ≈ −0.897: 3.0 rad is in the trap
    [1.0, -1.0]
    """
    a, b, _ = cost_quadratic_coefficients(p, y, lam)
    c0 = np.cos(np.asarray(theta0, dtype=float))
    if a < 0:
        edge = -b / (2 * a)
        return np.where(c0 > edge, 1.0, -1.0)
    if a == 0:
        return np.full_like(c0, 1.0 if b < 0 else -1.0)
    return np.full_like(c0, float(np.clip(-b / (2 * a), -1.0, 1.0)))
