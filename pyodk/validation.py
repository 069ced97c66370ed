"""The contract's rules on values (lengths, patterns, ranges, enums), checked one way everywhere.

Operation parameters (pyodk/api/operation.py) and model fields (pyodk/models/base.py) both ask
these functions what is wrong with a value, and word the error with their own "where". Each
function returns None for a good value, or the reason as text.

Lengths are counted as the service counts them: in UTF-16 code units, because it is .NET (an
emoji outside the Basic Multilingual Plane counts 2), so that a value the service would refuse as
too long is refused here before it is sent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection

_NEGATED_CLASS = re.compile(r"\^\[\^((?:\\.|[^\]\\])+)\]\*\$")
_ESCAPE = re.compile(r"\\(.)")


def text_length(text: str) -> int:
    """The length .NET gives ``text``: UTF-16 code units."""
    if text.isascii():
        return len(text)
    # surrogatepass: a lone surrogate counts one unit here; unicode_problem refuses it.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def unicode_problem(text: str) -> str | None:
    """Why ``text`` cannot be sent as JSON text: a lone surrogate (what Python makes of bytes
    that are not UTF-8, in a command-line argument, say) has no UTF-8 form."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"is not valid Unicode text ({exc.reason} at position {exc.start})"
    return None


def length_problem(text: str, min_length: int | None, max_length: int | None) -> str | None:
    if max_length is not None and text_length(text) > max_length:
        return f"length must be less than or equal to `{max_length}` (got {text_length(text)})"
    if min_length is not None and text_length(text) < min_length:
        return f"length must be greater than or equal to `{min_length}` (got {text_length(text)})"
    return None


def pattern_problem(text: str, pattern: str) -> str | None:
    """Why ``text`` does not match ``pattern``; a "none of these" pattern names the culprits."""
    if compiled(pattern).search(text) is not None:
        return None
    forbidden = forbidden_characters(pattern)
    if forbidden:
        bad = sorted({c for c in text if c in forbidden})
        if bad:
            return (
                f"must not contain {' '.join(repr(c) for c in bad)} "
                f"(forbidden: {' '.join(forbidden)})"
            )
    return f"must match the pattern {pattern} (got {text!r})"


def range_problem(value: float, minimum: float | None, maximum: float | None) -> str | None:
    if minimum is not None and value < minimum:
        return f"must be greater than or equal to `{minimum}` (got {value})"
    if maximum is not None and value > maximum:
        return f"must be less than or equal to `{maximum}` (got {value})"
    return None


def choice_problem(value: str, choices: Collection[str], any_case: bool = False) -> str | None:
    """Why ``value`` is not one of ``choices``; ``any_case`` compares without letter case."""
    if any_case:
        if value.casefold() in _folded(tuple(choices)):
            return None
        return f"must be one of {', '.join(choices)} (in any letter case), got {value!r}"
    if value in choices:
        return None
    return f"must be one of {', '.join(choices)}, got {value!r}"


@functools.cache
def compiled(pattern: str) -> re.Pattern[str]:
    """The pattern compiled once, on first use: most are never needed in a process."""
    return re.compile(pattern)


@functools.cache
def forbidden_characters(pattern: str) -> str:
    """``/\\|<>%`` for ``^[^\\/\\\\|<>%]*$``: the characters a "none of these" pattern forbids.

    Empty for any other kind of pattern (or one with a range), whose message then quotes it.
    """
    match = _NEGATED_CLASS.fullmatch(pattern)
    if match is None:
        return ""
    members = _ESCAPE.sub(r"\1", match.group(1))
    if "-" in members.strip("-"):
        return ""
    return members


@functools.cache
def _folded(choices: tuple[str, ...]) -> frozenset[str]:
    return frozenset(c.casefold() for c in choices)
