"""The fake routes by the contract: simulated operations answer, the others 501, the rest 404."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fake_http import RawApi

import pyodk
from pyodk.api import OPERATION_INDEX
from pyodk.testing import SIMULATED_OPERATIONS, FakeOktawaveServer
from pyodk.testing.routing import MethodNotAllowed, RouteTable

NOT_SIMULATED = [entry for entry in OPERATION_INDEX if entry[0] not in SIMULATED_OPERATIONS]


@pytest.fixture(scope="module")
def srv() -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=0) as server:
        yield server


@pytest.fixture
def api(srv: FakeOktawaveServer) -> Iterator[RawApi]:
    srv.reset()
    client = RawApi(srv)
    yield client
    client.close()


def concrete(template: str) -> str:
    """A request path for a template: every parameter an id that exists in the seed."""
    return re.sub(r"\{\w+\}", "56", template)


def test_the_simulated_operations_are_contract_operations_where_the_contract_puts_them() -> None:
    index = {entry[0]: entry[1:] for entry in OPERATION_INDEX}
    assert len(OPERATION_INDEX) == 177 == len(index)
    assert set(index) >= SIMULATED_OPERATIONS
    assert {op: index[op] for op in SIMULATED_OPERATIONS} == {
        "instances_get": ("GET", "/instances", "OCIApi"),
        "instances_get_0": ("GET", "/instances/{id}", "OCIApi"),
        "instances_get_snapshots": ("GET", "/instances/{id}/snapshots", "OCISnapshotsApi"),
        "instances_post_snapshot": ("POST", "/instances/{id}/snapshots", "OCISnapshotsApi"),
        "snapshots_get": ("GET", "/snapshots", "OCISnapshotsApi"),
        "snapshots_get_0": ("GET", "/snapshots/{id}", "OCISnapshotsApi"),
        "snapshots_put": ("PUT", "/snapshots/{id}", "OCISnapshotsApi"),
        "snapshots_delete": ("DELETE", "/snapshots/{id}", "OCISnapshotsApi"),
        "snapshots_restore": ("POST", "/snapshots/{id}/restore_ticket", "OCISnapshotsApi"),
        "tickets_get": ("GET", "/tickets", "TicketsApi"),
        "tickets_get_0": ("GET", "/tickets/{id}", "TicketsApi"),
    }


def test_every_other_contract_operation_answers_501_naming_it(
    srv: FakeOktawaveServer, api: RawApi
) -> None:
    assert len(NOT_SIMULATED) == 166
    before = srv.state_dump()
    for operation_id, method, template, _ in NOT_SIMULATED:
        body = {"Name": "x"} if method in ("POST", "PUT") else None
        answer = api.call(method, concrete(template), body)
        expected = (
            f"The fake Oktawave server does not simulate {operation_id} ({method} {template})."
        )
        assert (answer.status, answer.json) == (501, {"Message": expected}), operation_id
    # Nothing was done, and every refusal is in the log with its answer.
    assert srv.state_dump() == before and srv.tickets_for() == []
    log = srv.requests
    assert len(log) == len(NOT_SIMULATED)
    assert {r.status for r in log} == {501}
    assert all(r.response_json["Message"].startswith("The fake") for r in log)


def test_501_comes_before_authentication(srv: FakeOktawaveServer) -> None:
    # The fake knows nothing of the operation, so it says so to anyone, rather than a 401 that a
    # test could mistake for the service's answer.
    answer = RawApi(srv, token="not-a-token").get("/groups")
    assert answer.status == 501
    assert "groups_get_groups (GET /groups)" in answer.json["Message"]


@pytest.mark.parametrize(
    ("method", "path", "operation_id"),
    [
        # A literal segment wins over a parameter: these are not instances_get_0 with id "types".
        ("GET", "/instances/types", "instances_get_instances_types"),
        ("GET", "/instances/types/3", "instances_get_instance_type"),
        ("GET", "/instances/ip_addresses", "instances_get_ips"),
        ("GET", "/instances/schedulers", "instances_get_schedulers"),
        ("GET", "/groups/schedulers/7", "groups_get_group_scheduler"),
        ("GET", "/watch/healthchecks/notifications", "watch_get_health_check_notifications"),
        ("GET", "/dictionaries/languages", "dictionaries_get_languages"),
        ("GET", "/dictionaries/1,2", "dictionaries_get_dictionaries_items"),
        # A trailing slash is ignored.
        ("POST", "/instances/56/power_off_ticket/", "instances_power_off"),
        # Paths match in any case, as ASP.NET routes do.
        ("POST", "/Instances/56/Power_On_Ticket", "instances_power_on"),
        ("DELETE", "/instances/56", "instances_delete"),
    ],
)
def test_the_most_specific_template_wins(
    api: RawApi, method: str, path: str, operation_id: str
) -> None:
    answer = api.call(method, path)
    assert answer.status == 501, answer.body
    assert f" {operation_id} (" in answer.json["Message"]


def test_simulated_and_not_simulated_share_paths(api: RawApi) -> None:
    assert api.get("/instances/56").status == 200
    assert api.call("DELETE", "/instances/56").status == 501
    assert api.get("/instances/56").status == 200


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PATCH", "/snapshots/5001", "GET, PUT, DELETE"),
        ("PUT", "/instances/56", "GET, DELETE"),
        ("DELETE", "/tickets/880001", "GET"),
        ("GET", "/snapshots/5001/restore_ticket", "POST"),
        ("GET", "/instances/56/power_off_ticket", "POST"),
    ],
)
def test_a_method_the_contract_lacks_answers_405_with_the_contract_s_methods(
    api: RawApi, method: str, path: str, allow: str
) -> None:
    answer = api.call(method, path)
    assert answer.status == 405
    assert answer.headers["Allow"] == allow
    assert answer.json == {
        "Message": f"The requested resource does not support http method '{method}'."
    }


@pytest.mark.parametrize(
    "path", ["/nothing/here", "/instances/56/snapshots/5001", "/snapshots/5001/extra", "/"]
)
def test_a_path_outside_the_contract_answers_404(api: RawApi, path: str) -> None:
    answer = api.get(path)
    assert answer.status == 404
    assert answer.json["Message"].startswith("No HTTP resource was found")


def test_pyodk_raises_a_server_error_for_a_501_and_does_not_retry_it(
    srv: FakeOktawaveServer,
) -> None:
    configuration = pyodk.Configuration.from_env(srv.environ())
    with pyodk.ApiClient(configuration) as client, pytest.raises(pyodk.ServerError) as caught:
        client.call_api("/groups", "GET", response_type="ApiCollectionTicket")
    assert caught.value.status == 501
    assert "does not simulate groups_get_groups" in str(caught.value.body)
    assert [(r.method, r.path, r.status) for r in srv.requests][-1:] == [
        ("GET", "/services/groups", 501)
    ]
    assert sum(r.path == "/services/groups" for r in srv.requests) == 1


# --------------------------------------------------------------------- the table itself


def test_route_table_resolves_by_precedence_then_method() -> None:
    table = RouteTable(
        [
            ("thing_get", "GET", "/things/{id}", "ThingsApi"),
            ("thing_delete", "DELETE", "/things/{id}", "ThingsApi"),
            ("kinds_get", "GET", "/things/kinds", "ThingsApi"),
            ("part_get", "GET", "/things/{id}/parts/{part}", "ThingsApi"),
        ]
    )
    kinds = table.resolve("GET", "/things/kinds")
    assert kinds is not None and kinds.route.operation_id == "kinds_get" and kinds.params == {}
    one = table.resolve("GET", "/THINGS/12")
    assert one is not None and (one.route.operation_id, one.params) == ("thing_get", {"id": "12"})
    # DELETE exists only on the less specific template, which then serves it.
    deleted = table.resolve("DELETE", "/things/kinds")
    assert deleted is not None and deleted.params == {"id": "kinds"}
    part = table.resolve("GET", "/things/1/parts/a%20b")
    assert part is not None and part.params == {"id": "1", "part": "a%20b"}
    assert table.resolve("GET", "/things") is None
    assert table.resolve("GET", "/things/1/parts") is None
    with pytest.raises(MethodNotAllowed) as caught:
        table.resolve("PUT", "/things/12")
    assert caught.value.allowed == ("GET", "DELETE")
    assert table.by_operation["part_get"].describe() == "part_get (GET /things/{id}/parts/{part})"
