"""The command line: parse options, call one function, map errors to exit codes.

Exit codes: 0 ok / in sync, 1 findings or failure, 2 usage or configuration error.
Data goes to stdout; progress and errors to stderr.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kumaprov import __version__, report, versions
from kumaprov.errors import InvalidDefinitions, KumaprovError
from kumaprov.library import BUILTIN, uses_text
from kumaprov.lintcache import LintCache
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


VERBOSE = click.option("--verbose", "-v", is_flag=True,
                       help="Also say which template file each template instance used (on stderr).")
TARGET = click.option("--target", metavar="VERSION", callback=_valid_target,
                      help="Uptime Kuma version to check against (default: the project's, else every supported line).")


def fail_cleanly(command: F) -> F:
    """Known errors become one line on stderr and their exit code, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except InvalidDefinitions as exc:
            click.echo(report.render_problems("text", exc.problems, exc.files), err=True)
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
    # Everything imported so far lives as long as the process: keep the garbage
    # collector from walking it again on every collection.
    gc.freeze()
    # Whatever a command prints, these values never appear in it (a sample, a server
    # message or a traceback could carry them). Cleared first: what a command knows of
    # secrets is this environment's (one process may run several commands, as tests do).
    REDACTOR.clear()
    REDACTOR.add_environment(os.environ)
    ctx.obj = config


def _project(ctx: click.Context) -> Project:
    project, problems = load_project(ctx.obj, Path.cwd())
    if problems:
        click.echo(report.render_problems("text", problems, 1), err=True)
        sys.exit(2)
    return project


@main.command("lint")
@PATHS
@TARGET
@OUTPUT
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--no-cache", is_flag=True, help="Lint everything again, ignoring the result cache.")
@VERBOSE
@click.pass_context
@fail_cleanly
def lint_command(ctx: click.Context, paths: tuple[Path, ...], target: str | None, output: str, strict: bool,
                 no_cache: bool, verbose: bool) -> None:
    """Check monitor files offline: schema, templates, JSON queries on samples, secrets."""
    project = _project(ctx)
    searched = list(paths) or list(project.monitor_paths)
    cache = None
    if not (no_cache or os.environ.get("KUMAPROV_NO_CACHE")):
        key = [os.getcwd(), str(project.root.resolve()), target or "", *map(str, searched)]
        cache = LintCache(key, [*searched, project.templates_dir, BUILTIN])
    cached = cache.load() if cache and not verbose else None
    if cached is not None:
        problems, files = cached
    else:
        from kumaprov.lint import lint  # the model, Jinja and JSONata load only on a cache miss

        result = lint(project, list(paths) or None, target)
        problems, files = result.problems, len(result.files)
        if verbose:
            click.echo("\n".join(uses_text(result.template_uses)), err=True)
        if cache:
            cache.store(problems, files, result.inputs)
    click.echo(report.render_problems(output, problems, files))
    failed = has_errors(problems) or (strict and any(p.severity is Severity.WARNING for p in problems))
    sys.exit(1 if failed else 0)


@main.command("render")
@PATHS
@click.option("--format", "fmt", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@VERBOSE
@click.pass_context
@fail_cleanly
def render_command(ctx: click.Context, paths: tuple[Path, ...], fmt: str, verbose: bool) -> None:
    """Print the fully rendered monitors (templates expanded, defaults applied, secrets masked).

    The YAML output starts with a comment naming the template file each instance used."""
    from kumaprov.lint import lint
    from kumaprov.rendered import render_definitions

    result = lint(_project(ctx), list(paths) or None)
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    if errors:
        click.echo(report.render_problems("text", errors, len(result.files)), err=True)
        sys.exit(1)
    used = uses_text(result.template_uses)
    if verbose and used:
        click.echo("\n".join(used), err=True)
    header = "".join(f"# {line}\n" for line in used) if fmt == "yaml" else ""
    click.echo(header + render_definitions(result.definitions, fmt))


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of monitor files (for editor completion)."""
    from kumaprov import jsonschema

    click.echo(jsonschema.dumps())


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
    from kumaprov.lint import lint

    project = _project(ctx)
    result = lint(project, None, target)
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    if errors:
        raise InvalidDefinitions(errors, len(result.files))
    results = probe.run(result.definitions, list(ids), versions.lines_for(target or project.target), os.environ)
    click.echo(REDACTOR(probe.render(results, as_json)))
    sys.exit(0 if all(r.up for r in results) else 1)


# The server commands (diff, sync, export) and the project commands (init, templates) live
# in modules of their own; importing them registers them. It is cheap: the socket client
# is only imported when one runs.
from kumaprov import cli_project, cli_server  # noqa: E402,F401
