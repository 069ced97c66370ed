"""wait_for_ticket and the *_and_wait operations, against the fake server on a shared manual clock.

The fake's tickets progress with the same clock the waiter sleeps on, so every test runs in no real
time and sees exact, repeatable progress values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

import pytest
from fake_http import ManualClock, RawApi

import pyodk
import pyodk.waiters
from pyodk.testing import FakeOktawaveServer

TICKET_SECONDS = 10.0


@dataclass
class Env:
    server: FakeOktawaveServer
    clock: ManualClock
    snapshots: pyodk.OCISnapshotsApi
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.advance(seconds)

    @property
    def client(self) -> pyodk.ApiClient:
        return self.snapshots.api_client

    def ticket_polls(self) -> int:
        return sum(
            r.method == "GET" and r.path.startswith("/services/tickets/")
            for r in self.server.requests
        )


@pytest.fixture
def env() -> Iterator[Env]:
    clock = ManualClock()
    with FakeOktawaveServer(ticket_duration=TICKET_SECONDS, clock=clock) as server:
        configuration = pyodk.Configuration.from_env(server.environ())
        # No retries inside the client: each injected fault then costs exactly one poll.
        configuration.retries = pyodk.RetryPolicy(0)
        with pyodk.ApiClient(configuration) as client:
            yield Env(server, clock, pyodk.OCISnapshotsApi(client))


def start_snapshot(env: Env, name: str = "waited-for") -> pyodk.Ticket:
    command = pyodk.CreateUpdateSnapshotCommand(name=name, description="by test_waiters")
    return env.snapshots.instances_post_snapshot(56, command)


# ------------------------------------------------------------------ wait_for_ticket


def test_success_reports_each_progress_once_and_backs_off_gently(env: Env) -> None:
    seen: list[tuple[int | None, int | None]] = []
    ticket = start_snapshot(env)

    done = pyodk.wait_for_ticket(
        env.client,
        ticket,
        on_progress=lambda t: seen.append((t.progress, t.status.id if t.status else None)),
        clock=env.clock,
        sleep=env.sleep,
    )

    assert done.succeeded and done.end_date is not None and done.id == ticket.id
    # 1, 1.5, 2.25, ... seconds: progress at 10%, 25%, 47%, 81%, then finished.
    assert env.sleeps == [1.0, 1.5, 2.25, 3.375, 5.0625]
    assert seen == [(0, 134), (10, 135), (25, 135), (47, 135), (81, 135), (100, 136)]
    assert env.ticket_polls() == 5


def test_the_interval_stops_growing_at_its_ceiling(env: Env) -> None:
    pyodk.wait_for_ticket(
        env.client,
        start_snapshot(env),
        poll_interval=3,
        max_poll_interval=4,
        clock=env.clock,
        sleep=env.sleep,
    )
    assert env.sleeps == [3, 4, 4]


def test_progress_callback_only_when_progress_changes(env: Env) -> None:
    seen: list[int] = []
    pyodk.wait_for_ticket(
        env.client,
        start_snapshot(env),
        poll_interval=0.05,
        max_poll_interval=0.05,
        on_progress=lambda t: seen.append(t.progress if t.progress is not None else -1),
        clock=env.clock,
        sleep=env.sleep,
    )
    # Progress moves one point per 0.1 s: every other poll repeats the one before.
    assert env.ticket_polls() >= 195
    assert seen == sorted(set(seen)) and seen[0] == 0 and seen[-1] == 100
    assert len(seen) <= 102


def test_a_zero_poll_interval_polls_at_once_then_backs_off(env: Env) -> None:
    def sleep(seconds: float) -> None:
        env.sleep(seconds)
        if len(env.sleeps) > 50:
            raise AssertionError(f"polling back to back: {env.sleeps[:10]} ...")

    done = pyodk.wait_for_ticket(
        env.client, start_snapshot(env), poll_interval=0, clock=env.clock, sleep=sleep
    )

    assert done.succeeded
    assert env.sleeps[:3] == pytest.approx([0.0, 0.1, 0.15])
    assert all(later > earlier for earlier, later in pairwise(env.sleeps[1:]))


def test_a_ticket_id_is_polled_at_once(env: Env) -> None:
    ticket = start_snapshot(env)
    env.clock.advance(TICKET_SECONDS)

    assert ticket.id is not None
    done = pyodk.wait_for_ticket(env.snapshots, ticket.id, clock=env.clock, sleep=env.sleep)

    assert done.succeeded
    assert env.sleeps == [0.0]


def test_status_137_raises_ticket_failed_with_the_ticket(env: Env) -> None:
    env.server.fail_next_operations(1)
    ticket = start_snapshot(env, "doomed")
    before = env.server.snapshot_ids(56)

    with pytest.raises(pyodk.TicketFailedError) as caught:
        pyodk.wait_for_ticket(env.client, ticket, clock=env.clock, sleep=env.sleep)

    error = caught.value
    assert isinstance(error, pyodk.TicketError) and isinstance(error, pyodk.PyodkError)
    assert error.ticket is not None and error.ticket.id == ticket.id
    assert error.ticket.status is not None and error.ticket.status.id == 137
    assert f"ticket {ticket.id}" in str(error) and "Status 137" in str(error)
    assert env.server.snapshot_ids(56) == before


def test_timeout_raises_with_the_last_ticket_after_a_last_poll_at_the_deadline(env: Env) -> None:
    env.server.ticket_duration = 100.0
    ticket = start_snapshot(env)
    started = env.clock.now

    with pytest.raises(pyodk.TicketTimeoutError) as caught:
        pyodk.wait_for_ticket(env.client, ticket, timeout=5, clock=env.clock, sleep=env.sleep)

    assert isinstance(caught.value, pyodk.TicketError)
    last = caught.value.ticket
    assert last is not None and not last.is_finished and last.progress == 5
    assert env.clock.now - started == pytest.approx(5.0)
    assert env.sleeps[-1] == pytest.approx(5.0 - sum(env.sleeps[:-1]))
    assert "had not finished after 5 s (5%)" in str(caught.value)


def test_flaky_polls_are_tolerated_up_to_the_limit(env: Env) -> None:
    ticket = start_snapshot(env)
    env.server.inject("status", count=3, method="GET", path="/services/tickets", status=503)
    env.server.inject("drop", count=2, method="GET", path="/services/tickets")

    done = pyodk.wait_for_ticket(env.client, ticket, clock=env.clock, sleep=env.sleep)

    assert done.succeeded
    faulted = [r.fault for r in env.server.requests if r.path.startswith("/services/tickets/")]
    assert faulted[:5] == ["status"] * 3 + ["drop"] * 2
    assert faulted[5:] and all(f is None for f in faulted[5:])


def test_failures_count_only_in_a_row(env: Env) -> None:
    ticket = start_snapshot(env)
    tickets_path = f"/services/tickets/{ticket.id}"
    # Five failures, one good poll, five more failures: never more than five in a row.
    env.server.inject("status", count=5, path=tickets_path, status=502)
    reports: list[pyodk.Ticket] = []

    def fail_again_after_first_success(t: pyodk.Ticket) -> None:
        reports.append(t)
        if len(reports) == 2:  # the first, the one given; the second, the first good poll
            assert not t.is_finished
            env.server.inject("drop", count=5, path=tickets_path)

    done = pyodk.wait_for_ticket(
        env.client,
        ticket,
        poll_interval=0.1,
        on_progress=fail_again_after_first_success,
        clock=env.clock,
        sleep=env.sleep,
    )
    assert done.succeeded
    assert sum(r.fault is not None for r in env.server.requests) == 10


def test_one_failure_too_many_is_raised(env: Env) -> None:
    ticket = start_snapshot(env)
    env.server.inject("status", count=3, path="/services/tickets", status=503)

    with pytest.raises(pyodk.ServerError) as caught:
        pyodk.wait_for_ticket(
            env.client, ticket, max_poll_failures=2, clock=env.clock, sleep=env.sleep
        )
    assert caught.value.status == 503
    assert env.ticket_polls() == 3


def test_a_not_found_ticket_is_not_retried(env: Env) -> None:
    with pytest.raises(pyodk.NotFoundError):
        pyodk.wait_for_ticket(env.client, 999999, clock=env.clock, sleep=env.sleep)
    assert env.ticket_polls() == 1


def test_retry_after_on_429_is_honoured(env: Env) -> None:
    ticket = start_snapshot(env)
    env.server.inject("status", path="/services/tickets", status=429, retry_after=7)

    pyodk.wait_for_ticket(env.client, ticket, clock=env.clock, sleep=env.sleep)

    assert env.sleeps[:2] == [1.0, 7.0]


def test_bad_arguments_are_refused_before_any_request(env: Env) -> None:
    with pytest.raises(TypeError, match="Ticket or a ticket id"):
        pyodk.wait_for_ticket(env.client, "880001")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ApiClient"):
        pyodk.wait_for_ticket(object(), 880001)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        pyodk.wait_for_ticket(env.client, 880001, timeout=-1)
    assert env.server.requests == []


# ------------------------------------------------------------------ the composite operations


def test_create_and_wait_with_default_one_second_tickets_takes_one_poll() -> None:
    clock = ManualClock()
    with FakeOktawaveServer(clock=clock) as server:  # the fake's default: tickets take 1 s
        configuration = pyodk.Configuration.from_env(server.environ())
        with pyodk.ApiClient(configuration) as client:
            api = pyodk.OCISnapshotsApi(client)
            snapshot = pyodk.create_snapshot_and_wait(api, 56, "quick", sleep=clock.advance)
    assert snapshot.name == "quick" and snapshot.is_current
    assert [(r.method, r.path) for r in server.requests] == [
        ("GET", "/services/snapshots"),
        ("POST", "/services/instances/56/snapshots"),
        ("GET", "/services/tickets/880001"),
        ("GET", "/services/snapshots"),
    ]
    listing = server.requests[0].query
    assert listing["instanceId"] == ["56"] and listing["pageNumber"] == ["1"]
    # One public constant, for every listing of an instance's snapshots (the CLI's too).
    assert "LISTING_PAGE_SIZE" in pyodk.waiters.__all__
    assert listing["pageSize"] == [str(pyodk.waiters.LISTING_PAGE_SIZE)] == ["500"]


def test_create_and_wait_finds_the_new_snapshot_among_namesakes(env: Env) -> None:
    for instance in (56, 57):
        env.server.add_snapshot(instance, "nightly", "by test_waiters")
    previous = env.server.current_snapshot_id(56)
    command = pyodk.CreateUpdateSnapshotCommand(name="nightly", description="by test_waiters")

    snapshot = pyodk.create_snapshot_and_wait(
        env.snapshots, 56, command, clock=env.clock, sleep=env.sleep
    )

    assert snapshot.id == env.server.current_snapshot_id(56) and snapshot.id != previous
    assert snapshot.snapshot_parent is not None and snapshot.snapshot_parent.id == previous
    assert (snapshot.name, snapshot.description) == ("nightly", "by test_waiters")


def test_create_and_wait_prefers_the_child_of_the_previous_current(env: Env) -> None:
    """Someone else makes a namesake during the wait; theirs ends later, on top of ours."""
    previous = env.server.current_snapshot_id(56)
    other = RawApi(env.server)
    command = {"Name": "release", "Description": "Snapshot description"}

    def someone_else_starts_one(ticket: pyodk.Ticket) -> None:
        if ticket.progress == 0:
            env.clock.advance(0.5)
            assert other.call("POST", "/instances/56/snapshots", command).status == 200

    try:
        snapshot = pyodk.create_snapshot_and_wait(
            env.snapshots,
            56,
            "release",
            on_progress=someone_else_starts_one,
            clock=env.clock,
            sleep=env.sleep,
        )
        env.clock.advance(TICKET_SECONDS)
        theirs = [
            s
            for s in env.snapshots.instances_get_snapshots(56).items or []
            if s.name == "release" and s.id != snapshot.id
        ]
    finally:
        other.close()

    assert snapshot.snapshot_parent is not None and snapshot.snapshot_parent.id == previous
    assert len(theirs) == 1 and theirs[0].snapshot_parent is not None
    assert theirs[0].snapshot_parent.id == snapshot.id


def test_create_and_wait_raises_when_the_snapshot_vanishes(env: Env) -> None:
    def rename_it_as_soon_as_it_exists(ticket: pyodk.Ticket) -> None:
        if ticket.is_finished:
            newest = env.server.current_snapshot_id(56)
            assert newest is not None
            renamed = pyodk.CreateUpdateSnapshotCommand(name="renamed meanwhile")
            env.snapshots.snapshots_put(newest, renamed)

    with pytest.raises(pyodk.TicketError, match="no new snapshot named 'mine'") as caught:
        pyodk.create_snapshot_and_wait(
            env.snapshots,
            56,
            "mine",
            on_progress=rename_it_as_soon_as_it_exists,
            clock=env.clock,
            sleep=env.sleep,
        )
    assert caught.value.ticket is not None and caught.value.ticket.succeeded


def test_create_and_wait_failure_is_ticket_failed(env: Env) -> None:
    env.server.fail_next_operations(1, method="POST")
    with pytest.raises(pyodk.TicketFailedError):
        pyodk.create_snapshot_and_wait(env.snapshots, 56, clock=env.clock, sleep=env.sleep)


def test_restore_and_wait_makes_the_snapshot_current(env: Env) -> None:
    target = next(i for i in env.server.snapshot_ids(56) if i != env.server.current_snapshot_id(56))

    ticket = pyodk.restore_snapshot_and_wait(
        env.snapshots, target, clock=env.clock, sleep=env.sleep
    )

    assert ticket.succeeded and ticket.object_id == target
    assert env.server.current_snapshot_id(56) == target


def test_delete_and_wait_removes_it_and_failure_keeps_it(env: Env) -> None:
    doomed, survivor = env.server.snapshot_ids(56)[-2:]

    ticket = pyodk.delete_snapshot_and_wait(env.snapshots, doomed, clock=env.clock, sleep=env.sleep)
    assert ticket.succeeded and doomed not in env.server.snapshot_ids(56)

    env.server.fail_next_operations(1, method="DELETE")
    with pytest.raises(pyodk.TicketFailedError) as caught:
        pyodk.delete_snapshot_and_wait(env.snapshots, survivor, clock=env.clock, sleep=env.sleep)
    assert caught.value.ticket is not None and caught.value.ticket.object_id == survivor
    assert survivor in env.server.snapshot_ids(56)


def test_a_stalled_poll_cannot_overrun_the_wait_by_a_whole_read_timeout() -> None:
    """Real time: client read timeout 10 s, wait 0.5 s: a poll's call is cut to 1 s, not 10."""
    import time

    with FakeOktawaveServer(ticket_duration=60) as server:
        configuration = pyodk.Configuration.from_env(server.environ())
        configuration.read_timeout = 10.0
        configuration.retries = 0
        with pyodk.ApiClient(configuration) as client:
            ticket = pyodk.OCISnapshotsApi(client).instances_post_snapshot(
                56, pyodk.CreateUpdateSnapshotCommand(name="slow")
            )
            server.inject("stall", count=5, method="GET", path="/services/tickets", seconds=3.0)
            started = time.monotonic()
            with pytest.raises(pyodk.TicketTimeoutError):
                pyodk.wait_for_ticket(client, ticket.id, timeout=0.5)
            elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 2.5  # one poll, its deadline cut to the 1 s minimum; not 10 s


# ------------------------------------------------------------------ wait options, checked first

#: (option, bad value, the class it is refused with): every WaitOptions value.
BAD_WAIT_OPTIONS = [
    ("timeout", "60", pyodk.ApiTypeError),
    ("timeout", None, pyodk.ApiTypeError),
    ("timeout", True, pyodk.ApiTypeError),
    ("timeout", -1, pyodk.ApiValueError),
    ("timeout", float("nan"), pyodk.ApiValueError),
    ("timeout", float("inf"), pyodk.ApiValueError),
    ("poll_interval", None, pyodk.ApiTypeError),
    ("poll_interval", -0.5, pyodk.ApiValueError),
    ("max_poll_interval", "10", pyodk.ApiTypeError),
    ("max_poll_interval", -1, pyodk.ApiValueError),
    ("max_poll_failures", "3", pyodk.ApiTypeError),
    ("max_poll_failures", 2.5, pyodk.ApiTypeError),
    ("max_poll_failures", False, pyodk.ApiTypeError),
    ("max_poll_failures", -1, pyodk.ApiValueError),
    ("on_progress", 5, pyodk.ApiTypeError),
    ("clock", 1000.0, pyodk.ApiTypeError),
    ("sleep", "sleep", pyodk.ApiTypeError),
]


def _waiting_calls(env: Env) -> dict[str, Callable[..., object]]:
    """Each waiter, with valid arguments but for the wait options given to it (on the manual
    clock, unless told otherwise: a check that is missing then fails the test, never hangs it)."""

    def on_manual_time(wait: dict[str, object]) -> dict[str, object]:
        return {"clock": env.clock, "sleep": env.sleep, **wait}

    return {
        "wait_for_ticket": lambda **wait: pyodk.wait_for_ticket(
            env.client, 880001, **on_manual_time(wait)
        ),
        "create_snapshot_and_wait": lambda **wait: pyodk.create_snapshot_and_wait(
            env.snapshots, 56, "checked first", **on_manual_time(wait)
        ),
        "restore_snapshot_and_wait": lambda **wait: pyodk.restore_snapshot_and_wait(
            env.snapshots, 5001, **on_manual_time(wait)
        ),
        "delete_snapshot_and_wait": lambda **wait: pyodk.delete_snapshot_and_wait(
            env.snapshots, 5003, **on_manual_time(wait)
        ),
    }


WAITERS = [
    "wait_for_ticket",
    "create_snapshot_and_wait",
    "restore_snapshot_and_wait",
    "delete_snapshot_and_wait",
]


@pytest.mark.parametrize("waiter", WAITERS)
@pytest.mark.parametrize(("option", "value", "refused_as"), BAD_WAIT_OPTIONS)
def test_every_wait_option_is_checked_before_any_request(
    env: Env, waiter: str, option: str, value: object, refused_as: type[Exception]
) -> None:
    before = env.server.state_dump()

    with pytest.raises(refused_as, match=rf"^{waiter}\(\): `{option}` must be") as caught:
        _waiting_calls(env)[waiter](**{option: value})

    assert isinstance(caught.value, TypeError if refused_as is pyodk.ApiTypeError else ValueError)
    assert env.server.requests == []
    assert env.server.state_dump() == before


@pytest.mark.parametrize("waiter", WAITERS[1:])
def test_an_unknown_wait_option_is_refused_before_any_request(env: Env, waiter: str) -> None:
    with pytest.raises(pyodk.ApiTypeError, match=rf"^{waiter}\(\): unknown wait option 'timout'"):
        _waiting_calls(env)[waiter](timout=60)
    assert env.server.requests == []


def test_good_values_of_every_wait_option_are_taken(env: Env) -> None:
    seen: list[int | None] = []
    options: pyodk.waiters.WaitOptions = {
        "timeout": 60,
        "poll_interval": 0.5,
        "max_poll_interval": 2.5,
        "max_poll_failures": 0,
        "on_progress": lambda t: seen.append(t.progress),
        "clock": env.clock,
        "sleep": env.sleep,
    }
    assert set(options) == set(pyodk.waiters.WaitOptions.__annotations__)

    done = pyodk.delete_snapshot_and_wait(env.snapshots, 5003, **options)

    assert done.succeeded and seen[-1] == 100


def test_create_and_wait_refuses_what_is_no_command_or_api_before_any_request(env: Env) -> None:
    with pytest.raises(pyodk.ApiTypeError, match="CreateUpdateSnapshotCommand, a name or None"):
        pyodk.create_snapshot_and_wait(
            env.snapshots,
            56,
            {"Name": "x"},  # type: ignore[arg-type]
            clock=env.clock,
            sleep=env.sleep,
        )
    for waiter in (
        pyodk.create_snapshot_and_wait,
        pyodk.restore_snapshot_and_wait,
        pyodk.delete_snapshot_and_wait,
    ):
        with pytest.raises(pyodk.ApiTypeError, match="expected an OCISnapshotsApi, got TicketsApi"):
            waiter(pyodk.TicketsApi(env.client), 5001, clock=env.clock, sleep=env.sleep)  # type: ignore[arg-type]
    assert env.server.requests == []


# ------------------------------------------------------------------ a started operation's answer


@pytest.mark.parametrize(
    ("body", "what"), [(b"null", "null"), (b'{"Progress": 0}', "a Ticket without an Id")]
)
@pytest.mark.parametrize(
    ("waiter", "operation", "method"),
    [
        ("create_snapshot_and_wait", "instances_post_snapshot", "POST"),
        ("restore_snapshot_and_wait", "snapshots_restore", "POST"),
        ("delete_snapshot_and_wait", "snapshots_delete", "DELETE"),
    ],
)
def test_an_answer_with_no_ticket_to_follow_is_a_ticket_error_not_a_refusal(
    env: Env, waiter: str, operation: str, method: str, body: bytes, what: str
) -> None:
    """The request was sent: this is no bad argument (a command line's exit 2), but a broken
    answer to an operation that may be going on."""
    env.server.inject("status", status=200, body=body, method=method)

    with pytest.raises(pyodk.TicketError) as caught:
        _waiting_calls(env)[waiter]()

    assert not isinstance(caught.value, (TypeError, ValueError))
    assert str(caught.value).startswith(f"{operation} answered {what}")
    assert "may be going on" in str(caught.value)
    assert env.ticket_polls() == 0
