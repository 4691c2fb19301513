"""from_qiskit: imported unitaries equal Qiskit's Operator (little-endian reversed) at random points."""

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg

qiskit = pytest.importorskip("qiskit")
from qiskit.circuit import Parameter  # noqa: E402
from qiskit.quantum_info import Operator  # noqa: E402

from sggd_sym.interop import from_qiskit  # noqa: E402


def six_parameter_circuit():
    a, b, c, d, e, f = params = [Parameter(n) for n in "abcdef"]
    qc = qiskit.QuantumCircuit(2)
    qc.rx(2 * a + np.pi / 4, 0)
    qc.ry(b, 1)
    qc.cx(0, 1)
    qc.rzz(c, 0, 1)
    qc.p(np.pi / 3, 1)
    qc.crx(d / 2, 1, 0)
    qc.h(0); qc.s(1); qc.sdg(0); qc.t(1); qc.x(0); qc.y(1); qc.z(0)
    qc.rxx(e, 0, 1)
    qc.ryy(f - np.pi, 1, 0)
    qc.cry(a, 0, 1); qc.crz(b, 1, 0); qc.rz(c, 1)
    qc.cp(d, 0, 1)
    qc.u(e, f, np.pi / 8, 1)
    qc.rzx(a, 0, 1)
    qc.sx(0); qc.tdg(1); qc.swap(0, 1); qc.cz(0, 1)
    qc.barrier(); qc.id(0)
    qc.global_phase = np.pi / 5
    return qc, params


def test_unitary_equals_qiskit_operator_at_20_points():
    qc, params = six_parameter_circuit()
    circuit = from_qiskit(qc)
    assert [str(p) for p in circuit.parameters] == ["a", "b", "c", "d", "e", "f"]
    by_name = {p.name: p for p in params}
    rng = np.random.default_rng(1234)
    worst = 0.0
    for _ in range(20):
        values = rng.uniform(-2 * np.pi, 2 * np.pi, 6)
        bound = qc.assign_parameters(dict(zip(params, values)))
        reference = Operator(bound).reverse_qargs().data
        ours = circuit.unitary_numeric([dict(zip("abcdef", values))[str(s)] for s in circuit.parameters])
        worst = max(worst, np.max(np.abs(reference - ours)))
    assert worst < 1e-12
    assert set(by_name) == {str(p) for p in circuit.parameters}


def test_parameter_expressions_stay_exact():
    a = Parameter("a")
    qc = qiskit.QuantumCircuit(1)
    qc.rx(2 * a + np.pi / 4, 0)
    qc.ry(a / 2 - 3 * np.pi / 2, 0)
    circuit = from_qiskit(qc)
    t = sp.Symbol("a", real=True)
    assert circuit.gates[0].angle == 2 * t + sp.pi / 4
    assert circuit.gates[1].angle == t / 2 - sp.Rational(3, 2) * sp.pi
    assert not any(g.angle.has(sp.Float) for g in circuit.gates)


def test_heisenberg_of_imported_circuit_matches_qiskit_expectation():
    a, b = Parameter("a"), Parameter("b")
    qc = qiskit.QuantumCircuit(2)
    qc.ry(a, 0); qc.cx(0, 1); qc.rzz(b, 0, 1); qc.h(1)
    P = sg.penalty(from_qiskit(qc), sg.ops.pauli("ZI"), sg.groups.finite([sg.ops.SWAP]))
    values = np.array([0.3, -1.1])
    U = Operator(qc.assign_parameters(dict(zip([a, b], values)))).reverse_qargs().data
    Ot = U.conj().T @ np.diag([1.0, 1, -1, -1]) @ U
    swap = np.eye(4)[[0, 2, 1, 3]]
    expected = np.linalg.norm((Ot + swap @ Ot @ swap) / 2 - Ot) ** 2
    assert P(values) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("build, message", [
    (lambda qc: qc.rx(0.5, 0), "not a rational multiple of pi"),
    (lambda qc: qc.rx(Parameter("a") * Parameter("b"), 0), "not linear"),
    (lambda qc: qc.rx(Parameter("a") * 0.1234567891, 0), "not a simple rational"),
])
def test_errors_name_the_gate(build, message):
    qc = qiskit.QuantumCircuit(3)
    build(qc)
    with pytest.raises(sg.InputValueError, match=message) as info:
        from_qiskit(qc)
    assert "gate 0" in str(info.value)


def test_gate_without_definition_lists_supported_ones():
    qc = qiskit.QuantumCircuit(3)
    qc.append(qiskit.circuit.Gate("opaque", 2, []), [0, 1])
    with pytest.raises(sg.InputValueError, match="gate 0 .*opaque.*no definition.*supported Qiskit gates: .*rzz"):
        from_qiskit(qc)
    qc = qiskit.QuantumCircuit(3)
    qc.ccx(0, 1, 2)
    with pytest.raises(sg.InputValueError, match="ccx.*not supported"):
        from_qiskit(qc, decompose=False)


def test_unsupported_gates_are_decomposed_exactly():
    """ccx, iswap, r, ch, cy, ecr are decomposed through their Qiskit definitions; the unitary stays exact."""
    a = Parameter("a")
    qc = qiskit.QuantumCircuit(3)
    qc.ccx(0, 1, 2); qc.iswap(0, 2); qc.r(a, np.pi / 4, 1); qc.ch(1, 0); qc.cy(2, 1); qc.ecr(0, 1)
    circuit = from_qiskit(qc)
    assert circuit.parameters == (sp.Symbol("a", real=True),)
    assert not any(g.angle is not None and g.angle.has(sp.Float) for g in circuit.gates)
    for value in (0.0, 0.7, -2.1):
        reference = Operator(qc.assign_parameters([value])).reverse_qargs().data
        assert np.max(np.abs(circuit.unitary_numeric([value]) - reference)) < 1e-12
def test_rejects_non_circuit_and_measurements():
    with pytest.raises(sg.InputTypeError):
        from_qiskit("not a circuit")
    qc = qiskit.QuantumCircuit(1, 1)
    qc.h(0); qc.measure(0, 0)
    with pytest.raises(sg.InputValueError, match="measurements"):
        from_qiskit(qc)
