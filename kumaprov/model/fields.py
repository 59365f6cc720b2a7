"""The one place where a monitor's readable keys become Uptime Kuma's own fields.

`kuma_fields` gives the fields kumaprov manages for a monitor on a given server line:
each type's table (`kuma_names`, read backward by export), the few fields computed from
others, and the references to other objects as the files name them. Values are as written:
`${VAR}` references unresolved (`secrets.resolve` does that, inside the structure), headers
and body still structured until `sendable` turns them into the JSON text the server keeps.
Every field that holds a credential or a reference is reported as sensitive.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kumaprov import secrets
from kumaprov.model.http_auth import auth_fields
from kumaprov.model.monitors import HttpMonitor, JsonQueryMonitor
from kumaprov.model.registry import Monitor
from kumaprov.versions import ServerLine, at_least


@dataclass(frozen=True)
class KumaFields:
    values: dict[str, Any]
    sensitive: frozenset[str]


def kuma_fields(monitor: Monitor, line: ServerLine) -> KumaFields:
    values = _fields(monitor, line)
    sensitive = {key for key, value in values.items() if secrets.has_reference(value)}
    return KumaFields(values, frozenset((sensitive | monitor.secret_fields) & values.keys()))


def _fields(monitor: Monitor, line: ServerLine) -> dict[str, Any]:
    fields: dict[str, Any] = {"type": monitor.type, "name": monitor.name, **monitor.mapped_fields()}
    # Computed: the server has no "unset" for these.
    fields.update(description=monitor.description or "", retryInterval=monitor.retry_interval or monitor.interval)
    # A definition id: the planner compares it through the ownership tags and
    # apply swaps in the server's id, which may only exist once the group is created.
    fields["parent"] = monitor.parent
    if monitor.tags is not None:
        fields["tags"] = tag_strings((t.name, t.value) for t in monitor.tags)
    if monitor.notifications is not None:
        # References as written; the monitors kind turns server names into `name:<name>`.
        fields["notificationIDList"] = tuple(sorted(set(monitor.notifications)))
    if isinstance(monitor, HttpMonitor):
        fields.update(_http_fields(monitor, line))
    if isinstance(monitor, JsonQueryMonitor) and not line.json_operators:
        del fields["jsonPathOperator"]
    # A column the server line lacks fails the whole `add`: such a field is sent only to
    # servers that have it (lint refuses it, KP307, when the files set it for an older one).
    names = monitor.names()
    for key, minimum in monitor.field_min_versions.items():
        if key in names and not at_least(line.version, minimum):
            fields.pop(names[key], None)
    if monitor.type == "docker":  # model/basic.py is imported once such a monitor exists
        from kumaprov.model.basic import DockerMonitor

        assert isinstance(monitor, DockerMonitor)
        # The host is named in files; apply swaps in the server's numeric id.
        fields["docker_host"] = monitor.docker_host
    if monitor.type == "real-browser":  # model/mapped.py is imported once such a monitor exists
        from kumaprov.model.mapped import RealBrowserMonitor

        if isinstance(monitor, RealBrowserMonitor) and monitor.remote_browser is not None:
            fields["remote_browser"] = monitor.remote_browser  # by name; apply swaps in the server's id
    return fields


def _http_fields(monitor: HttpMonitor, line: ServerLine) -> dict[str, Any]:
    fields = {"timeout": monitor.effective_timeout,
              **auth_fields(monitor, at_least(line.version, monitor.field_min_versions["oauth2.audience"]))}
    if monitor.proxy is not None:
        fields["proxyId"] = monitor.proxy  # a proxy's definition id; apply swaps in the server's id
    return fields


def tag_strings(pairs: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """Monitor tags as `name` or `name=value`: readable in a diff, stable in a saved plan."""
    return tuple(sorted({name if not value else f"{name}={value}" for name, value in pairs}))


def tag_pair(text: str) -> tuple[str, str]:
    name, _, value = text.partition("=")
    return name, value  # the project's owner_tag, so projects do not collide


def sendable(values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields as the server keeps them (headers and body as JSON text)."""
    return {key: serialised(key, value) for key, value in values.items()}


def serialised(key: str, value: Any) -> Any:
    """Headers and structured bodies travel as JSON strings (design notes, section 3)."""
    if key in ("headers", "body") and isinstance(value, (dict, list)):
        return json.dumps(value, indent=2, ensure_ascii=False)
    if key in ("headers", "body") and value is None:
        return ""
    return value
