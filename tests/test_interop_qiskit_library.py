"""Qiskit library circuits in one call, parameters in ``qc.parameters`` order, observables from
``SparsePauliOp`` exactly, and the twirled observable back to Qiskit: penalty and twirled expectation
against independent numpy computations on Qiskit's own ``Operator``/``Statevector``/``StatevectorEstimator``."""

import warnings

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg

qiskit = pytest.importorskip("qiskit")
from qiskit.circuit import Parameter, ParameterVector  # noqa: E402
from qiskit.quantum_info import Operator, Pauli, SparsePauliOp, Statevector  # noqa: E402

from sggd_sym.interop import from_qiskit, parameter_values  # noqa: E402
from sggd_sym.interop.qiskit import observable_from_qiskit, pauli_terms_from_qiskit, to_sparse_pauli_op  # noqa: E402

SWAP = np.eye(4)[[0, 2, 1, 3]]
OBSERVABLE = SparsePauliOp.from_list([("IZ", 1.0), ("XX", 0.5), ("ZY", -0.25)])


def library_circuits():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the classes are deprecated in favour of functions
        from qiskit.circuit.library import EfficientSU2, RealAmplitudes, TwoLocal, efficient_su2, real_amplitudes

        return {
            "EfficientSU2": EfficientSU2(2, reps=2),
            "RealAmplitudes": RealAmplitudes(2, reps=3),
            "TwoLocal": TwoLocal(2, ["ry", "rx"], "cz", reps=2),
            "TwoLocal-rzz": TwoLocal(2, "ry", "rzz", reps=1),
            "efficient_su2": efficient_su2(2, reps=1),
            "real_amplitudes": real_amplitudes(2, reps=1, entanglement="full"),
        }


def numpy_penalty(qc, values, observable):
    """``‖T[Õ] − Õ‖²`` for ``G = {I, SWAP}`` by averaging, in Qiskit's own (little-endian) convention."""
    U = Operator(qc.assign_parameters(values)).data
    Ot = U.conj().T @ observable.to_matrix() @ U
    return np.linalg.norm((Ot + SWAP @ Ot @ SWAP) / 2 - Ot) ** 2


@pytest.mark.parametrize("name", list(library_circuits()))
def test_library_circuit_penalty_at_qiskit_layout(name):
    qc = library_circuits()[name]
    circuit = from_qiskit(qc)                                   # one call, no .decompose() by hand
    assert [p.name for p in circuit.parameters] == [p.name for p in qc.parameters]
    P = sg.penalty(circuit, observable_from_qiskit(OBSERVABLE), sg.groups.finite([sg.ops.SWAP]))
    assert P.parameters == circuit.parameters
    rng = np.random.default_rng(len(name))
    values = rng.uniform(-np.pi, np.pi, (6, qc.num_parameters))
    expected = np.array([numpy_penalty(qc, x, OBSERVABLE) for x in values])
    assert np.max(np.abs(P(values) - expected)) < 1e-12
    assert np.ptp(expected) > 1e-3, "the penalty should not be constant here"
    # the same through a name -> value mapping, as assign_parameters takes it
    mapping = dict(zip(qc.parameters, values[0]))
    assert P(parameter_values(P.parameters, mapping)) == pytest.approx(expected[0], abs=1e-12)


def test_parameter_order_follows_qc_parameters_not_first_use():
    b, a = Parameter("b"), Parameter("a")
    qc = qiskit.QuantumCircuit(2)
    qc.ry(b, 0); qc.rz(a, 1); qc.cx(0, 1)
    circuit = from_qiskit(qc)
    assert [p.name for p in circuit.parameters] == ["a", "b"] == [p.name for p in qc.parameters]
    x = [0.3, -1.2]
    assert np.max(np.abs(circuit.unitary_numeric(x) - Operator(qc.assign_parameters(x)).reverse_qargs().data)) < 1e-12
    v = ParameterVector("w", 11)  # ParameterVector elements sort by index (w[2] before w[10])
    qc = qiskit.QuantumCircuit(1)
    for e in reversed(list(v)):
        qc.rx(e, 0)
    assert [p.name for p in from_qiskit(qc).parameters] == [f"w[{j}]" for j in range(11)]
    assert parameter_values(from_qiskit(qc).parameters, {v: np.arange(11.0)}).tolist() == list(range(11))


def test_sparse_pauli_op_converts_exactly():
    terms = pauli_terms_from_qiskit(SparsePauliOp.from_list([("XZ", 3), ("XZ", 0.25), ("IY", -0.5), ("ZZ", 0)]))
    assert terms == {"ZX": sp.Rational(13, 4), "YI": sp.Rational(-1, 2)}
    assert all(isinstance(c, sp.Rational) for c in terms.values())
    assert observable_from_qiskit(Pauli("XY")) == sg.ops.pauli("YX")
    assert observable_from_qiskit(Pauli("-ZI")) == -sg.ops.pauli("IZ")
    assert observable_from_qiskit(Operator(Pauli("ZX"))) == sg.ops.pauli("XZ")
    assert observable_from_qiskit(SparsePauliOp.from_list([("Z", 0.1)]), tolerance=1e-12) == sp.Rational(1, 10) * sg.ops.pauli("Z")
    with pytest.raises(sg.InputValueError, match="not exactly a simple rational.*tolerance="):
        observable_from_qiskit(SparsePauliOp.from_list([("Z", 0.1)]))
    with pytest.raises(sg.InputValueError, match="not exactly a simple rational"):
        observable_from_qiskit(SparsePauliOp.from_list([("Z", 1 / 3)]))
    with pytest.raises(sg.InputValueError, match="no rational"):
        observable_from_qiskit(SparsePauliOp.from_list([("Z", np.sqrt(2))]), tolerance=1e-12)
    with pytest.raises(sg.InputValueError, match="not real"):
        observable_from_qiskit(SparsePauliOp.from_list([("Z", 1j)]))
    with pytest.raises(sg.InputValueError, match="parameterised"):
        observable_from_qiskit(SparsePauliOp(["Z"], coeffs=np.array([Parameter("c")], dtype=object)))
    with pytest.raises(sg.InputTypeError):
        observable_from_qiskit("Z0")
    if hasattr(qiskit.quantum_info, "SparseObservable"):
        so = qiskit.quantum_info.SparseObservable.from_list([("XZ", 0.5)])
        assert observable_from_qiskit(so) == sg.ops.pauli("ZX") / 2


def test_export_to_sparse_pauli_op_keeps_dyadic_coefficients():
    spo = to_sparse_pauli_op({"ZX": sp.Rational(3, 4), "II": 2})
    assert spo == SparsePauliOp(["XZ", "II"], coeffs=[0.75, 2.0]) or \
        sorted(zip(spo.paulis.to_labels(), spo.coeffs)) == [("II", 2), ("XZ", 0.75)]
    assert observable_from_qiskit(spo) == sp.Rational(3, 4) * sg.ops.pauli("ZX") + 2 * sg.ops.pauli("II")
    m = sg.ops.pauli_sum("1/2 Z0 + X0 Y1", 2)
    assert observable_from_qiskit(to_sparse_pauli_op(m)) == m


def test_round_trip_twirled_observable_through_statevector_estimator():
    """Qiskit circuit → sggd_sym → SparsePauliOp of T_G[Õ(θ)] → StatevectorEstimator reproduces
    Tr[T_G[Õ(θ)] ρ] computed independently with numpy (Qiskit's Operator and Statevector)."""
    from qiskit.primitives import StatevectorEstimator

    qc = library_circuits()["EfficientSU2"]
    twirled = sg.twirled_observable(from_qiskit(qc), observable_from_qiskit(OBSERVABLE), sg.groups.finite([sg.ops.SWAP]))
    rng = np.random.default_rng(2024)
    estimator = StatevectorEstimator()
    worst, spread = 0.0, []
    for _ in range(5):
        theta = rng.uniform(-np.pi, np.pi, qc.num_parameters)
        x = rng.uniform(-np.pi, np.pi, 4)
        prep = qiskit.QuantumCircuit(2)
        prep.ry(x[0], 0); prep.ry(x[1], 1); prep.cx(0, 1); prep.rx(x[2], 0); prep.rz(x[3], 1)
        observable = to_sparse_pauli_op(twirled, theta)
        measured = float(estimator.run([(prep, observable)]).result()[0].data.evs)
        U = Operator(qc.assign_parameters(theta)).data
        Ot = U.conj().T @ OBSERVABLE.to_matrix() @ U
        psi = Statevector(prep).data
        expected = np.real(psi.conj() @ ((Ot + SWAP @ Ot @ SWAP) / 2) @ psi)
        worst = max(worst, abs(measured - expected))
        spread.append(abs(expected - np.real(psi.conj() @ Ot @ psi)))
    assert worst < 1e-12
    assert max(spread) > 1e-3, "the twirl should change the expectation for these states"
    with pytest.raises(sg.InputValueError, match="depend on"):
        to_sparse_pauli_op(twirled)
    with pytest.raises(sg.InputValueError, match="expected 12 values"):
        to_sparse_pauli_op(twirled, [0.1])
