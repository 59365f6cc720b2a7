"""Turns pydantic validation errors into problems at the exact key or value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from kumaprov.definitions import yamlpos
from kumaprov.kinds.docker_hosts import DockerHostDef
from kumaprov.kinds.maintenance import MaintenanceDef
from kumaprov.model.monitors import NotificationDef, Strict, TagDef
from kumaprov.kinds.proxies import ProxyDef
from kumaprov.kinds.status_pages import StatusPageDef
from kumaprov.model.registry import MONITOR_TYPES
from kumaprov.problems import Position, Problem
from kumaprov.suggest import did_you_mean

UNKNOWN_KEY = "KP101"
MISSING_KEY = "KP102"
WRONG_TYPE = "KP103"
INVALID_VALUE = "KP104"
UNKNOWN_TYPE = "KP105"

_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "dict_type": "a mapping",
    "list_type": "a list",
    "model_type": "a mapping",
}


_ENTITIES: dict[str, type[Strict]] = {"notification": NotificationDef, "tag": TagDef,
                                      "maintenance window": MaintenanceDef, "status page": StatusPageDef,
                                      "docker host": DockerHostDef, "proxy": ProxyDef}


def problems(
    error: ValidationError, raw: yamlpos.LocatedMap, monitor_type: str, via: tuple[Position, ...]
) -> Iterator[Problem]:
    """Problems of a monitor (`monitor_type` names its type) or of another entity ("notification", ...)."""
    if monitor_type in _ENTITIES:
        model: Any = _ENTITIES[monitor_type]
        what = f"a {monitor_type}"
    else:
        model = MONITOR_TYPES[monitor_type]
        what = a_monitor(monitor_type)
    for detail in error.errors(include_url=False):
        loc = tuple(detail["loc"])
        code, message = _describe(detail, loc, model, what)
        locate = yamlpos.locate_key if code == UNKNOWN_KEY else yamlpos.locate
        position = locate(raw, loc) or raw.pos
        yield Problem(position, code, message, via=via)


def _describe(detail: Any, loc: tuple[Any, ...], model: Any, a_monitor: str) -> tuple[str, str]:
    kind = detail["type"]
    where = key_path(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        choices = _sibling_keys(model, loc[:-1])
        return UNKNOWN_KEY, f"unknown key '{key}' for {a_monitor}{did_you_mean(key, choices)}"
    if kind == "missing":
        return MISSING_KEY, f"missing required key '{where}' for {a_monitor}"
    if kind in _TYPE_NAMES:
        got = detail.get("input")
        return WRONG_TYPE, f"{where}: expected {_TYPE_NAMES[kind]}, got {_describe_value(got)}{_type_hint(kind, got)}"
    message = str(detail["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        got = detail.get("input")
        message = f"must be one of {detail['ctx']['expected']}, got {_describe_value(got)}"
        if isinstance(got, str) and f"'{got.upper()}'" in detail["ctx"]["expected"]:
            message += f" (upper case: '{got.upper()}')"
    elif kind == "string_pattern_mismatch":
        message = _pattern_message(loc, detail.get("input"))
    return INVALID_VALUE, f"{where}: {message}" if where else message  # a whole-entry rule has no key


def key_path(loc: tuple[Any, ...]) -> str:
    """`samples[0].expect`, as people write paths into YAML."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _type_hint(kind: str, got: Any) -> str:
    if kind == "string_type" and isinstance(got, (bool, int, float)):
        return f"; quote it: \"{_yaml_scalar(got)}\""
    if kind in ("int_type", "float_type", "bool_type") and isinstance(got, str) and _reads_as(kind, got.strip()):
        return "; remove the quotes"
    return ""


def _reads_as(kind: str, text: str) -> bool:
    """Whether the unquoted text would have been the expected type."""
    if kind == "bool_type":
        return text.lower() in ("true", "false")
    try:
        (int if kind == "int_type" else float)(text)
    except ValueError:
        return False
    return kind != "int_type" or text.lstrip("+-").isdigit()


def _pattern_message(loc: tuple[Any, ...], value: Any) -> str:
    field = next((str(part) for part in reversed(loc) if isinstance(part, str)), "")
    explanations = {
        "id": "an id is a lowercase slug: letters, digits, '.', '_' or '-', starting with a letter or digit",
        "accepted_status_codes": "a status code is '200' or a range such as '200-299'",
        "url": "the URL must start with http:// or https://",
        "color": "a colour is '#' and six hex digits, e.g. '#2563EB'",
        "name": "a tag name cannot contain '='",
        "oid": "an OID is numbers separated by dots, e.g. 1.3.6.1.2.1.1.3.0",
        "service": "a service name has only letters, digits, '.', '_', '-' and '@'",
        "slug": "a status page slug has lowercase letters, digits and single dashes, e.g. 'llm-stack'",
    }
    if field in ("start", "end"):  # a maintenance window's dates, or its daily times
        explanations[field] = "a time of day is HH:MM, e.g. '02:00'" if loc[0] == "time" else \
            "a date and time is 'YYYY-MM-DD HH:MM', e.g. '2026-12-05 22:00'"
    return f"{explanations.get(field, 'invalid format')} (got {_describe_value(value)})"


def _describe_value(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        return f"string {value!r}" if len(value) < 60 else "a long string"
    if value is None:
        return "null"
    return type(value).__name__.replace("Located", "").lower()


def _yaml_scalar(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _sibling_keys(model: Any, parent: tuple[Any, ...]) -> list[str]:
    """The keys allowed next to an unknown one, for the suggestion."""
    for part in parent:
        if isinstance(part, int):
            continue
        annotation = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if annotation is None:
            return []
        model = _inner_model(annotation.annotation)
    return list(model.model_fields) if hasattr(model, "model_fields") else []


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if hasattr(found, "model_fields"):
            return found
    return annotation


def a_monitor(monitor_type: str) -> str:
    """'an http monitor', 'a mysql monitor': by first letter, close enough for type names."""
    return f"{'an' if monitor_type[0] in 'aeiouh' else 'a'} {monitor_type} monitor"
