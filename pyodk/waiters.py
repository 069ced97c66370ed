"""Waiting for long-running operations: ``wait_for_ticket`` and the create/restore/delete-and-wait
operations built on it.

Creating, restoring and deleting a snapshot answer at once with a Ticket; the work goes on in the
background. ``wait_for_ticket`` polls ``GET /tickets/{id}`` until the ticket's EndDate is set, as
Oktawave's own Terraform provider does, with three differences: the first polls come sooner (most
operations are quick) and the interval then backs off gently to the provider's 10 s; transient
failures are tolerated only while they are consecutive; and the wait has a deadline.

Clock and sleep are parameters, so that tests need not wait for real time. Left out, they are
looked up when the wait starts: real time (``time.monotonic``, ``time.sleep``), unless a test has
installed another source with ``use_time_source`` for a while, as pyodk.testing's ``fake_oktawave``
fixture does so that waits against the fake skip ahead instead of sleeping.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, NamedTuple, TypedDict

from pyodk.api.oci_snapshots_api import OCISnapshotsApi
from pyodk.api.tickets_api import TicketsApi
from pyodk.api_client import ApiClient
from pyodk.exceptions import (
    ApiTypeError,
    ApiValueError,
    ServerError,
    TicketError,
    TicketFailedError,
    TicketTimeoutError,
    TooManyRequestsError,
    TransportError,
)
from pyodk.models import CreateUpdateSnapshotCommand, Snapshot, Ticket
from pyodk.pagination import paginate
from pyodk.retry import parse_retry_after

if TYPE_CHECKING:
    from typing import Protocol

    # typing.Unpack is 3.11+; type checkers know typing_extensions without it being installed.
    from typing_extensions import Unpack

    class _HasApiClient(Protocol):
        api_client: ApiClient


__all__ = [
    "DEFAULT_MAX_POLL_FAILURES",
    "DEFAULT_MAX_POLL_INTERVAL",
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_TIMEOUT",
    "LISTING_PAGE_SIZE",
    "WaitOptions",
    "create_snapshot_and_wait",
    "delete_snapshot_and_wait",
    "restore_snapshot_and_wait",
    "use_time_source",
    "wait_for_ticket",
]

logger = logging.getLogger("pyodk")

#: Seconds a wait may last before TicketTimeoutError.
DEFAULT_TIMEOUT = 600.0
#: Seconds before the first poll; each later interval is BACKOFF_FACTOR times the one before.
DEFAULT_POLL_INTERVAL = 1.0
#: The longest interval: Oktawave's Terraform provider polls every 10 s throughout.
DEFAULT_MAX_POLL_INTERVAL = 10.0
#: Consecutive failed polls tolerated, as in Oktawave's Terraform provider; one more is raised.
DEFAULT_MAX_POLL_FAILURES = 5
#: Gentle: from 1 s it takes about six polls (some 20 s) to reach the 10 s ceiling.
BACKOFF_FACTOR = 1.5
#: Where the back-off starts from when ``poll_interval`` is 0 ("poll at once"): 0 times the factor
#: stays 0, and the polls would come back to back for the whole wait.
_SMALLEST_GROWN_INTERVAL = 0.1

#: The shortest time a poll gets, however little of the wait is left: a poll at the deadline
#: still has a chance, and the wait overruns its timeout by at most this much.
_MIN_POLL_TIME = 1.0
#: Page size when listing an instance's snapshots: few requests, even for large trees. Public,
#: so that every listing of snapshots (the command line's too) asks for the same.
LISTING_PAGE_SIZE = 500

#: Errors that say nothing about the ticket, only about this one poll.
_TRANSIENT_ERRORS = (TransportError, ServerError, TooManyRequestsError)

ProgressCallback = Callable[[Ticket], None]

_NOTHING_REPORTED = object()


class WaitOptions(TypedDict, total=False):
    """The keyword arguments of ``wait_for_ticket`` that the ``*_and_wait`` operations pass on."""

    timeout: float
    poll_interval: float
    on_progress: ProgressCallback | None
    max_poll_interval: float
    max_poll_failures: int
    clock: Callable[[], float] | None
    sleep: Callable[[float], None] | None


#: What each wait option must be (WaitOptions names them all): seconds, a count, a callable.
_SECONDS_OPTIONS = ("timeout", "poll_interval", "max_poll_interval")
_COUNT_OPTIONS = ("max_poll_failures",)
_CALLABLE_OPTIONS = ("on_progress", "clock", "sleep")


def _check_wait_options(caller: str, options: Mapping[str, object]) -> None:
    """Refuse a wait option that is unknown, of the wrong type or out of range.

    Called before the first request of every waiter, so that a bad option never leaves a
    snapshot created, restored or deleted with nobody waiting for it.

    :raises ApiTypeError: an unknown option, or a value of the wrong type.
    :raises ApiValueError: a number out of range.
    """
    for name, value in options.items():
        if name in _SECONDS_OPTIONS:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _wrong_option(caller, name, "a number of seconds", value)
            if not (math.isfinite(value) and value >= 0):
                raise ApiValueError(
                    f"{caller}(): `{name}` must be a finite number of seconds, 0 or more, "
                    f"got {value!r}"
                )
        elif name in _COUNT_OPTIONS:
            if isinstance(value, bool) or not isinstance(value, int):
                raise _wrong_option(caller, name, "an int", value)
            if value < 0:
                raise ApiValueError(f"{caller}(): `{name}` must be 0 or more, got {value}")
        elif name in _CALLABLE_OPTIONS:
            if value is not None and not callable(value):
                raise _wrong_option(caller, name, "callable or None", value)
        else:
            known = ", ".join(sorted(WaitOptions.__annotations__))
            raise ApiTypeError(f"{caller}(): unknown wait option {name!r}; the options are {known}")


def _wrong_option(caller: str, name: str, expected: str, value: object) -> ApiTypeError:
    return ApiTypeError(
        f"{caller}(): `{name}` must be {expected}, got {type(value).__name__} {value!r}"
    )


class _TimeSource(NamedTuple):
    clock: Callable[[], float]
    sleep: Callable[[float], None]


#: What waits use when given no clock= or sleep=; None means real time. Set only by use_time_source.
_time_source: _TimeSource | None = None


@contextmanager
def use_time_source(clock: Callable[[], float], sleep: Callable[[float], None]) -> Iterator[None]:
    """Within the block, waits given no ``clock=`` or ``sleep=`` use these instead of real time.

    For test fixtures (pyodk.testing's ``fake_oktawave`` uses it): the previous source is back when
    the block ends, however it ends, so blocks nest. It is process-wide, for every thread.

    :param clock: seconds, monotonic, like ``time.monotonic``.
    :param sleep: waits (or pretends to wait) seconds, like ``time.sleep``.
    """
    global _time_source
    previous, _time_source = _time_source, _TimeSource(clock, sleep)
    try:
        yield
    finally:
        _time_source = previous


def _time_now() -> tuple[Callable[[], float], Callable[[float], None]]:
    """The installed time source, else real time looked up now (so that patching time works)."""
    source = _time_source
    return (source.clock, source.sleep) if source is not None else (time.monotonic, time.sleep)


def wait_for_ticket(
    api_client: ApiClient | _HasApiClient,
    ticket_or_id: Ticket | int,
    timeout: float = DEFAULT_TIMEOUT,
    poll_interval: float = DEFAULT_POLL_INTERVAL,
    on_progress: ProgressCallback | None = None,
    *,
    max_poll_interval: float = DEFAULT_MAX_POLL_INTERVAL,
    max_poll_failures: int = DEFAULT_MAX_POLL_FAILURES,
    clock: Callable[[], float] | None = None,
    sleep: Callable[[float], None] | None = None,
) -> Ticket:
    """Poll a ticket until it finishes; return the finished, successful Ticket.

    :param api_client: the ApiClient to poll with (an API object such as ``OCISnapshotsApi``
        also works: its ``api_client`` is used).
    :param ticket_or_id: the Ticket an operation returned, or a ticket id. Given a Ticket, the
        first poll waits ``poll_interval``; given an id, it happens at once.
    :param float timeout: seconds to wait in all, a poll in flight included (each poll's
        ``_call_timeout`` is what is left, at least a second); the last poll happens when they
        run out.
    :param float poll_interval: seconds before the first poll; later intervals grow by half each
        time (from 0.1 s when it is 0), up to ``max_poll_interval``.
    :param on_progress: called with the first ticket seen, then with every ticket whose Progress
        differs from the one before.
    :param int max_poll_failures: consecutive polls that may fail with a connection error, a 5xx
        or a 429 (after the client's own retries) before that error is raised.
    :param clock: seconds, monotonic; ``sleep``: waits seconds. Both injectable for tests; left
        out, real time, or the source ``use_time_source`` installed.
    :return: Ticket, with ``end_date`` set and Status 136 (Succeed)
    :raises TicketFailedError: the ticket finished in Status 137 (Error), or any status but 136.
    :raises TicketTimeoutError: it had not finished when ``timeout`` ran out.
    Both carry the last ticket seen as ``.ticket``.
    :raises ApiTypeError, ApiValueError: an option of the wrong type or out of range, or a
        ticket without an id; before any request.
    """
    _check_wait_options(
        "wait_for_ticket",
        {
            "timeout": timeout,
            "poll_interval": poll_interval,
            "on_progress": on_progress,
            "max_poll_interval": max_poll_interval,
            "max_poll_failures": max_poll_failures,
            "clock": clock,
            "sleep": sleep,
        },
    )
    default_clock, default_sleep = _time_now()
    clock = default_clock if clock is None else clock
    sleep = default_sleep if sleep is None else sleep
    client = _client_of(api_client)
    tickets_api = TicketsApi(client)
    deadline = clock() + timeout

    ticket: Ticket | None
    if isinstance(ticket_or_id, Ticket):
        if ticket_or_id.id is None:
            raise ApiValueError(
                "the ticket has no id to poll (was it fetched with a fields filter?)"
            )
        # Just returned by the operation: nothing can have happened yet, so wait before polling.
        ticket, ticket_id = ticket_or_id, ticket_or_id.id
        delay, interval = poll_interval, _grow(poll_interval, max_poll_interval)
    elif isinstance(ticket_or_id, int) and not isinstance(ticket_or_id, bool):
        ticket, ticket_id = None, ticket_or_id
        delay, interval = 0.0, poll_interval
    else:
        raise ApiTypeError(f"expected a Ticket or a ticket id, got {type(ticket_or_id).__name__}")

    reported: object = _NOTHING_REPORTED
    polls = failures = 0
    while True:
        if ticket is not None:
            if on_progress is not None and ticket.progress != reported:
                reported = ticket.progress
                on_progress(ticket)
            if ticket.is_finished:
                return _result(ticket)
        remaining = deadline - clock()
        # At least one poll, so that even timeout=0 looks at the ticket once.
        if polls > 0 and remaining <= 0:
            raise TicketTimeoutError(_timeout_message(ticket_id, timeout, ticket), ticket)
        sleep(max(0.0, min(delay, remaining)))
        polls += 1
        try:
            ticket = tickets_api.tickets_get_0(
                ticket_id, _call_timeout=_poll_budget(client, deadline - clock())
            )
        except _TRANSIENT_ERRORS as error:
            failures += 1
            if failures > max_poll_failures:
                raise
            logger.info(
                "polling ticket %s failed (%d of %d tolerated in a row): %s",
                ticket_id,
                failures,
                max_poll_failures,
                error.reason,
            )
            retry_after = parse_retry_after((error.headers or {}).get("Retry-After"))
            delay = max(interval, retry_after or 0.0)
        else:
            failures = 0
            delay = interval
        interval = _grow(interval, max_poll_interval)


def create_snapshot_and_wait(
    api: OCISnapshotsApi,
    instance_id: int,
    command: CreateUpdateSnapshotCommand | str | None = None,
    **wait: Unpack[WaitOptions],
) -> Snapshot:
    """Create a snapshot of an instance, wait for it, and return the new Snapshot.

    ``instances_post_snapshot`` plus ``wait_for_ticket`` plus finding the snapshot: the ticket
    names the instance, not the snapshot it made. The new snapshot is found this way:

    1. before creating, the instance's snapshot ids and its current snapshot are noted;
    2. once the ticket succeeds, the candidates are the instance's snapshots that were not there
       before and carry the command's name and description;
    3. of several candidates, the one whose parent is the snapshot that was current before wins,
       then the current one, then the oldest (lowest id).

    So other snapshots sharing the name never confuse it, old or new, unless someone else creates
    one with the same name and description on the same instance during the wait, or renames the
    new one before the wait ends (then no candidate is found). A unique name makes it certain.

    :param OCISnapshotsApi api: the API object to call.
    :param int instance_id: Instance id (required)
    :param command: a CreateUpdateSnapshotCommand, or just a name (the description then keeps the
        command's default), or None for the default command.
    :param wait: ``timeout``, ``poll_interval``, ``on_progress``, ``max_poll_interval``,
        ``max_poll_failures``, ``clock``, ``sleep``: as for ``wait_for_ticket``.
    :return: Snapshot
    :raises TicketFailedError, TicketTimeoutError: as ``wait_for_ticket``.
    :raises TicketError: the ticket succeeded but no new snapshot with that name is on the
        instance, or the operation answered no ticket to follow (null, or no Id).
    :raises ApiTypeError, ApiValueError: a wait option or the command refused, before anything
        is sent.
    """
    _check_waiter_call("create_snapshot_and_wait", api, wait)
    if command is None or isinstance(command, str):
        name = command
        command = CreateUpdateSnapshotCommand()
        if name is not None:
            command.name = name
    elif not isinstance(command, CreateUpdateSnapshotCommand):
        raise ApiTypeError(
            f"create_snapshot_and_wait(): `command` must be a CreateUpdateSnapshotCommand, a name "
            f"or None, got {type(command).__name__}"
        )
    before = _snapshots_of(api, instance_id)
    seen_ids = {s.id for s in before}
    previous_current = next((s.id for s in before if s.is_current), None)

    ticket = _ticket_to_follow(
        "instances_post_snapshot", api.instances_post_snapshot(instance_id, command)
    )
    finished = wait_for_ticket(api.api_client, ticket, **wait)

    after = _snapshots_of(api, instance_id)
    candidates = [
        s
        for s in after
        # The service may answer "" for a description it was not given.
        if s.id not in seen_ids
        and s.name == command.name
        and (s.description or "") == (command.description or "")
    ]
    if not candidates:
        raise TicketError(
            f"ticket {finished.id} succeeded, but instance {instance_id} has no new snapshot "
            f"named {command.name!r}; was it renamed or deleted meanwhile?",
            finished,
        )

    def preference(snapshot: Snapshot) -> tuple[bool, bool, int]:
        parent_id = snapshot.snapshot_parent.id if snapshot.snapshot_parent else None
        # False sorts first: a child of the previous current one, then the current one.
        return (
            parent_id != previous_current,
            not snapshot.is_current,
            snapshot.id if snapshot.id is not None else 0,
        )

    return min(candidates, key=preference)


def _snapshots_of(api: OCISnapshotsApi, instance_id: int) -> list[Snapshot]:
    """Every snapshot of the instance, over all pages (snapshots_get pages; a big tree may not fit
    in one answer, and the new snapshot must not fall off the first page)."""
    return list(paginate(api.snapshots_get, instance_id=instance_id, page_size=LISTING_PAGE_SIZE))


def restore_snapshot_and_wait(
    api: OCISnapshotsApi,
    snapshot_id: int,
    **wait: Unpack[WaitOptions],
) -> Ticket:
    """Restore an instance to a snapshot (``snapshots_restore``) and wait until it is done.

    Afterwards the snapshot is its instance's current one.

    :param OCISnapshotsApi api: the API object to call.
    :param int snapshot_id: Snapshot id (required)
    :param wait: ``timeout``, ``poll_interval``, ``on_progress``, ``max_poll_interval``,
        ``max_poll_failures``, ``clock``, ``sleep``: as for ``wait_for_ticket``.
    :return: Ticket, finished and successful
    :raises TicketFailedError, TicketTimeoutError: as ``wait_for_ticket``.
    :raises TicketError: the operation answered no ticket to follow (null, or no Id).
    :raises ApiTypeError, ApiValueError: a wait option refused, before anything is sent.
    """
    _check_waiter_call("restore_snapshot_and_wait", api, wait)
    ticket = _ticket_to_follow("snapshots_restore", api.snapshots_restore(snapshot_id))
    return wait_for_ticket(api.api_client, ticket, **wait)


def delete_snapshot_and_wait(
    api: OCISnapshotsApi,
    snapshot_id: int,
    **wait: Unpack[WaitOptions],
) -> Ticket:
    """Delete a snapshot (``snapshots_delete``) and wait until it is gone.

    Its child snapshots move up to its parent.

    :param OCISnapshotsApi api: the API object to call.
    :param int snapshot_id: Snapshot id (required)
    :param wait: ``timeout``, ``poll_interval``, ``on_progress``, ``max_poll_interval``,
        ``max_poll_failures``, ``clock``, ``sleep``: as for ``wait_for_ticket``.
    :return: Ticket, finished and successful
    :raises TicketFailedError, TicketTimeoutError: as ``wait_for_ticket``.
    :raises TicketError: the operation answered no ticket to follow (null, or no Id).
    :raises ApiTypeError, ApiValueError: a wait option refused, before anything is sent.
    """
    _check_waiter_call("delete_snapshot_and_wait", api, wait)
    ticket = _ticket_to_follow("snapshots_delete", api.snapshots_delete(snapshot_id))
    return wait_for_ticket(api.api_client, ticket, **wait)


def _check_waiter_call(caller: str, api: object, wait: Mapping[str, object]) -> None:
    """What every ``*_and_wait`` checks before its first request: the API object and the wait
    options (a misspelt or mistyped option after a POST would leave its work unwatched)."""
    if not isinstance(api, OCISnapshotsApi):
        raise ApiTypeError(f"{caller}(): expected an OCISnapshotsApi, got {type(api).__name__}")
    _check_wait_options(caller, wait)


def _ticket_to_follow(operation: str, answer: Ticket | None) -> Ticket:
    """The Ticket a started operation answered, if it can be followed.

    One that cannot (null, or no Id) is a TicketError, not the ApiValueError that
    ``wait_for_ticket`` gives a caller's Ticket without an Id: the request was sent, so this is
    no refused argument, and the operation may well be going on.
    """
    if answer is not None and answer.id is not None:
        return answer
    what = "null" if answer is None else "a Ticket without an Id"
    raise TicketError(
        f"{operation} answered {what}, so there is no ticket to follow; the operation was sent "
        f"and may be going on at Oktawave",
        answer,
    )


def _poll_budget(client: ApiClient, remaining: float) -> float:
    """A poll's ``_call_timeout``: what the wait has left (at least ``_MIN_POLL_TIME``), and no
    more than any call of the client may take."""
    budget = max(remaining, _MIN_POLL_TIME)
    ceiling = client.configuration.call_timeout
    return budget if ceiling is None else min(budget, ceiling)


def _grow(interval: float, ceiling: float) -> float:
    grown = max(interval * BACKOFF_FACTOR, _SMALLEST_GROWN_INTERVAL)
    return max(interval, min(ceiling, grown))


def _client_of(api_client: ApiClient | _HasApiClient) -> ApiClient:
    if isinstance(api_client, ApiClient):
        return api_client
    client = getattr(api_client, "api_client", None)
    if isinstance(client, ApiClient):
        return client
    raise ApiTypeError(f"expected an ApiClient or an API object, got {type(api_client).__name__}")


def _result(ticket: Ticket) -> Ticket:
    if ticket.succeeded:
        return ticket
    status = ticket.status
    label = f"{status.label} (Status {status.id})" if status is not None else "an unknown status"
    raise TicketFailedError(f"{_describe(ticket)} ended in {label}", ticket)


def _timeout_message(ticket_id: int, timeout: float, ticket: Ticket | None) -> str:
    if ticket is None:
        return f"ticket {ticket_id} could not be read within {timeout:g} s"
    progress = f"{ticket.progress}%" if ticket.progress is not None else "unknown progress"
    return f"{_describe(ticket)} had not finished after {timeout:g} s ({progress})"


def _describe(ticket: Ticket) -> str:
    """E.g. ``ticket 880001 (Create snapshot on web-prod-01, id 56)``: what the user started."""
    what = ticket.operation_type.label if ticket.operation_type else None
    target = ticket.object_name or ""
    if ticket.object_id is not None:
        target = f"{target}, id {ticket.object_id}" if target else f"id {ticket.object_id}"
    details = " on ".join(part for part in (what, target) if part)
    return f"ticket {ticket.id} ({details})" if details else f"ticket {ticket.id}"
