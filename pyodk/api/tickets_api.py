"""TicketsApi: the long-running operations behind create, delete and restore."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from pyodk.api.operation import (
    FIELDS,
    PATH_ID,
    AnyCallOptions,
    CallOptions,
    HttpInfoOptions,
    Operation,
    paging_params,
)
from pyodk.api_client import ApiClient
from pyodk.models import ApiCollectionTicket, Ticket

if TYPE_CHECKING:
    from multiprocessing.pool import AsyncResult

    # typing.Unpack is 3.11+; type checkers know typing_extensions without it being installed,
    # and nothing imports it at run time.
    from typing_extensions import Unpack

    from pyodk.api.operation import HttpInfo

_TICKETS_GET = Operation(
    "tickets_get", "GET", "/tickets", (*paging_params(), FIELDS), "ApiCollectionTicket"
)
_TICKETS_GET_0 = Operation("tickets_get_0", "GET", "/tickets/{id}", (PATH_ID, FIELDS), "Ticket")


class TicketsApi:
    """Tickets: the state of asynchronous operations (Status 134 New, 135 Running, 136 Succeed,
    137 Error; finished once ``end_date`` is set).

    Every method has a ``_with_http_info`` twin returning ``(data, status, headers)``, and accepts
    ``async_req``, ``_preload_content``, ``_request_timeout`` and ``_return_http_data_only``.
    """

    def __init__(self, api_client: ApiClient | None = None) -> None:
        self.api_client = api_client if api_client is not None else ApiClient()

    @overload
    def tickets_get(
        self,
        *,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[CallOptions],
    ) -> ApiCollectionTicket: ...

    @overload
    def tickets_get(
        self,
        *,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: Literal[True],
        **kwargs: Unpack[CallOptions],
    ) -> AsyncResult[ApiCollectionTicket]: ...

    @overload
    def tickets_get(
        self,
        *,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def tickets_get(self, **kwargs: Any) -> Any:
        """Returns ticket collection

        GET /tickets

        :param async_req bool: run in the client's thread pool; returns an AsyncResult
        :param str query: Query
        :param int page_size: Page size
        :param int page_number: Page number (starts at 1)
        :param str order_by: Order by
        :param str fields: Response fields filter
        :return: ApiCollectionTicket
        """
        return _TICKETS_GET.call(self.api_client, kwargs)

    @overload
    def tickets_get_with_http_info(
        self,
        *,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[HttpInfoOptions],
    ) -> HttpInfo[ApiCollectionTicket]: ...

    @overload
    def tickets_get_with_http_info(
        self,
        *,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: Literal[True],
        **kwargs: Unpack[HttpInfoOptions],
    ) -> AsyncResult[HttpInfo[ApiCollectionTicket]]: ...

    @overload
    def tickets_get_with_http_info(
        self,
        *,
        query: str | None = ...,
        page_size: int | None = ...,
        page_number: int | None = ...,
        order_by: str | None = ...,
        fields: str | None = ...,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def tickets_get_with_http_info(self, **kwargs: Any) -> Any:
        """Returns ticket collection, with the HTTP status and headers

        :param str query: Query
        :param int page_size: Page size
        :param int page_number: Page number (starts at 1)
        :param str order_by: Order by
        :param str fields: Response fields filter
        :return: (ApiCollectionTicket, status, headers)
        """
        return _TICKETS_GET.call_with_http_info(self.api_client, kwargs)

    @overload
    def tickets_get_0(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[CallOptions],
    ) -> Ticket: ...

    @overload
    def tickets_get_0(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[True],
        **kwargs: Unpack[CallOptions],
    ) -> AsyncResult[Ticket]: ...

    @overload
    def tickets_get_0(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def tickets_get_0(self, id: int, **kwargs: Any) -> Any:
        """Gets ticket

        GET /tickets/{id}

        :param async_req bool: run in the client's thread pool; returns an AsyncResult
        :param int id: Ticket id (required)
        :param str fields: Response fields filter
        :return: Ticket
        """
        return _TICKETS_GET_0.call(self.api_client, kwargs, id=id)

    @overload
    def tickets_get_0_with_http_info(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[False] = ...,
        **kwargs: Unpack[HttpInfoOptions],
    ) -> HttpInfo[Ticket]: ...

    @overload
    def tickets_get_0_with_http_info(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: Literal[True],
        **kwargs: Unpack[HttpInfoOptions],
    ) -> AsyncResult[HttpInfo[Ticket]]: ...

    @overload
    def tickets_get_0_with_http_info(
        self,
        id: int,
        *,
        fields: str | None = ...,
        async_req: bool | None = ...,
        **kwargs: Unpack[AnyCallOptions],
    ) -> Any: ...

    def tickets_get_0_with_http_info(self, id: int, **kwargs: Any) -> Any:
        """Gets ticket, with the HTTP status and headers

        :param int id: Ticket id (required)
        :param str fields: Response fields filter
        :return: (Ticket, status, headers)
        """
        return _TICKETS_GET_0.call_with_http_info(self.api_client, kwargs, id=id)
