"""Ticket: a long-running operation (create, delete or restore a snapshot)."""

from __future__ import annotations

from datetime import datetime

from pyodk.models.base import Model, field
from pyodk.models.dictionary_item import DictionaryItem
from pyodk.models.user_resource import UserResource

#: Ticket status ids (dictionary 40).
STATUS_NEW = 134
STATUS_RUNNING = 135
STATUS_SUCCEED = 136
STATUS_ERROR = 137


class Ticket(Model):
    """A long-running operation; it is finished when ``end_date`` is set."""

    id: int | None = field("Id", "ID", default=None)
    creation_date: datetime | None = field("CreationDate", "Creation date", default=None)
    creation_user: UserResource | None = field(
        "CreationUser", "User who created the ticket", default=None
    )
    end_date: datetime | None = field("EndDate", "End date of operation", default=None)
    status: DictionaryItem | None = field("Status", "Status", default=None)
    operation_type: DictionaryItem | None = field("OperationType", "Operation type", default=None)
    object_id: int | None = field(
        "ObjectId", "Object identifier on which the operation is performed", default=None
    )
    object_type: DictionaryItem | None = field("ObjectType", "Object type", default=None)
    object_name: str | None = field("ObjectName", "Object name", default=None)
    progress: int | None = field("Progress", "Operation progress", default=None)

    @property
    def is_finished(self) -> bool:
        """True once the operation ended, in success or failure (its EndDate is set)."""
        return self.end_date is not None

    @property
    def succeeded(self) -> bool:
        """True when the operation ended with Status 136 (Succeed)."""
        return self.is_finished and self.status is not None and self.status.id == STATUS_SUCCEED

    @property
    def failed(self) -> bool:
        """True when the operation ended with Status 137 (Error)."""
        return self.status is not None and self.status.id == STATUS_ERROR
