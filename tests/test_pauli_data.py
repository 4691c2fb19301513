"""Data in Pauli form (sggd_sym.data.pauli_data) against explicit traces Tr(P ρ) with the simulator's Pauli matrices."""

import time

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.data.pauli_data import PauliData, ProductStates
from sggd_sym.derived import costs
from sggd_sym.exceptions import InputValueError
from sggd_sym.testing import strategies as sst


def explicit(rho, words):
    return np.array([[np.trace(sim.pauli_matrix(w) @ r).real for w in words] for r in rho])


@sst.fast_settings(20)
@given(st.integers(1, 4), st.integers(0, 2**16))
def test_statevector_density_and_product_coordinates_equal_explicit_traces(n, seed):
    rng = np.random.default_rng(seed)
    words = ["".join(rng.choice(list("IXYZ"), n)) for _ in range(6)]
    angles = rng.uniform(-np.pi, np.pi, size=(5, n))
    product = ProductStates.from_angles(angles, gate=str(rng.choice(["rx", "ry"])))
    psi = product.statevectors()
    rho = np.einsum("ni,nj->nij", psi, psi.conj())
    ref = explicit(rho, words)
    np.testing.assert_allclose(PauliData(product).coordinates(words), ref, atol=1e-12)
    np.testing.assert_allclose(PauliData(psi, kind="statevector").coordinates(words), ref, atol=1e-12)
    np.testing.assert_allclose(PauliData(rho).coordinates(words), ref, atol=1e-12)
    mixed = np.array([sim.random_density_matrix(2**n, rng) for _ in range(3)])
    np.testing.assert_allclose(PauliData(mixed).coordinates(words), explicit(mixed, words), atol=1e-12)


def test_basis_states_and_bad_data():
    data = PauliData(ProductStates.basis(["011", "100"]))
    np.testing.assert_array_equal(data.coordinates(["ZII", "IZI", "ZZZ", "XII"]), [[1, -1, 1, 0], [-1, 1, -1, 0]])
    with pytest.raises(InputValueError, match="longer than 1"):
        ProductStates(np.full((1, 2, 3), 1.0))
    with pytest.raises(InputValueError, match="norm 1"):
        PauliData(np.ones((3, 4)))
    with pytest.raises(InputValueError, match="qubit"):
        PauliData(ProductStates.basis(["01"]), 3)


def test_model_from_product_states_matches_density_matrices():
    circuit = sg.circuits.hardware_efficient(3, 2)
    obs = sg.PauliSum.from_text("Z0 + 1/2 X1 X2", 3)
    angles = np.random.default_rng(3).uniform(0, np.pi, size=(7, 3))
    product = ProductStates.from_angles(angles)
    psi = product.statevectors()
    rho = np.einsum("ni,nj->nij", psi, psi.conj())
    theta = np.random.default_rng(4).uniform(-np.pi, np.pi, size=(2, len(circuit.parameters)))
    a = costs.Model(circuit, obs, product).outputs(theta)
    b = costs.Model(circuit, obs, rho).outputs(theta)
    np.testing.assert_allclose(a, b, atol=1e-12)
    ops_ = circuit.to_sim_ops()
    o = sim.pauli_matrix("ZII") + 0.5 * sim.pauli_matrix("IXX")
    ref = [[sim.expectation(sim.heisenberg_observable(ops_, 3, o, t), r) for r in rho] for t in theta]
    np.testing.assert_allclose(a, np.real(ref), atol=1e-12)


def test_eight_qubit_model_for_256_points_builds_quickly():
    circuit = sg.circuits.hardware_efficient(8, 1)
    bits = (np.arange(256)[:, None] >> np.arange(8)[::-1]) & 1
    start = time.perf_counter()
    model = costs.Model(circuit, sg.PauliSum.word("Z" + "I" * 7), ProductStates.basis(bits))
    assert time.perf_counter() - start < 5  # generous; the benchmark reports the real figure
    assert model.coordinates.shape == (256, len(model.words))
