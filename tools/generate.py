#!/usr/bin/env python3
"""Write pyodk's generated code and API reference from the contract, api/oktawave.swagger.json.

    python tools/generate.py          # (re)write every generated file
    python tools/generate.py --check  # write nothing; list the files that differ and exit 1

What it writes (never edit these by hand: test/test_generated.py fails when a committed file differs
from what this script writes; change the contract or this script instead):

- pyodk/models/<name>.py, one model declaration each, and pyodk/models/__init__.py;
- pyodk/api/<name>_api.py, one per tag: the Operation tables and the API class, and
  pyodk/api/__init__.py with the index of every operation;
- docs/<ApiClass>.md and docs/<Model>.md, the reference pages, and docs/README.md, their index.

Hand-written neighbours it never touches: pyodk/models/base.py (the model machinery),
pyodk/models/mixins.py (behaviour some models get, see MIXINS), pyodk/api/operation.py (the
engine), and the guides in docs/.

Names follow swagger-codegen's rules (pyodk/_naming.py), so that code written for a generated client
finds the same classes, methods, parameters and attributes here. Standard library only, and it
never imports pyodk: it must run when pyodk's generated files are missing or broken.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The generator's own modules sit beside it (tools/ is not a package).
sys.path.insert(0, str(Path(__file__).resolve().parent))

from contract import (  # noqa: E402
    GENERATED,
    MIXINS,
    NO_DEFAULT,
    ROOT,
    ApiSpec,
    Contract,
    ModelSpec,
    OperationSpec,
    ParamSpec,
    read_contract,
)
from reference_docs import render_docs  # noqa: E402

WIDTH = 100  # ruff's line length (pyproject.toml)

#: Files in the generated folders that this script does not write.
HAND_WRITTEN = {
    "pyodk/models/base.py",
    "pyodk/models/mixins.py",
    "pyodk/api/operation.py",
}

# ================================================================== rendering Python


def literal(value: Any) -> str:
    """A Python literal as ruff's formatter writes it (double quotes unless they need escapes)."""
    if isinstance(value, str):
        if '"' in value and "'" not in value:
            return repr(value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        items = ", ".join(literal(v) for v in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    return repr(value)


def pattern_literal(pattern: str) -> str:
    """A regular expression as a raw string where one can: the contract's text, unescaped."""
    if not pattern.endswith("\\") and '"' not in pattern and "\n" not in pattern:
        return f'r"{pattern}"'
    return literal(pattern)


@dataclass
class Call:
    """``func(args)`` to lay out: on one line if it fits, else one argument per line."""

    func: str
    args: list[Any]  # str (already a literal), Call, Tuple or Kw

    def flat(self) -> str:
        return f"{self.func}({', '.join(_flat(a) for a in self.args)})"


@dataclass
class Tuple:
    items: list[Any]

    def flat(self) -> str:
        inner = ", ".join(_flat(i) for i in self.items)
        return f"({inner},)" if len(self.items) == 1 else f"({inner})"


@dataclass
class Kw:
    """A keyword argument ``name=value``; the value may be laid out over lines itself."""

    name: str
    value: Any

    def flat(self) -> str:
        return f"{self.name}={_flat(self.value)}"


def _flat(node: Any) -> str:
    return node if isinstance(node, str) else node.flat()


def value_node(value: Any, is_pattern: bool = False) -> Any:
    """A node for a Python value: tuples can be laid out over lines, the rest are literals."""
    if isinstance(value, tuple):
        return Tuple([literal(v) for v in value])
    return pattern_literal(value) if is_pattern else literal(value)


def layout(node: Any, indent: int, prefix: str = "", suffix: str = "") -> list[str]:
    """Lines of ``prefix + node + suffix`` at ``indent``, broken as ruff's formatter breaks them.

    Flat when it fits; otherwise the brackets open, each element takes its own line with a trailing
    comma (the "magic trailing comma" that keeps ruff from joining them again).
    """
    if isinstance(node, Kw):
        return layout(node.value, indent, f"{prefix}{node.name}=", suffix)
    pad = " " * indent
    flat = f"{pad}{prefix}{_flat(node)}{suffix}"
    if len(flat) <= WIDTH or isinstance(node, str):
        if isinstance(node, str) and len(flat) > WIDTH and node[:1] in "\"'":
            return _split_string(node, indent, prefix, suffix)
        return [flat]
    opener, closer, items = (
        (f"{node.func}(", ")", node.args) if isinstance(node, Call) else ("(", ")", node.items)
    )
    lines = [f"{pad}{prefix}{opener}"]
    for item in items:
        lines += layout(item, indent + 4, "", ",")
    lines.append(f"{pad}{closer}{suffix}")
    return lines


def _split_string(node: str, indent: int, prefix: str, suffix: str) -> list[str]:
    """A string too long for its line as implicitly joined pieces, one per line, split at spaces."""
    text = ast.literal_eval(node)
    room = WIDTH - indent - len(prefix) - len(suffix) - 3
    pieces = textwrap.wrap(text, room, drop_whitespace=False, break_long_words=False) or [text]
    pad = " " * indent
    lines = [f"{pad}{prefix}{literal(pieces[0])}"]
    lines += [f"{pad}{' ' * len(prefix)}{literal(piece)}" for piece in pieces[1:]]
    lines[-1] += suffix
    return lines


def docstring(text: str, indent: int) -> list[str]:
    """A docstring, its paragraphs wrapped to the line length."""
    pad = " " * indent
    out: list[str] = []
    for number, paragraph in enumerate(text.strip("\n").split("\n")):
        if not paragraph.strip():
            out.append("")
            continue
        lead = '"""' if number == 0 else ""
        hanging = "    " if paragraph.startswith(":") else ""
        # Room for the opening quotes, and for the closing ones: ruff's formatter puts them on a
        # one-line docstring's line however long that makes it.
        wrapped = textwrap.wrap(
            paragraph,
            WIDTH - indent - 6,
            subsequent_indent=hanging,
            break_long_words=False,
            break_on_hyphens=False,
        )
        out += [lead + wrapped[0], *wrapped[1:]]
    lines = [f"{pad}{line}" if line else "" for line in out]
    if len(out) == 1:
        return [lines[0] + '"""']
    return [*lines, f'{pad}"""']


def module_docstring(first_line: str, *more: str) -> list[str]:
    body = [first_line, "", *more, *([""] if more else []), GENERATED]
    return ['"""' + body[0], *body[1:], '"""']


def python_type(swagger: str) -> str:
    """The annotation for a swagger type string."""
    if swagger.startswith("list["):
        return f"list[{python_type(swagger[5:-1])}]"
    return {"object": "Any", "Object": "Any"}.get(swagger, swagger)


def _referenced(swagger: str) -> Iterator[str]:
    """Model and library names an annotation of this type needs."""
    if swagger.startswith("list["):
        yield from _referenced(swagger[5:-1])
    elif swagger in ("datetime", "date"):
        yield f"datetime:{swagger}"
    elif swagger in ("object", "Object"):
        yield "typing:Any"
    elif swagger not in ("int", "str", "bool", "float"):
        yield swagger


def import_lines(names: Iterable[str], contract: Contract, indent: int = 0) -> list[str]:
    """``from x import y`` lines, sorted as ruff's isort rule wants: library, then pyodk."""
    by_module: dict[str, set[str]] = {}
    for name in names:
        if ":" in name:
            module, _, symbol = name.partition(":")
        else:
            module, symbol = f"pyodk.models.{contract.models[name].module}", name
        by_module.setdefault(module, set()).add(symbol)
    sections: dict[int, list[str]] = {}
    for module in by_module:
        sections.setdefault(_section(module), []).append(module)
    lines: list[str] = []
    for section in sorted(sections):
        if lines:
            lines.append("")
        for module in sorted(sections[section]):
            symbols = sorted(by_module[module], key=_isort_key)
            lines += _from_import(module, symbols, indent)
    return lines


#: Modules outside the standard library that generated code names (for isort's sections).
_THIRD_PARTY = ("typing_extensions",)


def _section(module: str) -> int:
    """isort's section of a module: 0 standard library, 1 third party, 2 pyodk."""
    if module.startswith("pyodk"):
        return 2
    return 1 if module.split(".")[0] in _THIRD_PARTY else 0


def _from_import(module: str, symbols: list[str], indent: int) -> list[str]:
    pad = " " * indent
    flat = f"{pad}from {module} import {', '.join(symbols)}"
    if len(flat) <= WIDTH:
        return [flat]
    return [f"{pad}from {module} import (", *(f"{pad}    {s}," for s in symbols), f"{pad})"]


def _isort_key(symbol: str) -> tuple[int, str]:
    # isort's order by type: CONSTANTS, then Classes, then functions and variables.
    if symbol.isupper():
        return (0, symbol)
    if symbol[:1].isupper():
        return (1, symbol)
    return (2, symbol)


# ------------------------------------------------------------------ models


def render_model(model: ModelSpec, contract: Contract) -> str:
    needed = {"pyodk.models.base:Model"}
    if model.props:
        needed.add("pyodk.models.base:field")
    for prop in model.props:
        needed.update(_referenced(prop.type))
    mixin = MIXINS.get(model.name, (None,))[0]
    if mixin:
        needed.add(f"pyodk.models.mixins:{mixin}")
    bases = f"Model, {mixin}" if mixin else "Model"
    lines = module_docstring(f"{model.name}: a model of the Oktawave API.")
    lines += ["", "from __future__ import annotations", ""]
    lines += import_lines(needed - {model.name}, contract)
    lines += ["", "", f"class {model.name}({bases}):"]
    summary = f"The Oktawave API's ``{model.definition}``.\n\nReference: docs/{model.name}.md."
    lines += docstring(summary, 4)
    if model.props:
        lines.append("")
    for prop in model.props:
        annotation = python_type(prop.type)
        if not prop.required:
            annotation += " | None"
        args: list[Any] = [literal(prop.key), literal(prop.description)]
        if prop.required:
            args.append("required=True")
        if prop.default is not NO_DEFAULT:
            args.append(Kw("default", literal(prop.default)))
        args += [
            Kw(key, value_node(value, key == "pattern")) for key, value in prop.rules.keywords()
        ]
        lines += layout(Call("field", args), 4, f"{prop.attr}: {annotation} = ")
    return "\n".join(lines) + "\n"


def render_models_init(contract: Contract) -> str:
    names = sorted(contract.models)
    lines = module_docstring(
        "The models of the Oktawave API: one module each, imported on first use (PEP 562).",
        "``pyodk.models.Snapshot`` loads pyodk/models/snapshot.py when it is first used; type",
        "checkers see every model through the imports below. The ApiClient finds a response type",
        "here by name, or else in the module ``pyodk.models.<snake_case_name>``.",
    )
    lines += ["", "from __future__ import annotations", "", "from typing import TYPE_CHECKING", ""]
    lines += ["if TYPE_CHECKING:"]
    for name in names:
        lines += _from_import(f"pyodk.models.{contract.models[name].module}", [name], 4)
    lines += ["", "__all__ = ["]
    lines += [f'    "{name}",' for name in names]
    lines += ["]", ""]
    lines += [
        "if not TYPE_CHECKING:",
        "    from pyodk._lazy import lazy_exports",
        "    from pyodk._naming import underscore",
        "",
        "    # Each model lives in its snake_case module, as swagger-codegen names them.",
        '    MODULES = {name: f"{__name__}.{underscore(name)}" for name in __all__}',
        "    __getattr__, __dir__ = lazy_exports(__name__, MODULES)",
    ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ API classes


CALL_OPTION_DOCS = (
    ":param bool async_req: run in the client's thread pool; returns an AsyncResult",
    ":param bool _return_http_data_only: return the data alone (what the method without"
    " ``_with_http_info`` always does)",
    ":param bool _preload_content: False returns the raw urllib3 response, not decoded",
    ":param _request_timeout: seconds for each attempt, or a (connect, read) tuple",
    ":param float _call_timeout: seconds for the whole call, every retry included",
)


def _annotation(param: ParamSpec) -> str:
    annotation = python_type(param.type)
    return annotation if param.required else f"{annotation} | None"


def _return_annotation(op: OperationSpec) -> str:
    if op.response_type is None:
        return "None"
    return python_type(op.response_type)


def _signature(op: OperationSpec, overload: str | None, twin: bool) -> list[str]:
    """The parameters of one method, one per line (self first)."""
    lines = ["self,"]
    lines += [f"{p.name}: {_annotation(p)}," for p in op.required]
    lines.append("*,")
    default = "..." if overload else "None"
    lines += [f"{p.name}: {_annotation(p)} = {default}," for p in op.optional]
    options = "HttpInfoOptions" if twin else "CallOptions"
    if overload == "plain":
        lines += ["async_req: Literal[False] = ...,", f"**kwargs: Unpack[{options}],"]
    elif overload == "async":
        lines += ["async_req: Literal[True],", f"**kwargs: Unpack[{options}],"]
    elif overload == "any":
        lines += ["async_req: bool | None = ...,", "**kwargs: Unpack[AnyCallOptions],"]
    else:
        lines += [
            "async_req: bool | None = None,",
            "_return_http_data_only: bool | None = None,",
            "_preload_content: bool = True,",
            "_request_timeout: RequestTimeout = None,",
            "_call_timeout: float | None = None,",
            "**kwargs: Any,",
        ]
    return lines


def _method_docstring(op: OperationSpec, twin: bool) -> str:
    summary = op.summary or op.name
    if twin:
        lines = [f"{summary}, with the HTTP status and headers", ""]
    else:
        lines = [summary, "", f"{op.method} {op.path}", ""]
        if op.response_type == "Ticket":
            lines += [
                "The work goes on after the call returns: ``pyodk.wait_for_ticket`` follows the"
                " Ticket until it is done.",
                "",
            ]
        if op.collection == "paged":
            lines += [
                f"One page of the collection: ``pyodk.paginate(api.{op.name}, ...)`` walks every"
                " page.",
                "",
            ]
    for param in op.params:
        words = [param.description or param.name]
        if param.required:
            words.append("(required)")
        if param.rules.choices and param.wire == "orderBy":
            words.append("- one of " + ", ".join(param.rules.choices) + " (any letter case)")
        lines.append(f":param {_doc_type(param.type)} {param.name}: {' '.join(words)}")
    lines += CALL_OPTION_DOCS
    returns = op.response_type or "None"
    returns = "the parsed JSON" if returns in ("Object", "object") else returns
    lines.append(f":return: ({returns}, status, headers)" if twin else f":return: {returns}")
    lines.append(":raises ApiTypeError, ApiValueError: an argument was refused; nothing was sent")
    return "\n".join(lines)


def _doc_type(swagger: str) -> str:
    return swagger.replace("list[", "list[").replace("Object", "object")


def _operation_table(op: OperationSpec, variable: str) -> list[str]:
    params = []
    for p in op.params:
        args = [literal(p.name), literal(p.wire), literal(p.location), literal(p.type)]
        if p.required:
            args.append("required=True")
        if p.int_format != "int32":
            args.append(f"int_format={literal(p.int_format)}")
        args += [Kw(key, value_node(value, key == "pattern")) for key, value in p.rules.keywords()]
        if p.collection_format:
            args.append(f"collection_format={literal(p.collection_format)}")
        params.append(Call("Param", args))
    args: list[Any] = [literal(op.name), literal(op.method), literal(op.path), Tuple(params)]
    args.append(literal(op.response_type) if op.response_type else "None")
    if op.collection:
        args.append(f"collection={literal(op.collection)}")
    if not op.produces:
        # The contract names no answer type: a generated client sends no Accept either.
        args.append("accept=None")
    return layout(Call("Operation", args), 0, f"{variable} = ")


def _method(op: OperationSpec, variable: str, twin: bool) -> list[str]:
    name = f"{op.name}_with_http_info" if twin else op.name
    returns = _return_annotation(op)
    if twin:
        returns = f"HttpInfo[{returns}]"
    results = {"plain": returns, "async": f"AsyncResult[{returns}]", "any": "Any"}
    lines: list[str] = []
    for overload in ("plain", "async", "any"):
        lines += ["", "    @overload", f"    def {name}("]
        lines += [f"        {line}" for line in _signature(op, overload, twin)]
        lines.append(f"    ) -> {results[overload]}: ...")
    # Only the plain method carries its Operation: paginate() and the command line call it, and
    # the twin's answer is a tuple.
    lines.append("")
    if not twin:
        lines.append(f"    @{variable}.method_of")
    lines.append(f"    def {name}(")
    lines += [f"        {line}" for line in _signature(op, None, twin)]
    lines.append("    ) -> Any:")
    lines += docstring(_method_docstring(op, twin), 8)
    values = Tuple([p.name for p in op.params]) if op.params else "()"
    args: list[Any] = [
        "self.api_client",
        values,
        "kwargs",
        "async_req",
        "_return_http_data_only",
        "_preload_content",
        "_request_timeout",
        "_call_timeout",
    ]
    if twin:
        args.append("with_http_info=True")
    lines += layout(Call(f"{variable}.call", args), 8, "return ")
    return lines


def render_api(api: ApiSpec, contract: Contract) -> str:
    typing_only = {
        "multiprocessing.pool:AsyncResult",
        "typing_extensions:Unpack",
        "pyodk.api.operation:AnyCallOptions",
        "pyodk.api.operation:CallOptions",
        "pyodk.api.operation:HttpInfo",
        "pyodk.api.operation:HttpInfoOptions",
        "pyodk.api.operation:RequestTimeout",
    }
    for op in api.operations:
        for param in op.params:
            typing_only.update(_referenced(param.type))
        if op.response_type:
            typing_only.update(_referenced(op.response_type))
    typing_only.discard("typing:Any")
    lines = module_docstring(
        f'{api.name}: the operations of the Oktawave API tagged "{api.tag}".',
        f"The reference, with an example per operation, is docs/{api.name}.md.",
    )
    lines += ["", "from __future__ import annotations", ""]
    lines += ["from typing import TYPE_CHECKING, Any, Literal, overload", ""]
    lines += ["from pyodk.api.operation import Operation, Param"]
    lines += ["from pyodk.api_client import ApiClient", ""]
    lines += ["if TYPE_CHECKING:"]
    imports = import_lines(typing_only, contract, 4)
    # Said where it matters: typing.Unpack is 3.11+, and nothing imports this at run time.
    unpack = imports.index("    from typing_extensions import Unpack")
    imports[unpack:unpack] = [
        "    # typing.Unpack is 3.11+; type checkers know typing_extensions without it being",
        "    # installed, and nothing imports it at run time.",
    ]
    lines += imports
    variables = {op.name: "_" + op.name.upper() for op in api.operations}
    for op in api.operations:
        lines += ["", *_operation_table(op, variables[op.name])]
    lines += ["", "", f"class {api.name}:"]
    names = ", ".join(f"``{op.name}``" for op in api.operations)
    lines += docstring(
        f'The operations tagged "{api.tag}": {names}.\n\n'
        "Every method has a ``_with_http_info`` twin returning ``(data, status, headers)``, and "
        "takes ``async_req``, ``_preload_content``, ``_request_timeout``, ``_call_timeout`` and "
        f"``_return_http_data_only``; see docs/{api.name}.md.",
        4,
    )
    lines += [
        "",
        "    def __init__(self, api_client: ApiClient | None = None) -> None:",
        "        self.api_client = api_client if api_client is not None else ApiClient()",
    ]
    for op in api.operations:
        lines += _method(op, variables[op.name], twin=False)
        lines += _method(op, variables[op.name], twin=True)
    return "\n".join(lines) + "\n"


def render_api_init(contract: Contract) -> str:
    lines = module_docstring(
        "The API classes, one per tag of the contract, each imported on first use (PEP 562).",
        "``OPERATION_INDEX`` lists every operation without importing any API module: the command",
        "line and the fake server read it.",
    )
    lines += ["", "from __future__ import annotations", "", "from typing import TYPE_CHECKING", ""]
    lines += ["if TYPE_CHECKING:"]
    for api in contract.apis:
        lines += _from_import(f"pyodk.api.{api.module}", [api.name], 4)
    lines += ["", "#: Each API class's module, by class name."]
    lines.append("MODULES = {")
    lines += [f'    "{api.name}": "pyodk.api.{api.module}",' for api in contract.apis]
    lines += ["}", ""]
    lines.append("#: Every operation: (operationId, HTTP method, path template, API class name).")
    lines.append("OPERATION_INDEX: tuple[tuple[str, str, str, str], ...] = (")
    for api in contract.apis:
        for op in api.operations:
            entry = Tuple(
                [literal(op.name), literal(op.method), literal(op.path), literal(api.name)]
            )
            lines += layout(entry, 4, "", ",")
    lines += [")", ""]
    lines.append("__all__ = [")
    lines += [f'    "{api.name}",' for api in contract.apis]
    lines += ["]", ""]
    lines += [
        "if not TYPE_CHECKING:",
        "    from pyodk._lazy import lazy_exports",
        "",
        "    __getattr__, __dir__ = lazy_exports(__name__, MODULES)",
    ]
    return "\n".join(lines) + "\n"


# ================================================================== the files


def generated_files(contract: Contract) -> dict[str, str]:
    """Every generated file: repository-relative path -> content."""
    files: dict[str, str] = {}
    for model in contract.models.values():
        files[f"pyodk/models/{model.module}.py"] = render_model(model, contract)
    files["pyodk/models/__init__.py"] = render_models_init(contract)
    for api in contract.apis:
        files[f"pyodk/api/{api.module}.py"] = render_api(api, contract)
    files["pyodk/api/__init__.py"] = render_api_init(contract)
    files.update(render_docs(contract))
    return files


def stale_files(files: dict[str, str]) -> list[Path]:
    """Generated files that the contract no longer asks for (a model or class that went away)."""
    stale = []
    for folder, pattern in (("pyodk/models", "*.py"), ("pyodk/api", "*.py"), ("docs", "*.md")):
        for path in sorted((ROOT / folder).glob(pattern)):
            relative = path.relative_to(ROOT).as_posix()
            if relative in files or relative in HAND_WRITTEN:
                continue
            text = path.read_text(encoding="utf-8")
            if GENERATED in text:
                stale.append(path)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if any file would change"
    )
    args = parser.parse_args(argv)
    files = generated_files(read_contract())
    changed = [
        path
        for path, content in files.items()
        if not (ROOT / path).exists() or (ROOT / path).read_text(encoding="utf-8") != content
    ]
    stale = stale_files(files)
    if args.check:
        for path in changed:
            print(f"differs from what tools/generate.py writes: {path}")
        for stale_path in stale:
            print(f"no longer generated: {stale_path.relative_to(ROOT).as_posix()}")
        return 1 if changed or stale else 0
    for path in changed:
        target = ROOT / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[path], encoding="utf-8")
    for stale_path in stale:
        stale_path.unlink()
    print(f"{len(files)} files generated, {len(changed)} changed, {len(stale)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
