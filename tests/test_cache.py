"""The derivation cache: exact round trip, hits counted, foreign/corrupt/code-bearing files refused."""

import json

import numpy as np
import pytest

import sggd_sym as sg
from sggd_sym.cli import cache as cache_mod
from sggd_sym.cli.cache import CacheWarning, DerivationCache, problem_key


def problem():
    circuit = sg.circuits.hardware_efficient(2, 2)
    return circuit, sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2), sg.groups.finite([sg.ops.SWAP])


def test_round_trip_is_exact_and_counted(tmp_path):
    circuit, O, G = problem()
    first = DerivationCache(tmp_path).twirled_observable(circuit, O, G)
    fresh = DerivationCache(tmp_path)
    loaded = fresh.twirled_observable(circuit, O, sg.groups.finite([sg.ops.SWAP]))
    assert (fresh.hits, fresh.misses) == (1, 0)
    assert loaded.heisenberg.terms == first.heisenberg.terms
    assert loaded.coordinates == first.coordinates
    assert loaded.twirled_terms == first.twirled_terms
    x = np.random.default_rng(3).uniform(-3, 3, len(circuit.parameters))
    p1, p2 = sg.penalties.penalty_from(first), sg.penalties.penalty_from(loaded)
    assert p2(x) == pytest.approx(p1(x), abs=1e-13)
    assert np.max(np.abs(p2.gradient(x) - p1.gradient(x))) < 1e-13


def test_key_depends_on_every_input():
    circuit, O, G = problem()
    key = problem_key(circuit, O, G)
    assert key == problem_key(*problem())
    assert key != problem_key(circuit, sg.ops.pauli_sum("Z0", 2), G)
    assert key != problem_key(circuit, O, sg.groups.collective_unitary(2))
    assert key != problem_key(sg.circuits.hardware_efficient(2, 1), O, G)


def _cached_file(tmp_path):
    circuit, O, G = problem()
    DerivationCache(tmp_path).twirled_observable(circuit, O, G)
    (path,) = tmp_path.glob("*.json")
    return path


def _edit_reduce(d):
    d["__reduce__"] = ["os.system", "echo pwned"]


def _edit_code_coefficient(d):
    word = next(iter(d["heisenberg"]))
    d["heisenberg"][word][0][1] = "__import__('os').system('echo pwned')"


def _edit_version(d):
    d["version"] = 999


def _edit_foreign(d):
    d["schema"] = "something.else"


def _edit_zero_den(d):
    d["norms"][0] = "1/0"


@pytest.mark.parametrize("edit", [_edit_reduce, _edit_code_coefficient, _edit_version, _edit_foreign,
                                  _edit_zero_den])
def test_bad_files_are_refused_and_rederived(tmp_path, edit):
    path = _cached_file(tmp_path)
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    c = DerivationCache(tmp_path)
    with pytest.warns(CacheWarning, match="refused"):
        twirled = c.twirled_observable(*problem())
    assert (c.refused, c.misses, c.hits) == (1, 1, 0)
    assert twirled.coordinates == sg.twirled_observable(*problem()).coordinates
    again = DerivationCache(tmp_path)
    again.twirled_observable(*problem())
    assert again.hits == 1  # the refused file was replaced by a good one


def test_corrupt_file_is_refused(tmp_path):
    path = _cached_file(tmp_path)
    path.write_text('{"schema": "sggd_sym.derivation-cache", "vers')
    with pytest.warns(CacheWarning, match="not valid JSON"):
        DerivationCache(tmp_path).twirled_observable(*problem())


def test_algebraic_domain_is_not_cached(tmp_path):
    circuit = sg.Circuit(1).ry(sg.circuits.hardware_efficient(1, 1).parameters[0], 0).t(0)
    c = DerivationCache(tmp_path)
    c.twirled_observable(circuit, sg.ops.pauli("X"), sg.groups.finite([sg.ops.Z]))
    assert list(tmp_path.glob("*.json")) == []


def test_default_directory_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SGGD_SYM_CACHE_DIR", str(tmp_path / "here"))
    assert cache_mod.default_cache_dir() == tmp_path / "here"
    monkeypatch.delenv("SGGD_SYM_CACHE_DIR")
    assert cache_mod.default_cache_dir().name == "sggd_sym"
