"""Command-line text to Python values, by the contract's type names: argparse ``type=`` functions.

Each function raises ``argparse.ArgumentTypeError`` with a message that says what was expected, so
that argparse prints it as its one-line usage error (exit 2) before anything is sent. Range and
pattern rules are not checked here: the operation and the models check them, once, the way they
do for Python callers.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Callable
from typing import Any

from pyodk import validation

_TRUE = frozenset({"true"})
_FALSE = frozenset({"false"})


def unicode_text(value: str) -> str:
    """Text as given, if it is valid Unicode.

    A byte that is not UTF-8 reaches Python's argv as a lone surrogate (``\\udcff`` for 0xff),
    which cannot be encoded into a URL or a body: it is refused here, before anything is sent.
    """
    if not is_unicode(value):
        raise argparse.ArgumentTypeError(f"{value!r} is not valid Unicode text (is it UTF-8?)")
    return value


def is_unicode(value: str) -> bool:
    """False for text holding a lone surrogate, which no UTF encoding can carry (the rule the
    library refuses such text by)."""
    return validation.unicode_problem(value) is None


def integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def seconds(text: str) -> float:
    """A duration: a number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a number of seconds (0 or more), got {text!r}")
    return value


def boolean(text: str) -> bool:
    folded = text.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def iso_datetime(text: str) -> datetime.datetime:
    """ISO 8601 (``2026-11-02T10:15:30+01:00``, ``...Z``, or a date alone).

    Without an offset the value stays naive here: the command's client is not made yet, and its
    ``Configuration.assumed_timezone`` says what such a datetime means (``in_timezone``), the
    same rule that reads the API's own datetimes, so that what is typed and printed agree.
    """
    from pyodk.exceptions import ModelDecodeError
    from pyodk.models.base import parse_datetime

    try:
        return parse_datetime(text.strip())
    except ModelDecodeError:
        raise argparse.ArgumentTypeError(
            f"expected an ISO 8601 datetime such as 2026-11-02T10:15:30+01:00, got {text!r}"
        ) from None


def in_timezone(value: Any, tz: datetime.tzinfo | None) -> Any:
    """``value``, a datetime without an offset given ``tz`` (None, as the Configuration says,
    keeps it naive); any other value as it is."""
    if tz is not None and isinstance(value, datetime.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=tz)
    return value


def integer_list(text: str) -> list[int]:
    """``1,2,3``; the option may also be repeated, and its lists add up (``action="extend"``)."""
    parts = [part.strip() for part in text.split(",")]
    try:
        return [int(part) for part in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected integers separated by commas, got {text!r}"
        ) from None


def json_document(text: str) -> Any:
    """JSON given inline, or ``@file.json`` to read a file, or ``@-`` to read standard input."""
    source = "the JSON given"
    if text.startswith("@"):
        path = text[1:]
        source = "standard input" if path == "-" else path
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as file:
                    text = file.read()
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise argparse.ArgumentTypeError(f"cannot read {source}: {reason}") from None
    try:
        document = json.loads(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{source} is not valid JSON: {error}") from None
    where = _not_unicode_at(document, "")
    if where is not None:
        # A byte that is not UTF-8, or a JSON escape such as \ud800 that stands alone.
        what = f"{source}: {where!r}" if where else source
        raise argparse.ArgumentTypeError(f"{what} is not valid Unicode text")
    return document


def _not_unicode_at(value: Any, path: str) -> str | None:
    """Where in a JSON document (``Name``, ``Items[2].Name``) a key or a string is not valid
    Unicode; None when all of it is."""
    if isinstance(value, str):
        return None if is_unicode(value) else path
    if isinstance(value, list):
        for index, item in enumerate(value):
            where = _not_unicode_at(item, f"{path}[{index}]")
            if where is not None:
                return where
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else key
            if not is_unicode(key):
                return inner
            where = _not_unicode_at(item, inner)
            if where is not None:
                return where
    return None


#: The converter for each type name the contract uses for parameters and body fields.
CONVERTERS: dict[str, Callable[[str], Any]] = {
    "int": integer,
    "float": number,
    "str": unicode_text,
    "bool": boolean,
    "datetime": iso_datetime,
    "list[int]": integer_list,
}

#: How each type is written in --help.
METAVARS = {
    "int": "INT",
    "float": "NUMBER",
    "str": "TEXT",
    "bool": "true|false",
    "datetime": "DATETIME",
    "list[int]": "INT[,INT...]",
}

#: Types whose options may be repeated, each occurrence adding to the list.
LIST_TYPES = frozenset({"list[int]"})
