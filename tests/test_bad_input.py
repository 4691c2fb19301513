"""Bad input (SPEC §6): every public entry point raises a clear, typed error naming the problem."""

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg
from sggd_sym.exceptions import DerivationBudgetError, GroupTooLargeError, InputTypeError, InputValueError

t = sp.Symbol("t", real=True)


def test_non_unitary_group_generator():
    with pytest.raises(InputValueError, match="not unitary"):
        sg.groups.finite([2 * sg.ops.pauli("X")])


def test_non_hermitian_observable_and_lie_generator():
    bad = sp.Matrix([[0, 1], [0, 0]])
    with pytest.raises(InputValueError, match="not Hermitian"):
        sg.heisenberg.heisenberg_observable(sg.Circuit(1).rx(t, 0), bad)
    with pytest.raises(InputValueError, match="not Hermitian"):
        sg.groups.lie([bad])


def test_mismatched_dimensions():
    with pytest.raises(InputValueError, match="group acts on"):
        sg.penalty(sg.Circuit(1).rx(t, 0), sg.ops.Z, sg.groups.collective_unitary(2))
    with pytest.raises(InputValueError, match="dimension"):
        sg.penalty(sg.Circuit(2).rx(t, 0), sg.ops.Z, sg.groups.collective_unitary(2))


def test_unknown_names_in_hardware_efficient():
    with pytest.raises(InputValueError, match="rotation 'rq' unknown"):
        sg.circuits.hardware_efficient(2, 1, rotations=("rq",))
    with pytest.raises(InputValueError, match="entangler 'iswap' unknown"):
        sg.circuits.hardware_efficient(2, 1, entangler="iswap")


def test_float_angle_and_nonlinear_angle():
    with pytest.raises(InputTypeError, match="float"):
        sg.Circuit(1).rx(0.5, 0)
    with pytest.raises(InputTypeError, match="exact real expression"):
        sg.Circuit(1).ry(sp.Float(0.5) * t, 0)
    with pytest.raises(InputValueError, match="linear in the parameters"):
        sg.Circuit(1).rz(t**2, 0)


def test_qubit_out_of_range_or_repeated():
    with pytest.raises(InputValueError, match="out of range"):
        sg.Circuit(2).rx(t, 2)
    with pytest.raises(InputValueError, match="distinct"):
        sg.Circuit(2).cnot(1, 1)


def test_finite_group_past_max_order():
    group = sg.groups.finite([sg.ops.pauli("XI"), sg.ops.pauli("ZI"), sg.ops.pauli("IX")], max_order=5)
    with pytest.raises(GroupTooLargeError, match="max_order=5"):
        group.elements


def test_derivation_past_budget():
    circuit = sg.circuits.hardware_efficient(3, 2, rotations=("rx", "ry"))
    heis = sg.heisenberg.heisenberg_observable(circuit, sg.ops.pauli_sum("Z0 Z1 + X2", 3))
    assert heis.n_terms() > 10
    with pytest.raises(DerivationBudgetError, match="budget of 10"):
        sg.heisenberg.heisenberg_observable(circuit, sg.ops.pauli_sum("Z0 Z1 + X2", 3), budget=10)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_parameter_values(bad):
    circuit = sg.circuits.werner_ansatz()
    pen = sg.penalty(circuit, sg.ops.SWAP, sg.groups.collective_unitary(2))
    with pytest.raises(InputValueError, match="finite"):
        pen([bad])
    with pytest.raises(InputValueError, match="finite"):
        pen.gradient([bad])
    with pytest.raises(InputValueError, match="finite"):
        circuit.unitary_numeric([bad])


def test_wrong_number_of_parameter_values():
    circuit = sg.circuits.werner_ansatz()
    pen = sg.penalty(circuit, sg.ops.SWAP, sg.groups.collective_unitary(2))
    with pytest.raises(InputValueError, match="expected 1 parameter values"):
        pen([0.1, 0.2])
    with pytest.raises(InputValueError, match="expected 1 parameter values"):
        circuit.unitary_numeric([0.1, 0.2])


def test_anticommuting_generator_words():
    with pytest.raises(InputValueError, match="anticommute"):
        sg.Circuit(1).exp(t, {"X": 1, "Z": 1})


def test_bad_pauli_word_and_pauli_sum():
    with pytest.raises(InputValueError, match="Pauli word 'XQ'"):
        sg.ops.pauli("XQ")
    with pytest.raises(InputTypeError, match="word expected a str"):
        sg.ops.pauli(3)
    with pytest.raises(InputValueError, match="cannot read the term"):
        sg.ops.pauli_sum("Z0 + foo", 2)
    with pytest.raises(InputValueError, match="out of range"):
        sg.ops.pauli_sum("Z5", 2)
    with pytest.raises(InputValueError, match="appears twice"):
        sg.ops.pauli_sum("Z0 X0", 2)
