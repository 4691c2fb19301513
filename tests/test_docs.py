"""The API reference (docs/, Sphinx autodoc over every module) builds without a single warning."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_docs_build_without_warnings(tmp_path):
    # a private copy of the sources: autosummary regenerates one page per module under api/, so two builds
    # of the shared folder at once would delete each other's pages
    source = tmp_path / "docs"
    shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns("api", "_build"))
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", "-d", str(tmp_path / "doctrees"),
         str(source), str(tmp_path / "html")],
        capture_output=True, text=True, timeout=300)
    report = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and "WARNING" not in report and "ERROR" not in report, report[-4000:]
    html = (tmp_path / "html" / "api" / "sggd_sym.interop.html").read_text(encoding="utf-8")
    assert "from_qiskit" in html and "from_pennylane" in html
    page = (tmp_path / "html" / "api" / "sggd_sym.interop.pennylane.html").read_text(encoding="utf-8")
    assert "wires" in page and "names" in page and "trainable" in page  # the real signature, not **kwargs
