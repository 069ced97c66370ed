"""Testing your own pyodk script offline, against pyodk's fake Oktawave server.

Run it with ``pytest examples/test_my_script_example.py``: installing pyodk makes the
``fake_oktawave`` fixture available to every pytest run, with nothing to configure.
"""

from __future__ import annotations

import time

import pytest

import pyodk

# ---------------------------------------------------------------- the code under test
# In a real project this lives in your own module; the tests below import it from there.


def snapshot_before_deploy(api_client: pyodk.ApiClient, instance_id: int, label: str) -> int:
    """Snapshot the instance, wait until Oktawave has made it, and return the new snapshot's id."""
    snapshots = pyodk.OCISnapshotsApi(api_client)
    tickets = pyodk.TicketsApi(api_client)
    command = pyodk.CreateUpdateSnapshotCommand(name=label, description="before deploy")
    ticket = snapshots.instances_post_snapshot(instance_id, command)
    while ticket.end_date is None:
        time.sleep(0.05)
        ticket = tickets.tickets_get_0(ticket.id)
    if ticket.status.id != 136:  # 136 is Succeed, 137 is Error
        raise RuntimeError(f"snapshot of instance {instance_id} failed: {ticket.status.label}")
    listing = snapshots.instances_get_snapshots(instance_id)
    return next(s.id for s in listing.items if s.is_current)


# ---------------------------------------------------------------- the tests


@pytest.fixture
def api_client(fake_oktawave):
    # environ() holds OKTAWAVE_ODK_API_URL and OKTAWAVE_ACCESS_TOKEN, pointing at the fake.
    configuration = pyodk.Configuration.from_env(fake_oktawave.environ())
    with pyodk.ApiClient(configuration) as client:
        yield client


@pytest.mark.fake_oktawave(ticket_duration=0.2)
def test_new_snapshot_becomes_current(fake_oktawave, api_client):
    previous = fake_oktawave.current_snapshot_id(56)

    new_id = snapshot_before_deploy(api_client, 56, "pre-deploy 1.4.2")

    snapshot = fake_oktawave.get_snapshot_json(new_id)
    assert snapshot["Name"] == "pre-deploy 1.4.2"
    assert snapshot["IsCurrent"] is True
    assert snapshot["SnapshotParent"] == {"Id": previous}


@pytest.mark.fake_oktawave(ticket_duration=0)
def test_a_failed_ticket_is_reported_and_changes_nothing(fake_oktawave, api_client):
    before = fake_oktawave.state_dump()
    fake_oktawave.fail_next_operations(1)

    with pytest.raises(RuntimeError, match="Error"):
        snapshot_before_deploy(api_client, 56, "doomed")

    assert fake_oktawave.state_dump() == before


@pytest.mark.fake_oktawave(ticket_duration=0)
def test_a_flaky_ticket_poll_is_retried(fake_oktawave, api_client):
    # The first poll of the ticket meets a 503; pyodk retries GETs, honouring Retry-After.
    fake_oktawave.inject("status", status=503, retry_after=0, path="/services/tickets")

    new_id = snapshot_before_deploy(api_client, 56, "despite a hiccup")

    polls = [r for r in fake_oktawave.requests if r.path.startswith("/services/tickets/")]
    assert [r.fault for r in polls] == ["status", None]
    assert fake_oktawave.get_snapshot_json(new_id)["Name"] == "despite a hiccup"


@pytest.mark.fake_oktawave(seed_defaults=False, ticket_duration=0)
def test_with_your_own_instances(fake_oktawave, api_client):
    app = fake_oktawave.add_instance("my-app")
    base = fake_oktawave.add_snapshot(app, "golden image", is_system=True)

    new_id = snapshot_before_deploy(api_client, app, "first deploy")

    assert fake_oktawave.snapshot_ids(app) == [base, new_id]
