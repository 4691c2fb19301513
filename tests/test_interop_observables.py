"""interop.observable: exact observables from numpy arrays, dicts, strings, Qiskit and PennyLane objects."""

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg
from sggd_sym import interop
from sggd_sym.interop.exact import exact_number


def test_numpy_arrays_convert_exactly_or_are_refused():
    assert interop.observable(np.array([[1, 0], [0, -1]])) == sg.ops.pauli("Z")
    swap = np.eye(4, dtype=int)[[0, 2, 1, 3]]
    assert interop.observable(swap, 2) == sg.ops.SWAP
    assert interop.observable(np.array([[0.5, 0.25j], [-0.25j, -1.5]])) == sp.Matrix([[sp.Rational(1, 2), sp.I / 4],
                                                                                   [-sp.I / 4, -sp.Rational(3, 2)]])
    with pytest.raises(sg.InputValueError, match=r"observable\[0, 0\].*0.1 is not exactly a simple rational"):
        interop.observable(np.diag([0.1, 0.2]))
    assert interop.observable(np.diag([0.1, 1 / 3]), tolerance=1e-12) == sp.diag(sp.Rational(1, 10), sp.Rational(1, 3))
    with pytest.raises(sg.InputValueError, match="not Hermitian"):
        interop.observable(np.array([[0, 1], [0, 0]]))
    with pytest.raises(sg.InputValueError, match="power of two"):
        interop.observable(np.eye(3))
    with pytest.raises(sg.InputValueError, match="acts on 1 qubit"):
        interop.observable(np.eye(2), 2)
    with pytest.raises(sg.InputValueError, match="finite"):
        interop.observable(np.diag([np.nan, 1.0]))


def test_dicts_strings_and_sympy():
    assert interop.observable({"ZI": 1, "XX": 0.5}) == sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2)
    assert interop.observable({"ZI": 1, "zi": -1, "XX": sp.Rational(1, 3)}) == sg.ops.pauli("XX") / 3
    assert interop.observable("Z0 + 1/2 X0 X1", 2) == sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2)
    assert interop.observable(sg.ops.SWAP) == sg.ops.SWAP
    with pytest.raises(sg.InputValueError, match="n_qubits"):
        interop.observable("Z0")
    with pytest.raises(sg.InputValueError, match="different lengths"):
        interop.observable({"Z": 1, "XX": 1})
    with pytest.raises(sg.InputTypeError):
        interop.observable(object())


def test_exact_number_rules():
    assert exact_number(3, "c") == 3 and exact_number(np.int64(-2), "c") == -2
    assert exact_number(-0.375, "c") == sp.Rational(-3, 8)
    assert exact_number(2**-32, "c") == sp.Rational(1, 2**32)
    with pytest.raises(sg.InputValueError):
        exact_number(2**-40, "c")   # tiny dyadics are indistinguishable from rounding noise
    assert exact_number(0.1 + 0.2, "c", tolerance=1e-12) == sp.Rational(3, 10)
    with pytest.raises(sg.InputValueError, match="tolerance must"):
        exact_number(0.5, "c", tolerance=-1)
    with pytest.raises(sg.InputTypeError):
        exact_number(True, "c")
    assert exact_number(sp.sqrt(2), "c") == sp.sqrt(2)
    with pytest.raises(sg.InputValueError, match="real"):
        exact_number(1j, "c", real=True)


def test_frameworks_through_one_entry_point():
    qiskit = pytest.importorskip("qiskit")
    qml = pytest.importorskip("pennylane")
    from qiskit.quantum_info import SparsePauliOp

    expected = sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2)
    assert interop.observable(SparsePauliOp.from_list([("IZ", 1), ("XX", 0.5)])) == expected
    assert interop.observable(qml.Z(0) + 0.5 * qml.X(0) @ qml.X(1)) == expected
    assert interop.observable(qml.Z(0), 2) == sg.ops.pauli("ZI")
    assert interop.observable(qml.Z("b"), wires=["a", "b"]) == sg.ops.pauli("IZ")
    del qiskit
