"""CreateUpdateSnapshotCommand: the body of creating or renaming a snapshot."""

from __future__ import annotations

from pyodk.models.base import Model, field


class CreateUpdateSnapshotCommand(Model):
    """Create or update snapshot command.

    ``name``: required, 1 to 500 characters, none of ``/ \\ | < > %``.
    ``description``: optional, no ``/``.
    """

    name: str = field(
        "Name",
        "Name",
        required=True,
        default="Snapshot name",
        min_length=1,
        max_length=500,
        forbidden_chars="/\\|<>%",
    )
    description: str | None = field(
        "Description", "Description", default="Snapshot description", forbidden_chars="/"
    )
