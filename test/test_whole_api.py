"""The whole API as a user meets it: classes load on first use, answers of every shape, and the
helpers (waiters, paginate) on operations beyond the snapshot ones.

Operation by operation, test_contract_*.py prove the wire and the decoding against the contract;
this file follows a user's steps through the generated surface.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

import pyodk
import pyodk.api
import pyodk.models
from pyodk.testing import FakeOktawaveServer

ROOT = Path(__file__).resolve().parent.parent

# ------------------------------------------------------------------ loading on first use


def test_import_pyodk_loads_no_api_class_no_model_and_no_http_library():
    """``import pyodk`` stays fast by loading names when they are first used (PEP 562)."""
    probe = (
        "import sys, pyodk\n"
        "loaded = [m for m in sys.modules if m.startswith(('pyodk.api.', 'pyodk.models.', "
        "'urllib3', 'dateutil', 'pyodk.api_client'))]\n"
        "print(sorted(loaded))\n"
        "pyodk.OCIApi\n"
        "print(sorted(m for m in sys.modules if m.startswith('pyodk.api.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    at_import, after_use = done.stdout.splitlines()
    assert at_import == "[]"
    # Using one API class loads it and the operation engine, not its 17 siblings.
    assert after_use == "['pyodk.api.oci_api', 'pyodk.api.operation']"


def test_every_name_is_listed_and_reachable():
    assert len(pyodk.api.__all__) == 18 and len(pyodk.models.__all__) == 160
    names = dir(pyodk)
    for name in pyodk.__all__:
        assert name in names
        assert getattr(pyodk, name) is not None
    assert pyodk.OCIApi is pyodk.api.OCIApi
    assert pyodk.ModelImport is pyodk.models.ModelImport  # the contract's Import
    with pytest.raises(AttributeError, match="OCISnapshotApi"):
        pyodk.OCISnapshotApi  # noqa: B018 - a typo must not pass silently


def test_the_operation_index_lists_every_operation_without_loading_a_class():
    index = pyodk.api.OPERATION_INDEX
    assert len(index) == 177 and len({name for name, *_ in index}) == 177
    assert ("instances_power_on", "POST", "/instances/{id}/power_on_ticket", "OCIApi") in {
        entry[:4] for entry in index
    }
    for name, method, path, api in index:
        operation = getattr(getattr(pyodk.api, api), name).operation
        assert (operation.name, operation.method, operation.path) == (name, method, path)


# ------------------------------------------------------------------ answers of every shape


def test_an_answer_without_a_schema_is_the_parsed_json(stub, api_client):
    answer = {"Result": [1, 2], "Note": "as sent"}
    stub.answer(answer)
    data = pyodk.OCIAutoscalerApi(api_client).instances_update_autoscaler(
        56, pyodk.AutoscalerUpdateCommand()
    )
    assert data == answer


def test_an_answer_without_a_body_is_none(stub, api_client):
    stub.answer(raw=b"", status=200)
    assert pyodk.AccountApi(api_client).account_delete_ssh_key(7) is None
    assert stub.last.method == "DELETE" and stub.last.path == "/services/account/sshkeys/7"


def test_a_string_answer_is_the_string(stub, api_client):
    api = pyodk.OCIApi(api_client)
    stub.answer("#!/bin/sh\necho hello\n")  # JSON text
    assert api.instances_get_instance_init_script(56) == "#!/bin/sh\necho hello\n"
    # Plain text, as swagger-codegen's client takes it: whatever is not JSON is the text itself.
    stub.answer(raw=b"#!/bin/sh\necho plain\n", headers={"Content-Type": "text/plain"})
    assert api.instances_get_instance_init_script(56) == "#!/bin/sh\necho plain\n"
    stub.answer(raw=b"iVBORw0KGgo=", headers={"Content-Type": "application/json"})
    assert api.instances_get_screenshot(56) == "iVBORw0KGgo="
    # A model answer is still refused when it is not JSON.
    stub.answer(raw=b"<html>proxy</html>", headers={"Content-Type": "text/html"})
    with pytest.raises(pyodk.ResponseDecodeError, match="text/html"):
        api.instances_get_0(56)


# ------------------------------------------------------------------ helpers across the API


def test_wait_for_ticket_follows_the_ticket_of_any_operation(stub, api_client):
    running = {"Id": 990001, "Progress": 10, "Status": {"Id": 135, "Label": "Running"}}
    done = {
        **running,
        "Progress": 100,
        "EndDate": "2026-11-02T10:15:30Z",
        "Status": {"Id": 136, "Label": "Succeed"},
    }
    stub.answer(running)  # the POST
    stub.answer(running)  # first poll
    stub.answer(done)  # second poll
    ticket = pyodk.OCIApi(api_client).instances_power_on(56)
    sleeps: list[float] = []
    finished = pyodk.wait_for_ticket(api_client, ticket, sleep=sleeps.append)
    assert finished.succeeded and finished.id == 990001
    assert [(r.method, r.path) for r in stub.received] == [
        ("POST", "/services/instances/56/power_on_ticket"),
        ("GET", "/services/tickets/990001"),
        ("GET", "/services/tickets/990001"),
    ]
    assert len(sleeps) == 2


def test_find_an_instance_by_name_and_snapshot_it(fake_oktawave: FakeOktawaveServer):
    configuration = pyodk.Configuration()
    configuration.host = fake_oktawave.url
    configuration.access_token = fake_oktawave.access_token
    with pyodk.ApiClient(configuration) as api_client:
        instances = pyodk.OCIApi(api_client)
        found = [
            i for i in pyodk.paginate(instances.instances_get, query="db") if i.name == "db-main"
        ]
        assert [i.id for i in found] == [57]
        assert instances.instances_get_0(57).name == "db-main"
        made = pyodk.create_snapshot_and_wait(pyodk.OCISnapshotsApi(api_client), 57, "pre-upgrade")
        assert made.name == "pre-upgrade" and made.is_current


def test_tickets_filter_by_status_and_creation_date(fake_oktawave: FakeOktawaveServer):
    configuration = pyodk.Configuration()
    configuration.host = fake_oktawave.url
    configuration.access_token = fake_oktawave.access_token
    with pyodk.ApiClient(configuration) as api_client:
        snapshots = pyodk.OCISnapshotsApi(api_client)
        tickets = pyodk.TicketsApi(api_client)
        first = snapshots.snapshots_delete(5003)
        pyodk.wait_for_ticket(api_client, first)
        second = snapshots.snapshots_restore(5002)
        succeeded = tickets.tickets_get(status_id=136)
        assert [t.id for t in succeeded.items] == [first.id]
        assert second.status.id in (134, 135)  # New or Running: the fake's clock stands still
        unfinished = tickets.tickets_get(status_id=second.status.id, order_by="creationdate")
        assert [t.id for t in unfinished.items] == [second.id]
        later = second.creation_date + dt.timedelta(seconds=1)
        assert tickets.tickets_get(creation_date_from=later).items == []
        both = tickets.tickets_get(creation_date_to=later, order_by="Status")
        assert sorted(t.id for t in both.items) == sorted([first.id, second.id])
    sent = [r.query for r in fake_oktawave.requests if r.path.endswith("/tickets")]
    assert sent[2]["creationDateFrom"] == [later.isoformat()]


def test_every_collection_operation_is_declared_for_paginate():
    declared = {
        op.name: op.collection
        for api in pyodk.api.__all__
        for name in vars(getattr(pyodk.api, api))
        if (op := getattr(getattr(getattr(pyodk.api, api), name), "operation", None))
    }
    assert len(declared) == 177
    assert declared["instances_get"] == "paged" and declared["tickets_get"] == "paged"
    assert declared["instances_get_snapshots"] == "unpaged"
    # A PUT that answers a collection is no listing: paginate leaves it alone.
    assert declared["groups_change_assignments_in_group"] is None
    assert sum(kind == "paged" for kind in declared.values()) == 22
