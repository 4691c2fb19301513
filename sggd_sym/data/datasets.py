"""Two-dimensional classification data of the paper's second example (SPEC §3 E2) and a C4 variant.

Points ``x = (x₁, x₂)`` are uniform in ``[−1, 1]²``.  Labels:

* **circle**: ``+1`` iff ``|x| < r`` with ``r = √(2/π)`` (the disc has half the square's area: balanced);
  invariant under the coordinate swap ``x₁ ↔ x₂`` (and under every rotation);
* **diamond** (C4 task): ``+1`` iff ``|x₁| + |x₂| < 1`` (a square rotated by 45°, also balanced),
  invariant under the 90° rotation ``(x₁, x₂) ↦ (−x₂, x₁)``.

Encoding: one coordinate per qubit by the same gate, ``|ψ(x)⟩ = RY(πx₁)|0⟩ ⊗ RY(πx₂)|0⟩``.  Then the
coordinate swap is the qubit SWAP, ``ρ(x₂, x₁) = SWAP ρ(x₁, x₂) SWAP``, and since ``RY(−a)|0⟩ = Z RY(a)|0⟩``
the 90° rotation is ``V = (Z⊗I)·SWAP``: ``ρ(−x₂, x₁) = V ρ(x) V†`` (proved in ``proofs/classification.py``).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from sggd_sym import _checks
from sggd_sym.algebra import ops
from sggd_sym.exceptions import InputValueError
from sggd_sym.symmetry.groups import FiniteGroup

__all__ = [
    "CIRCLE_RADIUS", "uniform_square", "right_half", "circle_labels", "diamond_labels", "LABELLINGS",
    "encode", "encode_exact", "swap_points", "rotate_points", "swap_group", "c4_group", "C4_GENERATOR",
]

#: ``√(2/π)``: the disc of this radius covers half of ``[−1, 1]²``.
CIRCLE_RADIUS = float(np.sqrt(2 / np.pi))

#: The encoded 90° rotation ``(x₁, x₂) ↦ (−x₂, x₁)``: ``V = (Z⊗I)·SWAP``.
C4_GENERATOR = sp.ImmutableMatrix(ops.kron(ops.Z, ops.I2) * ops.SWAP)


def uniform_square(n: int, rng) -> np.ndarray:
    """``n`` points uniform in ``[−1, 1]²``, shape ``(n, 2)``.

    >>> x = uniform_square(3, np.random.default_rng(0))
    >>> x.shape, bool((np.abs(x) <= 1).all())
    ((3, 2), True)
    """
    n = _checks.integer("uniform_square", "n", n, minimum=1)
    return _checks.rng("uniform_square", rng).uniform(-1.0, 1.0, size=(n, 2))


def right_half(n: int, rng) -> np.ndarray:
    """``n`` points uniform in the right half ``x₁ > 0`` of the square (the biased training regime).

    >>> bool((right_half(5, np.random.default_rng(0))[:, 0] >= 0).all())
    True
    """
    points = uniform_square(n, rng)
    points[:, 0] = np.abs(points[:, 0])
    return points


def _points(where: str, x) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise InputValueError(f"{where}: points expected shape (N, 2), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InputValueError(f"{where}: points contain NaN or inf")
    return arr


def circle_labels(x) -> np.ndarray:
    """``+1`` inside the disc of radius ``√(2/π)``, ``−1`` outside (swap- and rotation-invariant, Eq. 2).

    >>> circle_labels([[0.0, 0.0], [0.9, 0.9]]).tolist()
    [1.0, -1.0]
    """
    arr = _points("circle_labels", x)
    return np.where(np.hypot(arr[:, 0], arr[:, 1]) < CIRCLE_RADIUS, 1.0, -1.0)


def diamond_labels(x) -> np.ndarray:
    """``+1`` inside the rotated square ``|x₁| + |x₂| < 1``, ``−1`` outside (C4-invariant, Eq. 2).

    >>> diamond_labels([[0.4, 0.4], [0.6, 0.6]]).tolist()
    [1.0, -1.0]
    """
    arr = _points("diamond_labels", x)
    return np.where(np.abs(arr[:, 0]) + np.abs(arr[:, 1]) < 1.0, 1.0, -1.0)


LABELLINGS = {"circle": circle_labels, "diamond": diamond_labels}


def swap_points(x) -> np.ndarray:
    """``(x₁, x₂) ↦ (x₂, x₁)``.

    >>> swap_points([[0.1, 0.2]]).tolist()
    [[0.2, 0.1]]
    """
    return _points("swap_points", x)[:, ::-1].copy()


def rotate_points(x, quarter_turns: int = 1) -> np.ndarray:
    """Rotate by ``quarter_turns × 90°``: ``(x₁, x₂) ↦ (−x₂, x₁)`` per turn.

    >>> rotate_points([[0.1, 0.2]]).tolist(), rotate_points([[0.1, 0.2]], 2).tolist()
    ([[-0.2, 0.1]], [[-0.1, -0.2]])
    """
    arr = _points("rotate_points", x)
    for _ in range(int(quarter_turns) % 4):
        arr = np.stack([-arr[:, 1], arr[:, 0]], axis=1)
    return arr


def encode(x) -> np.ndarray:
    """Density matrices ``ρ(x) = |ψ(x)⟩⟨ψ(x)|``, ``|ψ⟩ = RY(πx₁)|0⟩ ⊗ RY(πx₂)|0⟩``: shape ``(N, 4, 4)``.

    >>> rho = encode([[0.0, 1.0]])   # |0⟩ ⊗ |1⟩
    >>> rho.shape, np.round(np.diag(rho[0]).real, 6).tolist()
    ((1, 4, 4), [0.0, 1.0, 0.0, 0.0])
    """
    arr = _points("encode", x)
    half = np.pi * arr / 2
    q = np.stack([np.cos(half), np.sin(half)], axis=-1)  # RY(a)|0⟩ = (cos a/2, sin a/2)
    psi = np.einsum("ni,nj->nij", q[:, 0], q[:, 1]).reshape(-1, 4)
    return np.einsum("ni,nj->nij", psi, psi.conj())


def encode_exact(x1, x2) -> sp.ImmutableMatrix:
    """The exact ``ρ(x)`` for symbolic or exact coordinates (for proofs).

    >>> x1, x2 = sp.symbols("x1 x2", real=True)
    >>> encode_exact(x1, x2)[0, 0]
    cos(pi*x1/2)**2*cos(pi*x2/2)**2
    >>> ops.SWAP * encode_exact(x1, x2) * ops.SWAP == encode_exact(x2, x1)   # Eq. 2
    True
    """
    def qubit(a):
        return sp.Matrix([sp.cos(sp.pi * a / 2), sp.sin(sp.pi * a / 2)])

    psi = ops.kron(qubit(x1), qubit(x2))
    return sp.ImmutableMatrix(psi * psi.T)


def swap_group() -> FiniteGroup:
    """``{I, SWAP}``: the encoded coordinate swap.

    >>> G = swap_group()
    >>> G.order, len(G.commutant_basis())
    (2, 10)
    """
    return FiniteGroup([ops.SWAP], name="{I, SWAP}")


def c4_group() -> FiniteGroup:
    """The order-4 group generated by the encoded 90° rotation ``(Z⊗I)·SWAP``.

    >>> c4_group().order
    4
    >>> x1, x2 = sp.symbols("x1 x2", real=True)
    >>> V = C4_GENERATOR
    >>> sp.simplify(V * encode_exact(x1, x2) * V.T - encode_exact(-x2, x1)).is_zero_matrix   # Eq. 2
    True
    """
    return FiniteGroup([C4_GENERATOR], name="C4 = <(Z⊗I)·SWAP>")
