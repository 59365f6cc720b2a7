"""`diff --alerts-out FILE` and `sync --alerts-out FILE`: the rule file beside the plan.

`diff` shows how the rules would change; `sync` checks what only the server can answer
before any write (names the rules would share with other monitors), then writes the rules
once the monitors exist, so rules and monitors never drift apart. The options are stored in
the click context, so the commands only call these hooks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kumaprov.alerts import build, rulefile, rules
from kumaprov.alerts.metrics import MetricsLine
from kumaprov.alerts.spec import is_duration
from kumaprov.errors import InvalidDefinitions, UsageError

if TYPE_CHECKING:
    from kumaprov.engine import Planned
    from kumaprov.kuma import KumaClient
    from kumaprov.project import Project

F = TypeVar("F", bound=Callable[..., Any])
_META = "kumaprov.alerts"


@dataclass(frozen=True)
class RuleRequest:
    out: Path
    settings: rules.Settings


def settings_from(job: str, group: str | None, missing_for: str, owner_tag: str) -> rules.Settings:
    if missing_for not in ("0", "off") and not is_duration(missing_for):
        raise UsageError(f"--missing-for {missing_for!r} is not a duration such as 10m (or 0 for no such rules)")
    return rules.Settings(job=job, group=group or owner_tag,
                          missing_for=None if missing_for in ("0", "off", "0s") else missing_for)


def _store(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_META, {})[param.name] = value
    return value


def rule_options(prefix: str = "") -> Callable[[F], F]:
    """--job, --group, --missing-for (as --alerts-job ... on diff and sync)."""
    def decorate(command: F) -> F:
        options = [
            click.option(f"--{prefix}job", "job", default="uptime-kuma", show_default=True, expose_value=False,
                         callback=_store, help="The Prometheus job that scrapes Uptime Kuma ('' for any)."),
            click.option(f"--{prefix}group", "group", metavar="NAME", expose_value=False, callback=_store,
                         help="Rule group name (default: the project's owner_tag)."),
            click.option(f"--{prefix}missing-for", "missing_for", default="10m", show_default=True,
                         expose_value=False, callback=_store,
                         help="Alert when a monitor's series are gone this long (0: no such rules)."),
        ]
        for option in reversed(options):
            command = option(command)
        return command
    return decorate


def alerts_out_options(command: F) -> F:
    command = rule_options("alerts-")(command)
    return click.option("--alerts-out", "alerts_out", type=click.Path(dir_okay=False, path_type=Path),
                        expose_value=False, callback=_store,
                        help="Prometheus rule file for the monitors' alerts (diff: show its changes; "
                             "sync: write it after the sync).")(command)


def stored(ctx: click.Context) -> dict[str, Any]:
    return dict(ctx.meta.get(_META, {}))


def requested(ctx: click.Context, owner_tag: str) -> RuleRequest | None:
    options = stored(ctx)
    if options.get("alerts_out") is None:
        return None
    return RuleRequest(options["alerts_out"], settings_from(options["job"], options["group"],
                                                            options["missing_for"], owner_tag))


def _definitions(project: Project, paths: Sequence[Path] | None, version: str) -> Any:
    from kumaprov.lint import lint  # the files were linted already; this is the server line's result

    return lint(project, paths, target=version).definitions


def preview(request: RuleRequest, project: Project, paths: Sequence[Path] | None, planned: Planned) -> str | None:
    """`diff`: the rule changes, or None when the rules would stay as they are."""
    definitions, line, ids = _checked(project, paths, planned)
    content = build.rule_file(definitions, line, request.settings, ids)
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
        ids = _ids_now(client, project.owner_tag)
    content = build.rule_file(definitions, line, request.settings, ids)
    changes = rulefile.changes(rulefile.read(request.out), content)
    rulefile.write(request.out, rulefile.render(content, comments(line)))
    return rulefile.changes_text(changes, request.out) + f"\nwrote {request.out}"


def _checked(project: Project, paths: Sequence[Path] | None,
             planned: Planned) -> tuple[Any, MetricsLine, dict[str, int]]:
    line = MetricsLine(planned.line.version)
    definitions = _definitions(project, paths, line.version)
    deleted = {delete.live.kuma_id for delete in planned.plan.deletes}
    problems = build.name_clashes(definitions, planned.live, line, deleted)
    if problems:
        raise InvalidDefinitions(problems, planned.files)
    return definitions, line, build.server_ids(planned.live)


def _ids_now(client: KumaClient, owner_tag: str) -> dict[str, int]:
    """The ids after creates: a fresh read (the login-time list predates them)."""
    from kumaprov.kuma import Credentials, KumaClient
    from kumaprov.state import live_state

    with KumaClient.connect(client.url, Credentials(token=client.token)) as fresh:
        return build.server_ids(live_state(fresh.monitors(), owner_tag))


def comments(line: MetricsLine) -> list[str]:
    how = ("by monitor_id, the server's id of each monitor, read when this file was written: renames keep it"
           if line.has_monitor_id else
           "by monitor_name: names are unique within the project (lint KP604), and sync --alerts-out "
           "rewrites this file in the run that renames a monitor")
    return [f"Prometheus alerting rules for Uptime Kuma {line.version}, generated by kumaprov from the",
            "alerts: blocks of the monitor definitions. Do not edit: change the definitions and run",
            "`kumaprov alerts` or `kumaprov sync --alerts-out`. Load it with rule_files: in prometheus.yml.",
            f"Rules select monitors {how}."]
