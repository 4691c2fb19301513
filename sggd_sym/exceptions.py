"""One small exception hierarchy for the whole package.

Every error raised on bad input is both a :class:`SggdError` and the builtin
that callers expect (``ValueError`` or ``TypeError``), so ``except ValueError``
keeps working.  Messages name the function and argument, say what was expected
and what was received, and what would work instead.
"""

from __future__ import annotations

__all__ = [
    "SggdError",
    "InputValueError",
    "InputTypeError",
    "GroupTooLargeError",
    "DerivationBudgetError",
]


class SggdError(Exception):
    """Base class of every error raised by :mod:`sggd_sym`."""


class InputValueError(SggdError, ValueError):
    """An argument has the right type but an unusable value."""


class InputTypeError(SggdError, TypeError):
    """An argument has the wrong type."""


class GroupTooLargeError(InputValueError):
    """The closure of a finite group's generators exceeds the stated size limit."""


class DerivationBudgetError(SggdError, RuntimeError):
    """An exact derivation grew past its budget (terms or seconds); raised instead of hanging."""
