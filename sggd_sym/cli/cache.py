"""On-disk cache of derivations, in a versioned, data-only JSON format (SPEC §6: nothing is executed).

An entry is keyed by the SHA-256 of a canonical description of the circuit, the observable, the group,
the package version and the schema version, and stores, for a derivation over ``QQ``:

* the trig ring: parameter names and base frequencies ``ω_j`` (``"p/q"`` strings);
* the exact Pauli coefficients of ``Õ(θ) = U†OU`` (Eq. 1) and the commutant coordinates
  ``y_i = ⟨B_i, Õ⟩`` (Eq. 5) as lists of ``[monomial exponents, "p/q"]``;
* the group's orthogonal commutant basis in Pauli coordinates and its norms ``‖B_i‖²``;
* optionally the rendered command-line output (plain strings, only ever printed).

Loading rebuilds the :class:`~sggd_sym.algebra.trig.TrigRing` and its polynomials from these numbers alone.  An
entry is served only when it passes every check (SPEC §6):

* the path is a regular file (no FIFO, device or directory; a symlink only to a file inside the cache
  folder) of bounded size, read without blocking; UTF-8 JSON of bounded nesting and number sizes;
* every key and value is in the schema (a ``"__reduce__"``, code in a string where a number belongs, …);
* exponents are bounded by the degrees the circuit can produce, in the ring's reduced form;
* it **is** the derivation it claims to be: frequencies equal those of the circuit; the group basis is
  exactly orthogonal with the stored norms, commutes with the group and spans its whole commutant
  (numerically); and ``Õ(θ)`` and the coordinates ``y_i(θ)`` agree with a fresh numeric evaluation
  ``U(θ)† O U(θ)`` at random points.

Anything else is refused with a :class:`CacheWarning` and the problem is derived again (the file is
replaced atomically); derivations over algebraic domains (``QQ<√2>``, …) are not cached (a debug log says
so).  The stored ``rendered`` field is never printed: output is always rendered from a checked derivation.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
import warnings
from fractions import Fraction
from pathlib import Path

import numpy as np
import sympy as sp
from sympy.polys.domains import QQ

from sggd_sym import _checks
from sggd_sym.algebra.pauli_sum import as_pauli_sum
from sggd_sym.algebra.trig import TrigRing, base_frequencies, linear_angle
from sggd_sym.circuits.circuit import Circuit
from sggd_sym.circuits.heisenberg import HeisenbergObservable
from sggd_sym.exceptions import InputValueError
from sggd_sym.numeric.bridge import DEFAULT_ATOL, to_numpy
from sggd_sym.symmetry.groups import FiniteGroup, LieGroup, SymmetryGroup
from sggd_sym.symmetry.twirling import TwirledObservable, twirled_observable

__all__ = ["DerivationCache", "CacheWarning", "default_cache_dir", "problem_key", "SCHEMA", "SCHEMA_VERSION"]

SCHEMA = "sggd_sym.derivation-cache"
SCHEMA_VERSION = 1
#: Files larger than this are refused without being parsed.
MAX_FILE_BYTES = 64 * 2**20
#: Deepest JSON nesting and longest number (digits) of an entry.
MAX_DEPTH = 16
MAX_DIGITS = 400
#: Random points of the numeric re-check (to DEFAULT_ATOL, relative).
CHECK_POINTS = 3
#: Largest qubit count whose entries are verified (and so served): the re-check forms 2**n matrices.
MAX_CHECK_QUBITS = 6
RENDER_FORMATS = ("text", "latex", "json")

_log = logging.getLogger(__name__)
_RATIONAL = re.compile(r"^-?\d{1,400}(?:/0*[1-9]\d{0,400})?$")
_WORD = re.compile(r"^[IXYZ]+$")
_NAME = re.compile(r"^[^\x00-\x1f]{1,200}$")
#: Rendered output may hold newlines but no other control character (no terminal escape sequences).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_KEYS = {"schema", "version", "package_version", "key", "parameters", "frequencies", "heisenberg",
         "coordinates", "norms", "pauli_coordinates", "rendered"}


class CacheWarning(UserWarning):
    """A cache file was refused (corrupt, foreign, wrong version or outside the schema) and re-derived."""


class _Refused(Exception):
    pass


def default_cache_dir() -> Path:
    """``$SGGD_SYM_CACHE_DIR`` if set, else ``~/.cache/sggd_sym``."""
    env = os.environ.get("SGGD_SYM_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "sggd_sym"


def _package_version() -> str:
    from sggd_sym._version import __version__

    return __version__


def _describe_group(group: SymmetryGroup) -> dict:
    structure = group.pauli_structure
    if structure is not None:
        return {"pauli_structure": [repr(m) for m in structure.discrete] + [repr(g) for g in structure.lie]}
    if isinstance(group, FiniteGroup):
        return {"finite": [str(g) for g in group.generators]}
    if isinstance(group, LieGroup):
        return {"lie": [str(h) for h in group.hamiltonians], "discrete": [str(d) for d in group.discrete]}
    return {"other": type(group).__name__, "name": group.name}


def problem_key(circuit: Circuit, observable, group: SymmetryGroup) -> str:
    """SHA-256 (hex) of the canonical description of circuit, observable, group and versions."""
    gates = [[g.name, list(g.qubits), sp.srepr(g.angle) if g.angle is not None else None,
              [[w, str(c)] for w, c in g.generator] if g.generator else None,
              str(g.matrix) if g.matrix is not None else None] for g in circuit.gates]
    description = {
        "schema": SCHEMA, "version": SCHEMA_VERSION, "package_version": _package_version(),
        "qubits": circuit.n_qubits, "parameters": [sp.srepr(p) for p in circuit.parameters], "gates": gates,
        "observable": sorted([w, str(c)] for w, c in as_pauli_sum("cache", "observable", observable).items()),
        "group": _describe_group(group), "group_type": type(group).__name__,
    }
    text = json.dumps(description, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _q(value) -> str:
    r = sp.Rational(value)
    return f"{r.p}/{r.q}" if r.q != 1 else str(r.p)


def _poly_data(poly) -> list:
    return [[list(monom), _q(QQ.to_sympy(coeff))] for monom, coeff in sorted(poly.items())]


class DerivationCache:
    """Derivations stored under ``directory`` (default :func:`default_cache_dir`).

    ``hits``/``misses``/``refused`` count what happened; :meth:`twirled_observable` is the cached twin of
    :func:`sggd_sym.twirled_observable` (an entry is served only after the checks of the module docstring).
    """

    def __init__(self, directory=None):
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.hits = 0
        self.misses = 0
        self.refused = 0
        self._entries: dict[str, dict] = {}

    def path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    # -- public --------------------------------------------------------------------------------------
    def twirled_observable(self, circuit: Circuit, observable, group: SymmetryGroup, *,
                           key: str | None = None) -> TwirledObservable:
        """The cached derivation of ``(circuit, observable, group)``, derived and stored on a miss."""
        key = key or problem_key(circuit, observable, group)
        entry = self._load(key)
        if entry is not None and entry.get("heisenberg") is not None:
            try:
                twirled = _rebuild(entry, circuit, observable, group)
                self.hits += 1
                return twirled
            except _Refused as why:
                self._refuse(key, str(why))
        self.misses += 1
        twirled = twirled_observable(circuit, observable, group)
        data = _entry_data(twirled, key)
        if data is None:
            _log.debug("sggd_sym cache: not caching %s: the derivation is over %s, not QQ", key[:12],
                       twirled.trig.domain)
            return twirled
        self._write(key, data)
        return twirled

    # -- files ---------------------------------------------------------------------------------------
    def _load(self, key: str) -> dict | None:
        if key in self._entries:
            return self._entries[key]
        path = self.path(key)
        try:
            data = self._read(path)
            if data is None:
                return None
            _validate(data, key)
        except _Refused as why:
            self._refuse(key, str(why))
            return None
        self._entries[key] = data
        return data

    def _read(self, path: Path):
        """The parsed JSON of ``path``, ``None`` when absent; :class:`_Refused` for anything but a bounded
        regular file inside the cache folder (checked on the open descriptor, never blocking)."""
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            return None
        except OSError as err:
            raise _Refused(f"cannot inspect it ({err.strerror or err})") from None
        if stat.S_ISLNK(info.st_mode):
            try:
                target = path.resolve(strict=True)
                target.relative_to(self.directory.resolve(strict=True))
            except (OSError, ValueError, RuntimeError):
                raise _Refused("it is a symlink that leads out of the cache folder (or nowhere)") from None
        try:
            raw = _checks.read_regular_file("cache", path, MAX_FILE_BYTES)
        except InputValueError as err:
            raise _Refused(str(err).removeprefix("cache: ")) from None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise _Refused(f"not valid UTF-8 ({err.reason} at byte {err.start})") from None
        try:
            return _checks.parse_json("cache", text, max_depth=MAX_DEPTH, max_digits=MAX_DIGITS)
        except InputValueError as err:
            raise _Refused(str(err).removeprefix("cache: ")) from None

    def _refuse(self, key: str, why: str) -> None:
        self.refused += 1
        self._entries.pop(key, None)
        warnings.warn(f"sggd_sym cache: refused {self.path(key)}: {why}; deriving again (the file will be "
                      "replaced)", CacheWarning, stacklevel=3)

    def _write(self, key: str, data: dict) -> None:
        self._entries[key] = data
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = self.path(key).with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(tmp, self.path(key))
        except OSError as err:
            warnings.warn(f"sggd_sym cache: cannot write {self.path(key)} ({err.strerror}); continuing without "
                          "caching", CacheWarning, stacklevel=3)


# -- (de)serialisation ----------------------------------------------------------------------------------
def _entry_data(twirled: TwirledObservable, key: str) -> dict | None:
    trig = twirled.trig
    coords = twirled.basis
    values = [v for c, _ in coords for v in c.values()] + list(twirled.norms)
    if trig.domain != QQ or not all(sp.sympify(v, strict=True).is_Rational for v in values):
        return None
    return {
        "schema": SCHEMA, "version": SCHEMA_VERSION, "package_version": _package_version(), "key": key,
        "parameters": [str(p) for p in trig.parameters],
        "frequencies": [_q(w) for w in trig.frequencies],
        "heisenberg": {w: _poly_data(p) for w, p in sorted(twirled.heisenberg.terms.items())},
        "coordinates": [_poly_data(y) for y in twirled.coordinates],
        "norms": [_q(n) for n in twirled.norms],
        "pauli_coordinates": [{w: _q(v) for w, v in sorted(c.items())} for c, _ in coords],
        "rendered": {},
    }


def _require(condition: bool, why: str) -> None:
    if not condition:
        raise _Refused(why)


def _validate(data, key: str) -> None:
    """Check every key and value against the schema (the only thing a loaded file may contain)."""
    _require(isinstance(data, dict), "not a JSON object")
    _require(data.get("schema") == SCHEMA, "not a sggd_sym derivation cache file (foreign schema)")
    _require(data.get("version") == SCHEMA_VERSION, f"schema version {data.get('version')!r}, expected "
                                                    f"{SCHEMA_VERSION}")
    _require(set(data) == _KEYS, f"unexpected or missing keys {sorted(set(data) ^ _KEYS)}")
    _require(data["package_version"] == _package_version(), "written by another sggd_sym version")
    _require(data["key"] == key, "its key does not match its file name")
    params = data["parameters"]
    _require(isinstance(params, list) and all(isinstance(p, str) and _NAME.match(p) for p in params),
             "bad parameters")
    width = 2 * max(len(params), 1) if params else 1
    _require(_rationals(data["frequencies"]) and len(data["frequencies"]) == len(params), "bad frequencies")
    heis = data["heisenberg"]
    _require(isinstance(heis, dict) and all(isinstance(w, str) and _WORD.match(w) for w in heis), "bad words")
    lengths = {len(w) for w in heis}
    _require(len(lengths) <= 1, "Pauli words of different lengths")
    _require(all(_poly_ok(p, width) for p in heis.values()), "bad Heisenberg coefficients")
    _require(isinstance(data["coordinates"], list) and all(_poly_ok(p, width) for p in data["coordinates"]),
             "bad commutant coordinates")
    _require(_rationals(data["norms"]) and len(data["norms"]) == len(data["coordinates"]), "bad norms")
    pc = data["pauli_coordinates"]
    _require(isinstance(pc, list) and len(pc) == len(data["norms"]) and all(
        isinstance(c, dict) and all(isinstance(w, str) and _WORD.match(w) and isinstance(v, str)
                                    and _RATIONAL.match(v) for w, v in c.items()) for c in pc),
        "bad group coordinates")
    rendered = data["rendered"]
    _require(isinstance(rendered, dict) and set(rendered) <= set(RENDER_FORMATS)
             and all(isinstance(v, str) and not _CONTROL.search(v) for v in rendered.values()),
             "bad rendered output")  # kept in the schema for old files; never printed


def _rationals(values) -> bool:
    return isinstance(values, list) and all(isinstance(v, str) and _RATIONAL.match(v) for v in values)


def _poly_ok(poly, width: int) -> bool:
    return isinstance(poly, list) and all(
        isinstance(t, list) and len(t) == 2 and isinstance(t[0], list) and len(t[0]) == width
        and all(isinstance(e, int) and not isinstance(e, bool) and 0 <= e < 10_000 for e in t[0])
        and isinstance(t[1], str) and _RATIONAL.match(t[1]) for t in poly)


def _rational(text: str) -> sp.Rational:
    num, _, den = text.partition("/")
    _require(den != "0", "division by zero")
    return sp.Rational(int(num), int(den or 1))


def _poly(trig: TrigRing, data: list):
    return trig.ring.from_dict({tuple(m): QQ(int(c.partition("/")[0]), int(c.partition("/")[2] or 1))
                                for m, c in data}) if data else trig.ring.zero


def _rebuild(entry: dict, circuit: Circuit, observable, group: SymmetryGroup) -> TwirledObservable:
    _require([str(p) for p in circuit.parameters] == entry["parameters"], "parameter names differ")
    _require(all(w.partition("/")[2].lstrip("0") != "" or "/" not in w
                 for p in [entry["frequencies"], entry["norms"]] for w in p), "division by zero")
    n = circuit.n_qubits
    _require(n <= MAX_CHECK_QUBITS, f"entries of more than {MAX_CHECK_QUBITS} qubits cannot be verified")
    frequencies, degrees = _circuit_frequencies(circuit)
    _require([_rational(w) for w in entry["frequencies"]] == list(frequencies),
             "its frequencies are not those of the circuit")
    words = list(entry["heisenberg"])
    _require(all(len(w) == n for w in words), "Pauli words of the wrong length")
    _require(all(len(w) == n for c in entry["pauli_coordinates"] for w in c), "group words of the wrong length")
    p = len(circuit.parameters)
    for poly in list(entry["heisenberg"].values()) + entry["coordinates"]:
        for monom, _ in poly:
            _require(all(e <= 1 for e in monom[p:]), "a polynomial is not in reduced form (sin squared)")
            _require(all(monom[j] + monom[p + j] <= degrees[j] for j in range(p)),
                     "an exponent exceeds the degree the circuit can produce")
    trig = TrigRing(circuit.parameters, frequencies, QQ)
    terms = {w: _poly(trig, poly) for w, poly in entry["heisenberg"].items()}
    obs = as_pauli_sum("cache", "observable", observable, n_qubits=n)
    heis = HeisenbergObservable(circuit, obs, trig, terms)
    norms = [_rational(v) for v in entry["norms"]]
    basis = [{w: _rational(v) for w, v in c.items()} for c in entry["pauli_coordinates"]]
    coordinates = [_poly(trig, poly) for poly in entry["coordinates"]]
    _require(len(basis) == len(coordinates) == len(norms), "one coordinate per basis element expected")
    commutant = _verify_basis(basis, norms, group, n)
    _verify_numerically(circuit, obs, trig, terms, coordinates, basis, norms, commutant, n)
    return TwirledObservable(heis, group, coordinates, norms, basis=list(zip(basis, norms)))


def _circuit_frequencies(circuit: Circuit) -> tuple[tuple[sp.Rational, ...], list[int]]:
    """The base frequency of each parameter (as :mod:`sggd_sym.circuits.heisenberg` derives them) and the largest
    total degree in ``(c_j, s_j)`` that ``Õ(θ)`` can have: the sum of the multiples of ``ω_j`` over gates."""
    params = circuit.parameters
    slope_lists = [linear_angle("cache", phi, params)[0] for gate in circuit.gates
                   for _, phi in gate.rotations() or ()]
    frequencies = base_frequencies(slope_lists, len(params))
    degrees = [0] * len(params)
    for slopes in slope_lists:
        for j, slope in slopes.items():
            degrees[j] += int(abs(slope / frequencies[j]))
    return frequencies, degrees


def _pauli_matrix(word: str) -> np.ndarray:
    letters = {"I": np.eye(2), "X": np.array([[0, 1], [1, 0]]), "Y": np.array([[0, -1j], [1j, 0]]),
               "Z": np.diag([1.0, -1.0])}
    out = np.ones((1, 1), dtype=complex)
    for c in word:
        out = np.kron(out, letters[c])
    return out


def _basis_matrix(coords: dict, n: int) -> np.ndarray:
    d = 2**n
    return sum((float(v) / d) * _pauli_matrix(w) for w, v in coords.items()) if coords else np.zeros((d, d))


def _verify_basis(basis: list[dict], norms: list, group: SymmetryGroup, n: int) -> np.ndarray:
    """The stored basis elements (those meeting ``Õ``'s words): exactly orthogonal with the stored norms and,
    numerically, in the commutant of the group.  Returns an orthonormal basis of the whole commutant (columns,
    row-major vectorised ``d×d`` matrices) for the completeness check of :func:`_verify_numerically`."""
    d = 2**n
    frac = [{w: Fraction(int(v.p), int(v.q)) for w, v in c.items()} for c in basis]
    for i, ci in enumerate(frac):
        _require(ci != {} and sum(v * v for v in ci.values()) / d == Fraction(int(norms[i].p), int(norms[i].q)),
                 f"norm {i} is not the norm of its basis element")
        for cj in frac[:i]:
            _require(sum(v * cj[w] for w, v in ci.items() if w in cj) == 0, "its group basis is not orthogonal")
    try:
        unitaries, hamiltonians = group._constraints()
        us = [to_numpy(u) for u in unitaries]
        hs = [to_numpy(h) for h in hamiltonians]
    except Exception:  # a group without the constraint description: nothing to verify against
        raise _Refused("the group cannot be checked against the stored basis") from None
    for c in basis:
        b = _basis_matrix(c, n)
        bad = [np.abs(u @ b @ u.conj().T - b).max() for u in us] + [np.abs(h @ b - b @ h).max() for h in hs]
        _require(max(bad, default=0.0) < DEFAULT_ATOL * max(1.0, np.abs(b).max()),
                 "a stored basis element is not in the commutant of the group")
    # the commutant: the null space of Σ_c A_c† A_c over the constraint superoperators A_c
    eye = np.eye(d)
    gram = np.zeros((d * d, d * d), dtype=complex)
    for u in us:
        a = np.kron(u, u.conj()) - np.eye(d * d)
        gram += a.conj().T @ a
    for h in hs:
        a = np.kron(h, eye) - np.kron(eye, h.T)
        gram += a.conj().T @ a
    values, vectors = np.linalg.eigh(gram)
    scale = max(1.0, float(np.abs(values).max()))
    return vectors[:, values < DEFAULT_ATOL * scale]


def _observable_matrix(obs, n: int) -> np.ndarray:
    d = 2**n
    total = np.zeros((d, d), dtype=complex)
    for word, coeff in dict(obs).items():
        total += complex(sp.N(coeff)) * _pauli_matrix(word)
    return total


def _verify_numerically(circuit: Circuit, obs, trig: TrigRing, terms: dict, coordinates: list, basis: list,
                        norms: list, commutant: np.ndarray, n: int) -> None:
    """At random points: ``Õ(θ)`` of the entry equals a fresh ``U(θ)† O U(θ)``; ``y_i(θ) = ⟨B_i, Õ(θ)⟩``; and
    ``Σ_i y_i B_i/‖B_i‖²`` is the whole twirl (the rest of ``Õ`` is orthogonal to the commutant)."""
    rng = np.random.default_rng(int.from_bytes(os.urandom(8), "little"))
    words = list(terms)
    polys = [terms[w] for w in words] + list(coordinates)
    compiled = trig.compile(polys) if polys else None
    o = _observable_matrix(obs, n)
    paulis = {w: _pauli_matrix(w) for w in words}
    bmats = [_basis_matrix(c, n) for c in basis]
    weights = [1.0 / float(m) for m in norms]
    scale = max(1.0, float(np.abs(o).max()))
    tol = DEFAULT_ATOL * scale * 2**n
    p = len(circuit.parameters)
    for _ in range(CHECK_POINTS):
        theta = rng.uniform(-np.pi, np.pi, p)
        u = circuit.unitary_numeric(theta)
        fresh = u.conj().T @ o @ u
        values = compiled.values(theta) if compiled is not None else np.zeros(0)
        values = np.asarray(values, dtype=float).reshape(-1)
        stored = sum((values[k] * paulis[w] for k, w in enumerate(words)), np.zeros_like(fresh))
        _require(np.abs(stored - fresh).max() <= tol,
                 "its Heisenberg coefficients disagree with a fresh evaluation of U(θ)† O U(θ)")
        ys = values[len(words):]
        expected = [float(np.real(np.trace(b @ fresh))) for b in bmats]
        _require(np.allclose(ys, expected, rtol=0, atol=tol), "its commutant coordinates disagree with a fresh "
                 "evaluation")
        rest = fresh - sum((y * w * b for y, w, b in zip(expected, weights, bmats)), np.zeros_like(fresh))
        _require(np.abs(commutant.conj().T @ rest.reshape(-1)).max(initial=0.0) <= tol,
                 "its basis misses part of the twirl (elements of the commutant are missing)")
