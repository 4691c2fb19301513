"""Exact Heisenberg observables ``Õ(θ) = U(θ)† O U(θ)`` (paper Eq. 1) and exact unitaries.

``Õ`` is kept as Pauli coefficients ``Õ = Σ_P a_P(θ) P`` with each ``a_P`` an exact
trigonometric polynomial (:class:`~sggd_sym.algebra.trig.TrigRing`).  Propagating
backwards through the circuit, a Pauli rotation ``R = exp(−iφW/2)`` maps

.. math::  R^† Q R = Q \\;\\text{if } [W,Q]=0, \\qquad
           R^† Q R = \\cos φ\\, Q + \\sin φ\\, (iWQ) \\;\\text{otherwise},

and a fixed gate maps each Pauli word to a fixed combination of words (its
exact Pauli transfer map; a signed permutation for Clifford gates).  The work
is linear in the number of terms, which stays small for the circuits of this
package (SPEC §5); no matrix product of expression trees and no ``simplify``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cached_property, lru_cache

import sympy as sp
from sympy.polys.rings import PolyElement

from sggd_sym import _checks
from sggd_sym.algebra import ops
from sggd_sym.algebra.pauli_sum import PauliSum, as_pauli_sum
from sggd_sym.algebra.paulis import multiply_words, pauli_words, words_commute
from sggd_sym.algebra.trig import TrigRing, base_frequencies, exact_domain, linear_angle
from sggd_sym.circuits.circuit import Circuit, Gate
from sggd_sym.circuits.unitaries import exact_unitary  # re-exported: its home moved out of the Heisenberg picture
from sggd_sym.exceptions import DerivationBudgetError, InputTypeError

__all__ = ["HeisenbergObservable", "heisenberg_observable", "exact_unitary", "terms_matrix", "DEFAULT_BUDGET"]

#: Default limit on the total number of polynomial terms of one derivation.
DEFAULT_BUDGET = 100_000
#: Default limit on the seconds one propagation may take (checked, and predicted, gate by gate).
DEFAULT_SECONDS = 60.0


class _GrowthBudget:
    """Terms and time of a propagation, checked after every gate; the next gate's time is predicted
    from the measured time per term, so a derivation that cannot finish stops before it starts the
    gate that would break the limit, not minutes later."""

    def __init__(self, where: str, budget: int | None, seconds: float | None, n_gates: int):
        self.where, self.budget, self.seconds, self.n_gates = where, budget, seconds, n_gates
        self.start = time.perf_counter()
        self.per_term = 0.0

    def check(self, terms: dict, done: int, gate_seconds: float, terms_before: int) -> None:
        total = sum(len(q) for q in terms.values())
        if terms_before >= 2000:  # small gates measure overhead, not the cost per term
            self.per_term = gate_seconds / terms_before
        hint = ("use fewer layers or a smaller light cone (a more local observable), or raise the limit "
                "(budget=None, seconds=None remove it)")
        if self.budget is not None and total > self.budget:
            raise DerivationBudgetError(
                f"{self.where}: after {done} of {self.n_gates} gates Õ has {total} polynomial terms, over the budget "
                f"of {self.budget}; {hint}")
        if self.seconds is not None and done < self.n_gates:
            elapsed = time.perf_counter() - self.start
            predicted = 2 * self.per_term * total  # the next gate may double the terms
            if elapsed + predicted > self.seconds and predicted > 1.0:
                raise DerivationBudgetError(
                    f"{self.where}: after {done} of {self.n_gates} gates ({elapsed:.1f} s) Õ has {total} polynomial "
                    f"terms and the next gate alone would take about {predicted:.0f} s, past the limit of "
                    f"{self.seconds:.0f} s; {hint}")


@dataclass
class HeisenbergObservable:
    """``Õ(θ) = Σ_P a_P(θ) P`` with exact trig-polynomial coefficients ``terms[P] = a_P`` (Eq. 1).

    Made by :func:`heisenberg_observable`.

    >>> t = sp.Symbol("t")
    >>> h = heisenberg_observable(Circuit(1).ry(t, 0), "Z")     # RY(t)† Z RY(t) = cos t Z − sin t X
    >>> sorted(h.terms), h.parameters, h.n_qubits
    (['X', 'Z'], (t,), 1)
    """

    circuit: Circuit
    observable: PauliSum
    trig: TrigRing
    terms: dict[str, PolyElement]

    @property
    def n_qubits(self) -> int:
        return self.circuit.n_qubits

    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        return self.trig.parameters

    def coefficient(self, word: str) -> sp.Expr:
        """The coefficient ``a_P(θ) = Tr(P Õ)/d`` as a SymPy expression.

        >>> h = heisenberg_observable(Circuit(1).ry(sp.Symbol("t"), 0), "Z")
        >>> h.coefficient("Z"), h.coefficient("X"), h.coefficient("Y")
        (cos(t), -sin(t), 0)
        """
        return self.trig.to_expr(self.terms.get(word, self.trig.ring.zero))

    def matrix(self) -> sp.ImmutableMatrix:
        """``Õ(θ)`` as an exact SymPy matrix (small registers).

        >>> heisenberg_observable(Circuit(1).ry(sp.Symbol("t"), 0), "Z").matrix().tolist()
        [[cos(t), -sin(t)], [-sin(t), -cos(t)]]
        """
        return terms_matrix(self.terms, self.trig, self.n_qubits)

    @cached_property
    def unused_parameters(self) -> tuple[sp.Symbol, ...]:
        """Parameters on which ``Õ`` does not depend (e.g. gates after the last light-cone gate).

        >>> t, u = sp.symbols("t u")
        >>> heisenberg_observable(Circuit(2).ry(t, 1).rx(u, 0), "ZI").unused_parameters
        (t,)
        """
        return tuple(p for j, p in enumerate(self.parameters)
                     if not any(self.trig.depends_on(poly, j) for poly in self.terms.values()))

    def n_terms(self) -> int:
        """Total number of monomials over all Pauli coefficients.

        >>> heisenberg_observable(Circuit(1).ry(sp.Symbol("t"), 0), "Z").n_terms()
        2
        """
        return sum(len(q) for q in self.terms.values())


@lru_cache(maxsize=256)
def _transfer(matrix: sp.ImmutableMatrix, word: str) -> tuple[tuple[str, sp.Expr], ...]:
    """Exact ``G† P G = Σ_Q r_Q Q`` for a fixed gate ``G`` and a Pauli word ``P`` on its qubits."""
    image = matrix.H * ops.pauli(word) * matrix
    return tuple(ops.pauli_decompose(image).items())


def _restrict(word: str, qubits: tuple[int, ...]) -> str:
    return "".join(word[q] for q in qubits)


def _substitute(word: str, qubits: tuple[int, ...], sub: str) -> str:
    letters = list(word)
    for q, c in zip(qubits, sub):
        letters[q] = c
    return "".join(letters)


def _full_word(sub: str, qubits: tuple[int, ...], n: int) -> str:
    return _substitute("I" * n, qubits, sub)


def _constants(circuit: Circuit, observable_terms: dict[str, sp.Expr], extra) -> list[sp.Expr]:
    constants = list(observable_terms.values()) + list(extra)
    for gate in circuit.gates:
        if gate.rotations() is None:
            for word in pauli_words(len(gate.qubits)):
                constants.extend(c for _, c in _transfer(gate.matrix, word))
        else:
            for _, phi in gate.rotations():
                const = sp.expand(phi).subs({p: 0 for p in circuit.parameters})
                if const != 0:
                    constants.extend([sp.cos(const), sp.sin(const)])
    return constants


def heisenberg_observable(circuit: Circuit, observable, *, extra_constants=(),
                          budget: int | None = DEFAULT_BUDGET,
                          seconds: float | None = DEFAULT_SECONDS) -> HeisenbergObservable:
    """Exact ``Õ(θ) = U(θ)† O U(θ)`` (Eq. 1) as Pauli coefficients in a :class:`TrigRing`.

    ``observable`` is an exact Hermitian operator on the circuit's register: a
    :class:`~sggd_sym.algebra.pauli_sum.PauliSum`, a dict of Pauli words, a word, or an explicit matrix
    (decomposed from its nonzero entries).  ``budget`` bounds the total number of polynomial terms,
    checked after every gate, and ``seconds`` the time, predicted gate by gate from the measured cost
    per term (``DerivationBudgetError`` past either, with the figure; ``None``: no bound).

    >>> from sggd_sym.circuits.circuit import werner_ansatz
    >>> c = werner_ansatz()
    >>> O_tilde = heisenberg_observable(c, ops.SWAP).matrix()     # Eq. 9 ansatz, O = F
    >>> O_tilde.trace(), sp.expand((O_tilde * ops.SWAP).trace())  # the traces behind Eq. 10
    (2, 3*cos(theta)/2 + 5/2)
    """
    if not isinstance(circuit, Circuit):
        raise InputTypeError(f"heisenberg_observable: circuit expected a sggd_sym.Circuit, got {type(circuit).__name__}")
    _checks.term_budget("heisenberg_observable", budget)
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, (int, float))
                                or not seconds > 0 or seconds != seconds):
        raise InputTypeError(f"heisenberg_observable: seconds expected a positive number or None, got {seconds!r}")
    obs = as_pauli_sum("heisenberg_observable", "observable", observable, n_qubits=circuit.n_qubits,
                       hermitian=True, numeric=True)
    obs_terms = obs.to_dict()
    n = circuit.n_qubits
    params = circuit.parameters
    slope_lists = []
    for gate in circuit.gates:
        for _, phi in gate.rotations() or ():
            slope_lists.append(linear_angle("heisenberg_observable", phi, params)[0])
    trig = TrigRing(params, base_frequencies(slope_lists, len(params)),
                    exact_domain(_constants(circuit, obs_terms, extra_constants)))
    terms: dict[str, PolyElement] = {w: trig.constant(c) for w, c in obs_terms.items()}
    growth = _GrowthBudget("heisenberg_observable", budget, seconds, len(circuit.gates))
    for done, gate in enumerate(reversed(circuit.gates), start=1):
        before = sum(len(q) for q in terms.values())
        tick = time.perf_counter()
        terms = _conjugate(terms, gate, trig, n)
        growth.check(terms, done, time.perf_counter() - tick, before)
    return HeisenbergObservable(circuit, obs, trig, terms)


def _conjugate(terms: dict[str, PolyElement], gate: Gate, trig: TrigRing, n: int) -> dict[str, PolyElement]:
    """``G† Õ G`` in Pauli coordinates."""
    rotations = gate.rotations()
    if rotations is None:
        out: dict[str, PolyElement] = {}
        for word, poly in terms.items():
            for sub, coeff in _transfer(gate.matrix, _restrict(word, gate.qubits)):
                target = _substitute(word, gate.qubits, sub)
                out[target] = out.get(target, trig.ring.zero) + poly * trig.constant(coeff)
        return {w: q for w, q in out.items() if q}
    for sub, phi in rotations:
        generator = _full_word(sub, gate.qubits, n)
        cos, sin = trig.cos_sin(*linear_angle("heisenberg_observable", phi, trig.parameters))
        out = {}
        for word, poly in terms.items():
            if words_commute(generator, word):
                out[word] = out.get(word, trig.ring.zero) + poly
                continue
            k, image = multiply_words(generator, word)  # W·Q = i^k R, k odd
            sign = 1 if (k + 1) % 4 == 0 else -1  # iWQ = i^{k+1} R = ±R
            out[word] = out.get(word, trig.ring.zero) + trig.reduce(poly * cos)
            out[image] = out.get(image, trig.ring.zero) + trig.reduce(poly * sin) * sign
        terms = {w: q for w, q in out.items() if q}
    return terms


def terms_matrix(terms: dict[str, PolyElement], trig: TrigRing, n: int) -> sp.ImmutableMatrix:
    """``Σ_P a_P(θ) P`` as an exact SymPy matrix, from trig-polynomial Pauli coefficients.

    >>> h = heisenberg_observable(Circuit(1).rx(sp.Symbol("t"), 0), "Z")
    >>> terms_matrix(h.terms, h.trig, 1).tolist()      # cos t Z + sin t Y
    [[cos(t), -I*sin(t)], [I*sin(t), -cos(t)]]
    """
    return ops.from_pauli_terms({word: trig.to_expr(poly) for word, poly in terms.items()}, expand=False,
                                n_qubits=n)


