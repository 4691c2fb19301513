"""A tiny recorder for the runnable proofs in ``proofs/``: one line per claim, non-zero exit on failure.

A claim is checked exactly (``sympy`` equality, ``simplify(a - b) == 0``); a check that raises is a
failure too, reported with the exception.

>>> report = ProofReport("demo")
>>> report.check("1 + 1 = 2", lambda: 1 + 1 == 2)
PASS  [demo] 1 + 1 = 2
True
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

__all__ = ["ProofReport"]


class ProofReport:
    """Collects claims of one proof script and prints ``PASS``/``FAIL`` lines."""

    def __init__(self, name: str, *, stream=None):
        self.name = name
        self.results: list[tuple[str, bool, str]] = []
        self.stream = stream or sys.stdout
        self._start = time.perf_counter()

    def check(self, claim: str, test: Callable[[], bool] | bool) -> bool:
        """Record ``claim``; ``test`` is a bool or a zero-argument callable returning one."""
        detail = ""
        try:
            ok = bool(test() if callable(test) else test)
        except Exception as exc:  # a claim whose check crashes is a failed claim
            ok, detail = False, f"  ({type(exc).__name__}: {exc})"
        self.results.append((claim, ok, detail))
        print(f"{'PASS' if ok else 'FAIL'}  [{self.name}] {claim}{detail}", file=self.stream, flush=True)
        return ok

    @property
    def failures(self) -> int:
        return sum(1 for _, ok, _ in self.results if not ok)

    def finish(self) -> None:
        """Print a summary and exit with status 1 if any claim failed (0 otherwise)."""
        seconds = time.perf_counter() - self._start
        print(f"[{self.name}] {len(self.results) - self.failures} of {len(self.results)} claims proved "
              f"in {seconds:.1f} s", file=self.stream, flush=True)
        raise SystemExit(1 if self.failures else 0)
