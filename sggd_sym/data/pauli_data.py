"""Encoded data in Pauli form: the coordinates ``r_P(x) = Tr(P ρ(x))`` that a model needs (paper Eq. 1).

``f_θ(x) = Σ_P a_P(θ) r_P(x)`` needs ``r_P`` only for the Pauli words ``P`` of ``Õ(θ)`` (or of its
twirl), never all ``4ⁿ``.  :class:`PauliData` holds the encoded states in whichever form they come
and computes those coordinates on request, with bit operations, no ``4ⁿ × d × d`` stack:

* **product states** ``ρ = ⊗_q (I + r_q·σ)/2`` (:class:`ProductStates`, e.g. angle or basis
  encodings): ``r_P = Π_{q: P_q ≠ I} r_q[P_q]``, ``O(n)`` per word and point;
* **statevectors** ``ψ`` (shape ``(N, d)``): ``⟨ψ|P|ψ⟩ = i^{|x∧z|} Σ_b (−1)^{z·b} ψ̄_{b⊕x} ψ_b``;
* **density matrices** (shape ``(N, d, d)``): ``Tr(Pρ) = i^{|x∧z|} Σ_b (−1)^{z·b} ρ[b, b⊕x]``;

each ``O(N·d)`` per word.  Pure numpy: floats only, like the rest of the numeric layer.

>>> import numpy as np
>>> from sggd_sym.data.pauli_data import PauliData, ProductStates
>>> data = PauliData(ProductStates.from_angles(np.array([[0.0, np.pi]]), gate="ry"))   # |0⟩|1⟩
>>> data.coordinates(["ZI", "IZ", "ZZ", "XI"]).round(12).tolist()
[[1.0, -1.0, -1.0, 0.0]]
"""

from __future__ import annotations

import numpy as np

from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.numeric.bridge import DEFAULT_ATOL

__all__ = ["ProductStates", "PauliData"]

_AXIS = {"X": 0, "Y": 1, "Z": 2}


class ProductStates:
    """``N`` product states on ``n`` qubits, by their Bloch vectors ``r[k, q] ∈ R³`` (``|r| ≤ 1 + atol``).

    >>> import numpy as np
    >>> ProductStates.basis(["01", "11"]).bloch[:, :, 2].tolist()
    [[1.0, -1.0], [-1.0, -1.0]]
    """

    def __init__(self, bloch, *, atol: float = DEFAULT_ATOL):
        arr = np.asarray(bloch, dtype=float)
        if arr.ndim != 3 or arr.shape[2] != 3 or arr.shape[0] == 0 or arr.shape[1] == 0:
            raise InputValueError(f"ProductStates: bloch expected shape (N, n, 3), got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise InputValueError("ProductStates: Bloch vectors contain NaN or inf")
        if np.any(np.linalg.norm(arr, axis=2) > 1 + atol):
            raise InputValueError("ProductStates: a Bloch vector is longer than 1 (not a state)")
        self.bloch = arr

    @property
    def n_points(self) -> int:
        return self.bloch.shape[0]

    @property
    def n_qubits(self) -> int:
        return self.bloch.shape[1]

    @classmethod
    def from_angles(cls, angles, *, gate: str = "ry") -> "ProductStates":
        """``⊗_q R(a_q)|0⟩`` for one rotation gate (``"rx"``, ``"ry"``): ``angles`` of shape ``(N, n)``.

        >>> np.round(ProductStates.from_angles([[np.pi / 2]], gate="rx").bloch, 6).tolist()
        [[[0.0, -1.0, 0.0]]]
        """
        a = np.asarray(angles, dtype=float)
        if a.ndim != 2:
            raise InputValueError(f"ProductStates.from_angles: angles expected shape (N, n), got {a.shape}")
        if not np.all(np.isfinite(a)):
            raise InputValueError("ProductStates.from_angles: angles contain NaN or inf")
        zero = np.zeros_like(a)
        if gate == "ry":    # RY(a)|0⟩ has Bloch vector (sin a, 0, cos a)
            bloch = np.stack([np.sin(a), zero, np.cos(a)], axis=-1)
        elif gate == "rx":  # RX(a)|0⟩ has Bloch vector (0, −sin a, cos a)
            bloch = np.stack([zero, -np.sin(a), np.cos(a)], axis=-1)
        else:
            raise InputValueError(f"ProductStates.from_angles: gate expected 'rx' or 'ry', got {gate!r}")
        return cls(bloch)

    @classmethod
    def basis(cls, bitstrings) -> "ProductStates":
        """Computational basis states from bit strings (``"0110"``) or a 0/1 array of shape ``(N, n)``."""
        if isinstance(bitstrings, np.ndarray):
            bits = bitstrings
        else:
            rows = list(bitstrings)
            if not rows or not all(isinstance(r, str) and r and set(r) <= {"0", "1"} for r in rows):
                raise InputValueError("ProductStates.basis: bitstrings expected non-empty strings of 0/1, "
                                      "e.g. ['0110', '1001']")
            bits = np.array([[int(c) for c in r] for r in rows])
        bits = np.asarray(bits)
        if bits.ndim != 2 or not np.isin(bits, (0, 1)).all():
            raise InputValueError("ProductStates.basis: expected a 0/1 array of shape (N, n) or bit strings "
                                  "of one length")
        z = 1.0 - 2.0 * bits
        return cls(np.stack([np.zeros_like(z), np.zeros_like(z), z], axis=-1))

    def statevectors(self, *, atol: float = DEFAULT_ATOL) -> np.ndarray:
        """The states as vectors ``(N, 2ⁿ)`` (pure states, ``||r| − 1| ≤ atol``, only; small registers).

        >>> np.round(ProductStates.basis(["10"]).statevectors().real, 6).tolist()
        [[0.0, 0.0, 1.0, 0.0]]
        """
        r = self.bloch
        if np.any(np.abs(np.linalg.norm(r, axis=2) - 1) > atol):
            raise InputValueError("ProductStates.statevectors: some states are mixed")
        theta = np.arccos(np.clip(r[..., 2], -1, 1))
        phi = np.arctan2(r[..., 1], r[..., 0])
        q = np.stack([np.cos(theta / 2), np.exp(1j * phi) * np.sin(theta / 2)], axis=-1)  # (N, n, 2)
        out = q[:, 0]
        for k in range(1, self.n_qubits):
            out = np.einsum("ni,nj->nij", out, q[:, k]).reshape(self.n_points, -1)
        return out


def _has_text(value, depth: int = 0) -> bool:
    """Whether nested lists/tuples hold a str or bytes (checked before numpy converts them)."""
    if isinstance(value, (str, bytes)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "USO" and any(_has_text(v, depth + 1) for v in value.ravel()[:10_000])
    if isinstance(value, (list, tuple)) and depth < 4:
        return any(_has_text(v, depth + 1) for v in value)
    return False


def _word_masks(word: str) -> tuple[int, int, int]:
    n = len(word)
    flip = zmask = n_y = 0
    for q, a in enumerate(word):
        bit = 1 << (n - 1 - q)
        if a in "XY":
            flip |= bit
        if a in "ZY":
            zmask |= bit
        n_y += a == "Y"
    return flip, zmask, n_y


class PauliData:
    """Encoded states (product states, statevectors or density matrices) with cached Pauli coordinates.

    Numeric states are checked to ``atol`` (absolute): statevector norms ``|‖ψ‖ − 1|``, density matrices'
    Hermiticity (entrywise) and trace.  The coordinates ``Tr(P ρ(x))`` are what the model of Eq. 1,
    ``f_θ(x) = Tr[Õ(θ) ρ(x)] = Σ_P a_P(θ) Tr(P ρ(x))``, needs of the data.

    >>> data = PauliData(ProductStates.from_angles([[0.0, np.pi / 2]]))     # |0⟩ ⊗ |+⟩
    >>> data.kind, data.n_qubits, data.n_points
    ('product', 2, 1)
    >>> np.round(data.coordinates(["ZI", "IX", "ZX", "XI"]), 6).tolist()
    [[1.0, 1.0, 1.0, 0.0]]
    >>> bell = PauliData(np.array([1, 0, 0, 1]) / np.sqrt(2))                # a statevector
    >>> bell.kind, np.round(bell.coordinates(["XX", "YY", "ZZ"]), 6).tolist()
    ('statevector', [[1.0, -1.0, 1.0]])
    """

    def __init__(self, states, n_qubits: int | None = None, *, kind: str | None = None,
                 atol: float = DEFAULT_ATOL):
        """``kind="statevector"`` reads a 2-D array as statevectors even when it is square."""
        if kind not in (None, "statevector", "density"):
            raise InputValueError(f"PauliData: kind expected 'statevector' or 'density', got {kind!r}")
        if isinstance(states, PauliData):
            states = states.states
        if isinstance(states, ProductStates):
            self.kind = "product"
            self.states = states
            n = states.n_qubits
        else:
            kind = kind or "density"
            if _has_text(states):
                raise InputTypeError("PauliData: states contain a string; give numbers (text is never read as a "
                                     "number) — a numpy array, ProductStates, or exact sympy matrices")
            try:
                arr = np.asarray(states, dtype=complex)
            except (TypeError, ValueError):
                raise InputTypeError("PauliData: states expected ProductStates, statevectors (N, d) or density "
                                     f"matrices (N, d, d), got {type(states).__name__}") from None
            if kind == "statevector":
                arr = arr[None] if arr.ndim == 1 else arr
                if arr.ndim != 2:
                    raise InputValueError(f"PauliData: statevectors expected shape (N, d), got {arr.shape}")
            elif arr.ndim == 1:
                arr, kind = arr[None], "statevector"
            elif arr.ndim == 2 and arr.shape[0] == arr.shape[1]:
                arr = arr[None]  # one density matrix
            elif arr.ndim == 2:
                kind = "statevector"
            elif arr.ndim != 3 or arr.shape[1] != arr.shape[2]:
                raise InputValueError(f"PauliData: states expected shape (N, d) or (N, d, d), got {arr.shape}")
            self.kind = kind
            if arr.shape[0] == 0:
                raise InputValueError("PauliData: states is empty; give at least one encoded state")
            if not np.all(np.isfinite(arr)):
                raise InputValueError("PauliData: states contain NaN or inf; give finite states")
            d = arr.shape[1]
            n = d.bit_length() - 1
            if d < 2 or 2**n != d:
                raise InputValueError(f"PauliData: state dimension {d} is not a power of two")
            if self.kind == "statevector":
                norms = np.linalg.norm(arr, axis=1)
                if np.any(np.abs(norms - 1) > atol):
                    raise InputValueError("PauliData: statevectors must have norm 1")
            else:
                if not np.allclose(arr, np.conj(np.swapaxes(arr, 1, 2)), rtol=0, atol=atol):
                    raise InputValueError("PauliData: states must be Hermitian density matrices")
                if not np.allclose(np.trace(arr, axis1=1, axis2=2), 1.0, rtol=0, atol=atol):
                    raise InputValueError("PauliData: states must have trace 1 (density matrices)")
            self.states = arr
        if n_qubits is not None and n != n_qubits:
            raise InputValueError(f"PauliData: states have shape {getattr(self.states, 'shape', None) or (self.states.n_points, n, 3)} "
                                  f"({n} qubit(s)), expected states of {n_qubits} qubit(s) (the circuit's register)")
        self.n_qubits = n
        self._cache: dict[str, np.ndarray] = {}

    @property
    def n_points(self) -> int:
        return self.states.n_points if self.kind == "product" else self.states.shape[0]

    def density_matrices(self) -> np.ndarray:
        """``(N, d, d)`` density matrices (formed on request; small registers).

        >>> np.round(PauliData(ProductStates.basis(["1"])).density_matrices().real, 6).tolist()
        [[[0.0, 0.0], [0.0, 1.0]]]
        """
        if self.kind == "density":
            return self.states
        psi = self.states.statevectors() if self.kind == "product" else self.states
        return np.einsum("ni,nj->nij", psi, psi.conj())

    def coordinate(self, word: str) -> np.ndarray:
        """``r_P(x) = Tr(P ρ(x))`` for every data point, shape ``(N,)`` (cached).

        >>> PauliData(ProductStates.basis(["01", "11"])).coordinate("ZI").tolist()
        [1.0, -1.0]
        """
        if word in self._cache:
            return self._cache[word]
        if len(word) != self.n_qubits:
            raise InputValueError(f"PauliData: word {word!r} does not fit {self.n_qubits} qubit(s)")
        if self.kind == "product":
            r = np.ones(self.n_points)
            for q, a in enumerate(word):
                if a != "I":
                    r = r * self.states.bloch[:, q, _AXIS[a]]
        else:
            flip, zmask, n_y = _word_masks(word)
            b = np.arange(2**self.n_qubits)
            signs = 1 - 2 * (np.bitwise_count(b & zmask) & 1).astype(float) if hasattr(np, "bitwise_count") \
                else np.array([1.0 - 2 * (bin(int(v) & zmask).count("1") % 2) for v in b])
            phase = 1j**n_y
            if self.kind == "statevector":
                psi = self.states
                r = (phase * (np.conj(psi[:, b ^ flip]) * psi) @ signs).real
            else:
                r = (phase * self.states[:, b, b ^ flip] @ signs).real
        r.setflags(write=False)
        self._cache[word] = r
        return r

    def coordinates(self, words) -> np.ndarray:
        """``(N, K)`` array of ``r_P(x)`` for the ``K`` given words.

        >>> PauliData(ProductStates.basis(["01", "11"])).coordinates(["ZI", "IZ"]).tolist()
        [[1.0, -1.0], [-1.0, -1.0]]
        """
        words = list(words)
        if not words:
            return np.zeros((self.n_points, 0))
        return np.stack([self.coordinate(w) for w in words], axis=1)
