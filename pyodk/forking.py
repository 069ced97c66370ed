"""Fork safety: objects that must start afresh in a child process made by ``os.fork()``.

After a fork the child shares the parent's sockets (pooled keep-alive connections would then
carry both processes' requests and mix up their answers), has none of its threads (an async
thread pool that never runs anything) and inherits locks in whatever state the parent's threads
held them. Each pyodk object that holds such things registers here; in the child, right after the
fork, each one still alive gets ``_after_fork_in_child()`` and replaces them with new ones, leaving
the parent's to the parent. Only weak references are kept: registering keeps nothing alive.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Callable
from typing import Protocol


class ForkAware(Protocol):
    def _after_fork_in_child(self) -> None:
        """Replace connections, threads and locks inherited from the parent."""


_live: weakref.WeakSet[ForkAware] = weakref.WeakSet()


def renew_after_fork(obj: ForkAware) -> None:
    """Call ``obj._after_fork_in_child()`` in every child process forked while it is alive."""
    _live.add(obj)


def in_child_after_fork(renew: Callable[[], None]) -> None:
    """Call ``renew()`` in every child process forked from now on: for a module's own locks."""
    if hasattr(os, "register_at_fork"):  # POSIX; Windows has no fork
        os.register_at_fork(after_in_child=renew)


def _renew_all() -> None:
    for obj in list(_live):
        obj._after_fork_in_child()


in_child_after_fork(_renew_all)
