"""Errors that say what happened: str(e) is one line; details() and the attributes hold the rest.

The line gives the class, the status, the method and path, the operation, the service's Message,
the request id when the answer has one, and the attempts made (and, for failures without an
answer, how long they took). Servers listen on 127.0.0.1.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from reliability_helpers import (
    ScriptedServer,
    Sleeps,
    configuration,
    free_port,
    policy,
    stall,
)

import pyodk
from pyodk.testing import FakeOktawaveServer


def answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Any:
    def respond(handler: Any) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    return respond


def failure(respond: Any, call: Any = None, **settings: Any) -> pyodk.ApiException:
    with ScriptedServer(respond) as server:
        config = configuration(server.url, **{"retries": 0, **settings})
        with pyodk.ApiClient(config) as api_client, pytest.raises(pyodk.ApiException) as caught:
            api = pyodk.OCISnapshotsApi(api_client)
            (call or (lambda api: api.snapshots_get_0(999999)))(api)
    return caught.value


def test_a_404_is_one_line_with_the_services_message_and_the_request_id():
    error = failure(
        answer(404, {"Message": "Snapshot not found"}, {"X-Request-Id": "7f3a"}),
        lambda api: api.snapshots_get_0(999999),
    )
    assert str(error) == (
        "NotFoundError: 404 GET /snapshots/999999 (snapshots_get_0): Snapshot not found "
        "[request-id 7f3a] after 1 attempt"
    )
    assert (error.method, error.path, error.operation) == (
        "GET",
        "/snapshots/999999",
        "snapshots_get_0",
    )
    assert (error.attempts, error.request_id, error.status) == (1, "7f3a", 404)


@pytest.mark.parametrize("header", ["Request-Id", "X-Correlation-Id", "x-request-id"])
def test_other_request_id_headers_are_found(header):
    error = failure(answer(500, {"Message": "boom"}, {header: "req-42"}))
    assert "[request-id req-42]" in str(error) and error.request_id == "req-42"


def test_a_validation_error_names_the_fields_on_its_one_line():
    body = {
        "Message": "The request is invalid.",
        "ModelState": {"command.Name": ["The Name field is required.", "Too long."]},
    }
    error = failure(
        answer(400, body),
        lambda api: api.snapshots_put(5002, pyodk.CreateUpdateSnapshotCommand()),
    )
    assert str(error) == (
        "BadRequestError: 400 PUT /snapshots/5002 (snapshots_put): The request is invalid. "
        "(command.Name: The Name field is required. Too long.) after 1 attempt"
    )


def test_a_message_over_several_lines_still_makes_one_line():
    error = failure(answer(409, {"Message": "busy:\n  ticket 880001\r\n  is running"}))
    assert "\n" not in str(error) and "busy: ticket 880001 is running after 1" in str(error)


def test_without_a_message_the_reason_phrase_says_it():
    error = failure(answer(503, b"", {"Content-Type": "text/plain"}))
    assert str(error) == (
        "ServerError: 503 GET /snapshots/999999 (snapshots_get_0): Service Unavailable "
        "after 1 attempt"
    )


def test_details_keeps_the_generated_block_below_the_line():
    error = failure(answer(404, {"Message": "Snapshot not found"}, {"X-Trace": "t-1"}))
    lines = error.details().splitlines()
    assert lines[0] == str(error)
    assert lines[1:3] == ["(404)", "Reason: Not Found"]
    assert lines[3].startswith("HTTP response headers: ") and "'X-Trace': 't-1'" in lines[3]
    assert lines[4] == 'HTTP response body: {"Message": "Snapshot not found"}'


def test_retries_count_in_the_attempts():
    sleeps = Sleeps()
    error = failure(answer(503, {"Message": "busy"}), retries=policy(2, sleeps))
    assert error.attempts == 3 and str(error).endswith("busy after 3 attempts")


def test_a_refused_connection_names_the_host_the_attempts_and_the_time():
    port = free_port()
    waits = pyodk.RetryPolicy(3, backoff_factor=0.05, random=lambda: 1.0)
    config = configuration(f"http://127.0.0.1:{port}/services", retries=waits)
    with pyodk.ApiClient(config) as api_client, pytest.raises(pyodk.ConnectionFailedError) as c:
        pyodk.OCISnapshotsApi(api_client).snapshots_get_0(5002)
    assert re.fullmatch(
        rf"ConnectionFailedError: GET /snapshots/5002 \(snapshots_get_0\): connection refused by "
        rf"127\.0\.0\.1:{port} after 4 attempts over \d+\.\d s",
        str(c.value),
    ), str(c.value)
    assert c.value.elapsed is not None and c.value.elapsed >= 0.35  # 0.05 + 0.1 + 0.2 of waits


def test_a_read_timeout_names_the_host_and_the_timeout():
    error = failure(stall(3), lambda api: api.snapshots_get_0(5002, _request_timeout=(2, 0.3)))
    assert isinstance(error, pyodk.ResponseTimeoutError)
    assert re.fullmatch(
        r"ResponseTimeoutError: GET /snapshots/5002 \(snapshots_get_0\): no answer from "
        r"127\.0\.0\.1:\d+ within the 0\.3 s read timeout after 1 attempt over 0\.\d s",
        str(error),
    ), str(error)


def test_a_generated_style_call_without_an_operation_still_says_method_and_path(stub, api_client):
    stub.answer({"Message": "gone"}, status=410)
    with pytest.raises(pyodk.ApiException) as caught:
        api_client.call_api("/widgets/{id}", "DELETE", {"id": 3})
    assert str(caught.value) == "ApiException: 410 DELETE /widgets/3: gone after 1 attempt"


def test_a_re_send_after_a_401_counts_both_attempts():
    with FakeOktawaveServer() as fake:
        fake.inject("status", status=401, path="/services/snapshots/999999")
        config = pyodk.Configuration()
        config.host = fake.url
        config.retries = 0
        config.token_source = pyodk.auth.PasswordGrant(
            fake.client_id,
            fake.client_secret,
            fake.username,
            fake.password,
            token_url=fake.token_url,
        )
        with pyodk.ApiClient(config) as api_client, pytest.raises(pyodk.NotFoundError) as c:
            pyodk.OCISnapshotsApi(api_client).snapshots_get_0(999999)
        config.token_source.close()
    assert c.value.attempts == 2 and str(c.value).endswith("after 2 attempts")


def test_retries_are_logged_with_their_reason_and_delay(caplog):
    caplog.set_level(logging.INFO, logger="pyodk")
    with FakeOktawaveServer() as fake:
        fake.inject("status", status=503, method="GET")
        fake.inject("drop", method="GET")
        config = configuration(fake.url, fake.access_token, retries=policy(3))
        with pyodk.ApiClient(config) as api_client:
            assert pyodk.OCISnapshotsApi(api_client).snapshots_get_0(5002).id == 5002
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying")]
    assert retries[0] == (
        f"retrying GET {fake.url}/snapshots/5002 in 0.50s after 503 (attempt 1 failed)"
    )
    assert retries[1].startswith(f"retrying GET {fake.url}/snapshots/5002 in 1.00s after the ")
    assert "broke before a full answer arrived (attempt 2 failed)" in retries[1]


def test_an_exception_made_by_hand_is_one_line_too():
    assert (
        str(pyodk.NotFoundError(status=404, reason="Not Found")) == "NotFoundError: 404 Not Found"
    )
    assert str(pyodk.ApiException()) == "ApiException"
    assert str(pyodk.ApiValueError("bad id")) == "bad id"  # refusals keep their message
