"""diff and sync as plain functions: validate everything, read once, plan, then (sync) apply.

Nothing is written until every definition has passed lint against the real
server's version and every environment reference has resolved.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from kumaprov import planwords, savedplan, versions
from kumaprov.apply import ApplyReport, apply, describe
from kumaprov.errors import InvalidDefinitions, KumaprovError, UsageError
from kumaprov.kuma import Credentials, KumaClient
from kumaprov.lint import LintResult, lint
from kumaprov.plan import (
    Delete, Live, Plan, ServerRefs, check_deletion_guard, combine, duplicate_deletes, make_plan, plan_by_name, plan_tags,
    server_refs,
)
from kumaprov.entries import Definition
from kumaprov.monitortypes import MONITOR_TYPES
from kumaprov.problems import Problem, Severity
from kumaprov.project import Project
from kumaprov.state import (
    desired_hosts, desired_maintenance, desired_pages, desired_proxies, desired_state, desired_tags, live_hosts,
    live_maintenance, live_notifications, live_pages, live_proxies, live_state, live_tags, missing_variables,
)
from kumaprov.proxies import proxy_address
from kumaprov.totp import totp_now


@dataclass(frozen=True)
class Connection:
    url: str
    credentials: Credentials
    timeout: float = 15.0


def connection_from(url: str | None, environ: Mapping[str, str], timeout: float = 15.0) -> Connection:
    url = url or environ.get("KUMA_URL")
    if not url:
        raise UsageError("no server: pass --url or set KUMA_URL")
    totp = environ.get("KUMA_TOTP") or None
    if not totp and environ.get("KUMA_TOTP_SECRET"):
        totp = totp_now(environ["KUMA_TOTP_SECRET"])
    credentials = Credentials(environ.get("KUMA_USERNAME"), environ.get("KUMA_PASSWORD"),
                              environ.get("KUMA_TOKEN") or None, totp)
    return Connection(url, credentials, timeout)


@dataclass(frozen=True)
class Planned:
    plan: Plan
    line: versions.ServerLine
    files: int
    live: list[Live]


@contextmanager
def session(connection: Connection) -> Iterator[KumaClient]:
    client = KumaClient.connect(connection.url, connection.credentials, connection.timeout)
    try:
        yield client
    finally:
        client.close()


def plan_against(client: KumaClient, project: Project, paths: Sequence[Path] | None, *,
                 adopt: bool = False, prune: bool = True, environ: Mapping[str, str] | None = None,
                 linted: LintResult | None = None) -> Planned:
    """The plan for this server; `linted` is the offline lint, reused when it already
    covered what this server's version accepts (lint is most of a no-op's own time)."""
    env = os.environ if environ is None else environ
    line = versions.server_line(client.version)
    result = linted if linted is not None and _covers(project, line) else lint(project, paths, target=line.version)
    _fail_on_errors(result.problems, len(result.files))
    # Everything resolved and every reference checked before any plan is made.
    hosts, absent_hosts = desired_hosts(result.docker_hosts)
    live_host_list = live_hosts(client.docker_hosts())
    known_hosts = {h.name for h in live_host_list if h.name not in absent_hosts} | {h.id for h in hosts}
    monitors = live_state(client.monitors(), project.owner_tag)
    notifications = live_notifications(client.notifications(), project.owner_tag)
    state = desired_state(result.definitions, result.notifications, line, env, known_hosts, notifications,
                          project.owner_tag, {p.proxy.id: proxy_address(p.proxy) for p in result.proxies})
    _fail_on_errors([*missing_variables(result.proxies, env), *state.problems], len(result.files))
    proxies, absent_proxies = desired_proxies(result.proxies, env)
    live_proxy_list = live_proxies(client.proxies()) if result.proxies else []
    tags = _live_tags(client, result.definitions)
    refs = server_refs([*monitors, *notifications, *tags, *live_host_list, *live_proxy_list], project.owner_tag)
    windows, absent_windows = desired_maintenance(result.maintenance)
    live_windows = _live_maintenance(client, {*(w.id for w in windows), *absent_windows}, refs)
    pages, absent_pages = desired_pages(result.status_pages)
    live_page_list = _live_pages(client, {*(p.id for p in pages), *absent_pages}, refs)
    # In this order: what monitors use exists before them; windows and pages, which name
    # monitors, come after (combine reverses the order for deletes).
    plan = combine(plan_tags(desired_tags(result.tags, result.definitions, tags), tags),
                   plan_by_name(hosts, live_host_list, absent_hosts),
                   plan_by_name(proxies, live_proxy_list, absent_proxies),
                   make_plan(state.notifications, notifications, adopt=adopt, prune=prune, refs=refs),
                   make_plan(state.monitors, monitors, adopt=adopt, prune=prune, refs=refs),
                   plan_by_name(windows, live_windows, absent_windows),
                   plan_by_name(pages, live_page_list, absent_pages))
    live = [*monitors, *notifications, *tags, *live_host_list, *live_proxy_list, *live_windows, *live_page_list]
    plan = replace(plan, notes=planwords.notes(plan, live, result.definitions, result.template_uses))
    return Planned(plan, line, len(result.files), live)


def saved_plan(client: KumaClient, project: Project, document: object,
               environ: Mapping[str, str] | None = None) -> Planned:
    """The plan saved by `diff --out`, checked against the server as it is now."""
    line = versions.server_line(client.version)
    live = [*live_state(client.monitors(), project.owner_tag),
            *live_notifications(client.notifications(), project.owner_tag), *live_tags(client.tags()),
            *live_hosts(client.docker_hosts()), *live_proxies(client.proxies())]
    refs = server_refs(live, project.owner_tag)
    live += _live_maintenance(client, savedplan.titles(document, "maintenance"), refs)
    live += _live_pages(client, savedplan.titles(document, "status_page"), refs)
    plan = savedplan.from_document(document, client.url, live, os.environ if environ is None else environ)
    return Planned(plan, line, 0, live)


def sync(client: KumaClient, planned: Planned, owner_tag: str, allow_mass_delete: bool,
         progress: Callable[[str], None]) -> ApplyReport:
    check_deletion_guard(planned.plan, allow_mass_delete)
    report = apply(planned.plan, client, owner_tag, planned.line, progress)
    if report.ok and planned.plan.creates:
        created = {create.desired.id for create in planned.plan.creates}
        converge(client, owner_tag, created, report, progress)
    return report


def converge(client: KumaClient, owner_tag: str, ids: set[str], report: ApplyReport,
             progress: Callable[[str], None]) -> None:
    """Remove what a concurrent sync created for the same ids.

    Two syncs started together can both see a definition missing and both create
    it. Each run re-reads the server after tagging its own creations and deletes
    every copy but the oldest; whichever run tags last sees both copies, so the
    instance always ends with one monitor per definition, without a lock. A failure
    here is reported like any failed write: the next sync converges the same way.
    """
    duplicates: list[Delete] = []
    done = 0
    try:
        with KumaClient.connect(client.url, Credentials(token=client.token)) as fresh:
            duplicates = duplicate_deletes(live_state(fresh.monitors(), owner_tag), ids)
            for delete in duplicates:
                fresh.delete_monitor(delete.live.kuma_id)
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
    """Lint before connecting, so broken files never cost a login (the server rate-limits them)."""
    result = lint(project, paths)
    _fail_on_errors(result.problems, len(result.files))
    return result


def _covers(project: Project, line: versions.ServerLine) -> bool:
    """Whether the offline lint checked everything this server line decides on: the JSON
    semantics, operators, interval bounds, and which types and fields it offers."""
    firsts = sorted({v for cls in MONITOR_TYPES.values()
                     for v in (cls.min_version, *cls.field_min_versions.values(), *cls.value_min_versions.values())})

    def rules(checked: versions.ServerLine) -> tuple[object, ...]:
        offered = tuple(versions.at_least(checked.version, first) for first in firsts)
        return (checked.json_semantics, checked.json_operators, checked.min_interval, offered)

    return rules(line) in {rules(checked) for checked in versions.lines_for(project.target)}


def _live_maintenance(client: KumaClient, titles: set[str], refs: ServerRefs) -> list[Live]:
    """The server's windows; the monitors covered are read only for those the files name."""
    if not titles:
        return []
    rows = client.maintenance()
    covered = {int(row["id"]): client.maintenance_monitors(int(row["id"])) for row in rows if row.get("title") in titles}
    return live_maintenance(rows, covered, refs.monitors)


def _live_pages(client: KumaClient, slugs: set[str], refs: ServerRefs) -> list[Live]:
    """The server's status pages; the groups are read only for those the files name."""
    if not slugs:
        return []
    rows = client.status_pages()
    groups = {str(row["slug"]): client.status_page_groups(str(row["slug"])) for row in rows if row.get("slug") in slugs}
    return live_pages(rows, groups, refs.monitors)


def _live_tags(client: KumaClient, definitions: Sequence[Definition]) -> list[Live]:
    """Tags from the monitor list; the server's own list only when a monitor names one that
    no monitor carries yet (`getTags` waits behind the server's after-login work)."""
    listed = {int(t["tag_id"]): {"id": t["tag_id"], "name": t["name"], "color": t.get("color")}
              for m in client.monitors() for t in m.get("tags") or []}
    wanted = {tag.name for d in definitions for tag in d.monitor.tags or []}
    if wanted - {t["name"] for t in listed.values()}:
        return live_tags(client.tags())
    return live_tags(list(listed.values()))


def _fail_on_errors(problems: list[Problem], files: int) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise InvalidDefinitions(errors, files)
