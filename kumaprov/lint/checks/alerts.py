"""Alerts (`alerts:` on monitors and in defaults): the block itself (KP101-KP104), a metric the
target server does not export (KP601), a latency alert on a type without response times
(KP602), a certificate alert without a certificate (KP603), names that must be unique because
the target's metrics carry only names (KP604), a `for` that one failed check satisfies
(KP605, warning), a latency threshold a check can never reach (KP606), an unknown
placeholder (KP607)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from kumaprov.alerts import metrics
from kumaprov.alerts.syntax import PLACEHOLDERS, seconds, unknown_placeholders
from kumaprov.definitions.alert_layers import applies
from kumaprov.definitions.entries import Definition, Entry
from kumaprov.lint.context import LintContext
from kumaprov.model.monitors import HttpMonitor
from kumaprov.problems import Problem, Severity
from kumaprov.suggest import did_you_mean

if TYPE_CHECKING:
    from kumaprov.alerts import spec

METRIC_CODE = "KP601"
LATENCY_CODE = "KP602"
CERTIFICATE_CODE = "KP603"
UNIQUE_NAME_CODE = "KP604"
FOR_CODE = "KP605"
THRESHOLD_CODE = "KP606"
PLACEHOLDER_CODE = "KP607"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    if all(definition.raw.get("alerts") is None for definition in definitions):
        return  # no alerts (most projects): the alert models, pydantic classes, stay unimported
    from kumaprov.alerts import spec

    lines = [metrics.MetricsLine(line.version) for line in context.lines]
    alerted: list[Definition] = []
    seen: set[Problem] = set()  # a bad alert in `defaults` is the same problem for every monitor
    for definition in definitions:
        specs, problems = spec.parse(definition.raw.get("alerts"), locator(definition), definition.via)
        for problem in problems:
            if problem not in seen:
                seen.add(problem)
                yield problem
        if specs or problems:
            alerted.append(definition)
        for item in specs:
            yield from _alert_problems(definition, item, lines)
    yield from _unique_names(definitions, alerted, lines)


def locator(entry: Entry) -> spec.Locate:
    """Where a path in the monitor as written is, for the alerts' problems."""
    return lambda path, at_key: entry.position_of_key(*path) if at_key else entry.position_of(*path)


def _alert_problems(definition: Definition, item: spec.AlertSpec, lines: Sequence[metrics.MetricsLine]
                    ) -> Iterator[Problem]:
    monitor, alert, via = definition.monitor, item.alert, definition.via
    here = definition.position_of("alerts", item.name)
    # Named with the monitor: an alert from `defaults` points at the defaults, shared by many.
    what = f"{alert.kind} alert '{item.name}' of '{monitor.id}'"
    used = {"uptime": metrics.UPTIME_RATIO, "latency": metrics.RESPONSE_TIME_AVERAGE
            if getattr(alert, "window", None) else metrics.RESPONSE_TIME}.get(alert.kind, metrics.STATUS)
    lacking = [line.version for line in lines if not line.exports(used)]
    if lacking:
        yield Problem(here, METRIC_CODE, f"{what} needs {used}, which Uptime Kuma "
                      f"exports from {metrics.METRIC_SINCE[used]} on (not {', '.join(lacking)}); set `target` "
                      "in kumaprov.yaml if your server is newer", via=via)
    if alert.kind == "latency" and not applies("latency", definition.raw):
        yield Problem(here, LATENCY_CODE, f"{what} is on a {monitor.type} monitor, which has no "
                      "response time (its checks measure nothing)", via=via)
    if alert.kind == "certificate" and not applies("certificate", definition.raw):
        reason = "its URL is not https://" if monitor.type in metrics.CERTIFICATE_TYPES \
            else f"Uptime Kuma reads certificates of http, keyword and json-query monitors only, not {monitor.type}"
        yield Problem(here, CERTIFICATE_CODE, f"{what} can never fire: {reason}", via=via)
    if alert.kind == "down" and alert.for_ and seconds(alert.for_) < monitor.interval:
        yield Problem(definition.position_of("alerts", item.name, "for"), FOR_CODE,
                      f"{what} waits {alert.for_}, less than the interval ({monitor.interval} s): "
                      "the status holds between checks, so one failed check fires it", Severity.WARNING, via)
    if alert.kind == "latency" and isinstance(monitor, HttpMonitor) and alert.window is None \
            and seconds(getattr(alert, "above")) >= monitor.effective_timeout:
        yield Problem(definition.position_of("alerts", item.name, "above"), THRESHOLD_CODE,
                      f"{what} fires above {getattr(alert, 'above')}, but a check slower than "
                      f"the timeout ({monitor.effective_timeout:g} s) is DOWN with no response time", via=via)
    for part in ("labels", "annotations"):
        for key, text in getattr(alert, part).items():
            for unknown in unknown_placeholders(text):
                yield Problem(definition.position_of("alerts", item.name, part, key), PLACEHOLDER_CODE,
                              f"unknown placeholder '{{{unknown}}}' in {what}{did_you_mean(unknown, PLACEHOLDERS)} "
                              f"(one of {', '.join('{' + p + '}' for p in PLACEHOLDERS)}; write "
                              "Prometheus templates with two braces, {{ $value }})", via=via)


def _unique_names(definitions: Sequence[Definition], alerted: Sequence[Definition],
                  lines: Sequence[metrics.MetricsLine]) -> Iterator[Problem]:
    by_name = [line.version for line in lines if not line.has_monitor_id]
    if not by_name:
        return
    named: dict[str, list[Definition]] = defaultdict(list)
    for definition in definitions:
        named[definition.monitor.name].append(definition)
    for definition in alerted:
        others = [d for d in named[definition.monitor.name] if d is not definition]
        if others:
            other = others[0]
            yield Problem(definition.position_of("name"), UNIQUE_NAME_CODE,
                          f"name '{definition.monitor.name}' is also the name of '{other.id}' ({other.position_of('name')}): "
                          f"the metrics of Uptime Kuma {', '.join(by_name)} carry only names, so the alert rules of "
                          f"'{definition.id}' would match both; give them different names (servers from "
                          f"{metrics.MONITOR_ID_SINCE} on select by monitor id: set `target`)", via=definition.via)
