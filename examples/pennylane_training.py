"""Train a PennyLane QNode with ``cost + λ·penalty`` (SGGD, Eq. 6) and compare with native sggd_sym training.

The QNode is a small hardware-efficient 2-qubit circuit; the cost is ``⟨00|U†(θ) O U(θ)|00⟩`` with
``O = Z0 + 1/2 X0 X1``; the symmetry is the qubit swap.  The circuit is imported with
``sggd_sym.interop.from_pennylane``, the exact penalty is derived once and exported with
``to_pennylane_penalty``; PennyLane's autograd then trains ``cost + λ·penalty`` by plain gradient descent.
The same descent with the package's own exact gradients (cost and penalty as ``DerivedFunction`` s) from
the same start reaches the same parameters and cost.

Run: ``python examples/pennylane_training.py [--steps 100] [--lr 0.1] [--lam 0.5]``
(needs ``pip install sggd_sym[pennylane]``).
"""

from __future__ import annotations

import argparse

import numpy as np
import pennylane as qml
from pennylane import numpy as pnp

import sggd_sym as sg
from sggd_sym.interop import from_pennylane
from sggd_sym.interop.export import to_pennylane_penalty

OBSERVABLE = "Z0 + 1/2 X0 X1"
LAYERS = 2


def ansatz(theta):
    """Hardware-efficient: per layer RY, RZ on each qubit then CNOT(0, 1)."""
    k = 0
    for _ in range(LAYERS):
        for wire in (0, 1):
            qml.RY(theta[k], wires=wire)
            qml.RZ(theta[k + 1], wires=wire)
            k += 2
        qml.CNOT(wires=[0, 1])


def expectation_cost(twirled) -> sg.DerivedFunction:
    """``⟨00|Õ(θ)|00⟩ = Σ_{P ∈ {I,Z}^n} a_P(θ)`` from the exact Heisenberg coefficients (Eq. 1)."""
    heis = twirled.heisenberg
    trig = heis.trig
    poly = sum((q for w, q in heis.terms.items() if set(w) <= {"I", "Z"}), trig.ring.zero)
    compiled = trig.compile([poly])

    def evaluate(theta):
        y, jac = compiled.values_and_jacobian(theta)
        return y[:, 0], jac[:, 0, :]

    return sg.DerivedFunction(trig.parameters, evaluate, lambda: trig.to_expr(poly), name="cost")


def train(steps: int = 100, lr: float = 0.1, lam: float = 0.5, seed: int = 7) -> dict:
    """Plain gradient descent twice from the same start; returns both final parameters and costs."""
    n_params = 4 * LAYERS
    start = np.random.default_rng(seed).uniform(-np.pi, np.pi, n_params)
    circuit = from_pennylane(ansatz, pnp.array(start, requires_grad=True))
    observable = sg.ops.pauli_sum(OBSERVABLE, 2)
    twirled = sg.twirled_observable(circuit, observable, sg.groups.finite([sg.ops.SWAP]))
    penalty = sg.penalties.penalty_from(twirled)

    device = qml.device("default.qubit", wires=2)
    pl_observable = qml.Z(0) + 0.5 * qml.X(0) @ qml.X(1)

    @qml.qnode(device, interface="autograd")
    def qnode(theta):
        ansatz(theta)
        return qml.expval(pl_observable)

    pl_penalty = to_pennylane_penalty(penalty, "autograd")

    def total(theta):
        return qnode(theta) + lam * pl_penalty(theta)

    grad = qml.grad(total)
    theta = pnp.array(start, requires_grad=True)
    for _ in range(steps):
        theta = theta - lr * grad(theta)

    native_total = expectation_cost(twirled) + penalty.scaled(lam)
    native = start.copy()
    for _ in range(steps):
        native = native - lr * native_total.gradient(native)

    return {"pennylane_theta": np.asarray(theta), "native_theta": native,
            "pennylane_objective": float(total(theta)), "native_objective": native_total(native),
            "pennylane_penalty": float(pl_penalty(theta)), "native_penalty": penalty(native),
            "start_objective": native_total(start)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--lam", type=float, default=0.5)
    args = parser.parse_args(argv)
    r = train(args.steps, args.lr, args.lam)
    print(f"objective cost + λ·penalty: start {r['start_objective']:.6f}")
    print(f"  PennyLane (autograd) : {r['pennylane_objective']:.12f}  penalty {r['pennylane_penalty']:.3e}")
    print(f"  sggd_sym (native)    : {r['native_objective']:.12f}  penalty {r['native_penalty']:.3e}")
    print(f"max |θ_PennyLane − θ_native| = {np.max(np.abs(r['pennylane_theta'] - r['native_theta'])):.2e}")


if __name__ == "__main__":
    main()
