"""Configuration as a product: every setting a keyword, a closed set of names with a hint for a
typo, and from_env that fails fast, naming the variables to set, when credentials are missing.
"""

from __future__ import annotations

import copy
import datetime
import logging
import os
import re
import types
import typing
from pathlib import Path
from unittest import mock

import pytest
from conftest import TOKEN

import pyodk
from pyodk import Configuration
from pyodk.auth import PasswordGrant
from pyodk.configuration import PASSWORD_GRANT_VARIABLES, SETTINGS, ConfigurationSettings

#: A value for each setting that differs from its default, of the setting's type.
OTHER_VALUES: dict[str, object] = {
    "host": "http://127.0.0.1:9/services",
    "access_token": "tok-other",
    "token_source": PasswordGrant("id", "secret", "user", "password"),
    "api_key": {"X-Api-Key": "k"},
    "api_key_prefix": {"X-Api-Key": "Key"},
    "username": "jan",
    "password": "pw",
    "verify_ssl": False,
    "ssl_ca_cert": "/etc/ssl/ca.pem",
    "cert_file": "/etc/ssl/client.pem",
    "key_file": "/etc/ssl/client.key",
    "assert_hostname": "pl1-api.oktawave.com",
    "proxy": "http://proxy.example:3128",
    "proxy_headers": {"X-Proxy-Client": "pyodk"},
    "proxy_from_env": False,
    "connection_pool_maxsize": 2,
    "safe_chars_for_path_param": "/",
    "client_side_validation": False,
    "assumed_timezone": None,
    "connect_timeout": 1.5,
    "read_timeout": 2.5,
    "call_timeout": 30.0,
    "retries": 0,
    "max_response_size": 1024,
    "temp_folder_path": "/tmp",
    "logger_format": "%(message)s",
    "logger_file": None,
    "debug": False,
}


@pytest.fixture(autouse=True)
def clean_default(monkeypatch):
    monkeypatch.setattr(Configuration, "_default", None)


# ------------------------------------------------------------------ the settings


def test_the_settings_are_exactly_the_attributes_a_configuration_has():
    config = Configuration()
    public = {name.lstrip("_") for name in vars(config)}
    assert public == SETTINGS
    assert set(OTHER_VALUES) == SETTINGS


def test_every_default_has_the_type_its_setting_declares():
    declared = typing.get_type_hints(ConfigurationSettings, vars(pyodk.configuration))
    config = Configuration()
    for name, hint in declared.items():
        if hint is typing.Any:
            continue
        allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
        classes = tuple(typing.get_origin(t) or t for t in allowed)
        classes = tuple(type(None) if t is None else t for t in classes)
        for value in (getattr(config, name), OTHER_VALUES[name]):
            assert isinstance(value, classes), (name, value, hint)


@pytest.mark.parametrize("name", sorted(SETTINGS))
def test_each_setting_is_a_keyword_of_the_constructor(name):
    value = OTHER_VALUES[name]
    assert getattr(Configuration(**{name: value}), name) == value


def test_keywords_are_applied_on_top_of_the_default_copy():
    Configuration.set_default(Configuration(host="http://127.0.0.1:9/services", read_timeout=7))
    config = Configuration(access_token="tok", call_timeout=30)
    assert (config.host, config.read_timeout) == ("http://127.0.0.1:9/services", 7)
    assert (config.access_token, config.call_timeout) == ("tok", 30)
    assert Configuration().access_token is None  # the keywords did not change the default


def test_a_configuration_made_with_keywords_calls_the_api(stub):
    stub.answer({"Id": 5, "Name": "x"})
    config = Configuration(host=stub.url, access_token=TOKEN, retries=0, call_timeout=30)
    with pyodk.ApiClient(config) as api_client:
        snapshot = pyodk.OCISnapshotsApi(api_client).snapshots_get_0(5)
    assert (snapshot.id, snapshot.name) == (5, "x")
    assert stub.last.headers["authorization"] == f"Bearer {TOKEN}"


def test_logger_file_and_debug_are_applied_after_logger_format(tmp_path, monkeypatch):
    monkeypatch.setattr(pyodk.configuration, "_file_handlers", {})
    pyodk_logger = logging.getLogger("pyodk")
    before = list(pyodk_logger.handlers)
    path = tmp_path / "pyodk.log"
    try:
        # Keyword order must not matter: the handler takes the format given beside it.
        Configuration(logger_file=str(path), logger_format="FORMAT %(message)s")
        logging.getLogger("pyodk").warning("into the file")
        for handler in pyodk_logger.handlers:
            handler.flush()
        assert path.read_text() == "FORMAT into the file\n"
    finally:
        for handler in pyodk_logger.handlers:
            if handler not in before:
                pyodk_logger.removeHandler(handler)
                handler.close()


def test_deepcopy_and_set_default_keep_every_setting_and_share_the_token_source():
    config = Configuration(**OTHER_VALUES)
    clone = copy.deepcopy(config)
    assert clone.token_source is config.token_source
    for name in SETTINGS - {"token_source"}:
        assert getattr(clone, name) == getattr(config, name), name
    Configuration.set_default(config)
    assert Configuration().proxy_headers == {"X-Proxy-Client": "pyodk"}
    assert Configuration().proxy_headers is not config.proxy_headers


def test_generated_client_names():
    config = Configuration()
    # The two loggers, as generated clients key them.
    assert config.logger == {
        "package_logger": logging.getLogger("pyodk"),
        "urllib3_logger": logging.getLogger("urllib3"),
    }
    config.temp_folder_path = "/tmp"
    assert config.temp_folder_path == "/tmp"
    with pytest.raises(pyodk.UnknownSettingError, match="did you mean 'logger_file'"):
        config.logger_file_handler = None


# ------------------------------------------------------------------ unknown names


def test_an_unknown_keyword_is_a_type_error_with_a_hint():
    with pytest.raises(TypeError) as caught:
        Configuration(host="http://127.0.0.1:9", read_timout=5)
    error = caught.value
    assert str(error) == (
        "Configuration() got an unexpected keyword argument 'read_timout'; "
        "did you mean 'read_timeout'?"
    )
    assert isinstance(error, pyodk.UnknownSettingError) and isinstance(error, pyodk.PyodkError)
    assert (error.name, error.suggestion) == ("read_timout", "read_timeout")


def test_an_unknown_keyword_changes_nothing(monkeypatch):
    pyodk_logger = logging.getLogger("pyodk")
    handlers, level = list(pyodk_logger.handlers), pyodk_logger.level
    with pytest.raises(TypeError):
        Configuration(debug=True, verbose=True)
    assert (pyodk_logger.handlers, pyodk_logger.level) == (handlers, level)


def test_assigning_an_unknown_name_is_an_attribute_error_with_a_hint():
    config = Configuration()
    with pytest.raises(AttributeError) as caught:
        config.read_timout = 5
    assert (
        str(caught.value)
        == "Configuration has no setting 'read_timout'; did you mean 'read_timeout'?"
    )
    assert isinstance(caught.value, pyodk.PyodkError)
    assert "read_timout" not in vars(config)
    assert config.read_timeout == pyodk.configuration.DEFAULT_READ_TIMEOUT


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("VERIFY_SSL", "verify_ssl"),
        ("readTimeout", "read_timeout"),
        ("call-timeout", "call_timeout"),
        ("proxies", "proxy"),
        ("Host", "host"),
        ("MaxResponseSize", "max_response_size"),
        ("frobnicate", None),
    ],
)
def test_the_hint_finds_the_setting_whatever_the_spelling(typed, meant):
    with pytest.raises(pyodk.UnknownSettingError) as caught:
        setattr(Configuration(), typed, 1)
    assert caught.value.suggestion == meant
    assert ("did you mean" in str(caught.value)) is (meant is not None)


def test_subclasses_private_names_and_mocks_still_work():
    class Tuned(Configuration):
        region: str = "PL1"  # a setting of the subclass's own

    tuned = Tuned(read_timeout=3)
    tuned.region = "PL2"
    tuned._scratch = 1  # private state is the class's own business
    assert (tuned.region, tuned.read_timeout, tuned._scratch) == ("PL2", 3, 1)
    assert isinstance(copy.deepcopy(tuned), Tuned)
    with pytest.raises(pyodk.UnknownSettingError, match="Tuned has no setting 'regoin'"):
        tuned.regoin = "PL3"

    config = Configuration(access_token="tok")
    with mock.patch.object(config, "bearer_token", return_value="mocked"):
        assert config.auth_settings()["oauth2"]["value"] == "Bearer mocked"


# ------------------------------------------------------------------ from_env


def grant(**overrides: str) -> dict[str, str]:
    values = dict(
        zip(PASSWORD_GRANT_VARIABLES, ("cid", "csecret-VALUE", "jan", "pw-VALUE"), strict=True)
    )
    values.update(overrides)
    return {name: value for name, value in values.items() if value}


def test_from_env_without_credentials_names_the_variables_to_set():
    with pytest.raises(pyodk.NoCredentialsError) as caught:
        Configuration.from_env({"OKTAWAVE_ODK_API_URL": "http://127.0.0.1:9/services"})
    text = str(caught.value)
    assert text.startswith("no Oktawave credentials in the environment: set OKTAWAVE_ACCESS_TOKEN")
    for name in PASSWORD_GRANT_VARIABLES:
        assert name in text
    assert "require_credentials=False" in text
    assert caught.value.missing == ()
    assert isinstance(caught.value, pyodk.PyodkError)


@pytest.mark.parametrize("blank", ["", "   ", "\n"])
def test_blank_variables_count_as_not_set(blank):
    with pytest.raises(pyodk.NoCredentialsError, match="no Oktawave credentials"):
        Configuration.from_env({"OKTAWAVE_ACCESS_TOKEN": blank, "OKTAWAVE_CLIENT_ID": blank})


@pytest.mark.parametrize(
    ("unset", "with_token"),
    [
        (("OKTAWAVE_PASSWORD",), False),
        (("OKTAWAVE_CLIENT_ID", "OKTAWAVE_CLIENT_SECRET"), False),
        (("OKTAWAVE_CLIENT_SECRET", "OKTAWAVE_USERNAME", "OKTAWAVE_PASSWORD"), False),
        (("OKTAWAVE_USERNAME",), True),
    ],
)
def test_a_partial_password_grant_names_the_missing_variables(unset, with_token):
    environ = grant(**dict.fromkeys(unset, ""))
    if with_token:
        environ["OKTAWAVE_ACCESS_TOKEN"] = "tok-VALUE"
    with pytest.raises(pyodk.NoCredentialsError) as caught:
        Configuration.from_env(environ)
    error = caught.value
    assert error.missing == unset
    text = str(error)
    assert text.startswith("the Oktawave password grant is set only in part: ")
    for name in PASSWORD_GRANT_VARIABLES:
        assert name in text  # the missing ones to set, the others to unset
    if with_token:
        assert "or, to use OKTAWAVE_ACCESS_TOKEN, which is set, unset OKTAWAVE_CLIENT_ID" in text
    for secret in ("csecret-VALUE", "pw-VALUE", "tok-VALUE"):
        assert secret not in text


def test_a_token_beside_a_complete_grant_is_used_as_documented():
    config = Configuration.from_env({**grant(), "OKTAWAVE_ACCESS_TOKEN": "tok"})
    assert (config.access_token, config.token_source) == ("tok", None)


def test_a_complete_grant_becomes_a_password_grant():
    config = Configuration.from_env({**grant(), "OKTAWAVE_TOKEN_URL": "http://127.0.0.1:9/t"})
    assert isinstance(config.token_source, PasswordGrant)
    assert config.access_token is None


def test_credentials_of_the_default_configuration_count():
    Configuration.set_default(Configuration(access_token="from-the-default"))
    assert Configuration.from_env({}).access_token == "from-the-default"
    # A partial grant is a mistake in the environment, whatever the default holds.
    with pytest.raises(pyodk.NoCredentialsError, match="OKTAWAVE_PASSWORD is missing"):
        Configuration.from_env(grant(OKTAWAVE_PASSWORD=""))


def test_require_credentials_false_gives_the_host_alone():
    environ = {
        "OKTAWAVE_ODK_API_URL": "http://127.0.0.1:9/services/",
        "OKTAWAVE_ODK_API_SKIP_TLS": "yes",
        **grant(OKTAWAVE_PASSWORD=""),
    }
    config = Configuration.from_env(environ, require_credentials=False)
    assert config.host == "http://127.0.0.1:9/services"
    assert config.verify_ssl is False
    assert (config.access_token, config.token_source) == (None, None)
    token = Configuration.from_env({"OKTAWAVE_ACCESS_TOKEN": "tok"}, require_credentials=False)
    assert token.access_token == "tok"


def test_from_env_reads_os_environ_by_default(monkeypatch):
    for name in ("OKTAWAVE_ACCESS_TOKEN", *PASSWORD_GRANT_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(pyodk.NoCredentialsError):
        Configuration.from_env()
    monkeypatch.setenv("OKTAWAVE_ACCESS_TOKEN", "tok-from-os")
    assert Configuration.from_env().access_token == "tok-from-os"


# ------------------------------------------------------------------ the reference page

REFERENCE = Path(__file__).resolve().parent.parent / "docs" / "Configuration.md"
_ROW = re.compile(r"^\| `([a-z_]+)` \| `([^`]*)` \|([^|]*)\|", re.MULTILINE)


def test_the_reference_page_gives_every_setting_with_its_true_default():
    rows = _ROW.findall(REFERENCE.read_text(encoding="utf-8"))
    assert sorted(name for name, _, _ in rows) == sorted(SETTINGS)  # each once, none missing
    fresh = Configuration()
    for name, default, _ in rows:
        shown = eval(default, {"datetime": datetime, "os": os})  # noqa: S307 - our own page
        assert shown == getattr(fresh, name), name


def test_the_reference_page_names_the_variables_from_env_reads():
    rows = _ROW.findall(REFERENCE.read_text(encoding="utf-8"))
    named = {name: set(re.findall(r"OKTAWAVE_\w+", env)) for name, _, env in rows}
    assert {name for name, variables in named.items() if variables} == {
        "host",
        "access_token",
        "token_source",
        "verify_ssl",
    }
    assert named["token_source"] == {*PASSWORD_GRANT_VARIABLES, "OKTAWAVE_TOKEN_URL"}
    # Each variable does what its row says.
    environ = {
        "OKTAWAVE_ODK_API_URL": "http://127.0.0.1:9/services",
        "OKTAWAVE_ODK_API_SKIP_TLS": "1",
        "OKTAWAVE_ACCESS_TOKEN": "tok",
    }
    config = Configuration.from_env(environ)
    assert (config.host, config.verify_ssl, config.access_token) == (
        "http://127.0.0.1:9/services",
        False,
        "tok",
    )
