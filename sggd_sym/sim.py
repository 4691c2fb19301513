"""Independent numeric witness: a small numpy statevector / density-matrix simulator.

This module deliberately imports only numpy and the standard library (never
sympy, never anything else from ``sggd_sym``) so that it can serve as an
independent check of the package's exact symbolic derivations.

Conventions
-----------
* ``n`` qubits, ``d = 2**n``.  Qubit 0 is the leftmost (most significant)
  tensor factor: basis states are ``|q0 q1 ... q_{n-1}>`` and the index of a
  basis state is ``sum_k q_k 2**(n-1-k)``.  So X on qubit 0 of two qubits maps
  index 0 (``|00>``) to index 2 (``|10>``).
* ``RX(t) = exp(-i t X/2)``, ``RY(t) = exp(-i t Y/2)``, ``RZ(t) = exp(-i t Z/2)``;
  ``S = diag(1, i)``, ``SDG = S^dagger``, ``T = diag(1, e^{i pi/4})``.
* Two-qubit gates take ``(control, target)`` in that order.  Controlled
  rotations are ``|0><0| (x) I + |1><1| (x) R(t)``.
* ``"pauli"``: ``exp(-i t G/2)`` with ``G`` a Pauli word, ``word[k]`` acting on
  ``qubits[k]``.  ``"exp"``: ``exp(-i t G/2)`` for a Hermitian matrix ``G``.
* Hilbert-Schmidt inner product ``<A, B> = Tr(A^dagger B)``.
* Row-major vectorisation: ``vec(A Y B) = (A (x) B^T) vec(Y)``.

Circuit format
--------------
A circuit is a list of ops ``(name, qubits, angle, data)``; ``angle`` is None
(fixed gate), a float, or ``(index, scale, offset)`` meaning
``scale * theta[index] + offset``.  ``data`` is the Pauli word for ``"pauli"``,
the generator for ``"exp"``, the matrix for ``"unitary"``, otherwise None.
Ops are applied in list order (the first op acts first).
"""

import math

import numpy as np

# ----------------------------------------------------------------------------
# Gate definitions
# ----------------------------------------------------------------------------

PAULI = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
}

_P0 = np.diag([1.0, 0.0]).astype(complex)
_P1 = np.diag([0.0, 1.0]).astype(complex)

_FIXED = {
    "h": np.array([[1, 1], [1, -1]], dtype=complex) / math.sqrt(2),
    "x": PAULI["X"],
    "y": PAULI["Y"],
    "z": PAULI["Z"],
    "s": np.diag([1, 1j]),
    "sdg": np.diag([1, -1j]),
    "t": np.diag([1, np.exp(1j * math.pi / 4)]),
    "cnot": np.kron(_P0, PAULI["I"]) + np.kron(_P1, PAULI["X"]),
    "cz": np.diag([1, 1, 1, -1]).astype(complex),
    "swap": np.array(
        [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=complex
    ),
}
_ROT1 = {"rx": "X", "ry": "Y", "rz": "Z"}
_CROT = {"crx": "X", "cry": "Y", "crz": "Z"}
_ROTATIONS = set(_ROT1) | set(_CROT) | {"pauli", "exp"}
KNOWN_GATES = tuple(_ROT1) + tuple(_FIXED) + tuple(_CROT) + ("pauli", "exp", "unitary")

#: The witness's one tolerance (input checks, real parts, rank cuts).  Its own on purpose: the simulator
#: imports nothing of the package, so that it stays an independent check; the package's is
#: ``sggd_sym.numeric.bridge.DEFAULT_ATOL`` (the same value).
_TOL = 1e-9


def pauli_matrix(word):
    """Kronecker product of the single-qubit Paulis in ``word`` (e.g. "ZX"), in order."""
    if not isinstance(word, str) or not word or any(c not in PAULI for c in word):
        raise ValueError(f"invalid Pauli word {word!r}: must be a non-empty str over 'IXYZ'")
    out = np.ones((1, 1), dtype=complex)
    for c in word:
        out = np.kron(out, PAULI[c])
    return out


def _num_qubits_of_matrix(m, what):
    m = np.asarray(m)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] < 2:
        raise ValueError(f"{what} must be a square 2^k x 2^k matrix, got shape {m.shape}")
    k = m.shape[0].bit_length() - 1
    if 2**k != m.shape[0]:
        raise ValueError(f"{what} dimension {m.shape[0]} is not a power of 2")
    return k


def _gate_arity(name, data):
    """Number of qubits the gate ``name`` (with ``data``) acts on."""
    if name in _ROT1 or name in ("h", "x", "y", "z", "s", "sdg", "t"):
        return 1
    if name in _CROT or name in ("cnot", "cz", "swap"):
        return 2
    if name == "pauli":
        pauli_matrix(data)  # validates the word
        return len(data)
    if name == "exp":
        return _num_qubits_of_matrix(data, "'exp' generator G")
    if name == "unitary":
        return _num_qubits_of_matrix(data, "'unitary' matrix")
    raise ValueError(f"unknown gate name {name!r}; known gates: {', '.join(KNOWN_GATES)}")


def gate_matrix(name, angle=None, data=None):
    """The 2^k x 2^k matrix of gate ``name`` for a numeric ``angle`` (None for fixed gates)."""
    _gate_arity(name, data)  # validates name and data
    if name in _ROTATIONS:
        try:
            a = float(angle)
        except (TypeError, ValueError):
            a = math.nan
        if isinstance(angle, str) or not math.isfinite(a):
            raise ValueError(f"gate {name!r} needs a finite real angle, got {angle!r}")
    elif angle is not None:
        raise ValueError(f"gate {name!r} takes no angle, got {angle!r}")
    if name in _FIXED:
        return _FIXED[name].copy()
    if name == "unitary":
        u = np.asarray(data, dtype=complex)
        if not np.allclose(u.conj().T @ u, np.eye(len(u)), rtol=0, atol=_TOL):
            raise ValueError("'unitary' data is not a unitary matrix")
        return u.copy()
    if name == "exp":
        g = np.asarray(data, dtype=complex)
        if not np.allclose(g, g.conj().T, rtol=0, atol=_TOL):
            raise ValueError("'exp' generator G is not Hermitian")
        w, v = np.linalg.eigh(g)
        return (v * np.exp(-0.5j * a * w)) @ v.conj().T
    if name in _ROT1 or name == "pauli":
        p = PAULI[_ROT1[name]] if name in _ROT1 else pauli_matrix(data)
        return math.cos(a / 2) * np.eye(len(p)) - 1j * math.sin(a / 2) * p
    # controlled rotation
    r = math.cos(a / 2) * PAULI["I"] - 1j * math.sin(a / 2) * PAULI[_CROT[name]]
    return np.kron(_P0, PAULI["I"]) + np.kron(_P1, r)


# ----------------------------------------------------------------------------
# Applying gates
# ----------------------------------------------------------------------------


def _check_qubits(qubits, k, n, name="gate"):
    qubits = tuple(qubits)
    if len(qubits) != k:
        raise ValueError(f"{name} acts on {k} qubit(s) but got qubits {qubits}")
    if len(set(qubits)) != len(qubits):
        raise ValueError(f"{name}: repeated qubit in {qubits}")
    for q in qubits:
        if not isinstance(q, (int, np.integer)) or not 0 <= q < n:
            raise ValueError(f"{name}: qubit {q!r} out of range for n={n}")
    return tuple(int(q) for q in qubits)


def _apply(matrix, tensor, qubits):
    """Apply a k-qubit ``matrix`` to axes ``qubits`` of ``tensor`` (shape (2,)*n + batch)."""
    k = len(qubits)
    g = matrix.reshape((2,) * (2 * k))
    out = np.tensordot(g, tensor, axes=(list(range(k, 2 * k)), list(qubits)))
    return np.moveaxis(out, list(range(k)), list(qubits))


def embed(matrix, qubits, n):
    """Full d x d operator of the k-qubit ``matrix`` acting on ``qubits`` (any order) of n qubits."""
    matrix = np.asarray(matrix, dtype=complex)
    k = _num_qubits_of_matrix(matrix, "matrix")
    qubits = _check_qubits(qubits, k, n, "embed")
    d = 2**n
    ident = np.eye(d, dtype=complex).reshape((2,) * n + (d,))
    return _apply(matrix, ident, qubits).reshape(d, d)


def _check_theta(theta):
    theta = np.asarray(theta, dtype=float).reshape(-1)
    if not np.all(np.isfinite(theta)):
        raise ValueError(f"theta contains non-finite values: {theta}")
    return theta


def _resolve_angle(op, theta):
    """Numeric angle of ``op`` (None for fixed gates); validates the angle format."""
    name, _, angle, _ = op
    if isinstance(angle, (tuple, list)):
        if name not in _ROTATIONS:
            raise ValueError(f"gate {name!r} cannot be parameterised")
        if len(angle) != 3:
            raise ValueError(f"parameterised angle must be (index, scale, offset), got {angle!r}")
        idx, scale, offset = angle
        if not isinstance(idx, (int, np.integer)) or not 0 <= idx < len(theta):
            raise ValueError(f"parameter index {idx!r} out of range for theta of length {len(theta)}")
        return float(scale) * theta[idx] + float(offset)
    return angle


def _op_matrix(op, n, theta):
    if not isinstance(op, (tuple, list)) or len(op) != 4:
        raise ValueError(f"op must be a 4-tuple (name, qubits, angle, data), got {op!r}")
    name, qubits, _, data = op
    k = _gate_arity(name, data)
    qubits = _check_qubits(qubits, k, n, repr(name))
    return gate_matrix(name, _resolve_angle(op, theta), data), qubits


def _check_n(n):
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"number of qubits n must be a positive int, got {n!r}")
    return int(n)


def _run(ops, n, theta, columns):
    """Apply the circuit to the columns of a d x m array."""
    n = _check_n(n)
    theta = _check_theta(theta)
    psi = columns.reshape((2,) * n + (columns.shape[1],))
    for op in ops:
        m, qubits = _op_matrix(op, n, theta)
        psi = _apply(m, psi, qubits)
    return psi.reshape(2**n, -1)


def circuit_unitary(ops, n, theta=()):
    """Circuit unitary U = U_last ... U_first (ops applied in list order)."""
    n = _check_n(n)
    return _run(ops, n, theta, np.eye(2**n, dtype=complex))


def statevector(ops, n, theta=(), initial=None):
    """Output state U|initial>, default initial state |0...0>."""
    n = _check_n(n)
    d = 2**n
    if initial is None:
        psi0 = np.zeros(d, dtype=complex)
        psi0[0] = 1.0
    else:
        psi0 = np.asarray(initial, dtype=complex).reshape(-1)
        if psi0.shape != (d,):
            raise ValueError(f"initial state must have length {d}, got shape {np.shape(initial)}")
    return _run(ops, n, theta, psi0.reshape(d, 1))[:, 0]


def density_matrix(ops, n, theta=(), rho0=None):
    """Output density matrix U rho0 U^dagger, default rho0 = |0...0><0...0|."""
    n = _check_n(n)
    d = 2**n
    if rho0 is None:
        rho0 = np.zeros((d, d), dtype=complex)
        rho0[0, 0] = 1.0
    rho0 = np.asarray(rho0, dtype=complex)
    if rho0.shape != (d, d):
        raise ValueError(f"rho0 must have shape {(d, d)}, got {rho0.shape}")
    u = circuit_unitary(ops, n, theta)
    return u @ rho0 @ u.conj().T


def heisenberg_observable(ops, n, observable, theta=()):
    """Heisenberg-picture observable U^dagger O U."""
    u = circuit_unitary(ops, n, theta)
    o = np.asarray(observable, dtype=complex)
    if o.shape != u.shape:
        raise ValueError(f"observable must have shape {u.shape}, got {o.shape}")
    return u.conj().T @ o @ u


def expectation(observable, state_or_rho):
    """Real expectation value <psi|O|psi> (vector) or Tr(O rho) (matrix).

    Raises ValueError if the imaginary part exceeds _TOL * ||O||_F * ||state||
    (||psi||^2 for a vector, ||rho||_F for a matrix), i.e. _TOL = 1e-9 times the
    Cauchy-Schwarz bound on the value.
    """
    o = np.asarray(observable, dtype=complex)
    s = np.asarray(state_or_rho, dtype=complex)
    d = o.shape[0]
    if o.shape != (d, d):
        raise ValueError(f"observable must be square, got shape {o.shape}")
    if s.shape == (d,):
        val = np.vdot(s, o @ s)
        scale = np.linalg.norm(s) ** 2
    elif s.shape == (d, d):
        val = np.trace(o @ s)
        scale = np.linalg.norm(s)
    else:
        raise ValueError(f"state shape {s.shape} incompatible with observable shape {o.shape}")
    if abs(val.imag) > _TOL * np.linalg.norm(o) * scale:
        raise ValueError(f"expectation value has imaginary part {val.imag:.3e}; is O Hermitian?")
    return float(val.real)


# ----------------------------------------------------------------------------
# Random matrices and Haar samplers
# ----------------------------------------------------------------------------


def _ginibre(rng, rows, cols):
    return (rng.standard_normal((rows, cols)) + 1j * rng.standard_normal((rows, cols))) / math.sqrt(2)


def haar_unitary(d, rng):
    """Haar-random d x d unitary: QR of a complex Ginibre matrix with Mezzadri's phase fix."""
    q, r = np.linalg.qr(_ginibre(rng, d, d))
    diag = np.diag(r)
    return q * (diag / np.abs(diag))


def random_density_matrix(d, rng, rank=None):
    """Random density matrix G G^dagger / Tr(G G^dagger) with G a d x rank Ginibre matrix."""
    rank = d if rank is None else int(rank)
    if not 1 <= rank <= d:
        raise ValueError(f"rank must be in [1, {d}], got {rank}")
    g = _ginibre(rng, d, rank)
    rho = g @ g.conj().T
    return rho / np.trace(rho).real


def random_hermitian(d, rng):
    """Random Hermitian matrix (A + A^dagger)/2 with A complex Ginibre."""
    a = _ginibre(rng, d, d)
    return (a + a.conj().T) / 2


def random_state(d, rng):
    """Haar-random normalised state vector of length d."""
    v = _ginibre(rng, d, 1)[:, 0]
    return v / np.linalg.norm(v)


def sample_collective(n):
    """Sampler rng -> V^{(x)n} with V Haar-random on U(2)."""

    def sample(rng):
        v = haar_unitary(2, rng)
        out = np.ones((1, 1), dtype=complex)
        for _ in range(n):
            out = np.kron(out, v)
        return out

    return sample


def sample_local(n):
    """Sampler rng -> V_1 (x) ... (x) V_n with independent Haar V_i on U(2)."""

    def sample(rng):
        out = np.ones((1, 1), dtype=complex)
        for _ in range(n):
            out = np.kron(out, haar_unitary(2, rng))
        return out

    return sample


def sample_u1_charge(n):
    """Sampler rng -> exp(-i phi sum_i Z_i / 2) with phi uniform in [0, 4 pi)."""
    charge = np.array([n - 2 * bin(b).count("1") for b in range(2**n)], dtype=float)

    def sample(rng):
        phi = rng.uniform(0.0, 4 * math.pi)
        return np.diag(np.exp(-0.5j * phi * charge))

    return sample


# ----------------------------------------------------------------------------
# Twirls, commutants, penalties
# ----------------------------------------------------------------------------


def twirl_finite(X, elements):
    """Group average (1/|G|) sum_g V X V^dagger over the list of unitaries ``elements``."""
    elements = list(elements)
    if not elements:
        raise ValueError("twirl_finite needs at least one group element")
    X = np.asarray(X, dtype=complex)
    return sum(v @ X @ v.conj().T for v in elements) / len(elements)


def twirl_monte_carlo(X, sample_unitary, samples, rng):
    """Monte-Carlo estimate of the Haar twirl of X.

    Returns ``(mean, standard_error)``: ``mean`` is the sample average of
    V X V^dagger; ``standard_error`` is real and elementwise,
    sqrt(se_re^2 + se_im^2) where se_re (se_im) is np.std(ddof=1)/sqrt(samples)
    of the real (imaginary) parts -- the standard error of the complex mean.
    """
    if samples < 2:
        raise ValueError(f"twirl_monte_carlo needs samples >= 2, got {samples}")
    X = np.asarray(X, dtype=complex)
    mean = np.zeros_like(X)
    m2 = np.zeros(X.shape)  # Welford sum of |x - mean|^2 (real + imaginary)
    for i in range(1, samples + 1):
        v = sample_unitary(rng)
        y = v @ X @ v.conj().T
        delta = y - mean
        mean += delta / i
        m2 += (delta.conj() * (y - mean)).real
    se = np.sqrt(m2 / (samples - 1) / samples)
    return mean, se


def _commutant_basis(hamiltonians, unitaries, d, rtol=_TOL):
    """Orthonormal basis (columns, row-major vec) of {Y: [H,Y]=0, D Y D^dag = Y}."""
    ident = np.eye(d)
    blocks = []
    for h in hamiltonians:
        h = np.asarray(h, dtype=complex)
        if h.shape != (d, d):
            raise ValueError(f"hamiltonian shape {h.shape} != {(d, d)}")
        blocks.append(np.kron(h, ident) - np.kron(ident, h.T))
    for u in unitaries:
        u = np.asarray(u, dtype=complex)
        if u.shape != (d, d):
            raise ValueError(f"unitary shape {u.shape} != {(d, d)}")
        blocks.append(np.kron(u, u.conj()) - np.eye(d * d))
    if not blocks:
        return np.eye(d * d, dtype=complex)
    _, s, vh = np.linalg.svd(np.vstack(blocks), full_matrices=True)
    # relative tolerance, with a floor of rtol so that all-zero constraints work
    tol = rtol * max(s[0], 1.0)
    rank = int(np.sum(s > tol))
    return vh[rank:].conj().T


def _infer_dim(mats, n, d):
    for m in mats:
        return np.asarray(m).shape[0]
    if d is not None:
        return int(d)
    if n is not None:
        return 2 ** int(n)
    raise ValueError("cannot infer dimension: give n or d when there are no constraints")


def commutant_dimension(hamiltonians=(), unitaries=(), *, n=None, d=None):
    """Dimension of the commutant {Y: [H_a, Y]=0, D Y D^dag = Y}.

    The Hilbert-space dimension is taken from the matrices; ``n`` (qubits) or
    ``d`` is needed only if there are no constraints (then the answer is d^2).
    """
    hamiltonians, unitaries = list(hamiltonians), list(unitaries)
    dim = _infer_dim(hamiltonians + unitaries, n, d)
    return _commutant_basis(hamiltonians, unitaries, dim).shape[1]


def commutant_projection(X, hamiltonians=(), unitaries=()):
    """Orthogonal (Hilbert-Schmidt) projection of X onto the commutant.

    The commutant is the nullspace of the stacked maps vec(Y) -> vec([H_a, Y])
    and vec(Y) -> vec(D Y D^dag - Y) (row-major vec), computed by SVD.
    """
    X = np.asarray(X, dtype=complex)
    d = X.shape[0]
    if X.shape != (d, d):
        raise ValueError(f"X must be square, got shape {X.shape}")
    b = _commutant_basis(list(hamiltonians), list(unitaries), d)
    return (b @ (b.conj().T @ X.reshape(-1))).reshape(d, d)


def penalty(U, O, project):
    """||project(A) - A||_HS^2 with A = U^dagger O U (real, >= 0)."""
    U = np.asarray(U, dtype=complex)
    a = U.conj().T @ np.asarray(O, dtype=complex) @ U
    diff = project(a) - a
    return float(np.vdot(diff, diff).real)


# ----------------------------------------------------------------------------
# Gradients
# ----------------------------------------------------------------------------

# Four-term rule for frequencies {1/2, 1}: d1 - d2 = 1/(2 sqrt2), d1 + d2 = 1/2.
_D1 = (math.sqrt(2) + 1) / (4 * math.sqrt(2))
_D2 = (math.sqrt(2) - 1) / (4 * math.sqrt(2))
_TWO_TERM = ((0.5, math.pi / 2), (-0.5, -math.pi / 2))
_FOUR_TERM = (
    (_D1, math.pi / 2),
    (-_D1, -math.pi / 2),
    (-_D2, 3 * math.pi / 2),
    (_D2, -3 * math.pi / 2),
)


def _shift_rule(name, data):
    """(coefficient, shift) pairs with d/da f(a) = sum c f(a + s) for exp(-i a G/2)."""
    if name in _ROT1 or name == "pauli":
        return _TWO_TERM
    if name in _CROT:
        return _FOUR_TERM
    if name == "exp":
        w = np.linalg.eigvalsh(np.asarray(data, dtype=complex)) / 2
        diffs = np.abs(w[:, None] - w[None, :]).ravel()

        def within(allowed):
            return all(min(abs(x - a) for a in allowed) < _TOL for x in diffs)

        if within((0.0, 1.0)):
            return _TWO_TERM
        if within((0.0, 0.5, 1.0)):
            return _FOUR_TERM
    raise ValueError(
        f"no parameter-shift rule for gate {name!r} with this generator spectrum "
        "(G/2 eigenvalue differences must lie in {0, ±1/2, ±1}); "
        "use finite_difference_gradient instead"
    )


def parameter_shift_gradient(ops, n, theta, cost):
    """Gradient of cost(circuit_unitary(ops, n, theta)) by the parameter-shift rule.

    Each parameterised occurrence (index, scale, offset) is shifted individually
    (its own angle only) and contributes scale * df/da to the gradient at index.
    Two-term rule for generators with G/2 gaps in {0, ±1}; four-term rule
    d1[f(a+pi/2)-f(a-pi/2)] - d2[f(a+3pi/2)-f(a-3pi/2)] for gaps in
    {0, ±1/2, ±1}, d1 = (sqrt2+1)/(4 sqrt2), d2 = (sqrt2-1)/(4 sqrt2).
    """
    n = _check_n(n)
    theta = _check_theta(theta)
    ops = list(ops)
    grad = np.zeros(len(theta))
    for i, op in enumerate(ops):
        name, qubits, angle, data = op
        if not isinstance(angle, (tuple, list)):
            continue
        a = _resolve_angle(op, theta)
        idx, scale, _ = angle
        dfda = 0.0
        for coeff, shift in _shift_rule(name, data):
            shifted = ops[:i] + [(name, qubits, a + shift, data)] + ops[i + 1 :]
            dfda += coeff * float(cost(circuit_unitary(shifted, n, theta)))
        grad[idx] += float(scale) * dfda
    return grad


def finite_difference_gradient(fn, theta, step=1e-6):
    """Central-difference gradient of the scalar function fn(theta)."""
    theta = _check_theta(theta)
    grad = np.zeros(len(theta))
    for k in range(len(theta)):
        e = np.zeros(len(theta))
        e[k] = step
        grad[k] = (float(fn(theta + e)) - float(fn(theta - e))) / (2 * step)
    return grad
