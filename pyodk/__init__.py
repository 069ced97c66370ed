"""pyodk: the Python SDK for the Oktawave cloud API.

Generated-client surface (``Configuration`` -> ``ApiClient`` -> ``OCISnapshotsApi``, ``OCIApi``
and the other 16 API classes, the models at ``pyodk.<Model>``), plus what generators leave out:
retries and timeouts by default, ticket waiters, pagination, snapshot pruning and token sources.
The ``pyodk`` command line is ``pyodk.cli``.

This module only re-exports, and loads each name on first use (PEP 562), so that ``import pyodk``
stays fast however many classes the API has; type checkers see every name through the imports
under ``TYPE_CHECKING``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyodk import api as _api
from pyodk import models as _models
from pyodk._lazy import lazy_exports
from pyodk._version import __version__

if TYPE_CHECKING:
    from pyodk import auth as auth
    from pyodk.api import *  # noqa: F403 - every API class, as pyodk.api lists them
    from pyodk.api_client import ApiClient as ApiClient
    from pyodk.configuration import Configuration as Configuration
    from pyodk.exceptions import ApiException as ApiException
    from pyodk.exceptions import ApiTypeError as ApiTypeError
    from pyodk.exceptions import ApiValueError as ApiValueError
    from pyodk.exceptions import BadRequestError as BadRequestError
    from pyodk.exceptions import CallTimeoutError as CallTimeoutError
    from pyodk.exceptions import ConflictError as ConflictError
    from pyodk.exceptions import ConnectionDroppedError as ConnectionDroppedError
    from pyodk.exceptions import ConnectionFailedError as ConnectionFailedError
    from pyodk.exceptions import ForbiddenError as ForbiddenError
    from pyodk.exceptions import ModelDecodeError as ModelDecodeError
    from pyodk.exceptions import NoCredentialsError as NoCredentialsError
    from pyodk.exceptions import NotFoundError as NotFoundError
    from pyodk.exceptions import PaginationError as PaginationError
    from pyodk.exceptions import ProxyError as ProxyError
    from pyodk.exceptions import PyodkError as PyodkError
    from pyodk.exceptions import ResponseDecodeError as ResponseDecodeError
    from pyodk.exceptions import ResponseTimeoutError as ResponseTimeoutError
    from pyodk.exceptions import ResponseTooLargeError as ResponseTooLargeError
    from pyodk.exceptions import ServerError as ServerError
    from pyodk.exceptions import TicketError as TicketError
    from pyodk.exceptions import TicketFailedError as TicketFailedError
    from pyodk.exceptions import TicketTimeoutError as TicketTimeoutError
    from pyodk.exceptions import TLSError as TLSError
    from pyodk.exceptions import TokenError as TokenError
    from pyodk.exceptions import TooManyRequestsError as TooManyRequestsError
    from pyodk.exceptions import TransportError as TransportError
    from pyodk.exceptions import UnauthorizedError as UnauthorizedError
    from pyodk.exceptions import UnknownSettingError as UnknownSettingError
    from pyodk.models import *  # noqa: F403 - every model, as pyodk.models lists them
    from pyodk.pagination import Paged as Paged
    from pyodk.pagination import paginate as paginate
    from pyodk.pruning import PruneDecision as PruneDecision
    from pyodk.pruning import PrunePlan as PrunePlan
    from pyodk.pruning import prune_snapshots as prune_snapshots
    from pyodk.retry import RetryPolicy as RetryPolicy
    from pyodk.waiters import create_snapshot_and_wait as create_snapshot_and_wait
    from pyodk.waiters import delete_snapshot_and_wait as delete_snapshot_and_wait
    from pyodk.waiters import restore_snapshot_and_wait as restore_snapshot_and_wait
    from pyodk.waiters import wait_for_ticket as wait_for_ticket

_EXCEPTIONS = (
    "ApiException",
    "ApiTypeError",
    "ApiValueError",
    "BadRequestError",
    "CallTimeoutError",
    "ConflictError",
    "ConnectionDroppedError",
    "ConnectionFailedError",
    "ForbiddenError",
    "ModelDecodeError",
    "NoCredentialsError",
    "NotFoundError",
    "PaginationError",
    "ProxyError",
    "PyodkError",
    "ResponseDecodeError",
    "ResponseTimeoutError",
    "ResponseTooLargeError",
    "ServerError",
    "TicketError",
    "TicketFailedError",
    "TicketTimeoutError",
    "TLSError",
    "TokenError",
    "TooManyRequestsError",
    "TransportError",
    "UnauthorizedError",
    "UnknownSettingError",
)

#: The hand-written names, by the module that defines them.
_HAND_WRITTEN = {
    "auth": "pyodk.auth",
    "ApiClient": "pyodk.api_client",
    "Configuration": "pyodk.configuration",
    **dict.fromkeys(_EXCEPTIONS, "pyodk.exceptions"),
    "Paged": "pyodk.pagination",
    "paginate": "pyodk.pagination",
    "PruneDecision": "pyodk.pruning",
    "PrunePlan": "pyodk.pruning",
    "prune_snapshots": "pyodk.pruning",
    "RetryPolicy": "pyodk.retry",
    "create_snapshot_and_wait": "pyodk.waiters",
    "delete_snapshot_and_wait": "pyodk.waiters",
    "restore_snapshot_and_wait": "pyodk.waiters",
    "wait_for_ticket": "pyodk.waiters",
}

__all__ = ["__version__", *_HAND_WRITTEN]
__all__ += _api.__all__
__all__ += _models.__all__

if not TYPE_CHECKING:
    __getattr__, __dir__ = lazy_exports(
        __name__,
        {
            **_HAND_WRITTEN,
            # API classes and models load through their packages' own lazy tables.
            **dict.fromkeys(_api.__all__, "pyodk.api"),
            **dict.fromkeys(_models.__all__, "pyodk.models"),
        },
    )
