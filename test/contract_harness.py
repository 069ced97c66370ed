"""pyodk's side of the contract tests: reference values as pyodk objects; what the stub received.

The reference (contract_reference) knows nothing of pyodk; this module turns its values into
pyodk models and calls, compares the requests pyodk sent with the ones the reference expects,
and runs one check over every operation or model (``assert_each``). Not a test module itself:
test_contract_*.py import it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit

import pytest
from conftest import TOKEN
from contract_reference import ExpectedRequest, ModelSpec, ModelValue, OperationSpec, Prop
from stub_server import StubServer

import pyodk
import pyodk.models

_BODILESS_METHODS = ("GET", "HEAD")

Case = TypeVar("Case")

#: How much of each failing case's message the summary keeps: enough for pytest's diff of the
#: first differing items, not a screenful per case when a rule breaks everywhere.
_MESSAGE_LIMIT = 1500


def label(case: Any) -> str:
    """A case's name in a failure: the operationId, the model, or ``Model.JsonKey``."""
    if isinstance(case, OperationSpec):
        return case.id
    if isinstance(case, ModelSpec):
        return case.name
    if isinstance(case, tuple) and len(case) == 2 and isinstance(case[1], Prop):
        return f"{case[0].name}.{case[1].key}"
    return str(case)


def assert_each(
    cases: Iterable[Case],
    check: Callable[[Case], object],
    stub: StubServer | None = None,
    targets: list[str] | None = None,
) -> None:
    """Run ``check`` on every case; fail once, naming every case that failed and why.

    A pytest item per operation would pay pytest's per-item cost 177 times for checks that take
    a millisecond each; one loop keeps the contract set fast and still reports every failing
    case, not only the first. The stub and the recorded targets are emptied before each case.
    """
    problems = []
    count = 0
    for case in cases:
        count += 1
        if stub is not None:
            stub.reset()
        if targets is not None:
            targets.clear()
        try:
            check(case)
        except Exception as error:  # every case is reported, whatever went wrong in it
            text = str(error).strip() or "(no message)"
            if len(text) > _MESSAGE_LIMIT:
                text = text[:_MESSAGE_LIMIT] + " [...]"
            problems.append(f"{label(case)}: {type(error).__name__}: {text}")
    assert count, "no cases to check"
    if problems:
        raise AssertionError(f"{len(problems)} of {count} cases failed:\n" + "\n".join(problems))


def api_object(op: OperationSpec, api_client: pyodk.ApiClient) -> Any:
    return getattr(pyodk, op.api_class)(api_client)


def method_of(op: OperationSpec, api_client: pyodk.ApiClient, twin: str = "") -> Any:
    """The API method of an operation (``twin="_with_http_info"`` for its twin)."""
    return getattr(api_object(op, api_client), op.id + twin)


def constructor_arguments(value: ModelValue) -> dict[str, Any]:
    """The keyword arguments that build the model ``value`` stands for."""
    props = value.model.props
    return {p.attr: to_pyodk(value.values[p.key]) for p in props if p.key in value.values}


def to_pyodk(value: Any) -> Any:
    """A reference value as a user passes it: models built with their keyword constructor."""
    if isinstance(value, ModelValue):
        return getattr(pyodk.models, value.model.name)(**constructor_arguments(value))
    if isinstance(value, list):
        return [to_pyodk(item) for item in value]
    return value


def call_arguments(
    op: OperationSpec, arguments: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    """Required parameters positionally, in the contract's order; the others as keywords."""
    args = [to_pyodk(arguments.get(p.name)) for p in op.required_params]
    kwargs = {
        p.name: to_pyodk(arguments[p.name]) for p in op.optional_params if p.name in arguments
    }
    return args, kwargs


def plain(result: Any) -> Any:
    """A decoded result in ``to_dict()`` form, to compare with the reference's."""
    if isinstance(result, list):
        return [plain(item) for item in result]
    return result.to_dict() if hasattr(result, "to_dict") else result


# -- the request targets ------------------------------------------------------------------------


def record_targets(server: StubServer) -> list[str]:
    """The raw request targets (``/path?query``) the stub receives from now on, in order.

    The stub keeps each query as parse_qs's dict, which loses the order of the parameters; the
    reference fixes that order, so the raw target is recorded as well. The stub's handler class
    is wrapped once per server. The wrapper also answers without Nagle's delay: the stub writes
    headers and body separately, and on a kept-alive connection the body would otherwise wait
    ~40 ms for the client's delayed ACK, on each of the contract tests' many calls.
    """
    handler = server.httpd.RequestHandlerClass
    recorded: list[str] | None = getattr(handler, "contract_targets", None)
    if recorded is not None:
        return recorded

    class TargetRecordingHandler(handler):  # type: ignore[misc, valid-type]
        contract_targets: list[str] = []
        disable_nagle_algorithm = True

        def _record_then_handle(self) -> None:
            self.contract_targets.append(self.path)
            handler._handle(self)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _record_then_handle

    server.httpd.RequestHandlerClass = TargetRecordingHandler
    return TargetRecordingHandler.contract_targets


@pytest.fixture(name="targets")
def targets_fixture(stub: StubServer) -> Iterator[list[str]]:
    """The raw targets of this test's requests; the stub answers without Nagle's delay."""
    recorded = record_targets(stub)
    recorded.clear()
    yield recorded
    recorded.clear()


def sent_query(target: str, op: OperationSpec) -> list[tuple[str, str]]:
    """The query pairs of a target in order; ``true``/``false`` of a bool read as ``True``/``False``
    (the allowed difference from swagger-codegen's ``str(bool)``)."""
    bools = {p.wire for p in op.params if p.type == "bool"}
    pairs = parse_qsl(urlsplit(target).query, keep_blank_values=True)
    return [
        (name, value.capitalize() if name in bools and value in ("true", "false") else value)
        for name, value in pairs
    ]


def _expect(what: str, sent: Any, expected: Any) -> None:
    if sent != expected:
        raise AssertionError(f"{what}: sent {sent!r}, the reference sends {expected!r}")


def assert_sent(
    op: OperationSpec, expected: ExpectedRequest, stub: StubServer, targets: list[str]
) -> None:
    """The one request sent is the reference's: method, path, query pairs, body and headers."""
    _expect("requests", len(stub.received), 1)
    _expect("request targets", len(targets), 1)
    sent = stub.last
    _expect("method", sent.method, expected.method)
    _expect("path", urlsplit(targets[0]).path, expected.path)
    _expect("query", sent_query(targets[0], op), expected.query)
    _expect("Authorization", sent.headers.get("authorization"), f"Bearer {TOKEN}")
    # None where the operation produces nothing: swagger-codegen then leaves Accept out.
    _expect("Accept", sent.headers.get("accept"), expected.accept)
    content_type = sent.headers.get("content-type", "").split(";")[0].strip()
    if expected.body is not None:
        _expect("body", sent.json if sent.body else None, expected.body)
        _expect("Content-Type", content_type, "application/json")
    elif expected.method in _BODILESS_METHODS or not sent.body:
        _expect("body", sent.body, b"")
        _expect("Content-Type", content_type, "")
    else:
        # A bodiless POST, PUT or DELETE may send an empty JSON object (an allowed difference).
        _expect("body", sent.json, {})
        _expect("Content-Type", content_type, "application/json")
