"""pyodk's own client against the fake server, end to end, through the ``fake_oktawave`` fixture."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest

import pyodk
from pyodk.testing import SNAPSHOT_ORDER_FIELDS, FakeOktawaveServer

pytestmark = pytest.mark.fake_oktawave(ticket_duration=0)


@dataclass
class Client:
    server: FakeOktawaveServer
    configuration: pyodk.Configuration
    snapshots: pyodk.OCISnapshotsApi
    tickets: pyodk.TicketsApi
    sleeps: list[float]

    def wait(self, ticket: pyodk.Ticket, timeout: float = 10.0) -> pyodk.Ticket:
        deadline = time.monotonic() + timeout
        while ticket.end_date is None:
            assert time.monotonic() < deadline, "ticket never finished"
            time.sleep(0.02)
            ticket = self.tickets.tickets_get_0(ticket.id)
        return ticket

    def requests_to(self, method: str, path: str) -> list[Any]:
        return [r for r in self.server.requests if (r.method, r.path) == (method, path)]


def _client(server: FakeOktawaveServer, validate: bool = True) -> Iterator[Client]:
    sleeps: list[float] = []
    configuration = pyodk.Configuration.from_env(server.environ())
    # Retries sleep into a list, so fault tests are instant and can check the waits.
    configuration.retries = pyodk.RetryPolicy(2, sleep=sleeps.append, random=lambda: 0.5)
    configuration.client_side_validation = validate
    with pyodk.ApiClient(configuration) as api_client:
        yield Client(
            server,
            configuration,
            pyodk.OCISnapshotsApi(api_client),
            pyodk.TicketsApi(api_client),
            sleeps,
        )


@pytest.fixture
def client(fake_oktawave: FakeOktawaveServer) -> Iterator[Client]:
    yield from _client(fake_oktawave)


@pytest.fixture
def raw_client(fake_oktawave: FakeOktawaveServer) -> Iterator[Client]:
    """A client that sends whatever it is given, so that the server's own checks answer."""
    yield from _client(fake_oktawave, validate=False)


def command(name: str = "nightly", description: str | None = "from e2e") -> Any:
    return pyodk.CreateUpdateSnapshotCommand(name=name, description=description)


# --------------------------------------------------------------------- the lifecycle


@pytest.mark.fake_oktawave(ticket_duration=0.2)
def test_whole_lifecycle_list_create_rename_restore_delete(client: Client) -> None:
    srv = client.server
    listing = client.snapshots.instances_get_snapshots(56)
    assert listing.meta.total == len(listing.items) == 4
    assert all(isinstance(s.creation_date, datetime) for s in listing.items)
    # The fake, like ASP.NET, sends some datetimes without an offset: they decode as UTC.
    assert {s.creation_date.tzinfo is None for s in listing.items} == {False}
    previous = next(s for s in listing.items if s.is_current)

    ticket = client.snapshots.instances_post_snapshot(56, command("pre-deploy"))
    assert (ticket.status.id, ticket.progress, ticket.object_id) == (134, 0, 56)
    progress = [ticket.progress]
    while ticket.end_date is None:
        time.sleep(0.04)
        ticket = client.tickets.tickets_get_0(ticket.id)
        progress.append(ticket.progress)
    assert progress == sorted(progress) and progress[-1] == 100
    assert any(0 < p < 100 for p in progress)
    assert ticket.status.id == 136 and ticket.end_date > ticket.creation_date

    created = next(
        s for s in client.snapshots.instances_get_snapshots(56).items if s.name == "pre-deploy"
    )
    assert created.is_current and created.snapshot_parent.id == previous.id
    assert created.creation_user.login == srv.username

    renamed = client.snapshots.snapshots_put(created.id, command("pre-deploy v2", "renamed"))
    assert (renamed.name, renamed.description) == ("pre-deploy v2", "renamed")
    assert renamed.last_change_date >= renamed.creation_date

    restore = client.wait(client.snapshots.snapshots_restore(previous.id))
    assert (restore.status.id, restore.object_id) == (136, previous.id)
    assert client.snapshots.snapshots_get_0(previous.id).is_current is True
    assert client.snapshots.snapshots_get_0(created.id).is_current is False

    deletion = client.wait(client.snapshots.snapshots_delete(created.id))
    assert deletion.status.id == 136
    with pytest.raises(pyodk.NotFoundError):
        client.snapshots.snapshots_get_0(created.id)
    with FakeOktawaveServer() as untouched:
        assert srv.state_dump() == untouched.state_dump()
    kinds = [t.operation_type.label for t in client.tickets.tickets_get().items]
    assert kinds == ["Create snapshot", "Restore snapshot", "Delete snapshot"]


def test_failed_operations_end_in_error_and_change_nothing(client: Client) -> None:
    before = client.server.state_dump()
    client.server.fail_next_operations(1, path="/services/snapshots")
    restore = client.wait(client.snapshots.snapshots_restore(5003))
    assert (restore.status.id, restore.status.label) == (137, "Error")
    assert client.server.state_dump() == before
    create = client.wait(client.snapshots.instances_post_snapshot(56, command()))
    assert create.status.id == 136


def test_with_http_info_async_and_raw_answers(client: Client) -> None:
    data, status, headers = client.snapshots.snapshots_get_0_with_http_info(5001)
    assert (data.id, status) == (5001, 200)
    assert headers["Content-Type"].startswith("application/json")
    future = client.snapshots.snapshots_get_0(5002, async_req=True)
    assert future.get(timeout=10).name == "before-nginx-upgrade"
    raw = client.snapshots.snapshots_get_0(5001, _preload_content=False)
    assert json.loads(raw.data)["Name"] == "Base image"


# --------------------------------------------------------------------- errors


def test_a_wrong_token_is_unauthorized(client: Client) -> None:
    client.configuration.access_token = "not-a-token"
    with pytest.raises(pyodk.UnauthorizedError) as caught:
        client.snapshots.snapshots_get()
    assert caught.value.status == 401
    assert "Authorization has been denied" in caught.value.body


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.snapshots.instances_get_snapshots(999),
        lambda c: c.snapshots.instances_post_snapshot(999, command()),
        lambda c: c.snapshots.snapshots_get_0(999999),
        lambda c: c.snapshots.snapshots_put(999999, command()),
        lambda c: c.snapshots.snapshots_delete(999999),
        lambda c: c.snapshots.snapshots_restore(999999),
        lambda c: c.tickets.tickets_get_0(999999),
    ],
)
def test_unknown_ids_raise_not_found(client: Client, call: Any) -> None:
    with pytest.raises(pyodk.NotFoundError) as caught:
        call(client)
    assert caught.value.status == 404
    assert client.server.tickets_for() == []


@pytest.mark.parametrize(
    ("name", "description", "field"),
    [
        ("", None, "command.Name"),
        ("x" * 501, None, "command.Name"),
        ("a|b", None, "command.Name"),
        ("a%b", None, "command.Name"),
        ("ok", "a/b", "command.Description"),
    ],
)
def test_invalid_commands_come_back_as_bad_request(
    raw_client: Client, name: str, description: str | None, field: str
) -> None:
    # Generated models skip their checks when their configuration says so, as users rely on.
    body = pyodk.CreateUpdateSnapshotCommand(
        name=name, description=description, _configuration=raw_client.configuration
    )
    with pytest.raises(pyodk.BadRequestError) as caught:
        raw_client.snapshots.instances_post_snapshot(56, body)
    assert list(caught.value.model_state) == [field]
    assert raw_client.server.tickets_for() == []


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"order_by": "Id"}, "orderBy"),
        ({"page_number": 0}, "pageNumber"),
        ({"page_size": 0}, "pageSize"),
        ({"page_size": 1001}, "pageSize"),
        ({"instance_id": 0}, "instanceId"),
    ],
)
def test_bad_parameters_come_back_as_bad_request(
    raw_client: Client, kwargs: dict[str, Any], parameter: str
) -> None:
    with pytest.raises(pyodk.BadRequestError) as caught:
        raw_client.snapshots.snapshots_get(**kwargs)
    assert list(caught.value.model_state) == [parameter]


def test_ids_out_of_int32_range_come_back_as_bad_request(raw_client: Client) -> None:
    with pytest.raises(pyodk.BadRequestError) as caught:
        raw_client.snapshots.snapshots_get_0(2**31)
    assert list(caught.value.model_state) == ["id"]


# --------------------------------------------------------------------- collections


def test_pages_cover_every_snapshot_once(client: Client) -> None:
    total = client.snapshots.snapshots_get(page_size=1).meta.total
    ids = []
    page_number = 1
    while True:
        page = client.snapshots.snapshots_get(page_size=3, page_number=page_number)
        assert page.meta.total == total
        if not page.items:
            break
        ids.extend(s.id for s in page.items)
        page_number += 1
    assert ids == client.server.snapshot_ids()


@pytest.mark.parametrize("order_by", SNAPSHOT_ORDER_FIELDS)
def test_order_by_each_field(client: Client, order_by: str) -> None:
    items = client.snapshots.snapshots_get(order_by=order_by).items

    def key(s: Any) -> Any:
        if order_by == "CreationDate":
            moment = s.creation_date
            return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        if order_by == "Instance":
            return s.instance.id
        if order_by in ("Name", "Description"):
            return getattr(s, order_by.lower()).casefold()
        return s.is_current

    assert [key(s) for s in items] == sorted(key(s) for s in items)


def test_query_and_instance_filters(client: Client) -> None:
    found = client.snapshots.snapshots_get(query="NGINX", instance_id=56)
    assert {s.name for s in found.items} == {"before-nginx-upgrade", "after-nginx-upgrade"}
    assert found.meta.total == 2
    assert client.snapshots.snapshots_get(instance_id=57).meta.total == 2
    assert client.snapshots.snapshots_get(query="no such thing").items == []


def test_fields_give_partial_models(client: Client) -> None:
    snapshot = client.snapshots.snapshots_get_0(5001, fields="Id,Name")
    assert (snapshot.id, snapshot.name, snapshot.creation_date) == (5001, "Base image", None)
    page = client.snapshots.snapshots_get(fields="Id", page_size=2)
    assert [s.id for s in page.items] == [5001, 5002] and page.items[0].name is None
    ticket = client.snapshots.snapshots_restore(5003)
    polled = client.tickets.tickets_get_0(ticket.id, fields="Progress,EndDate")
    assert polled.progress == 100 and polled.id is None and polled.end_date is not None


def test_ticket_listing_filters_and_pages(client: Client) -> None:
    client.snapshots.instances_post_snapshot(56, command())
    client.snapshots.snapshots_restore(5007)
    client.snapshots.snapshots_delete(5003)
    listing = client.tickets.tickets_get()
    assert listing.meta.total == 3
    second = client.tickets.tickets_get(page_size=2, page_number=2, order_by="CreationDate")
    assert len(second.items) == 1 and second.meta.total == 3


# --------------------------------------------------------------------- faults


def test_503_on_a_get_is_retried_honouring_retry_after(client: Client) -> None:
    client.server.inject("status", status=503, retry_after=2, path="/services/snapshots/5001")
    assert client.snapshots.snapshots_get_0(5001).id == 5001
    assert [r.fault for r in client.requests_to("GET", "/services/snapshots/5001")] == [
        "status",
        None,
    ]
    assert client.sleeps == [2.0]


def test_503_on_a_post_is_not_retried_and_creates_nothing(client: Client) -> None:
    client.server.inject("status", status=503, method="POST")
    with pytest.raises(pyodk.ServerError) as caught:
        client.snapshots.instances_post_snapshot(56, command())
    assert caught.value.status == 503
    assert len(client.requests_to("POST", "/services/instances/56/snapshots")) == 1
    assert client.server.tickets_for() == []


def test_a_dropped_get_is_retried_and_a_dropped_post_is_not(client: Client) -> None:
    client.server.inject("drop", method="GET")
    assert client.snapshots.snapshots_get_0(5002).id == 5002
    client.server.inject("drop", method="POST")
    with pytest.raises(pyodk.ConnectionDroppedError):
        client.snapshots.snapshots_restore(5003)
    assert client.server.tickets_for() == []


def test_malformed_json_raises_a_decode_error(client: Client) -> None:
    client.server.inject("malformed")
    with pytest.raises(pyodk.ResponseDecodeError) as caught:
        client.snapshots.snapshots_get_0(5001)
    assert caught.value.status == 200


def test_a_truncated_answer_is_a_dropped_connection(client: Client) -> None:
    client.server.inject("truncated", method="POST")
    with pytest.raises(pyodk.ConnectionDroppedError):
        client.snapshots.snapshots_restore(5003)
    assert client.server.tickets_for() == []
    # DELETE is idempotent, so pyodk sends it again; the truncated try never reached the state.
    client.server.inject("truncated", method="DELETE")
    assert client.snapshots.snapshots_delete(5003).object_id == 5003
    assert len(client.requests_to("DELETE", "/services/snapshots/5003")) == 2
    assert len(client.server.tickets_for(5003)) == 1


def test_a_proxy_html_page_is_a_server_error_with_its_body(client: Client) -> None:
    client.server.inject("html", count=3)
    with pytest.raises(pyodk.ServerError) as caught:
        client.snapshots.snapshots_get()
    assert caught.value.status == 502 and "<html>" in caught.value.body
    assert len(client.requests_to("GET", "/services/snapshots")) == 3


def test_a_stall_beyond_the_read_timeout_times_out(client: Client) -> None:
    client.server.inject("stall", seconds=1.0)
    with pytest.raises(pyodk.ResponseTimeoutError):
        client.snapshots.snapshots_get_0(5001, _request_timeout=0.2)
    client.server.inject("stall", seconds=0.1)
    assert client.snapshots.snapshots_get_0(5001, _request_timeout=2).id == 5001
