"""A first end-to-end pass through the core over a real socket."""

from __future__ import annotations

from conftest import TOKEN

import pyodk


def test_get_snapshot_sends_and_decodes(stub, snapshots_api):
    stub.answer({"Id": 7, "Name": "n", "CreationDate": "2026-11-02T10:15:30.1234567+01:00"})
    snapshot = snapshots_api.snapshots_get_0(7, fields="Id,Name")
    assert isinstance(snapshot, pyodk.Snapshot)
    assert snapshot.id == 7 and snapshot.creation_date.microsecond == 123456
    request = stub.last
    assert (request.method, request.path) == ("GET", "/services/snapshots/7")
    assert request.query == {"fields": ["Id,Name"]}
    assert request.headers["authorization"] == "Bearer " + TOKEN
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"] == f"pyodk/{pyodk.__version__}/python"
