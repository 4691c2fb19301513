"""`sggd-sym derive --circuit FILE`: text/LaTeX/JSON output, group/observable options, the cache."""

import json

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg
from sggd_sym import cli
from sggd_sym.cli import cache as cache_mod

PROBLEM = {"qubits": 2, "parameters": ["a", "b"],
           "gates": [{"gate": "ry", "qubits": [0], "angle": "a"}, {"gate": "cnot", "qubits": [0, 1]},
                     {"gate": "ry", "qubits": [1], "angle": "b"}],
           "group": {"name": "swap"}, "observable": "Z0"}


@pytest.fixture
def problem_file(tmp_path):
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(PROBLEM))
    return path


def run(capsys, *argv):
    code = cli.main(["derive", *map(str, argv)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_output_matches_the_library(problem_file, tmp_path, capsys):
    code, out, _ = run(capsys, "--circuit", problem_file, "--json", "--cache-dir", tmp_path / "c")
    assert code == 0
    data = json.loads(out)
    a, b = sp.symbols("a b", real=True)
    circuit = sg.Circuit(2).ry(a, 0).cnot(0, 1).ry(b, 1)
    P = sg.penalty(circuit, sg.ops.pauli("ZI"), sg.groups.finite([sg.ops.SWAP]))
    assert data["parameters"] == ["a", "b"]
    assert data["penalty"] == str(P.expr)
    # the printed closed form evaluates to the simulator-checked numeric penalty
    x = np.array([0.7, -0.4])
    Ot = circuit.unitary_numeric(x).conj().T @ np.diag([1.0, 1, -1, -1]) @ circuit.unitary_numeric(x)
    swap = np.eye(4)[[0, 2, 1, 3]]
    assert P(x) == pytest.approx(np.linalg.norm((Ot + swap @ Ot @ swap) / 2 - Ot) ** 2, abs=1e-12)


def test_text_latex_and_overrides(problem_file, tmp_path, capsys):
    code, out, _ = run(capsys, "--circuit", problem_file, "--no-cache")
    assert code == 0 and out.startswith("parameters: ['a', 'b']") and "penalty:" in out
    code, out, _ = run(capsys, "--circuit", problem_file, "--latex", "--no-cache")
    assert code == 0 and "% penalty" in out and "\\cos" in out
    code, out, _ = run(capsys, "--circuit", problem_file, "--json", "--no-cache", "--group", "collective",
                       "--observable", "Z0 + 1/2 X0 X1")
    assert code == 0 and json.loads(out)["group"].startswith("collective")


def test_second_derive_is_a_cache_hit(problem_file, tmp_path, capsys, monkeypatch):
    cache_dir = tmp_path / "cache"
    first = run(capsys, "--circuit", problem_file, "--cache-dir", cache_dir)
    assert len(list(cache_dir.glob("*.json"))) == 1

    def no_derivation(*args, **kwargs):
        raise AssertionError("derived again despite a cache hit")

    monkeypatch.setattr(cache_mod, "twirled_observable", no_derivation)
    monkeypatch.setattr(sg, "twirled_observable", no_derivation)
    second = run(capsys, "--circuit", problem_file, "--cache-dir", cache_dir)
    assert second == first
    # another output format of the same problem reuses the cached derivation (no derivation either)
    code, out, _ = run(capsys, "--circuit", problem_file, "--json", "--cache-dir", cache_dir)
    assert code == 0 and json.loads(out)["parameters"] == ["a", "b"]


def test_no_cache_writes_nothing(problem_file, tmp_path, capsys):
    run(capsys, "--circuit", problem_file, "--no-cache", "--cache-dir", tmp_path / "none")
    assert not (tmp_path / "none").exists()


def test_code_in_cache_file_is_refused(problem_file, tmp_path, capsys):
    cache_dir = tmp_path / "cache"
    _, good, _ = run(capsys, "--circuit", problem_file, "--cache-dir", cache_dir)
    (path,) = cache_dir.glob("*.json")
    data = json.loads(path.read_text())
    data["rendered"]["text"] = good
    data["exec"] = "import os; os.system('touch pwned')"
    path.write_text(json.dumps(data))
    with pytest.warns(cache_mod.CacheWarning, match="unexpected or missing keys"):
        code, out, _ = run(capsys, "--circuit", problem_file, "--cache-dir", cache_dir)
    assert code == 0 and out == good
    assert "exec" not in json.loads(path.read_text())


def test_bad_input_exits_2(problem_file, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**PROBLEM, "gates": [{"gate": "ry", "qubits": [0], "angle": "c"}]}))
    code, _, err = run(capsys, "--circuit", bad, "--no-cache")
    assert code == 2 and "gates[0].angle: unknown parameter 'c'" in err
    code, _, err = run(capsys, "hea", "--circuit", problem_file)
    assert code == 2 and "either a model" in err
    code, _, err = run(capsys, "--circuit", problem_file, "--observable", "Z7", "--no-cache")
    assert code == 2 and "--observable" in err


def test_builtin_models_still_work(tmp_path, capsys):
    code, out, _ = run(capsys, "werner", "--json", "--cache-dir", tmp_path)
    assert code == 0
    expected = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    assert json.loads(out)["penalty"] == str(expected.expr)
    assert expected(np.pi) == pytest.approx(3.0, abs=1e-12)


def test_version_flag_prints_the_package_version():
    import subprocess
    import sys

    import sggd_sym

    proc = subprocess.run([sys.executable, "-m", "sggd_sym.cli", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == f"sggd-sym {sggd_sym.__version__}"
