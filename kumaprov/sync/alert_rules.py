"""The rule file beside a sync: from linted definitions and what the server says to the rules;
the checks only the server can answer (which names are taken, which monitors exist); and what
`diff --alerts-out` and `sync --alerts-out` do with them.

`diff` shows how the rule file would change; `sync` checks, before any write, that no rule
would select another monitor too, then writes the rules once the monitors exist (with the ids
of those it created), so rules and monitors never drift apart.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kumaprov.alerts import metrics, rulefile, rules, spec
from kumaprov.definitions.entries import Definition
from kumaprov.definitions.project import Project
from kumaprov.errors import InvalidDefinitions
from kumaprov.kinds.changes import Live
from kumaprov.kinds.monitors import MONITORS
from kumaprov.kinds.ownership import Owner
from kumaprov.lint.checks.alerts import locator
from kumaprov.lint.run import lint
from kumaprov.problems import Problem
from kumaprov.server.client import KumaClient
from kumaprov.sync.engine import Planned
from kumaprov.sync.plan import server_refs

CLASH_CODE = "KP604"
NOT_ON_SERVER_CODE = "KP608"


def alerted(definitions: Sequence[Definition]) -> list[tuple[Definition, list[spec.AlertSpec]]]:
    """The definitions with alerts, with them (lint has passed: no problems are left)."""
    found = []
    for definition in definitions:
        specs, _ = spec.parse(definition.raw.get("alerts"), locator(definition), definition.via)
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


def live_monitors(client: KumaClient, owner: Owner) -> list[Live]:
    return MONITORS.live(MONITORS.read(client, True), server_refs([], owner.tag), owner)


@dataclass(frozen=True)
class RuleRequest:
    out: Path
    settings: rules.Settings


def preview(request: RuleRequest, project: Project, paths: Sequence[Path] | None, planned: Planned) -> str | None:
    """`diff`: the rule changes, or None when the rules would stay as they are."""
    definitions, line, ids = _checked(project, paths, planned)
    content = rule_file(definitions, line, request.settings, ids)
    changes = rulefile.changes(rulefile.read(request.out), content)
    return rulefile.changes_text(changes, request.out) if changes else None


def before_writes(request: RuleRequest, project: Project, paths: Sequence[Path] | None, planned: Planned) -> None:
    """`sync`, before anything is written: refuse rules that would select other monitors too."""
    _checked(project, paths, planned)


def after_sync(request: RuleRequest, project: Project, paths: Sequence[Path] | None, planned: Planned,
               client: KumaClient, ok: bool) -> str:
    """`sync`, after the writes: the rules with the ids the monitors have now."""
    if not ok:
        return f"alert rules not written: the sync failed ({request.out} is as it was)"
    definitions, line, ids = _checked(project, paths, planned)
    if line.has_monitor_id and planned.plan.creates:
        client.fresh_monitors()  # the login-time list predates the creates
        ids = server_ids(live_monitors(client, project.owner))
    content = rule_file(definitions, line, request.settings, ids)
    changes = rulefile.changes(rulefile.read(request.out), content)
    rulefile.write(request.out, rulefile.render(content, comments(line)))
    return rulefile.changes_text(changes, request.out) + f"\nwrote {request.out}"


def _checked(project: Project, paths: Sequence[Path] | None,
             planned: Planned) -> tuple[Any, metrics.MetricsLine, dict[str, int]]:
    line = metrics.MetricsLine(planned.line.version)
    # The files passed lint already; this is the result for the server's line, with the definitions.
    definitions = lint(project, paths, target=line.version).definitions
    deleted = {delete.live.kuma_id for delete in planned.plan.deletes}
    problems = name_clashes(definitions, planned.live, line, deleted)
    if problems:
        raise InvalidDefinitions(problems, planned.files)
    return definitions, line, server_ids(planned.live)


def comments(line: metrics.MetricsLine) -> list[str]:
    how = ("by monitor_id, the server's id of each monitor, read when this file was written: renames keep it"
           if line.has_monitor_id else
           "by monitor_name: names are unique within the project (lint KP604), and sync --alerts-out "
           "rewrites this file in the run that renames a monitor")
    return [f"Prometheus alerting rules for Uptime Kuma {line.version}, generated by kumaprov from the",
            "alerts: blocks of the monitor definitions. Do not edit: change the definitions and run",
            "`kumaprov alerts` or `kumaprov sync --alerts-out`. Load it with rule_files: in prometheus.yml.",
            f"Rules select monitors {how}."]
