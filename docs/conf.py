"""Sphinx configuration of the sggd_sym API reference (built from the docstrings).

Build: ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (``tests/test_docs.py`` does
this and fails on any warning).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sggd_sym  # noqa: E402

project = "sggd_sym"
author = "the sggd_sym contributors"
copyright = "2026, the sggd_sym contributors"
release = sggd_sym.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
]
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_preserve_defaults = True
napoleon_numpy_docstring = True
napoleon_google_docstring = False
exclude_patterns = ["_build"]
templates_path = ["_templates"]
html_theme = "alabaster"
html_static_path: list[str] = []
default_role = "code"  # `x` in a docstring is inline code, as in Markdown
napoleon_use_ivar = True  # dataclass "Attributes" sections as fields, not as duplicate attribute entries
autodoc_default_options["ignore-module-all"] = True  # re-exported names are documented where they are defined

import re  # noqa: E402

_LITERAL = re.compile(r"(``.*?``)")


def _plain_text_bars(app, what, name, obj, options, lines):
    """The docstrings write math in plain text (``|ψ⟩``, ``1/|G|``); outside ``literals`` a bar is a bar,
    not the start of a reST substitution."""
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("|", "+-", "+=")):  # reST tables and line blocks keep their bars
            continue
        parts = _LITERAL.split(line)
        lines[i] = "".join(p if p.startswith("``") else re.sub(r"(?<!\\)\|", r"\\|", p) for p in parts)


def setup(app):
    app.connect("autodoc-process-docstring", _plain_text_bars)
napoleon_use_param = False  # "name : type" entries rendered whole (types hold ``literals`` with commas)
