"""DictionaryItem: one value of an Oktawave dictionary (a ticket status, an operation type, ...)."""

from __future__ import annotations

from pyodk.models.base import Model, field
from pyodk.models.resource import Resource


class DictionaryItem(Model):
    """One value of an Oktawave dictionary, e.g. ticket status 136 "Succeed" of dictionary 40."""

    id: int | None = field("Id", "ID", default=None)
    label: str | None = field("Label", "Label", default=None)
    dictionary: Resource | None = field("Dictionary", "Dictionary", default=None)
