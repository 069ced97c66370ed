"""pyodk: the Python SDK for the Oktawave API's OCI snapshot operations.

Generated-client surface (``Configuration`` -> ``ApiClient`` -> ``OCISnapshotsApi``), plus what
generators leave out: retries and timeouts by default, ticket waiters, pagination and token sources.
This module only re-exports.
"""

from pyodk import auth
from pyodk._version import __version__
from pyodk.api.oci_snapshots_api import OCISnapshotsApi
from pyodk.api.tickets_api import TicketsApi
from pyodk.api_client import ApiClient
from pyodk.configuration import Configuration
from pyodk.exceptions import (
    ApiException,
    ApiTypeError,
    ApiValueError,
    BadRequestError,
    ConflictError,
    ConnectionDroppedError,
    ConnectionFailedError,
    ForbiddenError,
    ModelDecodeError,
    NotFoundError,
    ProxyError,
    PyodkError,
    ResponseDecodeError,
    ResponseTimeoutError,
    ResponseTooLargeError,
    ServerError,
    TicketError,
    TicketFailedError,
    TicketTimeoutError,
    TLSError,
    TokenError,
    TooManyRequestsError,
    TransportError,
    UnauthorizedError,
)
from pyodk.models import (
    ApiCollectionMetadata,
    ApiCollectionSnapshot,
    ApiCollectionTicket,
    BaseResource,
    CreateUpdateSnapshotCommand,
    DictionaryItem,
    Link,
    Resource,
    Snapshot,
    Ticket,
    UserResource,
)
from pyodk.pagination import Paged, paginate
from pyodk.retry import RetryPolicy
from pyodk.waiters import (
    create_snapshot_and_wait,
    delete_snapshot_and_wait,
    restore_snapshot_and_wait,
    wait_for_ticket,
)

__all__ = [
    "__version__",
    "auth",
    "ApiClient",
    "ApiCollectionMetadata",
    "ApiCollectionSnapshot",
    "ApiCollectionTicket",
    "ApiException",
    "ApiTypeError",
    "ApiValueError",
    "BadRequestError",
    "BaseResource",
    "ConflictError",
    "Configuration",
    "ConnectionDroppedError",
    "ConnectionFailedError",
    "CreateUpdateSnapshotCommand",
    "DictionaryItem",
    "ForbiddenError",
    "Link",
    "ModelDecodeError",
    "NotFoundError",
    "OCISnapshotsApi",
    "Paged",
    "ProxyError",
    "PyodkError",
    "Resource",
    "ResponseDecodeError",
    "ResponseTimeoutError",
    "ResponseTooLargeError",
    "RetryPolicy",
    "ServerError",
    "Snapshot",
    "TLSError",
    "Ticket",
    "TicketError",
    "TicketFailedError",
    "TicketTimeoutError",
    "TicketsApi",
    "TokenError",
    "TooManyRequestsError",
    "TransportError",
    "UnauthorizedError",
    "UserResource",
    "create_snapshot_and_wait",
    "delete_snapshot_and_wait",
    "paginate",
    "restore_snapshot_and_wait",
    "wait_for_ticket",
]
