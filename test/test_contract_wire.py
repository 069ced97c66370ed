"""Every operation sends what a swagger-codegen 2.4 client would, and refuses bad input.

Arguments come from the contract (contract_reference.Values), never from per-operation lists; the
expected request from the reference. A real socket carries each call to the scripted stub. Each
test checks every operation in one loop (contract_harness.assert_each) and names each that fails.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import pytest
from contract_harness import (
    assert_each,
    assert_sent,
    call_arguments,
    method_of,
    sent_query,
    targets_fixture,  # noqa: F401  (the ``targets`` fixture)
)
from contract_reference import (
    CONTRACT,
    OperationSpec,
    ParamSpec,
    Values,
    arguments_for,
    expected_request,
    underscore,
)

import pyodk
import pyodk.api

OPERATIONS = CONTRACT.operations


def send(op: OperationSpec, arguments: dict[str, Any], stub, api_client, **options: Any) -> Any:
    """Call the operation with ``arguments`` against the stub; the answer fits its response type."""
    stub.answer(Values().answer(op.response_type))
    args, kwargs = call_arguments(op, arguments)
    return method_of(op, api_client)(*args, **kwargs, **options)


def assert_sends_as_reference(
    op: OperationSpec, arguments: dict[str, Any], stub, targets, api_client, **options: Any
) -> None:
    """Call the operation with ``arguments``: the one request sent is the reference's."""
    send(op, arguments, stub, api_client, **options)
    expected = expected_request(op, arguments, api_client.configuration.host)
    assert_sent(op, expected, stub, targets)


# -- names -------------------------------------------------------------------------------------


def test_the_contract_has_what_the_rules_are_written_for():
    assert len(OPERATIONS) == 177
    assert len({op.id for op in OPERATIONS}) == 177
    assert len(CONTRACT.api_classes) == 18
    assert len(CONTRACT.models) == 160
    assert CONTRACT.api_classes["OCI Snapshots"] == "OCISnapshotsApi"
    assert CONTRACT.api_classes["OVS"] == "OVSApi"
    assert underscore("OCISnapshotsApi") == "oci_snapshots_api"
    assert (underscore("instanceId"), underscore("sshKeyId")) == ("instance_id", "ssh_key_id")


def test_api_classes_are_named_from_their_tags():
    def check(tag: str) -> None:
        name = CONTRACT.api_classes[tag]
        module = importlib.import_module(f"pyodk.api.{underscore(name)}")
        cls = getattr(module, name)
        assert getattr(pyodk, name) is cls
        assert getattr(pyodk.api, name) is cls

    assert_each(sorted(CONTRACT.api_classes), check)


def test_methods_take_the_required_parameters_positionally_in_order(api_client):
    def check(op: OperationSpec) -> None:
        for twin in ("", "_with_http_info"):
            signature = inspect.signature(method_of(op, api_client, twin))
            positional = [
                p.name
                for p in signature.parameters.values()
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            ]
            assert positional == [p.name for p in op.required_params], op.id + twin

    assert_each(OPERATIONS, check)


# -- what is sent -------------------------------------------------------------------------------


@pytest.mark.parametrize("optional", [True, False], ids=["all-arguments", "required-only"])
def test_every_operation_sends_what_the_reference_sends(optional: bool, stub, targets, api_client):
    def check(op: OperationSpec) -> None:
        arguments = arguments_for(op, optional=optional)
        assert_sends_as_reference(op, arguments, stub, targets, api_client)

    assert_each(OPERATIONS, check, stub, targets)


def test_the_wire_cases_cover_datetimes_multi_arrays_int64_and_quoted_paths():
    """The cases above reach the hard parts of the rules, not just plain ids."""
    tickets = CONTRACT.operations_by_id["tickets_get"]
    sent = expected_request(tickets, arguments_for(tickets, optional=True)).query
    dates = dict(sent)
    assert dates["creationDateFrom"].startswith("2026-11-02T10:15:")
    assert dates["creationDateFrom"][-6:] in ("+01:00", "+00:00")

    statistics = CONTRACT.operations_by_id["statistics_get_client_statistics"]
    assert statistics.param("statisticTypes").collection_format == "multi"
    sent = expected_request(statistics, arguments_for(statistics, optional=False)).query
    assert [name for name, _ in sent].count("statisticTypes") == 3

    ticket = CONTRACT.operations_by_id["tickets_get_0"]
    assert arguments_for(ticket, optional=False)["id"] > 2**31

    dictionaries = CONTRACT.operations_by_id["dictionaries_get_dictionaries_items"]
    path = expected_request(dictionaries, arguments_for(dictionaries, optional=False)).path
    assert "%20" in path and "%C5%BC" in path


def test_every_operation_takes_every_call_option(stub, targets, api_client):
    options = {"_request_timeout": (10, 30), "_call_timeout": 60, "_return_http_data_only": True}

    def check(op: OperationSpec) -> None:
        arguments = arguments_for(op, optional=False)
        assert_sends_as_reference(op, arguments, stub, targets, api_client, **options)

    assert_each(OPERATIONS, check, stub, targets)


# -- bad input ----------------------------------------------------------------------------------


def assert_refused(
    op: OperationSpec,
    cases: list[tuple[str, dict[str, Any], dict[str, Any]]],
    expected: type[Exception] | tuple[type[Exception], ...],
    stub,
    api_client,
) -> None:
    """pyodk refuses each case (label, arguments, extra keywords) as the rules say: with
    ``expected``, a PyodkError naming the operation and the label, before sending."""
    problems = []
    for label, arguments, extra in cases:
        stub.reset()
        args, kwargs = call_arguments(op, arguments)
        try:
            method_of(op, api_client)(*args, **kwargs, **extra)
            error: Exception | None = None
        except Exception as exc:
            error = exc
        if stub.received:
            problems.append(f"{label}: sent a request instead of refusing ({error!r})")
        elif not isinstance(error, expected) or not isinstance(error, pyodk.PyodkError):
            problems.append(f"{label}: raised {error!r}")
        elif op.id not in str(error) or label not in str(error):
            problems.append(f"{label}: the message names not both {op.id} and {label}: {error}")
    assert not problems, "; ".join(problems)


def test_unknown_keyword_is_refused_before_sending(stub, api_client):
    def check(op: OperationSpec) -> None:
        case = ("no_such_argument", arguments_for(op, optional=False), {"no_such_argument": 1})
        assert_refused(op, [case], pyodk.ApiTypeError, stub, api_client)

    assert_each(OPERATIONS, check, stub)


def wrong_type(param: ParamSpec) -> Any:
    """A value no generated client would mean for the parameter's type."""
    if param.type == "int":
        return "12"  # text where a number is due: the commonest mistake
    if param.type.startswith("list["):
        return ["not-an-item"] if param.type != "list[str]" else [12]
    if param.type in ("str", "datetime", "date"):
        return 12
    if param.type == "float":
        return "1.5"
    if param.type == "bool":
        return "yes"
    return "not a model"  # a body


def test_wrong_type_is_refused_before_sending(stub, api_client):
    def check(op: OperationSpec) -> None:
        cases = [
            (param.name, {**arguments_for(op, optional=True), param.name: wrong_type(param)}, {})
            for param in op.params
        ]
        wrong = (pyodk.ApiTypeError, pyodk.ApiValueError)
        assert_refused(op, cases, wrong, stub, api_client)

    assert_each(OPERATIONS, check, stub)


def test_missing_required_parameter_is_refused_before_sending(stub, api_client):
    def check(op: OperationSpec) -> None:
        cases = [
            (param.name, {**arguments_for(op, optional=False), param.name: None}, {})
            for param in op.required_params
        ]
        assert_refused(op, cases, pyodk.ApiValueError, stub, api_client)

    assert_each([op for op in OPERATIONS if op.required_params], check, stub)


# -- order_by -----------------------------------------------------------------------------------

ORDERED = [op for op in OPERATIONS if op.order_values]


def test_order_values_come_from_the_descriptions():
    assert len(ORDERED) == 22
    assert all(op.param("orderBy") is not None for op in ORDERED)
    tickets = CONTRACT.operations_by_id["tickets_get"]
    assert tickets.order_values == ("CreationDate", "Status", "OperationType")
    assert "creationDate" in CONTRACT.operations_by_id["templates_get"].order_values


def test_listed_order_values_are_sent_as_given_in_any_case(stub, targets, api_client):
    def check(op: OperationSpec) -> None:
        spellings = [
            v for listed in op.order_values or () for v in (listed, listed.lower(), listed.upper())
        ]
        refused = []
        for value in dict.fromkeys(spellings):
            stub.reset()
            targets.clear()
            arguments = {**arguments_for(op, optional=False), "order_by": value}
            try:
                assert_sends_as_reference(op, arguments, stub, targets, api_client)
            except pyodk.ApiValueError as error:
                refused.append(f"{value}: {error}")
                continue
            assert ("orderBy", value) in sent_query(targets[0], op)
        assert refused == []

    assert_each(ORDERED, check, stub, targets)


def test_unlisted_order_value_is_refused_before_sending(stub, api_client):
    def check(op: OperationSpec) -> None:
        case = ("order_by", {**arguments_for(op, optional=False), "order_by": "NoSuchOrder"}, {})
        assert_refused(op, [case], pyodk.ApiValueError, stub, api_client)

    assert_each(ORDERED, check, stub)


def test_order_value_is_not_checked_without_client_side_validation(
    stub, targets, configuration, api_client
):
    configuration.client_side_validation = False

    def check(op: OperationSpec) -> None:
        arguments = {**arguments_for(op, optional=False), "order_by": "NoSuchOrder"}
        assert_sends_as_reference(op, arguments, stub, targets, api_client)

    assert_each(ORDERED, check, stub, targets)


UNLISTED = [op for op in OPERATIONS if op.param("orderBy") and not op.order_values]


def test_order_by_without_listed_values_takes_any_value(stub, targets, api_client):
    def check(op: OperationSpec) -> None:
        arguments = {**arguments_for(op, optional=False), "order_by": "AnyOrder"}
        send(op, arguments, stub, api_client)
        assert ("orderBy", "AnyOrder") in sent_query(targets[0], op)

    assert_each(UNLISTED, check, stub, targets)
