"""Every definition of the contract is a pyodk model as swagger-codegen 2.4 would name and shape it.

Names, ``swagger_types``, ``attribute_map``, constructor defaults and validations come from the
contract through contract_reference; a Hypothesis round trip runs over every model. Each test
checks every model in one loop (contract_harness.assert_each) and names each that fails.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import re
from collections.abc import Callable
from datetime import timedelta, timezone
from functools import cache
from typing import Any

import pytest
from contract_harness import assert_each, constructor_arguments, to_pyodk
from contract_reference import (
    CONTRACT,
    RULE_KINDS,
    ModelSpec,
    Prop,
    Values,
    as_dict,
    decoded,
    edge_values,
    wire,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pyodk
import pyodk.models

MODELS = list(CONTRACT.models.values())

# Models built from generated values skip client-side validation: the round trip is about the wire
# format. Few examples by default, to stay quick; PYODK_PROPERTY_EXAMPLES=500 searches deeper.
NO_VALIDATION = pyodk.Configuration()
NO_VALIDATION.client_side_validation = False
ROUND_TRIP_SETTINGS = settings(
    max_examples=int(os.environ.get("PYODK_PROPERTY_EXAMPLES", "5")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def model_class(spec: ModelSpec) -> Any:
    return getattr(pyodk.models, spec.name)


# -- names and shapes --------------------------------------------------------------------------


def test_models_are_named_from_their_definitions():
    assert CONTRACT.models["ModelImport"].definition == "Import"
    assert CONTRACT.models["ModelImport"].module == "pyodk.models.model_import"
    event = {p.key: p.attr for p in CONTRACT.models["InstanceEvent"].props}
    assert event["Date"] == "_date"


def test_models_are_importable_by_their_names():
    def check(spec: ModelSpec) -> None:
        cls = getattr(importlib.import_module(spec.module), spec.name)
        assert getattr(pyodk.models, spec.name) is cls
        assert getattr(pyodk, spec.name) is cls

    assert_each(MODELS, check)


def test_swagger_types_and_attribute_map_follow_the_contract():
    def check(spec: ModelSpec) -> None:
        cls = model_class(spec)
        assert list(cls.swagger_types.items()) == [(p.attr, p.type) for p in spec.props]
        assert list(cls.attribute_map.items()) == [(p.attr, p.key) for p in spec.props]

    assert_each(MODELS, check)


def test_constructor_defaults_are_the_contracts_defaults():
    def check(spec: ModelSpec) -> None:
        cls = model_class(spec)
        parameters = inspect.signature(cls).parameters
        assert {p.attr: parameters[p.attr].default for p in spec.props} == {
            p.attr: p.default for p in spec.props
        }
        assert "_configuration" in parameters
        built = cls(_configuration=NO_VALIDATION)
        assert built.to_dict() == {p.attr: p.default for p in spec.props}

    assert_each(MODELS, check)


X_DEFAULTS = [(spec, prop) for spec in MODELS for prop in spec.props if prop.has_x_default]


def test_the_contract_has_eleven_x_defaults_that_break_their_rules():
    assert len(X_DEFAULTS) == 11
    assert all(prop.broken_by(prop.x_default) for _, prop in X_DEFAULTS)


def test_x_default_is_not_a_constructor_default():
    def check(case: tuple[ModelSpec, Prop]) -> None:
        spec, prop = case
        cls = model_class(spec)
        assert inspect.signature(cls).parameters[prop.attr].default is None
        arguments = constructor_arguments(Values().model(spec.name))
        with pytest.raises(pyodk.ApiValueError) as info:
            cls(**{**arguments, prop.attr: prop.x_default})
        assert prop.attr in str(info.value)

    assert_each(X_DEFAULTS, check)


# -- to_dict, to_json, from_json ---------------------------------------------------------------


def test_model_with_every_property_set_converts_like_the_reference():
    def check(spec: ModelSpec) -> None:
        value = Values().model(spec.name)
        model = to_pyodk(value)

        assert model.to_dict() == as_dict(value)
        assert model.to_json() == wire(value)
        again = model_class(spec).from_json(json.loads(json.dumps(model.to_json())))
        assert again.to_dict() == decoded(wire(value), spec.name)
        assert again == model

    assert_each(MODELS, check)


# -- validations -------------------------------------------------------------------------------

CONSTRAINED = [(spec, prop) for spec in MODELS for prop in spec.constrained]


def _shown(value: Any) -> str:
    return repr(value) if not isinstance(value, str) or len(value) < 20 else f"str*{len(value)}"


def validation_problem(prop: Prop, value: Any, how: str, build: Callable[[Any], Any]) -> str | None:
    """Why setting ``value`` by ``build`` did not end as the reference says, or None."""
    try:
        model = build(value)
    except pyodk.ApiValueError as error:
        if not prop.broken_by(value):
            return f"{how} refused valid {_shown(value)}: {error}"
        if prop.attr not in str(error) or not isinstance(error, ValueError):
            return f"{how} refused {_shown(value)} without naming {prop.attr}: {error}"
        return None
    except Exception as error:
        return f"{how} raised {error!r} for {_shown(value)}"
    if prop.broken_by(value):
        return f"{how} accepted {_shown(value)}, which breaks {prop.broken_by(value)}"
    if getattr(model, prop.attr) != to_pyodk(value):
        return f"{how} kept {getattr(model, prop.attr)!r}, not {_shown(value)}"
    return None


def test_user_set_values_are_checked_against_the_rules():
    """At and past each edge of a rule, through the setter and the constructor: refused with
    ApiValueError naming the field exactly when the reference finds a rule broken."""

    def check(case: tuple[ModelSpec, Prop]) -> None:
        spec, prop = case
        cls = model_class(spec)
        valid = Values().model(spec.name)

        # Values as a user passes them: models (a list's items too) built with their constructor.
        def set_on_a_valid_model(value: Any) -> Any:
            model = to_pyodk(valid)
            setattr(model, prop.attr, to_pyodk(value))
            return model

        def construct(value: Any) -> Any:
            return cls(**{**constructor_arguments(valid), prop.attr: to_pyodk(value)})

        problems = [
            problem
            for value in edge_values(prop)
            for how, build in (("setter", set_on_a_valid_model), ("constructor", construct))
            if (problem := validation_problem(prop, value, how, build))
        ]
        assert not problems, "; ".join(problems)

    assert_each(CONSTRAINED, check)


def test_every_kind_of_rule_has_values_on_both_sides():
    edges = [(spec, prop, value) for spec, prop in CONSTRAINED for value in edge_values(prop)]
    refused = {rule for _, prop, value in edges for rule in prop.broken_by(value)}
    assert refused == RULE_KINDS
    accepted = {(spec.name, prop.key) for spec, prop, value in edges if not prop.broken_by(value)}
    assert accepted == {(spec.name, prop.key) for spec, prop in CONSTRAINED}


def test_every_pattern_compiles_and_rev_dns_behaves():
    patterns = {p.rules.pattern for s in MODELS for p in s.props if p.rules.pattern}
    patterns |= {
        p.rules.pattern for op in CONTRACT.operations for p in op.params if p.rules.pattern
    }
    for pattern in patterns:
        re.compile(pattern)
    command = pyodk.models.UpdateIpCommand(rev_dns="host-1.example")
    assert command.rev_dns == "host-1.example"
    with pytest.raises(pyodk.ApiValueError, match="rev_dns"):
        command.rev_dns = "a!"


# -- round trip --------------------------------------------------------------------------------

_OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


def value_strategy(type_name: str) -> st.SearchStrategy[Any]:
    """Values of a swagger type string, as a user (or a decoder) puts them in a model."""
    if type_name.startswith("list["):
        return st.lists(st.none() | value_strategy(type_name[5:-1]), max_size=3)
    if CONTRACT.is_model(type_name):
        return st.deferred(lambda: model_strategy(type_name))
    return {
        "int": st.integers(-(2**31), 2**31 - 1),
        "float": st.floats(allow_nan=False, allow_infinity=False),
        "str": st.text(),
        "bool": st.booleans(),
        # Aware only: a naive datetime goes out without an offset and comes back in the assumed
        # timezone (pyodk's documented Configuration.assumed_timezone), so it cannot round-trip.
        "datetime": st.datetimes(timezones=_OFFSETS),
    }[type_name]


@cache
def model_strategy(name: str) -> st.SearchStrategy[Any]:
    """Built once per model: nested models share it, and Hypothesis analyses it once."""
    spec = CONTRACT.models[name]
    fields = {p.attr: st.none() | value_strategy(p.type) for p in spec.props}
    return st.builds(model_class(spec), **fields, _configuration=st.just(NO_VALIDATION))


def test_every_model_survives_a_json_round_trip():
    def check(spec: ModelSpec) -> None:
        @ROUND_TRIP_SETTINGS
        @given(model_strategy(spec.name))
        def round_trip(model: Any) -> None:
            text = json.dumps(model.to_json())
            assert model_class(spec).from_json(json.loads(text)) == model

        round_trip()

    assert_each(MODELS, check)
