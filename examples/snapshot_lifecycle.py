"""The life of a snapshot: list an instance's snapshots, create one and follow its ticket, rename
it, restore the instance to it, and delete it, printing the instance's snapshots at each step.

    python examples/snapshot_lifecycle.py                        # on pyodk's built-in fake
    python examples/snapshot_lifecycle.py --real --instance ID   # on your Oktawave account

Without ``--real`` it runs against pyodk's built-in fake Oktawave server, on this machine and
with no network, whatever ``OKTAWAVE_*`` variables are set: running it cannot touch an account by
accident. ``--instance`` then picks one of the fake's instances (56, ``web-prod-01``, by default).

With ``--real`` it works on the account that the environment names, as
``pyodk.Configuration.from_env()`` reads it: ``OKTAWAVE_ACCESS_TOKEN``, or the four password-grant
variables, and ``OKTAWAVE_ODK_API_URL`` for another API address. It needs ``--instance``: it never
picks an instance of yours on its own. Before it changes anything it prints the API's address and
the instance's id and name. Careful: restoring sets the instance's disk back to the new snapshot,
so whatever was written on it since the snapshot was taken is lost. Use an instance you can spare.

Exit status: 0 when every step succeeded, 1 when one failed (the message says which and why), 2
for wrong arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterable
from datetime import datetime, timezone

import pyodk
from pyodk.configuration import without_password
from pyodk.testing import FakeOktawaveServer

#: The fake's instance that always has snapshots (docs/testing.md lists the others).
FAKE_INSTANCE_ID = 56
# Short first polls make progress visible on quick operations; the waiter backs off to 10 s anyway.
POLL_INTERVAL = 0.25


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Create, rename, restore and delete a snapshot, showing each step. "
        "Runs on pyodk's built-in fake Oktawave server unless --real is given.",
    )
    parser.add_argument(
        "--real",
        action="store_true",
        help="use the Oktawave account of the OKTAWAVE_* environment variables (needs --instance)",
    )
    parser.add_argument(
        "--instance",
        type=int,
        metavar="ID",
        help=f"the instance to work on (on the fake: default {FAKE_INSTANCE_ID})",
    )
    args = parser.parse_args(argv)
    if args.real and args.instance is None:
        parser.error("--real needs --instance ID: this example never picks an instance for you")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    with contextlib.ExitStack() as stack:
        try:
            if args.real:
                configuration = pyodk.Configuration.from_env()
                print(f"Oktawave API: {without_password(configuration.host)}")
            else:
                server = stack.enter_context(FakeOktawaveServer())
                configuration = pyodk.Configuration(
                    host=server.url, access_token=server.access_token
                )
                print(
                    f"Running against pyodk's built-in fake Oktawave server at {server.url}\n"
                    "(--real --instance ID works on your Oktawave account instead)"
                )
            api_client = stack.enter_context(pyodk.ApiClient(configuration))
            instance_id = args.instance if args.instance is not None else FAKE_INSTANCE_ID
            instance = pyodk.OCIApi(api_client).instances_get_0(instance_id)
            print(f"Instance: {instance.id} {instance.name!r}")
            run(pyodk.OCISnapshotsApi(api_client), instance_id)
        except pyodk.PyodkError as error:
            print(f"\nFailed: {one_line(error)}", file=sys.stderr)
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
        # Datetimes are aware (a time sent without an offset is taken as UTC), so any offset the
        # API used converts.
        created = s.creation_date.astimezone(timezone.utc) if s.creation_date else None
        user = s.creation_user
        by = f"{user.first_name or ''} {user.last_name or ''}".strip() if user else ""
        shown_date = f"{created:%Y-%m-%d %H:%M:%S}" if created else ""
        rows.append((mark, str(s.id), s.name or "", str(parent or "-"), shown_date, by))
    if len(rows) == 1:
        print("   (no snapshots)")
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print("   " + "  ".join(cells).rstrip())
    print("   (* current snapshot of the instance)")


def one_line(error: pyodk.PyodkError) -> str:
    """The error's one-line text, led by its class name (an ApiException's text has it already)."""
    text = str(error)
    name = type(error).__name__
    return text if text.startswith(name) else f"{name}: {text}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
