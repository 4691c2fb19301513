"""Training from derived costs (SGGD, paper Eq. 6–7), and the studies that train.

* :mod:`~sggd_sym.training.descent` — :func:`train`, λ schedules, :class:`History`;
* :mod:`~sggd_sym.training.sweeps` — independent trainings over processes or a Dask cluster;
* :mod:`~sggd_sym.training.shots` — the penalty from swap-test shots, as a device estimates it (imported on
  request: it runs the simulator);
* :mod:`~sggd_sym.training.analysis` — attainable symmetry of an ansatz (:func:`symmetric_reach`).
"""

from sggd_sym.training import analysis, descent, sweeps
from sggd_sym.training.descent import (SCHEDULES, Adaptive, Constant, CosineRamp, History, LambdaSchedule, LinearRamp,
                                       WarmUp, adam, gradient_descent, schedule, train, train_many)

# ``shots`` is not imported here: it runs the independent simulator as its device, and ``import sggd_sym``
# must not load the witness.  ``import sggd_sym.training.shots`` when you need it.

__all__ = ["analysis", "descent", "sweeps",
           "History", "train", "train_many", "gradient_descent", "adam", "schedule", "SCHEDULES",
           "LambdaSchedule", "Constant", "WarmUp", "LinearRamp", "CosineRamp", "Adaptive"]
