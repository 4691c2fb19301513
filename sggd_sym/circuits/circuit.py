"""Parameterised circuits with exact unitaries (SPEC §1, §4; paper Eq. 1 and 9).

A :class:`Circuit` is a list of gates on ``n`` qubits; angles are exact SymPy
expressions, linear in the parameters (Symbols, in order of first use).
Conventions: ``RX(t) = exp(−i t X/2)`` (likewise ``RY``, ``RZ``); a Pauli-type
gate ``exp(−i t G/2)``; CNOT with control first; gates apply in the order they
are added, so ``U = U_last ⋯ U_first``.

Each gate is also described for the Heisenberg picture, either as commuting
Pauli rotations ``exp(−i φ_k W_k/2)`` (all parameterised gates) or as a fixed
unitary (Clifford and other constant gates), which is what
:mod:`sggd_sym.circuits.heisenberg` propagates exactly.

>>> import sympy as sp, sggd_sym as sg
>>> t = sp.Symbol("t")
>>> c = sg.Circuit(2).ry(t, 0).cnot(0, 1)
>>> c.parameters
(t,)
>>> c.unitary().subs(t, 0) == sg.ops.CNOT
True
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass, field
from functools import cached_property, reduce
from math import gcd

import numpy as np
import sympy as sp

from sggd_sym import _checks
from sggd_sym.algebra import ops
from sggd_sym.algebra.paulis import words_commute
from sggd_sym.circuits.unitaries import exact_unitary
from sggd_sym.exceptions import InputTypeError, InputValueError
from sggd_sym.numeric.bridge import apply_to_qubits, lambdify_checked, to_numpy

__all__ = ["Gate", "Circuit", "UnknownGateError", "werner_ansatz", "hardware_efficient", "GATES",
           "MAX_FREQUENCY_MULTIPLE"]

#: Gate methods of :class:`Circuit` (listed in the error for an unknown gate name).
GATES = ("rx", "ry", "rz", "crx", "cry", "crz", "h", "x", "y", "z", "s", "sdg", "t", "cnot", "cz", "swap",
         "pauli", "exp", "append_unitary")
#: Largest ratio between a parameter's slopes and their common base frequency (``cos(m ω θ)`` needs ``m``
#: angle additions): ``ry(1000*t)`` after ``ry(t/1000)`` would need ``m = 10**6``.
MAX_FREQUENCY_MULTIPLE = 256
#: Largest numerator and denominator of a slope (``ry(10**400 * t)`` would overflow every float evaluation).
MAX_SLOPE = 2**20


def _short(value, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


class UnknownGateError(InputValueError, AttributeError):
    """``Circuit(1).iswap``: the circuit has no such gate (an ``AttributeError``, so ``hasattr`` works).

    >>> hasattr(Circuit(1), "iswap"), issubclass(UnknownGateError, AttributeError)
    (False, True)
    """

_FIXED = {
    "h": ops.H, "x": ops.X, "y": ops.Y, "z": ops.Z, "s": ops.S,
    "sdg": ops.S.H, "t": sp.ImmutableMatrix([[1, 0], [0, sp.exp(sp.I * sp.pi / 4)]]),
    "cnot": ops.CNOT, "cz": sp.ImmutableMatrix(sp.diag(1, 1, 1, -1)), "swap": ops.SWAP,
}
_ROTATION_AXIS = {"rx": "X", "ry": "Y", "rz": "Z"}
_CONTROLLED_AXIS = {"crx": "X", "cry": "Y", "crz": "Z"}


@dataclass(frozen=True)
class Gate:
    """One gate: ``name``, the ``qubits`` it acts on, an exact ``angle`` (or ``None``) and extra data.

    ``generator`` holds ``{Pauli word on these qubits: coefficient}`` for ``exp(−i angle G/2)`` gates
    (``name == "exp"``, including the one-word ``"pauli"`` gate); ``matrix`` a fixed unitary.

    >>> Circuit(2).ry(sp.Symbol("t"), 1).gates[0]
    Gate(name='ry', qubits=(1,), angle=t, generator=None, matrix=None)
    """

    name: str
    qubits: tuple[int, ...]
    angle: sp.Expr | None = None
    generator: tuple[tuple[str, sp.Expr], ...] | None = None
    matrix: sp.ImmutableMatrix | None = field(default=None, compare=False)

    def rotations(self) -> tuple[tuple[str, sp.Expr], ...] | None:
        """Commuting Pauli rotations ``((word on self.qubits, φ), …)`` whose product is the gate up to
        :meth:`global_phase`; ``None`` for fixed gates (those go through their exact matrix).

        Computed once per gate (the Heisenberg picture, the exact unitary and the packed propagation all
        ask for it).

        >>> Gate("crz", (0, 1), sp.Symbol("t")).rotations()
        (('IZ', t/2), ('ZZ', -t/2))
        """
        return self._rotations

    @cached_property
    def _rotations(self) -> tuple[tuple[str, sp.Expr], ...] | None:
        if self.name in _ROTATION_AXIS:
            return ((_ROTATION_AXIS[self.name], self.angle),)
        if self.name in _CONTROLLED_AXIS:
            # |0⟩⟨0|⊗I + |1⟩⟨1|⊗R(t) = exp(−i (t/2) I⊗P / 2) · exp(+i (t/2) Z⊗P / 2)
            axis = _CONTROLLED_AXIS[self.name]
            return (("I" + axis, self.angle / 2), ("Z" + axis, -self.angle / 2))
        if self.generator is not None:
            return tuple((word, coeff * self.angle) for word, coeff in self.generator if set(word) != {"I"})
        return None

    def exact_matrix(self) -> sp.ImmutableMatrix:
        """The gate's exact matrix on its own qubits (angle kept symbolic).

        >>> Gate("ry", (0,), sp.Symbol("t")).exact_matrix().tolist()
        [[cos(t/2), -sin(t/2)], [sin(t/2), cos(t/2)]]
        """
        if self.matrix is not None:
            return self.matrix
        k = len(self.qubits)
        total = sp.eye(2**k)
        for word, phi in self.rotations():
            total = total * (sp.cos(phi / 2) * sp.eye(2**k) - sp.I * sp.sin(phi / 2) * ops.pauli(word))
        phase = self.global_phase()
        return sp.ImmutableMatrix(total * phase if phase != 1 else total)

    def phase_angle(self) -> sp.Expr:
        """``α`` with :meth:`global_phase` ``= e^{iα}``: ``α = −a·angle/2`` for an identity term ``a·I`` of an
        ``exp`` generator, else 0.

        >>> Gate("exp", (0,), sp.Symbol("t"), generator=(("I", 2), ("Z", 1))).phase_angle()
        -t
        """
        if self.generator is None:
            return sp.Integer(0)
        a = sum((coeff for word, coeff in self.generator if set(word) == {"I"}), sp.Integer(0))
        return -a * self.angle / 2

    def global_phase(self) -> sp.Expr:
        """``exp(−i a·angle/2)`` for an identity term ``a·I`` of an ``exp`` generator, else 1.

        >>> Gate("exp", (0,), sp.Symbol("t"), generator=(("I", 2), ("Z", 1))).global_phase()
        exp(-I*t)
        """
        alpha = self.phase_angle()
        return sp.exp(sp.I * alpha) if alpha != 0 else sp.Integer(1)

    @cached_property
    def _numeric(self):
        symbols = sorted(self.angle.free_symbols, key=str) if self.angle is not None else []
        return symbols, lambdify_checked(symbols, self.exact_matrix(), where=f"Gate {self.name}")


class Circuit:
    """Builder of parameterised circuits on ``n_qubits`` qubits; every gate method returns ``self``.

    ``parameters`` optionally fixes the order of (some of) the parameter Symbols; the rest follow in
    order of first use.

    Gates: ``rx ry rz h x y z s sdg t cnot cz swap crx cry crz``, ``pauli(t, word, qubits)`` for
    ``exp(−i t P/2)``, ``exp(t, generator)`` for ``exp(−i t G/2)`` with ``G`` a sum of commuting Pauli
    words, and ``append_unitary(matrix, qubits)`` for a fixed exact gate.  Its unitary enters the model of
    Eq. 1, ``f_θ(x) = Tr[O U(θ) ρ(x) U(θ)†]``.

    >>> t0, t1 = sp.symbols("t0 t1")
    >>> c = Circuit(2).ry(t0, 0).rz(t1, 1).cnot(0, 1)
    >>> c, c.parameters
    (Circuit(n_qubits=2, gates=3, parameters=(t0, t1)), (t0, t1))
    >>> Circuit(2, parameters=[t1]).rx(t0, 0).parameters   # declared first, then in order of use
    (t1, t0)
    """

    def __init__(self, n_qubits: int, parameters=()):
        self.n_qubits = _checks.qubits_count("Circuit", "n_qubits", n_qubits)
        self.gates: list[Gate] = []
        if isinstance(parameters, (str, bytes)) or not hasattr(parameters, "__iter__"):
            raise InputTypeError(f"Circuit: parameters expected a list of sympy Symbols, got "
                                 f"{type(parameters).__name__}")
        declared = list(parameters)
        for p in declared:
            if not isinstance(p, sp.Symbol):
                raise InputTypeError(f"Circuit: parameters must be sympy Symbols, got {p!r}")
        if len(set(declared)) != len(declared):
            raise InputValueError(f"Circuit: parameters must be distinct, got {declared}")
        self._parameters: list[sp.Symbol] = declared
        self._slopes: dict[sp.Symbol, set] = {}

    def __getattr__(self, name: str):
        # only reached when normal lookup fails: an unknown gate such as ``Circuit(1).iswap``
        if name.startswith("_"):
            raise AttributeError(name)
        raise UnknownGateError(f"Circuit: no gate {name!r}; supported gates: {', '.join(GATES)} (write other "
                               "gates with append_unitary(matrix, qubits), exp(angle, generator) or pauli(angle, word, "
                               "qubits))")

    # -- bookkeeping ----------------------------------------------------------------------------
    @property
    def parameters(self) -> tuple[sp.Symbol, ...]:
        """The parameter Symbols: those declared with ``Circuit(n, parameters=...)`` first, then the
        others in order of first use."""
        return tuple(self._parameters)

    @property
    def dim(self) -> int:
        return 2**self.n_qubits

    def __len__(self) -> int:
        return len(self.gates)

    def __repr__(self) -> str:
        return f"Circuit(n_qubits={self.n_qubits}, gates={len(self.gates)}, parameters={self.parameters})"

    def _qubits(self, where: str, qubits, count: int | None) -> tuple[int, ...]:
        if isinstance(qubits, (str, bytes)) or not hasattr(qubits, "__iter__"):
            raise InputTypeError(f"Circuit.{where}: qubits expected a list of qubit indices such as [0, 1], got "
                                 f"{type(qubits).__name__} {qubits!r}")
        qs = tuple(qubits)
        if count is not None and len(qs) != count:
            raise InputValueError(f"Circuit.{where}: expected {count} qubit(s), got {qs}")
        for q in qs:
            if isinstance(q, bool) or not isinstance(q, numbers.Integral):
                raise InputTypeError(f"Circuit.{where}: qubit indices must be ints, got {q!r}")
            if not 0 <= q < self.n_qubits:
                raise InputValueError(f"Circuit.{where}: qubit {q} out of range for a {self.n_qubits}-qubit circuit "
                                      f"(valid: 0..{self.n_qubits - 1})")
        if len(set(qs)) != len(qs):
            raise InputValueError(f"Circuit.{where}: qubits must be distinct, got {qs}")
        return tuple(int(q) for q in qs)

    def _angle(self, where: str, angle) -> sp.Expr:
        name = "angle"
        if isinstance(angle, (float, np.floating, sp.Float)):
            raise InputTypeError(
                f"Circuit.{where}: angle {angle!r} is a float; pass a sympy Symbol or an exact number "
                "(sympy.pi/4, sympy.Rational(1, 3)) so the derivation stays exact")
        if isinstance(angle, sp.Basic) and not isinstance(angle, sp.Expr) or isinstance(angle, sp.MatrixBase):
            raise InputTypeError(f"Circuit.{where}: angle must be an exact real expression, got the SymPy "
                                 f"{type(angle).__name__} {angle!r}")
        if isinstance(angle, sp.Expr) and angle.has(sp.Float):
            raise InputTypeError(f"Circuit.{where}: angle must be an exact real expression, got {angle!r} (it "
                                 "contains floats; use sympy.Rational)")
        if isinstance(angle, sp.Expr) and angle.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise InputValueError(f"Circuit.{where}: angle {angle} is not finite (nan, oo or zoo); give a finite "
                                  "exact angle such as t, 2*t or sympy.pi/4")
        try:
            expr = _checks.exact_expr(f"Circuit.{where}", name, angle)
        except InputTypeError as err:
            if isinstance(angle, sp.Expr):
                raise InputTypeError(f"Circuit.{where}: angle must be an exact real expression, got {angle!r} "
                                     f"({err})") from None
            raise InputTypeError(f"Circuit.{where}: angle must be a sympy Symbol, expression or exact number, "
                                 f"got {type(angle).__name__} ({err})") from None
        if expr.has(sp.I) or expr.is_extended_real is False:
            raise InputValueError(f"Circuit.{where}: angle must be real, got {expr}")
        slopes = {}
        for symbol in expr.free_symbols:
            if not isinstance(symbol, sp.Symbol):
                raise InputValueError(f"Circuit.{where}: angle {expr} must be built from sympy Symbols")
            slope = sp.diff(expr, symbol)
            if slope.free_symbols or not slope.is_Rational:
                raise InputValueError(f"Circuit.{where}: angle {expr} must be linear in the parameters with "
                                      f"rational slopes (like t, 2*t, t/2 + pi/4)")
            slope = sp.Rational(slope)
            if max(abs(int(slope.p)), int(slope.q)) > MAX_SLOPE:
                raise InputValueError(f"Circuit.{where}: angle {_short(expr)} has the slope {_short(slope)} for "
                                      f"{symbol}; slopes must be fractions p/q with |p|, q <= {MAX_SLOPE} (rescale "
                                      "the parameter instead)")
            slopes[symbol] = slope
        for symbol, slope in slopes.items():
            if slope == 0:
                continue
            known = self._slopes.get(symbol, set()) | {abs(slope)}
            base = sp.Rational(reduce(gcd, [int(r.p) for r in known]), reduce(_lcm, [int(r.q) for r in known]))
            multiple = max(known) / base
            if multiple > MAX_FREQUENCY_MULTIPLE:
                raise InputValueError(
                    f"Circuit.{where}: angle {expr} gives {symbol} the slope {slope}; with its other slopes "
                    f"{sorted(known - {abs(slope)})} this needs cos({multiple}·{base}·{symbol}), more than "
                    f"{MAX_FREQUENCY_MULTIPLE} multiples of the common frequency; rescale the parameter so its "
                    "slopes are small integers (like t, 2*t, t/2)")
        for symbol, slope in slopes.items():
            if slope != 0:
                self._slopes.setdefault(symbol, set()).add(abs(slope))
        for symbol in sorted(expr.free_symbols, key=str):
            if symbol not in self._parameters:
                self._parameters.append(symbol)
        return expr

    def _add(self, gate: Gate) -> "Circuit":
        self.gates.append(gate)
        return self

    # -- gates --------------------------------------------------------------------------------
    def rx(self, angle, qubit: int) -> "Circuit":
        """``RX(angle) = exp(−i angle X/2)`` on ``qubit``.

        >>> Circuit(1).rx(sp.pi, 0).unitary().tolist()
        [[0, -I], [-I, 0]]
        """
        return self._add(Gate("rx", self._qubits("rx", [qubit], 1), self._angle("rx", angle)))

    def ry(self, angle, qubit: int) -> "Circuit":
        """``RY(angle) = exp(−i angle Y/2)`` on ``qubit``.

        >>> Circuit(1).ry(sp.pi, 0).unitary().tolist()
        [[0, -1], [1, 0]]
        """
        return self._add(Gate("ry", self._qubits("ry", [qubit], 1), self._angle("ry", angle)))

    def rz(self, angle, qubit: int) -> "Circuit":
        """``RZ(angle) = exp(−i angle Z/2)`` on ``qubit``.

        >>> Circuit(1).rz(sp.pi, 0).unitary().tolist()
        [[-I, 0], [0, I]]
        """
        return self._add(Gate("rz", self._qubits("rz", [qubit], 1), self._angle("rz", angle)))

    def crx(self, angle, control: int, target: int) -> "Circuit":
        """Controlled ``RX``: ``|0⟩⟨0|⊗I + |1⟩⟨1|⊗RX(angle)``.

        >>> U = Circuit(2).crx(sp.Symbol("t"), 0, 1).unitary()
        >>> U[:2, :2] == sp.eye(2), U[2:, 2:].tolist()
        (True, [[cos(t/2), -I*sin(t/2)], [-I*sin(t/2), cos(t/2)]])
        """
        return self._add(Gate("crx", self._qubits("crx", [control, target], 2), self._angle("crx", angle)))

    def cry(self, angle, control: int, target: int) -> "Circuit":
        """Controlled ``RY``: ``|0⟩⟨0|⊗I + |1⟩⟨1|⊗RY(angle)``.

        >>> U = Circuit(2).cry(sp.Symbol("t"), 0, 1).unitary()
        >>> U[:2, :2] == sp.eye(2), U[2:, 2:].tolist()
        (True, [[cos(t/2), -sin(t/2)], [sin(t/2), cos(t/2)]])
        """
        return self._add(Gate("cry", self._qubits("cry", [control, target], 2), self._angle("cry", angle)))

    def crz(self, angle, control: int, target: int) -> "Circuit":
        """Controlled ``RZ``: ``|0⟩⟨0|⊗I + |1⟩⟨1|⊗RZ(angle)``.

        >>> U = Circuit(2).crz(sp.Symbol("t"), 0, 1).unitary()
        >>> U[:2, :2] == sp.eye(2), U[2:, 2:].tolist()
        (True, [[-I*sin(t/2) + cos(t/2), 0], [0, I*sin(t/2) + cos(t/2)]])
        """
        return self._add(Gate("crz", self._qubits("crz", [control, target], 2), self._angle("crz", angle)))

    def pauli(self, angle, word: str, qubits) -> "Circuit":
        """``exp(−i angle P/2)`` for the Pauli word ``P`` (``word[k]`` acts on ``qubits[k]``).

        >>> Circuit(1).pauli(sp.pi, "X", [0]).unitary() == Circuit(1).rx(sp.pi, 0).unitary()
        True
        """
        return self.exp(angle, {word: 1}, qubits, _name="pauli")

    def exp(self, angle, generator: dict[str, object], qubits=None, *, _name: str = "exp") -> "Circuit":
        """``exp(−i angle G/2)`` with ``G = Σ_k g_k W_k`` a real sum of mutually commuting Pauli words.

        ``generator`` maps Pauli words (on ``qubits``, default all qubits) to exact real coefficients.

        >>> Circuit(2).exp(sp.pi, {"XX": 1, "ZZ": 1}).unitary().tolist()   # exp(−iπ XX/2) exp(−iπ ZZ/2)
        [[0, 0, 0, -1], [0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0]]
        """
        where = _name
        if not isinstance(generator, dict) or not generator:
            raise InputTypeError(f"Circuit.{where}: generator must be a non-empty dict {{pauli word: coefficient}}")
        qubits = tuple(range(self.n_qubits)) if qubits is None else qubits
        qs = self._qubits(where, qubits, None)
        terms = []
        for word, coeff in generator.items():
            if not isinstance(word, str) or len(word) != len(qs) or set(word.upper()) - set("IXYZ"):
                raise InputValueError(f"Circuit.{where}: Pauli word {word!r} must use 'IXYZ' and have one letter "
                                      f"per qubit of {qs}")
            value = _checks.exact_number(f"Circuit.{where}", f"coefficient of {word}", coeff)
            if not value.is_real:
                raise InputValueError(f"Circuit.{where}: coefficient {coeff!r} of {word} must be an exact real number")
            terms.append((word.upper(), value))
        words = [w for w, _ in terms]
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                if not words_commute(a, b):
                    raise InputValueError(f"Circuit.{where}: generator words {a} and {b} anticommute; only sums of "
                                          "commuting Pauli words are supported (split the gate into several)")
        return self._add(Gate(_name, qs, self._angle(where, angle), generator=tuple(terms)))

    def unitary(self, matrix=None, qubits=None) -> sp.ImmutableMatrix:
        """The exact circuit unitary ``U(θ)`` (SPEC §4), entries in the circuit's parameters.

        >>> Circuit(1).rx(sp.Symbol("t"), 0).unitary()
        Matrix([
        [   cos(t/2), -I*sin(t/2)],
        [-I*sin(t/2),    cos(t/2)]])

        Called with a ``matrix`` (the Qiskit spelling ``qc.unitary(matrix, qubits)``) it appends that gate
        instead, with a :class:`DeprecationWarning`: use :meth:`append_unitary`.
        """
        if matrix is None and qubits is None:
            return exact_unitary(self)
        warnings.warn("Circuit.unitary(matrix, qubits) appends a gate; this spelling is deprecated, use "
                      "Circuit.append_unitary(matrix, qubits) (Circuit.unitary() is the circuit's exact unitary)",
                      DeprecationWarning, stacklevel=2)
        return self.append_unitary(matrix, qubits)

    def append_unitary(self, matrix, qubits=None) -> "Circuit":
        """Append a fixed exact unitary ``matrix`` on ``qubits`` (default: all qubits, in order).

        >>> Circuit(2).append_unitary(sp.Matrix([[0, 1], [1, 0]]), [1]).gates[0].name
        'unitary'
        """
        qubits = tuple(range(self.n_qubits)) if qubits is None else qubits
        qs = self._qubits("unitary", qubits, None)
        m = _checks.unitary("Circuit.append_unitary", "matrix", matrix, dim=2 ** len(qs))
        return self._add(Gate("unitary", qs, None, matrix=m))

    def _fixed(self, name: str, qubits) -> "Circuit":
        k = _FIXED[name].rows.bit_length() - 1
        return self._add(Gate(name, self._qubits(name, qubits, k), None, matrix=_FIXED[name]))

    def h(self, qubit: int) -> "Circuit":
        return self._fixed("h", [qubit])

    def x(self, qubit: int) -> "Circuit":
        return self._fixed("x", [qubit])

    def y(self, qubit: int) -> "Circuit":
        return self._fixed("y", [qubit])

    def z(self, qubit: int) -> "Circuit":
        return self._fixed("z", [qubit])

    def s(self, qubit: int) -> "Circuit":
        return self._fixed("s", [qubit])

    def sdg(self, qubit: int) -> "Circuit":
        return self._fixed("sdg", [qubit])

    def t(self, qubit: int) -> "Circuit":
        return self._fixed("t", [qubit])

    def cnot(self, control: int, target: int) -> "Circuit":
        """CNOT with ``control`` first.

        >>> Circuit(2).cnot(1, 0).unitary().tolist()
        [[1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0]]
        """
        return self._fixed("cnot", [control, target])

    def cz(self, a: int, b: int) -> "Circuit":
        return self._fixed("cz", [a, b])

    def swap(self, a: int, b: int) -> "Circuit":
        return self._fixed("swap", [a, b])

    def extend(self, other: "Circuit") -> "Circuit":
        """Append the gates of ``other`` (same number of qubits).

        >>> len(Circuit(1).ry(sp.Symbol("t"), 0).extend(Circuit(1).h(0)))
        2
        """
        if not isinstance(other, Circuit) or other.n_qubits != self.n_qubits:
            raise InputValueError("Circuit.extend: other must be a Circuit on the same number of qubits")
        for gate in other.gates:
            if gate.angle is not None:
                self._angle("extend", gate.angle)
            self.gates.append(gate)
        return self

    # -- matrices ---------------------------------------------------------------------------------
    def unitary_numeric(self, values) -> np.ndarray:
        """``U(θ)`` as a complex numpy array for parameter ``values`` (in :attr:`parameters` order).

        >>> np.round(Circuit(1).ry(sp.Symbol("t"), 0).unitary_numeric([np.pi]).real, 6).tolist()
        [[0.0, -1.0], [1.0, 0.0]]
        """
        theta = self._values("unitary_numeric", values)
        subs = dict(zip(self.parameters, theta))
        d = self.dim
        state = np.eye(d, dtype=complex).reshape((2,) * self.n_qubits + (d,))
        for gate in self.gates:
            symbols, fn = gate._numeric
            matrix = np.asarray(fn(*[subs[s] for s in symbols]), dtype=complex)
            state = apply_to_qubits(state, matrix, gate.qubits)
        return state.reshape(d, d)

    def _values(self, where: str, values) -> np.ndarray:
        arr = _checks.real_array(f"Circuit.{where}", "values", values, max_ndim=1)
        arr = arr.reshape(-1)
        if arr.size != len(self._parameters):
            raise InputValueError(f"Circuit.{where}: expected {len(self._parameters)} parameter values "
                                  f"for {self.parameters}, got {arr.size}")
        return arr

    def to_sim_ops(self) -> list[tuple]:
        """The circuit in :mod:`sggd_sym.sim`'s plain-data format ``(name, qubits, angle, data)``.

        Parameterised angles become ``(index, scale, offset)``; only plain floats and numpy arrays are
        produced, so the simulator stays independent of SymPy.

        >>> Circuit(2).ry(2 * sp.Symbol("t") + 1, 0).cnot(0, 1).to_sim_ops()
        [('ry', (0,), (0, 2.0, 1.0), None), ('cnot', (0, 1), None, None)]
        """
        index = {p: j for j, p in enumerate(self.parameters)}
        out = []
        for gate in self.gates:
            angle = None
            if gate.angle is not None:
                symbols = list(gate.angle.free_symbols)
                offset = float(gate.angle.subs({s: 0 for s in symbols}))
                if len(symbols) == 0:
                    angle = offset
                elif len(symbols) == 1:
                    angle = (index[symbols[0]], float(sp.diff(gate.angle, symbols[0])), offset)
                else:
                    raise InputValueError("Circuit.to_sim_ops: an angle with several parameters has no simulator "
                                          "form; use one parameter per gate")
            if gate.name in ("exp", "pauli"):
                generator = ops.from_pauli_terms(dict(gate.generator))
                out.append(("exp", gate.qubits, angle, to_numpy(generator)))
            elif gate.name == "unitary" or gate.name == "t" or gate.name == "sdg":
                out.append(("unitary", gate.qubits, None, to_numpy(gate.matrix)))
            else:
                out.append((gate.name, gate.qubits, angle, None))
        return out


def _lcm(a: int, b: int) -> int:
    return a * b // gcd(a, b)


def werner_ansatz(theta: sp.Symbol | None = None) -> Circuit:
    """Eq. 9: ``U(θ) = exp(iθ |1⟩⟨1| ⊗ |−⟩⟨−|) = I + (e^{iθ} − 1)|1−⟩⟨1−|`` on two qubits.

    Written as ``exp(−iθG/2)`` with ``G = −2|1⟩⟨1|⊗|−⟩⟨−| = (−II + IX + ZI − ZX)/2``, a sum of
    commuting Pauli words, so ``U(0) = I`` and ``U(π) = CNOT``.

    >>> c = werner_ansatz()
    >>> theta, = c.parameters
    >>> c.unitary().subs(theta, 0) == sp.eye(4), c.unitary().subs(theta, sp.pi) == ops.CNOT
    (True, True)
    """
    theta = sp.Symbol("theta", real=True) if theta is None else theta
    half = sp.Rational(1, 2)
    return Circuit(2).exp(theta, {"II": -half, "IX": half, "ZI": half, "ZX": -half})


def hardware_efficient(n_qubits: int, layers: int, *, rotations=("ry", "rz"), entangler: str = "cnot",
                       final_rotations: bool = False, symbol: str = "theta") -> Circuit:
    """Hardware-efficient ansatz: per layer, each rotation of ``rotations`` on every qubit, then a chain of
    ``entangler`` gates ``(0,1), (1,2), …``; optionally a last rotation layer.  Parameters
    ``theta_0, theta_1, …`` in order of use.

    >>> c = hardware_efficient(2, 1)
    >>> c.parameters, [gate.name for gate in c.gates]
    ((theta_0, theta_1, theta_2, theta_3), ['ry', 'rz', 'ry', 'rz', 'cnot'])
    """
    n = _checks.integer("hardware_efficient", "n_qubits", n_qubits, minimum=1)
    layers = _checks.integer("hardware_efficient", "layers", layers, minimum=0)
    rotations = tuple(rotations)
    for r in rotations:
        if r not in _ROTATION_AXIS:
            raise InputValueError(f"hardware_efficient: rotation {r!r} unknown; use any of 'rx', 'ry', 'rz'")
    if entangler not in ("cnot", "cz", None):
        raise InputValueError(f"hardware_efficient: entangler {entangler!r} unknown; use 'cnot', 'cz' or None")
    circuit = Circuit(n)
    count = 0

    def rotation_layer():
        nonlocal count
        for q in range(n):
            for r in rotations:
                getattr(circuit, r)(sp.Symbol(f"{symbol}_{count}", real=True), q)
                count += 1

    for _ in range(layers):
        rotation_layer()
        if entangler is not None:
            for q in range(n - 1):
                getattr(circuit, entangler)(q, q + 1)
    if final_rotations:
        rotation_layer()
    return circuit
