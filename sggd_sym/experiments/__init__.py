"""Reproductions of the paper's experiments (SPEC §3).

Each experiment is a module ``sggd_sym.experiments.<name>`` exposing

* ``run(*, seeds: int | None, outdir: pathlib.Path, progress: bool) -> dict`` — runs it and returns the
  JSON-serialisable result object of its issue (``{"experiment": name, "rows": [...], ...}``), writing
  figures (PNG) under ``outdir``;
* ``format_report(result: dict) -> str`` — a readable table of that result.
"""

from __future__ import annotations

import importlib
import importlib.util

__all__ = ["NAMES", "available", "load"]

#: Experiments in the order ``reproduce all`` runs them.
NAMES = ("werner", "circle", "c4", "postprocessing", "hamming")


def available() -> list[str]:
    """The experiments implemented in this installation."""
    return [name for name in NAMES if importlib.util.find_spec(f"{__name__}.{name}") is not None]


def load(name: str):
    """Import the experiment module ``name`` (``ValueError`` naming the available ones otherwise)."""
    if name not in available():
        raise ValueError(f"experiment {name!r} is not available; choose one of {', '.join(available()) or '(none)'}")
    return importlib.import_module(f"{__name__}.{name}")
