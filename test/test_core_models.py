"""The models against the contract, and the generated-model methods each one has.

The eleven models the snapshot workflow uses get hand-picked wire samples; every model of the
contract is checked for its names, types and generated methods.
"""

from __future__ import annotations

import copy
import json
import pprint
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from core_cases import SNAPSHOT_JSON, TICKET_JSON
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pyodk
import pyodk.models
from pyodk import Configuration

CONTRACT = json.loads(
    (Path(__file__).resolve().parent.parent / "api" / "oktawave.swagger.json").read_text()
)
DEFINITIONS: dict[str, Any] = CONTRACT["definitions"]
#: The models of the snapshot workflow, with wire samples below; test_contract_models.py checks
#: every model of the contract the same way, from the contract alone.
MODEL_NAMES = sorted([
    "Snapshot", "ApiCollectionSnapshot", "ApiCollectionTicket", "ApiCollectionMetadata",
    "BaseResource", "Resource", "Link", "UserResource", "DictionaryItem", "Ticket",
    "CreateUpdateSnapshotCommand",
])  # fmt: skip


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _swagger_type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    kind = schema["type"]
    if kind == "array":
        return f"list[{_swagger_type(schema['items'])}]"
    if kind == "string" and schema.get("format") == "date-time":
        return "datetime"
    return {"integer": "int", "string": "str", "boolean": "bool", "number": "float"}[kind]


def test_the_workflow_models_are_in_the_contract():
    assert set(MODEL_NAMES) <= set(DEFINITIONS)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_model_is_exported_in_both_places(name: str):
    assert getattr(pyodk, name) is getattr(pyodk.models, name)
    assert name in pyodk.models.__all__ and name in pyodk.__all__


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_swagger_types_and_attribute_map_match_the_contract(name: str):
    model = getattr(pyodk.models, name)
    properties = DEFINITIONS[name]["properties"]
    expected_map = {_snake(key): key for key in properties}
    expected_types = {_snake(key): _swagger_type(schema) for key, schema in properties.items()}
    assert model.attribute_map == expected_map
    assert model.swagger_types == expected_types
    assert list(model.attribute_map) == list(expected_map)  # declared in the contract's order


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_keyword_constructor_properties_and_configuration(name: str):
    model = getattr(pyodk.models, name)
    config = Configuration()
    empty = model(_configuration=config)
    assert empty._configuration is config
    for attribute in model.swagger_types:
        assert isinstance(getattr(model, attribute), property)
    with pytest.raises(TypeError):
        model(no_such_attribute=1)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_every_model_round_trips_its_wire_form(name: str):
    model = getattr(pyodk.models, name)
    samples = {
        "Snapshot": SNAPSHOT_JSON,
        "Ticket": TICKET_JSON,
        "ApiCollectionSnapshot": {"Items": [SNAPSHOT_JSON], "Meta": {"Total": 1}},
        "ApiCollectionTicket": {"Items": [TICKET_JSON], "Meta": {"Total": 1}},
        "ApiCollectionMetadata": {"Total": 4},
        "BaseResource": {"Id": 1},
        "Resource": {"Id": 2, "Links": [{"Href": "h", "Rel": "r"}]},
        "Link": {"Href": "h", "Rel": "r"},
        "UserResource": SNAPSHOT_JSON["CreationUser"],
        "DictionaryItem": TICKET_JSON["Status"],
        "CreateUpdateSnapshotCommand": {"Name": "n", "Description": "d"},
    }
    wire = samples[name]
    decoded = model.from_json(wire)
    again = model.from_json(json.loads(json.dumps(decoded.to_json())))
    assert again == decoded
    expected = {k: v for k, v in wire.items() if v is not None}
    if name in ("Snapshot", "Ticket"):
        # datetimes come back in Python's ISO form (6 digits): compare them as datetimes
        for key in ("CreationDate", "LastChangeDate"):
            if key in expected:
                assert datetime.fromisoformat(decoded.to_json()[key]) == getattr(
                    decoded, _snake(key)
                )
                expected.pop(key)
        produced = {k: v for k, v in decoded.to_json().items() if k in expected}
        assert produced == expected
    elif name in ("ApiCollectionSnapshot", "ApiCollectionTicket"):
        assert set(decoded.to_json()) == {"Items", "Meta"}
    else:
        assert decoded.to_json() == expected


def _ticket() -> pyodk.Ticket:
    return pyodk.Ticket.from_json(TICKET_JSON)


def test_to_dict_is_by_attribute_name_with_nested_models_and_lists():
    data = pyodk.ApiCollectionTicket(items=[_ticket()], meta=pyodk.ApiCollectionMetadata(total=1))
    as_dict = data.to_dict()
    assert set(as_dict) == {"items", "meta"}
    assert as_dict["meta"] == {"total": 1}
    (ticket,) = as_dict["items"]
    assert ticket["object_id"] == 56
    assert ticket["status"]["dictionary"]["links"] == [
        {"href": "https://pl1-api.oktawave.com/services/dictionaries/40", "rel": "self"}
    ]
    assert ticket["end_date"] is None
    assert isinstance(ticket["creation_date"], datetime)
    json.dumps(as_dict, default=str)  # plain data all the way down


def test_to_str_is_the_pretty_printed_dict():
    snapshot = pyodk.Snapshot(
        id=5, name="n", creation_date=datetime(2026, 1, 2, tzinfo=timezone.utc)
    )
    assert snapshot.to_str() == pprint.pformat(snapshot.to_dict())


def test_repr_names_the_class_and_the_fields_that_are_set():
    assert repr(pyodk.Snapshot(id=5, name="x")) == "Snapshot(id=5, name='x')"
    assert repr(pyodk.BaseResource()) == "BaseResource()"
    nested = pyodk.Snapshot(id=5, instance=pyodk.BaseResource(id=56))
    assert repr(nested) == "Snapshot(id=5, instance=BaseResource(id=56))"
    assert eval(repr(nested), {"Snapshot": pyodk.Snapshot, "BaseResource": pyodk.BaseResource}) == (
        nested
    )


def test_a_long_repr_takes_a_line_per_field_and_stays_readable_nested():
    page = pyodk.ApiCollectionSnapshot(
        items=[pyodk.Snapshot(id=i, name=f"nightly-{i}", instance=pyodk.BaseResource(id=56))
               for i in range(3)],
        meta=pyodk.ApiCollectionMetadata(total=3),
    )  # fmt: skip
    text = repr(page)
    assert text.splitlines() == [
        "ApiCollectionSnapshot(",
        "    items=[",
        "        Snapshot(id=0, name='nightly-0', instance=BaseResource(id=56)),",
        "        Snapshot(id=1, name='nightly-1', instance=BaseResource(id=56)),",
        "        Snapshot(id=2, name='nightly-2', instance=BaseResource(id=56)),",
        "    ],",
        "    meta=ApiCollectionMetadata(total=3),",
        ")",
    ]
    assert max(len(line) for line in text.splitlines()) <= 100
    names = ("ApiCollectionSnapshot", "Snapshot", "BaseResource", "ApiCollectionMetadata")
    assert eval(text, {name: getattr(pyodk, name) for name in names}) == page


def test_eq_and_ne():
    a = pyodk.Snapshot.from_json(SNAPSHOT_JSON)
    b = pyodk.Snapshot.from_json(SNAPSHOT_JSON)
    assert a == b and a.__ne__(b) is False
    b.creation_user.login = "someone.else"  # a nested difference counts
    assert a != b and a.__eq__(b) is False
    assert pyodk.BaseResource(id=1) != pyodk.UserResource(id=1)  # same fields, other type
    assert pyodk.BaseResource(id=1) != {"id": 1}
    assert pyodk.Link(href="h") == pyodk.Link(href="h", rel=None)
    assert pyodk.Link(href="h") != pyodk.Link(href="h", rel="self")


def test_configuration_does_not_change_equality():
    config = Configuration()
    assert pyodk.Link(href="h", _configuration=config) == pyodk.Link(href="h")


def test_copy_is_shallow_and_deepcopy_is_deep():
    ticket = _ticket()
    shallow = copy.copy(ticket)
    deep = copy.deepcopy(ticket)
    assert shallow == ticket == deep
    assert shallow.status is ticket.status
    assert deep.status is not ticket.status


def test_property_setters_type_check_user_values():
    snapshot = pyodk.Snapshot()
    snapshot.id = 3
    snapshot.instance = pyodk.BaseResource(id=1)
    assert (snapshot.id, snapshot.instance.id) == (3, 1)
    with pytest.raises(TypeError, match="`id`"):
        snapshot.id = "3"
    with pytest.raises(TypeError, match="`instance`"):
        snapshot.instance = {"Id": 1}
    with pytest.raises(TypeError, match="`creation_date`"):
        pyodk.Snapshot(creation_date="2026-01-01")
    assert snapshot.id == 3


def test_ticket_helpers_follow_end_date_and_status():
    running = _ticket()
    assert not running.is_finished and not running.succeeded and not running.failed
    done = pyodk.Ticket.from_json({**TICKET_JSON, "EndDate": "2026-11-02T10:20:00Z",
                                   "Status": {"Id": 136}})  # fmt: skip
    assert done.is_finished and done.succeeded and not done.failed
    failed = pyodk.Ticket.from_json({**TICKET_JSON, "EndDate": "2026-11-02T10:20:00Z",
                                     "Status": {"Id": 137}})  # fmt: skip
    assert failed.is_finished and failed.failed and not failed.succeeded


def test_no_configuration_is_built_while_decoding_a_page(stub, api_client, monkeypatch):
    stub.answer({"Items": [SNAPSHOT_JSON] * 100, "Meta": {"Total": 100}})
    calls = []
    original = Configuration.__init__

    def counting_init(self, *args, **kwargs):
        calls.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Configuration, "__init__", counting_init)
    assert Configuration() is not None and calls == [1]  # the counter works
    calls.clear()

    page = pyodk.OCISnapshotsApi(api_client).snapshots_get()
    assert len(page.items) == 100 and page.items[99].creation_user.login == "jan.kowalski"
    for _ in range(100):
        pyodk.CreateUpdateSnapshotCommand(name="n")
        pyodk.Snapshot(id=1)
    assert calls == []


def test_decoders_are_built_once_per_class():
    assert pyodk.Snapshot._from_json is pyodk.Snapshot._from_json
    first = pyodk.models.base.decoder_for("list[Snapshot]")
    assert pyodk.models.base.decoder_for("list[Snapshot]") is first
    assert pyodk.models.base.decoder_for("Snapshot") is pyodk.models.base.decoder_for("Snapshot")
    assert pyodk.Snapshot.__init__.__code__.co_filename.startswith("<pyodk generated")


def test_constructor_takes_positional_arguments_in_contract_order():
    # The contract lists Link's Rel before Href, and Resource's Links before Id.
    assert list(DEFINITIONS["Link"]["properties"]) == ["Rel", "Href"]
    assert pyodk.Link("r", "h") == pyodk.Link(href="h", rel="r")
    command = pyodk.CreateUpdateSnapshotCommand("n", "d")
    assert (command.name, command.description) == ("n", "d")
    assert pyodk.Resource([pyodk.Link("r", "h")], 4).links[0].href == "h"


def test_models_pickle():
    import pickle

    ticket = _ticket()
    assert pickle.loads(pickle.dumps(ticket)) == ticket


# -- property-based round trip -------------------------------------------------------------------

_ZONES = st.sampled_from([None, timezone.utc, timezone(timedelta(hours=1)),
                          timezone(-timedelta(hours=5, minutes=30))])  # fmt: skip


def _wire_strategy(type_name: str, depth: int = 0) -> st.SearchStrategy[Any]:
    """JSON values for a swagger type string, None included (every property may be absent)."""
    if type_name.startswith("list["):
        item = _wire_strategy(type_name[5:-1], depth + 1)
        return st.none() | st.lists(item, max_size=3)
    simple = {
        "int": st.integers(-(2**31), 2**31 - 1),
        "str": st.text(max_size=20),
        "bool": st.booleans(),
        "datetime": st.datetimes(timezones=_ZONES).map(lambda d: d.isoformat()),
    }
    if type_name in simple:
        return st.none() | simple[type_name]
    model = getattr(pyodk.models, type_name)
    if depth > 3:
        return st.none()
    fields = {
        model.attribute_map[attr]: _wire_strategy(kind, depth + 1)
        for attr, kind in model.swagger_types.items()
    }
    return st.none() | st.fixed_dictionaries({}, optional=fields)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_from_json_of_to_json_is_the_same_model(name: str):
    model = getattr(pyodk.models, name)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_wire_strategy(name).filter(lambda wire: wire is not None))
    def round_trip(wire: dict[str, Any]) -> None:
        decoded = model.from_json(wire)
        again = model.from_json(json.loads(json.dumps(decoded.to_json())))
        assert again == decoded
        assert again.to_dict() == decoded.to_dict()

    round_trip()
