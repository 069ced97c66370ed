"""The control API: drive a running fake over HTTP, from another process or another language.

It lives under ``/_fake``, outside the contract's ``/services`` and the token endpoint, so it can
never shadow an Oktawave path. Each endpoint takes a JSON object whose keys are the keyword
arguments of the ``FakeOktawaveServer`` method it calls, and answers JSON. Control requests are
not faulted and not logged: they are the test talking, not the client under test. No token is
needed, which is why the fake binds loopback by default; the request log it serves has its secrets
redacted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pyodk.testing.operations import bind_datetime
from pyodk.testing.state import ApiError

if TYPE_CHECKING:
    from pyodk.testing.server import FakeOktawaveServer

CONTROL_PREFIX = "/_fake"

# What each argument may be, by JSON type; "datetime" is an ISO 8601 string (no offset: UTC).
_KINDS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "str": ("a string", lambda v: isinstance(v, str)),
    "int": ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "bool": ("true or false", lambda v: isinstance(v, bool)),
    "number": (
        "a number",
        lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    ),
    "object": ("an object", lambda v: isinstance(v, dict)),
    "datetime": ("an ISO 8601 datetime string", lambda v: isinstance(v, str)),
    "seconds_or_text": (
        "a number or a string",
        lambda v: isinstance(v, int | float | str) and not isinstance(v, bool),
    ),
    "text_or_object": ("a string or an object", lambda v: isinstance(v, str | dict)),
}

Arguments = dict[str, Any]
Action = Callable[["FakeOktawaveServer", Arguments], tuple[int, Any]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    # argument name -> kind (a key of _KINDS), "?" at the end when null is allowed
    arguments: dict[str, str]
    required: tuple[str, ...]
    action: Action

    def bind(self, body: bytes) -> Arguments:
        """The body's arguments, checked; raises ControlError naming what is wrong."""
        if body.strip():
            try:
                given = json.loads(body)
            except ValueError as error:
                raise ControlError(400, f"the body is not JSON: {error}") from None
        else:
            given = {}
        if not isinstance(given, dict):
            raise ControlError(400, f"the body must be a JSON object, got {type(given).__name__}")
        unknown = sorted(set(given) - set(self.arguments))
        if unknown:
            accepted = ", ".join(self.arguments) or "none"
            raise ControlError(
                400, f"unknown argument {', '.join(unknown)} for {self}; accepted: {accepted}"
            )
        missing = [name for name in self.required if name not in given]
        if missing:
            raise ControlError(400, f"{self} needs {', '.join(missing)}")
        for name, value in given.items():
            kind = self.arguments[name]
            if value is None and kind.endswith("?"):
                continue
            description, accepts = _KINDS[kind.rstrip("?")]
            if not accepts(value):
                raise ControlError(400, f"{name} must be {description}, got {json.dumps(value)}")
            if kind.rstrip("?") == "datetime":
                given[name] = _datetime(name, value)
        return given

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _datetime(name: str, text: str) -> datetime:
    try:
        return bind_datetime(name, text)
    except ApiError:
        raise ControlError(400, f"{name} must be an ISO 8601 datetime, got {text!r}") from None


# --------------------------------------------------------------------- the actions


def _index(fake: FakeOktawaveServer, _: Arguments) -> tuple[int, Any]:
    return 200, {"endpoints": [{"endpoint": str(e), "summary": e.summary} for e in ENDPOINTS]}


def _reset(fake: FakeOktawaveServer, _: Arguments) -> tuple[int, Any]:
    fake.reset()
    return 204, None


def _state(fake: FakeOktawaveServer, _: Arguments) -> tuple[int, Any]:
    return 200, fake.state_dump()


def _add_instance(fake: FakeOktawaveServer, arguments: Arguments) -> tuple[int, Any]:
    instance_id = fake.add_instance(**arguments)
    return 201, fake.get_instance_json(instance_id)


def _add_snapshot(fake: FakeOktawaveServer, arguments: Arguments) -> tuple[int, Any]:
    snapshot_id = fake.add_snapshot(**arguments)
    return 201, fake.get_snapshot_json(snapshot_id)


def _inject(fake: FakeOktawaveServer, arguments: Arguments) -> tuple[int, Any]:
    fault = fake.inject(**arguments)
    return 201, {"kind": fault.kind, "remaining": fault.remaining, "status": fault.status}


def _fail_next_operations(fake: FakeOktawaveServer, arguments: Arguments) -> tuple[int, Any]:
    fake.fail_next_operations(**arguments)
    return 201, {"pending": fake.faults.pending()}


def _advance_clock(fake: FakeOktawaveServer, arguments: Arguments) -> tuple[int, Any]:
    fake.advance_clock(arguments["seconds"])
    return 200, {"skipped": fake.clock.skipped}


def _requests(fake: FakeOktawaveServer, _: Arguments) -> tuple[int, Any]:
    return 200, [request.to_json() for request in fake.requests]


def _clear_requests(fake: FakeOktawaveServer, _: Arguments) -> tuple[int, Any]:
    fake.clear_requests()
    return 204, None


_P = CONTROL_PREFIX
ENDPOINTS = (
    Endpoint("GET", _P, "this list", {}, (), _index),
    Endpoint("POST", f"{_P}/reset", "back to the state right after start", {}, (), _reset),
    Endpoint("GET", f"{_P}/state", "instances and snapshot trees (state_dump())", {}, (), _state),
    Endpoint(
        "POST",
        f"{_P}/instances",
        "add_instance(): answers the new instance as GET /instances/{id} would",
        {
            "name": "str",
            "id": "int?",
            "subregion_id": "int",
            "type_id": "int",
            "template_type_id": "int",
            "is_turned_on": "bool",
            "creation_date": "datetime?",
        },
        (),
        _add_instance,
    ),
    Endpoint(
        "POST",
        f"{_P}/snapshots",
        "add_snapshot(): answers the new snapshot as GET /snapshots/{id} would",
        {
            "instance_id": "int",
            "name": "str",
            "description": "str?",
            "is_system": "bool",
            "creation_user": "object?",
            "creation_date": "datetime?",
            "parent_id": "int?",
            "make_current": "bool",
        },
        ("instance_id",),
        _add_snapshot,
    ),
    Endpoint(
        "POST",
        f"{_P}/faults",
        "inject(): the next matching requests misbehave",
        {
            "kind": "str",
            "count": "int",
            "method": "str?",
            "path": "str?",
            "status": "int?",
            "retry_after": "seconds_or_text?",
            "seconds": "number",
            "body": "text_or_object?",
        },
        ("kind",),
        _inject,
    ),
    Endpoint(
        "POST",
        f"{_P}/operation_failures",
        "fail_next_operations(): the next matching operations end in Status 137",
        {"n": "int", "method": "str?", "path": "str?"},
        (),
        _fail_next_operations,
    ),
    Endpoint(
        "POST",
        f"{_P}/clock/advance",
        "advance_clock(): let seconds pass at once",
        {"seconds": "number"},
        ("seconds",),
        _advance_clock,
    ),
    Endpoint("GET", f"{_P}/requests", "the request log, oldest first", {}, (), _requests),
    Endpoint("DELETE", f"{_P}/requests", "clear the request log", {}, (), _clear_requests),
)


# --------------------------------------------------------------------- dispatch


def is_control_path(path: str) -> bool:
    lowered = path.lower()
    return lowered == CONTROL_PREFIX or lowered.startswith(CONTROL_PREFIX + "/")


def answer(
    fake: FakeOktawaveServer, method: str, path: str, body: bytes
) -> tuple[int, Any, dict[str, str]]:
    """(status, JSON payload or None for an empty body, extra headers) for a control request."""
    same_path = [e for e in ENDPOINTS if e.path == path.lower()]
    endpoint = next((e for e in same_path if e.method == method), None)
    try:
        if not same_path:
            raise ControlError(404, f"no control endpoint {path}; GET {CONTROL_PREFIX} lists them")
        if endpoint is None:
            allowed = ", ".join(e.method for e in same_path)
            return 405, {"Message": f"{path} takes {allowed}, not {method}"}, {"Allow": allowed}
        status, payload = endpoint.action(fake, endpoint.bind(body))
    except ControlError as error:
        return error.status, {"Message": error.message}, {}
    except ApiError as error:  # e.g. add_snapshot on an instance that does not exist
        return error.status, error.body, {}
    except (ValueError, TypeError) as error:  # the method refused an argument, and said why
        return 400, {"Message": str(error)}, {}
    return status, payload, {}
