"""A monitor's `alerts:` block: one strict model per kind, and the problems of a bad one.

    alerts:
      down: {for: 2m, severity: critical}            # named after its kind
      slow: {kind: latency, above: 2s, for: 5m}      # any other name gives `kind`
      certificate: {days_below: 14}
      uptime: {below: 99.5, window: 30d}             # 2.1+ only
      certificate: false                             # turns off an inherited alert

Problems name the exact key (file:line:column), with a did-you-mean for unknown keys and
kinds, in the same codes as monitor keys (KP101-KP104).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, Field, TypeAdapter, ValidationError, WithJsonSchema

from kumaprov.alerts.metrics import WINDOWS
from kumaprov.alerts.syntax import DURATION, KINDS, kind_of
from kumaprov.alerts.syntax import is_duration as is_duration, seconds as seconds  # re-exported
from kumaprov.model.monitors import Strict
from kumaprov.problems import Position, Problem
from kumaprov.suggest import did_you_mean

# The codes definitions/validation.py gives the same mistakes in monitor keys.
UNKNOWN_KEY, MISSING_KEY, WRONG_TYPE, INVALID_VALUE = "KP101", "KP102", "KP103", "KP104"
# Where a path in the monitor as written is: (path, at the key rather than the value) -> position.
Locate = Callable[[tuple[Any, ...], bool], Position]

_LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")
_ALERT_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
# Labels kumaprov sets itself on every rule.
RESERVED_LABELS = frozenset({"alertname", "severity", "kumaprov_id", "kumaprov_alert"})


def _duration(value: str) -> str:
    if not value or not DURATION.match(value):
        raise ValueError(f"'{value}' is not a duration: write a number and a unit (ms, s, m, h, d, w, y), "
                         "largest first, e.g. 90s, 2m, 1h30m")
    return value


def _label_names(value: dict[str, str]) -> dict[str, str]:
    for name in value:
        if not _LABEL_NAME.match(name) or name.startswith("__"):
            raise ValueError(f"'{name}' is not a Prometheus label name (letters, digits and '_', "
                             "not starting with a digit or '__')")
        if name in RESERVED_LABELS:
            hint = "use the `severity` key" if name == "severity" else "kumaprov sets it on every rule"
            raise ValueError(f"label '{name}' is reserved: {hint}")
    return value


def _annotation_names(value: dict[str, str]) -> dict[str, str]:
    for name in value:
        if not _LABEL_NAME.match(name):
            raise ValueError(f"'{name}' is not an annotation name (letters, digits and '_')")
    return value


Duration = Annotated[str, AfterValidator(_duration),
                     WithJsonSchema({"type": "string", "pattern": DURATION.pattern, "examples": ["30s", "2m", "1h"]})]
Labels = Annotated[dict[str, str], AfterValidator(_label_names)]
Annotations = Annotated[dict[str, str], AfterValidator(_annotation_names)]
Window = Literal[WINDOWS]  # type: ignore[valid-type]


class AlertBase(Strict):
    kind: str
    for_: Duration | None = Field(None, alias="for", description="How long the condition must hold before "
                                                                 "the alert fires (a Prometheus duration).")
    severity: str = Field("warning", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$",
                          description="The `severity` label: critical, warning, info, ...")
    labels: Labels = Field(default_factory=dict, description="More labels (team, ...); `{name}`, `{url}`, "
                                                              "`{id}` are replaced by the monitor's.")
    annotations: Annotations = Field(default_factory=dict, description="Annotations (summary, description, "
                                                                       "runbook_url, ...), placeholders as in labels.")
    alert: str | None = Field(None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
                              description="The Prometheus alert name (default per kind).")


class DownAlert(AlertBase):
    """Uptime Kuma reports the monitor DOWN (status 0) for `for`."""

    kind: Literal["down"]
    for_: Duration | None = Field("2m", alias="for")


class LatencyAlert(AlertBase):
    """The response time is above `above` for `for`: the last check's, or the average over
    `window` (2.1+)."""

    kind: Literal["latency"]
    above: Duration = Field(description="Threshold, e.g. 2s or 800ms.")
    window: Window | None = Field(None, description="Alert on the average over this window (2.1+) "
                                                    "instead of the last check.")
    for_: Duration | None = Field("5m", alias="for")


class CertificateAlert(AlertBase):
    """The TLS certificate expires in fewer than `days_below` days."""

    kind: Literal["certificate"]
    days_below: int = Field(14, ge=1, le=3650, description="Days left that trigger the alert.")


class UptimeAlert(AlertBase):
    """The uptime over `window` is below `below` percent (2.1+)."""

    kind: Literal["uptime"]
    # Above 1: `below: 0.99` is a ratio written where a percentage belongs (0.99 %).
    below: float = Field(gt=1, le=100, description="Target in percent, e.g. 99.5.")
    window: Window = Field("1d", description="One of the windows Uptime Kuma exports: 1d, 30d, 365d.")


Alert = Union[DownAlert, LatencyAlert, CertificateAlert, UptimeAlert]
MODELS: dict[str, type[AlertBase]] = {"down": DownAlert, "latency": LatencyAlert,
                                      "certificate": CertificateAlert, "uptime": UptimeAlert}


@dataclass(frozen=True)
class AlertSpec:
    """One alert of one monitor: its name in the `alerts:` block and what it says."""

    name: str
    alert: Alert
    position: Position  # of its key, where problems about it point


def parse(raw: Any, locate: Locate, via: tuple[Position, ...] = ()) -> tuple[list[AlertSpec], list[Problem]]:
    """The alerts in a monitor's `alerts` value, and what is wrong with them."""
    specs: list[AlertSpec] = []
    problems: list[Problem] = []
    if raw is None:
        return specs, problems
    if not isinstance(raw, dict):
        return specs, [Problem(locate(("alerts",), False), WRONG_TYPE, "alerts: expected a mapping of alert names "
                               f"to alerts, e.g. `down: {{for: 2m}}` (one of {', '.join(KINDS)})", via=via)]
    for name, value in raw.items():
        path = ("alerts", name)
        if value is False:
            continue  # an inherited alert turned off
        if not isinstance(name, str) or not _ALERT_NAME.match(name):
            problems.append(Problem(_key(locate, path), INVALID_VALUE, f"alerts: '{name}' is not an alert name "
                                    "(lowercase letters, digits, '-' and '_')", via=via))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(locate(path, False), WRONG_TYPE, f"alerts.{name}: expected a mapping, or false "
                                    "to turn an inherited alert off", via=via))
            continue
        kind = kind_of(name, value)
        if kind is None:
            hint = did_you_mean(name, KINDS)
            problems.append(Problem(_key(locate, path), UNKNOWN_KEY if hint else MISSING_KEY,
                                    f"alert '{name}' is not a kind{hint}; name it after one or give "
                                    f"`kind:` ({', '.join(KINDS)})", via=via))
            continue
        if kind not in MODELS:
            problems.append(Problem(locate((*path, "kind"), False), INVALID_VALUE, f"alerts.{name}.kind: unknown "
                                    f"kind '{kind}'{did_you_mean(kind, KINDS)} ({', '.join(KINDS)})", via=via))
            continue
        model = MODELS[kind]
        try:
            alert = model.model_validate({**value, "kind": kind})
        except ValidationError as exc:
            problems.extend(_problems(exc, model, locate, path, via))
            continue
        specs.append(AlertSpec(name, alert, _key(locate, path)))  # type: ignore[arg-type]
    return specs, problems


def _problems(error: ValidationError, model: type[AlertBase], locate: Locate,
              path: tuple[str, str], via: tuple[Position, ...]) -> Iterator[Problem]:
    keys = sorted(field.alias or name for name, field in model.model_fields.items())
    kind_name = next(kind for kind, cls in MODELS.items() if cls is model)
    for detail in error.errors(include_url=False):
        loc = (*path, *detail["loc"])
        where_text = key_path(loc)
        kind, got = detail["type"], detail.get("input")
        if kind == "extra_forbidden":
            key = str(detail["loc"][-1])
            yield Problem(_key(locate, loc), UNKNOWN_KEY,
                          f"unknown key '{key}' for {_a(kind_name)} alert{did_you_mean(key, keys)}", via=via)
        elif kind == "missing":
            yield Problem(locate(path, False), MISSING_KEY, f"missing required key '{where_text}'", via=via)
        elif kind in ("string_type", "int_type", "float_type", "dict_type", "int_from_float"):
            expected = {"string_type": _string_hint(detail["loc"], got), "int_type": "a whole number",
                        "int_from_float": "a whole number", "float_type": "a number",
                        "dict_type": "a mapping"}[kind]
            yield Problem(locate(loc, False), WRONG_TYPE, f"{where_text}: expected {expected}, got {got!r}", via=via)
        else:
            message = str(detail["msg"]).removeprefix("Value error, ")
            if kind == "literal_error":
                message = f"must be one of {detail['ctx']['expected']}, got {got!r}"
            if detail["loc"] == ("below",) and isinstance(got, (int, float)) and 0 < got <= 1:
                message += f"; `below` is a percentage: write {got * 100:g} for {got * 100:g} %"
            yield Problem(locate(loc, False), INVALID_VALUE, f"{where_text}: {message}", via=via)


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _string_hint(loc: tuple[Any, ...], got: Any) -> str:
    if loc and loc[0] in ("for", "above") and isinstance(got, (int, float)):
        units = ("s", "m") if loc[0] == "for" else ("ms", "s")
        return f"a duration with a unit, e.g. '{got}{units[0]}' or '{got}{units[1]}'"
    return "a string"


def _key(locate: Locate, path: tuple[Any, ...]) -> Position:
    return locate(path, True)


def key_path(loc: tuple[Any, ...]) -> str:
    """`alerts.down.for`, as people write paths into YAML."""
    return ".".join(str(part) for part in loc)


def json_schema() -> dict[str, Any]:
    """The schema of an `alerts:` block, for the monitor file's JSON Schema."""
    entry = TypeAdapter(Alert).json_schema(by_alias=True)
    definitions = entry.pop("$defs", {})
    variants = []
    for name, schema in definitions.items():
        schema = dict(schema)
        schema["properties"] = {key: value for key, value in schema["properties"].items()}
        # The kind may be left out when the alert is named after it.
        schema["required"] = [key for key in schema.get("required", []) if key != "kind"]
        variants.append(schema)
    return {"type": "object", "description": "Prometheus alerts on this monitor, by name (see `kumaprov alerts`).",
            "propertyNames": {"pattern": _ALERT_NAME.pattern},
            "additionalProperties": {"anyOf": [*variants, {"const": False}]}}
