"""Fault injection and the request log of the fake server, seen over a raw socket."""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Iterator

import pytest
from fake_http import RawApi, token_request

from pyodk.testing import FAULT_KINDS, FakeOktawaveServer


@pytest.fixture
def srv() -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=0) as server:
        yield server


@pytest.fixture
def api(srv: FakeOktawaveServer) -> Iterator[RawApi]:
    client = RawApi(srv)
    yield client
    client.close()


def test_status_fault_answers_json_with_retry_after_and_creates_nothing(
    srv: FakeOktawaveServer, api: RawApi
) -> None:
    before = srv.state_dump()
    srv.inject("status", status=503, retry_after=2)
    answer = api.call("POST", "/instances/56/snapshots", {"Name": "x"})
    assert answer.status == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.headers["Content-Type"].startswith("application/json")
    assert "Message" in answer.json
    assert srv.tickets_for() == [] and srv.state_dump() == before
    assert api.call("POST", "/instances/56/snapshots", {"Name": "x"}).status == 200
    assert len(srv.tickets_for()) == 1


def test_status_fault_with_custom_body_and_no_retry_after(
    srv: FakeOktawaveServer, api: RawApi
) -> None:
    srv.inject("status", status=429, body={"Message": "slow down"})
    answer = api.get("/snapshots")
    assert (answer.status, answer.json) == (429, {"Message": "slow down"})
    assert "Retry-After" not in answer.headers


def test_fractional_retry_after_is_rounded_up(srv: FakeOktawaveServer, api: RawApi) -> None:
    srv.inject("status", retry_after=0.2)
    assert api.get("/snapshots").headers["Retry-After"] == "1"


def test_count_and_filters_choose_which_requests_fault(
    srv: FakeOktawaveServer, api: RawApi
) -> None:
    srv.inject("status", count=2, method="GET", path="/services/snapshots/5001")
    assert api.get("/snapshots/5002").status == 200
    assert api.call("PUT", "/snapshots/5001", {"Name": "a"}).status == 200
    assert api.get("/snapshots/50011").status == 404
    assert [api.get("/snapshots/5001").status for _ in range(3)] == [503, 503, 200]
    assert srv.faults.pending() == 0


def test_path_filter_covers_sub_paths_and_regexes(srv: FakeOktawaveServer, api: RawApi) -> None:
    srv.inject("status", path="/services/snapshots/5003")
    assert api.call("POST", "/snapshots/5003/restore_ticket").status == 503
    srv.inject("status", path=r"/services/tickets/\d+")
    assert api.get("/tickets").status == 200
    assert api.get("/tickets/1").status == 503
    srv.inject("status", path=re.compile(r".*/instances/\d+/snapshots"), method="post")
    assert api.get("/instances/56/snapshots").status == 200
    assert api.call("POST", "/instances/56/snapshots", {"Name": "a"}).status == 503


def test_stall_delays_then_answers_normally(srv: FakeOktawaveServer, api: RawApi) -> None:
    srv.inject("stall", seconds=0.3, method="PUT")
    started = time.monotonic()
    answer = api.call("PUT", "/snapshots/5002", {"Name": "slow"})
    assert time.monotonic() - started >= 0.3
    assert answer.status == 200 and srv.get_snapshot_json(5002)["Name"] == "slow"


def test_stall_longer_than_the_client_timeout_times_the_client_out(
    srv: FakeOktawaveServer,
) -> None:
    srv.inject("stall", seconds=2)
    host, port = srv.url.split("/")[2].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=0.2)
    conn.request("GET", "/services/snapshots", headers={"Authorization": "Bearer x"})
    with pytest.raises(TimeoutError):
        conn.getresponse()
    conn.close()


def test_drop_closes_the_connection_without_an_answer(srv: FakeOktawaveServer, api: RawApi) -> None:
    srv.inject("drop", method="POST")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        api.call("POST", "/instances/56/snapshots", {"Name": "x"})
    assert srv.tickets_for() == []
    assert api.call("POST", "/instances/56/snapshots", {"Name": "x"}).status == 200


def test_malformed_answers_200_json_that_is_not_json(srv: FakeOktawaveServer, api: RawApi) -> None:
    srv.inject("malformed")
    answer = api.get("/snapshots/5001")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.body)
    assert api.get("/snapshots/5001").json["Id"] == 5001


def test_truncated_promises_more_bytes_than_it_sends(srv: FakeOktawaveServer, api: RawApi) -> None:
    srv.inject("truncated", method="DELETE")
    with pytest.raises(http.client.IncompleteRead):
        api.call("DELETE", "/snapshots/5003")
    assert 5003 in srv.snapshot_ids()
    assert api.get("/snapshots/5003").status == 200


def test_html_is_a_proxy_error_page(srv: FakeOktawaveServer, api: RawApi) -> None:
    srv.inject("html")
    answer = api.get("/snapshots")
    assert answer.status == 502
    assert answer.headers["Content-Type"].startswith("text/html")
    assert b"<html>" in answer.body and b"502 Bad Gateway" in answer.body
    srv.inject("html", status=504, retry_after=3)
    answer = api.get("/snapshots")
    assert answer.status == 504 and answer.headers["Retry-After"] == "3"


def test_faults_apply_to_the_token_endpoint_too(srv: FakeOktawaveServer) -> None:
    srv.inject("status", status=503, path="/core/connect/token")
    login = {"grant_type": "password", "username": srv.username, "password": srv.password}
    assert token_request(srv, login).status == 503
    assert srv.token_fetches == 0
    assert token_request(srv, login).status == 200
    assert srv.token_fetches == 1


def test_bad_fault_arguments_are_refused(srv: FakeOktawaveServer) -> None:
    assert set(FAULT_KINDS) == {"status", "stall", "drop", "malformed", "truncated", "html"}
    with pytest.raises(ValueError):
        srv.inject("explode")
    with pytest.raises(ValueError):
        srv.inject("status", count=0)
    with pytest.raises(ValueError):
        srv.inject("stall")
    with pytest.raises(ValueError):
        srv.fail_next_operations(0)


def test_request_log_shows_exactly_what_arrived(srv: FakeOktawaveServer, api: RawApi) -> None:
    srv.inject("status", method="GET")
    api.get("/snapshots?query=a%20b&pageSize=2&pageSize=3")
    api.call("POST", "/instances/56/snapshots", {"Name": "logged"}, headers={"X-Trace": "t1"})
    log = srv.requests
    assert [(r.method, r.path, r.fault) for r in log] == [
        ("GET", "/services/snapshots", "status"),
        ("POST", "/services/instances/56/snapshots", None),
    ]
    assert log[0].query == {"query": ["a b"], "pageSize": ["2", "3"]}
    assert log[0].body == b"" and log[0].json is None
    assert log[1].json == {"Name": "logged"}
    assert log[1].headers["x-trace"] == "t1" and log[1].headers["X-TRACE"] == "t1"
    assert log[1].headers["authorization"] == f"Bearer {srv.access_token}"
    assert "X-Trace" in list(log[1].headers)
    srv.clear_requests()
    assert srv.requests == []


def test_request_log_keeps_unauthorised_and_invalid_requests(
    srv: FakeOktawaveServer,
) -> None:
    RawApi(srv, token="bad").get("/tickets")
    RawApi(srv).call("PUT", "/snapshots/5001", raw_body=b"{oops", content_type="application/json")
    assert [(r.method, r.path) for r in srv.requests] == [
        ("GET", "/services/tickets"),
        ("PUT", "/services/snapshots/5001"),
    ]
    assert srv.requests[1].body == b"{oops" and srv.requests[1].json is None
