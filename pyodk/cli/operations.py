"""Every operation of every API class as a subcommand, built from its ``Operation`` and docstring.

``pyodk <api> <operation> [args]``: nothing here names an operation. For each one:

- path parameters are positional (``pyodk oci-snapshots snapshots-get-0 5001``);
- query parameters are ``--kebab-case`` options, converted by their contract type (int, bool as
  true/false, datetime as ISO 8601, list[int] as ``1,2,3`` or the option repeated);
- a body comes whole from ``--body JSON`` (or ``@file.json``, ``@-`` for stdin), and each of its
  fields that holds a single value or a list of ints is also an option of its own (``--name``),
  which wins over the same key in ``--body``; nested objects go through ``--body`` only;
- a paged collection gets ``--all-pages``; an operation that answers a Ticket gets ``--wait``;
- help comes from the method's docstring: its summary, and each ``:param`` line.

Only what is given is sent: a body field left out is left out of the body, even where the
contract has a default (which a Python caller gets from the model's constructor). Required fields
must be given, so that a PUT never silently replaces a value with a placeholder.
"""

from __future__ import annotations

import argparse
import datetime
import inspect
import re
from typing import TYPE_CHECKING, Any

import pyodk.api
import pyodk.models
from pyodk.cli.parser import CommandTree, Filler, UsageError, add_common_options, kebab
from pyodk.cli.values import CONVERTERS, LIST_TYPES, METAVARS, in_timezone, json_document
from pyodk.cli.waiting import add_wait_options, wait_options

if TYPE_CHECKING:
    from pyodk.api.operation import Operation, Param
    from pyodk.cli.session import Session
    from pyodk.models.base import Field, Model

_PARAM_LINE = re.compile(r"^:param (?:\S+ )?(\w+): ?(.*)$")
_REQUIRED_NOTE = re.compile(r"\s*\(required\)\s*$")


def fill_api(
    tree: CommandTree, parser: argparse.ArgumentParser, path: tuple[str, ...], class_name: str
) -> None:
    """One subcommand per operation of the class, each filled in only when chosen."""
    api_class = getattr(pyodk.api, class_name)
    parser.description = (
        f"The operations of {class_name}; its reference is docs/{class_name}.md.\n"
        f"`pyodk {path[0]} OPERATION --help` describes one."
    )
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    commands = tree.add_commands(parser, "subcommand", "OPERATION")
    for name, http_method, template, owner in pyodk.api.OPERATION_INDEX:
        if owner != class_name:
            continue
        summary, _ = parse_docstring(getattr(api_class, name).__doc__)
        help_text = f"{summary} ({http_method} {template})"
        tree.add_shell(commands, (*path, kebab(name)), _escape(help_text), _fill(class_name, name))


def parse_docstring(docstring: str | None) -> tuple[str, dict[str, str]]:
    """The summary line and each ``:param`` line's text (continuation lines joined)."""
    lines = inspect.cleandoc(docstring or "").splitlines()
    summary = lines[0].strip() if lines else ""
    params: dict[str, str] = {}
    current: str | None = None
    for line in lines[1:]:
        match = _PARAM_LINE.match(line)
        if match:
            current = match[1]
            params[current] = match[2].strip()
        elif current is not None and line.startswith((" ", "\t")) and line.strip():
            params[current] += " " + line.strip()
        else:
            current = None
    return summary, params


def option_name(name: str) -> str:
    return "--" + kebab(name)


def _param_dest(param: Param) -> str:
    return f"param_{param.name}"


def _field_dest(field: Field) -> str:
    return f"field_{field.name}"


def _fill(class_name: str, method_name: str) -> Filler:
    def fill(tree: CommandTree, parser: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        method = getattr(getattr(pyodk.api, class_name), method_name)
        build_operation_parser(parser, method.operation, method.__doc__)
        parser.set_defaults(target=(class_name, method_name))

    return fill


def build_operation_parser(
    parser: argparse.ArgumentParser, operation: Operation, docstring: str | None
) -> None:
    """Arguments, options and help of one operation's subcommand."""
    summary, described = parse_docstring(docstring)
    notes = [summary, "", f"{operation.method} {operation.path}"]
    if operation.collection == "paged":
        notes.append("Answers one page of the collection; --all-pages lists every page.")
    parser.description = "\n".join(notes)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter

    # Groups are shown in the order they are made; arguments are added in order of precedence,
    # so that a body field whose name is already an option stays reachable through --body alone.
    params_group = parser.add_argument_group("parameters")
    body_param = next((p for p in operation.params if p.location == "body"), None)
    body_group = parser.add_argument_group(f"body: {body_param.type}") if body_param else None
    if operation.collection == "paged":
        parser.add_argument(
            "--all-pages",
            action="store_true",
            help="walk every page and print one list of all the items",
        )
    if operation.response_type == "Ticket":
        add_wait_options(parser)
    add_common_options(parser)

    names: dict[str, str] = {}
    for param in operation.params:
        help_text = _REQUIRED_NOTE.sub("", described.get(param.name, ""))
        if param.location == "path":
            parser.add_argument(
                _param_dest(param),
                metavar=param.name.upper(),
                type=CONVERTERS[param.type],
                help=_escape(f"{help_text} ({METAVARS[param.type]})"),
            )
            names[param.name] = param.name.upper()
        elif param.location == "query":
            option = option_name(param.name)
            _add_typed_option(
                params_group, option, _param_dest(param), param.type, help_text, param.required
            )
            names[param.name] = option
        elif body_group is not None:
            names.update(_add_body_options(body_group, param, help_text))
    parser.set_defaults(run=run_operation, command_parser=parser, option_names=names)


def _add_typed_option(
    group: argparse._ArgumentGroup,
    option: str,
    dest: str,
    type_name: str,
    help_text: str,
    required: bool = False,
) -> None:
    repeatable = type_name in LIST_TYPES
    group.add_argument(
        option,
        dest=dest,
        required=required,
        type=CONVERTERS[type_name],
        metavar=METAVARS[type_name],
        action="extend" if repeatable else "store",
        help=_escape(help_text + (" (repeatable)" if repeatable else "")),
    )


def _add_body_options(
    group: argparse._ArgumentGroup, param: Param, help_text: str
) -> dict[str, str]:
    """``--body`` and an option per single-valued field; the CLI spelling of each field's name."""
    model_class = _model_class(param.type)
    group.add_argument(
        "--body",
        dest="body_document",
        type=json_document,
        metavar="JSON",
        help=_escape(
            f"{help_text}: the whole body as the API's JSON (PascalCase keys), or @FILE, or @- "
            "for stdin; the options below override its keys"
        ),
    )
    names = {}
    only_in_body = []
    for field in model_class._fields:
        if field.type not in CONVERTERS:
            only_in_body.append(field.json_key)
            continue
        text = field.description + (" (required)" if field.required else "")
        try:
            _add_typed_option(group, option_name(field.name), _field_dest(field), field.type, text)
        except argparse.ArgumentError:
            only_in_body.append(field.json_key)  # the name is already a command option
        else:
            names[field.name] = option_name(field.name)
    if only_in_body:
        group.description = f"Given in --body only: {', '.join(only_in_body)}."
    return names


def run_operation(args: argparse.Namespace, session: Session) -> int:
    """Call the operation with what was given; print its answer (every page, the waited ticket)."""
    from pyodk.pagination import paginate
    from pyodk.waiters import wait_for_ticket

    class_name, method_name = args.target
    method = getattr(session.api(class_name), method_name)
    operation: Operation = method.operation
    tz = session.client.configuration.assumed_timezone
    kwargs: dict[str, Any] = {}
    for param in operation.params:
        if param.location == "body":
            value = build_body(_model_class(param.type), args, param.required, tz)
        else:
            value = in_timezone(getattr(args, _param_dest(param), None), tz)
        if value is not None:
            kwargs[param.name] = value
    if getattr(args, "all_pages", False):
        if "page_number" in kwargs:
            raise UsageError("--all-pages walks every page: leave out --page-number")
        session.show(list(paginate(method, **kwargs)))
        return 0
    result = method(**kwargs)
    if getattr(args, "wait", False):
        result = wait_for_ticket(session.client, result, **wait_options(args, session.progress))
    session.show(result)
    return 0


def build_body(
    model_class: type[Model],
    args: argparse.Namespace,
    required: bool,
    tz: datetime.tzinfo | None,
) -> Model | None:
    """The body model from ``--body`` and the field options; None when nothing was given and the
    body is optional. ``tz``: the client's ``assumed_timezone``, for datetimes without an offset.

    :raises UsageError: unknown keys or wrong types in --body, or a required field not given.
    """
    document = getattr(args, "body_document", None)
    given: dict[str, Any] = {}
    if document is not None:
        given.update(_fields_of_document(model_class, document, tz))
    for field in model_class._fields:
        value = getattr(args, _field_dest(field), None)
        if value is not None:
            given[field.name] = in_timezone(value, tz)
    if not given and not required and document is None:
        return None
    missing = [
        option_name(f.name) if f.type in CONVERTERS else f.json_key
        for f in model_class._fields
        if f.required and given.get(f.name) is None
    ]
    if missing:
        raise UsageError(
            f"the {model_class.__name__} body needs {', '.join(missing)} (as options, or keys "
            "of --body)"
        )
    model = model_class(**given)
    for field in model_class._fields:
        if field.name not in given:
            # The constructor fills in the contract's defaults; the command line sends only
            # what was asked for.
            setattr(model, field.name, None)
    return model


def _fields_of_document(
    model_class: type[Model], document: Any, tz: datetime.tzinfo | None
) -> dict[str, Any]:
    """``--body``'s keys as field values, decoded by the model as an answer would be (``tz`` for
    datetimes without an offset); keys matched in any letter case, as the service's JSON binding
    matches them."""
    from pyodk.exceptions import ModelDecodeError
    from pyodk.models.base import decoder_for

    name = model_class.__name__
    if not isinstance(document, dict):
        raise UsageError(f"--body must be a JSON object (a {name}), got {type(document).__name__}")
    by_key = {field.json_key.lower(): field for field in model_class._fields}
    unknown = [key for key in document if key.lower() not in by_key]
    if unknown:
        known = ", ".join(field.json_key for field in model_class._fields)
        raise UsageError(f"--body: {name} has no key {unknown[0]!r} (its keys: {known})")
    wire = {by_key[key.lower()].json_key: value for key, value in document.items()}
    try:
        decoded = decoder_for(model_class.__name__)(wire, tz=tz)
    except ModelDecodeError as error:
        raise UsageError(f"--body: {error}") from None
    return {by_key[key.lower()].name: getattr(decoded, by_key[key.lower()].name) for key in wire}


def _model_class(name: str) -> type[Model]:
    model_class: type[Model] = getattr(pyodk.models, name)
    return model_class


def _escape(text: str) -> str:
    """argparse formats help with %: a literal one must be doubled."""
    return text.replace("%", "%%")
