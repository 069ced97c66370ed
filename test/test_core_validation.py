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
