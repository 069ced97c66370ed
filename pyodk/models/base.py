"""The model machinery, written once.

A model declares each field once, as an annotated class attribute::

    class Link(Model):
        href: str | None = field("Href", "Href")
        rel: str | None = field("Rel", "Rel")

From that single declaration ``ModelMeta`` derives everything a swagger-codegen model has
(``swagger_types``, ``attribute_map``, a keyword ``__init__`` that also takes ``_configuration``,
validating properties, ``to_dict``, ``to_str``, ``__repr__``, ``__eq__``, ``__ne__``) plus two
functions the ApiClient uses: ``_from_json`` (wire dict -> model) and ``_to_json`` (model -> wire
dict).

``__init__`` and ``_from_json`` are generated as Python source and compiled once per class (as attrs
and dataclasses do), so that decoding a page of snapshots costs little more than ``json.loads``:
no Configuration per instance, no per-field dispatch, datetimes through ``datetime.fromisoformat``.

Data from the server is decoded without client-side validation (the server is the authority on its
own data); values that do not fit the declared type raise ``ModelDecodeError``. Values set by users
are type-checked and validated unless ``client_side_validation`` is off.
"""

from __future__ import annotations

import datetime as _dt
import functools
import importlib
import pprint
import re
import sys
import threading
import typing
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, TypeGuard, TypeVar

from dateutil.parser import isoparse as _dateutil_isoparse

from pyodk.configuration import Configuration
from pyodk.exceptions import ModelDecodeError

M = TypeVar("M", bound="Model")
_C = TypeVar("_C")

if TYPE_CHECKING:
    # Type checkers read the generated __init__ off the field declarations (PEP 681), so that
    # ``Snapshot(name=...)`` is checked and completed; typing.dataclass_transform is 3.11+.
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[_C], _C]:
        return lambda cls: cls  # only type checkers look at it


_PRIMITIVE_NAMES: dict[Any, str] = {
    int: "int",
    str: "str",
    bool: "bool",
    float: "float",
    _dt.datetime: "datetime",
    _dt.date: "date",
    object: "object",
    Any: "object",
}


class Field:
    """One declared model field: its JSON key, description, default and constraints.

    Only ``field()`` creates these; ``ModelMeta`` fills in ``name`` and ``type`` from the
    annotation.
    """

    __slots__ = (
        "json_key",
        "description",
        "required",
        "default",
        "min_length",
        "max_length",
        "forbidden_chars",
        "name",
        "type",
        "python_type",
    )

    def __init__(
        self,
        json_key: str,
        description: str,
        required: bool,
        default: Any,
        min_length: int | None,
        max_length: int | None,
        forbidden_chars: str | None,
    ) -> None:
        self.json_key = json_key
        self.description = description
        self.required = required
        self.default = default
        self.min_length = min_length
        self.max_length = max_length
        self.forbidden_chars = forbidden_chars
        self.name = ""
        self.type = ""
        self.python_type: Any = object

    @property
    def slot(self) -> str:
        return "_" + self.name

    def validate(self, value: Any) -> None:
        """Refuse a user-set value: a ValueError (or TypeError) naming the field and the rule."""
        name = self.name
        if value is None:
            if self.required:
                raise ValueError(f"Invalid value for `{name}`, must not be `None`")
            return
        self._check_type(value)
        if isinstance(value, str):
            if self.max_length is not None and len(value) > self.max_length:
                raise ValueError(
                    f"Invalid value for `{name}`, length must be less than or equal to "
                    f"`{self.max_length}` (got {len(value)})"
                )
            if self.min_length is not None and len(value) < self.min_length:
                raise ValueError(
                    f"Invalid value for `{name}`, length must be greater than or equal to "
                    f"`{self.min_length}`"
                )
            if self.forbidden_chars:
                bad = sorted({c for c in value if c in self.forbidden_chars})
                if bad:
                    raise ValueError(
                        f"Invalid value for `{name}`, must not contain "
                        f"{' '.join(repr(c) for c in bad)} "
                        f"(forbidden: {' '.join(self.forbidden_chars)})"
                    )

    def _check_type(self, value: Any) -> None:
        expected = self.python_type
        if expected is object:
            return
        origin = typing.get_origin(expected)
        if origin is list:
            ok = isinstance(value, list)
        elif origin is dict:
            ok = isinstance(value, dict)
        elif expected is int:
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif expected is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        else:
            ok = isinstance(value, expected)
        if not ok:
            raise TypeError(
                f"Invalid value for `{self.name}`, expected {self.type}, "
                f"got {type(value).__name__} {value!r}"
            )


def field(
    json_key: str,
    description: str = "",
    *,
    required: bool = False,
    default: Any = None,
    min_length: int | None = None,
    max_length: int | None = None,
    forbidden_chars: str | None = None,
) -> Any:
    """Declare a model field. Typed ``Any`` so that the annotation gives the property's type."""
    return Field(json_key, description, required, default, min_length, max_length, forbidden_chars)


def _validation_enabled(configuration: Configuration | None) -> bool:
    if configuration is None:
        # Models built without a Configuration follow the process-wide default, without paying
        # for building a Configuration per instance (swagger-codegen builds one for each).
        configuration = Configuration._default
        if configuration is None:
            return True
    return configuration.client_side_validation


@dataclass_transform(kw_only_default=True, field_specifiers=(field,))
class ModelMeta(type):
    """Turns a class body of ``field()`` declarations into a complete generated-style model."""

    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> ModelMeta:
        fields = [(key, value) for key, value in namespace.items() if isinstance(value, Field)]
        for key, value in fields:
            del namespace[key]
            value.name = key
        declared = tuple(namespace.get("__slots__", ()))
        namespace["__slots__"] = declared + tuple(value.slot for _, value in fields)
        cls = super().__new__(mcls, name, bases, namespace)
        if fields or name != "Model":
            _finish_model(cls, [value for _, value in fields])
        return cls


class Model(metaclass=ModelMeta):
    """Base of every pyodk model; see the module docstring for what a subclass gets."""

    __slots__ = ("_configuration",)

    swagger_types: ClassVar[dict[str, str]] = {}
    attribute_map: ClassVar[dict[str, str]] = {}
    discriminator: ClassVar[str | None] = None
    _fields: ClassVar[tuple[Field, ...]] = ()
    _field_values: ClassVar[Callable[[Any], Any]]
    _from_json: ClassVar[Callable[[Any], Any]]

    if TYPE_CHECKING:
        # The keyword every generated constructor takes; at run time it is a slot, set in __init__.
        _configuration: Configuration | None = None

    def __init__(self, _configuration: Configuration | None = None) -> None:
        self._configuration = _configuration

    @classmethod
    def from_json(cls: type[M], data: Any) -> M:
        """A model from its wire form (a dict with PascalCase keys).

        :raises ModelDecodeError: the data does not fit the model.
        """
        result: M | None = cls._from_json(data)
        if result is None:
            raise ModelDecodeError(cls.__name__, "an object", None)
        return result

    def to_json(self) -> dict[str, Any]:
        """The wire form: PascalCase keys, None fields left out, datetimes as ISO 8601 text."""
        return _model_to_json(self)

    def to_dict(self) -> dict[str, Any]:
        """The model as a dict keyed by attribute name, nested models and lists included."""
        return {f.name: _to_plain(getattr(self, f.slot)) for f in self._fields}

    def to_str(self) -> str:
        return pprint.pformat(self.to_dict())

    def __repr__(self) -> str:
        return self.to_str()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return False
        values = type(self)._field_values
        return bool(values(self) == values(other))

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]  # mutable, like generated models

    def __copy__(self: M) -> M:
        clone = object.__new__(type(self))
        for slot in ("_configuration", *(f.slot for f in self._fields)):
            setattr(clone, slot, getattr(self, slot))
        return clone


# -- building a model class -------------------------------------------------------------------


def _is_model_class(value: object) -> TypeGuard[type[Model]]:
    return isinstance(value, ModelMeta)


def _finish_model(cls: Any, own_fields: list[Field]) -> None:
    hints = typing.get_type_hints(cls)
    for f in own_fields:
        f.python_type = _strip_optional(hints[f.name])
        f.type = _type_name(f.python_type)
    fields: tuple[Field, ...] = (*cls._fields, *own_fields)
    cls._fields = fields
    cls.swagger_types = {f.name: f.type for f in fields}
    cls.attribute_map = {f.name: f.json_key for f in fields}
    for f in own_fields:
        setattr(cls, f.name, property(attrgetter(f.slot), _make_setter(f), doc=f.description))
    slots = ["_configuration", *(f.slot for f in fields)]
    getter = attrgetter(*(f.slot for f in fields)) if fields else (lambda model: ())
    cls._field_values = staticmethod(getter)
    cls.__init__ = _compile_init(cls, fields, slots)
    cls._from_json = staticmethod(_compile_from_json(cls, fields))
    _consuming_decoders[cls._from_json] = functools.partial(cls._from_json, consume=True)


def _strip_optional(hint: Any) -> Any:
    args = typing.get_args(hint)
    if type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return hint


def _type_name(hint: Any) -> str:
    """The swagger type string for a Python type: ``int``, ``datetime``, ``list[Link]``, ..."""
    if hint in _PRIMITIVE_NAMES:
        return _PRIMITIVE_NAMES[hint]
    origin = typing.get_origin(hint)
    if origin is list:
        (item,) = typing.get_args(hint)
        return f"list[{_type_name(item)}]"
    if origin is dict:
        key, value = typing.get_args(hint)
        return f"dict({_type_name(key)}, {_type_name(value)})"
    if isinstance(hint, type):
        return hint.__name__
    raise TypeError(f"pyodk models cannot declare a field of type {hint!r}")


def _make_setter(f: Field) -> Callable[[Any, Any], None]:
    slot = f.slot
    validate = f.validate

    def setter(self: Any, value: Any) -> None:
        if _validation_enabled(self._configuration):
            validate(value)
        setattr(self, slot, value)

    return setter


def _compile(source: str, namespace: dict[str, Any], cls: Any, what: str) -> Any:
    # A readable file name shows up in tracebacks and profiles instead of "<string>".
    filename = f"<pyodk generated {what} {cls.__module__}.{cls.__qualname__}>"
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - source built from field names
    return namespace[what]


def _compile_init(cls: Any, fields: tuple[Field, ...], slots: list[str]) -> Any:
    namespace: dict[str, Any] = {}
    params = ["self"]
    body = ["    self._configuration = _configuration"]
    body += [f"    self.{slot} = None" for slot in slots[1:]]
    for f in fields:
        namespace[f"_default_{f.name}"] = f.default
        params.append(f"{f.name}=_default_{f.name}")
        if f.required:
            body.append(f"    self.{f.name} = {f.name}")
        else:
            body.append(f"    if {f.name} is not None:\n        self.{f.name} = {f.name}")
    params.append("_configuration=None")
    source = f"def __init__({', '.join(params)}):\n" + "\n".join(body) + "\n"
    init = _compile(source, namespace, cls, "__init__")
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = f"{cls.__name__} - a model defined in Swagger"
    return init


#: Nested models are written into their parent's ``_from_json`` this many levels deep (a call
#: saved per nested object); deeper ones call their own class's compiled function.
_INLINE_DEPTH = 2


def _compile_from_json(cls: Any, fields: tuple[Field, ...]) -> Any:
    """Generate ``_from_json(data)``: straight-line code per class, no per-field dispatch.

    For a Snapshot it reads, in outline::

        def _from_json(data, consume=False):
            if type(data) is not _dict: ...  # None passes through, anything else is refused
            self = _new(_cls)
            self._configuration = None
            v0 = data.get('Id')
            if type(v0) is not _int and v0 is not None:
                v0 = _coerce(v0, 'int', 'Snapshot.Id')
            self._id = v0
            v0 = data.get('Instance')
            if v0 is not None:  # BaseResource, inlined
                ...
            return self

    ``type(x) is T`` is cheaper than ``x.__class__`` (CPython specialises the call), and the
    common case (a value of the declared type) is tested first.

    ``consume=True`` (see ``decoder_for``) empties the lists of models in ``data`` as it goes.
    """
    namespace: dict[str, Any] = {
        "_new": object.__new__,
        "_dict": dict,
        "_list": list,
        "_str": str,
        "_int": int,
        "_bool": bool,
        "_fromiso": _fromisoformat,
        "_iso_errors": (TypeError, ValueError),
        "_parse_datetime": parse_datetime,
        "_coerce": _coerce,
        "_bad": ModelDecodeError,
    }
    name = cls.__name__
    lines = [
        "def _from_json(data, consume=False):",
        "    if type(data) is not _dict:",
        "        if data is None:",
        "            return None",
        f"        raise _bad({name!r}, 'an object', data)",
    ]
    body = _object_lines(cls, fields, "data", "self", name, namespace, 0)
    lines += ["    " + line for line in body]
    lines.append("    return self")
    return _compile("\n".join(lines) + "\n", namespace, cls, "_from_json")


def _object_lines(
    cls: Any,
    fields: tuple[Field, ...],
    source: str,
    target: str,
    path: str,
    namespace: dict[str, Any],
    depth: int,
) -> list[str]:
    """Lines that build ``target``, a ``cls``, from ``source`` (known to be a dict); unindented."""
    class_name = _bind(namespace, f"_{cls.__name__}", cls)
    value = f"v{depth}"
    lines = [f"{target} = _new({class_name})", f"{target}._configuration = None"]
    for f in fields:
        lines.append(f"{value} = {source}.get({f.json_key!r})")
        lines += _decode_lines(f, value, f"{path}.{f.json_key}", namespace, depth)
        lines.append(f"{target}.{f.slot} = {value}")
    return lines


def _decode_lines(
    f: Field, value: str, path: str, namespace: dict[str, Any], depth: int
) -> list[str]:
    """Lines that turn the wire value in ``value`` into the field's value."""
    type_name = f.type
    if type_name in ("str", "int", "bool"):
        return [
            f"if type({value}) is not _{type_name} and {value} is not None:",
            f"    {value} = _coerce({value}, {type_name!r}, {path!r})",
        ]
    if type_name == "datetime":
        # fromisoformat raises TypeError for a non-string and ValueError for text it does not
        # take; parse_datetime then tries harder (Python 3.10) or raises ModelDecodeError.
        return [
            f"if {value} is not None:",
            "    try:",
            f"        {value} = _fromiso({value})",
            "    except _iso_errors:",
            f"        {value} = _parse_datetime({value}, {path!r})",
        ]
    # Nested models come from the annotation's class (pyodk.models is still being imported while
    # these classes are built), inlined or through their own compiled function.
    model = f.python_type
    if _is_model_class(model):
        if depth + 1 >= _INLINE_DEPTH:
            decoder = _bind(namespace, f"_decode_{model.__name__}", model._from_json)
            return [f"{value} = {decoder}({value}, consume)"]  # model decoders pass None through
        nested = f"o{depth + 1}"
        body = _object_lines(model, model._fields, value, nested, path, namespace, depth + 1)
        return [
            f"if {value} is not None:",
            f"    if type({value}) is not _dict:",
            f"        raise _bad({path!r}, 'an object', {value})",
            *("    " + line for line in body),
            f"    {value} = {nested}",
        ]
    (item_type,) = typing.get_args(model) or (None,)
    if typing.get_origin(model) is list and _is_model_class(item_type):
        decoder = _bind(namespace, f"_decode_{item_type.__name__}", item_type._from_json)
        return [
            f"if {value} is not None:",
            f"    if type({value}) is not _list:",
            f"        raise _bad({path!r}, 'a list', {value})",
            "    if consume:",
            # Popped, each item's dicts are freed once its model is built (see decoder_for).
            f"        {value}.reverse()",
            f"        items{depth} = []",
            f"        while {value}:",
            f"            items{depth}.append({decoder}({value}.pop(), True))",
            f"        {value} = items{depth}",
            "    else:",
            f"        {value} = [{decoder}(i) for i in {value}]",
        ]
    decoder = _bind(namespace, f"_decode_{f.name}", decoder_for(type_name))
    return [f"if {value} is not None:", f"    {value} = {decoder}({value})"]


def _bind(namespace: dict[str, Any], name: str, value: Any) -> str:
    """Put ``value`` in a generated function's namespace under ``name`` (made unique); the name."""
    unique = name
    while namespace.setdefault(unique, value) is not value:
        unique = f"{name}_{len(namespace)}"
    return unique


# -- datetimes and primitive coercion -----------------------------------------------------------

# Python 3.10's fromisoformat takes neither "Z" nor 7 fractional digits, both common from ASP.NET.
_ISO_DATETIME = re.compile(
    r"(\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$", re.ASCII
)


def _fromisoformat_rewritten(text: str) -> _dt.datetime:
    """What 3.11's ``datetime.fromisoformat`` makes of ASP.NET's datetimes, on any Python.

    Python 3.10 decodes with it first: rewriting first is cheaper than failing first (an exception
    per datetime). ASP.NET's usual shape, seconds then 7 fractional digits at [19:27] then ``Z``, an
    offset or nothing, is cut to 6 digits by slicing (0.5 µs on 3.10); other forms go through a
    regular expression (1.6 µs). Anything else raises ValueError, and the generated decoders hand
    it to ``parse_datetime``.
    """
    if len(text) > 26 and text[19] == "." and text[26].isdigit():
        tail = text[27:]
        try:
            return _dt.datetime.fromisoformat(text[:26] + ("+00:00" if tail == "Z" else tail))
        except ValueError:
            pass  # 8 or more digits, or not the usual shape after all
    match = _ISO_DATETIME.match(text)
    if match is None:
        raise ValueError(f"not an ISO 8601 datetime: {text!r}")
    base, fraction, offset = match.groups()
    normal = base + ("." + (fraction + "000000")[:6] if fraction else "")
    if offset:
        normal += "+00:00" if offset == "Z" else offset
    return _dt.datetime.fromisoformat(normal)


#: The generated decoders' first try at a datetime string.
_fromisoformat = (
    _dt.datetime.fromisoformat if sys.version_info >= (3, 11) else _fromisoformat_rewritten
)


def parse_datetime(text: str, path: str = "datetime") -> _dt.datetime:
    """Parse the ISO 8601 forms the API sends; fromisoformat first, python-dateutil last."""
    try:
        return _dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        pass
    if not isinstance(text, str):
        raise ModelDecodeError(path, "an ISO 8601 datetime string", text)
    try:
        return _fromisoformat_rewritten(text.strip())
    except ValueError:
        pass
    try:
        return _dateutil_isoparse(text)
    except (ValueError, OverflowError) as exc:
        raise ModelDecodeError(path, "an ISO 8601 datetime string", text) from exc


def _coerce(value: Any, type_name: str, path: str) -> Any:
    """The slow path of primitive decoding: accept harmless variants, refuse what does not fit."""
    if type_name == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
        raise ModelDecodeError(path, "an integer", value)
    if type_name == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise ModelDecodeError(path, "a number", value)
    if type_name == "str":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, str):
            return str(value)
        raise ModelDecodeError(path, "a string", value)
    if type_name == "bool":
        if isinstance(value, bool):
            return bool(value)
        raise ModelDecodeError(path, "a boolean", value)
    raise AssertionError(type_name)


def _parse_date(value: Any, path: str = "date") -> _dt.date:
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise ModelDecodeError(path, "an ISO 8601 date string", value)


# -- decoders by type string -------------------------------------------------------------------

_decoders: dict[str, Callable[[Any], Any]] = {}
#: Each generated ``_from_json`` -> the same with ``consume=True``, filled as models are made.
_consuming_decoders: dict[Callable[..., Any], Callable[[Any], Any]] = {}
_decoders_lock = threading.Lock()
_LIST_TYPE = re.compile(r"list\[(.*)\]$")
_DICT_TYPE = re.compile(r"dict\(([^,]*), (.*)\)$")


def decoder_for(type_name: str, consume: bool = False) -> Callable[[Any], Any]:
    """The function that decodes a JSON value of a swagger type string (``'list[Snapshot]'``, ...).

    Built once per type string and cached. Model names are looked up in ``pyodk.models``, so a model
    class that another module puts there is decoded too, if it is built the generated way.

    ``consume=True`` is for data that nobody else holds, such as the ApiClient's freshly parsed
    answer: the decoder then empties each list of models as it decodes it, so that every item's
    dicts are freed as soon as its model is built. Memory then peaks lower, and CPython's garbage
    collector, whose count of container objects would otherwise double while a page is decoded,
    runs about half as often (bench/: a 1000-snapshot page went from about 1.85x to 1.55x the
    CPU time of raw urllib3 + json.loads, and peaks no higher in memory).
    """
    decoder = _decoders.get(type_name)
    if decoder is None:
        decoder = _build_decoder(type_name)
        with _decoders_lock:
            _decoders[type_name] = decoder
    if consume:
        return _consuming_decoders.get(decoder, decoder)
    return decoder


def _build_decoder(type_name: str) -> Callable[[Any], Any]:
    list_match = _LIST_TYPE.match(type_name)
    if list_match:
        item = decoder_for(list_match.group(1))

        def decode_list(value: Any) -> Any:
            if value is None:
                return None
            if not isinstance(value, list):
                raise ModelDecodeError(type_name, "a list", value)
            return [None if i is None else item(i) for i in value]

        return decode_list
    dict_match = _DICT_TYPE.match(type_name)
    if dict_match:
        entry = decoder_for(dict_match.group(2))

        def decode_dict(value: Any) -> Any:
            if value is None:
                return None
            if not isinstance(value, dict):
                raise ModelDecodeError(type_name, "an object", value)
            return {k: None if v is None else entry(v) for k, v in value.items()}

        return decode_dict
    if type_name in ("int", "str", "bool", "float"):
        exact = {"int": int, "str": str, "bool": bool, "float": float}[type_name]

        def decode_primitive(value: Any) -> Any:
            if value is None or value.__class__ is exact:
                return value
            return _coerce(value, type_name, type_name)

        return decode_primitive
    if type_name == "datetime":
        return lambda value: None if value is None else parse_datetime(value)
    if type_name == "date":
        return lambda value: None if value is None else _parse_date(value)
    if type_name == "object":
        return lambda value: value
    return _model_decoder(type_name)


def _model_decoder(type_name: str) -> Callable[[Any], Any]:
    models = importlib.import_module("pyodk.models")
    klass = getattr(models, type_name, None)
    if klass is None or not hasattr(klass, "swagger_types"):
        raise TypeError(f"unknown response type {type_name!r}: no such model in pyodk.models")
    if _is_model_class(klass):
        return klass._from_json
    return _generated_class_decoder(klass)


def _generated_class_decoder(klass: Any) -> Callable[[Any], Any]:
    """Decode into a class written the swagger-codegen way: keyword constructor per attribute."""
    plan = [
        (attr, klass.attribute_map[attr], type_name)
        for attr, type_name in klass.swagger_types.items()
    ]

    def decode_generated(value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ModelDecodeError(klass.__name__, "an object", value)
        kwargs = {}
        for attr, key, type_name in plan:
            item = value.get(key)
            if item is not None:
                kwargs[attr] = decoder_for(type_name)(item)
        try:
            return klass(**kwargs)
        except (TypeError, ValueError) as exc:
            raise ModelDecodeError(klass.__name__, f"a valid {klass.__name__}", value) from exc

    return decode_generated


# -- encoding ----------------------------------------------------------------------------------


def to_wire(value: Any) -> Any:
    """A value ready for ``json.dumps``: models by JSON key (None left out), datetimes as ISO text.

    Works for pyodk models and for any class built the generated way (``swagger_types`` and
    ``attribute_map``).
    """
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Model):
        return _model_to_json(value)
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]
    if isinstance(value, (_dt.datetime, _dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: to_wire(v) for k, v in value.items()}
    if hasattr(value, "swagger_types") and hasattr(value, "attribute_map"):
        out = {}
        for attr in value.swagger_types:
            item = getattr(value, attr)
            if item is not None:
                out[value.attribute_map[attr]] = to_wire(item)
        return out
    raise TypeError(f"cannot serialize {type(value).__name__} {value!r} to JSON")


def _model_to_json(model: Model) -> dict[str, Any]:
    out = {}
    for f in model._fields:
        value = getattr(model, f.slot)
        if value is not None:
            out[f.json_key] = to_wire(value)
    return out


def _to_plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_plain(v) for k, v in value.items()}
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value
