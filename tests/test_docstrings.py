"""Every public function and class of the core layers documents itself with a checked example (issue 16):
a docstring with a ``>>>`` example, which ``--doctest-modules`` runs with the suite."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

CORE = ["numeric", "algebra", "circuits", "symmetry", "data", "derived"]
#: optional extras are documented but their examples need the extra installed
OPTIONAL = {"sggd_sym.numeric.jax_backend"}


def _core_modules():
    for layer in CORE:
        package = importlib.import_module(f"sggd_sym.{layer}")
        for info in pkgutil.iter_modules(package.__path__):
            name = f"{package.__name__}.{info.name}"
            if name not in OPTIONAL:
                yield name


@pytest.mark.parametrize("module_name", sorted(_core_modules()))
def test_public_names_have_a_docstring_with_an_example(module_name):
    module = importlib.import_module(module_name)
    assert module.__doc__, f"{module_name} has no module docstring"
    missing = []
    for name in getattr(module, "__all__", ()):
        obj = getattr(module, name)
        if not (inspect.isfunction(obj) or inspect.isclass(obj)) or obj.__module__ != module_name:
            continue  # constants, and names re-exported from their home module
        doc = inspect.getdoc(obj) or ""
        if ">>>" not in doc:
            missing.append(name)
    assert not missing, f"{module_name}: public names without a docstring example: {missing}"
