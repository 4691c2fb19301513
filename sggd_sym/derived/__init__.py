"""Derived objects: penalties (Eq. 6), guidance norms, costs (Eq. 7) and post-processing (Eq. 12–13).

* :mod:`~sggd_sym.derived.penalties` — :func:`penalty`, ``P(θ) = ‖T_G[Õ] − Õ‖²`` as a derived function;
* :mod:`~sggd_sym.derived.norms` — the other guidance norms;
* :mod:`~sggd_sym.derived.costs` — models (Eq. 1), ``C_MSE``, ``C_T``, ``C_P`` and the data-invariance check;
* :mod:`~sggd_sym.derived.conditions` — the conditions the claims rest on: data span (Eq. 3 ⇔ 4), Eq. 4 at a
  point, the critical strength λ_crit (Eq. 11);
* :mod:`~sggd_sym.derived.postprocess` — the Taylor operators and modified penalty of Eq. 12–13;
* :mod:`~sggd_sym.derived.postprocessed_costs` — the costs of post-processed outputs ``h_k(f)`` (Eq. 12).
"""

from sggd_sym.derived import conditions, costs, norms, penalties, postprocess, postprocessed_costs
from sggd_sym.derived.penalties import penalty

__all__ = ["conditions", "costs", "norms", "penalties", "postprocess", "postprocessed_costs", "penalty"]
