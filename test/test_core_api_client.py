"""ApiClient: header selection, serialization, parameters, default headers, life cycle, threads."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import TOKEN

import pyodk
from pyodk.testing import FakeOktawaveServer

# -- header selection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accepts", "expected"),
    [
        (["application/json", "text/json", "application/xml", "text/xml"], "application/json"),
        (["text/xml", "Application/JSON"], "application/json"),
        (["text/xml", "application/xml"], "text/xml, application/xml"),
        ([], None),
        (None, None),
    ],
)
def test_select_header_accept(accepts, expected):
    assert pyodk.ApiClient.select_header_accept(accepts) == expected


@pytest.mark.parametrize(
    ("content_types", "expected"),
    [
        (
            ["application/json", "text/json", "application/x-www-form-urlencoded"],
            "application/json",
        ),
        (["*/*"], "application/json"),
        (["application/x-www-form-urlencoded", "text/xml"], "application/x-www-form-urlencoded"),
        ([], "application/json"),
        (None, "application/json"),
    ],
)
def test_select_header_content_type(content_types, expected):
    assert pyodk.ApiClient.select_header_content_type(content_types) == expected


# -- serialization -------------------------------------------------------------------------------


def test_sanitize_for_serialization(api_client):
    when = dt.datetime(2026, 11, 2, 10, 15, 30, 123456, tzinfo=dt.timezone.utc)
    snapshot = pyodk.Snapshot(
        id=1,
        name="n",
        creation_date=when,
        instance=pyodk.BaseResource(id=56),
        creation_user=pyodk.UserResource(login="jan"),
    )
    value = {
        "model": snapshot,
        "list": [pyodk.Link(href="h"), 1, None, "s"],
        "tuple": (True, 2.5),
        "date": dt.date(2026, 11, 2),
        "datetime": when,
        "nested": {"deeper": [pyodk.CreateUpdateSnapshotCommand(description=None)]},
    }
    assert api_client.sanitize_for_serialization(value) == {
        "model": {
            "Id": 1,
            "Name": "n",
            "CreationDate": "2026-11-02T10:15:30.123456+00:00",
            "Instance": {"Id": 56},
            "CreationUser": {"Login": "jan"},
        },
        "list": [{"Href": "h"}, 1, None, "s"],
        "tuple": [True, 2.5],
        "date": "2026-11-02",
        "datetime": "2026-11-02T10:15:30.123456+00:00",
        "nested": {"deeper": [{"Name": "Snapshot name"}]},
    }
    assert api_client.sanitize_for_serialization(None) is None


def test_sanitize_for_serialization_refuses_the_unknown(api_client):
    with pytest.raises(TypeError):
        api_client.sanitize_for_serialization(object())


# -- parameters ---------------------------------------------------------------------------------


def test_parameters_to_tuples_collection_formats(api_client):
    params = {
        "multi": ["a", "b"],
        "csv": ["a", "b"],
        "ssv": ["a", "b"],
        "tsv": ["a", "b"],
        "pipes": ["a", "b"],
        "plain": "x",
        "number": 5,
        "flag": True,
        "gone": None,
    }
    formats = {k: k for k in ("multi", "csv", "ssv", "tsv", "pipes")}
    assert api_client.parameters_to_tuples(params, formats) == [
        ("multi", "a"),
        ("multi", "b"),
        ("csv", "a,b"),
        ("ssv", "a b"),
        ("tsv", "a\tb"),
        ("pipes", "a|b"),
        ("plain", "x"),
        ("number", 5),
        ("flag", "true"),
    ]
    assert api_client.parameters_to_tuples([("a", 1), ("a", 2)], None) == [("a", 1), ("a", 2)]


def test_collection_formats_reach_the_wire(stub, api_client):
    stub.answer({})
    api_client.call_api(
        "/things",
        "GET",
        query_params=[("ids", [1, 2, 3]), ("tags", ["x", "y"]), ("flag", False)],
        collection_formats={"ids": "csv", "tags": "multi"},
    )
    assert stub.last.query == {"ids": ["1,2,3"], "tags": ["x", "y"], "flag": ["false"]}


# -- default headers, cookie, user agent, auth ----------------------------------------------------


def test_default_header_and_cookie_are_sent(stub, configuration):
    stub.answer({"Id": 1})
    with pyodk.ApiClient(
        configuration, header_name="X-Tenant", header_value="acme", cookie="session=abc"
    ) as client:
        client.set_default_header("X-Trace", "t-9")
        pyodk.OCISnapshotsApi(client).snapshots_get_0(1)
    headers = stub.last.headers
    assert headers["x-tenant"] == "acme"
    assert headers["x-trace"] == "t-9"
    assert headers["cookie"] == "session=abc"
    assert headers["authorization"] == f"Bearer {TOKEN}"


def test_user_agent_is_settable(stub, api_client):
    assert api_client.user_agent == f"pyodk/{pyodk.__version__}/python"
    api_client.user_agent = "my-tool/1.0"
    stub.answer({"Id": 1})
    pyodk.OCISnapshotsApi(api_client).snapshots_get_0(1)
    assert stub.last.headers["user-agent"] == "my-tool/1.0"


def test_no_token_sends_no_authorization(stub, api_client):
    api_client.configuration.access_token = None
    stub.answer({"Id": 1})
    pyodk.OCISnapshotsApi(api_client).snapshots_get_0(1)
    assert "authorization" not in stub.last.headers


def test_update_params_for_auth(api_client):
    headers: dict[str, str] = {}
    query: list = []
    api_client.update_params_for_auth(headers, query, ["oauth2"])
    assert headers == {"Authorization": f"Bearer {TOKEN}"} and query == []
    headers.clear()
    api_client.update_params_for_auth(headers, query, [])
    assert headers == {}


def test_header_values_with_newlines_are_refused(stub, api_client):
    api_client.set_default_header("X-Evil", "a\r\nX-Injected: 1")
    with pytest.raises(ValueError, match="CR or LF"):
        pyodk.OCISnapshotsApi(api_client).snapshots_get_0(1)
    assert stub.received == []


def test_client_side_validation_follows_the_configuration(api_client):
    assert api_client.client_side_validation is True
    api_client.configuration.client_side_validation = False
    assert api_client.client_side_validation is False


def test_deserialize_a_response_directly(stub, api_client):
    stub.answer([{"Id": 1}, {"Id": 2}])
    raw = api_client.call_api("/x", "GET", _return_http_data_only=True, response_type=None)
    assert raw is None  # no response type: nothing decoded
    stub.answer([{"Id": 1}, {"Id": 2}])
    response = api_client.rest_client.request("GET", stub.url + "/x")
    links = api_client.deserialize(response, "list[BaseResource]")
    assert [type(x) for x in links] == [pyodk.BaseResource, pyodk.BaseResource]
    assert [x.id for x in links] == [1, 2]


def test_request_refuses_unknown_methods(api_client):
    with pytest.raises(ValueError, match="http method"):
        api_client.request("BREW", "http://127.0.0.1:9/")


# -- life cycle ---------------------------------------------------------------------------------


def test_thread_pool_is_created_lazily_and_released_by_close(stub, configuration):
    client = pyodk.ApiClient(configuration)
    assert client._pool is None
    stub.answer({"Id": 1})
    api = pyodk.OCISnapshotsApi(client)
    api.snapshots_get_0(1)
    assert client._pool is None  # a plain call needs no pool
    stub.answer({"Id": 2})
    assert api.snapshots_get_0(2, async_req=True).get(10).id == 2
    pool = client._pool
    assert pool is not None
    workers = list(pool._pool)
    assert client.pool is pool
    assert any(w.is_alive() for w in workers)

    client.close()
    assert client._pool is None
    assert not any(w.is_alive() for w in workers)
    assert len(client.rest_client.pool_manager.pools) == 0
    client.close()  # a second close is harmless


def test_context_manager_closes_connections(stub, configuration):
    stub.answer({"Id": 1})
    with pyodk.ApiClient(configuration) as client:
        assert isinstance(client, pyodk.ApiClient)
        pyodk.OCISnapshotsApi(client).snapshots_get_0(1, async_req=True).get(10)
        assert len(client.rest_client.pool_manager.pools) == 1
        workers = list(client._pool._pool)
    assert client._pool is None
    assert len(client.rest_client.pool_manager.pools) == 0
    assert not any(w.is_alive() for w in workers)


def test_api_classes_build_a_client_when_given_none(clean_default):
    api = pyodk.OCISnapshotsApi()
    assert isinstance(api.api_client, pyodk.ApiClient)
    assert api.api_client.configuration.host == "https://pl1-api.oktawave.com/services"
    assert isinstance(pyodk.TicketsApi().api_client, pyodk.ApiClient)
    api.api_client.close()


@pytest.fixture
def clean_default(monkeypatch):
    monkeypatch.setattr(pyodk.Configuration, "_default", None)


# -- threads ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def busy_fake() -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=0) as server:
        yield server


def test_many_threads_share_one_client(busy_fake):
    config = pyodk.Configuration()
    config.host = busy_fake.url
    config.access_token = busy_fake.access_token
    config.connection_pool_maxsize = 4
    expected = {i: busy_fake.get_snapshot_json(i)["Name"] for i in busy_fake.snapshot_ids()}
    assert len(expected) >= 8
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(index: int) -> int:
        start.wait(5)
        checked = 0
        for round_ in range(15):
            ids = sorted(expected)
            snapshot_id = ids[(index + round_) % len(ids)]
            snapshot = snapshots.snapshots_get_0(snapshot_id)
            if (snapshot.id, snapshot.name) != (snapshot_id, expected[snapshot_id]):
                errors.append(AssertionError(f"{snapshot_id} -> {snapshot.id}"))
            page, status, _ = tickets.tickets_get_with_http_info(page_size=1)
            if status != 200 or page.meta is None:
                errors.append(AssertionError("tickets page"))
            checked += 1
        return checked

    with pyodk.ApiClient(config) as client:
        snapshots = pyodk.OCISnapshotsApi(client)
        tickets = pyodk.TicketsApi(client)
        with ThreadPoolExecutor(8) as executor:
            counts = list(executor.map(worker, range(8)))
        async_results = [snapshots.snapshots_get_0(i, async_req=True) for i in sorted(expected)]
        assert [r.get(10).id for r in async_results] == sorted(expected)
    assert errors == []
    assert counts == [15] * 8


# -- form bodies, for generated modules whose operations consume them -----------------------------


def test_form_urlencoded_post_params(stub, api_client):
    stub.answer({})
    api_client.call_api(
        "/form",
        "POST",
        header_params={"Content-Type": "application/x-www-form-urlencoded"},
        post_params=[("Name", "a b"), ("Description", "żółw")],
        auth_settings=["oauth2"],
    )
    assert stub.last.headers["content-type"] == "application/x-www-form-urlencoded"
    assert stub.last.body == b"Name=a+b&Description=%C5%BC%C3%B3%C5%82w"
    assert stub.last.headers["authorization"] == f"Bearer {TOKEN}"


def test_multipart_post_params_and_files(stub, api_client, tmp_path):
    upload = tmp_path / "notes.txt"
    upload.write_bytes(b"hello\n")
    stub.answer({})
    api_client.call_api(
        "/upload",
        "POST",
        header_params={"Content-Type": "multipart/form-data"},
        post_params=[("kind", "notes")],
        files={"file": str(upload)},
    )
    content_type = stub.last.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    body = stub.last.body
    assert b'name="kind"\r\n\r\nnotes\r\n' in body
    assert b'name="file"; filename="notes.txt"' in body and b"hello\n" in body


def test_api_exception_keeps_the_generated_constructor():
    error = pyodk.ApiException(status=418, reason="I'm a teapot")
    assert (error.status, error.reason, error.body, error.headers) == (
        418,
        "I'm a teapot",
        None,
        None,
    )
    assert str(error) == "ApiException: 418 I'm a teapot"  # one line, for logs
    assert "(418)\nReason: I'm a teapot" in error.details()  # the generated block
    assert isinstance(error, Exception)


_EXIT_SCRIPT = """
import socket, time
import pyodk
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(5)  # accepts connections, never answers
config = pyodk.Configuration()
config.host = "http://127.0.0.1:%d/services" % listener.getsockname()[1]
config.access_token = "t"
api = pyodk.OCISnapshotsApi(pyodk.ApiClient(config))  # never closed
pending = api.snapshots_get_0(1, async_req=True)
time.sleep(0.1)
print("leaving with a request in flight")
"""


def test_interpreter_exits_promptly_with_an_unclosed_client_and_a_call_in_flight():
    root = str(Path(__file__).resolve().parent.parent)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", _EXIT_SCRIPT],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=30,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert "leaving with a request in flight" in result.stdout
    assert "Traceback" not in result.stderr
    assert elapsed < 10  # the read timeout is 60 s: nothing waited for it
