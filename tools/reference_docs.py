"""The API reference, written by tools/generate.py from the contract: a page per API class and per
model, and docs/README.md, their index.

The pages follow swagger-codegen's documentation layout, which users of generated clients know,
with what the contract says and pyodk adds (rules in words, waiters and paginate where they
apply). Each operation's example is complete: test/test_docs.py runs it against the fake Oktawave
server, where it must succeed, or, for an operation the fake does not simulate, reach the fake
and be answered 501 (so its arguments passed every client-side check).
"""

from __future__ import annotations

import re
from typing import Any

from contract import (
    GENERATED,
    MIXINS,
    NO_DEFAULT,
    Contract,
    ModelSpec,
    OperationSpec,
    ParamSpec,
    Rules,
)

DOCS_MARKER = f"<!-- {GENERATED} -->"

#: The hand-written guides, listed in the index in this order.
GUIDES = (
    ("conventions.md", "what every method of every API class shares: the `_with_http_info` twin,"
     " `async_req`, timeouts, and the errors raised"),
    ("waiters.md", "waiting for a ticket: for a snapshot to be created, deleted or restored"),
    ("pagination.md", "walking every page of a collection operation"),
    ("auth.md", "getting and refreshing OAuth2 access tokens, and token sources"),
    ("testing.md", "testing code that uses pyodk without reaching Oktawave"),
    ("reliability.md", "timeouts, deadlines, retries, proxies and error handling"),
    ("Configuration.md", "every setting of `Configuration`, its default and environment variable,"
     " and `from_env()`"),
    ("cli.md", "the `pyodk` command line: every operation from the shell, snapshot jobs, pruning"),
)  # fmt: skip

#: Example values for the operations the fake Oktawave server simulates, so that those examples
#: succeed against its seeded world; every other value is made up from the parameter's type and
#: rules.
EXAMPLE_VALUES: dict[tuple[str, str], str] = {
    ("instances_get", "query"): "'web'",
    ("instances_get_snapshots", "id"): "56",
    ("instances_post_snapshot", "id"): "56",
    ("snapshots_get", "instance_id"): "56",
    ("snapshots_get", "query"): "'nginx'",
    ("snapshots_get_0", "id"): "5004",
    ("snapshots_put", "id"): "5004",
    ("snapshots_delete", "id"): "5003",
    ("snapshots_restore", "id"): "5002",
    ("tickets_get_0", "id"): "880001",
}
#: Example text for string parameters and fields, the first that keeps the rules wins.
_TEXT_CANDIDATES = ("web-01", "12:30", "192.168.0.10", "images/web-01.ovf", "example")
_BACK_LINKS = (
    "[[Back to top]](#) [[Back to API list]](README.md#documentation-for-api-endpoints) "
    "[[Back to Model list]](README.md#documentation-for-models) [[Back to README]](README.md)"
)


def render_docs(contract: Contract) -> dict[str, str]:
    """docs/<Api>.md, docs/<Model>.md and docs/README.md."""
    files = {}
    for api in contract.apis:
        files[f"docs/{api.name}.md"] = _api_page(api.name, api.tag, api.operations, contract)
    for model in contract.models.values():
        files[f"docs/{model.name}.md"] = _model_page(model, contract)
    files["docs/README.md"] = _index(contract)
    return files


# ------------------------------------------------------------------ API pages


def _api_page(name: str, tag: str, operations: list[OperationSpec], contract: Contract) -> str:
    lines = [DOCS_MARKER, f"# pyodk.{name}", ""]
    lines += [
        f'The operations of the Oktawave API tagged "{tag}". All URIs are relative to '
        f"*{contract.base_url}* (change it with `configuration.host`).",
        "",
        "Method | HTTP request | Description",
        "------------- | ------------- | -------------",
    ]
    for op in operations:
        lines.append(f"[**{op.name}**](#{op.name}) | **{op.method}** {op.path} | {op.summary}")
    lines += [
        "",
        "Every method has a `<method>_with_http_info` twin that returns `(data, status, headers)`,"
        " and takes the call options `async_req`, `_preload_content`, `_request_timeout`,"
        " `_call_timeout` and `_return_http_data_only`: see [conventions.md](conventions.md).",
    ]
    for op in operations:
        lines += ["", *_operation_section(name, op, contract)]
    return "\n".join(lines) + "\n"


def _operation_section(api: str, op: OperationSpec, contract: Contract) -> list[str]:
    returns = _return_name(op)
    call = ", ".join([p.name for p in op.required] + [f"{p.name}={p.name}" for p in op.optional])
    lines = [f"# **{op.name}**", f"> {returns} {op.name}({call})", "", op.summary or op.name, ""]
    if op.description and not op.description.startswith("Acceptable order values"):
        lines += [op.description, ""]
    lines += _notes(op)
    lines += ["### Example", "```python", *_example(api, op, contract), "```", ""]
    lines += ["### Parameters", ""]
    if op.params:
        lines += [
            "Name | Type | Description | Notes",
            "------------- | ------------- | ------------- | -------------",
        ]
        lines += [_param_row(p, contract) for p in op.params]
    else:
        lines.append("This endpoint does not need any parameter.")
    lines += ["", "### Return type", "", _return_link(op, contract), ""]
    lines += [
        f"`{op.name}_with_http_info(...)` takes the same arguments and returns "
        f"`({returns}, status, headers)`.",
        "",
        "### Authorization",
        "",
        "[oauth2](README.md#authorization)",
        "",
        "### HTTP request headers",
        "",
        f" - **Content-Type**: {'application/json' if _body(op) else 'Not defined'}",
        f" - **Accept**: {'application/json' if op.produces else 'Not defined'}",
        "",
        _BACK_LINKS,
    ]
    return lines


def _notes(op: OperationSpec) -> list[str]:
    notes = []
    if op.response_type == "Ticket":
        notes.append(
            "The work goes on after the call returns the [Ticket](Ticket.md): "
            "`pyodk.wait_for_ticket(api_client, ticket)` follows it until it is done (see "
            "[waiters.md](waiters.md))."
        )
    if op.collection == "paged":
        notes.append(
            f"The answer is one page of the collection: `pyodk.paginate(api.{op.name}, ...)` "
            "walks every page (see [pagination.md](pagination.md))."
        )
    elif op.collection == "unpaged":
        notes.append(
            "The answer is the whole collection in one page; `pyodk.paginate` calls it once."
        )
    return [line for note in notes for line in (note, "")]


def _return_name(op: OperationSpec) -> str:
    if op.response_type is None:
        return "None"
    if op.response_type in ("Object", "object"):
        return "object"
    return op.response_type


def _return_link(op: OperationSpec, contract: Contract) -> str:
    if op.response_type is None:
        return "None (the answer has no body worth decoding)"
    if op.response_type in ("Object", "object"):
        return "The answer's JSON, parsed (a dict or a list): the contract gives it no schema."
    if op.response_type in contract.models:
        return f"[**{op.response_type}**]({op.response_type}.md)"
    return f"**{op.response_type}**"


def _body(op: OperationSpec) -> ParamSpec | None:
    return next((p for p in op.params if p.location == "body"), None)


def _param_row(param: ParamSpec, contract: Contract) -> str:
    if param.type in contract.models:
        kind = f"[**{param.type}**]({param.type}.md)"
    else:
        kind = f"**{param.type}**"
    where = {
        "path": f"Path segment `{{{param.wire}}}`",
        "query": f"Query parameter `{param.wire}`",
        "body": "Sent as the JSON body",
    }[param.location]
    notes = [f"[optional] {where}" if not param.required else where]
    if param.collection_format == "multi":
        notes.append("one query parameter per item")
    if param.int_format == "int64":
        notes.append("64-bit")
    words = param.rules.describe()
    if param.wire == "orderBy" and param.rules.choices:
        words = [w + " (any letter case)" if w.startswith("one of") else w for w in words]
    notes += words
    if param.default is not NO_DEFAULT:
        notes.append(f"the service's default: `{param.default}`")
    return f" **{param.name}** | {kind} | {_cell(param.description)} | {_cell('; '.join(notes))} "


# ------------------------------------------------------------------ examples


def _example(api: str, op: OperationSpec, contract: Contract) -> list[str]:
    lines = []
    lines += [
        "",
        "configuration = pyodk.Configuration()",
        "configuration.access_token = 'YOUR_ACCESS_TOKEN'",
        "",
        "with pyodk.ApiClient(configuration) as api_client:",
        f"    api_instance = pyodk.{api}(api_client)",
    ]
    for param in op.params:
        value = _example_value(op, param, contract)
        optional = " (optional)" if not param.required else ""
        comment = f"  # {_doc_type(param.type)} | {param.description}{optional}"
        first, *rest = value.splitlines()
        lines.append(f"    {param.name} = {first}" + ("" if rest else comment))
        lines += [f"    {line}" for line in rest]
    call = ", ".join([p.name for p in op.required] + [f"{p.name}={p.name}" for p in op.optional])
    lines += ["    try:", f"        # {op.summary or op.name}"]
    if op.response_type is None:
        lines.append(f"        api_instance.{op.name}({call})")
    else:
        lines += [
            f"        api_response = api_instance.{op.name}({call})",
            "        pprint(api_response)",
        ]
    lines += [
        "    except ApiException as e:",
        f'        print("Exception when calling {api}->{op.name}: %s\\n" % e)',
    ]
    imports = [
        "from pprint import pprint",
        "",
        "import pyodk",
        "from pyodk.rest import ApiException",
    ]
    if any("datetime." in line for line in lines):
        imports.insert(0, "import datetime")
    return imports + lines


def _doc_type(swagger: str) -> str:
    return swagger


def _example_value(op: OperationSpec, param: ParamSpec, contract: Contract) -> str:
    known = EXAMPLE_VALUES.get((op.name, param.name))
    if known is not None:
        return known
    if param.type in contract.models:
        return _model_example(contract.models[param.type], contract, 4)
    if param.wire == "fields":
        return "'Id'"
    return _value(param.type, param.rules, param.name, contract)


def _value(kind: str, rules: Rules, name: str, contract: Contract, indent: int = 4) -> str:
    if kind == "int":
        if name in ("page_size",):
            return "10"
        low = rules.minimum if rules.minimum is not None else 1
        high = rules.maximum if rules.maximum is not None else 56
        return str(min(max(56, low), high) if name != "page_number" else 1)
    if kind == "float":
        return "1.5"
    if kind == "bool":
        return "True"
    if kind == "datetime":
        return "datetime.datetime(2026, 11, 2, 10, 15, 30, tzinfo=datetime.timezone.utc)"
    if kind == "str":
        return repr(_text(rules))
    if kind.startswith("list["):
        item = kind[5:-1]
        if item in contract.models:
            return "[" + _model_example(contract.models[item], contract, indent) + "]"
        return f"[{_value(item, Rules(), name, contract)}, {_value(item, Rules(), name, contract)}]"
    if kind in contract.models:
        return _model_example(contract.models[kind], contract, indent)
    return "None"


def _text(rules: Rules) -> str:
    if rules.choices:
        return rules.choices[0]
    for text in _TEXT_CANDIDATES:
        if rules.pattern and not re.search(rules.pattern, text):
            continue
        if rules.max_length is not None and len(text) > rules.max_length:
            continue
        if rules.min_length is not None and len(text) < rules.min_length:
            continue
        return text
    return "x" * max(rules.min_length or 1, 1)


def _model_example(model: ModelSpec, contract: Contract, indent: int) -> str:
    """``pyodk.Model(field=value, ...)`` with every field the model requires, valid by its rules."""
    arguments = []
    for prop in model.props:
        if not prop.required or prop.default is not NO_DEFAULT:
            continue
        value = _value(prop.type, prop.rules, prop.attr, contract, indent + 4)
        arguments.append(f"{prop.attr}={value}")
    if not arguments:
        return f"pyodk.{model.name}()"
    pad = " " * (indent + 4)
    inner = "".join(f"\n{pad}{argument}," for argument in arguments)
    return f"pyodk.{model.name}({inner}\n{' ' * indent})"


# ------------------------------------------------------------------ model pages


def _model_page(model: ModelSpec, contract: Contract) -> str:
    lines = [DOCS_MARKER, f"# {model.name}", ""]
    intro = f"The Oktawave API's `{model.definition}`"
    if model.name != model.definition:
        intro += f", named `{model.name}` in Python because `{model.definition}` is a keyword"
    lines += [intro + ".", ""]
    used = _used_by(model, contract)
    if used:
        lines += ["Used by: " + "; ".join(used) + ".", ""]
    if not model.props:
        lines += [
            "It has no properties: an answer of this type is returned as its parsed JSON "
            "(a dict or a list), as swagger-codegen's client returns it.",
            "",
        ]
    else:
        lines += [
            "## Properties",
            "",
            "Name | Type | JSON key | Description | Notes",
            "------------ | ------------- | ------------- | ------------- | -------------",
        ]
        lines += [_property_row(prop, contract) for prop in model.props]
        lines += ["", *_model_rules_text(model)]
    if model.name in MIXINS:
        mixin, adds = MIXINS[model.name]
        lines += [f"A {model.name} also has {adds} (`pyodk.models.mixins.{mixin}`).", ""]
    lines += [
        "[[Back to Model list]](README.md#documentation-for-models) "
        "[[Back to API list]](README.md#documentation-for-api-endpoints) "
        "[[Back to README]](README.md)"
    ]
    return "\n".join(lines) + "\n"


def _used_by(model: ModelSpec, contract: Contract) -> list[str]:
    uses = []
    for api, op, how in model.used_by:
        link = f"[{api}.{op}]({api}.md#{op})"
        uses.append(f"the body of {link}" if how == "body" else f"the answer of {link}")
    for other in contract.models.values():
        if any(re.search(rf"\b{model.name}\b", p.type) for p in other.props):
            uses.append(f"[{other.name}]({other.name}.md)")
    return uses


def _property_row(prop: Any, contract: Contract) -> str:
    inner = prop.type[5:-1] if prop.type.startswith("list[") else prop.type
    if inner in contract.models:
        link = f"[**{inner}**]({inner}.md)"
        kind = f"list[{link}]" if prop.type.startswith("list[") else link
    else:
        kind = f"**{prop.type}**"
    flags = [] if prop.required else ["[optional]"]
    if prop.default is not NO_DEFAULT and prop.default is not None:
        flags.append(f"[default to {prop.default!r}]")
    notes = [" ".join(flags)] if flags else []
    notes += prop.rules.describe()
    if prop.service_default is not NO_DEFAULT:
        notes.append(
            f"the service's own default {prop.service_default!r} breaks this rule, so pyodk "
            "has none: set it"
        )
    return f"**{prop.attr}** | {kind} | `{prop.key}` | {_cell(prop.description)} | " + _cell(
        "; ".join(notes)
    )


def _cell(text: str) -> str:
    """Text for a table cell: a ``|`` (in a pattern, say) would end the cell."""
    return text.replace("|", "\\|")


def _model_rules_text(model: ModelSpec) -> list[str]:
    lines = [
        "Every property may be missing from an answer (a `fields` filter leaves out what it does "
        "not name): it is then `None`. Keys the server sends that pyodk does not know are "
        "ignored.",
        "",
    ]
    if any(p.type == "datetime" for p in model.props):
        lines += [
            "Datetimes arrive as ISO 8601 text (for example `2026-11-02T10:15:30.1234567+01:00`)"
            " and decode to aware `datetime.datetime` values; one sent without an offset is taken"
            " to be in `Configuration.assumed_timezone`, UTC unless set otherwise.",
            "",
        ]
    if any(p.required or p.rules.describe() for p in model.props):
        lines += [
            "The rules in the Notes column apply to values you set, when you build the model to "
            "send it: a value that breaks one raises `pyodk.ApiValueError` (or `ApiTypeError` for "
            "a wrong type) before anything is sent, unless "
            "`configuration.client_side_validation` is off. Lengths are counted as the service "
            "counts them, in UTF-16 code units. Answers from the server are never checked "
            "against them.",
            "",
        ]
    return lines


# ------------------------------------------------------------------ the index


def _index(contract: Contract) -> str:
    operations = sum(len(api.operations) for api in contract.apis)
    lines = [DOCS_MARKER, "# pyodk documentation", ""]
    lines += [
        "pyodk is the Python SDK (Python 3.10 or newer) for the whole Oktawave cloud API: "
        f"{len(contract.apis)} API classes with {operations} operations, and "
        f"{len(contract.models)} models. Its interface is the one swagger-codegen generates for "
        "Python, so `Configuration`, `ApiClient`, the API classes and the models behave as they "
        "do in any generated client.",
        "",
        f"- All URIs are relative to *{contract.base_url}* (change it with `configuration.host`).",
        "- JSON keys on the wire are PascalCase (`CreationDate`); model attributes are snake_case "
        "(`creation_date`).",
        "- Every model is available both as `pyodk.<Name>` and as `pyodk.models.<Name>`, every "
        "API class as `pyodk.<Name>` and `pyodk.api.<Name>`.",
        "",
        "## Getting started",
        "",
        "Find an instance by its name, snapshot it, and wait until the snapshot is made:",
        "",
        "```python",
        "import pyodk",
        "",
        "configuration = pyodk.Configuration()",
        "configuration.access_token = 'YOUR_ACCESS_TOKEN'",
        "",
        "with pyodk.ApiClient(configuration) as api_client:",
        "    instances = pyodk.OCIApi(api_client)",
        "    web = next(i for i in pyodk.paginate(instances.instances_get, query='web-prod')",
        "               if i.name == 'web-prod-01')",
        "    snapshots = pyodk.OCISnapshotsApi(api_client)",
        "    made = pyodk.create_snapshot_and_wait(snapshots, web.id, 'before-upgrade')",
        "    print('instance', web.id, 'snapshot', made.id, made.name)",
        "```",
        "",
        "## Guides",
        "",
    ]
    lines += [f"- [{page}]({page}): {what}." for page, what in GUIDES]
    lines += [
        "",
        "## Documentation for API endpoints",
        "",
        f"All URIs are relative to *{contract.base_url}*",
        "",
        "Class | Method | HTTP request | Description",
        "------------ | ------------- | ------------- | -------------",
    ]
    for api in contract.apis:
        for op in api.operations:
            lines.append(
                f"*{api.name}* | [**{op.name}**]({api.name}.md#{op.name}) | "
                f"**{op.method}** {op.path} | {op.summary}"
            )
    lines += ["", "## Documentation for models", ""]
    lines += [f" - [{name}]({name}.md)" for name in sorted(contract.models)]
    lines += [
        "",
        "## Authorization",
        "",
        "Every operation uses the one scheme, **oauth2**: an OAuth2 bearer token "
        "(`Authorization: Bearer <token>`), from the password flow at "
        "https://id.oktawave.com/core/connect/token with the scope `oktawave.api`.",
        "",
        "- **A fixed token.** Set `configuration.access_token = '...'`, as the examples on every "
        "page do. Oktawave's own tools keep such a token in `OKTAWAVE_ACCESS_TOKEN`.",
        "- **A token source.** `pyodk.auth.PasswordGrant` fetches and renews tokens itself: "
        "see [auth.md](auth.md).",
    ]
    return "\n".join(lines) + "\n"
