"""Deleting an instance's old snapshots safely: ``prune_snapshots`` and the plan it returns.

The rules, which the command line's ``pyodk snapshot prune`` shares:

- The snapshots that count are the instance's user snapshots; system snapshots (made by Oktawave,
  such as base images and automatic backups) are never deleted and do not count.
- Of those, the ``keep`` newest by CreationDate are kept (ties: the higher id is newer).
- The current snapshot is never deleted, even when it is older than those.
- Only what is known is acted on: a snapshot whose IsSystem or IsCurrent is not given (a
  ``fields`` filter, a terse server) may be a system or the current snapshot, so it is kept; one
  without a CreationDate or an id cannot be placed, so it is kept. A CreationDate without an
  offset (only a Configuration with ``assumed_timezone=None`` leaves one so) is compared with
  others like it, and kept when the rest have offsets, since no time zone is made up for it.
- Everything else is deleted, oldest first, one at a time, each deletion followed to its end,
  because Oktawave works on one operation of an instance at a time. A refusal or a failed ticket
  is recorded and the rest go on.
- Just before each deletion the snapshot is fetched again, since the plan may be old by then (a
  restore makes an old snapshot current): one that is gone, or that the rules above would now
  keep, is skipped, with the reason recorded.

With ``dry_run=True`` (the default) nothing is deleted: the plan alone comes back, so that a script
can show it and check it, then carry out that plan with ``plan.execute(api)``. The plan is made
from one listing: a snapshot made after it is not considered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyodk.exceptions import (
    ApiException,
    ApiTypeError,
    ApiValueError,
    NotFoundError,
    PyodkError,
    ResponseDecodeError,
    TicketError,
)

if TYPE_CHECKING:
    # typing.Unpack is 3.11+; type checkers know typing_extensions without it being installed.
    from typing_extensions import Unpack

    from pyodk.api.oci_snapshots_api import OCISnapshotsApi
    from pyodk.models.snapshot import Snapshot
    from pyodk.waiters import WaitOptions

__all__ = ["PruneDecision", "PrunePlan", "plan_prune", "prune_snapshots"]


@dataclass(frozen=True)
class PruneDecision:
    """What the plan does with one snapshot, and why (``reason``, e.g. "one of the 3 newest")."""

    snapshot: Snapshot
    reason: str


#: Called after each deletion with its decision and the error that stopped it (None: deleted).
OutcomeCallback = Callable[[PruneDecision, PyodkError | None], None]


@dataclass
class PrunePlan:
    """Which snapshots of an instance are kept and which deleted; after a run, what happened.

    ``keep`` and ``delete`` hold every snapshot of the instance, each once. Once ``execute`` has
    run (``executed``), each decision of ``delete`` is in ``deleted``, in ``failed`` (with the
    error that stopped it), or in ``skipped`` (with the reason: the snapshot was gone, or had
    become one the rules keep, by the time of its deletion).
    """

    instance_id: int
    keep_newest: int
    keep: list[PruneDecision]
    delete: list[PruneDecision]
    executed: bool = False
    deleted: list[PruneDecision] = field(default_factory=list)
    failed: list[tuple[PruneDecision, PyodkError]] = field(default_factory=list)
    skipped: list[tuple[PruneDecision, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True unless a deletion failed (a skip is the rules at work, not a failure)."""
        return not self.failed

    def execute(
        self,
        api: OCISnapshotsApi,
        *,
        on_outcome: OutcomeCallback | None = None,
        **wait: Unpack[WaitOptions],
    ) -> PrunePlan:
        """Delete the snapshots of ``delete``, oldest first, each followed to its end; return self.

        Each snapshot is fetched again first: one gone, or now current or a system snapshot (or
        not known not to be), is recorded in ``skipped`` and left alone. A refusal (an
        ApiException such as ConflictError, for the deletion or that fetch) or a failed or
        timed-out ticket is recorded in ``failed`` and the next deletion goes on; nothing is
        raised for it.

        :param on_outcome: called after each deletion tried with its decision and the error that
            stopped it, or None when the snapshot was deleted (not for a skipped one).
        :param wait: ``timeout`` (for each deletion), ``poll_interval``, ``on_progress``, ...: as
            for ``wait_for_ticket``.
        :raises ApiValueError: the plan was carried out already.
        """
        from pyodk.waiters import delete_snapshot_and_wait

        if self.executed:
            raise ApiValueError(f"the plan for instance {self.instance_id} was carried out already")
        self.executed = True
        for decision in self.delete:
            snapshot_id = decision.snapshot.id
            assert snapshot_id is not None  # plan_prune keeps snapshots without one
            error: PyodkError | None = None
            try:
                skip = _why_skip_now(api, snapshot_id)
                if skip is not None:
                    self.skipped.append((decision, skip))
                    continue
                delete_snapshot_and_wait(api, snapshot_id, **wait)
            except (ApiException, TicketError) as refused:
                error = refused
                self.failed.append((decision, refused))
            else:
                self.deleted.append(decision)
            if on_outcome is not None:
                on_outcome(decision, error)
        return self


def _why_skip_now(api: OCISnapshotsApi, snapshot_id: int) -> str | None:
    """Why a snapshot planned for deletion must be left alone now; None to delete it.

    A look as late as can be: between the plan and this deletion, a restore may have made the
    snapshot current, or someone may have deleted it.

    :raises ApiException: the look itself failed.
    """
    try:
        now = api.snapshots_get_0(snapshot_id)
    except NotFoundError:
        return "gone by the time of its deletion"
    if now is None:
        raise ResponseDecodeError(
            reason=f"snapshots_get_0 answered null for snapshot {snapshot_id}, so it was not "
            "deleted: whether it had become current could not be told"
        )
    reason = _system_reason(now) or _current_reason(now)
    return None if reason is None else f"{reason} by the time of its deletion (not deleted)"


def plan_prune(
    snapshots: Iterable[Snapshot], keep: int
) -> tuple[list[PruneDecision], list[PruneDecision]]:
    """``(keep, delete)``: the rules of this module applied to an instance's snapshots.

    Pure: no request is made. ``keep`` lists the snapshots that cannot be placed, then the kept
    ones newest first, then the system snapshots; ``delete`` lists the others oldest first, the
    order they are deleted in.
    """
    _check_keep(keep)
    kept: list[PruneDecision] = []
    system: list[PruneDecision] = []
    dated: list[Snapshot] = []
    for snapshot in snapshots:
        maybe_system = _system_reason(snapshot)
        if maybe_system is not None:
            system.append(PruneDecision(snapshot, f"{maybe_system} (never deleted)"))
        elif snapshot.creation_date is None or snapshot.id is None:
            kept.append(PruneDecision(snapshot, "no creation date or id (never deleted)"))
        else:
            dated.append(snapshot)
    if any(_naive(s) for s in dated) and not all(_naive(s) for s in dated):
        reason = "creation date without an offset among ones with (never deleted)"
        kept += [PruneDecision(s, reason) for s in dated if _naive(s)]
        dated = [s for s in dated if not _naive(s)]
    # Newest first; of two made at the same moment, the higher id is the newer.
    dated.sort(key=lambda s: (s.creation_date, s.id), reverse=True)
    delete: list[PruneDecision] = []
    for rank, snapshot in enumerate(dated):
        maybe_current = _current_reason(snapshot)
        if rank < keep:
            kept.append(PruneDecision(snapshot, f"one of the {keep} newest"))
        elif maybe_current is not None:
            kept.append(PruneDecision(snapshot, f"{maybe_current} (never deleted)"))
        else:
            delete.append(PruneDecision(snapshot, f"older than the {keep} newest"))
    delete.reverse()
    return kept + system, delete


def _system_reason(snapshot: Snapshot) -> str | None:
    """Why the snapshot may be a system snapshot; None when it is known to be a user's."""
    if snapshot.is_system is False:
        return None
    return "system snapshot" if snapshot.is_system else "IsSystem unknown: may be a system snapshot"


def _current_reason(snapshot: Snapshot) -> str | None:
    """Why the snapshot may be the current one; None when it is known not to be."""
    if snapshot.is_current is False:
        return None
    if snapshot.is_current:
        return "current snapshot"
    return "IsCurrent unknown: may be the current snapshot"


def _naive(snapshot: Snapshot) -> bool:
    return snapshot.creation_date is not None and snapshot.creation_date.tzinfo is None


def prune_snapshots(
    api: OCISnapshotsApi,
    instance_id: int,
    keep: int,
    dry_run: bool = True,
    *,
    on_outcome: OutcomeCallback | None = None,
    **wait: Unpack[WaitOptions],
) -> PrunePlan:
    """Keep an instance's ``keep`` newest user snapshots and delete the rest (see the module doc).

    >>> plan = pyodk.prune_snapshots(api, 56, keep=3)   # a dry run: nothing is deleted
    >>> for decision in plan.delete:
    ...     print(decision.snapshot.id, decision.reason)
    >>> plan.execute(api)                               # deletes what was shown, if still safe

    :param OCISnapshotsApi api: the API object to call.
    :param int instance_id: Instance id (required)
    :param int keep: how many of the newest user snapshots to keep, 0 or more.
    :param bool dry_run: True (the default) only makes the plan; False also carries it out
        (``PrunePlan.execute``).
    :param on_outcome: with ``dry_run=False``, as for ``PrunePlan.execute``.
    :param wait: with ``dry_run=False``, as for ``PrunePlan.execute``.
    :return: PrunePlan
    :raises ApiTypeError, ApiValueError: ``keep`` is not an int of 0 or more; nothing was sent.
    :raises ApiException: listing the instance's snapshots failed (NotFoundError: no such
        instance; ResponseDecodeError: a null where a snapshot should be); nothing was deleted.
        Failed deletions are not raised: see ``PrunePlan.failed``.
    """
    from pyodk.pagination import paginate

    _check_keep(keep)
    snapshots: list[Snapshot] = []
    # The listing of the instance itself: an unknown instance is a 404, not an empty plan.
    pages = paginate(api.instances_get_snapshots, instance_id).by_page()
    for number, page in enumerate(pages, start=1):
        for position, snapshot in enumerate(page, start=1):
            # Nothing can be said of a snapshot that is not there, not even whether it is current.
            if snapshot is None:
                raise ResponseDecodeError(
                    reason=f"instances_get_snapshots (instance {instance_id}) answered page "
                    f"{number} with a null item {position} of {len(page)} instead of a Snapshot; "
                    "nothing was deleted"
                )
        snapshots += page
    kept, delete = plan_prune(snapshots, keep)
    plan = PrunePlan(instance_id, keep, kept, delete)
    if not dry_run:
        plan.execute(api, on_outcome=on_outcome, **wait)
    return plan


def _check_keep(keep: int) -> None:
    if isinstance(keep, bool) or not isinstance(keep, int):
        raise ApiTypeError(f"`keep` must be an int, got {type(keep).__name__} {keep!r}")
    if keep < 0:
        raise ApiValueError(f"`keep` must be 0 or more, got {keep}")
