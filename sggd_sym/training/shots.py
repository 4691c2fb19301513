"""The SGGD penalty from swap-test shots, as a device would estimate it (issue 15, hardware cost).

For a finite group ``G``, ``T[Õ] = (1/|G|) Σ_g V_g Õ V_g†`` and
``P = Tr(Õ²) + Tr(T[Õ]²) − 2 Tr(Õ T[Õ]) = Tr(O²) − (1/|G|) Σ_g t_g`` with ``t_g = Tr(Õ V_g Õ V_g†)``.
With ``O = Σ_k λ_k |k⟩⟨k|`` (its eigenbasis), ``t_g = Σ_{k,l} λ_k λ_l |⟨ψ_k|φ_{g,l}⟩|²`` for the states
``ψ_k = U†|k⟩`` and ``φ_{g,l} = V_g U†|l⟩``: each overlap is one **swap test** (ancilla ``H``, controlled
SWAP of the two registers, ``H``, measure; ``Pr[0] = (1 + F)/2``).  With ``N`` shots per test the
estimate ``F̂ = 2·(zeros/N) − 1`` is unbiased with variance ``(1 − F²)/N``, so

.. math::  \\hat P = \\mathrm{Tr}(O^2) − \\frac{1}{|G|} \\sum_{g \\ne e} \\sum_{k,l} λ_k λ_l \\hat F_{g,k,l}
           − \\frac{1}{|G|} \\mathrm{Tr}(O^2), \\qquad
           \\mathrm{Var}\\,\\hat P = \\frac{1}{|G|^2 N} \\sum_{g \\ne e} \\sum_{k,l} λ_k^2 λ_l^2 (1 − F_{g,k,l}^2)

(the identity element gives ``t_e = Tr(O²)`` exactly; pairs with ``λ_k λ_l = 0`` are not run).
Everything here is numeric and runs the swap-test circuits on :mod:`sggd_sym.sim` (never the symbolic
core): the circuit enters as simulator ops, the observable and group elements as numpy arrays.
"""

from __future__ import annotations

import numpy as np

from sggd_sym import _checks, sim
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.numeric.bridge import to_numpy

__all__ = ["SwapTestPenalty", "NoisyPenalty", "swap_test_probability"]


def _controlled_swap(n: int) -> np.ndarray:
    """The ``(2n+1)``-qubit controlled SWAP: ancilla first, then register A (n qubits), register B."""
    d = 2**n
    dim = 2 * d * d
    out = np.zeros((dim, dim))
    for a in range(d):
        for b in range(d):
            out[a * d + b, a * d + b] = 1.0                       # ancilla |0⟩: identity
            out[d * d + b * d + a, d * d + a * d + b] = 1.0       # ancilla |1⟩: swap the registers
    return out


def swap_test_probability(psi: np.ndarray, phi: np.ndarray) -> float:
    """``Pr[ancilla = 0]`` of the swap-test circuit on ``|0⟩|ψ⟩|φ⟩``, by statevector simulation.

    Equals ``(1 + |⟨ψ|φ⟩|²)/2``.

    Raises
    ------
    InputValueError
        If ``psi`` and ``phi`` are not states of one register.

    >>> round(swap_test_probability(np.array([1, 0]), np.array([1, 1]) / np.sqrt(2)), 12)
    0.75
    """
    psi = np.asarray(psi, dtype=complex)
    phi = np.asarray(phi, dtype=complex)
    n = int(round(np.log2(psi.shape[0])))
    if psi.shape != phi.shape or 2**n != psi.shape[0]:
        raise InputValueError("swap_test_probability: psi and phi must be states of the same register")
    initial = np.kron(np.array([1.0, 0.0]), np.kron(psi, phi))
    ops = [("h", (0,), None, None),
           ("unitary", tuple(range(2 * n + 1)), None, _controlled_swap(n)),
           ("h", (0,), None, None)]
    state = sim.statevector(ops, 2 * n + 1, (), initial=initial)
    half = state.shape[0] // 2
    return float(np.sum(np.abs(state[:half]) ** 2))


class SwapTestPenalty:
    """Shot-noise estimator of ``P(θ)`` from swap tests.

    For a circuit (simulator ops on ``n`` qubits), a Hermitian ``observable`` (numpy) and the elements
    of a finite group (numpy unitaries, the identity included or not — it is handled exactly).  The
    penalty is Eq. 6 in its swap-test form (module docstring).

    Raises
    ------
    InputValueError
        If the observable is not Hermitian, or an element not unitary, of the register's size.

    >>> import numpy as np
    >>> swap = np.eye(4)[[0, 2, 1, 3]]
    >>> est = SwapTestPenalty([("rx", (0,), (0, 1.0, 0.0), None)], 2, np.diag([1., 1, -1, -1]), [swap])
    >>> round(est.exact([np.pi / 2]), 12)   # Õ = −Y⊗I: T[Õ] = −(Y⊗I + I⊗Y)/2, P = 4 − 2
    2.0
    """

    def __init__(self, ops, n_qubits: int, observable, elements, *, simulate_swap_tests: bool = True):
        self.simulate_swap_tests = bool(simulate_swap_tests)
        """``False``: take ``Pr[0] = (1 + |⟨ψ|φ⟩|²)/2`` from the overlaps directly (the same numbers, checked in
        the tests, without simulating each ``2n+1``-qubit swap-test circuit: for training runs)."""
        self.ops = list(ops)
        self.n = int(n_qubits)
        o = np.asarray(observable, dtype=complex)
        d = 2**self.n
        if o.shape != (d, d) or not np.allclose(o, o.conj().T, atol=1e-12):
            raise InputValueError(f"SwapTestPenalty: observable must be a Hermitian {d}x{d} array")
        self.observable = o
        self.eigenvalues, self.eigenvectors = np.linalg.eigh(o)
        elements = [np.asarray(v, dtype=complex) for v in elements]
        if not elements:
            raise InputValueError("SwapTestPenalty: elements must list the finite group's unitaries")
        for v in elements:
            if v.shape != (d, d) or not np.allclose(v.conj().T @ v, np.eye(d), atol=1e-10):
                raise InputValueError(f"SwapTestPenalty: every group element must be a unitary {d}x{d} array")

        def is_identity(v):
            phase = np.trace(v) / d
            return abs(abs(phase) - 1) < 1e-10 and np.allclose(v, phase * np.eye(d), atol=1e-10)

        self.order = len([v for v in elements if not is_identity(v)]) + 1
        self.elements = [v for v in elements if not is_identity(v)]
        self.norm2 = float(np.sum(self.eigenvalues**2))
        pairs = [(k, l) for k in range(d) for l in range(d)
                 if abs(self.eigenvalues[k] * self.eigenvalues[l]) > 1e-14]
        self.pairs = pairs

    @classmethod
    def from_circuit(cls, circuit, observable, group, **options) -> "SwapTestPenalty":
        """From a :class:`~sggd_sym.Circuit`, an exact observable and a finite group (converted to numpy).

        Raises
        ------
        InputTypeError
            If ``group`` is not a :class:`~sggd_sym.symmetry.groups.FiniteGroup`.

        >>> import sympy as sp, sggd_sym as sg
        >>> circuit = sg.Circuit(1).rx(sp.Symbol("t"), 0)
        >>> est = SwapTestPenalty.from_circuit(circuit, sg.ops.Z, sg.groups.finite([sg.ops.Z]))
        >>> est.order, round(est.exact([np.pi / 4]), 12)        # P = 2 sin²θ
        (2, 1.0)
        """
        from sggd_sym.algebra.pauli_sum import PauliSum
        from sggd_sym.symmetry.groups import FiniteGroup

        if not isinstance(group, FiniteGroup):
            raise InputTypeError("SwapTestPenalty.from_circuit: the swap-test estimator needs a finite group")
        obs = observable.matrix() if isinstance(observable, PauliSum) else observable
        return cls(circuit.to_sim_ops(), circuit.n_qubits, to_numpy(obs), [to_numpy(v) for v in group.elements],
                   **options)

    def _probability(self, psi: np.ndarray, phi: np.ndarray) -> np.ndarray:
        """``Pr[0]`` of the swap tests of every pair ``(ψ[:, k], φ[:, l])`` of ``self.pairs``."""
        if self.simulate_swap_tests:
            return np.array([swap_test_probability(psi[:, k], phi[:, l]) for k, l in self.pairs])
        overlap = np.abs(psi.conj().T @ phi) ** 2
        return np.array([(1 + overlap[k, l]) / 2 for k, l in self.pairs])

    @property
    def swap_tests(self) -> int:
        """Swap tests per evaluation of ``P̂`` (one per non-identity element and eigenvalue pair).

        >>> est = SwapTestPenalty([("rx", (0,), (0, 1.0, 0.0), None)], 1, np.diag([1., -1]), [np.diag([1., -1])])
        >>> est.swap_tests
        4
        """
        return len(self.elements) * len(self.pairs)

    def _overlaps(self, theta) -> np.ndarray:
        """``Pr[0]`` of every swap test, ``(elements, pairs)``, by simulating the swap-test circuits."""
        u = sim.circuit_unitary(self.ops, self.n, np.atleast_1d(np.asarray(theta, dtype=float)))
        psi = u.conj().T @ self.eigenvectors                         # columns ψ_k = U†|k⟩
        probs = np.empty((len(self.elements), len(self.pairs)))
        for g, v in enumerate(self.elements):
            probs[g] = self._probability(psi, v @ psi)               # columns φ_{g,l} = V_g U†|l⟩
        return probs

    def _weights(self) -> np.ndarray:
        return np.array([self.eigenvalues[k] * self.eigenvalues[l] for k, l in self.pairs])

    def exact(self, theta) -> float:
        """``P(θ)`` from the swap-test probabilities with infinitely many shots.

        >>> est = SwapTestPenalty([("rx", (0,), (0, 1.0, 0.0), None)], 1, np.diag([1., -1]), [np.diag([1., -1])])
        >>> round(est.exact([np.pi / 4]), 12)      # Õ = cos θ Z + …, T[Õ] = cos θ Z: P = 2 sin²θ
        1.0
        """
        f = 2 * self._overlaps(theta) - 1
        return float(self.norm2 - (self.norm2 + np.sum(f @ self._weights())) / self.order)

    def variance(self, theta, shots: int) -> float:
        """Closed-form ``Var P̂`` with ``shots`` shots per swap test.

        >>> est = SwapTestPenalty([("rx", (0,), (0, 1.0, 0.0), None)], 1, np.diag([1., -1]), [np.diag([1., -1])])
        >>> round(est.variance([np.pi / 4], 100), 12)
        0.0075
        """
        shots = self._shots(shots)
        f = 2 * self._overlaps(theta) - 1
        return float(np.sum((1 - f**2) @ self._weights() ** 2) / (self.order**2 * shots))

    def estimate(self, theta, shots: int, rng, repeats: int | None = None):
        """``P̂`` from ``shots`` binomial shots per swap test (``repeats`` independent estimates → array).

        Raises
        ------
        InputTypeError
            If ``rng`` is not a ``numpy.random.Generator``.

        >>> est = SwapTestPenalty([("rx", (0,), (0, 1.0, 0.0), None)], 1, np.diag([1., -1]), [np.diag([1., -1])])
        >>> est.estimate([np.pi / 4], 100, np.random.default_rng(0), repeats=3).round(6).tolist()
        [1.02, 1.0, 0.78]
        """
        shots = self._shots(shots)
        rng = _checks.rng("SwapTestPenalty.estimate", rng)
        p0 = self._overlaps(theta)
        size = (1 if repeats is None else int(repeats),) + p0.shape
        zeros = rng.binomial(shots, np.clip(p0, 0.0, 1.0), size=size)
        f = 2 * zeros / shots - 1
        values = self.norm2 - (self.norm2 + np.einsum("rgk,k->r", f, self._weights())) / self.order
        return float(values[0]) if repeats is None else values

    def shots_for(self, theta, precision: float) -> tuple[int, int]:
        """``(shots per swap test, shots per evaluation)`` for a standard deviation ``≤ precision``.

        >>> est = SwapTestPenalty([("rx", (0,), (0, 1.0, 0.0), None)], 1, np.diag([1., -1]), [np.diag([1., -1])])
        >>> est.shots_for([np.pi / 4], 0.1)
        (76, 304)
        """
        if not (np.isfinite(precision) and precision > 0):
            raise InputValueError(f"SwapTestPenalty.shots_for: precision must be > 0, got {precision}")
        per_test = max(1, int(np.ceil(self.variance(theta, 1) / precision**2)))
        return per_test, per_test * self.swap_tests

    # -- gradient by parameter shifts of the swap tests ----------------------------------------------
    def _gradient_tests(self, theta) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every swap test of the gradient: ``(component, coefficient, Pr[0])`` arrays.

        ``F_{g,k,l} = |⟨ψ_k(a)|φ_{g,l}(b)⟩|²`` with the state preparations ``U(a)†`` and ``V_g U(b)†`` run
        separately, so each parameter occurrence is shifted on one side at a time (the simulator's
        shift rules, two- or four-term), and ``∂P/∂θ_j = −(1/|G|) Σ λ_k λ_l ∂_j F_{g,k,l}``.
        """
        theta = np.atleast_1d(np.asarray(theta, dtype=float))
        u = sim.circuit_unitary(self.ops, self.n, theta)
        base = u.conj().T @ self.eigenvectors
        weights = self._weights()
        comps, coefs, probs = [], [], []
        for i, op in enumerate(self.ops):
            name, qubits, angle, data = op
            if not isinstance(angle, (tuple, list)):
                continue
            idx, scale, _ = angle
            a = sim._resolve_angle(op, theta)
            for c, shift in sim._shift_rule(name, data):
                shifted = self.ops[:i] + [(name, qubits, a + shift, data)] + self.ops[i + 1:]
                moved = sim.circuit_unitary(shifted, self.n, theta).conj().T @ self.eigenvectors
                for psi, phi_base in ((moved, base), (base, moved)):
                    for v in self.elements:
                        comps.extend([idx] * len(self.pairs))
                        coefs.extend(-float(scale) * c * weights / self.order)
                        probs.extend(self._probability(psi, v @ phi_base))
        return np.array(comps, dtype=int), np.array(coefs), np.array(probs)

    def exact_gradient(self, theta) -> np.ndarray:
        """``∇P(θ)`` from the gradient's swap tests with infinitely many shots.

        >>> est = SwapTestPenalty([("rx", (0,), (0, 1.0, 0.0), None)], 1, np.diag([1., -1]), [np.diag([1., -1])])
        >>> est.exact_gradient([np.pi / 4]).round(12).tolist()       # d(2 sin²θ)/dθ = 2 sin 2θ
        [2.0]
        """
        comps, coefs, probs = self._gradient_tests(theta)
        grad = np.zeros(len(np.atleast_1d(theta)))
        np.add.at(grad, comps, coefs * (2 * probs - 1))
        return grad

    def gradient_variance(self, theta, shots: int) -> np.ndarray:
        """Closed-form variance of each component of the shot-noise gradient (``shots`` per swap test).

        >>> est = SwapTestPenalty([("rx", (0,), (0, 1.0, 0.0), None)], 1, np.diag([1., -1]), [np.diag([1., -1])])
        >>> est.gradient_variance([np.pi / 4], 100).round(12).tolist()
        [0.005]
        """
        shots = self._shots(shots)
        comps, coefs, probs = self._gradient_tests(theta)
        var = np.zeros(len(np.atleast_1d(theta)))
        np.add.at(var, comps, coefs**2 * (1 - (2 * probs - 1) ** 2) / shots)
        return var

    def gradient(self, theta, shots: int, rng, repeats: int | None = None) -> np.ndarray:
        """Shot-noise ``∇P̂`` (``repeats`` independent estimates → array ``(repeats, p)``).

        >>> est = SwapTestPenalty([("rx", (0,), (0, 1.0, 0.0), None)], 1, np.diag([1., -1]), [np.diag([1., -1])])
        >>> est.gradient([np.pi / 4], 100, np.random.default_rng(0)).round(6).tolist()
        [2.055]
        """
        shots = self._shots(shots)
        rng = _checks.rng("SwapTestPenalty.gradient", rng)
        comps, coefs, probs = self._gradient_tests(theta)
        r = 1 if repeats is None else int(repeats)
        f = 2 * rng.binomial(shots, np.clip(probs, 0.0, 1.0), size=(r, len(probs))) / shots - 1
        grad = np.zeros((r, len(np.atleast_1d(theta))))
        for j in range(grad.shape[1]):
            grad[:, j] = f[:, comps == j] @ coefs[comps == j]
        return grad[0] if repeats is None else grad

    def noisy(self, shots: int, rng) -> "NoisyPenalty":
        """A penalty for :func:`sggd_sym.training.train` with fresh shot-noise estimates at every call.

        Value and gradient use ``shots`` shots per swap test.

        >>> est = SwapTestPenalty([("rx", (0,), (0, 1.0, 0.0), None)], 1, np.diag([1., -1]), [np.diag([1., -1])])
        >>> value, grad = est.noisy(1000, np.random.default_rng(1)).value_and_gradient([np.pi / 4])
        >>> round(value, 6), grad.round(6).tolist()
        (1.022, [1.981])
        """
        return NoisyPenalty(self, self._shots(shots), rng)

    @staticmethod
    def _shots(shots) -> int:
        if isinstance(shots, bool) or not isinstance(shots, (int, np.integer)) or shots < 1:
            raise InputValueError(f"SwapTestPenalty: shots must be an integer >= 1, got {shots!r}")
        return int(shots)


class NoisyPenalty:
    """``value_and_gradient(theta (B, p))`` from swap-test shots (see :meth:`SwapTestPenalty.noisy`).

    Raises
    ------
    InputTypeError
        If ``rng`` is not a ``numpy.random.Generator``.
    """

    def __init__(self, estimator: SwapTestPenalty, shots: int, rng):
        rng = _checks.rng("NoisyPenalty", rng)
        self.estimator, self.shots, self.rng = estimator, shots, rng

    def value_and_gradient(self, theta):
        """Fresh estimates ``(P̂, ∇P̂)`` at ``theta``.

        Shape ``(p,)`` gives a float and ``(p,)``; ``(B, p)`` gives ``(B,)`` and ``(B, p)``.

        >>> est = SwapTestPenalty([("rx", (0,), (0, 1.0, 0.0), None)], 1, np.diag([1., -1]), [np.diag([1., -1])])
        >>> values, grads = NoisyPenalty(est, 1000, np.random.default_rng(1)).value_and_gradient([[0.3], [1.0]])
        >>> values.shape, grads.shape
        ((2,), (2, 1))
        """
        arr = np.atleast_2d(np.asarray(theta, dtype=float))
        values = np.array([self.estimator.estimate(t, self.shots, self.rng) for t in arr])
        grads = np.array([self.estimator.gradient(t, self.shots, self.rng) for t in arr])
        return (values, grads) if np.ndim(theta) == 2 else (float(values[0]), grads[0])

