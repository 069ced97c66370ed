"""The fake Oktawave server over a real socket: wire format, state, tickets, errors, tokens."""

from __future__ import annotations

import http.client
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fake_http import ManualClock, RawApi, token_request

from pyodk.testing import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    SNAPSHOT_ORDER_FIELDS,
    FakeOktawaveServer,
)
from pyodk.testing.state import parse_wire_datetime

SNAPSHOT_KEYS = {
    "Id",
    "Name",
    "Description",
    "Instance",
    "CreationDate",
    "LastChangeDate",
    "CreationUser",
    "IsSystem",
    "IsCurrent",
    "SnapshotParent",
}
TICKET_KEYS = {
    "Id",
    "CreationDate",
    "CreationUser",
    "EndDate",
    "Status",
    "OperationType",
    "ObjectId",
    "ObjectType",
    "ObjectName",
    "Progress",
}
WIRE_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}(Z|[+-]\d\d:\d\d)?")


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


def create(api: RawApi, instance_id: int = 56, **command: Any) -> dict[str, Any]:
    body = {"Name": "nightly", "Description": "made by a test", **command}
    answer = api.call("POST", f"/instances/{instance_id}/snapshots", body)
    assert answer.status == 200, answer.body
    return answer.json  # type: ignore[no-any-return]


def finish(srv: FakeOktawaveServer, clock: ManualClock) -> None:
    clock.advance(srv.ticket_duration + 0.001)


def check_one_current(srv: FakeOktawaveServer) -> None:
    for instance in srv.state_dump()["instances"]:
        flags = [s["is_current"] for s in instance["snapshots"]]
        assert sum(flags) == (1 if flags else 0), instance


# --------------------------------------------------------------------- server object


def test_urls_and_credentials_point_at_a_loopback_port() -> None:
    with FakeOktawaveServer() as srv:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/services", srv.url)
        assert srv.token_url == srv.url.replace("/services", "/core/connect/token")
        assert srv.port > 0 and srv.running
        assert srv.access_token and srv.client_id and srv.client_secret
        assert srv.username and srv.password
        assert srv.environ() == {
            "OKTAWAVE_ACCESS_TOKEN": srv.access_token,
            "OKTAWAVE_ODK_API_URL": srv.url,
        }
    assert not srv.running


def test_stop_closes_the_port_and_start_stop_are_idempotent() -> None:
    srv = FakeOktawaveServer()
    with pytest.raises(RuntimeError):
        _ = srv.url
    srv.start()
    srv.start()
    port = srv.port
    srv.stop()
    srv.stop()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_stop_is_prompt_even_with_an_idle_keep_alive_connection_open() -> None:
    srv = FakeOktawaveServer().start()
    api = RawApi(srv)
    assert api.get("/tickets").status == 200
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 2
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        api.get("/tickets")


def test_keep_alive_serves_many_requests_on_one_socket(srv: FakeOktawaveServer) -> None:
    api = RawApi(srv)
    api.get("/snapshots/5001")
    first_socket = api.conn.sock
    for _ in range(5):
        answer = api.get("/snapshots/5001")
        assert answer.status == 200
        assert int(answer.headers["Content-Length"]) == len(answer.body)
    assert api.conn.sock is first_socket
    api.close()


def test_chunked_request_bodies_are_read(srv: FakeOktawaveServer, clock: ManualClock) -> None:
    parts = srv.url.split("/")[2].split(":")
    conn = http.client.HTTPConnection(parts[0], int(parts[1]), timeout=5)
    body = json.dumps({"Name": "chunky"}).encode()
    conn.request(
        "PUT",
        "/services/snapshots/5002",
        body=iter([body[:5], body[5:]]),
        headers={"Authorization": f"Bearer {srv.access_token}", "Content-Type": "text/json"},
        encode_chunked=True,
    )
    answer = conn.getresponse()
    assert answer.status == 200
    assert json.loads(answer.read())["Name"] == "chunky"
    conn.close()


# --------------------------------------------------------------------- wire format and seed


def test_default_seed_has_instance_56_with_a_plausible_tree(
    srv: FakeOktawaveServer, api: RawApi
) -> None:
    answer = api.get("/instances/56/snapshots")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    page = answer.json
    assert set(page) == {"Items", "Meta"}
    assert page["Meta"]["Total"] == len(page["Items"]) >= 3
    assert any(s["IsSystem"] for s in page["Items"])
    assert sum(s["IsCurrent"] for s in page["Items"]) == 1
    for snapshot in page["Items"]:
        assert set(snapshot) == SNAPSHOT_KEYS
        assert snapshot["Instance"] == {"Id": 56}
        assert set(snapshot["CreationUser"]) == {"Id", "Login", "FirstName", "LastName"}
        assert WIRE_DATETIME.fullmatch(snapshot["CreationDate"])
        assert WIRE_DATETIME.fullmatch(snapshot["LastChangeDate"])
    assert len(srv.state_dump()["instances"]) >= 3
    check_one_current(srv)


def test_datetimes_mix_offset_styles_deterministically(srv: FakeOktawaveServer) -> None:
    dates = [srv.get_snapshot_json(i)["CreationDate"] for i in srv.snapshot_ids()]
    styles = {"Z" if d.endswith("Z") else "offset" if d[-6] in "+-" else "naive" for d in dates}
    assert styles == {"Z", "offset", "naive"}
    assert dates == [srv.get_snapshot_json(i)["CreationDate"] for i in srv.snapshot_ids()]
    assert all(WIRE_DATETIME.fullmatch(d) for d in dates)


def test_snapshot_parents_form_a_tree_within_each_instance(srv: FakeOktawaveServer) -> None:
    for snapshot_id in srv.snapshot_ids():
        snapshot = srv.get_snapshot_json(snapshot_id)
        if snapshot["SnapshotParent"] is not None:
            parent = srv.get_snapshot_json(snapshot["SnapshotParent"]["Id"])
            assert parent["Instance"] == snapshot["Instance"]


def test_no_seed_means_an_empty_account() -> None:
    with FakeOktawaveServer(seed_defaults=False) as srv:
        assert srv.snapshot_ids() == []
        assert RawApi(srv).get("/snapshots").json == {"Items": [], "Meta": {"Total": 0}}


# --------------------------------------------------------------------- seeding API


def test_add_instance_and_snapshots_build_a_chain_by_default(srv: FakeOktawaveServer) -> None:
    instance = srv.add_instance("web-9")
    assert srv.current_snapshot_id(instance) is None
    first = srv.add_snapshot(instance, "one", "first")
    second = srv.add_snapshot(instance, "two", is_system=True, creation_user={"Login": "bob"})
    side = srv.add_snapshot(instance, "side", parent_id=first, make_current=False)
    root = srv.add_snapshot(instance, "root", parent_id=None, make_current=False)
    assert srv.current_snapshot_id(instance) == second
    assert srv.get_snapshot_json(second)["SnapshotParent"] == {"Id": first}
    assert srv.get_snapshot_json(second)["CreationUser"]["Login"] == "bob"
    assert srv.get_snapshot_json(second)["IsSystem"] is True
    assert srv.get_snapshot_json(side)["SnapshotParent"] == {"Id": first}
    assert srv.get_snapshot_json(root)["SnapshotParent"] is None
    assert srv.snapshot_ids(instance) == sorted([first, second, side, root])
    check_one_current(srv)


def test_seeding_rejects_inconsistent_input(srv: FakeOktawaveServer) -> None:
    with pytest.raises(ValueError):
        srv.add_instance("again", 56)
    other = srv.add_instance("other", 4242)
    assert other == 4242
    with pytest.raises(ValueError):
        srv.add_snapshot(other, "x", parent_id=5001)


def test_state_dump_is_plain_json_without_dates(srv: FakeOktawaveServer) -> None:
    dump = srv.state_dump()
    text = json.dumps(dump)
    assert "Date" not in text and "880" not in text
    with FakeOktawaveServer() as twin:
        assert twin.state_dump() == dump


# --------------------------------------------------------------------- authentication


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer wrong-token", "Basic abc", "bearer "],
)
def test_api_answers_401_without_a_valid_bearer(
    srv: FakeOktawaveServer, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = RawApi(srv).get("/snapshots", headers=headers, auth=False)
    assert answer.status == 401
    assert answer.json == {"Message": "Authorization has been denied for this request."}
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_401_reaches_no_state(srv: FakeOktawaveServer) -> None:
    before = srv.state_dump()
    answer = RawApi(srv, token="nope").call("POST", "/instances/56/snapshots", {"Name": "x"})
    assert answer.status == 401
    assert srv.tickets_for() == []
    assert srv.state_dump() == before


def test_password_grant_issues_a_working_token(srv: FakeOktawaveServer) -> None:
    form = {
        "grant_type": "password",
        "username": srv.username,
        "password": srv.password,
        "scope": "oktawave.api",
    }
    answer = token_request(srv, form)
    assert answer.status == 200
    grant = answer.json
    assert set(grant) == {"access_token", "token_type", "expires_in", "refresh_token", "scope"}
    assert grant["token_type"] == "Bearer" and grant["expires_in"] == 3600
    assert answer.headers["Cache-Control"] == "no-store"
    assert srv.token_fetches == 1
    assert RawApi(srv, token=grant["access_token"]).get("/tickets").status == 200


def test_refresh_grant_rotates_and_old_refresh_tokens_die(srv: FakeOktawaveServer) -> None:
    grant = token_request(
        srv, {"grant_type": "password", "username": srv.username, "password": srv.password}
    ).json
    refreshed = token_request(
        srv, {"grant_type": "refresh_token", "refresh_token": grant["refresh_token"]}
    )
    assert refreshed.status == 200
    assert refreshed.json["access_token"] != grant["access_token"]
    assert refreshed.json["scope"] == "oktawave.api"
    assert srv.token_fetches == 2
    reused = token_request(
        srv, {"grant_type": "refresh_token", "refresh_token": grant["refresh_token"]}
    )
    assert (reused.status, reused.json["error"]) == (400, "invalid_grant")
    assert srv.token_fetches == 2


@pytest.mark.parametrize(
    ("form", "client", "status", "error"),
    [
        ({"grant_type": "password", "username": "u", "password": "p"}, None, 400, "invalid_grant"),
        ({"grant_type": "password"}, None, 400, "invalid_request"),
        ({"grant_type": "refresh_token", "refresh_token": "x"}, None, 400, "invalid_grant"),
        ({"grant_type": "client_credentials"}, None, 400, "unsupported_grant_type"),
        ({}, None, 400, "invalid_request"),
        ({"grant_type": "password"}, ("pyodk-test-client", "bad"), 401, "invalid_client"),
        ({"grant_type": "password"}, (), 401, "invalid_client"),
    ],
)
def test_token_endpoint_failures_use_oauth2_error_bodies(
    srv: FakeOktawaveServer,
    form: dict[str, str],
    client: tuple[str, str] | None,
    status: int,
    error: str,
) -> None:
    answer = token_request(srv, form, client)
    assert answer.status == status
    assert answer.json["error"] == error
    assert srv.token_fetches == 0
    if status == 401:
        assert answer.headers["WWW-Authenticate"].startswith("Basic")


def test_token_endpoint_rejects_bad_scope_and_non_form_bodies(srv: FakeOktawaveServer) -> None:
    login = {"grant_type": "password", "username": srv.username, "password": srv.password}
    scoped = token_request(srv, {**login, "scope": "admin"})
    assert (scoped.status, scoped.json["error"]) == (400, "invalid_scope")
    as_json = token_request(srv, login, content_type="application/json")
    assert (as_json.status, as_json.json["error"]) == (400, "invalid_request")


def test_tokens_expire_after_their_lifetime(clock: ManualClock) -> None:
    with FakeOktawaveServer(token_lifetime=60, clock=clock) as srv:
        login = {"grant_type": "password", "username": srv.username, "password": srv.password}
        grant = token_request(srv, login).json
        assert grant["expires_in"] == 60
        api = RawApi(srv, token=grant["access_token"])
        clock.advance(59)
        assert api.get("/tickets").status == 200
        clock.advance(2)
        assert api.get("/tickets").status == 401
        assert RawApi(srv).get("/tickets").status == 200


def test_expire_tokens_kills_issued_tokens_but_not_the_static_one(
    srv: FakeOktawaveServer,
) -> None:
    login = {"grant_type": "password", "username": srv.username, "password": srv.password}
    grant = token_request(srv, login).json
    srv.expire_tokens()
    assert RawApi(srv, token=grant["access_token"]).get("/tickets").status == 401
    assert RawApi(srv).get("/tickets").status == 200
    refreshed = token_request(
        srv, {"grant_type": "refresh_token", "refresh_token": grant["refresh_token"]}
    ).json
    assert RawApi(srv, token=refreshed["access_token"]).get("/tickets").status == 200


# --------------------------------------------------------------------- tickets and the tree


def test_create_answers_a_new_ticket_and_applies_only_when_it_finishes(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    previous = srv.current_snapshot_id(56)
    before = srv.snapshot_ids(56)
    ticket = create(api, Name="nightly", Description="night")
    assert set(ticket) == TICKET_KEYS
    assert ticket["Status"] == {
        "Id": 134,
        "Label": "New",
        "Dictionary": {"Id": 40, "Links": []},
    }
    assert (ticket["Progress"], ticket["EndDate"], ticket["ObjectId"]) == (0, None, 56)
    assert ticket["ObjectName"] == "web-prod-01"
    assert ticket["OperationType"]["Label"] == "Create snapshot"
    assert srv.snapshot_ids(56) == before

    clock.advance(srv.ticket_duration / 2)
    halfway = api.get(f"/tickets/{ticket['Id']}").json
    assert (halfway["Status"]["Id"], halfway["Progress"]) == (135, 50)
    assert halfway["Status"]["Label"] == "Running"
    assert srv.snapshot_ids(56) == before

    finish(srv, clock)
    done = api.get(f"/tickets/{ticket['Id']}").json
    assert (done["Status"]["Id"], done["Status"]["Label"], done["Progress"]) == (
        136,
        "Succeed",
        100,
    )
    assert WIRE_DATETIME.fullmatch(done["EndDate"])
    assert parse_wire_datetime(done["EndDate"]) > parse_wire_datetime(done["CreationDate"])
    (new_id,) = set(srv.snapshot_ids(56)) - set(before)
    created = srv.get_snapshot_json(new_id)
    assert (created["Name"], created["Description"]) == ("nightly", "night")
    assert created["IsCurrent"] and created["SnapshotParent"] == {"Id": previous}
    assert created["IsSystem"] is False
    for _ in range(3):
        api.get(f"/tickets/{ticket['Id']}")
    assert len(srv.snapshot_ids(56)) == len(before) + 1
    check_one_current(srv)


def test_restore_makes_the_snapshot_current(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    answer = api.call("POST", "/snapshots/5003/restore_ticket")
    assert answer.status == 200
    ticket = answer.json
    assert (ticket["ObjectId"], ticket["ObjectName"]) == (5003, "php8-experiment")
    assert ticket["OperationType"]["Label"] == "Restore snapshot"
    assert srv.current_snapshot_id(56) == 5004
    finish(srv, clock)
    assert srv.current_snapshot_id(56) == 5003
    assert api.get(f"/tickets/{ticket['Id']}").json["Status"]["Id"] == 136
    check_one_current(srv)


def test_delete_moves_children_up_to_the_parent(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    ticket = api.call("DELETE", "/snapshots/5002").json
    assert ticket["ObjectId"] == 5002 and ticket["OperationType"]["Label"] == "Delete snapshot"
    assert 5002 in srv.snapshot_ids(56)
    finish(srv, clock)
    assert 5002 not in srv.snapshot_ids(56)
    assert api.get("/snapshots/5002").status == 404
    for child in (5003, 5004):
        assert srv.get_snapshot_json(child)["SnapshotParent"] == {"Id": 5001}
    assert srv.current_snapshot_id(56) == 5004


def test_deleting_the_current_snapshot_makes_its_parent_current(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    api.call("DELETE", "/snapshots/5004")
    finish(srv, clock)
    assert srv.current_snapshot_id(56) == 5002
    check_one_current(srv)


def test_deleting_a_current_root_keeps_exactly_one_current(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    instance = srv.add_instance("tree")
    root = srv.add_snapshot(instance, "root")
    child = srv.add_snapshot(instance, "child", make_current=False)
    api.call("DELETE", f"/snapshots/{root}")
    finish(srv, clock)
    assert srv.current_snapshot_id(instance) == child
    assert srv.get_snapshot_json(child)["SnapshotParent"] is None
    api.call("DELETE", f"/snapshots/{child}")
    finish(srv, clock)
    assert srv.current_snapshot_id(instance) is None
    assert api.get(f"/instances/{instance}/snapshots").json["Meta"]["Total"] == 0


def test_tickets_finish_in_order_so_a_queued_chain_lands_as_a_chain(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    create(api, Name="a")
    clock.advance(1)
    create(api, Name="b")
    clock.advance(100)
    names = {srv.get_snapshot_json(i)["Name"]: i for i in srv.snapshot_ids(56)}
    assert srv.get_snapshot_json(names["b"])["SnapshotParent"] == {"Id": names["a"]}
    assert srv.current_snapshot_id(56) == names["b"]


def test_an_operation_on_a_snapshot_deleted_meanwhile_ends_in_error(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    deletion = api.call("DELETE", "/snapshots/5003").json
    restore = api.call("POST", "/snapshots/5003/restore_ticket").json
    finish(srv, clock)
    assert api.get(f"/tickets/{deletion['Id']}").json["Status"]["Id"] == 136
    failed = api.get(f"/tickets/{restore['Id']}").json
    assert failed["Status"] == {"Id": 137, "Label": "Error", "Dictionary": {"Id": 40, "Links": []}}
    assert failed["EndDate"] is not None
    assert srv.current_snapshot_id(56) == 5004


def test_fail_next_operations_ends_in_error_and_changes_nothing(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    before = srv.state_dump()
    srv.fail_next_operations(2)
    tickets = [create(api), api.call("POST", "/snapshots/5001/restore_ticket").json]
    finish(srv, clock)
    for ticket in tickets:
        final = api.get(f"/tickets/{ticket['Id']}").json
        assert (final["Status"]["Id"], final["Status"]["Label"]) == (137, "Error")
        assert final["EndDate"] is not None
    assert srv.state_dump() == before
    third = create(api)
    finish(srv, clock)
    assert api.get(f"/tickets/{third['Id']}").json["Status"]["Id"] == 136


def test_fail_next_operations_honours_method_and_path_filters(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    srv.fail_next_operations(1, method="DELETE", path="/services/snapshots/5003")
    restore = api.call("POST", "/snapshots/5003/restore_ticket").json
    other_delete = api.call("DELETE", "/snapshots/5008").json
    target_delete = api.call("DELETE", "/snapshots/5003").json
    finish(srv, clock)
    statuses = [api.get(f"/tickets/{t['Id']}").json["Status"]["Id"] for t in
                (restore, other_delete, target_delete)]  # fmt: skip
    assert statuses == [136, 136, 137]
    assert 5003 in srv.snapshot_ids()


def test_rejected_requests_do_not_use_up_a_planned_failure(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    srv.fail_next_operations(1)
    assert api.call("POST", "/instances/56/snapshots", {"Name": "a/b"}).status == 400
    assert api.call("DELETE", "/snapshots/999999").status == 404
    ticket = create(api)
    finish(srv, clock)
    assert api.get(f"/tickets/{ticket['Id']}").json["Status"]["Id"] == 137


def test_progress_rises_in_real_time_then_the_ticket_succeeds() -> None:
    with FakeOktawaveServer(ticket_duration=0.3) as srv:
        api = RawApi(srv)
        ticket = create(api)
        seen = []
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            current = api.get(f"/tickets/{ticket['Id']}").json
            seen.append(current["Progress"])
            if current["EndDate"] is not None:
                break
            time.sleep(0.03)
        assert seen == sorted(seen) and seen[-1] == 100
        assert any(0 < p < 100 for p in seen)
        assert current["Status"]["Id"] == 136


def test_zero_duration_finishes_by_the_first_poll() -> None:
    with FakeOktawaveServer(ticket_duration=0) as srv:
        api = RawApi(srv)
        ticket = create(api)
        assert ticket["Progress"] == 0 and ticket["Status"]["Id"] == 134
        polled = api.get(f"/tickets/{ticket['Id']}").json
        assert polled["Status"]["Id"] == 136 and polled["Progress"] == 100


def test_ticket_duration_can_change_between_operations(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    srv.ticket_duration = 0
    ticket = create(api)
    assert api.get(f"/tickets/{ticket['Id']}").json["Progress"] == 100


def test_finish_all_tickets_completes_pending_work(srv: FakeOktawaveServer, api: RawApi) -> None:
    ticket = create(api)
    assert srv.state.pending_ticket_count() == 1
    srv.finish_all_tickets()
    assert srv.state.pending_ticket_count() == 0
    assert srv.tickets_for(56)[0]["Id"] == ticket["Id"]
    assert srv.tickets_for(56)[0]["Status"]["Id"] == 136


def test_concurrent_creates_all_land_as_one_chain() -> None:
    with FakeOktawaveServer(ticket_duration=0) as srv:
        instance = srv.add_instance("busy")
        errors: list[BaseException] = []

        def worker(n: int) -> None:
            try:
                client = RawApi(srv)
                for i in range(5):
                    assert create(client, instance, Name=f"w{n}-{i}")["ObjectId"] == instance
                client.close()
            except BaseException as error:  # noqa: BLE001 - reported by the main thread
                errors.append(error)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        ids = srv.snapshot_ids(instance)
        assert len(ids) == 30
        parents = [srv.get_snapshot_json(i)["SnapshotParent"] for i in ids]
        assert parents[0] is None and parents[1:] == [{"Id": i} for i in ids[:-1]]
        assert srv.current_snapshot_id(instance) == ids[-1]


# --------------------------------------------------------------------- update and validation


def test_put_renames_at_once_and_bumps_last_change_date(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    clock.advance(5)
    answer = api.call("PUT", "/snapshots/5002", {"Name": "renamed", "Description": "new text"})
    assert answer.status == 200
    snapshot = answer.json
    assert set(snapshot) == SNAPSHOT_KEYS
    assert (snapshot["Name"], snapshot["Description"]) == ("renamed", "new text")
    assert parse_wire_datetime(snapshot["LastChangeDate"]) > parse_wire_datetime(
        snapshot["CreationDate"]
    )
    assert srv.get_snapshot_json(5002)["Name"] == "renamed"
    assert srv.tickets_for() == []


def test_form_bodies_and_text_json_are_accepted(srv: FakeOktawaveServer, api: RawApi) -> None:
    form = api.call(
        "PUT",
        "/snapshots/5002",
        raw_body=b"Name=from+form&Description=ok",
        content_type="application/x-www-form-urlencoded",
    )
    assert (form.status, form.json["Name"]) == (200, "from form")
    text = api.call("PUT", "/snapshots/5002", {"Name": "tj"}, content_type="text/json")
    assert (text.status, text.json["Name"], text.json["Description"]) == (200, "tj", None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "command.Name"),
        ({"Name": ""}, "command.Name"),
        ({"Name": None}, "command.Name"),
        ({"Name": 12}, "command.Name"),
        ({"Name": "x" * 501}, "command.Name"),
        # [Required] refuses white space only, by .NET's idea of white space.
        *[
            ({"Name": blank}, "command.Name")
            for blank in (" ", "\t\r\n", "\u3000", "\u00a0 \u2028")
        ],
        # [StringLength] counts UTF-16 code units: each emoji is two.
        ({"Name": "\N{GRINNING FACE}" * 251}, "command.Name"),
        ({"Name": "\N{GRINNING FACE}" * 250 + "x"}, "command.Name"),
        *[({"Name": f"a{c}b"}, "command.Name") for c in "/\\|<>%"],
        ({"Name": "ok", "Description": "a/b"}, "command.Description"),
        ({"Name": "ok", "Description": 5}, "command.Description"),
        ([], "command"),
        ("just a string", "command"),
    ],
)
@pytest.mark.parametrize("operation", ["create", "update"])
def test_invalid_commands_answer_400_with_model_state(
    srv: FakeOktawaveServer, api: RawApi, body: Any, field: str, operation: str
) -> None:
    before = srv.state_dump()
    if operation == "create":
        answer = api.call("POST", "/instances/56/snapshots", body)
    else:
        answer = api.call("PUT", "/snapshots/5002", body)
    assert answer.status == 400
    assert answer.json["Message"] == "The request is invalid."
    assert list(answer.json["ModelState"]) == [field]
    assert all(isinstance(m, str) for m in answer.json["ModelState"][field])
    assert srv.state_dump() == before and srv.tickets_for() == []


def test_names_at_the_limits_are_accepted(srv: FakeOktawaveServer, api: RawApi) -> None:
    limits = ("x", "y" * 500, "\N{GRINNING FACE}" * 250, "\N{GRINNING FACE}" * 249 + "zz")
    # U+001F is no white space to .NET (Python's isspace says it is), and inner spaces are fine.
    others = (" padded ", "\x1f", "spaces, dots. and-dashes_ok: ąę")
    for name in limits + others:
        answer = api.call("PUT", "/snapshots/5002", {"Name": name, "Description": "a\\b|<>%"})
        assert answer.status == 200, answer.body
        assert answer.json["Name"] == name


@pytest.mark.parametrize(
    ("raw", "content_type", "status"),
    [
        (b"", "application/json", 400),
        (b"{not json", "application/json", 400),
        (b"<CreateUpdateSnapshotCommand/>", "application/xml", 415),
        (b"Name: x", "text/plain", 415),
    ],
)
def test_unreadable_bodies(
    srv: FakeOktawaveServer, api: RawApi, raw: bytes, content_type: str, status: int
) -> None:
    answer = api.call("POST", "/instances/56/snapshots", raw_body=raw, content_type=content_type)
    assert answer.status == status
    assert "Message" in answer.json
    assert srv.tickets_for() == []


# --------------------------------------------------------------------- 404, 405 and bad ids


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/instances/999/snapshots"),
        ("POST", "/instances/999/snapshots"),
        ("GET", "/snapshots/999999"),
        ("PUT", "/snapshots/999999"),
        ("DELETE", "/snapshots/999999"),
        ("POST", "/snapshots/999999/restore_ticket"),
        ("GET", "/tickets/999999"),
        ("GET", "/nothing/here"),
    ],
)
def test_unknown_ids_and_paths_answer_404(
    srv: FakeOktawaveServer, api: RawApi, method: str, path: str
) -> None:
    body = {"Name": "fine"} if method in ("POST", "PUT") else None
    answer = api.call(method, path, body)
    assert answer.status == 404
    assert isinstance(answer.json["Message"], str)
    assert srv.tickets_for() == []


def test_wrong_method_answers_405_with_allow(api: RawApi) -> None:
    answer = api.call("PATCH", "/snapshots/5001", {"Name": "x"})
    assert answer.status == 405
    assert answer.headers["Allow"] == "GET, PUT, DELETE"


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/snapshots/abc", "id"),
        ("/snapshots/0", "id"),
        ("/snapshots/-3", "id"),
        ("/snapshots/2147483648", "id"),
        ("/snapshots/1.5", "id"),
        ("/instances/x/snapshots", "id"),
        ("/tickets/9223372036854775808", "id"),
        ("/tickets/0", "id"),
        ("/snapshots?pageNumber=0", "pageNumber"),
        ("/snapshots?pageNumber=two", "pageNumber"),
        ("/snapshots?pageSize=0", "pageSize"),
        (f"/snapshots?pageSize={MAX_PAGE_SIZE + 1}", "pageSize"),
        ("/snapshots?instanceId=abc", "instanceId"),
        ("/snapshots?orderBy=Id", "orderBy"),
        ("/snapshots?orderBy=Name%20desc", "orderBy"),
        ("/tickets?orderBy=Name", "orderBy"),
        ("/tickets?pageSize=-1", "pageSize"),
    ],
)
def test_bad_parameters_answer_400_naming_the_parameter(
    api: RawApi, path: str, parameter: str
) -> None:
    answer = api.get(path)
    assert answer.status == 400, answer.body
    assert answer.json["Message"] == "The request is invalid."
    assert list(answer.json["ModelState"]) == [parameter]


def test_authentication_is_checked_before_parameters(srv: FakeOktawaveServer) -> None:
    assert RawApi(srv, token="bad").get("/snapshots/abc").status == 401


# --------------------------------------------------------------------- collections


def test_total_counts_all_matches_and_pages_partition_them(api: RawApi) -> None:
    everything = api.get("/snapshots").json
    total = everything["Meta"]["Total"]
    assert total == len(everything["Items"]) >= 8
    collected = []
    for page_number in range(1, total // 3 + 3):
        page = api.get(f"/snapshots?pageSize=3&pageNumber={page_number}").json
        assert page["Meta"]["Total"] == total
        assert len(page["Items"]) <= 3
        collected.extend(s["Id"] for s in page["Items"])
    assert collected == [s["Id"] for s in everything["Items"]]
    assert api.get("/snapshots?pageSize=3&pageNumber=99").json["Items"] == []


def test_default_page_size_applies_to_snapshots_but_not_an_instances_list(
    srv: FakeOktawaveServer, api: RawApi
) -> None:
    instance = srv.add_instance("many")
    for n in range(DEFAULT_PAGE_SIZE + 5):
        srv.add_snapshot(instance, f"s{n}")
    page = api.get(f"/snapshots?instanceId={instance}").json
    assert (len(page["Items"]), page["Meta"]["Total"]) == (DEFAULT_PAGE_SIZE, DEFAULT_PAGE_SIZE + 5)
    whole = api.get(f"/instances/{instance}/snapshots").json
    assert len(whole["Items"]) == DEFAULT_PAGE_SIZE + 5


@pytest.mark.parametrize("order_by", SNAPSHOT_ORDER_FIELDS)
def test_order_by_sorts_ascending(api: RawApi, order_by: str) -> None:
    items = api.get(f"/snapshots?orderBy={order_by}").json["Items"]

    def key(item: dict[str, Any]) -> Any:
        if order_by == "Instance":
            return item["Instance"]["Id"]
        if order_by == "CreationDate":
            return parse_wire_datetime(item["CreationDate"])
        if order_by in ("Name", "Description"):
            return item[order_by].casefold()
        return item[order_by]

    assert [key(i) for i in items] == sorted(key(i) for i in items)
    assert [i["Id"] for i in items] != sorted(i["Id"] for i in items) or order_by == "Instance"


def test_order_by_is_case_insensitive(api: RawApi) -> None:
    assert api.get("/snapshots?orderBy=name").json == api.get("/snapshots?orderBy=Name").json


def test_query_matches_name_or_description_case_insensitively(api: RawApi) -> None:
    by_name = api.get("/snapshots?query=NGINX").json
    assert {s["Name"] for s in by_name["Items"]} == {"before-nginx-upgrade", "after-nginx-upgrade"}
    by_description = api.get("/snapshots?query=template").json
    assert by_description["Meta"]["Total"] == 2
    assert all("template" in s["Description"].lower() for s in by_description["Items"])
    assert api.get("/snapshots?query=zzz-nothing").json == {"Items": [], "Meta": {"Total": 0}}


def test_instance_filter_combines_with_query_and_paging(api: RawApi) -> None:
    only_56 = api.get("/snapshots?instanceId=56").json
    assert {s["Instance"]["Id"] for s in only_56["Items"]} == {56}
    assert only_56["Meta"]["Total"] == 4
    combined = api.get("/snapshots?instanceId=112&query=base&pageSize=1").json
    assert combined["Meta"]["Total"] == 1 and combined["Items"][0]["Id"] == 5007
    assert api.get("/snapshots?instanceId=999").json["Meta"]["Total"] == 0


def test_fields_filter_single_objects_and_collection_items(
    srv: FakeOktawaveServer, api: RawApi
) -> None:
    single = api.get("/snapshots/5001?fields=Id,Name").json
    assert single == {"Id": 5001, "Name": "Base image"}
    listed = api.get("/snapshots?fields=Id,IsCurrent&pageSize=2").json
    assert set(listed) == {"Items", "Meta"}
    assert all(set(s) == {"Id", "IsCurrent"} for s in listed["Items"])
    per_instance = api.get("/instances/56/snapshots?fields=name").json
    assert all(set(s) == {"Name"} for s in per_instance["Items"])
    ticket = create(api)
    assert api.get(f"/tickets/{ticket['Id']}?fields=Progress").json == {"Progress": 0}
    created = api.call("POST", "/instances/56/snapshots?fields=Id", {"Name": "f"}).json
    assert set(created) == {"Id"}
    assert api.get("/tickets?fields=ObjectId").json["Items"][0] == {"ObjectId": 56}
    assert api.get("/snapshots/5001?fields=").json == srv.get_snapshot_json(5001)
    assert api.get("/snapshots/5001?fields=Bogus").json == {}


def test_ticket_list_pages_and_ignores_a_query(
    srv: FakeOktawaveServer, api: RawApi, clock: ManualClock
) -> None:
    create(api, 56)
    clock.advance(1)
    api.call("POST", "/snapshots/5007/restore_ticket")
    clock.advance(1)
    api.call("DELETE", "/snapshots/5003")
    listing = api.get("/tickets").json
    assert listing["Meta"]["Total"] == 3
    assert all(set(t) == TICKET_KEYS for t in listing["Items"])
    # tickets_get has no query parameter, and ASP.NET ignores what an action does not declare.
    assert api.get("/tickets?query=RESTORE").json == listing
    page = api.get("/tickets?pageSize=2&pageNumber=2").json
    assert (len(page["Items"]), page["Meta"]["Total"]) == (1, 3)
    assert srv.tickets_for(instance_id=112)[0]["ObjectId"] == 5007
