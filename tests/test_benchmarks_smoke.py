"""Smoke run of the benchmark suite (issue 6): ``benchmarks/run.py --quick --json`` with tiny sizes.

Checks the JSON schema, that every case produced a row, that the timed tools agree numerically with
sggd_sym (value + gradient, final training costs), and that the script still works without PennyLane
(hidden by a stub package on ``PYTHONPATH`` whose import fails).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "run.py"
DERIVATION_CASES = ["2q HEA p=4", "2q HEA p=8", "3q HEA p=12 S3", "Werner (Eq. 11)"]
PENNYLANE_TOOLS = ["pennylane default.qubit backprop", "pennylane default.qubit parameter-shift"]


def run_quick(*extra: str, env: dict | None = None) -> dict:
    proc = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--json", "--repeats", "1", *extra],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def quick() -> dict:
    return run_quick("--baseline-timeout", "30")


def test_schema_and_versions(quick):
    assert set(quick) == {"rows", "versions"}
    for key in ("python", "numpy", "sympy", "pennylane", "machine"):
        assert quick["versions"][key]
    for row in quick["rows"]:
        assert {"case", "tool", "median_s", "ratio_to_baseline"} <= set(row)
        assert isinstance(row["case"], str) and isinstance(row["tool"], str)
        if row["median_s"] is None:
            assert row.get("status"), row  # every missing time says why
        else:
            assert row["median_s"] > 0
        if row["ratio_to_baseline"] is not None:
            assert row["ratio_to_baseline"] > 0


def test_every_case_has_a_row(quick):
    rows = quick["rows"]
    assert {r["bench"] for r in rows} == {1, 2, 3}
    for name in DERIVATION_CASES:
        for kind in ("derive O~", "derive P + grad (compiled)"):
            timed = [r for r in rows if r["case"] == f"{kind}: {name}" and r["tool"] == "sggd_sym"]
            assert len(timed) == 1 and timed[0]["median_s"] > 0, (kind, name)
    werner = [r for r in rows if r["case"] == "derive P + grad (compiled): Werner (Eq. 11)"]
    baseline = [r for r in werner if r["tool"].startswith("plain sympy")][0]
    assert baseline["median_s"] is not None or baseline["status"] == "> limit"
    tools = {r["tool"] for r in rows if r["bench"] == 2}
    assert {"sggd_sym (compiled closed form)", "numpy by hand (fused unitary, vectorised shift)",
            *PENNYLANE_TOOLS} <= tools
    assert len([r for r in rows if r["bench"] == 3]) == 2


def test_unused_parameters_reported(quick):
    """One layer of the 2-qubit HEA with O = Z⊗I: the {I, SWAP} penalty is the constant 2 (issue 6)."""
    row = [r for r in quick["rows"] if r["case"] == "derive P + grad (compiled): 2q HEA p=4"
           and r["tool"] == "sggd_sym"][0]
    assert row["p"] == 4 and len(row["unused"]) >= 3


def test_tools_agree_with_sggd_sym(quick):
    for row in quick["rows"]:
        if "max_abs_diff" in row:
            assert row["max_abs_diff"] < 1e-8, row
        if "max_abs_diff_final_cost" in row:
            assert row["max_abs_diff_final_cost"] < 1e-6, row


def test_runs_without_pennylane(tmp_path):
    stub = tmp_path / "pennylane"
    stub.mkdir()
    (stub / "__init__.py").write_text("raise ImportError('pennylane hidden by the smoke test')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT), os.environ.get("PYTHONPATH", "")]))
    out = run_quick("--no-baseline", "--only", "2", "--only", "3", env=env)
    assert out["versions"]["pennylane"] == "not installed"
    missing = [r for r in out["rows"] if r["tool"].startswith("pennylane")]
    assert missing and all(r["status"] == "not installed" and r["median_s"] is None for r in missing)
    assert all(r["median_s"] > 0 for r in out["rows"] if not r["tool"].startswith("pennylane"))


def test_scale_benchmark_bar_cases_agree_with_numpy():
    """The issue-10 bar cases of ``benchmarks/scale.py`` agree with its dense numpy reference."""
    import importlib.util

    import numpy as np

    spec = importlib.util.spec_from_file_location("scale_bench", ROOT / "benchmarks" / "scale.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rng = np.random.default_rng(0)
    for name in ("ring8-cyclic", "chain6-collective", "chain8-u1"):
        row = bench.run_case(name, 1, rng)
        assert row["value_error"] < 1e-9, row
        assert row["gradient_error"] < 1e-5, row


def test_deep_circuits_benchmark_smoke():
    """``benchmarks/deep_circuits.py`` (issue 11) without the peer: ⟨0|Õ|0⟩'s value at θ equals the
    simulator's, and the operator has at least as many terms as its merged expectation."""
    import numpy as np

    import sggd_sym as sg
    from sggd_sym import sim

    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "deep_circuits.py"), "--cases", "2x3,3x2",
                           "--repeats", "1", "--json"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = json.loads(proc.stdout)["rows"]
    assert [(r["n"], r["layers"]) for r in rows] == [(2, 3), (3, 2)]
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import deep_circuits
    finally:
        sys.path.pop(0)
    for row in rows:
        n, layers = row["n"], row["layers"]
        assert row["operator_terms"] >= row["terms"] > 0
        theta = np.random.default_rng(n * 100 + layers).uniform(-np.pi, np.pi, size=2 * n * layers)
        circuit = sg.circuits.hardware_efficient(n, layers)
        state = sim.statevector(circuit.to_sim_ops(), n, theta)
        z0 = np.kron(np.diag([1.0, -1.0]), np.eye(2 ** (n - 1)))
        assert deep_circuits.ours(n, layers, theta)["value"] == pytest.approx(
            float(np.real(state.conj() @ z0 @ state)), abs=1e-12)
