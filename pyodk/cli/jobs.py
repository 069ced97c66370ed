"""The jobs people run from cron and by hand: ``pyodk snapshot ...`` and ``pyodk ticket wait``.

Each is a few calls of the library (``paginate``, the waiters, ``prune_snapshots``), so that a
script in Python gets the same behaviour. Importing this module loads nothing else: the command
tree reads ``GROUPS`` for ``pyodk --help``, and a job's own imports happen when it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pyodk.cli.parser import CommandTree, Filler, UsageError, add_common_options
from pyodk.cli.values import integer, unicode_text
from pyodk.cli.waiting import add_wait_options, wait_options

if TYPE_CHECKING:
    from pyodk.api.oci_snapshots_api import OCISnapshotsApi
    from pyodk.cli.session import Session
    from pyodk.exceptions import PyodkError
    from pyodk.models import CreateUpdateSnapshotCommand
    from pyodk.pruning import PruneDecision, PrunePlan

Build = Callable[[argparse.ArgumentParser], None]


def _build_list(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--instance", type=integer, metavar="ID", help="only this instance's snapshots"
    )
    parser.add_argument(
        "--fields",
        type=unicode_text,
        metavar="KEYS",
        help="only these keys of each snapshot, e.g. Id,Name,CreationDate,IsCurrent",
    )
    parser.set_defaults(run=_run_list, option_names={"instance_id": "--instance"})


def _run_list(args: argparse.Namespace, session: Session) -> int:
    from pyodk.pagination import paginate
    from pyodk.waiters import LISTING_PAGE_SIZE  # few requests, even for a large tree

    api = session.api("OCISnapshotsApi")
    # Oldest first: a snapshot made during the walk lands on the last page, not between pages.
    filters: dict[str, Any] = {"order_by": "CreationDate"}
    if args.instance is not None:
        filters["instance_id"] = args.instance
    if args.fields is not None:
        filters["fields"] = args.fields
    session.show(list(paginate(api.snapshots_get, page_size=LISTING_PAGE_SIZE, **filters)))
    return 0


def _build_create(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("instance_id", type=integer, metavar="INSTANCE_ID", help="Instance id")
    _add_name_options(parser, name_required=True)
    add_wait_options(parser)
    parser.set_defaults(run=_run_create, option_names=_NAME_OPTIONS | {"id": "INSTANCE_ID"})


def _run_create(args: argparse.Namespace, session: Session) -> int:
    from pyodk.models import CreateUpdateSnapshotCommand

    api = session.api("OCISnapshotsApi")
    # An explicit None leaves the description out, instead of the model's placeholder default.
    command = CreateUpdateSnapshotCommand(name=args.name, description=args.description)
    if args.wait:
        from pyodk.waiters import create_snapshot_and_wait

        wait = wait_options(args, session.progress)
        session.show(create_snapshot_and_wait(api, args.instance_id, command, **wait))
    else:
        session.show(api.instances_post_snapshot(args.instance_id, command))
    return 0


def _build_rename(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("snapshot_id", type=integer, metavar="ID", help="Snapshot id")
    _add_name_options(parser, name_required=True)
    parser.set_defaults(run=_run_rename, option_names=_NAME_OPTIONS | {"id": "ID"})


def _run_rename(args: argparse.Namespace, session: Session) -> int:
    from pyodk.models import CreateUpdateSnapshotCommand

    api = session.api("OCISnapshotsApi")
    # Made first, so that a name the API would refuse is a usage error before anything is sent.
    command = CreateUpdateSnapshotCommand(name=args.name, description=args.description)
    if args.description is None:
        # The update replaces name and description together: keep the description it has.
        _keep_description(api, args.snapshot_id, command)
    session.show(api.snapshots_put(args.snapshot_id, command))
    return 0


def _keep_description(
    api: OCISnapshotsApi, snapshot_id: int, command: CreateUpdateSnapshotCommand
) -> None:
    """Give ``command`` the description the snapshot has.

    :raises UsageError: an update cannot send it back (one made elsewhere with a '/'), or the
        API answered no snapshot: the user must say which description to send.
    """
    from pyodk.cli.session import first_line
    from pyodk.exceptions import ApiValueError

    snapshot = api.snapshots_get_0(snapshot_id, fields="Description")
    if snapshot is None:
        problem = "the API answered no snapshot"
    else:
        try:
            command.description = snapshot.description
            return
        except ApiValueError as refused:
            problem = first_line(refused)
    raise UsageError(
        f"the description of snapshot {snapshot_id} cannot be sent back as it is ({problem}): "
        "give --description to replace it"
    )


def _snapshot_ticket_job(start: str, start_and_wait: str) -> Build:
    """restore and delete: an operation on a snapshot id that answers a Ticket, and the waiter
    (``pyodk.waiters``) that follows it for --wait."""

    def run(args: argparse.Namespace, session: Session) -> int:
        import pyodk.waiters

        api = session.api("OCISnapshotsApi")
        if args.wait:
            wait = wait_options(args, session.progress)
            session.show(getattr(pyodk.waiters, start_and_wait)(api, args.snapshot_id, **wait))
        else:
            session.show(getattr(api, start)(args.snapshot_id))
        return 0

    def build(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("snapshot_id", type=integer, metavar="ID", help="Snapshot id")
        add_wait_options(parser)
        parser.set_defaults(run=run, option_names={"id": "ID", "snapshot_id": "ID"})

    return build


def _build_prune(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--instance", type=integer, metavar="ID", required=True, help="the instance to prune"
    )
    parser.add_argument(
        "--keep",
        type=integer,
        metavar="N",
        required=True,
        help="how many of the newest user snapshots to keep (0 or more)",
    )
    parser.add_argument(
        "--yes",
        action="store_true",
        help="delete what the plan says; without it, only the plan is printed",
    )
    add_wait_options(parser, with_flag=False, timeout_of="each deletion")
    parser.set_defaults(
        run=_run_prune, option_names={"instance_id": "--instance", "keep": "--keep"}
    )


def _run_prune(args: argparse.Namespace, session: Session) -> int:
    from pyodk.cli.session import one_line
    from pyodk.pruning import prune_snapshots

    api = session.api("OCISnapshotsApi")
    plan = prune_snapshots(api, args.instance, args.keep)
    table = session.output == "table"
    if table:
        session.say(_plan_table(plan))
    if not args.yes:
        session.note(
            f"dry run: nothing was deleted; --yes deletes the {_snapshots(len(plan.delete))} "
            "marked delete"
            if plan.delete
            else "nothing to delete"
        )
    else:

        def report(decision: PruneDecision, error: PyodkError | None) -> None:
            if error is not None:
                session.error(f"{_described(decision)} was not deleted: {one_line(error)}")
            elif table:
                session.say(f"deleted {_described(decision)}")

        plan.execute(api, on_outcome=report, **wait_options(args, session.progress))
        if table:
            for decision, why in plan.skipped:
                session.say(f"skipped {_described(decision)}: {why}")
            session.say(f"deleted {len(plan.deleted)} of {_snapshots(len(plan.delete))}")
    if not table:
        session.show(_plan_json(plan))
    return 0 if plan.ok else 1


def _described(decision: PruneDecision) -> str:
    return f"snapshot {decision.snapshot.id} ({decision.snapshot.name})"


def _snapshots(count: int) -> str:
    return f"{count} snapshot{'' if count == 1 else 's'}"


def _plan_table(plan: PrunePlan) -> str:
    from pyodk.cli.output import cell, format_rows

    header = ["Action", "Id", "Name", "CreationDate", "Reason"]
    rows = [
        [
            action,
            cell(d.snapshot.id),
            cell(d.snapshot.name),
            cell(d.snapshot.creation_date),
            d.reason,
        ]
        for action, decisions in (("keep", plan.keep), ("delete", plan.delete))
        for d in decisions
    ]
    return f"instance {plan.instance_id}: keep the {plan.keep_newest} newest\n" + format_rows(
        [header, *rows]
    )


def _plan_json(plan: PrunePlan) -> dict[str, Any]:
    """The plan for scripts: PascalCase keys like the API's, each snapshot as the API gives it."""
    from pyodk.cli.session import one_line

    errors = {id(decision): one_line(error) for decision, error in plan.failed}
    skips = {id(decision): why for decision, why in plan.skipped}
    deleted = {id(decision) for decision in plan.deleted}

    def deletion(decision: PruneDecision) -> dict[str, Any]:
        return {
            "Snapshot": decision.snapshot,
            "Reason": decision.reason,
            "Deleted": id(decision) in deleted,
            "Error": errors.get(id(decision)),
            "Skipped": skips.get(id(decision)),
        }

    return {
        "InstanceId": plan.instance_id,
        "KeepNewest": plan.keep_newest,
        "DryRun": not plan.executed,
        "Keep": [{"Snapshot": d.snapshot, "Reason": d.reason} for d in plan.keep],
        "Delete": [deletion(d) for d in plan.delete],
    }


def _build_ticket_wait(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ticket_id", type=integer, metavar="ID", help="Ticket id")
    add_wait_options(parser, with_flag=False)
    parser.set_defaults(run=_run_ticket_wait, option_names={"ticket_or_id": "ID", "id": "ID"})


def _run_ticket_wait(args: argparse.Namespace, session: Session) -> int:
    from pyodk.waiters import wait_for_ticket

    wait = wait_options(args, session.progress)
    session.show(wait_for_ticket(session.client, args.ticket_id, **wait))
    return 0


_NAME_OPTIONS = {"name": "--name", "description": "--description"}


def _add_name_options(parser: argparse.ArgumentParser, *, name_required: bool) -> None:
    parser.add_argument(
        "--name",
        required=name_required,
        type=unicode_text,
        metavar="NAME",
        help="1 to 500 characters, none of / \\ | < > %%",
    )
    parser.add_argument(
        "--description",
        type=unicode_text,
        metavar="TEXT",
        help="any text without / (default: none)",
    )


_SNAPSHOT_JOBS: dict[str, tuple[str, Build]] = {
    "list": ("list snapshots, every page, oldest first", _build_list),
    "create": ("snapshot an instance", _build_create),
    "rename": ("rename a snapshot, keeping its description unless given", _build_rename),
    "restore": (
        "restore an instance to one of its snapshots",
        _snapshot_ticket_job("snapshots_restore", "restore_snapshot_and_wait"),
    ),
    "delete": (
        "delete a snapshot",
        _snapshot_ticket_job("snapshots_delete", "delete_snapshot_and_wait"),
    ),
    "prune": ("delete an instance's older snapshots, keeping the N newest", _build_prune),
}

_TICKET_JOBS: dict[str, tuple[str, Build]] = {
    "wait": ("follow a ticket until its work is done", _build_ticket_wait),
}

_PRUNE_RULES = """\
prune keeps the N newest user snapshots of the instance by creation date, and never deletes the
current snapshot or a system snapshot (system snapshots do not count towards N), nor one it cannot
tell is neither. Without --yes it prints its plan and deletes nothing. With --yes it deletes the
others oldest first, one at a time, each followed to its end and looked at again just before, so
that one made current meanwhile is skipped; a refusal is reported and the rest go on, and the exit
status is 1 if any deletion failed.
"""

_TICKET_NOTE = """\
--wait follows the ticket: a progress bar on a terminal, `ticket 880001: 40%` lines otherwise,
on stderr; the exit status is 1 if the ticket fails or the wait times out. Interrupted, the work
goes on at Oktawave and `pyodk ticket wait ID` follows it again.
"""


def _group(description: str, jobs: dict[str, tuple[str, Build]]) -> Filler:
    def fill(tree: CommandTree, parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        parser.description = description
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        commands = tree.add_commands(parser, "subcommand", "JOB")
        for name, (help_text, build) in jobs.items():
            tree.add_shell(commands, (*path, name), help_text, _leaf(help_text, build))

    return fill


def _leaf(help_text: str, build: Build) -> Filler:
    def fill(tree: CommandTree, parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        parser.description = help_text[0].upper() + help_text[1:] + "."
        if path[-1] == "prune":
            parser.description += "\n\n" + _PRUNE_RULES
            parser.formatter_class = argparse.RawDescriptionHelpFormatter
        build(parser)
        add_common_options(parser)
        parser.set_defaults(command_parser=parser)

    return fill


#: The job commands: (name, help in `pyodk --help`, what fills them in).
GROUPS: list[tuple[str, str, Filler]] = [
    (
        "snapshot",
        "jobs: list, create, rename, restore, delete and prune snapshots",
        _group("Snapshot jobs.\n\n" + _TICKET_NOTE + "\n" + _PRUNE_RULES, _SNAPSHOT_JOBS),
    ),
    ("ticket", "jobs: wait for a ticket", _group("Ticket jobs.\n\n" + _TICKET_NOTE, _TICKET_JOBS)),
]
