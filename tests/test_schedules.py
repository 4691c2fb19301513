"""λ schedules of sggd_sym.training (issue 15): constant, warm-up, linear / cosine ramps, adaptive."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym import training
from sggd_sym.data import werner as W
from sggd_sym.derived import costs
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.testing import strategies as sst


def werner_parts():
    ps = np.array([0.1, 0.2, 0.3, 0.25])  # all from S2: plain MSE goes to CNOT (θ = π)
    model = costs.Model(sg.circuits.werner_ansatz(), sg.ops.SWAP, W.werner_state_numeric(ps))
    mse = costs.mse_cost(model, W.labels(ps))
    pen = sg.penalty(sg.circuits.werner_ansatz(), sg.ops.SWAP, sg.groups.collective_unitary(2))
    return mse, pen


def test_static_schedule_values():
    steps = 12
    t = np.arange(steps + 1)
    np.testing.assert_allclose(training.schedule("constant", 0.5).values(steps), 0.5)
    np.testing.assert_allclose(training.schedule("warmup", 2.0, start=4).values(steps), np.where(t >= 4, 2.0, 0.0))
    u = np.clip((t - 2) / 5, 0, 1)
    np.testing.assert_allclose(training.schedule("linear", 3.0, length=5, start=2).values(steps), 3.0 * u)
    np.testing.assert_allclose(training.schedule("cosine", 3.0, length=5, start=2).values(steps),
                               1.5 * (1 - np.cos(np.pi * u)))


@sst.fast_settings(30)
@given(st.sampled_from(["linear", "cosine"]), st.floats(0, 10), st.integers(1, 50), st.integers(0, 20))
def test_ramps_are_monotone_and_reach_lam(kind, lam, length, start):
    values = training.schedule(kind, lam, length=length, start=start).values(start + length + 3)
    assert values[0] == 0 and np.all(np.diff(values) >= -1e-12)
    assert np.all(values[: start + 1] == 0) and np.allclose(values[start + length:], lam)
    assert np.all((values >= 0) & (values <= lam + 1e-12))


@pytest.mark.parametrize("lam", [training.schedule("constant", 1.0), training.schedule("warmup", 1.0, start=5),
                                 training.schedule("linear", 1.0, length=10),
                                 training.schedule("cosine", 1.0, length=10, start=3)])
def test_train_records_static_schedules(lam):
    mse, pen = werner_parts()
    h = training.train(mse, [[1.0], [2.0]], penalty=pen, lam=lam, method="gd", learning_rate=0.05, steps=20)
    np.testing.assert_allclose(h.lam, lam.values(20))
    assert h.total.shape == (21, 2)


def test_warmup_trains_plain_mse_first():
    mse, pen = werner_parts()
    warm = training.train(mse, [1.0], penalty=pen, lam=training.schedule("warmup", 5.0, start=10), method="gd",
                          learning_rate=0.05, steps=30)
    plain = training.train(mse, [1.0], method="gd", learning_rate=0.05, steps=10)
    np.testing.assert_allclose(warm.parameters[:11], plain.parameters, atol=1e-14)
    assert not np.allclose(warm.parameters[12:], training.train(mse, [1.0], method="gd", learning_rate=0.05,
                                                                steps=30).parameters[12:])


def test_adaptive_rule_follows_gradient_norm_ratio():
    mse, pen = werner_parts()
    rule = training.schedule("adaptive", ratio=2.0, smoothing=0.5, initial=0.1, max_lam=50.0)
    starts = np.array([[1.0], [2.5], [-0.7]])
    h = training.train(mse, starts, penalty=pen, lam=rule, method="gd", learning_rate=0.02, steps=15)
    assert h.lam.shape == (16, 3)
    previous = np.full(3, 0.1)
    for t in range(16):
        theta = h.parameters[t]
        g_m = mse.gradient(theta)
        g_p = pen.gradient(theta)
        target = np.minimum(2.0 * np.linalg.norm(g_m, axis=1) / (np.linalg.norm(g_p, axis=1) + 1e-12), 50.0)
        expected = 0.5 * previous + 0.5 * target
        np.testing.assert_allclose(h.lam[t], expected, rtol=1e-10)
        previous = expected
        if t < 15:  # the GD step used that λ
            np.testing.assert_allclose(h.parameters[t + 1], theta - 0.02 * (g_m + expected[:, None] * g_p),
                                       atol=1e-12)
    np.testing.assert_allclose(h.total, h.cost + h.lam * h.penalty)
    single = training.train(mse, [1.0], penalty=pen, lam=rule, method="gd", learning_rate=0.02, steps=15)
    np.testing.assert_allclose(single.lam, h.lam[:, 0], rtol=1e-12)  # reset between runs; single run: 1-D λ


def test_adaptive_is_capped_and_nonnegative():
    mse, pen = werner_parts()
    rule = training.schedule("adaptive", ratio=1e6, smoothing=1.0, max_lam=3.0)
    h = training.train(mse, [[0.5], [3.0]], penalty=pen, lam=rule, steps=30)
    assert np.all(h.lam >= 0) and np.all(h.lam <= 3.0)
    assert h.lam[0, 0] == 3.0  # the ratio asks for far more: λ sits at the cap


def test_schedule_bad_input():
    with pytest.raises(InputValueError, match="unknown"):
        training.schedule("exponential", 1.0)
    with pytest.raises(InputValueError, match=">= 0"):
        training.schedule("constant", -1.0)
    with pytest.raises(InputValueError, match="start"):
        training.schedule("warmup", 1.0)
    with pytest.raises(InputValueError, match="length"):
        training.schedule("linear", 1.0, length=0)
    with pytest.raises(InputValueError, match="length"):
        training.schedule("cosine", 1.0)
    with pytest.raises(InputValueError, match="unknown option"):
        training.schedule("constant", 1.0, start=3)
    with pytest.raises(InputValueError, match="lam"):
        training.schedule("adaptive", 1.0)
    with pytest.raises(InputValueError, match="smoothing"):
        training.schedule("adaptive", smoothing=0.0)
    with pytest.raises(InputTypeError, match="lam"):
        training.schedule("constant", "big")
    with pytest.raises(InputValueError, match="gradients"):
        training.schedule("adaptive")(3)
    with pytest.raises(InputValueError, match="adaptive"):
        training.schedule("adaptive").values(3)
    with pytest.raises(InputTypeError, match="schedule"):
        mse, pen = werner_parts()
        training.train(mse, [1.0], penalty=pen, lam="cosine")
