"""Costs of Eq. 1, 6, 7 from the derived formulas, checked against the independent simulator."""

import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import sim
from sggd_sym.data import werner as W
from sggd_sym.derived import costs
from sggd_sym.exceptions import InputTypeError, InputValueError

SWAP_GROUP = sg.groups.finite([sg.ops.SWAP])


def _circuits():
    a, b, c = sp.symbols("a b c", real=True)
    hea = sg.Circuit(2).ry(a, 0).rz(b, 1).cnot(0, 1).rx(c, 1)
    return {"werner": sg.circuits.werner_ansatz(), "hea": hea}


CIRCUITS = _circuits()
OBSERVABLES = {"swap": sg.ops.SWAP, "z0": sg.ops.pauli("ZI"), "mix": sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2)}


def _np(m):
    return np.array(m.tolist(), dtype=complex)


def _random_data(seed, n_points):
    rng = np.random.default_rng(seed)
    states = np.array([sim.random_density_matrix(4, rng) for _ in range(n_points)])
    labels = rng.choice([-1.0, 1.0], size=n_points)
    return states, labels, rng


@settings(max_examples=25, deadline=None, derandomize=True)
@given(circuit=st.sampled_from(sorted(CIRCUITS)), obs=st.sampled_from(sorted(OBSERVABLES)),
       seed=st.integers(0, 10**6), n_points=st.integers(1, 5))
def test_cost_and_gradient_match_simulator(circuit, obs, seed, n_points):
    """f (Eq. 1) and its parameter-shift gradient; C_MSE and its chain-rule gradient; C_P with sim.penalty."""
    c, o = CIRCUITS[circuit], OBSERVABLES[obs]
    states, labels, rng = _random_data(seed, n_points)
    theta = rng.uniform(-np.pi, np.pi, size=len(c.parameters))
    model = costs.Model(c, o, states)
    ops_, o_np = c.to_sim_ops(), _np(o)
    f_sim, grad_sim = [], []
    for rho in states:
        def expval(u, rho=rho):
            return sim.expectation(o_np, u @ rho @ u.conj().T)
        f_sim.append(expval(sim.circuit_unitary(ops_, 2, theta)))
        grad_sim.append(sim.parameter_shift_gradient(ops_, 2, theta, expval))
    f_sim, grad_sim = np.array(f_sim), np.array(grad_sim)
    np.testing.assert_allclose(model.outputs(theta), f_sim, atol=1e-10)
    for i in range(n_points):
        f_i = costs.expectation(model, i)
        np.testing.assert_allclose(f_i.gradient(theta), grad_sim[i], atol=1e-9)
    mse = costs.mse_cost(model, labels)
    value, grad = mse.value_and_gradient(theta)
    assert value == pytest.approx(np.mean((f_sim - labels) ** 2), abs=1e-10)
    np.testing.assert_allclose(grad, 2 * np.mean((f_sim - labels)[:, None] * grad_sim, axis=0), atol=1e-9)
    lam = float(rng.uniform(0, 5))
    cp = costs.penalised_cost(model, labels, SWAP_GROUP, lam)
    u = sim.circuit_unitary(ops_, 2, theta)
    p_sim = sim.penalty(u, o_np, lambda x: sim.twirl_finite(x, [np.eye(4), _np(sg.ops.SWAP)]))
    assert cp(theta) == pytest.approx(value + lam * p_sim, abs=1e-9)
    fd = sim.finite_difference_gradient(lambda t: cp(t), theta, 1e-6)
    np.testing.assert_allclose(cp.gradient(theta), fd, atol=1e-6)


@settings(max_examples=10, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10**6))
def test_twirled_cost_matches_simulator(seed):
    """Eq. 7 on non-invariant data: Tr[T_G[Õ] ρ] from the simulator's twirl; no warning."""
    c, o = CIRCUITS["hea"], OBSERVABLES["z0"]
    states, labels, rng = _random_data(seed, 4)
    theta = rng.uniform(-np.pi, np.pi, size=3)
    model = costs.Model(c, o, states)
    with warnings.catch_warnings():
        warnings.simplefilter("error", costs.InvariantDataWarning)
        ct = costs.twirled_cost(model, labels, SWAP_GROUP)
    o_tilde = sim.heisenberg_observable(c.to_sim_ops(), 2, _np(o), theta)
    t_o = sim.twirl_finite(o_tilde, [np.eye(4), _np(sg.ops.SWAP)])
    f_t = np.array([sim.expectation(t_o, rho) for rho in states])
    assert ct(theta) == pytest.approx(np.mean((f_t - labels) ** 2), abs=1e-10)
    fd = sim.finite_difference_gradient(lambda t: ct(t), theta, 1e-6)
    np.testing.assert_allclose(ct.gradient(theta), fd, atol=1e-6)
    assert abs(ct(theta) - costs.mse_cost(model, labels)(theta)) > 1e-6


def test_exact_expression_matches_numeric():
    rng = np.random.default_rng(3)
    ps = [sp.Rational(-1, 5), sp.Rational(1, 4), sp.Rational(3, 4)]
    model = costs.Model(CIRCUITS["werner"], sg.ops.SWAP, [W.werner_state(p) for p in ps])
    ys = [W.label(p) for p in ps]
    theta, = model.parameters
    for fn in (costs.mse_cost(model, ys), costs.penalised_cost(model, ys, sg.groups.collective_unitary(2), 2)):
        numeric = sp.lambdify(theta, fn.expr, "numpy")
        for t in rng.uniform(0, 2 * np.pi, 5):
            assert numeric(t) == pytest.approx(fn(t), abs=1e-12)


def test_invariant_data_warns_and_can_be_silenced():
    model = costs.Model(CIRCUITS["werner"], sg.ops.SWAP, W.werner_state_numeric([0.2, 0.7]))
    group = sg.groups.collective_unitary(2)
    with pytest.warns(costs.InvariantDataWarning, match="C_T = C_MSE"):
        ct = costs.twirled_cost(model, [1, -1], group)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        costs.twirled_cost(model, [1, -1], group, warn_invariant=False)
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", costs.InvariantDataWarning)  # inserted first: takes precedence
        costs.twirled_cost(model, [1, -1], group)
    assert issubclass(costs.InvariantDataWarning, UserWarning)
    mse = costs.mse_cost(model, [1, -1])
    for t in (0.3, 2.0, 4.0):
        assert ct(t) == pytest.approx(mse(t), abs=1e-12)


def test_data_span_rank():
    rng = np.random.default_rng(0)
    full = np.array([sim.random_density_matrix(4, rng) for _ in range(16)])
    assert costs.data_span_rank(full) == 16
    assert costs.data_span_rank(W.werner_state_numeric(np.linspace(-0.3, 1, 7))) == 2
    assert costs.data_span_rank([W.werner_state(sp.Rational(k, 5)) for k in range(4)]) == 2
    with pytest.raises(InputValueError):
        costs.data_span_rank(np.full((2, 4, 4), np.nan))


def test_satisfies_constraint_exact():
    c, G = CIRCUITS["werner"], sg.groups.collective_unitary(2)
    assert costs.satisfies_constraint(c, sg.ops.SWAP, G, [0])
    assert costs.satisfies_constraint(c, sg.ops.SWAP, G, [2 * sp.pi])
    assert not costs.satisfies_constraint(c, sg.ops.SWAP, G, [sp.pi])
    with pytest.raises(InputValueError, match="exact"):
        costs.satisfies_constraint(c, sg.ops.SWAP, G, [0.0])


@settings(max_examples=8, deadline=None, derandomize=True)
@given(st.lists(st.integers(1, 30), min_size=1, max_size=4), st.lists(st.integers(1, 29), max_size=3))
def test_lambda_crit_general_routine_equals_werner_formula(s2, s1_high):
    """SPEC §2 Eq. 11: the Hessian routine agrees with max(0, (1/3) dC_MSE/dc|_{c=1}) (S2 only: mean (p/4)(1+3p))."""
    ps = [sp.Rational(k, 90) for k in s2] + [sp.Rational(1, 3) + sp.Rational(2 * k, 90) for k in s1_high]
    model = costs.Model(CIRCUITS["werner"], sg.ops.SWAP, [W.werner_state(p) for p in ps])
    P = sg.penalty(CIRCUITS["werner"], sg.ops.SWAP, sg.groups.collective_unitary(2))
    general = costs.lambda_crit(costs.mse_cost(model, [W.label(p) for p in ps]), P, [0])
    assert general == W.lambda_crit_closed_form(ps)
    if not s1_high:
        assert general == sp.Add(*[p / 4 * (1 + 3 * p) for p in ps]) / len(ps)
    floats = np.array([float(p) for p in ps])
    assert W.lambda_crit_closed_form(floats) == pytest.approx(float(general), abs=1e-12)


def test_lambda_crit_two_parameters_and_infinity():
    x, y = sp.symbols("x y", real=True)

    def fn(expr):
        return sg.DerivedFunction((x, y), None, lambda: expr)

    assert costs.lambda_crit(fn(-x**2 / 2 + y**2 / 2), fn(x**2), [0, 0]) == sp.Rational(1, 2)
    assert costs.lambda_crit(fn(-x**2 / 2 + y**2 / 2), fn(y**2), [0, 0]) == sp.oo
    assert costs.lambda_crit(fn(x**2 + y**2 + x * y), fn(y**2), [0, 0]) == 0
    with pytest.raises(InputValueError, match="not symmetric"):
        costs.lambda_crit(fn(x**2), fn(1 + y**2), [0, 0])
    with pytest.raises(InputValueError, match="critical"):
        costs.lambda_crit(fn(x), fn(y**2), [0, 0])


def test_bad_inputs():
    c = CIRCUITS["werner"]
    states = W.werner_state_numeric([0.1, 0.5])
    model = costs.Model(c, sg.ops.SWAP, states)
    with pytest.raises(InputValueError, match="lam"):
        costs.penalised_cost(model, [1, -1], sg.groups.collective_unitary(2), -1)
    with pytest.raises(InputValueError, match="labels"):
        costs.mse_cost(model, [1, -1, 1])
    with pytest.raises(InputValueError, match="NaN"):
        costs.Model(c, sg.ops.SWAP, np.full((1, 4, 4), np.nan))
    with pytest.raises(InputValueError, match="shape"):
        costs.Model(c, sg.ops.SWAP, np.eye(2)[None] / 2)
    with pytest.raises(InputValueError, match="substitute"):
        costs.Model(c, sg.ops.SWAP, [W.werner_state(W.P)])
    with pytest.raises(InputValueError, match="trace"):
        costs.Model(c, sg.ops.SWAP, [sp.eye(4)])
    with pytest.raises(InputTypeError):
        costs.mse_cost("model", [1])
    with pytest.raises(InputValueError, match="acts on"):
        costs.twirled_cost(model, [1, -1], SWAP_GROUP.tensor_power(2))
    with pytest.raises(InputValueError, match="numeric"):
        costs.mse_cost(model, [1, -1]).expr
