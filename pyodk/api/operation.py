"""Operations as data, plus the one engine that turns a method call into ``ApiClient.call_api``.

tools/generate.py writes one ``Operation`` per endpoint of the contract, and one explicit,
documented method per operation (users read them, IDEs show them) whose body is one call into
``Operation.call``. Argument checking, wire names, headers, collection formats and the generated
calling conventions (``async_req``, ``_preload_content``, ``_request_timeout``,
``_return_http_data_only``, the ``_with_http_info`` twin) live here, once.

Each generated method carries its Operation as ``method.operation``: helpers such as
``pyodk.paginate`` read what they need (is it a collection, does it take page numbers) from the
method they are given, not from a registry that another module could fill or replace.

The typed dicts below give type checkers the call options. An API method is overloaded on them so
that ``op(...)`` is the model, ``op(..., async_req=True)`` an ``AsyncResult`` of it, and the
``_with_http_info`` twin a ``(model, status, headers)`` tuple; options that change the result into
something only known at run time (``_preload_content=False``, a non-literal ``async_req``) select
an overload that returns ``Any``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypedDict, TypeVar

from pyodk import validation
from pyodk.exceptions import ApiTypeError, ApiValueError

_T = TypeVar("_T")
_F = TypeVar("_F", bound=Callable[..., Any])

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


#: What ``collection`` says of an operation that returns one page of a collection (Items and Meta):
#: "paged" takes pageNumber and pageSize; "unpaged" answers the whole collection at once.
Collection: TypeAlias = Literal["paged", "unpaged"]

#: Every operation of the Oktawave API is authorised by the OAuth2 bearer token.
_AUTH_SETTINGS = ["oauth2"]
_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


@dataclass(frozen=True)
class Param:
    """One parameter of an operation: Python keyword, wire name, where it goes, type and rules.

    ``type`` is a swagger type string: ``int``, ``str``, ``bool``, ``float``, ``datetime``,
    ``list[int]``, or a model name for the body. The rules are the contract's; ``choices`` are the
    accepted ``orderBy`` values, compared without regard to letter case as the service does.
    """

    name: str
    wire: str
    location: Literal["path", "query", "body"]
    type: str
    required: bool = False
    int_format: Literal["int32", "int64"] = "int32"
    minimum: int | None = None
    maximum: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    choices: tuple[str, ...] = ()
    collection_format: str | None = None

    def check(self, value: Any, validate: bool, operation: str) -> None:
        """Refuse a value that breaks the parameter's type or rules (ApiTypeError/ApiValueError).

        Path integers are always checked, even with ``client_side_validation`` off: only an int is
        sure to stay inside its path segment.
        """
        kind = self.type
        if kind == "int":
            if (self.location == "path" or validate) and not _is_int(value):
                raise self._wrong_type(value, "an int", operation)
            if validate:
                self._check_range(value, operation)
        elif not validate:
            return
        elif kind == "str":
            if not isinstance(value, str):
                raise self._wrong_type(value, "a str", operation)
            self._check_text(value, operation)
        elif kind == "bool":
            if not isinstance(value, bool):
                raise self._wrong_type(value, "a bool", operation)
        elif kind == "float":
            if not (_is_int(value) or isinstance(value, float)):
                raise self._wrong_type(value, "a number", operation)
        elif kind == "datetime":
            if not isinstance(value, datetime.datetime):
                raise self._wrong_type(value, "a datetime.datetime", operation)
        elif kind == "list[int]":
            if not isinstance(value, (list, tuple)) or not all(map(_is_int, value)):
                raise self._wrong_type(value, "a list of ints", operation)
            for item in value:
                self._check_range(item, operation)
        elif not isinstance(value, dict) and (
            type(value).__name__ != kind or not hasattr(value, "swagger_types")
        ):
            # A body: the operation's model (pyodk's, or a class of that name generated
            # elsewhere), or a dict of its JSON keys; a model of another kind would send keys the
            # service does not expect for this operation.
            raise self._wrong_type(value, f"a {kind} (or a dict of its JSON keys)", operation)

    def _check_range(self, value: int, operation: str) -> None:
        low, high = _INT_RANGES[self.int_format]
        if not low <= value <= high:
            bits = self.int_format[3:]
            raise self._refused(f"must fit in a {bits}-bit integer (got {value})", operation)
        problem = validation.range_problem(value, self.minimum, self.maximum)
        if problem:
            raise self._refused(problem, operation)

    def _check_text(self, value: str, operation: str) -> None:
        problem = validation.unicode_problem(value) or validation.length_problem(
            value, self.min_length, self.max_length
        )
        if problem is None and self.pattern is not None:
            problem = validation.pattern_problem(value, self.pattern)
        if problem is None and self.choices:
            problem = validation.choice_problem(value, self.choices, any_case=True)
        if problem:
            raise self._refused(problem, operation)

    def _refused(self, problem: str, operation: str) -> ApiValueError:
        return ApiValueError(f"{operation}(): `{self.name}` {problem}")

    def _wrong_type(self, value: Any, expected: str, operation: str) -> ApiTypeError:
        return ApiTypeError(
            f"{operation}(): `{self.name}` must be {expected}, got {type(value).__name__} {value!r}"
        )


class Operation:
    """One endpoint of the contract: method, path template, parameters and response type.

    :param response_type: the swagger type of the 200 answer (a model name, ``str``), or None when
        the contract gives the answer no schema (the call then returns None).
    :param collection: "paged" or "unpaged" for an operation that lists a collection (see
        ``Collection``), None otherwise; ``pyodk.paginate`` walks the former.
    :param accept: the Accept header; None for an operation whose contract names no answer
        type, where a generated client sends none either.
    """

    def __init__(
        self,
        name: str,
        method: str,
        path: str,
        params: tuple[Param, ...],
        response_type: str | None,
        *,
        collection: Collection | None = None,
        accept: str | None = "application/json",
    ) -> None:
        self.name = name
        self.method = method
        self.path = path
        self.params = params
        self.response_type = response_type
        self.collection = collection
        self._headers: dict[str, str] = {"Accept": accept} if accept else {}
        if any(p.location == "body" for p in params):
            self._headers["Content-Type"] = "application/json"
        self._collection_formats = {
            p.wire: p.collection_format for p in params if p.collection_format
        }

    def __repr__(self) -> str:
        return f"Operation({self.name!r}, {self.method} {self.path})"

    def method_of(self, function: _F) -> _F:
        """Mark an API method as running this operation (a decorator of the generated code)."""
        function.operation = self  # type: ignore[attr-defined]
        return function

    def call(
        self,
        api_client: ApiClient,
        values: tuple[Any, ...],
        unexpected: Mapping[str, Any],
        async_req: bool | None,
        return_http_data_only: bool | None,
        preload_content: bool,
        request_timeout: Any,
        call_timeout: float | None,
        *,
        with_http_info: bool = False,
    ) -> Any:
        """Check the arguments, then send the request through ``api_client.call_api``.

        ``values`` are the operation's parameters in ``params`` order; ``unexpected`` holds any
        other keyword the method was given. The plain method returns only the data, as generated
        clients do; the ``_with_http_info`` twin returns ``(data, status, headers)`` unless
        ``_return_http_data_only`` is true.
        """
        if unexpected:
            key = next(iter(unexpected))
            raise ApiTypeError(f"Got an unexpected keyword argument '{key}' to method {self.name}")
        try:
            validate = api_client.client_side_validation
        except AttributeError:
            raise ApiTypeError(
                f"{self.name}(): the API object holds {type(api_client).__name__} "
                f"{api_client!r} where an ApiClient belongs"
            ) from None
        path_params: dict[str, Any] = {}
        query_params: list[tuple[str, Any]] = []
        body = None
        for param, value in zip(self.params, values, strict=True):
            if value is None:
                if param.required:
                    raise ApiValueError(
                        f"Missing the required parameter `{param.name}` when calling `{self.name}`"
                    )
                continue
            param.check(value, validate, self.name)
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
            self._headers,
            body=body,
            response_type=self.response_type,
            auth_settings=_AUTH_SETTINGS,
            async_req=async_req,
            _return_http_data_only=bool(return_http_data_only) or not with_http_info,
            collection_formats=self._collection_formats,
            _preload_content=preload_content,
            _request_timeout=request_timeout,
            _call_timeout=call_timeout,
            _operation=self.name,
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
