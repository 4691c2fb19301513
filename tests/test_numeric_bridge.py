"""The numeric bridge (issue 16): conversions refuse text and leftover symbols with the package's errors,
and the gate application equals the dense Kronecker embedding."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sggd_sym.algebra import ops
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.numeric.bridge import DEFAULT_ATOL, apply_to_qubits, lambdify_checked, to_float, to_numpy


@pytest.mark.parametrize("call, error, match", [
    (lambda: to_numpy("[[1, 0], [0, 1]]"), InputTypeError, "text is never evaluated"),
    (lambda: to_numpy([[sp.Symbol("x"), 0], [0, 1]]), InputValueError, "still depends on"),
    (lambda: to_float("1/2"), InputTypeError, "string"),
    (lambda: to_float(sp.Symbol("a")), InputValueError, "still depends on"),
    (lambda: lambdify_checked((sp.Symbol("a"),), sp.Symbol("b")), InputValueError, "still depends on b"),
    (lambda: apply_to_qubits(np.zeros((2, 2)), np.eye(4), [0]), InputValueError, "4x4|2x2"),
    (lambda: apply_to_qubits(np.zeros((2, 2)), np.eye(4), [0, 0]), InputValueError, "distinct"),
    (lambda: ops.from_pauli_terms({"ZZ": 1}, n_qubits=1), InputValueError, "2 letters"),
    (lambda: ops.from_pauli_terms({}), InputValueError, "at least one"),
])
def test_bad_input_gets_the_package_error(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_exact_conversions():
    assert to_float(sp.sqrt(2) / 2) == float(np.sqrt(2) / 2)
    np.testing.assert_array_equal(to_numpy(ops.pauli("XY")), np.kron([[0, 1], [1, 0]], [[0, -1j], [1j, 0]]))
    assert ops.from_pauli_terms({}, n_qubits=2) == sp.zeros(4, 4)
    assert DEFAULT_ATOL == 1e-9


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 4), st.data())
def test_apply_to_qubits_equals_the_dense_embedding(n, data):
    k = data.draw(st.integers(1, min(n, 2)))
    qubits = data.draw(st.permutations(range(n)))[:k]
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    matrix = rng.normal(size=(2**k, 2**k)) + 1j * rng.normal(size=(2**k, 2**k))
    state = rng.normal(size=2**n) + 1j * rng.normal(size=2**n)
    # dense reference: the matrix on the first k qubits, then the qubits permuted into place
    rest = [q for q in range(n) if q not in qubits]
    order = list(qubits) + rest                         # axis j of the reference is qubit order[j]
    dense = np.kron(matrix, np.eye(2 ** (n - k)))
    moved = np.transpose(state.reshape((2,) * n), order).reshape(-1)
    expected = np.transpose((dense @ moved).reshape((2,) * n), np.argsort(order)).reshape(-1)
    got = apply_to_qubits(state.reshape((2,) * n), matrix, qubits).reshape(-1)
    np.testing.assert_allclose(got, expected, atol=1e-12)
