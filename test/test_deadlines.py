"""Every call ends by its deadline: trickling answers, stalled token endpoints, endless 503s.

Servers listen on 127.0.0.1 and misbehave on purpose. These tests spend real time, a second or
two each, because what they prove is that a call does not hang: each checks that it ends no
earlier than its deadline and no later than about a second after it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from reliability_helpers import (
    ScriptedServer,
    Sleeps,
    configuration,
    free_port,
    policy,
    send_json,
    stall,
    trickle,
)

import pyodk
from pyodk.auth import PasswordGrant
from pyodk.configuration import DEFAULT_CALL_TIMEOUT
from pyodk.deadlines import Watchdog, watchdog
from pyodk.exceptions import CallTimeoutError, ResponseTimeoutError

#: How far past its deadline a call may end: "about a second", generous for a loaded CI box.
OVERRUN = 1.0
SNAPSHOT_BODY = b'{"Id": 5002, "Name": "' + b"x" * 60 + b'"}'


def timed(call: Callable[[], Any]) -> tuple[BaseException | None, float]:
    started = time.monotonic()
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - the test inspects it
        return exc, time.monotonic() - started
    return None, time.monotonic() - started


def assert_ended_at_the_deadline(elapsed: float, deadline: float) -> None:
    assert deadline - 0.05 <= elapsed < deadline + OVERRUN, elapsed


# --------------------------------------------------------------------------- the default


def test_every_call_has_a_deadline_by_default():
    assert DEFAULT_CALL_TIMEOUT == 300.0
    assert pyodk.Configuration().call_timeout == DEFAULT_CALL_TIMEOUT


# --------------------------------------------------------------------- trickling answers


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "head-and-body"])
def test_a_trickling_answer_cannot_outlive_the_call_deadline(headers_too):
    """Each byte comes well within the 0.3 s read timeout; only the 0.5 s deadline ends it."""
    with ScriptedServer(trickle(SNAPSHOT_BODY, 0.1, headers_too)) as server:
        config = configuration(server.url, retries=policy(3, retry_read_timeouts=True))
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            error, elapsed = timed(
                lambda: api.snapshots_get_0(5002, _request_timeout=(0.3, 0.3), _call_timeout=0.5)
            )
    assert isinstance(error, CallTimeoutError) and isinstance(error, ResponseTimeoutError)
    assert_ended_at_the_deadline(elapsed, 0.5)
    assert error.status == 0 and error.attempts == 1 and error.__cause__ is not None
    assert "within the call's 0.5 s deadline after 1 attempt over 0.5 s" in str(error)
    assert str(error).startswith("CallTimeoutError: GET /snapshots/5002 (snapshots_get_0): ")
    assert len(server.requests) == 1  # a call past its deadline is never retried


def test_the_configured_call_timeout_applies_when_the_call_names_none():
    with ScriptedServer(trickle(SNAPSHOT_BODY, 0.1)) as server:
        config = configuration(server.url, retries=0, call_timeout=0.5, read_timeout=0.3)
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            error, elapsed = timed(lambda: api.snapshots_get_0(5002))
    assert isinstance(error, CallTimeoutError)
    assert_ended_at_the_deadline(elapsed, 0.5)


def test_a_stalled_answer_ends_at_the_deadline_not_at_the_read_timeout():
    with ScriptedServer(stall(5)) as server:
        config = configuration(server.url, retries=0)
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            error, elapsed = timed(lambda: api.snapshots_get_0(5002, _call_timeout=0.4))
    assert isinstance(error, CallTimeoutError)  # the read timeout (60 s) never came into it
    assert_ended_at_the_deadline(elapsed, 0.4)


def test_no_call_timeout_leaves_only_the_per_attempt_timeouts():
    with ScriptedServer(stall(5)) as server:
        config = configuration(server.url, retries=0, call_timeout=None, read_timeout=0.3)
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            error, _ = timed(lambda: api.snapshots_get_0(5002))
    assert type(error) is ResponseTimeoutError
    assert "within the 0.3 s read timeout" in str(error)


# ------------------------------------------------------------------------ retries and waits


def test_a_retry_after_that_would_pass_the_deadline_is_not_waited_for():
    def busy(handler: Any) -> None:
        handler.send_response(503)
        handler.send_header("Retry-After", "5")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    sleeps = Sleeps()
    with ScriptedServer(busy) as server:
        config = configuration(server.url, retries=policy(3, sleeps))
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            error, elapsed = timed(lambda: api.snapshots_get_0(5002, _call_timeout=2))
    assert isinstance(error, pyodk.ServerError) and error.status == 503  # the answer, as it was
    assert sleeps == [] and len(server.requests) == 1 and error.attempts == 1
    assert elapsed < 1


def test_endless_503s_end_by_the_deadline_with_every_wait_inside_it():
    """Real waits this time: backoff from 0.1 s, doubling, over a 1 s deadline."""

    def busy(handler: Any) -> None:
        send_json(handler, {"Message": "busy"}, 503)

    waits: list[tuple[float, float]] = []  # (when it started, how long), monotonic

    def sleep(seconds: float) -> None:
        waits.append((time.monotonic(), seconds))
        time.sleep(seconds)

    with ScriptedServer(busy) as server:
        retries = pyodk.RetryPolicy(50, backoff_factor=0.1, sleep=sleep, random=lambda: 1.0)
        config = configuration(server.url, retries=retries)
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            started = time.monotonic()
            error, elapsed = timed(lambda: api.snapshots_get_0(5002, _call_timeout=1.0))
    assert isinstance(error, pyodk.ServerError) and error.status == 503
    assert elapsed < 1.0 + OVERRUN
    assert all(start + seconds < started + 1.0 for start, seconds in waits), waits
    assert error.attempts == len(server.requests) == len(waits) + 1 >= 2
    assert f"busy after {error.attempts} attempts" in str(error)


def test_a_refused_connection_is_retried_only_while_the_deadline_allows():
    sleeps = Sleeps()
    config = configuration(f"http://127.0.0.1:{free_port()}/services", retries=policy(5, sleeps))
    config.retries.backoff_factor = 2.0  # 2 s, then 4 s: the second wait would pass 3 s
    with pyodk.ApiClient(config) as api_client:
        api = pyodk.OCISnapshotsApi(api_client)
        error, _ = timed(lambda: api.snapshots_get_0(5002, _call_timeout=3))
    assert isinstance(error, pyodk.ConnectionFailedError)
    assert sleeps == [2.0] and error.attempts == 2  # the injected sleep spent no time


# ------------------------------------------------------------------------ the token fetch


def token_answer(handler: Any) -> None:
    send_json(handler, {"access_token": "fresh-token-123456", "expires_in": 3600})


def test_a_stalled_token_endpoint_cannot_outlive_the_call_deadline():
    with (
        ScriptedServer(stall(5, token_answer)) as token_endpoint,
        ScriptedServer(lambda h: send_json(h, {"Id": 5002})) as api_server,
    ):
        config = configuration(api_server.url, retries=0)
        config.access_token = None
        config.token_source = PasswordGrant(
            "id", "secret", "user", "password", token_url=token_endpoint.url + "/token"
        )
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            error, elapsed = timed(lambda: api.snapshots_get_0(5002, _call_timeout=0.5))
        config.token_source.close()
    assert isinstance(error, CallTimeoutError)
    assert_ended_at_the_deadline(elapsed, 0.5)
    assert "POST /services/token" in str(error)  # the part of the call that ran out
    assert api_server.requests == []  # no API request went out without a token


def test_waiting_for_another_threads_token_fetch_ends_at_the_deadline():
    with ScriptedServer(stall(0.8, token_answer)) as token_endpoint:
        grant = PasswordGrant(
            "id", "secret", "user", "password", token_url=token_endpoint.url + "/token"
        )
        slow = threading.Thread(target=grant.token)  # no deadline: holds the lock 0.8 s
        slow.start()
        while not token_endpoint.requests:
            time.sleep(0.01)
        error, elapsed = timed(lambda: grant.token(deadline=time.monotonic() + 0.2))
        slow.join(10)
        assert grant.token(deadline=time.monotonic() + 0.5) == "fresh-token-123456"  # cached
        grant.close()
    assert isinstance(error, CallTimeoutError)
    assert "while another thread fetched a token" in str(error)
    assert_ended_at_the_deadline(elapsed, 0.2)


# ---------------------------------------------------------------------------- waiting


def test_wait_for_ticket_timeout_bounds_a_poll_in_flight():
    ticket = b'{"Id": 880001, "Progress": 10, "Status": {"Id": 135}}'
    with ScriptedServer(trickle(ticket, 0.1)) as server:
        config = configuration(server.url, retries=0)
        with pyodk.ApiClient(config) as api_client:
            error, elapsed = timed(lambda: pyodk.wait_for_ticket(api_client, 880001, timeout=0.5))
    assert isinstance(error, pyodk.TicketTimeoutError)
    assert elapsed < 0.5 + OVERRUN  # the poll got 1 s, its least; 60 s of reads would not do
    assert len(server.requests) == 1  # the one poll, cut off at the wait's end


# --------------------------------------------------------------------- the watchdog itself


class Marked:
    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.expired_at: float | None = None

    def expire(self) -> None:
        self.expired_at = time.monotonic()


def test_the_watchdog_expires_what_is_overdue_and_nothing_it_was_told_to_forget():
    dog = Watchdog()
    now = time.monotonic()
    late, early, forgotten = Marked(now + 0.15), Marked(now + 0.05), Marked(now + 0.1)
    for call in (late, early, forgotten):
        dog.watch(call)
    dog.forget(forgotten)
    while late.expired_at is None and time.monotonic() < now + 5:
        time.sleep(0.01)
    time.sleep(0.05)  # past the forgotten one's deadline too
    assert early.expired_at is not None and early.expired_at >= early.deadline
    assert late.expired_at is not None and late.expired_at >= late.deadline
    assert forgotten.expired_at is None
    assert dog.watching == 0


def test_calls_start_no_thread_and_leave_nothing_watched(monkeypatch):
    started: list[str] = []
    start = threading.Thread.start

    def counted(thread: threading.Thread) -> None:
        started.append(thread.name)
        start(thread)

    with ScriptedServer(lambda h: send_json(h, {"Id": 5002})) as server:
        config = configuration(server.url, retries=0)
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            api.snapshots_get_0(5002)  # the watchdog exists from here on
            monkeypatch.setattr(threading.Thread, "start", counted)
            for _ in range(50):
                assert api.snapshots_get_0(5002, _call_timeout=5).id == 5002
            assert started == [] and watchdog.watching == 0
    assert any(t.name == "pyodk-deadline-watchdog" and t.daemon for t in threading.enumerate())


def test_a_pooled_connection_outlives_the_deadline_of_the_call_that_used_it():
    """The watchdog must never shut down a connection that went back to the pool."""
    with ScriptedServer(lambda h: send_json(h, {"Id": 5002})) as server:
        config = configuration(server.url, retries=0, connection_pool_maxsize=1)
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            assert api.snapshots_get_0(5002, _call_timeout=0.2).id == 5002
            time.sleep(0.4)  # past that call's deadline, its connection idle in the pool
            for _ in range(3):
                assert api.snapshots_get_0(5002, _call_timeout=0.2).id == 5002
    assert len(server.requests) == 4
