"""Secrets never leak; hostile input is refused unsent; broken or huge answers are contained.

All servers listen on 127.0.0.1. "Nothing was sent" is checked on the server's own request log.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import urllib3
from reliability_helpers import (
    ScriptedServer,
    Sleeps,
    configuration,
    policy,
    send_chunked,
    send_json,
)

import pyodk
from pyodk.configuration import DEFAULT_MAX_RESPONSE_SIZE
from pyodk.exceptions import (
    ApiException,
    ConnectionDroppedError,
    ModelDecodeError,
    NotFoundError,
    PyodkError,
    ResponseDecodeError,
    ResponseTimeoutError,
    ResponseTooLargeError,
    ServerError,
    TokenError,
    UnauthorizedError,
)
from pyodk.testing import FakeOktawaveServer

SNAPSHOT = 5002


@pytest.fixture
def fake() -> Iterator[FakeOktawaveServer]:
    with FakeOktawaveServer(ticket_duration=0) as server:
        yield server


# -------------------------------------------------------------------------------------- secrets

PASSWORD = "pw-s3cret-Zq81"
API_KEY = "ak-s3cret-Lm42"
COOKIE_SECRET = "sess-s3cret-Pp07"
PROXY_SECRET = "px-s3cret-Hh55"
WRONG_TOKEN = "wrong-s3cret-Tt19"


@pytest.fixture
def debug_logging(tmp_path: Path) -> Iterator[tuple[pyodk.Configuration, Path]]:
    """A Configuration with debug on and a logger_file; both undone afterwards."""
    log_file = tmp_path / "pyodk.log"
    config = pyodk.Configuration()
    config.debug = True
    config.logger_file = str(log_file)
    try:
        yield config, log_file
    finally:
        config.debug = False
        pyodk_logger = logging.getLogger("pyodk")
        for handler in list(pyodk_logger.handlers):
            if getattr(handler, "baseFilename", None) == str(log_file):
                pyodk_logger.removeHandler(handler)
                handler.close()


def test_no_secret_in_logs_messages_reprs_or_reports(
    fake, debug_logging, caplog, capfd, monkeypatch
):
    config, log_file = debug_logging
    caplog.set_level(logging.DEBUG, logger="pyodk")
    monkeypatch.setattr(http.client.HTTPConnection, "debuglevel", 0)  # restored if we flip it
    token = fake.access_token
    config.host = fake.url
    config.access_token = token
    config.username, config.password = "ops", PASSWORD
    config.api_key = {"oauth2": API_KEY}
    config.proxy_headers = {"Proxy-Authorization": f"Basic {PROXY_SECRET}"}
    config.retries = policy(2)
    shown: list[str] = []

    with pyodk.ApiClient(config, cookie=f"session={COOKIE_SECRET}") as api_client:
        api = pyodk.OCISnapshotsApi(api_client)
        assert api.snapshots_get_0(SNAPSHOT).id == SNAPSHOT
        fake.inject("status", method="GET", status=503)  # a retry, logged at INFO
        assert api.snapshots_get_0(SNAPSHOT).id == SNAPSHOT
        failures: list[BaseException] = []
        with pytest.raises(NotFoundError) as missing:
            api.snapshots_get_0(999999)
        failures.append(missing.value)
        fake.inject("stall", method="GET", seconds=2)
        with pytest.raises(ResponseTimeoutError) as stalled:
            api.snapshots_get_0(SNAPSHOT, _request_timeout=0.2)
        failures.append(stalled.value)
        shown += [repr(api_client), str(api_client)]

    wrong = configuration(fake.url, WRONG_TOKEN, retries=0)
    with pyodk.ApiClient(wrong) as api_client, pytest.raises(UnauthorizedError) as refused:
        pyodk.OCISnapshotsApi(api_client).snapshots_get_0(SNAPSHOT)
    failures.append(refused.value)

    smuggled = configuration(fake.url, f"{token}\r\nX-Evil: 1")
    with pyodk.ApiClient(smuggled) as api_client, pytest.raises(ValueError) as crlf:
        pyodk.OCISnapshotsApi(api_client).snapshots_get_0(SNAPSHOT)
    failures.append(crlf.value)

    for failure in failures:
        shown += [str(failure), repr(failure), str(failure.args)]
    shown += [repr(config), str(config), config.to_debug_report(), repr(wrong)]
    log_text = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    file_text = log_file.read_text()
    printed = capfd.readouterr()
    everything = "\n".join([*shown, log_text, file_text, printed.out, printed.err])

    for secret in (token, PASSWORD, API_KEY, COOKIE_SECRET, PROXY_SECRET, WRONG_TOKEN):
        assert secret not in everything, secret
    # The logs did record the traffic, with the credentials replaced.
    assert f"GET {fake.url}/snapshots/{SNAPSHOT}" in file_text
    assert "'Authorization': '<redacted>'" in file_text and "'Cookie': '<redacted>'" in file_text
    assert "retrying GET" in log_text
    assert any(r.name == "pyodk" and r.levelno == logging.DEBUG for r in caplog.records)
    # Debug logging went through the logger only: http.client's global switch was left alone.
    assert http.client.HTTPConnection.debuglevel == 0
    assert urllib3.connection.HTTPConnection.debuglevel == 0
    assert "send: b'" not in printed.out and "reply: '" not in printed.out


def test_password_grant_secrets_stay_hidden(fake, debug_logging, caplog, capfd):
    auth = pytest.importorskip("pyodk.auth")
    config, log_file = debug_logging
    caplog.set_level(logging.DEBUG, logger="pyodk")
    config.host = fake.url
    grant = auth.PasswordGrant(
        fake.client_id,
        fake.client_secret,
        fake.username,
        fake.password,
        token_url=fake.token_url,
        configuration=configuration(fake.url, retries=0),
    )
    config.token_source = grant
    with pyodk.ApiClient(config) as api_client:
        assert pyodk.OCISnapshotsApi(api_client).snapshots_get_0(SNAPSHOT).id == SNAPSHOT
    issued = grant.token()
    bad = auth.PasswordGrant(
        fake.client_id, fake.client_secret, fake.username, PASSWORD, token_url=fake.token_url
    )
    with pytest.raises(TokenError) as refused:
        bad.token()
    grant.close()
    bad.close()

    printed = capfd.readouterr()
    everything = "\n".join(
        [
            repr(grant),
            str(grant),
            repr(bad),
            repr(config),
            config.to_debug_report(),
            str(refused.value),
            repr(refused.value),
            caplog.text,
            log_file.read_text(),
            printed.out,
            printed.err,
        ]
    )
    for secret in (issued, fake.client_secret, fake.password, PASSWORD, fake.username):
        assert secret not in everything, secret
    assert fake.token_fetches >= 1 and f"POST {fake.token_url}" in log_file.read_text()


def test_exception_messages_mask_a_set_cookie_from_the_server():
    def respond(handler: Any) -> None:
        body = b'{"Message": "no"}'
        handler.send_response(403)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Set-Cookie", f"ASP.NET_SessionId={COOKIE_SECRET}")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    with ScriptedServer(respond) as server:
        config = configuration(server.url, retries=0)
        with pyodk.ApiClient(config) as api_client, pytest.raises(ApiException) as caught:
            pyodk.OCISnapshotsApi(api_client).snapshots_get_0(SNAPSHOT)
    assert caught.value.status == 403
    shown = str(caught.value) + caught.value.details()
    assert COOKIE_SECRET not in shown and "Set-Cookie" in caught.value.details()
    assert COOKIE_SECRET in caught.value.headers["Set-Cookie"]  # the caller can still read it


def test_a_redirect_is_not_followed_so_the_token_goes_nowhere_else():
    with ScriptedServer(lambda h: send_json(h, {"Id": 1})) as elsewhere:

        def respond(handler: Any) -> None:
            handler.send_response(302)
            handler.send_header("Location", f"{elsewhere.url}/snapshots/1")
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        error = call_against(respond)
        assert elsewhere.requests == []
    assert type(error) is ApiException and error.status == 302
    assert error.headers["Location"].startswith(elsewhere.url)


def test_configuration_repr_masks_proxy_credentials():
    config = pyodk.Configuration()
    config.proxy = f"http://ops:{PROXY_SECRET}@127.0.0.1:3128"
    config.proxy_headers = {"Proxy-Authorization": PROXY_SECRET}
    text = repr(config)
    assert PROXY_SECRET not in text
    assert "http://ops:***@127.0.0.1:3128" in text and "Proxy-Authorization" in text


def test_credentials_in_the_host_url_are_masked_everywhere_they_are_shown(
    stub, debug_logging, caplog
):
    host = stub.url.replace("http://", f"http://ops:{PROXY_SECRET}@")
    config = configuration(host, "a-token")
    config.retries = 0
    with pyodk.ApiClient(config) as api_client:
        stub.answer({"Id": 5002})
        pyodk.OCISnapshotsApi(api_client).snapshots_get_0(5002)
        shown = [repr(config), config.to_debug_report(), repr(api_client), caplog.text]
    assert all("ops:***@127.0.0.1" in text for text in shown[:3])
    assert "/services/snapshots/5002" in caplog.text  # the request was logged...
    assert not [text for text in shown if PROXY_SECRET in text]  # ...without the password


# ------------------------------------------------------------------ refused before sending


@pytest.fixture
def api(fake: FakeOktawaveServer) -> Iterator[pyodk.OCISnapshotsApi]:
    with pyodk.ApiClient(configuration(fake.url, fake.access_token)) as api_client:
        yield pyodk.OCISnapshotsApi(api_client)


@pytest.mark.parametrize(
    "bad_id", ["5002", "5002/../../instances/56", "..", 5002.0, True, b"5002", [5002], -(2**40)]
)
def test_ids_that_are_not_ints_are_refused_before_sending(fake, api, bad_id):
    command = pyodk.CreateUpdateSnapshotCommand()
    for call in (
        lambda: api.snapshots_get_0(bad_id),
        lambda: api.snapshots_put(bad_id, command),
        lambda: api.snapshots_delete(bad_id),
        lambda: api.snapshots_restore(bad_id),
        lambda: api.instances_post_snapshot(bad_id, command),
        lambda: api.instances_get_snapshots(bad_id),
    ):
        with pytest.raises((pyodk.ApiTypeError, pyodk.ApiValueError)):
            call()
    assert fake.requests == []


@pytest.mark.parametrize(
    "bad_id", ["880001", "..", 880001.0, True, b"880001", [880001], 2**63, -(2**63) - 1]
)
def test_ticket_ids_are_64_bit_ints_and_nothing_else(fake, api, bad_id):
    tickets = pyodk.TicketsApi(api.api_client)
    with pytest.raises((pyodk.ApiTypeError, pyodk.ApiValueError)):
        tickets.tickets_get_0(bad_id)
    assert fake.requests == []


def test_a_path_value_cannot_leave_its_segment(stub, api_client):
    api_client.call_api("/snapshots/{id}", "GET", {"id": "../instances/56"}, auth_settings=[])
    assert stub.last.path == "/services/snapshots/..%2Finstances%2F56"
    for value in ("..", ".", ""):
        with pytest.raises(ValueError, match="path segment"):
            api_client.call_api("/snapshots/{id}", "GET", {"id": value})
    assert len(stub.received) == 1


def test_cr_or_lf_in_any_header_is_refused_before_sending(stub, configuration):
    attempts = [
        ({"header_name": "X-Trace", "header_value": "a\r\nX-Evil: 1"}, {}),
        ({"cookie": "a=b\nX-Evil: 1"}, {}),
        ({}, {"X-Trace": "a\rb"}),
    ]
    for client_args, header_params in attempts:
        with (
            pyodk.ApiClient(configuration, **client_args) as api_client,
            pytest.raises(ValueError, match="CR or LF"),
        ):
            api_client.call_api("/snapshots", "GET", header_params=header_params)
    configuration.access_token = "tok\r\nX-Evil: 1"
    with pyodk.ApiClient(configuration) as api_client, pytest.raises(ValueError) as caught:
        pyodk.OCISnapshotsApi(api_client).snapshots_get()
    assert "tok" not in str(caught.value)
    assert stub.received == []


def test_query_values_are_encoded_not_injected(stub, snapshots_api):
    stub.answer({"Items": [], "Meta": {"Total": 0}})
    hostile = "a&pageSize=1\r\nX-Evil: 1 #?/"
    snapshots_api.snapshots_get(query=hostile, page_size=None, order_by=None)
    assert stub.last.query == {"query": [hostile]}
    assert "x-evil" not in stub.last.headers


# --------------------------------------------------------------------------- broken answers


def answer(raw: bytes, content_type: str = "application/json", status: int = 200) -> Any:
    def respond(handler: Any) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)

    return respond


def call_against(respond: Any, **settings: Any) -> ApiException:
    with ScriptedServer(respond) as server:
        config = configuration(server.url, retries=0, **settings)
        with pyodk.ApiClient(config) as api_client, pytest.raises(ApiException) as caught:
            pyodk.OCISnapshotsApi(api_client).snapshots_get_0(SNAPSHOT)
    return caught.value


@pytest.mark.parametrize(
    ("raw", "content_type", "why"),
    [
        (b'{"Id": 1, oops}', "application/json", "not valid JSON"),
        (b"", "application/json", "not valid JSON"),
        (b'{"Id": 1}', "text/plain", "expected a JSON answer"),
        (b"<Snapshot><Id>1</Id></Snapshot>", "application/xml", "expected a JSON answer"),
        (b"<html><body>Welcome to nginx</body></html>", "text/html", "expected a JSON answer"),
        (b'{"Id": "five"}', "application/json", "Snapshot.Id"),
        (b'[{"Id": 1}]', "application/json", "does not fit Snapshot"),
        (b'{"CreationDate": "yesterday"}', "application/json", "Snapshot.CreationDate"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", "nested too deeply"),
        (b'{"Name": "\xff\xfe"}', "application/json; charset=utf-8", ""),
    ],
    ids=["malformed", "empty", "text", "xml", "html", "type", "list", "date", "deep", "bytes"],
)
def test_undecodable_answers_raise_response_decode_error(raw, content_type, why):
    if why == "":  # invalid UTF-8 is replaced, not fatal: the rest of the snapshot still decodes
        with ScriptedServer(answer(raw, content_type)) as server:
            config = configuration(server.url, retries=0)
            with pyodk.ApiClient(config) as api_client:
                snapshot = pyodk.OCISnapshotsApi(api_client).snapshots_get_0(SNAPSHOT)
        assert snapshot.name == "\ufffd\ufffd"
        return
    error = call_against(answer(raw, content_type))
    assert type(error) is ResponseDecodeError
    assert error.status == 200 and why in error.reason
    assert error.headers["Content-Type"] == content_type
    assert error.body == raw.decode("utf-8", "replace")
    if why.startswith("Snapshot.") or why.startswith("does not fit"):
        assert isinstance(error.__cause__, ModelDecodeError)


def test_html_error_page_from_a_proxy_is_a_server_error_with_its_page(fake):
    fake.inject("html", method="GET", status=502)
    config = configuration(fake.url, fake.access_token, retries=0)
    with pyodk.ApiClient(config) as api_client, pytest.raises(ServerError) as caught:
        pyodk.OCISnapshotsApi(api_client).snapshots_get_0(SNAPSHOT)
    error = caught.value
    assert error.status == 502 and error.reason == "Bad Gateway"
    assert error.headers["Content-Type"].startswith("text/html") and "nginx" in error.body
    assert error.message is None and error.model_state == {}


def test_malformed_and_truncated_answers_from_the_fake(fake):
    config = configuration(fake.url, fake.access_token, retries=0)
    with pyodk.ApiClient(config) as api_client:
        api = pyodk.OCISnapshotsApi(api_client)
        fake.inject("malformed", method="GET")
        with pytest.raises(ResponseDecodeError) as malformed:
            api.snapshots_get()
        fake.inject("truncated", method="GET")
        with pytest.raises(ConnectionDroppedError) as truncated:
            api.snapshots_get()
    assert malformed.value.status == 200 and "oops" in malformed.value.body
    assert truncated.value.status == 0
    assert isinstance(truncated.value.__cause__, urllib3.exceptions.ProtocolError)


# ----------------------------------------------------------------------- max_response_size

LIMIT = 256 * 1024
CHUNK = b"x" * (64 * 1024)


def test_default_max_response_size_is_64_mib():
    assert DEFAULT_MAX_RESPONSE_SIZE == 64 * 1024 * 1024
    assert pyodk.Configuration().max_response_size == DEFAULT_MAX_RESPONSE_SIZE


def test_announced_size_over_the_limit_is_refused_without_reading_it():
    def respond(handler: Any) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(10**12))  # a terabyte, never to be sent
        handler.end_headers()
        handler.wfile.write(b'{"Items": [')
        time.sleep(1.5)  # reading on would block here

    started = time.monotonic()
    error = call_against(respond, max_response_size=LIMIT, read_timeout=5)
    assert type(error) is ResponseTooLargeError and error.status == 200
    assert f"max_response_size ({LIMIT} bytes)" in error.reason
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize("status", [200, 500])
def test_chunked_answer_over_the_limit_is_cut_off(status):
    sent: list[int] = []

    def respond(handler: Any) -> None:
        try:
            send_chunked(handler, [CHUNK] * 64, status)  # 4 MiB with no Content-Length
            sent.append(1)
        except OSError:
            pass  # the client hung up once it had seen enough

    error = call_against(respond, max_response_size=LIMIT)
    assert type(error) is ResponseTooLargeError and error.status == status


def test_close_delimited_answer_over_the_limit_is_cut_off():
    def respond(handler: Any) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.end_headers()
        handler.close_connection = True
        try:
            for _ in range(64):
                handler.wfile.write(CHUNK)
        except OSError:
            pass

    assert type(call_against(respond, max_response_size=LIMIT)) is ResponseTooLargeError


def gzipped(payload: bytes) -> Any:
    body = gzip.compress(payload, 9)

    def respond(handler: Any) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Encoding", "gzip")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        with contextlib.suppress(OSError):
            handler.wfile.write(body)

    return respond


def test_a_compressed_body_is_measured_inflated_not_by_its_content_length():
    # 32 MiB of JSON whitespace gzips to ~32 KiB: far under the limit as announced.
    error = call_against(gzipped(b" " * (32 * 1024 * 1024)), max_response_size=LIMIT)
    assert type(error) is ResponseTooLargeError
    with ScriptedServer(gzipped(b'{"Id": 5002, "Name": "zipped"}')) as server:
        config = configuration(server.url, max_response_size=LIMIT)
        with pyodk.ApiClient(config) as api_client:
            assert pyodk.OCISnapshotsApi(api_client).snapshots_get_0(1).name == "zipped"


def test_answers_under_the_limit_decode_and_none_turns_the_limit_off():
    items = [{"Id": n, "Name": "n" * 100} for n in range(3000)]  # ~400 KB

    def respond(handler: Any) -> None:
        send_json(handler, {"Items": items, "Meta": {"Total": len(items)}})

    with ScriptedServer(respond) as server:
        for limit in (1024 * 1024, None):
            config = configuration(server.url, max_response_size=limit)
            with pyodk.ApiClient(config) as api_client:
                page = pyodk.OCISnapshotsApi(api_client).snapshots_get()
            assert page.meta.total == 3000 and len(page.items) == 3000


def test_too_large_is_not_retried():
    sleeps = Sleeps()
    with ScriptedServer(lambda h: send_chunked(h, [CHUNK] * 8)) as server:
        config = configuration(server.url, max_response_size=LIMIT, retries=policy(3, sleeps))
        with pyodk.ApiClient(config) as api_client, pytest.raises(ResponseTooLargeError):
            pyodk.OCISnapshotsApi(api_client).snapshots_get()
    assert len(server.requests) == 1 and sleeps == []


def test_streaming_path_reads_any_size_in_pieces():
    with ScriptedServer(lambda h: send_chunked(h, [CHUNK] * 16)) as server:  # 1 MiB
        config = configuration(server.url, max_response_size=LIMIT)
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            response = api.snapshots_get(_preload_content=False)
            try:
                sizes = [len(piece) for piece in response.stream(64 * 1024)]
            finally:
                response.release_conn()
    assert response.status == 200 and sum(sizes) == 16 * len(CHUNK)
    assert max(sizes) <= 64 * 1024


@pytest.mark.parametrize("charset", ["undefined", "idna", "punycode"])
@pytest.mark.parametrize("status", [200, 500])
def test_a_hostile_charset_never_escapes_as_a_unicode_error(charset, status):
    """Codecs that always fail (undefined), refuse errors="replace" (idna) or fail anyway."""
    respond = answer(
        b'{"Id": 5002, "Name": "x\xff"}', f"application/json; charset={charset}", status
    )
    if status == 200:
        with ScriptedServer(respond) as server:
            config = configuration(server.url, retries=0)
            with pyodk.ApiClient(config) as api_client:
                snapshot = pyodk.OCISnapshotsApi(api_client).snapshots_get_0(SNAPSHOT)
        assert snapshot.id == SNAPSHOT and snapshot.name == "x\ufffd"
    else:
        error = call_against(respond)
        assert type(error) is ServerError and error.body and "5002" in error.body


@pytest.mark.parametrize("header", ["Retry-After", "Content-Length"])
def test_non_ascii_digits_in_a_number_header_never_escape_as_a_value_error(header):
    """'\u00b2'.isdigit() is true, yet int() and float() refuse it."""

    def respond(handler: Any) -> None:
        handler.send_response(503 if header == "Retry-After" else 200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header(header, "\u00b2")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(b'{"Id": 5002}')
        handler.close_connection = True

    sleeps = Sleeps()
    with ScriptedServer(respond) as server:
        config = configuration(server.url, retries=policy(1, sleep=sleeps))
        with pyodk.ApiClient(config) as api_client:
            api = pyodk.OCISnapshotsApi(api_client)
            if header == "Retry-After":
                with pytest.raises(ServerError):
                    api.snapshots_get_0(SNAPSHOT)
                assert len(server.requests) == 2 and len(sleeps) == 1  # backoff, not the header
            else:
                assert api.snapshots_get_0(SNAPSHOT).id == SNAPSHOT


def test_arbitrary_bytes_from_a_raw_socket_never_escape_as_non_pyodk_errors():
    """Garbage instead of HTTP: a status line that is not one, or binary noise."""
    for garbage in (b"HELLO\r\n\r\n", b"\x00\xff" * 50, b"HTTP/1.1 abc Nope\r\n\r\n"):

        def respond(handler: Any, garbage: bytes = garbage) -> None:
            handler.wfile.write(garbage)
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)

        error = call_against(respond)
        assert isinstance(error, PyodkError) and error.status == 0, garbage


@pytest.mark.parametrize(
    ("content_type", "trusted"),
    [
        ("application/json", "utf-8"),
        ("application/json; charset=UTF-8", "UTF-8"),
        ('text/json; charset="iso-8859-2"', "iso-8859-2"),
        ("application/json; charset=punycode", None),  # 3.13.0 decodes bad bytes to '' silently
        ("application/json; charset=idna", None),
        ("application/json; charset=undefined", None),
        ("application/json; charset=rot13", None),  # not a bytes codec at all
        ("application/json; charset=no-such-codec", None),
        ("application/json; charset=utf-16", None),  # json.detect_encoding reads it from the bytes
    ],
)
def test_only_a_charset_that_decodes_plain_json_to_itself_is_trusted(content_type, trusted):
    from pyodk.rest import _charset_of

    assert _charset_of(content_type) == trusted


def test_short_credentials_are_masked_as_words_only_and_the_user_name_not_at_all():
    from pyodk.redaction import Redactor

    mask = Redactor(["p", "api-secret-0123456789"])
    assert mask("no full answer after 1 attempt") == "no full answer after 1 attempt"
    assert mask("password=p; api-secret-0123456789") == "password=***; ***"
    grant = pyodk.auth.PasswordGrant("client", "client-secret-x", "api", "pass-word-x")
    assert grant._scrub("GET /services/api/token for api failed") == (
        "GET /services/api/token for api failed"
    )


def test_a_token_echoed_in_a_header_is_masked_there_too():
    token = "tok-SECRET-abc123456"

    def respond(handler: Any) -> None:
        handler.send_response(401)
        handler.send_header("WWW-Authenticate", f'Bearer realm="x", error="{token}"')
        handler.send_header("Retry-After", "3")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with ScriptedServer(respond) as server:
        configuration = pyodk.Configuration(host=server.url, access_token=token, retries=0)
        with (
            pyodk.ApiClient(configuration) as client,
            pytest.raises(pyodk.UnauthorizedError) as caught,
        ):
            pyodk.OCISnapshotsApi(client).snapshots_get_0(5002)
    headers = caught.value.headers
    assert token not in str(dict(headers)) and "***" in headers["www-authenticate"]
    assert headers["retry-after"] == "3"  # still looked up without regard to case
