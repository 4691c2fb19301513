"""Every notebook in ``notebooks/`` executes without error (small settings).

With ``nbclient`` installed (test extra) the notebook runs in a Jupyter kernel; without it, its code
cells run in order as one Python script in a subprocess, so the check never silently disappears.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_there_are_notebooks():
    assert any(p.stem == "werner" for p in NOTEBOOKS)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(notebook, tmp_path, monkeypatch):
    assert _code_cells(notebook), "a notebook without code cells tests nothing"
    try:
        import nbclient
        import nbformat
    except ImportError:
        nbclient = None
    if nbclient is not None:
        monkeypatch.setenv("PYTHONPATH", str(ROOT))
        nb = nbformat.read(notebook, as_version=4)
        nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert not errors
        stored = nbformat.read(notebook, as_version=4)
        _compare_outputs(stored, nb)
        return
    script = tmp_path / f"{notebook.stem}.py"
    script.write_text("\n\n".join(_code_cells(notebook)), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg")
    out = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300, env=env)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]


def _texts(cell) -> list[str]:
    """The cell's text outputs; consecutive stream chunks are joined (the kernel splits a printout into
    chunks by timing, so their boundaries are not part of the output)."""
    out: list[str] = []
    previous_stream = None
    for o in cell.get("outputs", []):
        kind = o.get("output_type")
        if kind == "stream":
            text = "".join(o.get("text", ""))
            if previous_stream == o.get("name"):
                out[-1] += text
            else:
                out.append(text)
            previous_stream = o.get("name")
        elif kind == "execute_result":
            out.append("".join(o.get("data", {}).get("text/plain", "")))
            previous_stream = None
    return out


def _compare_outputs(stored, fresh):
    """Stored outputs are those of a fresh execution: text cell by cell, and the same number of images."""
    for old, new in zip(stored.cells, fresh.cells):
        if old.cell_type != "code":
            continue
        assert _texts(old) == _texts(new), old.source[:80]
        images = [sum("image/png" in o.get("data", {}) for o in c.get("outputs", [])) for c in (old, new)]
        assert images[0] == images[1], old.source[:80]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_with_outputs(notebook):
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    printing = [c for c in code if "print(" in "".join(c["source"]) or "plt.show()" in "".join(c["source"])]
    assert printing and all(c.get("outputs") for c in printing)
    assert all(c.get("execution_count") for c in code)
    assert any("image/png" in o.get("data", {}) for c in code for o in c.get("outputs", []))
    assert not any(o.get("output_type") == "error" for c in code for o in c.get("outputs", []))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_uses_the_public_api_only(notebook):
    private = []
    for source in _code_cells(notebook):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                private.append(node.attr)
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = getattr(node, "module", None) or ""
                names = [a.name for a in node.names]
                if module.startswith("sggd_sym") or any(n.startswith("sggd_sym") for n in names):
                    private += [n for n in names + module.split(".") if n.split(".")[-1].startswith("_")]
    assert not private, private
