"""The module paths of the flat layout before the layers (``sggd_sym.costs``, ``sggd_sym.heisenberg`` …).

They stay importable so that existing code keeps working: ``import sggd_sym.costs`` gives the module
:mod:`sggd_sym.derived.costs` itself (one module object, so monkeypatching either name patches both), and
``sggd_sym.heisenberg`` as an attribute imports it on first use.  New code imports from the layer.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

#: former flat name -> home in its layer (relative to the package)
FORMER_MODULE_PATHS = {
    "paulis": "algebra.paulis", "pauli_sum": "algebra.pauli_sum", "ops": "algebra.ops", "trig": "algebra.trig",
    "pauli_maps": "algebra.pauli_maps", "jax_backend": "numeric.jax_backend", "unitaries": "circuits.unitaries",
    "heisenberg": "circuits.heisenberg", "pauli_propagation": "circuits.pauli_propagation",
    "groups": "symmetry.groups", "commutant": "symmetry.commutant", "pauli_commutant": "symmetry.pauli_commutant",
    "twirling": "symmetry.twirling", "datasets": "data.datasets", "pauli_data": "data.pauli_data",
    "werner": "data.werner", "penalties": "derived.penalties", "norms": "derived.norms", "costs": "derived.costs",
    "postprocess": "derived.postprocess", "sweeps": "training.sweeps", "shots": "training.shots",
    "analysis": "training.analysis", "circuit_json": "interop.circuit_json", "cache": "cli.cache",
    "proving": "cli.proving",
}


class _FormerPath(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, package: str):
        self.package = package

    def _home(self, fullname: str) -> str | None:
        prefix, _, leaf = fullname.rpartition(".")
        return f"{self.package}.{FORMER_MODULE_PATHS[leaf]}" if prefix == self.package and leaf in FORMER_MODULE_PATHS \
            else None

    def find_spec(self, fullname, path=None, target=None):
        return importlib.util.spec_from_loader(fullname, self) if self._home(fullname) else None

    def create_module(self, spec):
        module = importlib.import_module(self._home(spec.name))
        self._own_spec = module.__spec__
        return module

    def exec_module(self, module):
        """Nothing to run: the module was imported under its home name.  The import system has just set
        ``module.__spec__`` to the alias's spec; the module keeps its own."""
        module.__spec__ = self._own_spec


def install(package: str):
    """Register the finder for ``package`` and return the package's module ``__getattr__``."""
    if not any(isinstance(f, _FormerPath) and f.package == package for f in sys.meta_path):
        sys.meta_path.append(_FormerPath(package))

    def __getattr__(name: str):
        if name in FORMER_MODULE_PATHS:
            return importlib.import_module(f"{package}.{FORMER_MODULE_PATHS[name]}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
