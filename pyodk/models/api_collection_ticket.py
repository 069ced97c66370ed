"""ApiCollectionTicket: one page of tickets."""

from __future__ import annotations

from pyodk.models.api_collection_metadata import ApiCollectionMetadata
from pyodk.models.base import Model, field
from pyodk.models.ticket import Ticket


class ApiCollectionTicket(Model):
    """One page of tickets; ``meta.total`` counts the matches over all pages."""

    items: list[Ticket] | None = field("Items", "Items", default=None)
    meta: ApiCollectionMetadata | None = field("Meta", "Meta", default=None)
