"""Walking every page of a collection operation: ``paginate``.

The API pages by number (``pageNumber`` from 1, ``pageSize``) and tells the number of matches in
``Meta.Total``; there are no cursors. ``paginate`` hides that loop, fetching each page only when the
one before has been used up, so at most one page is held at a time.

What happens when the collection changes during a walk, since each page is a separate request:

- an item added after the last page fetched so far (new snapshots, in the default order or
  ``order_by='CreationDate'``) is yielded: the walk follows the latest ``Meta.Total``;
- an item added on a page already walked pushes the following items one place on; the item pushed
  onto the next page is not yielded twice, because pyodk remembers the previous page's ids
  (this holds while fewer than ``page_size`` items are added between two pages); the added item
  itself is not yielded;
- an item removed from a page already walked pulls the following items one place back, so one item
  per removal moves onto a walked page and is missed.

No item is yielded twice; every item that is there for the whole walk is yielded unless an item
before it was removed meanwhile. To act on every item while removing some (deleting old snapshots,
say), collect their ids first, then act.

Ids are what a walk goes by: a page repeats the one before when every id on it was on the one
before. A ``fields`` filter that leaves out the Id would leave look-alike items (most snapshots,
under ``fields='IsCurrent'``), so paginate adds the Id to the filter it sends and removes it from
the items it yields. Items that come without an id anyway are never dropped one by one; a whole
page of them equal to the page before, item for item, is taken for a repeat.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from pyodk.exceptions import ApiTypeError, ApiValueError, PaginationError
from pyodk.models.base import model_class

if TYPE_CHECKING:
    from pyodk.api.operation import Operation

__all__ = ["DEFAULT_PAGE_SIZE", "Paged", "paginate"]

logger = logging.getLogger("pyodk")

DEFAULT_PAGE_SIZE = 100

T = TypeVar("T")


class _Collection(Protocol[T]):
    """What collection models share; lets type checkers see paginate(api.snapshots_get) yield
    Snapshots and paginate(tickets_api.tickets_get) Tickets."""

    @property
    def items(self) -> list[T] | None: ...


#: Options that change what an operation returns; a walk needs the plain collection.
_REFUSED_OPTIONS = ("async_req", "_preload_content", "_return_http_data_only", "page_number")


class Paged(Generic[T]):
    """The items of every page of a collection operation, fetched lazily.

    Iterate it for the items, or call ``by_page()`` for lists of items, one per page. Each
    iteration walks again from page 1, with new requests.
    """

    def __init__(
        self,
        fetch: Callable[[int | None, int | None], Any],
        page_size: int,
        max_items: int | None,
        pageable: bool,
        name: str,
        *,
        hide_ids: bool = False,
    ) -> None:
        self._fetch = fetch
        self._page_size = page_size
        self._max_items = max_items
        self._pageable = pageable
        self._name = name
        self._hide_ids = hide_ids

    def __iter__(self) -> Iterator[T]:
        for page in self.by_page():
            items = iter(page)
            # The exhausted iterator lets go of the page before the next one is fetched.
            del page
            yield from items

    def by_page(self) -> Iterator[list[T]]:
        """Yield the items page by page (a page left empty by ``max_items`` is not yielded)."""
        remaining = self._max_items
        if remaining == 0:
            return
        if not self._pageable:
            # The operation takes no page parameters: its one answer is the whole collection.
            collection = self._fetch(None, None)
            items: list[T] = self._items_of(collection, None)
            total = _total(collection)
            if total is not None and total > len(items):
                logger.warning(
                    "%s answered %d of %d items and cannot be asked for more pages",
                    self._name,
                    len(items),
                    total,
                )
            page = items if remaining is None else items[:remaining]
            if page:
                yield page
            return

        # No point asking for more than will be used.
        size = self._page_size if remaining is None else min(self._page_size, remaining)
        before = _PageMemory()
        number = 1
        while True:
            collection = self._fetch(number, size)
            items = self._items_of(collection, number)
            total = _total(collection)
            ids = [_item_id(item) for item in items]
            content = _content(items) if items and all(i is None for i in ids) else None
            if before.repeats(ids, content):
                # The server ignores pageNumber (with or without Meta.Total): asking on would
                # fetch the same page for ever.
                raise PaginationError(
                    f"{self._name} answered page {number} with the items of page {number - 1}; "
                    f"the server seems to ignore pageNumber, so the walk stops here"
                )
            # An item whose id was on the page before was pushed on by an insertion: yielded
            # already. Items without an id cannot be told apart, so none of them is dropped.
            fresh = [
                item
                for item, item_id in zip(items, ids, strict=True)
                if item_id is None or item_id not in before.ids
            ]
            before.remember(ids, content)
            if number == 1 and 0 < len(items) < size and total is not None and total > len(items):
                # A first page short of Meta.Total: the server caps the page size. Carrying on
                # with its size keeps page numbers and offsets in step.
                logger.info("%s pages by %d items, not %d", self._name, len(items), size)
                size = len(items)
            if remaining is not None:
                fresh = fresh[:remaining]
                remaining -= len(fresh)
            if self._hide_ids:
                for item in fresh:
                    # paginate asked for the Id only to tell pages apart; the caller did not.
                    item.id = None  # type: ignore[attr-defined]
            if fresh:
                yield fresh
            if (
                not items
                or len(items) < size
                or (total is not None and number * size >= total)
                or remaining == 0
            ):
                return
            number += 1
            # Let go of this page before fetching the next: one page held at a time, not two.
            del collection, items, fresh

    def _items_of(self, collection: Any, number: int | None) -> list[T]:
        """The items of page ``number`` (None: of the one answer); a null answer or a null item
        is no page that can be walked."""
        answered = (
            f"{self._name} answered" if number is None else f"{self._name} answered page {number}"
        )
        if collection is None:
            raise PaginationError(
                f"{answered} with null instead of a collection (Items and Meta); "
                f"the walk stops here"
            )
        items: list[T] = list(collection.items or [])
        for position, item in enumerate(items, 1):
            if item is None:
                raise PaginationError(
                    f"{answered} with a null item (item {position} of {len(items)}); "
                    f"the walk stops here"
                )
        return items

    def __repr__(self) -> str:
        limit = "" if self._max_items is None else f", max_items={self._max_items}"
        return f"Paged({self._name}, page_size={self._page_size}{limit})"


def paginate(
    operation: Callable[..., _Collection[T]],
    *args: Any,
    page_size: int = DEFAULT_PAGE_SIZE,
    max_items: int | None = None,
    **kwargs: Any,
) -> Paged[T]:
    """Every item of a collection operation, over all its pages, fetched lazily.

    >>> for snapshot in pyodk.paginate(api.snapshots_get, instance_id=56, order_by='Name'):
    ...     print(snapshot.id, snapshot.name)

    Nothing is requested until the result is iterated. The walk stops at an empty page, a page
    shorter than ``page_size``, or once the pages fetched cover ``Meta.Total``: with a total, it
    makes at most total / page size requests (rounded up, at least one); without, one more than
    the full pages. A page that repeats the one before raises PaginationError on the second
    request, whatever total the server claims.

    :param operation: a collection method of a pyodk API object, e.g. ``api.snapshots_get``,
        ``oci_api.instances_get`` or ``tickets_api.tickets_get``: every operation of the contract
        whose answer is a page of a collection. One that takes no page parameters, such as
        ``instances_get_snapshots``, is called once.
    :param args: positional arguments of the operation (e.g. an instance id).
    :param int page_size: items per request.
    :param int max_items: stop after this many items (None: all).
    :param kwargs: the operation's other keyword arguments (``query``, ``order_by``, ``fields``,
        ``_request_timeout``, ...); ``page_number`` is paginate's to set.
    :return: Paged, iterable; ``.by_page()`` yields a list of items per page.
    :raises ApiTypeError: the operation does not return a collection, or an option would change
        what it returns (``async_req``, ``_preload_content``, ``_return_http_data_only``).
    :raises ApiValueError: ``page_size`` or ``max_items`` out of range.
    :raises PaginationError: while walking, a page repeated the page before it, or an answer was
        null or held a null item; the message names the operation and the page.
    """
    name, declared = _describe_operation(operation)
    for option in _REFUSED_OPTIONS:
        if option in kwargs:
            raise ApiTypeError(f"paginate() sets up each call itself; do not pass {option!r}")
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise ApiValueError(f"page_size must be an int >= 1, got {page_size!r}")
    if max_items is not None and (
        isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0
    ):
        raise ApiValueError(f"max_items must be None or an int >= 0, got {max_items!r}")

    pageable = declared.collection == "paged"
    fields = _fields_with_id(declared, kwargs.get("fields")) if pageable else None
    if fields is not None:
        kwargs["fields"] = fields

    def fetch(number: int | None, size: int | None) -> Any:
        paging = {} if number is None else {"page_number": number, "page_size": size}
        return operation(*args, **kwargs, **paging)

    return Paged(fetch, page_size, max_items, pageable, name, hide_ids=fields is not None)


def _describe_operation(operation: Callable[..., Any]) -> tuple[str, Operation]:
    """The name of an API method and its Operation, which declares its collection kind.

    pyodk's API methods carry their Operation (``method.operation``), which says whether the
    operation lists a collection and whether it takes page numbers: nothing is guessed from
    parameter names or docstrings.
    """
    if not callable(operation):
        raise ApiTypeError(f"paginate() needs an API method, got {type(operation).__name__}")
    name = getattr(operation, "__name__", None) or type(operation).__name__
    declared = getattr(operation, "operation", None)
    if declared is None:
        raise ApiTypeError(
            f"paginate() needs a collection method of a pyodk API class, such as snapshots_get "
            f"or instances_get; {name} is not one (a method generated elsewhere, or a "
            f"_with_http_info twin, declares no paging)"
        )
    if declared.collection is None:
        returns = declared.response_type or "nothing"
        raise ApiTypeError(
            f"paginate() needs an operation that returns a collection (Items and Meta), such as "
            f"snapshots_get or tickets_get; {name} returns {returns}"
        )
    return name, declared


def _fields_with_id(declared: Operation, fields: Any) -> str | None:
    """The ``fields`` filter to send instead of one that leaves out the items' Id, else None.

    Ids are what tells a repeated page from a page of look-alikes (under ``fields='IsCurrent'``
    most snapshots look the same), so the walk asks for the Id too, and hands the items back
    without it.
    """
    if not isinstance(fields, str) or not fields.strip():
        # No filter: every key comes, the Id too. A wrong type is the operation's to refuse.
        return None
    if any(name.strip().lower() == "id" for name in fields.split(",")):
        return None
    id_key = _item_id_key(declared)
    # Items without an Id (LoadBalancer) leave nothing to ask for.
    return None if id_key is None else f"{fields},{id_key}"


def _item_id_key(declared: Operation) -> str | None:
    """The wire name of the id of the operation's items (``Id``), if they have one."""
    collection = model_class(declared.response_type or "")
    item_type = collection.swagger_types.get("items", "")
    if not (item_type.startswith("list[") and item_type.endswith("]")):
        return None
    key: str | None = model_class(item_type[5:-1]).attribute_map.get("id")
    return key


def _total(collection: Any) -> int | None:
    meta = getattr(collection, "meta", None)
    total = getattr(meta, "total", None)
    return total if isinstance(total, int) else None


class _PageMemory:
    """What a walk remembers of the page before, to tell a repeat and the items it already had.

    A page repeats the one before when every item has an id and every id was on it. Items
    without an id cannot be told apart from their namesakes, so only a whole page of them equal
    to the page before, item for item, counts as a repeat.
    """

    def __init__(self) -> None:
        self.ids: frozenset[Any] = frozenset()
        self._content: str | None = None

    def repeats(self, ids: list[Any], content: str | None) -> bool:
        if content is not None:
            return content == self._content
        return bool(ids) and all(item_id is not None and item_id in self.ids for item_id in ids)

    def remember(self, ids: list[Any], content: str | None) -> None:
        self.ids = frozenset(item_id for item_id in ids if item_id is not None)
        self._content = content


def _item_id(item: Any) -> Any:
    return getattr(item, "id", None)


def _content(items: list[Any]) -> str:
    """A page's items as comparable text, for pages whose items carry no id."""
    return json.dumps(
        [item.to_json() if callable(getattr(item, "to_json", None)) else item for item in items],
        sort_keys=True,
        default=str,
    )
