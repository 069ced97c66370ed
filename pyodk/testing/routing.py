"""Which contract operation a request is: the fake's routes come from ``pyodk.api.OPERATION_INDEX``.

Routing follows ASP.NET attribute routing: path literals match case-insensitively, a template
parameter matches one non-empty segment, and where several templates match a path the one with a
literal in the first differing segment wins (``/instances/types`` is not ``/instances/{id}``).
A path that matches some template but not with this method is a 405; one that matches none is a
404, as for anything outside the contract.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Allow lists read best in this order, whatever order the contract lists the methods in.
_METHOD_ORDER = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
_PARAMETER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    """One contract operation: where it lives and what it is called."""

    operation_id: str
    method: str
    template: str
    api_class: str
    pattern: re.Pattern[str]
    # One entry per segment, 0 for a literal and 1 for a parameter: lower sorts (and wins) first.
    precedence: tuple[int, ...]

    @classmethod
    def from_index_entry(cls, entry: tuple[str, str, str, str]) -> Route:
        operation_id, method, template, api_class = entry
        segments = template.strip("/").split("/")
        regex = "/" + "/".join(_segment_regex(s) for s in segments)
        return cls(
            operation_id=operation_id,
            method=method.upper(),
            template=template,
            api_class=api_class,
            pattern=re.compile(regex, re.IGNORECASE),
            precedence=tuple(1 if _PARAMETER.search(s) else 0 for s in segments),
        )

    def describe(self) -> str:
        """E.g. ``groups_get_groups (GET /groups)``."""
        return f"{self.operation_id} ({self.method} {self.template})"


@dataclass(frozen=True)
class Match:
    route: Route
    params: dict[str, str]


class MethodNotAllowed(Exception):
    """The path is the contract's, the method is not: answer 405 with these in ``Allow``."""

    def __init__(self, allowed: tuple[str, ...]) -> None:
        super().__init__(", ".join(allowed))
        self.allowed = allowed


class RouteTable:
    """The contract's operations, ready to match request paths (relative to the API base)."""

    def __init__(self, index: Iterable[tuple[str, str, str, str]]) -> None:
        routes = [Route.from_index_entry(entry) for entry in index]
        self.routes = tuple(sorted(routes, key=lambda r: (r.precedence, r.template, r.method)))
        self.by_operation = {route.operation_id: route for route in self.routes}

    def resolve(self, method: str, path: str) -> Match | None:
        """The operation for this request; None when no template matches the path.

        :raises MethodNotAllowed: a template matches the path, but none with this method.
        """
        best_template: str | None = None
        allowed: set[str] = set()
        for route in self.routes:
            found = route.pattern.fullmatch(path)
            if found is None:
                continue
            if route.method == method:
                return Match(route, found.groupdict())
            best_template = best_template or route.template
            if route.template == best_template:
                allowed.add(route.method)
        if best_template is None:
            return None
        raise MethodNotAllowed(tuple(m for m in _METHOD_ORDER if m in allowed))


def _segment_regex(segment: str) -> str:
    # re.split with a group alternates literal text and parameter names: "a{id}b" -> a, id, b.
    parts = _PARAMETER.split(segment)
    return "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
    )
