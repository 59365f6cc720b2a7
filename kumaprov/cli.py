"""The command line: parse options, call one function, map errors to exit codes.

Exit codes: 0 ok / in sync, 1 findings or failure, 2 usage or configuration error.
Data goes to stdout; progress and errors to stderr.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kumaprov import __version__, report, versions
from kumaprov.errors import InvalidDefinitions, KumaprovError, UsageError
from kumaprov.lint import lint
from kumaprov.plan import Plan, check_deletion_guard
from kumaprov.problems import Severity, has_errors
from kumaprov.project import Project, load_project
from kumaprov.secrets import REDACTOR

F = TypeVar("F", bound=Callable[..., Any])

OUTPUT = click.option("--output", "-o", type=click.Choice(["text", "json", "github"]), default="text",
                      show_default=True, help="Report format.")
PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def _valid_target(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            versions.server_line(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


TARGET = click.option("--target", metavar="VERSION", callback=_valid_target,
                      help="Uptime Kuma version to check against (default: the project's, else every supported line).")


def fail_cleanly(command: F) -> F:
    """Known errors become one line on stderr and their exit code, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InvalidDefinitions as exc:
            click.echo(report.problems_text(exc.problems, exc.files), err=True)
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KumaprovError as exc:
            click.echo(f"error: {REDACTOR(str(exc))}", err=True)
            sys.exit(exc.exit_code)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kumaprov")
@click.option("--config", "-c", type=click.Path(dir_okay=False, path_type=Path),
              help="Project file (default: ./kumaprov.yaml if present).")
@click.pass_context
def main(ctx: click.Context, config: Path | None) -> None:
    """Uptime Kuma configuration as code: lint, diff and sync monitors from YAML."""
    ctx.obj = config


def _project(ctx: click.Context) -> Project:
    project, problems = load_project(ctx.obj, Path.cwd())
    if problems:
        click.echo(report.problems_text(problems, 1), err=True)
        sys.exit(2)
    return project


@main.command("lint")
@PATHS
@TARGET
@OUTPUT
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.pass_context
@fail_cleanly
def lint_command(ctx: click.Context, paths: tuple[Path, ...], target: str | None, output: str, strict: bool) -> None:
    """Check monitor files offline: schema, templates, JSON queries on samples, secrets."""
    result = lint(_project(ctx), list(paths) or None, target)
    click.echo(report.render_problems(output, result.problems, len(result.files)))
    failed = has_errors(result.problems) or (strict and any(
        p.severity is Severity.WARNING for p in result.problems))
    sys.exit(1 if failed else 0)


@main.command("render")
@PATHS
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.pass_context
@fail_cleanly
def render_command(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Print the fully rendered monitors (templates expanded, defaults applied, secrets masked)."""
    result = lint(_project(ctx), list(paths) or None)
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    if errors:
        click.echo(report.problems_text(errors, len(result.files)), err=True)
        sys.exit(1)
    click.echo(report.render_definitions(result.definitions, fmt))


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of monitor files (for editor completion)."""
    from kumaprov import jsonschema

    click.echo(jsonschema.dumps())


def server_options(command: F) -> F:
    options = [
        click.option("--url", metavar="URL", help="Uptime Kuma base URL (default: $KUMA_URL)."),
        click.option("--adopt", is_flag=True, help="Take over unmanaged monitors whose name matches a definition."),
        click.option("--no-prune", is_flag=True, help="Keep managed monitors whose definition was removed."),
        click.option("--timeout", type=float, default=15.0, show_default=True,
                     help="Seconds to wait for the server."),
        OUTPUT,
        PATHS,
    ]
    for option in reversed(options):
        command = option(command)
    return command


@main.command("diff")
@server_options
@click.option("--detailed-exitcode", is_flag=True, help="Exit 0 when in sync, 2 when there are changes, 1 on error.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save the plan to FILE, for `sync --plan FILE` (holds no secret values).")
@click.pass_context
def diff_command(ctx: click.Context, url: str | None, adopt: bool, no_prune: bool, timeout: float,
                 output: str, paths: tuple[Path, ...], detailed_exitcode: bool, out: Path | None) -> None:
    """Show what a sync would change, field by field, secrets masked."""
    from kumaprov import engine, savedplan  # the socket client is slow to import; lint never needs it

    with _server_errors(detailed_exitcode):
        project = _project(ctx)
        engine.offline_check(project, list(paths) or None)
        connection = engine.connection_from(url, os.environ, timeout)
        with engine.session(connection) as client:
            planned = engine.plan_against(client, project, list(paths) or None, adopt=adopt, prune=not no_prune)
        server = {"url": connection.url, "version": planned.line.version}
        _emit_plan(output, planned.plan, server)
        if out is not None:
            _save_plan(out, savedplan.to_document(planned.plan, server, planned.live))
        try:
            check_deletion_guard(planned.plan, allow_mass_delete=False)
        except KumaprovError as exc:
            click.echo(f"warning: sync would refuse this plan: {exc}", err=True)
    sys.exit(2 if detailed_exitcode and planned.plan.has_changes else 0)


@main.command("sync")
@server_options
@click.option("--allow-mass-delete", is_flag=True, help="Allow a plan that deletes many managed monitors.")
@click.option("--plan", "plan_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Apply exactly the plan saved by `diff --out FILE` (refused if the server changed since).")
@click.pass_context
def sync_command(ctx: click.Context, url: str | None, adopt: bool, no_prune: bool, timeout: float,
                 output: str, paths: tuple[Path, ...], allow_mass_delete: bool, plan_file: Path | None) -> None:
    """Make the server match the files; a second run changes nothing."""
    from kumaprov import engine, planreport

    with _server_errors(False):
        project = _project(ctx)
        document = _load_plan(plan_file) if plan_file else None
        if document is None:
            engine.offline_check(project, list(paths) or None)
        connection = engine.connection_from(url, os.environ, timeout)
        with engine.session(connection) as client:
            if document is not None:
                planned = engine.saved_plan(client, project, document)
            else:
                planned = engine.plan_against(client, project, list(paths) or None, adopt=adopt,
                                              prune=not no_prune)
            server = {"url": connection.url, "version": planned.line.version}
            if output != "json":
                _emit_plan(output, planned.plan, server)
            result = engine.sync(client, planned, project.owner_tag, allow_mass_delete,
                                 lambda done: click.echo(f"  {done}", err=True))
        if output == "json":
            document = {"plan": planreport.plan_document(planned.plan, server),
                        "result": {"applied": result.applied, "failed": result.failed,
                                   "not_applied": result.not_attempted}}
            click.echo(REDACTOR(json.dumps(document, indent=2, ensure_ascii=False)))
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
    from kumaprov import planreport

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
        click.echo(report.problems_text(exc.problems, exc.files), err=True)
        click.echo(f"error: {exc}; nothing was written", err=True)
        sys.exit(1)
    except KumaprovError as exc:
        click.echo(f"error: {REDACTOR(str(exc))}", err=True)
        sys.exit(1 if detailed_exitcode else exc.exit_code)


@main.command("probe")
@click.argument("ids", nargs=-1)
@TARGET
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
@fail_cleanly
def probe_command(ctx: click.Context, ids: tuple[str, ...], target: str | None, as_json: bool) -> None:
    """Run HTTP, keyword and JSON-query monitors once from this machine (all of them, or IDS).

    The verdict comes from the same evaluator as lint; exit 1 when any is DOWN.
    """
    from kumaprov import probe

    project = _project(ctx)
    result = lint(project, None, target)
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    if errors:
        raise InvalidDefinitions(errors, len(result.files))
    results = probe.run(result.definitions, list(ids), versions.lines_for(target or project.target), os.environ)
    click.echo(REDACTOR(probe.render(results, as_json)))
    sys.exit(0 if all(r.up for r in results) else 1)


@main.command("export")
@click.option("--url", metavar="URL", help="Uptime Kuma base URL (default: $KUMA_URL).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("monitors/exported.yaml"),
              show_default=True, help="File to write; an existing file is never overwritten.")
@click.option("--timeout", type=float, default=15.0, show_default=True, help="Seconds to wait for the server.")
@click.pass_context
@fail_cleanly
def export_command(ctx: click.Context, url: str | None, out: Path, timeout: float) -> None:
    """Write the monitors and notifications of a live instance as definition files."""
    from kumaprov import engine
    from kumaprov.export import export, render

    project = _project(ctx)
    if out.exists():
        raise UsageError(f"{out} exists; kumaprov export never overwrites a file (choose another --out)")
    with engine.session(engine.connection_from(url, os.environ, timeout)) as client:
        hosts = {int(h["id"]): str(h.get("name")) for h in client.docker_hosts() if "id" in h}
        result = export(client.monitors(), client.notifications(), hosts, project.owner_tag)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
        handle.write(render(result))
    click.echo(f"wrote {len(result.document['monitors'])} monitor(s) and "
               f"{len(result.document.get('notifications', []))} notification(s) to {out}", err=True)
    for name in result.secrets:
        click.echo(f"  set {name} before diff/sync (a secret left out of the file)", err=True)
    for skipped in result.skipped:
        click.echo(f"  skipped {skipped}: kumaprov does not model this type yet", err=True)
