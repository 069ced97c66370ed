"""Configuration: defaults, auth helpers, reports without secrets, and no global side effects."""

from __future__ import annotations

import base64
import http.client
import logging

import certifi
import pytest

import pyodk
from pyodk import Configuration

SECRETS = {
    "access_token": "at-SECRET-0001",
    "password": "pw-SECRET-0002",
}


@pytest.fixture
def clean_default(monkeypatch):
    """No default configuration during the test; whatever was there comes back afterwards."""
    monkeypatch.setattr(Configuration, "_default", None)


def test_defaults(clean_default):
    config = Configuration()
    assert config.host == "https://pl1-api.oktawave.com/services"
    assert config.verify_ssl is True
    assert config.ssl_ca_cert in (None, certifi.where())
    assert config.cert_file is None and config.key_file is None
    assert config.assert_hostname is None
    assert config.proxy is None
    assert config.access_token is None
    assert config.api_key == {} and config.api_key_prefix == {}
    assert config.username == "" and config.password == ""
    assert config.client_side_validation is True
    assert config.safe_chars_for_path_param == ""
    assert isinstance(config.connection_pool_maxsize, int) and config.connection_pool_maxsize > 0
    assert config.debug is False
    assert config.logger_file is None
    assert "%(message)s" in config.logger_format


def test_auth_settings_give_a_bearer_header(clean_default):
    config = Configuration()
    assert config.auth_settings().get("oauth2") is None  # no token, no credentials sent
    config.access_token = "tok-1"
    oauth2 = config.auth_settings()["oauth2"]
    assert oauth2["type"] == "oauth2"
    assert oauth2["in"] == "header"
    assert oauth2["key"] == "Authorization"
    assert oauth2["value"] == "Bearer tok-1"


def test_auth_settings_give_api_key_and_basic_entries_when_set(clean_default):
    config = Configuration()
    assert config.auth_settings() == {}
    config.api_key = {"X-Api-Key": "k-1", "api_key": "k-2"}
    config.api_key_prefix = {"X-Api-Key": "Token"}
    config.username, config.password = "jan", "pw"
    settings = config.auth_settings()
    assert settings["X-Api-Key"] == {
        "type": "api_key",
        "in": "header",
        "key": "X-Api-Key",
        "value": "Token k-1",
    }
    assert settings["api_key"]["key"] == "api_key" and settings["api_key"]["value"] == "k-2"
    assert settings["basic"] == {
        "type": "basic",
        "in": "header",
        "key": "Authorization",
        "value": config.get_basic_auth_token(),
    }
    assert "oauth2" not in settings  # no token: none fetched, none sent
    assert config.credential_settings() == settings


def test_get_basic_auth_token(clean_default):
    config = Configuration()
    config.username = "jan"
    config.password = "zażółć:1"
    token = config.get_basic_auth_token()
    assert token.startswith("Basic ")
    assert base64.b64decode(token[len("Basic ") :]).decode() == "jan:zażółć:1"


def test_api_key_with_prefix(clean_default):
    config = Configuration()
    config.api_key["key"] = "k-1"
    assert config.get_api_key_with_prefix("key") == "k-1"
    config.api_key_prefix["key"] = "Token"
    assert config.get_api_key_with_prefix("key") == "Token k-1"
    assert config.get_api_key_with_prefix("other") is None


def _with_secrets() -> Configuration:
    config = Configuration()
    config.access_token = SECRETS["access_token"]
    config.password = SECRETS["password"]
    config.username = "jan.kowalski"
    config.api_key = {"oauth2": "ak-SECRET-0003"}
    return config


def test_debug_report_and_repr_contain_no_secret(clean_default):
    config = _with_secrets()
    report = config.to_debug_report()
    assert "Python" in report and pyodk.__version__ in report and config.host in report
    for text in (report, repr(config), str(config)):
        for secret in (*SECRETS.values(), "ak-SECRET-0003"):
            assert secret not in text
    assert "SECRET" not in repr(config)
    assert "host=" in repr(config)


def test_set_default_and_get_default_copy(clean_default):
    config = Configuration()
    config.host = "http://127.0.0.1:9/services"
    config.access_token = "default-token"
    Configuration.set_default(config)
    config.host = "http://changed-after-set-default"  # set_default took a copy

    fresh = Configuration()
    assert fresh.host == "http://127.0.0.1:9/services"
    assert fresh.access_token == "default-token"
    copied = Configuration.get_default_copy()
    assert copied.host == "http://127.0.0.1:9/services"
    copied.host = "http://other"
    copied.api_key["x"] = "y"
    assert Configuration.get_default_copy().host == "http://127.0.0.1:9/services"
    assert Configuration.get_default_copy().api_key == {}

    Configuration.set_default(None)
    assert Configuration().host == "https://pl1-api.oktawave.com/services"


def test_a_default_with_a_token_source_shares_it_with_every_new_configuration(clean_default):
    from pyodk.auth import PasswordGrant

    config = Configuration()
    config.token_source = PasswordGrant("id", "secret", "user", "password")
    Configuration.set_default(config)

    # The token source holds a lock: it cannot be deep-copied, and one cache serves every copy.
    assert Configuration().token_source is config.token_source
    assert Configuration.get_default_copy().token_source is config.token_source
    assert Configuration.from_env({}).token_source is config.token_source


def _all_handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger(), logging.getLogger("pyodk"), logging.getLogger("urllib3")]
    return [h for lg in loggers for h in lg.handlers]


def test_creating_configurations_has_no_global_side_effects(clean_default):
    handlers = _all_handlers()
    levels = (logging.getLogger("pyodk").level, logging.getLogger("urllib3").level)
    debuglevel = http.client.HTTPConnection.debuglevel
    for _ in range(50):
        Configuration()
    assert _all_handlers() == handlers
    assert (logging.getLogger("pyodk").level, logging.getLogger("urllib3").level) == levels
    assert http.client.HTTPConnection.debuglevel == debuglevel == 0


def test_debug_does_not_touch_http_client_debuglevel(clean_default, capsys):
    pyodk_logger = logging.getLogger("pyodk")
    level = pyodk_logger.level
    config = Configuration()
    try:
        config.debug = True
        assert config.debug is True
        assert http.client.HTTPConnection.debuglevel == 0
        assert pyodk_logger.isEnabledFor(logging.DEBUG)
        config.debug = False
        assert http.client.HTTPConnection.debuglevel == 0
    finally:
        pyodk_logger.setLevel(level)
    assert capsys.readouterr().out == ""


def test_debug_logging_never_shows_the_token(stub, configuration, caplog):
    stub.answer({"Id": 1})
    configuration.debug = True
    try:
        with caplog.at_level(logging.DEBUG, logger="pyodk"), pyodk.ApiClient(configuration) as c:
            pyodk.OCISnapshotsApi(c).snapshots_get_0(1)
    finally:
        configuration.debug = False
    assert "/snapshots/1" in caplog.text
    assert configuration.access_token not in caplog.text
    assert stub.last.headers["authorization"] == f"Bearer {configuration.access_token}"


def test_logger_file_adds_one_handler_however_often_set(clean_default, tmp_path, monkeypatch):
    monkeypatch.setattr(pyodk.configuration, "_file_handlers", {})
    pyodk_logger = logging.getLogger("pyodk")
    before = list(pyodk_logger.handlers)
    path = str(tmp_path / "pyodk.log")
    try:
        for _ in range(3):
            Configuration().logger_file = path
        added = [h for h in pyodk_logger.handlers if h not in before]
        assert len(added) == 1
        logging.getLogger("pyodk").warning("into the file")
        added[0].flush()
        assert "into the file" in (tmp_path / "pyodk.log").read_text()
    finally:
        for handler in pyodk_logger.handlers:
            if handler not in before:
                pyodk_logger.removeHandler(handler)
                handler.close()
