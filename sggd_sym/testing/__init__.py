"""Test tooling for the exact core: hypothesis strategies, numeric bridges and ``assert_*`` helpers.

This package is *not* part of the exact core: it may import both :mod:`sggd_sym` and the
independent numeric witness :mod:`sggd_sym.sim`, so that tests can compare the two.
It needs ``hypothesis`` (a test dependency) only for :mod:`sggd_sym.testing.strategies`.

>>> from sggd_sym.testing import to_numpy
>>> import sggd_sym as sg
>>> to_numpy(sg.ops.pauli("Z")).real.tolist()
[[1.0, 0.0], [0.0, -1.0]]
"""

from sggd_sym.testing.assertions import (
    PRESETS,
    assert_close,
    assert_heisenberg_matches_simulator,
    assert_penalty_gradient_matches_finite_differences,
    assert_penalty_matches_simulator,
    assert_twirl_matches_simulator,
    assert_unitary_matches_simulator,
    group_constraints_numeric,
    numeric_projector,
    preset_group,
    to_numpy,
)

__all__ = [
    "PRESETS",
    "assert_close",
    "assert_heisenberg_matches_simulator",
    "assert_penalty_gradient_matches_finite_differences",
    "assert_penalty_matches_simulator",
    "assert_twirl_matches_simulator",
    "assert_unitary_matches_simulator",
    "group_constraints_numeric",
    "numeric_projector",
    "preset_group",
    "to_numpy",
]
