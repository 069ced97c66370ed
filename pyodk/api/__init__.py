"""The API classes: one method per operation, each with a ``_with_http_info`` twin."""

from pyodk.api.oci_snapshots_api import OCISnapshotsApi
from pyodk.api.tickets_api import TicketsApi

__all__ = ["OCISnapshotsApi", "TicketsApi"]
