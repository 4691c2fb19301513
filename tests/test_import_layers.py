"""The package's import graph (issue 16): no import circle among its modules, no import from a lower layer
to a higher one, the independent simulator imports nothing symbolic (only numpy) and the symbolic core
neither the simulator nor an optional extra. Read from the source with ``ast`` (lazy imports inside
functions and ``TYPE_CHECKING`` imports count too); the package's ``__init__`` files are its face and are
left out of the circle check."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "sggd_sym"


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> tuple[set[str], set[str]]:
    """(package modules imported, top-level names of outside packages imported)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    inside, outside = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in modules]
            if subs:
                inside.update(subs)
            elif target in modules:
                inside.add(target)
            elif not node.level:
                outside.add(target.split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    inside.add(alias.name)
                else:
                    outside.add(alias.name.split(".")[0])
    inside.discard(name)
    return inside, outside


def _graph():
    modules = _modules()
    return modules, {name: _imports(name, path, modules) for name, path in modules.items()}


def test_no_import_circle():
    modules, graph = _graph()
    faces = {name for name, path in modules.items() if path.name == "__init__.py"}
    edges = {m: {d for d in graph[m][0] if d not in faces} for m in modules if m not in faces}
    state: dict[str, int] = {}
    circles = []

    def visit(m, stack):
        state[m] = 1
        stack.append(m)
        for d in sorted(edges.get(m, ())):
            if state.get(d) == 1:
                circles.append(" -> ".join(stack[stack.index(d):] + [d]))
            elif d in edges and not state.get(d):
                visit(d, stack)
        stack.pop()
        state[m] = 2

    for m in sorted(edges):
        if not state.get(m):
            visit(m, [])
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_simulator_imports_nothing_symbolic():
    _, graph = _graph()
    inside, outside = graph["sggd_sym.sim"]
    assert not inside, f"sggd_sym.sim imports package modules {sorted(inside)}"
    assert not outside & {"sympy", "mpmath", "flint"}, f"sggd_sym.sim imports {sorted(outside)}"


#: The layers, lowest first; a module may import its own layer and the ones before it.  The numeric bridge
#: comes first: it needs only sympy and numpy, and every layer above compiles through it.  The foundation
#: (errors, input checks) lies under all of them; the witness ``sim`` and the ``testing`` kit lie apart.
LAYERS = ["numeric", "algebra", "circuits", "symmetry", "data", "derived", "training", "interop", "experiments",
          "cli"]
FOUNDATION = {"sggd_sym.exceptions", "sggd_sym._checks", "sggd_sym._former_paths", "sggd_sym._version"}
#: the symbolic core: derivations that must run with sympy, numpy and mpmath alone
CORE = LAYERS[:LAYERS.index("derived") + 1]
#: modules outside the core that may import the simulator, and why
SIMULATOR_USERS = {"sggd_sym.training.shots": "emulates the swap tests of a device"}


def _layer(name: str) -> float | None:
    if name in FOUNDATION:
        return -1
    if name == "sggd_sym":  # the face re-exports the layers up to training; the edges may use it
        return LAYERS.index("training") + 0.5
    parts = name.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[1] in LAYERS else None


def test_every_module_has_a_place():
    modules, _ = _graph()
    homeless = [m for m in modules if _layer(m) is None and m != "sggd_sym.sim" and not m.startswith("sggd_sym.testing")]
    assert not homeless, f"modules outside every layer: {homeless}"


def test_no_upward_import():
    modules, graph = _graph()
    upward = []
    for name in modules:
        level = _layer(name)
        if level is None or name == "sggd_sym":
            continue
        for dep in graph[name][0]:
            dep_level = _layer(dep)
            if dep.startswith("sggd_sym.testing") or (dep_level is not None and dep_level > level):
                upward.append(f"{name} ({LAYERS[level] if level >= 0 else 'foundation'}) imports {dep}")
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_core_imports_neither_the_simulator_nor_an_optional_extra():
    """The symbolic core needs only sympy, numpy and mpmath (SPEC: optional extras stay optional), and never
    the witness it is checked against."""
    modules, graph = _graph()
    extras = {"jax", "jaxlib", "matplotlib", "tqdm", "dask", "distributed", "qiskit", "pennylane", "flint"}
    optional_bridges = {"sggd_sym.numeric.jax_backend"}
    core = [m for m in modules if _layer(m) is not None and 0 <= _layer(m) < len(CORE) and m not in optional_bridges]
    assert len(core) > 20
    for name in core:
        assert not graph[name][1] & extras, f"{name} imports optional {sorted(graph[name][1] & extras)}"
    for name in modules:
        if "sggd_sym.sim" in graph[name][0] and not name.startswith("sggd_sym.testing"):
            assert name in SIMULATOR_USERS, f"{name} imports the simulator (only {sorted(SIMULATOR_USERS)} may)"


def test_every_layer_has_a_face_with_all():
    """Each subpackage re-exports its public names with ``__all__``, and every listed name exists."""
    import importlib

    import sggd_sym as sg
    for layer in LAYERS + ["testing"]:
        package = importlib.import_module(f"sggd_sym.{layer}")
        assert package.__all__, layer
        assert [n for n in package.__all__ if not hasattr(package, n)] == [], layer
    assert [n for n in sg.__all__ if not hasattr(sg, n)] == []
    # SPEC §4 and the face: costs, training and the verification helpers from the top level
    for name in ("Circuit", "twirl", "penalty", "circuits", "ops", "groups", "postprocess", "analysis", "costs",
                 "training", "werner", "data_span_rank", "satisfies_constraint", "lambda_crit"):
        assert name in sg.__all__, name


def test_former_flat_module_paths_are_the_modules_of_their_layers():
    """``import sggd_sym.costs`` (the flat layout before the layers) gives the one module object of its
    new home, which keeps its own name and spec."""
    import importlib

    import sggd_sym as sg
    from sggd_sym._former_paths import FORMER_MODULE_PATHS
    for old, new in FORMER_MODULE_PATHS.items():
        home = importlib.import_module(f"sggd_sym.{new}")
        assert importlib.import_module(f"sggd_sym.{old}") is home, old
        assert getattr(sg, old) is home, old
        assert home.__name__ == home.__spec__.name == f"sggd_sym.{new}", old
    with pytest.raises(AttributeError):
        sg.no_such_module


def test_importing_the_package_does_not_load_the_witness():
    """``import sggd_sym`` (the face and every layer it re-exports) leaves the simulator unloaded, as the
    package docstring promises; only what uses it as a device (``training.shots``) loads it."""
    import subprocess
    import sys
    code = ("import sys, sggd_sym; assert 'sggd_sym.sim' not in sys.modules, 'sim loaded by import sggd_sym'; "
            "import sggd_sym.training.shots; assert 'sggd_sym.sim' in sys.modules")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
