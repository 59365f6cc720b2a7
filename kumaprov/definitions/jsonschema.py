"""The JSON Schema of a monitor file, generated from the model, for editor completion."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from kumaprov.alerts import spec as alert_spec
from kumaprov.kinds.docker_hosts import DockerHostDef
from kumaprov.kinds.maintenance import MaintenanceDef
from kumaprov.model.monitors import NotificationDef, TagDef
from kumaprov.kinds.proxies import ProxyDef
from kumaprov.kinds.status_pages import StatusPageDef
from kumaprov.model.registry import DEFAULTABLE_KEYS, MONITOR_TYPES

SCHEMA_ID = "https://kumaprov.invalid/schema/kumaprov.schema.json"


def schema() -> dict[str, Any]:
    monitor_union: Any = None
    for cls in MONITOR_TYPES.values():
        monitor_union = cls if monitor_union is None else monitor_union | cls
    monitors = TypeAdapter(monitor_union).json_schema(ref_template="#/$defs/{model}")
    defs = monitors.pop("$defs", {})
    for definition in defs.values():  # the model keeps `alerts` loose; lint checks it (see there)
        if "alerts" in definition.get("properties", {}):
            definition["properties"]["alerts"] = {"$ref": "#/$defs/Alerts"}
    defs["Alerts"] = alert_spec.json_schema()
    notification = NotificationDef.model_json_schema(ref_template="#/$defs/{model}")
    defs.update(notification.pop("$defs", {}))
    maintenance = MaintenanceDef.model_json_schema(ref_template="#/$defs/{model}")
    defs.update(maintenance.pop("$defs", {}))
    status_page = StatusPageDef.model_json_schema(ref_template="#/$defs/{model}")
    defs.update(status_page.pop("$defs", {}))
    template_entry = {
        "type": "object",
        "description": "Instantiate templates/<template>.yaml.j2 with variables.",
        "properties": {"template": {"type": "string"}, "vars": {"type": "object"}},
        "required": ["template"],
        "additionalProperties": False,
    }
    defaults = {
        "type": "object",
        "description": "Values applied to every monitor of this file that accepts the key.",
        "propertyNames": {"enum": sorted(DEFAULTABLE_KEYS)},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "kumaprov monitor file",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "defaults": defaults,
            "monitors": {"type": "array", "items": {"anyOf": [template_entry, monitors]}},
            "notifications": {"type": "array", "items": notification},
            "tags": {"type": "array", "items": TagDef.model_json_schema()},
            "maintenance": {"type": "array", "items": maintenance},
            "status_pages": {"type": "array", "items": status_page},
            "docker_hosts": {"type": "array", "items": DockerHostDef.model_json_schema()},
            "proxies": {"type": "array", "items": ProxyDef.model_json_schema()},
        },
        "$defs": defs,
    }


def dumps() -> str:
    return json.dumps(schema(), indent=2)
