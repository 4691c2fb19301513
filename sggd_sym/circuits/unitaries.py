"""Exact unitaries ``U(θ) = U_L ⋯ U_1`` of circuits (SPEC §4 ``Circuit.unitary()``), in the half-angle ring.

Every parameterised gate is ``e^{iα} Π_k (cos(φ_k/2) I − i sin(φ_k/2) W_k)``, so each entry of ``U(θ)`` is an
exact trigonometric polynomial in the half angles (:class:`~sggd_sym.algebra.trig.TrigRing`); the matrix is
accumulated gate by gate with no expression trees.  This module reads gates through their interface
(``rotations``, ``global_phase``, ``matrix``, ``qubits``) and imports no circuit code, so
:mod:`sggd_sym.circuits` can call it without an import circle.
"""

from __future__ import annotations

import sympy as sp
from sympy.polys.rings import PolyElement

from sggd_sym.algebra import ops
from sggd_sym.algebra.trig import TrigRing, base_frequencies, check_budget, exact_domain, linear_angle

# ``Circuit`` and ``Gate`` in annotations are sggd_sym.circuits' classes, named as strings (no import at all).
__all__ = ["exact_unitary", "DEFAULT_BUDGET"]

#: Default limit on the total number of polynomial terms of one exact unitary.
DEFAULT_BUDGET = 100_000


def exact_unitary(circuit: "Circuit", *, budget: int | None = DEFAULT_BUDGET) -> sp.ImmutableMatrix:
    """Exact ``U(θ) = U_L ⋯ U_1`` with entries exact trig polynomials in the half angles.

    Each parameterised gate is ``e^{iα} Π_k (cos(φ_k/2) I − i sin(φ_k/2) W_k)``; the matrix is
    accumulated gate by gate over a :class:`TrigRing` with complex exact coefficients.

    >>> import sggd_sym as sg
    >>> c = sg.circuits.werner_ansatz()          # Eq. 9: I + (e^{iθ} − 1)|1−⟩⟨1−|
    >>> U = exact_unitary(c)
    >>> U[:2, :2].tolist(), U[2, 3]
    ([[1, 0], [0, 1]], -I*sin(theta)/2 - cos(theta)/2 + 1/2)
    >>> U.subs(c.parameters[0], sp.pi) == ops.CNOT
    True
    """
    params = circuit.parameters
    slope_lists, constants = [], [sp.I]
    for gate in circuit.gates:
        if gate.rotations() is None:
            constants.extend(gate.matrix)
            continue
        angles = [phi / 2 for _, phi in gate.rotations()]
        if gate.phase_angle() != 0:
            angles.append(gate.phase_angle())
        for angle in angles:
            slopes, const = linear_angle("unitary", angle, params)
            slope_lists.append(slopes)
            constants.extend([sp.cos(const), sp.sin(const)])
    trig = TrigRing(params, base_frequencies(slope_lists, len(params)), exact_domain(constants))
    i_unit = trig.domain.from_sympy(sp.I)
    d = circuit.dim
    n = circuit.n_qubits
    rows = [[trig.ring.one if r == c else trig.ring.zero for c in range(d)] for r in range(d)]
    for gate in circuit.gates:
        local = _gate_in_ring(gate, trig, i_unit)
        rows = _apply_gate(rows, local, gate.qubits, n, trig)
        check_budget("unitary", (q for row in rows for q in row), budget)
    return sp.ImmutableMatrix([[trig.to_expr(q) for q in row] for row in rows])


def _gate_in_ring(gate: "Gate", trig: TrigRing, i_unit) -> list[list[PolyElement]]:
    k = len(gate.qubits)
    size = 2**k
    if gate.rotations() is None:
        return [[trig.constant(gate.matrix[r, c]) for c in range(size)] for r in range(size)]
    matrix = [[trig.ring.one if r == c else trig.ring.zero for c in range(size)] for r in range(size)]
    for word, phi in gate.rotations():
        cos, sin = trig.cos_sin(*linear_angle("unitary", phi / 2, trig.parameters))
        pauli = ops.pauli(word)
        factor = [[cos * (1 if r == c else 0) - sin * trig.constant(pauli[r, c]) * i_unit
                   for c in range(size)] for r in range(size)]
        matrix = _matmul(factor, matrix, trig)
    if gate.phase_angle() != 0:
        cos, sin = trig.cos_sin(*linear_angle("unitary", gate.phase_angle(), trig.parameters))
        phase = cos + sin * i_unit
        matrix = [[trig.reduce(phase * q) for q in row] for row in matrix]
    return matrix


def _matmul(a, b, trig: TrigRing):
    size = len(a)
    return [[trig.reduce(sum((a[r][m] * b[m][c] for m in range(size) if a[r][m] and b[m][c]), trig.ring.zero))
             for c in range(size)] for r in range(size)]


def _apply_gate(rows, local, qubits: tuple[int, ...], n: int, trig: TrigRing):
    """Left-multiply the dense ``d×d`` matrix ``rows`` by the gate ``local`` embedded on ``qubits``."""
    d = 2**n
    k = len(qubits)
    shifts = [n - 1 - q for q in qubits]
    mask = sum(1 << s for s in shifts)

    def sub_index(r: int) -> int:
        return sum(((r >> s) & 1) << (k - 1 - i) for i, s in enumerate(shifts))

    def with_sub(r: int, sub: int) -> int:
        base = r & ~mask
        return base | sum(((sub >> (k - 1 - i)) & 1) << s for i, s in enumerate(shifts))

    trig_zero = trig.ring.zero
    out = []
    for r in range(d):
        a = sub_index(r)
        sources = [(with_sub(r, b), local[a][b]) for b in range(2**k) if local[a][b]]
        new_row = []
        for col in range(d):
            acc = trig_zero
            for src, coeff in sources:
                entry = rows[src][col]
                if entry:
                    acc = acc + coeff * entry
            new_row.append(trig.reduce(acc))
        out.append(new_row)
    return out
