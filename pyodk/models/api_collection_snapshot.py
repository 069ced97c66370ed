"""ApiCollectionSnapshot: one page of snapshots."""

from __future__ import annotations

from pyodk.models.api_collection_metadata import ApiCollectionMetadata
from pyodk.models.base import Model, field
from pyodk.models.snapshot import Snapshot


class ApiCollectionSnapshot(Model):
    """One page of snapshots; ``meta.total`` counts the matches over all pages."""

    items: list[Snapshot] | None = field("Items", "Items", default=None)
    meta: ApiCollectionMetadata | None = field("Meta", "Meta", default=None)
