"""The typed surface stays in step with what runs.

The API methods' overloads are written out for type checkers and IDEs, while the parameters that
are actually accepted come from each ``Operation``; both are generated from the contract, and a
mistake in the generator that put a parameter in one and not the other would make checkers refuse
a valid call (or accept an invalid one). This test reads the overloads from the source
(``typing.get_overloads`` is 3.11+) and compares, for every method of every API class. It also
checks the real signature that ``help()`` and ``inspect.signature()`` show.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import pyodk
import pyodk.api

API_CLASSES = tuple(getattr(pyodk.api, name) for name in pyodk.api.__all__)
_OVERLOAD_RETURNS = ("{M}", "AsyncResult[{M}]", "Any")
#: The call options every implementation shows after the operation's own parameters.
_CALL_OPTIONS = [
    "async_req",
    "_return_http_data_only",
    "_preload_content",
    "_request_timeout",
    "_call_timeout",
]


def _overloads(cls: type) -> dict[str, list[ast.FunctionDef]]:
    tree = ast.parse(Path(inspect.getfile(cls)).read_text(encoding="utf-8"))
    (node,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls.__name__]
    found: dict[str, list[ast.FunctionDef]] = {}
    for item in node.body:
        if isinstance(item, ast.FunctionDef) and any(
            isinstance(d, ast.Name) and d.id == "overload" for d in item.decorator_list
        ):
            found.setdefault(item.name, []).append(item)
    return found


def _methods() -> list[tuple[type, str]]:
    return [
        (cls, name)
        for cls in API_CLASSES
        for name in vars(cls)
        if not name.startswith("_") and callable(getattr(cls, name))
    ]


@pytest.mark.parametrize(
    ("cls", "name"), _methods(), ids=[f"{c.__name__}.{n}" for c, n in _methods()]
)
def test_overloads_take_exactly_the_operations_parameters(cls: type, name: str) -> None:
    operation = getattr(cls, name.removesuffix("_with_http_info")).operation
    required = [p.name for p in operation.params if p.required]
    optional = [p.name for p in operation.params if not p.required]
    model = {None: "None", "Object": "Any"}.get(operation.response_type, operation.response_type)
    result = f"HttpInfo[{model}]" if name.endswith("_with_http_info") else model

    overloads = _overloads(cls).get(name, [])
    assert len(overloads) == 3, f"{name}: model, AsyncResult and Any overloads"
    for overload, returns in zip(overloads, _OVERLOAD_RETURNS, strict=True):
        arguments = overload.args
        assert [a.arg for a in arguments.args] == ["self", *required], name
        keywords = [a.arg for a in arguments.kwonlyargs if a.arg != "async_req"]
        assert keywords == optional, name
        assert "async_req" in [a.arg for a in arguments.kwonlyargs], name
        assert arguments.kwarg is not None, f"{name}: the call options as **kwargs"
        assert ast.unparse(overload.returns) == returns.format(M=result), name

    # What help() shows: the required parameters positionally, the rest and the call options
    # by keyword, and **kwargs, which only exists to refuse an unknown keyword with ApiTypeError.
    signature = inspect.signature(getattr(cls, name))
    assert list(signature.parameters) == ["self", *required, *optional, *_CALL_OPTIONS, "kwargs"]
    kinds = {p.name: p.kind for p in signature.parameters.values()}
    assert all(kinds[p] == inspect.Parameter.KEYWORD_ONLY for p in optional + _CALL_OPTIONS)
    assert "_request_timeout" in (getattr(cls, name).__doc__ or ""), name
