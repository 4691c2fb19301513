"""The package's import graph (issue 16): no import circle among its modules, and the independent
simulator imports nothing symbolic (only numpy). Read from the source with ``ast`` (lazy imports inside
functions and ``TYPE_CHECKING`` imports count too); the package's ``__init__`` files are its face and are
left out of the circle check."""

from __future__ import annotations

import ast
from pathlib import Path

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


def test_core_imports_no_optional_extra():
    """The symbolic core needs only sympy, numpy and mpmath (SPEC: optional extras stay optional)."""
    modules, graph = _graph()
    extras = {"jax", "jaxlib", "matplotlib", "tqdm", "dask", "distributed", "qiskit", "pennylane", "flint"}
    core = ["pauli_sum", "pauli_maps", "pauli_commutant", "pauli_data", "pauli_propagation", "trig", "ops",
            "paulis", "heisenberg", "circuits", "groups", "commutant", "twirling", "penalties", "norms", "numeric"]
    for short in core:
        name = f"sggd_sym.{short}"
        assert not graph[name][1] & extras, f"{name} imports optional {sorted(graph[name][1] & extras)}"
