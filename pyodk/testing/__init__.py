"""Test offline against a fake Oktawave API: ``FakeOktawaveServer`` and the pytest plugin.

Standard library only, so that importing it never pulls in anything a test run lacks.
See ``docs/testing.md``.
"""

from pyodk.testing.clock import VirtualClock
from pyodk.testing.faults import FAULT_KINDS, Fault
from pyodk.testing.operations import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SIMULATED
from pyodk.testing.server import FakeOktawaveServer, Headers, RecordedRequest
from pyodk.testing.state import (
    INSTANCE_ORDER_FIELDS,
    INSTANCE_POWERED_OFF,
    INSTANCE_POWERED_ON,
    INSTANCE_TYPES,
    SNAPSHOT_ORDER_FIELDS,
    STATUS_ERROR,
    STATUS_NEW,
    STATUS_RUNNING,
    STATUS_SUCCEED,
    TEMPLATE_TYPE_MARKETPLACE,
    TEMPLATE_TYPE_OCI,
    TEMPLATE_TYPES,
    TICKET_ORDER_FIELDS,
    InstanceType,
    User,
)

#: The operationIds of the contract the fake simulates; every other one answers 501.
SIMULATED_OPERATIONS = frozenset(SIMULATED)

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "FAULT_KINDS",
    "INSTANCE_ORDER_FIELDS",
    "INSTANCE_POWERED_OFF",
    "INSTANCE_POWERED_ON",
    "INSTANCE_TYPES",
    "MAX_PAGE_SIZE",
    "SIMULATED_OPERATIONS",
    "SNAPSHOT_ORDER_FIELDS",
    "STATUS_ERROR",
    "STATUS_NEW",
    "STATUS_RUNNING",
    "STATUS_SUCCEED",
    "TEMPLATE_TYPES",
    "TEMPLATE_TYPE_MARKETPLACE",
    "TEMPLATE_TYPE_OCI",
    "TICKET_ORDER_FIELDS",
    "FakeOktawaveServer",
    "Fault",
    "Headers",
    "InstanceType",
    "RecordedRequest",
    "User",
    "VirtualClock",
]
