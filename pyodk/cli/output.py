"""What the command line prints: the API's own JSON for scripts, or a table for people.

JSON is what the API itself sends (PascalCase keys, ISO 8601 datetimes), indented, through the
same ``to_wire`` that encodes request bodies, so it reads back with ``Model.from_json``. A field
the answer did not carry (null, or left out by a ``--fields`` filter) is left out.

A table shows a list of models (a collection's items) as rows, one column per field that holds a
single value: numbers, text, booleans, datetimes (to the second, in the local time zone), and
references to other objects, which show their label, name, login or id, whichever comes first.
Columns empty in every row are left out, so ``--fields Id,Name`` narrows a table. A single model
is shown as key/value lines, nested objects flattened to dotted keys (``Status.Label``) so nothing
is hidden. Keys are the API's JSON keys in both forms, so a column seen in a table is the key to
ask jq for.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Sequence
from typing import Any

from pyodk.models.base import Model, to_wire

#: Cells longer than this are cut in tables; the JSON output always has the whole value.
MAX_CELL_WIDTH = 50
_GAP = "  "
#: Which attribute of a nested object stands for it in a table cell, in order of preference.
_REFERENCE_ATTRIBUTES = ("label", "name", "login", "id")
_SCALARS: tuple[type, ...] = (str, int, float, bool, datetime.date)


def json_text(value: Any) -> str:
    return json.dumps(to_wire(value), indent=2, ensure_ascii=False)


def render(value: Any, output: str) -> str:
    """An operation's result as ``output`` ("json" or "table") says, as lines to print.

    No data (an answer of null, or an operation that declares none) is ``null`` in JSON, so that
    what a script reads is always one JSON document, and nothing in a table.
    """
    if output == "json":
        return json_text(value) + "\n"
    text = table_text(value) if value is not None else ""
    return text + "\n" if text else ""


def table_text(value: Any) -> str:
    if isinstance(value, list):
        return rows_text(value)
    if isinstance(value, Model):
        items = _page_items(value)
        if items is not None:
            return _page_text(value, items)
        return key_value_text(_flatten(value))
    if isinstance(value, dict):
        return key_value_text(_flatten_plain(value, ""))
    return cell(value, limit=None)


def rows_text(items: Sequence[Any]) -> str:
    """A table with a header line: one row per item, one column per single-valued field."""
    if not items:
        return "(no items)"
    models = [item for item in items if isinstance(item, Model)]
    if len(models) != len(items):
        return "\n".join(cell(item, limit=None) for item in items)
    columns = [
        (field.json_key, field.slot)
        for field in type(models[0])._fields
        # A column only for values that fit in a cell, and only if some row has one.
        if any(_fits_in_cell(getattr(model, field.slot)) for model in models)
    ]
    header = [key for key, _ in columns]
    rows = [[cell(getattr(model, slot)) for _, slot in columns] for model in models]
    return format_rows([header, *rows])


def format_rows(rows: Sequence[Sequence[str]]) -> str:
    """Columns left-aligned to their widest cell, two spaces apart, no trailing spaces."""
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    return "\n".join(
        _GAP.join(text.ljust(width) for text, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def key_value_text(pairs: Iterable[tuple[str, str]]) -> str:
    pairs = list(pairs)
    if not pairs:
        return "(empty)"
    return format_rows([[key, text] for key, text in pairs])


def cell(value: Any, limit: int | None = MAX_CELL_WIDTH) -> str:
    """One value as table text: datetimes to the second, booleans as in JSON, references by name."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime.datetime):
        # In this machine's time zone, as `ls -l` and `date` show times; the offset says which.
        local = value.astimezone() if value.tzinfo is not None else value
        text = local.isoformat(sep=" ", timespec="seconds")
    elif isinstance(value, Model):
        text = cell(_reference(value), limit=None)
    elif isinstance(value, list):
        text = ",".join(cell(item, limit=None) for item in value)
    elif isinstance(value, dict):
        text = json.dumps(to_wire(value), ensure_ascii=False)
    else:
        text = str(value)
    # One line per row, whatever a name or description holds.
    text = " ".join(text.split()) if "\n" in text or "\r" in text or "\t" in text else text
    if limit is not None and len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def _fits_in_cell(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, (*_SCALARS, Model)):
        return True
    return isinstance(value, list) and all(isinstance(item, _SCALARS) for item in value)


def _reference(model: Model) -> Any:
    for name in _REFERENCE_ATTRIBUTES:
        value = getattr(model, name, None)
        if value is not None:
            return value
    return None


def _page_items(model: Model) -> list[Any] | None:
    """The items of a collection page (a model with Items and Meta), None for any other model."""
    keys = {field.json_key for field in model._fields}
    if not {"Items", "Meta"} <= keys:
        return None
    items = getattr(model, "items", None)
    return list(items) if isinstance(items, list) else []


def _page_text(page: Model, items: list[Any]) -> str:
    text = rows_text(items)
    total = getattr(getattr(page, "meta", None), "total", None)
    if isinstance(total, int) and total > len(items):
        text += f"\n({len(items)} of {total} items: --all-pages lists every page)"
    return text


def _flatten(model: Model, prefix: str = "") -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for field in model._fields:
        pairs += _flatten_value(getattr(model, field.slot), prefix + field.json_key)
    return pairs


def _flatten_value(value: Any, key: str) -> list[tuple[str, str]]:
    if value is None or value == []:
        return []
    if isinstance(value, Model):
        return _flatten(value, key + ".")
    if isinstance(value, dict):
        return _flatten_plain(value, key + ".")
    if isinstance(value, list) and not all(isinstance(item, _SCALARS) for item in value):
        pairs: list[tuple[str, str]] = []
        for index, item in enumerate(value):
            pairs += _flatten_value(item, f"{key}[{index}]")
        return pairs
    return [(key, cell(value, limit=None))]


def _flatten_plain(mapping: dict[str, Any], prefix: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in mapping.items():
        pairs += _flatten_value(value, prefix + str(key))
    return pairs
