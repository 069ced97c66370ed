"""reset() and the control API under /_fake: the fake driven over HTTP, as another process would."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from fake_http import ManualClock, RawApi, token_request

from pyodk.testing import STATUS_SUCCEED, FakeOktawaveServer


@dataclass
class Control:
    """A bare HTTP client for the control API: no token, JSON in and out."""

    server: FakeOktawaveServer

    def call(
        self, method: str, path: str, body: Any = None, raw: bytes | None = None
    ) -> tuple[int, Any, http.client.HTTPMessage]:
        parts = urlsplit(self.server.control_url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        try:
            conn.request(method, "/_fake" + path, body=data)
            answer = conn.getresponse()
            content = answer.read()
            return answer.status, json.loads(content) if content else None, answer.headers
        finally:
            conn.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def srv(clock: ManualClock) -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=10, clock=clock) as server:
        yield server


@pytest.fixture
def control(srv: FakeOktawaveServer) -> Control:
    return Control(srv)


@pytest.fixture
def api(srv: FakeOktawaveServer) -> Iterator[RawApi]:
    client = RawApi(srv)
    yield client
    client.close()


# --------------------------------------------------------------------- reset()


def test_reset_gives_back_the_state_right_after_construction(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    pristine = srv.state_dump()
    first_ticket = api.call("POST", "/instances/56/snapshots", {"Name": "gone soon"}).json
    srv.add_instance("extra", 4242)
    srv.ticket_duration = 0
    srv.inject("status", count=5, path="/services/nothing")
    srv.fail_next_operations(3)
    login = {"grant_type": "password", "username": srv.username, "password": srv.password}
    issued = token_request(srv, login).json["access_token"]
    clock.advance(20)
    skipped_before = srv.clock()
    assert srv.state_dump() != pristine and srv.requests and srv.token_fetches == 1

    srv.reset()

    assert srv.state_dump() == pristine
    assert srv.requests == [] and srv.faults.pending() == 0
    assert srv.ticket_duration == 10 and srv.token_fetches == 0
    assert srv.clock() == skipped_before, "time never runs backwards"
    # Ids start over, so a test after a reset sees what a test on a fresh server sees.
    again = api.call("POST", "/instances/56/snapshots", {"Name": "again"}).json
    assert again["Id"] == first_ticket["Id"] == 880001
    assert again["Progress"] == 0, "ticket duration is back to 10 s"
    clock.advance(11)
    assert api.get("/tickets/880001").json["Status"]["Id"] == STATUS_SUCCEED, "no planned failure"
    assert 5009 in srv.snapshot_ids(56)
    # The static token still works; issued ones are forgotten.
    assert api.get("/tickets").status == 200
    assert RawApi(srv, token=issued).get("/tickets").status == 401


def test_reset_keeps_an_empty_account_empty() -> None:
    with FakeOktawaveServer(seed_defaults=False) as srv:
        srv.add_instance("temporary")
        srv.reset()
        assert srv.state_dump() == {"instances": []}
        assert srv.add_instance("first") == 1000


# --------------------------------------------------------------------- the control API


def test_the_index_lists_every_endpoint(control: Control) -> None:
    status, body, _ = control.call("GET", "")
    assert status == 200
    listed = {entry["endpoint"] for entry in body["endpoints"]}
    assert listed == {
        "GET /_fake",
        "POST /_fake/reset",
        "GET /_fake/state",
        "POST /_fake/instances",
        "POST /_fake/snapshots",
        "POST /_fake/faults",
        "POST /_fake/operation_failures",
        "POST /_fake/clock/advance",
        "GET /_fake/requests",
        "DELETE /_fake/requests",
    }
    assert all(entry["summary"] for entry in body["endpoints"])


def test_reset_over_http(srv: FakeOktawaveServer, control: Control, api: RawApi) -> None:
    pristine = srv.state_dump()
    api.call("DELETE", "/snapshots/5003")
    srv.add_instance("extra")
    status, body, _ = control.call("POST", "/reset")
    assert (status, body) == (204, None)
    assert srv.state_dump() == pristine and srv.requests == []
    assert control.call("GET", "/state")[1] == pristine


def test_add_an_instance_and_snapshots_then_find_them_through_the_api(
    srv: FakeOktawaveServer, control: Control, api: RawApi
) -> None:
    status, instance, _ = control.call(
        "POST",
        "/instances",
        {
            "name": "ci-runner",
            "type_id": 1503,
            "is_turned_on": False,
            "creation_date": "2026-01-05",
        },
    )
    assert status == 201
    assert instance == srv.get_instance_json(instance["Id"])
    assert (instance["Name"], instance["RamMb"], instance["Status"]["Id"]) == (
        "ci-runner",
        8192,
        87,
    )
    assert instance["CreationDate"].startswith("2026-01-05T")
    found = api.get("/instances?query=CI-RUN").json
    assert [i["Id"] for i in found["Items"]] == [instance["Id"]]

    status, base, _ = control.call(
        "POST",
        "/snapshots",
        {"instance_id": instance["Id"], "name": "golden", "is_system": True, "description": None},
    )
    assert status == 201 and base["IsSystem"] is True and base["Description"] is None
    status, side, _ = control.call(
        "POST",
        "/snapshots",
        {"instance_id": instance["Id"], "name": "side", "parent_id": None, "make_current": False},
    )
    assert status == 201
    assert (side["SnapshotParent"], side["IsCurrent"]) == (None, False)
    assert srv.snapshot_ids(instance["Id"]) == [base["Id"], side["Id"]]
    assert api.get(f"/snapshots/{base['Id']}").json["IsCurrent"] is True


def test_faults_and_operation_failures_over_http(
    srv: FakeOktawaveServer, control: Control, api: RawApi, clock: ManualClock
) -> None:
    status, body, _ = control.call(
        "POST",
        "/faults",
        {"kind": "status", "status": 429, "retry_after": 1.5, "path": "/services/tickets"},
    )
    assert (status, body) == (201, {"kind": "status", "remaining": 1, "status": 429})
    throttled = api.get("/tickets")
    assert (throttled.status, throttled.headers["Retry-After"]) == (429, "2")
    control.call("POST", "/faults", {"kind": "html", "count": 2, "body": "<p>down</p>"})
    assert [api.get("/snapshots").body for _ in range(3)][:2] == [b"<p>down</p>"] * 2

    status, body, _ = control.call("POST", "/operation_failures", {"n": 1, "method": "DELETE"})
    assert (status, body) == (201, {"pending": 1})
    ticket = api.call("DELETE", "/snapshots/5003").json
    clock.advance(11)
    assert api.get(f"/tickets/{ticket['Id']}").json["Status"]["Id"] == 137
    assert 5003 in srv.snapshot_ids()


def test_advancing_the_clock_finishes_tickets(
    srv: FakeOktawaveServer, control: Control, api: RawApi
) -> None:
    ticket = api.call("POST", "/instances/56/snapshots", {"Name": "waits"}).json
    status, body, _ = control.call("POST", "/clock/advance", {"seconds": 4})
    assert (status, body) == (200, {"skipped": 4})
    assert api.get(f"/tickets/{ticket['Id']}").json["Progress"] == 40
    assert control.call("POST", "/clock/advance", {"seconds": 6.5})[1] == {"skipped": 10.5}
    assert api.get(f"/tickets/{ticket['Id']}").json["Status"]["Id"] == STATUS_SUCCEED
    assert srv.clock.skipped == 10.5


def test_the_request_log_over_http_is_redacted_and_leaves_out_control_calls(
    srv: FakeOktawaveServer, control: Control, api: RawApi
) -> None:
    control.call("POST", "/faults", {"kind": "status", "path": "/services/snapshots"})
    api.get("/snapshots?query=a%20b")
    api.call("PUT", "/snapshots/5002", {"Name": "renamed"})
    status, log, _ = control.call("GET", "/requests")
    assert status == 200
    assert [(r["method"], r["path"], r["status"], r["fault"]) for r in log] == [
        ("GET", "/services/snapshots", 503, "status"),
        ("PUT", "/services/snapshots/5002", 200, None),
    ]
    assert log[0]["query"] == {"query": ["a b"]}
    assert json.loads(log[1]["body"]) == {"Name": "renamed"}
    assert json.loads(log[1]["response_body"])["Name"] == "renamed"
    assert log[1]["headers"]["Authorization"] == "Bearer [redacted]"
    assert srv.access_token not in json.dumps(log)
    assert control.call("DELETE", "/requests")[0] == 204
    assert control.call("GET", "/requests")[1] == [] == srv.requests


def test_control_calls_are_never_faulted(srv: FakeOktawaveServer, control: Control) -> None:
    srv.inject("drop", count=3)
    assert control.call("GET", "/state")[0] == 200
    assert srv.faults.pending() == 3


@pytest.mark.parametrize(
    ("method", "path", "raw", "status", "message"),
    [
        ("POST", "/instances", b'{"nme": "typo"}', 400, "unknown argument nme"),
        ("POST", "/instances", b'{"name": 5}', 400, "name must be a string, got 5"),
        ("POST", "/instances", b'{"id": true}', 400, "id must be an integer, got true"),
        ("POST", "/instances", b'{"id": 56}', 400, "instance 56 already exists"),
        ("POST", "/instances", b'{"type_id": 7}', 400, "unknown type_id 7"),
        ("POST", "/instances", b'{"creation_date": "soon"}', 400, "ISO 8601"),
        ("POST", "/instances", b"[1]", 400, "must be a JSON object"),
        ("POST", "/instances", b"{oops", 400, "not JSON"),
        ("POST", "/snapshots", b"{}", 400, "needs instance_id"),
        ("POST", "/snapshots", b'{"instance_id": 999}', 404, "Instance 999 was not found."),
        ("POST", "/faults", b'{"kind": "explode"}', 400, "unknown fault kind"),
        ("POST", "/faults", b'{"kind": "status", "count": 0}', 400, "count must be at least 1"),
        ("POST", "/clock/advance", b'{"seconds": -1}', 400, "finite number >= 0"),
        ("POST", "/clock/advance", b'{"seconds": "1"}', 400, "seconds must be a number"),
        ("GET", "/nothing", None, 404, "no control endpoint /_fake/nothing"),
    ],
)
def test_bad_control_calls_say_what_is_wrong_and_change_nothing(
    srv: FakeOktawaveServer,
    control: Control,
    method: str,
    path: str,
    raw: bytes | None,
    status: int,
    message: str,
) -> None:
    before = srv.state_dump()
    got, body, _ = control.call(method, path, raw=raw)
    assert got == status
    assert message in body["Message"]
    assert srv.state_dump() == before and srv.faults.pending() == 0 and srv.clock.skipped == 0


def test_a_wrong_method_on_a_control_endpoint_is_405_with_allow(control: Control) -> None:
    status, body, headers = control.call("PUT", "/requests")
    assert status == 405 and headers["Allow"] == "GET, DELETE"
    assert "GET, DELETE" in body["Message"]
