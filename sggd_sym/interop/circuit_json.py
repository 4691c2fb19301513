"""The package's JSON description of a derivation problem: circuit, symmetry group, observable.

Read with :func:`load_problem` (a parsed JSON object or JSON text) or :func:`read_problem` (a ``.json`` file,
or an OpenQASM 2/3 ``.qasm`` file through Qiskit's loaders).  The format is data only: numbers are strings
read by a small regular-expression parser (never ``eval`` or ``sympify``), and every error names the JSON
path of the bad value::

    {"qubits": 2,
     "parameters": ["a", "b"],
     "gates": [{"gate": "ry", "qubits": [0], "angle": {"param": "a", "scale": "2", "offset": "pi/4"}},
               {"gate": "cnot", "qubits": [0, 1]},
               {"gate": "pauli", "word": "XX", "qubits": [0, 1], "angle": "b"}],
     "group": {"name": "swap"},
     "observable": "Z0 + 1/2 X0 X1"}

* ``angle``: a parameter name, a constant (``"1/2"``, ``"pi/4"``, ``"-3*pi/2"``) or
  ``{"param": name, "scale": number, "offset": constant}`` meaning ``scale·param + offset``.
* gates: ``rx ry rz crx cry crz`` (angle), ``h x y z s sdg t cnot cz swap``, ``pauli`` (``word``, angle),
  ``exp`` (``generator``: ``{word: number}``, angle).
* ``group``: ``{"name": one of NAMED_GROUPS}``, ``{"generators": [matrix, …]}`` (finite group) or
  ``{"lie": [Hermitian matrix, …], "discrete": [unitary matrix, …]}``; a matrix is a list of rows of
  entries such as ``"1"``, ``"-1/2"``, ``"i"``, ``"1/2 - 1/2i"``, ``"sqrt(2)/2"``.
* ``observable``: a Pauli sum (``sggd_sym.algebra.ops.pauli_sum``); ``group`` and ``observable`` are optional here
  (the command line can supply them).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

from sggd_sym import _checks
from sggd_sym.algebra.pauli_sum import PauliSum
from sggd_sym.circuits.circuit import Circuit
from sggd_sym.exceptions import InputTypeError, InputValueError, SggdError
from sggd_sym.symmetry import groups

__all__ = ["Problem", "load_problem", "read_problem", "parse_number", "parse_angle_constant", "named_group",
           "NAMED_GROUPS", "group_from_spec", "MAX_QUBITS", "MAX_GATES", "MAX_FILE_BYTES"]

#: Largest qubit count of a problem file (and of ``sggd-sym derive``); observables, named groups and their
#: twirls are Pauli-native, so no ``2**n`` object is formed for them.  Checked before anything is built.
MAX_QUBITS = 16
#: Largest number of gates and of declared parameters in a file.
MAX_GATES = 10_000
MAX_PARAMETERS = 1_000
#: Largest problem or OpenQASM file read (bytes), deepest JSON nesting, longest number (digits) and text.
MAX_FILE_BYTES = 8 * 2**20
MAX_DEPTH = 32
MAX_DIGITS = 300
MAX_TEXT = 10_000


NAMED_GROUPS = groups.NAMED

_GATES_ANGLE = {"rx", "ry", "rz"}
_GATES_CONTROLLED = {"crx", "cry", "crz"}
_GATES_FIXED_1 = {"h", "x", "y", "z", "s", "sdg", "t"}
_GATES_FIXED_2 = {"cnot", "cz", "swap"}
_ALL_GATES = sorted(_GATES_ANGLE | _GATES_CONTROLLED | _GATES_FIXED_1 | _GATES_FIXED_2 | {"pauli", "exp"})
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
_RATIONAL = re.compile(r"^(?P<sign>[+-]?)(?P<num>\d+)(?:/(?P<den>\d+))?$")
_PI = re.compile(r"^(?P<sign>[+-]?)(?:(?P<num>\d+)(?:/(?P<nden>\d+))?\s*\*?\s*)?pi(?:\s*/\s*(?P<den>\d+))?$")
_TERM = re.compile(r"^(?P<num>\d+)?(?:/(?P<den>\d+))?\s*\*?\s*(?:sqrt\((?P<rad>\d+)\))?(?:\s*/\s*(?P<den2>\d+))?"
                   r"\s*\*?\s*(?P<i>i)?$")


class _Path(str):
    def __getitem__(self, key):  # type: ignore[override]
        return _Path(f"{self}[{key}]" if isinstance(key, int) else (f"{self}.{key}" if self else str(key)))


def _fail(path: str, message: str, kind=InputValueError):
    raise kind(f"{path or 'problem'}: {message}")


@dataclass
class Problem:
    """A parsed description: the circuit, and the group and observable when the file gives them."""

    circuit: Circuit
    group: groups.SymmetryGroup | None = None
    observable: sp.ImmutableMatrix | None = None
    group_label: str | None = None
    observable_text: str | None = None


# -- numbers ----------------------------------------------------------------------------------------
def parse_number(text, path: str = "number") -> sp.Expr:
    """An exact complex number from text such as ``"-1/2"``, ``"i"``, ``"1/2 - 1/2i"``, ``"sqrt(2)/2"``."""
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        _fail(path, f"expected a number written as a string such as \"1/2\", got {text!r}", InputTypeError)
    _check_text(text, path)
    s = str(text).replace(" ", "")
    if not s:
        _fail(path, "empty number")
    total = sp.Integer(0)
    for sign, body in re.findall(r"([+-]?)([^+-]*)", s)[:-1] if s else []:
        m = _TERM.match(body)
        if not body or m is None or not any(m.group(g) for g in ("num", "rad", "i")):
            _fail(path, f"cannot read the number {text!r}; write integers, fractions p/q, sqrt(k) and i, "
                        "e.g. \"-1/2\", \"sqrt(2)/2\", \"1/2 - 1/2i\"")
        value = sp.Integer(int(m.group("num"))) if m.group("num") else sp.Integer(1)
        for den in (m.group("den"), m.group("den2")):
            if den is not None:
                if int(den) == 0:
                    _fail(path, f"division by zero in {text!r}")
                value /= int(den)
        if m.group("rad"):
            value *= sp.sqrt(int(m.group("rad")))
        if m.group("i"):
            value *= sp.I
        total += -value if sign == "-" else value
    return total


def parse_angle_constant(text, path: str = "angle") -> sp.Expr:
    """An exact real angle: a rational (``"1/2"``) or a rational multiple of π (``"pi/4"``, ``"-3*pi/2"``)."""
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        _fail(path, f"expected an angle written as a string such as \"pi/4\" or \"1/2\", got {text!r}",
              InputTypeError)
    _check_text(text, path)
    s = str(text).strip()
    m = _RATIONAL.match(s.replace(" ", ""))
    if m:
        return _rational(m, path, text)
    m = _PI.match(s)
    if m is None:
        _fail(path, f"cannot read the angle {text!r}; write a fraction (\"1/2\") or a multiple of pi "
                    "(\"pi/4\", \"-3*pi/2\")")
    num = int(m.group("num")) if m.group("num") else 1
    den = int(m.group("den") or 1) * int(m.group("nden") or 1)
    if den == 0:
        _fail(path, f"division by zero in {text!r}")
    value = sp.Rational(num, den) * sp.pi
    return -value if m.group("sign") == "-" else value


def _check_text(text, path: str) -> None:
    """Bound a number's text before it is read: length and digits (no 5000-digit integers)."""
    s = str(text)
    if len(s) > MAX_TEXT:
        _fail(path, f"the text has {len(s)} characters, more than the limit of {MAX_TEXT}")
    if re.search(r"\d{%d,}" % (MAX_DIGITS + 1), s):
        _fail(path, f"a number in {s[:40]!r}… has more than {MAX_DIGITS} digits")


def _rational(m, path, text) -> sp.Rational:
    den = int(m.group("den") or 1)
    if den == 0:
        _fail(path, f"division by zero in {text!r}")
    value = sp.Rational(int(m.group("num")), den)
    return -value if m.group("sign") == "-" else value


def _real_rational(text, path: str) -> sp.Rational:
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        _fail(path, f"expected a rational number written as a string such as \"2\" or \"1/2\", got {text!r}",
              InputTypeError)
    _check_text(text, path)
    m = _RATIONAL.match(str(text).replace(" ", ""))
    if m is None:
        _fail(path, f"cannot read {text!r}; write an integer or a fraction p/q")
    return _rational(m, path, text)


def _matrix(value, path: _Path, dim: int | None = None) -> sp.ImmutableMatrix:
    if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
        _fail(path, "expected a matrix as a list of rows of number strings", InputTypeError)
    if dim is not None and (len(value) != dim or any(len(r) != dim for r in value)):
        _fail(path, f"expected a {dim}x{dim} matrix (2**qubits), got {len(value)} rows")
    width = len(value[0])
    rows = []
    for i, row in enumerate(value):
        if len(row) != width:
            _fail(path[i], f"row has {len(row)} entries, the first row has {width}")
        rows.append([parse_number(e, path[i][j]) for j, e in enumerate(row)])
    return sp.ImmutableMatrix(rows)


# -- structure ---------------------------------------------------------------------------------------
def _object(value, path: str, required: set, optional: set = frozenset()) -> dict:
    if not isinstance(value, dict):
        _fail(path, f"expected a JSON object, got {type(value).__name__}", InputTypeError)
    missing = required - set(value)
    if missing:
        _fail(path, f"missing key(s) {sorted(missing)}")
    unknown = set(value) - required - set(optional)
    if unknown:
        _fail(path, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(required | set(optional))}")
    return value


def load_problem(data) -> Problem:
    """Validate and build a :class:`Problem` from a JSON object (``dict``) or JSON text."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as err:
            raise InputValueError(f"load_problem: not valid UTF-8 ({err.reason} at byte {err.start})") from None
    if isinstance(data, str):
        data = _checks.parse_json("load_problem", data, max_depth=MAX_DEPTH, max_digits=MAX_DIGITS)
    elif _checks.json_nesting(json.dumps(data, default=repr)) > MAX_DEPTH:
        _fail("problem", f"nested more than {MAX_DEPTH} levels deep")
    root = _Path("")
    obj = _object(data, "problem", {"qubits", "gates"}, {"parameters", "group", "observable", "description"})
    n = obj["qubits"]
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_QUBITS:
        _fail("qubits", f"expected an integer between 1 and {MAX_QUBITS}, got {str(n)[:40]} (larger problems need "
                        "dense 2**n matrices; this is the supported limit)")
    params = obj.get("parameters", [])
    if not isinstance(params, list) or len(params) > MAX_PARAMETERS:
        _fail("parameters", f"expected a list of at most {MAX_PARAMETERS} identifier names", InputTypeError)
    if not all(isinstance(p, str) and _NAME.match(p) for p in params):
        _fail("parameters", "expected a list of identifier names such as [\"a\", \"theta_1\"]", InputTypeError)
    if len(set(params)) != len(params):
        _fail("parameters", f"duplicate names in {params}")
    symbols = {p: sp.Symbol(p, real=True) for p in params}
    if not isinstance(obj["gates"], list):
        _fail("gates", "expected a list of gate objects", InputTypeError)
    if len(obj["gates"]) > MAX_GATES:
        _fail("gates", f"{len(obj['gates'])} gates, more than the limit of {MAX_GATES}")
    if "description" in obj and (not isinstance(obj["description"], str) or len(obj["description"]) > MAX_TEXT):
        _fail("description", f"expected a string of at most {MAX_TEXT} characters", InputTypeError)
    circuit = Circuit(n)
    for k, gate in enumerate(obj["gates"]):
        _add_gate(circuit, gate, root["gates"][k], symbols)
    problem = Problem(circuit)
    if "group" in obj:
        problem.group, problem.group_label = group_from_spec(obj["group"], n, root["group"])
    if "observable" in obj:
        problem.observable_text = obj["observable"]
        problem.observable = observable_from_text(obj["observable"], n, "observable")
    return problem


def observable_from_text(text, n: int, path: str = "observable") -> PauliSum:
    """A Pauli-sum observable (``"Z0 + 1/2 X0 X1"``) with errors naming ``path`` (the text is parsed, never
    evaluated; its length and numbers are bounded first)."""
    if not isinstance(text, str):
        _fail(path, f"expected a Pauli sum string such as \"Z0 + 1/2 X0 X1\", got {text!r}", InputTypeError)
    if not 1 <= _checks.integer(path, "qubits", n) <= MAX_QUBITS:
        _fail(path, f"observables on {n} qubits are larger than the supported {MAX_QUBITS}")
    _check_text(text, path)
    if re.search(r"/\s*0+(?![\d.])", text):
        _fail(path, f"division by zero in {text!r}")
    try:
        return PauliSum.from_text(text, n)
    except SggdError as err:
        _fail(path, str(err))
    except (ValueError, TypeError, ArithmeticError) as err:
        _fail(path, f"cannot read the Pauli sum {text[:60]!r} ({type(err).__name__}: {err}); write terms like "
                    "'Z0 + 1/2 X0 X1'")


def _add_gate(circuit: Circuit, gate, path: _Path, symbols: dict) -> None:
    if not isinstance(gate, dict) or "gate" not in gate:
        _fail(path, "expected an object with a \"gate\" name", InputTypeError)
    name = gate["gate"]
    if name not in _ALL_GATES:
        _fail(path["gate"], f"unknown gate {name!r}; supported: {', '.join(_ALL_GATES)}")
    extra = {"word"} if name == "pauli" else ({"generator"} if name == "exp" else set())
    needs_angle = name in _GATES_ANGLE | _GATES_CONTROLLED | {"pauli", "exp"}
    _object(gate, path, {"gate", "qubits"} | extra | ({"angle"} if needs_angle else set()))
    qubits = gate["qubits"]
    if not isinstance(qubits, list) or not all(isinstance(q, int) and not isinstance(q, bool) for q in qubits):
        _fail(path["qubits"], f"expected a list of qubit indices, got {qubits!r}", InputTypeError)
    angle = _angle(gate["angle"], path["angle"], symbols) if needs_angle else None
    try:
        if name in _GATES_ANGLE:
            _arity(path, qubits, 1)
            getattr(circuit, name)(angle, qubits[0])
        elif name in _GATES_CONTROLLED:
            _arity(path, qubits, 2)
            getattr(circuit, name)(angle, *qubits)
        elif name in _GATES_FIXED_1:
            _arity(path, qubits, 1)
            getattr(circuit, name)(qubits[0])
        elif name in _GATES_FIXED_2:
            _arity(path, qubits, 2)
            getattr(circuit, name)(*qubits)
        elif name == "pauli":
            if not isinstance(gate["word"], str):
                _fail(path["word"], "expected a Pauli word such as \"XY\"", InputTypeError)
            circuit.pauli(angle, gate["word"], qubits)
        else:
            gen = gate["generator"]
            if not isinstance(gen, dict) or not gen:
                _fail(path["generator"], "expected an object {\"XX\": \"1/2\", …}", InputTypeError)
            circuit.exp(angle, {w: _real_rational(c, path["generator"][w]) for w, c in gen.items()}, qubits)
    except SggdError as err:
        if str(err).startswith(str(path)):
            raise
        _fail(path, str(err))


def _arity(path, qubits, count):
    if len(qubits) != count:
        _fail(path["qubits"], f"this gate acts on {count} qubit(s), got {qubits}")


def _angle(value, path: _Path, symbols: dict) -> sp.Expr:
    if isinstance(value, str) and value in symbols:
        return symbols[value]
    if isinstance(value, str) and _NAME.match(value) and value != "pi":
        _fail(path, f"unknown parameter {value!r}; declared parameters: {sorted(symbols)}")
    if isinstance(value, dict):
        obj = _object(value, path, {"param"}, {"scale", "offset"})
        name = obj["param"]
        if name not in symbols:
            _fail(path["param"], f"unknown parameter {name!r}; declared parameters: {sorted(symbols)}")
        scale = _real_rational(obj.get("scale", "1"), path["scale"])
        offset = parse_angle_constant(obj.get("offset", "0"), path["offset"])
        return scale * symbols[name] + offset
    return parse_angle_constant(value, path)


def named_group(name: str, n: int, path: str = "group.name") -> groups.SymmetryGroup:
    """A group of :data:`NAMED_GROUPS` on ``n`` qubits."""
    if name not in NAMED_GROUPS:
        _fail(path, f"unknown group {name!r}; named groups: {', '.join(sorted(NAMED_GROUPS))}")
    return NAMED_GROUPS[name](n)


def group_from_spec(spec, n: int, path: _Path = _Path("group")) -> tuple[groups.SymmetryGroup, str]:
    """``({"name": …} | {"generators": […]} | {"lie": […], "discrete": […]})`` → (group, label)."""
    path = _Path(path)
    if not isinstance(spec, dict):
        _fail(path, "expected an object with \"name\", \"generators\" or \"lie\"", InputTypeError)
    kinds = [k for k in ("name", "generators", "lie") if k in spec]
    if len(kinds) != 1:
        _fail(path, "give exactly one of \"name\", \"generators\" or \"lie\" (with optional \"discrete\")")
    try:
        if kinds[0] == "name":
            _object(spec, path, {"name"})
            return named_group(spec["name"], n, path["name"]), spec["name"]
        if kinds[0] == "generators":
            _object(spec, path, {"generators"})
            gens = _matrices(spec["generators"], path["generators"], dim=2**n)
            return groups.finite(gens), "finite group from generators"
        _object(spec, path, {"lie"}, {"discrete"})
        hams = _matrices(spec["lie"], path["lie"], dim=2**n)
        discrete = _matrices(spec.get("discrete", []), path["discrete"], allow_empty=True, dim=2**n)
        return groups.lie(hams, discrete), "Lie group from generators"
    except SggdError as err:
        if str(err).startswith(str(path)):
            raise
        _fail(path, str(err))


def _matrices(value, path: _Path, allow_empty: bool = False, dim: int | None = None) -> list[sp.ImmutableMatrix]:
    if not isinstance(value, list) or (not value and not allow_empty):
        _fail(path, "expected a non-empty list of matrices", InputTypeError)
    if len(value) > 64:
        _fail(path, f"{len(value)} matrices, more than the limit of 64")
    return [_matrix(m, path[i], dim) for i, m in enumerate(value)]


# -- files -------------------------------------------------------------------------------------------
def read_problem(path) -> Problem:
    """Read a ``.json`` problem, or a ``.qasm`` circuit (OpenQASM 2 or 3, needs the ``qiskit`` extra).

    Only regular files of at most :data:`MAX_FILE_BYTES` bytes are read (a FIFO, directory or device is
    refused without blocking); the text must be UTF-8.
    """
    if not isinstance(path, (str, Path)) or not str(path):
        raise InputTypeError(f"read_problem: path expected a file name, got {type(path).__name__}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".qasm"):
        raise InputValueError(f"read_problem: {path} must end in .json (the sggd_sym format) or .qasm (OpenQASM)")
    data = _checks.read_regular_file("read_problem", path, MAX_FILE_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputValueError(f"read_problem: {path} is not valid UTF-8 text ({err.reason} at byte {err.start})") from None
    if suffix == ".qasm":
        return Problem(_circuit_from_qasm(text, path))
    try:
        return load_problem(text)
    except SggdError as err:
        raise type(err)(f"{path}: {err}") from None


_QASM_REGISTER = re.compile(r"\b(?:qreg\s+[A-Za-z_]\w*\s*\[\s*(\d+)\s*\]|qubit\s*\[\s*(\d+)\s*\])")
_QASM_INCLUDE = re.compile(r"\binclude\s+\"([^\"]*)\"")


def _check_qasm_text(text: str, path: Path) -> None:
    """Bounds checked on the OpenQASM text before Qiskit parses it: qubit count and includes."""
    if re.search(r"\d{%d,}" % (MAX_DIGITS + 1), text):
        raise InputValueError(f"{path}: a number has more than {MAX_DIGITS} digits")
    total = 0
    for m in _QASM_REGISTER.finditer(text):
        total += int(m.group(1) or m.group(2))
    total += len(re.findall(r"\bqubit\s+[A-Za-z_]\w*\s*;", text))
    if total > MAX_QUBITS:
        raise InputValueError(f"{path}: declares {total} qubits, more than the supported {MAX_QUBITS}")
    for name in _QASM_INCLUDE.findall(text):
        if name not in ("qelib1.inc", "stdgates.inc"):
            raise InputValueError(f"{path}: include \"{name}\" is not allowed; only the standard qelib1.inc "
                                  "(OpenQASM 2) and stdgates.inc (OpenQASM 3) are read")


def _circuit_from_qasm(text: str, path: Path) -> Circuit:
    try:
        import qiskit  # noqa: F401
    except ImportError:
        raise InputValueError(f"{path}: reading OpenQASM needs Qiskit; install the extra with "
                              "`pip install sggd_sym[qiskit]`") from None
    from sggd_sym.interop.qiskit import from_qiskit

    _check_qasm_text(text, path)
    version3 = re.search(r"^\s*OPENQASM\s+3", text, re.MULTILINE) is not None
    try:
        if version3:
            from qiskit import qasm3

            qc = qasm3.loads(text)
        else:
            from qiskit import qasm2

            qc = qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    except ImportError as err:
        raise InputValueError(f"{path}: OpenQASM 3 needs `pip install qiskit_qasm3_import` ({err})") from None
    except RecursionError:
        raise InputValueError(f"{path}: not valid OpenQASM: nested too deeply") from None
    except Exception as err:  # Qiskit's parser errors have no common public base class
        raise InputValueError(f"{path}: not valid OpenQASM: {' '.join(str(err).split())[:300]}") from None
    if qc.num_qubits > MAX_QUBITS:
        raise InputValueError(f"{path}: {qc.num_qubits} qubits, more than the supported {MAX_QUBITS}")
    try:
        return from_qiskit(qc)
    except SggdError:
        raise
    except (ValueError, TypeError, ArithmeticError, AttributeError) as err:
        raise InputValueError(f"{path}: cannot convert the circuit ({type(err).__name__}: {err})") from None
