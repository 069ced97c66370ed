"""BaseResource: a reference to another object by its id."""

from __future__ import annotations

from pyodk.models.base import Model, field


class BaseResource(Model):
    """A reference to another object (an instance, a parent snapshot) by its id."""

    id: int | None = field("Id", "ID", default=None)
