"""Every operation decodes its answer into what a swagger-codegen 2.4 client would (``to_dict()``).

Answers are built from each response schema (contract_reference.Values): every property filled,
nested models, lists of several items, datetimes in ASP.NET's shapes. Answers that break a model's
own validations decode as well: validation is for what users build, not for what the server says.
"""

from __future__ import annotations

from datetime import timezone, tzinfo
from typing import Any

from contract_harness import (
    assert_each,
    call_arguments,
    method_of,
    plain,
    targets_fixture,  # noqa: F401  (the ``targets`` fixture: a stub that answers without delay)
)
from contract_reference import (
    CONTRACT,
    RULE_KINDS,
    ModelSpec,
    OperationSpec,
    Prop,
    Values,
    arguments_for,
    breaking_values,
    decoded,
)

import pyodk
import pyodk.models

OPERATIONS = CONTRACT.operations


def call(op: OperationSpec, api_client, twin: str = "", **options: Any) -> Any:
    args, _ = call_arguments(op, arguments_for(op, optional=False))
    return method_of(op, api_client, twin)(*args, **options)


def assert_decoded_as_reference(
    op: OperationSpec, answer: Any, result: Any, naive_as: tzinfo | None = timezone.utc
) -> None:
    assert plain(result) == decoded(answer, op.response_type, naive_as=naive_as)
    if op.response_type is None:
        assert result is None
    elif CONTRACT.is_model(op.response_type):
        assert type(result) is getattr(pyodk.models, op.response_type)
    else:  # parsed JSON or text, not wrapped in a model
        assert type(result) is type(answer)


def test_every_operation_decodes_what_the_reference_decodes(stub, targets, api_client):
    """With the default configuration: datetimes without an offset are taken to be UTC."""

    def check(op: OperationSpec) -> None:
        answer = Values().answer(op.response_type)
        stub.answer(answer)
        assert_decoded_as_reference(op, answer, call(op, api_client))

    assert_each(OPERATIONS, check, stub, targets)


def test_twin_and_async_call_decode_as_swagger_codegen_without_an_assumed_timezone(
    stub, targets, configuration, api_client
):
    """``assumed_timezone = None`` leaves offset-less datetimes naive, as swagger-codegen does."""
    configuration.assumed_timezone = None

    def check(op: OperationSpec) -> None:
        answer = Values().answer(op.response_type)
        stub.answer(answer, headers={"X-Request-Id": "contract"})
        stub.answer(answer)

        data, status, headers = call(op, api_client, "_with_http_info")
        later = call(op, api_client, async_req=True)

        assert status == 200
        assert headers["X-Request-Id"] == "contract"
        assert_decoded_as_reference(op, answer, data, naive_as=None)
        assert_decoded_as_reference(op, answer, later.get(timeout=30), naive_as=None)

    assert_each(OPERATIONS, check, stub, targets)


def test_answers_cover_every_shape_the_rules_name():
    """The answers reach every response kind and datetime shape."""
    kinds = {op.response_type if op.response_type in (None, "object", "str") else "model"
             for op in OPERATIONS}  # fmt: skip
    assert kinds == {None, "object", "str", "model"}
    text = str(Values().answer("ApiCollectionTicket"))
    assert ".1234567+01:00" in text and ":00Z" in text
    assert "T06:07:08'" in text  # no offset at all


# -- answers that break the models' own rules -------------------------------------------------

CONSTRAINED = [(spec, prop) for spec in CONTRACT.models.values() for prop in spec.constrained]


def test_every_validation_of_the_contract_is_broken_by_some_answer():
    rules = {rule for _, prop in CONSTRAINED for rule, _ in breaking_values(prop)}
    assert rules == RULE_KINDS


def test_answers_breaking_a_validation_still_decode(stub, targets, api_client):
    """Through the ApiClient (as a response type) and from_json, with validation on."""

    def check(case: tuple[ModelSpec, Prop]) -> None:
        spec, prop = case
        for rule, value in breaking_values(prop):
            answer = {**Values().answer_json(spec.name), prop.key: value}
            stub.answer(answer)

            result = api_client.call_api(
                "/contract/answer",
                "GET",
                response_type=spec.name,
                auth_settings=["oauth2"],
                _return_http_data_only=True,
            )

            expected = decoded(answer, spec.name, naive_as=timezone.utc)
            assert result.to_dict() == expected, rule
            assert getattr(pyodk.models, spec.name).from_json(answer).to_dict() == expected, rule

    assert_each(CONSTRAINED, check, stub, targets)
