"""On-disk cache of derivations, in a versioned, data-only JSON format (SPEC §6: nothing is executed).

An entry is keyed by the SHA-256 of a canonical description of the circuit, the observable, the group,
the package version and the schema version, and stores, for a derivation over ``QQ``:

* the trig ring: parameter names and base frequencies ``ω_j`` (``"p/q"`` strings);
* the exact Pauli coefficients of ``Õ(θ) = U†OU`` (Eq. 1) and the commutant coordinates
  ``y_i = ⟨B_i, Õ⟩`` (Eq. 5) as lists of ``[monomial exponents, "p/q"]``;
* the group's orthogonal commutant basis in Pauli coordinates and its norms ``‖B_i‖²``;
* optionally the rendered command-line output (plain strings, only ever printed).

Loading rebuilds the :class:`~sggd_sym.trig.TrigRing` and its polynomials from these numbers alone.  A
file that does not parse, belongs to another schema or version, or has any key or value outside the
schema (a ``"__reduce__"``, code in a string where a number belongs, …) is refused with a
:class:`CacheWarning` and the problem is derived again; derivations over algebraic domains (``QQ<√2>``, …)
are not cached (a debug log says so).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import warnings
from pathlib import Path

import sympy as sp
from sympy.polys.domains import QQ

from . import ops
from .circuits import Circuit
from .groups import FiniteGroup, LieGroup, SymmetryGroup
from .heisenberg import HeisenbergObservable
from .trig import TrigRing
from .twirling import TwirledObservable, twirled_observable

__all__ = ["DerivationCache", "CacheWarning", "default_cache_dir", "problem_key", "SCHEMA", "SCHEMA_VERSION"]

SCHEMA = "sggd_sym.derivation-cache"
SCHEMA_VERSION = 1
#: Files larger than this are refused without being parsed.
MAX_FILE_BYTES = 256 * 2**20
RENDER_FORMATS = ("text", "latex", "json")

_log = logging.getLogger(__name__)
_RATIONAL = re.compile(r"^-?\d+(?:/0*[1-9]\d*)?$")
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
    from . import __version__

    return __version__


def _describe_group(group: SymmetryGroup) -> dict:
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
        "observable": sorted([w, str(c)] for w, c in ops.pauli_decompose(sp.Matrix(observable)).items()),
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
    :func:`sggd_sym.twirled_observable`, and :meth:`rendered`/:meth:`store_rendered` keep printed output.
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
        old = self._entries.get(key) or {}
        data["rendered"] = dict(old.get("rendered", {}))
        self._write(key, data)
        return twirled

    def rendered(self, key: str, fmt: str) -> str | None:
        """Previously stored output of ``fmt`` (``text``, ``latex`` or ``json``) for ``key``, or ``None``."""
        entry = self._load(key)
        if entry is None:
            return None
        text = entry["rendered"].get(fmt)
        if text is not None:
            self.hits += 1
        return text

    def store_rendered(self, key: str, fmt: str, text: str) -> None:
        """Remember the printed output (only when the derivation itself is cached)."""
        entry = self._entries.get(key)
        if entry is None or fmt not in RENDER_FORMATS:
            return
        entry["rendered"][fmt] = text
        self._write(key, entry)

    # -- files ---------------------------------------------------------------------------------------
    def _load(self, key: str) -> dict | None:
        if key in self._entries:
            return self._entries[key]
        path = self.path(key)
        if not path.exists():
            return None
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise _Refused(f"larger than {MAX_FILE_BYTES} bytes")
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as err:
                raise _Refused(f"not valid JSON ({err})") from None
            _validate(data, key)
        except _Refused as why:
            self._refuse(key, str(why))
            return None
        self._entries[key] = data
        return data

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
    coords = twirled.group.pauli_coordinates
    values = [v for c, _ in coords for v in c.values()] + list(twirled.norms)
    if trig.domain != QQ or not all(sp.sympify(v).is_Rational for v in values):
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
             "bad rendered output")


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
    _require(all(w.partition("/")[2] != "0" for p in [entry["frequencies"], entry["norms"]] for w in p),
             "division by zero")
    trig = TrigRing(circuit.parameters, [_rational(w) for w in entry["frequencies"]], QQ)
    terms = {w: _poly(trig, p) for w, p in entry["heisenberg"].items()}
    _require(all(len(w) == circuit.n_qubits for w in terms), "Pauli words of the wrong length")
    heis = HeisenbergObservable(circuit, sp.ImmutableMatrix(observable), trig, terms)
    norms = [_rational(n) for n in entry["norms"]]
    if "pauli_coordinates" not in group.__dict__:
        # Prime the group's cached property with the stored exact data (the expensive nullspace is skipped).
        group.__dict__["pauli_coordinates"] = tuple(
            ({w: _rational(v) for w, v in c.items()}, n) for c, n in zip(entry["pauli_coordinates"], norms))
    _require(len(group.pauli_coordinates) == len(norms), "commutant dimension differs from the group's")
    coordinates = [_poly(trig, p) for p in entry["coordinates"]]
    return TwirledObservable(heis, group, coordinates, norms)
