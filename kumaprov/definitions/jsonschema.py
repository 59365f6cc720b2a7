"""The JSON Schema of a monitor file, generated from the models (the monitor types, and each
kind's entry model under its file key), for editor completion."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from kumaprov.alerts import spec as alert_spec
from kumaprov.kinds.registry import ENTRY_KINDS
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
    kinds: dict[str, Any] = {}
    for kind in ENTRY_KINDS:
        entry = kind.model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(entry.pop("$defs", {}))
        kinds[str(kind.file_key)] = entry if kind.per_key else {"type": "array", "items": entry}
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
            **kinds,
        },
        "$defs": defs,
    }


def dumps() -> str:
    return json.dumps(schema(), indent=2)
