"""The bridge from exact derivations to floating point: the only place where SymPy objects become numpy
(or JAX) functions and arrays.  It needs only sympy and numpy, so it is the lowest layer.

* :mod:`~sggd_sym.numeric.bridge` — :data:`DEFAULT_ATOL`, :func:`to_numpy`, :func:`to_float`,
  :func:`lambdify_checked`, :class:`DerivedFunction`;
* :mod:`~sggd_sym.numeric.trig_kernels` — :class:`CompiledTrigPolynomials`, the evaluator of exact trig
  polynomials (what :meth:`sggd_sym.algebra.trig.TrigRing.compile` returns);
* :mod:`~sggd_sym.numeric.jax_backend` — :func:`~sggd_sym.numeric.jax_backend.to_jax` (optional extra ``jax``).
"""

from sggd_sym.numeric import bridge, trig_kernels
from sggd_sym.numeric.bridge import DEFAULT_ATOL, DerivedFunction, lambdify_checked, to_float, to_numpy
from sggd_sym.numeric.trig_kernels import CompiledTrigPolynomials

__all__ = ["bridge", "trig_kernels", "DEFAULT_ATOL", "DerivedFunction", "lambdify_checked", "to_float", "to_numpy",
           "CompiledTrigPolynomials"]
