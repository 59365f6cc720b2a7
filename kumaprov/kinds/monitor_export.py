"""A monitor as written in files, from the server's row: the inverse of model.fields for the
types kumaprov models. Each type's table (`MonitorBase.names`) read backward, then what
model.fields computes undone (headers and body parsed, basic auth, the objects it names).
Other objects are named by the export's ids, never server ids; every credential lint would
flag becomes a `${VAR}` reference; values equal to the defaults are left out, so the file
reads like a hand-written one."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from kumaprov.kinds.exporting import Exporting
from kumaprov.kinds.monitor_refs import marked_id
from kumaprov.model.http_auth import MTLS_FIELDS, NTLM_FIELDS, OAUTH_FIELDS, Mtls, Ntlm, OAuth2
from kumaprov.model.monitors import HttpMonitor, MonitorBase, Strict
from kumaprov.model.registry import MONITOR_TYPES
from kumaprov.plaintext import plaintext_reason, strings


def export_monitors(rows: Sequence[Mapping[str, Any]], exporting: Exporting) -> None:
    rows = exporting.with_references(rows)
    ids = exporting.ids.setdefault("monitor", {})
    # Owned monitors keep their definition ids: they claim them before any name becomes a slug.
    for row in sorted(rows, key=lambda m: marked_id(m, exporting.owner_tag) is None):
        ids[int(row["id"])] = exporting.unique(str(marked_id(row, exporting.owner_tag) or row.get("name", "")))
    exported = []
    for monitor in sorted(rows, key=lambda m: int(m["id"])):
        if monitor.get("type") not in MONITOR_TYPES:
            exporting.skipped.append(f"{monitor.get('name')} (#{monitor['id']}, type {monitor.get('type')})")
            continue
        exported.append(_monitor(monitor, exporting))
    exporting.document["monitors"] = exported


def _monitor(monitor: Mapping[str, Any], exporting: Exporting) -> dict[str, Any]:
    monitor_type = str(monitor["type"])
    model = MONITOR_TYPES[monitor_type]
    definition_id = exporting.ids["monitor"][int(monitor["id"])]
    document: dict[str, Any] = {"id": definition_id, "name": monitor.get("name"), "type": monitor_type}
    document.update(_readable(model, monitor, definition_id, exporting))
    if issubclass(model, HttpMonitor):
        _http_extras(monitor, document, definition_id, exporting)
    _named(monitor, model, document, exporting)
    tags = [{"name": t["name"], **({"value": t["value"]} if t.get("value") else {})}
            for t in monitor.get("tags") or [] if t.get("name") != exporting.owner_tag]
    if tags:
        document["tags"] = tags
    notification_ids = exporting.ids.get("notification", {})
    listed = [notification_ids[int(k)] for k, on in (monitor.get("notificationIDList") or {}).items()
              if on and int(k) in notification_ids]
    if listed:
        document["notifications"] = sorted(listed)
    _mask_secrets(document, definition_id, exporting)
    return _without_defaults(document, monitor_type)


def _named(monitor: Mapping[str, Any], model: Any, document: dict[str, Any], exporting: Exporting) -> None:
    """The objects the monitor names by server id (its group, and what kinds say monitors name
    them by), named as the export names them; one the export does not have is left out."""
    named = {"parent": ("parent", "monitor")}
    named.update({kind.named_by.key: (kind.named_by.field, kind.name) for kind in exporting.kinds
                  if kind.named_by is not None})
    for key, (field, kind) in named.items():
        value = monitor.get(field)
        if key in model.model_fields and value not in (None, ""):
            document[key] = exporting.ids.get(kind, {}).get(int(value))


def _readable(model: type[MonitorBase], monitor: Mapping[str, Any], definition_id: str,
              exporting: Exporting) -> dict[str, Any]:
    """The type's table backward, its credentials as references."""
    readable = model.readable_fields(monitor)
    for key, kuma in model.names().items():
        # A connection string, password or push token is a credential whatever it looks like.
        if kuma in model.secret_fields and isinstance(readable[key], str) and readable[key]:
            readable[key] = exporting.secret(definition_id, key)
    return readable


def _mask_secrets(document: dict[str, Any], definition_id: str, exporting: Exporting) -> None:
    """Every credential lint would flag becomes a `${VAR}` reference (the same rules, so an
    export always lints clean of KP401 and never carries a secret)."""
    for path, value in list(strings(document, ())):
        if path and isinstance(_at(document, path[:-1]), (dict, list)) and plaintext_reason(path, value):
            name = "_".join(str(part) for part in path)
            scheme = re.match(r"^(Bearer|Basic|Token|Bot)\s+", value, re.I) if path[0] == "headers" else None
            _at(document, path[:-1])[path[-1]] = (scheme.group(0) if scheme else "") + exporting.secret(
                definition_id, name)


def _at(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


def _http_extras(monitor: Mapping[str, Any], document: dict[str, Any], definition_id: str,
                 exporting: Exporting) -> None:
    """Headers and body parsed back from JSON text; basic auth from its three fields."""
    headers = _json(monitor.get("headers"))
    document["headers"] = {k: str(v) for k, v in headers.items()} if isinstance(headers, dict) and headers else None
    body = monitor.get("body")
    parsed = _json(body)
    document["body"] = (parsed if isinstance(parsed, (dict, list)) else body) if body else None
    document.update(_auth(monitor, definition_id, exporting))


def _auth(monitor: Mapping[str, Any], definition_id: str, exporting: Exporting) -> dict[str, Any]:
    """The one auth block of the monitor's `authMethod` (model.http_auth backward); its
    credential as a reference, its other keys when they differ from the defaults."""
    method = monitor.get("authMethod")

    def secret(name: str, field: str) -> str | None:
        return exporting.secret(definition_id, name) if monitor.get(field) else None

    def block(model: type[Strict], table: Mapping[str, str], secret_key: str) -> dict[str, Any]:
        values = {key: monitor.get(kuma) or "" for key, kuma in table.items()}
        values[secret_key] = secret(secret_key, table[secret_key]) or ""
        fields = model.model_fields
        return {key: value for key, value in values.items()
                if fields[key].is_required() or value != fields[key].default}

    if method == "basic":
        return {"basic_auth": {"username": monitor.get("basic_auth_user") or "",
                               "password": exporting.secret(definition_id, "password")}}
    if method == "oauth2-cc":
        oauth = block(OAuth2, OAUTH_FIELDS, "client_secret")
        scopes = str(monitor.get("oauth_scopes") or "").split()
        return {"oauth2": {**oauth, **({"scopes": scopes} if scopes else {})}}
    if method == "ntlm":
        return {"ntlm": block(Ntlm, NTLM_FIELDS, "password")}
    if method == "mtls":
        return {"mtls": block(Mtls, MTLS_FIELDS, "key")}
    if method == "bearer" and monitor.get("bearer_token"):
        return {"bearer_token": exporting.secret(definition_id, "bearer_token")}
    return {}


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
