"""The fake service's memory: instances, snapshot trees, tickets and OAuth2 tokens.

Everything here is guarded by one lock, so the HTTP threads never see half an operation.
Tickets finish lazily: every public method first settles the tickets whose time has come
(``_settle``), so any read sees the same world a real, eagerly-working service would show.
Wire rendering (PascalCase JSON, ASP.NET-style datetimes) lives here too, because
``get_snapshot_json`` and friends must give exactly what the HTTP layer sends.

Datetimes are kept aware, in UTC; one rendered without an offset means UTC as well.
"""

from __future__ import annotations

import enum
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from pyodk.testing.clock import Clock

JsonObject = dict[str, Any]

MAX_INT32 = 2**31 - 1

TICKET_STATUS_DICTIONARY = 40
STATUS_NEW = 134
STATUS_RUNNING = 135
STATUS_SUCCEED = 136
STATUS_ERROR = 137
STATUS_LABELS = {
    STATUS_NEW: "New",
    STATUS_RUNNING: "Running",
    STATUS_SUCCEED: "Succeed",
    STATUS_ERROR: "Error",
}

# The real dictionary ids for operation and object types are not public; these are the fake's own.
OPERATION_TYPE_DICTIONARY = 45
OBJECT_TYPE_DICTIONARY = 46

# Instance status (dictionary 27): the ids Oktawave's Terraform provider uses; the labels are ours.
INSTANCE_STATUS_DICTIONARY = 27
INSTANCE_POWERED_ON = 86
INSTANCE_POWERED_OFF = 87
INSTANCE_STATUS_LABELS = {INSTANCE_POWERED_ON: "Powered on", INSTANCE_POWERED_OFF: "Powered off"}

# Instance types (dictionary 12) and template types (dictionary 52) are the fake's own ids.
INSTANCE_TYPE_DICTIONARY = 12
TEMPLATE_TYPE_DICTIONARY = 52


@dataclass(frozen=True)
class InstanceType:
    """An instance type: the vCPUs and memory an instance of it has."""

    id: int
    label: str
    cpu_number: int
    ram_mb: int


INSTANCE_TYPES = {
    t.id: t
    for t in (
        InstanceType(1501, "v1.standard-1.2", 1, 2048),
        InstanceType(1502, "v1.standard-2.4", 2, 4096),
        InstanceType(1503, "v1.standard-4.8", 4, 8192),
        InstanceType(1504, "v1.highmem-4.32", 4, 32768),
        InstanceType(1505, "v1.highcpu-16.12", 16, 12288),
    )
}
DEFAULT_INSTANCE_TYPE = 1502
TEMPLATE_TYPE_OCI = 1611
TEMPLATE_TYPE_MARKETPLACE = 1612
TEMPLATE_TYPES = {TEMPLATE_TYPE_OCI: "OCI", TEMPLATE_TYPE_MARKETPLACE: "Marketplace"}
DEFAULT_SUBREGION = 4

# The order values each collection's contract description lists, spelled as listed.
SNAPSHOT_ORDER_FIELDS = ("CreationDate", "Description", "IsCurrent", "Name", "Instance")
TICKET_ORDER_FIELDS = ("CreationDate", "Status", "OperationType")
INSTANCE_ORDER_FIELDS = ("Type", "Status", "CreationDate", "Name")

NAME_PATTERN = r"^[^\/\\|<>%]*$"
DESCRIPTION_PATTERN = r"^[^\/]*$"
NAME_MAX_LENGTH = 500

SCOPE = "oktawave.api"


class ApiError(Exception):
    """An answer the service gives instead of a result: status plus ASP.NET-style JSON body."""

    def __init__(self, status: int, body: JsonObject, headers: dict[str, str] | None = None):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}

    @classmethod
    def invalid(cls, model_state: dict[str, list[str]]) -> ApiError:
        return cls(400, {"Message": "The request is invalid.", "ModelState": model_state})

    @classmethod
    def not_found(cls, message: str) -> ApiError:
        return cls(404, {"Message": message})


class OAuthError(Exception):
    """A token-endpoint failure, answered with an RFC 6749 error body."""

    def __init__(self, status: int, error: str, description: str):
        super().__init__(f"{status}: {error}")
        self.status = status
        self.error = error
        self.description = description


@dataclass(frozen=True)
class User:
    id: int
    login: str
    first_name: str
    last_name: str

    def to_json(self) -> JsonObject:
        return {
            "Id": self.id,
            "Login": self.login,
            "FirstName": self.first_name,
            "LastName": self.last_name,
        }


SYSTEM_USER = User(1, "system@oktawave.com", "Oktawave", "System")
DEFAULT_USER = User(48213, "jan.kowalski@example.com", "Jan", "Kowalski")
OTHER_USER = User(48377, "anna.nowak@example.com", "Anna", "Nowak")


class Operation(enum.Enum):
    """What a ticket does: (operation type id, label, object type id, object type label)."""

    CREATE = (1541, "Create snapshot", 1, "OCI")
    RESTORE = (1542, "Restore snapshot", 1586, "Snapshot")
    DELETE = (1543, "Delete snapshot", 1586, "Snapshot")

    @property
    def type_item(self) -> JsonObject:
        return dictionary_item(self.value[0], self.value[1], OPERATION_TYPE_DICTIONARY)

    @property
    def object_type_item(self) -> JsonObject:
        return dictionary_item(self.value[2], self.value[3], OBJECT_TYPE_DICTIONARY)


def dictionary_item(item_id: int, label: str, dictionary_id: int) -> JsonObject:
    return {"Id": item_id, "Label": label, "Dictionary": {"Id": dictionary_id, "Links": []}}


def format_datetime(moment: datetime, object_id: int) -> str:
    """Render like ASP.NET does: 7 fractional digits, and an offset style that varies by object.

    The real service mixes ``+01:00``, ``Z`` and no offset at all; the fake does the same, but
    deterministically per object id so that tests can rely on what they get. A datetime without
    an offset is in UTC.
    """
    utc = moment.astimezone(timezone.utc)
    seventh_digit = object_id % 10
    style = object_id % 3
    if style == 0:
        local = utc.astimezone(timezone(timedelta(hours=1)))
        suffix = "+01:00"
    elif style == 1:
        local, suffix = utc, "Z"
    else:
        local, suffix = utc, ""
    return f"{local:%Y-%m-%dT%H:%M:%S}.{local.microsecond:06d}{seventh_digit}{suffix}"


@dataclass
class Instance:
    id: int
    name: str
    creation_date: datetime
    subregion_id: int
    type_id: int
    template_type_id: int
    is_turned_on: bool
    current_snapshot_id: int | None = None


@dataclass
class Snapshot:
    id: int
    instance_id: int
    name: str
    description: str | None
    creation_date: datetime
    last_change_date: datetime
    creation_user: User
    is_system: bool
    parent_id: int | None


@dataclass
class Ticket:
    id: int
    operation: Operation
    object_id: int
    object_name: str
    instance_id: int
    started: float
    duration: float
    will_fail: bool
    creation_date: datetime
    creation_user: User
    new_name: str = ""
    new_description: str | None = None
    status: int = STATUS_NEW
    end_date: datetime | None = None

    @property
    def due(self) -> float:
        return self.started + max(self.duration, 0.0)

    @property
    def finished(self) -> bool:
        return self.end_date is not None


@dataclass
class _Token:
    expires_at: float
    scope: str


_UNSET: Any = object()


class FakeState:
    """Thread-safe model of one Oktawave account's instances, snapshots, tickets and tokens."""

    def __init__(
        self,
        *,
        ticket_duration: float = 1.0,
        token_lifetime: float = 3600.0,
        clock: Clock = time.monotonic,
        client_id: str = "pyodk-test-client",
        client_secret: str = "pyodk-test-secret",
        username: str = DEFAULT_USER.login,
        password: str = "correct horse battery staple",
        seed_defaults: bool = True,
    ) -> None:
        self._lock = threading.RLock()
        self._clock = clock
        self._clock_origin = clock()
        self._wall_origin = datetime.now(timezone.utc)
        self._initial_ticket_duration = checked_ticket_duration(ticket_duration)
        self._seed_defaults_on_reset = seed_defaults
        self.token_lifetime = token_lifetime
        self.client_id = client_id
        self.client_secret = client_secret
        self.username = username
        self.password = password
        self.access_token = "fake-static-" + secrets.token_urlsafe(24)
        self.reset()

    def reset(self) -> None:
        """Back to the account as it was constructed: seed, ids, ticket duration, no tokens issued.

        The static ``access_token``, the credentials and the clock stay: clients that hold them
        keep working, and time never runs backwards.
        """
        with self._lock:
            self._ticket_duration = self._initial_ticket_duration
            self.token_fetches = 0
            self._instances: dict[int, Instance] = {}
            self._snapshots: dict[int, Snapshot] = {}
            self._tickets: dict[int, Ticket] = {}
            self._tokens: dict[str, _Token] = {}
            self._refresh_tokens: dict[str, str] = {}
            self._next_snapshot_id = 5001
            self._next_ticket_id = 880001
            self._next_instance_id = 1000
            if self._seed_defaults_on_reset:
                self._seed_defaults()

    # ----------------------------------------------------------------- time

    @property
    def ticket_duration(self) -> float:
        """Seconds each operation started from now on takes."""
        return self._ticket_duration

    @ticket_duration.setter
    def ticket_duration(self, seconds: float) -> None:
        self._ticket_duration = checked_ticket_duration(seconds)

    def now(self) -> datetime:
        """Wall time as the injected clock sees it, so that dates follow a fake clock too."""
        return self._wall_origin + timedelta(seconds=self._clock() - self._clock_origin)

    # ----------------------------------------------------------------- seeding

    def _seed_defaults(self) -> None:
        def at(text: str) -> datetime:
            return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)

        web = self.add_instance(
            "web-prod-01", 56, creation_date=at("2024-11-04T09:12:45.331000"),
        )  # fmt: skip
        self.add_snapshot(
            web, "Base image", "Ubuntu 22.04 template", is_system=True,
            creation_user=SYSTEM_USER, creation_date=at("2025-03-02T08:00:12.481516"),
        )  # fmt: skip
        before = self.add_snapshot(
            web, "before-nginx-upgrade", "Nginx 1.24 with TLS config",
            creation_date=at("2025-06-11T21:14:03.002731"),
        )  # fmt: skip
        self.add_snapshot(
            web, "php8-experiment", "Trying PHP 8.3 FPM", creation_user=OTHER_USER,
            creation_date=at("2025-07-30T10:45:51.993021"), parent_id=before, make_current=False,
        )  # fmt: skip
        self.add_snapshot(
            web, "after-nginx-upgrade", "Nginx 1.26, verified", parent_id=before,
            creation_date=at("2025-09-18T06:30:00.000001"),
        )  # fmt: skip

        db = self.add_instance(
            "db-main", 57, type_id=1504, creation_date=at("2024-11-04T09:40:02.870000"),
        )  # fmt: skip
        self.add_snapshot(
            db, "Automatic backup", "Nightly system snapshot", is_system=True,
            creation_user=SYSTEM_USER, creation_date=at("2025-10-01T01:00:00.250000"),
        )  # fmt: skip
        self.add_snapshot(
            db, "pre-migration", "Before schema migration 42",
            creation_date=at("2025-10-14T17:22:41.777777"),
        )  # fmt: skip

        worker = self.add_instance(
            "worker-eu-1", 112, subregion_id=1, type_id=1503,
            creation_date=at("2024-12-19T14:03:27.450000"),
        )  # fmt: skip
        self.add_snapshot(
            worker, "Base image", "Debian 12 template", is_system=True,
            creation_user=SYSTEM_USER, creation_date=at("2025-01-20T12:00:00.120000"),
        )  # fmt: skip
        self.add_snapshot(
            worker, "queue-tuned", "RabbitMQ prefetch tuned", creation_user=OTHER_USER,
            creation_date=at("2025-02-05T09:09:09.090909"),
        )  # fmt: skip

        self.add_instance(
            "empty-sandbox", 230, subregion_id=1, type_id=1501,
            template_type_id=TEMPLATE_TYPE_MARKETPLACE, is_turned_on=False,
            creation_date=at("2025-08-21T16:55:10.010000"),
        )  # fmt: skip

    def add_instance(
        self,
        name: str = "web-1",
        id: int | None = None,  # noqa: A002
        *,
        subregion_id: int = DEFAULT_SUBREGION,
        type_id: int = DEFAULT_INSTANCE_TYPE,
        template_type_id: int = TEMPLATE_TYPE_OCI,
        is_turned_on: bool = True,
        creation_date: datetime | None = None,
    ) -> int:
        """Add an instance with no snapshots; the keywords are what ``GET /instances`` filters."""
        _check_instance_settings(name, id, subregion_id, type_id, template_type_id, is_turned_on)
        with self._lock:
            if id is None:
                while self._next_instance_id in self._instances:
                    self._next_instance_id += 1
                id = self._next_instance_id
                self._next_instance_id += 1
            if id in self._instances:
                raise ValueError(f"instance {id} already exists")
            self._instances[id] = Instance(
                id=id,
                name=name,
                creation_date=_utc(creation_date or self.now()),
                subregion_id=subregion_id,
                type_id=type_id,
                template_type_id=template_type_id,
                is_turned_on=is_turned_on,
            )
            return id

    def add_snapshot(
        self,
        instance_id: int,
        name: str = "Snapshot name",
        description: str | None = "Snapshot description",
        *,
        is_system: bool = False,
        creation_user: User | dict[str, Any] | None = None,
        creation_date: datetime | None = None,
        parent_id: int | None = _UNSET,
        make_current: bool = True,
        id: int | None = None,  # noqa: A002
    ) -> int:
        """Seed a snapshot directly, with no ticket. ``parent_id`` defaults to the current one."""
        with self._lock:
            self._settle()
            instance = self._instance(instance_id)
            if parent_id is _UNSET:
                parent_id = instance.current_snapshot_id
            if parent_id is not None:
                parent = self._snapshot(parent_id)
                if parent.instance_id != instance_id:
                    raise ValueError(f"snapshot {parent_id} belongs to another instance")
            if id is not None and id in self._snapshots:
                raise ValueError(f"snapshot {id} already exists")
            user = _user_from(creation_user)
            date = _utc(creation_date or self.now())
            snapshot_id = self._new_snapshot_id() if id is None else id
            self._snapshots[snapshot_id] = Snapshot(
                snapshot_id, instance_id, name, description, date, date, user, is_system, parent_id
            )
            if make_current or instance.current_snapshot_id is None:
                instance.current_snapshot_id = snapshot_id
            return snapshot_id

    def _new_snapshot_id(self) -> int:
        while self._next_snapshot_id in self._snapshots:
            self._next_snapshot_id += 1
        self._next_snapshot_id += 1
        return self._next_snapshot_id - 1

    # ----------------------------------------------------------------- lookups

    def _instance(self, instance_id: int) -> Instance:
        try:
            return self._instances[instance_id]
        except KeyError:
            raise ApiError.not_found(f"Instance {instance_id} was not found.") from None

    def _snapshot(self, snapshot_id: int) -> Snapshot:
        try:
            return self._snapshots[snapshot_id]
        except KeyError:
            raise ApiError.not_found(f"Snapshot {snapshot_id} was not found.") from None

    def _ticket(self, ticket_id: int) -> Ticket:
        try:
            return self._tickets[ticket_id]
        except KeyError:
            raise ApiError.not_found(f"Ticket {ticket_id} was not found.") from None

    # ----------------------------------------------------------------- rendering

    def _snapshot_json(self, snapshot: Snapshot) -> JsonObject:
        instance = self._instances[snapshot.instance_id]
        parent = None if snapshot.parent_id is None else {"Id": snapshot.parent_id}
        return {
            "Id": snapshot.id,
            "Name": snapshot.name,
            "Description": snapshot.description,
            "Instance": {"Id": snapshot.instance_id},
            "CreationDate": format_datetime(snapshot.creation_date, snapshot.id),
            "LastChangeDate": format_datetime(snapshot.last_change_date, snapshot.id),
            "CreationUser": snapshot.creation_user.to_json(),
            "IsSystem": snapshot.is_system,
            "IsCurrent": instance.current_snapshot_id == snapshot.id,
            "SnapshotParent": parent,
        }

    def _instance_json(self, instance: Instance) -> JsonObject:
        """An ``Instance`` of the contract; what the fake does not model is null, as unset."""
        kind = INSTANCE_TYPES[instance.type_id]
        status = INSTANCE_POWERED_ON if instance.is_turned_on else INSTANCE_POWERED_OFF
        # The service locks an instance while an operation on it runs.
        lock = min(
            (t for t in self._tickets.values() if t.instance_id == instance.id and not t.finished),
            key=lambda t: t.id,
            default=None,
        )
        return {
            "Id": instance.id,
            "Name": instance.name,
            "CreationDate": format_datetime(instance.creation_date, instance.id),
            "CreationUser": DEFAULT_USER.to_json(),
            "IsLocked": lock is not None,
            "LockingDate": None if lock is None else format_datetime(lock.creation_date, lock.id),
            "Template": None,
            "Subregion": {"Id": instance.subregion_id},
            "Type": dictionary_item(kind.id, kind.label, INSTANCE_TYPE_DICTIONARY),
            "Status": dictionary_item(
                status, INSTANCE_STATUS_LABELS[status], INSTANCE_STATUS_DICTIONARY
            ),
            "SystemCategory": None,
            "AutoscalingType": None,
            "VmWareToolsStatus": None,
            "MonitStatus": None,
            "TemplateType": dictionary_item(
                instance.template_type_id,
                TEMPLATE_TYPES[instance.template_type_id],
                TEMPLATE_TYPE_DICTIONARY,
            ),
            "IpAddress": _public_ip(instance.id),
            "PrivateIpAddress": _private_ip(instance.id),
            "DnsAddress": None,
            "TotalDisksCapacity": None,
            "PaymentType": None,
            "HealthCheck": None,
            "ScsiControllerType": None,
            "IsFreemium": False,
            "CpuNumber": kind.cpu_number,
            "RamMb": kind.ram_mb,
            "SupportType": None,
        }

    def _progress(self, ticket: Ticket) -> int:
        if ticket.finished:
            return 100
        if ticket.duration <= 0:
            return 0
        elapsed = self._clock() - ticket.started
        return max(0, min(99, int(100 * elapsed / ticket.duration)))

    def _ticket_json(self, ticket: Ticket) -> JsonObject:
        progress = self._progress(ticket)
        if ticket.finished:
            status = ticket.status
        else:
            status = STATUS_NEW if progress == 0 else STATUS_RUNNING
        end_date = None if ticket.end_date is None else format_datetime(ticket.end_date, ticket.id)
        return {
            "Id": ticket.id,
            "CreationDate": format_datetime(ticket.creation_date, ticket.id),
            "CreationUser": ticket.creation_user.to_json(),
            "EndDate": end_date,
            "Status": dictionary_item(status, STATUS_LABELS[status], TICKET_STATUS_DICTIONARY),
            "OperationType": ticket.operation.type_item,
            "ObjectId": ticket.object_id,
            "ObjectType": ticket.operation.object_type_item,
            "ObjectName": ticket.object_name,
            "Progress": progress,
        }

    # ----------------------------------------------------------------- tickets finishing

    def _settle(self) -> None:
        """Finish, exactly once and in the order they fall due, the tickets whose time has come."""
        now = self._clock()
        due = [t for t in self._tickets.values() if not t.finished and t.due <= now]
        for ticket in sorted(due, key=lambda t: (t.due, t.id)):
            ticket.status = STATUS_ERROR if ticket.will_fail else self._apply(ticket)
            ticket.end_date = self._wall_at(ticket.due)

    def _wall_at(self, clock_time: float) -> datetime:
        return self._wall_origin + timedelta(seconds=clock_time - self._clock_origin)

    def _apply(self, ticket: Ticket) -> int:
        instance = self._instances.get(ticket.instance_id)
        if instance is None:
            return STATUS_ERROR
        if ticket.operation is Operation.CREATE:
            when = self._wall_at(ticket.due)
            snapshot_id = self._new_snapshot_id()
            self._snapshots[snapshot_id] = Snapshot(
                snapshot_id,
                instance.id,
                ticket.new_name,
                ticket.new_description,
                when,
                when,
                ticket.creation_user,
                False,
                instance.current_snapshot_id,
            )
            instance.current_snapshot_id = snapshot_id
            return STATUS_SUCCEED
        snapshot = self._snapshots.get(ticket.object_id)
        if snapshot is None:
            # Someone deleted it while this ticket was queued: the real service fails such work.
            return STATUS_ERROR
        if ticket.operation is Operation.RESTORE:
            instance.current_snapshot_id = snapshot.id
        else:
            self._remove_snapshot(instance, snapshot)
        return STATUS_SUCCEED

    def _remove_snapshot(self, instance: Instance, snapshot: Snapshot) -> None:
        del self._snapshots[snapshot.id]
        children = sorted(
            (s for s in self._snapshots.values() if s.parent_id == snapshot.id), key=lambda s: s.id
        )
        for child in children:
            child.parent_id = snapshot.parent_id
        if instance.current_snapshot_id != snapshot.id:
            return
        # Keep exactly one current snapshot: the parent, else the oldest child, else the newest one.
        remaining = [s for s in self._snapshots.values() if s.instance_id == instance.id]
        if snapshot.parent_id is not None:
            instance.current_snapshot_id = snapshot.parent_id
        elif children:
            instance.current_snapshot_id = children[0].id
        elif remaining:
            instance.current_snapshot_id = max(remaining, key=lambda s: s.id).id
        else:
            instance.current_snapshot_id = None

    def _start_ticket(
        self,
        operation: Operation,
        object_id: int,
        object_name: str,
        instance_id: int,
        will_fail: Callable[[], bool],
        new_name: str = "",
        new_description: str | None = None,
    ) -> JsonObject:
        ticket_id = self._next_ticket_id
        self._next_ticket_id += 1
        ticket = Ticket(
            id=ticket_id,
            operation=operation,
            object_id=object_id,
            object_name=object_name,
            instance_id=instance_id,
            started=self._clock(),
            duration=self.ticket_duration,
            will_fail=will_fail(),
            creation_date=self.now(),
            creation_user=DEFAULT_USER,
            new_name=new_name,
            new_description=new_description,
        )
        self._tickets[ticket_id] = ticket
        # Rendered before any settling: the answer to the request shows the ticket as accepted.
        return self._ticket_json(ticket)

    # ----------------------------------------------------------------- API operations

    def list_instances(
        self,
        *,
        template_type_id: int | None = None,
        is_turned_on: bool | None = None,
        subregion_id: int | None = None,
        type_id: int | None = None,
        query: str | None = None,
        order_by: str | None = None,
    ) -> list[JsonObject]:
        """Every match, ordered; the caller pages. ``query`` is part of the name, in any case."""
        with self._lock:
            self._settle()
            found = [
                self._instance_json(i)
                for i in sorted(self._instances.values(), key=lambda i: i.id)
                if (template_type_id is None or i.template_type_id == template_type_id)
                and (is_turned_on is None or i.is_turned_on == is_turned_on)
                and (subregion_id is None or i.subregion_id == subregion_id)
                and (type_id is None or i.type_id == type_id)
                and (not query or _matches(query, i.name))
            ]
        return _in_order(found, order_by)

    def get_instance(self, instance_id: int) -> JsonObject:
        with self._lock:
            self._settle()
            return self._instance_json(self._instance(instance_id))

    def list_instance_snapshots(self, instance_id: int) -> list[JsonObject]:
        with self._lock:
            self._settle()
            self._instance(instance_id)
            found = [s for s in self._snapshots.values() if s.instance_id == instance_id]
            return [self._snapshot_json(s) for s in sorted(found, key=lambda s: s.id)]

    def list_snapshots(
        self, instance_id: int | None, query: str | None, order_by: str | None
    ) -> list[JsonObject]:
        """Every match, ordered; the caller pages. An unknown ``instance_id`` matches nothing."""
        with self._lock:
            self._settle()
            found = [
                self._snapshot_json(s)
                for s in sorted(self._snapshots.values(), key=lambda s: s.id)
                if instance_id is None or s.instance_id == instance_id
            ]
        if query:
            found = [s for s in found if _matches(query, s["Name"], s["Description"])]
        return _in_order(found, order_by)

    def get_snapshot(self, snapshot_id: int) -> JsonObject:
        with self._lock:
            self._settle()
            return self._snapshot_json(self._snapshot(snapshot_id))

    def update_snapshot(self, snapshot_id: int, command: object) -> JsonObject:
        name, description = validate_command(command)
        with self._lock:
            self._settle()
            snapshot = self._snapshot(snapshot_id)
            snapshot.name = name
            snapshot.description = description
            snapshot.last_change_date = self.now()
            return self._snapshot_json(snapshot)

    def create_snapshot(
        self, instance_id: int, command: object, will_fail: Callable[[], bool]
    ) -> JsonObject:
        name, description = validate_command(command)
        with self._lock:
            self._settle()
            instance = self._instance(instance_id)
            return self._start_ticket(
                Operation.CREATE, instance.id, instance.name, instance.id, will_fail,
                name, description,
            )  # fmt: skip

    def restore_snapshot(self, snapshot_id: int, will_fail: Callable[[], bool]) -> JsonObject:
        return self._snapshot_operation(Operation.RESTORE, snapshot_id, will_fail)

    def delete_snapshot(self, snapshot_id: int, will_fail: Callable[[], bool]) -> JsonObject:
        return self._snapshot_operation(Operation.DELETE, snapshot_id, will_fail)

    def _snapshot_operation(
        self, operation: Operation, snapshot_id: int, will_fail: Callable[[], bool]
    ) -> JsonObject:
        with self._lock:
            self._settle()
            snapshot = self._snapshot(snapshot_id)
            return self._start_ticket(
                operation, snapshot.id, snapshot.name, snapshot.instance_id, will_fail
            )

    def list_tickets(
        self,
        *,
        status_id: int | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        order_by: str | None = None,
    ) -> list[JsonObject]:
        """Every match, ordered; the caller pages. Both creation-date bounds are inclusive."""
        with self._lock:
            self._settle()
            found = [
                self._ticket_json(t)
                for t in sorted(self._tickets.values(), key=lambda t: t.id)
                if (created_from is None or t.creation_date >= created_from)
                and (created_to is None or t.creation_date <= created_to)
            ]
        if status_id is not None:
            # The status a ticket shows (New or Running while it works), not the one it will end in.
            found = [t for t in found if t["Status"]["Id"] == status_id]
        return _in_order(found, order_by)

    def get_ticket(self, ticket_id: int) -> JsonObject:
        with self._lock:
            self._settle()
            return self._ticket_json(self._ticket(ticket_id))

    # ----------------------------------------------------------------- inspection helpers

    def snapshot_ids(self, instance_id: int | None = None) -> list[int]:
        with self._lock:
            self._settle()
            if instance_id is not None:
                self._instance(instance_id)
            return sorted(
                s.id
                for s in self._snapshots.values()
                if instance_id is None or s.instance_id == instance_id
            )

    def instance_ids(self) -> list[int]:
        with self._lock:
            return sorted(self._instances)

    def current_snapshot_id(self, instance_id: int) -> int | None:
        with self._lock:
            self._settle()
            return self._instance(instance_id).current_snapshot_id

    def tickets(
        self, *, object_id: int | None = None, instance_id: int | None = None
    ) -> list[JsonObject]:
        with self._lock:
            self._settle()
            return [
                self._ticket_json(t)
                for t in sorted(self._tickets.values(), key=lambda t: t.id)
                if (object_id is None or t.object_id == object_id)
                and (instance_id is None or t.instance_id == instance_id)
            ]

    def pending_ticket_count(self) -> int:
        with self._lock:
            self._settle()
            return sum(not t.finished for t in self._tickets.values())

    def finish_all_tickets(self) -> None:
        """Finish every queued ticket now, as if its time had come."""
        with self._lock:
            for ticket in self._tickets.values():
                if not ticket.finished:
                    ticket.started = min(ticket.started, self._clock() - max(ticket.duration, 0.0))
            self._settle()

    def state_dump(self) -> JsonObject:
        with self._lock:
            self._settle()
            instances = []
            for instance in sorted(self._instances.values(), key=lambda i: i.id):
                snapshots = sorted(
                    (s for s in self._snapshots.values() if s.instance_id == instance.id),
                    key=lambda s: s.id,
                )
                instances.append(
                    {
                        "id": instance.id,
                        "name": instance.name,
                        "current_snapshot_id": instance.current_snapshot_id,
                        "snapshots": [
                            {
                                "id": s.id,
                                "name": s.name,
                                "description": s.description,
                                "is_system": s.is_system,
                                "is_current": instance.current_snapshot_id == s.id,
                                "parent_id": s.parent_id,
                            }
                            for s in snapshots
                        ],
                    }
                )
            return {"instances": instances}

    # ----------------------------------------------------------------- OAuth2

    def grant(
        self, client_id: str | None, client_secret: str | None, form: dict[str, str]
    ) -> JsonObject:
        """Answer a token-endpoint request that has already been parsed from HTTP."""
        if client_id != self.client_id or client_secret != self.client_secret:
            raise OAuthError(401, "invalid_client", "Client authentication failed.")
        grant_type = form.get("grant_type")
        scope = form.get("scope") or SCOPE
        with self._lock:
            if grant_type == "password":
                if "username" not in form or "password" not in form:
                    raise OAuthError(400, "invalid_request", "username and password are required.")
                if form["username"] != self.username or form["password"] != self.password:
                    raise OAuthError(400, "invalid_grant", "Invalid username or password.")
                if set(scope.split()) - {SCOPE, "offline_access"}:
                    raise OAuthError(400, "invalid_scope", f"Unknown scope: {scope}")
            elif grant_type == "refresh_token":
                refresh = form.get("refresh_token")
                if not refresh:
                    raise OAuthError(400, "invalid_request", "refresh_token is required.")
                # Refresh tokens are one-time-use, as IdentityServer issues them by default.
                previous_scope = self._refresh_tokens.pop(refresh, None)
                if previous_scope is None:
                    raise OAuthError(400, "invalid_grant", "Unknown or used refresh token.")
                scope = previous_scope
            elif grant_type is None:
                raise OAuthError(400, "invalid_request", "grant_type is required.")
            else:
                raise OAuthError(400, "unsupported_grant_type", f"Unsupported: {grant_type}")
            access = "fake-at-" + secrets.token_urlsafe(24)
            refresh = "fake-rt-" + secrets.token_urlsafe(24)
            self._tokens[access] = _Token(self._clock() + self.token_lifetime, scope)
            self._refresh_tokens[refresh] = scope
            self.token_fetches += 1
        return {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": int(self.token_lifetime),
            "refresh_token": refresh,
            "scope": scope,
        }

    def token_is_valid(self, token: str) -> bool:
        if secrets.compare_digest(token, self.access_token):
            return True
        with self._lock:
            issued = self._tokens.get(token)
            return issued is not None and self._clock() < issued.expires_at

    def expire_tokens(self) -> None:
        """Expire every token the endpoint issued; the static ``access_token`` stays valid."""
        with self._lock:
            for token in self._tokens.values():
                token.expires_at = float("-inf")

    def revoke_refresh_tokens(self) -> None:
        with self._lock:
            self._refresh_tokens.clear()


# --------------------------------------------------------------------- validation and ordering


def validate_command(command: object) -> tuple[str, str | None]:
    """Check a CreateUpdateSnapshotCommand the way the service's model binding does.

    As .NET's data annotations do: ``[Required]`` refuses a Name that is only white space, and
    ``[StringLength]`` counts UTF-16 code units, so a character outside the BMP (an emoji) is 2.
    """
    if not isinstance(command, dict):
        raise ApiError.invalid({"command": ["The command field is required."]})
    errors: dict[str, list[str]] = {}
    name = command.get("Name")
    description = command.get("Description")
    if name is None or (isinstance(name, str) and is_blank(name)):
        errors["command.Name"] = ["The Name field is required."]
    elif not isinstance(name, str):
        errors["command.Name"] = ["The Name field must be a string."]
    else:
        name_errors = []
        if utf16_length(name) > NAME_MAX_LENGTH:
            name_errors.append(
                "The field Name must be a string with a minimum length of 1 and a maximum length"
                f" of {NAME_MAX_LENGTH}."
            )
        if not re.match(NAME_PATTERN, name):
            name_errors.append(
                f"The field Name must match the regular expression '{NAME_PATTERN}'."
            )
        if name_errors:
            errors["command.Name"] = name_errors
    if description is not None and not isinstance(description, str):
        errors["command.Description"] = ["The Description field must be a string."]
    elif description is not None and not re.match(DESCRIPTION_PATTERN, description):
        errors["command.Description"] = [
            f"The field Description must match the regular expression '{DESCRIPTION_PATTERN}'."
        ]
    if errors:
        raise ApiError.invalid(errors)
    assert isinstance(name, str)
    return name, description


def utf16_length(text: str) -> int:
    """The length .NET gives a string: UTF-16 code units, 2 for a character beyond U+FFFF."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def is_blank(text: str) -> bool:
    """``string.IsNullOrWhiteSpace`` for a non-null string: empty, or only .NET white space.

    .NET's white space is the Unicode separators plus TAB..CR and NEL; Python's ``isspace`` also
    counts the information separators U+001C..U+001F, which .NET does not.
    """
    return all(
        c in _DOTNET_SPACE_CONTROLS or unicodedata.category(c) in _DOTNET_SPACE_CATEGORIES
        for c in text
    )


_DOTNET_SPACE_CONTROLS = frozenset("\t\n\v\f\r\x85")
_DOTNET_SPACE_CATEGORIES = frozenset({"Zs", "Zl", "Zp"})


def _utc(moment: datetime) -> datetime:
    """Aware, in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def checked_ticket_duration(seconds: object) -> float:
    """A ticket duration as a float: a number of seconds, 0 or more (0 finishes an operation by
    the next request; infinity never does).

    :raises TypeError: not a number. :raises ValueError: negative, or NaN.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(
            f"ticket_duration must be a number of seconds, got {type(seconds).__name__} {seconds!r}"
        )
    if not seconds >= 0:  # NaN too
        raise ValueError(f"ticket_duration must be 0 or more seconds, got {seconds!r}")
    return float(seconds)


def _check_instance_settings(
    name: object,
    instance_id: object,
    subregion_id: object,
    type_id: object,
    template_type_id: object,
    is_turned_on: object,
) -> None:
    """Refuse, naming the argument, what would make an instance the contract cannot describe."""
    if not isinstance(name, str) or is_blank(name):
        raise ValueError(f"an instance needs a non-blank name, got {name!r}")
    for label, value in (
        ("id", instance_id),
        ("subregion_id", subregion_id),
        ("type_id", type_id),
        ("template_type_id", template_type_id),
    ):
        if value is None and label == "id":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INT32:
            raise ValueError(f"instance {label} must be an id, 1 to {MAX_INT32}, got {value!r}")
    if type_id not in INSTANCE_TYPES:
        raise ValueError(f"unknown type_id {type_id!r}; the fake has {sorted(INSTANCE_TYPES)}")
    if template_type_id not in TEMPLATE_TYPES:
        raise ValueError(
            f"unknown template_type_id {template_type_id!r}; the fake has {sorted(TEMPLATE_TYPES)}"
        )
    if not isinstance(is_turned_on, bool):
        raise ValueError(f"is_turned_on must be True or False, got {is_turned_on!r}")


def _public_ip(instance_id: int) -> str:
    # 198.18.0.0/15 is reserved for benchmarking: realistic-looking, never anyone's real address.
    return f"198.{18 + (instance_id >> 16) % 2}.{(instance_id >> 8) & 255}.{instance_id & 255}"


def _private_ip(instance_id: int) -> str:
    return f"10.{(instance_id >> 16) & 255}.{(instance_id >> 8) & 255}.{instance_id & 255}"


def _matches(query: str, *texts: object) -> bool:
    needle = query.casefold()
    return any(isinstance(t, str) and needle in t.casefold() for t in texts)


def _in_order(items: list[JsonObject], order_by: str | None) -> list[JsonObject]:
    """The items as the service orders them: by ``order_by`` if given, else as they are (by id)."""
    if order_by:
        items.sort(key=lambda item: _sort_key(item, order_by))
    return items


def _sort_key(item: JsonObject, order_by: str) -> tuple[Any, ...]:
    """Order as the service does: ascending, missing values first, ties broken by Id."""
    value: Any
    if order_by == "Instance":
        value = item["Instance"]["Id"]
    elif order_by in ("Status", "OperationType", "Type"):
        value = item[order_by]["Id"]
    elif order_by in ("Name", "Description", "ObjectName"):
        value = None if item[order_by] is None else item[order_by].casefold()
    else:
        value = item[order_by]
    if order_by in ("CreationDate", "EndDate") and value is not None:
        value = parse_wire_datetime(value)
    return (value is not None, value if value is not None else 0, item["Id"])


def parse_wire_datetime(text: str) -> datetime:
    """Read back what ``format_datetime`` wrote (no offset means UTC)."""
    match = re.fullmatch(r"(.*T\d\d:\d\d:\d\d)\.(\d{6})\d(Z|[+-]\d\d:\d\d)?", text)
    if match is None:
        raise ValueError(f"not a wire datetime: {text!r}")
    stamp, micro, offset = match.groups()
    parsed = datetime.fromisoformat(f"{stamp}.{micro}")
    if offset in (None, "Z"):
        return parsed.replace(tzinfo=timezone.utc)
    return parsed.replace(tzinfo=datetime.fromisoformat(f"2000-01-01T00:00:00{offset}").tzinfo)


def _user_from(value: User | dict[str, Any] | None) -> User:
    if value is None:
        return DEFAULT_USER
    if isinstance(value, User):
        return value
    return User(
        int(value.get("Id", DEFAULT_USER.id)),
        str(value.get("Login", DEFAULT_USER.login)),
        str(value.get("FirstName", DEFAULT_USER.first_name)),
        str(value.get("LastName", DEFAULT_USER.last_name)),
    )
