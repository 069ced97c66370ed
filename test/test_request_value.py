"""pyodk.request: the frozen Request and build_request, tested without a socket; and every refusal
before sending, through the public API, is an ApiTypeError or ApiValueError (so a PyodkError)
with nothing sent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from typing import Any

import pytest
import urllib3

import pyodk
from pyodk.exceptions import ApiTypeError, ApiValueError, PyodkError
from pyodk.request import Request, attempt_timeout, build_request

HOST = "https://pl1-api.oktawave.com/services"
DEFAULT = urllib3.Timeout(connect=10.0, read=60.0)


def build(method: str = "GET", path: str = "/snapshots/{id}", **kwargs: Any) -> Request:
    kwargs.setdefault("host", HOST)
    kwargs.setdefault("now", 1000.0)
    kwargs.setdefault("default_timeout", DEFAULT)
    kwargs.setdefault("default_call_timeout", 300.0)
    if path == "/snapshots/{id}":
        kwargs.setdefault("path_params", {"id": 5002})
    return build_request(method, path, **kwargs)


# ---------------------------------------------------------------------------- the value


def test_a_get_becomes_origin_target_and_the_path_its_errors_show():
    request = build(
        "get",
        query=[("fields", "Id,Name"), ("skip", None), ("flag", True)],
        headers={"Accept": "application/json"},
        operation="snapshots_get_0",
    )
    assert request.method == "GET"
    assert request.origin == "https://pl1-api.oktawave.com"
    assert request.target == "/services/snapshots/5002?fields=Id%2CName&flag=true"
    assert (
        request.url
        == "https://pl1-api.oktawave.com/services/snapshots/5002?fields=Id%2CName&flag=true"
    )
    assert request.path == "/snapshots/5002" and request.path_template == "/snapshots/{id}"
    assert request.host == "pl1-api.oktawave.com" and request.operation == "snapshots_get_0"
    assert request.body is None and request.headers == {"Accept": "application/json"}


def test_the_deadline_counts_from_now_and_a_given_deadline_caps_it():
    assert build().deadline == 1300.0 and build().call_timeout == 300.0
    assert build(call_timeout=5).deadline == 1005.0
    assert build(call_timeout=5, deadline=1002.0).deadline == 1002.0
    assert build(default_call_timeout=None).deadline is None
    assert build(default_call_timeout=None, deadline=1001.0).deadline == 1001.0


def test_per_attempt_timeouts_and_the_pool_wait():
    assert build().timeout is DEFAULT and build().pool_wait == 70.0
    request = build(request_timeout=(2, 5))
    assert (request.timeout.connect_timeout, request.timeout.read_timeout) == (2, 5)
    assert request.pool_wait == 7.0
    assert build(request_timeout=3).timeout.read_timeout == 3
    own = urllib3.Timeout(connect=1, read=None)
    assert (
        build(request_timeout=own).timeout is own and build(request_timeout=own).pool_wait is None
    )


def test_headers_merge_in_order_and_are_rendered_as_text():
    request = build(
        default_headers={"User-Agent": "pyodk", "X-Tenant": "default"},
        headers={"X-Tenant": "acme", "X-Count": 3, "X-Since": dt.date(2026, 11, 2)},
        cookie="session=abc",
    )
    assert request.headers == {
        "User-Agent": "pyodk",
        "X-Tenant": "acme",
        "X-Count": "3",
        "X-Since": "2026-11-02",
        "Cookie": "session=abc",
    }


def test_bodies_json_form_multipart_text_and_bytes():
    command = pyodk.CreateUpdateSnapshotCommand(name="nightly", description="żółw")
    request = build("POST", "/instances/56/snapshots", body=command)
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"Name": "nightly", "Description": "żółw"}
    assert b" " not in request.body  # compact

    form = build(
        "POST", "/x", headers={"Content-Type": "application/x-www-form-urlencoded"},
        form=[("a", "b c")],
    )  # fmt: skip
    assert form.body == b"a=b+c"
    multipart = build("POST", "/x", headers={"Content-Type": "multipart/form-data"},
                      form=[("f", ("n.txt", b"hi", "text/plain"))])  # fmt: skip
    assert multipart.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'filename="n.txt"' in multipart.body
    assert build("PUT", "/x", body="text").body == b"text"
    assert build("PUT", "/x", body=b"\x00").body == b"\x00"


def test_a_request_without_a_body_announces_none():
    request = build("GET", headers={"Content-Type": "application/json"}, body={"ignored": 1})
    assert request.body is None and "Content-Type" not in request.headers


def test_path_values_are_quoted_and_ints_pass_as_they_are():
    request = build("GET", "/things/{name}/{n}", path_params={"name": "a/b c", "n": -3})
    assert request.target == "/services/things/a%2Fb%20c/-3"
    assert (
        build("GET", "/t/{x}", path_params={"x": "a/b"}, safe_chars="/").target == "/services/t/a/b"
    )


def test_a_full_url_with_its_own_query_takes_more_query():
    request = build("GET", "", host="http://127.0.0.1:9/x?a=1", query=[("b", 2)])
    assert request.target == "/x?a=1&b=2" and request.path == "/x"


def test_the_value_is_frozen_and_with_credentials_makes_a_new_one():
    request = build()
    with pytest.raises(AttributeError):
        request.method = "POST"  # type: ignore[misc]
    signed = request.with_credentials({"Authorization": "Bearer t"}, ["Bearer t"], [("k", "v")])
    assert signed is not request and "Authorization" not in request.headers
    assert signed.headers["Authorization"] == "Bearer t"
    assert signed.target == "/services/snapshots/5002?k=v" and signed.secrets == ("Bearer t", "v")
    assert not dataclasses.is_dataclass(request)  # a NamedTuple, cheap to make on every call


# ------------------------------------------------------------------ refusals, without a socket


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"request_timeout": "5"}, ApiTypeError, "_request_timeout must be a number"),
        ({"request_timeout": [1, 2]}, ApiTypeError, "_request_timeout"),
        ({"request_timeout": (1, 2, 3)}, ApiTypeError, "_request_timeout"),
        ({"request_timeout": True}, ApiTypeError, "_request_timeout"),
        ({"request_timeout": (1, True)}, ApiTypeError, "_request_timeout"),
        ({"request_timeout": 0}, ApiValueError, "more than 0"),
        ({"request_timeout": (5, -1)}, ApiValueError, "more than 0"),
        ({"request_timeout": math.nan}, ApiValueError, "more than 0"),
        ({"call_timeout": "5"}, ApiTypeError, "_call_timeout must be a number"),
        ({"call_timeout": True}, ApiTypeError, "_call_timeout"),
        ({"call_timeout": 0}, ApiValueError, "_call_timeout must be more than 0"),
        ({"call_timeout": -3}, ApiValueError, "_call_timeout"),
        ({"headers": {"X-Evil": "a\r\nX-Injected: 1"}}, ApiValueError, "CR or LF"),
        ({"headers": {"X-Evil\n": "a"}}, ApiValueError, "CR or LF"),
        ({"cookie": "a=b\nX: 1"}, ApiValueError, "CR or LF"),
        ({"path_params": {"id": ".."}}, ApiValueError, "path segment"),
        ({"path_params": {"id": "."}}, ApiValueError, "path segment"),
        ({"path_params": {"id": ""}}, ApiValueError, "path segment"),
        ({"host": "ftp://example.com"}, ApiValueError, "http:// or https://"),
        ({"host": "pl1-api.oktawave.com/services"}, ApiValueError, "http:// or https://"),
        ({"host": "https://user:pw-s3cret@/x"}, ApiValueError, "user:***@"),
        ({"query": 5}, ApiTypeError, "parameters must be"),
    ],
)
def test_what_cannot_be_sent_is_refused_with_api_type_or_value_errors(kwargs, error, words):
    with pytest.raises(error) as caught:
        build(**kwargs)
    assert words in str(caught.value) and isinstance(caught.value, PyodkError)
    assert "pw-s3cret" not in str(caught.value)


@pytest.mark.parametrize("method", ["BREW", "", None, 5])
def test_a_bad_http_method_is_an_api_value_error(method):
    with pytest.raises(ApiValueError, match="http method"):
        build(method)


def test_a_body_that_has_no_json_form_is_an_api_type_error():
    with pytest.raises(ApiTypeError, match="cannot be sent"):
        build("POST", "/x", body={"when": object()})


def test_attempt_timeout_gives_the_same_object_for_the_same_value():
    assert attempt_timeout((3, 4)) is attempt_timeout((3.0, 4.0))


# ------------------------------------------------------ refusals through the public API, unsent


def test_every_refusal_before_sending_is_a_pyodk_error_and_sends_nothing(
    stub, api_client, tmp_path
):
    api = pyodk.OCISnapshotsApi(api_client)
    refusals: list[tuple[Any, type[Exception]]] = [
        (lambda: api.snapshots_get_0(1, _request_timeout="5"), ApiTypeError),
        (lambda: api.snapshots_get_0(1, _request_timeout=-1), ApiValueError),
        (lambda: api.snapshots_get_0(1, _call_timeout="5"), ApiTypeError),
        (lambda: api.snapshots_get_0(1, _call_timeout=0), ApiValueError),
        (lambda: api.snapshots_get_0(1, async_req=True, _call_timeout=0), ApiValueError),
        (lambda: api_client.call_api("/s/{id}", "GET", {"id": ".."}), ApiValueError),
        (lambda: api_client.call_api("/s", "BREW"), ApiValueError),
        (lambda: api_client.request("BREW", stub.url + "/s"), ApiValueError),
        (lambda: api_client.rest_client.request("BREW", stub.url + "/s"), ApiValueError),
        (lambda: api_client.rest_client.GET(stub.url + "/s", _request_timeout="5"), ApiTypeError),
        (lambda: api_client.call_api("/s", "GET", response_type="NoSuchModel"), ApiTypeError),
        (lambda: api_client.call_api("/s", "GET", response_type="file"), ApiTypeError),
        (lambda: api_client.call_api("/s", "POST", body=object()), ApiTypeError),
        (lambda: api_client.sanitize_for_serialization(object()), ApiTypeError),
        (
            lambda: api_client.call_api("/s", "POST", files={"f": str(tmp_path / "missing")}),
            ApiValueError,
        ),
        (lambda: api_client.call_api("/s", "GET", header_params={"X": "a\nb"}), ApiValueError),
        (lambda: pyodk.RetryPolicy(-1), ApiValueError),
        (lambda: pyodk.RetryPolicy.coerce("3"), ApiTypeError),
        (lambda: pyodk.auth.PasswordGrant("id", "secret", "user", ""), ApiValueError),
    ]
    for call, expected in refusals:
        with pytest.raises(PyodkError) as caught:
            call()
        assert type(caught.value) is expected, (caught.value, expected)
    api_client.set_default_header("X-Evil", "a\r\nX-Injected: 1")
    with pytest.raises(ApiValueError, match="CR or LF"):
        api.snapshots_get_0(1)
    api_client.configuration.host = "ftp://nowhere"
    with pytest.raises(ApiValueError, match="host"):
        api.snapshots_get_0(1)
    assert stub.received == []
