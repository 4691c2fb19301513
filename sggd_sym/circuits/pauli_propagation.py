"""Exact Pauli propagation on bit-packed terms (SPEC §5, paper Eq. 1).

A Heisenberg observable ``Õ(θ) = U(θ)† O U(θ)`` of a circuit whose parametrised gates are Pauli
rotations and whose fixed gates are Clifford is a sum of *terms*

.. math::  Õ = \\frac{1}{D} \\sum_t c_t \\, \\prod_{k \\in C_t} \\cos φ_k \\prod_{k \\in S_t} \\sin φ_k \\; P_t ,

with integer ``c_t``, a common denominator ``D``, Pauli words ``P_t`` and disjoint sets ``C_t, S_t`` of
*rotation occurrences* ``k`` (one per Pauli rotation of the circuit, angle ``φ_k = a_k θ_{j_k} + b_k``).
Propagating backwards, a rotation ``exp(−iφ_k W/2)`` keeps the terms whose word commutes with ``W``
and splits each other one into ``cos φ_k · P`` and ``sin φ_k · (iWP)``; a Clifford gate permutes words
with signs.  Because every occurrence is a fresh variable, no two terms ever share a key, so
propagation is pure array work: words as ``x``/``z`` bit masks and monomials as cos/sin bit masks in
``uint64`` arrays, coefficients as machine integers that never grow (``±c`` of the observable).

Terms are exact; they are not canonical in ``θ`` when a parameter is used several times or with a
constant offset (``cos²θ + sin²θ`` is not recognised).  :meth:`PackedHeisenberg.to_trig_ring` returns
the canonical form of :class:`~sggd_sym.algebra.trig.TrigRing` (equal, term by term, to the ring
propagation of :mod:`sggd_sym.circuits.heisenberg`), built only when asked for.

Optionally, terms of Pauli weight above ``max_weight`` or with more than ``max_sin_degree`` sine
factors are dropped while propagating; every drop is charged to a rigorous bound on
``‖ΔÕ‖_HS`` valid for every θ (:class:`Truncation`).

>>> import sggd_sym as sg
>>> from sggd_sym.circuits.pauli_propagation import propagate
>>> packed = propagate(sg.circuits.hardware_efficient(2, 2), "ZI")
>>> packed.n_terms, packed.error_bound
(11, 0.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from math import lcm, sqrt

import numpy as np
import sympy as sp
from sympy.polys.domains import QQ

from sggd_sym.algebra.pauli_maps import detect_signed_pauli_map
from sggd_sym.algebra.pauli_sum import as_pauli_sum
from sggd_sym.algebra.trig import TrigRing, base_frequencies, linear_angle
from sggd_sym.circuits.circuit import Circuit, Gate
from sggd_sym.exceptions import DerivationBudgetError, InputTypeError, InputValueError
from sggd_sym.numeric.bridge import to_float

__all__ = ["PackedHeisenberg", "Truncation", "Occurrence", "propagate", "supports_packed", "PACKED_BUDGET"]

#: Default largest number of terms of one packed propagation (about 40 bytes each).
PACKED_BUDGET = 200_000_000

_WORD = 64
_ONE = np.uint64(1)
#: Letter of a qubit from its (x, z) bits, and back.
_LETTER = {(0, 0): "I", (1, 0): "X", (0, 1): "Z", (1, 1): "Y"}
_BITS = {letter: bits for bits, letter in _LETTER.items()}


@dataclass(frozen=True)
class Truncation:
    """Which terms a truncated propagation drops (``None``: keep all).

    ``max_weight`` drops terms whose Pauli word acts on more qubits; ``max_sin_degree`` drops terms
    with more sine factors (exact at ``θ = 0``, where every sine vanishes).

    Raises
    ------
    InputTypeError
        If a limit is not a non-negative int or ``None``.

    >>> import sggd_sym as sg
    >>> packed = propagate(sg.circuits.hardware_efficient(3, 2), "ZII", truncation=Truncation(max_weight=1))
    >>> packed.n_terms, packed.exact, round(packed.error_bound, 6)
    (2, False, 2.828427)
    """

    max_weight: int | None = None
    max_sin_degree: int | None = None

    def __post_init__(self):
        for name in ("max_weight", "max_sin_degree"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise InputTypeError(f"Truncation: {name} expected a non-negative int or None, got {value!r}")

    @property
    def active(self) -> bool:
        """Whether some limit is set (a truncation that drops nothing is not active).

        >>> Truncation().active, Truncation(max_sin_degree=2).active
        (False, True)
        """
        return self.max_weight is not None or self.max_sin_degree is not None


@dataclass(frozen=True)
class Occurrence:
    """One Pauli rotation of the circuit: angle ``φ = Σ_j slopes[j]·θ_j + constant`` (exact).

    ``slopes`` pairs parameter indices ``j`` (into ``circuit.parameters``) with their slopes.

    >>> import sggd_sym as sg
    >>> t = sp.Symbol("t", real=True)
    >>> propagate(sg.Circuit(1).ry(2 * t + sp.pi / 2, 0), "Z").occurrences
    (Occurrence(slopes=((0, 2),), constant=pi/2),)
    """

    slopes: tuple[tuple[int, sp.Rational], ...]
    constant: sp.Expr


@dataclass
class PackedHeisenberg:
    """``Õ(θ)`` as bit-packed exact terms (see the module docstring).

    ``x[i]``, ``z[i]``: 64-qubit blocks of the words' bit masks; ``cos[i]``, ``sin[i]``: 64-occurrence
    blocks of the monomials; ``coefficients``: integer numerators over ``denominator``.
    ``error_bound`` bounds ``‖Õ_exact − Õ‖_HS`` for every θ (0.0 when nothing was dropped).
    Made by :func:`propagate`.

    >>> import sggd_sym as sg
    >>> packed = propagate(sg.Circuit(1).ry(sp.Symbol("t", real=True), 0), "Z")   # cos t Z − sin t X
    >>> packed.n_qubits, packed.n_terms, packed.exact, packed.coefficients.tolist(), packed.denominator
    (1, 2, True, [1, -1], 1)
    """

    circuit: Circuit
    observable_norm2: sp.Rational
    occurrences: tuple[Occurrence, ...]
    x: list[np.ndarray]
    z: list[np.ndarray]
    cos: list[np.ndarray]
    sin: list[np.ndarray]
    coefficients: np.ndarray
    denominator: int
    error_bound: float = 0.0
    truncation: Truncation = field(default_factory=Truncation)

    @property
    def n_qubits(self) -> int:
        """The circuit's register size."""
        return self.circuit.n_qubits

    @property
    def n_terms(self) -> int:
        """The number of terms (not of distinct Pauli words)."""
        return int(self.coefficients.shape[0])

    @property
    def exact(self) -> bool:
        """Whether no term was dropped (``error_bound == 0``)."""
        return self.error_bound == 0

    @property
    def unused_parameters(self) -> tuple[sp.Symbol, ...]:
        """Parameters none of whose rotations appears in any term.

        >>> import sggd_sym as sg
        >>> t, u = sp.symbols("t u", real=True)
        >>> propagate(sg.Circuit(2).rx(t, 0).ry(u, 1), "ZI").unused_parameters
        (u,)
        """
        used = set()
        for k, o in enumerate(self.occurrences):
            block, bit = divmod(k, _WORD)
            mask = np.uint64(1 << bit)
            if np.any((self.cos[block] | self.sin[block]) & mask):
                used.update(j for j, _ in o.slopes)
        return tuple(p for j, p in enumerate(self.circuit.parameters) if j not in used)

    # -- views ---------------------------------------------------------------------------------
    def words(self) -> np.ndarray:
        """The Pauli word of every term as a string array (``"IXYZ"`` letters, qubit 0 first).

        >>> import sggd_sym as sg
        >>> propagate(sg.Circuit(1).ry(sp.Symbol("t", real=True), 0), "Z").words().tolist()
        ['Z', 'X']
        """
        index, words = _word_ids(self)
        return np.array(words, dtype=object)[index] if words else np.array([], dtype=object)

    def occurrence_bits(self, which: str) -> np.ndarray:
        """``(n_terms, n_occurrences)`` booleans: which terms have the factor ``cos φ_k`` or ``sin φ_k``.

        ``which`` is ``"cos"`` or ``"sin"``.

        >>> import sggd_sym as sg
        >>> propagate(sg.Circuit(1).ry(sp.Symbol("t", real=True), 0), "Z").occurrence_bits("sin").tolist()
        [[False], [True]]
        """
        blocks = self.cos if which == "cos" else self.sin
        K = len(self.occurrences)
        out = np.zeros((self.n_terms, K), dtype=bool)
        for k in range(K):
            block, bit = divmod(k, _WORD)
            out[:, k] = ((blocks[block] >> np.uint64(bit)) & _ONE).astype(bool)
        return out

    # -- exact canonical form ------------------------------------------------------------------
    def trig_ring(self, domain=None) -> TrigRing:
        """The :class:`TrigRing` of the circuit's parameters (base frequencies from the slopes).

        ``domain`` is the ring's coefficient domain (default ``QQ``).

        >>> import sggd_sym as sg
        >>> propagate(sg.Circuit(1).ry(sp.Symbol("t", real=True), 0), "Z").trig_ring().parameters
        (t,)
        """
        params = self.circuit.parameters
        slope_lists = [dict(o.slopes) for o in self.occurrences]
        return TrigRing(params, base_frequencies(slope_lists, len(params)), QQ if domain is None else domain)

    def to_trig_ring(self, trig: TrigRing | None = None) -> dict:
        """``{word: a_P}`` with each ``a_P`` in the canonical form of ``trig`` (exact).

        The same polynomials the ring propagation of :mod:`sggd_sym.circuits.heisenberg` computes.

        >>> import sggd_sym as sg
        >>> packed = propagate(sg.Circuit(1).ry(2 * sp.Symbol("t", real=True), 0), "Z")
        >>> trig = packed.trig_ring()
        >>> {word: trig.to_expr(a) for word, a in packed.to_trig_ring(trig).items()}
        {'Z': cos(2*t), 'X': -sin(2*t)}
        """
        trig = self.trig_ring() if trig is None else trig
        p = trig.n_parameters
        K = len(self.occurrences)
        uses = [0] * p
        for o in self.occurrences:
            for j, _ in o.slopes:
                uses[j] += 1
        # An occurrence is "simple" when it is its parameter's only one, with slope ±ω and no offset:
        # then cos φ = c_j and sin φ = ±s_j, a single exponent.
        simple = {}
        for k, o in enumerate(self.occurrences):
            if len(o.slopes) == 1 and o.constant == 0:
                (j, slope), = o.slopes
                if uses[j] == 1 and abs(slope) == trig.frequencies[j]:
                    simple[k] = (j, 1 if slope > 0 else -1)
        complex_ks = [k for k in range(K) if k not in simple]
        cos_bits = self.occurrence_bits("cos")
        sin_bits = self.occurrence_bits("sin")
        word_index, distinct = _word_ids(self)
        dom = trig.domain
        scale = dom.convert(sp.Rational(1, self.denominator)) if self.denominator != 1 else dom.one
        factor_cache: dict[tuple, object] = {}
        cs_cache = {k: trig.cos_sin(dict(self.occurrences[k].slopes), self.occurrences[k].constant)
                    for k in complex_ks}
        out: dict[str, dict] = {}
        simple_items = sorted(simple.items())
        complex_arr = np.array(complex_ks, dtype=np.intp)
        for t in range(self.n_terms):
            exps = [0] * (2 * p) if p else [0]
            sign = 1
            for k, (j, sgn) in simple_items:
                if cos_bits[t, k]:
                    exps[j] = 1
                elif sin_bits[t, k]:
                    exps[p + j] = 1
                    sign *= sgn
            coeff = dom.convert(int(self.coefficients[t]) * sign) * scale
            target = out.setdefault(distinct[word_index[t]], {})
            if complex_ks:
                key = (tuple(cos_bits[t, complex_arr]), tuple(sin_bits[t, complex_arr]))
                poly = factor_cache.get(key)
                if poly is None:
                    poly = trig.ring.one
                    for k, c_on, s_on in zip(complex_ks, *key):
                        if c_on:
                            poly = trig.reduce(poly * cs_cache[k][0])
                        elif s_on:
                            poly = trig.reduce(poly * cs_cache[k][1])
                    factor_cache[key] = poly
                base = tuple(exps)
                for monom, c in poly.items():
                    merged = tuple(a + b for a, b in zip(base, monom))
                    target[merged] = target.get(merged, dom.zero) + coeff * c
            else:
                key = tuple(exps)
                target[key] = target.get(key, dom.zero) + coeff
        terms = {}
        for word, monoms in out.items():
            poly = trig.reduce(trig.ring({m: c for m, c in monoms.items() if c}))
            if poly:
                terms[word] = poly
        return terms

    # -- the peer's quantity -------------------------------------------------------------------
    def zero_state_expectation(self) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
        """``⟨0…0|Õ|0…0⟩`` as merged terms ``(cos blocks, sin blocks, integer numerators)``.

        The numerators are over ``denominator``; only words without ``X``/``Y`` letters contribute, and
        like monomials are summed.

        >>> import sggd_sym as sg
        >>> packed = propagate(sg.Circuit(1).ry(sp.Symbol("t", real=True), 0), "Z")
        >>> cos, sin, numerators = packed.zero_state_expectation()
        >>> cos[0].tolist(), sin[0].tolist(), numerators.tolist()       # ⟨0|Õ|0⟩ = cos t
        ([1], [0], [1])
        """
        keep = np.ones(self.n_terms, dtype=bool)
        for block in self.x:
            keep &= block == 0
        cos = [b[keep] for b in self.cos]
        sin = [b[keep] for b in self.sin]
        coef = self.coefficients[keep]
        if coef.size == 0:
            return cos, sin, coef
        keys = np.stack(cos + sin, axis=1)
        order = np.lexsort(keys.T[::-1])
        keys = keys[order]
        coef = coef[order]
        starts = np.ones(keys.shape[0], dtype=bool)
        starts[1:] = np.any(keys[1:] != keys[:-1], axis=1)
        idx = np.flatnonzero(starts)
        summed = np.add.reduceat(coef, idx)
        nonzero = summed != 0
        keys = keys[idx][nonzero]
        nb = len(cos)
        return ([keys[:, i].copy() for i in range(nb)], [keys[:, nb + i].copy() for i in range(nb)],
                summed[nonzero])


def _rational_observable(terms: dict) -> tuple[dict[str, int], int] | None:
    """Integer numerators over one denominator, or ``None`` when a coefficient is not rational."""
    values = {}
    for word, c in terms.items():
        c = sp.sympify(c, strict=True)
        if not c.is_Rational:
            return None
        values[word] = sp.Rational(c)
    denominator = 1
    for c in values.values():
        denominator = lcm(denominator, int(c.q))
    numerators = {w: int(c * denominator) for w, c in values.items()}
    if any(abs(v) >= 2**62 for v in numerators.values()):
        return None
    return numerators, denominator


def _clifford_table(gate: Gate) -> tuple[np.ndarray, np.ndarray] | None:
    """For a fixed gate on ``q`` qubits: ``image[i]``, ``sign[i]`` over the ``4^q`` sub-words (index
    bits ``x_0 z_0 x_1 z_1 …``) when ``G† P G = ±P'`` for every ``P``; ``None`` otherwise."""
    return _signed_table(sp.ImmutableMatrix(gate.matrix))


@lru_cache(maxsize=64)
def _signed_table(matrix: sp.ImmutableMatrix) -> tuple[np.ndarray, np.ndarray] | None:
    action = detect_signed_pauli_map(matrix.H)  # V P V† with V = G† is the Heisenberg map G† P G
    if action is None:
        return None
    q = action.n_qubits
    image = np.zeros(4**q, dtype=np.int64)
    sign = np.zeros(4**q, dtype=np.int64)
    for index in range(4**q):
        word = "".join(_LETTER[((index >> (2 * j)) & 1, (index >> (2 * j + 1)) & 1)] for j in range(q))
        sign[index], target = action.apply(word)
        image[index] = sum((_BITS[c][0] << (2 * j)) | (_BITS[c][1] << (2 * j + 1)) for j, c in enumerate(target))
    return image, sign


def supports_packed(circuit: Circuit, observable_terms: dict) -> bool:
    """Whether :func:`propagate` applies: rational observable, Pauli rotations and Clifford gates.

    ``observable_terms`` is ``{word: coefficient}``.

    >>> import sggd_sym as sg
    >>> t = sp.Symbol("t", real=True)
    >>> supports_packed(sg.Circuit(1).ry(t, 0).h(0), {"Z": 1})
    True
    >>> supports_packed(sg.Circuit(1).ry(t, 0), {"Z": sp.sqrt(2)})     # irrational coefficient
    False
    """
    if _rational_observable(observable_terms) is None:
        return False
    for gate in circuit.gates:
        if gate.rotations() is None and _clifford_table(gate) is None:
            return False
    return True


def _word_masks(word: str, qubits: tuple[int, ...], n: int) -> tuple[list[int], list[int]]:
    blocks = max(1, -(-n // _WORD))
    x = [0] * blocks
    z = [0] * blocks
    for letter, q in zip(word, qubits):
        block, bit = divmod(q, _WORD)
        xb, zb = _BITS[letter]
        x[block] |= xb << bit
        z[block] |= zb << bit
    return x, z


def _popcount_parity(values: list[np.ndarray]) -> np.ndarray:
    total = np.bitwise_count(values[0]).astype(np.uint8)
    for v in values[1:]:
        total += np.bitwise_count(v).astype(np.uint8)
    return total & 1


class _Block:
    """A chunk of terms: ``x``, ``z``, ``cos``, ``sin`` bit blocks and integer coefficients, each an
    array of length ``capacity`` of which the first ``size`` entries are in use."""

    __slots__ = ("x", "z", "cos", "sin", "coef", "size")

    def __init__(self, x, z, cos, sin, coef, size=None):
        self.x, self.z, self.cos, self.sin, self.coef = list(x), list(z), list(cos), list(sin), coef
        self.size = int(coef.shape[0]) if size is None else size

    @classmethod
    def empty(cls, like: "_Block", capacity: int) -> "_Block":
        new = [np.empty(capacity, dtype=c.dtype) for c in like.columns()]
        qb, kb = len(like.x), len(like.cos)
        return cls(new[:qb], new[qb:2 * qb], new[2 * qb:2 * qb + kb], new[2 * qb + kb:-1], new[-1], 0)

    @property
    def capacity(self) -> int:
        return int(self.coef.shape[0])

    def columns(self) -> list[np.ndarray]:
        return self.x + self.z + self.cos + self.sin + [self.coef]

    def select(self, mask) -> "_Block":
        cols = [c[:self.size][mask] for c in self.columns()]
        qb, kb = len(self.x), len(self.cos)
        return _Block(cols[:qb], cols[qb:2 * qb], cols[2 * qb:2 * qb + kb], cols[2 * qb + kb:-1], cols[-1])


#: Terms per chunk: columns of a few MB stay in cache and are reused by the allocator, not page-faulted.
CHUNK = 1 << 19


class _Terms:
    """The propagation's terms as a list of chunks; new terms fill an open chunk at the end, so no
    step ever copies the terms it keeps."""

    def __init__(self, blocks: list[_Block]):
        self.blocks = blocks

    def __len__(self):
        return sum(b.size for b in self.blocks)

    def open_block(self, like: _Block) -> _Block:
        last = self.blocks[-1] if self.blocks else None
        if last is None or last.size == last.capacity:
            last = _Block.empty(like, CHUNK)
            self.blocks.append(last)
        return last

    def columns(self) -> list[np.ndarray]:
        """All terms as contiguous columns (one copy)."""
        per_block = [[c[:b.size] for c in b.columns()] for b in self.blocks if b.size]
        if not per_block:
            return [c[:0] for c in self.blocks[0].columns()]
        return [np.concatenate(cols) if len(cols) > 1 else cols[0].copy() for cols in zip(*per_block)]


def _rotate(terms: _Terms, wx: list[int], wz: list[int], k: int) -> _Terms:
    """``R† Õ R`` for ``R = exp(−iφ_k W/2)``: anticommuting terms split into ``cos φ_k P + sin φ_k (iWP)``."""
    blocks = [b for b in range(len(wx)) if wx[b] or wz[b]]
    if not blocks:
        return terms
    kb, kbit = divmod(k, _WORD)
    bit = np.uint64(1 << kbit)
    shift = np.uint64(kbit)
    base_e = sum(bin(wx[b] & wz[b]).count("1") for b in blocks)
    for block, N in [(b, b.size) for b in terms.blocks]:  # sizes before this step: new terms are not revisited
        if N == 0:
            continue
        v = None
        for b in blocks:  # parity of |x_P ∧ z_W| + |z_P ∧ x_W|: the XOR of the parts has the same parity
            part = (block.x[b][:N] & np.uint64(wz[b])) ^ (block.z[b][:N] & np.uint64(wx[b]))
            v = part if v is None else v ^ part
        anti = np.bitwise_count(v) & np.uint8(1)
        idx = np.flatnonzero(anti)
        if idx.size == 0:
            continue
        cos = block.cos[kb][:N]
        cos |= anti.astype(np.uint64) << shift
        start = 0
        while start < idx.size:
            out = terms.open_block(block)
            m = min(idx.size - start, out.capacity - out.size)
            part_idx = idx[start:start + m]
            lo, hi = out.size, out.size + m
            for src, dst in zip(block.columns(), out.columns()):
                np.take(src[:N], part_idx, out=dst[lo:hi])
            # the image had cos φ_k set by the line above; it carries sin φ_k instead
            c = out.cos[kb][lo:hi]
            c ^= bit
            s = out.sin[kb][lo:hi]
            s |= bit
            # W·P = i^e P' with e = |xW∧zW| + |xP∧zP| + 2|zW∧xP| − |x'∧z'| (mod 4), on W's support
            e = np.full(m, base_e, dtype=np.int8)
            for b in blocks:
                xw, zw = np.uint64(wx[b]), np.uint64(wz[b])
                support = xw | zw
                xp, zp = out.x[b][lo:hi], out.z[b][lo:hi]
                e += np.bitwise_count(xp & zp & support).astype(np.int8)
                e += np.int8(2) * np.bitwise_count(xp & zw).astype(np.int8)
                xp ^= xw
                zp ^= zw
                e -= np.bitwise_count(xp & zp & support).astype(np.int8)
            # iWP = i^{e+1} P' with e odd: +P' when e ≡ 3, −P' when e ≡ 1 (mod 4)
            coef = out.coef[lo:hi]
            np.negative(coef, out=coef, where=(e & 3) == 1)
            out.size = hi
            start += m
    return terms


def _clifford(terms: _Terms, gate: Gate, table: tuple[np.ndarray, np.ndarray]) -> _Terms:
    image, sign = table
    negative = sign < 0
    for block in terms.blocks:
        N = block.size
        if N == 0:
            continue
        index = np.zeros(N, dtype=np.intp)
        for j, q in enumerate(gate.qubits):
            word, bit = divmod(q, _WORD)
            sh = np.uint64(bit)
            index |= ((block.x[word][:N] >> sh) & _ONE).astype(np.intp) << (2 * j)
            index |= ((block.z[word][:N] >> sh) & _ONE).astype(np.intp) << (2 * j + 1)
        out_index = image[index]
        coef = block.coef[:N]
        np.negative(coef, out=coef, where=negative[index])
        for j, q in enumerate(gate.qubits):
            word, bit = divmod(q, _WORD)
            sh = np.uint64(bit)
            clear = ~np.uint64(1 << bit)
            x, z = block.x[word][:N], block.z[word][:N]
            x &= clear
            x |= ((out_index >> (2 * j)) & 1).astype(np.uint64) << sh
            z &= clear
            z |= ((out_index >> (2 * j + 1)) & 1).astype(np.uint64) << sh
    return terms


def _truncate(terms: _Terms, truncation: Truncation, denominator: int, n: int) -> float:
    """Drop the terms ``truncation`` names, in place; return the bound charged for them."""
    dropped = []
    kept = []
    for block in terms.blocks:
        N = block.size
        if N == 0:
            kept.append(block)
            continue
        drop = np.zeros(N, dtype=bool)
        if truncation.max_weight is not None:
            w = np.zeros(N, dtype=np.int64)
            for xb, zb in zip(block.x, block.z):
                w += np.bitwise_count(xb[:N] | zb[:N])
            drop |= w > truncation.max_weight
        if truncation.max_sin_degree is not None:
            w = np.zeros(N, dtype=np.int64)
            for sb in block.sin:
                w += np.bitwise_count(sb[:N])
            drop |= w > truncation.max_sin_degree
        if drop.any():
            dropped.append(block.select(drop))
            kept.append(block.select(~drop))
        else:
            kept.append(block)
    terms.blocks = kept
    return _drop_bound(dropped, denominator, n) if dropped else 0.0


def _drop_bound(dropped: list[_Block], denominator: int, n: int) -> float:
    """``sup_θ ‖Σ dropped terms‖_HS ≤ √(2ⁿ Σ_P (Σ_{t: P_t = P} |c_t|/D)²)`` (|cos|, |sin| ≤ 1), rounded up."""
    keys = np.concatenate([np.stack(b.x + b.z, axis=1) for b in dropped])
    coef = np.concatenate([b.coef for b in dropped])
    _, inverse = np.unique(keys, axis=0, return_inverse=True)
    per_word = np.bincount(inverse.ravel(), weights=np.abs(coef).astype(np.float64))
    # float rounding: relative 1e-12 margin keeps the bound an upper bound
    return float(sqrt(float(2**n) * float(np.sum(per_word**2))) / denominator * (1 + 1e-12))


def propagate(circuit: Circuit, observable, *, truncation: Truncation | None = None,
              budget: int | None = PACKED_BUDGET) -> PackedHeisenberg:
    """``Õ(θ) = U(θ)† O U(θ)`` (Eq. 1) by exact bit-packed Pauli propagation.

    Needs a rational observable and a circuit of Pauli rotations and Clifford gates
    (:func:`supports_packed`); ``truncation`` optionally drops terms and reports a rigorous bound
    ``error_bound ≥ sup_θ ‖Õ − Õ_truncated‖_HS``.  ``budget`` bounds the number of terms.

    Raises
    ------
    InputTypeError
        For a circuit that is not a :class:`~sggd_sym.Circuit` or a bad ``truncation``.
    InputValueError
        For a gate that is neither a Pauli rotation nor Clifford, or a non-rational observable.
    DerivationBudgetError
        When the terms pass ``budget``.

    >>> import sggd_sym as sg
    >>> t = sp.Symbol("t", real=True)
    >>> propagate(sg.Circuit(2).ry(t, 0).cnot(0, 1), "IZ").words().tolist()   # IZ ↦ ZZ ↦ cos t ZZ, sin t XZ
    ['ZZ', 'XZ']
    """
    if not isinstance(circuit, Circuit):
        raise InputTypeError(f"propagate: circuit expected a sggd_sym.Circuit, got {type(circuit).__name__}")
    if truncation is None:
        truncation = Truncation()
    if not isinstance(truncation, Truncation):
        raise InputTypeError(f"propagate: truncation expected a sggd_sym.circuits.pauli_propagation.Truncation or None, "
                             f"got {type(truncation).__name__}")
    obs = as_pauli_sum("propagate", "observable", observable, n_qubits=circuit.n_qubits, hermitian=True)
    rational = _rational_observable(obs.to_dict())
    if rational is None:
        raise InputValueError("propagate: observable needs rational Pauli coefficients for packed propagation; "
                              "use sggd_sym.circuits.heisenberg.heisenberg_observable (exact ring) instead")
    numerators, denominator = rational
    n = circuit.n_qubits
    params = circuit.parameters
    # occurrences in circuit order, tables of fixed gates
    steps = []
    occurrences: list[Occurrence] = []
    for gate in circuit.gates:
        rotations = gate.rotations()
        if rotations is None:
            table = _clifford_table(gate)
            if table is None:
                raise InputValueError(f"propagate: gate {gate.name} on qubits {gate.qubits} is not Clifford; "
                                      "use sggd_sym.circuits.heisenberg.heisenberg_observable (exact ring) instead")
            steps.append(("clifford", gate, table))
            continue
        for sub, phi in rotations:
            slopes, constant = linear_angle("propagate", phi, params)
            k = len(occurrences)
            occurrences.append(Occurrence(tuple(sorted(slopes.items())), constant))
            wx, wz = _word_masks(sub, gate.qubits, n)
            steps.append(("rotation", wx, wz, k))
    qb = max(1, -(-n // _WORD))
    kb = max(1, -(-len(occurrences) // _WORD))
    words = list(numerators)
    xs = [np.zeros(len(words), dtype=np.uint64) for _ in range(qb)]
    zs = [np.zeros(len(words), dtype=np.uint64) for _ in range(qb)]
    for t, w in enumerate(words):
        wx, wz = _word_masks(w, tuple(range(n)), n)
        for b in range(qb):
            xs[b][t], zs[b][t] = wx[b], wz[b]
    top = max((abs(v) for v in numerators.values()), default=0)
    dtype = next(t for t in (np.int8, np.int16, np.int32, np.int64) if top <= np.iinfo(t).max)
    terms = _Terms([_Block(xs, zs, [np.zeros(len(words), dtype=np.uint64) for _ in range(kb)],
                           [np.zeros(len(words), dtype=np.uint64) for _ in range(kb)],
                           np.array([numerators[w] for w in words], dtype=dtype))])
    bound = 0.0
    for done, step in enumerate(reversed(steps), start=1):
        if step[0] == "clifford":
            terms = _clifford(terms, step[1], step[2])
        else:
            terms = _rotate(terms, step[1], step[2], step[3])
        if truncation.active:
            bound += _truncate(terms, truncation, denominator, n)
        if budget is not None and len(terms) > budget:
            raise DerivationBudgetError(
                f"propagate: after {done} of {len(steps)} steps Õ has {len(terms)} terms, over the budget of "
                f"{budget}; use fewer layers, a truncation (sggd_sym.circuits.pauli_propagation.Truncation) or budget=None")
    cols = terms.columns()
    x, z = cols[:qb], cols[qb:2 * qb]
    cos, sin, coef = cols[2 * qb:2 * qb + kb], cols[2 * qb + kb:-1], cols[-1]
    return PackedHeisenberg(circuit, obs.hs_norm2(), tuple(occurrences), x, z, cos, sin, coef, denominator, bound,
                            truncation)


#: Occurrences per factor table of the evaluator (a table has 3^size entries).
TABLE_OCCURRENCES = 8
#: Terms processed at a time by the evaluator (bounds its temporaries).
EVAL_CHUNK = 1 << 20


class PackedEvaluator:
    """Numeric values of the Pauli coefficients ``a_P(θ)`` of a :class:`PackedHeisenberg`, and
    gradients of any scalar function of them, read straight off the packed terms.

    Occurrences are grouped by ``TABLE_OCCURRENCES``; per group, a term's factor is one entry of a
    table of the ``3^m`` products of ``{1, cos φ_k, sin φ_k}``, so a term costs one gather per group.
    The gradient of ``F(a(θ))`` contracts ``∂F/∂a`` with the terms first and then, per group, with
    the derivative tables (``∂φ/∂θ`` by the chain rule of ``φ_k = Σ_j A_kj θ_j + b_k``).
    """

    def __init__(self, packed: PackedHeisenberg):
        self.packed = packed
        self.word_index, self.words = _word_ids(packed)
        self.n_words = len(self.words)
        self.coef = packed.coefficients.astype(np.float64) / packed.denominator
        K, p = len(packed.occurrences), len(packed.circuit.parameters)
        self.A = np.zeros((K, p))
        self.b = np.zeros(K)
        for k, o in enumerate(packed.occurrences):
            for j, slope in o.slopes:
                self.A[k, j] = float(slope)
            self.b[k] = to_float(o.constant, digits=30)
        # groups of 8 occurrences are bytes of the 64-bit blocks: a term's base-3 code in a group is
        # one lookup of its (cos byte, sin byte)
        self.groups = [list(range(s, min(s + TABLE_OCCURRENCES, K))) for s in range(0, K, TABLE_OCCURRENCES)]
        lookup = _base3_lookup()
        self.codes = []
        for gi, _ in enumerate(self.groups):
            block, byte = divmod(gi * TABLE_OCCURRENCES, _WORD)
            shift = np.uint64(byte)
            cb = (packed.cos[block] >> shift) & np.uint64(0xFF)
            sb = (packed.sin[block] >> shift) & np.uint64(0xFF)
            self.codes.append(lookup[((cb << np.uint64(8)) | sb).astype(np.intp)])

    @property
    def n_parameters(self) -> int:
        return self.A.shape[1]

    def _tables(self, theta: np.ndarray, derivative: bool):
        phi = self.A @ theta + self.b
        c, s = np.cos(phi), np.sin(phi)
        tables, dtables = [], []
        for g in self.groups:
            t = np.ones(1)
            for k in g:
                t = np.outer([1.0, c[k], s[k]], t).ravel()
            tables.append(t)
            if derivative:
                rows = []
                for i, k in enumerate(g):
                    d = np.ones(1)
                    for i2, k2 in enumerate(g):
                        f = [0.0, -s[k2], c[k2]] if i2 == i else [1.0, c[k2], s[k2]]
                        d = np.outer(f, d).ravel()
                    rows.append(d)
                dtables.append(np.array(rows))
        return tables, dtables

    def _theta(self, theta) -> np.ndarray:
        arr = np.asarray(theta, dtype=np.float64)
        if arr.shape != (self.n_parameters,):
            raise InputValueError(f"PackedEvaluator: theta expected {self.n_parameters} values, got shape {arr.shape}")
        return arr

    def coefficients(self, theta) -> np.ndarray:
        """``a_P(θ)`` for every word of :attr:`words` (one θ vector)."""
        theta = self._theta(theta)
        tables, _ = self._tables(theta, False)
        out = np.zeros(self.n_words)
        N = self.coef.shape[0]
        for lo in range(0, N, EVAL_CHUNK):
            hi = min(N, lo + EVAL_CHUNK)
            vals = self.coef[lo:hi].copy()
            for t, code in zip(tables, self.codes):
                vals *= t[code[lo:hi]]
            out += np.bincount(self.word_index[lo:hi], weights=vals, minlength=self.n_words)
        return out

    def value_and_gradient(self, theta, outer):
        """``F(a(θ))`` and ``∇_θ F`` for ``outer(a) -> (F, ∂F/∂a)`` (one θ vector)."""
        theta = self._theta(theta)
        a = self.coefficients(theta)
        value, da = outer(a)
        tables, dtables = self._tables(theta, True)
        dphi = np.zeros(self.A.shape[0])
        N = self.coef.shape[0]
        C = len(tables)
        for lo in range(0, N, EVAL_CHUNK):
            hi = min(N, lo + EVAL_CHUNK)
            g = self.coef[lo:hi] * da[self.word_index[lo:hi]]
            factors = [t[code[lo:hi]] for t, code in zip(tables, self.codes)]
            suffix = [None] * (C + 1)
            suffix[C] = np.ones(hi - lo)
            for c in range(C - 1, -1, -1):
                suffix[c] = suffix[c + 1] * factors[c]
            prefix = g
            for c in range(C):
                rest = prefix * suffix[c + 1]
                bins = np.bincount(self.codes[c][lo:hi], weights=rest, minlength=3 ** len(self.groups[c]))
                dphi[self.groups[c]] += dtables[c] @ bins
                prefix = prefix * factors[c]
        return value, self.A.T @ dphi


def _base3_lookup() -> np.ndarray:
    """``table[c << 8 | s] = Σ_i 3^i (c_i + 2 s_i)`` for bytes ``c``, ``s`` of disjoint cos/sin bits."""
    bits = (np.arange(256)[:, None] >> np.arange(8)) & 1
    weights = 3 ** np.arange(8)
    c_part = bits @ weights
    return (c_part[:, None] + 2 * c_part[None, :]).ravel().astype(np.uint16)


def _word_ids(packed: PackedHeisenberg) -> tuple[np.ndarray, list[str]]:
    """Per term, the index of its Pauli word among the distinct words (sorted), and those words."""
    n = packed.n_qubits
    if packed.n_terms == 0:
        return np.zeros(0, dtype=np.intp), []
    if n <= 12:  # dense ids: no sort
        key = (packed.x[0] | (packed.z[0] << np.uint64(n))).astype(np.intp)
        present = np.flatnonzero(np.bincount(key, minlength=4**n))
        remap = np.zeros(4**n, dtype=np.intp)
        remap[present] = np.arange(present.size)
        xs, zs = present & ((1 << n) - 1), present >> n
        index = remap[key]
    else:
        keys = np.stack(packed.x + packed.z, axis=1)
        unique, inverse = np.unique(keys, axis=0, return_inverse=True)
        index = inverse.ravel().astype(np.intp)
        qb = len(packed.x)
        xs = [sum(int(unique[i, b]) << (_WORD * b) for b in range(qb)) for i in range(unique.shape[0])]
        zs = [sum(int(unique[i, qb + b]) << (_WORD * b) for b in range(qb)) for i in range(unique.shape[0])]
    words = ["".join(_LETTER[((int(x) >> q) & 1, (int(z) >> q) & 1)] for q in range(n)) for x, z in zip(xs, zs)]
    return index, words
