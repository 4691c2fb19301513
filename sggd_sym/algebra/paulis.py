"""Pauli-word algebra on strings such as ``"XIZ"`` (qubit 0 first).

Pure Python, exact: a product of two Pauli words is ``i**k`` times a Pauli word.
This is the bookkeeping behind the Heisenberg-picture propagation of
:mod:`sggd_sym.circuits.heisenberg`.
"""

from __future__ import annotations

from itertools import product

__all__ = ["PAULI_LETTERS", "pauli_words", "multiply_words", "words_commute"]

PAULI_LETTERS = "IXYZ"

# Single-qubit products: (a, b) -> (power k of i, letter) with a·b = i**k · letter.
_PRODUCT: dict[tuple[str, str], tuple[int, str]] = {}
for _a in PAULI_LETTERS:
    _PRODUCT[("I", _a)] = (0, _a)
    _PRODUCT[(_a, "I")] = (0, _a)
    _PRODUCT[(_a, _a)] = (0, "I")
for _a, _b, _c in (("X", "Y", "Z"), ("Y", "Z", "X"), ("Z", "X", "Y")):
    _PRODUCT[(_a, _b)] = (1, _c)  # XY = iZ (cyclic)
    _PRODUCT[(_b, _a)] = (3, _c)  # YX = -iZ


def pauli_words(n: int) -> list[str]:
    """All ``4**n`` Pauli words on ``n`` qubits, in lexicographic ``IXYZ`` order.

    >>> pauli_words(1), len(pauli_words(3))
    (['I', 'X', 'Y', 'Z'], 64)
    """
    return ["".join(w) for w in product(PAULI_LETTERS, repeat=n)]


def multiply_words(a: str, b: str) -> tuple[int, str]:
    """Return ``(k, w)`` with ``a·b = i**k · w`` (``k`` modulo 4).

    Raises
    ------
    ValueError
        If the words differ in length.

    >>> multiply_words("XZ", "YZ")      # XY ⊗ ZZ = iZ ⊗ I
    (1, 'ZI')
    """
    power = 0
    letters = []
    for x, y in zip(a, b, strict=True):
        k, z = _PRODUCT[(x, y)]
        power += k
        letters.append(z)
    return power % 4, "".join(letters)


def words_commute(a: str, b: str) -> bool:
    """True when the Pauli words commute (an even number of anticommuting sites).

    >>> words_commute("XX", "ZZ"), words_commute("XI", "ZZ")
    (True, False)
    """
    clashes = sum(1 for x, y in zip(a, b, strict=True) if x != "I" and y != "I" and x != y)
    return clashes % 2 == 0
