"""The Gram (quadratic-form) evaluation of C_MSE, C_T, C_P and paired costs equals the direct path.

``C_P = aᵀ(M + λD)a − 2bᵀa + c`` with the data contracted once (``sggd_sym.derived.costs._Quadratic``) must agree with
the residual form on every point plus the commutant-coordinate penalty (``gram=False``), on one parameter
vector (the fast path), on batches and per seed; and with the independent simulator.
"""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.derived import costs
from sggd_sym.exceptions import InputTypeError, InputValueError


def _circuits():
    a, b, c, d = sp.symbols("a b c d", real=True)
    return {
        "hea21": sg.circuits.hardware_efficient(2, 1),
        "hea22": sg.circuits.hardware_efficient(2, 2),
        "mixed": sg.Circuit(2).ry(a, 0).rz(b, 1).cnot(0, 1).rx(c, 1).ry(d / 2 + sp.pi / 4, 0),
        "werner": sg.circuits.werner_ansatz(),
        # a shared parameter: factors c², cs, … (the kernel's power path)
        "shared": sg.Circuit(2).ry(a, 0).rz(b, 1).cnot(0, 1).ry(a, 1).rx(2 * b, 0).cnot(1, 0),
    }


CIRCUITS = _circuits()
OBSERVABLES = {"z0": sg.ops.pauli("ZI"), "3z0": 3 * sg.ops.pauli("ZI"), "swap": sg.ops.SWAP,
               "mix": sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2)}
GROUPS = {"swap": sg.groups.finite([sg.ops.SWAP]), "collective": sg.groups.collective_unitary(2),
          "s2": sg.groups.permutations(2)}


def _data(seed, n_points, kind):
    rng = np.random.default_rng(seed)
    if kind == "density":
        states = np.array([sim.random_density_matrix(4, rng) for _ in range(n_points)])
    else:
        x = rng.uniform(-1, 1, (n_points, 2))
        states = sg.datasets.encode(x)
    labels = rng.normal(size=n_points)
    return states, labels, rng


def _close(a, b, scale=1.0, tol=1e-12):
    np.testing.assert_allclose(a, b, rtol=0, atol=tol * max(1.0, scale))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(circuit=st.sampled_from(sorted(CIRCUITS)), obs=st.sampled_from(sorted(OBSERVABLES)),
       group=st.sampled_from(sorted(GROUPS)), kind=st.sampled_from(["density", "encoded"]),
       seed=st.integers(0, 10**6), n_points=st.integers(1, 40),
       lam=st.one_of(st.just(0.0), st.floats(0, 50, allow_nan=False)))
def test_gram_equals_direct_path(circuit, obs, group, kind, seed, n_points, lam):
    c, o, g = CIRCUITS[circuit], OBSERVABLES[obs], GROUPS[group]
    states, labels, rng = _data(seed, n_points, kind)
    model = costs.Model(c, o, states)
    fast = costs.penalised_cost(model, labels, g, lam)
    slow = costs.penalised_cost(model, labels, g, lam, gram=False)
    assert fast._quad is not None and slow._quad is None
    if circuit == "shared":
        plan = fast._quad.compiled._single_plan
        assert plan is None or plan[0] == "powers"
    p = len(c.parameters)
    theta = rng.uniform(-3 * np.pi, 3 * np.pi, p)
    batch = rng.uniform(-3 * np.pi, 3 * np.pi, (7, p))
    v0, g0 = slow.value_and_gradient(theta)
    scale = abs(v0) + float(np.abs(g0).max())
    v1, g1 = fast.value_and_gradient(theta)                      # one vector: the fast path
    _close(v1, v0, scale)
    _close(g1, g0, scale)
    _close(fast(theta), v0, scale)
    _close(fast.gradient(theta), g0, scale)
    vb0, gb0 = slow.value_and_gradient(batch)
    vb1, gb1 = fast.value_and_gradient(batch)
    scale_b = float(np.abs(vb0).max() + np.abs(gb0).max())
    _close(vb1, vb0, scale_b)
    _close(gb1, gb0, scale_b)
    # the single path equals the batch path of the same Gram form row by row
    for k in range(len(batch)):
        vk, gk = fast.value_and_gradient(batch[k])
        _close(vk, vb1[k], scale_b)
        _close(gk, gb1[k], scale_b)
    # parts: MSE (Gram) vs residuals, twirled cost
    for gram_fn, direct_fn in (
            (costs.mse_cost(model, labels), costs.mse_cost(model, labels, gram=False)),
            (costs.twirled_cost(model, labels, g, warn_invariant=False),
             costs.twirled_cost(model, labels, g, warn_invariant=False, gram=False))):
        a0, d0 = direct_fn.value_and_gradient(theta)
        a1, d1 = gram_fn.value_and_gradient(theta)
        _close(a1, a0, abs(a0) + float(np.abs(d0).max()))
        _close(d1, d0, abs(a0) + float(np.abs(d0).max()))
        _close(gram_fn(batch), direct_fn(batch), scale_b)


@settings(max_examples=10, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), lam=st.floats(0, 10, allow_nan=False))
def test_gram_cost_matches_simulator(seed, lam):
    """C_P from the Gram form vs sggd_sym.sim (statevector outputs, numeric twirl penalty, finite differences)."""
    c = CIRCUITS["hea22"]
    states, labels, rng = _data(seed, 16, "density")
    o = OBSERVABLES["3z0"]
    model = costs.Model(c, o, states)
    cost = costs.penalised_cost(model, labels, GROUPS["swap"], lam)
    ops_ = c.to_sim_ops()
    o_np = np.array(o.tolist(), dtype=complex)
    swap = np.array(sg.ops.SWAP.tolist(), dtype=complex)

    def reference(theta):
        u = sim.circuit_unitary(ops_, 2, theta)
        f = np.array([sim.expectation(o_np, u @ rho @ u.conj().T) for rho in states])
        ot = u.conj().T @ o_np @ u
        e = (ot + swap @ ot @ swap) / 2 - ot
        return np.mean((f - labels) ** 2) + lam * np.vdot(e, e).real

    theta = rng.uniform(-np.pi, np.pi, len(c.parameters))
    value, grad = cost.value_and_gradient(theta)
    assert abs(value - reference(theta)) < 1e-10 * max(1.0, abs(value))
    h = 1e-6
    fd = np.array([(reference(theta + h * e) - reference(theta - h * e)) / (2 * h) for e in np.eye(len(theta))])
    np.testing.assert_allclose(grad, fd, atol=1e-6 * max(1.0, abs(value)))


@settings(max_examples=15, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6), sets=st.integers(1, 6), n_points=st.integers(1, 30),
       twirl=st.booleans())
def test_paired_gram_equals_direct(seed, sets, n_points, twirl):
    c = CIRCUITS["hea22"]
    rng = np.random.default_rng(seed)
    data = [sg.datasets.encode(rng.uniform(-1, 1, (n_points, 2))) for _ in range(sets)]
    labels = rng.normal(size=(sets, n_points))
    model = costs.Model(c, OBSERVABLES["3z0"], data[0])
    group = GROUPS["swap"] if twirl else None
    fast = costs.paired_mse_cost(model, data, labels, group=group)
    slow = costs.paired_mse_cost(model, data, labels, group=group, gram=False)
    theta = rng.uniform(-np.pi, np.pi, (sets, len(c.parameters)))
    v0, g0 = slow.value_and_gradient(theta)
    v1, g1 = fast.value_and_gradient(theta)
    scale = float(np.abs(v0).max() + np.abs(g0).max())
    _close(v1, v0, scale)
    _close(g1, g0, scale)
    # row b equals the single-set Gram cost on data set b
    for b in range(sets):
        single = (costs.twirled_cost(costs.Model(c, OBSERVABLES["3z0"], data[b]), labels[b], group,
                                     warn_invariant=False) if twirl
                  else costs.mse_cost(costs.Model(c, OBSERVABLES["3z0"], data[b]), labels[b]))
        vb, gb = single.value_and_gradient(theta[b])
        _close(vb, v1[b], scale)
        _close(gb, g1[b], scale)


def test_near_perfect_fit_absolute_error():
    """At a perfect fit (labels = f_θ*(x)) the direct MSE is ~1e-32; the Gram form's error is absolute, a few
    ulp of aᵀMa — measured here (the issue's agreement bar with the JAX peer is 1e-9)."""
    c = sg.circuits.hardware_efficient(2, 3)
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (256, 2))
    model = costs.Model(c, 3 * sg.ops.pauli("ZI"), sg.datasets.encode(x))
    theta_star = rng.uniform(0, 2 * np.pi, len(c.parameters))
    labels = model.outputs(theta_star)
    fast, slow = costs.mse_cost(model, labels), costs.mse_cost(model, labels, gram=False)
    v0, g0 = slow.value_and_gradient(theta_star)
    v1, g1 = fast.value_and_gradient(theta_star)
    assert v0 < 1e-28 and np.abs(g0).max() < 1e-13
    assert abs(v1 - v0) < 1e-13          # measured: a few 1e-16 (aᵀMa ≈ 2 here)
    assert np.abs(g1 - g0).max() < 1e-13
    # and the penalised cost at λ = 1 (a symmetric θ* would also make P ≈ 0; here only the MSE part is tiny)
    cp_fast = costs.penalised_cost(model, labels, GROUPS["swap"], 1)
    cp_slow = costs.penalised_cost(model, labels, GROUPS["swap"], 1, gram=False)
    assert abs(cp_fast(theta_star) - cp_slow(theta_star)) < 1e-12


def test_fast_path_inputs_and_fallbacks():
    c = sg.circuits.hardware_efficient(2, 3)
    rng = np.random.default_rng(1)
    model = costs.Model(c, 3 * sg.ops.pauli("ZI"), sg.datasets.encode(rng.uniform(-1, 1, (20, 2))))
    labels = rng.choice([-1.0, 1.0], 20)
    cost = costs.penalised_cost(model, labels, GROUPS["swap"], 1)
    ref = costs.penalised_cost(model, labels, GROUPS["swap"], 1, gram=False)
    theta = rng.uniform(0, 2 * np.pi, 12)
    v, g = cost.value_and_gradient(theta)
    # lists and 2-D rows go the checked way, a strided view the fast one; all agree
    for other in (theta.tolist(), np.repeat(theta, 2)[::2], theta[None, :]):
        vo, go = cost.value_and_gradient(other)
        _close(np.ravel(vo)[0], v, abs(v))
        _close(np.reshape(go, -1), g, abs(v))
    vi, gi = cost.value_and_gradient(np.arange(12))
    vr, gr = ref.value_and_gradient(np.arange(12.0))
    _close(vi, vr, abs(vr))
    _close(gi, gr, abs(vr))
    # the gradient is a fresh array, not a reused buffer
    g[:] = 0.0
    assert np.abs(cost.gradient(theta)).max() > 0
    # bad input: the same errors as the checked path, whichever parameter is bad (also unused ones)
    inactive = [j for j in range(12) if j not in model.linear_map.compiled.active]
    assert inactive  # the last layer's RZ on qubit 0 and the last RY/RZ on qubit 1 do not reach Z⊗I
    for j in [0] + inactive:
        for bad in (np.nan, np.inf):
            t = theta.copy()
            t[j] = bad
            with pytest.raises(InputValueError):
                cost.value_and_gradient(t)
            with pytest.raises(InputValueError):
                cost(t)
    with pytest.raises(InputValueError):
        cost.value_and_gradient(theta[:5])
    with pytest.raises(InputTypeError):
        cost.value_and_gradient("0.1")


def test_constant_model_no_active_parameter():
    """No parameter reaches the observable (Õ = O): the single-vector kernel steps aside, values still agree."""
    t = sp.Symbol("t", real=True)
    c = sg.Circuit(2).rz(t, 0)
    rng = np.random.default_rng(2)
    states = np.array([sim.random_density_matrix(4, rng) for _ in range(6)])
    labels = rng.normal(size=6)
    model = costs.Model(c, sg.ops.pauli("ZI"), states)
    fast = costs.penalised_cost(model, labels, GROUPS["swap"], 2.0)
    slow = costs.penalised_cost(model, labels, GROUPS["swap"], 2.0, gram=False)
    for theta in (np.array([0.3]), np.array([[0.3], [1.2]])):
        v0, g0 = slow.value_and_gradient(theta)
        v1, g1 = fast.value_and_gradient(theta)
        _close(v1, v0, 10)
        _close(g1, g0, 10)


def test_training_with_gram_costs_equals_direct():
    """train() on the Gram parts (MSE) and on paired Gram costs follows the direct path (same Adam steps)."""
    from sggd_sym.training import train

    c = sg.circuits.hardware_efficient(2, 2)
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (64, 2))
    model = costs.Model(c, 3 * sg.ops.pauli("ZI"), sg.datasets.encode(x))
    labels = sg.datasets.circle_labels(x)
    theta0 = rng.uniform(0, 2 * np.pi, (4, len(c.parameters)))
    runs = [train(costs.penalised_cost(model, labels, GROUPS["swap"], 1.0, gram=gram), theta0, steps=50)
            for gram in (True, False)]
    np.testing.assert_allclose(runs[0].final_parameters, runs[1].final_parameters, atol=1e-9)
    np.testing.assert_allclose(runs[0].total, runs[1].total, atol=1e-11)
