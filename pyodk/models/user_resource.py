"""UserResource: an Oktawave account user."""

from __future__ import annotations

from pyodk.models.base import Model, field


class UserResource(Model):
    """The Oktawave user who created an object."""

    id: int | None = field("Id", "ID", default=None)
    login: str | None = field("Login", "Login", default=None)
    first_name: str | None = field("FirstName", "First name", default=None)
    last_name: str | None = field("LastName", "Last name", default=None)
