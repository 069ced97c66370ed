"""OCISnapshotsApi: the snapshot operations of Oktawave Cloud Instances."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from pyodk.api.operation import (
    FIELDS,
    PATH_ID,
    SNAPSHOT_ORDER_BY,
    AnyCallOptions,
    CallOptions,
    HttpInfoOptions,
    Operation,
    Param,
    paging_params,
)
from pyodk.api_client import ApiClient
from pyodk.models import ApiCollectionSnapshot, CreateUpdateSnapshotCommand, Snapshot, Ticket

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

    # typing.Unpack is 3.11+; type checkers know typing_extensions without it being installed,
    # and nothing imports it at run time.
    from typing_extensions import Unpack

    from pyodk.api.operation import HttpInfo

_COMMAND = Param("command", "command", "body", "CreateUpdateSnapshotCommand", required=True)

_INSTANCES_GET_SNAPSHOTS = Operation(
    "instances_get_snapshots",
    "GET",
    "/instances/{id}/snapshots",
    (PATH_ID, FIELDS),
    "ApiCollectionSnapshot",
)
_INSTANCES_POST_SNAPSHOT = Operation(
    "instances_post_snapshot", "POST", "/instances/{id}/snapshots", (PATH_ID, _COMMAND), "Ticket"
)
_SNAPSHOTS_DELETE = Operation("snapshots_delete", "DELETE", "/snapshots/{id}", (PATH_ID,), "Ticket")
_SNAPSHOTS_GET = Operation(
    "snapshots_get",
    "GET",
    "/snapshots",
    (
        Param("instance_id", "instanceId", "query", "int"),
        *paging_params(order_by=SNAPSHOT_ORDER_BY),
        FIELDS,
    ),
    "ApiCollectionSnapshot",
)
_SNAPSHOTS_GET_0 = Operation(
    "snapshots_get_0", "GET", "/snapshots/{id}", (PATH_ID, FIELDS), "Snapshot"
)
_SNAPSHOTS_PUT = Operation(
    "snapshots_put", "PUT", "/snapshots/{id}", (PATH_ID, _COMMAND), "Snapshot"
)
_SNAPSHOTS_RESTORE = Operation(
    "snapshots_restore", "POST", "/snapshots/{id}/restore_ticket", (PATH_ID,), "Ticket"
)


class OCISnapshotsApi:
    """Snapshots of OCI instances: list, create, read, rename, restore and delete.

    Every method has a ``_with_http_info`` twin returning ``(data, status, headers)``, and accepts
    ``async_req``, ``_preload_content``, ``_request_timeout`` and ``_return_http_data_only``.
    Creating, deleting and restoring return a Ticket: follow it with ``pyodk.wait_for_ticket``.
    """

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    @overload
    def instances_get_snapshots(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[CallOptions],
    ) -> ApiCollectionSnapshot: ...

    @overload
    def instances_get_snapshots(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[True],
        **kwargs: Unpack[CallOptions],
    ) -> AsyncResult[ApiCollectionSnapshot]: ...

    @overload
    def instances_get_snapshots(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def instances_get_snapshots(self, id: int, **kwargs: Any) -> Any:
        """Returns instance snapshots

        GET /instances/{id}/snapshots

        >>> thread = api.instances_get_snapshots(id, async_req=True)
        >>> result = thread.get()

        :param async_req bool: run in the client's thread pool; returns an AsyncResult
        :param int id: Instance identifier (required)
        :param str fields: Response fields filter
        :return: ApiCollectionSnapshot
        """
        return _INSTANCES_GET_SNAPSHOTS.call(self.api_client, kwargs, id=id)

    @overload
    def instances_get_snapshots_with_http_info(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[HttpInfoOptions],
    ) -> HttpInfo[ApiCollectionSnapshot]: ...

    @overload
    def instances_get_snapshots_with_http_info(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[True],
        **kwargs: Unpack[HttpInfoOptions],
    ) -> AsyncResult[HttpInfo[ApiCollectionSnapshot]]: ...

    @overload
    def instances_get_snapshots_with_http_info(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def instances_get_snapshots_with_http_info(self, id: int, **kwargs: Any) -> Any:
        """Returns instance snapshots, with the HTTP status and headers

        :param int id: Instance identifier (required)
        :param str fields: Response fields filter
        :return: (ApiCollectionSnapshot, status, headers)
        """
        return _INSTANCES_GET_SNAPSHOTS.call_with_http_info(self.api_client, kwargs, id=id)

    @overload
    def instances_post_snapshot(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[CallOptions],
    ) -> Ticket: ...

    @overload
    def instances_post_snapshot(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: Literal[True],
        **kwargs: Unpack[CallOptions],
    ) -> AsyncResult[Ticket]: ...

    @overload
    def instances_post_snapshot(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def instances_post_snapshot(
        self, id: int, command: CreateUpdateSnapshotCommand, **kwargs: Any
    ) -> Any:
        """Creates snapshot

        POST /instances/{id}/snapshots. The snapshot is made asynchronously: the Ticket names the
        instance (``object_id``); ``pyodk.create_snapshot_and_wait`` returns the new Snapshot.

        :param async_req bool: run in the client's thread pool; returns an AsyncResult
        :param int id: Instance id (required)
        :param CreateUpdateSnapshotCommand command: Create snapshot command (required)
        :return: Ticket
        """
        return _INSTANCES_POST_SNAPSHOT.call(self.api_client, kwargs, id=id, command=command)

    @overload
    def instances_post_snapshot_with_http_info(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[HttpInfoOptions],
    ) -> HttpInfo[Ticket]: ...

    @overload
    def instances_post_snapshot_with_http_info(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: Literal[True],
        **kwargs: Unpack[HttpInfoOptions],
    ) -> AsyncResult[HttpInfo[Ticket]]: ...

    @overload
    def instances_post_snapshot_with_http_info(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def instances_post_snapshot_with_http_info(
        self, id: int, command: CreateUpdateSnapshotCommand, **kwargs: Any
    ) -> Any:
        """Creates snapshot, with the HTTP status and headers

        :param int id: Instance id (required)
        :param CreateUpdateSnapshotCommand command: Create snapshot command (required)
        :return: (Ticket, status, headers)
        """
        return _INSTANCES_POST_SNAPSHOT.call_with_http_info(
            self.api_client, kwargs, id=id, command=command
        )

    @overload
    def snapshots_delete(
        self, id: int, *, async_req: Literal[False] = ..., **kwargs: Unpack[CallOptions]
    ) -> Ticket: ...

    @overload
    def snapshots_delete(
        self, id: int, *, async_req: Literal[True], **kwargs: Unpack[CallOptions]
    ) -> AsyncResult[Ticket]: ...

    @overload
    def snapshots_delete(
        self, id: int, *, async_req: bool | None = ..., **kwargs: Unpack[AnyCallOptions]
    ) -> Any: ...

    def snapshots_delete(self, id: int, **kwargs: Any) -> Any:
        """Delete snapshot

        DELETE /snapshots/{id}. Its child snapshots move up to its parent.

        :param async_req bool: run in the client's thread pool; returns an AsyncResult
        :param int id: Snapshot id (required)
        :return: Ticket
        """
        return _SNAPSHOTS_DELETE.call(self.api_client, kwargs, id=id)

    @overload
    def snapshots_delete_with_http_info(
        self, id: int, *, async_req: Literal[False] = ..., **kwargs: Unpack[HttpInfoOptions]
    ) -> HttpInfo[Ticket]: ...

    @overload
    def snapshots_delete_with_http_info(
        self, id: int, *, async_req: Literal[True], **kwargs: Unpack[HttpInfoOptions]
    ) -> AsyncResult[HttpInfo[Ticket]]: ...

    @overload
    def snapshots_delete_with_http_info(
        self, id: int, *, async_req: bool | None = ..., **kwargs: Unpack[AnyCallOptions]
    ) -> Any: ...

    def snapshots_delete_with_http_info(self, id: int, **kwargs: Any) -> Any:
        """Delete snapshot, with the HTTP status and headers

        :param int id: Snapshot id (required)
        :return: (Ticket, status, headers)
        """
        return _SNAPSHOTS_DELETE.call_with_http_info(self.api_client, kwargs, id=id)

    @overload
    def snapshots_get(
        self,
        *,
        instance_id: int | None = ...,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[CallOptions],
    ) -> ApiCollectionSnapshot: ...

    @overload
    def snapshots_get(
        self,
        *,
        instance_id: int | None = ...,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: Literal[True],
        **kwargs: Unpack[CallOptions],
    ) -> AsyncResult[ApiCollectionSnapshot]: ...

    @overload
    def snapshots_get(
        self,
        *,
        instance_id: int | None = ...,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def snapshots_get(self, **kwargs: Any) -> Any:
        """Returns snapshot collection

        GET /snapshots. Acceptable order values are: CreationDate, Description, IsCurrent, Name,
        Instance. Walk every page with ``pyodk.paginate(api.snapshots_get, ...)``.

        :param async_req bool: run in the client's thread pool; returns an AsyncResult
        :param int instance_id: Instance id
        :param str query: Query
        :param int page_size: Page size
        :param int page_number: Page number (starts at 1)
        :param str order_by: Order by
        :param str fields: Response fields filter
        :return: ApiCollectionSnapshot
        """
        return _SNAPSHOTS_GET.call(self.api_client, kwargs)

    @overload
    def snapshots_get_with_http_info(
        self,
        *,
        instance_id: int | None = ...,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[HttpInfoOptions],
    ) -> HttpInfo[ApiCollectionSnapshot]: ...

    @overload
    def snapshots_get_with_http_info(
        self,
        *,
        instance_id: int | None = ...,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: Literal[True],
        **kwargs: Unpack[HttpInfoOptions],
    ) -> AsyncResult[HttpInfo[ApiCollectionSnapshot]]: ...

    @overload
    def snapshots_get_with_http_info(
        self,
        *,
        instance_id: int | None = ...,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def snapshots_get_with_http_info(self, **kwargs: Any) -> Any:
        """Returns snapshot collection, with the HTTP status and headers

        :param int instance_id: Instance id
        :param str query: Query
        :param int page_size: Page size
        :param int page_number: Page number (starts at 1)
        :param str order_by: Order by
        :param str fields: Response fields filter
        :return: (ApiCollectionSnapshot, status, headers)
        """
        return _SNAPSHOTS_GET.call_with_http_info(self.api_client, kwargs)

    @overload
    def snapshots_get_0(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[CallOptions],
    ) -> Snapshot: ...

    @overload
    def snapshots_get_0(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[True],
        **kwargs: Unpack[CallOptions],
    ) -> AsyncResult[Snapshot]: ...

    @overload
    def snapshots_get_0(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def snapshots_get_0(self, id: int, **kwargs: Any) -> Any:
        """Gets snapshot

        GET /snapshots/{id}

        :param async_req bool: run in the client's thread pool; returns an AsyncResult
        :param int id: Snapshot id (required)
        :param str fields: Response fields filter
        :return: Snapshot
        """
        return _SNAPSHOTS_GET_0.call(self.api_client, kwargs, id=id)

    @overload
    def snapshots_get_0_with_http_info(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[HttpInfoOptions],
    ) -> HttpInfo[Snapshot]: ...

    @overload
    def snapshots_get_0_with_http_info(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[True],
        **kwargs: Unpack[HttpInfoOptions],
    ) -> AsyncResult[HttpInfo[Snapshot]]: ...

    @overload
    def snapshots_get_0_with_http_info(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def snapshots_get_0_with_http_info(self, id: int, **kwargs: Any) -> Any:
        """Gets snapshot, with the HTTP status and headers

        :param int id: Snapshot id (required)
        :param str fields: Response fields filter
        :return: (Snapshot, status, headers)
        """
        return _SNAPSHOTS_GET_0.call_with_http_info(self.api_client, kwargs, id=id)

    @overload
    def snapshots_put(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[CallOptions],
    ) -> Snapshot: ...

    @overload
    def snapshots_put(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: Literal[True],
        **kwargs: Unpack[CallOptions],
    ) -> AsyncResult[Snapshot]: ...

    @overload
    def snapshots_put(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def snapshots_put(self, id: int, command: CreateUpdateSnapshotCommand, **kwargs: Any) -> Any:
        """Update snapshot

        PUT /snapshots/{id}: sets its name and description.

        :param async_req bool: run in the client's thread pool; returns an AsyncResult
        :param int id: Snapshot id (required)
        :param CreateUpdateSnapshotCommand command: Update snapshot command (required)
        :return: Snapshot
        """
        return _SNAPSHOTS_PUT.call(self.api_client, kwargs, id=id, command=command)

    @overload
    def snapshots_put_with_http_info(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[HttpInfoOptions],
    ) -> HttpInfo[Snapshot]: ...

    @overload
    def snapshots_put_with_http_info(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: Literal[True],
        **kwargs: Unpack[HttpInfoOptions],
    ) -> AsyncResult[HttpInfo[Snapshot]]: ...

    @overload
    def snapshots_put_with_http_info(
        self,
        id: int,
        command: CreateUpdateSnapshotCommand,
        *,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def snapshots_put_with_http_info(
        self, id: int, command: CreateUpdateSnapshotCommand, **kwargs: Any
    ) -> Any:
        """Update snapshot, with the HTTP status and headers

        :param int id: Snapshot id (required)
        :param CreateUpdateSnapshotCommand command: Update snapshot command (required)
        :return: (Snapshot, status, headers)
        """
        return _SNAPSHOTS_PUT.call_with_http_info(self.api_client, kwargs, id=id, command=command)

    @overload
    def snapshots_restore(
        self, id: int, *, async_req: Literal[False] = ..., **kwargs: Unpack[CallOptions]
    ) -> Ticket: ...

    @overload
    def snapshots_restore(
        self, id: int, *, async_req: Literal[True], **kwargs: Unpack[CallOptions]
    ) -> AsyncResult[Ticket]: ...

    @overload
    def snapshots_restore(
        self, id: int, *, async_req: bool | None = ..., **kwargs: Unpack[AnyCallOptions]
    ) -> Any: ...

    def snapshots_restore(self, id: int, **kwargs: Any) -> Any:
        """Restore snapshot

        POST /snapshots/{id}/restore_ticket: the instance goes back to this snapshot, which becomes
        its current one.

        :param async_req bool: run in the client's thread pool; returns an AsyncResult
        :param int id: Snapshot id (required)
        :return: Ticket
        """
        return _SNAPSHOTS_RESTORE.call(self.api_client, kwargs, id=id)

    @overload
    def snapshots_restore_with_http_info(
        self, id: int, *, async_req: Literal[False] = ..., **kwargs: Unpack[HttpInfoOptions]
    ) -> HttpInfo[Ticket]: ...

    @overload
    def snapshots_restore_with_http_info(
        self, id: int, *, async_req: Literal[True], **kwargs: Unpack[HttpInfoOptions]
    ) -> AsyncResult[HttpInfo[Ticket]]: ...

    @overload
    def snapshots_restore_with_http_info(
        self, id: int, *, async_req: bool | None = ..., **kwargs: Unpack[AnyCallOptions]
    ) -> Any: ...

    def snapshots_restore_with_http_info(self, id: int, **kwargs: Any) -> Any:
        """Restore snapshot, with the HTTP status and headers

        :param int id: Snapshot id (required)
        :return: (Ticket, status, headers)
        """
        return _SNAPSHOTS_RESTORE.call_with_http_info(self.api_client, kwargs, id=id)
