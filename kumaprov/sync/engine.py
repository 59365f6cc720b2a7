"""diff and sync as plain functions: validate everything, read once, plan, then (sync) apply.

Nothing is written until every definition has passed lint against the real
server's version and every environment reference has resolved.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kumaprov import versions
from kumaprov.definitions.project import Project
from kumaprov.errors import InvalidDefinitions, KumaprovError
from kumaprov.kinds.changes import Delete, Desired, Live, Plan
from kumaprov.kinds.monitors import MONITORS
from kumaprov.kinds.ownership import Owner
from kumaprov.kinds.registry import KINDS
from kumaprov.lint.run import LintResult, lint
from kumaprov.model.monitors import MonitorBase
from kumaprov.problems import Problem, Severity
from kumaprov.server.client import KumaClient
from kumaprov.sync import savedplan
from kumaprov.sync.apply import ApplyReport, apply, describe
from kumaprov.sync.plan import check_deletion_guard, duplicate_deletes, server_refs
from kumaprov.sync.snapshot import needs, needs_for_saved, snapshot
from kumaprov.sync.state import interpret, plan_from


@dataclass(frozen=True)
class Planned:
    plan: Plan
    line: versions.ServerLine
    files: int
    live: list[Live]


def plan_against(client: KumaClient, project: Project, paths: Sequence[Path] | None, *,
                 adopt: bool = False, prune: bool = True, environ: Mapping[str, str] | None = None,
                 linted: LintResult | None = None) -> Planned:
    """The plan for this server; `linted` is the offline lint, reused when it already
    covered what this server's version accepts (lint is most of a no-op's own time)."""
    env = os.environ if environ is None else environ
    line = versions.server_line(client.version)
    result = linted
    if result is None or not _covers(project, line, {type(d.monitor) for d in result.definitions}):
        result = lint(project, paths, target=line.version)
    _fail_on_errors(result.problems, len(result.files))
    rows = snapshot(client, needs(result))  # the only reads; pure from here to the plan
    plan, everything, problems = plan_from(result, rows, env, line, project.owner, adopt=adopt, prune=prune)
    _fail_on_errors(problems, len(result.files))
    return Planned(plan, line, len(result.files), everything)


def saved_plan(client: KumaClient, project: Project, document: object,
               environ: Mapping[str, str] | None = None) -> Planned:
    """The plan saved by `diff --out`, checked against the server as it is now."""
    line = versions.server_line(client.version)
    live = interpret(snapshot(client, needs_for_saved(document)), project.owner)
    everything = [item for kind in KINDS for item in live[kind.name]]
    plan = savedplan.from_document(document, client.url, everything, os.environ if environ is None else environ)
    return Planned(plan, line, 0, everything)


def sync(client: KumaClient, planned: Planned, owner: Owner, allow_mass_delete: bool,
         progress: Callable[[str], None], window: int | None = None) -> ApplyReport:
    """`window`: writes in flight at once; by default the server line's (versions.py)."""
    check_deletion_guard(planned.plan, allow_mass_delete)
    report = apply(planned.plan, client, owner, planned.line, progress,
                   planned.line.write_window if window is None else window)
    created = [create.desired for create in planned.plan.creates if create.desired.kind == MONITORS.name]
    if report.ok and created:
        converge(client, owner, created, report, progress)
    return report


def _maybe_copied(client: KumaClient, created: Sequence[Desired]) -> bool:
    """Whether a concurrent sync may have made a copy of a monitor this run created, judged
    from what the server pushed to this session. Every server pushes each `add` to every
    session of the user before it answers: 2.x releases that one monitor (and each tag), 1.23
    and the dev build the whole list, rebuilt after the insert. Of two runs creating one id,
    take the one whose tag lands last: the other's add was pushed to it before that tag, in a
    list that holds both copies unless its own later add's list does. So once a round trip
    after its last tag has come back, it has seen two monitors of the name, in the merged
    pushes (2.x) or in some whole list (`names_listed_twice`: a newer list may arrive first),
    and re-reads, when both copies are tagged. A copy has the same name; so has a hand-made
    namesake, which costs only the re-read. Saves a whole list rebuild: 6.7 s at 2,000
    monitors on the dev build, 3.5 s at 1,000 on 1.23."""
    client.caught_up()
    names = Counter(str(monitor.get("name")) for monitor in client.monitors())
    listed_twice = client.names_listed_twice()
    return any(names[desired.name] > 1 or desired.name in listed_twice for desired in created)


def converge(client: KumaClient, owner: Owner, created: Sequence[Desired], report: ApplyReport,
             progress: Callable[[str], None]) -> None:
    """Remove what a concurrent sync created for the same ids.

    Two syncs started together can both see a definition missing and both create
    it. Each run re-reads the server after tagging its own creations and deletes
    every copy but the oldest; whichever run tags last sees both copies, so the
    instance always ends with one monitor per definition, without a lock. The re-read
    happens only when the pushes suggest a copy (`_maybe_copied`). A failure
    here is reported like any failed write: the next sync converges the same way.
    """
    duplicates: list[Delete] = []
    done = 0
    try:
        if not _maybe_copied(client, created):
            return
        rows = client.fresh_monitors()
        ids = {desired.id for desired in created}
        duplicates = duplicate_deletes(MONITORS.live(rows, server_refs([], owner.tag), owner), ids)
        for delete in duplicates:
            client.delete_monitor(delete.live.kuma_id)
            report.applied.append(_converged(delete))
            progress(_converged(delete))
            done += 1
    except KumaprovError as exc:
        pending = [_converged(delete) for delete in duplicates[done:]]
        report.failed = f"{pending[0] if pending else 'check for copies made by a concurrent sync'}: {exc}"
        report.not_attempted = pending[1:]


def _converged(delete: Delete) -> str:
    return f"{describe(delete)}: {delete.reason}"


def offline_check(project: Project, paths: Sequence[Path] | None) -> LintResult:
    """Lint before connecting, so broken files never cost a login: a password login is rate
    limited, and any login makes the server send its lists and every monitor's heartbeats."""
    result = lint(project, paths)
    _fail_on_errors(result.problems, len(result.files))
    return result


def _covers(project: Project, line: versions.ServerLine, used: Iterable[type[MonitorBase]]) -> bool:
    """Whether the offline lint checked everything this server line decides on: the JSON
    semantics, operators, interval bounds, and which kinds, and which fields of the monitor
    types `used`, it offers. Only the types used: the others cannot change a lint's result,
    and looking at all of them imports two dozen models (0.1 s of a no-op at 200 monitors)."""
    firsts = sorted({v for cls in used
                     for v in (cls.min_version, *cls.field_min_versions.values(), *cls.value_min_versions.values())}
                    | {kind.min_version for kind in KINDS if kind.min_version})

    def rules(checked: versions.ServerLine) -> tuple[object, ...]:
        offered = tuple(versions.at_least(checked.version, first) for first in firsts)
        return (checked.json_semantics, checked.json_operators, checked.min_interval, offered, checked.unmanageable)

    return rules(line) in {rules(checked) for checked in versions.lines_for(project.target)}


def _fail_on_errors(problems: list[Problem], files: int) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise InvalidDefinitions(errors, files)
