"""What a credential written in plain text looks like, and every string of a definition.

Lint reports these (KP401), `render` masks them, and export turns them into `${VAR}`
references: one set of rules, so an export always lints clean and never carries a secret.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterator
from typing import Any

from kumaprov import secrets

_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "apikey",
                   "x-auth-token", "x-access-token", "private-token"}
_SECRET_WORDS = re.compile(r"(password|passwd|secret|token|api[_-]?key|apikey|credential)", re.I)
_KNOWN_TOKENS = re.compile(
    r"(sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|AKIA[0-9A-Z]{16}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"
)
_URL_CREDENTIALS = re.compile(r"^[a-z]+://[^/@\s:]+:[^/@\s]+@", re.I)
# Query parameter names that carry credentials besides those _SECRET_WORDS matches.
_SECRET_PARAMETERS = {"key", "auth", "sig", "signature", "jwt", "sessionid", "access_key"}
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_AUTH_SCHEME_ONLY = re.compile(r"^\s*(bearer|basic|token)\s*$", re.I)


def plaintext_reason(path: tuple[Any, ...], value: str) -> str | None:
    """Why the string at `path` (keys from the entry's root) is a credential in plain text, or None."""
    if _KNOWN_TOKENS.search(value.replace("$${", "")) and not secrets.has_reference(value):
        return "this looks like an API token written in plain text"
    if path and path[0] == "url" and _URL_CREDENTIALS.match(value):
        # Even as a reference: Uptime Kuma shows the URL in its UI and notifications.
        return ("the URL carries a password, which Uptime Kuma shows in its UI and notifications; "
                "use basic_auth with a ${NAME} password")
    if secrets.has_reference(value) or not value.strip():
        return None
    key = str(path[-1]) if path else ""
    if key.lower().endswith("url") and (parameter := _secret_query_parameter(value)):
        return f"the URL query parameter '{parameter}' holds a credential in plain text"
    if len(path) == 2 and path[0] == "headers":
        lowered = key.lower()
        if (lowered in _SECRET_HEADERS or _SECRET_WORDS.search(lowered)) and not _AUTH_SCHEME_ONLY.match(value):
            return f"the {key} header holds a credential in plain text"
    if len(path) == 2 and path[0] == "settings" and (_SECRET_WORDS.search(key) or _is_webhook_url(key)):
        return f"the notification setting '{key}' holds a secret in plain text"
    if path and path[0] == "body" and _SECRET_WORDS.search(key):
        return f"the body field '{key}' holds a secret in plain text"
    if path == ("steamAPIKey",):  # the one instance setting (kinds/settings.py) that is a credential
        return "the setting 'steamAPIKey' holds a secret in plain text"
    if key in ("password", "secret", "client_secret", "bearer_token"):  # the auth blocks, other types' credentials
        return f"the {key} is written in plain text"
    if path[:1] == ("mtls",) and key == "key" or _PRIVATE_KEY.search(value):
        return "a private key is written in plain text"
    if key == "connection_string" and _URL_CREDENTIALS.match(value):
        return "the connection string carries a password in plain text"
    return None


def _secret_query_parameter(url: str) -> str | None:
    """The first query parameter of `url` whose name says it carries a credential."""
    query = urllib.parse.urlsplit(url).query if "?" in url else ""
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        if value and (_SECRET_WORDS.search(name) or name.lower() in _SECRET_PARAMETERS):
            return name
    return None


def _is_webhook_url(key: str) -> bool:
    # A webhook URL is its own credential (Slack, Discord, Teams ...).
    lowered = key.lower()
    return "webhook" in lowered and "url" in lowered


def strings(node: Any, path: tuple[Any, ...] = (), seen: set[int] | None = None
            ) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string in a nested value, with its path of keys and indexes."""
    # Each mapping or list once: YAML aliases share them, and walking every copy of a
    # "billion laughs" is 10^9 strings (the loader refuses those; this walk stays linear anyway).
    # Collected into a list by plain recursion: a chain of nested generators costs a resume per
    # level for every string, and lint walks every string of 1,000 monitors more than once.
    found: list[tuple[tuple[Any, ...], str]] = []
    _collect(node, path, set() if seen is None else seen, found)
    return iter(found)


def _collect(node: Any, path: tuple[Any, ...], seen: set[int], found: list[tuple[tuple[Any, ...], str]]) -> None:
    if isinstance(node, str):
        found.append((path, node))
        if path == ("body",):
            # A JSON body written as a string still has keys worth checking.
            try:
                _collect(json.loads(node), path, seen, found)
            except (ValueError, RecursionError):
                pass
        return
    if not isinstance(node, (dict, list)) or id(node) in seen:
        return
    seen.add(id(node))
    # The strings among the items are handled here, not by a call each: most leaves are strings.
    for key, value in node.items() if isinstance(node, dict) else enumerate(node):
        if isinstance(value, str) and (path or key != "body"):
            found.append(((*path, key), value))
        elif isinstance(value, (str, dict, list)):
            _collect(value, (*path, key), seen, found)
