"""Hand-written behaviour of generated models: tools/generate.py adds a mixin named here as a base.

Only what reads a model's own fields belongs here; the generator's ``MIXINS`` table names which
model gets which mixin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from pyodk.models.dictionary_item import DictionaryItem

#: Ticket status ids (dictionary 40).
STATUS_NEW = 134
STATUS_RUNNING = 135
STATUS_SUCCEED = 136
STATUS_ERROR = 137


class TicketStatus:
    """What a Ticket says of its operation: finished once ``end_date`` is set, 136 is success."""

    __slots__ = ()

    if TYPE_CHECKING:
        end_date: datetime | None
        status: DictionaryItem | None

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
