"""The generated-client calling conventions, on every operation.

``_with_http_info``, ``async_req``, ``_preload_content``, ``_request_timeout``,
``_return_http_data_only``, unknown keywords, missing required parameters, ``None`` optionals,
path encoding and ids that are not ints.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from multiprocessing.pool import AsyncResult

import pytest
from core_cases import ALL_CASES, ID_CASES, SNAPSHOT_JSON, Case, api_for, check_snapshot

import pyodk
from pyodk.testing import FakeOktawaveServer


def _call(case: Case, request: pytest.FixtureRequest, suffix: str = "", **extra):
    api = api_for(case, request)
    return getattr(api, case.name + suffix)(*case.args, **{**case.kwargs, **extra})


@pytest.mark.parametrize("case", ALL_CASES)
def test_with_http_info_returns_data_status_and_headers(case: Case, stub, request):
    stub.answer(case.answer, status=200, headers={"X-Request-Id": "abc-123"})
    data, status, headers = _call(case, request, "_with_http_info")
    case.check(data)
    assert status == 200
    assert headers["X-Request-Id"] == "abc-123"
    assert headers["content-type"].startswith("application/json")  # case-insensitive lookup


@pytest.mark.parametrize("case", ALL_CASES)
def test_with_http_info_honours_return_http_data_only(case: Case, stub, request):
    stub.answer(case.answer)
    case.check(_call(case, request, "_with_http_info", _return_http_data_only=True))


@pytest.mark.parametrize("case", ALL_CASES)
def test_plain_method_accepts_return_http_data_only(case: Case, stub, request):
    stub.answer(case.answer)
    case.check(_call(case, request, _return_http_data_only=True))


@pytest.mark.parametrize("case", ALL_CASES)
def test_async_req_returns_an_async_result(case: Case, stub, request):
    stub.answer(case.answer)
    thread = _call(case, request, async_req=True)
    assert isinstance(thread, AsyncResult)
    assert hasattr(thread, "get")
    case.check(thread.get(timeout=10))
    assert stub.last.path == case.path


@pytest.mark.parametrize("case", ALL_CASES)
def test_async_req_with_http_info_gives_the_triple(case: Case, stub, request):
    stub.answer(case.answer, status=201)
    data, status, headers = _call(case, request, "_with_http_info", async_req=True).get(10)
    case.check(data)
    assert status == 201
    assert "Content-Length" in headers


@pytest.mark.parametrize("case", ALL_CASES)
def test_async_req_get_raises_the_api_exception(case: Case, stub, request):
    stub.answer({"Message": "gone"}, status=404)
    thread = _call(case, request, async_req=True)
    with pytest.raises(pyodk.NotFoundError) as caught:
        thread.get(timeout=10)
    assert caught.value.status == 404
    assert caught.value.message == "gone"


@pytest.mark.parametrize("case", ALL_CASES)
def test_preload_content_false_returns_the_raw_undecoded_response(case: Case, stub, request):
    raw = json.dumps(case.answer).encode()
    stub.answer(raw=raw)
    response = _call(case, request, _preload_content=False)
    assert not isinstance(response, pyodk.models.base.Model)
    assert response.status == 200
    assert response.data == raw  # bytes, exactly as sent: nothing decoded
    assert response.headers["Content-Type"].startswith("application/json")


@pytest.mark.filterwarnings("error::DeprecationWarning")  # urllib3 1.26 warns on getheaders()
def test_preload_content_false_with_http_info_puts_the_raw_response_first(stub, snapshots_api):
    stub.answer(raw=b'{"Id": 1}')
    response, status, headers = snapshots_api.snapshots_get_0_with_http_info(
        1, _preload_content=False
    )
    assert status == 200
    assert response.data == b'{"Id": 1}'
    assert headers["Content-Type"].startswith("application/json")


def test_preload_content_false_still_raises_on_an_error_status(stub, snapshots_api):
    stub.answer({"Message": "no"}, status=403)
    with pytest.raises(pyodk.ForbiddenError):
        snapshots_api.snapshots_get_0(1, _preload_content=False)


def test_preload_content_false_streams_an_undecodable_body(stub, snapshots_api):
    # The raw response is handed back as is, so a body pyodk could not decode is no error here.
    stub.answer(raw=b"<html>not json</html>", headers={"Content-Type": "text/html"})
    response = snapshots_api.snapshots_get_0(1, _preload_content=False)
    assert response.data == b"<html>not json</html>"


@pytest.mark.parametrize("timeout", [5, 5.5, (3, 4), (2.5, 7.25)], ids=repr)
@pytest.mark.parametrize("case", ALL_CASES)
def test_request_timeout_accepts_numbers_and_pairs(case: Case, timeout, stub, request):
    stub.answer(case.answer)
    case.check(_call(case, request, _request_timeout=timeout))


@pytest.mark.parametrize("timeout", ["5", (1, 2, 3), [1, 2]], ids=repr)
def test_request_timeout_of_another_shape_is_refused_before_sending(timeout, stub, snapshots_api):
    with pytest.raises(TypeError, match="_request_timeout"):
        snapshots_api.snapshots_get_0(1, _request_timeout=timeout)
    assert stub.received == []


@pytest.fixture(scope="module")
def stalling_fake() -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=0) as server:
        yield server


@pytest.mark.parametrize("timeout", [0.3, (5, 0.3)], ids=["float", "connect-read-pair"])
def test_float_request_timeout_fires_against_a_stalling_server(timeout, stalling_fake):
    config = pyodk.Configuration()
    config.host = stalling_fake.url
    config.access_token = stalling_fake.access_token
    config.retries = pyodk.RetryPolicy(0)
    stalling_fake.inject("stall", seconds=3, path="/services/snapshots")
    with pyodk.ApiClient(config) as client:
        api = pyodk.OCISnapshotsApi(client)
        started = time.monotonic()
        with pytest.raises(pyodk.ResponseTimeoutError) as caught:
            api.snapshots_get(_request_timeout=timeout)
        elapsed = time.monotonic() - started
    assert 0.25 <= elapsed < 2.0
    assert caught.value.status == 0
    assert isinstance(caught.value, pyodk.ApiException)


@pytest.mark.parametrize("suffix", ["", "_with_http_info"])
@pytest.mark.parametrize("case", ALL_CASES)
def test_unknown_keyword_raises_type_error_naming_method_and_keyword(
    case: Case, suffix: str, stub, request
):
    with pytest.raises(TypeError) as caught:
        _call(case, request, suffix, colour="blue")
    assert "colour" in str(caught.value)
    assert case.name in str(caught.value)
    assert stub.received == []


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c.values[0].required])
def test_missing_required_parameter_raises_value_error(case: Case, stub, request):
    api = api_for(case, request)
    for position, name in enumerate(case.required):
        args = list(case.args)
        args[position] = None
        with pytest.raises(ValueError, match=f"`{name}`") as caught:
            getattr(api, case.name)(*args, **case.kwargs)
        assert case.name in str(caught.value)
        with pytest.raises(ValueError, match=f"`{name}`"):
            getattr(api, case.name + "_with_http_info")(*args, **case.kwargs)
    assert stub.received == []


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c.values[0].kwargs])
def test_none_optional_parameters_are_left_out_of_the_query(case: Case, stub, request):
    stub.answer(case.answer)
    nones = dict.fromkeys(case.kwargs)
    getattr(api_for(case, request), case.name)(*case.args, **nones)
    assert stub.last.query == {}


def test_some_optionals_none_others_set(stub, snapshots_api):
    stub.answer({"Items": [], "Meta": {"Total": 0}})
    snapshots_api.snapshots_get(instance_id=None, query="x", page_size=None, page_number=3)
    assert stub.last.query == {"query": ["x"], "pageNumber": ["3"]}


@pytest.mark.parametrize(
    "bad_id", ["5", "../tickets", "5/restore_ticket", 5.0, True, b"5", [5], {"id": 5}]
)
@pytest.mark.parametrize("case", ID_CASES)
def test_non_int_id_is_refused_before_anything_is_sent(case: Case, bad_id, stub, request):
    api = api_for(case, request)
    args = (bad_id, *case.args[1:])
    with pytest.raises(TypeError, match="`id` must be an int"):
        getattr(api, case.name)(*args, **case.kwargs)
    with pytest.raises(TypeError):
        getattr(api, case.name)(*args, async_req=True)
    assert stub.received == []


@pytest.mark.parametrize("case", ID_CASES)
def test_non_int_id_is_refused_even_without_client_side_validation(case: Case, stub, request):
    api = api_for(case, request)
    api.api_client.configuration.client_side_validation = False
    with pytest.raises(TypeError):
        getattr(api, case.name)("7/../../tickets", *case.args[1:])
    assert stub.received == []


def test_query_values_are_url_encoded(stub, snapshots_api):
    stub.answer({"Items": [], "Meta": {"Total": 0}})
    snapshots_api.snapshots_get(query="a b&c=d/é?#", fields="Id,Name")
    assert stub.last.query == {"query": ["a b&c=d/é?#"], "fields": ["Id,Name"]}
    assert stub.last.path == "/services/snapshots"


def test_path_parameters_are_percent_encoded(stub, api_client):
    stub.answer({})
    api_client.call_api(
        "/snapshots/{id}", "GET", {"id": "a b/c?d#é"}, [], {}, auth_settings=["oauth2"]
    )
    assert stub.last.path == "/services/snapshots/a%20b%2Fc%3Fd%23%C3%A9"
    assert stub.last.query == {}


def test_safe_chars_for_path_param_are_left_alone(stub, api_client):
    api_client.configuration.safe_chars_for_path_param = "/"
    stub.answer({})
    api_client.call_api("/files/{path}", "GET", {"path": "a/b c"})
    assert stub.last.path == "/services/files/a/b%20c"


def test_int_ids_outside_int32_are_refused_client_side(stub, snapshots_api):
    with pytest.raises(ValueError, match="32-bit"):
        snapshots_api.snapshots_get_0(2**31)
    assert stub.received == []


def test_order_by_outside_the_documented_values_is_refused_client_side(stub, snapshots_api):
    with pytest.raises(ValueError, match="order_by"):
        snapshots_api.snapshots_get(order_by="order_by_example")
    assert stub.received == []


def test_without_client_side_validation_order_by_goes_to_the_server(stub, snapshots_api):
    snapshots_api.api_client.configuration.client_side_validation = False
    stub.answer({"Items": [SNAPSHOT_JSON], "Meta": {"Total": 1}})
    page = snapshots_api.snapshots_get(order_by="order_by_example")
    check_snapshot(page.items[0])
    assert stub.last.query == {"orderBy": ["order_by_example"]}


@pytest.mark.parametrize("name", ["page_size", "page_number"])
@pytest.mark.parametrize("operation", ["snapshots_get", "tickets_get"])
def test_paging_below_one_is_refused_unless_validation_is_off(name, operation, stub, request):
    api = request.getfixturevalue("tickets_api" if operation == "tickets_get" else "snapshots_api")
    with pytest.raises(ValueError, match=name):
        getattr(api, operation)(**{name: 0})
    assert stub.received == []
    api.api_client.configuration.client_side_validation = False
    stub.answer({"Items": [], "Meta": {"Total": 0}})
    getattr(api, operation)(**{name: 0})
    wire = {"page_size": "pageSize", "page_number": "pageNumber"}[name]
    assert stub.last.query == {wire: ["0"]}
