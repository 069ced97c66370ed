"""CreateUpdateSnapshotCommand's rules: checked on construction and assignment, skippable, and
never applied to data the server sends."""

from __future__ import annotations

import pytest

import pyodk
from pyodk import Configuration, CreateUpdateSnapshotCommand

FORBIDDEN_IN_NAME = ["/", "\\", "|", "<", ">", "%"]


@pytest.fixture
def no_validation() -> Configuration:
    config = Configuration()
    config.client_side_validation = False
    return config


@pytest.fixture
def validation_off_by_default(monkeypatch) -> None:
    """Configuration.set_default with validation off; the previous default comes back afterwards."""
    monkeypatch.setattr(Configuration, "_default", Configuration._default)
    config = Configuration()
    config.client_side_validation = False
    Configuration.set_default(config)


def test_defaults_make_a_valid_command():
    command = CreateUpdateSnapshotCommand()
    assert command.name == "Snapshot name"
    assert command.description == "Snapshot description"
    assert command.to_json() == {"Name": "Snapshot name", "Description": "Snapshot description"}


def test_valid_values_are_kept():
    command = CreateUpdateSnapshotCommand(name="x" * 500, description="back\\slash | <ok> 100%")
    assert len(command.name) == 500
    assert command.description == "back\\slash | <ok> 100%"
    one = CreateUpdateSnapshotCommand(name="a", description=None)
    assert (one.name, one.description) == ("a", None)


def test_name_is_required():
    with pytest.raises(ValueError, match=r"`name`.*must not be `None`"):
        CreateUpdateSnapshotCommand(name=None)
    command = CreateUpdateSnapshotCommand()
    with pytest.raises(ValueError, match=r"`name`.*must not be `None`"):
        command.name = None
    assert command.name == "Snapshot name"


def test_name_at_least_one_character():
    with pytest.raises(ValueError, match=r"`name`.*length must be greater than or equal to `1`"):
        CreateUpdateSnapshotCommand(name="")
    command = CreateUpdateSnapshotCommand(name="keep")
    with pytest.raises(ValueError, match=r"`name`.*greater than or equal to `1`"):
        command.name = ""
    assert command.name == "keep"


def test_name_at_most_500_characters():
    with pytest.raises(ValueError, match=r"`name`.*length must be less than or equal to `500`"):
        CreateUpdateSnapshotCommand(name="x" * 501)
    command = CreateUpdateSnapshotCommand(name="keep")
    with pytest.raises(ValueError, match=r"`name`.*less than or equal to `500`"):
        command.name = "y" * 501
    assert command.name == "keep"


@pytest.mark.parametrize("char", FORBIDDEN_IN_NAME)
def test_name_refuses_each_forbidden_character(char: str):
    with pytest.raises(ValueError) as caught:
        CreateUpdateSnapshotCommand(name=f"before{char}after")
    message = str(caught.value)
    assert "`name`" in message
    assert "must not contain" in message and repr(char) in message
    command = CreateUpdateSnapshotCommand(name="keep")
    with pytest.raises(ValueError, match="`name`"):
        command.name = char
    assert command.name == "keep"


def test_description_refuses_a_slash_only():
    with pytest.raises(ValueError, match=r"`description`.*must not contain '/'"):
        CreateUpdateSnapshotCommand(description="a/b")
    command = CreateUpdateSnapshotCommand(description="keep")
    with pytest.raises(ValueError, match="`description`"):
        command.description = "/"
    assert command.description == "keep"
    for char in "\\|<>%":
        command.description = f"a{char}b"  # only the name forbids these
        assert command.description == f"a{char}b"
    command.description = None
    assert command.description is None


def test_wrong_types_are_refused_naming_the_field():
    with pytest.raises(TypeError, match="`name`"):
        CreateUpdateSnapshotCommand(name=5)
    with pytest.raises(TypeError, match="`description`"):
        CreateUpdateSnapshotCommand(description=["x"])


def test_validation_skipped_with_a_configuration_that_turns_it_off(no_validation):
    command = CreateUpdateSnapshotCommand(name="a/b|c", _configuration=no_validation)
    assert command.name == "a/b|c"
    command.name = ""
    command.name = "z" * 600
    command.description = "x/y"
    command.name = None
    assert (command.name, command.description) == (None, "x/y")
    assert CreateUpdateSnapshotCommand(name=None, _configuration=no_validation).name is None


def test_validation_skipped_when_the_default_configuration_turns_it_off(
    validation_off_by_default,
):
    command = CreateUpdateSnapshotCommand(name="<bad>", description="a/b")
    command.name = "%" * 501
    assert command.name == "%" * 501
    assert command.description == "a/b"


def test_set_default_turns_validation_off_and_back_on():
    previous = Configuration._default
    relaxed = Configuration()
    relaxed.client_side_validation = False
    Configuration.set_default(relaxed)
    try:
        assert CreateUpdateSnapshotCommand(name="<bad>").name == "<bad>"
    finally:
        Configuration.set_default(previous)
    assert Configuration._default is None or Configuration._default.client_side_validation
    with pytest.raises(ValueError, match="`name`"):
        CreateUpdateSnapshotCommand(name="<bad>")


def test_model_configuration_wins_over_the_default(validation_off_by_default):
    strict = Configuration()
    strict.client_side_validation = True
    with pytest.raises(ValueError, match="`name`"):
        CreateUpdateSnapshotCommand(name="a/b", _configuration=strict)


def test_invalid_command_is_sent_when_validation_is_off(stub, snapshots_api, no_validation):
    snapshots_api.api_client.configuration.client_side_validation = False
    command = CreateUpdateSnapshotCommand(
        name="a/b", description="c/d", _configuration=no_validation
    )
    stub.answer({"Message": "The request is invalid."}, status=400)
    with pytest.raises(pyodk.BadRequestError):
        snapshots_api.instances_post_snapshot(56, command)
    assert stub.last.json == {"Name": "a/b", "Description": "c/d"}


# -- server data is never refused -------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["a/b", "", "x" * 1000, "<%|\\>"], ids=["slash", "empty", "long", "all"]
)
def test_server_data_is_never_refused_by_validation(name: str, stub, api_client):
    stub.answer({"Name": name, "Description": "with / slash"})
    command = api_client.call_api(
        "/commands/1",
        "GET",
        response_type="CreateUpdateSnapshotCommand",
        auth_settings=["oauth2"],
        _return_http_data_only=True,
    )
    assert type(command) is CreateUpdateSnapshotCommand
    assert command.name == name
    assert command.description == "with / slash"


def test_server_command_without_name_decodes(stub, api_client):
    stub.answer({"Description": "d"})
    command = api_client.call_api(
        "/x", "GET", response_type="CreateUpdateSnapshotCommand", _return_http_data_only=True
    )
    assert command.name is None and command.description == "d"


def test_snapshot_with_a_slash_in_its_name_decodes(stub, snapshots_api):
    stub.answer({"Id": 1, "Name": "backup/2026-11-02 <nightly> 100%", "Description": "a/b"})
    snapshot = snapshots_api.snapshots_get_0(1)
    assert snapshot.name == "backup/2026-11-02 <nightly> 100%"
    assert snapshot.description == "a/b"


# -- what a review found slipping through ----------------------------------------------------------


def test_a_body_of_another_model_is_refused_before_sending(stub, snapshots_api):
    snapshot = pyodk.Snapshot(id=5002, name="before-nginx-upgrade", is_system=False)
    with pytest.raises(pyodk.ApiTypeError, match="instances_post_snapshot.*CreateUpdateSnapshot"):
        snapshots_api.instances_post_snapshot(56, snapshot)
    # The operation's own model, and a dict of its JSON keys, still go.
    stub.answer({"Id": 1})
    snapshots_api.instances_post_snapshot(56, {"Name": "as a dict"})
    assert [r.json for r in stub.received] == [{"Name": "as a dict"}]


def test_list_items_are_checked_and_a_tuple_of_good_items_is_taken():
    with pytest.raises(pyodk.ApiTypeError, match=r"`instance_ids_list`, item 1 must be int"):
        pyodk.CreateDiskCommand(disk_name="d", instance_ids_list=[1, "a"])
    with pytest.raises(pyodk.ApiTypeError, match=r"item 0 must be ContainerAssignmentCommand"):
        pyodk.ChangeContainerAssignmentsCommand(assignments=[5])
    command = pyodk.CreateDiskCommand(disk_name="d", instance_ids_list=(56, 57))
    assert command.to_json()["InstanceIdsList"] == [56, 57]


def test_text_that_is_not_unicode_is_refused_naming_the_field(stub, snapshots_api):
    # What Python makes of a command-line argument holding bytes that are not UTF-8.
    broken = b"ab\xff".decode("utf-8", "surrogateescape")
    with pytest.raises(pyodk.ApiValueError, match="`name`, is not valid Unicode text"):
        pyodk.CreateUpdateSnapshotCommand(name=broken)
    with pytest.raises(pyodk.ApiValueError, match="`query` is not valid Unicode text"):
        snapshots_api.snapshots_get(query=broken)
    assert stub.received == []


@pytest.mark.parametrize(
    ("setting", "value", "error"),
    [
        ("call_timeout", "3", pyodk.ApiTypeError),
        ("call_timeout", 0, pyodk.ApiValueError),
        ("access_token", 123, pyodk.ApiTypeError),
        ("max_response_size", "10", pyodk.ApiTypeError),
        ("max_response_size", -1, pyodk.ApiValueError),
        ("host", None, pyodk.ApiTypeError),
        ("host", "http://[::1", pyodk.ApiValueError),
        ("host", "http://exa mple.com", pyodk.ApiValueError),
        ("host", "ftp://example.com", pyodk.ApiValueError),
        ("retries", "3", pyodk.ApiTypeError),
    ],
)
def test_a_bad_setting_is_a_pyodk_error_before_anything_is_sent(
    stub, configuration, setting, value, error
):
    setattr(configuration, setting, value)
    with pytest.raises(error, match=setting.split("_")[0]), pyodk.ApiClient(configuration) as api:
        pyodk.OCISnapshotsApi(api).snapshots_get_0(5002)
    assert stub.received == []


def test_bad_arguments_to_the_retry_policy_and_the_api_classes_are_pyodk_errors(stub):
    with pytest.raises(pyodk.ApiTypeError, match="total must be an int"):
        pyodk.RetryPolicy("3")  # type: ignore[arg-type]
    with pytest.raises(pyodk.ApiTypeError, match="snapshots_get_0.*str 'x'.*ApiClient"):
        pyodk.OCISnapshotsApi("x").snapshots_get_0(1)  # type: ignore[arg-type]
    assert stub.received == []
