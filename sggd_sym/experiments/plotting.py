"""Small helpers shared by the experiments' figures (matplotlib is imported only when called).

* :func:`new_figure` — a figure with constrained layout (titles, labels and legends never overlap the
  axes next to them);
* :func:`pi_ticks` — an angle axis ticked in multiples of π (``0, π/2, π, 3π/2, 2π``);
* :func:`save` — write every figure of a ``{name: Figure}`` dict as ``outdir/name.png`` and close it.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np

__all__ = ["new_figure", "pi_label", "pi_ticks", "save"]


def pyplot():
    """``matplotlib.pyplot`` on the non-interactive Agg backend (``ImportError`` without matplotlib)."""
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def new_figure(nrows: int = 1, ncols: int = 1, *, figsize, **kwargs):
    """``plt.subplots`` with ``layout="constrained"`` and ``squeeze=False``; returns ``(fig, axes)``."""
    plt = pyplot()
    return plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", squeeze=False, **kwargs)


def pi_label(value: float, step: float = np.pi / 2) -> str:
    """``value`` (a multiple of ``step``) written as a multiple of π: ``0``, ``π/2``, ``π``, ``3π/2``.

    >>> [pi_label(k * np.pi / 2) for k in range(5)]
    ['0', 'π/2', 'π', '3π/2', '2π']
    >>> pi_label(-np.pi)
    '−π'
    """
    frac = Fraction(round(value / step)) * Fraction(step / np.pi).limit_denominator(12)
    if frac == 0:
        return "0"
    sign = "−" if frac < 0 else ""
    num, den = abs(frac.numerator), frac.denominator
    head = "π" if num == 1 else f"{num}π"
    return f"{sign}{head}" if den == 1 else f"{sign}{head}/{den}"


def pi_ticks(axis, step: float = np.pi / 2) -> None:
    """Tick a matplotlib ``Axis`` (``ax.xaxis``/``ax.yaxis``) at multiples of ``step`` with π labels."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    axis.set_major_locator(MultipleLocator(step))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: pi_label(v, step)))


def save(figures: dict, outdir, dpi: int = 110) -> list[str]:
    """Write ``{name: Figure}`` as ``outdir/name.png`` (closing each figure); returns the paths."""
    plt = pyplot()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, fig in figures.items():
        path = outdir / f"{name}.png"
        fig.savefig(path, dpi=dpi)
        plt.close(fig)
        paths.append(str(path))
    return paths
