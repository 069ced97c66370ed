"""``pyodk.paginate`` over every operation of the contract.

A collection operation is a GET that answers ``{"Items": [...], "Meta": {"Total": N}}``. Those
that take ``pageNumber`` and ``pageSize`` are walked page by page; those that take none are called
once; every other operation is refused before anything is sent, including the one PUT that answers a
collection (``groups_change_assignments_in_group``): paginate reads, it does not change things.
"""

from __future__ import annotations

from datetime import timezone
from typing import Any

import pytest
from contract_harness import (
    assert_each,
    call_arguments,
    method_of,
    plain,
    targets_fixture,  # noqa: F401  (the ``targets`` fixture: a stub that answers without delay)
)
from contract_reference import CONTRACT, OperationSpec, Values, arguments_for, decoded, ids

import pyodk

PAGE_SIZE = 2


def _takes_pages(op: OperationSpec) -> bool:
    return op.param("pageNumber") is not None and op.param("pageSize") is not None


COLLECTIONS = [
    op
    for op in CONTRACT.operations
    if op.method == "GET" and CONTRACT.collection_item(op.response_type)
]
PAGED = [op for op in COLLECTIONS if _takes_pages(op)]
UNPAGED = [op for op in COLLECTIONS if not _takes_pages(op)]
OTHERS = [op for op in CONTRACT.operations if op not in COLLECTIONS]


def required_args(op: OperationSpec) -> list[Any]:
    args, _ = call_arguments(op, arguments_for(op, optional=False))
    return args


def test_the_contract_has_paged_and_unpaged_collections():
    assert len(PAGED) == 22 and len(UNPAGED) == 19
    assert "groups_change_assignments_in_group" in ids(OTHERS)
    assert {"snapshots_get", "tickets_get", "instances_get"} <= set(ids(PAGED))
    assert {"instances_get_snapshots", "subregions_get"} <= set(ids(UNPAGED))


def test_paginate_walks_every_page_of_a_paged_collection(stub, targets, api_client):
    def check(op: OperationSpec) -> None:
        pages = list(Values().paged_answers(op.response_type, (PAGE_SIZE, PAGE_SIZE, 1), total=5))
        for page in pages:
            stub.answer(page)
        item_type = CONTRACT.collection_item(op.response_type)
        expected = [
            decoded(item, item_type, naive_as=timezone.utc)
            for page in pages
            for item in page["Items"]
        ]

        items = list(pyodk.paginate(method_of(op, api_client), *required_args(op), page_size=2))

        assert [plain(item) for item in items] == expected
        asked = [(r.query.get("pageNumber"), r.query.get("pageSize")) for r in stub.received]
        assert asked == [(["1"], ["2"]), (["2"], ["2"]), (["3"], ["2"])]

    assert_each(PAGED, check, stub, targets)


def test_paginate_calls_an_unpaged_collection_once(stub, targets, api_client):
    def check(op: OperationSpec) -> None:
        (page,) = Values().paged_answers(op.response_type, (3,), total=3)
        stub.answer(page)
        item_type = CONTRACT.collection_item(op.response_type)

        items = list(pyodk.paginate(method_of(op, api_client), *required_args(op)))

        expected = [decoded(item, item_type, naive_as=timezone.utc) for item in page["Items"]]
        assert [plain(item) for item in items] == expected
        assert len(stub.received) == 1
        assert not {"pageNumber", "pageSize"} & set(stub.last.query)

    assert_each(UNPAGED, check, stub, targets)


def test_paginate_refuses_an_operation_that_returns_no_collection(stub, api_client):
    def check(op: OperationSpec) -> None:
        with pytest.raises(TypeError) as info:
            pyodk.paginate(method_of(op, api_client), *required_args(op))
        assert isinstance(info.value, pyodk.PyodkError)  # every error pyodk raises is one
        assert op.id in str(info.value)
        assert stub.received == []

    assert_each(OTHERS, check, stub)
