"""JAX backend (sggd_sym.numeric.jax_backend): the compiled monomial tables in jnp equal the numpy evaluator."""

import time

import numpy as np
import pytest
import sympy as sp

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import sggd_sym as sg  # noqa: E402
from sggd_sym import sim  # noqa: E402
from sggd_sym.data.datasets import circle_labels, encode, swap_group, uniform_square  # noqa: E402
from sggd_sym.derived import postprocess as pp  # noqa: E402
from sggd_sym.derived import postprocessed_costs as ppc  # noqa: E402
from sggd_sym.derived.costs import Model, expectation, mse_cost, penalised_cost  # noqa: E402
from sggd_sym.numeric import DerivedFunction  # noqa: E402
from sggd_sym.numeric import jax_backend as jb  # noqa: E402
from sggd_sym.numeric.jax_backend import to_jax  # noqa: E402

TOL = 1e-12


_JITTED = {}


def _close(fn, theta, scale=1.0):
    vg = _JITTED.get(id(fn))
    if vg is None:
        vg = _JITTED[id(fn)] = (fn, jax.jit(jax.value_and_grad(to_jax(fn))))
    value, grad = vg[1](jnp.asarray(theta))
    v0, g0 = fn.value_and_gradient(theta)
    tol = TOL * max(1.0, scale, abs(v0), float(np.abs(g0).max(initial=0)))
    assert abs(float(value) - v0) <= tol
    assert np.max(np.abs(np.asarray(grad) - g0), initial=0) <= tol


def _angles(p):
    # generic values mixed with multiples of π/2 (cos or sin vanishes: the derivative tables must stay exact)
    generic = st.floats(-2 * np.pi, 2 * np.pi, allow_nan=False)
    special = st.integers(-4, 4).map(lambda k: k * np.pi / 2)
    return st.lists(st.one_of(generic, special), min_size=p, max_size=p).map(np.array)


@pytest.fixture(scope="module")
def penalties():
    he = sg.circuits.hardware_efficient
    return {
        "werner": sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2)),
        "he22_swap": sg.penalty(he(2, 2), sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2), sg.groups.finite([sg.ops.SWAP])),
        "he23_rx": sg.penalty(he(2, 3, rotations=("rx", "ry")), sg.ops.pauli("ZX"), swap_group()),
        "he33_s3": sg.penalty(he(3, 3), sg.ops.pauli("ZII"), sg.groups.permutations(3)),
    }


@pytest.mark.parametrize("name", ["werner", "he22_swap", "he23_rx", "he33_s3"])
def test_penalty_value_and_gradient_equal_numpy(penalties, name):
    P = penalties[name]
    p = len(P.parameters)
    assert to_jax(P).native

    @settings(max_examples=25, deadline=None)
    @given(_angles(p))
    def check(theta):
        _close(P, theta)

    check()


def test_vmap_and_hessian(penalties):
    P = penalties["he22_swap"]
    f = to_jax(P)
    rng = np.random.default_rng(0)
    batch = rng.uniform(-np.pi, np.pi, (7, len(P.parameters)))
    values, grads = jax.jit(jax.vmap(jax.value_and_grad(f)))(batch)
    v0, g0 = P.value_and_gradient(batch)
    assert np.max(np.abs(np.asarray(values) - v0)) < TOL
    assert np.max(np.abs(np.asarray(grads) - g0)) < TOL
    # second derivatives exist (pure jnp) and match finite differences of the numpy gradient
    x = batch[0]
    hess = np.asarray(jax.hessian(f)(x))
    h = 1e-6
    fd = np.array([(P.gradient(x + h * e) - P.gradient(x - h * e)) / (2 * h) for e in np.eye(len(x))])
    assert np.max(np.abs(hess - fd)) < 1e-6
    assert np.max(np.abs(hess - hess.T)) < 1e-10


def _circle_model(n_points=12):
    x = uniform_square(n_points, 0)
    model = Model(sg.circuits.hardware_efficient(2, 3), 3 * sg.ops.pauli("ZI"), encode(x))
    return model, circle_labels(x)


def test_costs_and_combinations_equal_numpy():
    model, y = _circle_model()
    cost = penalised_cost(model, y, swap_group(), 1)
    mse = mse_cost(model, y)
    f0 = expectation(model, 3)
    combos = [cost, cost.mse, cost.penalty, mse, f0, mse + cost.penalty, cost.penalty.scaled(sp.Rational(3, 2)),
              (mse + f0).scaled(-2.0)]
    rng = np.random.default_rng(4)
    for fn in combos:
        for _ in range(3):
            _close(fn, rng.uniform(-np.pi, np.pi, len(fn.parameters)))
        assert jb.to_jax(fn) is jb.to_jax(fn)  # cached
        assert jb.to_jax(fn).native, fn.name  # no numpy callback inside


def test_penalised_cost_property():
    model, y = _circle_model(8)
    cost = penalised_cost(model, y, swap_group(), 2)

    @settings(max_examples=30, deadline=None)
    @given(_angles(len(cost.parameters)))
    def check(theta):
        _close(cost, theta)

    check()


def test_postprocessing_costs_and_modified_penalty():
    t = sp.Symbol("t")
    a, b, c = sp.symbols("a b c")
    circuit = sg.Circuit(2).ry(a, 0).rz(b, 1).cnot(0, 1).rx(c, 0)
    rng = np.random.default_rng(3)
    states = np.array([sim.random_density_matrix(4, rng) for _ in range(5)])
    model = Model(circuit, sg.ops.pauli("ZI"), states)
    labels = rng.choice([-1.0, 1.0], size=5)
    fns = [ppc.postprocessed_cost(model, labels, sp.tanh(2 * t), t, None),
           ppc.postprocessed_cost(model, labels, sp.tanh(2 * t), t, 3),
           ppc.postprocessed_cost(model, labels, sp.exp(t), t, 2)]
    c1 = sg.Circuit(1).rz(b, 0).ry(a, 0)
    fns.append(pp.modified_penalty(c1, sg.ops.Z, sg.groups.finite([sg.ops.Z]), sp.tanh(t), t, 3))
    for fn in fns:
        assert to_jax(fn).native, fn.name
        for _ in range(3):
            _close(fn, rng.uniform(-np.pi, np.pi, len(fn.parameters)))


def test_fallback_callback_and_error():
    a = sp.Symbol("a")

    def evaluate(theta):
        return np.sin(theta[:, 0]) ** 2, (2 * np.sin(theta[:, 0]) * np.cos(theta[:, 0]))[:, None]

    fn = DerivedFunction((a,), evaluate, lambda: sp.sin(a) ** 2, name="custom")
    with pytest.raises(jb.JaxUnsupported):
        jb.to_jax(fn, fallback="error")
    f = jb.to_jax(fn)
    assert not f.native
    assert not jb.to_jax(fn + fn).native
    x = np.array([0.7])
    v, g = jax.jit(jax.value_and_grad(f))(x)
    assert float(v) == pytest.approx(np.sin(0.7) ** 2, abs=TOL)
    assert float(g[0]) == pytest.approx(np.sin(1.4), abs=TOL)
    batch = np.array([[0.1], [0.2], [0.3]])
    vals = jax.vmap(f)(batch)
    assert np.allclose(np.asarray(vals), np.sin(batch[:, 0]) ** 2, atol=TOL)


def test_bad_input():
    P = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    with pytest.raises(sg.exceptions.InputTypeError):
        jb.to_jax("not a function")
    with pytest.raises(sg.exceptions.InputValueError):
        jb.to_jax(P, fallback="maybe")
    with pytest.raises(sg.exceptions.InputValueError, match="shape"):
        to_jax(P)(np.zeros(3))


def test_compiles_fast_at_24_parameters():
    P = sg.penalty(sg.circuits.hardware_efficient(3, 4), sg.ops.pauli("ZII"), sg.groups.permutations(3))
    assert len(P.parameters) == 24
    start = time.perf_counter()
    vg = jax.jit(jax.value_and_grad(to_jax(P)))
    theta = np.random.default_rng(1).uniform(-np.pi, np.pi, 24)
    value, grad = vg(theta)
    grad.block_until_ready()
    assert time.perf_counter() - start < 60  # generous: ~0.5 s here; the lambdified tree took minutes
    v0, g0 = P.value_and_gradient(theta)
    assert abs(float(value) - v0) < TOL and np.max(np.abs(np.asarray(grad) - g0)) < TOL


def test_export_jax_routes_through_backend():
    from sggd_sym.interop.export import to_pennylane_penalty

    P = sg.penalty(sg.circuits.hardware_efficient(2, 4), sg.ops.pauli("ZI"), swap_group())
    f = to_pennylane_penalty(P, "jax")
    x = np.random.default_rng(2).uniform(-np.pi, np.pi, len(P.parameters))
    assert float(jax.jit(f)(x)) == pytest.approx(P(x), abs=TOL)
    assert np.max(np.abs(np.asarray(jax.grad(f)(x.reshape(4, -1))).reshape(-1) - P.gradient(x))) < TOL


def test_jax_builder_hook():
    a = sp.Symbol("a")

    def evaluate(theta):
        return np.cos(theta[:, 0]), -np.sin(theta[:, 0])[:, None]

    fn = DerivedFunction((a,), evaluate, lambda: sp.cos(a), name="cos",
                         jax_builder=lambda: (lambda theta: jnp.cos(theta[0])))
    f = to_jax(fn)
    assert f.native
    _close(fn, np.array([0.3]))


@pytest.mark.parametrize("method", ["adam", "gd"])
def test_train_jax_backend_equals_numpy(method):
    from sggd_sym.training import train

    model, y = _circle_model(8)
    cost = penalised_cost(model, y, swap_group(), 1)
    theta0 = np.random.default_rng(1).uniform(0, 2 * np.pi, (3, len(cost.parameters)))
    lam = (lambda step: min(1.0, 0.1 * step)) if method == "gd" else None
    # rounding differences grow along a trajectory (chaotic steps); 1e-9 over 25 small steps
    ref = train(cost, theta0, method=method, learning_rate=0.01, steps=25, lam=lam)
    got = train(cost, theta0, method=method, learning_rate=0.01, steps=25, lam=lam, backend="jax")
    for field in ("cost", "penalty", "lam", "parameters"):
        assert np.max(np.abs(getattr(got, field) - getattr(ref, field))) < 1e-9, field
    single = train(cost.mse, theta0[0], steps=5, backend="jax")
    assert single.parameters.shape == (6, len(cost.parameters)) and not single.penalty.any()
    with pytest.raises(sg.exceptions.InputValueError, match="backend"):
        train(cost, theta0, steps=2, backend="torch")


def test_benchmark_script_quick():
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, str(root / "benchmarks" / "jax_backend.py"), "--quick", "--json",
                           "--repeats", "1"], capture_output=True, text=True, timeout=300, cwd=root)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = json.loads(proc.stdout)["rows"]
    assert {r["bench"] for r in rows} == {4, 5, 6}
    for r in rows:
        assert r["median_s"] is not None and r["median_s"] >= 0
        for key in ("max_abs_diff", "max_abs_diff_final_parameters"):
            if key in r:
                assert r[key] < 1e-6, r
