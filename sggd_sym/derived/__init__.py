"""Derived objects: penalties (Eq. 6), guidance norms, costs (Eq. 7) and post-processing (Eq. 12–13).

* :mod:`~sggd_sym.derived.penalties` — :func:`penalty`, ``P(θ) = ‖T_G[Õ] − Õ‖²`` as a derived function;
* :mod:`~sggd_sym.derived.norms` — the other guidance norms;
* :mod:`~sggd_sym.derived.costs` — models, ``C_MSE``, ``C_T``, ``C_P`` and the data checks;
* :mod:`~sggd_sym.derived.postprocess` — the Taylor operators and modified penalty of Eq. 12–13.
"""

from sggd_sym.derived import costs, norms, penalties, postprocess
from sggd_sym.derived.penalties import penalty

__all__ = ["costs", "norms", "penalties", "postprocess", "penalty"]
