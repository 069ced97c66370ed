"""After os.fork(), parent and child each get their own connections, thread pool and locks.

Each test forks while the client has a keep-alive connection open to the fake server, then has
both processes call at once. The child reports what it got through a pipe and leaves with
os._exit, so that nothing of pytest runs twice.
"""

from __future__ import annotations

import json
import os
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from reliability_helpers import configuration

import pyodk
from pyodk.auth import PasswordGrant
from pyodk.testing import FakeOktawaveServer

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork (POSIX)")

#: How long the parent waits for the child before calling it hung.
CHILD_SECONDS = 20


@pytest.fixture
def fake() -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=0) as server:
        yield server


def in_child(work: Callable[[], Any]) -> Callable[[], Any]:
    """Fork; run ``work`` in the child; return a function that waits for the child's result.

    The child's result (or its traceback) comes back as JSON; the child never returns here.
    """
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a multi-threaded process (the fake server's threads)
        # may deadlock the child: exactly what pyodk's fork handling is there to prevent.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            outcome = {"result": work()}
        except BaseException:  # noqa: BLE001 - reported to the parent
            outcome = {"error": traceback.format_exc()}
        with os.fdopen(write_end, "w") as out:
            out.write(json.dumps(outcome))
        os._exit(0)
    os.close(write_end)

    def wait() -> Any:
        reader = threading.Thread(target=lambda: box.append(os.read(read_end, 1 << 20)))
        box: list[bytes] = []
        reader.start()
        reader.join(CHILD_SECONDS)
        if reader.is_alive():
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            pytest.fail("the child process hung")
        os.waitpid(pid, 0)
        os.close(read_end)
        outcome = json.loads(box[0] or b"{}")
        assert "error" not in outcome, outcome.get("error")
        return outcome["result"]

    return wait


def names_by_id(server: FakeOktawaveServer) -> dict[int, str]:
    return {i: server.get_snapshot_json(i)["Name"] for i in server.snapshot_ids()}


def test_parent_and_child_each_get_their_own_answers(fake):
    expected = names_by_id(fake)
    ids = sorted(expected)
    with pyodk.ApiClient(configuration(fake.url, fake.access_token)) as api_client:
        api = pyodk.OCISnapshotsApi(api_client)
        assert api.snapshots_get_0(ids[0]).id == ids[0]  # a keep-alive connection is now pooled
        parent_pool = api_client.rest_client.pool_manager

        def child_work() -> list[list[Any]]:
            assert api_client.rest_client.pool_manager is not parent_pool
            got = [[s.id, s.name] for s in (api.snapshots_get_0(i) for i in ids * 5)]
            pending = [api.snapshots_get_0(i, async_req=True) for i in ids]
            got += [[s.id, s.name] for s in (p.get(CHILD_SECONDS) for p in pending)]
            return got

        wait = in_child(child_work)
        parent_got = [(s.id, s.name) for s in (api.snapshots_get_0(i) for i in reversed(ids * 5))]
        child_got = wait()
        # The parent's pooled connection still works: the child neither used nor closed it.
        assert api.snapshots_get_0(ids[-1]).id == ids[-1]
    assert parent_got == [(i, expected[i]) for i in reversed(ids * 5)]
    assert child_got == [[i, expected[i]] for i in ids * 5 + ids]


def test_async_req_runs_in_a_child_forked_after_the_pool_started(fake):
    ids = fake.snapshot_ids()
    with pyodk.ApiClient(configuration(fake.url, fake.access_token)) as api_client:
        api = pyodk.OCISnapshotsApi(api_client)
        assert api.snapshots_get_0(ids[0], async_req=True).get(10).id == ids[0]
        parent_pool = api_client.pool

        def child_work() -> list[int]:
            results = [api.snapshots_get_0(i, async_req=True) for i in ids]
            assert api_client.pool is not parent_pool
            return [r.get(CHILD_SECONDS).id for r in results]

        assert in_child(child_work)() == ids
        assert api_client.pool is parent_pool  # the parent keeps its own
        assert api.snapshots_get_0(ids[1], async_req=True).get(10).id == ids[1]


def test_a_password_grant_whose_lock_a_parent_thread_holds_works_in_the_child(fake):
    config = configuration(fake.url, token=None)
    config.access_token = None
    grant = PasswordGrant(
        fake.client_id,
        fake.client_secret,
        fake.username,
        fake.password,
        token_url=fake.token_url,
        configuration=config,
    )
    config.token_source = grant
    with pyodk.ApiClient(config) as api_client:
        api = pyodk.OCISnapshotsApi(api_client)
        assert api.snapshots_get(page_size=1).items
        first = grant.token()
        held, release = threading.Event(), threading.Event()

        def hold_the_lock() -> None:
            with grant._lock:
                held.set()
                release.wait(CHILD_SECONDS)

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        held.wait(5)

        def child_work() -> list[Any]:
            grant.invalidate(first)  # takes the lock: the parent's holder does not exist here
            fresh = grant.token()
            return [fresh != first, bool(api.snapshots_get(page_size=1).items)]

        wait = in_child(child_work)
        release.set()
        holder.join(5)
        assert wait() == [True, True]
        assert grant.token() == first  # the parent's cache is its own
    grant.close()
    assert fake.token_fetches == 2  # one by the parent, one by the child
