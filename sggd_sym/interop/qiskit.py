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

from ..circuits import Circuit
from ..exceptions import InputTypeError, InputValueError
from . import exact_angle_constant, linear_exact_angle, missing_extra

__all__ = ["from_qiskit", "SUPPORTED_GATES"]

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


def from_qiskit(qc) -> Circuit:
    """Convert a Qiskit ``QuantumCircuit`` into an exact :class:`~sggd_sym.Circuit` (same qubit indices).

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
    symbols = {p.name: sp.Symbol(p.name, real=True) for p in qc.parameters}
    circuit = Circuit(qc.num_qubits)
    for position, inst in enumerate(qc.data):
        op = inst.operation
        qubits = [qc.find_bit(q).index for q in inst.qubits]
        where = f"from_qiskit: gate {position} ({op.name} on qubits {qubits})"
        angles = [_angle(p, symbols, where) for p in op.params] if op.name not in _IGNORED else []
        _append(circuit, op.name, qubits, angles, where)
    phase = _angle(qc.global_phase, symbols, "from_qiskit: the circuit's global_phase")
    if phase != 0:
        # e^{iφ} = exp(−i(−2φ)·I/2): a pure global phase, invisible to Õ but kept for unitary equality.
        circuit.exp(-2 * phase, {"I": 1}, [0])
    return circuit


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
        circuit.unitary(_T_DAGGER, q)
    elif name == "sx":
        circuit.unitary(_SX, q)
    elif name == "sxdg":
        circuit.unitary(_SX.H, q)
    else:
        raise InputValueError(f"{where}: gate {name!r} is not supported; supported Qiskit gates: "
                              f"{', '.join(SUPPORTED_GATES)} (decompose it first, e.g. "
                              f"qiskit.transpile(qc, basis_gates=['rx', 'ry', 'rz', 'cx']))")
