"""The operations the fake simulates: each binds its HTTP parameters as ASP.NET would and calls
the state.

``SIMULATED`` maps a contract operationId to its handler. Every other operation of the contract
answers 501 (see ``server.py``), so a test cannot pass against something the fake only pretends to
do. Binding follows ASP.NET Web API: query names match case-insensitively and the first value wins;
a value that does not convert answers 400 with a ``ModelState`` naming the parameter; parameters
the operation does not declare are ignored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

from pyodk.testing.state import (
    INSTANCE_ORDER_FIELDS,
    MAX_INT32,
    SNAPSHOT_ORDER_FIELDS,
    TICKET_ORDER_FIELDS,
    ApiError,
    FakeState,
    JsonObject,
)

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_INT64 = 2**63 - 1

_JSON_TYPES = ("application/json", "text/json")
FORM_TYPE = "application/x-www-form-urlencoded"

# ISO 8601 as .NET's DateTime binding reads it: a date, optionally a time (seconds and up to seven
# fractional digits optional), optionally Z or an offset.
_ISO_DATETIME = re.compile(
    r"(?P<date>\d{4}-\d\d-\d\d)"
    r"(?:[T ](?P<hour>\d\d):(?P<minute>\d\d)(?::(?P<second>\d\d)(?:\.(?P<fraction>\d{1,7}))?)?)?"
    r"(?P<offset>Z|[+-]\d\d:?\d\d)?",
    re.IGNORECASE,
)


# --------------------------------------------------------------------- parameter binding


def bind_integer(name: str, raw: str, maximum: int = MAX_INT32, minimum: int = 1) -> int:
    """An Int32 (Int64, given its maximum) bound as ASP.NET does, in the range the service takes."""
    type_name = "Int32" if maximum <= MAX_INT32 else "Int64"
    try:
        value = int(raw.strip())
    except ValueError:
        message = f"The value '{raw}' is not valid for {type_name}."
        raise ApiError.invalid({name: [message]}) from None
    if not minimum <= value <= maximum:
        raise ApiError.invalid(
            {name: [f"The field {name} must be between {minimum} and {maximum}."]}
        )
    return value


def bind_boolean(name: str, raw: str) -> bool:
    """``Boolean.Parse``: true or false in any case, surrounding white space ignored."""
    value = raw.strip().lower()
    if value not in ("true", "false"):
        raise ApiError.invalid({name: [f"The value '{raw}' is not valid for Boolean."]})
    return value == "true"


def bind_datetime(name: str, raw: str) -> datetime:
    """An ISO 8601 date or datetime, aware; one without an offset is UTC, as the fake's own are."""
    found = _ISO_DATETIME.fullmatch(raw.strip())
    try:
        if found is None:
            raise ValueError(raw)
        moment = datetime.fromisoformat(found["date"]).replace(
            hour=int(found["hour"] or 0),
            minute=int(found["minute"] or 0),
            second=int(found["second"] or 0),
            # .NET keeps 100 ns ticks; a datetime keeps microseconds, so the seventh digit goes.
            microsecond=int((found["fraction"] or "0").ljust(6, "0")[:6]),
            tzinfo=_offset(found["offset"]),
        )
    except ValueError:
        raise ApiError.invalid({name: [f"The value '{raw}' is not valid for DateTime."]}) from None
    return moment


def _offset(text: str | None) -> timezone:
    if text is None or text.upper() == "Z":
        return timezone.utc
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(-delta if text[0] == "-" else delta)


def bind_order(raw: str | None, allowed: tuple[str, ...]) -> str | None:
    """One of the operation's order values, matched case-insensitively, else ASP.NET's 400."""
    if raw is None or raw.strip() == "":
        return None
    for name in allowed:
        if name.lower() == raw.strip().lower():
            return name
    message = f"Acceptable order values are: {', '.join(allowed)}."
    raise ApiError.invalid({"orderBy": [message]})


def select_fields(obj: JsonObject, fields: str | None) -> JsonObject:
    """Apply the ``fields`` filter: keep the listed keys (matched case-insensitively)."""
    if not fields or not fields.strip():
        return obj
    wanted = {f.strip().lower() for f in fields.split(",") if f.strip()}
    return {key: value for key, value in obj.items() if key.lower() in wanted}


class Query:
    """Query-string parameters; ASP.NET binds them by case-insensitive name, first value wins."""

    def __init__(self, raw: dict[str, list[str]]) -> None:
        self._values: dict[str, str] = {}
        for name, values in raw.items():
            self._values.setdefault(name.lower(), values[0])

    def text(self, name: str) -> str | None:
        return self._values.get(name.lower())

    def _given(self, name: str) -> str | None:
        raw = self.text(name)
        return None if raw is None or raw == "" else raw

    def integer(
        self, name: str, default: int | None = None, maximum: int = MAX_INT32
    ) -> int | None:
        raw = self._given(name)
        return default if raw is None else bind_integer(name, raw, maximum=maximum)

    def boolean(self, name: str) -> bool | None:
        raw = self._given(name)
        return None if raw is None else bind_boolean(name, raw)

    def timestamp(self, name: str) -> datetime | None:
        raw = self._given(name)
        return None if raw is None else bind_datetime(name, raw)

    def order(self, allowed: tuple[str, ...]) -> str | None:
        return bind_order(self.text("orderBy"), allowed)


def collection(
    items: list[JsonObject], query: Query, default_page_size: int | None = DEFAULT_PAGE_SIZE
) -> JsonObject:
    """One page of ``items`` as the service pages: ``pageNumber`` from 1, ``Total`` counts all."""
    page_size = query.integer("pageSize", default_page_size, maximum=MAX_PAGE_SIZE)
    page_number = query.integer("pageNumber", 1) or 1
    if page_size is not None:
        start = (page_number - 1) * page_size
        items_on_page = items[start : start + page_size]
    else:
        items_on_page = items if page_number == 1 else []
    fields = query.text("fields")
    page = [select_fields(item, fields) for item in items_on_page]
    return {"Items": page, "Meta": {"Total": len(items)}}


# --------------------------------------------------------------------- the simulated operations


@dataclass(frozen=True)
class Call:
    """One request to a simulated operation, as its handler sees it."""

    params: dict[str, str]
    query: Query
    body: bytes
    content_type: str
    # Consumes a planned failure (FakeOktawaveServer.fail_next_operations) matching this request.
    will_fail: Callable[[], bool]

    def path_id(self, maximum: int = MAX_INT32) -> int:
        return bind_integer("id", self.params["id"], maximum=maximum)

    def command(self) -> object:
        """The body bound to a command, from JSON or a form (the contract's ``consumes``)."""
        if not self.body.strip():
            return None
        if self.content_type in _JSON_TYPES:
            try:
                return json.loads(self.body.decode("utf-8"))
            except (ValueError, UnicodeDecodeError) as error:
                raise ApiError.invalid({"command": [f"Invalid JSON: {error}"]}) from None
        if self.content_type == FORM_TYPE:
            form = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
            return {key: values[0] for key, values in form.items()}
        media = self.content_type or "(none)"
        message = f"The request entity's media type '{media}' is not supported for this resource."
        raise ApiError(415, {"Message": message})

    def single(self, obj: JsonObject) -> JsonObject:
        return select_fields(obj, self.query.text("fields"))


Handler = Callable[[FakeState, Call], JsonObject]


def _instances_get(state: FakeState, call: Call) -> JsonObject:
    query = call.query
    items = state.list_instances(
        template_type_id=query.integer("templateTypeId"),
        is_turned_on=query.boolean("isTurnedOn"),
        subregion_id=query.integer("subregionId"),
        type_id=query.integer("typeId"),
        query=query.text("query"),
        order_by=query.order(INSTANCE_ORDER_FIELDS),
    )
    return collection(items, query)


def _instances_get_0(state: FakeState, call: Call) -> JsonObject:
    return call.single(state.get_instance(call.path_id()))


def _instances_get_snapshots(state: FakeState, call: Call) -> JsonObject:
    items = state.list_instance_snapshots(call.path_id())
    # The contract gives this operation no paging, so by default it answers everything.
    return collection(items, call.query, default_page_size=None)


def _instances_post_snapshot(state: FakeState, call: Call) -> JsonObject:
    instance_id = call.path_id()
    return call.single(state.create_snapshot(instance_id, call.command(), call.will_fail))


def _snapshots_get(state: FakeState, call: Call) -> JsonObject:
    query = call.query
    items = state.list_snapshots(
        query.integer("instanceId"), query.text("query"), query.order(SNAPSHOT_ORDER_FIELDS)
    )
    return collection(items, query)


def _snapshots_get_0(state: FakeState, call: Call) -> JsonObject:
    return call.single(state.get_snapshot(call.path_id()))


def _snapshots_put(state: FakeState, call: Call) -> JsonObject:
    snapshot_id = call.path_id()
    return call.single(state.update_snapshot(snapshot_id, call.command()))


def _snapshots_delete(state: FakeState, call: Call) -> JsonObject:
    return call.single(state.delete_snapshot(call.path_id(), call.will_fail))


def _snapshots_restore(state: FakeState, call: Call) -> JsonObject:
    return call.single(state.restore_snapshot(call.path_id(), call.will_fail))


def _tickets_get(state: FakeState, call: Call) -> JsonObject:
    query = call.query
    items = state.list_tickets(
        status_id=query.integer("statusId"),
        created_from=query.timestamp("creationDateFrom"),
        created_to=query.timestamp("creationDateTo"),
        order_by=query.order(TICKET_ORDER_FIELDS),
    )
    return collection(items, query)


def _tickets_get_0(state: FakeState, call: Call) -> JsonObject:
    # Ticket ids are Int64 in the contract, unlike every other id here.
    return call.single(state.get_ticket(call.path_id(maximum=MAX_INT64)))


#: operationId -> handler, for every operation the fake simulates.
SIMULATED: dict[str, Handler] = {
    "instances_get": _instances_get,
    "instances_get_0": _instances_get_0,
    "instances_get_snapshots": _instances_get_snapshots,
    "instances_post_snapshot": _instances_post_snapshot,
    "snapshots_get": _snapshots_get,
    "snapshots_get_0": _snapshots_get_0,
    "snapshots_put": _snapshots_put,
    "snapshots_delete": _snapshots_delete,
    "snapshots_restore": _snapshots_restore,
    "tickets_get": _tickets_get,
    "tickets_get_0": _tickets_get_0,
}
