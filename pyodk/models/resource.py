"""Resource: a referenced object with links."""

from __future__ import annotations

from pyodk.models.base import Model, field
from pyodk.models.link import Link


class Resource(Model):
    """A referenced object with its id and hypermedia links."""

    links: list[Link] | None = field("Links", "Links", default=None)
    id: int | None = field("Id", "ID", default=None)
