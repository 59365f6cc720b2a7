"""From linted definitions and what the server says to the rule file's content; and the
checks only the server can answer (which names are taken, which monitors exist)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from kumaprov.alerts import metrics, rules, spec
from kumaprov.entries import Definition
from kumaprov.plan import Live
from kumaprov.problems import Problem

CLASH_CODE = "KP604"
NOT_ON_SERVER_CODE = "KP608"


def alerted(definitions: Sequence[Definition]) -> list[tuple[Definition, list[spec.AlertSpec]]]:
    """The definitions with alerts, with them (lint has passed: no problems are left)."""
    found = []
    for definition in definitions:
        specs, _ = spec.parse(definition.raw.get("alerts"), definition.raw, definition.via)
        if specs:
            found.append((definition, specs))
    return found


def server_ids(live: Sequence[Live]) -> dict[str, int]:
    """Definition id -> the server's id of the monitor that carries it (the oldest, should a
    concurrent sync have left a copy: that is the one sync keeps)."""
    ids: dict[str, int] = {}
    for item in sorted(live, key=lambda entry: entry.kuma_id, reverse=True):
        if item.kind == "monitor" and item.owner is not None:
            ids[item.owner] = item.kuma_id
    return ids


def rule_file(definitions: Sequence[Definition], line: metrics.MetricsLine, settings: rules.Settings,
              ids: Mapping[str, int] | None) -> dict[str, Any]:
    items = [rules.Alerted(definition.monitor, specs,
                           rules.matchers_for(definition.id, definition.monitor.name, line, ids))
             for definition, specs in alerted(definitions)]
    return rules.rule_groups(items, settings)


def name_clashes(definitions: Sequence[Definition], live: Sequence[Live], line: metrics.MetricsLine,
                 deleted: Collection[int] = ()) -> list[Problem]:
    """On servers whose metrics carry only names: a monitor on the server, other than the
    definition's own, that has the name a definition with alerts selects by (KP604)."""
    if line.has_monitor_id:
        return []
    # A monitor of these files takes its definition's name (unique: lint KP604), whatever its name now.
    defined = {definition.id for definition in definitions}
    problems = []
    for definition, _ in alerted(definitions):
        for other in live:
            if other.kind == "monitor" and other.name == definition.monitor.name \
                    and other.owner not in defined and other.kuma_id not in deleted:
                owner = f"kumaprov id '{other.owner}'" if other.owner else "not managed by this project"
                problems.append(Problem(definition.position_of("name"), CLASH_CODE,
                                        f"monitor #{other.kuma_id} on the server ({owner}) is also named "
                                        f"'{definition.monitor.name}': Uptime Kuma {line.version} labels metrics "
                                        f"by name only, so the alert rules of '{definition.id}' would match both; "
                                        "rename one", via=definition.via))
    return problems


def not_on_server(definitions: Sequence[Definition], ids: Mapping[str, int],
                  line: metrics.MetricsLine) -> list[Problem]:
    """On servers whose rules select by id: a monitor with alerts that has no id yet (KP608)."""
    if not line.has_monitor_id:
        return []
    return [Problem(definition.position_of("id"), NOT_ON_SERVER_CODE,
                    f"'{definition.id}' has alerts but is not on the server yet, and Uptime Kuma {line.version} "
                    "rules select monitors by their server id: run `kumaprov sync --alerts-out FILE`, which "
                    "writes the rules once the monitor exists", via=definition.via)
            for definition, _ in alerted(definitions) if definition.id not in ids]
