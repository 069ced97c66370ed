"""The life of a snapshot: list an instance's snapshots, create one and follow its ticket, rename
it, restore the instance to it, and delete it, printing the instance's snapshots at each step.

    python examples/snapshot_lifecycle.py [INSTANCE_ID]

Where it runs:

- with ``OKTAWAVE_ACCESS_TOKEN`` set (and ``OKTAWAVE_ODK_API_URL`` to change the API's address), or
  with the password-grant variables of ``pyodk.Configuration.from_env``, against that Oktawave
  account. Careful: restoring sets the instance's disk back to the new snapshot, so whatever was
  written in the few seconds since is lost. Pass the id of an instance you can spare;
- otherwise against pyodk's built-in fake Oktawave server, on this machine, with no network.

INSTANCE_ID defaults to 56, an instance the fake server always has.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterable
from datetime import datetime, timezone

import pyodk
from pyodk.testing import FakeOktawaveServer

DEFAULT_INSTANCE_ID = 56
# Short first polls make progress visible on quick operations; the waiter backs off to 10 s anyway.
POLL_INTERVAL = 0.25


def main(argv: list[str]) -> int:
    instance_id = int(argv[1]) if len(argv) > 1 else DEFAULT_INSTANCE_ID
    with contextlib.ExitStack() as stack:
        configuration = pyodk.Configuration.from_env()
        if configuration.access_token or configuration.token_source:
            print(f"Using the Oktawave API at {configuration.host}")
        else:
            server = stack.enter_context(FakeOktawaveServer())
            configuration = pyodk.Configuration.from_env(server.environ())
            print(
                "OKTAWAVE_ACCESS_TOKEN is not set, so this runs against pyodk's built-in fake "
                f"Oktawave server at {server.url}\n(set it to use your Oktawave account instead)"
            )
        api_client = stack.enter_context(pyodk.ApiClient(configuration))
        try:
            run(pyodk.OCISnapshotsApi(api_client), instance_id)
        except pyodk.PyodkError as error:
            print(f"\nFailed: {type(error).__name__}: {error}", file=sys.stderr)
            return 1
    return 0


def run(api: pyodk.OCISnapshotsApi, instance_id: int) -> None:
    started = time.monotonic()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"lifecycle-demo-{stamp}"
    description = "made by the snapshot_lifecycle example"  # no "/" allowed

    step(1, f"The snapshots of instance {instance_id}")
    show(snapshots_of(api, instance_id))

    step(2, f"Create snapshot {name!r} and follow its ticket")
    command = pyodk.CreateUpdateSnapshotCommand(name=name, description=description)
    snapshot = pyodk.create_snapshot_and_wait(
        api, instance_id, command, poll_interval=POLL_INTERVAL, on_progress=show_progress
    )
    assert snapshot.id is not None
    print(f"Created snapshot {snapshot.id}.")
    show(snapshots_of(api, instance_id), snapshot.id)

    try:
        step(3, f"Rename snapshot {snapshot.id}")
        renamed = f"{name}-renamed"
        command = pyodk.CreateUpdateSnapshotCommand(name=renamed, description=description)
        updated = api.snapshots_put(snapshot.id, command)
        print(f"Renamed {name!r} to {updated.name!r}.")
        show(snapshots_of(api, instance_id), snapshot.id)

        step(4, f"Restore instance {instance_id} to snapshot {snapshot.id}")
        pyodk.restore_snapshot_and_wait(
            api, snapshot.id, poll_interval=POLL_INTERVAL, on_progress=show_progress
        )
        show(snapshots_of(api, instance_id), snapshot.id)
    except pyodk.PyodkError:
        print(f"Snapshot {snapshot.id} is left on instance {instance_id}; delete it yourself.")
        raise

    step(5, f"Delete snapshot {snapshot.id}")
    pyodk.delete_snapshot_and_wait(
        api, snapshot.id, poll_interval=POLL_INTERVAL, on_progress=show_progress
    )
    show(snapshots_of(api, instance_id))

    print(f"\nDone in {time.monotonic() - started:.1f} s.")


def snapshots_of(api: pyodk.OCISnapshotsApi, instance_id: int) -> list[pyodk.Snapshot]:
    return list(pyodk.paginate(api.snapshots_get, instance_id=instance_id, order_by="CreationDate"))


def step(number: int, title: str) -> None:
    print(f"\n{number}. {title}")


def show_progress(ticket: pyodk.Ticket) -> None:
    progress = ticket.progress or 0
    bar = "#" * (progress // 5) + "." * (20 - progress // 5)
    status = ticket.status.label if ticket.status else "?"
    operation = ticket.operation_type.label if ticket.operation_type else "operation"
    print(f"   ticket {ticket.id} {operation}: [{bar}] {progress:3d}% {status}")


def show(snapshots: Iterable[pyodk.Snapshot], highlight: int | None = None) -> None:
    """A table of snapshots; ``*`` marks the instance's current one, ``>`` the one at hand."""
    rows = [("", "Id", "Name", "Parent", "Created (UTC)", "By")]
    for s in snapshots:
        mark = (">" if s.id == highlight else " ") + ("*" if s.is_current else " ")
        parent = s.snapshot_parent.id if s.snapshot_parent else None
        created = f"{utc(s.creation_date):%Y-%m-%d %H:%M:%S}" if s.creation_date else ""
        user = s.creation_user
        by = f"{user.first_name or ''} {user.last_name or ''}".strip() if user else ""
        rows.append((mark, str(s.id), s.name or "", str(parent or "-"), created, by))
    if len(rows) == 1:
        print("   (no snapshots)")
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("   " + "  ".join(cells).rstrip())
    print("   (* current snapshot of the instance)")


def utc(moment: datetime) -> datetime:
    # The API mixes offsets (+01:00, Z); a time given without one is already UTC.
    return moment if moment.tzinfo is None else moment.astimezone(timezone.utc)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
