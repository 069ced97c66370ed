"""Decoding answers, good and bad, and error statuses: always a typed model or an ApiException."""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import zoneinfo
from typing import Any

import pytest
from core_cases import PLUS_ONE, SNAPSHOT_JSON, SNAPSHOT_PAGE_JSON, TICKET_JSON, check_snapshot

import pyodk
from pyodk.models import base
from pyodk.rest import ApiException

UTC = dt.timezone.utc

# -- content types and charsets -------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        'application/json; charset="utf-8"',
        "Application/JSON",
        "text/json",
        "text/json; charset=utf-8",
        "text/json; charset=utf-16",
    ],
)
def test_json_content_types_and_charsets_decode(content_type: str, stub, snapshots_api):
    charset = re.search(r"charset=\"?([\w-]+)", content_type)
    encoding = charset.group(1) if charset else "utf-8"
    body = json.dumps({**SNAPSHOT_JSON, "Name": "Zażółć"}, ensure_ascii=False)
    stub.answer(raw=body.encode(encoding), headers={"Content-Type": content_type})
    snapshot = snapshots_api.snapshots_get_0(5001)
    assert snapshot.name == "Zażółć"
    assert snapshot.instance.id == 56


def test_legacy_charset_is_honoured(stub, snapshots_api):
    body = '{"Id": 1, "Name": "Gęś"}'.encode("iso-8859-2")
    stub.answer(raw=body, headers={"Content-Type": "text/json; charset=iso-8859-2"})
    assert snapshots_api.snapshots_get_0(1).name == "Gęś"


# -- datetimes --------------------------------------------------------------------------------

DATETIMES = [
    ("2026-11-02T10:15:30.1234567+01:00", dt.datetime(2026, 11, 2, 10, 15, 30, 123456, PLUS_ONE)),
    ("2026-11-02T10:15:30.1234567-05:30",
     dt.datetime(2026, 11, 2, 10, 15, 30, 123456, dt.timezone(-dt.timedelta(hours=5, minutes=30)))),
    ("2026-11-02T10:15:30.1234567Z", dt.datetime(2026, 11, 2, 10, 15, 30, 123456, UTC)),
    ("2026-11-02T10:15:30Z", dt.datetime(2026, 11, 2, 10, 15, 30, tzinfo=UTC)),
    # Without an offset: UTC, Configuration.assumed_timezone's default.
    ("2026-11-02T10:15:30.1234567", dt.datetime(2026, 11, 2, 10, 15, 30, 123456, UTC)),
    ("2026-11-02T10:15:30", dt.datetime(2026, 11, 2, 10, 15, 30, tzinfo=UTC)),
    ("2026-11-02T10:15:30.5", dt.datetime(2026, 11, 2, 10, 15, 30, 500000, UTC)),
    ("2026-11-02T10:15:30.12+01:00", dt.datetime(2026, 11, 2, 10, 15, 30, 120000, PLUS_ONE)),
    ("2026-11-02T10:15:30+0100", dt.datetime(2026, 11, 2, 10, 15, 30, tzinfo=PLUS_ONE)),
    ("2026-11-02 10:15:30.123+01:00", dt.datetime(2026, 11, 2, 10, 15, 30, 123000, PLUS_ONE)),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), DATETIMES, ids=[t for t, _ in DATETIMES])
def test_datetimes_decode_through_the_api(text: str, expected: dt.datetime, stub, tickets_api):
    stub.answer({"Id": 1, "CreationDate": text, "EndDate": text})
    ticket = tickets_api.tickets_get_0(1)
    assert ticket.creation_date == expected
    assert ticket.creation_date.utcoffset() == expected.utcoffset()
    assert ticket.end_date == expected


@pytest.mark.parametrize(
    "zone", [None, dt.timezone(dt.timedelta(hours=1)), zoneinfo.ZoneInfo("Europe/Warsaw")]
)
def test_assumed_timezone_decides_what_datetimes_without_an_offset_are_in(
    zone: dt.tzinfo | None, stub, configuration, tickets_api
):
    configuration.assumed_timezone = zone
    stub.answer({
        "Id": 1,
        "CreationDate": "2026-07-02T10:15:30.1234567",
        "EndDate": "2026-07-02T10:15:30.5+02:00",
        "CreationUser": {"Id": 7},
    })  # fmt: skip
    ticket = tickets_api.tickets_get_0(1)
    assert ticket.creation_date == dt.datetime(2026, 7, 2, 10, 15, 30, 123456, tzinfo=zone)
    assert ticket.creation_date.tzinfo is zone
    # A datetime that carries its offset keeps it, whatever the setting.
    assert ticket.end_date.utcoffset() == dt.timedelta(hours=2)


def test_a_page_mixing_offsets_and_none_sorts_by_date(stub, snapshots_api):
    stub.answer({
        "Items": [
            {"Id": 1, "CreationDate": "2026-11-02T10:15:30.1234567+01:00"},
            {"Id": 2, "CreationDate": "2026-11-02T09:00:00"},
            {"Id": 3, "CreationDate": "2026-11-02T09:30:00Z"},
        ],
        "Meta": {"Total": 3},
    })  # fmt: skip
    page = snapshots_api.snapshots_get()
    ordered = sorted(page.items, key=lambda snapshot: snapshot.creation_date)
    assert [s.id for s in ordered] == [2, 1, 3]  # 09:00Z, 09:15:30Z, 09:30Z


_PY310_ISO = re.compile(
    r"\d{4}-\d\d-\d\d"
    r"(.\d\d(:\d\d(:\d\d(\.(\d{3}|\d{6}))?)?)?([+-]\d\d:\d\d(:\d\d(\.\d{6})?)?)?)?"
)


class _Py310Datetime(dt.datetime):
    """A datetime whose fromisoformat refuses what Python 3.10's refuses: Z, 7 digits, +0100."""

    refused: list[str] = []

    @classmethod
    def fromisoformat(cls, text: Any) -> dt.datetime:
        if not isinstance(text, str):
            raise TypeError("fromisoformat: argument must be str")
        if not _PY310_ISO.fullmatch(text):
            cls.refused.append(text)
            raise ValueError(f"Invalid isoformat string: {text!r}")
        return dt.datetime.fromisoformat(text)


@pytest.fixture
def python310_fromisoformat(monkeypatch):
    """parse_datetime as it runs on Python 3.10, whatever Python runs the tests."""
    fake_module = types.SimpleNamespace(datetime=_Py310Datetime, date=dt.date)
    monkeypatch.setattr(base, "_dt", fake_module)
    monkeypatch.setattr(_Py310Datetime, "refused", [])
    with pytest.raises(ValueError):
        _Py310Datetime.fromisoformat("2026-11-02T10:15:30.1234567Z")


@pytest.mark.parametrize(("text", "expected"), DATETIMES, ids=[t for t, _ in DATETIMES])
def test_parse_datetime_fallback_for_python_310(text, expected, python310_fromisoformat):
    parsed = base.parse_datetime(text)
    if parsed.tzinfo is None:
        # parse_datetime leaves an offset-less datetime naive; decoders then give it the
        # configuration's assumed timezone, UTC by default (as DATETIMES expects).
        parsed = parsed.replace(tzinfo=UTC)
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()
    if not _PY310_ISO.fullmatch(text):
        assert text in _Py310Datetime.refused  # the fast path really was refused first


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20261102T101530Z", dt.datetime(2026, 11, 2, 10, 15, 30, tzinfo=UTC)),
        ("2026-11-02T10:15:30,5+01:00", dt.datetime(2026, 11, 2, 10, 15, 30, 500000, PLUS_ONE)),
    ],
)
def test_parse_datetime_last_resort_is_dateutil(text, expected, python310_fromisoformat):
    assert base.parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2026-13-45T99:00:00", "", "2026-11-02T10:15:30+"])
def test_parse_datetime_refuses_garbage_with_model_decode_error(text):
    with pytest.raises(pyodk.ModelDecodeError) as caught:
        base.parse_datetime(text, "Ticket.EndDate")
    assert caught.value.path == "Ticket.EndDate"


# -- absent, unknown, null --------------------------------------------------------------------


def test_absent_keys_become_none(stub, snapshots_api):
    stub.answer({"Items": [{"Id": 1}], "Meta": {"Total": 1}})  # as after fields=Id
    page = snapshots_api.snapshots_get(fields="Id")
    (snapshot,) = page.items
    assert snapshot.id == 1
    for name in pyodk.Snapshot.swagger_types:
        if name != "id":
            assert getattr(snapshot, name) is None


def test_empty_object_decodes_to_an_empty_model(stub, tickets_api):
    stub.answer({})
    ticket = tickets_api.tickets_get_0(1)
    assert type(ticket) is pyodk.Ticket
    assert all(v is None for v in ticket.to_dict().values())
    assert not ticket.is_finished


def test_unknown_keys_are_ignored(stub, snapshots_api):
    stub.answer({
        **SNAPSHOT_JSON,
        "Unknown": {"deep": [1, 2, {"x": None}]},
        "id": "lower-case twin",
        "CreationUser": {**SNAPSHOT_JSON["CreationUser"], "Email": "jan@example.com"},
        "Instance": {"Id": 56, "Name": "web", "Links": [{"Href": "x"}]},
    })  # fmt: skip
    check_snapshot(snapshots_api.snapshots_get_0(5001))


def test_nulls_become_none_at_every_level(stub, tickets_api):
    payload = {key: None for key in TICKET_JSON}
    payload["Status"] = {"Id": None, "Label": None, "Dictionary": {"Id": None, "Links": None}}
    stub.answer({"Items": [payload, None], "Meta": {"Total": None}})
    page = tickets_api.tickets_get()
    first, second = page.items
    assert second is None
    assert page.meta.total is None
    assert first.id is None and first.creation_date is None and first.creation_user is None
    assert first.status.id is None and first.status.dictionary.links is None


def test_null_collections_stay_none(stub, snapshots_api):
    stub.answer({"Items": None, "Meta": None})
    page = snapshots_api.snapshots_get()
    assert page.items is None and page.meta is None


def test_a_big_page_decodes(stub, snapshots_api):
    items = [{**SNAPSHOT_JSON, "Id": i} for i in range(1, 1001)]
    stub.answer({"Items": items, "Meta": {"Total": 1000}})
    page = snapshots_api.snapshots_get(page_size=1000)
    assert [s.id for s in page.items] == list(range(1, 1001))
    last = page.items[-1]
    last.id = 5001  # otherwise it is SNAPSHOT_JSON: check every field and nested model
    check_snapshot(last)
    assert all(type(s.creation_user) is pyodk.UserResource for s in page.items)


def test_lenient_primitives_that_fit(stub, snapshots_api):
    # Integral floats for ints and numbers for strings lose nothing; they are accepted.
    stub.answer({"Id": 5001.0, "Name": 42, "Instance": {"Id": 56.0}})
    snapshot = snapshots_api.snapshots_get_0(5001)
    assert snapshot.id == 5001 and type(snapshot.id) is int
    assert snapshot.name == "42"
    assert snapshot.instance.id == 56


# -- bodies that do not fit -----------------------------------------------------------------

WRONG_SHAPES: list[tuple[str, str, Any]] = [
    ("snapshot-is-a-list", "snapshot", [SNAPSHOT_JSON]),
    ("snapshot-is-a-string", "snapshot", "hello"),
    ("snapshot-is-a-number", "snapshot", 5),
    ("snapshot-is-true", "snapshot", True),
    ("id-is-a-word", "snapshot", {"Id": "five"}),
    ("id-is-a-numeric-string", "snapshot", {"Id": "5"}),
    ("id-is-a-bool", "snapshot", {"Id": True}),
    ("id-is-a-fraction", "snapshot", {"Id": 5.5}),
    ("id-is-an-object", "snapshot", {"Id": {"Value": 5}}),
    ("name-is-an-object", "snapshot", {"Name": {"Text": "x"}}),
    ("name-is-a-list", "snapshot", {"Name": ["x"]}),
    ("is-current-is-a-string", "snapshot", {"IsCurrent": "yes"}),
    ("is-current-is-a-number", "snapshot", {"IsCurrent": 1}),
    ("instance-is-a-string", "snapshot", {"Instance": "56"}),
    ("instance-is-a-list", "snapshot", {"Instance": [{"Id": 56}]}),
    ("nested-id-is-a-string", "snapshot", {"CreationUser": {"Id": "seven"}}),
    ("creation-date-is-a-number", "snapshot", {"CreationDate": 1762074930}),
    ("creation-date-is-not-a-date", "snapshot", {"CreationDate": "last Tuesday"}),
    ("creation-date-is-an-object", "snapshot", {"CreationDate": {"Ticks": 1}}),
    ("items-is-an-object", "page", {"Items": {"0": SNAPSHOT_JSON}, "Meta": {"Total": 1}}),
    ("items-is-a-string", "page", {"Items": "none"}),
    ("items-hold-numbers", "page", {"Items": [1, 2]}),
    ("items-hold-lists", "page", {"Items": [[SNAPSHOT_JSON]]}),
    ("meta-is-a-list", "page", {"Items": [], "Meta": [{"Total": 1}]}),
    ("total-is-a-word", "page", {"Items": [], "Meta": {"Total": "many"}}),
    ("page-is-a-list", "page", [SNAPSHOT_JSON]),
    ("status-links-is-a-string", "ticket", {"Status": {"Dictionary": {"Links": "self"}}}),
    ("status-links-hold-numbers", "ticket", {"Status": {"Dictionary": {"Links": [5]}}}),
    ("status-is-a-number", "ticket", {"Status": 136}),
    ("progress-is-a-fraction", "ticket", {"Progress": 12.5}),
    ("end-date-is-a-bool", "ticket", {"EndDate": False}),
]


def _fetch(kind: str, request: pytest.FixtureRequest) -> Any:
    if kind == "ticket":
        return request.getfixturevalue("tickets_api").tickets_get_0(1)
    api = request.getfixturevalue("snapshots_api")
    return api.snapshots_get_0(1) if kind == "snapshot" else api.snapshots_get()


@pytest.mark.parametrize(
    ("kind", "payload"), [pytest.param(k, p, id=i) for i, k, p in WRONG_SHAPES]
)
def test_wrong_shapes_raise_response_decode_error(kind: str, payload: Any, stub, request):
    raw = json.dumps(payload).encode()
    stub.answer(raw=raw, headers={"X-Trace": "t-1"})
    with pytest.raises(pyodk.ResponseDecodeError) as caught:
        _fetch(kind, request)
    error = caught.value
    assert isinstance(error, ApiException)
    assert not isinstance(error, (KeyError, AttributeError, TypeError))
    assert error.status == 200
    assert error.reason.startswith("OK")
    assert error.body == raw.decode()
    assert error.headers["X-Trace"] == "t-1"
    assert isinstance(error.__cause__, pyodk.ModelDecodeError)
    assert "200" in str(error) and raw.decode()[:20] in error.details()


NOT_JSON: list[tuple[str, bytes, str]] = [
    ("empty", b"", "application/json"),
    ("plain-text", b"Service temporarily unavailable", "application/json"),
    ("truncated", b'{"Id": 5001, "Name": "before-ng', "application/json"),
    ("trailing-garbage", b'{"Id": 1} {"Id": 2}', "application/json"),
    ("bad-utf8", b'{"Name": "\xff\xfe\xfd"', "application/json; charset=utf-8"),
    ("single-quotes", b"{'Id': 1}", "text/json"),
    ("html-labelled-json", b"<html><body>502 Bad Gateway</body></html>", "application/json"),
    ("html", b"<html><body><h1>Maintenance</h1></body></html>", "text/html; charset=utf-8"),
    ("xml", b"<Snapshot><Id>1</Id></Snapshot>", "application/xml"),
    ("text-xml", b"<Snapshot><Id>1</Id></Snapshot>", "text/xml"),
    ("plain-json-text", b'{"Id": 1}', "text/plain"),
    ("deep-nesting", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ("deep-objects", b'{"Instance":' * 50_000 + b"{}" + b"}" * 50_000, "application/json"),
]


@pytest.mark.parametrize(
    ("raw", "content_type"), [pytest.param(r, c, id=i) for i, r, c in NOT_JSON]
)
@pytest.mark.parametrize("kind", ["snapshot", "page", "ticket"])
def test_non_json_bodies_raise_response_decode_error(kind, raw, content_type, stub, request):
    stub.answer(raw=raw, headers={"Content-Type": content_type})
    with pytest.raises(pyodk.ResponseDecodeError) as caught:
        _fetch(kind, request)
    error = caught.value
    assert error.status == 200
    assert error.reason.startswith("OK")
    assert error.headers["Content-Type"] == content_type
    assert error.body == raw.decode("utf-8", errors="replace")
    assert str(error).startswith("ResponseDecodeError: 200 GET ") and "\n" not in str(error)
    assert "(200)" in error.details()


def test_decode_error_str_is_bounded_for_huge_bodies(stub, snapshots_api):
    raw = b"x" * 1_000_000
    stub.answer(raw=raw)
    with pytest.raises(pyodk.ResponseDecodeError) as caught:
        snapshots_api.snapshots_get_0(1)
    assert len(caught.value.body) == 1_000_000
    assert len(str(caught.value)) < 5000 and len(caught.value.details()) < 5000


# -- error statuses -------------------------------------------------------------------------

STATUS_CLASSES = [
    (400, pyodk.BadRequestError),
    (401, pyodk.UnauthorizedError),
    (403, pyodk.ForbiddenError),
    (404, pyodk.NotFoundError),
    (409, pyodk.ConflictError),
    (429, pyodk.TooManyRequestsError),
    (500, pyodk.ServerError),
    (502, pyodk.ServerError),
    (503, pyodk.ServerError),
    (504, pyodk.ServerError),
    (405, ApiException),
    (418, ApiException),
]


@pytest.mark.parametrize(("status", "exception_class"), STATUS_CLASSES)
def test_error_status_raises_its_exception_class(status, exception_class, stub, snapshots_api):
    body = {"Message": f"Failure {status}"}
    stub.answer(body, status=status, headers={"Retry-After": "7"})
    with pytest.raises(ApiException) as caught:
        snapshots_api.snapshots_get_0(1)
    error = caught.value
    assert type(error) is exception_class
    assert error.status == status
    assert error.body == json.dumps(body)
    assert isinstance(error.body, str)
    assert error.headers["Retry-After"] == "7"
    # One line that says what happened; the generated block is in details().
    assert str(error) == (
        f"{exception_class.__name__}: {status} GET /snapshots/1 (snapshots_get_0): "
        f"Failure {status} after 1 attempt"
    )
    assert error.reason and f"({status})\nReason: {error.reason}\n" in error.details()
    assert error.message == f"Failure {status}"


def test_error_classes_are_caught_as_the_generated_api_exception(stub, snapshots_api):
    from pyodk.rest import ApiException as RestApiException

    assert RestApiException is pyodk.ApiException
    stub.answer({"Message": "no"}, status=404)
    with pytest.raises(RestApiException):
        snapshots_api.snapshots_delete(1)


def test_asp_net_validation_error_exposes_message_and_model_state(stub, snapshots_api):
    body = {
        "Message": "The request is invalid.",
        "ModelState": {"command.Name": ["The Name field is required.", "Too long."]},
    }
    stub.answer(body, status=400)
    with pytest.raises(pyodk.BadRequestError) as caught:
        snapshots_api.snapshots_put(1, pyodk.CreateUpdateSnapshotCommand())
    assert caught.value.message == "The request is invalid."
    assert caught.value.model_state == {
        "command.Name": ["The Name field is required.", "Too long."]
    }
    assert "The Name field is required." in str(caught.value)


def test_proxy_html_error_page_raises_server_error_with_the_page(stub, snapshots_api):
    page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    stub.answer(raw=page.encode(), status=502, headers={"Content-Type": "text/html"})
    with pytest.raises(pyodk.ServerError) as caught:
        snapshots_api.snapshots_get()
    error = caught.value
    assert error.status == 502 and error.reason == "Bad Gateway"
    assert error.body == page
    assert error.message is None and error.model_state == {}
    assert str(error) == (
        "ServerError: 502 GET /snapshots (snapshots_get): Bad Gateway after 1 attempt"
    )
    assert "nginx" in error.details()


@pytest.mark.parametrize(
    "raw", [b"", b"null", b"[1, 2]", b'"text"', b'{"Message": 5, "ModelState": []}', b"\xff"]
)
def test_odd_error_bodies_still_give_an_api_exception(raw: bytes, stub, snapshots_api):
    stub.answer(raw=raw, status=500)
    with pytest.raises(pyodk.ServerError) as caught:
        snapshots_api.snapshots_get_0(1)
    assert caught.value.message is None
    assert caught.value.model_state == {}
    assert caught.value.body == raw.decode("utf-8", errors="replace")


def test_error_body_is_text_decoded_with_its_charset(stub, snapshots_api):
    raw = '{"Message": "Migawka nie istnieje: źdźbło"}'.encode("iso-8859-2")
    stub.answer(
        raw=raw, status=404, headers={"Content-Type": "application/json; charset=iso-8859-2"}
    )
    with pytest.raises(pyodk.NotFoundError) as caught:
        snapshots_api.snapshots_get_0(1)
    assert caught.value.message == "Migawka nie istnieje: źdźbło"


def test_successful_page_decodes_alongside_error_paths(stub, snapshots_api):
    # A sanity anchor for this module: the same stub and client decode a good page.
    stub.answer(SNAPSHOT_PAGE_JSON)
    page = snapshots_api.snapshots_get()
    check_snapshot(page.items[0])


def test_utf8_byte_order_mark_is_skipped(stub, snapshots_api):
    # .NET's UTF-8 writers can prefix a BOM; json.loads on text refuses it unless it is skipped.
    stub.answer(raw=b"\xef\xbb\xbf" + json.dumps(SNAPSHOT_JSON).encode())
    check_snapshot(snapshots_api.snapshots_get_0(5001))


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-02T10:15:30.1234567+01:00",
        "2026-11-02T10:15:30.1234567-05:30",
        "2026-11-02T10:15:30.1234567Z",
        "2026-11-02T10:15:30.1234567",
        "2026-11-02T10:15:30.12345678+01:00",
        "2026-11-02T10:15:30.123456Z",
        "2026-11-02T10:15:30.1Z",
        "2026-11-02T10:15:30Z",
        "2026-11-02T10:15:30",
        "2026-11-02 10:15:30.1234567+01:00",
    ],
)
def test_the_rewrite_python_3_10_decodes_with_agrees_with_dateutil(text):
    # Python 3.10's generated decoders call this first; on 3.11+ only parse_datetime reaches it.
    from dateutil.parser import isoparse

    assert base._fromisoformat_rewritten(text) == isoparse(text)


@pytest.mark.parametrize("text", ["2026-11-02T10:15:30.1234567+1", "yesterday", "2026-13-02T10:15"])
def test_the_rewrite_refuses_what_is_not_iso_8601(text):
    with pytest.raises(ValueError):
        base._fromisoformat_rewritten(text)
