"""PennyLane QNodes with templates in one call: parameters in the layout of the weights, observable from
the measurement, and the penalty against an independent numpy computation on ``qml.matrix``."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg

qml = pytest.importorskip("pennylane")
from pennylane import numpy as pnp  # noqa: E402

from sggd_sym import interop  # noqa: E402
from sggd_sym.interop import from_pennylane  # noqa: E402
from sggd_sym.interop.export import pennylane_observable, to_pennylane_penalty  # noqa: E402
from sggd_sym.interop.pennylane import load_pennylane, observable_from_pennylane  # noqa: E402

SWAP = np.eye(4)[[0, 2, 1, 3]]
GROUP = sg.groups.finite([sg.ops.SWAP])
DEV = qml.device("default.qubit", wires=2)
OBS = qml.Z(0) + 0.5 * qml.X(0) @ qml.X(1) - 0.25 * qml.Y(1)


@qml.qnode(DEV)
def strongly_entangling(weights):
    qml.StronglyEntanglingLayers(weights, wires=[0, 1])
    return qml.expval(OBS)


@qml.qnode(DEV)
def basic_entangler(weights):
    qml.BasicEntanglerLayers(weights, wires=[0, 1], rotation=qml.RY)
    return qml.expval(OBS)


@qml.qnode(DEV)
def rot_and_u3(angles):
    qml.Rot(angles[0], angles[1], angles[2], wires=0)
    qml.U3(angles[3], angles[4], angles[5], wires=1)
    qml.CNOT(wires=[1, 0])
    qml.Rot(angles[5], angles[0], angles[3], wires=1)
    return qml.expval(OBS)


CASES = {
    "StronglyEntanglingLayers": (strongly_entangling, qml.StronglyEntanglingLayers.shape(n_layers=2, n_wires=2)),
    "BasicEntanglerLayers": (basic_entangler, (3, 2)),
    "Rot+U3": (rot_and_u3, (6,)),
}


def numpy_penalty(qnode, weights):
    """‖T[Õ] − Õ‖² for G = {I, SWAP} by averaging, from PennyLane's own matrices."""
    U = qml.matrix(qnode, wire_order=[0, 1])(weights)
    Ot = U.conj().T @ qml.matrix(OBS, wire_order=[0, 1]) @ U
    return np.linalg.norm((Ot + SWAP @ Ot @ SWAP) / 2 - Ot) ** 2


@pytest.mark.parametrize("name", list(CASES))
def test_template_penalty_at_the_weights_layout(name):
    qnode, shape = CASES[name]
    rng = np.random.default_rng(abs(hash(name)) % 1000)
    start = rng.uniform(-np.pi, np.pi, shape)                  # plain numpy: trainable by default
    P = interop.penalty(qnode, GROUP, start)                    # one call; observable from the expval
    assert P.parameters == tuple(sp.Symbol(f"theta_{j}", real=True) for j in range(int(np.prod(shape))))
    points = rng.uniform(-np.pi, np.pi, (5,) + tuple(shape))
    ours = P(points.reshape(5, -1))                             # weights flattened in C order
    expected = np.array([numpy_penalty(qnode, w) for w in points])
    assert np.max(np.abs(ours - expected)) < 1e-12
    assert np.ptp(expected) > 1e-3, "the penalty should not be constant here"
    model = load_pennylane(qnode, start)
    assert np.array_equal(model.values(points[0]), points[0].reshape(-1))
    assert model.observable == sg.ops.pauli_sum("Z0 + 1/2 X0 X1 - 1/4 Y1", 2)
    # the exported penalty takes the weight tensor itself, and its autograd gradient is the exact one
    exported = to_pennylane_penalty(P)
    w = pnp.array(points[1], requires_grad=True)
    assert float(exported(w)) == pytest.approx(expected[1], abs=1e-12)
    grad = qml.grad(exported)(w)
    assert grad.shape == tuple(shape)
    assert np.max(np.abs(grad.reshape(-1) - P.gradient(points[1].reshape(-1)))) < 1e-10


@pytest.mark.parametrize("name", list(CASES))
def test_template_unitary_equals_qml_matrix(name):
    qnode, shape = CASES[name]
    circuit = from_pennylane(qnode, np.zeros(shape))
    rng = np.random.default_rng(3)
    for _ in range(5):
        w = rng.uniform(-2 * np.pi, 2 * np.pi, shape)
        reference = qml.matrix(qnode, wire_order=[0, 1])(w)
        assert np.max(np.abs(circuit.unitary_numeric(w.reshape(-1)) - reference)) < 1e-12


def test_layout_follows_arguments_not_gate_order():
    def qfunc(x, y, scale=2):
        qml.RX(2 * x[1] + x[0], wires=0)
        qml.RY(-y / 2 + np.pi / 4, wires=1)
        qml.IsingZZ(x[0], wires=[0, 1])
        qml.RZ(scale * np.pi, wires=0)
        return qml.expval(qml.Z(0))
    c = from_pennylane(qfunc, np.array([0.1, 0.2]), 0.3)
    t0, t1, t2 = c.parameters
    assert [g.angle for g in c.gates] == [t0 + 2 * t1, -t2 / 2 + sp.pi / 4, t0, 2 * sp.pi]
    c = from_pennylane(qfunc, np.array([np.pi / 4, np.pi / 2]), 0.3, trainable=[1], names=["y"])
    assert c.parameters == (sp.Symbol("y", real=True),) and c.gates[1].angle == -c.parameters[0] / 2 + sp.pi / 4
    with pytest.raises(sg.InputValueError, match="rational multiple of pi"):
        from_pennylane(qfunc, np.array([0.1, 0.2]), 0.3, trainable=[1])   # x fixed at 0.1, 0.2

    def nonlinear(x):
        qml.RX(np.sin(x[0]), wires=0)
    with pytest.raises(sg.InputValueError, match="operation 0 .*not an affine function"):
        from_pennylane(nonlinear, np.array([0.4]))


def test_trainable_argument_kinds():
    def qfunc(x):
        qml.RY(x[0], wires=0); qml.RX(x[1], wires=0)
    for value in (np.array([0.1, 0.2]), pnp.array([0.1, 0.2]), [0.1, 0.2]):
        trainable = None if not isinstance(value, list) else [0]
        assert len(from_pennylane(qfunc, value, trainable=trainable).parameters) == 2
    with pytest.raises(sg.InputValueError, match="rational multiple of pi"):
        from_pennylane(qfunc, pnp.array([0.1, 0.2], requires_grad=False))
    c = from_pennylane(qfunc, pnp.array([np.pi / 2, -np.pi], requires_grad=False))
    assert [g.angle for g in c.gates] == [sp.pi / 2, -sp.pi] and c.parameters == ()


def test_jax_arguments_are_trainable():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    weights = jax.numpy.array(np.random.default_rng(1).uniform(-1, 1, (2, 2)))
    P = interop.penalty(basic_entangler, GROUP, weights)
    assert len(P.parameters) == 4
    assert P(np.asarray(weights).reshape(-1)) == pytest.approx(numpy_penalty(basic_entangler, np.asarray(weights)),
                                                              abs=1e-12)
    exported = to_pennylane_penalty(P, "jax")
    g = jax.grad(exported)(weights)
    assert g.shape == (2, 2)
    assert np.max(np.abs(np.asarray(g).reshape(-1) - P.gradient(np.asarray(weights).reshape(-1)))) < 1e-10


def test_qnode_measurement_and_wires():
    dev = qml.device("default.qubit", wires=["a", "b"])

    @qml.qnode(dev)
    def labelled(x):
        qml.RY(x, wires="b")
        return qml.expval(qml.X("a") @ qml.Z("b"))
    model = load_pennylane(labelled, 0.2)                      # device wires give the order
    assert model.circuit.n_qubits == 2 and model.circuit.gates[0].qubits == (1,)
    assert model.observable == sg.ops.pauli("XZ")
    relabelled = interop.load(labelled, 0.2, observable=qml.Z("b") + qml.X("a"))  # observable on the same wires
    assert relabelled.observable == sg.ops.pauli("IZ") + sg.ops.pauli("XI")
    assert relabelled.wires == ("a", "b")

    @qml.qnode(DEV)
    def probs(x):
        qml.RY(x, wires=0)
        return qml.probs(wires=[0])
    with pytest.raises(sg.InputValueError, match="not qml.expval"):
        load_pennylane(probs, 0.2).observable
    P = interop.penalty(probs, GROUP, 0.2, observable=qml.Z(0))
    assert P.expr == 2  # ‖(SÕS − Õ)/2‖² with Õ = cos x Z⊗I + sin x X⊗I

    @qml.qnode(DEV)
    def inexact(x):
        qml.RY(x, wires=0)
        return qml.expval(0.1 * qml.Z(0))
    with pytest.raises(sg.InputValueError, match="cannot be converted exactly.*tolerance"):
        load_pennylane(inexact, 0.2).observable
    assert load_pennylane(inexact, 0.2, tolerance=1e-12).observable == sg.ops.pauli("ZI") / 10


def test_observables_from_pennylane_exactly():
    assert observable_from_pennylane(qml.Z(0)) == sg.ops.pauli("Z")
    assert observable_from_pennylane(qml.Z(1)) == sg.ops.pauli("IZ")
    H = qml.Hamiltonian([1, 0.5, -0.75], [qml.Z(0), qml.X(0) @ qml.X(1), qml.Identity(0)])
    assert observable_from_pennylane(H) == sg.ops.pauli_sum("Z0 + 1/2 X0 X1 - 3/4", 2)
    assert observable_from_pennylane(qml.sum(qml.s_prod(2, qml.Y(0)), qml.prod(qml.Y(0), qml.Y(0)))) == \
        2 * sg.ops.pauli("Y") + sg.ops.pauli("I")
    herm = qml.Hermitian(np.array([[2, 1j], [-1j, 0]]), wires=1)
    assert observable_from_pennylane(herm, wires=[0, 1]) == sp.kronecker_product(
        sp.eye(2), sp.Matrix([[2, sp.I], [-sp.I, 0]]))
    assert interop.observable(qml.Z(0), 2) == sg.ops.pauli("ZI")
    with pytest.raises(sg.InputValueError, match="not exactly a simple rational"):
        observable_from_pennylane(qml.s_prod(1 / 3, qml.Z(0)))
    assert observable_from_pennylane(qml.s_prod(1 / 3, qml.Z(0)), tolerance=1e-12) == sg.ops.pauli("Z") / 3
    with pytest.raises(sg.InputTypeError):
        observable_from_pennylane("Z0")


def test_pennylane_observable_export_is_exact_and_differentiable():
    op = pennylane_observable({"ZI": sp.Rational(1, 3), "XX": 2})
    assert [o.scalar for o in op.operands] == [Fraction(2), Fraction(1, 3)]  # sorted by word: XX, ZI
    assert observable_from_pennylane(op) == sg.ops.pauli_sum("1/3 Z0 + 2 X0 X1", 2)
    # the twirled cost (Eq. 7) trained in PennyLane: d/dθ ⟨ψ|T_G[Õ(θ)]|ψ⟩ under autograd
    twirled = interop.twirled_observable(basic_entangler, GROUP, np.zeros((3, 2)))
    psi_angles = [0.4, -1.3]

    @qml.qnode(DEV)
    def twirled_cost(theta):
        qml.RY(psi_angles[0], wires=0); qml.RY(psi_angles[1], wires=1); qml.CNOT(wires=[0, 1])
        return qml.expval(pennylane_observable(twirled, theta))
    theta = pnp.array(np.random.default_rng(4).uniform(-1, 1, 6), requires_grad=True)
    grad = qml.grad(twirled_cost)(theta)
    h = 1e-6
    for j in range(6):
        e = np.zeros(6); e[j] = h
        fd = (twirled_cost(pnp.array(theta + e)) - twirled_cost(pnp.array(theta - e))) / (2 * h)
        assert grad[j] == pytest.approx(float(fd), abs=1e-7)
    assert np.max(np.abs(grad)) > 1e-3
