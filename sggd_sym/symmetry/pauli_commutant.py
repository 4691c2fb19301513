"""Commutants and twirls in the Pauli basis, from a group's structure (paper Eq. 5), never over ``d²`` entries.

A group is described by what it does to Pauli words:

* discrete generators that act as signed permutations (:mod:`sggd_sym.algebra.pauli_maps`);
* Lie-algebra generators that are *one-body* sums ``H = Σ_q h^{(q)}`` (collective ``U(2)``,
  ``U(1)`` charge, local unitaries).  ``ad_H`` changes one letter at a time and keeps the
  support: ``[h, σ_b] = 2i Σ_{a,c} h_a ε_{abc} σ_c``.

Both keep the span of a *class* of words invariant — the words reachable from one another by
these moves — and act on it by real orthogonal maps.  The twirl of an operator is therefore the
sum over classes of its projection onto the invariant vectors of each class: for a purely discrete
group a class is an orbit, with one invariant ``Σ_i s_i Q_i`` (or none, when ``−Q`` lies in the
orbit of ``Q``); otherwise the invariants are the exact nullspace of the stacked constraints
restricted to the class.  Only the classes of the words an operator actually has are ever formed.

The result is the package's usual format, an HS-orthogonal Hermitian basis ``B_i`` of the part
of the commutant that meets those words, as ``({P: Tr(B_i P)}, ‖B_i‖²)`` with exact rationals.

>>> from sggd_sym.symmetry.pauli_commutant import PauliStructure
>>> from sggd_sym.algebra.pauli_maps import QubitPermutation
>>> swap = PauliStructure(2, discrete=[QubitPermutation((1, 0))])
>>> swap.coordinates(["ZI"])          # B = ZI + IZ: Tr(B·ZI) = 4, ‖B‖² = 8
[({'IZ': 4, 'ZI': 4}, 8)]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from sggd_sym.algebra.pauli_maps import SignedPauliMap
from sggd_sym.exceptions import DerivationBudgetError, InputValueError

__all__ = ["OneBodyGenerator", "PauliStructure", "DEFAULT_CLASS_LIMIT", "DEFAULT_ORBIT_LIMIT"]

#: Largest class of words on which invariants are found by exact linear algebra (3⁷ words).
DEFAULT_CLASS_LIMIT = 2187
#: Largest orbit of one Pauli word under a discrete group.
DEFAULT_ORBIT_LIMIT = 500_000

_INDEX = {"X": 0, "Y": 1, "Z": 2}
_LETTER = "XYZ"


def _epsilon(a: int, b: int, c: int) -> int:
    return (a - b) * (b - c) * (c - a) // 2


@dataclass(frozen=True)
class OneBodyGenerator:
    """``H = Σ_q (h_x X_q + h_y Y_q + h_z Z_q)`` (identity parts dropped: they commute with everything).

    ``sites`` maps qubit ``q`` to its exact real coefficients ``(h_x, h_y, h_z)``.

    >>> OneBodyGenerator.uniform("Z", [0, 1])       # Z_0 + Z_1
    OneBodyGenerator(sites=((0, (0, 0, 1)), (1, (0, 0, 1))))
    """

    sites: tuple[tuple[int, tuple[sp.Expr, sp.Expr, sp.Expr]], ...]

    @classmethod
    def uniform(cls, letter: str, qubits: Iterable[int]) -> "OneBodyGenerator":
        """``Σ_{q ∈ qubits} σ_q`` for one ``letter`` of ``XYZ``, e.g. the collective ``Σ_i Z_i``.

        >>> OneBodyGenerator.uniform("X", [2]).sites
        ((2, (1, 0, 0)),)
        """
        h = tuple(sp.Integer(1 if a == letter else 0) for a in _LETTER)
        return cls(tuple((q, h) for q in qubits))

    @cached_property
    def moves(self) -> dict[int, dict[int, list[tuple[int, sp.Expr]]]]:
        """``moves[q][b] = [(c, Σ_a h_a ε_{abc})]``: the letter changes of ``ad_H/2i`` on qubit ``q``.

        Letters are indices ``0, 1, 2`` for ``X, Y, Z``.

        >>> OneBodyGenerator.uniform("Z", [0]).moves       # [Z, X] = 2iY, [Z, Y] = −2iX
        {0: {0: [(1, 1)], 1: [(0, -1)], 2: []}}
        """
        out: dict[int, dict[int, list[tuple[int, sp.Expr]]]] = {}
        for q, h in self.sites:
            table = out.setdefault(q, {0: [], 1: [], 2: []})
            for b in range(3):
                acc: dict[int, sp.Expr] = {}
                for c in range(3):
                    value = sum((h[a] * _epsilon(a, b, c) for a in range(3)), sp.Integer(0))
                    if value != 0:
                        acc[c] = acc.get(c, 0) + value
                for c, v in acc.items():
                    table[b].append((c, v))
        return out


@dataclass
class PauliStructure:
    """A group on ``n`` qubits given by signed-permutation generators and one-body Lie generators.

    Parameters
    ----------
    n_qubits
        The register size.
    discrete
        :class:`~sggd_sym.algebra.pauli_maps.SignedPauliMap` s on ``n_qubits`` qubits.
    lie
        :class:`OneBodyGenerator` s.
    class_limit, orbit_limit
        The largest word class solved by linear algebra, and the largest orbit of a discrete group;
        past them :class:`~sggd_sym.exceptions.DerivationBudgetError` is raised.

    >>> u1 = PauliStructure(2, lie=[OneBodyGenerator.uniform("Z", [0, 1])])
    >>> u1.coordinates(["XX"])      # XY − YX and XX + YY commute with Z_0 + Z_1
    [({'XY': -4, 'YX': 4}, 8), ({'XX': 4, 'YY': 4}, 8)]
    """

    n_qubits: int
    discrete: Sequence[SignedPauliMap] = ()
    lie: Sequence[OneBodyGenerator] = ()
    class_limit: int = DEFAULT_CLASS_LIMIT
    orbit_limit: int = DEFAULT_ORBIT_LIMIT
    _solved: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self.discrete = tuple(self.discrete)
        self.lie = tuple(self.lie)
        for m in self.discrete:
            if m.n_qubits != self.n_qubits:
                raise InputValueError(f"PauliStructure: a discrete map acts on {m.n_qubits} qubits, expected "
                                      f"{self.n_qubits}")
        # letters reachable on each qubit under the Lie moves (X, Y, Z indices)
        links: dict[int, dict[int, set[int]]] = {}
        for g in self.lie:
            for q, table in g.moves.items():
                site = links.setdefault(q, {0: set(), 1: set(), 2: set()})
                for b, targets in table.items():
                    site[b].update(c for c, _ in targets)
        self._links = links

    # -- classes ---------------------------------------------------------------------------------
    def _neighbours(self, word: str):
        for m in self.discrete:
            yield m.apply(word)[1]
        for q, site in self._links.items():
            letter = word[q]
            if letter == "I":
                continue
            for c in site[_INDEX[letter]]:
                yield word[:q] + _LETTER[c] + word[q + 1:]

    def word_class(self, word: str) -> list[str]:
        """All words reachable from ``word`` (the smallest coordinate subspace holding its group orbit).

        >>> from sggd_sym.algebra.pauli_maps import QubitPermutation
        >>> PauliStructure(3, discrete=[QubitPermutation((1, 2, 0))]).word_class("ZII")
        ['IIZ', 'IZI', 'ZII']
        """
        seen = {word}
        frontier = [word]
        limit = self.orbit_limit if not self.lie else self.class_limit
        while frontier:
            nxt = []
            for w in frontier:
                for v in self._neighbours(w):
                    if v not in seen:
                        seen.add(v)
                        nxt.append(v)
            if len(seen) > limit:
                support = sum(a != "I" for a in word)
                raise DerivationBudgetError(
                    f"twirl: the group mixes the Pauli word {word} (support {support}) with more than {limit} "
                    f"words ({'orbit' if not self.lie else 'invariant class'} limit); shrink the observable's light "
                    "cone (fewer layers, a local observable) or pass a larger class_limit/orbit_limit")
            frontier = nxt
        return sorted(seen)

    # -- invariants ------------------------------------------------------------------------------
    def _orbit_invariant(self, word: str) -> dict[str, int] | None:
        """For a discrete group: ``{Q_i: s_i}`` of the orbit of ``+word``, or ``None`` if ``−word`` is in it."""
        signs = {word: 1}
        frontier = [word]
        while frontier:
            nxt = []
            for w in frontier:
                for m in self.discrete:
                    s, v = m.apply(w)
                    s *= signs[w]
                    if v in signs:
                        if signs[v] != s:
                            return None
                        continue
                    signs[v] = s
                    nxt.append(v)
            if len(signs) > self.orbit_limit:
                raise DerivationBudgetError(
                    f"twirl: the orbit of the Pauli word {word} exceeds {self.orbit_limit} words; shrink the "
                    "observable's light cone or pass a larger orbit_limit")
            frontier = nxt
        return signs

    @cached_property
    def _fully_mixed_sites(self) -> frozenset[int]:
        """Qubits where single-site generators span at least two axes: no nonzero vector of ``R³`` is fixed
        there, so no invariant has a non-identity letter on such a qubit (local unitaries)."""
        axes: dict[int, list] = {}
        for g in self.lie:
            if len(g.sites) == 1:
                q, h = g.sites[0]
                axes.setdefault(q, []).append(list(h))
        return frozenset(q for q, hs in axes.items() if sp.Matrix(hs).rank() >= 2)

    def _class_invariants(self, words: list[str]) -> list[dict[str, sp.Expr]]:
        """Real invariant vectors on a class, HS-orthogonal, by exact nullspace of the constraints."""
        key = self._class_key(words)
        if key is not None and key in self._solved:
            template, positions = self._solved[key]
            return [_relabel(v, positions, words[0]) for v in template]
        index = {w: i for i, w in enumerate(words)}
        rows: list[dict[int, sp.Expr]] = []
        for g in self.lie:
            out: dict[int, dict[int, sp.Expr]] = {}
            for w in words:
                col = index[w]
                for q, table in g.moves.items():
                    letter = w[q]
                    if letter == "I":
                        continue
                    for c, value in table[_INDEX[letter]]:
                        target = index[w[:q] + _LETTER[c] + w[q + 1:]]
                        row = out.setdefault(target, {})
                        row[col] = row.get(col, 0) + value
            rows.extend(r for r in out.values())
        for m in self.discrete:
            for w in words:
                s, v = m.apply(w)
                row = {index[v]: sp.Integer(s)}
                row[index[w]] = row.get(index[w], 0) - 1
                rows.append(row)
        rows = [{c: v for c, v in r.items() if v != 0} for r in rows]
        rows = [r for r in rows if r]
        size = len(words)
        if rows:
            values = [v for r in rows for v in r.values()]
            domain, elements = sp.polys.constructor.construct_domain(values, field=True)
            it = iter(elements)
            sparse = {i: {c: next(it) for c in r} for i, r in enumerate(rows)}
            null = DomainMatrix(sparse, (len(rows), size), domain).nullspace().to_Matrix()
            vectors = [list(null.row(i)) for i in range(null.rows)]
        else:
            vectors = [[1 if k == i else 0 for k in range(size)] for i in range(size)]
        basis: list[list[sp.Expr]] = []
        norms: list[sp.Expr] = []
        for vec in vectors:
            cand = list(vec)
            for b, n2 in zip(basis, norms):
                coeff = sum((x * y for x, y in zip(b, cand) if x != 0 and y != 0), sp.Integer(0)) / n2
                if coeff != 0:
                    cand = [sp.expand(y - coeff * x) for x, y in zip(b, cand)]
            n2 = sp.expand(sum((x * x for x in cand if x != 0), sp.Integer(0)))
            if n2 != 0:
                basis.append(cand)
                norms.append(n2)
        invariants = [{words[i]: x for i, x in enumerate(b) if x != 0} for b in basis]
        if key is not None:
            self._solved[key] = (invariants, _positions(words[0]))
        return invariants

    def _class_key(self, words: list[str]):
        """Classes of one-body groups that act alike on every site share their invariants (up to the
        placement of the support): the key is the per-site pattern of letters and generator moves."""
        if self.discrete:
            return None
        support = _positions(words[0])
        pattern = []
        for q in support:
            letters = frozenset(w[q] for w in words)
            moves = tuple(tuple(sorted((c, tuple(v)) for c, v in _site_moves(g, q).items())) for g in self.lie)
            pattern.append((letters, moves))
        return (len(words), tuple(pattern))

    # -- public ----------------------------------------------------------------------------------
    def coordinates(self, words: Iterable[str]) -> list[tuple[dict[str, sp.Expr], sp.Expr]]:
        """``[({P: Tr(B_i P)}, ‖B_i‖²)]`` for the invariant basis elements meeting ``words``.

        These are the commutant coordinates of Eq. 5 and 6: ``T_G[X] = Σ_i ⟨B_i, X⟩ B_i / ‖B_i‖²``.

        Raises
        ------
        InputValueError
            For a word that is not an ``n_qubits``-letter Pauli word.

        >>> PauliStructure(1, lie=[OneBodyGenerator.uniform("Z", [0])]).coordinates(["X", "Z"])
        [({'Z': 2}, 2)]
        """
        d = sp.Integer(2) ** self.n_qubits
        done: set[str] = set()
        out: list[tuple[dict[str, sp.Expr], sp.Expr]] = []
        for word in sorted(set(words)):
            if word in done:
                continue
            if len(word) != self.n_qubits or set(word) - set("IXYZ"):
                raise InputValueError(f"PauliStructure.coordinates: {word!r} is not a {self.n_qubits}-qubit Pauli word")
            if set(word) == {"I"}:
                done.add(word)
                out.append(({word: d}, d))
                continue
            if not self.lie:
                signs = self._orbit_invariant(word)
                if signs is None:
                    done.add(word)
                    # the whole orbit twirls to zero; mark its words
                    done.update(self.word_class(word))
                    continue
                done.update(signs)
                out.append(({w: d * s for w, s in sorted(signs.items())}, d * len(signs)))
                continue
            if any(word[q] != "I" for q in self._fully_mixed_sites):
                done.add(word)
                continue
            members = self.word_class(word)
            done.update(members)
            for inv in self._class_invariants(members):
                norm2 = sp.expand(d * sum((x * x for x in inv.values()), sp.Integer(0)))
                out.append(({w: sp.expand(d * x) for w, x in inv.items()}, norm2))
        return out


def _positions(word: str) -> tuple[int, ...]:
    return tuple(q for q, a in enumerate(word) if a != "I")


def _site_moves(g: OneBodyGenerator, q: int) -> dict[int, tuple]:
    table = g.moves.get(q)
    if table is None:
        return {}
    return {b: tuple(sorted((c, str(v)) for c, v in targets)) for b, targets in table.items()}


def _relabel(vector: dict[str, sp.Expr], source: tuple[int, ...], example: str) -> dict[str, sp.Expr]:
    """Move a solved invariant from the support ``source`` to the support of ``example``."""
    target = _positions(example)
    n = len(example)
    out = {}
    for word, x in vector.items():
        letters = ["I"] * n
        for s, t in zip(source, target):
            letters[t] = word[s]
        out["".join(letters)] = x
    return out
