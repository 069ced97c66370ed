"""A reference client, written from api/oktawave.swagger.json and swagger-codegen 2.4's rules alone.

The contract tests (test_contract_*.py) compare pyodk with this module: what a swagger-codegen 2.4
Python client generated from the same document would call its classes, methods, parameters and
attributes; what it would send for given arguments; what it would decode an answer into. It is a
second, independent implementation of those rules, so it imports nothing from pyodk: a mistake in
pyodk's generator cannot be copied into the expectations.

The rules it implements:

- ``underscore``: swagger-codegen's camel-to-snake rule for module, parameter and attribute names;
  an API class is its tag without spaces plus ``Api``; ``x-python-name`` overrides a model's or a
  property's name.
- Types: integer -> int, number -> float, boolean -> bool, string -> str (date-time -> datetime,
  date -> date), array -> list[X], a reference -> the model's name; a response of ``Object`` (a
  definition without properties) or ``type: object`` is the parsed JSON.
- Request: ``{name}`` in the path replaced by ``quote(str(value), safe='')``; one query pair per
  parameter that is not None, in the operation's order, its value sanitized (datetime ->
  isoformat(), bool -> ``True``/``False``, int -> text), ``multi`` arrays one pair per item, other
  collection formats joined; the body is sanitize_for_serialization of the model (JSON keys,
  None left out, nested models alike, datetimes as isoformat()).
- Decoding (``__deserialize``): a model is built from the keys present in the answer, so an absent
  key leaves the constructor's default; datetimes go through dateutil's ``parse`` (one without an
  offset stays naive; ``decoded(naive_as=...)`` applies pyodk's documented assumed timezone
  instead); no validation.

Values are built from each schema (type, format, lengths, pattern, range, enum) by ``Values``,
deterministically, so that every run sends and serves the same data.
"""

from __future__ import annotations

import itertools
import json
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from dateutil.parser import parse as dateutil_parse

CONTRACT_FILE = Path(__file__).resolve().parent.parent / "api" / "oktawave.swagger.json"

_ORDER_VALUES = re.compile(r"Acceptable order values are:\s*(.+?)\.?\s*$")


def underscore(word: str) -> str:
    """swagger-codegen's ``underscore``: ``OCISnapshotsApi`` -> ``oci_snapshots_api``."""
    word = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", word)
    word = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", word)
    return word.replace("-", "_").replace(" ", "_").lower()


# -- the contract as specs --------------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """The validations a schema declares; ``broken_by`` is the reference check of a value."""

    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    enum: tuple[Any, ...] = ()

    @classmethod
    def of(cls, schema: dict[str, Any]) -> Rules:
        return cls(
            schema.get("minLength"),
            schema.get("maxLength"),
            schema.get("pattern"),
            schema.get("minimum"),
            schema.get("maximum"),
            tuple(schema.get("enum", ())),
        )

    def __bool__(self) -> bool:
        return self != Rules()

    def broken_by(self, value: Any) -> tuple[str, ...]:
        """The rules ``value`` breaks (``"maxLength"``, ...); empty if it keeps them all."""
        if value is None:
            return ()
        broken = []
        if self.enum and value not in self.enum:
            broken.append("enum")
        if isinstance(value, str):
            if self.max_length is not None and len(value) > self.max_length:
                broken.append("maxLength")
            if self.min_length is not None and len(value) < self.min_length:
                broken.append("minLength")
            if self.pattern is not None and not re.search(self.pattern, value):
                broken.append("pattern")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if self.maximum is not None and value > self.maximum:
                broken.append("maximum")
            if self.minimum is not None and value < self.minimum:
                broken.append("minimum")
        return tuple(broken)


#: The rule names ``broken_by`` gives.
RULE_KINDS = frozenset(
    {"maxLength", "minLength", "pattern", "minimum", "maximum", "enum", "required"}
)

_NO_DEFAULT = object()


@dataclass(frozen=True)
class Prop:
    """One property of a model: JSON key, Python attribute, swagger type string and rules."""

    key: str
    attr: str
    type: str
    rules: Rules
    required: bool
    format: str | None = None
    #: The constructor's default: the contract's ``default``; never its ``x-default``.
    default: Any = None
    #: ``x-default``: a default the live service documents but that breaks the property's rules.
    x_default: Any = _NO_DEFAULT

    @property
    def has_x_default(self) -> bool:
        return self.x_default is not _NO_DEFAULT

    def broken_by(self, value: Any) -> tuple[str, ...]:
        """The rules a user-set ``value`` breaks, ``required`` included; empty if none."""
        if value is None and self.required:
            return ("required",)
        return self.rules.broken_by(value)


@dataclass(frozen=True)
class ModelSpec:
    definition: str
    name: str
    module: str
    props: tuple[Prop, ...]

    @property
    def free_form(self) -> bool:
        """No properties (``Object``): such a type decodes to the parsed JSON."""
        return not self.props

    @property
    def constrained(self) -> tuple[Prop, ...]:
        return tuple(p for p in self.props if p.rules or p.required)


@dataclass(frozen=True)
class ParamSpec:
    wire: str
    name: str
    location: str  # path, query or body
    type: str
    required: bool
    rules: Rules
    format: str | None = None
    collection_format: str | None = None


@dataclass(frozen=True)
class OperationSpec:
    id: str
    tag: str
    api_class: str
    api_module: str
    method: str
    path: str
    params: tuple[ParamSpec, ...]
    #: A model name, ``object`` (parsed JSON), ``str``, or None (no 200 schema: returns None).
    response_type: str | None
    produces: tuple[str, ...]
    #: The values its description lists for ``orderBy``, or None where it lists none.
    order_values: tuple[str, ...] | None

    @property
    def required_params(self) -> tuple[ParamSpec, ...]:
        return tuple(p for p in self.params if p.required)

    @property
    def optional_params(self) -> tuple[ParamSpec, ...]:
        return tuple(p for p in self.params if not p.required)

    def param(self, wire: str) -> ParamSpec | None:
        return next((p for p in self.params if p.wire == wire), None)


class Contract:
    """The operations and models of a Swagger 2.0 document, as swagger-codegen 2.4 names them."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        definitions = document["definitions"]
        self._names = {
            name: schema.get("x-python-name", name) for name, schema in definitions.items()
        }
        self.models: dict[str, ModelSpec] = {}
        for definition, schema in definitions.items():
            spec = self._model(definition, schema)
            self.models[spec.name] = spec
        self.operations: list[OperationSpec] = [
            self._operation(path, method, operation)
            for path, methods in document["paths"].items()
            for method, operation in methods.items()
        ]
        self.operations_by_id = {op.id: op for op in self.operations}

    @property
    def base_path(self) -> str:
        return str(self.document.get("basePath", ""))

    @cached_property
    def api_classes(self) -> dict[str, str]:
        """Tag -> API class name."""
        return {op.tag: op.api_class for op in self.operations}

    def type_of(self, schema: dict[str, Any]) -> str:
        """The swagger type string of a schema, as generated code writes it."""
        if "$ref" in schema:
            return self._names[schema["$ref"].rsplit("/", 1)[-1]]
        kind = schema.get("type")
        if kind == "array":
            return f"list[{self.type_of(schema['items'])}]"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "string":
            return {"date-time": "datetime", "date": "date"}.get(schema.get("format", ""), "str")
        if kind == "object":
            extra = schema.get("additionalProperties")
            return f"dict(str, {self.type_of(extra)})" if extra else "object"
        raise ValueError(f"the reference does not know the schema {schema!r}")

    def is_model(self, type_name: str) -> bool:
        return type_name in self.models

    def collection_item(self, type_name: str | None) -> str | None:
        """The item type of a collection model (``Items`` list and ``Meta``), else None."""
        spec = self.models.get(type_name or "")
        if spec is None:
            return None
        props = {p.key: p for p in spec.props}
        items = props.get("Items")
        if items is None or "Meta" not in props or not items.type.startswith("list["):
            return None
        return items.type[5:-1]

    def _model(self, definition: str, schema: dict[str, Any]) -> ModelSpec:
        name = self._names[definition]
        required = set(schema.get("required", ()))
        props = []
        for key, prop in schema.get("properties", {}).items():
            attr = prop.get("x-python-name", underscore(key))
            _check_identifier(attr, f"{definition}.{key}")
            props.append(
                Prop(
                    key,
                    attr,
                    self.type_of(prop),
                    Rules.of(prop),
                    key in required,
                    prop.get("format"),
                    prop.get("default"),
                    prop.get("x-default", _NO_DEFAULT),
                )
            )
        return ModelSpec(definition, name, f"pyodk.models.{underscore(name)}", tuple(props))

    def _operation(self, path: str, method: str, operation: dict[str, Any]) -> OperationSpec:
        params = []
        for param in operation.get("parameters", ()):
            schema = param.get("schema", param)
            name = underscore(param["name"])
            _check_identifier(name, f"{operation['operationId']}({param['name']})")
            params.append(
                ParamSpec(
                    param["name"],
                    name,
                    param["in"],
                    self.type_of(schema),
                    bool(param.get("required")),
                    Rules.of(schema),
                    schema.get("format"),
                    param.get("collectionFormat", "csv") if schema.get("type") == "array" else None,
                )
            )
        tag = operation["tags"][0]
        api_class = tag.replace(" ", "") + "Api"
        found = _ORDER_VALUES.search(operation.get("description", ""))
        order_values = tuple(v.strip() for v in found[1].split(",")) if found else None
        return OperationSpec(
            operation["operationId"],
            tag,
            api_class,
            f"pyodk.api.{underscore(api_class)}",
            method.upper(),
            path,
            tuple(params),
            self._response_type(operation),
            tuple(operation.get("produces", ())),
            order_values,
        )

    def _response_type(self, operation: dict[str, Any]) -> str | None:
        schema = operation.get("responses", {}).get("200", {}).get("schema")
        if schema is None:
            return None
        type_name = self.type_of(schema)
        if self.is_model(type_name) and self.models[type_name].free_form:
            return "object"
        return type_name


def _check_identifier(name: str, where: str) -> None:
    # A keyword would need swagger-codegen's reserved-word escaping, which the contract marks
    # with x-python-name instead; a name the rule cannot give is a contract mistake.
    if not name.isidentifier() or keyword.iskeyword(name):
        raise ValueError(f"{where}: {name!r} is not a usable Python name")


def ids(specs: list[OperationSpec] | list[ModelSpec]) -> list[str]:
    """Test ids for a parametrization over operations or models."""
    return [spec.id if isinstance(spec, OperationSpec) else spec.name for spec in specs]


def load_contract(path: Path = CONTRACT_FILE) -> Contract:
    return Contract(json.loads(path.read_text(encoding="utf-8")))


CONTRACT = load_contract()


# -- values built from schemas ----------------------------------------------------------------


@dataclass(frozen=True)
class ModelValue:
    """A model as the reference holds it: its spec and a value per JSON key that is given."""

    model: ModelSpec
    values: dict[str, Any] = field(default_factory=dict)


#: Text to try, in order, for a string schema: the first that keeps its rules is used. Varied
#: on purpose: non-ASCII and a space (quoted in paths and queries), a host name, an address, a
#: time of day and a file path cover every pattern of the contract.
_TEXTS = (
    "Zażółć gęślą {n}",
    "host-{n}.example",
    "10.0.{n}.1",
    "1{d}:30",
    "exports/disk-{n}.ovf",
)
#: Text that breaks patterns, tried in order until one breaks the pattern and nothing else.
_PATTERN_BREAKERS = ("a!", "a/b", "x<y>", "%", "25:99", "999.1.1.1", "disk.txt", "a")

PLUS_ONE = timezone(timedelta(hours=1))
#: Datetimes in the shapes ASP.NET answers with: 7 fractional digits and an offset, Z, none.
_ANSWER_DATETIMES = (
    "2026-11-02T10:15:30.1234567+01:00",
    "2026-11-03T08:00:00Z",
    "2026-11-04T23:59:59.5-05:30",
    "2026-11-05T06:07:08",
)


class Values:
    """Valid values and answers for schemas; each value differs from the one before it."""

    def __init__(self, contract: Contract = CONTRACT, list_size: int = 3) -> None:
        self.contract = contract
        self.list_size = list_size
        self._counter = itertools.count(1)

    def _next(self) -> int:
        return next(self._counter)

    # Python values, as a user passes them.

    def valid(self, type_name: str, rules: Rules = Rules(), fmt: str | None = None) -> Any:
        n = self._next()
        if type_name.startswith("list["):
            return [self.valid(type_name[5:-1]) for _ in range(self.list_size)]
        if self.contract.is_model(type_name):
            return self.model(type_name)
        if rules.enum:
            return rules.enum[n % len(rules.enum)]
        if type_name == "int":
            # int64 values beyond 32 bits prove that nothing cuts them to int32.
            low = int(rules.minimum) if rules.minimum is not None else 1
            if fmt == "int64" and rules.maximum is None:
                low = 2**33
            high = int(rules.maximum) if rules.maximum is not None else low + 100_000
            return low + (n * 7919) % (high - low + 1)
        if type_name == "float":
            return n + 0.25
        if type_name == "bool":
            return n % 2 == 0
        if type_name == "datetime":
            offset = PLUS_ONE if n % 2 else timezone.utc
            return datetime(2026, 11, 2, 10, 15, n % 60, (123456 * n) % 1_000_000, tzinfo=offset)
        if type_name == "date":
            return date(2026, 11, 1 + n % 28)
        if type_name == "str":
            return self.text(rules, n)
        if type_name == "object":
            return {"Key": n}
        raise ValueError(f"no value for type {type_name!r}")

    def text(self, rules: Rules, n: int) -> str:
        for template in _TEXTS:
            candidate = template.format(n=n % 250, d=n % 10)
            if not rules.broken_by(candidate):
                return candidate
        raise ValueError(f"no text in the reference's list keeps {rules}")

    def model(self, name: str) -> ModelValue:
        """The model with every property set to a valid value."""
        spec = self.contract.models[name]
        return ModelValue(spec, {p.key: self.valid(p.type, p.rules, p.format) for p in spec.props})

    # JSON, as the server answers.

    def answer(self, type_name: str | None) -> Any:
        """An answer for a response type: every property filled, lists of several items."""
        if type_name is None:
            return {"Message": "an answer the operation does not decode"}
        if type_name == "object":
            return {"Result": [1, "two", {"Three": None}], "Done": True}
        return self.answer_json(type_name)

    def answer_json(self, type_name: str, rules: Rules = Rules(), fmt: str | None = None) -> Any:
        if type_name.startswith("list["):
            return [self.answer_json(type_name[5:-1]) for _ in range(self.list_size)]
        if self.contract.is_model(type_name):
            spec = self.contract.models[type_name]
            return {p.key: self.answer_json(p.type, p.rules, p.format) for p in spec.props}
        if type_name == "datetime":
            return _ANSWER_DATETIMES[self._next() % len(_ANSWER_DATETIMES)]
        return wire(self.valid(type_name, rules, fmt))

    def paged_answers(
        self, type_name: str, sizes: tuple[int, ...], total: int
    ) -> Iterator[dict[str, Any]]:
        """Pages of a collection answer holding ``sizes`` items each, all telling ``total``."""
        item_type = self.contract.collection_item(type_name)
        assert item_type is not None, f"{type_name} is not a collection"
        for size in sizes:
            items = [self.answer_json(item_type) for _ in range(size)]
            yield {"Items": items, "Meta": {"Total": total}}


def resized(text: str, length: int) -> str:
    """``text`` cut or padded to ``length``: its end kept (a ``.ovf`` suffix), its first character
    repeated in front."""
    if len(text) >= length:
        return text[len(text) - length :]
    return text[:1] * (length - len(text)) + text


def edge_values(prop: Prop, values: Values | None = None) -> list[Any]:
    """A valid value, plus values at and just past each edge of the property's rules."""
    values = values or Values()
    rules = prop.rules
    sample = values.valid(prop.type, rules, prop.format)
    edges = [sample]
    if prop.required:
        edges.append(None)
    if rules.enum:
        edges += [*rules.enum, "NotInTheEnum"]
    if rules.max_length is not None:
        edges += [resized(sample, rules.max_length), resized(sample, rules.max_length + 1)]
    if rules.min_length is not None:
        edges.append(resized(sample, rules.min_length))
        if rules.min_length > 0:
            edges.append(resized(sample, rules.min_length - 1))
    if rules.pattern is not None:
        edges.append(next(t for t in _PATTERN_BREAKERS if rules.broken_by(t) == ("pattern",)))
    if rules.maximum is not None:
        edges += [rules.maximum, rules.maximum + 1]
    if rules.minimum is not None:
        edges += [rules.minimum, rules.minimum - 1]
    return edges


def breaking_values(prop: Prop, values: Values | None = None) -> list[tuple[str, Any]]:
    """(rule, value): the edge values that break exactly one rule of the property."""
    found = [(prop.broken_by(value), value) for value in edge_values(prop, values)]
    return [(broken[0], value) for broken, value in found if len(broken) == 1]


# -- what a generated client sends ------------------------------------------------------------


def wire(value: Any) -> Any:
    """swagger-codegen's sanitize_for_serialization: the JSON-ready form of a value."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, ModelValue):
        return {key: wire(v) for key, v in value.values.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [wire(v) for v in value]
    if isinstance(value, dict):
        return {k: wire(v) for k, v in value.items()}
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot sanitize {value!r}")


def query_text(value: Any) -> str:
    """A query value as urlencode writes it after sanitizing: datetimes isoformat, ``True``."""
    sanitized = wire(value)
    return sanitized if isinstance(sanitized, str) else str(sanitized)


@dataclass(frozen=True)
class ExpectedRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    #: The parsed JSON body, or None when nothing is to be sent.
    body: Any
    #: ``application/json`` where the operation produces it; None where it lists no types.
    accept: str | None


def expected_request(
    op: OperationSpec, arguments: dict[str, Any], base_path: str = ""
) -> ExpectedRequest:
    """What the generated client sends for ``arguments`` (Python name -> value)."""
    path = op.path
    query: list[tuple[str, str]] = []
    body = None
    for param in op.params:
        value = arguments.get(param.name)
        if value is None:
            continue
        if param.location == "path":
            path = path.replace(f"{{{param.wire}}}", quote(str(value), safe=""))
        elif param.location == "query":
            if param.collection_format == "multi":
                query.extend((param.wire, query_text(item)) for item in value)
            elif param.collection_format is not None:
                separator = {"ssv": " ", "tsv": "\t", "pipes": "|"}.get(
                    param.collection_format, ","
                )
                query.append((param.wire, separator.join(query_text(v) for v in value)))
            else:
                query.append((param.wire, query_text(value)))
        elif param.location == "body":
            body = wire(value)
        else:
            raise ValueError(f"{op.id}: the reference does not send {param.location} parameters")
    accept = "application/json" if "application/json" in op.produces else None
    return ExpectedRequest(op.method, urlsplit(base_path).path + path, query, body, accept)


def arguments_for(
    op: OperationSpec, optional: bool, values: Values | None = None
) -> dict[str, Any]:
    """Valid arguments (Python name -> value) for the required, and maybe the optional, ones.

    ``orderBy`` takes one of the values the operation's description lists, where it lists some.
    """
    values = values or Values()
    arguments = {}
    for n, param in enumerate(op.params):
        if not (param.required or optional):
            continue
        if param.wire == "orderBy" and op.order_values:
            arguments[param.name] = op.order_values[n % len(op.order_values)]
        else:
            arguments[param.name] = values.valid(param.type, param.rules, param.format)
    return arguments


# -- what a generated client decodes ----------------------------------------------------------


def as_dict(value: Any) -> Any:
    """``to_dict()`` of a model built from ``value`` with its keyword constructor."""
    if isinstance(value, ModelValue):
        return {
            p.attr: as_dict(value.values[p.key]) if p.key in value.values else p.default
            for p in value.model.props
        }
    if isinstance(value, list):
        return [as_dict(v) for v in value]
    return value


def decoded(
    data: Any,
    type_name: str | None,
    contract: Contract = CONTRACT,
    naive_as: tzinfo | None = None,
) -> Any:
    """What swagger-codegen's ``deserialize`` makes of parsed JSON, in ``to_dict()`` form.

    A datetime without an offset stays naive, as swagger-codegen leaves it, unless ``naive_as``
    names a zone: pyodk's documented ``Configuration.assumed_timezone`` (UTC by default; None
    is swagger-codegen's behaviour), which ``from_json`` always applies as UTC.
    """
    if type_name is None:
        return None
    if data is None:
        return None
    if type_name.startswith("list["):
        return [decoded(item, type_name[5:-1], contract, naive_as) for item in data]
    if type_name.startswith("dict("):
        inner = type_name[len("dict(str, ") : -1]
        return {k: decoded(v, inner, contract, naive_as) for k, v in data.items()}
    if type_name == "object":
        return data
    if type_name == "datetime":
        parsed = dateutil_parse(data)
        if parsed.tzinfo is None and naive_as is not None:
            return parsed.replace(tzinfo=naive_as)
        return parsed
    if type_name == "date":
        return dateutil_parse(data).date()
    if type_name in ("int", "float", "str", "bool"):
        return {"int": int, "float": float, "str": str, "bool": bool}[type_name](data)
    spec = contract.models[type_name]
    if spec.free_form:
        return data
    return {
        p.attr: decoded(data[p.key], p.type, contract, naive_as) if p.key in data else p.default
        for p in spec.props
    }
