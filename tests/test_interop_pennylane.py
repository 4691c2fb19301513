"""from_pennylane: imported unitaries equal qml.matrix (same big-endian wire order) at random points."""

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg

qml = pytest.importorskip("pennylane")
from pennylane import numpy as pnp  # noqa: E402

from sggd_sym.interop import from_pennylane  # noqa: E402


def qfunc(x):
    """The gates of the Qiskit test, in PennyLane (6 trainable parameters)."""
    qml.RX(x[0], wires=0)
    qml.RY(x[1], wires=1)
    qml.CNOT(wires=[0, 1])
    qml.IsingZZ(x[2], wires=[0, 1])
    qml.PhaseShift(np.pi / 3, wires=1)
    qml.CRX(x[3], wires=[1, 0])
    qml.Hadamard(wires=0); qml.S(wires=1); qml.T(wires=0)
    qml.PauliX(wires=0); qml.PauliY(wires=1); qml.PauliZ(wires=0)
    qml.IsingXX(x[4], wires=[0, 1])
    qml.IsingYY(x[5], wires=[1, 0])
    qml.SWAP(wires=[0, 1]); qml.CZ(wires=[0, 1])


def qfunc_more(x):
    qml.PauliRot(x[0], "XY", wires=[1, 0])
    qml.MultiRZ(x[1], wires=[0, 1])
    qml.CRY(x[2], wires=[0, 1]); qml.CRZ(x[3], wires=[1, 0]); qml.RZ(x[4], wires=1)
    qml.ControlledPhaseShift(x[5], wires=[0, 1])
    qml.Identity(wires=0)


@pytest.mark.parametrize("fn", [qfunc, qfunc_more])
def test_unitary_equals_qml_matrix_at_20_points(fn):
    circuit = from_pennylane(fn, pnp.zeros(6, requires_grad=True))
    assert circuit.parameters == tuple(sp.Symbol(f"theta_{j}", real=True) for j in range(6))
    rng = np.random.default_rng(99)
    worst = 0.0
    for _ in range(20):
        x = rng.uniform(-2 * np.pi, 2 * np.pi, 6)
        worst = max(worst, np.max(np.abs(qml.matrix(fn, wire_order=[0, 1])(x) - circuit.unitary_numeric(x))))
    assert worst < 1e-12


def test_tape_input_names_and_non_trainable_constants():
    with qml.tape.QuantumTape() as tape:
        qml.RY(0.3, wires="a")
        qml.CNOT(wires=["a", "b"])
    circuit = from_pennylane(tape, wires=["b", "a"], names=["phi"])
    assert circuit.parameters == (sp.Symbol("phi", real=True),)
    assert circuit.gates[0].qubits == (1,) and circuit.gates[1].qubits == (1, 0)

    def fn(x):
        qml.RY(pnp.array(np.pi / 4, requires_grad=False), wires=0)
        qml.RX(x, wires=0)
    c = from_pennylane(fn, pnp.array(0.1, requires_grad=True))
    assert c.gates[0].angle == sp.pi / 4 and len(c.parameters) == 1


class Opaque(qml.operation.Operation):
    """An operation PennyLane cannot decompose."""
    num_wires = 1
    num_params = 0


def test_errors():
    def toffoli(x):
        qml.RX(x, wires=0); qml.Toffoli(wires=[0, 1, 2])
    circuit = from_pennylane(toffoli, 0.3)  # decomposed automatically
    assert np.max(np.abs(circuit.unitary_numeric([0.3]) - qml.matrix(toffoli, wire_order=[0, 1, 2])(0.3))) < 1e-12

    def opaque(x):
        qml.RX(x, wires=0); Opaque(wires=1)
    with pytest.raises(sg.InputValueError, match="operation 1 .Opaque.*no decomposition; supported"):
        from_pennylane(opaque, pnp.array(0.1, requires_grad=True))

    def fixed(x):
        qml.RX(pnp.array(0.5, requires_grad=False), wires=0)
    with pytest.raises(sg.InputValueError, match="operation 0 .*rational multiple of pi"):
        from_pennylane(fixed, 0.0)
    with pytest.raises(sg.InputValueError, match="names"):
        from_pennylane(qfunc, pnp.zeros(6, requires_grad=True), names=["a"])

    def odd_wires(x):
        qml.RX(x, wires=5)
    with pytest.raises(sg.InputValueError, match="wires"):
        from_pennylane(odd_wires, pnp.array(0.1, requires_grad=True))
    with pytest.raises(sg.InputTypeError):
        from_pennylane(42)
