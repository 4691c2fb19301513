"""Exact trigonometric polynomials in circuit parameters (SPEC §5).

Every coefficient of a Heisenberg observable ``U(θ)† O U(θ)`` of a circuit
whose parameters enter rotation angles linearly is a polynomial in
``c_j = cos(ω_j θ_j)`` and ``s_j = sin(ω_j θ_j)``.  :class:`TrigRing` stores
such polynomials as sparse SymPy ring elements (``sympy.polys.rings``), exact
over ``QQ`` or an algebraic extension, in the canonical form obtained by
reducing ``s_j² → 1 − c_j²``; so two polynomials are equal iff they are equal
as functions.  Derivatives are ring derivations
(``∂c_j = −ω_j s_j``, ``∂s_j = ω_j c_j``): no expression trees, no
``sympy.diff``.  :meth:`TrigRing.compile` hands a list of them to the numeric bridge
(:class:`~sggd_sym.numeric.trig_kernels.CompiledTrigPolynomials`), which evaluates them and their
Jacobian vectorised over batches of parameter vectors with numpy.
"""

from __future__ import annotations

from math import gcd

import sympy as sp
from sympy.polys.domains import QQ
from sympy.polys.rings import PolyElement, ring

from sggd_sym.exceptions import DerivationBudgetError, InputValueError
from sggd_sym.numeric.trig_kernels import CompiledTrigPolynomials  # the ring's numeric evaluator (the bridge)

__all__ = ["TrigRing", "CompiledTrigPolynomials", "linear_angle", "base_frequencies", "exact_domain"]


def linear_angle(where: str, angle, parameters: tuple[sp.Symbol, ...]) -> tuple[dict[int, sp.Rational], sp.Expr]:
    """Split ``angle = Σ_j a_j θ_j + b`` into rational slopes ``{j: a_j}`` and an exact constant ``b``.

    >>> a, b = sp.symbols("a b")
    >>> slopes, constant = linear_angle("example", 2 * a + b / 3 + sp.pi / 4, (a, b))
    >>> sorted(slopes.items()), constant
    ([(0, 2), (1, 1/3)], pi/4)
    """
    angle = sp.sympify(angle)
    index = {p: j for j, p in enumerate(parameters)}
    slopes: dict[int, sp.Rational] = {}
    for symbol in angle.free_symbols:
        if symbol not in index:
            raise InputValueError(f"{where}: angle {angle} uses {symbol}, which is not a circuit parameter")
        slope = sp.diff(angle, symbol)
        if slope.free_symbols or not slope.is_Rational:
            raise InputValueError(
                f"{where}: angle {angle} must be linear in the parameters with rational slopes "
                f"(like 2*t or t/2 + pi/4), got slope {slope} for {symbol}")
        if slope != 0:
            slopes[index[symbol]] = sp.Rational(slope)
    constant = sp.expand(angle.subs({p: 0 for p in parameters}))
    return slopes, constant


def base_frequencies(slope_lists: list[dict[int, sp.Rational]], n_parameters: int) -> tuple[sp.Rational, ...]:
    """Per parameter, the largest ω_j such that every slope of θ_j is an integer multiple of ω_j.

    A parameter with no slope gets ``1``.

    >>> base_frequencies([{0: sp.Rational(1, 2)}, {0: sp.Integer(1), 1: sp.Rational(2, 3)}], 3)
    (1/2, 2/3, 1)
    """
    freqs = []
    for j in range(n_parameters):
        slopes = [abs(s[j]) for s in slope_lists if j in s]
        if not slopes:
            freqs.append(sp.Integer(1))
            continue
        num = 0
        den = 1
        for r in slopes:
            num = gcd(num, int(r.p))
            den = den * int(r.q) // gcd(den, int(r.q))
        # gcd of rationals p_k/q_k = gcd(p_k) / lcm(q_k)
        freqs.append(sp.Rational(num, den))
    return tuple(freqs)


def exact_domain(constants) -> object:
    """The coefficient domain for these exact constants: ``QQ``; ``QQ<a>`` when they need at most two
    plain square-root-type radicals (and ``I``); otherwise ``EX``.

    Nested radicals such as ``cos(π/16)`` would make SymPy search a primitive element of a large number
    field, which can take minutes; ``EX`` stays exact and fast there, at the price of zero tests that
    may miss identities between such radicals (numerics are unaffected).

    >>> exact_domain([1, sp.Rational(1, 2)]), exact_domain([sp.sqrt(2) / 2]), exact_domain([sp.cos(sp.pi / 16)])
    (QQ, QQ<sqrt(2)>, EX)
    """
    values = [sp.expand(sp.sympify(c)) for c in constants]
    values = [v for v in values if not v.is_Rational]
    if not values:
        return QQ
    radicals = {a for v in values for a in v.atoms(sp.Pow) if not a.exp.is_Integer}
    nested = any(not a.base.is_Rational for a in radicals)
    others = [v for v in values if v.atoms(sp.Function)]
    if nested or others or len({a.base for a in radicals}) > 2:
        return sp.EX
    domain, _ = sp.polys.constructor.construct_domain(values, extension=True)
    if domain.is_ZZ:
        return QQ
    return domain.get_field() if hasattr(domain, "get_field") and not domain.is_Field else domain


class TrigRing:
    """Ring of exact trigonometric polynomials in ``cos(ω_j θ_j)``, ``sin(ω_j θ_j)``.

    Parameters
    ----------
    parameters : tuple of sympy.Symbol
        The circuit parameters ``θ_j`` in order.
    frequencies : tuple of sympy.Rational
        The base frequency ``ω_j`` of each parameter.
    domain : sympy domain
        The exact coefficient domain (``QQ`` unless constants need more).

    Examples
    --------
    >>> t = sp.Symbol("t")
    >>> R = TrigRing((t,), (sp.Rational(1, 2),))      # c0 = cos(t/2), s0 = sin(t/2)
    >>> c, s = R.cos_sin({0: sp.Integer(1)}, 0)       # cos t, sin t
    >>> c, s, R.to_expr(c)
    (2*c0**2 - 1, 2*c0*s0, cos(t))
    """

    def __init__(self, parameters, frequencies, domain=QQ):
        self.parameters = tuple(parameters)
        self.frequencies = tuple(sp.Rational(w) for w in frequencies)
        self.domain = domain
        p = len(self.parameters)
        names = [f"c{j}" for j in range(p)] + [f"s{j}" for j in range(p)]
        if p == 0:
            names = ["_unused"]
        self.ring, *gens = ring(",".join(names), domain)
        self.cos = tuple(gens[:p]) if p else ()
        self.sin = tuple(gens[p:]) if p else ()
        self._multiple_cache: dict[tuple[int, int], tuple[PolyElement, PolyElement]] = {}

    # -- construction -------------------------------------------------------------------------
    @property
    def n_parameters(self) -> int:
        return len(self.parameters)

    def constant(self, value) -> PolyElement:
        """The constant polynomial ``value`` (an exact number).

        >>> TrigRing((sp.Symbol("t"),), (1,)).constant(sp.Rational(1, 2))
        1/2
        """
        return self.ring.ground_new(self.domain.from_sympy(sp.expand(sp.sympify(value))))

    def cos_sin(self, slopes: dict[int, sp.Rational], constant) -> tuple[PolyElement, PolyElement]:
        """``(cos φ, sin φ)`` for ``φ = Σ_j slopes[j]·θ_j + constant``, reduced.

        >>> TrigRing((sp.Symbol("t"),), (1,)).cos_sin({0: sp.Integer(1)}, sp.pi / 2)   # cos(t + π/2)
        (-s0, c0)
        """
        c = self.constant(sp.cos(constant))
        s = self.constant(sp.sin(constant))
        for j, slope in sorted(slopes.items()):
            multiple = slope / self.frequencies[j]
            if not multiple.is_Integer:
                raise InputValueError(f"TrigRing: slope {slope} of {self.parameters[j]} is not a multiple "
                                      f"of its base frequency {self.frequencies[j]}")
            cm, sm = self._multiple(j, int(multiple))
            c, s = c * cm - s * sm, s * cm + c * sm
        return self.reduce(c), self.reduce(s)

    def _multiple(self, j: int, m: int) -> tuple[PolyElement, PolyElement]:
        """``(cos(m ω_j θ_j), sin(m ω_j θ_j))`` by repeated angle addition."""
        key = (j, m)
        if key not in self._multiple_cache:
            if m < 0:
                c, s = self._multiple(j, -m)
                result = (c, -s)
            elif m == 0:
                result = (self.ring.one, self.ring.zero)
            elif m == 1:
                result = (self.cos[j], self.sin[j])
            else:
                c1, s1 = self._multiple(j, m - 1)
                result = (self.reduce(c1 * self.cos[j] - s1 * self.sin[j]),
                          self.reduce(s1 * self.cos[j] + c1 * self.sin[j]))
            self._multiple_cache[key] = result
        return self._multiple_cache[key]

    # -- canonical form -----------------------------------------------------------------------
    def reduce(self, poly: PolyElement) -> PolyElement:
        """Canonical form: no ``s_j`` appears squared (``s_j² → 1 − c_j²``).

        >>> R = TrigRing((sp.Symbol("t"),), (1,))
        >>> R.reduce(R.sin[0] ** 2)
        -c0**2 + 1
        """
        p = self.n_parameters
        if p == 0 or all(max(m[p:], default=0) < 2 for m in poly.keys()):
            return poly
        out = self.ring.zero
        one_minus_c2 = [1 - c**2 for c in self.cos]
        for monom, coeff in poly.items():
            term = self.ring({monom[:p] + tuple(e % 2 for e in monom[p:]): coeff})
            for j, e in enumerate(monom[p:]):
                if e >= 2:
                    term *= one_minus_c2[j] ** (e // 2)
            out += term
        return out

    # -- calculus -----------------------------------------------------------------------------
    def derivative(self, poly: PolyElement, j: int) -> PolyElement:
        """``∂/∂θ_j`` of ``poly``: ``∂c_j = −ω_j s_j``, ``∂s_j = ω_j c_j``, then reduced.

        >>> R = TrigRing((sp.Symbol("t"),), (sp.Rational(1, 2),))
        >>> R.derivative(R.cos[0], 0)
        -1/2*s0
        """
        omega = self.domain.from_sympy(self.frequencies[j])
        dc = poly.diff(self.cos[j]) * (-self.sin[j]) if poly.degree(self.cos[j]) > 0 else self.ring.zero
        ds = poly.diff(self.sin[j]) * self.cos[j] if poly.degree(self.sin[j]) > 0 else self.ring.zero
        return self.reduce((dc + ds) * omega)

    def depends_on(self, poly: PolyElement, j: int) -> bool:
        """Whether ``poly`` involves ``θ_j`` (exact: the canonical form is unique).

        >>> R = TrigRing((sp.Symbol("t"),), (1,))
        >>> R.depends_on(R.reduce(R.sin[0] ** 2 + R.cos[0] ** 2), 0), R.depends_on(R.cos[0], 0)
        (False, True)
        """
        return poly.degree(self.cos[j]) > 0 or poly.degree(self.sin[j]) > 0

    # -- display and evaluation ---------------------------------------------------------------
    def trig_symbols(self) -> tuple[list[sp.Expr], list[sp.Expr]]:
        cos = [sp.cos(w * t) for w, t in zip(self.frequencies, self.parameters)]
        sin = [sp.sin(w * t) for w, t in zip(self.frequencies, self.parameters)]
        return cos, sin

    def to_expr(self, poly: PolyElement) -> sp.Expr:
        """The polynomial as a SymPy expression in ``cos(ω_j θ_j)``, ``sin(ω_j θ_j)``.

        Parameters that enter only through even combinations of half angles are rewritten in the
        doubled angle first, so that e.g. ``3(1 − cos⁴(θ/2))`` displays as ``(3/4)(1 − cos θ)(3 + cos θ)``.

        >>> t = sp.Symbol("t")
        >>> R = TrigRing((t,), (sp.Rational(1, 2),))
        >>> expr = R.to_expr(3 * (1 - R.cos[0] ** 4))     # the Werner penalty of Eq. 11
        >>> expr, sp.factor(expr)
        (-3*cos(t)**2/4 - 3*cos(t)/2 + 9/4, -3*(cos(t) - 1)*(cos(t) + 3)/4)
        """
        poly, freqs = self._coarsest(poly)
        p = self.n_parameters
        if p == 0:
            return self.domain.to_sympy(poly.coeff(1)) if poly else sp.Integer(0)
        cos = [sp.cos(w * t) for w, t in zip(freqs, self.parameters)]
        sin = [sp.sin(w * t) for w, t in zip(freqs, self.parameters)]
        terms = []
        for monom, coeff in poly.items():
            factors = [self.domain.to_sympy(coeff)]
            factors += [cos[j] ** monom[j] for j in range(p) if monom[j]]
            factors += [sin[j] ** monom[p + j] for j in range(p) if monom[p + j]]
            terms.append(sp.Mul(*factors))
        return sp.Add(*terms)

    def _coarsest(self, poly: PolyElement) -> tuple[PolyElement, list[sp.Rational]]:
        """Rewrite each parameter in the largest angle ``2^k ω_j θ_j`` it depends on (for display)."""
        freqs = list(self.frequencies)
        p = self.n_parameters
        for j in range(p):
            while poly and self.depends_on(poly, j) and all((m[j] + m[p + j]) % 2 == 0 for m in poly.keys()):
                poly = self._double_angle(poly, j)
                freqs[j] = freqs[j] * 2
        return poly, freqs

    def _double_angle(self, poly: PolyElement, j: int) -> PolyElement:
        """Substitute ``c² = (1+C)/2``, ``s² = (1−C)/2``, ``cs = S/2`` for parameter ``j`` (even degree)."""
        p = self.n_parameters
        C, S = self.cos[j], self.sin[j]
        half = self.domain.from_sympy(sp.Rational(1, 2))
        c2 = (1 + C) * half
        s2 = (1 - C) * half
        out = self.ring.zero
        for monom, coeff in poly.items():
            a, b = monom[j], monom[p + j]
            rest = list(monom)
            rest[j] = 0
            rest[p + j] = 0
            term = self.ring({tuple(rest): coeff})
            if a % 2 == 1:  # a and b both odd
                term *= S * half
                a, b = a - 1, b - 1
            term *= c2 ** (a // 2) * s2 ** (b // 2)
            out += term
        return self.reduce(out)

    def compile(self, polys: list[PolyElement]) -> "CompiledTrigPolynomials":
        """A numpy evaluator of ``polys`` and their Jacobian (see :class:`CompiledTrigPolynomials`).

        >>> R = TrigRing((sp.Symbol("t"),), (1,))
        >>> f = R.compile([R.cos[0], R.sin[0]])
        >>> [round(float(v), 6) for v in f.values([0.0])]
        [1.0, 0.0]
        """
        return CompiledTrigPolynomials(self, list(polys))


def check_budget(where: str, polys, budget: int | None) -> None:
    """Raise :class:`DerivationBudgetError` when the total number of terms exceeds ``budget``."""
    if budget is None:
        return
    total = sum(len(q) for q in polys)
    if total > budget:
        raise DerivationBudgetError(
            f"{where}: the exact derivation reached {total} polynomial terms, over its budget of {budget}; "
            "use fewer parameters or layers, or raise `budget` (None removes the limit)")
