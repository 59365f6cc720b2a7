"""Export: what a live instance holds, as definition files a team can commit.

The inverse of mapping.py for the supported monitor types. References use
definition ids (groups, notifications), never server ids; secrets become
`${VAR}` references whose names are listed, never their values. Values equal to
the defaults are left out, so the files read like hand-written ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from kumaprov.kinds import docker_hosts as dockerhosts
from kumaprov.kinds import maintenance, proxies, status_pages
from kumaprov.kinds.monitors import owner_of
from kumaprov.kinds.notifications import configuration, owned_id
from kumaprov.lint.checks.plaintext_secrets import plaintext_reason, strings
from kumaprov.model.fields import NOTIFICATION_ID_KEY, NOTIFICATION_OWNER_KEY
from kumaprov.model.mapped import MappedMonitor
from kumaprov.model.monitors import HttpMonitor, Strict
from kumaprov.model.registry import MONITOR_TYPES
from kumaprov.secrets import REDACTOR

# Readable key -> Uptime Kuma field, per group of types (the reverse of mapping.py).
_COMMON = {"description": "description", "interval": "interval", "retry_interval": "retryInterval",
           "retries": "maxretries", "resend_interval": "resendInterval", "upside_down": "upsideDown"}
_HTTP = {"url": "url", "method": "method", "body_encoding": "httpBodyEncoding",
         "accepted_status_codes": "accepted_statuscodes", "max_redirects": "maxredirects", "timeout": "timeout",
         "ignore_tls": "ignoreTls", "expiry_notification": "expiryNotification"}
_BY_TYPE: dict[str, dict[str, str]] = {
    "keyword": {"keyword": "keyword", "invert_keyword": "invertKeyword"},
    "json-query": {"query": "jsonPath", "expected_value": "expectedValue", "operator": "jsonPathOperator"},
    "port": {"hostname": "hostname", "port": "port"},
    "ping": {"hostname": "hostname", "packet_size": "packetSize"},
    "dns": {"hostname": "hostname", "resolver": "dns_resolve_server", "record_type": "dns_resolve_type",
            "port": "port"},
    "push": {"push_token": "pushToken"},
    "docker": {"container": "docker_container"},
}
_NOTIFICATION_SKIP = frozenset({"name", "type", "isDefault", "applyExisting", "id", "userId", "active",
                                NOTIFICATION_ID_KEY, NOTIFICATION_OWNER_KEY})


@dataclass
class Export:
    document: dict[str, Any] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)  # environment variables the files now reference
    skipped: list[str] = field(default_factory=list)  # monitors of types kumaprov does not model yet


def export(monitors: Sequence[Mapping[str, Any]], notifications: Sequence[Mapping[str, Any]],
           docker_hosts: Sequence[Mapping[str, Any]], owner_tag: str,
           windows: Sequence[tuple[Mapping[str, Any], Sequence[int]]] = (),
           pages: Sequence[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]]]] = (),
           proxy_rows: Sequence[Mapping[str, Any]] = ()) -> Export:
    """`windows`: each maintenance window with the server ids of the monitors it covers;
    `pages`: each status page with its groups as the public endpoint lists them."""
    result = Export()
    monitors, notifications = _with_references(monitors, result), _with_references(notifications, result)
    proxy_rows = _with_references(proxy_rows, result)
    ids = _Ids(owner_tag)
    # Owned objects keep their definition ids: they claim them before any name becomes a slug.
    notification_ids = {int(row["id"]): ids.notification(row)
                        for row in sorted(notifications, key=lambda row: ids.owned_notification(row) is None)}
    monitor_ids = {int(m["id"]): ids.monitor(m) for m in sorted(monitors, key=lambda m: ids.owned(m) is None)}
    exported_notifications = [_notification(row, notification_ids[int(row["id"])], result)
                              for row in notifications]
    host_names = {int(row["id"]): str(row.get("name")) for row in docker_hosts if "id" in row}
    proxy_ids = {int(row["id"]): ids.unique(f"proxy-{row.get('host')}") for row in proxy_rows}
    exported_monitors = []
    for monitor in sorted(monitors, key=lambda m: int(m["id"])):
        if monitor.get("type") not in MONITOR_TYPES:
            result.skipped.append(f"{monitor.get('name')} (#{monitor['id']}, type {monitor.get('type')})")
            continue
        exported = _monitor(monitor, monitor_ids, notification_ids, host_names, owner_tag, result)
        if monitor.get("proxyId") in proxy_ids and issubclass(MONITOR_TYPES[monitor["type"]], HttpMonitor):
            exported["proxy"] = proxy_ids[int(monitor["proxyId"])]
        exported_monitors.append(exported)
    if exported_notifications:
        result.document["notifications"] = exported_notifications
    if docker_hosts:
        result.document["docker_hosts"] = [dockerhosts.readable(row) for row in docker_hosts]
    if proxy_rows:
        result.document["proxies"] = [_proxy(row, proxy_ids[int(row["id"])], result) for row in proxy_rows]
    result.document["monitors"] = exported_monitors
    if windows:
        result.document["maintenance"] = [maintenance.export_row(row, covered, monitor_ids) for row, covered in windows]
    if pages:
        result.document["status_pages"] = [status_pages.export_row(row, groups, monitor_ids) for row, groups in pages]
    return result


def export_snapshot(rows: Mapping[str, Any], owner_tag: str) -> Export:
    """Export from a snapshot read with `snapshot.needs_all()`."""
    windows, covered = rows["maintenance"]
    pages, groups = rows["status_page"]
    return export(rows["monitor"], rows["notification"], rows["docker_host"], owner_tag,
                  [(row, covered[int(row["id"])]) for row in windows],
                  [(row, groups[str(row["slug"])]) for row in pages], rows["proxy"])


def _with_references(rows: Sequence[Mapping[str, Any]], result: Export) -> list[dict[str, Any]]:
    """Rows with every secret the environment holds, wherever it sits in a value
    (`trace-<key>`, a URL's query, inside a JSON header string), replaced by a reference
    to its variable: what lint cannot recognise by shape is still recognised by value."""
    replaced = []
    for row in rows:
        copy = dict(row)
        for key, value in row.items():
            if isinstance(value, str):
                copy[key], names = REDACTOR.as_references(value)
                result.secrets.extend(name for name in names if name not in result.secrets)
        replaced.append(copy)
    return replaced


class _Ids:
    """Definition ids: the owner's id where kumaprov manages it, else a slug of the name."""

    def __init__(self, owner_tag: str) -> None:
        self.owner_tag = owner_tag
        self.taken: set[str] = set()

    def unique(self, wanted: str) -> str:
        slug = re.sub(r"[^a-z0-9._-]+", "-", wanted.lower()).strip("-._")[:90] or "monitor"
        candidate, n = slug, 2
        while candidate in self.taken:
            candidate, n = f"{slug}-{n}", n + 1
        self.taken.add(candidate)
        return candidate

    def owned(self, monitor: Mapping[str, Any]) -> str | None:
        return owner_of(monitor, self.owner_tag)

    def monitor(self, monitor: Mapping[str, Any]) -> str:
        return self.unique(str(self.owned(monitor) or monitor.get("name", "")))

    def owned_notification(self, row: Mapping[str, Any]) -> str | None:
        return owned_id(configuration(row), self.owner_tag)

    def notification(self, row: Mapping[str, Any]) -> str:
        return self.unique(str(self.owned_notification(row) or row.get("name", "")))


def _env_name(definition_id: str, field_name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", f"KUMA_{definition_id}_{field_name}".upper()).strip("_")


def _secret(result: Export, definition_id: str, field_name: str) -> str:
    name = _env_name(definition_id, field_name)
    result.secrets.append(name)
    return "${" + name + "}"


def _notification(row: Mapping[str, Any], definition_id: str, result: Export) -> dict[str, Any]:
    config = configuration(row)
    settings = {}
    for key, value in config.items():
        if key in _NOTIFICATION_SKIP or value in (None, ""):
            continue
        if isinstance(value, str) and plaintext_reason(("settings", key), value):
            value = _secret(result, definition_id, key)
        settings[key] = value
    document: dict[str, Any] = {"id": definition_id, "name": row.get("name"), "type": config.get("type")}
    if config.get("isDefault") or row.get("isDefault"):
        document["default"] = True
    if settings:
        document["settings"] = settings
    return document


def _proxy(row: Mapping[str, Any], proxy_id: str, result: Export) -> dict[str, Any]:
    document = proxies.readable(row, proxy_id)
    if document.get("password"):
        document["password"] = _secret(result, proxy_id, "password")
    return document


def _monitor(monitor: Mapping[str, Any], monitor_ids: Mapping[int, str], notification_ids: Mapping[int, str],
             docker_hosts: Mapping[int, str], owner_tag: str, result: Export) -> dict[str, Any]:
    monitor_type = str(monitor["type"])
    definition_id = monitor_ids[int(monitor["id"])]
    document: dict[str, Any] = {"id": definition_id, "name": monitor.get("name"), "type": monitor_type}
    keys = {**_COMMON, **(_HTTP if monitor_type in ("http", "keyword", "json-query") else {}),
            **_BY_TYPE.get(monitor_type, {})}
    for key, kuma in keys.items():
        document[key] = monitor.get(kuma)
    if monitor_type in ("http", "keyword", "json-query"):
        _http_extras(monitor, document, definition_id, result)
    model = MONITOR_TYPES[monitor_type]
    if issubclass(model, MappedMonitor):
        _mapped(model, monitor, document, definition_id, result)
    if monitor_type == "push" and document.get("push_token"):
        document["push_token"] = _secret(result, definition_id, "push_token")
    if monitor_type == "docker":
        document["docker_host"] = docker_hosts.get(int(monitor.get("docker_host") or 0), "")
    if monitor.get("parent") is not None:
        document["parent"] = monitor_ids.get(int(monitor["parent"]))
    tags = [{"name": t["name"], **({"value": t["value"]} if t.get("value") else {})}
            for t in monitor.get("tags") or [] if t.get("name") != owner_tag]
    if tags:
        document["tags"] = tags
    listed = [notification_ids[int(k)] for k, on in (monitor.get("notificationIDList") or {}).items()
              if on and int(k) in notification_ids]
    if listed:
        document["notifications"] = sorted(listed)
    _mask_secrets(document, definition_id, result)
    return _without_defaults(document, monitor_type)


def _mapped(model: type[MappedMonitor], monitor: Mapping[str, Any], document: dict[str, Any],
            definition_id: str, result: Export) -> None:
    readable = model.readable_fields(monitor)
    for key, kuma in model.kuma_names.items():
        # A connection string or password is a credential whatever it looks like.
        if kuma in model.secret_fields and isinstance(readable[key], str) and readable[key]:
            readable[key] = _secret(result, definition_id, key)
    document.update(readable)


def _mask_secrets(document: dict[str, Any], definition_id: str, result: Export) -> None:
    """Every credential lint would flag becomes a `${VAR}` reference (the same rules, so an
    export always lints clean of KP401 and never carries a secret)."""
    for path, value in list(strings(document, ())):
        if path and isinstance(_at(document, path[:-1]), (dict, list)) and plaintext_reason(path, value):
            name = "_".join(str(part) for part in path)
            scheme = re.match(r"^(Bearer|Basic|Token|Bot)\s+", value, re.I) if path[0] == "headers" else None
            _at(document, path[:-1])[path[-1]] = (scheme.group(0) if scheme else "") + _secret(
                result, definition_id, name)


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


def _http_extras(monitor: Mapping[str, Any], document: dict[str, Any], definition_id: str, result: Export) -> None:
    headers = _json(monitor.get("headers"))
    if isinstance(headers, dict) and headers:
        document["headers"] = {k: str(v) for k, v in headers.items()}
    body = monitor.get("body")
    if body:
        parsed = _json(body)
        document["body"] = parsed if isinstance(parsed, (dict, list)) else body
    if monitor.get("authMethod") == "basic":
        document["basic_auth"] = {"username": monitor.get("basic_auth_user") or "",
                                  "password": _secret(result, definition_id, "password")}


def _json(text: Any) -> Any:
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _without_defaults(document: dict[str, Any], monitor_type: str) -> dict[str, Any]:
    model = MONITOR_TYPES[monitor_type]
    kept: dict[str, Any] = {}
    for key, value in document.items():
        spec = model.model_fields.get(key)
        if value is None or spec is None:
            continue
        default = spec.get_default(call_default_factory=True)
        if isinstance(default, Strict):
            default = default.model_dump(exclude_defaults=True)
        if key in ("id", "name", "type") or value != default:
            kept[key] = value
    # 0 is what a monitor made over the bare API holds for "not set": the default applies.
    if kept.get("retry_interval") in (0, kept.get("interval", 60)):
        kept.pop("retry_interval", None)
    if kept.get("timeout") == 0:
        kept.pop("timeout")
    if issubclass(model, HttpMonitor) and kept.get("timeout") == min(48.0, kept.get("interval", 60) * 0.8):
        kept.pop("timeout", None)
    if kept.get("description") == "":
        kept.pop("description")
    return kept


def render(result: Export) -> str:
    header = ["# Exported by `kumaprov export`. Review it, then commit it."]
    if result.secrets:
        header.append("# Secrets were left out; set these environment variables before diff or sync:")
        header += [f"#   {name}" for name in result.secrets]
    body: str = yaml.safe_dump(result.document, sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(header) + "\n" + body

