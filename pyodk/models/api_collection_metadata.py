"""ApiCollectionMetadata: the metadata of one page of a collection."""

from __future__ import annotations

from pyodk.models.base import Model, field


class ApiCollectionMetadata(Model):
    """Metadata of a collection page."""

    total: int | None = field(
        "Total", "Total number of items matching the query, over all pages", default=None
    )
