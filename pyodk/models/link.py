"""Link: a hypermedia link."""

from __future__ import annotations

from pyodk.models.base import Model, field


class Link(Model):
    """A hypermedia link of a Resource."""

    href: str | None = field("Href", "Href", default=None)
    rel: str | None = field("Rel", "Rel", default=None)
