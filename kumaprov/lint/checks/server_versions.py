"""What the target server versions accept: operators (KP305), monitor types and kinds of
object (KP306), fields and values (KP307), interval bounds (KP501)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from kumaprov.kinds.registry import ENTRY_KINDS
from kumaprov.lint.context import LintContext
from kumaprov.definitions.entries import Definition
from kumaprov.model.monitors import HttpMonitor, JsonQueryMonitor
from kumaprov.problems import Position, Problem
from kumaprov.definitions.validation import a_monitor
from kumaprov.versions import ServerLine, Unmanageable, at_least

OPERATOR_CODE = "KP305"
TYPE_CODE = "KP306"
FIELD_CODE = "KP307"
INTERVAL_CODE = "KP501"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    yield from _kinds(context)
    for definition in definitions:
        monitor = definition.monitor
        yield from _availability(definition, context.lines)
        for key in ("interval", "retry_interval"):
            seconds = getattr(monitor, key)
            too_short = [line for line in context.lines if seconds is not None and seconds < line.min_interval]
            if too_short:
                line = max(too_short, key=lambda ln: ln.min_interval)
                yield Problem(definition.position_of(key), INTERVAL_CODE,
                              f"{key} {seconds} s is below the minimum of {line.min_interval} s "
                              f"on {line.label}", via=definition.via)
        if isinstance(monitor, JsonQueryMonitor) and monitor.operator != "==":
            lacking = [line for line in context.lines if not line.json_operators]
            if lacking:
                names = ", ".join(line.version for line in lacking)
                yield Problem(definition.position_of("operator"), OPERATOR_CODE,
                              f"operator '{monitor.operator}' needs Uptime Kuma 2.0.0 or newer "
                              f"(not available on {names}); set `target` in kumaprov.yaml or use '=='",
                              via=definition.via)


def _kinds(context: LintContext) -> Iterator[Problem]:
    """Entries of a kind the target servers do not have (API keys, remote browsers ...)."""
    for kind in ENTRY_KINDS:
        if kind.min_version is None:
            continue
        older = ", ".join(line.version for line in context.lines if not at_least(line.version, kind.min_version))
        for entry in context.of(kind.name) if older else ():
            yield Problem(entry.position, TYPE_CODE, f"{kind.label} need Uptime Kuma {kind.min_version} or newer "
                                                     f"(not available on {older}); set `target` in kumaprov.yaml "
                                                     "if your server is newer")


def _availability(definition: Definition, lines: Sequence[ServerLine]) -> Iterator[Problem]:
    """A type, field or value the target servers lack, named with the release that brought it."""
    monitor = definition.monitor

    def lacking(minimum: str) -> str | None:
        older = [line.version for line in lines if not at_least(line.version, minimum)]
        return ", ".join(older) or None

    def problem(position: Position, code: str, what: str, minimum: str, older: str) -> Problem:
        return Problem(position, code, f"{what} needs Uptime Kuma {minimum} or newer (not available on {older}); "
                                       "set `target` in kumaprov.yaml if your server is newer", via=definition.via)

    older = lacking(monitor.min_version)
    if older:
        yield problem(definition.position_of("type"), TYPE_CODE, f"monitor type '{monitor.type}'",
                      monitor.min_version, older)
        return
    for key, minimum in monitor.field_min_versions.items():
        older = lacking(minimum)
        if _written(monitor, key) and older:
            yield problem(definition.position_of(*key.split(".")), FIELD_CODE,
                          f"`{key}` on {a_monitor(monitor.type)}", minimum, older)
    for (key, value), minimum in monitor.value_min_versions.items():
        older = lacking(minimum)
        if getattr(monitor, key) == value and older:
            yield problem(definition.position_of(key), FIELD_CODE, f"{key} '{value}'", minimum, older)
    yield from _unmanageable(definition, lines)


def _written(model: Any, key: str) -> bool:
    """Whether the files wrote `key` (`oauth2.audience`: a key of a block)."""
    for part in key.split("."):
        if model is None or part not in model.model_fields_set:
            return False
        model = getattr(model, part)
    return True


def _unmanageable(definition: Definition, lines: Sequence[ServerLine]) -> Iterator[Problem]:
    """Values a server keeps but cannot list back or edit (versions.Unmanageable)."""
    monitor = definition.monitor
    found: dict[Unmanageable, list[str]] = {}
    for line in lines:
        for value in line.unmanageable:
            if _of_type(value, monitor) and _value_at(monitor, value.key) == value.value:
                found.setdefault(value, []).append(line.version)
    for value, names in found.items():
        shown = str(value.value).lower() if isinstance(value.value, bool) else f"'{value.value}'"
        yield Problem(definition.position_of(*value.key.split(".")), FIELD_CODE,
                      f"{value.key} {shown} on {a_monitor(monitor.type)} cannot be managed on Uptime Kuma "
                      f"{', '.join(names)}: {value.reason}", via=definition.via)


def _of_type(value: Unmanageable, monitor: Any) -> bool:
    # "http" names the family: keyword and json-query monitors are HTTP monitors too.
    return value.monitor_type == monitor.type or (value.monitor_type == "http" and isinstance(monitor, HttpMonitor))


def _value_at(model: Any, key: str) -> Any:
    for part in key.split("."):
        model = getattr(model, part, None)
    return model
