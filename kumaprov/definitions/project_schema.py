"""The JSON Schema of the project file, `kumaprov.yaml` (`kumaprov schema --project`), for
editor completion. Written by hand beside the reader (definitions/project.py and
environments.py): a test checks that every key either reads is here and that the committed copy
in schema/ is current."""

from __future__ import annotations

import json
from typing import Any

from kumaprov.model.registry import DEFAULTABLE_KEYS

SCHEMA_ID = "https://kumaprov.invalid/schema/kumaprov-project.schema.json"
_SLUG = "^[a-z0-9][a-z0-9._-]{0,63}$"
_VERSION = {"type": "string", "description": "An Uptime Kuma version: 1.23.17, 2.0.0-dev.0, 2.5.3 ..."}
_DEFAULTS = {"type": "object", "propertyNames": {"enum": sorted(DEFAULTABLE_KEYS)},
             "description": "Monitor keys applied to every monitor that accepts them."}


def _environment() -> dict[str, Any]:
    return {
        "type": ["object", "null"],
        "additionalProperties": False,
        "properties": {
            "url": {"type": "string", "pattern": r"^https?://\S+$",
                    "description": "Its Uptime Kuma (else $<PREFIX>_KUMA_URL; --url wins over both)."},
            "credentials": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]{0,40}$",
                            "description": "Prefix of its credential variables: PROD reads PROD_KUMA_URL, "
                                           "PROD_KUMA_USERNAME, PROD_KUMA_PASSWORD, PROD_KUMA_TOKEN, PROD_KUMA_TOTP, "
                                           "PROD_KUMA_TOTP_SECRET (default: the name in capitals)."},
            "target": _VERSION,
            "vars": {"type": "object", "description": "Template variables every template instance gets "
                                                      "in this environment (an instance's own vars win)."},
            "defaults": {**_DEFAULTS, "description": "Monitor keys over the project's defaults in this environment."},
        },
    }


def schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "kumaprov project file (kumaprov.yaml)",
        "type": ["object", "null"],
        "additionalProperties": False,
        "properties": {
            "project": {"type": "string", "pattern": _SLUG,
                        "description": "This project's name on the server, in every object's ownership marker "
                                       "(default: the name of the directory holding kumaprov.yaml)."},
            "adopt_legacy": {"type": "boolean", "default": False,
                             "description": "Take over the objects kumaprov marked before projects existed."},
            "adopt_from": {"type": "array", "items": {"type": "string", "pattern": _SLUG},
                           "description": "Projects whose objects this project takes over (monitors moved "
                                          "here from another repository): same server ids, new markers."},
            "target": _VERSION,
            "monitors": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                         "description": "Files or directories of monitor files (default: monitors)."},
            "templates": {"type": "string", "description": "Directory of *.yaml.j2 templates (default: templates)."},
            "owner_tag": {"type": "string", "minLength": 1, "default": "kumaprov",
                          "description": "Name of the Uptime Kuma tag that marks the monitors kumaprov manages."},
            "defaults": _DEFAULTS,
            "variables": {"type": "array", "items": {"type": "string", "pattern": r"^[A-Za-z_*?][A-Za-z0-9_*?]*$"},
                          "description": "Environment variables definitions may reference (names or globs)."},
            "environments": {"type": "object", "minProperties": 1,
                             "propertyNames": {"pattern": "^[a-z][a-z0-9_-]{0,31}$"},
                             "additionalProperties": _environment(),
                             "description": "The Uptime Kuma instances this project describes (prod, staging ...)."},
        },
    }


def dumps() -> str:
    return json.dumps(schema(), indent=2)
