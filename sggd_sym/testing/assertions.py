"""Numeric bridges and ``assert_*`` helpers comparing the exact core with :mod:`sggd_sym.sim`.

Every helper takes its tolerance ``atol`` explicitly (no hidden defaults), evaluates the exact
object numerically, recomputes the same quantity with the independent simulator, and raises
``AssertionError`` with the largest deviation when they differ.

>>> import sympy as sp, sggd_sym as sg
>>> c = sg.circuits.werner_ansatz()
>>> assert_unitary_matches_simulator(c, [0.3], atol=1e-12)
>>> G = preset_group("collective_unitary(2)")
>>> assert_penalty_matches_simulator(c, sg.ops.SWAP, G, [[0.3], [2.0]], atol=1e-10)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import sympy as sp

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.numeric.bridge import lambdify_checked, to_numpy
from sggd_sym.symmetry.groups import FiniteGroup, LieGroup, SymmetryGroup

__all__ = [
    "PRESETS", "preset_group", "to_numpy", "group_constraints_numeric", "numeric_projector", "assert_close",
    "assert_unitary_matches_simulator", "assert_heisenberg_matches_simulator",
    "assert_penalty_matches_simulator", "assert_penalty_gradient_matches_finite_differences",
    "assert_twirl_matches_simulator",
]

#: The preset groups of SPEC §2 (Eq. 5) with the simulator's Haar sampler (``None`` for finite groups,
#: whose exact average is used instead).
PRESETS: dict[str, tuple] = {
    "collective_unitary(2)": (lambda: sg.groups.collective_unitary(2), sim.sample_collective(2)),
    "collective_unitary(3)": (lambda: sg.groups.collective_unitary(3), sim.sample_collective(3)),
    "local_unitary(2)": (lambda: sg.groups.local_unitary(2), sim.sample_local(2)),
    "permutations(2)": (lambda: sg.groups.permutations(2), None),
    "permutations(3)": (lambda: sg.groups.permutations(3), None),
    "u1_charge(2)": (lambda: sg.groups.u1_charge(2), sim.sample_u1_charge(2)),
    "u1_charge(3)": (lambda: sg.groups.u1_charge(3), sim.sample_u1_charge(3)),
    "finite([SWAP])": (lambda: sg.groups.finite([sg.ops.SWAP]), None),
}


@lru_cache(maxsize=None)
def preset_group(name: str) -> SymmetryGroup:
    """The preset group ``name`` (one shared instance, so its exact commutant is computed once)."""
    return PRESETS[name][0]()


def group_constraints_numeric(group: SymmetryGroup) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``(hamiltonians, unitaries)`` whose joint commutant is ``G'``, as numpy arrays for the simulator."""
    if isinstance(group, FiniteGroup):
        return [], [to_numpy(g) for g in group.generators]
    if isinstance(group, LieGroup):
        return [to_numpy(h) for h in group.hamiltonians], [to_numpy(v) for v in group.discrete]
    raise TypeError(f"group_constraints_numeric: unsupported group {group!r}")


def numeric_projector(group: SymmetryGroup):
    """The simulator's orthogonal projection onto ``G'`` (SVD nullspace), as a function of a matrix."""
    hams, unis = group_constraints_numeric(group)
    return lambda a: sim.commutant_projection(a, hams, unis)


def assert_close(actual, expected, *, atol: float, what: str = "value") -> None:
    """``max |actual − expected| ≤ atol`` (shapes must agree), with an informative message."""
    a = np.asarray(actual)
    b = np.asarray(expected)
    if a.shape != b.shape:
        raise AssertionError(f"{what}: shapes differ, {a.shape} vs {b.shape}")
    err = float(np.max(np.abs(a - b))) if a.size else 0.0
    if not err <= atol:
        raise AssertionError(f"{what}: max deviation {err:.3e} > atol {atol:.1e}\nactual={a}\nexpected={b}")


def _batch(values, p: int) -> np.ndarray:
    if p == 0:
        return np.zeros((1, 0))
    return np.asarray(values, dtype=float).reshape(-1, p)


def assert_unitary_matches_simulator(circuit: sg.Circuit, values, *, atol: float) -> None:
    """Exact ``U(θ)`` (lambdified), ``unitary_numeric`` and ``sim.circuit_unitary`` agree at each point."""
    p = len(circuit.parameters)
    exact = lambdify_checked(circuit.parameters, circuit.unitary(), where="assert_unitary_matches_simulator")
    ops = circuit.to_sim_ops()
    for theta in _batch(values, p):
        ref = sim.circuit_unitary(ops, circuit.n_qubits, theta)
        assert_close(np.asarray(exact(*theta), dtype=complex), ref, atol=atol, what=f"exact U at {theta}")
        assert_close(circuit.unitary_numeric(theta), ref, atol=atol, what=f"unitary_numeric at {theta}")


def assert_heisenberg_matches_simulator(circuit: sg.Circuit, observable, values, *, atol: float) -> None:
    """``heisenberg_observable(circuit, O).matrix()`` equals ``sim.heisenberg_observable`` at each point."""
    heis = sg.heisenberg.heisenberg_observable(circuit, observable)
    exact = lambdify_checked(circuit.parameters, heis.matrix(), where="assert_heisenberg_matches_simulator")
    ops = circuit.to_sim_ops()
    o = to_numpy(observable)
    d = circuit.dim
    for theta in _batch(values, len(circuit.parameters)):
        got = np.asarray(exact(*theta), dtype=complex) * np.ones((d, d))
        ref = sim.heisenberg_observable(ops, circuit.n_qubits, o, theta)
        assert_close(got, ref, atol=atol, what=f"Heisenberg observable at {theta}")


def _simulator_penalty(circuit: sg.Circuit, observable, group: SymmetryGroup):
    ops = circuit.to_sim_ops()
    o = to_numpy(observable)
    project = numeric_projector(group)
    return lambda theta: sim.penalty(sim.circuit_unitary(ops, circuit.n_qubits, theta), o, project)


def assert_penalty_matches_simulator(circuit: sg.Circuit, observable, group: SymmetryGroup, values, *,
                                     atol: float, penalty=None) -> None:
    """Eq. 6: the derived ``P(θ)`` (batch and single-point calls) equals ``sim.penalty`` at each point.

    ``penalty`` may pass an already derived :func:`sggd_sym.penalty` to avoid deriving it again.
    """
    pen = sg.penalty(circuit, observable, group) if penalty is None else penalty
    reference = _simulator_penalty(circuit, observable, group)
    batch = _batch(values, len(circuit.parameters))
    expected = np.array([reference(theta) for theta in batch])
    if batch.shape[1]:
        assert_close(pen(batch), expected, atol=atol, what="penalty (batch)")
    for theta, ref in zip(batch, expected):
        assert_close(pen(theta), ref, atol=atol, what=f"penalty at {theta}")


def assert_penalty_gradient_matches_finite_differences(circuit: sg.Circuit, observable, group: SymmetryGroup,
                                                        values, *, atol: float, penalty=None,
                                                        step: float = 1e-5) -> None:
    """``∇P`` equals central finite differences of the *simulator's* penalty at each point."""
    pen = sg.penalty(circuit, observable, group) if penalty is None else penalty
    reference = _simulator_penalty(circuit, observable, group)
    for theta in _batch(values, len(circuit.parameters)):
        fd = sim.finite_difference_gradient(reference, theta, step)
        assert_close(pen.gradient(theta), fd, atol=atol, what=f"penalty gradient at {theta}")


def assert_twirl_matches_simulator(matrix, group: SymmetryGroup, *, atol: float) -> None:
    """The exact twirl ``T_G[X]`` equals the simulator's numeric commutant projection of ``X``."""
    exact = to_numpy(group.twirl(sp.Matrix(matrix)))
    assert_close(exact, numeric_projector(group)(to_numpy(matrix)), atol=atol, what=f"twirl under {group.name}")
