"""What a type checker sees of pyodk's public surface: checked by ``tox -e type``, never run.

Each ``assert_type`` pins the type a user's checker infers; a regression in the overloads or the
annotations fails mypy here, in CI, instead of in a user's IDE.
"""

from __future__ import annotations

from collections.abc import Mapping
from multiprocessing.pool import AsyncResult
from typing import Any

from typing_extensions import assert_type

import pyodk
from pyodk.rest import ApiException


def operations(api: pyodk.OCISnapshotsApi, tickets: pyodk.TicketsApi, flag: bool) -> None:
    command = pyodk.CreateUpdateSnapshotCommand(name="n")
    assert_type(api.snapshots_get_0(1), pyodk.Snapshot)
    assert_type(api.snapshots_get_0(1, fields="Id", _request_timeout=(3.05, 30)), pyodk.Snapshot)
    assert_type(api.snapshots_get_0(1, _call_timeout=5), pyodk.Snapshot)
    assert_type(api.snapshots_get_0(1, async_req=True), AsyncResult[pyodk.Snapshot])
    assert_type(api.snapshots_get_0(1, async_req=True).get(timeout=5), pyodk.Snapshot)
    assert_type(api.snapshots_get_0(1, async_req=False), pyodk.Snapshot)
    assert_type(api.snapshots_get_0(1, _preload_content=False), Any)
    assert_type(api.snapshots_get_0(1, async_req=flag), Any)
    assert_type(
        api.snapshots_get(instance_id=56, order_by="Name", page_size=10, page_number=1),
        pyodk.ApiCollectionSnapshot,
    )
    assert_type(api.instances_get_snapshots(56), pyodk.ApiCollectionSnapshot)
    assert_type(api.instances_post_snapshot(56, command), pyodk.Ticket)
    assert_type(api.snapshots_put(1, command), pyodk.Snapshot)
    assert_type(api.snapshots_delete(1), pyodk.Ticket)
    assert_type(api.snapshots_restore(1, async_req=True), AsyncResult[pyodk.Ticket])
    assert_type(tickets.tickets_get(order_by="Status", status_id=136), pyodk.ApiCollectionTicket)
    assert_type(tickets.tickets_get_0(880001), pyodk.Ticket)

    data, status, headers = api.snapshots_get_0_with_http_info(1)
    assert_type(data, pyodk.Snapshot)
    assert_type(status, int)
    assert_type(headers, Mapping[str, str])
    assert_type(
        tickets.tickets_get_0_with_http_info(1, async_req=True),
        AsyncResult[tuple[pyodk.Ticket, int, Mapping[str, str]]],
    )
    assert_type(api.snapshots_get_with_http_info(_return_http_data_only=True), Any)


def models(snapshot: pyodk.Snapshot, page: pyodk.ApiCollectionSnapshot) -> None:
    assert_type(pyodk.CreateUpdateSnapshotCommand(), pyodk.CreateUpdateSnapshotCommand)
    configuration = pyodk.Configuration()
    link = pyodk.Link(href="/snapshots/1", rel="self", _configuration=configuration)
    assert_type(link.href, str | None)
    pyodk.Snapshot(id=1, name="n", is_current=True, instance=pyodk.BaseResource(id=56))
    pyodk.Snapshot(idd=1)  # type: ignore[call-arg]  # no such field
    pyodk.Snapshot(id="1")  # type: ignore[arg-type]  # wrong type
    assert_type(snapshot.id, int | None)
    assert_type(snapshot.is_current, bool | None)
    if page.items is not None:
        assert_type(page.items[0], pyodk.Snapshot)
    assert_type(pyodk.Snapshot.from_json({"Id": 1}), pyodk.Snapshot)
    assert_type(snapshot.to_dict(), dict[str, Any])


def errors(error: ApiException) -> None:
    assert_type(error.status, int | None)
    assert_type(error.model_state, dict[str, list[str]])
    assert_type(error.attempts, int | None)
    assert_type(error.operation, str | None)
    assert_type(error.request_id, str | None)
    assert_type(error.details(), str)


def misuse(api: pyodk.OCISnapshotsApi) -> None:
    api.snapshots_get_0(1, feilds="Id")  # type: ignore[call-overload]  # a typo is caught
    api.snapshots_get_0("1")  # type: ignore[call-overload]  # ids are ints


def helpers(api: pyodk.OCISnapshotsApi, tickets: pyodk.TicketsApi, ticket: pyodk.Ticket) -> None:
    assert_type(pyodk.paginate(api.snapshots_get, instance_id=56), pyodk.Paged[pyodk.Snapshot])
    assert_type(pyodk.paginate(tickets.tickets_get, page_size=50), pyodk.Paged[pyodk.Ticket])
    for snapshot in pyodk.paginate(api.instances_get_snapshots, 56):
        assert_type(snapshot, pyodk.Snapshot)
    assert_type(pyodk.wait_for_ticket(api, ticket, timeout=60), pyodk.Ticket)
    assert_type(pyodk.create_snapshot_and_wait(api, 56, "nightly"), pyodk.Snapshot)
    assert_type(pyodk.restore_snapshot_and_wait(api, 5002), pyodk.Ticket)
    assert_type(pyodk.delete_snapshot_and_wait(api, 5003), pyodk.Ticket)
    assert_type(pyodk.Configuration.from_env(), pyodk.Configuration)


def configuration(grant: pyodk.auth.PasswordGrant) -> None:
    config = pyodk.Configuration(host="http://127.0.0.1:9/services", call_timeout=30)
    pyodk.Configuration(token_source=grant, retries=pyodk.RetryPolicy(2), assumed_timezone=None)
    assert_type(config.call_timeout, float | None)
    assert_type(pyodk.Configuration.from_env(require_credentials=False), pyodk.Configuration)
    pyodk.Configuration(read_timout=5)  # type: ignore[call-arg]  # a typo is caught
    pyodk.Configuration(call_timeout="30")  # type: ignore[arg-type]  # so is a wrong type
    config.read_timout = 5  # type: ignore[attr-defined]  # and a typo when assigning
    pyodk.Configuration.from_env({}, True)  # type: ignore[call-arg]  # require_credentials is a keyword
