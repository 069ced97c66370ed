"""The command line's parts, in this process: the parser built for every operation, value
conversion, bodies, output, progress, and ``main()`` against a fake server on a real socket.

test_cli.py runs the same program in child processes; these run many more cases cheaply.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from cli_helpers import ROOT

import pyodk
from pyodk.api import OPERATION_INDEX
from pyodk.cli import main, values
from pyodk.cli.operations import build_body, parse_docstring
from pyodk.cli.output import cell, json_text, rows_text, table_text
from pyodk.cli.parser import CommandTree, UsageError, api_command, kebab
from pyodk.cli.waiting import TicketProgress
from pyodk.testing import FakeOktawaveServer

UTC = datetime.timezone.utc


class Cli:
    """``main()`` with this process's streams captured, against the fake."""

    def __init__(self, server: FakeOktawaveServer, capsys: pytest.CaptureFixture[str]) -> None:
        self.server = server
        self._capsys = capsys

    def __call__(self, command: str = "", *more: str) -> tuple[int, str, str]:
        """``command`` split as a shell splits it, then ``more`` as given."""
        self._capsys.readouterr()
        code = main([*shlex.split(command), *more])
        out, err = self._capsys.readouterr()
        return code, out, err


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    with FakeOktawaveServer(ticket_duration=0) as server:
        for name in (
            "OKTAWAVE_CLIENT_ID",
            "OKTAWAVE_CLIENT_SECRET",
            "OKTAWAVE_USERNAME",
            "OKTAWAVE_PASSWORD",
            "OKTAWAVE_ODK_API_SKIP_TLS",
        ):
            monkeypatch.delenv(name, raising=False)
        for name, value in server.environ().items():
            monkeypatch.setenv(name, value)
        # Configuration.from_env() starts from the default: no retries, so that a refused
        # connection fails at once instead of after the default backoff.
        default = pyodk.Configuration()
        default.retries = pyodk.RetryPolicy(0)
        pyodk.Configuration.set_default(default)
        try:
            yield Cli(server, capsys)
        finally:
            pyodk.Configuration.set_default(None)


# ------------------------------------------------------------------ names and the command tree


def test_api_commands_are_the_class_names_in_kebab_case_without_api() -> None:
    assert api_command("OCISnapshotsApi") == "oci-snapshots"
    assert api_command("OCIApi") == "oci"
    assert api_command("OCIInterfacesApi") == "oci-interfaces"
    assert api_command("WatchApi") == "watch"
    assert api_command("OVSApi") == "ovs"
    assert kebab("snapshots_get_0") == "snapshots-get-0"
    assert kebab("_date") == "date"
    commands = {api_command(name) for name in pyodk.api.__all__}
    assert len(commands) == len(pyodk.api.__all__) == 18


SAMPLES: dict[str, tuple[str, Any]] = {
    "int": ("7", 7),
    "str": ("text", "text"),
    "bool": ("true", True),
    "float": ("2.5", 2.5),
    "datetime": ("2026-03-01T10:00:00+01:00", datetime.datetime(2026, 3, 1, 9, tzinfo=UTC)),
    "list[int]": ("1,2", [1, 2]),
}


@pytest.mark.parametrize("api_class", pyodk.api.__all__)
def test_every_parameter_and_field_of_every_operation_is_reachable(api_class: str) -> None:
    """Each operation gets a subcommand; every path and query parameter, and every body field
    of a type the command line can read, gets an argument that converts by its type."""
    operations = [name for name, _m, _p, owner in OPERATION_INDEX if owner == api_class]
    assert operations
    for name in operations:
        operation = getattr(getattr(pyodk.api, api_class), name).operation
        argv = [api_command(api_class), kebab(name)]
        expected: dict[str, Any] = {}
        for param in operation.params:
            if param.location == "body":
                model = getattr(pyodk.models, param.type)
                for field in model._fields:
                    if field.type in SAMPLES:
                        text, value = SAMPLES[field.type]
                        argv += [f"--{kebab(field.name)}", text]
                        expected[f"field_{field.name}"] = value
                continue
            text, value = SAMPLES[param.type]
            if param.location == "path":
                argv.append(text)
            else:
                argv += [f"--{kebab(param.name)}", text]
            expected[f"param_{param.name}"] = value
        args = CommandTree().parse(argv)
        assert args.target == (api_class, name)
        for dest, value in expected.items():
            assert getattr(args, dest) == value, (name, dest)
        assert unchecked_text(args.command_parser) == [], name


def unchecked_text(parser: argparse.ArgumentParser) -> list[str]:
    """The options of a parser that take any text as it comes: a byte that is not UTF-8 would
    pass them (as a lone surrogate) and fail only when the request is made."""
    return [
        action.dest
        for action in parser._actions
        if action.nargs != 0 and action.choices is None and action.type in (None, str)
    ]


@pytest.mark.parametrize(
    "command",
    [
        "snapshot list",
        "snapshot create 56 --name n",
        "snapshot rename 5002 --name n",
        "snapshot restore 5002",
        "snapshot delete 5002",
        "snapshot prune --instance 56 --keep 1",
        "ticket wait 880001",
    ],
)
def test_every_job_option_checks_its_text(command: str) -> None:
    assert unchecked_text(CommandTree().parse(shlex.split(command)).command_parser) == []


def test_the_top_level_help_loads_no_api_module_and_no_http_library() -> None:
    probe = (
        "import contextlib, io, sys\n"
        "from pyodk.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(sys.argv[1:])\n"
        "print(code, sorted(m for m in sys.modules if m.startswith(('urllib3', 'pyodk.api.'))))\n"
    )
    top = subprocess.run(
        [sys.executable, "-c", probe, "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert top.stdout.strip() == "0 []"
    one = subprocess.run(
        [sys.executable, "-c", probe, "oci", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    code, loaded = one.stdout.split(" ", 1)
    api_modules = [m for m in eval(loaded) if m.startswith("pyodk.api.")]  # noqa: S307 - our repr
    assert code == "0"
    assert api_modules == ["pyodk.api.oci_api", "pyodk.api.operation"]


def test_docstrings_give_the_summary_and_each_parameter() -> None:
    summary, params = parse_docstring(pyodk.TicketsApi.tickets_get.__doc__)
    assert summary == "Returns ticket collection"
    assert params["status_id"] == "Tickets status id"
    assert params["order_by"] == (
        "Order by - one of CreationDate, Status, OperationType (any letter case)"
    )
    assert params["_return_http_data_only"].startswith("return the data alone")
    assert parse_docstring(None) == ("", {})


# ------------------------------------------------------------------ values


def test_values_convert_or_say_what_was_expected() -> None:
    assert values.integer(" 42") == 42
    assert values.boolean("TRUE") is True and values.boolean("false") is False
    assert values.integer_list("1, 2,3") == [1, 2, 3]
    assert values.seconds("0") == 0.0
    for convert, text, expected in [
        (values.integer, "4.5", "expected an integer"),
        (values.boolean, "1", "expected true or false"),
        (values.integer_list, "1,,2", "integers separated by commas"),
        (values.seconds, "-1", "0 or more"),
        (values.seconds, "nan", "0 or more"),
        (values.iso_datetime, "tomorrow", "ISO 8601"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match=expected):
            convert(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-02T10:15:30+01:00", datetime.datetime(2026, 11, 2, 9, 15, 30, tzinfo=UTC)),
        ("2026-11-02T10:15:30Z", datetime.datetime(2026, 11, 2, 10, 15, 30, tzinfo=UTC)),
        (
            "2026-11-02T10:15:30.1234567Z",
            datetime.datetime(2026, 11, 2, 10, 15, 30, 123456, tzinfo=UTC),
        ),
        # Without an offset: left for the client's Configuration.assumed_timezone.
        ("2026-11-02T10:15:30", datetime.datetime(2026, 11, 2, 10, 15, 30)),
        ("2026-11-02", datetime.datetime(2026, 11, 2)),
    ],
)
def test_datetimes_are_iso_8601(text: str, expected: datetime.datetime) -> None:
    value = values.iso_datetime(text)
    assert value == expected and (value.tzinfo is None) == (expected.tzinfo is None)


def test_text_must_be_valid_unicode() -> None:
    assert values.unicode_text("zażółć") == "zażółć"
    with pytest.raises(argparse.ArgumentTypeError, match=r"'ab\\udcff' is not valid Unicode"):
        values.unicode_text("ab\udcff")
    assert values.json_document('{"Name": "zażółć \\ud83d\\ude00"}')["Name"] == "zażółć 😀"
    for document, where in [
        ('{"Items": [{"Name": "ok"}, {"Name": "\\udc00"}]}', "'Items[1].Name'"),
        ('{"\\ud800": 1}', "'\\ud800'"),
        ('"\\ud800"', "the JSON given is not"),
    ]:
        with pytest.raises(argparse.ArgumentTypeError, match="not valid Unicode") as refused:
            values.json_document(document)
        assert where in str(refused.value)


def test_json_comes_inline_from_a_file_or_from_stdin(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert values.json_document('{"Name": "a"}') == {"Name": "a"}
    path = tmp_path / "body.json"
    path.write_text('{"Name": "ś"}', encoding="utf-8")
    assert values.json_document(f"@{path}") == {"Name": "ś"}
    monkeypatch.setattr(sys, "stdin", io.StringIO("[1, 2]"))
    assert values.json_document("@-") == [1, 2]
    with pytest.raises(argparse.ArgumentTypeError, match="cannot read .*missing.json"):
        values.json_document(f"@{tmp_path / 'missing.json'}")
    with pytest.raises(argparse.ArgumentTypeError, match="is not valid JSON"):
        values.json_document("{oops")


# ------------------------------------------------------------------ bodies


def body_args(**given: Any) -> argparse.Namespace:
    return argparse.Namespace(
        **{f"field_{k}": v for k, v in given.items() if k != "body"},
        body_document=given.get("body"),
    )


def test_a_body_holds_what_was_given_and_nothing_else() -> None:
    command = pyodk.CreateUpdateSnapshotCommand
    built = build_body(command, body_args(name="n"), required=True, tz=UTC)
    assert built is not None and built.to_json() == {"Name": "n"}  # no placeholder description
    both = build_body(
        command, body_args(name="n", body={"description": "d", "NAME": "x"}), True, UTC
    )
    assert both is not None and both.to_json() == {"Name": "n", "Description": "d"}


def test_a_body_refuses_missing_unknown_and_mistyped_keys() -> None:
    command = pyodk.CreateUpdateSnapshotCommand
    with pytest.raises(UsageError, match="needs --name"):
        build_body(command, body_args(description="d"), required=True, tz=UTC)
    with pytest.raises(UsageError, match="has no key 'Title'.*Name, Description"):
        build_body(command, body_args(body={"Title": "x"}), required=True, tz=UTC)
    with pytest.raises(UsageError, match="--body: .*expected a string"):
        build_body(command, body_args(body={"Name": ["x"]}), required=True, tz=UTC)
    with pytest.raises(UsageError, match="must be a JSON object"):
        build_body(command, body_args(body=[1]), required=True, tz=UTC)
    with pytest.raises(pyodk.ApiValueError, match="`name`"):
        build_body(command, body_args(name="a|b"), required=True, tz=UTC)


def test_nested_objects_come_through_body_and_an_optional_empty_body_is_not_sent() -> None:
    model = pyodk.UpdateTemplateCommand
    document = {"TemplateDescriptions": [{"LanguageId": 1, "Description": "Ubuntu"}]}
    built = build_body(model, body_args(name="t", body=document), required=True, tz=UTC)
    assert built is not None and built.to_json() == {"Name": "t", **document}
    assert build_body(model, body_args(), required=False, tz=UTC) is None


# ------------------------------------------------------------------ output


def snapshot(**overrides: Any) -> pyodk.Snapshot:
    fields: dict[str, Any] = {
        "id": 5001,
        "name": "base",
        "creation_date": datetime.datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC),
        "is_current": True,
        "instance": pyodk.BaseResource(id=56),
    }
    return pyodk.Snapshot(**{**fields, **overrides})


def test_json_is_the_api_s_own_indented() -> None:
    text = json_text([snapshot()])
    assert json.loads(text) == [snapshot().to_json()]
    assert '\n  {\n    "Id": 5001,' in text
    assert '"CreationDate": "2026-03-01T08:30:15.123456+00:00"' in text


def test_rows_have_a_column_per_single_value_and_none_for_empty_ones() -> None:
    text = rows_text([snapshot(), snapshot(id=5002, name="next", is_current=False)])
    header, first, second = text.splitlines()
    assert header.split() == ["Id", "Name", "Instance", "CreationDate", "IsCurrent"]
    assert first.split()[:3] == ["5001", "base", "56"] and first.endswith("true")
    assert second.endswith("false")
    assert rows_text([]) == "(no items)"


def test_a_page_shows_its_items_and_says_when_there_are_more() -> None:
    page = pyodk.ApiCollectionSnapshot(
        items=[snapshot()], meta=pyodk.ApiCollectionMetadata(total=3)
    )
    lines = table_text(page).splitlines()
    assert lines[1].startswith("5001")
    assert lines[-1] == "(1 of 3 items: --all-pages lists every page)"


def test_a_single_model_is_key_value_lines_with_nested_keys_flattened() -> None:
    ticket = pyodk.Ticket(
        id=880001, progress=40, status=pyodk.DictionaryItem(id=135, label="Running")
    )
    assert table_text(ticket).splitlines() == [
        "Id            880001",
        "Status.Id     135",
        "Status.Label  Running",
        "Progress      40",
    ]


def test_cells_are_short_single_lines() -> None:
    assert cell(True) == "true" and cell(None) == ""
    assert cell("a\nb\tc") == "a b c"
    assert cell("x" * 80) == "x" * 47 + "..."
    assert cell(pyodk.DictionaryItem(id=136, label="Succeed")) == "Succeed"
    assert cell([1, 2]) == "1,2"
    moment = datetime.datetime(2026, 3, 1, 8, 30, 15, 999, tzinfo=UTC)
    assert cell(moment) == moment.astimezone().isoformat(sep=" ", timespec="seconds")


# ------------------------------------------------------------------ progress


def ticket(progress: int, finished: bool = False, ticket_id: int = 880001) -> pyodk.Ticket:
    end = datetime.datetime(2026, 3, 1, tzinfo=UTC) if finished else None
    status = pyodk.DictionaryItem(id=136, label="Succeed") if finished else None
    kind = pyodk.DictionaryItem(id=1, label="Create snapshot")
    return pyodk.Ticket(
        id=ticket_id,
        progress=progress,
        end_date=end,
        status=status,
        operation_type=kind,
        object_name="web-prod-01",
    )


def test_progress_is_a_redrawn_bar_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    stream = io.StringIO()
    progress = TicketProgress(stream, terminal=True)
    progress(ticket(0))
    assert progress.unfinished_ticket_id == 880001
    progress(ticket(100, finished=True))
    assert progress.unfinished_ticket_id is None
    progress.end_line()
    progress.end_line()  # nothing more to end
    drawn = stream.getvalue()
    assert drawn.count("\r") == 2 and drawn.endswith(" (Succeed)\n")
    assert (
        "\r[------------------------------]   0% ticket 880001 Create snapshot web-prod-01" in drawn
    )
    assert "\r[##############################] 100% ticket 880001" in drawn


def test_the_bar_stays_within_the_terminal_so_that_it_can_be_redrawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    stream = io.StringIO()
    progress = TicketProgress(stream, terminal=True)
    progress(ticket(5))
    progress(ticket(50))
    first, second = stream.getvalue().split("\r")[1:]
    assert first == "[#-----------------------------]   5% t"
    assert second == "[###############---------------]  50% t"


def test_progress_is_plain_lines_elsewhere_one_ticket_after_another() -> None:
    stream = io.StringIO()
    progress = TicketProgress(stream, terminal=False)
    for update in (ticket(0), ticket(40), ticket(100, True), ticket(0, ticket_id=880002)):
        progress(update)
    assert stream.getvalue().splitlines() == [
        "ticket 880001: 0%",
        "ticket 880001: 40%",
        "ticket 880001: 100%",
        "ticket 880002: 0%",
    ]


# ------------------------------------------------------------------ main(), in this process


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            (),
            [
                "snapshot",
                "ticket",
                "oci-snapshots",
                "oci",
                "oci-interfaces",
                "watch",
                "tickets",
                "exit status: 0 done",
            ],
        ),
        (("oci",), ["instances-get", "Returns instance list (GET /instances)", "instances-get-0"]),
        (
            ("oci", "instances-get"),
            [
                "--is-turned-on true|false",
                "Indicates wether an instance",
                "--all-pages",
                "GET /instances",
            ],
        ),
        (("oci-snapshots", "snapshots-put"), ["ID", "--name TEXT", "--body JSON", "(required)"]),
        (("oci", "instances-power-on"), ["--wait", "--timeout SECONDS", "--poll-interval"]),
        (("snapshot",), ["list", "create", "rename", "restore", "delete", "prune"]),
        (("snapshot", "prune"), ["--keep N", "--yes", "never deletes the", "system snapshot"]),
        (("ticket", "wait"), ["ID", "--timeout SECONDS"]),
    ],
)
def test_help_at_every_level(arguments: tuple[str, ...], expected: list[str], cli: Cli) -> None:
    code, out, err = cli(*arguments, "--help")
    assert code == 0 and err == ""
    assert out.startswith(f"usage: pyodk {' '.join(arguments)}".rstrip())
    for text in expected:
        assert text in out, text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("snapshot", "list", "--instance", "abc"), "argument --instance: expected an integer"),
        (("oci", "instances-get", "--is-turned-on", "yes"), "expected true or false, got 'yes'"),
        (("tickets", "tickets-get", "--creation-date-from", "yesterday"), "ISO 8601 datetime"),
        (("nosuch",), "invalid choice: 'nosuch'"),
        (("oci",), "the following arguments are required: OPERATION"),
        (("snapshot", "list", "--bogus"), "unrecognized arguments: --bogus"),
        (("snapshot", "create", "56"), "the following arguments are required: --name"),
        (
            (
                "statistics",
                "statistics-get-client-statistics",
                "--date-from",
                "2026-03-01",
                "--date-to",
                "2026-03-02",
            ),
            "the following arguments are required: --statistic-types",
        ),
        (("oci-snapshots", "snapshots-put", "5002", "--description", "d"), "needs --name"),
        (("oci-snapshots", "snapshots-put", "5002", "--body", '{"Nme": "x"}'), "no key 'Nme'"),
        (("oci-snapshots", "snapshots-put", "5002", "--body", "[1"), "is not valid JSON"),
        (("snapshot", "create", "56", "--name", "n", "--timeout", "-1"), "0 or more"),
        (("--fake", "--api-url", "http://x", "snapshot", "list"), "not allowed with argument"),
        (("snapshot", "list", "--fake", "--api-url", "http://x"), "not allowed with argument"),
        (("--fake", "snapshot", "list", "--api-url", "http://x"), "cannot be used together"),
        # pyodk's own refusals before sending, in the command line's words:
        (("oci-snapshots", "snapshots-get", "--page-size", "0"), "`--page-size` must be"),
        (("oci-snapshots", "snapshots-put", "5002", "--name", "a/b"), "`--name`, must not contain"),
        (("snapshot", "create", "56", "--name", "a%b"), "`--name`, must not contain '%'"),
        # Checked before the description it keeps is fetched:
        (("snapshot", "rename", "5002", "--name", "a|b"), "`--name`, must not contain '|'"),
        (("snapshot", "prune", "--instance", "56", "--keep", "-1"), "`--keep` must be 0 or more"),
        (("oci-snapshots", "snapshots-get-0", "3000000000"), "`ID` must fit in a 32-bit"),
        (("oci-snapshots", "snapshots-get", "--all-pages", "--page-number", "2"), "--all-pages"),
    ],
)
def test_usage_errors_exit_2_and_send_nothing(
    arguments: tuple[str, ...], message: str, cli: Cli
) -> None:
    code, out, err = cli(*arguments)
    assert code == 2 and out == ""
    assert err.startswith("usage: pyodk")
    assert message in err.splitlines()[-1]
    assert cli.server.requests == []


WARSAW_WINTER = datetime.timezone(datetime.timedelta(hours=1), "CET")


@pytest.mark.parametrize(
    ("assumed", "naive_sent"),
    [(WARSAW_WINTER, "2026-01-02T03:04:05+01:00"), (None, "2026-01-02T03:04:05")],
)
def test_a_datetime_without_an_offset_is_in_the_client_s_assumed_timezone(
    assumed: datetime.tzinfo | None, naive_sent: str, cli: Cli
) -> None:
    # The same rule as for the API's own datetimes: one setting, not a UTC of the CLI's own.
    default = pyodk.Configuration()
    default.assumed_timezone = assumed
    pyodk.Configuration.set_default(default)
    code, _, err = cli(
        "tickets tickets-get --creation-date-from 2026-01-02T03:04:05 "
        "--creation-date-to 2026-01-02T03:04:05Z"
    )
    assert code == 0, err
    code, _, err = cli(
        "oci-events instances-delete-events 56 --date-from 2026-01-02T03:04:05 "
        """--body '{"DateTo": "2026-01-02T03:04:05"}'"""
    )
    tickets, events = cli.server.requests
    assert tickets.query["creationDateFrom"] == [naive_sent]
    assert tickets.query["creationDateTo"] == ["2026-01-02T03:04:05+00:00"]
    assert events.json == {"DateFrom": naive_sent, "DateTo": naive_sent}


def test_a_connection_error_exits_1_with_one_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    monkeypatch.setenv("OKTAWAVE_ODK_API_URL", f"http://127.0.0.1:{closed}/services")
    code, out, err = cli("snapshot list")
    assert code == 1 and out == ""
    [line] = err.splitlines()
    assert line.startswith("pyodk: error: ConnectionFailedError: ")


def test_an_unanswered_ticket_wait_times_out_with_exit_1(cli: Cli) -> None:
    cli.server.ticket_duration = 3600
    code, out, _ = cli("snapshot create 56 --name slow")
    ticket_id = json.loads(out)["Id"]
    code, out, err = cli(f"ticket wait {ticket_id} --timeout 0")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"ticket {ticket_id}: 0%",
        f"pyodk: error: TicketTimeoutError: ticket {ticket_id} (Create snapshot on web-prod-01, "
        f"id 56) had not finished after 0 s (0%)",
    ]


def test_prune_prints_its_plan_as_a_table(cli: Cli) -> None:
    code, out, err = cli("snapshot prune --instance 56 --keep 1 -o table")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "instance 56: keep the 1 newest"
    assert lines[1].split() == ["Action", "Id", "Name", "CreationDate", "Reason"]
    assert [line.split()[:2] for line in lines[2:]] == [
        ["keep", "5004"],
        ["keep", "5001"],
        ["delete", "5002"],
        ["delete", "5003"],
    ]
    assert (
        err == "pyodk: dry run: nothing was deleted; --yes deletes the 2 snapshots marked delete\n"
    )
    code, out, err = cli("snapshot prune --instance 56 --keep 1 --yes --poll-interval 0 -o table")
    assert code == 0
    assert out.splitlines()[-3:] == [
        "deleted snapshot 5002 (before-nginx-upgrade)",
        "deleted snapshot 5003 (php8-experiment)",
        "deleted 2 of 2 snapshots",
    ]
    code, out, err = cli("snapshot prune --instance 56 --keep 1 -o table")
    assert err == "pyodk: nothing to delete\n"


def test_prune_reports_a_snapshot_it_skipped(cli: Cli) -> None:
    # Restored (made current) between the plan and its deletion, as the fresh look shows.
    now_current = {"Id": 5002, "Name": "before-nginx-upgrade", "IsSystem": False, "IsCurrent": True}
    cli.server.inject(
        "malformed", count=2, method="GET", path="/services/snapshots/5002", body=now_current
    )
    code, out, err = cli("snapshot prune --instance 56 --keep 1 --yes --poll-interval 0 -o table")
    assert code == 0, err  # the rules at work: not a failure
    assert out.splitlines()[-3:] == [
        "deleted snapshot 5003 (php8-experiment)",
        "skipped snapshot 5002 (before-nginx-upgrade): current snapshot by the time of its "
        "deletion (not deleted)",
        "deleted 1 of 2 snapshots",
    ]
    code, out, err = cli("snapshot prune --instance 56 --keep 1 --yes --poll-interval 0 -o json")
    assert code == 0, err
    [skipped] = json.loads(out)["Delete"]
    assert (skipped["Snapshot"]["Id"], skipped["Deleted"], skipped["Error"]) == (5002, False, None)
    assert skipped["Skipped"].startswith("current snapshot by the time of its deletion")


def test_version() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "pyodk", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout == f"pyodk {pyodk.__version__}\n"
