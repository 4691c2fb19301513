"""The JSON problem format: exact parsing, validation errors naming the JSON path, no evaluation of text."""

import json

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg
from sggd_sym.interop.circuit_json import load_problem, parse_angle_constant, parse_number, read_problem

SWAP_ROWS = [["1", "0", "0", "0"], ["0", "0", "1", "0"], ["0", "1", "0", "0"], ["0", "0", "0", "1"]]


def example():
    return json.loads(json.dumps(_example()))


def _example():
    return {"qubits": 2, "parameters": ["a", "b"],
            "gates": [{"gate": "ry", "qubits": [0], "angle": {"param": "a", "scale": "2", "offset": "pi/4"}},
                      {"gate": "cnot", "qubits": [0, 1]},
                      {"gate": "pauli", "word": "XY", "qubits": [0, 1], "angle": "b"},
                      {"gate": "exp", "generator": {"ZZ": "1/2", "XX": "-1"}, "qubits": [1, 0], "angle": "-pi/3"},
                      {"gate": "h", "qubits": [1]}],
            "group": {"generators": [SWAP_ROWS]},
            "observable": "Z0 + 1/2 X0 X1"}


def test_example_builds_the_same_circuit_as_the_builder():
    problem = load_problem(json.dumps(example()))
    a, b = sp.symbols("a b", real=True)
    ref = (sg.Circuit(2).ry(2 * a + sp.pi / 4, 0).cnot(0, 1).pauli(b, "XY", [0, 1])
           .exp(-sp.pi / 3, {"ZZ": sp.Rational(1, 2), "XX": -1}, [1, 0]).h(1))
    x = np.array([0.4, -1.3])
    assert np.max(np.abs(problem.circuit.unitary_numeric(x) - ref.unitary_numeric(x))) < 1e-13
    assert problem.group.order == 2
    assert problem.observable == sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2)


def test_named_and_lie_groups():
    data = {"qubits": 2, "gates": [], "group": {"name": "collective"}}
    assert load_problem(data).group.commutant_dimension() == 2
    zz_sum = [["2", "0", "0", "0"], ["0", "0", "0", "0"], ["0", "0", "0", "0"], ["0", "0", "0", "-2"]]
    lie = load_problem({"qubits": 2, "gates": [], "group": {"lie": [zz_sum], "discrete": [SWAP_ROWS]}}).group
    assert lie.is_invariant(sg.ops.pauli("ZZ"))
    assert not lie.is_invariant(sg.ops.pauli("XI"))


def test_numbers_are_exact():
    assert parse_number("1/2 - 1/2i") == sp.Rational(1, 2) - sp.I / 2
    assert parse_number("sqrt(2)/2") == sp.sqrt(2) / 2
    assert parse_number("-i") == -sp.I
    assert parse_angle_constant("-3*pi/2") == -sp.Rational(3, 2) * sp.pi
    assert parse_angle_constant("2pi/3") == 2 * sp.pi / 3
    assert parse_angle_constant("7") == 7


@pytest.mark.parametrize("edit, path", [
    (lambda d: d["gates"][3].update(angle={"param": "c"}), "gates[3].angle.param: unknown parameter 'c'"),
    (lambda d: d["gates"][2].update(angle="zz"), "gates[2].angle: unknown parameter 'zz'"),
    (lambda d: d["gates"][1].update(gate="toffoli"), "gates[1].gate: unknown gate"),
    (lambda d: d["gates"][0].update(angle="0.5"), "gates[0].angle: cannot read"),
    (lambda d: d["gates"][0].update(angle="__import__('os')"), "gates[0].angle"),
    (lambda d: d["gates"][0].update(qubits=[7]), "gates[0]: .*out of range"),
    (lambda d: d["gates"][3]["generator"].update(ZZ="1.5"), r"gates\[3\].generator.ZZ"),
    (lambda d: d.update(__reduce__="os.system"), "unknown key"),
    (lambda d: d["group"]["generators"][0][1].__setitem__(0, "x"), r"group.generators\[0\]\[1\]\[0\]"),
    (lambda d: d.update(group={"name": "nope"}), "group.name: unknown group"),
    (lambda d: d.update(observable="Q0"), "observable: "),
    (lambda d: d.update(parameters=["a", "a"]), "parameters: duplicate"),
    (lambda d: d.update(qubits=0), "qubits: "),
])
def test_errors_name_the_json_path(edit, path):
    data = example()
    edit(data)
    with pytest.raises((sg.InputValueError, sg.InputTypeError), match=path.replace("[", r"\[").replace("]", r"\]")
                       if "\\" not in path else path):
        load_problem(data)


def test_invalid_json_and_files(tmp_path):
    with pytest.raises(sg.InputValueError, match="not valid JSON"):
        load_problem("{not json")
    bad = tmp_path / "c.txt"
    bad.write_text("{}")
    with pytest.raises(sg.InputValueError, match=".json"):
        read_problem(bad)
    good = tmp_path / "c.json"
    good.write_text(json.dumps(example()))
    assert read_problem(good).circuit.n_qubits == 2


def test_qasm2_file(tmp_path):
    pytest.importorskip("qiskit")
    path = tmp_path / "c.qasm"
    path.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\n'
                    'ry(pi/4) q[0];\ncx q[0],q[1];\nrz(-pi/2) q[1];\n')
    circuit = read_problem(path).circuit
    assert [g.name for g in circuit.gates] == ["ry", "cnot", "rz"]
    assert circuit.gates[2].angle == -sp.pi / 2
    path.write_text('OPENQASM 2.0;\nqreg q[1];\nfoo q[0];\n')
    with pytest.raises(sg.InputValueError, match="not valid OpenQASM"):
        read_problem(path)


def test_qasm3_file_with_input_parameter(tmp_path):
    pytest.importorskip("qiskit")
    pytest.importorskip("qiskit_qasm3_import")
    path = tmp_path / "c.qasm"
    path.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\ninput float a;\n'
                    "ry(2*a + pi/4) q[0];\ncx q[0], q[1];\n")
    circuit = read_problem(path).circuit
    a = sp.Symbol("a", real=True)
    assert circuit.parameters == (a,) and circuit.gates[0].angle == 2 * a + sp.pi / 4
