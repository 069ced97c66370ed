"""The model machinery, written once.

A model declares each field once, as an annotated class attribute (tools/generate.py writes these
declarations from the contract)::

    class Link(Model):
        href: str | None = field("Href", "Href", default=None)
        rel: str | None = field("Rel", "Rel", default=None)

From that single declaration ``ModelMeta`` derives everything a swagger-codegen model has
(``swagger_types``, ``attribute_map``, a keyword ``__init__`` that also takes ``_configuration``,
validating properties, ``to_dict``, ``to_str``, ``__repr__``, ``__eq__``, ``__ne__``) plus two
functions the ApiClient uses: ``_from_json`` (wire dict -> model) and ``_to_json`` (model -> wire
dict).

``__init__`` is generated as Python source and compiled when the class is made; ``_from_json`` is
compiled the first time a model of the class is decoded (as attrs and dataclasses do), so that
decoding a page of snapshots costs little more than ``json.loads``: no Configuration per instance,
no per-field dispatch, datetimes through ``datetime.fromisoformat``. Their source is registered with
``linecache``, so tracebacks and debuggers show the generated lines.

Data from the server is decoded without client-side validation (the server is the authority on its
own data); values that do not fit the declared type raise ``ModelDecodeError``. Values set by users
are type-checked and validated (lengths, patterns, ranges, enums) unless ``client_side_validation``
is off, and refused with ``ApiTypeError`` or ``ApiValueError``.
"""

from __future__ import annotations

import datetime as _dt
import functools
import importlib
import inspect
import linecache
import pprint
import re
import sys
import threading
import typing
from collections.abc import Callable
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar, TypeGuard, TypeVar

from pyodk import forking, validation
from pyodk._naming import underscore
from pyodk.configuration import Configuration
from pyodk.exceptions import ApiTypeError, ApiValueError, ModelDecodeError

M = TypeVar("M", bound="Model")
_C = TypeVar("_C")

if TYPE_CHECKING:
    # Type checkers read the generated __init__ off the field declarations (PEP 681), so that
    # ``Snapshot(name=...)`` is checked and completed; typing.dataclass_transform is 3.11+.
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: Any) -> Callable[[_C], _C]:
        return lambda cls: cls  # only type checkers look at it


#: What a datetime the API sends without an offset is taken to be in, unless the Configuration's
#: ``assumed_timezone`` says otherwise (see docs/Configuration.md).
UTC = _dt.timezone.utc

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
    """One declared model field: its JSON key, description, default and the contract's rules.

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
        "pattern",
        "minimum",
        "maximum",
        "choices",
        "name",
        "slot",
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
        pattern: str | None,
        minimum: float | None,
        maximum: float | None,
        choices: tuple[str, ...],
    ) -> None:
        self.json_key = json_key
        self.description = description
        self.required = required
        self.default = default
        self.min_length = min_length
        self.max_length = max_length
        self.pattern = pattern
        self.minimum = minimum
        self.maximum = maximum
        self.choices = choices
        self.name = ""
        self.slot = ""
        self.type = ""
        self.python_type: Any = object

    def name_as(self, name: str) -> None:
        """Name the field after the attribute that declares it, and its slot after that.

        The value lives in ``_name``, as in generated models. A name that already starts with ``_``
        (``_date``) gets ``_field_date`` instead: ``__date`` in ``__slots__`` would be mangled to
        ``_InstanceEvent__date``.
        """
        self.name = name
        self.slot = f"_field{name}" if name.startswith("_") else f"_{name}"

    def validate(self, value: Any) -> None:
        """Refuse a value set by a user: ApiValueError (or ApiTypeError) naming field and rule."""
        if value is None:
            if self.required:
                raise ApiValueError(f"Invalid value for `{self.name}`, must not be `None`")
            return
        self._check_type(value)
        problem = None
        if isinstance(value, str):
            problem = validation.unicode_problem(value)
            if problem is None and self.required and value and value.isspace():
                # The service's [Required] refuses a blank text as it refuses a missing one.
                problem = "must not be blank"
            if problem is None:
                problem = validation.length_problem(value, self.min_length, self.max_length)
            if problem is None and self.pattern is not None:
                problem = validation.pattern_problem(value, self.pattern)
            if problem is None and self.choices:
                problem = validation.choice_problem(value, self.choices)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            problem = validation.range_problem(value, self.minimum, self.maximum)
        if problem:
            raise ApiValueError(f"Invalid value for `{self.name}`, {problem}")

    def _check_type(self, value: Any) -> None:
        expected = self.python_type
        origin = typing.get_origin(expected)
        if origin is list:
            if not isinstance(value, (list, tuple)):
                raise self._wrong_type(value)
            (item_type,) = typing.get_args(expected)
            for index, item in enumerate(value):
                if not _is_instance(item, item_type):
                    raise ApiTypeError(
                        f"Invalid value for `{self.name}`, item {index} must be "
                        f"{_type_name(item_type)}, got {type(item).__name__} {item!r}"
                    )
        elif not _is_instance(value, expected):
            raise self._wrong_type(value)

    def _wrong_type(self, value: Any) -> ApiTypeError:
        return ApiTypeError(
            f"Invalid value for `{self.name}`, expected {self.type}, "
            f"got {type(value).__name__} {value!r}"
        )


def _is_instance(value: Any, expected: Any) -> bool:
    """Whether ``value`` fits a field's type; an int is no bool, a float takes an int."""
    if expected is object or expected is Any:
        return True
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if typing.get_origin(expected) is dict:
        return isinstance(value, dict)
    return isinstance(value, expected)


def field(
    json_key: str,
    description: str = "",
    *,
    required: bool = False,
    default: Any = None,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    choices: tuple[str, ...] = (),
) -> Any:
    """Declare a model field. Typed ``Any`` so that the annotation gives the property's type."""
    return Field(
        json_key,
        description,
        required,
        default,
        min_length,
        max_length,
        pattern,
        minimum,
        maximum,
        choices,
    )


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
            value.name_as(key)
        declared = tuple(namespace.get("__slots__", ()))
        namespace["__slots__"] = declared + tuple(value.slot for _, value in fields)
        cls = super().__new__(mcls, name, bases, namespace)
        if name != "Model" or namespace.get("__module__") != __name__:
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
    _from_json: ClassVar[Callable[..., Any]]

    if TYPE_CHECKING:
        # The keyword every generated constructor takes; at run time it is a slot, set in __init__.
        _configuration: Configuration | None = None

    def __init__(self, _configuration: Configuration | None = None) -> None:
        self._configuration = _configuration

    @classmethod
    def from_json(cls: type[M], data: Any) -> M:
        """A model from its wire form (a dict with PascalCase keys).

        Datetimes without an offset are taken to be UTC, as ``Configuration.assumed_timezone``
        says by default.

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
        return _model_repr(self, 0)

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


# -- repr -----------------------------------------------------------------------------------------

#: A repr longer than this is written one field per line, nested models indented.
_REPR_WIDTH = 100


def _model_repr(model: Model, indent: int) -> str:
    """``Snapshot(id=5, name='x')``; over ``_REPR_WIDTH``, one field per line, as black would.

    Fields that are None are left out: a page of snapshots fetched with a ``fields`` filter would
    otherwise be mostly ``=None``.
    """
    shown = [(f.name, getattr(model, f.slot)) for f in model._fields]
    shown = [(name, value) for name, value in shown if value is not None]
    name = type(model).__name__
    flat = f"{name}({', '.join(f'{key}={_value_repr(value, -1)}' for key, value in shown)})"
    if indent < 0 or indent + len(flat) <= _REPR_WIDTH or not shown:
        return flat
    inner = " " * (indent + 4)
    lines = [f"{inner}{key}={_value_repr(value, indent + 4)}," for key, value in shown]
    return f"{name}(\n" + "\n".join(lines) + f"\n{' ' * indent})"


def _value_repr(value: Any, indent: int) -> str:
    """A field value's repr: nested models and lists of them laid out like the parent."""
    if isinstance(value, Model):
        return _model_repr(value, indent)
    if isinstance(value, list) and any(isinstance(item, Model) for item in value):
        flat = f"[{', '.join(_value_repr(item, -1) for item in value)}]"
        if indent < 0 or indent + len(flat) <= _REPR_WIDTH:
            return flat
        inner = " " * (indent + 4)
        lines = [f"{inner}{_value_repr(item, indent + 4)}," for item in value]
        return "[\n" + "\n".join(lines) + f"\n{' ' * indent}]"
    return repr(value)


# -- building a model class -------------------------------------------------------------------

#: ``__init__`` and ``_from_json`` are compiled on first use; one lock keeps two threads from doing
#: it twice (re-entrant: compiling a decoder compiles its nested models' first).
_compile_lock = threading.RLock()


def _is_model_class(value: object) -> TypeGuard[type[Model]]:
    return isinstance(value, ModelMeta)


def _finish_model(cls: Any, own_fields: list[Field]) -> None:
    namespace = vars(sys.modules[cls.__module__])
    annotations = cls.__dict__.get("__annotations__", {})
    hints: dict[str, Any] | None = None
    for f in own_fields:
        resolved = _resolve_annotation(annotations.get(f.name), namespace)
        if resolved is None:
            # Not the generated form: let typing evaluate it, whatever it is.
            hints = hints or typing.get_type_hints(cls)
            resolved = _strip_optional(hints[f.name])
        f.python_type = resolved
        f.type = _type_name(f.python_type)
    fields: tuple[Field, ...] = (*cls._fields, *own_fields)
    cls._fields = fields
    cls.swagger_types = {f.name: f.type for f in fields}
    cls.attribute_map = {f.name: f.json_key for f in fields}
    for f in own_fields:
        setattr(cls, f.name, property(attrgetter(f.slot), _make_setter(f), doc=f.description))
    getter = attrgetter(*(f.slot for f in fields)) if fields else (lambda model: ())
    cls._field_values = staticmethod(getter)
    cls.__init__ = _construct_on_first_use(cls)
    cls._from_json = staticmethod(_decode_on_first_use(cls))


#: What the generated annotations name besides models (``from __future__ import annotations``
#: leaves them as text).
_ANNOTATION_NAMES: dict[str, Any] = {
    "int": int,
    "str": str,
    "bool": bool,
    "float": float,
    "datetime": _dt.datetime,
    "date": _dt.date,
    "Any": Any,
    "object": object,
}


def _resolve_annotation(annotation: Any, namespace: dict[str, Any]) -> Any:
    """The type of a generated annotation (``str | None``, ``list[Link] | None``, ``Snapshot``).

    A small parser of the generator's few forms, because ``typing.get_type_hints`` compiles every
    annotation string anew (a third of the time it takes to load all 160 models). Returns None for
    anything else, which the caller hands to ``typing``.
    """
    if not isinstance(annotation, str):
        return None
    text = annotation.removesuffix(" | None")
    if text.startswith("list[") and text.endswith("]"):
        item = _resolve_annotation(text[5:-1], namespace)
        return None if item is None else list[item]  # type: ignore[valid-type]
    resolved = _ANNOTATION_NAMES.get(text)
    if resolved is None and text.isidentifier():
        resolved = namespace.get(text)
    return resolved if isinstance(resolved, type) or resolved is Any else None


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
    raise ApiTypeError(f"pyodk models cannot declare a field of type {hint!r}")


def _make_setter(f: Field) -> Callable[[Any, Any], None]:
    slot = f.slot
    validate = f.validate

    def setter(self: Any, value: Any) -> None:
        if _validation_enabled(self._configuration):
            validate(value)
        setattr(self, slot, value)

    return setter


def _compile(source: str, namespace: dict[str, Any], cls: Any, what: str) -> Any:
    # A readable file name shows up in tracebacks and profiles instead of "<string>", and the
    # source registered under it lets tracebacks, pdb and inspect show the generated lines.
    filename = f"<pyodk generated {what} {cls.__module__}.{cls.__qualname__}>"
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - source built from field names
    return namespace[what]


def _construct_on_first_use(cls: Any) -> Callable[..., None]:
    """An ``__init__`` that compiles the real one on the first construction, then hands over.

    Compiling costs about 0.3 ms a class, and decoding never constructs (it fills slots); most of
    the 160 models are never built by hand in a process. ``inspect.signature`` and ``help`` show
    the real parameters all the same.
    """

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        compiled_init(cls)(self, *args, **kwargs)

    params = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    params += [
        inspect.Parameter(f.name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=f.default)
        for f in cls._fields
    ]
    params.append(
        inspect.Parameter("_configuration", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)
    )
    __init__.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    __init__.__qualname__ = f"{cls.__qualname__}.__init__"
    __init__.__doc__ = f"{cls.__name__} - a model defined in Swagger"
    return __init__


def compiled_init(cls: Any) -> Callable[..., None]:
    """The class's compiled ``__init__``, compiled now if need be."""
    init = cls.__dict__.get("_compiled_init")
    if init is None:
        with _compile_lock:
            init = cls.__dict__.get("_compiled_init")
            if init is None:
                init = _compile_init(cls, cls._fields)
                cls._compiled_init = init
                cls.__init__ = init
    return init  # type: ignore[no-any-return]


def _compile_init(cls: Any, fields: tuple[Field, ...]) -> Any:
    namespace: dict[str, Any] = {}
    params = ["self"]
    body = ["    self._configuration = _configuration"]
    body += [f"    self.{f.slot} = None" for f in fields]
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


# -- decoding: the compiled _from_json ------------------------------------------------------------

#: Nested models are written into their parent's ``_from_json`` this many levels deep (a call
#: saved per nested object); deeper ones call their own class's compiled function.
_INLINE_DEPTH = 2


def _decode_on_first_use(cls: Any) -> Callable[..., Any]:
    """A ``_from_json`` that compiles the real one on its first call, then hands over to it.

    Most of the 160 models are never decoded in a process; compiling each when its class is made
    would slow every import for nothing.
    """

    def _from_json(data: Any, consume: bool = False, tz: _dt.tzinfo | None = UTC) -> Any:
        return compiled_decoder(cls)(data, consume, tz)

    return _from_json


def compiled_decoder(cls: Any) -> Callable[..., Any]:
    """The class's compiled ``_from_json(data, consume=False, tz=UTC)``, compiled now if need be."""
    decoder = cls.__dict__.get("_compiled_from_json")
    if decoder is None:
        with _compile_lock:
            decoder = cls.__dict__.get("_compiled_from_json")
            if decoder is None:
                decoder = _compile_from_json(cls, cls._fields)
                cls._compiled_from_json = decoder
                cls._from_json = staticmethod(decoder)
    return decoder  # type: ignore[no-any-return]


def _compile_from_json(cls: Any, fields: tuple[Field, ...]) -> Any:
    """Generate ``_from_json(data, consume, tz)``: straight-line code, no per-field dispatch.

    For a Snapshot it reads, in outline::

        def _from_json(data, consume=False, tz=_utc):
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

    ``consume=True`` (see ``decoder_for``) empties the lists of models in ``data`` as it goes;
    ``tz`` is given to datetimes that arrive without an offset (None leaves them naive).
    """
    namespace: dict[str, Any] = {
        "_new": object.__new__,
        "_dict": dict,
        "_list": list,
        "_str": str,
        "_int": int,
        "_bool": bool,
        "_utc": UTC,
        "_fromiso": _fromisoformat,
        "_iso_errors": (TypeError, ValueError),
        "_parse_datetime": parse_datetime,
        "_in_timezone": _in_timezone,
        "_coerce": _coerce,
        "_bad": ModelDecodeError,
    }
    name = cls.__name__
    lines = [
        "def _from_json(data, consume=False, tz=_utc):",
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
        # ASP.NET sends some datetimes without an offset: they get ``tz`` (UTC by default), so
        # that a page's datetimes can be compared and sorted.
        parsed = f"t{depth}"
        return [
            f"if {value} is not None:",
            "    try:",
            f"        {parsed} = _fromiso({value})",
            "    except _iso_errors:",
            f"        {parsed} = _parse_datetime({value}, {path!r})",
            f"    if {parsed}.tzinfo is None and tz is not None:",
            f"        {parsed} = _in_timezone({value}, {parsed}, tz)",
            f"    {value} = {parsed}",
        ]
    # Nested models come from the annotation's class, inlined or through their own compiled
    # function (compiled now, so that no call goes through a first-use stub).
    model = f.python_type
    if _is_model_class(model) and model._fields:
        if depth + 1 >= _INLINE_DEPTH:
            decoder = _bind(namespace, f"_decode_{model.__name__}", compiled_decoder(model))
            return [f"{value} = {decoder}({value}, consume, tz)"]  # None passes through
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
    if typing.get_origin(model) is list and _is_model_class(item_type) and item_type._fields:
        decoder = _bind(namespace, f"_decode_{item_type.__name__}", compiled_decoder(item_type))
        return [
            f"if {value} is not None:",
            f"    if type({value}) is not _list:",
            f"        raise _bad({path!r}, 'a list', {value})",
            "    if consume:",
            # Popped, each item's dicts are freed once its model is built (see decoder_for).
            f"        {value}.reverse()",
            f"        items{depth} = []",
            f"        while {value}:",
            f"            items{depth}.append({decoder}({value}.pop(), True, tz))",
            f"        {value} = items{depth}",
            "    else:",
            f"        {value} = [{decoder}(i, False, tz) for i in {value}]",
        ]
    decoder = _bind(namespace, f"_decode_{f.name}", _raw_decoder(type_name))
    return [f"if {value} is not None:", f"    {value} = {decoder}({value}, consume, tz)"]


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
    """Parse the ISO 8601 forms the API sends; fromisoformat first, python-dateutil last.

    The result is naive when ``text`` has no offset; decoders then apply the assumed timezone.
    """
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
    # Imported here: the last resort is rarely needed, and dateutil takes milliseconds to import.
    from dateutil.parser import isoparse

    try:
        return isoparse(text)
    except (ValueError, OverflowError) as exc:
        raise ModelDecodeError(path, "an ISO 8601 datetime string", text) from exc


def _in_timezone(text: str, naive: _dt.datetime, tz: _dt.tzinfo) -> _dt.datetime:
    """``naive``, parsed from ``text``, as a time in ``tz``.

    For UTC, the default, parsing the text again with ``+00:00`` appended costs a tenth of
    ``naive.replace(tzinfo=...)`` (0.09 µs against 0.75 µs on 3.11: a third of a page's
    datetimes come without an offset).
    """
    if tz is UTC:
        try:
            return _fromisoformat(text + "+00:00")
        except ValueError:
            pass  # a form only parse_datetime takes
    return naive.replace(tzinfo=tz)


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

#: A decoder takes ``(value, consume=False, tz=UTC)`` and returns the decoded value.
Decoder = Callable[..., Any]

_raw_decoders: dict[str, Decoder] = {}
_consuming: dict[str, Decoder] = {}
_decoders_lock = threading.Lock()


def _renew_locks() -> None:
    # A fork while another thread compiled or cached a decoder must not leave the child's copies
    # of these locks held for ever.
    global _compile_lock, _decoders_lock
    _compile_lock = threading.RLock()
    _decoders_lock = threading.Lock()


forking.in_child_after_fork(_renew_locks)
_LIST_TYPE = re.compile(r"list\[(.*)\]$")
_DICT_TYPE = re.compile(r"dict\(([^,]*), (.*)\)$")
_PRIMITIVES = {"int": int, "str": str, "bool": bool, "float": float}
#: The types whose answer is the parsed JSON itself: no schema in the contract.
_SCHEMALESS = frozenset({"object", "Object"})


def decoder_for(type_name: str, consume: bool = False) -> Decoder:
    """The function that decodes a JSON value of a swagger type string (``'list[Snapshot]'``, ...).

    Call it as ``decode(value)`` or ``decode(value, tz=...)``, ``tz`` being the timezone given to
    datetimes that arrive without an offset (UTC unless said otherwise; None keeps them naive).
    Built once per type string and cached. A model name is found in ``pyodk.models``, or else in
    the module ``pyodk.models.<snake_case_name>`` (where a module generated elsewhere puts it);
    a name that is neither raises ApiTypeError. A model without properties (``Object``) decodes to
    the parsed JSON itself, as generated clients return it.

    ``consume=True`` is for data that nobody else holds, such as the ApiClient's freshly parsed
    answer: the decoder then empties each list of models as it decodes it, so that every item's
    dicts are freed as soon as its model is built. Memory then peaks lower, and CPython's garbage
    collector, whose count of container objects would otherwise double while a page is decoded,
    runs about half as often (bench/: a 1000-snapshot page went from about 1.85x to 1.55x the
    CPU time of raw urllib3 + json.loads, and peaks no higher in memory).
    """
    decoder = _raw_decoder(type_name)
    if not consume:
        return decoder
    consuming = _consuming.get(type_name)
    if consuming is None:
        consuming = functools.partial(decoder, consume=True)
        with _decoders_lock:
            consuming = _consuming.setdefault(type_name, consuming)
    return consuming


def _raw_decoder(type_name: str) -> Decoder:
    decoder = _raw_decoders.get(type_name)
    if decoder is None:
        decoder = _build_decoder(type_name)
        with _decoders_lock:
            decoder = _raw_decoders.setdefault(type_name, decoder)
    return decoder


def _build_decoder(type_name: str) -> Decoder:
    list_match = _LIST_TYPE.match(type_name)
    if list_match:
        item = _raw_decoder(list_match.group(1))

        def decode_list(value: Any, consume: bool = False, tz: _dt.tzinfo | None = UTC) -> Any:
            if value is None:
                return None
            if not isinstance(value, list):
                raise ModelDecodeError(type_name, "a list", value)
            return [None if i is None else item(i, consume, tz) for i in value]

        return decode_list
    dict_match = _DICT_TYPE.match(type_name)
    if dict_match:
        entry = _raw_decoder(dict_match.group(2))

        def decode_dict(value: Any, consume: bool = False, tz: _dt.tzinfo | None = UTC) -> Any:
            if value is None:
                return None
            if not isinstance(value, dict):
                raise ModelDecodeError(type_name, "an object", value)
            return {k: None if v is None else entry(v, consume, tz) for k, v in value.items()}

        return decode_dict
    exact = _PRIMITIVES.get(type_name)
    if exact is not None:

        def decode_primitive(value: Any, consume: bool = False, tz: Any = None) -> Any:
            if value is None or value.__class__ is exact:
                return value
            return _coerce(value, type_name, type_name)

        return decode_primitive
    if type_name == "datetime":

        def decode_datetime(value: Any, consume: bool = False, tz: _dt.tzinfo | None = UTC) -> Any:
            if value is None:
                return None
            parsed = parse_datetime(value)
            return _in_timezone(value, parsed, tz) if parsed.tzinfo is None and tz else parsed

        return decode_datetime
    if type_name == "date":
        return lambda value, consume=False, tz=None: None if value is None else _parse_date(value)
    if type_name in _SCHEMALESS:
        return lambda value, consume=False, tz=None: value
    if type_name == "file":
        raise ApiTypeError(
            "file answers are not part of the Oktawave API; pyodk cannot decode them"
        )
    klass = model_class(type_name)
    if not klass.swagger_types:
        # No properties to decode: the answer's data is the parsed JSON (swagger-codegen's way).
        return lambda value, consume=False, tz=None: value
    if _is_model_class(klass):
        return compiled_decoder(klass)
    return _generated_class_decoder(klass)


def model_class(type_name: str) -> Any:
    """The model class a type name stands for, from ``pyodk.models`` or its own module.

    :raises ApiTypeError: no such model; when this happens for a response type, it happens before
        the request is sent.
    """
    models = importlib.import_module("pyodk.models")
    klass = getattr(models, type_name, None)
    module_name = f"pyodk.models.{underscore(type_name)}"
    if klass is None:
        # A model generated elsewhere and dropped into pyodk/models is in no table of pyodk's:
        # it is found where a generator puts it, as generated clients import their models.
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise  # the module exists but is broken: its own error says more
            module = None
        klass = getattr(module, type_name, None)
    if klass is None or not hasattr(klass, "swagger_types"):
        raise ApiTypeError(
            f"unknown type {type_name!r}: not a model of pyodk.models, and no module "
            f"{module_name} defines it"
        )
    return klass


def _generated_class_decoder(klass: Any) -> Decoder:
    """Decode into a class written the swagger-codegen way: keyword constructor per attribute."""
    plan = [
        (attr, klass.attribute_map[attr], type_name)
        for attr, type_name in klass.swagger_types.items()
    ]

    def decode_generated(value: Any, consume: bool = False, tz: _dt.tzinfo | None = UTC) -> Any:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ModelDecodeError(klass.__name__, "an object", value)
        kwargs = {}
        for attr, key, type_name in plan:
            item = value.get(key)
            if item is not None:
                kwargs[attr] = _raw_decoder(type_name)(item, consume, tz)
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

    :raises ApiTypeError: a value that has no JSON form; nothing has been sent.
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
    raise ApiTypeError(f"cannot serialize {type(value).__name__} {value!r} to JSON")


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
