"""E4 Hamming-weight experiment (SPEC §3): labels, bias, exact symmetry of the equivariant ansatz, and a
small run whose figures are checked against the model they claim to report."""

import json
import subprocess
import sys

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg
from sggd_sym.experiments import hamming


def test_labels_and_the_training_bias():
    bits = hamming.bit_strings(6)
    assert bits.shape == (64, 6)
    y = hamming.labels(bits)
    assert np.sum(y > 0) == 15 + 6 + 1           # weights 4, 5, 6
    lean = hamming.leans_first(bits)
    assert lean.sum() == (64 + 20) // 2          # symmetric in the halves, ties counted once
    # the bias is not permutation invariant, the labels are
    perm = np.array([3, 4, 5, 0, 1, 2])
    assert not np.array_equal(lean, hamming.leans_first(bits[:, perm]))
    np.testing.assert_array_equal(y, hamming.labels(bits[:, perm]))


@pytest.mark.parametrize("n", [4, 6])
def test_equivariant_ansatz_is_exactly_symmetric_and_hea_is_not(n):
    G = sg.groups.permutations(n)
    eq = sg.penalty(hamming.equivariant_ansatz(n, 1), hamming.observable(n), G)
    assert eq.expr == 0
    hea = sg.penalty(sg.circuits.hardware_efficient(n, 1, final_rotations=True), hamming.observable(n), G)
    theta = np.random.default_rng(0).uniform(0, 2 * np.pi, (3, len(hea.parameters)))
    assert np.all(hea(theta) > 1e-3)
    # the equivariant ansatz at zero angles is U = I, whose output sign is the label
    assert len(eq.parameters) == 5


def test_observable_at_identity_classifies_every_string():
    for n in (6, 8):
        bits = hamming.bit_strings(n)
        o = hamming.observable(n)
        f = -(n - 2 * bits.sum(axis=1)) / n - 1 / (2 * n)   # ⟨x|O|x⟩ with Z|0⟩ = |0⟩, Z|1⟩ = −|1⟩
        assert o["I" * n] == sp.Rational(-1, 2 * n)
        np.testing.assert_array_equal(np.sign(f), hamming.labels(bits))


def test_small_run_reports_what_it_measures(tmp_path):
    cfg = dict(sizes=(6,), steps=40, lambdas=(1.0,))
    result = hamming.run(seeds=3, outdir=tmp_path, **cfg)
    rows = {(r["method"], r["lambda"]): r for r in result["rows"]}
    assert set(rows) == {("mse", None), ("penalty", 1.0), ("augmentation", None), ("equivariant", None)}
    for r in rows.values():
        assert r["seeds"] == 3 and 0 <= r["test_accuracy_mean"] <= 1
    # recompute one row from its job: the report is the job's own numbers
    job = {"cfg": dict(hamming.DEFAULTS, **cfg, seeds=3), "n": 6, "method": "mse", "lam": None, "seeds": [0, 1, 2]}
    job["cfg"]["n_train"] = {6: 24, 8: 64}
    again = hamming.run_job(job)
    assert np.mean(again["accuracy"]) == pytest.approx(rows[("mse", None)]["test_accuracy_mean"])
    assert rows[("equivariant", None)]["final_penalty_median"] == 0.0
    assert "E4 Hamming" in hamming.format_report(result)
    assert all(p.endswith(".png") for p in result["figures"])


@pytest.mark.slow
def test_reproduce_hamming_cli_json():
    proc = subprocess.run([sys.executable, "-m", "sggd_sym.cli", "reproduce", "hamming", "--seeds", "2", "--json",
                           "--no-progress"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(proc.stdout)
    assert data["experiment"] == "hamming"
    assert {r["n"] for r in data["rows"]} == {6, 8} and all(r["seeds"] == 2 for r in data["rows"])
    eq = [r for r in data["rows"] if r["method"] == "equivariant"]
    assert all(r["final_penalty_median"] == 0.0 for r in eq)
