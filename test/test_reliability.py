"""Retries, timeouts, the exception tree, concurrency and "nothing lost", over real sockets.

Every server here listens on 127.0.0.1. Retry waits go to an injected sleep (``Sleeps``), so the
tests check the waits without spending them; timeout tests measure wall time against the timeout
plus a generous margin, which is a correctness bound, not a benchmark.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import urllib3
from reliability_helpers import (
    ScriptedServer,
    Sleeps,
    configuration,
    free_port,
    policy,
    reset_connection,
    send_json,
    silent_listener,
    unreachable_listener,
)

import pyodk
from pyodk.configuration import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, DEFAULT_RETRIES
from pyodk.exceptions import (
    ApiException,
    BadRequestError,
    ConflictError,
    ConnectionDroppedError,
    ConnectionFailedError,
    ForbiddenError,
    NotFoundError,
    ProxyError,
    ResponseTimeoutError,
    ServerError,
    TooManyRequestsError,
    TransportError,
    UnauthorizedError,
)
from pyodk.retry import RetryPolicy, parse_retry_after
from pyodk.testing import FakeOktawaveServer

#: Slack on top of a timeout before a call counts as hanging: thread start-up, a loaded CI box.
MARGIN = 1.5
INSTANCE = 56
SNAPSHOT = 5002


@pytest.fixture
def fake() -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=0) as server:
        yield server


class Client:
    """One ApiClient on the fake, its two API objects and the sleeps its retries asked for."""

    def __init__(self, server: FakeOktawaveServer, retries: Any = None, **settings: Any) -> None:
        self.sleeps = Sleeps()
        if retries is None:
            retries = policy(3, self.sleeps)
        config = configuration(server.url, server.access_token, retries=retries, **settings)
        self.api_client = pyodk.ApiClient(config)
        self.snapshots = pyodk.OCISnapshotsApi(self.api_client)
        self.tickets = pyodk.TicketsApi(self.api_client)

    def close(self) -> None:
        self.api_client.close()


@pytest.fixture
def make_client(fake: FakeOktawaveServer) -> Iterator[Callable[..., Client]]:
    made: list[Client] = []

    def make(retries: Any = None, server: FakeOktawaveServer | None = None, **kw: Any) -> Client:
        client = Client(server or fake, retries, **kw)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def faults_seen(server: FakeOktawaveServer, method: str) -> list[str | None]:
    return [r.fault for r in server.requests if r.method == method]


def timed(call: Callable[[], Any]) -> tuple[BaseException | None, float]:
    start = time.monotonic()
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - the test inspects it
        return exc, time.monotonic() - start
    return None, time.monotonic() - start


# ------------------------------------------------------------------------------------- retries


def test_503_then_success_is_retried_once_after_backoff(fake, make_client):
    client = make_client()
    fake.inject("status", status=503, method="GET")
    snapshot = client.snapshots.snapshots_get_0(SNAPSHOT)
    assert snapshot.id == SNAPSHOT
    assert faults_seen(fake, "GET") == ["status", None]
    assert client.sleeps == [0.5]  # backoff_factor * 2**0, with random() drawing the full ceiling


def test_retry_after_seconds_is_waited_for_exactly(fake, make_client):
    client = make_client()
    fake.inject("status", count=2, status=503, method="GET", retry_after=7)
    assert client.snapshots.snapshots_get_0(SNAPSHOT).id == SNAPSHOT
    assert client.sleeps == [7.0, 7.0]


def test_retry_after_http_date_is_honoured():
    now = 1_700_000_000.0
    header = "Tue, 14 Nov 2023 22:13:40 GMT"  # now + 20 s
    assert parse_retry_after(header, now=lambda: now) == pytest.approx(20.0)
    assert parse_retry_after("Tue, 14 Nov 2023 22:12:00 GMT", now=lambda: now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_retry_after_beyond_the_cap_is_not_waited_for(fake, make_client):
    sleeps = Sleeps()
    client = make_client(policy(3, sleeps, max_retry_after=30))
    fake.inject("status", status=503, method="GET", retry_after=3600)
    with pytest.raises(ServerError) as caught:
        client.snapshots.snapshots_get_0(SNAPSHOT)
    assert caught.value.status == 503 and caught.value.headers["Retry-After"] == "3600"
    assert sleeps == []
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("status", "exception"),
    [(429, TooManyRequestsError), (502, ServerError), (503, ServerError), (504, ServerError)],
)
def test_transient_statuses_are_retried_until_the_policy_runs_out(
    fake, make_client, status, exception
):
    client = make_client(policy(2))
    fake.inject("status", count=2, status=status, method="GET")
    assert client.snapshots.snapshots_get_0(SNAPSHOT).id == SNAPSHOT
    fake.inject("status", count=3, status=status, method="GET")
    with pytest.raises(exception) as caught:
        client.snapshots.snapshots_get_0(SNAPSHOT)
    assert caught.value.status == status
    assert faults_seen(fake, "GET") == ["status", "status", None, "status", "status", "status"]


@pytest.mark.parametrize("status", [400, 404, 409, 500, 501])
def test_other_statuses_are_not_retried(fake, make_client, status):
    client = make_client()
    fake.inject("status", status=status, method="GET")
    with pytest.raises(ApiException) as caught:
        client.snapshots.snapshots_get_0(SNAPSHOT)
    assert caught.value.status == status
    assert len(fake.requests) == 1 and client.sleeps == []


def test_backoff_doubles_up_to_its_cap_and_jitter_scales_it():
    sleeps = Sleeps()
    capped = RetryPolicy(5, backoff_factor=0.5, backoff_max=1.5, sleep=sleeps, random=lambda: 1.0)
    assert [capped.backoff(n) for n in range(5)] == [0.5, 1.0, 1.5, 1.5, 1.5]
    jittered = RetryPolicy(3, backoff_factor=2.0, random=lambda: 0.25)
    assert [jittered.backoff(n) for n in range(3)] == [0.5, 1.0, 2.0]


def test_post_answered_503_is_sent_exactly_once_and_makes_no_second_snapshot(fake, make_client):
    client = make_client()
    before = fake.state_dump()
    fake.inject("status", status=503, method="POST", retry_after=1)
    command = pyodk.CreateUpdateSnapshotCommand(name="nightly")
    with pytest.raises(ServerError) as caught:
        client.snapshots.instances_post_snapshot(INSTANCE, command)
    assert caught.value.status == 503
    assert faults_seen(fake, "POST") == ["status"]
    assert client.sleeps == []
    assert fake.state_dump() == before
    assert fake.tickets_for(instance_id=INSTANCE) == []


@pytest.mark.parametrize("status", [429, 502, 504])
def test_post_is_never_retried_on_any_answer(fake, make_client, status):
    client = make_client()
    fake.inject("status", status=status, method="POST")
    with pytest.raises(ApiException):
        client.snapshots.snapshots_restore(SNAPSHOT)
    assert faults_seen(fake, "POST") == ["status"] and client.sleeps == []


def test_put_and_delete_are_idempotent_and_retried(fake, make_client):
    client = make_client()
    fake.inject("status", status=503, method="PUT")
    fake.inject("status", status=502, method="DELETE")
    renamed = client.snapshots.snapshots_put(
        SNAPSHOT, pyodk.CreateUpdateSnapshotCommand(name="renamed", description="d")
    )
    assert renamed.name == "renamed"
    ticket = client.snapshots.snapshots_delete(5003)
    assert ticket.object_id == 5003
    assert faults_seen(fake, "PUT") == ["status", None]
    assert faults_seen(fake, "DELETE") == ["status", None]
    assert len(client.sleeps) == 2


def test_post_is_retried_when_the_connect_was_refused():
    """The server is down at the first attempt and comes up during the retry's wait."""
    port = free_port()
    late = FakeOktawaveServer(port=port, ticket_duration=0)
    sleeps = Sleeps()

    def sleep_and_start(seconds: float) -> None:
        sleeps(seconds)
        late.start()

    url = f"http://127.0.0.1:{port}/services"
    config = configuration(url, late.access_token, retries=policy(2, sleep_and_start))
    try:
        before = late.snapshot_ids(INSTANCE)
        command = pyodk.CreateUpdateSnapshotCommand(name="made-after-refusal")
        with pyodk.ApiClient(config) as api_client:
            ticket = pyodk.OCISnapshotsApi(api_client).instances_post_snapshot(INSTANCE, command)
        assert ticket.object_id == INSTANCE
        assert sleeps == [0.5]
        assert [r.method for r in late.requests] == ["POST"]
        assert len(late.snapshot_ids(INSTANCE)) == len(before) + 1
    finally:
        late.stop()


def test_refused_connect_gives_up_after_the_policy_with_the_cause_chained(make_client, fake):
    sleeps = Sleeps()
    config = configuration(f"http://127.0.0.1:{free_port()}/services", retries=policy(2, sleeps))
    with pyodk.ApiClient(config) as api_client, pytest.raises(ConnectionFailedError) as caught:
        pyodk.OCISnapshotsApi(api_client).snapshots_get_0(SNAPSHOT)
    error = caught.value
    assert error.status == 0 and isinstance(error, TransportError)
    assert isinstance(error.__cause__, urllib3.exceptions.NewConnectionError)
    assert "refused" in error.reason.lower()
    assert sleeps == [0.5, 1.0]


def test_dropped_connection_is_retried_for_get(fake, make_client):
    client = make_client()
    fake.inject("drop", method="GET")
    assert client.snapshots.snapshots_get_0(SNAPSHOT).id == SNAPSHOT
    assert faults_seen(fake, "GET") == ["drop", None]


def test_dropped_connection_is_not_retried_for_post(fake, make_client):
    client = make_client()
    before = fake.state_dump()
    fake.inject("drop", method="POST")
    with pytest.raises(ConnectionDroppedError) as caught:
        client.snapshots.instances_post_snapshot(INSTANCE, pyodk.CreateUpdateSnapshotCommand())
    assert caught.value.status == 0 and caught.value.__cause__ is not None
    assert faults_seen(fake, "POST") == ["drop"] and client.sleeps == []
    assert fake.state_dump() == before


def test_truncated_answer_is_retried_for_get_but_not_for_post(fake, make_client):
    client = make_client()
    fake.inject("truncated", method="GET")
    assert client.snapshots.snapshots_get(instance_id=INSTANCE).meta.total == 4
    fake.inject("truncated", method="POST")
    with pytest.raises(ConnectionDroppedError):
        client.snapshots.snapshots_restore(SNAPSHOT)
    assert faults_seen(fake, "GET") == ["truncated", None]
    assert faults_seen(fake, "POST") == ["truncated"]


def test_connection_reset_is_a_dropped_connection_and_retried_for_get():
    answers = iter([reset_connection, lambda h: send_json(h, {"Id": 1})])
    sleeps = Sleeps()
    with ScriptedServer(lambda handler: next(answers)(handler)) as server:
        config = configuration(server.url, retries=policy(2, sleeps))
        with pyodk.ApiClient(config) as api_client:
            assert pyodk.OCISnapshotsApi(api_client).snapshots_get_0(1).id == 1
        assert len(server.requests) == 2 and sleeps == [0.5]
    with ScriptedServer(reset_connection) as server:
        config = configuration(server.url, retries=0)
        with pyodk.ApiClient(config) as api_client, pytest.raises(ConnectionDroppedError) as c:
            pyodk.OCISnapshotsApi(api_client).snapshots_get_0(1)
        assert c.value.status == 0
        assert isinstance(c.value.__cause__, urllib3.exceptions.ProtocolError)


def test_read_timeout_is_not_retried_by_default(fake, make_client):
    client = make_client()
    fake.inject("stall", method="GET", seconds=3)
    error, elapsed = timed(lambda: client.snapshots.snapshots_get_0(SNAPSHOT, _request_timeout=0.3))
    assert isinstance(error, ResponseTimeoutError) and error.status == 0
    assert isinstance(error.__cause__, urllib3.exceptions.ReadTimeoutError)
    assert elapsed < 0.3 + MARGIN
    assert faults_seen(fake, "GET") == ["stall"] and client.sleeps == []


def test_read_timeout_is_retried_when_the_policy_opts_in(fake, make_client):
    client = make_client(policy(1, retry_read_timeouts=True))
    fake.inject("stall", method="GET", seconds=3)
    assert client.snapshots.snapshots_get_0(SNAPSHOT, _request_timeout=0.3).id == SNAPSHOT
    assert faults_seen(fake, "GET") == ["stall", None]


def test_retries_as_int_policy_urllib3_retry_and_zero(fake, make_client):
    assert pyodk.Configuration().retries == DEFAULT_RETRIES == 3
    as_int = make_client(retries=1)
    assert as_int.api_client.rest_client.retry_policy.total == 1
    fake.inject("status", status=503, method="GET")
    assert as_int.snapshots.snapshots_get_0(SNAPSHOT).id == SNAPSHOT  # one real wait, <= 0.5 s

    off = make_client(retries=0)
    fake.inject("status", status=503, method="GET")
    with pytest.raises(ServerError):
        off.snapshots.snapshots_get_0(SNAPSHOT)
    fake.inject("drop", method="GET")
    with pytest.raises(ConnectionDroppedError):
        off.snapshots.snapshots_get_0(SNAPSHOT)

    by_urllib3 = make_client(retries=urllib3.Retry(2, status_forcelist=[503], backoff_factor=0))
    fake.inject("status", status=503, method="GET")
    assert by_urllib3.snapshots.snapshots_get_0(SNAPSHOT).id == SNAPSHOT
    fake.inject("status", count=3, status=503, method="GET")
    with pytest.raises(ServerError) as caught:  # the last answer, not a status-0 MaxRetryError
        by_urllib3.snapshots.snapshots_get_0(SNAPSHOT)
    assert caught.value.status == 503 and "Injected fault" in caught.value.body
    assert faults_seen(fake, "GET") == [
        *["status", None],
        *["status", "drop"],
        *["status", None],
        *["status", "status", "status"],
    ]


def test_retries_setting_is_checked():
    with pytest.raises(ValueError):
        RetryPolicy(-1)
    config = pyodk.Configuration()
    config.retries = "3"
    with pytest.raises(TypeError):
        pyodk.ApiClient(config)


# ------------------------------------------------------------------------------------ timeouts


def test_default_timeouts_are_10s_connect_and_60s_read():
    assert (DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT) == (10.0, 60.0)
    config = pyodk.Configuration()
    assert (config.connect_timeout, config.read_timeout) == (10.0, 60.0)
    with pyodk.ApiClient(config) as api_client:
        timeout = api_client.rest_client.default_timeout
        assert (timeout.connect_timeout, timeout.read_timeout) == (10.0, 60.0)


@pytest.mark.parametrize(
    ("request_timeout", "expected"),
    [(0.4, 0.4), (1, 1.0), ((5, 0.4), 0.4), (None, 0.6)],
    ids=["float", "int", "tuple", "configuration"],
)
def test_stalled_server_fails_within_the_timeout(fake, make_client, request_timeout, expected):
    client = make_client(read_timeout=0.6)
    fake.inject("stall", method="GET", seconds=5)
    kwargs = {} if request_timeout is None else {"_request_timeout": request_timeout}
    error, elapsed = timed(lambda: client.snapshots.snapshots_get_0(SNAPSHOT, **kwargs))
    assert isinstance(error, ResponseTimeoutError), error
    assert expected - 0.05 <= elapsed < expected + MARGIN


def test_server_that_accepts_but_never_answers_times_out():
    with silent_listener() as port:
        config = configuration(f"http://127.0.0.1:{port}/services", read_timeout=0.5, retries=0)
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            error, elapsed = timed(lambda: api.snapshots_get_0(SNAPSHOT))
    assert isinstance(error, ResponseTimeoutError) and error.status == 0
    assert 0.45 <= elapsed < 0.5 + MARGIN


def test_connect_timeout_is_a_connection_failure_and_retried_even_for_post():
    sleeps = Sleeps()
    with unreachable_listener() as port:
        config = configuration(
            f"http://127.0.0.1:{port}/services", connect_timeout=0.3, retries=policy(1, sleeps)
        )
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            error, elapsed = timed(lambda: api.snapshots_restore(SNAPSHOT))
    if isinstance(error, ResponseTimeoutError):
        pytest.skip("this kernel completes connects to a full accept queue")
    assert isinstance(error, ConnectionFailedError) and error.status == 0
    assert isinstance(error.__cause__, urllib3.exceptions.ConnectTimeoutError)
    assert sleeps == [0.5]  # nothing was sent, so even a POST may try again
    assert 0.55 <= elapsed < 2 * 0.3 + MARGIN


def test_a_timeout_that_is_not_a_number_is_refused_before_sending(fake, make_client):
    client = make_client()
    for bad in ("5", [1, 2], (1, 2, 3), True):
        with pytest.raises(TypeError):
            client.snapshots.snapshots_get_0(SNAPSHOT, _request_timeout=bad)
    assert fake.requests == []


# -------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("status", "exception"),
    [
        (400, BadRequestError),
        (401, UnauthorizedError),
        (403, ForbiddenError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, TooManyRequestsError),
        (500, ServerError),
        (503, ServerError),
        (599, ServerError),
        (418, ApiException),
    ],
)
def test_each_error_status_has_its_class_and_carries_the_answer(status, exception):
    body = {"Message": "no", "ModelState": {"command.Name": ["The Name field is required."]}}

    def respond(handler: Any) -> None:
        send_json(handler, body, status)

    with ScriptedServer(respond) as server:
        config = configuration(server.url, retries=policy(0))
        with pyodk.ApiClient(config) as api_client, pytest.raises(ApiException) as caught:
            pyodk.OCISnapshotsApi(api_client).snapshots_get_0(SNAPSHOT)
    error = caught.value
    assert type(error) is exception
    assert isinstance(error, pyodk.rest.ApiException)
    assert error.status == status and (error.reason or status == 599)
    assert error.headers["Content-Type"].startswith("application/json")
    assert error.message == "no"
    assert error.model_state == {"command.Name": ["The Name field is required."]}
    assert str(error).startswith(f"{exception.__name__}: {status} GET /snapshots/{SNAPSHOT} ")
    assert "no (command.Name: The Name field is required.) after 1 attempt" in str(error)
    assert f"({status})" in error.details()


def test_proxy_failure_is_a_proxy_error_and_names_no_credentials():
    proxy = f"http://pxuser:px-s3cret@127.0.0.1:{free_port()}"
    config = configuration("http://127.0.0.1:9/services", proxy=proxy, retries=0)
    with pyodk.ApiClient(config) as api_client, pytest.raises(ProxyError) as caught:
        pyodk.OCISnapshotsApi(api_client).snapshots_get_0(SNAPSHOT)
    assert caught.value.status == 0 and caught.value.__cause__ is not None
    assert isinstance(caught.value, ApiException)
    assert "px-s3cret" not in str(caught.value) and "px-s3cret" not in repr(config)


def test_every_transport_failure_is_caught_as_api_exception(fake, make_client):
    client = make_client(retries=0)
    failures: list[ApiException] = []
    for kind, extra in (("drop", {}), ("stall", {"seconds": 2}), ("truncated", {})):
        fake.inject(kind, method="GET", **extra)
        try:
            client.snapshots.snapshots_get_0(SNAPSHOT, _request_timeout=0.3)
        except ApiException as exc:
            failures.append(exc)
    assert [type(f) for f in failures] == [
        ConnectionDroppedError,
        ResponseTimeoutError,
        ConnectionDroppedError,
    ]
    assert all(f.status == 0 and f.__cause__ is not None and f.body is None for f in failures)


# --------------------------------------------------------------------------------- concurrency


def test_threads_sharing_one_client_each_get_their_own_answer(fake, make_client):
    client = make_client()
    ids = fake.snapshot_ids()
    names = {i: fake.get_snapshot_json(i)["Name"] for i in ids}
    wrong: list[str] = []
    barrier = threading.Barrier(16)

    def work(n: int) -> None:
        barrier.wait()
        for k in range(20):
            snapshot_id = ids[(n + k) % len(ids)]
            got = client.snapshots.snapshots_get_0(snapshot_id)
            if (got.id, got.name) != (snapshot_id, names[snapshot_id]):
                wrong.append(f"{snapshot_id}: {got.id} {got.name}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert wrong == [] and not any(t.is_alive() for t in threads)
    assert len(fake.requests) == 16 * 20


def test_async_req_under_load_and_close_while_idle(fake, make_client):
    client = make_client()
    ids = fake.snapshot_ids()
    wanted = [ids[n % len(ids)] for n in range(200)]
    pending = [client.snapshots.snapshots_get_0(i, async_req=True) for i in wanted]
    assert [result.get(timeout=20).id for result in pending] == wanted
    assert len(fake.requests) == 200
    workers = list(client.api_client.pool._pool)  # type: ignore[attr-defined]
    start = time.monotonic()
    client.api_client.close()
    client.api_client.close()  # a second close is harmless
    assert time.monotonic() - start < 2.0
    assert all(not worker.is_alive() for worker in workers)
    # Closed pools are rebuilt on demand: a closed client still works if used again.
    assert client.snapshots.snapshots_get_0(SNAPSHOT).id == SNAPSHOT


def test_waiting_for_a_pooled_connection_is_bounded_by_connect_plus_read(fake, make_client):
    """A streamed answer never released holds its connection; the next call must not hang.

    It waits as long as one whole call may take (connect + read timeouts), then fails unsent.
    """
    client = make_client(
        retries=0, connection_pool_maxsize=1, connect_timeout=0.15, read_timeout=0.25
    )
    held = client.snapshots.snapshots_get_0(SNAPSHOT, _preload_content=False)
    error, elapsed = timed(lambda: client.snapshots.snapshots_get_0(SNAPSHOT))
    assert isinstance(error, ConnectionFailedError) and error.status == 0
    assert isinstance(error.__cause__, urllib3.exceptions.EmptyPoolError)
    assert 0.35 <= elapsed < 0.4 + MARGIN
    assert [r.method for r in fake.requests] == ["GET"]  # the second call sent nothing
    held.read()
    held.release_conn()
    assert client.snapshots.snapshots_get_0(SNAPSHOT).id == SNAPSHOT


# ------------------------------------------------------------------------------- nothing lost

LIFECYCLE_INSTANCE = 230  # the seeded instance without snapshots


def lifecycle(client: Client) -> dict[str, Any]:
    """Create+wait, rename, restore+wait, delete+wait, as a careful operator would script it.

    A POST whose answer is lost may or may not have started its work, so on any failure the script
    looks before it retries: only if no snapshot of that name exists (and no ticket started one) is
    the create sent again.
    """
    snapshots, tickets = client.snapshots, client.tickets
    name = "release-2026-11"

    def wait(ticket: pyodk.Ticket) -> pyodk.Ticket:
        deadline = time.monotonic() + 10
        while ticket.end_date is None:
            assert time.monotonic() < deadline, "ticket never finished"
            try:
                ticket = tickets.tickets_get_0(ticket.id)
            except (TransportError, ServerError):
                time.sleep(0.01)  # a poll failed; the ticket is still there
        assert ticket.succeeded, ticket
        return ticket

    def made() -> list[pyodk.Snapshot]:
        items = snapshots.instances_get_snapshots(LIFECYCLE_INSTANCE).items or []
        return [s for s in items if s.name == name]

    def started() -> list[pyodk.Ticket]:
        items = tickets.tickets_get().items or []
        return [t for t in items if t.object_id == LIFECYCLE_INSTANCE and t.end_date is None]

    command = pyodk.CreateUpdateSnapshotCommand(name=name, description="before the release")
    posts = 0
    while not made():
        if started():
            wait(started()[-1])
            continue
        posts += 1
        try:
            wait(snapshots.instances_post_snapshot(LIFECYCLE_INSTANCE, command))
        except (ServerError, TooManyRequestsError, TransportError):
            continue  # unknown outcome: look again before sending it again
    (snapshot,) = made()
    renamed = snapshots.snapshots_put(
        snapshot.id, pyodk.CreateUpdateSnapshotCommand(name="release-2026-11-ok", description="ok")
    )
    wait(snapshots.snapshots_restore(renamed.id))
    second = pyodk.CreateUpdateSnapshotCommand(name="scratch", description="to be deleted")
    scratch_ticket = wait(snapshots.instances_post_snapshot(LIFECYCLE_INSTANCE, second))
    scratch = [s for s in snapshots.instances_get_snapshots(LIFECYCLE_INSTANCE).items or []
               if s.name == "scratch"]  # fmt: skip
    assert scratch_ticket.succeeded and len(scratch) == 1
    wait(snapshots.snapshots_delete(scratch[0].id))
    return {"create_posts": posts}


def test_lifecycle_under_faults_ends_in_the_same_state_as_without(make_client):
    with (
        FakeOktawaveServer(ticket_duration=0) as calm,
        FakeOktawaveServer(ticket_duration=0) as rough,
    ):
        assert lifecycle(make_client(server=calm)) == {"create_posts": 1}

        listing = "/services/instances/230/snapshots"
        rough.inject("status", count=1, method="POST", path=listing)
        rough.inject("status", count=2, method="GET", path=listing, retry_after=1)
        rough.inject("drop", count=2, method="GET", path="/services/tickets")
        rough.inject("status", count=1, method="GET", path="/services/tickets", retry_after=1)
        rough.inject("status", count=1, method="PUT", status=502)
        rough.inject("drop", count=1, method="DELETE")
        rough.inject("status", count=1, method="GET", status=429)
        faulty = make_client(server=rough)
        assert lifecycle(faulty) == {"create_posts": 2}

        assert rough.faults.pending() == 0, "every injected fault fired"
        assert rough.state_dump() == calm.state_dump()
        posts = [r for r in rough.requests if r.method == "POST" and r.path.endswith("/snapshots")]
        assert [r.fault for r in posts] == ["status", None, None]
        # Every fault but the POST's was absorbed by one retry inside pyodk.
        assert len(faulty.sleeps) == sum(1 for r in rough.requests if r.fault) - 1


def test_retries_refuses_a_bool_rather_than_reading_true_as_one_retry():
    assert pyodk.RetryPolicy.coerce(0).total == 0 and pyodk.RetryPolicy.coerce(2).total == 2
    with pytest.raises(TypeError, match="got bool"):
        pyodk.RetryPolicy.coerce(True)
