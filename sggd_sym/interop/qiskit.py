"""Qiskit ``QuantumCircuit`` → :class:`sggd_sym.Circuit`, every gate mapped exactly.

Qubit ``i`` of Qiskit becomes qubit ``i`` here.  Qiskit orders tensor factors little-endian (qubit 0
rightmost) while :class:`~sggd_sym.Circuit` puts qubit 0 leftmost, so the imported unitary equals
``Operator(qc).reverse_qargs()``.  Qiskit ``Parameter`` objects become real SymPy Symbols of the same name;
``ParameterExpression`` angles (``2*θ``, ``θ + π/4``) are read through their SymPy form (no text is parsed)
and kept exact; bound floats must be rational multiples of π.  Global phases (``p``, ``u``, the circuit's
``global_phase``) are kept, so the unitaries agree exactly, not only up to phase.

Conventions (Qiskit's, all equal to this package's): ``RX(θ) = exp(−iθX/2)``, ``RZZ(θ) = exp(−iθ Z⊗Z/2)``,
``P(λ) = diag(1, e^{iλ})``, ``U(θ, φ, λ) = P(φ) RY(θ) P(λ)``.
"""

from __future__ import annotations

import sympy as sp

from sggd_sym.circuits.circuit import Circuit
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.interop import exact_angle_constant, linear_exact_angle, missing_extra

__all__ = ["from_qiskit", "observable_from_qiskit", "pauli_terms_from_qiskit", "to_sparse_pauli_op", "SUPPORTED_GATES"]

_ONE_QUBIT_FIXED = {"h", "x", "y", "z", "s", "sdg", "t"}
_ROTATIONS = {"rx", "ry", "rz"}
_TWO_QUBIT_FIXED = {"cx": "cnot", "cz": "cz", "swap": "swap"}
_CONTROLLED = {"crx", "cry", "crz"}
_ISING = {"rxx": "XX", "ryy": "YY", "rzz": "ZZ", "rzx": "ZX"}
_HALF = sp.Rational(1, 2)
#: ``P(λ) = exp(−iλ G/2)`` with ``G = Z − I``; ``CP(λ) = exp(−iλ G/2)`` with ``G = −2|11⟩⟨11|``.
_PHASE_GENERATOR = {"I": -1, "Z": 1}
_CPHASE_GENERATOR = {"II": -_HALF, "IZ": _HALF, "ZI": _HALF, "ZZ": -_HALF}
_T_DAGGER = sp.ImmutableMatrix([[1, 0], [0, sp.exp(-sp.I * sp.pi / 4)]])
_SX = sp.ImmutableMatrix([[1 + sp.I, 1 - sp.I], [1 - sp.I, 1 + sp.I]]) / 2
_IGNORED = {"id", "barrier", "delay"}

#: Qiskit gate names :func:`from_qiskit` maps (``id``, ``barrier``, ``delay`` are skipped).
SUPPORTED_GATES = tuple(sorted(_ONE_QUBIT_FIXED | _ROTATIONS | set(_TWO_QUBIT_FIXED) | _CONTROLLED | set(_ISING)
                               | {"p", "u1", "u", "u2", "u3", "cp", "cu1", "tdg", "sx", "sxdg"} | _IGNORED))


def from_qiskit(qc, *, decompose: bool = True) -> Circuit:
    """Convert a Qiskit ``QuantumCircuit`` into an exact :class:`~sggd_sym.Circuit` (same qubit indices).

    The parameters are ``qc.parameters`` in that order — the order ``qc.assign_parameters(values)`` uses — with
    their names (``θ[0]``, ``θ[1]``, … for a ``ParameterVector``), so a value vector laid out for Qiskit is laid
    out for every derived function (``sg.penalty(...)(values)``).  Gates outside :data:`SUPPORTED_GATES` —
    library circuits such as ``EfficientSU2``, ``RealAmplitudes``, ``TwoLocal``, and gates such as ``ccx``,
    ``iswap``, ``r`` — are decomposed with ``QuantumCircuit.decompose`` (their own definitions, repeatedly)
    until only supported gates remain; ``decompose=False`` refuses them instead.

    >>> qiskit = __import__("pytest").importorskip("qiskit")
    >>> from qiskit.circuit import Parameter
    >>> a = Parameter("a")
    >>> qc = qiskit.QuantumCircuit(2); _ = qc.ry(2 * a, 0); _ = qc.cx(0, 1)
    >>> c = from_qiskit(qc); c.parameters, c.gates[0].angle
    ((a,), 2*a)
    """
    try:
        from qiskit import QuantumCircuit
    except ImportError:
        raise missing_extra("qiskit", "qiskit") from None
    if not isinstance(qc, QuantumCircuit):
        raise InputTypeError(f"from_qiskit: qc expected a qiskit.QuantumCircuit, got {type(qc).__name__}")
    if qc.num_clbits and any(inst.operation.name == "measure" for inst in qc.data):
        raise InputValueError("from_qiskit: the circuit contains measurements; pass the unitary part only "
                              "(qc.remove_final_measurements(inplace=False))")
    order = list(qc.parameters)
    flat = _decomposed(qc) if decompose else qc
    symbols = {p.name: sp.Symbol(p.name, real=True) for p in order}
    circuit = Circuit(qc.num_qubits, parameters=[symbols[p.name] for p in order])
    after = " of the decomposed circuit" if flat is not qc else ""
    for position, inst in enumerate(flat.data):
        op = inst.operation
        qubits = [flat.find_bit(q).index for q in inst.qubits]
        where = f"from_qiskit: gate {position}{after} ({op.name} on qubits {qubits})"
        angles = [_angle(p, symbols, where) for p in op.params] if op.name not in _IGNORED else []
        _append(circuit, op.name, qubits, angles, where)
    phase = _angle(flat.global_phase, symbols, "from_qiskit: the circuit's global_phase")
    if phase != 0:
        # e^{iφ} = exp(−i(−2φ)·I/2): a pure global phase, invisible to Õ but kept for unitary equality.
        circuit.exp(-2 * phase, {"I": 1}, [0])
    return circuit


#: How many rounds of ``QuantumCircuit.decompose`` are tried before giving up.
MAX_DECOMPOSITION_ROUNDS = 12


def _decomposed(qc):
    """``qc`` with every unsupported instruction replaced by its definition, recursively."""
    flat = qc
    for _ in range(MAX_DECOMPOSITION_ROUNDS):
        unsupported = {}
        for position, inst in enumerate(flat.data):
            name = inst.operation.name
            if name not in SUPPORTED_GATES and name not in unsupported:
                unsupported[name] = (position, inst)
        if not unsupported:
            return flat
        for name, (position, inst) in unsupported.items():
            if name in ("measure", "reset") or getattr(inst.operation, "definition", None) is None:
                qubits = [flat.find_bit(q).index for q in inst.qubits]
                what = "of the decomposed circuit " if flat is not qc else ""
                raise InputValueError(
                    f"from_qiskit: gate {position} {what}({name} on qubits {qubits}) is not supported and has no "
                    f"definition to decompose it into; supported Qiskit gates: {', '.join(SUPPORTED_GATES)}")
        flat = flat.decompose(gates_to_decompose=sorted(unsupported))
    raise InputValueError(f"from_qiskit: gates {sorted(unsupported)} are still not supported after "
                          f"{MAX_DECOMPOSITION_ROUNDS} rounds of decomposition; transpile the circuit first, e.g. "
                          "qiskit.transpile(qc, basis_gates=['rx', 'ry', 'rz', 'cx'])")


def _angle(value, symbols: dict[str, sp.Symbol], where: str) -> sp.Expr:
    if hasattr(value, "sympify") and hasattr(value, "parameters"):
        if not value.parameters:
            return exact_angle_constant(complex(value), where)
        return linear_exact_angle(value.sympify(), symbols, where)
    if isinstance(value, (int, float, complex)) or hasattr(value, "__float__"):
        return exact_angle_constant(value, where)
    raise InputValueError(f"{where}: cannot read the gate parameter {value!r}")


def _append(circuit: Circuit, name: str, q: list[int], angles: list[sp.Expr], where: str) -> None:
    if name in _IGNORED:
        return
    if name in _ONE_QUBIT_FIXED:
        getattr(circuit, name)(q[0])
    elif name in _ROTATIONS:
        getattr(circuit, name)(angles[0], q[0])
    elif name in _TWO_QUBIT_FIXED:
        getattr(circuit, _TWO_QUBIT_FIXED[name])(q[0], q[1])
    elif name in _CONTROLLED:
        getattr(circuit, name)(angles[0], q[0], q[1])
    elif name in _ISING:
        # Qiskit's RZX(θ) = exp(−iθ Z_{q0} X_{q1}/2): the first letter acts on the first qubit argument.
        circuit.pauli(angles[0], _ISING[name], q)
    elif name in ("p", "u1"):
        circuit.exp(angles[0], _PHASE_GENERATOR, q)
    elif name in ("cp", "cu1"):
        circuit.exp(angles[0], _CPHASE_GENERATOR, q)
    elif name in ("u", "u3", "u2"):
        theta, phi, lam = ([sp.pi / 2] + angles) if name == "u2" else angles
        circuit.exp(lam, _PHASE_GENERATOR, q).ry(theta, q[0]).exp(phi, _PHASE_GENERATOR, q)
    elif name == "tdg":
        circuit.append_unitary(_T_DAGGER, q)
    elif name == "sx":
        circuit.append_unitary(_SX, q)
    elif name == "sxdg":
        circuit.append_unitary(_SX.H, q)
    else:
        raise InputValueError(f"{where}: gate {name!r} is not supported; supported Qiskit gates: "
                              f"{', '.join(SUPPORTED_GATES)} (decompose it first, e.g. "
                              f"qiskit.transpile(qc, basis_gates=['rx', 'ry', 'rz', 'cx']))")


# -- observables in, observables out ----------------------------------------------------------------

def pauli_terms_from_qiskit(observable, *, tolerance: float | None = None) -> dict[str, sp.Expr]:
    """Exact ``{word: coefficient}`` of a Qiskit ``SparsePauliOp``, ``Pauli``, ``SparseObservable`` or
    ``Operator``, with ``word[k]`` acting on qubit ``k`` (Qiskit label ``"XZ"`` — Z on qubit 0 — becomes ``"ZX"``).

    Coefficients are converted by :func:`sggd_sym.interop.exact.exact_number`: integers and floats that are
    exactly simple dyadic rationals (``0.5``, ``-0.25``) are kept exactly, other floats are refused unless
    ``tolerance=`` is given.  A parameterised ``SparsePauliOp`` is refused (bind its parameters first).
    """
    try:
        from qiskit.quantum_info import Operator, Pauli, SparsePauliOp
    except ImportError:
        raise missing_extra("qiskit", "qiskit") from None
    where = "observable_from_qiskit"
    if isinstance(observable, Pauli):
        observable = SparsePauliOp(observable)
    elif isinstance(observable, Operator):
        if observable.input_dims() != observable.output_dims() or set(observable.input_dims()) != {2}:
            raise InputValueError(f"{where}: the Operator must act on qubits, got dims {observable.input_dims()}")
        from sggd_sym.algebra import ops
        from sggd_sym.interop.exact import exact_matrix

        # Qiskit's matrix is little-endian; reverse the qubit order to this package's (qubit 0 leftmost).
        m = exact_matrix(observable.reverse_qargs().data, f"{where}: Operator entry", tolerance=tolerance)
        return ops.pauli_decompose(m)
    elif type(observable).__name__ == "SparseObservable":
        observable = SparsePauliOp.from_sparse_observable(observable)
    if not isinstance(observable, SparsePauliOp):
        raise InputTypeError(f"{where}: observable expected a SparsePauliOp, Pauli, SparseObservable or Operator, "
                             f"got {type(observable).__name__}")
    if observable.coeffs.dtype == object and any(hasattr(c, "parameters") and c.parameters
                                                 for c in observable.coeffs):
        raise InputValueError(f"{where}: the SparsePauliOp has parameterised coefficients; bind them first "
                              "(op.assign_parameters(...))")
    labels = observable.paulis.to_labels()
    pairs = []
    for label, coeff in zip(labels, observable.coeffs):
        phase = 1
        if label[0] in "-i":  # labels with a phase prefix such as "-iXZ"
            prefix = label[: len(label) - len(label.lstrip("-i"))]
            phase = {"": 1, "-": -1, "i": 1j, "-i": -1j}[prefix]
            label = label[len(prefix):]
        pairs.append((label[::-1], coeff * phase if phase != 1 else coeff))
    from sggd_sym.interop.exact import exact_pauli_terms

    return exact_pauli_terms(pairs, where, tolerance=tolerance)


def observable_from_qiskit(observable, *, tolerance: float | None = None) -> sp.ImmutableMatrix:
    """A Qiskit observable (``SparsePauliOp``, ``Pauli``, ``SparseObservable``, ``Operator``) as an exact
    Hermitian SymPy matrix in this package's qubit order (see :func:`pauli_terms_from_qiskit`).

    >>> qiskit = __import__("pytest").importorskip("qiskit")
    >>> import sggd_sym as sg
    >>> from qiskit.quantum_info import SparsePauliOp
    >>> observable_from_qiskit(SparsePauliOp.from_list([("IZ", 1), ("XX", 0.5)])) == sg.ops.pauli_sum("Z0 + 1/2 X0 X1", 2)
    True
    """
    from sggd_sym.interop.exact import pauli_terms_matrix

    return pauli_terms_matrix(pauli_terms_from_qiskit(observable, tolerance=tolerance), "observable_from_qiskit")


def to_sparse_pauli_op(observable, values=None):
    """An exact observable of this package as a Qiskit ``SparsePauliOp`` (for an ``Estimator``).

    ``observable`` is a :class:`~sggd_sym.symmetry.twirling.TwirledObservable` (its twirled observable ``T_G[Õ(θ)]``,
    Eq. 5), a ``{Pauli word: exact coefficient}`` mapping (``word[k]`` on qubit ``k``), or an exact SymPy
    matrix.  Coefficients that depend on the circuit parameters need ``values``: an array ordered as the
    parameters (for an imported circuit: ``qc.parameters``) or a mapping from Qiskit ``Parameter``\\ s,
    SymPy Symbols or names to values.  Qiskit stores coefficients as complex floats, so exact rationals
    are rounded there (dyadic ones such as ``1/2``, ``3/4`` stay exact); the exact coefficients are
    :func:`sggd_sym.interop.export.twirled_pauli_terms`.
    """
    try:
        from qiskit.quantum_info import SparsePauliOp
    except ImportError:
        raise missing_extra("qiskit", "qiskit") from None
    from sggd_sym.interop.export import numeric_pauli_terms

    terms = numeric_pauli_terms(observable, values, "to_sparse_pauli_op")
    labels = [word[::-1] for word, _ in terms]
    coeffs = [c for _, c in terms]
    return SparsePauliOp(labels, coeffs=coeffs)
