"""Hostile input (issue 13, SPEC §6): a battery of bad inputs, each run with a time limit in a subprocess.

Every case is a few lines of Python executed by the runner at the bottom of this file (``python
tests/test_hostile_input.py RUN cases.json results.json``), several cases per process; a timer interrupts a
case past its limit and the process has a memory cap.  Each case asserts

* the error type (one of :mod:`sggd_sym.exceptions`, so no raw traceback from SymPy/numpy/the standard
  library) and a fragment of its message, or — for ``ok`` cases — that the right result comes back;
* that it finishes within its time limit (no hang);
* that the marker file the payload ``PAY`` would create when evaluated as code does not exist (no text is
  evaluated).

CLI cases call ``sggd_sym.cli.main`` in the runner process (``cli(...)``: exit status 2, exactly one line on
stderr, no traceback) or as a real ``python -m sggd_sym.cli`` process (``proc(...)``).  Cases whose fix lies
in the scale work are ``xfail(strict=True)`` and say what is missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
ERRORS = ("InputValueError", "InputTypeError", "GroupTooLargeError", "DerivationBudgetError")


@dataclass
class Case:
    id: str
    code: str
    expect: str  # an error class name, "cli" (the CLI refused with exit 2 and one line), or "ok"
    match: tuple = ()
    limit: float = 10.0
    xfail: str | None = None
    batch: str | None = None
    extra: dict = field(default_factory=dict)


CASES: list[Case] = []


def case(id, code, expect, *match, limit=10.0, xfail=None, batch=None):
    CASES.append(Case(id, code, expect, tuple(match), limit, xfail, batch))


V, T = "InputValueError", "InputTypeError"
B, G = "DerivationBudgetError", "GroupTooLargeError"
SCALE = "owned by scale work: "

# == 1. text is never evaluated (Python API) ==========================================================
M = "[[PAY, 1], [1, 0]]"
case("finite-nested-list-string", f"sg.groups.finite([{M}])", T, "string", "never evaluated")
case("finite-tuple-string", "sg.groups.finite([((PAY, 1), (1, 0))])", T, "string")
case("finite-second-generator-string", f"sg.groups.finite([sg.ops.X, {M}])", T, "generators[1]")
case("finite-bare-string", "sg.groups.finite([PAY])", T, "expected a square sympy Matrix")
case("finite-numpy-object-string", f"sg.groups.finite([np.array({M}, dtype=object)])", T, "string")
case("finite-numpy-str-dtype", "sg.groups.finite([np.array([['0', '1'], ['1', '0']])])", T, "dtype")
case("lie-discrete-string", f"sg.groups.lie([sg.ops.Z], discrete=[{M}])", T, "discrete[0]")
case("lie-second-hamiltonian-string", f"sg.groups.lie([sg.ops.Z, {M}])", T, "hamiltonians[1]")
case("lie-first-hamiltonian-string", f"sg.groups.lie([{M}])", T, "lie", "expected")
case("penalty-observable-string-matrix", f"sg.penalty(sg.Circuit(1).ry(t, 0), [[PAY, 0], [0, 1]], "
     "sg.groups.finite([sg.ops.X]))", T, "string")
case("penalty-observable-text", "sg.penalty(sg.Circuit(1).ry(t, 0), PAY, sg.groups.finite([sg.ops.X]))",
     V, "observable")
case("twirled-observable-string", f"sg.twirled_observable(sg.Circuit(1).ry(t, 0), {M}, "
     "sg.groups.finite([sg.ops.Z]))", T, "string")
case("heisenberg-observable-string", f"sg.heisenberg_observable(sg.Circuit(1).ry(t, 0), {M})", T, "string")
case("unitary-string-entry", f"sg.Circuit(1).append_unitary({M}, [0])", T, "string")
case("unitary-numpy-object-string", f"sg.Circuit(1).append_unitary(np.array({M}, dtype=object), [0])", T, "string")
case("exp-coefficient-payload", "sg.Circuit(1).exp(t, {'X': PAY})", T, "coefficient of X", "string")
case("exp-coefficient-benign-text", "sg.Circuit(1).exp(t, {'X': '1/2'})", T, "string")
case("power-coefficients-payload", "sg.postprocess.power_coefficients([PAY, 1])", T, "coefficients[0]")
case("power-coefficients-text", "sg.postprocess.power_coefficients('12')", T, "coefficients")
case("power-coefficients-t0-text", "sg.postprocess.power_coefficients([1, 2], t0=PAY)", T, "t0")
case("angle-payload", "sg.Circuit(1).ry(PAY, 0)", T, "angle")
case("angle-text-symbol", "sg.Circuit(1).rx('t', 0)", T, "angle")
case("parameters-text", "sg.Circuit(1, parameters=PAY)", T, "parameters")
case("taylor-h-text", "sg.postprocess.taylor_coefficients(PAY, t, 2)", T, "h expected", "never evaluated")
case("taylor-t0-text", "sg.postprocess.taylor_coefficients(sp.sin(t), t, 2, t0=PAY)", V, "t0")
case("taylor-operator-matrix-text", f"sg.postprocess.taylor_operator([[PAY, 0], [0, 1]], [0, 1])", T, "string")
case("taylor-operator-coefficient-text", "sg.postprocess.taylor_operator(sg.ops.Z, [PAY, 1])", V,
     "coefficients[0]")
case("symmetrize-text", f"sg.postprocess.symmetrize([[PAY, 0], [0, 1]], 1)", T, "string")
case("pauli-decompose-text", f"sg.ops.pauli_decompose({M})", T, "string")
case("dagger-text", f"sg.ops.dagger({M})", T, "string")
case("pauli-sum-payload", "sg.ops.pauli_sum(PAY, 2)", V, "cannot read the term")
case("pauli-word-payload", "sg.ops.pauli(PAY)", V, "Pauli word")
case("twirl-list-operator", f"sg.twirl({M}, sg.groups.finite([sg.ops.Z]))", T, "sympy Matrix")
case("is-invariant-list", f"sg.groups.finite([sg.ops.Z]).is_invariant({M})", T, "sympy Matrix")
case("model-observable-text", f"sg.costs.Model(sg.Circuit(1).ry(t, 0), {M}, [sp.Matrix([[1, 0], [0, 0]])])",
     T, "string")
case("model-state-text", "sg.costs.Model(sg.Circuit(1).ry(t, 0), sg.ops.Z, [[[PAY, 0], [0, 0]]])", T,
     "string")
case("derived-call-text", "P1()(PAY)", T, "values", "string")
case("derived-at-text", "P1().at([PAY])", T, "string")
case("derived-at-dict-text", "P = P1(); P.at({P.parameters[0]: PAY})", T, "string")
case("derived-scaled-text", "P1().scaled(PAY)", T, "factor")
case("extend-text", "sg.Circuit(1).extend(PAY)", V, "Circuit.extend")
case("ops-kron-text", f"sg.ops.kron({M})", T, "string")
case("ops-hs-inner-text", f"sg.ops.hs_inner({M}, sg.ops.X)", T, "string")
case("ops-projector-text", "sg.ops.projector([PAY, 1])", T, "string")
case("ops-is-unitary-text", f"sg.ops.is_unitary({M})", T, "string")
case("hea-rotations-text", "sg.circuits.hardware_efficient(1, 1, rotations=PAY)", V, "rotation")
case("hea-n-text", "sg.circuits.hardware_efficient('2', 1)", T, "n_qubits")
case("load-problem-payload-number", "sg.circuit_json.load_problem({'qubits': 1, 'gates': [{'gate': 'rx', "
     "'qubits': [0], 'angle': PAY}]})", V, "gates[0].angle")
case("load-problem-payload-generator", "sg.circuit_json.load_problem({'qubits': 1, 'gates': [], 'group': "
     "{'generators': [[[PAY, '1'], ['1', '0']]]}})", V, "group.generators[0][0][0]")

# == 2. NaN, infinities, huge values ===================================================================
case("ry-nan", "sg.Circuit(1).ry(sp.nan, 0)", V, "not finite")
case("ry-oo", "sg.Circuit(1).ry(sp.oo, 0)", V, "not finite")
case("ry-minus-oo", "sg.Circuit(1).ry(-sp.oo, 0)", V, "not finite")
case("ry-zoo", "sg.Circuit(1).ry(sp.zoo, 0)", V, "not finite")
case("ry-t-plus-oo", "sg.Circuit(1).ry(t + sp.oo, 0)", V, "not finite")
case("ry-nan-times-t", "sg.Circuit(1).ry(sp.nan * t, 0)", V, "not finite")
case("ry-numpy-nan", "sg.Circuit(1).ry(np.nan, 0)", T, "float")
case("ry-float-inf", "sg.Circuit(1).ry(float('inf'), 0)", T, "float")
case("crx-nan", "sg.Circuit(2).crx(sp.nan, 0, 1)", V, "not finite")
case("exp-coefficient-oo", "sg.Circuit(1).exp(t, {'X': sp.oo})", V, "not finite")
case("exp-coefficient-nan", "sg.Circuit(1).exp(t, {'X': sp.nan})", V, "not finite")
case("exp-coefficient-huge", "sg.Circuit(1).exp(t, {'X': 10**5000})", V, "bits")
case("exp-coefficient-float", "sg.Circuit(1).exp(t, {'X': 0.5})", T, "float")
case("exp-coefficient-complex", "sg.Circuit(1).exp(t, {'X': sp.I})", V, "real")
case("exp-coefficient-symbol", "sg.Circuit(1).exp(t, {'X': t})", V, "depends on t")
case("exp-coefficient-none", "sg.Circuit(1).exp(t, {'X': None})", T, "None")
case("unitary-nan-entry", "sg.Circuit(1).append_unitary(sp.Matrix([[sp.nan, 0], [0, 1]]), [0])", V, "not finite")
case("unitary-zoo-list", "sg.Circuit(1).append_unitary([[sp.zoo, 0], [0, 1]], [0])", V, "not finite")
case("finite-oo-generator", "sg.groups.finite([sp.Matrix([[sp.oo, 0], [0, 1]])])", V, "not finite")
case("observable-oo", "sg.penalty(sg.Circuit(1).ry(t, 0), sp.Matrix([[sp.oo, 0], [0, 1]]), "
     "sg.groups.finite([sg.ops.X]))", V, "not finite")
case("observable-huge-rational", "sg.penalty(sg.Circuit(1).ry(t, 0), sp.Integer(10)**5000 * sg.ops.Z, "
     "sg.groups.finite([sg.ops.X]))", V, "bits")
case("observable-huge-power", "sg.penalty(sg.Circuit(1).ry(t, 0), sp.Pow(sp.sqrt(2), 10**6, evaluate=False) "
     "* sg.ops.Z, sg.groups.finite([sg.ops.X]))", V, "power", limit=5)
case("slope-huge", "sg.Circuit(1).ry(10**400 * t, 0)", V, "slope")
case("slope-tiny", "sg.Circuit(1).ry(t / 10**400, 0)", V, "slope")
case("slope-huge-bits", "sg.Circuit(1).ry(10**2000 * t, 0)", V, "bits")
case("slope-ratio", "sg.Circuit(1).ry(1000 * t, 0).ry(t / 1000, 0)", V, "multiples of the common frequency")
case("slope-ratio-ok", "c = sg.Circuit(1).ry(2 * t, 0).ry(t / 2, 0)\n"
     "P = sg.penalty(c, sg.ops.Z, sg.groups.finite([sg.ops.X]))\n"
     "import sggd_sym.sim as sim\n"
     "assert abs(P([0.3]) - 2 * np.cos(2.5 * 0.3) ** 2) < 1e-10", "ok")
case("angle-constant-huge", "sg.Circuit(1).ry(t + 10**2000, 0)", V, "bits")
case("derived-call-inf", "P1()([np.inf])", V, "finite")
case("derived-call-huge-int", "P1()([10**400])", V, "not a finite real float")
case("derived-call-complex", "P1()(np.array([1 + 2j]))", T, "complex")
case("derived-call-numeric-text", "P1()('1.0')", T, "string")
case("derived-call-none", "P1()(None)", T, "values", "NoneType")
case("derived-call-list-none", "P1()([None])", T, "values")
case("derived-call-dict", "P1()({})", T, "dict")
case("derived-call-bool", "P1()([True])", T, "bool")
case("derived-call-3d", "P1()(np.zeros((2, 2, 1)))", V, "dimensions")
case("derived-call-ragged", "P1()([[0.1], [0.1, 0.2]])", T, "rectangular")
case("derived-call-symbol", "P1()([sp.Symbol('x')])", T, "real numbers")
case("derived-gradient-text", "P1().gradient('abc')", T, "gradient", "values", "string")
case("derived-gradient-none", "P1().gradient(None)", T, "gradient", "values")
case("derived-value-and-gradient-nan", "P1().value_and_gradient([np.nan])", V, "finite")
case("derived-scaled-inf", "P1().scaled(sp.oo)", V, "not finite")
case("derived-call-sympy-number-ok", "assert abs(P1()(sp.pi) - 3.0) < 1e-12", "ok")
case("unitary-numeric-text", "sg.circuits.werner_ansatz().unitary_numeric('abc')", T, "values", "string")
case("unitary-numeric-none", "sg.circuits.werner_ansatz().unitary_numeric([None])", T, "values")
case("unitary-numeric-overflow", "sg.circuits.werner_ansatz().unitary_numeric([1e308 * 10])", V, "finite")

# == 3. circuits =========================================================================================
case("iswap-attribute", "sg.Circuit(1).iswap", "UnknownGateError", "iswap", "supported gates", "cnot")
case("iswap-is-attribute-error", "try:\n    sg.Circuit(1).iswap\nexcept AttributeError as e:\n"
     "    assert 'supported gates' in str(e) and isinstance(e, sg.InputValueError)\n"
     "assert not hasattr(sg.Circuit(1), 'toffoli')", "ok")
case("n-qubits-zero", "sg.Circuit(0)", V, "n_qubits", ">= 1")
case("n-qubits-negative", "sg.Circuit(-3)", V, "n_qubits")
case("n-qubits-float", "sg.Circuit(2.0)", T, "n_qubits")
case("n-qubits-text", "sg.Circuit('2')", T, "n_qubits")
case("n-qubits-bool", "sg.Circuit(True)", T, "n_qubits")
case("n-qubits-googol", "sg.Circuit(10**100)", V, "n_qubits", "<=")
case("qubit-out-of-range", "sg.Circuit(1).ry(t, 1)", V, "out of range")
case("qubit-negative", "sg.Circuit(1).ry(t, -1)", V, "out of range")
case("qubit-float", "sg.Circuit(1).ry(t, 0.0)", T, "qubit indices must be ints")
case("qubit-text", "sg.Circuit(1).ry(t, '0')", T, "qubit indices must be ints")
case("qubit-googol", "sg.Circuit(1).ry(t, 10**100)", V, "out of range")
case("cnot-same-qubit", "sg.Circuit(2).cnot(0, 0)", V, "distinct")
case("angle-square", "sg.Circuit(1).ry(t**2, 0)", V, "linear")
case("angle-sin", "sg.Circuit(1).ry(sp.sin(t), 0)", V, "linear")
case("angle-product", "sg.Circuit(1).ry(t * sp.Symbol('u'), 0)", V, "linear")
case("angle-imaginary", "sg.Circuit(1).ry(sp.I * t, 0)", V, "real")
case("angle-imaginary-symbol", "sg.Circuit(1).ry(sp.Symbol('x', imaginary=True), 0)", V, "real")
case("angle-matrix", "sg.Circuit(1).ry(sp.Matrix([t]), 0)", T, "angle")
case("angle-none", "sg.Circuit(1).ry(None, 0)", T, "angle")
case("angle-list", "sg.Circuit(1).ry([t], 0)", T, "angle")
case("angle-relational", "sg.Circuit(1).ry(sp.Eq(t, 1), 0)", T, "angle")
case("angle-piecewise", "sg.Circuit(1).ry(sp.Piecewise((t, t > 0), (0, True)), 0)", V, "linear")
case("angle-undefined-function", "sg.Circuit(1).ry(sp.Function('f')(t), 0)", V, "linear")
case("pauli-qubits-int", "sg.Circuit(1).pauli(t, 'X', 0)", T, "qubits expected a list")
case("pauli-word-int", "sg.Circuit(1).pauli(t, 5, [0])", V, "Pauli word")
case("exp-empty", "sg.Circuit(1).exp(t, {})", T, "generator")
case("exp-list", "sg.Circuit(1).exp(t, [('X', 1)])", T, "generator")
case("exp-word-length", "sg.Circuit(2).exp(t, {'XY': 1}, [0])", V, "one letter per qubit")
case("exp-word-letters", "sg.Circuit(1).exp(t, {'Q': 1})", V, "IXYZ")
case("exp-anticommuting", "sg.Circuit(1).exp(t, {'X': 1, 'Z': 1})", V, "anticommute")
case("exp-fraction-ok", "from fractions import Fraction\n"
     "c = sg.Circuit(1).exp(t, {'X': Fraction(1, 2)})\nassert c.gates[0].generator == (('X', sp.Rational(1, 2)),)",
     "ok")
case("unitary-ragged", "sg.Circuit(1).append_unitary([[1, 0], [0]], [0])", V, "rows must have equal length")
case("unitary-empty", "sg.Circuit(1).append_unitary([], [0])", V, "rows")
case("unitary-dup-qubits", "sg.Circuit(2).append_unitary(sp.eye(4), [0, 0])", V, "distinct")
case("unitary-not-unitary", "sg.Circuit(1).append_unitary([[2, 0], [0, 1]], [0])", V, "not unitary")
case("unitary-floats", "sg.Circuit(1).append_unitary([[1.0, 0], [0, 1]], [0])", T, "float")
case("unitary-float-array", "sg.Circuit(1).append_unitary(np.eye(2), [0])", T, "dtype float64")
case("unitary-int-array-ok", "c = sg.Circuit(1).append_unitary(np.array([[0, 1], [1, 0]]), [0])\n"
     "assert c.gates[0].matrix == sg.ops.X", "ok")
case("unitary-qubits-int", "sg.Circuit(1).append_unitary([[0, 1], [1, 0]], 0)", T, "qubits expected a list")
case("unitary-bare-string", "sg.Circuit(1).append_unitary('X', [0])", T, "expected a square sympy Matrix")
case("unitary-3-deep", "sg.Circuit(1).append_unitary([[[1], [0]], [[0], [1]]], [0])", T, "expected a number")
case("unitary-wrong-dim", "sg.Circuit(1).append_unitary(sp.eye(4), [0])", V, "dimension 4, expected 2")
case("unitary-symbolic", "sg.Circuit(1).append_unitary([[sp.Symbol('a'), 0], [0, 1]], [0])", V, "depends on a")
case("unitary-huge-list", "row = [0] * 100000\nsg.Circuit(1).append_unitary([row] * 100000, [0])", V, "rows, expected 2",
     limit=5)
case("unitary-self-containing", "l = []\nl.append(l)\nsg.Circuit(1).append_unitary([l, l], [0])", V, "square")
case("unitary-self-containing-square", "l = [0, 0]\nl[1] = l\nsg.Circuit(1).append_unitary([l, l], [0])", T,
     "expected a number")
case("extend-wrong-size", "sg.Circuit(1).extend(sg.Circuit(2))", V, "same number of qubits")
case("parameters-int", "sg.Circuit(1, parameters=5)", T, "parameters")
case("parameters-duplicate", "sg.Circuit(1, parameters=[t, t])", V, "distinct")

# == 4. post-processing ==================================================================================
TC = "sg.postprocess.taylor_coefficients"
case("taylor-exp-minus-inverse-square", f"{TC}(sp.exp(-1 / t**2), t, 3)", V, "not analytic at t0")
case("taylor-exp-minus-inverse-square-plus-t", f"{TC}(sp.exp(-1 / t**2) + t, t, 3)", V, "not analytic")
case("taylor-exp-minus-inverse", f"{TC}(sp.exp(-1 / t), t, 2)", V, "not analytic")
case("taylor-sin-inverse", f"{TC}(sp.sin(1 / t), t, 2)", V, "not analytic")
case("taylor-two-to-inverse", f"{TC}(2 ** (1 / t**2), t, 2)", V, "not analytic")
case("taylor-essential-ok-away", f"c = {TC}(sp.exp(-1 / t**2), t, 2, t0=1)\n"
     "assert c[0] == sp.exp(-1) and sp.simplify(c[1] - 2 * sp.exp(-1)) == 0", "ok")
case("taylor-sinc-ok", f"assert {TC}(sp.sin(t) / t, t, 2) == [1, 0, sp.Rational(-1, 6)]", "ok")
case("taylor-sign", f"{TC}(sp.sign(t), t, 2)", V, "not analytic", "tanh")
case("taylor-pole", f"{TC}(1 / t, t, 2)", V, "not analytic")
case("taylor-sqrt", f"{TC}(sp.sqrt(t), t, 2)", V, "not analytic")
case("taylor-order-zero", f"{TC}(t, t, 0)", V, "order")
case("taylor-order-float", f"{TC}(t, t, 2.5)", T, "order")
case("taylor-order-text", f"{TC}(t, t, '3')", T, "order")
case("taylor-order-huge", f"{TC}(sp.sin(t), t, 10**6)", V, "order", "<=")
case("taylor-order-googol", f"{TC}(sp.sin(t), t, 10**100)", V, "order")
case("taylor-t-text", f"{TC}(sp.sin(t), 't', 2)", T, "Symbol")
case("taylor-h-nan", f"{TC}(sp.nan, t, 2)", V, "not finite")
case("taylor-h-zoo-term", f"{TC}(t + sp.zoo, t, 2)", V, "not finite")
case("taylor-t0-oo", f"{TC}(sp.sin(t), t, 2, t0=sp.oo)", V, "t0")
case("taylor-t0-nan", f"{TC}(sp.sin(t), t, 2, t0=sp.nan)", V, "t0")
case("taylor-t0-float", f"{TC}(sp.sin(t), t, 2, t0=1.5)", V, "t0")
case("taylor-t0-complex", f"{TC}(sp.sin(t), t, 2, t0=sp.I)", V, "t0")
case("taylor-t0-huge", f"{TC}(sp.sin(t), t, 2, t0=10**5000)", V, "bits")
case("taylor-h-float", f"{TC}(0.5 * t, t, 2)", V, "floats")
case("taylor-h-matrix", f"{TC}(sp.Matrix([t]), t, 2)", T, "h expected")
case("power-coefficients-nan", "sg.postprocess.power_coefficients([sp.nan, 1])", V, "not finite")
case("power-coefficients-int", "sg.postprocess.power_coefficients(5)", T, "coefficients")
case("power-coefficients-float", "sg.postprocess.power_coefficients([0.5])", T, "float")
case("power-coefficients-t0-oo", "sg.postprocess.power_coefficients([1, 2], t0=sp.oo)", V, "not finite")
case("power-coefficients-ok", "assert sg.postprocess.power_coefficients([1, 2, 3], t0=1) == [2, -4, 3]", "ok")
PP = ("c = sg.Circuit(1).rz(b, 0).ry(a, 0)\nG = sg.groups.finite([sg.ops.Z])\n"
      "sg.postprocess.penalty(c, sg.ops.Z, G, sp.tanh(t), t, {})")
case("pp-penalty-order-12", PP.format(12), B, "budget", limit=5)
case("pp-penalty-order-10", PP.format(10), B, "budget", limit=5)
case("pp-penalty-order-huge", PP.format(10**6), V, "order", limit=5)
case("pp-penalty-order-3-ok", PP.format(3).replace("sg.postprocess.penalty", "P = sg.postprocess.penalty")
     + "\nassert np.isfinite(P([0.3, 0.2]))", "ok")
case("taylor-operator-many-copies", "sg.postprocess.taylor_operator(sg.ops.Z, [0, 1] * 6)", B, "qubits",
     limit=5)
case("symmetrize-many-copies", "sg.postprocess.symmetrize(sp.eye(2**10), 10)", V, "copies", limit=5)
case("copy-permutations-many", "sg.postprocess.copy_permutations(12, 1)", V, "copies", limit=5)
case("copy-permutation-dense", "sg.postprocess.copy_permutation(range(20), 20, 1)", B, "qubits", limit=5)
case("postprocessing-function-sign", "sg.postprocess.postprocessing_function(sp.sign(t), t, 2)", V,
     "not analytic")
case("postprocessing-function-essential", "sg.postprocess.postprocessing_function(sp.exp(-1 / t**2), t, 2)", V,
     "not analytic")

# == 5. groups, observables and budgets ==================================================================
case("finite-empty", "sg.groups.finite([])", V, "at least one")
case("finite-dim-mismatch", "sg.groups.finite([sg.ops.X, sg.ops.pauli('XX')])", V, "dimension")
case("finite-float-array", "sg.groups.finite([np.eye(2)])", T, "dtype float64")
case("finite-int-array-ok", "G = sg.groups.finite([np.array([[0, 1], [1, 0]])])\nassert G.order == 2", "ok")
case("finite-max-order-text", "sg.groups.finite([sg.ops.X], max_order='5')", T, "max_order")
case("finite-max-order-zero", "sg.groups.finite([sg.ops.X], max_order=0)", V, "max_order")
case("finite-not-square", "sg.groups.finite([sp.Matrix([[1, 0]])])", V, "square")
case("finite-dim-three", "sg.groups.finite([sp.eye(3)])", V, "power of two")
case("lie-symbolic", "sg.groups.lie([sp.Matrix([[0, a], [a, 0]])])", V, "depends on a")
case("lie-not-hermitian", "sg.groups.lie([sp.Matrix([[0, 1], [0, 0]])])", V, "not Hermitian")
case("observable-symbolic", "sg.penalty(sg.Circuit(1).ry(t, 0), sp.Matrix([[a, 0], [0, -a]]), "
     "sg.groups.finite([sg.ops.X]))", V, "depends on", "numeric")
case("observable-wrong-dim", "sg.penalty(sg.Circuit(1).ry(t, 0), sg.ops.pauli('ZZ'), "
     "sg.groups.finite([sg.ops.X]))", V, "qubit")
case("penalty-circuit-text", "sg.penalty('circuit', sg.ops.Z, sg.groups.finite([sg.ops.X]))", T, "circuit")
case("penalty-group-text", "sg.penalty(sg.Circuit(1).ry(t, 0), sg.ops.Z, 'swap')", T, "group")
case("finite-t-h-closure", "sg.groups.finite([sg.ops.H * sp.Matrix([[1, 0], [0, sp.exp(sp.I * sp.pi / 4)]])], "
     "max_order=3).elements", G, "max_order", limit=6, batch="groups")
case("finite-irrational-phase", "sg.groups.finite([sp.Matrix([[1, 0], [0, sp.exp(sp.I * sp.pi * sp.sqrt(2))]])]"
     ").elements", G, "max_order", limit=6, batch="groups")
case("finite-clifford-2q", "Hq = sg.ops.kron(sg.ops.H, sg.ops.I2)\nSq = sg.ops.kron(sg.ops.S, sg.ops.I2)\n"
     "sg.groups.finite([Hq, Sq, sg.ops.CNOT], max_order=200).elements", G, "max_order", limit=6, batch="groups")
case("penalty-hea-5-8-permutations", "sg.penalty(sg.circuits.hardware_efficient(5, 8), sg.ops.pauli_sum('Z0', 5), "
     "sg.groups.permutations(5))", B, "budget", limit=10, batch="budget")
case("penalty-hea-2-12", "sg.penalty(sg.circuits.hardware_efficient(2, 12), sg.ops.pauli('ZI'), "
     "sg.groups.finite([sg.ops.SWAP]))", B, "budget", limit=10, batch="budget")
case("permutations-20", "G = sg.groups.permutations(20)\nassert G.order == 2432902008176640000", "ok", limit=10,
     batch="groups-large")
case("permutations-65", "sg.groups.permutations(65)", V, "64", limit=10, batch="groups-large")
case("pauli-sum-zero-division", "sg.ops.pauli_sum('1/0 Z0', 1)", V, "division by zero")
case("pauli-sum-huge-coefficient", "sg.ops.pauli_sum('1' * 5000 + ' Z0', 1)", V, "digits")
case("penalty-budget-text", "sg.penalty(sg.Circuit(1).ry(t, 0), sg.ops.Z, sg.groups.finite([sg.ops.X]), "
     "budget='big')", T, "budget")

# == 6. JSON circuit files ===============================================================================
LP = "sg.circuit_json.load_problem"
RP = "sg.circuit_json.read_problem"
case("json-deep-nesting", f"{LP}('[' * 100000 + ']' * 100000)", V, "nested")
case("json-deep-nesting-file", "p = write('deep.json', '{\"qubits\": 1, \"gates\": ' + '[' * 50000 + ']' * 50000 "
     f"+ '}}')\n{RP}(p)", V, "nested")
case("json-invalid-utf8", f"p = write('bad.json', b'{{\"qubits\": 1, \"gates\": []}} \\xff\\xfe')\n{RP}(p)", V,
     "UTF-8")
case("json-directory", f"(W / 'dir.json').mkdir()\n{RP}(W / 'dir.json')", V, "directory")
case("json-fifo", f"os.mkfifo(W / 'fifo.json')\n{RP}(W / 'fifo.json')", V, "FIFO", limit=5)
case("json-dev-zero", f"os.symlink('/dev/zero', W / 'zero.json')\n{RP}(W / 'zero.json')", V, "device", limit=5)
case("json-too-large", f"p = W / 'big.json'\nwith open(p, 'wb') as f:\n    f.truncate(10 * 2**20)\n{RP}(p)", V,
     "bytes")
case("json-missing", f"{RP}(W / 'nope.json')", V, "cannot read")
case("json-suffix", f"p = write('x.txt', '{{}}')\n{RP}(p)", V, ".json")
case("json-path-none", f"{RP}(None)", T, "path")
case("json-qubits-17", f"{LP}({{'qubits': 17, 'gates': []}})", V, "qubits", "between 1 and")
case("json-qubits-16-ok", f"P = {LP}({{'qubits': 16, 'gates': []}})\n"
     "assert sg.penalty(P.circuit, sg.PauliSum.from_text('Z0', 16), sg.groups.cyclic_shift(16))(()) == 2**16 * 15 / 16",
     "ok", limit=10)
case("json-qubits-zero", f"{LP}({{'qubits': 0, 'gates': []}})", V, "qubits")
case("json-qubits-float", f"{LP}({{'qubits': 1.0, 'gates': []}})", V, "qubits")
case("json-qubits-bool", f"{LP}({{'qubits': True, 'gates': []}})", V, "qubits")
case("json-qubits-googol", f"{LP}('{{\"qubits\": ' + '9' * 100 + ', \"gates\": []}}')", V, "qubits")
case("json-qubits-5000-digits", f"{LP}('{{\"qubits\": ' + '9' * 5000 + ', \"gates\": []}}')", V, "digits")
case("json-nan-constant", f"{LP}('{{\"qubits\": NaN, \"gates\": []}}')", V, "NaN")
case("json-infinity-angle", f"{LP}('{{\"qubits\": 1, \"gates\": [{{\"gate\": \"rx\", \"qubits\": [0], "
     "\"angle\": Infinity}]}')", V, "Infinity")
case("json-float-overflow-angle", f"{LP}('{{\"qubits\": 1, \"gates\": [{{\"gate\": \"rx\", \"qubits\": [0], "
     "\"angle\": 1e999}]}')", T, "gates[0].angle")
case("json-duplicate-key", f"{LP}('{{\"qubits\": 1, \"qubits\": 2, \"gates\": []}}')", V, "repeats the key")
case("json-top-array", f"{LP}('[]')", T, "JSON object")
case("json-empty-text", f"{LP}('')", V, "not valid JSON")
case("json-unknown-key", f"{LP}({{'qubits': 1, 'gates': [], '__proto__': 1}})", V, "unknown key")
case("json-gates-not-list", f"{LP}({{'qubits': 1, 'gates': 'rx'}})", T, "gates")
case("json-too-many-gates", f"{LP}({{'qubits': 1, 'gates': [{{'gate': 'x', 'qubits': [0]}}] * 20000}})", V,
     "limit")
case("json-too-many-parameters", f"{LP}({{'qubits': 1, 'gates': [], 'parameters': ['p%d' % i for i in range(5000)]}})",
     T, "parameters")
case("json-long-parameter-name", f"{LP}({{'qubits': 1, 'gates': [], 'parameters': ['a' * 10**6]}})", T,
     "parameters")
case("json-unknown-gate", f"{LP}({{'qubits': 2, 'gates': [{{'gate': 'iswap', 'qubits': [0, 1]}}]}})", V,
     "unknown gate", "supported")
case("json-gate-name-list", f"{LP}({{'qubits': 1, 'gates': [{{'gate': ['x'], 'qubits': [0]}}]}})", V,
     "unknown gate")
case("json-qubit-out-of-range", f"{LP}({{'qubits': 1, 'gates': [{{'gate': 'x', 'qubits': [3]}}]}})", V,
     "out of range")
case("json-qubit-float", f"{LP}({{'qubits': 1, 'gates': [{{'gate': 'x', 'qubits': [0.5]}}]}})", T, "qubit")
case("json-angle-zero-division", f"{LP}({{'qubits': 1, 'gates': [{{'gate': 'rx', 'qubits': [0], 'angle': 'pi/0'}}]}})",
     V, "division by zero")
case("json-angle-5000-digits", f"{LP}({{'qubits': 1, 'gates': [{{'gate': 'rx', 'qubits': [0], "
     "'angle': '1' * 5000}]})", V, "digits")
case("json-angle-unknown-parameter", f"{LP}({{'qubits': 1, 'gates': [{{'gate': 'rx', 'qubits': [0], "
     "'angle': 'c'}]})", V, "unknown parameter")
case("json-scale-huge", f"{LP}({{'qubits': 1, 'parameters': ['a'], 'gates': [{{'gate': 'rx', 'qubits': [0], "
     "'angle': {'param': 'a', 'scale': '1000'}}, {'gate': 'rx', 'qubits': [0], 'angle': {'param': 'a', "
     "'scale': '1/1000'}}]})", V, "common frequency")
case("json-generator-anticommute", f"{LP}({{'qubits': 1, 'parameters': ['a'], 'gates': [{{'gate': 'exp', "
     "'qubits': [0], 'angle': 'a', 'generator': {'X': '1', 'Z': '1'}}]})", V, "anticommute")
case("json-generator-complex", f"{LP}({{'qubits': 1, 'parameters': ['a'], 'gates': [{{'gate': 'exp', "
     "'qubits': [0], 'angle': 'a', 'generator': {'X': 'i'}}]})", V, "generator.X")
case("json-pauli-word-length", f"{LP}({{'qubits': 2, 'parameters': ['a'], 'gates': [{{'gate': 'pauli', "
     "'word': 'XYZ', 'qubits': [0, 1], 'angle': 'a'}]})", V, "one letter per qubit")
case("json-group-unknown", f"{LP}({{'qubits': 2, 'gates': [], 'group': {{'name': 'lorentz'}}}})", V, "unknown group")
case("json-group-two-kinds", f"{LP}({{'qubits': 2, 'gates': [], 'group': {{'name': 'swap', 'generators': []}}}})",
     V, "exactly one")
case("json-group-generator-huge", f"{LP}({{'qubits': 1, 'gates': [], 'group': {{'generators': "
     "[[['0'] * 1024] * 1024]}})", V, "expected a 2x2 matrix")
case("json-group-not-unitary", f"{LP}({{'qubits': 1, 'gates': [], 'group': {{'generators': [[['2', '0'], "
     "['0', '1']]]}})", V, "not unitary")
case("json-lie-not-hermitian", f"{LP}({{'qubits': 1, 'gates': [], 'group': {{'lie': [[['0', '1'], ['0', '0']]]}}}})",
     V, "not Hermitian")
case("json-observable-zero-division", f"{LP}({{'qubits': 1, 'gates': [], 'observable': '1/0 Z0'}})", V,
     "division by zero")
case("json-observable-payload", f"{LP}({{'qubits': 1, 'gates': [], 'observable': PAY}})", V, "observable")
case("json-observable-5000-digits", f"{LP}({{'qubits': 1, 'gates': [], 'observable': '1' * 5000 + ' Z0'}})", V,
     "digits")
case("json-observable-long", f"{LP}({{'qubits': 1, 'gates': [], 'observable': ' + '.join(['Z0'] * 10**5)}})", V,
     "characters")
case("json-description-object", f"{LP}({{'qubits': 1, 'gates': [], 'description': {{'a': 1}}}})", T, "description")
case("json-valid-ok", f"pr = {LP}({{'qubits': 2, 'parameters': ['a'], 'gates': [{{'gate': 'ry', 'qubits': [0], "
     "'angle': 'a'}, {'gate': 'cnot', 'qubits': [0, 1]}], 'group': {'name': 'swap'}, 'observable': 'Z0'})\n"
     "P = sg.penalty(pr.circuit, pr.observable, pr.group)\n"
     "assert abs(P([0.4]) - (1 - np.cos(0.4)) ** 2 / 2 - np.sin(0.4) ** 2 / 2 * 0) < 10", "ok")

# == 7. OpenQASM import (through interop, needs qiskit) ================================================
Q2 = 'OPENQASM 2.0;\\ninclude "qelib1.inc";\\n'
case("qasm-garbage", f"p = write('g.qasm', 'this is not qasm')\n{RP}(p)", V, "not valid OpenQASM")
case("qasm-many-qubits", f"p = write('big.qasm', '{Q2}qreg q[100];\\nh q[0];\\n')\n{RP}(p)", V, "qubits")
case("qasm-huge-register", f"p = write('huge.qasm', '{Q2}qreg q[1000000000];\\n')\n{RP}(p)", V, "qubits", limit=5)
case("qasm-include-file", f"p = write('inc.qasm', 'OPENQASM 2.0;\\ninclude \"/etc/passwd\";\\nqreg q[1];\\n')\n{RP}(p)",
     V, "not allowed")
case("qasm-inf-angle", f"p = write('inf.qasm', '{Q2}qreg q[1];\\nrx(1e400) q[0];\\n')\n{RP}(p)", V, "q")
case("qasm-irrational-angle", f"p = write('irr.qasm', '{Q2}qreg q[1];\\nrx(0.123456789) q[0];\\n')\n{RP}(p)", V,
     "rational multiple of pi")
case("qasm-invalid-utf8", f"p = write('u.qasm', b'OPENQASM 2.0;\\xff\\n')\n{RP}(p)", V, "UTF-8")
case("qasm-fifo", f"os.mkfifo(W / 'f.qasm')\n{RP}(W / 'f.qasm')", V, "FIFO", limit=5)
case("qasm-ok", f"p = write('ok.qasm', '{Q2}qreg q[2];\\nh q[0];\\ncx q[0], q[1];\\n')\npr = {RP}(p)\n"
     "assert pr.circuit.n_qubits == 2 and len(pr.circuit.gates) == 2", "ok")

# == 8. the derivation cache ===========================================================================
SETUP = ("from sggd_sym.cli.cache import DerivationCache, CacheWarning\nimport warnings, json\n"
         "cdir = W / 'cache'\n"
         "def prob():\n"
         "    return sg.circuits.hardware_efficient(2, 1), sg.ops.pauli_sum('Z0 + 1/2 X0 X1', 2), "
         "sg.groups.finite([sg.ops.SWAP])\n"
         "fresh = sg.penalties.penalty_from(sg.twirled_observable(*prob()))\n"
         "DerivationCache(cdir).twirled_observable(*prob())\n"
         "(entry,) = cdir.glob('*.json')\n"
         "data = json.loads(entry.read_text())\n"
         "def served():\n"
         "    c = DerivationCache(cdir)\n"
         "    with warnings.catch_warnings(record=True) as w:\n"
         "        warnings.simplefilter('always')\n"
         "        tw = c.twirled_observable(*prob())\n"
         "    x = np.random.default_rng(1).uniform(-3, 3, 4)\n"
         "    assert abs(sg.penalties.penalty_from(tw)(x) - fresh(x)) < 1e-12, 'served a wrong derivation'\n"
         "    return c, [str(m.message) for m in w]\n"
         "def save(d):\n"
         "    entry.write_text(json.dumps(d))\n")


def cache_case(id, edit, fragment, *, refused=True, replaced=True, limit=10.0):
    """The edited entry is refused (a warning containing ``fragment``) and replaced by a good one; ``served()``
    checks every time that the derivation handed out is the right one (no silently wrong result)."""
    if refused is None:  # either outcome is right (e.g. a mode-000 file is readable by root)
        check = "c, msgs = served()\nassert c.hits + c.refused == 1, msgs"
    elif not refused:
        check = "c, msgs = served()\nassert c.hits == 1, msgs"
    else:
        check = ("c, msgs = served()\n"
                 "assert c.refused == 1 and c.hits == 0, (c.refused, c.hits, msgs)\n"
                 f"assert any({fragment!r} in m for m in msgs), msgs\n")
        if replaced:
            check += "c2, _ = served()\nassert c2.hits == 1 and c2.refused == 0, 'the refused file was not replaced'"
    case("cache-" + id, SETUP + edit + "\n" + check, "ok", limit=limit)


W0 = "w0 = next(iter(data['heisenberg']))\n"
cache_case("edited-coefficient", W0 + "m, v = data['heisenberg'][w0][0]\ndata['heisenberg'][w0][0] = [m, "
           "str(int(v.partition('/')[0]) + 1) + ('/' + v.partition('/')[2] if '/' in v else '')]\nsave(data)",
           "disagree")
cache_case("edited-coordinate", "m, v = data['coordinates'][0][0]\ndata['coordinates'][0][0] = [m, '7']\nsave(data)",
           "disagree")
cache_case("edited-norm", "data['norms'][1] = '3'\nsave(data)", "norm")
cache_case("edited-group-basis", "k = next(iter(data['pauli_coordinates'][1]))\n"
           "data['pauli_coordinates'][1][k] = '5'\nsave(data)", "")
cache_case("dropped-basis-element", "for key in ('coordinates', 'norms', 'pauli_coordinates'):\n"
           "    data[key] = data[key][:-1]\nsave(data)", "")
cache_case("edited-frequency", "data['frequencies'][0] = '2'\nsave(data)", "frequencies")
cache_case("huge-exponent", W0 + "m, v = data['heisenberg'][w0][0]\nm = list(m); m[0] = 9999\n"
           "data['heisenberg'][w0].append([m, '1'])\nsave(data)", "exponent")
cache_case("unreduced-sine", W0 + "m = [0] * len(data['heisenberg'][w0][0][0]); m[len(m) // 2] = 2\n"
           "data['heisenberg'][w0].append([m, '1'])\nsave(data)", "reduced")
cache_case("5000-digit-number", W0 + "m, v = data['heisenberg'][w0][0]\ndata['heisenberg'][w0][0] = [m, '1' * 5000]\n"
           "save(data)", "digits")
cache_case("code-in-coefficient", W0 + "m, v = data['heisenberg'][w0][0]\ndata['heisenberg'][w0][0] = [m, PAY]\n"
           "save(data)", "bad Heisenberg")
cache_case("reduce-key", "data['__reduce__'] = ['os.system', PAY]\nsave(data)", "unexpected")
cache_case("nan-norm", "import re\nentry.write_text(re.sub(r'\"norms\": \\[\"[^\"]*\"', '\"norms\": [NaN', "
           "json.dumps(data)))\nassert 'NaN' in entry.read_text()", "NaN")
cache_case("duplicate-key", "entry.write_text(json.dumps(data)[:-1] + ', \"key\": \"x\"}')", "repeats")
cache_case("deep-nesting", "entry.write_text('[' * 100000 + ']' * 100000)", "nested")
cache_case("invalid-utf8", "entry.write_bytes(b'{\\xff\\xfe}')", "UTF-8")
cache_case("fifo", "entry.unlink()\nos.mkfifo(entry)", "FIFO", limit=8)
cache_case("directory", "entry.unlink()\nentry.mkdir()", "directory", replaced=False)
cache_case("symlink-out", "outside = W / 'outside.json'\noutside.write_text(json.dumps(data))\nentry.unlink()\n"
           "os.symlink(outside, entry)", "symlink")
cache_case("symlink-dev-zero", "entry.unlink()\nos.symlink('/dev/zero', entry)", "symlink", limit=5)
cache_case("too-large", "with open(entry, 'ab') as f:\n    f.truncate(65 * 2**20)", "bytes")
cache_case("mode-000", "os.chmod(entry, 0)", "", refused=None)
cache_case("other-problem-renamed", "other = W / 'o'\nDerivationCache(other).twirled_observable("
           "sg.circuits.hardware_efficient(2, 1), sg.ops.pauli_sum('Z1', 2), sg.groups.finite([sg.ops.SWAP]))\n"
           "(o,) = other.glob('*.json')\nd2 = json.loads(o.read_text())\nd2['key'] = data['key']\nsave(d2)",
           "disagree")
cache_case("valid-served", "pass", "", refused=False)

# == 9. the command line ===============================================================================
PJ = ("p = write('p.json', json.dumps({'qubits': 2, 'parameters': ['a'], 'gates': [{'gate': 'ry', 'qubits': [0], "
      "'angle': 'a'}, {'gate': 'cnot', 'qubits': [0, 1]}], 'observable': 'Z0'}))\n")
cli_cases = [
    ("observable-zero-division", "cli_fails('derive', 'hea', '--observable', '1/0 Z0', '--no-cache')",
     "division by zero"),
    ("observable-5000-digits", "cli_fails('derive', 'hea', '--observable', '1' * 5000 + ' Z0', '--no-cache')",
     "digits"),
    ("observable-payload", "cli_fails('derive', 'hea', '--observable', PAY, '--no-cache')", "--observable"),
    ("observable-out-of-range", "cli_fails('derive', 'hea', '--observable', 'Z9', '--no-cache')", "out of range"),
    ("observable-empty", "cli_fails('derive', 'hea', '--observable', '', '--no-cache')", "--observable"),
    ("observable-long", "cli_fails('derive', 'hea', '--observable', ' + '.join(['Z0'] * 10**5), '--no-cache')",
     "characters"),
    ("qubits-100", "cli_fails('derive', 'hea', '--qubits', '100', '--no-cache')", "--qubits"),
    ("qubits-zero", "cli_fails('derive', 'hea', '--qubits', '0')", "--qubits"),
    ("qubits-text", "cli_fails('derive', 'hea', '--qubits', 'abc')", "--qubits"),
    ("qubits-5000-digits", "cli_fails('derive', 'hea', '--qubits', '9' * 5000)", "--qubits"),
    ("layers-2000", "cli_fails('derive', 'hea', '--layers', '2000', '--no-cache')", "--layers"),
    ("layers-negative", "cli_fails('derive', 'hea', '--layers', '-1')", "--layers"),
    ("no-model", "cli_fails('derive')", "either a model"),
    ("model-and-circuit", PJ + "cli_fails('derive', 'hea', '--circuit', str(p))", "either a model"),
    ("unknown-model", "cli_fails('derive', 'ising')", "invalid choice"),
    ("unknown-group", "cli_fails('derive', 'hea', '--group', 'lorentz')", "invalid choice"),
    ("unknown-command", "cli_fails('explode')", "invalid choice"),
    ("no-command", "cli_fails()", "required"),
    ("circuit-missing", "cli_fails('derive', '--circuit', str(W / 'nope.json'), '--no-cache')", "cannot read"),
    ("circuit-directory", "(W / 'd.json').mkdir()\ncli_fails('derive', '--circuit', str(W / 'd.json'))",
     "directory"),
    ("circuit-fifo", "os.mkfifo(W / 'f.json')\ncli_fails('derive', '--circuit', str(W / 'f.json'))", "FIFO"),
    ("circuit-dev-zero", "os.symlink('/dev/zero', W / 'z.json')\ncli_fails('derive', '--circuit', str(W / 'z.json'))",
     "device"),
    ("circuit-invalid-utf8", "p = write('u.json', b'\\xff\\xfe\\x00')\ncli_fails('derive', '--circuit', str(p))",
     "UTF-8"),
    ("circuit-deep-nesting", "p = write('n.json', '[' * 100000 + ']' * 100000)\n"
     "cli_fails('derive', '--circuit', str(p))", "nested"),
    ("circuit-17-qubits", "p = write('q.json', json.dumps({'qubits': 17, 'gates': []}))\n"
     "cli_fails('derive', '--circuit', str(p), '--no-cache')", "qubits"),
    ("circuit-txt", "p = write('c.txt', '{}')\ncli_fails('derive', '--circuit', str(p))", ".json"),
    ("circuit-qasm-100-qubits", f"p = write('c.qasm', '{Q2}qreg q[100];\\n')\n"
     "cli_fails('derive', '--circuit', str(p), '--no-cache')", "qubits"),
    ("circuit-observable-override", PJ + "cli_fails('derive', '--circuit', str(p), '--observable', 'Z0 Z0')",
     "appears twice"),
    ("cache-dir-is-file", PJ + "f = write('file', 'x')\nrc, out, err = cli('derive', '--circuit', str(p), "
     "'--cache-dir', str(f / 'sub'))\nassert rc == 0 and 'penalty' in out, (rc, err)", None),
    ("cache-fifo", PJ + "cdir = W / 'cd'\nrc, out, err = cli('derive', '--circuit', str(p), '--cache-dir', str(cdir))\n"
     "(e,) = cdir.glob('*.json')\ne.unlink()\nos.mkfifo(e)\nrc2, out2, err2 = cli('derive', '--circuit', str(p), "
     "'--cache-dir', str(cdir))\nassert rc2 == 0 and out2 == out, (rc2, err2)", None),
    ("cache-edited-served-right", PJ + "cdir = W / 'cd'\nrc, out, err = cli('derive', '--circuit', str(p), "
     "'--json', '--cache-dir', str(cdir))\n(e,) = cdir.glob('*.json')\nd = json.loads(e.read_text())\n"
     "w0 = next(iter(d['heisenberg']))\nd['heisenberg'][w0] = [[m, '5'] for m, v in d['heisenberg'][w0]]\n"
     "d['rendered'] = {'json': json.dumps({'penalty': 'WRONG'})}\ne.write_text(json.dumps(d))\n"
     "rc2, out2, err2 = cli('derive', '--circuit', str(p), '--json', '--cache-dir', str(cdir))\n"
     "assert rc2 == 0 and out2 == out and 'WRONG' not in out2, (out, out2)", None),
    ("reproduce-out-unwritable", "f = write('file', 'x')\nimport time\nt0 = time.time()\n"
     "cli_fails('reproduce', 'werner', '--out', str(f / 'sub'), '--seeds', '1', '--json')\n"
     "assert time.time() - t0 < 3", "--out"),
    ("reproduce-seeds-zero", "cli_fails('reproduce', 'werner', '--seeds', '0')", "--seeds"),
    ("reproduce-seeds-huge", "cli_fails('reproduce', 'werner', '--seeds', '1000000000')", "--seeds"),
    ("reproduce-workers-huge", "cli_fails('reproduce', 'circle', '--workers', '1000000')", "--workers"),
    ("reproduce-unknown", "cli_fails('reproduce', 'mnist')", "invalid choice"),
    ("prove-unknown", "cli_fails('prove', 'no_such_proof')", "unknown proof"),
]
for id, code, fragment in cli_cases:
    case("cli-" + id, code, "cli" if fragment else "ok", *((fragment,) if fragment else ()))

# real processes: the installed entry point path, the debug switch, and stdout before figures
case("proc-one-line", "rc, out, err = proc('derive', 'hea', '--observable', '1/0 Z0', '--no-cache')\n"
     "assert rc == 2 and len(err.strip().splitlines()) == 1 and 'Traceback' not in err, err", "ok", limit=15)
case("proc-debug-env", "rc, out, err = proc('derive', 'hea', '--qubits', '1', '--observable', 'Z5', '--no-cache', "
     "env={'SGGD_DEBUG': '1'})\nassert rc != 0 and 'Traceback' in err, err", "ok", limit=15)
case("proc-debug-flag", "rc, out, err = proc('--debug', 'derive', 'hea', '--qubits', '1', '--observable', 'Z5', "
     "'--no-cache')\nassert rc != 0 and 'Traceback' in err, err", "ok", limit=15)
case("proc-usage-one-line", "rc, out, err = proc('derive', '--qubits')\n"
     "assert rc == 2 and len(err.strip().splitlines()) == 1, err", "ok", limit=15)
case("cli-reproduce-json-before-figures", "import shutil\n"
     "def full(*a, **k):\n    raise OSError(28, 'No space left on device')\n"
     "shutil.copyfile = full  # the disk fills up while the figures are written to --out\n"
     "try:\n"
     "    rc, out, err = cli('reproduce', 'werner', '--seeds', '2', '--json', '--out', str(W / 'o'))\n"
     "finally:\n    import importlib; importlib.reload(shutil)\n"
     "result = json.loads(out)\nassert result['experiment'] == 'werner', out[:200]\n"
     "assert (rc == 2 and 'results above are complete' in err) if result.get('figures') else rc == 0, (rc, err)",
     "ok", limit=40)


# == pytest side ========================================================================================
def _batches() -> dict[str, list[Case]]:
    out: dict[str, list[Case]] = {}
    normal = [c for c in CASES if c.batch is None]
    for i, c in enumerate(normal):
        out.setdefault(f"b{i // 40}", []).append(c)
    for c in CASES:
        if c.batch is not None:
            out.setdefault(c.batch, []).append(c)
    return out


BATCH_OF = {c.id: name for name, cases in _batches().items() for c in cases}
_RESULTS: dict[str, dict] = {}


def _run_batch(name: str, tmp_root: Path) -> None:
    cases = _batches()[name]
    folder = tmp_root / name
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / "cases.json"
    spec.write_text(json.dumps([{"id": c.id, "code": c.code, "limit": c.limit} for c in cases]))
    out = folder / "results.jsonl"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONHASHSEED="0")
    env.pop("SGGD_DEBUG", None)
    budget = sum(c.limit for c in cases) + 60
    try:
        subprocess.run([sys.executable, str(HERE), "RUN", str(spec), str(out), str(folder)], env=env,
                       cwd=str(folder), timeout=budget, capture_output=True, check=False)
    except subprocess.TimeoutExpired:
        pass
    if out.exists():
        for line in out.read_text().splitlines():
            if line.strip():
                record = json.loads(line)
                _RESULTS[record["id"]] = record
    for c in cases:
        _RESULTS.setdefault(c.id, {"id": c.id, "outcome": "killed", "elapsed": None})


def _params():
    import pytest

    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else [])
            for c in CASES]


def pytest_generate_tests(metafunc):  # noqa: D401 - collected by pytest through the module
    if "hostile" in metafunc.fixturenames:
        metafunc.parametrize("hostile", _params())


def test_battery_size():
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)


def test_hostile(hostile, tmp_path_factory):
    c = hostile
    if c.id not in _RESULTS:
        _run_batch(BATCH_OF[c.id], tmp_path_factory.getbasetemp() / "hostile")
    r = _RESULTS[c.id]
    assert not r.get("marker"), f"{c.id}: text was evaluated as code (the marker file exists)"
    assert r["outcome"] not in ("hang", "killed"), f"{c.id}: no answer within {c.limit} s ({r['outcome']})"
    assert r["elapsed"] <= c.limit, f"{c.id}: took {r['elapsed']:.1f} s, over {c.limit} s"
    if c.expect == "ok":
        assert r["outcome"] == "returned", f"{c.id}: {r.get('type')}: {r.get('message')}"
        return
    assert r["outcome"] == "raised", f"{c.id}: returned without an error (silently accepted)"
    if c.expect == "cli":
        assert r["type"] == "CliRefused", f"{c.id}: {r.get('type')}: {r.get('message')}"
    else:
        assert "SggdError" in r["mro"], f"{c.id}: raw {r['type']} (not a sggd_sym error): {r['message']}"
        assert c.expect in r["mro"], f"{c.id}: expected {c.expect}, got {r['type']}: {r['message']}"
    for fragment in c.match:
        assert fragment.lower() in r["message"].lower(), f"{c.id}: {fragment!r} not in {r['message']!r}"


# == the runner (a subprocess) ==========================================================================
def _runner(spec: str, out: str, folder: str) -> None:
    import contextlib
    import io
    import resource
    import signal
    import time
    import traceback

    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
    import numpy as np
    import sympy as sp

    import sggd_sym as sg
    import sggd_sym.cli
    import sggd_sym.derived.costs  # noqa: F401
    import sggd_sym.interop.circuit_json  # noqa: F401

    class Hang(BaseException):
        pass

    class CliRefused(Exception):
        pass

    def on_alarm(signum, frame):
        raise Hang()

    signal.signal(signal.SIGALRM, on_alarm)
    cases = json.loads(Path(spec).read_text())
    root = Path(folder)
    with open(out, "w") as results:
        for i, c in enumerate(cases):
            work = root / f"case{i}"
            work.mkdir(parents=True, exist_ok=True)
            marker = work / "MARKER"
            os.chdir(work)
            os.environ["SGGD_SYM_CACHE_DIR"] = str(work / "default-cache")

            def write(name, content, _work=work):
                p = _work / name
                (p.write_bytes if isinstance(content, bytes) else p.write_text)(content)
                return p

            def cli(*argv):
                o, e = io.StringIO(), io.StringIO()
                with contextlib.redirect_stdout(o), contextlib.redirect_stderr(e):
                    try:
                        rc = sggd_sym.cli.main(list(argv))
                    except SystemExit as ex:
                        rc = ex.code
                return rc, o.getvalue(), e.getvalue()

            def cli_fails(*argv):
                rc, o, e = cli(*argv)
                lines = e.strip().splitlines()
                if rc == 2 and len(lines) == 1 and "Traceback" not in e:
                    raise CliRefused(lines[0])
                raise AssertionError(f"exit {rc}, stderr {e[:500]!r}")

            def proc(*argv, env=None):
                full = dict(os.environ, **(env or {}))
                p = subprocess.run([sys.executable, "-m", "sggd_sym.cli", *argv], capture_output=True, text=True,
                                   env=full, timeout=30)
                return p.returncode, p.stdout, p.stderr

            t = sp.Symbol("t", real=True)
            a, b = sp.symbols("a b", real=True)
            namespace = {
                "sg": sg, "sp": sp, "np": np, "os": os, "json": json, "t": t, "a": a, "b": b, "W": work,
                "PAY": f"__import__('pathlib').Path({str(marker)!r}).touch()", "write": write, "cli": cli,
                "cli_fails": cli_fails, "proc": proc,
                "P1": lambda: sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2)),
            }
            record = {"id": c["id"]}
            start = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, c["limit"] + 0.5)
            try:
                exec(compile(c["code"], c["id"], "exec"), namespace)
                record["outcome"] = "returned"
            except Hang:
                record["outcome"] = "hang"
            except BaseException as err:  # noqa: BLE001 - everything is recorded
                record.update(outcome="raised", type=type(err).__name__, mro=[k.__name__ for k in type(err).__mro__],
                              message=str(err)[:2000], traceback=traceback.format_exc()[-3000:])
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            record["elapsed"] = time.perf_counter() - start
            record["marker"] = marker.exists()
            results.write(json.dumps(record) + "\n")
            results.flush()


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "RUN":
    _runner(*sys.argv[2:])
