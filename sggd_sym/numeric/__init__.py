"""The bridge from exact derivations to floating point: the only place where SymPy objects become numpy
(or JAX) functions and arrays.

* :mod:`~sggd_sym.numeric.bridge` — :func:`lambdify_checked`, :class:`DerivedFunction`;
* :mod:`~sggd_sym.numeric.jax_backend` — :func:`~sggd_sym.numeric.jax_backend.to_jax` (optional extra ``jax``).
"""

from sggd_sym.numeric import bridge
from sggd_sym.numeric.bridge import DerivedFunction, lambdify_checked

__all__ = ["bridge", "DerivedFunction", "lambdify_checked"]
