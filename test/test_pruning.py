"""prune_snapshots and its plan: which snapshots are kept and why, and deleting with refusals.

The rules are checked on models built here (``plan_prune`` makes no request); the deletions run
against the fake server on a manual clock that the waits advance, so no test waits real time.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fake_http import ManualClock

import pyodk
from pyodk.pruning import PruneDecision, plan_prune
from pyodk.testing import FakeOktawaveServer

UTC = datetime.timezone.utc
WARSAW_SUMMER = datetime.timezone(datetime.timedelta(hours=2))

# The fake's seeded instance 56 (docs/testing.md): 5001 system, 5002 and its children 5003 and
# 5004, created in that order; 5004 is current.
WEB = 56


def snapshot(
    id: int,  # noqa: A002 - the model's own name for it
    created: datetime.datetime | None,
    *,
    system: bool = False,
    current: bool = False,
) -> pyodk.Snapshot:
    return pyodk.Snapshot(
        id=id, name=f"s{id}", creation_date=created, is_system=system, is_current=current
    )


def at(day: int, hour: int = 12, tz: datetime.tzinfo | None = UTC) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=tz)


def ids(decisions: list[PruneDecision]) -> list[int | None]:
    return [d.snapshot.id for d in decisions]


# ------------------------------------------------------------------ the rules, without a server


def test_the_newest_are_kept_and_the_rest_deleted_oldest_first() -> None:
    snapshots = [snapshot(n, at(n)) for n in (3, 1, 4, 2, 5)]
    keep, delete = plan_prune(snapshots, 2)
    assert ids(keep) == [5, 4]
    assert ids(delete) == [1, 2, 3]
    assert {d.reason for d in keep} == {"one of the 2 newest"}
    assert {d.reason for d in delete} == {"older than the 2 newest"}


def test_system_snapshots_are_never_deleted_and_do_not_count() -> None:
    snapshots = [
        snapshot(1, at(1)),
        snapshot(2, at(2)),
        snapshot(9, at(9), system=True),  # the newest of all
        snapshot(8, at(8), system=True),
    ]
    keep, delete = plan_prune(snapshots, 1)
    assert ids(keep) == [2, 9, 8]
    assert ids(delete) == [1]
    assert keep[1].reason == keep[2].reason == "system snapshot (never deleted)"


def test_the_current_snapshot_is_kept_however_old() -> None:
    snapshots = [snapshot(1, at(1), current=True), snapshot(2, at(2)), snapshot(3, at(3))]
    keep, delete = plan_prune(snapshots, 1)
    assert ids(keep) == [3, 1]
    assert keep[1].reason == "current snapshot (never deleted)"
    assert ids(delete) == [2]


def test_keep_zero_deletes_every_user_snapshot_but_the_current_one() -> None:
    snapshots = [snapshot(1, at(1)), snapshot(2, at(2), current=True), snapshot(3, at(3))]
    keep, delete = plan_prune(snapshots, 0)
    assert ids(keep) == [2]
    assert ids(delete) == [1, 3]


def test_keeping_more_than_there_are_deletes_nothing() -> None:
    keep, delete = plan_prune([snapshot(1, at(1)), snapshot(2, at(2))], 10)
    assert ids(keep) == [2, 1] and delete == []


def test_creation_dates_compare_as_moments_whatever_their_offset() -> None:
    # 14:00 in Warsaw's summer time is 12:00 UTC: earlier than 13:00 UTC, though it reads later.
    snapshots = [snapshot(1, at(5, 14, WARSAW_SUMMER)), snapshot(2, at(5, 13))]
    keep, delete = plan_prune(snapshots, 1)
    assert ids(keep) == [2] and ids(delete) == [1]


def test_naive_creation_dates_are_compared_among_themselves() -> None:
    # What a Configuration with assumed_timezone=None decodes when the API leaves the offset out:
    # no time zone is made up for them, and among themselves they compare as they read.
    snapshots = [snapshot(1, at(5, 12, tz=None)), snapshot(2, at(5, 13, tz=None))]
    keep, delete = plan_prune(snapshots, 1)
    assert ids(keep) == [2] and ids(delete) == [1]


def test_naive_creation_dates_among_aware_ones_cannot_be_placed_so_are_kept() -> None:
    # Naive 12:00 could be before or after 11:00 UTC: which is older depends on a time zone
    # that the client was told not to assume. Keeping is the safe side.
    snapshots = [
        snapshot(1, at(5, 12, tz=None)),
        snapshot(2, at(5, 13, WARSAW_SUMMER)),
        snapshot(3, at(5, 14, WARSAW_SUMMER)),
    ]
    keep, delete = plan_prune(snapshots, 1)
    assert ids(keep) == [1, 3] and ids(delete) == [2]
    assert keep[0].reason == "creation date without an offset among ones with (never deleted)"


def test_equal_creation_dates_rank_the_higher_id_as_newer() -> None:
    keep, delete = plan_prune([snapshot(7, at(1)), snapshot(8, at(1))], 1)
    assert ids(keep) == [8] and ids(delete) == [7]


def test_unknown_is_system_or_is_current_is_kept() -> None:
    # E.g. listed with a fields filter that left the flag out: None is not False.
    snapshots = [
        pyodk.Snapshot(id=1, name="s1", creation_date=at(1), is_current=False),  # no IsSystem
        pyodk.Snapshot(id=2, name="s2", creation_date=at(2), is_system=False),  # no IsCurrent
        snapshot(3, at(3)),
        snapshot(4, at(4)),
    ]
    keep, delete = plan_prune(snapshots, 1)
    # 1 may be a system snapshot: kept, and not counted among the newest user snapshots.
    assert ids(keep) == [4, 2, 1] and ids(delete) == [3]
    assert keep[1].reason == "IsCurrent unknown: may be the current snapshot (never deleted)"
    assert keep[2].reason == "IsSystem unknown: may be a system snapshot (never deleted)"


def test_a_snapshot_that_cannot_be_placed_is_kept() -> None:
    # E.g. listed with a fields filter that left CreationDate out.
    keep, delete = plan_prune([snapshot(1, None), snapshot(2, at(2)), snapshot(3, at(3))], 1)
    assert ids(keep) == [1, 3]
    assert keep[0].reason == "no creation date or id (never deleted)"
    assert ids(delete) == [2]


@pytest.mark.parametrize(
    ("keep", "error"),
    [(-1, pyodk.ApiValueError), (True, pyodk.ApiTypeError), ("3", pyodk.ApiTypeError)],
)
def test_a_bad_keep_is_refused_before_anything_is_sent(
    keep: object, error: type[Exception], fake_oktawave: FakeOktawaveServer
) -> None:
    configuration = pyodk.Configuration.from_env(fake_oktawave.environ())
    with pyodk.ApiClient(configuration) as client, pytest.raises(error, match="keep"):
        pyodk.prune_snapshots(pyodk.OCISnapshotsApi(client), WEB, keep)  # type: ignore[arg-type]
    assert fake_oktawave.requests == []


# ------------------------------------------------------------------ against the fake server


@dataclass
class Env:
    server: FakeOktawaveServer
    clock: ManualClock
    api: pyodk.OCISnapshotsApi

    def wait(self) -> dict[str, object]:
        """The wait options that move the fake's clock instead of sleeping."""
        return {"clock": self.clock, "sleep": self.clock.advance}

    def deletions(self) -> list[str]:
        return [r.path for r in self.server.requests if r.method == "DELETE"]


@pytest.fixture
def env() -> Iterator[Env]:
    clock = ManualClock()
    with FakeOktawaveServer(ticket_duration=5, clock=clock) as server:
        configuration = pyodk.Configuration.from_env(server.environ())
        configuration.retries = pyodk.RetryPolicy(0)
        with pyodk.ApiClient(configuration) as client:
            yield Env(server, clock, pyodk.OCISnapshotsApi(client))


def test_a_dry_run_returns_the_plan_and_deletes_nothing(env: Env) -> None:
    before = env.server.snapshot_ids(WEB)
    plan = pyodk.prune_snapshots(env.api, WEB, 1)
    assert isinstance(plan, pyodk.PrunePlan)
    assert (plan.instance_id, plan.keep_newest, plan.executed) == (WEB, 1, False)
    assert ids(plan.keep) == [5004, 5001]
    assert ids(plan.delete) == [5002, 5003]
    assert plan.deleted == [] and plan.failed == [] and plan.ok
    assert env.server.snapshot_ids(WEB) == before
    assert env.deletions() == []


def test_executing_the_plan_deletes_exactly_what_it_shows(env: Env) -> None:
    plan = pyodk.prune_snapshots(env.api, WEB, 1)
    outcomes: list[tuple[int | None, object]] = []
    returned = plan.execute(
        env.api, on_outcome=lambda d, error: outcomes.append((d.snapshot.id, error)), **env.wait()
    )
    assert returned is plan and plan.executed and plan.ok
    assert ids(plan.deleted) == [5002, 5003]
    assert outcomes == [(5002, None), (5003, None)]
    assert env.deletions() == ["/services/snapshots/5002", "/services/snapshots/5003"]
    assert env.server.snapshot_ids(WEB) == [5001, 5004]


def test_dry_run_false_plans_and_deletes_in_one_call(env: Env) -> None:
    plan = pyodk.prune_snapshots(env.api, WEB, 2, dry_run=False, **env.wait())
    assert plan.executed and ids(plan.deleted) == [5002]
    assert env.server.snapshot_ids(WEB) == [5001, 5003, 5004]


def test_a_refusal_is_recorded_and_the_rest_go_on(env: Env) -> None:
    env.server.inject("status", status=409, method="DELETE", path="/services/snapshots/5002")
    plan = pyodk.prune_snapshots(env.api, WEB, 1)
    outcomes: list[tuple[int | None, object]] = []
    plan.execute(env.api, on_outcome=lambda d, e: outcomes.append((d.snapshot.id, e)), **env.wait())
    assert not plan.ok
    [(refused, error)] = plan.failed
    assert refused.snapshot.id == 5002 and isinstance(error, pyodk.ConflictError)
    assert ids(plan.deleted) == [5003]
    assert outcomes == [(5002, error), (5003, None)]
    assert env.server.snapshot_ids(WEB) == [5001, 5002, 5004]


def test_a_failed_ticket_is_recorded_and_the_rest_go_on(env: Env) -> None:
    env.server.fail_next_operations(1, method="DELETE")
    plan = pyodk.prune_snapshots(env.api, WEB, 1, dry_run=False, **env.wait())
    [(failed, error)] = plan.failed
    assert failed.snapshot.id == 5002 and isinstance(error, pyodk.TicketFailedError)
    assert ids(plan.deleted) == [5003]
    assert env.server.snapshot_ids(WEB) == [5001, 5002, 5004]


def test_the_current_snapshot_survives_a_prune_to_zero(env: Env) -> None:
    pyodk.restore_snapshot_and_wait(env.api, 5002, **env.wait())  # 5002, old, is now current
    plan = pyodk.prune_snapshots(env.api, WEB, 0, dry_run=False, **env.wait())
    assert ids(plan.keep) == [5002, 5001]
    assert ids(plan.deleted) == [5003, 5004]
    assert env.server.snapshot_ids(WEB) == [5001, 5002]
    assert env.server.current_snapshot_id(WEB) == 5002


def test_a_snapshot_that_became_current_after_the_plan_is_not_deleted(env: Env) -> None:
    plan = pyodk.prune_snapshots(env.api, WEB, 1)
    assert ids(plan.delete) == [5002, 5003]
    pyodk.restore_snapshot_and_wait(env.api, 5002, **env.wait())  # made current meanwhile
    outcomes: list[tuple[int | None, object]] = []
    plan.execute(env.api, on_outcome=lambda d, e: outcomes.append((d.snapshot.id, e)), **env.wait())
    [(skipped, why)] = plan.skipped
    assert skipped.snapshot.id == 5002
    assert why == "current snapshot by the time of its deletion (not deleted)"
    assert ids(plan.deleted) == [5003] and plan.failed == [] and plan.ok
    assert outcomes == [(5003, None)]  # called for deletions made or refused, not for skips
    assert env.deletions() == ["/services/snapshots/5003"]
    assert env.server.snapshot_ids(WEB) == [5001, 5002, 5004]


def test_a_snapshot_gone_or_changed_since_the_plan_is_skipped(env: Env) -> None:
    plan = pyodk.prune_snapshots(env.api, WEB, 1)
    pyodk.delete_snapshot_and_wait(env.api, 5002, **env.wait())  # deleted elsewhere meanwhile
    # And the fresh look at 5003 answers without IsCurrent: it may be current, so it stays.
    env.server.inject(
        "malformed",
        method="GET",
        path="/services/snapshots/5003",
        body={"Id": 5003, "IsSystem": False},
    )
    env.server.clear_requests()
    plan.execute(env.api, **env.wait())
    assert [(d.snapshot.id, why) for d, why in plan.skipped] == [
        (5002, "gone by the time of its deletion"),
        (
            5003,
            "IsCurrent unknown: may be the current snapshot by the time of its deletion "
            "(not deleted)",
        ),
    ]
    assert plan.deleted == [] and plan.ok
    assert env.deletions() == []


def test_a_fresh_look_that_fails_is_a_failed_deletion(env: Env) -> None:
    plan = pyodk.prune_snapshots(env.api, WEB, 0)
    env.server.inject("status", status=500, method="GET", path="/services/snapshots/5002")
    env.server.inject("malformed", method="GET", path="/services/snapshots/5003", body="null")
    plan.execute(env.api, **env.wait())
    [(first, error), (second, null)] = plan.failed
    assert first.snapshot.id == 5002 and isinstance(error, pyodk.ServerError)
    assert second.snapshot.id == 5003 and isinstance(null, pyodk.ResponseDecodeError)
    assert "snapshots_get_0 answered null for snapshot 5003" in str(null)
    assert plan.deleted == [] and not plan.ok
    assert env.deletions() == []


def test_a_null_item_in_the_listing_is_a_decode_error_and_nothing_is_deleted(env: Env) -> None:
    listing = {"Items": [{"Id": 5002, "IsSystem": False}, None], "Meta": {"Total": 2}}
    env.server.inject(
        "malformed", method="GET", path="/services/instances/56/snapshots", body=listing
    )
    with pytest.raises(pyodk.PyodkError) as raised:
        pyodk.prune_snapshots(env.api, WEB, 0, dry_run=False, **env.wait())
    assert isinstance(raised.value, (pyodk.ResponseDecodeError, pyodk.PaginationError))
    assert "instances_get_snapshots" in str(raised.value) and "null item" in str(raised.value)
    assert env.deletions() == []


def test_an_unknown_instance_is_an_error_not_an_empty_plan(env: Env) -> None:
    with pytest.raises(pyodk.NotFoundError):
        pyodk.prune_snapshots(env.api, 999999, 1, dry_run=False, **env.wait())
    assert env.deletions() == []


def test_a_plan_is_carried_out_once(env: Env) -> None:
    plan = pyodk.prune_snapshots(env.api, WEB, 1, dry_run=False, **env.wait())
    with pytest.raises(pyodk.ApiValueError, match="carried out already"):
        plan.execute(env.api, **env.wait())
    assert len(env.deletions()) == 2
