"""Property tests: every model survives a trip through JSON, and no JSON breaks a decoder.

Strategies are built from each model's ``swagger_types`` and ``attribute_map`` (the generated
surface), so a model added later is covered without touching this file.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pyodk
import pyodk.models
from pyodk.api_client import ApiClient
from pyodk.exceptions import ModelDecodeError, PyodkError, ResponseDecodeError
from pyodk.models.base import Model, decoder_for

#: Every model of the contract.
MODELS = sorted(pyodk.models.__all__)
#: The models of the snapshot workflow each get a search of their own; every model's round trip is
#: in test_contract_models.py, and decoding junk is searched through one test that draws the model
#: too, so that 160 models do not cost 160 searches.
WORKFLOW_MODELS = [
    "ApiCollectionSnapshot", "ApiCollectionTicket", "CreateUpdateSnapshotCommand", "Snapshot",
    "Ticket", "ApiCollectionInstance", "Instance",
]  # fmt: skip
# Modest by default so the suite stays quick; PYODK_PROPERTY_EXAMPLES=2000 for a deep search.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("PYODK_PROPERTY_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

ANY_MODEL_SETTINGS = settings(
    max_examples=5 * int(os.environ.get("PYODK_PROPERTY_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Models built from generated values skip client-side validation: the round trip is about the
# wire format, and the server is free to send what validation would refuse from a user.
NO_VALIDATION = pyodk.Configuration()
NO_VALIDATION.client_side_validation = False

OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


def model_class(name: str) -> type[Model]:
    cls = getattr(pyodk.models, name)
    assert issubclass(cls, Model)
    return cls


def value_strategy(type_name: str) -> st.SearchStrategy[Any]:
    """Python values of a swagger type string, as a user (or a decoder) would put in a model."""
    if type_name == "int":
        return st.integers()
    if type_name == "str":
        return st.text()
    if type_name == "bool":
        return st.booleans()
    if type_name == "float":
        return st.floats(allow_nan=False, allow_infinity=False)
    if type_name == "datetime":
        return st.datetimes(timezones=OFFSETS)
    if type_name.startswith("list[") and type_name.endswith("]"):
        return st.lists(st.none() | value_strategy(type_name[5:-1]), max_size=3)
    return st.deferred(lambda: model_strategy(type_name))


def model_strategy(name: str) -> st.SearchStrategy[Model]:
    cls = model_class(name)
    fields = {attr: st.none() | value_strategy(t) for attr, t in cls.swagger_types.items()}
    return st.builds(cls, **fields, _configuration=st.just(NO_VALIDATION))


def test_every_model_is_covered():
    assert set(WORKFLOW_MODELS) <= set(MODELS)
    assert len(MODELS) == 160
    assert all(issubclass(model_class(name), Model) for name in MODELS)


def _round_trip(name: str, data: st.DataObject) -> None:
    model = data.draw(model_strategy(name))
    wire = json.loads(json.dumps(model.to_json()))
    again = model_class(name).from_json(wire)
    assert again == model
    assert again.to_json() == wire


@pytest.mark.parametrize("name", WORKFLOW_MODELS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_model_to_json_and_back_is_equal(name: str, data: st.DataObject) -> None:
    _round_trip(name, data)


# Any JSON value at all, NaN and Infinity included (json.loads accepts them).
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=16,
)


def wire_strategy(type_name: str) -> st.SearchStrategy[Any]:
    """Wire values for a type: anything at all, or the right shape with anything inside it."""
    if type_name.startswith("list[") and type_name.endswith("]"):
        item = type_name[5:-1]
        return JSON_VALUES | st.lists(st.deferred(lambda: wire_strategy(item)), max_size=3)
    if type_name in ("int", "str", "bool", "float", "datetime"):
        odd_dates = st.sampled_from(["", "2026-13-45T99:99:99", "2026-11-02T10:15:30.1234567Z"])
        return JSON_VALUES | (odd_dates if type_name == "datetime" else st.nothing())
    cls = model_class(type_name)
    shaped = st.fixed_dictionaries(
        {},
        optional={
            cls.attribute_map[attr]: st.deferred(lambda t=t: wire_strategy(t))
            for attr, t in cls.swagger_types.items()
        },
    )
    return JSON_VALUES | shaped


#: deserialize() holds no connection and no state: one client serves every example.
API_CLIENT = ApiClient(pyodk.Configuration())


class _Answer:
    """Just enough of a RESTResponse for ApiClient.deserialize."""

    status = 200
    reason = "OK"

    def __init__(self, data: str) -> None:
        self.data = data

    def getheader(self, name: str, default: str | None = None) -> str:
        return "application/json"

    def getheaders(self) -> dict[str, str]:
        return {"Content-Type": "application/json"}


@pytest.mark.parametrize("name", WORKFLOW_MODELS)
@PROPERTY_SETTINGS
@given(data=st.data())
def test_decoding_any_json_raises_only_pyodk_errors(name: str, data: st.DataObject) -> None:
    _decode_anything(name, data)


@ANY_MODEL_SETTINGS
@given(name=st.sampled_from(MODELS), data=st.data())
def test_decoding_any_json_into_any_model_raises_only_pyodk_errors(
    name: str, data: st.DataObject
) -> None:
    _decode_anything(name, data)


def _decode_anything(name: str, data: st.DataObject) -> None:
    wire = data.draw(wire_strategy(name))
    try:
        decoded = model_class(name).from_json(wire)
    except ModelDecodeError as exc:
        assert isinstance(exc, PyodkError) and exc.path
    else:
        assert isinstance(decoded, model_class(name))
    try:
        decoder_for(f"list[{name}]")([wire])
        API_CLIENT.deserialize(_Answer(json.dumps(wire)), name)  # type: ignore[arg-type]
    except (ModelDecodeError, ResponseDecodeError):
        pass
