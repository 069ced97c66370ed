"""Keeping secrets out of text: the one place where pyodk decides what to mask.

Logs, reprs, exception texts and ``Configuration.to_debug_report()`` all go through this module,
so that a secret is masked the same way wherever it could show. It sits on the ground floor: it
imports nothing from pyodk, and every other module may import it.

What counts as a secret:

- the values of credential headers (``Authorization``, ``Proxy-Authorization``, ``Cookie``,
  ``Set-Cookie``), whatever they hold;
- the credentials a request carried (a bearer token, an API key, a ``Basic`` pair), also when a
  server echoes them back inside a body: ``Redactor`` masks them raw, as the ``Basic`` Base64 that
  carried them, and as the user name and password inside it;
- any ``Basic``/``Bearer`` credential written into a text, even one pyodk never saw;
- the password of a URL's user-info (``http://user:secret@proxy``).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from urllib.parse import unquote, unquote_plus

__all__ = [
    "MASK",
    "REDACTED",
    "SENSITIVE_HEADERS",
    "Redactor",
    "Secret",
    "basic_credentials",
    "redact_headers",
    "without_password",
]

#: What a masked secret looks like inside a text.
MASK = "***"
#: What a credential header's value looks like in a log line.
REDACTED = "<redacted>"
#: Headers whose values are credentials (compared lower-cased).
SENSITIVE_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "set-cookie"})

#: A ``Basic`` or ``Bearer`` credential written into any text (RFC 7235 token68). Eight characters
#: at least, so that prose such as "Bearer token expired" keeps its words.
_SCHEME_CREDENTIAL = re.compile(r"(?i)\b(Basic|Bearer)(\s+)[A-Za-z0-9\-._~+/]{8,}=*")
#: The shortest piece of a credential (a cookie's value, a Basic pair's password) masked on its own.
_MIN_DERIVED = 4
#: Secrets shorter than this are masked only where they stand as whole words.
_WHOLE_WORD_BELOW = 8


class Secret:
    """A string that never shows itself: the repr, str and log line of any holder stay clean."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return repr(MASK)

    __str__ = __repr__


class Redactor:
    """Masks a fixed set of secrets in any text, together with the forms they travel in.

    Given the credentials a request carried (or whole credential header values), it masks each one
    raw, as the Base64 of a ``Basic`` pair, and, for a ``Basic`` pair, the user name's password
    half too; and it masks every ``Basic``/``Bearer`` credential pattern whatever it holds. Its own
    repr shows only how many secrets it knows.
    """

    __slots__ = ("_secrets", "_short")

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        found: set[str] = set()
        for secret in secrets:
            if secret:
                found.update(_forms_of(secret))
        self._set(found)

    def _set(self, found: set[str]) -> None:
        # Longest first: a secret that contains another is masked whole, not in pieces.
        self._secrets = tuple(sorted(found, key=len, reverse=True))
        # A short secret ("p", "api") is masked only where it stands as a whole word: masked
        # anywhere, it would garble ordinary words ("attem***t").
        short = [re.escape(form) for form in self._secrets if len(form) < _WHOLE_WORD_BELOW]
        self._short = re.compile(rf"(?<![\w-])(?:{'|'.join(short)})(?![\w-])") if short else None

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if len(secret) >= _WHOLE_WORD_BELOW and secret in text:
                text = text.replace(secret, MASK)
        if self._short is not None:
            text = self._short.sub(MASK, text)
        if "asic" in text or "earer" in text:  # cheap test before the regular expression
            text = _SCHEME_CREDENTIAL.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
        return text

    def __bool__(self) -> bool:
        return bool(self._secrets)

    def joined(self, other: Redactor) -> Redactor:
        """A redactor that masks the secrets of both."""
        joined = Redactor()
        joined._set(set(self._secrets) | set(other._secrets))
        return joined

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        """``headers`` safe to show: credential headers replaced, secrets in others masked."""
        return {
            name: REDACTED if name.lower() in SENSITIVE_HEADERS else self(str(value))
            for name, value in headers.items()
        }

    def __repr__(self) -> str:
        return f"Redactor(<{len(self._secrets)} secret forms>)"


def basic_credentials(user: str, password: str) -> str:
    """The value of a ``Basic`` Authorization header for ``user`` and ``password``."""
    pair = f"{user}:{password}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Headers safe to log: credential headers replaced by a marker."""
    return {
        name: (REDACTED if name.lower() in SENSITIVE_HEADERS else value)
        for name, value in headers.items()
    }


def without_password(url: str) -> str:
    """``url`` with the password of its user-info (``http://user:secret@proxy``) masked."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    authority, slash, path = rest.partition("/")
    userinfo, at, hostport = authority.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    return f"{scheme}{sep}{userinfo.split(':', 1)[0]}:{MASK}@{hostport}{slash}{path}"


def _forms_of(secret: str) -> set[str]:
    """The texts a secret may show up as: itself, and what a credential header value holds."""
    scheme, _, credential = secret.partition(" ")
    if credential and scheme.lower() in ("basic", "bearer"):
        # A whole header value: its credential is what servers echo, with or without the
        # scheme; masking it alone keeps the scheme readable ("Basic ***").
        forms = {credential}
        if scheme.lower() == "basic":
            forms.update(_basic_pair_forms(credential))
        return {form for form in forms if form == credential or len(form) >= _MIN_DERIVED}
    pairs = [pair.strip() for pair in secret.split(";")]
    if all("=" in pair.rstrip("=") for pair in pairs):
        # A cookie (name=value; name2=value2): the values are the secret parts.
        derived = {pair.partition("=")[2] for pair in pairs}
    else:
        # A raw secret may also have travelled inside a Basic pair nobody told us about.
        derived = {base64.b64encode(secret.encode()).decode("ascii").rstrip("=")}
    # A derived piece shorter than this would mask ordinary words; the secret itself always counts.
    return {secret} | {form for form in derived if len(form) >= _MIN_DERIVED}


def _basic_pair_forms(credential: str) -> set[str]:
    try:
        pair = base64.b64decode(credential, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return set()
    user, colon, password = pair.partition(":")
    if not colon:
        return {pair}
    # RFC 6749 2.3.1 form-encodes a client's id and secret before joining them.
    return {pair, password, unquote_plus(password), unquote(password)} - {user}
