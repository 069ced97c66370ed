"""Every operation decodes its answer into what a swagger-codegen 2.4 client would (``to_dict()``).

Answers are built from each response schema (contract_reference.Values): every property filled,
nested models, lists of several items, datetimes in ASP.NET's shapes. Answers that break a model's
own validations decode as well: validation is for what users build, not for what the server says.
"""

from __future__ import annotations

from typing import Any

import pytest
from contract_harness import call_arguments, method_of, plain
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
    ids,
)

import pyodk
import pyodk.models

OPERATIONS = CONTRACT.operations
OP_IDS = ids(OPERATIONS)


def call(op: OperationSpec, api_client, twin: str = "", **options: Any) -> Any:
    args, _ = call_arguments(op, arguments_for(op, optional=False))
    return method_of(op, api_client, twin)(*args, **options)


def assert_decoded_as_reference(op: OperationSpec, answer: Any, result: Any) -> None:
    assert plain(result) == decoded(answer, op.response_type)
    if op.response_type is None:
        assert result is None
    elif CONTRACT.is_model(op.response_type):
        assert type(result) is getattr(pyodk.models, op.response_type)
    else:  # parsed JSON or text, not wrapped in a model
        assert type(result) is type(answer)


@pytest.mark.parametrize("op", OPERATIONS, ids=OP_IDS)
def test_operation_decodes_what_the_reference_decodes(op: OperationSpec, stub, api_client):
    answer = Values().answer(op.response_type)
    stub.answer(answer)

    result = call(op, api_client)

    assert_decoded_as_reference(op, answer, result)


@pytest.mark.parametrize("op", OPERATIONS, ids=OP_IDS)
def test_twin_and_async_call_decode_the_same(op: OperationSpec, stub, api_client):
    answer = Values().answer(op.response_type)
    stub.answer(answer, headers={"X-Request-Id": "contract"})
    stub.answer(answer)

    data, status, headers = call(op, api_client, "_with_http_info")
    later = call(op, api_client, async_req=True)

    assert status == 200
    assert headers["X-Request-Id"] == "contract"
    assert_decoded_as_reference(op, answer, data)
    assert_decoded_as_reference(op, answer, later.get(timeout=30))


def test_answers_cover_every_shape_the_rules_name():
    """The parametrized answers reach every response kind and datetime shape."""
    kinds = {op.response_type if op.response_type in (None, "object", "str") else "model"
             for op in OPERATIONS}  # fmt: skip
    assert kinds == {None, "object", "str", "model"}
    text = str(Values().answer("ApiCollectionTicket"))
    assert ".1234567+01:00" in text and ":00Z" in text


# -- answers that break the models' own rules -------------------------------------------------

CONSTRAINED = [(spec, prop) for spec in CONTRACT.models.values() for prop in spec.constrained]


def test_every_validation_of_the_contract_is_broken_by_some_answer():
    rules = {rule for _, prop in CONSTRAINED for rule, _ in breaking_values(prop)}
    assert rules == RULE_KINDS


@pytest.mark.parametrize(
    ("spec", "prop"), CONSTRAINED, ids=[f"{s.name}.{p.key}" for s, p in CONSTRAINED]
)
def test_answers_breaking_a_validation_still_decode(spec: ModelSpec, prop: Prop, stub, api_client):
    """Through the ApiClient (as a response type) and from_json, with validation on."""
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

        expected = decoded(answer, spec.name)
        assert result.to_dict() == expected, rule
        assert getattr(pyodk.models, spec.name).from_json(answer).to_dict() == expected, rule
