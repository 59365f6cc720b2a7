"""`kumaprov alerts`: the Prometheus rule file for the monitors' alerts, and a scrape config.

Connected (`--url`/`KUMA_URL`), it reads the server's version and its monitors' ids once,
as diff does; offline (`--target`), it can write rules only for servers whose metrics carry
names only (1.23, 2.0.0-dev.0), whose rules need no ids.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from kumaprov.alerts import build, hooks, rulefile, scrape
from kumaprov.alerts.metrics import MONITOR_ID_SINCE, MetricsLine
from kumaprov.cli import PATHS, TARGET, _project, fail_cleanly, main
from kumaprov.errors import InvalidDefinitions, UsageError
from kumaprov.problems import Severity


@main.command("alerts")
@PATHS
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the rule file to FILE (default: print it); what changes is shown on stderr.")
@click.option("--url", metavar="URL", help="Uptime Kuma base URL (default: $KUMA_URL unless --target is given).")
@TARGET
@hooks.rule_options()
@click.option("--scrape-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a Prometheus scrape config for the server's /metrics ('-': print it).")
@click.option("--metrics-url", metavar="URL", help="Uptime Kuma's URL as Prometheus reaches it (default: --url).")
@click.option("--metrics-auth", type=click.Choice(scrape.AUTH_MODES),
              help="How Prometheus logs in (default: password on 1.23 and 2.0.0-dev.0, api-key on 2.x).")
@click.option("--metrics-username", metavar="NAME", help="Username for password auth (default: $KUMA_USERNAME).")
@click.option("--password-file", metavar="PATH", help="File Prometheus reads the password or API key from.")
@click.option("--password-env", metavar="NAME", help="Write ${NAME} instead, for a config expanded before loading.")
@click.option("--scrape-interval", default="30s", show_default=True)
@click.option("--timeout", type=float, default=15.0, show_default=True, help="Seconds to wait for the server.")
@click.pass_context
@fail_cleanly
def alerts_command(ctx: click.Context, paths: tuple[Path, ...], out: Path | None, url: str | None,
                   target: str | None, scrape_out: Path | None, metrics_url: str | None, metrics_auth: str | None,
                   metrics_username: str | None, password_file: str | None, password_env: str | None,
                   scrape_interval: str, timeout: float) -> None:
    """Write Prometheus alerting rules for the monitors' `alerts:` blocks (and a scrape config)."""
    from kumaprov.lint import lint

    project = _project(ctx)
    options = hooks.stored(ctx)
    settings = hooks.settings_from(options["job"], options["group"], options["missing_for"], project.owner_tag)
    server_url = url or (os.environ.get("KUMA_URL") if target is None else None)
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
        if line.has_monitor_id and build.alerted(definitions):
            raise UsageError(f"rules for Uptime Kuma {version} select monitors by their server id (from "
                             f"{MONITOR_ID_SINCE} on): connect with --url or KUMA_URL to read them, or write the "
                             "rules with `kumaprov sync --alerts-out FILE`")
    content = build.rule_file(definitions, line, settings, ids)
    text = rulefile.render(content, hooks.comments(line))
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
            address, metrics_auth or line.default_auth, settings.job, scrape_interval,
            metrics_username or os.environ.get("KUMA_USERNAME") or "admin", password_file, password_env), line.version)
        if str(scrape_out) == "-":
            click.echo(snippet, nl=False)
        else:
            rulefile.write(scrape_out, snippet)
            click.echo(f"wrote {scrape_out}", err=True)


def _from_server(project: Any, paths: list[Path] | None, url: str, timeout: float
                 ) -> tuple[MetricsLine, Any, dict[str, int]]:
    from kumaprov import engine
    from kumaprov.lint import lint
    from kumaprov.state import live_state

    with engine.session(engine.connection_from(url, os.environ, timeout)) as client:
        line = MetricsLine(client.version)
        live = live_state(client.monitors(), project.owner_tag)
    linted = lint(project, paths, target=line.version)
    _fail_on_errors(linted.problems, len(linted.files))
    ids = build.server_ids(live)
    problems = build.name_clashes(linted.definitions, live, line) + build.not_on_server(linted.definitions, ids, line)
    _fail_on_errors(problems, len(linted.files))
    return line, linted.definitions, ids


def _fail_on_errors(problems: list[Any], files: int, warn: bool = True) -> None:
    errors = [p for p in problems if p.severity is Severity.ERROR]
    if errors:
        raise InvalidDefinitions(errors, files)
    if warn and any(p.severity is Severity.WARNING for p in problems):
        from kumaprov import report

        click.echo(report.problems_text([p for p in problems if p.severity is Severity.WARNING], files), err=True)
    sys.stderr.flush()
