"""When to retry a request, and how long to wait first: pure decisions, no I/O.

The rules, chosen so that no operation can run twice on the server:

- An answer of 429, 502, 503 or 504 is retried only for idempotent methods (GET, PUT, DELETE,
  HEAD, OPTIONS). A POST creates a snapshot or starts a restore; the server cannot tell a repeat,
  so a POST that got any answer is never sent again.
- A failure to connect is retried for every method, POST included: the request provably never
  reached the server.
- A connection dropped before a full answer is retried for idempotent methods only (stale
  keep-alive connections do this all the time).
- A read timeout is not retried by default: the server may still be working on the request.
- Nothing is retried once the call's deadline has passed (CallTimeoutError), and a wait that
  would end past the deadline is not waited (rest.py checks that): the last error is raised.
- Waits grow exponentially with full jitter, capped, and a ``Retry-After`` header wins when present.

``sleep`` and ``random`` are injectable so that tests run fast and deterministically.
"""

from __future__ import annotations

import email.utils
import random as _random
import time
from collections.abc import Callable, Collection, Mapping

from pyodk.exceptions import (
    ApiTypeError,
    ApiValueError,
    CallTimeoutError,
    ConnectionDroppedError,
    ConnectionFailedError,
    ResponseTimeoutError,
    TransportError,
)

IDEMPOTENT_METHODS = frozenset({"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})


class RetryPolicy:
    """How many times, on what, and how long to wait: see the module docstring for the rules.

    :param total: retries after the first attempt (0 turns retrying off).
    :param backoff_factor: the first wait's ceiling in seconds; each retry doubles it.
    :param backoff_max: the largest wait backoff alone may produce.
    :param max_retry_after: a Retry-After longer than this is not waited for; the error is raised.
    :param retry_read_timeouts: also retry idempotent requests whose answer timed out.
    """

    def __init__(
        self,
        total: int = 3,
        *,
        backoff_factor: float = 0.5,
        backoff_max: float = 20.0,
        max_retry_after: float = 120.0,
        statuses: Collection[int] = RETRY_STATUSES,
        idempotent_methods: Collection[str] = IDEMPOTENT_METHODS,
        retry_read_timeouts: bool = False,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        if not isinstance(total, int) or isinstance(total, bool):
            raise ApiTypeError(f"RetryPolicy total must be an int, got {type(total).__name__}")
        if total < 0:
            raise ApiValueError(f"RetryPolicy total must be >= 0, got {total}")
        self.total = total
        self.backoff_factor = backoff_factor
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self.statuses = frozenset(statuses)
        self.idempotent_methods = frozenset(m.upper() for m in idempotent_methods)
        self.retry_read_timeouts = retry_read_timeouts
        self.sleep = sleep
        self.random = random

    @classmethod
    def coerce(cls, value: object) -> RetryPolicy:
        """A policy from ``Configuration.retries``: an int, None (no retries) or a RetryPolicy."""
        if isinstance(value, RetryPolicy):
            return value
        if value is None or value is False:
            return cls(0)
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        raise ApiTypeError(
            f"retries must be an int, a RetryPolicy or a urllib3 Retry, got {type(value).__name__}"
        )

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before retry ``attempt + 1``: full jitter under a capped ceiling."""
        # A float power (bounded, so that it cannot overflow) keeps the arithmetic float.
        ceiling = min(self.backoff_max, self.backoff_factor * 2.0 ** min(attempt, 64))
        return self.random() * ceiling

    def delay_after_status(
        self, attempt: int, method: str, status: int, headers: Mapping[str, str]
    ) -> float | None:
        """Seconds to wait before retrying an answer with this status, or None not to retry."""
        if attempt >= self.total or status not in self.statuses:
            return None
        if method.upper() not in self.idempotent_methods:
            return None
        retry_after = parse_retry_after(headers.get("Retry-After"))
        if retry_after is None:
            return self.backoff(attempt)
        if retry_after > self.max_retry_after:
            return None
        return retry_after

    def delay_after_error(self, attempt: int, method: str, error: TransportError) -> float | None:
        """Seconds to wait before retrying after a transport failure, or None not to retry."""
        if attempt >= self.total or isinstance(error, CallTimeoutError):
            return None
        if isinstance(error, ConnectionFailedError):
            return self.backoff(attempt)
        idempotent = method.upper() in self.idempotent_methods
        if isinstance(error, ConnectionDroppedError) and idempotent:
            return self.backoff(attempt)
        if isinstance(error, ResponseTimeoutError) and idempotent and self.retry_read_timeouts:
            return self.backoff(attempt)
        return None

    def __repr__(self) -> str:
        return (
            f"RetryPolicy(total={self.total}, backoff_factor={self.backoff_factor}, "
            f"backoff_max={self.backoff_max}, statuses={sorted(self.statuses)})"
        )


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    # isascii(): "²".isdigit() is true, and float() refuses it.
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now())
