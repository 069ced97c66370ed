"""GET /tickets as the live service has it: statusId, creationDateFrom/To, three order values."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest
from fake_http import ManualClock, RawApi, contract_mismatches, ref

from pyodk.testing import (
    STATUS_ERROR,
    STATUS_NEW,
    STATUS_RUNNING,
    STATUS_SUCCEED,
    TICKET_ORDER_FIELDS,
    FakeOktawaveServer,
)
from pyodk.testing.state import parse_wire_datetime

DURATION = 10.0


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def srv(clock: ManualClock) -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=DURATION, clock=clock) as server:
        yield server


@pytest.fixture
def api(srv: FakeOktawaveServer) -> Iterator[RawApi]:
    client = RawApi(srv)
    yield client
    client.close()


def created(ticket: dict[str, Any]) -> datetime:
    return parse_wire_datetime(ticket["CreationDate"])


def ticket_ids(api: RawApi, query: str) -> list[int]:
    answer = api.get(f"/tickets?{query}")
    assert answer.status == 200, answer.body
    page = answer.json
    assert page["Meta"]["Total"] == len(page["Items"])
    return [t["Id"] for t in page["Items"]]


# --------------------------------------------------------------------- statusId


def test_status_filter_sees_the_status_each_ticket_shows_now(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    srv.fail_next_operations(1, method="POST", path="/services/snapshots")
    error = api.call("POST", "/snapshots/5003/restore_ticket").json["Id"]
    succeed = api.call("DELETE", "/snapshots/5008").json["Id"]
    clock.advance(DURATION + 1)
    running = api.call("POST", "/instances/57/snapshots", {"Name": "a"}).json["Id"]
    clock.advance(DURATION / 2)
    new = api.call("POST", "/instances/112/snapshots", {"Name": "b"}).json["Id"]

    assert ticket_ids(api, f"statusId={STATUS_SUCCEED}") == [succeed]
    assert ticket_ids(api, f"statusId={STATUS_ERROR}") == [error]
    assert ticket_ids(api, f"statusId={STATUS_RUNNING}") == [running]
    assert ticket_ids(api, f"statusid={STATUS_NEW}") == [new]
    assert ticket_ids(api, "statusId=1") == []
    assert ticket_ids(api, "") == [error, succeed, running, new]
    # Time passes: the running one succeeds, the new one runs.
    clock.advance(DURATION / 2 + 1)
    assert ticket_ids(api, f"statusId={STATUS_RUNNING}") == [new]
    assert ticket_ids(api, f"statusId={STATUS_SUCCEED}") == [succeed, running]


# --------------------------------------------------------------------- creation dates


@pytest.fixture
def dated(api: RawApi, clock: ManualClock) -> list[dict[str, Any]]:
    """Three tickets, one hour apart."""
    tickets = []
    for name in ("first", "second", "third"):
        tickets.append(api.call("POST", "/instances/56/snapshots", {"Name": name}).json)
        clock.advance(3600)
    return tickets


def iso(moment: datetime) -> str:
    return quote(moment.isoformat())


def test_creation_date_bounds_are_inclusive(api: RawApi, dated: list[dict[str, Any]]) -> None:
    first, second, third = (created(t) for t in dated)
    all_ids = [t["Id"] for t in dated]
    assert ticket_ids(api, f"creationDateFrom={iso(second)}") == all_ids[1:]
    assert ticket_ids(api, f"creationDateTo={iso(second)}") == all_ids[:2]
    assert ticket_ids(api, f"creationDateFrom={iso(second)}&creationDateTo={iso(second)}") == [
        all_ids[1]
    ]
    after_first = first + timedelta(microseconds=1)
    assert (
        ticket_ids(api, f"creationDateFrom={iso(after_first)}&creationDateTo={iso(third)}")
        == (all_ids[1:])
    )
    assert ticket_ids(api, f"creationDateFrom={iso(third + timedelta(seconds=1))}") == []
    assert ticket_ids(api, f"creationDateFrom={iso(third)}&creationDateTo={iso(first)}") == []


def test_a_ticket_s_own_wire_date_finds_it_with_seven_digits_and_any_offset(
    api: RawApi, dated: list[dict[str, Any]]
) -> None:
    for ticket in dated:
        wire = quote(ticket["CreationDate"])
        assert ticket_ids(api, f"creationDateFrom={wire}&creationDateTo={wire}") == [ticket["Id"]]
        moment = created(ticket)
        warsaw = moment.astimezone(timezone(timedelta(hours=2)))
        same = quote(warsaw.isoformat())
        assert ticket_ids(api, f"creationDateFrom={same}&creationDateTo={same}") == [ticket["Id"]]


def test_a_date_without_offset_is_utc(api: RawApi, dated: list[dict[str, Any]]) -> None:
    second = created(dated[1]).astimezone(timezone.utc)
    naive = second.replace(tzinfo=None).isoformat()
    assert ticket_ids(api, f"creationDateFrom={naive}&creationDateTo={naive}") == [dated[1]["Id"]]
    # The same clock time at +05:00 is five hours earlier: every ticket is after it.
    shifted = quote(naive + "+05:00")
    assert ticket_ids(api, f"creationDateFrom={shifted}") == [t["Id"] for t in dated]


def test_a_bare_date_means_its_midnight_utc(api: RawApi, dated: list[dict[str, Any]]) -> None:
    day = created(dated[0]).astimezone(timezone.utc).date()
    tomorrow = day + timedelta(days=1)
    everything = [t["Id"] for t in dated]
    assert ticket_ids(api, f"creationDateFrom={day}") == everything
    expected = [t["Id"] for t in dated if created(t).date() == day]
    assert ticket_ids(api, f"creationDateFrom={day}&creationDateTo={tomorrow}") == expected


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2026-13-01", "2026-02-30", "2026-01-01T25:00", "2026-01-01T10:00+25:00", "1"],
)
@pytest.mark.parametrize("parameter", ["creationDateFrom", "creationDateTo"])
def test_a_date_that_is_not_iso_8601_answers_400(api: RawApi, parameter: str, value: str) -> None:
    answer = api.get(f"/tickets?{parameter}={quote(value)}")
    assert answer.status == 400
    assert answer.json["ModelState"] == {
        parameter: [f"The value '{value}' is not valid for DateTime."]
    }


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("statusId=abc", "statusId"), ("statusId=0", "statusId"), ("pageSize=0", "pageSize")],
)
def test_bad_numbers_answer_400(api: RawApi, query: str, parameter: str) -> None:
    assert list(api.get(f"/tickets?{query}").json["ModelState"]) == [parameter]


# --------------------------------------------------------------------- order values


def test_the_order_values_are_the_contract_s() -> None:
    assert TICKET_ORDER_FIELDS == ("CreationDate", "Status", "OperationType")


@pytest.mark.parametrize("spelling", ["Status", "status", "STATUS"])
def test_order_by_status_in_any_case(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock, spelling: str
) -> None:
    srv.fail_next_operations(1, method="DELETE")
    failed = api.call("DELETE", "/snapshots/5008").json["Id"]
    clock.advance(DURATION + 1)
    new = api.call("POST", "/instances/56/snapshots", {"Name": "a"}).json["Id"]
    done = api.call("POST", "/snapshots/5003/restore_ticket").json["Id"]
    clock.advance(DURATION + 1)
    newest = api.call("POST", "/instances/57/snapshots", {"Name": "b"}).json["Id"]
    # Status ids: New 134 (newest), Succeed 136 (new, done), Error 137 (failed).
    assert ticket_ids(api, f"orderBy={spelling}") == [newest, new, done, failed]


def test_order_by_operation_type_and_creation_date(api: RawApi, clock: ManualClock) -> None:
    delete = api.call("DELETE", "/snapshots/5008").json["Id"]
    clock.advance(1)
    restore = api.call("POST", "/snapshots/5003/restore_ticket").json["Id"]
    clock.advance(1)
    create = api.call("POST", "/instances/56/snapshots", {"Name": "a"}).json["Id"]
    assert ticket_ids(api, "orderBy=operationType") == [create, restore, delete]
    assert ticket_ids(api, "orderBy=CREATIONDATE") == [delete, restore, create]
    items = api.get("/tickets?orderBy=OperationType").json["Items"]
    assert [t["OperationType"]["Label"] for t in items] == [
        "Create snapshot",
        "Restore snapshot",
        "Delete snapshot",
    ]


@pytest.mark.parametrize(
    "order_by", ["EndDate", "Progress", "ObjectName", "ObjectId", "Id", "Status desc"]
)
def test_other_order_values_answer_asp_net_400(api: RawApi, order_by: str) -> None:
    answer = api.get(f"/tickets?orderBy={quote(order_by)}")
    assert answer.status == 400
    assert answer.json == {
        "Message": "The request is invalid.",
        "ModelState": {
            "orderBy": ["Acceptable order values are: CreationDate, Status, OperationType."]
        },
    }


def test_filters_order_and_pages_combine(api: RawApi, clock: ManualClock) -> None:
    made = []
    for n in range(5):
        made.append(api.call("POST", "/instances/56/snapshots", {"Name": f"n{n}"}).json)
        clock.advance(DURATION + 1)
    since = quote(made[1]["CreationDate"])
    query = f"statusId={STATUS_SUCCEED}&creationDateFrom={since}&orderBy=CreationDate&pageSize=2"
    page_one = api.get(f"/tickets?{query}&pageNumber=1").json
    page_two = api.get(f"/tickets?{query}&pageNumber=2").json
    assert page_one["Meta"] == page_two["Meta"] == {"Total": 4}
    got = [t["Id"] for t in page_one["Items"] + page_two["Items"]]
    assert got == [t["Id"] for t in made[1:]]
    assert contract_mismatches(page_one, ref("ApiCollectionTicket")) == []
