"""Attainable symmetry of an ansatz (issue 15, the paper's open question iii).

:func:`symmetric_reach` answers, for a circuit ``U(θ)``, an observable ``O`` and a group ``G``:

* **the least penalty** ``min_θ P(θ)`` of Eq. 6 — by a global search (many starts, Adam then
  Levenberg–Marquardt on the residual ``E(θ) = T_G[Õ] − Õ``, whose squared norm is ``P``), with an
  **exact certificate** when ``P = 0`` is reached: parameter values that are rational multiples of π,
  snapped from the numeric minimisers (coordinates fixed one by one, the others re-minimised), and
  checked exactly — every Pauli coefficient of ``E`` vanishes there as an exact number;
* **the dimension of the symmetric set** ``{θ : E(θ) = 0}`` near the certificate: ``p − rank ∂E/∂θ``
  (exact rank of the residual's Jacobian at the exact point; the set is a manifold of that dimension
  where the rank is locally constant);
* **the reachable commutant directions** there: the rank of the Jacobian of the commutant coordinates
  ``y_i = ⟨B_i, Õ⟩`` restricted to the kernel of ``∂E/∂θ`` — how many independent symmetric observables
  the ansatz can still move ``T_G[Õ] = Õ`` along while staying symmetric (to first order).

>>> import sggd_sym as sg
>>> r = sg.analysis.symmetric_reach(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
>>> r.min_penalty, r.certificate, r.symmetric_dimension
(0, {theta: 0}, 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import sympy as sp

from sggd_sym import _checks
from sggd_sym.circuits.circuit import Circuit
from sggd_sym.circuits.heisenberg import DEFAULT_BUDGET
from sggd_sym.derived.penalties import penalty_from
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.numeric.bridge import DEFAULT_ATOL
from sggd_sym.symmetry.groups import SymmetryGroup
from sggd_sym.symmetry.twirling import TwirledObservable, twirled_observable

__all__ = ["SymmetricReach", "symmetric_reach", "rank_ansatze", "format_ranking", "rank_agreement"]

#: Largest ``(residual words + commutant coordinates) × parameters`` whose Jacobians are ranked exactly (else
#: numerically, by SVD at the exact point).
EXACT_JACOBIAN_LIMIT = 4_000
#: Largest denominator ``q`` tried when snapping ``θ_j`` to ``(p/q)·π``.
MAX_DENOMINATOR = 12


@dataclass
class SymmetricReach:
    """The result of :func:`symmetric_reach`.

    ``min_penalty``: the least penalty found — exact ``0`` when certified, an exact value when the best
    numeric minimiser snaps to exact parameters with the same penalty, else a float.  ``certificate``:
    ``{parameter: exact value}`` with ``P = 0`` exactly, or ``None``.  ``symmetric_dimension`` and
    ``reachable_directions``: at the certificate (``None`` without one).

    >>> import sympy as sp, sggd_sym as sg
    >>> t = sp.Symbol("t", real=True)
    >>> swap = sg.groups.finite([sg.ops.SWAP])
    >>> r = symmetric_reach(sg.Circuit(2).ry(t, 0), "ZI", swap, starts=4, steps=50)   # P ≡ 2
    >>> r.certified, r.min_penalty, r.symmetric_dimension
    (False, 2, None)
    """

    min_penalty: sp.Expr | float
    certificate: dict[sp.Symbol, sp.Expr] | None
    symmetric_dimension: int | None
    reachable_directions: int | None
    numeric_minimum: float
    minimiser: np.ndarray
    n_parameters: int
    commutant_dimension: int
    identically_symmetric: bool
    starts: int
    exact_point: dict[sp.Symbol, sp.Expr] | None = None
    notes: list[str] = field(default_factory=list)
    generic_reachable_directions: int | None = None
    """The largest numeric rank of the restricted commutant Jacobian over the numeric zeros found (or
    random points, when ``E ≡ 0``): the certificate may sit at a degenerate point (e.g. θ = 0, where
    gates are identities), so this is the figure to compare ansätze by."""

    @property
    def certified(self) -> bool:
        """Whether ``P = 0`` was reached at an exact point (:attr:`certificate` is not ``None``)."""
        return self.certificate is not None

    def summary(self) -> str:
        """A few lines of plain text: the least penalty, and the certificate with its local structure.

        >>> import sggd_sym as sg
        >>> r = symmetric_reach(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2),
        ...                     starts=4, steps=50)
        >>> print(r.summary())
        least penalty: 0 (certified: P = 0 exactly)
        certificate: theta = 0
        symmetric set near it: dimension 0 of 1
        reachable commutant directions there: 0 (commutant coordinates met: 2; at generic symmetric points found: 0)
        """
        lines = [f"least penalty: {self.min_penalty}"
                 + (" (certified: P = 0 exactly)" if self.certified else
                    f" (numeric minimum {self.numeric_minimum:.6g} over {self.starts} starts)")]
        if self.certified:
            lines.append("certificate: " + ", ".join(f"{k} = {v}" for k, v in self.certificate.items()))
            lines.append(f"symmetric set near it: dimension {self.symmetric_dimension} of {self.n_parameters}")
            lines.append(f"reachable commutant directions there: {self.reachable_directions} "
                         f"(commutant coordinates met: {self.commutant_dimension}; at generic symmetric points "
                         f"found: {self.generic_reachable_directions})")
        lines += self.notes
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


def _is_zero(value) -> bool:
    value = sp.expand(value)
    if value == 0:
        return True
    if abs(complex(sp.N(value, 30))) > 1e-20:
        return False
    simplified = sp.simplify(value)
    return simplified == 0 or bool(simplified.equals(0))


def _exact_values(twirled: TwirledObservable, polys, point: dict) -> list[sp.Expr]:
    trig = twirled.trig
    return [sp.expand(trig.to_expr(q).subs(point)) for q in polys]


def _snap(value: float, frequency: float) -> list[sp.Expr]:
    """Exact candidates ``(p/q)·π`` near ``value`` (reduced into one period), nearest first."""
    period = 2 * np.pi / frequency
    v = (value + period / 2) % period - period / 2
    out, seen = [], set()
    for q in (q for q in (1, 2, 3, 4, 6, 8, 12) if q <= MAX_DENOMINATOR):
        r = Fraction(round(v / np.pi * q), q)
        if r not in seen and abs(float(r) * np.pi - v) < 1e-3:
            seen.add(r)
            out.append(sp.Rational(r.numerator, r.denominator) * sp.pi)
    return sorted(out, key=lambda e: (abs(float(e) - v), sp.fraction(e / sp.pi)[1]))


class _Search:
    """Numeric minimisation of ``P = d Σ_P e_P(θ)²`` over the residual's compiled coefficients."""

    def __init__(self, twirled: TwirledObservable):
        self.twirled = twirled
        self.trig = twirled.trig
        residual = twirled.residual_terms()
        self.words = sorted(residual)
        self.polys = [residual[w] for w in self.words]
        self.d = twirled.group.dim
        self.compiled = self.trig.compile(self.polys) if self.polys else None
        self.p = self.trig.n_parameters
        self.freq = np.array([float(w) for w in self.trig.frequencies]) if self.p else np.zeros(0)

    def penalty(self, theta: np.ndarray) -> np.ndarray:
        if self.compiled is None:
            return np.zeros(theta.shape[0])
        e = np.atleast_2d(self.compiled.values(theta))
        return self.d * np.sum(e**2, axis=1)

    def levenberg_marquardt(self, theta: np.ndarray, fixed: np.ndarray | None = None, iterations: int = 60):
        """Batched LM on the residual (``fixed``: a boolean mask of coordinates kept constant)."""
        theta = theta.copy()
        if self.compiled is None or self.p == 0:
            return theta
        free = np.ones(self.p, bool) if fixed is None else ~fixed
        if not free.any():
            return theta
        mu = np.full(theta.shape[0], 1e-3)
        e, jac = self.compiled.values_and_jacobian(theta)
        cost = np.sum(e**2, axis=1)
        for _ in range(iterations):
            j = jac[:, :, free]
            jtj = np.einsum("bkp,bkq->bpq", j, j)
            g = np.einsum("bkp,bk->bp", j, e)
            step = np.linalg.solve(jtj + mu[:, None, None] * np.eye(j.shape[2])[None], -g[:, :, None])[:, :, 0]
            trial = theta.copy()
            trial[:, free] += step
            e_t, jac_t = self.compiled.values_and_jacobian(trial)
            cost_t = np.sum(e_t**2, axis=1)
            better = cost_t < cost
            theta[better], e[better], jac[better], cost[better] = trial[better], e_t[better], jac_t[better], \
                cost_t[better]
            mu = np.where(better, mu / 3, mu * 4)
            if np.all(cost < 1e-30):
                break
        return theta

    def global_search(self, starts: int, rng: np.random.Generator, steps: int) -> np.ndarray:
        from sggd_sym.training.descent import train

        half = np.pi / np.where(self.freq > 0, self.freq, 1.0)
        theta0 = rng.uniform(-half, half, size=(starts, self.p))
        if self.compiled is None:
            return theta0
        pen = penalty_from(self.twirled)
        hist = train(pen, theta0, method="adam", learning_rate=0.05, steps=steps)
        return self.levenberg_marquardt(hist.final_parameters)


def symmetric_reach(circuit: Circuit, observable, group: SymmetryGroup, *, starts: int = 32, seed: int = 0,
                    steps: int = 300, budget: int | None = DEFAULT_BUDGET,
                    atol: float = DEFAULT_ATOL) -> SymmetricReach:
    """How symmetric can ``circuit`` make ``U†OU`` under ``group`` (see the module doc)?

    ``starts`` random initial points (seeded by ``seed``) are minimised with Adam for ``steps`` steps and
    refined by Levenberg–Marquardt; the best minimiser gives :attr:`SymmetricReach.min_penalty`, the ones
    with ``P ≤ atol`` are snapped to rational multiples of π and certified exactly.

    Raises
    ------
    InputTypeError
        If ``circuit`` is not a :class:`~sggd_sym.Circuit`, or ``starts``, ``steps``, ``seed`` not an int.
    InputValueError
        For ``starts < 1`` or a negative ``steps`` or ``seed``.

    Equal rotations on both qubits keep ``ZZ`` swap-symmetric for every θ (Eq. 4 with ``E ≡ 0``):

    >>> import sympy as sp, sggd_sym as sg
    >>> t = sp.Symbol("t", real=True)
    >>> swap = sg.groups.finite([sg.ops.SWAP])
    >>> r = symmetric_reach(sg.Circuit(2).ry(t, 0).ry(t, 1), "ZZ", swap, starts=4, steps=50)
    >>> r.certificate, r.symmetric_dimension, r.identically_symmetric
    ({t: 0}, 1, True)
    """
    if not isinstance(circuit, Circuit):
        raise InputTypeError(f"symmetric_reach: circuit expected a sggd_sym.Circuit, got {type(circuit).__name__}")
    starts = _checks.integer("symmetric_reach", "starts", starts, minimum=1)
    steps = _checks.integer("symmetric_reach", "steps", steps, minimum=0)
    seed = _checks.integer("symmetric_reach", "seed", seed, minimum=0)
    twirled = twirled_observable(circuit, observable, group, budget=budget)
    search = _Search(twirled)
    params = twirled.parameters
    p = len(params)
    n_coords = len(twirled.coordinates)
    if twirled.is_symmetric():
        point = {s: sp.Integer(0) for s in params}
        dim, reach = _local_structure(twirled, search, point)
        half = np.pi / np.where(search.freq > 0, search.freq, 1.0)
        generic = _numeric_reach(twirled, search, np.random.default_rng(seed).uniform(-half, half, (8, p)))
        return SymmetricReach(sp.Integer(0), point, dim, reach, 0.0, np.zeros(p), p, n_coords, True, 0,
                              point, ["the circuit is symmetric for every θ (E ≡ 0): every point certifies"],
                              generic)
    rng = np.random.default_rng(seed)
    minima = search.global_search(starts, rng, steps)
    values = search.penalty(minima)
    order = np.argsort(values)
    best = float(values[order[0]])
    notes: list[str] = []
    for k in order:
        if values[k] > atol:
            break
        point = _certify(twirled, search, minima[k], atol)
        if point is not None:
            dim, reach = _local_structure(twirled, search, point)
            generic = _numeric_reach(twirled, search, minima[values <= atol])
            return SymmetricReach(sp.Integer(0), point, dim, reach, float(values[k]), minima[k], p, n_coords,
                                  False, starts, point, notes, max(generic, reach))
    if best <= atol:
        notes.append(f"numeric minimum {best:.3g} looks like P = 0, but no exact certificate with parameters "
                     f"(p/q)·π, q ≤ {MAX_DENOMINATOR}, was found")
    exact_min, exact_point = _exact_minimum(twirled, search, minima[order[0]], best)
    min_penalty = exact_min if exact_min is not None else best
    return SymmetricReach(min_penalty, None, None, None, best, minima[order[0]], p, n_coords, False, starts,
                          exact_point, notes)


def _residual_zero_at(twirled: TwirledObservable, search: _Search, point: dict) -> bool:
    theta = np.array([[float(point[s]) for s in twirled.parameters]])
    if search.penalty(theta)[0] > 1e-12:
        return False
    return all(_is_zero(v) for v in _exact_values(twirled, search.polys, point))


def _fix_coordinates(search: _Search, theta: np.ndarray, target: float) -> list[sp.Expr] | None:
    """Exact values ``(p/q)·π`` for every coordinate with the numeric penalty still ≤ ``target``: fix the
    coordinates one by one (0 first, then the nearest snaps), re-minimising the free ones each time."""
    p = len(theta)
    snapped = [(_snap(theta[j], search.freq[j]) or [None])[0] for j in range(p)]
    if all(v is not None for v in snapped) and \
            search.penalty(np.array([[float(v) for v in snapped]]))[0] <= target:
        return snapped
    current = theta.copy()
    fixed = np.zeros(p, bool)
    exact: list[sp.Expr] = []
    for j in range(p):
        options = [sp.Integer(0)] + _snap(current[j], search.freq[j])
        for value in dict.fromkeys(options):
            trial = current.copy()
            trial[j] = float(value)
            mask = fixed.copy()
            mask[j] = True
            trial = search.levenberg_marquardt(trial[None], fixed=mask)[0]
            if search.penalty(trial[None])[0] <= target:
                current, fixed = trial, mask
                exact.append(value)
                break
        else:
            return None
    return exact


def _certify(twirled: TwirledObservable, search: _Search, theta: np.ndarray, atol: float) -> dict | None:
    """Exact parameters with ``E = 0`` near the numeric zero ``theta``, or ``None``."""
    values = _fix_coordinates(search, theta, atol)
    if values is None:
        return None
    point = dict(zip(twirled.parameters, values))
    return point if _residual_zero_at(twirled, search, point) else None


def _exact_minimum(twirled: TwirledObservable, search: _Search, theta: np.ndarray, best: float):
    """An exact point whose exact penalty equals the numeric minimum ``best`` (to 1e-7), if one is found."""
    values = _fix_coordinates(search, theta, best + 1e-7 * max(1.0, best))
    if values is None:
        return None, None
    point = dict(zip(twirled.parameters, values))
    value = sp.nsimplify(sp.simplify(sp.Integer(search.d) * sp.Add(
        *[v**2 for v in _exact_values(twirled, search.polys, point)])))
    if not value.is_number or abs(float(value) - best) > 1e-6 * max(1.0, best):
        return None, None
    return value, point


def _numeric_reach(twirled: TwirledObservable, search: _Search, thetas: np.ndarray) -> int:
    """``max rank(∂y · ker ∂E)`` over numeric points (SVD ranks, relative tolerance 1e-7)."""
    if len(thetas) == 0 or search.p == 0 or not twirled.coordinates:
        return 0
    _, jac_y = twirled.trig.compile(twirled.coordinates).values_and_jacobian(np.atleast_2d(thetas))
    if search.compiled is not None:
        _, jac_e = search.compiled.values_and_jacobian(np.atleast_2d(thetas))
    best = 0
    for b in range(len(thetas)):
        if search.compiled is None:
            kernel = np.eye(search.p)
        else:
            _, sv, vh = np.linalg.svd(jac_e[b])
            rank = int(np.sum(sv > 1e-7 * max(1.0, sv[0] if len(sv) else 1.0)))
            kernel = vh[rank:].T
        if kernel.shape[1] == 0:
            continue
        m = jac_y[b] @ kernel
        sv = np.linalg.svd(m, compute_uv=False)
        best = max(best, int(np.sum(sv > 1e-7 * max(1.0, sv[0] if len(sv) else 1.0))))
    return best


def _exact_jacobian(twirled: TwirledObservable, polys, point: dict) -> sp.Matrix:
    trig = twirled.trig
    rows = []
    for q in polys:
        rows.append([sp.simplify(sp.expand(trig.to_expr(trig.derivative(q, j)).subs(point)))
                     for j in range(trig.n_parameters)])
    return sp.Matrix(rows) if rows else sp.zeros(0, trig.n_parameters)


def _local_structure(twirled: TwirledObservable, search: _Search, point: dict) -> tuple[int, int]:
    """``(p − rank ∂E, rank(∂y · ker ∂E))`` at the exact ``point``."""
    p = twirled.trig.n_parameters
    if p == 0:
        return 0, 0
    if (len(search.polys) + len(twirled.coordinates)) * p > EXACT_JACOBIAN_LIMIT:
        theta = np.array([[float(point[s]) for s in twirled.parameters]])
        _, jac = search.compiled.values_and_jacobian(theta) if search.compiled is not None else (None, None)
        rank_e = 0 if jac is None else int(np.linalg.matrix_rank(jac[0], tol=DEFAULT_ATOL * max(1.0, np.abs(jac).max())))
        return p - rank_e, _numeric_reach(twirled, search, theta)
    jac_e = _exact_jacobian(twirled, search.polys, point)
    rank_e = jac_e.rank(simplify=True) if jac_e.rows else 0
    kernel = jac_e.nullspace(simplify=True) if jac_e.rows else [sp.eye(p)[:, j] for j in range(p)]
    if not kernel:
        return p - rank_e, 0
    jac_y = _exact_jacobian(twirled, twirled.coordinates, point)
    if jac_y.rows == 0:
        return p - rank_e, 0
    tangent = sp.Matrix.hstack(*kernel)
    reach = (jac_y * tangent).applyfunc(sp.simplify).rank(simplify=True)
    return p - rank_e, int(reach)


def rank_ansatze(candidates, group: SymmetryGroup, *, starts: int = 32, seed: int = 0,
                 steps: int = 300) -> list[tuple[str, SymmetricReach]]:
    """:func:`symmetric_reach` for several ansätze of one task, best first.

    ``candidates``: ``{name: (circuit, observable)}`` (or a list of ``(name, circuit, observable)``).
    Order: certified symmetric ansätze first, by the most commutant directions they can still move in at
    the symmetric points found (``generic_reachable_directions``, then the dimension of the symmetric set);
    then the others by their least penalty.  A heuristic of the paper's remark that good designs have a
    small penalty — not a proof that the first one trains best.

    Raises
    ------
    InputValueError
        If ``candidates`` is empty.
    InputTypeError
        If a candidate is not a ``(circuit, observable)`` pair.

    >>> import sympy as sp, sggd_sym as sg
    >>> t = sp.Symbol("t", real=True)
    >>> swap = sg.groups.finite([sg.ops.SWAP])
    >>> ranking = rank_ansatze({"one qubit": (sg.Circuit(2).ry(t, 0), "ZZ"),
    ...                         "both qubits": (sg.Circuit(2).ry(t, 0).ry(t, 1), "ZZ")}, swap, starts=4, steps=50)
    >>> [name for name, _ in ranking]
    ['both qubits', 'one qubit']
    """
    items = list(candidates.items()) if isinstance(candidates, dict) else [(n, (c, o)) for n, c, o in candidates]
    if not items:
        raise InputValueError("rank_ansatze: candidates is empty; give {name: (circuit, observable)}")
    results = []
    for name, pair in items:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise InputTypeError(f"rank_ansatze: candidate {name!r} expected a (circuit, observable) pair")
        results.append((str(name), symmetric_reach(pair[0], pair[1], group, starts=starts, seed=seed,
                                                   steps=steps)))

    def key(item):
        r = item[1]
        if r.certified:
            return (0, -(r.generic_reachable_directions or 0), -(r.symmetric_dimension or 0), 0.0)
        return (1, 0, 0, float(r.numeric_minimum))

    return sorted(results, key=key)


def format_ranking(ranking: list[tuple[str, SymmetricReach]]) -> str:
    """A plain-text table of :func:`rank_ansatze`.

    >>> import sympy as sp, sggd_sym as sg
    >>> t = sp.Symbol("t", real=True)
    >>> swap = sg.groups.finite([sg.ops.SWAP])
    >>> ranking = rank_ansatze({"one qubit": (sg.Circuit(2).ry(t, 0), "ZZ"),
    ...                         "both qubits": (sg.Circuit(2).ry(t, 0).ry(t, 1), "ZZ")}, swap, starts=4, steps=50)
    >>> print(format_ranking(ranking))
    rank  ansatz       params  min P  certified  sym. dim  reach@cert  reach generic
    1     both qubits  1       0      yes        1         1           1
    2     one qubit    1       0      yes        0         0           0
    """
    header = ("rank", "ansatz", "params", "min P", "certified", "sym. dim", "reach@cert", "reach generic")
    rows = [header]
    for k, (name, r) in enumerate(ranking, start=1):
        rows.append((str(k), name, str(r.n_parameters),
                     str(r.min_penalty) if r.certified or not isinstance(r.min_penalty, float)
                     else f"{r.min_penalty:.6g}",
                     "yes" if r.certified else "no", "-" if r.symmetric_dimension is None else str(r.symmetric_dimension),
                     "-" if r.reachable_directions is None else str(r.reachable_directions),
                     "-" if r.generic_reachable_directions is None else str(r.generic_reachable_directions)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1…n of ``values`` (ascending), ties sharing their mean rank."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    sorted_values = values[order]
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and sorted_values[j + 1] == sorted_values[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def rank_agreement(predicted, observed) -> dict:
    """Spearman's ρ and Kendall's τ_b between two scorings of the same items (larger = better in both).

    ``ρ`` is the Pearson correlation of the (tie-averaged) ranks; ``τ_b = (C − D)/√((C + D + T_x)(C + D + T_y))``
    over pairs (``C`` concordant, ``D`` discordant, ``T`` tied in one scoring only).  Both are ``nan`` when a
    scoring is constant.  Used by ``sggd-sym rank-ansatze`` to check a ranking against trained accuracies.

    >>> rank_agreement([4, 3, 2, 1], [0.9, 0.8, 0.7, 0.5])
    {'spearman': 1.0, 'kendall': 1.0}
    >>> rank_agreement([3, 2, 1], [0.5, 0.9, 0.7])
    {'spearman': -0.5, 'kendall': -0.333333}
    """
    x = np.asarray(predicted, dtype=float)
    y = np.asarray(observed, dtype=float)
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise InputValueError(f"rank_agreement: predicted and observed expected two 1-D sequences of the same "
                              f"length >= 2, got shapes {x.shape} and {y.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise InputValueError("rank_agreement: predicted and observed must be finite numbers")
    rx, ry = _average_ranks(x), _average_ranks(y)
    dx, dy = rx - rx.mean(), ry - ry.mean()
    denom = float(np.sqrt(np.sum(dx**2) * np.sum(dy**2)))
    spearman = float(np.sum(dx * dy) / denom) if denom > 0 else float("nan")
    concordant = discordant = ties_x = ties_y = 0
    for i in range(x.size):
        for j in range(i + 1, x.size):
            sx, sy = np.sign(x[i] - x[j]), np.sign(y[i] - y[j])
            if sx == 0 and sy == 0:
                continue
            if sx == 0:
                ties_x += 1
            elif sy == 0:
                ties_y += 1
            elif sx == sy:
                concordant += 1
            else:
                discordant += 1
    denom = np.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    kendall = float((concordant - discordant) / denom) if denom > 0 else float("nan")
    return {"spearman": round(spearman, 6), "kendall": round(kendall, 6)}
