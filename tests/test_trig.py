"""The exact trig-polynomial ring (SPEC §5): canonical form, ring derivatives, compiled evaluation
against finite differences and mpmath (30 digits), batch versus per-point evaluation."""

import mpmath
import numpy as np
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

import sggd_sym as sg
from sggd_sym.algebra.trig import TrigRing
from sggd_sym.numeric import trig_kernels
from sggd_sym.testing import assert_close
from sggd_sym.testing import strategies as sst

PARAMS = sp.symbols("a b c", real=True)


def make_ring(p=2, freqs=None):
    return TrigRing(PARAMS[:p], freqs or [1] * p)


def test_canonical_form_identifies_equal_functions():
    trig = make_ring(1)
    c, s = trig.cos[0], trig.sin[0]
    cos2, sin2 = trig.cos_sin({0: sp.Integer(2)}, 0)
    assert cos2 == 2 * c**2 - 1 == trig.reduce(c**2 - s**2)
    assert sin2 == 2 * s * c
    assert trig.reduce(c**2 + s**2) == trig.ring.one
    # cos(3t) by repeated angle addition and by the triple-angle formula
    assert trig.cos_sin({0: sp.Integer(3)}, 0)[0] == 4 * c**3 - 3 * c
    # a constant offset: cos(t + π/2) = −sin t
    assert trig.cos_sin({0: sp.Integer(1)}, sp.pi / 2) == (-s, c)
    assert trig.reduce(s**4) == trig.reduce((1 - c**2) ** 2)


@st.composite
def ring_polys(draw, p=2):
    """A random exact trig polynomial: a sum of products of cos/sin of random linear angles."""
    trig = make_ring(p)
    total = trig.ring.zero
    for _ in range(draw(st.integers(1, 3))):
        term = trig.constant(draw(sst.small_rationals(nonzero=True)))
        for _ in range(draw(st.integers(1, 3))):
            slopes = {j: sp.Integer(draw(st.integers(-2, 2))) for j in range(p)}
            cos, sin = trig.cos_sin({j: v for j, v in slopes.items() if v}, draw(st.sampled_from([0, sp.pi / 2])))
            term = trig.reduce(term * (cos if draw(st.booleans()) else sin))
        total += term
    return trig, total


@sst.fast_settings(20)
@given(ring_polys(), st.integers(0, 2**16))
def test_derivative_equals_finite_differences(case, seed):
    trig, poly = case
    compiled = trig.compile([poly] + [trig.derivative(poly, j) for j in range(trig.n_parameters)])
    theta = np.random.default_rng(seed).uniform(-np.pi, np.pi, trig.n_parameters)
    h = 1e-6
    for j in range(trig.n_parameters):
        e = np.zeros(trig.n_parameters)
        e[j] = h
        fd = (compiled.values(theta + e)[0] - compiled.values(theta - e)[0]) / (2 * h)
        assert abs(compiled.values(theta)[1 + j] - fd) < 1e-6


@sst.fast_settings(8)
@given(ring_polys(), ring_polys(), st.integers(0, 2**16))
def test_compiled_values_and_jacobian_match_mpmath(case1, case2, seed):
    trig, p1 = case1
    _, p2 = case2
    polys = [p1, p2]
    compiled = trig.compile(polys)
    exprs = [trig.to_expr(q) for q in polys]
    f = sp.lambdify(trig.parameters, exprs, "mpmath")
    df = [sp.lambdify(trig.parameters, [sp.diff(e, t) for t in trig.parameters], "mpmath") for e in exprs]
    points = np.random.default_rng(seed).uniform(-np.pi, np.pi, size=(3, trig.n_parameters))
    values, jac = compiled.values_and_jacobian(points)
    with mpmath.workdps(30):
        for b, theta in enumerate(points):
            args = [mpmath.mpf(float(x)) for x in theta]
            ref = [float(v) for v in f(*args)]
            ref_jac = [[float(v) for v in d(*args)] for d in df]
            assert_close(values[b], np.array(ref), atol=1e-12, what="values vs mpmath")
            assert_close(jac[b], np.array(ref_jac), atol=1e-12, what="jacobian vs mpmath")
            # batch evaluation equals per-point evaluation
            v1, j1 = compiled.values_and_jacobian(theta)
            assert_close(v1, values[b], atol=1e-13, what="single vs batch values")
            assert_close(j1, jac[b], atol=1e-13, what="single vs batch jacobian")
            assert_close(compiled.values(theta), values[b], atol=1e-13, what="values()")


def test_fractional_frequency_ring():
    trig = TrigRing(PARAMS[:1], [sp.Rational(1, 2)])
    cos, sin = trig.cos_sin({0: sp.Integer(1)}, 0)  # cos θ, sin θ in half-angle variables
    assert cos == 2 * trig.cos[0] ** 2 - 1
    compiled = trig.compile([cos, sin])
    values, jac = compiled.values_and_jacobian(np.array([0.7]))
    assert_close(values, np.array([np.cos(0.7), np.sin(0.7)]), atol=1e-14, what="values")
    assert_close(jac[:, 0], np.array([-np.sin(0.7), np.cos(0.7)]), atol=1e-14, what="jacobian")
    assert sp.simplify(trig.to_expr(cos) - sp.cos(PARAMS[0])) == 0


def test_jacobian_of_a_chunked_batch_equals_the_unchunked_one(monkeypatch):
    circuit = sg.circuits.hardware_efficient(2, 3)
    heis = sg.heisenberg_observable(circuit, sg.ops.pauli("ZI"))
    compiled = heis.trig.compile(list(heis.terms.values()))
    theta = np.random.default_rng(11).uniform(0, 2 * np.pi, (37, len(circuit.parameters)))
    whole = compiled.values_and_jacobian(theta)
    monkeypatch.setattr(trig_kernels, "CHUNK_ELEMENTS", 1)  # one row per chunk
    chunked = compiled.values_and_jacobian(theta)
    np.testing.assert_allclose(chunked[0], whole[0], atol=1e-14)
    np.testing.assert_allclose(chunked[1], whole[1], atol=1e-14)
    single = compiled.values_and_jacobian(theta[0])
    np.testing.assert_allclose(single[1], whole[1][0], atol=1e-14)
