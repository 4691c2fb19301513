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

    def find_spec(self, fullname, path=None, target=None):
        prefix, _, leaf = fullname.rpartition(".")
        if prefix != self.package or leaf not in FORMER_MODULE_PATHS:
            return None
        spec = importlib.util.spec_from_loader(fullname, self)
        spec.loader_state = f"{self.package}.{FORMER_MODULE_PATHS[leaf]}"
        return spec

    def create_module(self, spec):
        module = importlib.import_module(spec.loader_state)
        spec.loader_state = module.__spec__  # the import system is about to set module.__spec__ = spec
        return module

    def exec_module(self, module):
        """Nothing to run: the module was imported under its home name; it keeps its own spec."""
        module.__spec__ = module.__spec__.loader_state


def install(package: str):
    """Register the finder for ``package`` and return the package's module ``__getattr__``."""
    if not any(isinstance(f, _FormerPath) and f.package == package for f in sys.meta_path):
        sys.meta_path.append(_FormerPath(package))

    def __getattr__(name: str):
        if name in FORMER_MODULE_PATHS:
            return importlib.import_module(f"{package}.{FORMER_MODULE_PATHS[name]}")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
