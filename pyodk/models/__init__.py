"""The models of the Oktawave snapshots API. The ApiClient finds response types here by name."""

from pyodk.models.api_collection_metadata import ApiCollectionMetadata
from pyodk.models.api_collection_snapshot import ApiCollectionSnapshot
from pyodk.models.api_collection_ticket import ApiCollectionTicket
from pyodk.models.base_resource import BaseResource
from pyodk.models.create_update_snapshot_command import CreateUpdateSnapshotCommand
from pyodk.models.dictionary_item import DictionaryItem
from pyodk.models.link import Link
from pyodk.models.resource import Resource
from pyodk.models.snapshot import Snapshot
from pyodk.models.ticket import Ticket
from pyodk.models.user_resource import UserResource

__all__ = [
    "ApiCollectionMetadata",
    "ApiCollectionSnapshot",
    "ApiCollectionTicket",
    "BaseResource",
    "CreateUpdateSnapshotCommand",
    "DictionaryItem",
    "Link",
    "Resource",
    "Snapshot",
    "Ticket",
    "UserResource",
]
