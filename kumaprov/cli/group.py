"""The `kumaprov` click group, the options commands share, and the wrapper that turns known
errors into one line on stderr and an exit code.

Exit codes: 0 ok / in sync, 1 findings or failure, 2 usage or configuration error.
Data goes to stdout; progress and errors to stderr.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from kumaprov import __version__, versions
from kumaprov.lint import report
from kumaprov.errors import InvalidDefinitions, KumaprovError, UsageError
from kumaprov.definitions.project import Project, load_project
from kumaprov.secrets import REDACTOR

F = TypeVar("F", bound=Callable[..., Any])

OUTPUT = click.option("--output", "-o", type=click.Choice(["text", "json", "github"]), default="text",
                      show_default=True, help="Report format.")
PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def _valid_target(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            versions.target_line(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return value


TARGET = click.option("--target", metavar="VERSION", callback=_valid_target,
                      help="Uptime Kuma version to check against (default: the project's, else every supported line).")


@contextmanager
def lasting() -> Iterator[None]:
    """Around a command's work whose objects live as long as the process: its import of the
    pipeline (lint, the engine) and the lint it runs. Like the CLI's own modules (frozen in
    `main`), these are tens of thousands of objects. The cyclic collector walking them again
    and again while they are built was ~10 % of the CPU of a small lint (bench/start_bench.py);
    walking all of a lint's at once, when lint switches the collector back on, ~11 % of the
    CPU of linting 1,000 monitors (bench/lint_bench.py --before). Frozen afterwards, later
    collections skip them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


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


ENV = click.option("--env", "environment", metavar="NAME",
                   help="The environment of kumaprov.yaml to use (its server, version and variables).")


def _project(ctx: click.Context, environment: str | None = None, *, one: bool = False) -> Project:
    """The project file, as `environment` sees it. `one`: the command works on one server (or
    shows what one gets), so a project with environments needs `--env`."""
    project, problems = load_project(ctx.obj, Path.cwd())
    if problems:
        click.echo(report.render_problems("text", problems, 1), err=True)
        sys.exit(2)
    if one and environment is None and project.environments:
        names = ", ".join(env.name for env in project.environments)
        raise UsageError(f"this project has environments ({names}): pass --env NAME")
    return project.select(environment)
