"""The commands that talk to a server: diff, sync, export and token.

They register on the `main` group of kumaprov.cli. Each imports the engine (and
with it the socket client, slow to import) only when it runs.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kumaprov.lint import report
from kumaprov.cli.alerts import after_sync, alerts_out_options, before_writes, preview, requested
from kumaprov.cli.group import ENV, OUTPUT, PATHS, F, _project, fail_cleanly, lasting, main
from kumaprov.errors import InvalidDefinitions, KumaprovError, UsageError
from kumaprov.secrets import REDACTOR

if TYPE_CHECKING:
    from kumaprov.kinds.changes import Plan


class _Timeout(click.FloatRange):
    """Seconds, more than 0 (0 or less would mean "fail at once"), and a number (not nan)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        seconds = super().convert(value, param, ctx)
        if seconds != seconds:
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


TIMEOUT = _Timeout(min=0, min_open=True, max=86400)


def server_options(command: F) -> F:
    options = [
        click.option("--url", metavar="URL", help="Uptime Kuma base URL (default: $KUMA_URL)."),
        click.option("--adopt", is_flag=True, help="Take over unmanaged monitors whose name matches a definition."),
        click.option("--no-prune", is_flag=True, help="Keep managed monitors whose definition was removed."),
        click.option("--timeout", type=TIMEOUT, default=15.0, show_default=True,
                     help="Seconds to wait for the server, connecting included."),
        OUTPUT,
        ENV,
        PATHS,
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command("diff")
@server_options
@alerts_out_options
@click.option("--detailed-exitcode", is_flag=True, help="Exit 0 when in sync, 2 when there are changes, 1 on error.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save the plan to FILE, for `sync --plan FILE` (holds no secret values).")
@click.pass_context
def diff_command(ctx: click.Context, url: str | None, adopt: bool, no_prune: bool, timeout: float,
                 output: str, environment: str | None, paths: tuple[Path, ...], detailed_exitcode: bool,
                 out: Path | None) -> None:
    """Show what a sync would change, field by field, secrets masked."""
    with lasting():
        from kumaprov.sync import engine  # the socket client is slow to import; lint never needs it
        from kumaprov.sync import savedplan
        from kumaprov.sync.connection import connection_for, session
        from kumaprov.sync.plan import check_deletion_guard

    with _server_errors(detailed_exitcode):
        project = _project(ctx, environment, one=True)
        rules_request = requested(ctx, project.owner_tag)
        with lasting():
            linted = engine.offline_check(project, list(paths) or None)
        with session(connection_for(project, url, os.environ, timeout)) as client:
            planned = engine.plan_against(client, project, list(paths) or None, adopt=adopt, prune=not no_prune,
                                          linted=linted)
        rule_changes = rules_request and preview(rules_request, project, list(paths) or None, planned)
        server = {"url": client.url, "version": planned.line.version}
        _emit_plan(output, planned.plan, server)
        if rule_changes:
            click.echo(rule_changes, err=output == "json")  # the JSON document stays one document
        if out is not None:
            _save_plan(out, savedplan.to_document(planned.plan, server, planned.live))
        try:
            check_deletion_guard(planned.plan, allow_mass_delete=False)
        except KumaprovError as exc:
            click.echo(f"warning: sync would refuse this plan: {exc}", err=True)
    sys.exit(2 if detailed_exitcode and (planned.plan.has_changes or rule_changes) else 0)


@main.command("sync")
@server_options
@alerts_out_options
@click.option("--allow-mass-delete", is_flag=True, help="Allow a plan that deletes many managed monitors.")
@click.option("--plan", "plan_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Apply exactly the plan saved by `diff --out FILE` (refused if the server changed since).")
@click.pass_context
def sync_command(ctx: click.Context, url: str | None, adopt: bool, no_prune: bool, timeout: float,
                 output: str, environment: str | None, paths: tuple[Path, ...], allow_mass_delete: bool,
                 plan_file: Path | None) -> None:
    """Make the server match the files; a second run changes nothing."""
    with lasting():
        from kumaprov.sync import engine
        from kumaprov.sync import report as planreport
        from kumaprov.sync.connection import connection_for, session

    with _server_errors(False):
        project = _project(ctx, environment, one=True)
        rules_request = requested(ctx, project.owner_tag)
        if rules_request and plan_file:
            raise UsageError("--alerts-out goes with a sync from the files, not --plan: "
                             "run `kumaprov alerts --out FILE` after it")
        document = _load_plan(plan_file) if plan_file else None
        with lasting():
            linted = engine.offline_check(project, list(paths) or None) if document is None else None
        with session(connection_for(project, url, os.environ, timeout)) as client:
            if document is not None:
                planned = engine.saved_plan(client, project, document)
            else:
                planned = engine.plan_against(client, project, list(paths) or None, adopt=adopt,
                                              prune=not no_prune, linted=linted)
            if rules_request:  # before any write: rules that would select other monitors too
                before_writes(rules_request, project, list(paths) or None, planned)
            server = {"url": client.url, "version": planned.line.version}
            if output != "json":
                _emit_plan(output, planned.plan, server)
            result = engine.sync(client, planned, project.owner, allow_mass_delete,
                                 lambda done: click.echo(f"  {done}", err=True))
            if rules_request:
                click.echo(after_sync(rules_request, project, list(paths) or None, planned, client,
                                      result.ok), err=True)
        if output == "json":
            applied: dict[str, Any] = {"applied": result.applied, "failed": result.failed,
                                       "not_applied": result.not_attempted}
            if result.unconfirmed:  # only when writes were in flight together
                applied["also_failed"] = result.unconfirmed
            outcome = {"plan": planreport.plan_document(planned.plan, server), "result": applied}
            click.echo(REDACTOR(json.dumps(outcome, indent=2, ensure_ascii=False)))
        elif planned.plan.has_changes:
            click.echo(planreport.apply_text(result))
    sys.exit(0 if result.ok else 1)


def _save_plan(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    click.echo(f"plan saved to {path}; apply it with: kumaprov sync --plan {path}", err=True)


def _load_plan(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"cannot read plan file {path}: {exc}") from None


def _emit_plan(output: str, plan: Plan, server: dict[str, str]) -> None:
    from kumaprov.sync import report as planreport

    text = planreport.PLAN_FORMATS[output](plan, server)
    click.echo(text)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if output == "github" and summary_file:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(text)


@contextmanager
def _server_errors(detailed_exitcode: bool) -> Iterator[None]:
    """Invalid files print their problems; other known errors one line. With
    --detailed-exitcode every error is 1, because 2 means "changes"."""
    try:
        yield
    except InvalidDefinitions as exc:
        click.echo(report.render_problems("text", exc.problems, exc.files), err=True)
        click.echo(f"error: {exc}; nothing was written", err=True)
        sys.exit(1)
    except KumaprovError as exc:
        click.echo(f"error: {REDACTOR(str(exc))}", err=True)
        sys.exit(1 if detailed_exitcode else exc.exit_code)


@main.command("export")
@click.option("--url", metavar="URL", help="Uptime Kuma base URL (default: $KUMA_URL).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("monitors/exported.yaml"),
              show_default=True, help="File to write; an existing file is never overwritten.")
@click.option("--timeout", type=TIMEOUT, default=15.0, show_default=True,
              help="Seconds to wait for the server, connecting included.")
@ENV
@click.pass_context
@fail_cleanly
def export_command(ctx: click.Context, url: str | None, out: Path, timeout: float, environment: str | None) -> None:
    """Write the monitors and notifications of a live instance as definition files."""
    from kumaprov.sync.connection import connection_for, session
    from kumaprov.sync.export import counts, export, render
    from kumaprov.sync.snapshot import needs_all, snapshot

    from kumaprov.lint.run import lint

    project = _project(ctx, environment, one=True)
    if out.exists():
        raise UsageError(f"{out} exists; kumaprov export never overwrites a file (choose another --out)")
    # Only for what it learns on the way: the variables the project's files reference, whose
    # values the server now holds and the exported file must carry as references.
    lint(project)
    with session(connection_for(project, url, os.environ, timeout)) as client:
        rows = snapshot(client, needs_all())
    result = export(rows, project.owner_tag)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(render(result))
    click.echo(f"wrote {counts(result)} to {out}", err=True)
    for name in result.secrets:
        click.echo(f"  set {name} before diff/sync (a secret left out of the file)", err=True)
    for skipped in result.skipped:
        click.echo(f"  skipped {skipped}: kumaprov does not model this type yet", err=True)



@main.command("token")
@click.option("--url", metavar="URL", help="Uptime Kuma base URL (default: $KUMA_URL).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the token to FILE (mode 0600, never over an existing file) instead of printing it.")
@click.option("--timeout", type=TIMEOUT, default=15.0, show_default=True,
              help="Seconds to wait for the server, connecting included.")
@ENV
@click.pass_context
@fail_cleanly
def token_command(ctx: click.Context, url: str | None, out: Path | None, timeout: float,
                  environment: str | None) -> None:
    """Log in with KUMA_USERNAME and KUMA_PASSWORD (and KUMA_TOTP or KUMA_TOTP_SECRET) and
    print a login token for KUMA_TOKEN: `kumaprov token | gh secret set KUMA_TOKEN`.
    With --env, the environment's own <PREFIX>_KUMA_* variables and its token.

    The token lasts until the password changes, needs no 2FA code, and logging in with it is
    not rate limited."""
    from kumaprov.sync.connection import connection_for, session

    if out is None and os.environ.get("CI"):
        # Standard output in CI is the job log, kept and shown to everyone who can read it.
        raise UsageError("CI is set: the token would be printed into the job log; use --out FILE")
    if out is not None and out.exists():
        raise UsageError(f"{out} exists; kumaprov token never overwrites a file")
    connection = connection_for(_project(ctx, environment, one=True), url, os.environ, timeout)
    # A password login: the token is the one the server issues for it, not one passed in.
    password_login = replace(connection, credentials=replace(connection.credentials, token=None))
    with session(password_login) as client:
        token = client.token
    if not token:
        raise KumaprovError("the server answered the login without a token")
    if out is None:
        click.echo(token)
        return
    try:  # O_EXCL: never over a file, even one made since the check above
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    click.echo(f"wrote the login token to {out}", err=True)
