"""Shared data for the test_core_* files: wire payloads and one row per API operation.

Not a test module itself (no ``test_`` prefix): the core test files import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import pyodk

PLUS_ONE = timezone(timedelta(hours=1))

USER_JSON = {"Id": 7, "Login": "jan.kowalski", "FirstName": "Jan", "LastName": "Kowalski"}

SNAPSHOT_JSON: dict[str, Any] = {
    "Id": 5001,
    "Name": "before-nginx-upgrade",
    "Description": "Nginx 1.24",
    "Instance": {"Id": 56},
    "CreationDate": "2026-11-02T10:15:30.1234567+01:00",
    "LastChangeDate": "2026-11-03T08:00:00Z",
    "CreationUser": USER_JSON,
    "IsSystem": False,
    "IsCurrent": True,
    "SnapshotParent": {"Id": 5000},
}


def dictionary_item(item_id: int, label: str, dictionary_id: int) -> dict[str, Any]:
    links = [{"Href": f"https://pl1-api.oktawave.com/services/dictionaries/{dictionary_id}",
              "Rel": "self"}]  # fmt: skip
    return {"Id": item_id, "Label": label, "Dictionary": {"Id": dictionary_id, "Links": links}}


TICKET_JSON: dict[str, Any] = {
    "Id": 880001,
    "CreationDate": "2026-11-02T10:15:30.1234567+01:00",
    "CreationUser": USER_JSON,
    "EndDate": None,
    "Status": dictionary_item(135, "Running", 40),
    "OperationType": dictionary_item(1451, "Create snapshot", 106),
    "ObjectId": 56,
    "ObjectType": dictionary_item(1303, "Instance", 102),
    "ObjectName": "web-prod-01",
    "Progress": 40,
}

SNAPSHOT_PAGE_JSON = {"Items": [SNAPSHOT_JSON], "Meta": {"Total": 31}}
TICKET_PAGE_JSON = {"Items": [TICKET_JSON], "Meta": {"Total": 12}}


def check_snapshot(snapshot: Any) -> None:
    """A Snapshot decoded from SNAPSHOT_JSON, nested models included."""
    assert type(snapshot) is pyodk.Snapshot
    assert snapshot.id == 5001
    assert snapshot.name == "before-nginx-upgrade"
    assert snapshot.description == "Nginx 1.24"
    assert type(snapshot.instance) is pyodk.BaseResource and snapshot.instance.id == 56
    assert snapshot.creation_date == datetime(2026, 11, 2, 10, 15, 30, 123456, tzinfo=PLUS_ONE)
    assert snapshot.last_change_date == datetime(2026, 11, 3, 8, 0, tzinfo=timezone.utc)
    assert type(snapshot.creation_user) is pyodk.UserResource
    assert (snapshot.creation_user.id, snapshot.creation_user.login) == (7, "jan.kowalski")
    assert (snapshot.creation_user.first_name, snapshot.creation_user.last_name) == (
        "Jan",
        "Kowalski",
    )
    assert snapshot.is_system is False and snapshot.is_current is True
    assert type(snapshot.snapshot_parent) is pyodk.BaseResource
    assert snapshot.snapshot_parent.id == 5000


def check_ticket(ticket: Any) -> None:
    """A Ticket decoded from TICKET_JSON, down to the Links of its dictionary items."""
    assert type(ticket) is pyodk.Ticket
    assert ticket.id == 880001
    assert ticket.creation_date == datetime(2026, 11, 2, 10, 15, 30, 123456, tzinfo=PLUS_ONE)
    assert ticket.end_date is None
    assert type(ticket.creation_user) is pyodk.UserResource and ticket.creation_user.id == 7
    for item, expected in (
        (ticket.status, (135, "Running", 40)),
        (ticket.operation_type, (1451, "Create snapshot", 106)),
        (ticket.object_type, (1303, "Instance", 102)),
    ):
        assert type(item) is pyodk.DictionaryItem
        assert (item.id, item.label, item.dictionary.id) == expected
        assert type(item.dictionary) is pyodk.Resource
        (link,) = item.dictionary.links
        assert type(link) is pyodk.Link
        assert link.rel == "self" and link.href.endswith(f"/dictionaries/{expected[2]}")
    assert (ticket.object_id, ticket.object_name, ticket.progress) == (56, "web-prod-01", 40)


def check_snapshot_page(page: Any) -> None:
    assert type(page) is pyodk.ApiCollectionSnapshot
    assert type(page.meta) is pyodk.ApiCollectionMetadata and page.meta.total == 31
    assert type(page.items) is list and len(page.items) == 1
    check_snapshot(page.items[0])


def check_ticket_page(page: Any) -> None:
    assert type(page) is pyodk.ApiCollectionTicket
    assert type(page.meta) is pyodk.ApiCollectionMetadata and page.meta.total == 12
    assert type(page.items) is list and len(page.items) == 1
    check_ticket(page.items[0])


def command() -> pyodk.CreateUpdateSnapshotCommand:
    return pyodk.CreateUpdateSnapshotCommand(name="nightly 2026-11-02", description="before deploy")


COMMAND_WIRE = {"Name": "nightly 2026-11-02", "Description": "before deploy"}


@dataclass
class Case:
    """One operation called one way, with what the server must receive and what comes back."""

    api: str  # "snapshots" or "tickets": which API class
    name: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    method: str
    path: str
    query: dict[str, list[str]]
    body: dict[str, Any] | None
    answer: dict[str, Any]
    check: Any
    required: tuple[str, ...] = field(default=())

    @property
    def id(self) -> str:
        return self.name


CASES = [
    Case("snapshots", "instances_get_snapshots", (56,), {"fields": "Id,Name"},
         "GET", "/services/instances/56/snapshots", {"fields": ["Id,Name"]}, None,
         SNAPSHOT_PAGE_JSON, check_snapshot_page, ("id",)),
    Case("snapshots", "instances_post_snapshot", (56, command()), {},
         "POST", "/services/instances/56/snapshots", {}, COMMAND_WIRE,
         TICKET_JSON, check_ticket, ("id", "command")),
    Case("snapshots", "snapshots_delete", (5001,), {},
         "DELETE", "/services/snapshots/5001", {}, None, TICKET_JSON, check_ticket, ("id",)),
    Case("snapshots", "snapshots_get", (),
         {"instance_id": 56, "query": "nginx & co", "page_size": 20, "page_number": 2,
          "order_by": "CreationDate", "fields": "Id,Name"},
         "GET", "/services/snapshots",
         {"instanceId": ["56"], "query": ["nginx & co"], "pageSize": ["20"],
          "pageNumber": ["2"], "orderBy": ["CreationDate"], "fields": ["Id,Name"]},
         None, SNAPSHOT_PAGE_JSON, check_snapshot_page),
    Case("snapshots", "snapshots_get_0", (5001,), {"fields": "Id"},
         "GET", "/services/snapshots/5001", {"fields": ["Id"]}, None,
         SNAPSHOT_JSON, check_snapshot, ("id",)),
    Case("snapshots", "snapshots_put", (5001, command()), {},
         "PUT", "/services/snapshots/5001", {}, COMMAND_WIRE,
         SNAPSHOT_JSON, check_snapshot, ("id", "command")),
    Case("snapshots", "snapshots_restore", (5001,), {},
         "POST", "/services/snapshots/5001/restore_ticket", {}, None,
         TICKET_JSON, check_ticket, ("id",)),
    Case("tickets", "tickets_get", (),
         {"status_id": 135,
          "creation_date_from": datetime(2026, 11, 1, tzinfo=timezone.utc),
          "creation_date_to": datetime(2026, 11, 2, 12, 30, tzinfo=timezone(timedelta(hours=1))),
          "page_size": 5, "page_number": 1, "order_by": "status", "fields": "Id,Progress"},
         "GET", "/services/tickets",
         {"statusId": ["135"], "creationDateFrom": ["2026-11-01T00:00:00+00:00"],
          "creationDateTo": ["2026-11-02T12:30:00+01:00"], "pageSize": ["5"],
          "pageNumber": ["1"], "orderBy": ["status"], "fields": ["Id,Progress"]},
         None, TICKET_PAGE_JSON, check_ticket_page),
    Case("tickets", "tickets_get_0", (880001,), {"fields": "Id"},
         "GET", "/services/tickets/880001", {"fields": ["Id"]}, None,
         TICKET_JSON, check_ticket, ("id",)),
]  # fmt: skip

#: Every operation, as pytest parameters named by operation.
ALL_CASES = [pytest.param(case, id=case.name) for case in CASES]
#: Operations whose first positional argument is a path id.
ID_CASES = [pytest.param(c, id=c.name) for c in CASES if c.required and c.required[0] == "id"]


def api_for(case: Case, request: pytest.FixtureRequest) -> Any:
    """The API object (from the conftest fixtures) that carries this case's operation."""
    return request.getfixturevalue("snapshots_api" if case.api == "snapshots" else "tickets_api")
