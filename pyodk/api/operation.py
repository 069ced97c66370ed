"""Operations as data, plus the one engine that turns a method call into ``ApiClient.call_api``.

Each public API method stays an explicit, documented wrapper (users read them, IDEs show them), but
its body is one call into ``Operation.call``. Argument checking, wire names, headers and the
generated calling conventions (``async_req``, ``_preload_content``, ``_request_timeout``,
``_return_http_data_only``, ``_with_http_info``) live here, once.

The typed dicts below give type checkers the call options. An API method is overloaded on them so
that ``op(...)`` is the model, ``op(..., async_req=True)`` an ``AsyncResult`` of it, and the
``_with_http_info`` twin a ``(model, status, headers)`` tuple; options that change the result into
something only known at run time (``_preload_content=False``, a non-literal ``async_req``) select
an overload that returns ``Any``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypedDict, TypeVar

from pyodk.exceptions import ApiTypeError, ApiValueError

_T = TypeVar("_T")

if TYPE_CHECKING:
    import urllib3

    from pyodk.api_client import ApiClient

    #: ``_request_timeout``: seconds for both phases, a ``(connect, read)`` pair, or a Timeout.
    RequestTimeout: TypeAlias = float | tuple[float | None, float | None] | urllib3.Timeout | None
    #: What a ``_with_http_info`` twin returns: the decoded data, the status and the headers.
    HttpInfo: TypeAlias = tuple[_T, int, Mapping[str, str]]


class CallOptions(TypedDict, total=False):
    """Options that leave a plain operation returning its decoded model."""

    _preload_content: Literal[True]
    _request_timeout: RequestTimeout
    _call_timeout: float | None
    _return_http_data_only: bool


class HttpInfoOptions(TypedDict, total=False):
    """Options that leave a ``_with_http_info`` twin returning ``(data, status, headers)``."""

    _preload_content: Literal[True]
    _request_timeout: RequestTimeout
    _call_timeout: float | None
    _return_http_data_only: Literal[False]


class AnyCallOptions(TypedDict, total=False):
    """Every option, with values that may change what an operation returns."""

    _preload_content: bool
    _request_timeout: RequestTimeout
    _call_timeout: float | None
    _return_http_data_only: bool


#: The keywords every operation accepts besides its own parameters.
CALL_OPTIONS = frozenset(
    {"async_req", "_return_http_data_only", "_preload_content", "_request_timeout", "_call_timeout"}
)

_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1

#: Values ``order_by`` accepts on snapshot collections.
SNAPSHOT_ORDER_BY = ("CreationDate", "Description", "IsCurrent", "Name", "Instance")


_OPERATIONS: dict[str, Operation] = {}


@dataclass(frozen=True)
class Param:
    """One parameter: Python keyword, wire name, where it goes, its type and its rules."""

    name: str
    wire: str
    location: str  # "path", "query" or "body"
    type: str  # "int", "str", or a model name for the body
    required: bool = False
    minimum: int | None = None
    choices: tuple[str, ...] = ()


def find_operation(name: str) -> Operation | None:
    """The operation an API method of this name runs (e.g. ``snapshots_get``), if pyodk has it."""
    return _OPERATIONS.get(name)


class Operation:
    """One endpoint: method, path template, parameters and response type."""

    def __init__(
        self,
        name: str,
        method: str,
        path: str,
        params: tuple[Param, ...],
        response_type: str,
    ) -> None:
        self.name = name
        self.method = method
        self.path = path
        self.params = params
        self.response_type = response_type
        self._by_name = {p.name: p for p in params}
        # Error messages' prefixes, made once rather than on every call.
        self._where = {p.name: f"{name}(): `{p.name}`" for p in params}
        # Operation names are swagger operationIds, unique across the API: helpers such as
        # pyodk.paginate find an API method's operation by its name.
        _OPERATIONS[name] = self
        self._header_params: dict[str, str] = {"Accept": "application/json"}
        if any(p.location == "body" for p in params):
            self._header_params["Content-Type"] = "application/json"

    def call(self, api_client: ApiClient, kwargs: Mapping[str, Any], **arguments: Any) -> Any:
        """Run the operation; return only the data (the plain method)."""
        return self._invoke(api_client, kwargs, arguments, data_only=True)

    def call_with_http_info(
        self, api_client: ApiClient, kwargs: Mapping[str, Any], **arguments: Any
    ) -> Any:
        """Run the operation; return ``(data, status, headers)`` (the ``_with_http_info`` twin)."""
        data_only = bool(kwargs.get("_return_http_data_only", False))
        return self._invoke(api_client, kwargs, arguments, data_only=data_only)

    def _invoke(
        self,
        api_client: ApiClient,
        kwargs: Mapping[str, Any],
        arguments: dict[str, Any],
        data_only: bool,
    ) -> Any:
        options = {}
        for key, value in kwargs.items():
            if key in CALL_OPTIONS:
                options[key] = value
            elif key in self._by_name:
                arguments[key] = value
            else:
                raise ApiTypeError(
                    f"Got an unexpected keyword argument '{key}' to method {self.name}"
                )
        validate = api_client.client_side_validation
        path_params: dict[str, Any] = {}
        query_params: list[tuple[str, Any]] = []
        body = None
        for param in self.params:
            value = arguments.get(param.name)
            if value is None:
                if param.required:
                    raise ApiValueError(
                        f"Missing the required parameter `{param.name}` when calling `{self.name}`"
                    )
                continue
            self._check(param, value, validate)
            if param.location == "path":
                path_params[param.wire] = value
            elif param.location == "query":
                query_params.append((param.wire, value))
            else:
                body = value
        return api_client.call_api(
            self.path,
            self.method,
            path_params,
            query_params,
            self._header_params,
            body=body,
            response_type=self.response_type,
            auth_settings=["oauth2"],
            async_req=options.get("async_req"),
            _return_http_data_only=data_only,
            _preload_content=options.get("_preload_content", True),
            _request_timeout=options.get("_request_timeout"),
            _call_timeout=options.get("_call_timeout"),
            _operation=self.name,
        )

    def _check(self, param: Param, value: Any, validate: bool) -> None:
        where = self._where[param.name]
        if param.type == "int":
            # Path ids are always checked: only an int is sure to stay inside its path segment.
            is_int = isinstance(value, int) and not isinstance(value, bool)
            if (param.location == "path" or validate) and not is_int:
                raise ApiTypeError(f"{where} must be an int, got {type(value).__name__} {value!r}")
            if validate and not _INT32_MIN <= value <= _INT32_MAX:
                raise ApiValueError(f"{where} must fit in a 32-bit integer, got {value}")
            if validate and param.minimum is not None and value < param.minimum:
                raise ApiValueError(f"{where} must be >= {param.minimum}, got {value}")
        elif param.type == "str" and validate:
            if not isinstance(value, str):
                raise ApiTypeError(f"{where} must be a str, got {type(value).__name__} {value!r}")
            if param.choices and value not in param.choices:
                choices = ", ".join(param.choices)
                raise ApiValueError(f"{where} must be one of {choices}; got {value!r}")


#: The ``{id}`` path parameter, and the response-fields filter, that most operations take.
PATH_ID = Param("id", "id", "path", "int", required=True)
FIELDS = Param("fields", "fields", "query", "str")


def paging_params(order_by: tuple[str, ...] = ()) -> tuple[Param, ...]:
    """``query``, ``page_size``, ``page_number`` and ``order_by``: shared by the collections."""
    return (
        Param("query", "query", "query", "str"),
        Param("page_size", "pageSize", "query", "int", minimum=1),
        Param("page_number", "pageNumber", "query", "int", minimum=1),
        Param("order_by", "orderBy", "query", "str", choices=order_by),
    )
