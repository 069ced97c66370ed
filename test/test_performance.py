"""What pyodk's speed-ups must not change: decoded models stay whole, errors say where, one page
held at a time. (Speed itself is measured by bench/run.py, never asserted here.)"""

from __future__ import annotations

import copy
import datetime as dt
import gc
import io
from typing import Any

import pytest
import urllib3

import pyodk
from pyodk.models import base
from pyodk.rest import RESTResponse

SNAPSHOT = {
    "Id": 7,
    "Name": "nightly",
    "Description": "before the deploy",
    "Instance": {"Id": 56},
    "CreationDate": "2024-03-05T10:11:12.1234567+01:00",
    "LastChangeDate": "2024-03-05T10:13:00.0000001Z",
    "CreationUser": {"Id": 48213, "Login": "jan", "FirstName": "Jan", "LastName": "Kowalski"},
    "IsSystem": False,
    "IsCurrent": True,
    "SnapshotParent": {"Id": 6},
}


def test_inlined_nested_models_are_whole_models() -> None:
    snapshot = pyodk.Snapshot.from_json(SNAPSHOT)
    assert type(snapshot.instance) is pyodk.BaseResource
    assert snapshot.instance == pyodk.BaseResource(id=56)
    assert snapshot.creation_user == pyodk.UserResource(
        id=48213, login="jan", first_name="Jan", last_name="Kowalski"
    )
    assert snapshot.creation_date == dt.datetime(
        2024, 3, 5, 10, 11, 12, 123456, dt.timezone(dt.timedelta(hours=1))
    )
    assert snapshot.last_change_date == dt.datetime(2024, 3, 5, 10, 13, tzinfo=dt.timezone.utc)
    assert "login='jan'" in repr(snapshot)
    assert snapshot.to_json() == pyodk.Snapshot.from_json(snapshot.to_json()).to_json()
    clone = copy.copy(snapshot)
    clone.instance.id = 57  # nested models are mutable (and shared by a shallow copy)
    assert snapshot.instance.id == 57
    assert snapshot._configuration is None  # decoded models carry no Configuration


def test_decoded_models_validate_what_users_set_later() -> None:
    command = pyodk.CreateUpdateSnapshotCommand.from_json({"Name": "ok"})
    command.description = "fine"
    with pytest.raises(ValueError, match="must not contain"):
        command.name = "a/b"


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"CreationUser": {"Id": "seven"}}, "Snapshot.CreationUser.Id"),
        ({"Instance": [56]}, "Snapshot.Instance"),
        ({"SnapshotParent": "6"}, "Snapshot.SnapshotParent"),
        ({"CreationDate": 1709633472}, "Snapshot.CreationDate"),
        ({"CreationDate": "last Tuesday"}, "Snapshot.CreationDate"),
        ({"IsCurrent": "yes"}, "Snapshot.IsCurrent"),
    ],
)
def test_decode_errors_name_the_nested_path(payload: dict[str, Any], path: str) -> None:
    with pytest.raises(pyodk.ModelDecodeError) as caught:
        pyodk.Snapshot.from_json(payload)
    assert caught.value.path == path


def test_rest_response_decodes_its_text_when_read_and_can_be_replaced() -> None:
    body = "Zażółć".encode("iso-8859-2")
    headers = {"Content-Type": "text/plain; charset=iso-8859-2"}
    resp = urllib3.HTTPResponse(body=io.BytesIO(body), headers=headers, status=200)
    response = RESTResponse(resp, body)
    assert response.raw_data == body
    assert response.data == "Zażółć"
    response.data = "replaced"
    assert response.data == "replaced"


def test_paginate_holds_one_page_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from pyodk.testing import FakeOktawaveServer

    def live_snapshots() -> int:
        return sum(type(o) is pyodk.Snapshot for o in gc.get_objects())

    live_before_each_page: list[int] = []
    deserialize = pyodk.ApiClient.deserialize

    def counting(self: pyodk.ApiClient, response: Any, response_type: str) -> Any:
        live_before_each_page.append(live_snapshots())
        return deserialize(self, response, response_type)

    monkeypatch.setattr(pyodk.ApiClient, "deserialize", counting)
    with FakeOktawaveServer(seed_defaults=False) as server:
        instance = server.add_instance("paged")
        for number in range(9):
            server.add_snapshot(instance, f"snap-{number}")
        configuration = pyodk.Configuration.from_env(server.environ())
        with pyodk.ApiClient(configuration) as client:
            api = pyodk.OCISnapshotsApi(client)
            walk = pyodk.paginate(api.snapshots_get, instance_id=instance, page_size=3)
            gc.collect()
            before = live_snapshots()  # left over by other tests, if any
            names = [snapshot.name for snapshot in walk]
    assert names == [f"snap-{number}" for number in range(9)]
    # While a page is fetched, only the item the caller holds is left of the one before.
    assert len(live_before_each_page) == 3
    assert max(live_before_each_page) - before <= 1, (before, live_before_each_page)


def _ticket(ticket_id: int) -> dict[str, Any]:
    status = {"Id": 135, "Label": "Running", "Dictionary": {"Id": 40, "Links": [{"Rel": "self"}]}}
    return {"Id": ticket_id, "Status": status, "CreationDate": "2024-03-05T10:11:12Z"}


def test_from_json_leaves_its_input_alone() -> None:
    page = {"Items": [SNAPSHOT, None, SNAPSHOT], "Meta": {"Total": 3}}
    wire = copy.deepcopy(page)
    decoded = pyodk.ApiCollectionSnapshot.from_json(wire)
    assert wire == page
    assert decoded.items[1] is None and decoded.items[0] == decoded.items[2]


def test_consuming_decoders_empty_the_lists_they_decode_and_decode_the_same() -> None:
    tickets = {"Items": [_ticket(i) for i in range(5)], "Meta": {"Total": 5}}
    expected = pyodk.ApiCollectionTicket.from_json(copy.deepcopy(tickets))
    decode = base.decoder_for("ApiCollectionTicket", consume=True)
    decoded = decode(tickets)
    assert decoded == expected
    assert [t.status.dictionary.links[0].rel for t in decoded.items] == ["self"] * 5
    assert tickets["Items"] == []  # each item's dicts were freed as its model was built
    assert base.decoder_for("list[Snapshot]", consume=True) is base.decoder_for(
        "list[Snapshot]", consume=True
    )


def test_consuming_decoders_still_refuse_wrong_shapes() -> None:
    decode = base.decoder_for("ApiCollectionSnapshot", consume=True)
    with pytest.raises(pyodk.ModelDecodeError) as caught:
        decode({"Items": [SNAPSHOT, {"Id": "seven"}]})
    assert caught.value.path == "Snapshot.Id"
