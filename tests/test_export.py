"""Exported penalty: value and gradient under PennyLane autograd / JAX equal the package's own."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import sggd_sym as sg

qml = pytest.importorskip("pennylane")
from pennylane import numpy as pnp  # noqa: E402

from sggd_sym.interop.export import pennylane_observable, to_pennylane_penalty, twirled_pauli_terms  # noqa: E402


@pytest.fixture(scope="module")
def derived():
    circuit = sg.circuits.hardware_efficient(2, 2)
    twirled = sg.twirled_observable(circuit, sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2), sg.groups.finite([sg.ops.SWAP]))
    return twirled, sg.penalties.penalty_from(twirled)


@pytest.mark.parametrize("method", ["lambdify", "primitive"])
def test_autograd_gradient_equals_package_gradient(derived, method):
    _, P = derived
    f = to_pennylane_penalty(P, "autograd", method=method)
    rng = np.random.default_rng(5)
    for _ in range(10):
        x = rng.uniform(-np.pi, np.pi, len(P.parameters))
        assert float(f(pnp.array(x))) == pytest.approx(P(x), abs=1e-12)
        grad = qml.grad(f)(pnp.array(x, requires_grad=True))
        assert np.max(np.abs(grad - P.gradient(x))) < 1e-10


def test_jax_gradient_equals_package_gradient(derived):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    _, P = derived
    f = to_pennylane_penalty(P, "jax")
    x = np.random.default_rng(6).uniform(-np.pi, np.pi, len(P.parameters))
    assert np.max(np.abs(np.asarray(jax.grad(f)(jax.numpy.array(x))) - P.gradient(x))) < 1e-10
    assert float(jax.jit(f)(jax.numpy.array(x))) == pytest.approx(P(x), abs=1e-12)


def test_twirled_pauli_terms_and_pennylane_observable(derived):
    twirled, _ = derived
    x = np.random.default_rng(7).uniform(-np.pi, np.pi, len(twirled.parameters))
    subs = dict(zip(twirled.parameters, x))
    exact = np.array(twirled.twirled_matrix().subs(subs).evalf(), dtype=complex)
    from_terms = sum(complex(c.subs(subs)) * np.array(sg.ops.pauli(w), dtype=complex)
                     for c, w in twirled_pauli_terms(twirled))
    assert np.max(np.abs(from_terms - exact)) < 1e-12
    op = pennylane_observable(twirled, x)
    assert np.max(np.abs(qml.matrix(op, wire_order=[0, 1]) - exact)) < 1e-12


def test_errors(derived):
    twirled, P = derived
    with pytest.raises(sg.InputValueError, match="interface"):
        to_pennylane_penalty(P, "torch")
    with pytest.raises(sg.InputTypeError):
        to_pennylane_penalty(lambda x: x)
    with pytest.raises(sg.InputValueError, match="primitive"):
        to_pennylane_penalty(P, "jax", method="primitive")
    with pytest.raises(sg.InputValueError, match="expected"):
        pennylane_observable(twirled, [0.1])


def test_example_training_agrees_with_native():
    path = Path(__file__).resolve().parent.parent / "examples" / "pennylane_training.py"
    spec = importlib.util.spec_from_file_location("pennylane_training_example", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    result = module.train(steps=15, lr=0.1, lam=0.5)
    assert np.max(np.abs(result["pennylane_theta"] - result["native_theta"])) < 1e-9
    assert result["pennylane_objective"] == pytest.approx(result["native_objective"], abs=1e-10)
    assert result["native_objective"] < result["start_objective"]
