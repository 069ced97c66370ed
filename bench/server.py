"""A canned, keep-alive HTTP/1.1 server answering Oktawave-shaped JSON, for bench/run.py.

It runs in its own process (``python bench/server.py``), prints its port on the first line of
stdout, and serves until stdin closes. It is a raw socket server with a thread per connection and
every answer rendered once and cached as bytes, so that the server adds as little noise as possible
to a two-core machine whose other core runs the client being measured.

Routes (everything else is a 404):

- ``GET /snapshots/{id}``: one Snapshot;
- ``GET /snapshots?pageSize=N&pageNumber=P``: page P of TOTAL_SNAPSHOTS snapshots;
- ``POST /instances/{id}/snapshots``: a Ticket (the body is read and ignored);
- ``GET /tickets/{id}``: a Ticket.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from typing import Any
from urllib.parse import parse_qsl, urlsplit

#: How many snapshots the collection holds, so that a walk page by page visits 10 000.
TOTAL_SNAPSHOTS = 10_000
INSTANCE_ID = 56

_USER = {
    "Id": 48213,
    "Login": "jan.kowalski@example.com",
    "FirstName": "Jan",
    "LastName": "Kowalski",
}


def wire_datetime(seconds: int, object_id: int) -> str:
    """ASP.NET style: 7 fractional digits, and an offset that varies (``+01:00``, ``Z``, none)."""
    day = 1 + seconds // 86_400 % 28
    hour, minute, second = seconds // 3600 % 24, seconds // 60 % 60, seconds % 60
    stamp = f"2024-03-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{object_id * 7919 % 10**7:07d}"
    return stamp + ("+01:00", "Z", "")[object_id % 3]


def snapshot_json(snapshot_id: int) -> dict[str, Any]:
    return {
        "Id": snapshot_id,
        "Name": f"web-1 nightly {snapshot_id}",
        "Description": f"Nightly backup #{snapshot_id} of web-1 before the deploy",
        "Instance": {"Id": INSTANCE_ID},
        "CreationDate": wire_datetime(snapshot_id * 3600, snapshot_id),
        "LastChangeDate": wire_datetime(snapshot_id * 3600 + 95, snapshot_id + 1),
        "CreationUser": _USER,
        "IsSystem": snapshot_id % 7 == 0,
        "IsCurrent": snapshot_id == TOTAL_SNAPSHOTS,
        "SnapshotParent": None if snapshot_id == 1 else {"Id": snapshot_id - 1},
    }


def _dictionary_item(item_id: int, label: str, dictionary_id: int) -> dict[str, Any]:
    return {
        "Id": item_id,
        "Label": label,
        "Dictionary": {
            "Id": dictionary_id,
            "Links": [{"Href": f"/dictionaries/{dictionary_id}", "Rel": "self"}],
        },
    }


def ticket_json(ticket_id: int) -> dict[str, Any]:
    return {
        "Id": ticket_id,
        "CreationDate": wire_datetime(ticket_id * 60, ticket_id),
        "CreationUser": _USER,
        "EndDate": None,
        "Status": _dictionary_item(135, "Running", 40),
        "OperationType": _dictionary_item(1541, "Create snapshot", 38),
        "ObjectId": INSTANCE_ID,
        "ObjectType": _dictionary_item(1, "OCI", 39),
        "ObjectName": "web-1",
        "Progress": 0,
    }


def page_json(page_size: int, page_number: int) -> dict[str, Any]:
    first = (page_number - 1) * page_size + 1
    last = min(TOTAL_SNAPSHOTS, first + page_size - 1)
    return {
        "Items": [snapshot_json(i) for i in range(first, last + 1)],
        "Meta": {"Total": TOTAL_SNAPSHOTS},
    }


def _answer(status: int, document: Any) -> bytes:
    body = json.dumps(document, separators=(",", ":")).encode("utf-8")
    reason = {200: "OK", 404: "Not Found"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Content-Type: application/json; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Cache-Control: no-cache\r\n"
        "Server: Microsoft-IIS/10.0\r\n"
        "X-Powered-By: ASP.NET\r\n"
        "Date: Tue, 05 Mar 2024 10:00:00 GMT\r\n"
        "\r\n"
    )
    return head.encode("ascii") + body


def render(method: str, target: str) -> bytes:
    """The full HTTP answer (head and body) for a request line."""
    parts = urlsplit(target)
    query = dict(parse_qsl(parts.query))
    segments = [s for s in parts.path.split("/") if s]
    if method == "GET" and segments == ["snapshots"]:
        size = int(query.get("pageSize", "100"))
        number = int(query.get("pageNumber", "1"))
        return _answer(200, page_json(size, number))
    if method == "GET" and len(segments) == 2 and segments[0] == "snapshots":
        return _answer(200, snapshot_json(int(segments[1])))
    if method == "GET" and len(segments) == 2 and segments[0] == "tickets":
        return _answer(200, ticket_json(int(segments[1])))
    if method == "POST" and len(segments) == 3 and segments[::2] == ["instances", "snapshots"]:
        return _answer(200, ticket_json(90_001))
    return _answer(404, {"Message": f"No route for {method} {parts.path}"})


class _Cache:
    def __init__(self) -> None:
        self._answers: dict[tuple[bytes, bytes], bytes] = {}
        self._lock = threading.Lock()

    def get(self, method: bytes, target: bytes) -> bytes:
        answer = self._answers.get((method, target))
        if answer is None:
            answer = render(method.decode("ascii"), target.decode("ascii"))
            with self._lock:
                self._answers[(method, target)] = answer
        return answer


def _serve_connection(conn: socket.socket, cache: _Cache) -> None:
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffer = b""
    try:
        while True:
            while b"\r\n\r\n" not in buffer:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            method, target, _ = lines[0].split(b" ", 2)
            length = 0
            close = False
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            while len(buffer) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer += chunk
            buffer = buffer[length:]
            conn.sendall(cache.get(method, target))
            if close:
                return
    except OSError:
        return
    finally:
        conn.close()


def serve(listener: socket.socket) -> None:
    cache = _Cache()
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=_serve_connection, args=(conn, cache), daemon=True).start()


def main() -> None:
    if "--cpus" in sys.argv:
        # bench/run.py keeps the server off the client's CPU, so that they do not take turns.
        cpus = sys.argv[sys.argv.index("--cpus") + 1]
        os.sched_setaffinity(0, {int(cpu) for cpu in cpus.split(",")})
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    threading.Thread(target=serve, args=(listener,), daemon=True).start()
    print(listener.getsockname()[1], flush=True)
    # Serve until the parent closes our stdin (or dies): no orphan servers left behind.
    sys.stdin.read()
    listener.close()


if __name__ == "__main__":
    main()
