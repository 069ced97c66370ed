"""Test offline against a fake Oktawave API: ``FakeOktawaveServer`` and the pytest plugin.

Standard library only, so that importing it never pulls in anything a test run lacks.
See ``docs/testing.md``.
"""

from pyodk.testing.faults import FAULT_KINDS, Fault
from pyodk.testing.server import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    FakeOktawaveServer,
    Headers,
    RecordedRequest,
)
from pyodk.testing.state import (
    SNAPSHOT_ORDER_FIELDS,
    STATUS_ERROR,
    STATUS_NEW,
    STATUS_RUNNING,
    STATUS_SUCCEED,
    TICKET_ORDER_FIELDS,
    User,
)

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "FAULT_KINDS",
    "MAX_PAGE_SIZE",
    "SNAPSHOT_ORDER_FIELDS",
    "STATUS_ERROR",
    "STATUS_NEW",
    "STATUS_RUNNING",
    "STATUS_SUCCEED",
    "TICKET_ORDER_FIELDS",
    "FakeOktawaveServer",
    "Fault",
    "Headers",
    "RecordedRequest",
    "User",
]
