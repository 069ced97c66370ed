"""Virtual time: the fake's clock drives pyodk's waiters, so waiting for tickets costs no sleep."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator

import pytest

import pyodk
from pyodk.testing import FakeOktawaveServer, VirtualClock


class SleepSpy:
    """Stands in for time.sleep: records what real sleeps were asked for, and waits for none."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def real_sleeps(monkeypatch: pytest.MonkeyPatch) -> SleepSpy:
    spy = SleepSpy()
    monkeypatch.setattr(time, "sleep", spy)
    return spy


@pytest.fixture
def plain_server() -> Iterator[FakeOktawaveServer]:
    """A server started without the fixture, so without virtual time unless a test asks."""
    with FakeOktawaveServer(ticket_duration=0) as server:
        yield server


def snapshots_api(server: FakeOktawaveServer) -> pyodk.OCISnapshotsApi:
    configuration = pyodk.Configuration.from_env(server.environ())
    return pyodk.OCISnapshotsApi(pyodk.ApiClient(configuration))


# --------------------------------------------------------------------- the fixture


def test_create_wait_delete_wait_never_sleeps_with_the_default_ticket_duration(
    fake_oktawave: FakeOktawaveServer, real_sleeps: SleepSpy
) -> None:
    assert fake_oktawave.ticket_duration == 1.0
    api = snapshots_api(fake_oktawave)
    with api.api_client:
        made = pyodk.create_snapshot_and_wait(api, 56, "virtual")
        assert made.is_current and fake_oktawave.current_snapshot_id(56) == made.id
        gone = pyodk.delete_snapshot_and_wait(api, made.id)
    assert gone.status.id == 136 and made.id not in fake_oktawave.snapshot_ids()
    assert real_sleeps.calls == []
    # Each wait skipped its default first poll interval, 1 s: as long as the fake's tickets take.
    assert fake_oktawave.clock.skipped == 2.0
    polls = [r for r in fake_oktawave.requests if r.path.startswith("/services/tickets/")]
    assert [r.response_json["Status"]["Id"] for r in polls] == [136, 136]


@pytest.mark.fake_oktawave(ticket_duration=3600)
def test_an_hour_long_ticket_is_waited_for_in_no_real_time(
    fake_oktawave: FakeOktawaveServer, real_sleeps: SleepSpy
) -> None:
    api = snapshots_api(fake_oktawave)
    seen: list[int] = []
    with api.api_client:
        ticket = api.instances_post_snapshot(56, pyodk.CreateUpdateSnapshotCommand(name="slow"))
        done = pyodk.wait_for_ticket(
            api, ticket, timeout=7200, on_progress=lambda t: seen.append(t.progress)
        )
    assert done.progress == 100 and seen[0] == 0 and seen == sorted(seen) and len(seen) > 3
    assert real_sleeps.calls == []
    assert 3600 <= fake_oktawave.clock.skipped <= 3600 + 10


@pytest.mark.fake_oktawave(ticket_duration=10_000)
def test_a_timeout_is_reached_in_virtual_time(
    fake_oktawave: FakeOktawaveServer, real_sleeps: SleepSpy
) -> None:
    api = snapshots_api(fake_oktawave)
    with api.api_client:
        ticket = api.snapshots_restore(5003)
        with pytest.raises(pyodk.TicketTimeoutError) as caught:
            pyodk.wait_for_ticket(api, ticket, timeout=120)
    assert caught.value.ticket.end_date is None
    assert fake_oktawave.clock.skipped == pytest.approx(120, abs=0.5)
    assert real_sleeps.calls == []


@pytest.mark.fake_oktawave(ticket_duration=0, virtual_time=False)
def test_the_marker_keeps_real_time_when_asked(
    fake_oktawave: FakeOktawaveServer, real_sleeps: SleepSpy
) -> None:
    api = snapshots_api(fake_oktawave)
    with api.api_client:
        pyodk.create_snapshot_and_wait(api, 56, "real", poll_interval=0.25)
    assert real_sleeps.calls == [0.25]
    assert fake_oktawave.clock.skipped == 0


def test_explicit_clock_and_sleep_still_win(
    fake_oktawave: FakeOktawaveServer, real_sleeps: SleepSpy
) -> None:
    mine = SleepSpy()
    api = snapshots_api(fake_oktawave)
    with api.api_client:
        # The fake's tickets take 1 s; this sleep lets no fake time pass, so real time must.
        ticket = api.snapshots_restore(5003)
        fake_oktawave.finish_all_tickets()
        pyodk.wait_for_ticket(api, ticket, poll_interval=0.5, sleep=mine)
    assert mine.calls == [0.5] and real_sleeps.calls == []
    assert fake_oktawave.clock.skipped == 0


# --------------------------------------------------------------------- virtual_time() itself


def test_virtual_time_ends_with_its_block_even_when_the_block_fails(
    plain_server: FakeOktawaveServer, real_sleeps: SleepSpy
) -> None:
    api = snapshots_api(plain_server)
    with api.api_client:
        with pytest.raises(RuntimeError, match="inside"), plain_server.virtual_time() as clock:
            assert clock is plain_server.clock
            pyodk.wait_for_ticket(api, api.snapshots_restore(5003))
            assert real_sleeps.calls == [] and clock.skipped == 1.0
            raise RuntimeError("a test failing inside")
        pyodk.wait_for_ticket(api, api.snapshots_restore(5003), poll_interval=0.1)
    assert real_sleeps.calls == [0.1]
    assert plain_server.clock.skipped == 1.0


def test_virtual_time_blocks_nest(plain_server: FakeOktawaveServer, real_sleeps: SleepSpy) -> None:
    with FakeOktawaveServer(ticket_duration=0) as other:
        outer_api, inner_api = snapshots_api(plain_server), snapshots_api(other)
        with plain_server.virtual_time():
            with other.virtual_time():
                pyodk.wait_for_ticket(inner_api, inner_api.snapshots_restore(5003))
            pyodk.wait_for_ticket(outer_api, outer_api.snapshots_restore(5003))
        outer_api.api_client.close()
        inner_api.api_client.close()
    assert (other.clock.skipped, plain_server.clock.skipped) == (1.0, 1.0)
    assert real_sleeps.calls == []


# --------------------------------------------------------------------- VirtualClock


def test_virtual_clock_is_its_base_plus_what_was_skipped() -> None:
    base = [100.0]
    clock = VirtualClock(lambda: base[0])
    assert clock() == 100.0
    clock.advance(5)
    clock.sleep(2.5)
    base[0] = 101.0
    assert (clock(), clock.skipped) == (108.5, 7.5)
    assert repr(clock) == "VirtualClock(skipped=7.5)"


def test_virtual_clock_follows_real_time_by_default() -> None:
    clock = VirtualClock()
    first = clock()
    clock.advance(1000)
    assert clock() - first >= 1000
    assert clock() <= time.monotonic() + 1000 + 1


@pytest.mark.parametrize(
    ("seconds", "error"),
    [(-1, ValueError), (math.nan, ValueError), (math.inf, ValueError), ("1", TypeError),
     (True, TypeError)],
)  # fmt: skip
def test_virtual_clock_never_runs_backwards(seconds: object, error: type[Exception]) -> None:
    clock = VirtualClock()
    with pytest.raises(error):
        clock.advance(seconds)  # type: ignore[arg-type]
    assert clock.skipped == 0


def test_virtual_clock_counts_every_skip_from_many_threads() -> None:
    clock = VirtualClock(lambda: 0.0)

    def skip() -> None:
        for _ in range(1000):
            clock.sleep(0.5)

    threads = [threading.Thread(target=skip) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock() == clock.skipped == 4000.0


def test_advance_clock_and_a_given_clock_share_one_time(plain_server: FakeOktawaveServer) -> None:
    base = [50.0]
    with FakeOktawaveServer(clock=lambda: base[0], ticket_duration=30) as server:
        ticket = server.state.create_snapshot(56, {"Name": "x"}, lambda: False)
        server.advance_clock(10)
        base[0] += 5
        assert server.tickets_for(56)[0]["Progress"] == 50
        server.advance_clock(15)
        assert server.tickets_for(56)[0]["Id"] == ticket["Id"]
        assert server.tickets_for(56)[0]["Status"]["Id"] == 136
    assert isinstance(plain_server.clock, VirtualClock)
