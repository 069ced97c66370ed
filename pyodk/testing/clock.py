"""The fake's sense of time: a monotonic clock that can skip ahead.

``VirtualClock`` reads a base clock (real time by default) and adds every second skipped by
``advance()`` or ``sleep()``. Real time keeps flowing, so code that polls with ``time.sleep`` works
as against the service; skipping makes tickets finish and tokens expire at once. Installed as the
waiters' time source (``FakeOktawaveServer.virtual_time()``), a waiter's sleep becomes a skip, and a
wait for a ticket that takes minutes costs only its requests.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

Clock = Callable[[], float]


class VirtualClock:
    """Monotonic seconds: the base clock plus everything skipped so far; thread-safe."""

    def __init__(self, base: Clock = time.monotonic) -> None:
        self._base = base
        self._skipped = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self._base() + self._skipped

    @property
    def skipped(self) -> float:
        """Seconds skipped in all, by ``advance()`` and ``sleep()``."""
        return self._skipped

    def advance(self, seconds: float) -> None:
        """Move time forward at once; the next request sees tickets and tokens that much older."""
        _check_seconds(seconds)
        with self._lock:
            self._skipped += seconds

    def sleep(self, seconds: float) -> None:
        """A ``time.sleep`` that returns at once, the given seconds having passed."""
        self.advance(seconds)

    def __repr__(self) -> str:
        return f"VirtualClock(skipped={self._skipped:g})"


def _check_seconds(seconds: float) -> None:
    # Time that went backwards would make finished tickets unfinished; NaN would poison the sum.
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise TypeError(f"seconds must be a number, got {type(seconds).__name__}")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
