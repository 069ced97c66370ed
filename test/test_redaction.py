"""No secret in any text, even when a server echoes it back: pyodk.redaction and its users.

The unit tests pin what a Redactor masks; the others run servers on 127.0.0.1 that echo the
credentials they were sent (a 401 body quoting the bearer token, a token endpoint quoting the
Basic header, a 403 quoting an API key) and look for the secrets in every text pyodk makes:
str, repr and details() of the exceptions, their args, reason and body, logs at DEBUG, reprs,
Configuration.to_debug_report().
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any

import pytest
from reliability_helpers import ScriptedServer, configuration, send_json

import pyodk
from pyodk.auth import PasswordGrant
from pyodk.redaction import MASK, Redactor, Secret, basic_credentials, without_password
from pyodk.request import build_request

TOKEN = "at-s3cret-Ab12Cd34Ef56"
CLIENT_SECRET = "cs-s3cret-Gh78"
PASSWORD = "pw-s3cret-Ij90"
API_KEY = "ak-s3cret-Kl12"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# --------------------------------------------------------------------------------- Redactor


def test_a_redactor_masks_each_secret_raw_and_in_its_basic_form():
    mask = Redactor([TOKEN, basic_credentials("client", CLIENT_SECRET)])
    text = (
        f"token {TOKEN}; header Basic {b64('client:' + CLIENT_SECRET)}; "
        f"pair client:{CLIENT_SECRET}; alone {CLIENT_SECRET}; base64 {b64(TOKEN)}"
    )
    shown = mask(text)
    for secret in (TOKEN, CLIENT_SECRET, b64("client:" + CLIENT_SECRET), b64(TOKEN).rstrip("=")):
        assert secret not in shown
    assert "header Basic ***;" in shown  # the scheme stays readable


def test_a_redactor_masks_any_basic_or_bearer_credential_even_unknown_ones():
    shown = Redactor()("sent Authorization: Bearer eyJhbGciOi.xyz and Basic dXNlcjpwYXNz==")
    assert shown == f"sent Authorization: Bearer {MASK} and Basic {MASK}"
    assert Redactor()("Bearer token expired") == "Bearer token expired"  # words stay


def test_a_redactor_masks_form_encoded_passwords_and_cookie_values():
    basic = basic_credentials("id", "s3cr%26t%2F%3D")  # RFC 6749 2.3.1 form-encodes the secret
    assert "s3cr&t/=" not in Redactor([basic])("echo: s3cr&t/=")
    cookie = "session=sess-s3cret-Mn34; theme=dark"
    shown = Redactor([cookie])("Set-Cookie echoed: session=sess-s3cret-Mn34")
    assert shown == "Set-Cookie echoed: session=***"


def test_nothing_shows_a_secret_in_its_repr():
    mask = Redactor([TOKEN])
    assert TOKEN not in repr(mask) and repr(Secret(TOKEN)) == repr(MASK) == str(Secret(TOKEN))
    assert without_password("http://ops:pw@proxy:3128/x") == f"http://ops:{MASK}@proxy:3128/x"


def test_a_request_value_hides_its_credentials():
    import urllib3

    request = build_request(
        "GET",
        "/snapshots",
        host="https://api.example/services",
        now=0.0,
        default_timeout=urllib3.Timeout(connect=1, read=1),
    ).with_credentials({"Authorization": "Bearer " + TOKEN}, ["Bearer " + TOKEN], [("k", API_KEY)])
    shown = repr(request)
    assert TOKEN not in shown and API_KEY not in shown and "Authorization" in shown
    assert TOKEN not in request.redactor()(f"echo {TOKEN} {API_KEY}")
    assert API_KEY not in request.redactor()(f"echo {API_KEY}")


# --------------------------------------------------------------------- servers that echo


def everything_shown(error: BaseException) -> str:
    parts = [str(error), repr(error), str(error.args)]
    if isinstance(error, pyodk.ApiException):
        parts += [error.details(), str(error.reason), str(error.body)]
    return "\n".join(parts)


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.DEBUG, logger="pyodk")
    return caplog


def echo(status: int) -> Any:
    """An answer that quotes every request header back, as a careless server might."""

    def respond(handler: Any) -> None:
        quoted = {k: v for k, v in handler.headers.items()}
        send_json(handler, {"Message": f"refused: {json.dumps(quoted)}", "Seen": quoted}, status)

    return respond


def test_a_401_body_echoing_the_bearer_token_never_shows_it(debug_log):
    with ScriptedServer(echo(401)) as server:
        config = configuration(server.url, TOKEN, retries=0)
        with pyodk.ApiClient(config) as api_client, pytest.raises(pyodk.UnauthorizedError) as c:
            pyodk.OCISnapshotsApi(api_client).snapshots_get_0(5002)
    shown = everything_shown(c.value) + debug_log.text
    assert TOKEN not in shown
    assert "refused:" in str(c.value) and MASK in c.value.body  # masked, not dropped


def test_an_api_key_echoed_in_a_403_never_shows(debug_log):
    with ScriptedServer(echo(403)) as server:
        config = configuration(server.url, retries=0)
        config.api_key = {"X-Api-Key": API_KEY}
        config.api_key_prefix = {"X-Api-Key": "Key"}
        with pyodk.ApiClient(config) as api_client, pytest.raises(pyodk.ForbiddenError) as c:
            api_client.call_api("/things", "GET", auth_settings=["X-Api-Key"])
    assert API_KEY not in everything_shown(c.value) + debug_log.text


def test_a_token_endpoint_echoing_the_basic_header_never_shows_it(debug_log):
    def refuse(handler: Any) -> None:
        echoed = handler.headers["Authorization"]
        send_json(
            handler,
            {
                "error": "invalid_client",
                "error_description": f"bad credentials {echoed} for password {PASSWORD}",
            },
            401,
        )

    with ScriptedServer(refuse) as token_endpoint:
        grant = PasswordGrant(
            "client", CLIENT_SECRET, "user", PASSWORD, token_url=token_endpoint.url + "/token"
        )
        with pytest.raises(pyodk.TokenError) as caught:
            grant.token()
        grant.close()
    shown = everything_shown(caught.value) + debug_log.text + repr(grant)
    for secret in (CLIENT_SECRET, PASSWORD, b64(f"client:{CLIENT_SECRET}")):
        assert secret not in shown, secret
    assert caught.value.error == "invalid_client" and "bad credentials Basic" in str(caught.value)


def test_a_token_endpoint_echoing_secrets_in_an_html_failure_never_shows_them(debug_log):
    def fail(handler: Any) -> None:
        page = f"<pre>{handler.headers['Authorization']} {PASSWORD}</pre>".encode()
        handler.send_response(502)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(page)))
        handler.end_headers()
        handler.wfile.write(page)

    with ScriptedServer(fail) as token_endpoint, ScriptedServer(echo(200)) as api_server:
        config = configuration(api_server.url, retries=0)
        config.access_token = None
        config.token_source = PasswordGrant(
            "client", CLIENT_SECRET, "user", PASSWORD, token_url=token_endpoint.url + "/token"
        )
        with pyodk.ApiClient(config) as api_client, pytest.raises(pyodk.TokenError) as caught:
            pyodk.OCISnapshotsApi(api_client).snapshots_get_0(5002)
        config.token_source.close()
    shown = everything_shown(caught.value) + debug_log.text + repr(config)
    shown += config.to_debug_report()
    for secret in (CLIENT_SECRET, PASSWORD, b64(f"client:{CLIENT_SECRET}")):
        assert secret not in shown, secret


def test_basic_auth_echoed_back_never_shows_the_password(debug_log):
    with ScriptedServer(echo(400)) as server:
        config = configuration(server.url, retries=0)
        config.username, config.password = "ops", PASSWORD
        with pyodk.ApiClient(config) as api_client, pytest.raises(pyodk.BadRequestError) as c:
            api_client.call_api("/things", "GET", auth_settings=["basic"])
    shown = everything_shown(c.value) + debug_log.text + repr(config) + config.to_debug_report()
    assert PASSWORD not in shown and b64(f"ops:{PASSWORD}") not in shown
