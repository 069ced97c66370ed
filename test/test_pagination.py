"""paginate() against the fake server: totals, limits, laziness, refusals, a changing collection."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import pyodk
from pyodk.testing import FakeOktawaveServer


@dataclass
class Env:
    server: FakeOktawaveServer
    snapshots: pyodk.OCISnapshotsApi
    tickets: pyodk.TicketsApi
    instance: int

    def seed(self, count: int, name: str = "snap-{:02d}") -> list[int]:
        return [self.server.add_snapshot(self.instance, name.format(i)) for i in range(count)]

    def page_requests(self, path: str = "/services/snapshots") -> list[dict[str, list[str]]]:
        return [r.query for r in self.server.requests if r.path == path]


@pytest.fixture
def env() -> Iterator[Env]:
    with FakeOktawaveServer(seed_defaults=False, ticket_duration=0) as server:
        instance = server.add_instance("paged")
        configuration = pyodk.Configuration.from_env(server.environ())
        configuration.retries = pyodk.RetryPolicy(0)
        with pyodk.ApiClient(configuration) as client:
            yield Env(server, pyodk.OCISnapshotsApi(client), pyodk.TicketsApi(client), instance)


def ids(items: Any) -> list[int]:
    return [item.id for item in items]


# ------------------------------------------------------------------ totals


@pytest.mark.parametrize(
    ("total", "pages"),
    [(0, []), (1, [1]), (6, [3, 3]), (7, [3, 3, 1])],
    ids=["empty", "one", "exact-multiple", "ragged"],
)
def test_every_item_once_and_no_request_past_the_total(
    env: Env, total: int, pages: list[int]
) -> None:
    seeded = env.seed(total)

    by_page = list(pyodk.paginate(env.snapshots.snapshots_get, page_size=3).by_page())

    assert [len(page) for page in by_page] == pages
    assert [item.id for page in by_page for item in page] == seeded
    requests = env.page_requests()
    # Zero items still costs the one request that says so; otherwise one request per page.
    assert len(requests) == max(1, len(pages))
    assert [q["pageNumber"] for q in requests] == [[str(n + 1)] for n in range(len(requests))]
    assert all(q["pageSize"] == ["3"] for q in requests)


def test_iterating_yields_items_and_starts_afresh_each_time(env: Env) -> None:
    seeded = env.seed(5)
    paged = pyodk.paginate(env.snapshots.snapshots_get, page_size=2)

    assert ids(paged) == seeded
    assert ids(paged) == seeded
    assert len(env.page_requests()) == 6


def test_nothing_is_fetched_before_it_is_needed(env: Env) -> None:
    env.seed(7)
    paged = pyodk.paginate(env.snapshots.snapshots_get, page_size=3)
    assert env.page_requests() == []

    items = iter(paged)
    next(items)
    next(items)
    next(items)
    assert len(env.page_requests()) == 1
    next(items)
    assert len(env.page_requests()) == 2


# ------------------------------------------------------------------ limits and arguments


def test_max_items_stops_early_and_asks_no_more_than_needed(env: Env) -> None:
    seeded = env.seed(7)

    assert ids(pyodk.paginate(env.snapshots.snapshots_get, page_size=3, max_items=5)) == seeded[:5]
    assert len(env.page_requests()) == 2

    env.server.clear_requests()
    assert ids(pyodk.paginate(env.snapshots.snapshots_get, max_items=2)) == seeded[:2]
    assert [q["pageSize"] for q in env.page_requests()] == [["2"]]

    env.server.clear_requests()
    assert list(pyodk.paginate(env.snapshots.snapshots_get, max_items=0)) == []
    assert env.page_requests() == []


def test_operation_arguments_pass_through(env: Env) -> None:
    names = ["delta", "Alpha", "charlie", "bravo", "echo"]
    for name in names:
        env.server.add_snapshot(env.instance, name)
    other = env.server.add_instance("elsewhere")
    env.server.add_snapshot(other, "alpha-elsewhere")

    walked = pyodk.paginate(
        env.snapshots.snapshots_get, page_size=2, instance_id=env.instance, order_by="Name"
    )

    assert [s.name for s in walked] == sorted(names, key=str.casefold)
    assert all(q["orderBy"] == ["Name"] for q in env.page_requests())
    assert all(q["instanceId"] == [str(env.instance)] for q in env.page_requests())


def test_tickets_get_walks_every_ticket(env: Env) -> None:
    command = pyodk.CreateUpdateSnapshotCommand()
    started = [env.snapshots.instances_post_snapshot(env.instance, command).id for _ in range(5)]

    walked = pyodk.paginate(env.tickets.tickets_get, page_size=2)

    assert ids(walked) == started
    assert len(env.page_requests("/services/tickets")) == 3


def test_an_operation_without_page_parameters_is_called_once(env: Env) -> None:
    seeded = env.seed(4)

    walked = ids(pyodk.paginate(env.snapshots.instances_get_snapshots, env.instance, max_items=3))

    assert walked == seeded[:3]
    requests = [r for r in env.server.requests if r.path.endswith("/snapshots")]
    assert len(requests) == 1 and requests[0].query == {}


@pytest.mark.parametrize("operation_name", ["snapshots_get_0", "instances_post_snapshot"])
def test_operations_that_return_no_collection_are_refused(env: Env, operation_name: str) -> None:
    operation = getattr(env.snapshots, operation_name)
    with pytest.raises(TypeError, match=f"returns a collection.*{operation_name} returns"):
        pyodk.paginate(operation, 5001)
    assert env.server.requests == []


def test_a_with_http_info_twin_is_refused(env: Env) -> None:
    with pytest.raises(TypeError, match="snapshots_get_with_http_info is not one"):
        pyodk.paginate(env.snapshots.snapshots_get_with_http_info)
    assert env.server.requests == []


def test_things_that_are_no_operations_are_refused(env: Env) -> None:
    with pytest.raises(TypeError, match="<lambda> is not one"):
        pyodk.paginate(lambda: None)  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match="needs an API method"):
        pyodk.paginate(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("option", ["async_req", "_preload_content", "page_number"])
def test_options_that_would_change_each_call_are_refused(env: Env, option: str) -> None:
    with pytest.raises(TypeError, match=option):
        pyodk.paginate(env.snapshots.snapshots_get, **{option: True})


@pytest.mark.parametrize("bad", [{"page_size": 0}, {"max_items": -1}, {"page_size": True}])
def test_bad_limits_are_refused(env: Env, bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        pyodk.paginate(env.snapshots.snapshots_get, **bad)


# ------------------------------------------------------------------ the collection changes


def test_items_added_at_the_end_during_the_walk_are_included(env: Env) -> None:
    seeded = env.seed(7)
    pages = pyodk.paginate(env.snapshots.snapshots_get, page_size=3).by_page()

    first = next(pages)
    added = env.seed(2, "late-{:02d}")
    rest = [item for page in pages for item in page]

    assert ids(first) + ids(rest) == seeded + added
    assert len(env.page_requests()) == 3


def test_an_item_inserted_on_a_walked_page_is_missed_but_nothing_repeats(env: Env) -> None:
    seeded = env.seed(7)
    pages = pyodk.paginate(env.snapshots.snapshots_get, page_size=3, order_by="Name").by_page()

    first = next(pages)
    # Sorts first by name: every item after it moves one place on, onto the next page.
    inserted = env.server.add_snapshot(env.instance, "aaa-inserted")
    rest = [item for page in pages for item in page]

    walked = ids(first) + ids(rest)
    assert walked == seeded
    assert inserted not in walked


def test_an_item_removed_from_a_walked_page_makes_one_later_item_missed(env: Env) -> None:
    seeded = env.seed(7)
    pages = pyodk.paginate(env.snapshots.snapshots_get, page_size=3).by_page()

    first = next(pages)
    env.snapshots.snapshots_delete(seeded[0])  # tickets end at once on this server
    rest = [item for page in pages for item in page]

    # seeded[3] moved back onto page 1, which was already walked.
    assert ids(first) == seeded[:3]
    assert ids(rest) == seeded[4:]


# ------------------------------------------------------------------ servers that page differently


def _page(env: Env, snapshot_ids: list[int], total: int | None) -> dict[str, Any]:
    items = [env.server.get_snapshot_json(i) for i in snapshot_ids]
    return {"Items": items} if total is None else {"Items": items, "Meta": {"Total": total}}


def test_a_server_that_caps_the_page_size_is_followed(env: Env) -> None:
    seeded = env.seed(7)
    # Asked for 3 a page, the "server" answers 2 of 7: the walk carries on 2 at a time.
    env.server.inject("status", status=200, body=_page(env, seeded[:2], 7))

    walked = ids(pyodk.paginate(env.snapshots.snapshots_get, page_size=3))

    assert walked == seeded
    assert [q["pageSize"] for q in env.page_requests()] == [["3"], ["2"], ["2"], ["2"]]


def test_without_meta_total_a_short_page_ends_the_walk(env: Env) -> None:
    seeded = env.seed(5)
    env.server.inject("status", status=200, body=_page(env, seeded[:3], None))
    env.server.inject("status", status=200, body=_page(env, seeded[3:], None))

    assert ids(pyodk.paginate(env.snapshots.snapshots_get, page_size=3)) == seeded
    assert len(env.page_requests()) == 2


@pytest.mark.parametrize("total", [None, 1_000_000], ids=["without Total", "with Total"])
def test_a_server_ignoring_page_numbers_stops_the_walk_at_the_first_repeat(
    env: Env, total: int | None
) -> None:
    seeded = env.seed(3)
    env.server.inject("status", count=5, status=200, body=_page(env, seeded, total))

    walked: list[int] = []
    with pytest.raises(pyodk.PaginationError, match="snapshots_get answered page 2") as caught:
        walked.extend(ids(pyodk.paginate(env.snapshots.snapshots_get, page_size=3)))
    assert isinstance(caught.value, pyodk.PyodkError)
    assert len(env.page_requests()) == 2  # page 1, then the repeat: not 100 000 of them


# ------------------------------------------------------------------ paging is declared, not guessed


class GeneratedStyleApi:
    """An API class as swagger-codegen writes them: its docstring names a collection."""

    def __init__(self, api_client: pyodk.ApiClient) -> None:
        self.api_client = api_client

    def snapshot_listing(self, **kwargs: Any) -> Any:
        """Returns snapshot collection

        :param int page_size: Page size
        :param int page_number: Page number
        :return: ApiCollectionSnapshot
        """
        raise AssertionError("never called")


def test_paging_comes_from_the_declaration_not_from_docstrings(env: Env) -> None:
    api = GeneratedStyleApi(env.snapshots.api_client)
    with pytest.raises(TypeError, match="snapshot_listing is not one"):
        pyodk.paginate(api.snapshot_listing, page_size=2)
    declared = env.snapshots.snapshots_get.operation
    assert (declared.name, declared.collection) == ("snapshots_get", "paged")
    assert env.snapshots.instances_get_snapshots.operation.collection == "unpaged"


# ------------------------------------------------------------------ items without an Id


def test_a_fields_filter_without_id_loses_no_item_that_looks_like_another(env: Env) -> None:
    # Four snapshots, three of them alike once filtered down to IsCurrent.
    seeded = env.seed(4)

    walked = list(pyodk.paginate(env.snapshots.snapshots_get, page_size=2, fields="IsCurrent"))

    assert [s.to_json() for s in walked] == [{"IsCurrent": False}] * 3 + [{"IsCurrent": True}]
    assert len(env.page_requests()) == 2
    # The Id is asked for too, to tell pages apart, and is not handed back: it was not asked for.
    assert [q["fields"] for q in env.page_requests()] == [["IsCurrent,Id"]] * 2
    assert len(seeded) == len(walked)


def test_pages_that_look_alike_under_a_fields_filter_are_no_repeat(env: Env) -> None:
    env.seed(3)

    walked = pyodk.paginate(env.snapshots.snapshots_get, page_size=1, fields="IsSystem")

    assert [s.to_json() for s in walked] == [{"IsSystem": False}] * 3


@pytest.mark.parametrize("fields", ["Id,Name", "name, ID", ""])
def test_a_fields_filter_that_has_the_id_or_filters_nothing_is_sent_as_given(
    env: Env, fields: str
) -> None:
    seeded = env.seed(3)

    walked = list(pyodk.paginate(env.snapshots.snapshots_get, page_size=2, fields=fields))

    assert ids(walked) == seeded
    assert [q["fields"] for q in env.page_requests()] == [[fields]] * 2


def test_a_repeated_page_is_caught_under_a_fields_filter_without_id(env: Env) -> None:
    seeded = env.seed(3)
    # What a server ignoring pageNumber answers to fields=Name,Id, page after page.
    page = {"Items": [{"Id": i, "Name": "same"} for i in seeded], "Meta": {"Total": 1_000_000}}
    env.server.inject("status", count=5, status=200, body=page)

    with pytest.raises(pyodk.PaginationError, match="answered page 2 with the items of page 1"):
        list(pyodk.paginate(env.snapshots.snapshots_get, page_size=3, fields="Name"))
    assert [q["fields"] for q in env.page_requests()] == [["Name,Id"]] * 2


def _idless_page(names: list[str], total: int | None) -> dict[str, Any]:
    items = [{"Name": name} for name in names]
    return {"Items": items} if total is None else {"Items": items, "Meta": {"Total": total}}


def test_items_a_server_sends_without_id_are_never_dropped_one_by_one(env: Env) -> None:
    env.server.inject("status", status=200, body=_idless_page(["a", "b"], 5))
    env.server.inject("status", status=200, body=_idless_page(["b", "a"], 5))
    env.server.inject("status", status=200, body=_idless_page(["a"], 5))

    walked = pyodk.paginate(env.snapshots.snapshots_get, page_size=2)

    assert [s.name for s in walked] == ["a", "b", "b", "a", "a"]
    assert all(s.id is None for s in walked)


def test_a_page_without_ids_equal_to_the_one_before_is_a_repeat(env: Env) -> None:
    env.server.inject("status", count=5, status=200, body=_idless_page(["a", "b"], None))

    with pytest.raises(pyodk.PaginationError, match="snapshots_get answered page 2"):
        list(pyodk.paginate(env.snapshots.snapshots_get, page_size=2))
    assert len(env.page_requests()) == 2


# ------------------------------------------------------------------ answers that are no page


@pytest.mark.parametrize("page", [1, 2])
def test_a_null_answer_is_a_pagination_error_naming_the_operation_and_page(
    env: Env, page: int
) -> None:
    seeded = env.seed(4)
    if page == 2:
        env.server.inject("status", status=200, body=_page(env, seeded[:2], 4))
    env.server.inject("status", status=200, body=b"null")

    walked: list[int] = []
    with pytest.raises(pyodk.PaginationError) as caught:
        for snapshot in pyodk.paginate(env.snapshots.snapshots_get, page_size=2):
            walked.append(snapshot.id)

    assert str(caught.value).startswith(f"snapshots_get answered page {page} with null")
    assert walked == seeded[: 2 * (page - 1)]


def test_a_null_item_is_a_pagination_error_naming_the_operation_and_page(env: Env) -> None:
    seeded = env.seed(3)
    page = _page(env, seeded, 3)
    page["Items"][1] = None
    env.server.inject("status", status=200, body=page)

    with pytest.raises(pyodk.PaginationError, match=r"page 1 with a null item \(item 2 of 3\)"):
        list(pyodk.paginate(env.snapshots.snapshots_get, page_size=3))


@pytest.mark.parametrize(
    ("body", "what"), [(b"null", "with null"), (b'{"Items": [null]}', "with a null item")]
)
def test_an_operation_called_once_reports_a_null_answer_or_item(
    env: Env, body: bytes, what: str
) -> None:
    env.server.inject("status", status=200, body=body)

    with pytest.raises(pyodk.PaginationError, match=f"^instances_get_snapshots answered {what}"):
        list(pyodk.paginate(env.snapshots.instances_get_snapshots, env.instance))


def test_prune_snapshots_meets_a_null_item_as_a_pagination_error(env: Env) -> None:
    env.seed(3)
    env.server.inject("status", status=200, body=b'{"Items": [null], "Meta": {"Total": 1}}')

    with pytest.raises(pyodk.PaginationError, match="instances_get_snapshots answered"):
        pyodk.prune_snapshots(env.snapshots, env.instance, keep=1)
    assert [r.method for r in env.server.requests] == ["GET"]


# ------------------------------------------------------------------ the guide


def test_the_guide_names_every_collection_operation_as_it_is_declared() -> None:
    from pyodk.api import OPERATION_INDEX

    declared: dict[str, set[tuple[str, str]]] = {"paged": set(), "unpaged": set()}
    for name, _method, _path, class_name in OPERATION_INDEX:
        kind = getattr(getattr(pyodk, class_name), name).operation.collection
        if kind is not None:
            declared[kind].add((class_name, name))

    guide = (Path(__file__).parent.parent / "docs" / "pagination.md").read_text(encoding="utf-8")
    documented: dict[str, set[tuple[str, str]]] = {"paged": set(), "unpaged": set()}
    for class_name, paged, unpaged in re.findall(r"^`(\w+Api)` \| (.*) \| (.*)$", guide, re.M):
        for kind, cell in (("paged", paged), ("unpaged", unpaged)):
            documented[kind] |= {(class_name, name) for name in re.findall(r"`(\w+)`", cell)}

    assert documented == declared
    counts = (len(declared["paged"]), len(declared["unpaged"]))
    assert f"**Walked page by page** ({counts[0]} operations)" in guide
    assert f"**Called once** ({counts[1]} operations)" in guide
    assert f"the {sum(counts)} operations whose answer" in guide
