"""The ``pyodk`` command line, run in child processes over real sockets.

Two targets:

- ``python -m pyodk.testing`` in a child process of its own, reached through nothing but its
  printed export lines: the multi-command flows, a generic operation, ``--help`` at every level;
- a ``FakeOktawaveServer`` in this process, when a test must inject a fault, hold a ticket open
  or read exactly what went over the wire (query strings, bodies).

Standard output is not a terminal here, so JSON is the default output and progress comes as plain
lines on standard error (tests/test_docs_cli.py runs commands on a terminal).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from cli_helpers import (
    CLOSED,
    ROOT,
    TIMEOUT,
    FakeProcess,
    pyodk_command,
    run_pyodk,
    shell_environment,
)

import pyodk
from pyodk.testing import FakeOktawaveServer

FAST_WAIT = "--poll-interval 0.02"


@pytest.fixture
def fake_process() -> Iterator[FakeProcess]:
    process = FakeProcess("--ticket-duration", "0")
    yield process
    process.stop()


@pytest.fixture
def fake_env(fake_process: FakeProcess) -> dict[str, str]:
    """The child environment: the fake's export lines and PATH, nothing else."""
    return shell_environment(fake_process.exports)


@pytest.fixture
def in_process() -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=0) as server:
        yield server


def env_of(server: FakeOktawaveServer) -> dict[str, str]:
    return shell_environment(server.environ())


def ok_json(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.splitlines()
    assert "Traceback" not in done.stderr, done.stderr
    errors = [line for line in lines if line.startswith("pyodk: error: ")]
    assert len(errors) == 1, done.stderr
    return errors[0]


# ------------------------------------------------------------------ flows against pyodk.testing


def test_create_wait_then_list_then_prune_dry_run_then_yes(fake_env: dict[str, str]) -> None:
    made = run_pyodk(f"snapshot create 56 --name nightly --wait {FAST_WAIT}", env=fake_env)
    snapshot = ok_json(made)
    assert snapshot["Name"] == "nightly" and snapshot["IsCurrent"] is True
    assert snapshot["Instance"] == {"Id": 56}
    assert "Description" not in snapshot  # not given, so not sent: no placeholder text
    assert made.stderr.splitlines() == ["ticket 880001: 0%", "ticket 880001: 100%"]

    listed = ok_json(run_pyodk("snapshot list --instance 56 --output json", env=fake_env))
    assert [s["Id"] for s in listed] == [5001, 5002, 5003, 5004, snapshot["Id"]]
    assert [s["IsSystem"] for s in listed] == [True, False, False, False, False]

    plan = ok_json(run_pyodk("snapshot prune --instance 56 --keep 2", env=fake_env))
    assert plan["DryRun"] is True and plan["KeepNewest"] == 2
    assert [d["Snapshot"]["Id"] for d in plan["Keep"]] == [snapshot["Id"], 5004, 5001]
    assert [d["Snapshot"]["Id"] for d in plan["Delete"]] == [5002, 5003]
    assert [d["Reason"] for d in plan["Delete"]] == ["older than the 2 newest"] * 2
    assert all(d["Deleted"] is False and d["Error"] is None for d in plan["Delete"])
    unchanged = ok_json(run_pyodk("snapshot list --instance 56", env=fake_env))
    assert unchanged == listed

    done = run_pyodk(f"snapshot prune --instance 56 --keep 2 --yes {FAST_WAIT}", env=fake_env)
    pruned = ok_json(done)
    assert pruned["DryRun"] is False
    assert [(d["Snapshot"]["Id"], d["Deleted"]) for d in pruned["Delete"]] == [
        (5002, True),
        (5003, True),
    ]
    assert "ticket 880002: 100%" in done.stderr and "ticket 880003: 100%" in done.stderr
    left = ok_json(run_pyodk("snapshot list --instance 56", env=fake_env))
    assert [s["Id"] for s in left] == [5001, 5004, snapshot["Id"]]


def test_rename_keeps_the_description_and_restore_and_delete_follow_their_tickets(
    fake_env: dict[str, str],
) -> None:
    renamed = ok_json(run_pyodk("snapshot rename 5002 --name nginx-1.24", env=fake_env))
    assert renamed["Name"] == "nginx-1.24"
    assert renamed["Description"] == "Nginx 1.24 with TLS config"

    ticket = ok_json(run_pyodk("snapshot restore 5002", env=fake_env))
    assert ticket["ObjectId"] == 5002 and "EndDate" not in ticket  # answered at once, not waited
    waited = ok_json(run_pyodk(f"ticket wait {ticket['Id']}", env=fake_env))
    assert waited["Id"] == ticket["Id"] and waited["Status"]["Id"] == 136

    deleted = ok_json(run_pyodk(f"snapshot delete 5003 --wait {FAST_WAIT}", env=fake_env))
    assert deleted["ObjectId"] == 5003 and deleted["Status"]["Label"] == "Succeed"
    current = ok_json(run_pyodk("oci-snapshots snapshots-get-0 5002", env=fake_env))
    assert current["IsCurrent"] is True
    gone = run_pyodk("oci-snapshots snapshots-get-0 5003", env=fake_env)
    assert gone.returncode == 1 and "404" in one_error_line(gone)


def test_a_generic_operation_of_another_class(fake_env: dict[str, str]) -> None:
    run_pyodk(f"snapshot create 57 --name n --wait {FAST_WAIT}", env=fake_env)
    page = ok_json(run_pyodk("tickets tickets-get --status-id 136 --output json", env=fake_env))
    assert page["Meta"]["Total"] == 1
    [ticket] = page["Items"]
    assert ticket["Id"] == 880001 and ticket["Status"] == {
        "Id": 136,
        "Label": "Succeed",
        "Dictionary": {"Id": 40, "Links": []},
    }
    one = ok_json(run_pyodk("tickets tickets-get-0 880001", env=fake_env))
    assert one == ticket


def test_table_output_shows_rows_and_key_value_lines(fake_env: dict[str, str]) -> None:
    done = run_pyodk("snapshot list --instance 57 --output table", env=fake_env)
    assert done.returncode == 0, done.stderr
    header, *rows = done.stdout.splitlines()
    assert header.split()[:3] == ["Id", "Name", "Description"]
    assert [row.split()[0] for row in rows] == ["5005", "5006"]
    assert "pre-migration" in rows[1]

    single = run_pyodk("oci-snapshots snapshots-get-0 5006 -o table", env=fake_env)
    pairs = dict(line.split(None, 1) for line in single.stdout.splitlines())
    assert pairs["Id"] == "5006" and pairs["Name"] == "pre-migration"
    assert pairs["Instance.Id"] == "57" and pairs["IsCurrent"] == "true"


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ("", "oci-snapshots"),
        ("oci", "instances-power-on"),
        ("tickets tickets-get", "--creation-date-from DATETIME"),
        ("snapshot", "prune"),
        ("snapshot create", "--wait"),
    ],
)
def test_help_at_every_level_exits_0(command: str, shown: str) -> None:
    done = run_pyodk(f"{command} --help", env=shell_environment({}))
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith(f"usage: pyodk {command}".rstrip() + " ")
    assert shown in done.stdout


def test_fake_runs_one_command_in_process_and_refuses_a_url_beside_it() -> None:
    nothing_set = shell_environment({})
    listed = ok_json(run_pyodk("--fake snapshot list --instance 56", env=nothing_set))
    assert [s["Id"] for s in listed] == [5001, 5002, 5003, 5004]
    both = run_pyodk("--fake --api-url http://127.0.0.1:9 snapshot list", env=nothing_set)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


def test_api_url_wins_over_the_environment(in_process: FakeOktawaveServer) -> None:
    env = env_of(in_process) | {"OKTAWAVE_ODK_API_URL": "http://127.0.0.1:9/services"}
    listed = ok_json(run_pyodk(f"--api-url {in_process.url} snapshot list", env=env))
    assert len(listed) == 8


def test_options_given_before_and_after_the_command_both_count(fake_env: dict[str, str]) -> None:
    before = run_pyodk("-o table snapshot list --instance 57", env=fake_env)
    after = run_pyodk("snapshot list --instance 57 -o table", env=fake_env)
    assert before.stdout == after.stdout and before.stdout.startswith("Id ")


# ------------------------------------------------------------------ what goes over the wire


def test_query_options_are_sent_by_their_wire_names_and_types(
    in_process: FakeOktawaveServer,
) -> None:
    done = run_pyodk(
        "tickets tickets-get --status-id 136 --creation-date-from 2026-01-02T03:04:05Z "
        "--creation-date-to 2026-02-01 --page-size 5 --order-by creationDate",
        env=env_of(in_process),
    )
    assert done.returncode == 0, done.stderr
    [request] = in_process.requests
    assert request.query == {
        "statusId": ["136"],
        "creationDateFrom": ["2026-01-02T03:04:05+00:00"],
        # A datetime without an offset is in Configuration.assumed_timezone: UTC by default.
        "creationDateTo": ["2026-02-01T00:00:00+00:00"],
        "pageSize": ["5"],
        "orderBy": ["creationDate"],
    }


def test_bools_int_lists_and_text_paths_on_the_wire(in_process: FakeOktawaveServer) -> None:
    # Whether the fake simulates these operations or refuses them does not matter here: the
    # request it records is what the command line sent.
    done = run_pyodk(
        "oci instances-get --is-turned-on false --subregion-id 4", env=env_of(in_process)
    )
    assert "Traceback" not in done.stderr
    [request] = in_process.requests
    assert request.path == "/services/instances"
    assert request.query == {"isTurnedOn": ["false"], "subregionId": ["4"]}

    in_process.clear_requests()
    run_pyodk(
        "statistics statistics-get-client-statistics --date-from 2026-03-01 "
        "--date-to 2026-03-02T00:00:00+01:00 --statistic-types 1,2 --statistic-types 3",
        env=env_of(in_process),
    )
    run_pyodk("dictionaries dictionaries-get-dictionaries-items 40,45", env=env_of(in_process))
    statistics, dictionaries = in_process.requests
    assert statistics.path == "/services/statistics/account"
    assert statistics.query == {
        "dateFrom": ["2026-03-01T00:00:00+00:00"],
        "dateTo": ["2026-03-02T00:00:00+01:00"],
        "statisticTypes": ["1", "2", "3"],
    }
    assert dictionaries.path == "/services/dictionaries/40,45"


def test_a_body_from_options_sends_only_what_was_given(in_process: FakeOktawaveServer) -> None:
    done = run_pyodk("oci-snapshots snapshots-put 5002 --name renamed", env=env_of(in_process))
    assert ok_json(done)["Name"] == "renamed"
    [request] = in_process.requests
    assert (request.method, request.path) == ("PUT", "/services/snapshots/5002")
    assert request.json == {"Name": "renamed"}


def test_a_body_from_json_a_file_or_stdin_with_options_over_its_keys(
    in_process: FakeOktawaveServer, tmp_path: Any
) -> None:
    env = env_of(in_process)
    body = tmp_path / "body.json"
    body.write_text('{"name": "from-file", "Description": "file"}', encoding="utf-8")
    for arguments, stdin in [
        (("--body", '{"Name": "inline", "Description": "x"}', "--name", "option"), None),
        (("--body", f"@{body}"), None),
        (("--body", "@-"), '{"Name": "piped"}'),
    ]:
        done = run_pyodk(
            "oci-snapshots", "instances-post-snapshot", "56", *arguments, env=env, stdin=stdin
        )
        assert done.returncode == 0, done.stderr
    bodies = [r.json for r in in_process.requests]
    assert bodies == [
        {"Name": "option", "Description": "x"},
        {"Name": "from-file", "Description": "file"},
        {"Name": "piped"},
    ]


def test_all_pages_prints_one_array_of_every_item(in_process: FakeOktawaveServer) -> None:
    items = ok_json(
        run_pyodk(
            "oci-snapshots snapshots-get --instance-id 56 --page-size 3 --all-pages",
            env=env_of(in_process),
        )
    )
    assert [s["Id"] for s in items] == [5001, 5002, 5003, 5004]
    assert [r.query.get("pageNumber") for r in in_process.requests] == [["1"], ["2"]]


def test_snapshot_list_walks_every_page(in_process: FakeOktawaveServer) -> None:
    for n in range(510):
        in_process.add_snapshot(230, f"bulk-{n}", make_current=False)
    listed = ok_json(run_pyodk("snapshot list --instance 230", env=env_of(in_process)))
    assert len(listed) == 510 and len({s["Id"] for s in listed}) == 510
    assert len(in_process.requests) == 2


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("oci-snapshots snapshots-get-0 5002", {"kind": "malformed", "body": "null"}),
        # One of the seven operations whose contract declares no answer at all.
        ("account account-delete-ssh-key 7", {"kind": "status", "status": 200, "body": "{}"}),
    ],
)
def test_json_output_of_no_data_is_null(
    command: str, answer: dict[str, Any], in_process: FakeOktawaveServer
) -> None:
    in_process.inject(**answer, count=2)
    done = run_pyodk(command, env=env_of(in_process))
    assert ok_json(done) is None
    assert done.stdout == "null\n"
    table = run_pyodk(command, "-o", "table", env=env_of(in_process))
    assert table.returncode == 0 and table.stdout == ""  # nothing to show a person


def test_wait_on_a_generic_operation_that_answers_a_ticket(in_process: FakeOktawaveServer) -> None:
    done = run_pyodk(
        f"oci-snapshots snapshots-restore 5002 --wait {FAST_WAIT}", env=env_of(in_process)
    )
    ticket = ok_json(done)
    assert ticket["Status"]["Id"] == 136 and ticket["Progress"] == 100
    assert in_process.current_snapshot_id(56) == 5002


# ------------------------------------------------------------------ errors and exit status


def test_a_usage_error_exits_2_and_sends_nothing(in_process: FakeOktawaveServer) -> None:
    done = run_pyodk("oci-snapshots snapshots-get --page-size 0", env=env_of(in_process))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("usage: pyodk oci-snapshots snapshots-get ")
    assert done.stderr.splitlines()[-1] == (
        "pyodk oci-snapshots snapshots-get: error: snapshots_get(): `--page-size` must be "
        "greater than or equal to `1` (got 0)"
    )
    assert in_process.requests == []


def test_rename_says_when_the_kept_description_cannot_be_sent_back(
    in_process: FakeOktawaveServer,
) -> None:
    # Made elsewhere (the panel, an older API) with a '/', which an update refuses.
    in_process.inject(
        "malformed", method="GET", path="/services/snapshots/5002", body={"Description": "a/b"}
    )
    done = run_pyodk("snapshot rename 5002 --name renamed", env=env_of(in_process))
    assert done.returncode == 1 and done.stdout == ""  # the GET had gone out: no usage error
    line = one_error_line(done)
    assert "description of snapshot 5002 cannot be sent back as it is" in line
    assert "must not contain '/'" in line and "give --description" in line
    assert [r.method for r in in_process.requests] == ["GET"]  # and nothing was changed

    renamed = ok_json(
        run_pyodk("snapshot rename 5002 --name renamed --description ab", env=env_of(in_process))
    )
    assert (renamed["Name"], renamed["Description"]) == ("renamed", "ab")


# A byte that is not UTF-8 comes into Python's argv as a lone surrogate (\\udcff for 0xff).
NOT_UTF8 = "ab\udcff"


@pytest.mark.parametrize(
    ("arguments", "where"),
    [
        (("snapshot", "create", "56", "--name", NOT_UTF8), "argument --name"),
        (("snapshot", "rename", "5002", "--name", "n", "--description", NOT_UTF8), "--description"),
        (("snapshot", "list", "--fields", NOT_UTF8), "argument --fields"),
        (("oci-snapshots", "snapshots-get", "--fields", NOT_UTF8), "argument --fields"),  # query
        (("dictionaries", "dictionaries-get-dictionaries-items", NOT_UTF8), "argument IDS"),  # path
        (("oci-snapshots", "instances-post-snapshot", "56", "--name", NOT_UTF8), "--name"),  # body
        (("oci-snapshots", "snapshots-put", "5002", "--body", f'{{"Name": "{NOT_UTF8}"}}'), "Name"),
        # JSON's own escapes can spell a lone surrogate too:
        (("oci-snapshots", "snapshots-put", "5002", "--body", '{"Name": "a\\ud800"}'), "Name"),
        (("--api-url", f"http://127.0.0.1:9/{NOT_UTF8}", "snapshot", "list"), "--api-url"),
    ],
)
def test_text_that_is_not_unicode_is_a_usage_error_wherever_it_goes(
    arguments: tuple[str, ...], where: str, in_process: FakeOktawaveServer
) -> None:
    done = run_pyodk("", *arguments, env=env_of(in_process))
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr
    last = done.stderr.splitlines()[-1]
    assert where in last and "not valid Unicode text" in last, last
    assert in_process.requests == []


def test_an_api_error_exits_1_with_one_line(in_process: FakeOktawaveServer) -> None:
    done = run_pyodk("oci-snapshots snapshots-get-0 999999", env=env_of(in_process))
    assert done.returncode == 1 and done.stdout == ""
    line = one_error_line(done)
    assert "NotFoundError" in line and "404" in line
    assert done.stderr == line + "\n"


def test_a_failed_ticket_exits_1_naming_it(in_process: FakeOktawaveServer) -> None:
    in_process.fail_next_operations(1, method="DELETE")
    done = run_pyodk(f"snapshot delete 5002 --wait {FAST_WAIT}", env=env_of(in_process))
    assert done.returncode == 1 and done.stdout == ""
    line = one_error_line(done)
    assert line.startswith("pyodk: error: TicketFailedError: ticket 880001")
    assert "Error (Status 137)" in line
    assert 5002 in in_process.snapshot_ids(56)


@pytest.mark.parametrize(
    "command",
    [
        "snapshot create 56 --name n --wait",
        "oci-snapshots instances-post-snapshot 56 --name n --wait",
    ],
)
def test_a_refusal_after_sending_exits_1_not_as_a_usage_error(
    command: str, in_process: FakeOktawaveServer
) -> None:
    # The POST went out, so the snapshot may well exist: an answer pyodk cannot follow (a
    # ticket without an Id) is a failure to report, not a command line to put right.
    in_process.inject("malformed", method="POST", body={"Progress": 0})
    done = run_pyodk(f"{command} {FAST_WAIT}", env=env_of(in_process))
    assert done.returncode == 1 and done.stdout == ""
    line = one_error_line(done)
    assert "ticket" in line and "usage:" not in done.stderr
    assert done.stderr == line + "\n"
    assert [r.method for r in in_process.requests][-1] == "POST"


def test_prune_reports_a_refusal_goes_on_and_exits_1(in_process: FakeOktawaveServer) -> None:
    in_process.inject("status", status=409, method="DELETE", path="/services/snapshots/5002")
    done = run_pyodk(
        f"snapshot prune --instance 56 --keep 1 --yes {FAST_WAIT}",
        env=env_of(in_process),
    )
    assert done.returncode == 1
    line = one_error_line(done)
    assert line.startswith("pyodk: error: snapshot 5002 (before-nginx-upgrade) was not deleted")
    assert "ConflictError" in line
    plan = json.loads(done.stdout)
    assert [(d["Snapshot"]["Id"], d["Deleted"]) for d in plan["Delete"]] == [
        (5002, False),
        (5003, True),
    ]
    assert "ConflictError" in plan["Delete"][0]["Error"]
    assert in_process.snapshot_ids(56) == [5001, 5002, 5004]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["snapshot list --instance 56", "--help"])
def test_output_that_cannot_be_written_is_one_error_line(
    command: str, in_process: FakeOktawaveServer
) -> None:
    with open("/dev/full", "w") as full:
        done = run_pyodk(command, env=env_of(in_process), stdout=full)
    assert done.returncode == 1
    assert done.stderr == "pyodk: error: cannot write the output: No space left on device\n"


@pytest.mark.skipif(os.name != "posix", reason="a POSIX pipe")
def test_a_reader_that_went_away_is_no_error_worth_a_word(in_process: FakeOktawaveServer) -> None:
    # `pyodk snapshot list | head -1`: head has read its line and gone when pyodk writes more.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = run_pyodk("snapshot list --instance 56", env=env_of(in_process), stdout=write_end)
    finally:
        os.close(write_end)
    assert done.returncode == 1 and done.stderr == ""


@pytest.mark.skipif(os.name != "posix", reason="closes standard output as a POSIX shell does")
def test_a_closed_standard_output_is_refused_before_sending(
    in_process: FakeOktawaveServer,
) -> None:
    done = run_pyodk("snapshot create 56 --name n", env=env_of(in_process), stdout=CLOSED)
    assert done.returncode == 1
    assert done.stderr == "pyodk: error: cannot write the output: standard output is closed\n"
    assert in_process.requests == []  # no snapshot made whose ticket nobody would see


def test_a_warning_is_one_line(in_process: FakeOktawaveServer) -> None:
    env = env_of(in_process) | {"OKTAWAVE_ODK_API_SKIP_TLS": "1"}
    done = run_pyodk("snapshot list --instance 57", env=env)
    assert len(ok_json(done)) == 2
    [line] = done.stderr.splitlines()  # no source line, no file name
    assert line.startswith("pyodk: warning: verify_ssl is False: TLS certificates are not checked")


def test_prune_of_a_listing_with_a_null_item_is_one_error_line(
    in_process: FakeOktawaveServer,
) -> None:
    listing = {"Items": [{"Id": 5002, "IsSystem": False}, None], "Meta": {"Total": 2}}
    in_process.inject(
        "malformed", method="GET", path="/services/instances/56/snapshots", body=listing
    )
    done = run_pyodk("snapshot prune --instance 56 --keep 0 --yes", env=env_of(in_process))
    assert done.returncode == 1 and done.stdout == ""
    assert "instances_get_snapshots" in one_error_line(done)
    assert [r.method for r in in_process.requests] == ["GET"]


def test_debug_logs_requests_on_stderr_without_the_token(in_process: FakeOktawaveServer) -> None:
    done = run_pyodk("--debug snapshot list --instance 57", env=env_of(in_process))
    assert done.returncode == 0
    assert "GET" in done.stderr and "/services/snapshots" in done.stderr
    assert in_process.access_token not in done.stderr + done.stdout
    assert len(json.loads(done.stdout)) == 2  # the log stays off standard output


@pytest.mark.skipif(os.name != "posix", reason="SIGINT is how a POSIX terminal sends Ctrl-C")
def test_ctrl_c_while_waiting_exits_130_and_names_the_ticket() -> None:
    with FakeOktawaveServer(ticket_duration=3600) as server:
        configuration = pyodk.Configuration.from_env(server.environ())
        with pyodk.ApiClient(configuration) as client:
            command = pyodk.CreateUpdateSnapshotCommand(name="slow")
            ticket = pyodk.OCISnapshotsApi(client).instances_post_snapshot(56, command)
        child = subprocess.Popen(
            pyodk_command(f"ticket wait {ticket.id} {FAST_WAIT}"),
            cwd=ROOT,
            env=env_of(server),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stderr is not None
        first = child.stderr.readline()  # the wait is under way
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=TIMEOUT)
    assert first == f"ticket {ticket.id}: 0%\n"
    assert child.returncode == 130
    assert "Traceback" not in stderr and stdout == ""
    assert stderr.strip() == (
        f"pyodk: interrupted; ticket {ticket.id} goes on at Oktawave "
        f"(`pyodk ticket wait {ticket.id}` follows it)"
    )


@pytest.mark.skipif(os.name != "posix", reason="SIGINT is how a POSIX terminal sends Ctrl-C")
def test_ctrl_c_during_a_request_exits_130(in_process: FakeOktawaveServer) -> None:
    in_process.inject("stall", seconds=30, path="/services/snapshots")
    child = subprocess.Popen(
        pyodk_command("snapshot", "list"),
        cwd=ROOT,
        env=env_of(in_process),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(lambda: bool(in_process.requests), child)
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=TIMEOUT)
    assert child.returncode == 130
    assert stderr == "pyodk: interrupted\n" and stdout == ""


def _wait_for(condition: Any, child: subprocess.Popen[str]) -> None:
    """Until the child has got as far as ``condition`` says (it fails the test if it dies)."""
    import time

    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert child.poll() is None, "the command ended before it was interrupted"
        assert time.monotonic() < deadline, "the command never got that far"
        time.sleep(0.01)
