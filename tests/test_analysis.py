"""sg.analysis.symmetric_reach (issue 15): least penalty, exact certificates, local structure."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.experiments.circle import equivariant_ansatz
from sggd_sym.testing import strategies as sst

SWAP = sg.groups.finite([sg.ops.SWAP])
Z_SUM = sg.ops.pauli("ZI") + sg.ops.pauli("IZ")


def exact_penalty_at(circuit, observable, group, point):
    return sg.penalty(circuit, observable, group).at(point)


def test_werner_ansatz_certified_at_identity():
    circuit = sg.circuits.werner_ansatz()
    group = sg.groups.collective_unitary(2)
    r = sg.analysis.symmetric_reach(circuit, sg.ops.SWAP, group)
    theta, = circuit.parameters
    assert r.certified and r.min_penalty == 0
    assert set(r.certificate) == {theta}
    assert sp.simplify(r.certificate[theta] / (2 * sp.pi)).is_integer  # θ = 0 mod 2π
    assert exact_penalty_at(circuit, sg.ops.SWAP, group, r.certificate) == 0
    assert r.symmetric_dimension == 0 and r.reachable_directions == 0  # an isolated symmetric point
    assert "certified" in r.summary()


def test_equivariant_circle_ansatz_certified():
    circuit = equivariant_ansatz(1)
    r = sg.analysis.symmetric_reach(circuit, Z_SUM, SWAP)
    assert r.certified and r.min_penalty == 0 and r.identically_symmetric
    assert exact_penalty_at(circuit, Z_SUM, SWAP, r.certificate) == 0
    assert r.symmetric_dimension == len(circuit.parameters)  # symmetric everywhere
    assert 0 <= r.reachable_directions <= r.generic_reachable_directions <= r.commutant_dimension


def test_ansatz_that_cannot_be_symmetric_reports_its_least_penalty():
    x = sp.Symbol("x", real=True)
    circuit = sg.Circuit(2).rx(x, 0)  # Õ acts on qubit 0 only: never swap-invariant; P = 4 − 2 = 2
    observable = sg.ops.pauli("ZI")
    r = sg.analysis.symmetric_reach(circuit, observable, SWAP)
    assert not r.certified and r.certificate is None
    assert r.min_penalty == 2 and r.numeric_minimum > 0
    assert r.symmetric_dimension is None and r.reachable_directions is None


def test_least_penalty_matches_a_grid_search():
    x, y = sp.symbols("x y", real=True)
    circuit = sg.Circuit(2).ry(x, 0).cnot(0, 1).rx(y, 1)
    observable = sg.ops.pauli("ZI") + sg.ops.pauli("XI") / 2
    r = sg.analysis.symmetric_reach(circuit, observable, SWAP, starts=24)
    pen = sg.penalty(circuit, observable, SWAP)
    grid = np.stack(np.meshgrid(np.linspace(-np.pi, np.pi, 121), np.linspace(-np.pi, np.pi, 121)), -1).reshape(-1, 2)
    assert r.numeric_minimum <= pen(grid).min() + 1e-9
    assert abs(float(r.min_penalty) - r.numeric_minimum) < 1e-6
    if r.certified:
        assert exact_penalty_at(circuit, observable, SWAP, r.certificate) == 0
    else:
        assert r.numeric_minimum > 1e-6


def test_symmetric_set_of_dimension_one():
    a, b = sp.symbols("a b", real=True)
    circuit = sg.Circuit(2).ry(a, 0).ry(b, 1)  # symmetric exactly on a = b
    r = sg.analysis.symmetric_reach(circuit, Z_SUM, SWAP)
    assert r.certified and r.certificate[a] == r.certificate[b]
    assert r.symmetric_dimension == 1 and r.reachable_directions <= 1


def test_certificate_away_from_zero():
    x = sp.Symbol("x", real=True)
    circuit = sg.Circuit(2).rx(x, 0).rx(sp.pi / 2, 1)  # symmetric only at x = π/2 (mod 2π)
    r = sg.analysis.symmetric_reach(circuit, Z_SUM, SWAP)
    assert r.certified
    value = r.certificate[x]
    assert value != 0 and sp.simplify((value - sp.pi / 2) / (2 * sp.pi)).is_integer
    residual = sg.constraint_residual(circuit, Z_SUM, SWAP).subs(x, value)
    assert sp.simplify(residual) == sp.zeros(4, 4)


def test_bad_input():
    with pytest.raises(InputTypeError, match="circuit"):
        sg.analysis.symmetric_reach("werner", sg.ops.SWAP, SWAP)
    with pytest.raises(InputValueError, match="starts"):
        sg.analysis.symmetric_reach(sg.circuits.werner_ansatz(), sg.ops.SWAP, SWAP, starts=0)


def test_rank_ansatze_puts_symmetric_designs_first():
    a, b, c = sp.symbols("a b c", real=True)
    candidates = {"one-sided": (sg.Circuit(2).rx(a, 0), sg.ops.pauli("ZI")),
                  "equivariant": (equivariant_ansatz(1), Z_SUM),
                  "product": (sg.Circuit(2).ry(b, 0).ry(c, 1), Z_SUM)}
    ranking = sg.analysis.rank_ansatze(candidates, SWAP, starts=8)
    assert [name for name, _ in ranking] == ["equivariant", "product", "one-sided"]
    table = sg.analysis.format_ranking(ranking)
    assert table.splitlines()[0].split()[:2] == ["rank", "ansatz"] and len(table.splitlines()) == 4
    assert ranking[-1][1].min_penalty == 2
    with pytest.raises(InputValueError, match="empty"):
        sg.analysis.rank_ansatze({}, SWAP)


@sst.fast_settings(30)
@given(sst.circuits(min_qubits=2, max_qubits=2, max_gates=4, max_parameters=2), st.integers(0, 3))
def test_certificates_are_exact_and_minima_are_minima(circuit, which):
    observable = [Z_SUM, sg.ops.pauli("ZI"), sg.ops.pauli("XX"), sg.ops.pauli("ZI") + sg.ops.pauli("XI") / 2][which]
    r = sg.analysis.symmetric_reach(circuit, observable, SWAP, starts=8, steps=150)
    pen = sg.penalty(circuit, observable, SWAP)
    if r.certified:
        assert r.min_penalty == 0 and pen.at(r.certificate) == 0
        assert 0 <= r.symmetric_dimension <= len(circuit.parameters)
        assert 0 <= r.reachable_directions <= r.symmetric_dimension
    else:
        assert r.numeric_minimum >= -1e-12
        if r.exact_point is not None:
            assert abs(float(pen.at(r.exact_point)) - float(r.min_penalty)) < 1e-9
    points = np.random.default_rng(0).uniform(-np.pi, np.pi, (64, len(circuit.parameters)))
    assert r.numeric_minimum <= pen(points).min() + 1e-9 if len(circuit.parameters) else True
