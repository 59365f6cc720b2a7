"""`kumaprov alerts`: the Prometheus rule file for the monitors' alerts, and a scrape config;
and the `--alerts-out` options diff and sync take (their work is in sync/alert_rules.py).

Connected (`--url`/`KUMA_URL`), it reads the server's version and its monitors' ids once,
as diff does; offline (`--target`), it can write rules only for servers whose metrics carry
names only (1.23, 2.0.0-dev.0), whose rules need no ids.

Every command imports this module (it registers the options diff and sync share), so it
imports only click and alerts/metrics.py (constants) at the top: the rule builder, the rule
file and the alert models (pydantic) load in the functions that use them, when a command
asks for alerts.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from kumaprov.alerts.metrics import AUTH_MODES, MONITOR_ID_SINCE, MetricsLine
from kumaprov.alerts.syntax import is_duration
from kumaprov.cli.group import ENV, PATHS, TARGET, _project, fail_cleanly, main
from kumaprov.errors import InvalidDefinitions, UsageError
from kumaprov.problems import Problem, Severity

if TYPE_CHECKING:  # the sync side imports the engine, which the commands load only when they run
    from kumaprov.alerts.rules import Settings
    from kumaprov.sync.alert_rules import RuleRequest

F = TypeVar("F", bound=Callable[..., Any])
_META = "kumaprov.alerts"


def _store(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_META, {})[param.name] = value
    return value


def rule_options(prefix: str = "") -> Callable[[F], F]:
    """--job, --group, --missing-for (as --alerts-job ... on diff and sync); kept in the context."""
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


def settings(ctx: click.Context, owner_tag: str) -> Settings:
    from kumaprov.alerts import rules

    options = ctx.meta.get(_META, {})
    missing_for = options["missing_for"]
    if missing_for not in ("0", "off") and not is_duration(missing_for):
        raise UsageError(f"--missing-for {missing_for!r} is not a duration such as 10m (or 0 for no such rules)")
    return rules.Settings(job=options["job"], group=options["group"] or owner_tag,
                          missing_for=None if missing_for in ("0", "off", "0s") else missing_for)


def requested(ctx: click.Context, owner_tag: str) -> RuleRequest | None:
    """What `--alerts-out` asks of diff or sync, if anything."""
    out = ctx.meta.get(_META, {}).get("alerts_out")
    if out is None:
        return None
    from kumaprov.sync.alert_rules import RuleRequest

    return RuleRequest(out, settings(ctx, owner_tag))


def preview(*args: Any) -> str | None:
    from kumaprov.sync import alert_rules

    return alert_rules.preview(*args)


def before_writes(*args: Any) -> None:
    from kumaprov.sync import alert_rules

    alert_rules.before_writes(*args)


def after_sync(*args: Any) -> str:
    from kumaprov.sync import alert_rules

    return alert_rules.after_sync(*args)


@main.command("alerts")
@PATHS
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the rule file to FILE (default: print it); what changes is shown on stderr.")
@click.option("--url", metavar="URL", help="Uptime Kuma base URL (default: $KUMA_URL unless --target is given).")
@TARGET
@rule_options()
@click.option("--scrape-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a Prometheus scrape config for the server's /metrics ('-': print it).")
@click.option("--metrics-url", metavar="URL", help="Uptime Kuma's URL as Prometheus reaches it (default: --url).")
@click.option("--metrics-auth", type=click.Choice(AUTH_MODES),
              help="How Prometheus logs in (default: password on 1.23 and 2.0.0-dev.0, api-key on 2.x).")
@click.option("--metrics-username", metavar="NAME", help="Username for password auth (default: $KUMA_USERNAME).")
@click.option("--password-file", metavar="PATH", help="File Prometheus reads the password or API key from.")
@click.option("--password-env", metavar="NAME", help="Write ${NAME} instead, for a config expanded before loading.")
@click.option("--scrape-interval", default="30s", show_default=True)
@click.option("--timeout", type=float, default=15.0, show_default=True, help="Seconds to wait for the server.")
@ENV
@click.pass_context
@fail_cleanly
def alerts_command(ctx: click.Context, paths: tuple[Path, ...], out: Path | None, url: str | None,
                   target: str | None, scrape_out: Path | None, metrics_url: str | None, metrics_auth: str | None,
                   metrics_username: str | None, password_file: str | None, password_env: str | None,
                   scrape_interval: str, timeout: float, environment: str | None) -> None:
    """Write Prometheus alerting rules for the monitors' `alerts:` blocks (and a scrape config)."""
    from kumaprov.alerts import rulefile, scrape
    from kumaprov.lint.run import lint
    from kumaprov.sync import alert_rules

    project = _project(ctx, environment, one=True)
    rule_settings = settings(ctx, project.owner_tag)
    chosen = project.environment  # its server, from its own variables (definitions/environments.py)
    server_environ = chosen.connection_environ(os.environ) if chosen is not None else os.environ
    server_url = url or (server_environ.get("KUMA_URL") if target is None else None)
    linted = lint(project, list(paths) or None, target)
    # Broken files never cost a login; connected, the server's line is linted (and warns) next.
    _fail_on_errors(linted.problems, len(linted.files), warn=not server_url)
    if server_url:
        line, definitions, ids = _from_server(project, list(paths) or None, server_url, timeout)
    else:
        version = target or project.target
        if version is None:
            raise UsageError("which Uptime Kuma? connect with --url (or KUMA_URL), or give --target VERSION")
        line, definitions, ids = MetricsLine(version), linted.definitions, {}
        if line.has_monitor_id and alert_rules.alerted(definitions):
            raise UsageError(f"rules for Uptime Kuma {version} select monitors by their server id (from "
                             f"{MONITOR_ID_SINCE} on): connect with --url or KUMA_URL to read them, or write the "
                             "rules with `kumaprov sync --alerts-out FILE`")
    content = alert_rules.rule_file(definitions, line, rule_settings, ids)
    text = rulefile.render(content, alert_rules.comments(line))
    if out is None:
        click.echo(text, nl=False)
    else:
        changes = rulefile.changes(rulefile.read(out), content)
        rulefile.write(out, text)
        click.echo(rulefile.changes_text(changes, out) + f"\nwrote {out}", err=True)
    if scrape_out is not None:
        address = metrics_url or server_url
        if not address:
            raise UsageError("the scrape config needs Uptime Kuma's URL: give --metrics-url or --url")
        snippet = scrape.scrape_config(scrape.ScrapeSettings(
            address, metrics_auth or line.default_auth, rule_settings.job, scrape_interval,
            metrics_username or server_environ.get("KUMA_USERNAME") or "admin", password_file, password_env), line.version)
        if str(scrape_out) == "-":
            click.echo(snippet, nl=False)
        else:
            rulefile.write(scrape_out, snippet)
            click.echo(f"wrote {scrape_out}", err=True)


def _from_server(project: Any, paths: list[Path] | None, url: str, timeout: float
                 ) -> tuple[MetricsLine, Any, dict[str, int]]:
    from kumaprov.lint.run import lint
    from kumaprov.sync import alert_rules
    from kumaprov.sync.connection import connection_for, session

    with session(connection_for(project, url, os.environ, timeout)) as client:
        line = MetricsLine(client.version)
        live = alert_rules.live_monitors(client, project.owner)
    linted = lint(project, paths, target=line.version)
    _fail_on_errors(linted.problems, len(linted.files))
    ids = alert_rules.server_ids(live)
    problems = alert_rules.name_clashes(linted.definitions, live, line) + \
        alert_rules.not_on_server(linted.definitions, ids, line)
    _fail_on_errors(problems, len(linted.files))
    return line, linted.definitions, ids


def _fail_on_errors(problems: list[Problem], files: int, warn: bool = True) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise InvalidDefinitions(errors, files)
    warnings = [p for p in problems if p.severity is Severity.WARNING]
    if warn and warnings:
        from kumaprov.lint import report

        click.echo(report.render_problems("text", warnings, files), err=True)
