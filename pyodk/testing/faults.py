"""Fault injection: rules that make the next N matching requests misbehave.

Two kinds of rule share one matcher:

* transport faults (``FaultPlan.inject``) replace the answer to a request before it reaches the
  service state, so a 503'd POST creates nothing;
* operation failures (``FaultPlan.fail_next_operations``) let the request through, but the
  ticket it starts ends in Status 137 (Error) and changes nothing.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from typing import Any

FAULT_KINDS = ("status", "stall", "drop", "malformed", "truncated", "html")

_DEFAULT_STATUS = {"status": 503, "html": 502, "malformed": 200, "truncated": 200}

PathFilter = str | re.Pattern[str] | None


def path_matches(pattern: PathFilter, path: str) -> bool:
    """A path filter matches the path itself, anything below it, or (as a regex) the whole path.

    ``"/services/snapshots/12"`` matches ``/services/snapshots/12`` and
    ``/services/snapshots/12/restore_ticket`` but not ``/services/snapshots/123``.
    """
    if pattern is None:
        return True
    if isinstance(pattern, re.Pattern):
        return pattern.fullmatch(path) is not None
    prefix = pattern.rstrip("/")
    if path in (prefix, pattern) or path.startswith(prefix + "/"):
        return True
    try:
        return re.fullmatch(pattern, path) is not None
    except re.error:
        return False


@dataclass
class Fault:
    """One transport fault rule; ``remaining`` counts down as matching requests consume it."""

    kind: str
    remaining: int
    method: str | None = None
    path: PathFilter = None
    status: int = 503
    retry_after: str | None = None
    seconds: float = 0.0
    body: bytes | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and path_matches(self.path, path)


@dataclass
class _OperationFailure:
    remaining: int
    method: str | None
    path: PathFilter

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and path_matches(self.path, path)


class FaultPlan:
    """The queue of pending faults; thread-safe, first matching rule wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._failures: list[_OperationFailure] = []

    def inject(
        self,
        kind: str,
        count: int = 1,
        method: str | None = None,
        path: PathFilter = None,
        status: int | None = None,
        retry_after: float | int | str | None = None,
        seconds: float = 0.0,
        body: bytes | str | dict[str, Any] | None = None,
    ) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; choose one of {FAULT_KINDS}")
        if count < 1:
            raise ValueError("count must be at least 1")
        if kind == "stall" and seconds <= 0:
            raise ValueError("a stall needs seconds > 0")
        fault = Fault(
            kind=kind,
            remaining=count,
            method=method.upper() if method else None,
            path=path,
            status=status if status is not None else _DEFAULT_STATUS.get(kind, 503),
            retry_after=_format_retry_after(retry_after),
            seconds=seconds,
            body=_encode_body(body),
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def fail_next_operations(
        self, n: int = 1, method: str | None = None, path: PathFilter = None
    ) -> None:
        if n < 1:
            raise ValueError("n must be at least 1")
        with self._lock:
            self._failures.append(_OperationFailure(n, method.upper() if method else None, path))

    def take_fault(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first transport fault matching this request, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.remaining > 0 and fault.matches(method, path):
                    fault.remaining -= 1
                    return fault
            return None

    def take_operation_failure(self, method: str, path: str) -> bool:
        with self._lock:
            for failure in self._failures:
                if failure.remaining > 0 and failure.matches(method, path):
                    failure.remaining -= 1
                    return True
            return False

    def pending(self) -> int:
        """How many fault uses (transport and operation) are still waiting to fire."""
        with self._lock:
            return sum(f.remaining for f in self._faults) + sum(f.remaining for f in self._failures)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._failures.clear()


def _format_retry_after(value: float | int | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    # Retry-After is delay-seconds, an integer; round up so a client never retries early.
    whole = int(value)
    return str(whole if whole == value else whole + 1)


def _encode_body(body: bytes | str | dict[str, Any] | None) -> bytes | None:
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    return json.dumps(body).encode("utf-8")
