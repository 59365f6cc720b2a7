"""The one place where readable definition keys become Uptime Kuma's own fields.

`kuma_fields` gives the fields kumaprov manages for a monitor on a given server
line: everything the definition says or defaults, in the server's names and
representations (headers and body as JSON strings, status codes as strings).
Environment references are resolved here, through the resolver passed in, and
every field that needed one is reported as sensitive.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from kumaprov import secrets
from kumaprov.model.monitors import (
    DnsMonitor, DockerMonitor, HttpMonitor, JsonQueryMonitor, KeywordMonitor, NotificationDef,
    PingMonitor, PortMonitor, PushMonitor,
)
from kumaprov.model.registry import Monitor
from kumaprov.model.mapped import MappedMonitor
from kumaprov.versions import ServerLine

Resolve = Callable[[str], str]

# Fields whose values are credentials even when written without a reference.
ALWAYS_SENSITIVE = frozenset({"basic_auth_pass", "pushToken"})


@dataclass(frozen=True)
class KumaFields:
    values: dict[str, Any]
    sensitive: frozenset[str]


def kuma_fields(monitor: Monitor, line: ServerLine, resolve: Resolve = secrets.resolve) -> KumaFields:
    sensitive: set[str] = set(ALWAYS_SENSITIVE)
    if isinstance(monitor, MappedMonitor):
        sensitive |= monitor.secret_fields
    values: dict[str, Any] = {}
    for key, value in _fields(monitor, line).items():
        if _has_reference(value):
            sensitive.add(key)
            value = resolved(value, resolve)
        values[key] = serialised(key, value)
    return KumaFields(values, frozenset(sensitive & values.keys()))


def _fields(monitor: Monitor, line: ServerLine) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "type": monitor.type,
        "name": monitor.name,
        "description": monitor.description or "",
        "interval": monitor.interval,
        "retryInterval": monitor.retry_interval or monitor.interval,
        "maxretries": monitor.retries,
        "resendInterval": monitor.resend_interval,
        "upsideDown": monitor.upside_down,
        # A definition id: the planner compares it through the ownership tags and
        # apply swaps in the server's id, which may only exist once the group is created.
        "parent": monitor.parent,
    }
    if monitor.tags is not None:
        fields["tags"] = tag_strings((t.name, t.value) for t in monitor.tags)
    if monitor.notifications is not None:
        # References as written; state.py turns server names into `name:<name>`.
        fields["notificationIDList"] = tuple(sorted(set(monitor.notifications)))
    if isinstance(monitor, HttpMonitor):
        fields.update(_http_fields(monitor))
        if monitor.proxy is not None:
            fields["proxyId"] = monitor.proxy  # apply swaps in the server's id
    if isinstance(monitor, KeywordMonitor):
        fields.update(keyword=monitor.keyword, invertKeyword=monitor.invert_keyword)
    if isinstance(monitor, JsonQueryMonitor):
        fields.update(jsonPath=monitor.query, expectedValue=monitor.expected_value)
        if line.json_operators:
            fields["jsonPathOperator"] = monitor.operator
    if isinstance(monitor, (PortMonitor, PingMonitor, DnsMonitor)):
        fields["hostname"] = monitor.hostname
    if isinstance(monitor, PortMonitor):
        fields["port"] = monitor.port
    if isinstance(monitor, PingMonitor):
        fields["packetSize"] = monitor.packet_size
    if isinstance(monitor, DnsMonitor):
        fields.update(dns_resolve_server=monitor.resolver, dns_resolve_type=monitor.record_type,
                      port=monitor.port)
    if isinstance(monitor, PushMonitor):
        fields["pushToken"] = monitor.push_token
    if isinstance(monitor, MappedMonitor):
        fields.update(monitor.mapped_fields())
    if isinstance(monitor, DockerMonitor):
        # The host is named in files; the planner swaps in the server's numeric id.
        fields.update(docker_container=monitor.container, docker_host=monitor.docker_host)
    return fields


# Saved inside the notification's configuration: the server keeps any key it is sent.
NOTIFICATION_ID_KEY = "kumaprovId"
NOTIFICATION_OWNER_KEY = "kumaprovOwner"


def tag_strings(pairs: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """Monitor tags as `name` or `name=value`: readable in a diff, stable in a saved plan."""
    return tuple(sorted({name if not value else f"{name}={value}" for name, value in pairs}))


def tag_pair(text: str) -> tuple[str, str]:
    name, _, value = text.partition("=")
    return name, value  # the project's owner_tag, so projects do not collide


def notification_fields(notification: NotificationDef, owner_tag: str,
                        resolve: Resolve = secrets.resolve) -> KumaFields:
    """The configuration `addNotification` saves: the provider settings plus identity."""
    sensitive: set[str] = set()
    values: dict[str, Any] = {"name": notification.name, "type": notification.type,
                              "isDefault": notification.default}
    for key, value in notification.settings.items():
        if _has_reference(value):
            sensitive.add(key)
            value = resolved(value, resolve)
        values[key] = value
    values[NOTIFICATION_ID_KEY] = notification.id
    values[NOTIFICATION_OWNER_KEY] = owner_tag
    return KumaFields(values, frozenset(sensitive))


def _http_fields(monitor: HttpMonitor) -> dict[str, Any]:
    auth = monitor.basic_auth
    return {
        "url": monitor.url,
        "method": monitor.method,
        "headers": monitor.headers,
        "body": monitor.body,
        "httpBodyEncoding": monitor.body_encoding,
        "accepted_statuscodes": list(monitor.accepted_status_codes),
        "maxredirects": monitor.max_redirects,
        "timeout": monitor.effective_timeout,
        "ignoreTls": monitor.ignore_tls,
        "expiryNotification": monitor.expiry_notification,
        "authMethod": "basic" if auth else "",
        "basic_auth_user": auth.username if auth else "",
        "basic_auth_pass": auth.password if auth else "",
    }


def _has_reference(value: Any) -> bool:
    if isinstance(value, str):
        return secrets.has_reference(value)
    if isinstance(value, dict):
        return any(_has_reference(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_reference(v) for v in value)
    return False


def resolved(value: Any, resolve: Resolve) -> Any:
    # Resolve inside the structure, before it becomes a JSON string, so a value
    # holding quotes cannot break the JSON.
    if isinstance(value, str):
        return resolve(value)
    if isinstance(value, dict):
        return {k: resolved(v, resolve) for k, v in value.items()}
    if isinstance(value, list):
        return [resolved(v, resolve) for v in value]
    return value


def serialised(key: str, value: Any) -> Any:
    """Headers and structured bodies travel as JSON strings (design notes, section 3)."""
    if key in ("headers", "body") and isinstance(value, (dict, list)):
        return json.dumps(value, indent=2, ensure_ascii=False)
    if key in ("headers", "body") and value is None:
        return ""
    return value
