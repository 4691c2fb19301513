"""The README's interop examples and circuit-JSON example are executed here, so they cannot drift: the
PennyLane penalty must not be constant, the Qiskit Estimator value must equal an independent numpy
computation, the printed figures quoted in the comments must be what the code prints."""

import contextlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

import sggd_sym as sg

README = Path(__file__).resolve().parent.parent / "README.md"


def block(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"<!-- readme-test: {re.escape(name)} -->\s*```(?:python|json)\n(.*?)```", text, re.S)
    assert match, f"README block {name!r} not found"
    return match.group(1)


def run(code: str) -> tuple[dict, str]:
    namespace: dict = {"__name__": "readme_example"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), namespace)  # noqa: S102 - our own README
    return namespace, out.getvalue()


def quoted(code: str, start: str) -> float:
    """The number quoted in the comment of the line starting with ``start``."""
    line = next(l for l in code.splitlines() if l.startswith(start))
    return float(re.search(r"#.*?(-?\d+\.\d+)", line).group(1))


def test_pennylane_example_penalty_is_not_constant():
    pytest.importorskip("pennylane")
    code = block("pennylane")
    ns, printed = run(code)
    P, penalty, model = ns["P"], ns["penalty"], ns["model"]
    assert P.expr.free_symbols, "the README's penalty must depend on the parameters"
    values = P(np.random.default_rng(0).uniform(-np.pi, np.pi, (50, len(P.parameters))))
    assert np.ptp(values) > 0.5
    assert np.linalg.norm(P.gradient(ns["weights"].ravel())) > 0.1
    lines = printed.splitlines()
    assert float(lines[1]) == pytest.approx(P(ns["weights"].ravel()))
    assert float(lines[1]) == pytest.approx(quoted(code, "print(P(weights.ravel()))"), abs=1e-4)
    final_model, final_penalty = map(float, lines[2].split())
    assert final_model == pytest.approx(-0.25, abs=1e-3) and final_penalty == pytest.approx(0.125, abs=1e-3)
    start = float(model(ns["weights"])) + P(ns["weights"].ravel())
    assert final_model + final_penalty < start - 0.5
    assert float(penalty(ns["w"])) == pytest.approx(P(np.asarray(ns["w"]).ravel()), abs=1e-12)


def test_qiskit_example_matches_numpy():
    pytest.importorskip("qiskit")
    from qiskit.quantum_info import Operator, Statevector

    code = block("qiskit")
    ns, printed = run(code)
    qc, x, state, H = ns["qc"], ns["x"], ns["state"], ns["H"]
    U = Operator(qc.assign_parameters(x)).data
    Ot = U.conj().T @ H.to_matrix() @ U
    swap = np.eye(4)[[0, 2, 1, 3]]
    psi = Statevector(state).data
    expected_ev = np.real(psi.conj() @ ((Ot + swap @ Ot @ swap) / 2) @ psi)
    expected_p = np.linalg.norm((Ot + swap @ Ot @ swap) / 2 - Ot) ** 2
    lines = printed.splitlines()
    p1, p2 = map(float, lines[0].split())
    assert p1 == pytest.approx(expected_p, abs=1e-12) and p2 == pytest.approx(expected_p, abs=1e-12)
    assert float(lines[1]) == pytest.approx(expected_ev, abs=1e-12)
    assert p1 == pytest.approx(quoted(code, "print(P(x), "), abs=1e-4)
    assert float(lines[1]) == pytest.approx(quoted(code, "print(StatevectorEstimator()"), abs=1e-4)


def test_circuit_json_example_loads():
    from sggd_sym.interop.circuit_json import load_problem

    spec = json.loads(block("circuit-json"))
    problem = load_problem(spec)
    assert [p.name for p in problem.circuit.parameters] == ["a", "b"]
    assert len(problem.circuit.gates) == 5
    assert problem.observable == sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2)
    P = sg.penalty(problem.circuit, problem.observable, problem.group)
    assert P.expr.free_symbols
