"""Snapshot: an OCI instance snapshot."""

from __future__ import annotations

from datetime import datetime

from pyodk.models.base import Model, field
from pyodk.models.base_resource import BaseResource
from pyodk.models.user_resource import UserResource


class Snapshot(Model):
    """A snapshot of an OCI instance; the snapshots of an instance form a tree through parents."""

    id: int | None = field("Id", "ID", default=None)
    name: str | None = field("Name", "Name", default=None)
    description: str | None = field("Description", "Description", default=None)
    instance: BaseResource | None = field("Instance", "Instance", default=None)
    creation_date: datetime | None = field("CreationDate", "Creation date", default=None)
    last_change_date: datetime | None = field("LastChangeDate", "Last change date", default=None)
    creation_user: UserResource | None = field(
        "CreationUser", "User who created the snapshot", default=None
    )
    is_system: bool | None = field(
        "IsSystem", "Is system snapshot. Not created by the user.", default=None
    )
    is_current: bool | None = field("IsCurrent", "Is current", default=None)
    snapshot_parent: BaseResource | None = field("SnapshotParent", "Snapshot parent", default=None)
