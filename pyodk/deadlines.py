"""One thread that ends overdue calls at their deadline, for every call in the process.

Socket timeouts restart at every byte: a server trickling its answer a byte at a time keeps a
``(2, 2)`` call alive for as long as it likes. So something must act at the deadline itself. Each
call with a deadline is ``watch()``-ed while it runs; when its deadline passes, the watchdog calls
its ``expire()`` (rest.py's shuts the call's socket down, so that the blocked read returns at
once) and forgets it.

The watchdog is one daemon thread, started on first use, that sleeps until the earliest deadline
it knows. Watching a call whose deadline is later than that wakes nobody: a call costs two short
lock holds, no thread and no wake-up. After ``os.fork()`` the child starts with an empty watchdog
of its own (pyodk.forking), since the parent's thread does not exist there.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Protocol

from pyodk import forking

__all__ = ["Expirable", "Watchdog", "watchdog"]


class Expirable(Protocol):
    """What the watchdog watches: a deadline (``time.monotonic()`` seconds) and what to do then."""

    deadline: float

    def expire(self) -> None:
        """End the call now; runs on the watchdog thread, under its lock, so it must be quick."""


class Watchdog:
    """Calls ``expire()`` on each watched object once its deadline has passed."""

    #: Held while a watched call changes what ``expire()`` would act on (rest.py's connection
    #: hand-over), so that the watchdog never acts on a connection in other hands.
    lock: threading.Lock
    _wakeup: threading.Condition
    _calls: set[Expirable]
    _thread: threading.Thread | None
    _wake_at: float

    def __init__(self) -> None:
        self._reset()
        forking.renew_after_fork(self)

    def watch(self, call: Expirable) -> None:
        """Start watching ``call`` (until ``forget(call)``, or until it has expired)."""
        with self.lock:
            self._calls.add(call)
            if self._thread is None:
                thread = threading.Thread(
                    target=self._run, name="pyodk-deadline-watchdog", daemon=True
                )
                thread.start()
                self._thread = thread
            elif call.deadline < self._wake_at:
                self._wakeup.notify()

    def forget(self, call: Expirable) -> None:
        """Stop watching ``call``; after this returns, its ``expire()`` will not be called."""
        with self.lock:
            self._calls.discard(call)

    @property
    def watching(self) -> int:
        """How many calls are watched now."""
        return len(self._calls)

    def _run(self) -> None:
        with self.lock:
            while True:
                now = time.monotonic()
                earliest = math.inf
                for call in list(self._calls):
                    if call.deadline <= now:
                        self._calls.discard(call)
                        call.expire()
                    elif call.deadline < earliest:
                        earliest = call.deadline
                self._wake_at = earliest
                self._wakeup.wait(None if earliest == math.inf else earliest - now)

    def _reset(self) -> None:
        self.lock = threading.Lock()
        self._wakeup = threading.Condition(self.lock)
        self._calls = set()
        self._thread = None
        self._wake_at = math.inf

    def _after_fork_in_child(self) -> None:
        self._reset()


#: The process's watchdog.
watchdog = Watchdog()
