"""Instances in the fake: instances_get and instances_get_0 over a real socket, and add_instance."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest
from fake_http import CONTRACT, ManualClock, RawApi, contract_mismatches, ref

from pyodk.testing import (
    INSTANCE_ORDER_FIELDS,
    INSTANCE_POWERED_OFF,
    INSTANCE_POWERED_ON,
    INSTANCE_TYPES,
    TEMPLATE_TYPE_MARKETPLACE,
    TEMPLATE_TYPE_OCI,
    FakeOktawaveServer,
)
from pyodk.testing.state import parse_wire_datetime

INSTANCE_PROPERTIES = set(CONTRACT["definitions"]["Instance"]["properties"])
SEEDED = {56: "web-prod-01", 57: "db-main", 112: "worker-eu-1", 230: "empty-sandbox"}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def srv(clock: ManualClock) -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=10.0, clock=clock) as server:
        yield server


@pytest.fixture
def api(srv: FakeOktawaveServer) -> Iterator[RawApi]:
    client = RawApi(srv)
    yield client
    client.close()


def ids(page: dict[str, Any]) -> list[int]:
    return [item["Id"] for item in page["Items"]]


# --------------------------------------------------------------------- the wire


def test_the_seeded_instances_are_listed_in_id_order_as_the_contract_describes(
    api: RawApi,
) -> None:
    answer = api.get("/instances")
    assert answer.status == 200
    page = answer.json
    assert contract_mismatches(page, ref("ApiCollectionInstance")) == []
    assert {item["Id"]: item["Name"] for item in page["Items"]} == SEEDED
    assert ids(page) == sorted(SEEDED) and page["Meta"] == {"Total": 4}
    for item in page["Items"]:
        # Every property of the contract is there; what the fake does not model is null.
        assert set(item) == INSTANCE_PROPERTIES
        kind = INSTANCE_TYPES[item["Type"]["Id"]]
        assert (item["CpuNumber"], item["RamMb"]) == (kind.cpu_number, kind.ram_mb)
        assert item["Type"]["Label"] == kind.label and item["Type"]["Dictionary"]["Id"] == 12
        assert item["Status"]["Dictionary"]["Id"] == 27
        assert item["IsLocked"] is False and item["LockingDate"] is None
        assert item["IpAddress"] and item["PrivateIpAddress"].startswith("10.")
    addresses = [item["IpAddress"] for item in page["Items"]]
    assert len(set(addresses)) == len(addresses)


def test_one_instance_by_id_is_what_the_listing_shows(srv: FakeOktawaveServer, api: RawApi) -> None:
    listed = {item["Id"]: item for item in api.get("/instances").json["Items"]}
    for instance_id, item in listed.items():
        answer = api.get(f"/instances/{instance_id}")
        assert answer.status == 200
        assert answer.json == item == srv.get_instance_json(instance_id)
        assert contract_mismatches(answer.json, ref("Instance")) == []


def test_seeded_instances_are_older_than_their_snapshots(srv: FakeOktawaveServer) -> None:
    for instance_id in SEEDED:
        created = parse_wire_datetime(srv.get_instance_json(instance_id)["CreationDate"])
        for snapshot_id in srv.snapshot_ids(instance_id):
            snapshot = srv.get_snapshot_json(snapshot_id)
            assert parse_wire_datetime(snapshot["CreationDate"]) > created


def test_an_instance_is_locked_while_an_operation_on_it_runs(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    ticket = api.call("POST", "/instances/56/snapshots", {"Name": "locks"}).json
    locked = api.get("/instances/56").json
    assert locked["IsLocked"] is True
    assert locked["LockingDate"] == ticket["CreationDate"]
    assert api.get("/instances/57").json["IsLocked"] is False
    clock.advance(srv.ticket_duration + 1)
    unlocked = api.get("/instances/56").json
    assert (unlocked["IsLocked"], unlocked["LockingDate"]) == (False, None)


# --------------------------------------------------------------------- finding an instance


def test_query_finds_an_instance_by_part_of_its_name_in_any_case(api: RawApi) -> None:
    found = api.get("/instances?query=PROD").json
    assert [(i["Id"], i["Name"]) for i in found["Items"]] == [(56, "web-prod-01")]
    assert found["Meta"]["Total"] == 1
    assert ids(api.get("/instances?query=R-").json) == [112]
    assert ids(api.get("/instances?query=%20main").json) == []
    assert ids(api.get("/instances?query=-main").json) == [57]
    assert api.get("/instances?query=no-such-box").json == {"Items": [], "Meta": {"Total": 0}}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("isTurnedOn=true", [56, 57, 112]),
        ("isTurnedOn=FALSE", [230]),
        ("isturnedon=%20True%20", [56, 57, 112]),
        ("subregionId=1", [112, 230]),
        ("subregionId=4", [56, 57]),
        ("subregionId=99", []),
        ("typeId=1504", [57]),
        ("typeId=9", []),
        (f"templateTypeId={TEMPLATE_TYPE_MARKETPLACE}", [230]),
        (f"templateTypeId={TEMPLATE_TYPE_OCI}", [56, 57, 112]),
        ("subregionId=1&isTurnedOn=true", [112]),
        ("subregionId=4&query=db", [57]),
        ("isTurnedOn=", [56, 57, 112, 230]),
    ],
)
def test_filters_narrow_the_listing_and_the_total(
    api: RawApi, query: str, expected: list[int]
) -> None:
    page = api.get(f"/instances?{query}").json
    assert ids(page) == expected
    assert page["Meta"]["Total"] == len(expected)


def test_status_and_power_filter_agree(api: RawApi) -> None:
    on = api.get("/instances?isTurnedOn=true").json["Items"]
    off = api.get("/instances?isTurnedOn=false").json["Items"]
    assert {i["Status"]["Id"] for i in on} == {INSTANCE_POWERED_ON}
    assert {i["Status"]["Id"] for i in off} == {INSTANCE_POWERED_OFF}
    assert {i["Status"]["Label"] for i in on + off} == {"Powered on", "Powered off"}


@pytest.mark.parametrize("order_by", INSTANCE_ORDER_FIELDS)
def test_each_listed_order_sorts_ascending_with_ties_by_id(api: RawApi, order_by: str) -> None:
    items = api.get(f"/instances?orderBy={order_by.upper()}").json["Items"]

    def key(item: dict[str, Any]) -> Any:
        if order_by in ("Type", "Status"):
            return (item[order_by]["Id"], item["Id"])
        if order_by == "CreationDate":
            return (parse_wire_datetime(item["CreationDate"]), item["Id"])
        return (item["Name"].casefold(), item["Id"])

    assert [key(i) for i in items] == sorted(key(i) for i in items)
    assert len(items) == 4


def test_order_by_name_differs_from_id_order(api: RawApi) -> None:
    names = [i["Name"] for i in api.get("/instances?orderBy=name").json["Items"]]
    assert names == ["db-main", "empty-sandbox", "web-prod-01", "worker-eu-1"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("orderBy=Id", "orderBy"),
        ("orderBy=IpAddress", "orderBy"),
        ("isTurnedOn=1", "isTurnedOn"),
        ("isTurnedOn=yes", "isTurnedOn"),
        ("subregionId=x", "subregionId"),
        ("typeId=2147483648", "typeId"),
        ("templateTypeId=-1", "templateTypeId"),
        ("pageSize=0", "pageSize"),
        ("pageNumber=0", "pageNumber"),
    ],
)
def test_bad_parameters_answer_asp_net_400(api: RawApi, query: str, parameter: str) -> None:
    answer = api.get(f"/instances?{query}")
    assert answer.status == 400, answer.body
    assert answer.json["Message"] == "The request is invalid."
    assert list(answer.json["ModelState"]) == [parameter]


def test_an_unknown_order_value_is_told_the_acceptable_ones(api: RawApi) -> None:
    answer = api.get("/instances?orderBy=IpAddress")
    assert answer.json["ModelState"]["orderBy"] == [
        "Acceptable order values are: Type, Status, CreationDate, Name."
    ]


def test_paging_and_fields(api: RawApi) -> None:
    first = api.get("/instances?pageSize=3&pageNumber=1&fields=Id,Name").json
    second = api.get("/instances?pageSize=3&pageNumber=2&fields=id,name").json
    assert first["Meta"] == second["Meta"] == {"Total": 4}
    assert [set(i) for i in first["Items"] + second["Items"]] == [{"Id", "Name"}] * 4
    assert ids(first) + ids(second) == sorted(SEEDED)
    assert api.get("/instances/57?fields=RamMb").json == {"RamMb": 32768}


def test_unknown_or_bad_ids_answer_404_or_400(api: RawApi) -> None:
    missing = api.get("/instances/999")
    assert missing.status == 404 and missing.json == {"Message": "Instance 999 was not found."}
    assert list(api.get("/instances/0").json["ModelState"]) == ["id"]
    assert api.get("/instances/abc").status == 400


def test_instances_need_a_bearer_token(srv: FakeOktawaveServer) -> None:
    assert RawApi(srv, token="nope").get("/instances").status == 401
    assert RawApi(srv, token="nope").get("/instances/56").status == 401


# --------------------------------------------------------------------- add_instance


def test_add_instance_takes_what_the_filters_need(srv: FakeOktawaveServer, api: RawApi) -> None:
    made = datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=timezone.utc)
    new_id = srv.add_instance(
        "batch-runner",
        subregion_id=7,
        type_id=1505,
        template_type_id=TEMPLATE_TYPE_MARKETPLACE,
        is_turned_on=False,
        creation_date=made,
    )
    assert new_id == 1000
    item = api.get(f"/instances/{new_id}").json
    assert (item["Name"], item["Subregion"], item["Status"]["Id"]) == (
        "batch-runner",
        {"Id": 7},
        INSTANCE_POWERED_OFF,
    )
    assert (item["Type"]["Id"], item["CpuNumber"], item["RamMb"]) == (1505, 16, 12288)
    assert item["TemplateType"]["Id"] == TEMPLATE_TYPE_MARKETPLACE
    assert parse_wire_datetime(item["CreationDate"]) == made
    query = "subregionId=7&isTurnedOn=false&typeId=1505&query=batch&templateTypeId=1612"
    assert ids(api.get(f"/instances?{query}").json) == [new_id]
    assert contract_mismatches(item, ref("Instance")) == []


def test_add_instance_defaults_and_dates(srv: FakeOktawaveServer, clock: ManualClock) -> None:
    first = srv.add_instance()
    clock.advance(60)
    second = srv.add_instance("later")
    assert (first, second) == (1000, 1001)
    one, two = srv.get_instance_json(first), srv.get_instance_json(second)
    assert one["Name"] == "web-1" and one["Status"]["Id"] == INSTANCE_POWERED_ON
    delta = parse_wire_datetime(two["CreationDate"]) - parse_wire_datetime(one["CreationDate"])
    assert delta.total_seconds() == pytest.approx(60, abs=0.001)
    assert srv.snapshot_ids(first) == []


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"name": "   "}, "name"),
        ({"name": 5}, "name"),
        ({"id": 0}, "id"),
        ({"id": 2**31}, "id"),
        ({"subregion_id": -1}, "subregion_id"),
        ({"type_id": 1}, "type_id"),
        ({"type_id": True}, "type_id"),
        ({"template_type_id": 3}, "template_type_id"),
        ({"is_turned_on": "yes"}, "is_turned_on"),
    ],
)
def test_add_instance_refuses_what_the_contract_cannot_describe(
    srv: FakeOktawaveServer, kwargs: dict[str, Any], named: str
) -> None:
    before = srv.state.instance_ids()
    with pytest.raises(ValueError, match=named):
        srv.add_instance(**kwargs)
    assert srv.state.instance_ids() == before


def test_add_instance_refuses_a_taken_id(srv: FakeOktawaveServer) -> None:
    with pytest.raises(ValueError, match="56 already exists"):
        srv.add_instance("again", 56)
