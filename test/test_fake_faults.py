"""Fault injection and the request log of the fake server, seen over a raw socket."""

from __future__ import annotations

import base64
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


def give_up_waiting(srv: FakeOktawaveServer, path: str) -> None:
    """GET the path as a client with a 0.2 s read timeout that the answer does not meet."""
    host, port = srv.url.split("/")[2].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=0.2)
    conn.request("GET", path, headers={"Authorization": "Bearer x"})
    with pytest.raises(TimeoutError):
        conn.getresponse()
    conn.close()


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
    give_up_waiting(srv, "/services/snapshots")


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


# --------------------------------------------------------------------- answers in the log


def test_request_log_records_each_answer_status_and_body(
    srv: FakeOktawaveServer, api: RawApi
) -> None:
    ok = api.get("/snapshots/5001")
    missing = api.get("/snapshots/999999")
    srv.inject("status", status=503, path="/services/tickets")
    faulted = api.get("/tickets")
    srv.inject("html", path="/services/tickets")
    proxy = api.get("/tickets")
    srv.inject("malformed", path="/services/tickets")
    broken = api.get("/tickets")
    log = srv.requests
    assert [r.status for r in log] == [200, 404, 503, 502, 200]
    assert [r.response_body for r in log] == [a.body for a in (ok, missing, faulted, proxy, broken)]
    assert log[0].response_json == ok.json and log[0].response_json["Id"] == 5001
    assert log[1].response_json == {"Message": "Snapshot 999999 was not found."}
    assert log[3].response_json is None and b"<html>" in (log[3].response_body or b"")
    assert log[4].response_json is None


def test_a_truncated_answer_is_logged_as_sent_and_a_drop_has_none(
    srv: FakeOktawaveServer, api: RawApi
) -> None:
    srv.inject("truncated", body=b'{"Id": 50')
    with pytest.raises(http.client.IncompleteRead):
        api.get("/snapshots/5001")
    srv.inject("drop")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        api.get("/snapshots/5001")
    truncated, dropped = srv.requests
    assert (truncated.fault, truncated.status, truncated.response_body) == (
        "truncated",
        200,
        b'{"Id": 50',
    )
    assert (dropped.fault, dropped.status, dropped.response_body) == ("drop", None, None)


def test_a_stalled_request_is_in_the_log_before_its_answer(srv: FakeOktawaveServer) -> None:
    srv.inject("stall", seconds=0.5)
    give_up_waiting(srv, "/services/snapshots/5001")
    (waiting,) = srv.requests
    assert (waiting.path, waiting.fault, waiting.status) == (
        "/services/snapshots/5001",
        "stall",
        None,
    )
    deadline = time.monotonic() + 5
    while srv.requests[0].status is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert srv.requests[0].status == 401


def test_the_token_endpoint_s_answers_are_logged_but_secrets_stay_out_of_text(
    srv: FakeOktawaveServer,
) -> None:
    login = {"grant_type": "password", "username": srv.username, "password": srv.password}
    grant = token_request(srv, login).json
    RawApi(srv, token=grant["access_token"]).get("/tickets")
    token_call, api_call = srv.requests
    assert token_call.status == 200 and token_call.response_json == grant
    secrets = [srv.password, srv.client_secret, grant["access_token"], grant["refresh_token"]]
    texts = [repr(token_call), repr(api_call), repr(srv.requests)]
    texts += [json.dumps(token_call.to_json()), json.dumps(api_call.to_json())]
    for text in texts:
        for secret in secrets:
            assert secret not in text
    basic = base64.b64encode(f"{srv.client_id}:{srv.client_secret}".encode()).decode()
    assert all(basic not in text for text in texts)
    rendered = token_call.to_json()
    assert rendered["headers"]["Authorization"] == "Basic [redacted]"
    assert (
        "grant_type=password" in rendered["body"] and "password=%5Bredacted%5D" in rendered["body"]
    )
    assert json.loads(rendered["response_body"])["token_type"] == "Bearer"
    assert api_call.to_json()["headers"]["Authorization"] == "Bearer [redacted]"
    # The in-process log keeps everything, for tests that check what was sent.
    assert api_call.headers["Authorization"] == f"Bearer {grant['access_token']}"
