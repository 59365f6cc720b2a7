"""KP305 and KP501: what the target server versions accept (operators, interval bounds)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kumaprov.checks import LintContext
from kumaprov.loader import Definition
from kumaprov.model import JsonQueryMonitor
from kumaprov.problems import Problem

OPERATOR_CODE = "KP305"
INTERVAL_CODE = "KP501"


def check(definitions: Sequence[Definition], context: LintContext) -> Iterator[Problem]:
    for definition in definitions:
        monitor = definition.monitor
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
