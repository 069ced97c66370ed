"""Every operation over a real socket: what the server received, and what the caller got back."""

from __future__ import annotations

import re

import pytest
from conftest import TOKEN
from core_cases import ALL_CASES, Case, api_for

import pyodk


@pytest.mark.parametrize("case", ALL_CASES)
def test_operation_sends_the_request_and_returns_typed_models(case: Case, stub, request):
    api = api_for(case, request)
    stub.answer(case.answer)

    result = getattr(api, case.name)(*case.args, **case.kwargs)

    case.check(result)
    assert len(stub.received) == 1
    sent = stub.last
    assert (sent.method, sent.path) == (case.method, case.path)
    assert sent.query == case.query
    assert sent.headers["accept"] == "application/json"
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["user-agent"] == f"pyodk/{pyodk.__version__}/python"
    if case.body is not None:
        assert sent.headers["content-type"].split(";")[0] == "application/json"
        assert sent.json == case.body
    else:
        assert sent.body == b""
        assert "content-type" not in sent.headers
        assert sent.headers.get("content-length", "0") == "0"
        assert sent.headers.get("transfer-encoding") is None


@pytest.mark.parametrize("name", ["instances_post_snapshot", "snapshots_put"])
def test_body_leaves_out_none_fields(name: str, stub, snapshots_api):
    stub.answer({})
    command = pyodk.CreateUpdateSnapshotCommand(name="only-a-name", description=None)
    getattr(snapshots_api, name)(56, command)
    assert stub.last.json == {"Name": "only-a-name"}


def test_default_command_sends_the_generated_defaults(stub, snapshots_api):
    stub.answer({"Id": 1})
    snapshots_api.instances_post_snapshot(56, pyodk.CreateUpdateSnapshotCommand())
    assert stub.last.json == {"Name": "Snapshot name", "Description": "Snapshot description"}


def test_body_keeps_non_ascii_text_as_utf8_json(stub, snapshots_api):
    stub.answer({})
    command = pyodk.CreateUpdateSnapshotCommand(name="Zażółć gęślą jaźń", description="ünïcødé")
    snapshots_api.snapshots_put(5001, command)
    assert stub.last.json == {"Name": "Zażółć gęślą jaźń", "Description": "ünïcødé"}
    assert int(stub.last.headers["content-length"]) == len(stub.last.body)


@pytest.mark.parametrize("case", ALL_CASES)
def test_operation_without_optional_arguments_sends_an_empty_query(case: Case, stub, request):
    api = api_for(case, request)
    stub.answer(case.answer)
    getattr(api, case.name)(*case.args)
    assert stub.last.query == {}
    assert stub.last.path == case.path


RETURN_TYPES = {
    "instances_get_snapshots": "ApiCollectionSnapshot",
    "instances_post_snapshot": "Ticket",
    "snapshots_delete": "Ticket",
    "snapshots_get": "ApiCollectionSnapshot",
    "snapshots_get_0": "Snapshot",
    "snapshots_put": "Snapshot",
    "snapshots_restore": "Ticket",
    "tickets_get": "ApiCollectionTicket",
    "tickets_get_0": "Ticket",
}


@pytest.mark.parametrize("case", ALL_CASES)
def test_docstrings_follow_the_generated_style(case: Case, request):
    api = api_for(case, request)
    doc = getattr(api, case.name).__doc__
    info_doc = getattr(api, case.name + "_with_http_info").__doc__
    assert doc.strip().splitlines()[0]  # a summary line first
    assert f":return: {RETURN_TYPES[case.name]}" in doc
    assert f":return: ({RETURN_TYPES[case.name]}, status, headers)" in info_doc
    if "id" in case.required:
        assert re.search(r":param int id: [^\n]+ \(required\)", doc)
        assert ":param int id:" in info_doc
    if "command" in case.required:
        assert ":param CreateUpdateSnapshotCommand command:" in doc
    for keyword, value in case.kwargs.items():
        kind = type(value).__name__
        assert f":param {kind} {keyword}:" in doc
        assert f":param {kind} {keyword}:" in info_doc
