"""Gradient descent and Adam from derived costs (sggd_sym.training)."""

import numpy as np
import pytest
import sympy as sp

import sggd_sym as sg
from sggd_sym import training
from sggd_sym.data import werner as W
from sggd_sym.derived import costs
from sggd_sym.exceptions import InputTypeError, InputValueError

X, Y = sp.symbols("x y", real=True)


def quadratic(scale=(1.0, 4.0)):
    """``(a x² + b y²)/2`` with an exact expression and numeric value/gradient."""
    a, b = scale

    def evaluate(theta):
        return 0.5 * (a * theta[:, 0] ** 2 + b * theta[:, 1] ** 2), theta * np.array([a, b])

    return sg.DerivedFunction((X, Y), evaluate, lambda: (a * X**2 + b * Y**2) / 2, name="quadratic")


def test_gradient_descent_matches_closed_form_iteration():
    """GD on (x² + 4y²)/2 with step η: x_t = (1−η)^t x_0, y_t = (1−4η)^t y_0."""
    h = training.gradient_descent(quadratic(), [1.0, -2.0], learning_rate=0.1, steps=30)
    t = np.arange(31)
    np.testing.assert_allclose(h.parameters[:, 0], 0.9**t, rtol=1e-12)
    np.testing.assert_allclose(h.parameters[:, 1], -2 * 0.6**t, rtol=1e-12)
    np.testing.assert_allclose(h.cost, 0.5 * (0.81**t + 4 * 4 * 0.36**t), rtol=1e-12)
    assert h.steps == 30 and h.method == "gd" and np.all(h.penalty == 0)


def test_adam_first_step_and_convergence():
    h = training.adam(quadratic(), [1.0, -2.0], learning_rate=0.05, steps=400)
    # the bias-corrected first Adam step moves every coordinate by the learning rate against the gradient sign
    np.testing.assert_allclose(h.parameters[1], [0.95, -1.95], atol=1e-6)
    assert np.linalg.norm(h.final_parameters) < 0.05


def test_batch_equals_individual_runs_and_is_reproducible():
    f = quadratic()
    starts = np.array([[1.0, 0.5], [-0.3, 2.0], [0.7, -0.7]])
    batch = training.train(f, starts, method="adam", learning_rate=0.03, steps=50)
    for b, start in enumerate(starts):
        single = training.train(f, start, method="adam", learning_rate=0.03, steps=50)
        np.testing.assert_allclose(batch.parameters[:, b], single.parameters, atol=1e-14)
    many1 = training.train_many(f, 2, 5, rng=7, steps=20)
    many2 = training.train_many(f, 2, 5, rng=np.random.default_rng(7), steps=20)
    np.testing.assert_array_equal(many1.parameters, many2.parameters)
    assert many1.parameters.shape == (21, 5, 2) and many1.cost.shape == (21, 5)


def werner_model():
    ps = np.array([0.1, 0.2, 0.3, 0.25])
    model = costs.Model(sg.circuits.werner_ansatz(), sg.ops.SWAP, W.werner_state_numeric(ps))
    return model, W.labels(ps)


def test_penalised_training_records_penalty_and_schedule():
    model, ys = werner_model()
    cp = costs.penalised_cost(model, ys, sg.groups.collective_unitary(2), 2.0)
    h = training.train(cp, [1.0], method="gd", learning_rate=0.05, steps=100)
    assert np.all(h.lam == 2.0)
    np.testing.assert_allclose(h.total, [cp(p) for p in h.parameters], atol=1e-12)
    np.testing.assert_allclose(h.penalty, 0.75 * (1 - np.cos(h.parameters[:, 0])) * (3 + np.cos(h.parameters[:, 0])),
                               atol=1e-12)
    assert abs(h.final_parameters[0]) < 1e-3  # λ = 2 > λ_crit: flows to θ = 0 from θ₀ = 1
    ramp = training.train(cp, [1.0], lam=lambda step: 0.01 * step, method="gd", learning_rate=0.05, steps=10)
    np.testing.assert_allclose(ramp.lam, 0.01 * np.arange(11))


def test_training_on_mse_alone_goes_to_cnot_for_biased_data():
    model, ys = werner_model()
    h = training.train(costs.mse_cost(model, ys), [1.0], method="adam", learning_rate=0.05, steps=400)
    assert abs(h.final_parameters[0] - np.pi) < 0.05
    assert h.cost[-1] < h.cost[0]


def test_bad_inputs():
    f = quadratic()
    with pytest.raises(InputValueError, match="method"):
        training.train(f, [0.0, 0.0], method="sgd")
    with pytest.raises(InputValueError, match="lam"):
        training.train(f, [0.0, 0.0], penalty=f, lam=-1)
    with pytest.raises(InputValueError, match="schedule"):
        training.train(f, [0.0, 0.0], penalty=f, lam=lambda t: -1.0, steps=2)
    with pytest.raises(InputValueError, match="without a penalty"):
        training.train(f, [0.0, 0.0], lam=1.0)
    with pytest.raises(InputValueError, match="learning_rate"):
        training.train(f, [0.0, 0.0], learning_rate=0)
    with pytest.raises(InputValueError, match="finite"):
        training.train(f, [np.nan, 0.0])
    with pytest.raises(InputTypeError):
        training.train(lambda t: t, [0.0])
    with pytest.raises(InputValueError, match="seeds"):
        training.train_many(f, 2, 0)
