"""The command line: parse options, call one function, map errors to exit codes.

Exit codes: 0 ok / in sync, 1 findings or failure, 2 usage or configuration error.
Data goes to stdout; progress and errors to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kumaprov import __version__, jsonschema, report
from kumaprov.errors import KumaprovError
from kumaprov.lint import lint
from kumaprov.problems import Severity, has_errors
from kumaprov.project import Project, load_project
from kumaprov.secrets import REDACTOR

F = TypeVar("F", bound=Callable[..., Any])

OUTPUT = click.option("--output", "-o", type=click.Choice(["text", "json", "github"]), default="text",
                      show_default=True, help="Report format.")
PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
TARGET = click.option("--target", metavar="VERSION",
                      help="Uptime Kuma version to check against (default: the project's, else every supported line).")


def fail_cleanly(command: F) -> F:
    """Known errors become one line on stderr and their exit code, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
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
    click.echo(jsonschema.dumps())
