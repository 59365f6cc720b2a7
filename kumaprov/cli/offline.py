"""The offline commands: lint, render, schema, probe (nothing here connects to a server)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kumaprov import versions
from kumaprov.cli.group import ENV, OUTPUT, PATHS, TARGET, _project, fail_cleanly, lasting, main
from kumaprov.definitions.fileguard import guard_for
from kumaprov.definitions.library import BUILTIN, uses_text
from kumaprov.errors import InvalidDefinitions
from kumaprov.lint import report
from kumaprov.lint.cache import LintCache
from kumaprov.problems import Severity, has_errors
from kumaprov.secrets import REDACTOR

VERBOSE = click.option("--verbose", "-v", is_flag=True,
                       help="Also say which template file each template instance used (on stderr).")


@main.command("lint")
@PATHS
@TARGET
@OUTPUT
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--no-cache", is_flag=True, help="Lint everything again, ignoring the result cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes to read a large project's files with (default: one per idle core; 1: this one only).")
@VERBOSE
@ENV
@click.pass_context
@fail_cleanly
def lint_command(ctx: click.Context, paths: tuple[Path, ...], target: str | None, output: str, strict: bool,
                 no_cache: bool, jobs: int | None, verbose: bool, environment: str | None) -> None:
    """Check monitor files offline: schema, templates, JSON queries on samples, secrets.

    A project with environments is checked in each (or in the one --env names)."""
    project = _project(ctx, environment)
    searched = list(paths) or list(project.monitor_paths)
    cache = None
    if not (no_cache or os.environ.get("KUMAPROV_NO_CACHE")):
        key = [os.getcwd(), str(project.root.resolve()), target or "", environment or "", *map(str, searched)]
        # The listing walks these directories: never through a link out of the project (lint reports it).
        # The built-in library is listed too: a template added there can resolve a name that did not.
        guard = guard_for(project.root, paths)
        cache = LintCache(key, [*(p for p in [*searched, project.templates_dir] if guard.contains(p)), BUILTIN])
    cached = cache.load() if cache and not verbose else None
    if cached is not None:
        problems, files = cached
    else:
        with lasting():
            from kumaprov.lint.run import lint_environments  # the model and the rules load only on a cache miss

            result = lint_environments(project, list(paths) or None, target, workers=jobs)
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
@ENV
@click.pass_context
@fail_cleanly
def render_command(ctx: click.Context, paths: tuple[Path, ...], fmt: str, verbose: bool,
                   environment: str | None) -> None:
    """Print the fully rendered monitors (templates expanded, defaults applied, secrets masked).

    The YAML output starts with a comment naming the template file each instance used.
    With environments, --env says whose monitors to show."""
    from kumaprov.lint.run import lint
    from kumaprov.lint.render import render_definitions

    result = lint(_project(ctx, environment, one=True), list(paths) or None)
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
@click.option("--project", "project_file", is_flag=True, help="The schema of the project file, kumaprov.yaml.")
def schema_command(project_file: bool) -> None:
    """Print the JSON Schema of monitor files, or of kumaprov.yaml (for editor completion)."""
    from kumaprov.definitions import jsonschema, project_schema

    click.echo(project_schema.dumps() if project_file else jsonschema.dumps())


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
    from kumaprov.semantics import probe
    from kumaprov.lint.run import lint

    project = _project(ctx)
    result = lint(project, None, target)
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    if errors:
        raise InvalidDefinitions(errors, len(result.files))
    results = probe.run([d.monitor for d in result.definitions], list(ids), versions.lines_for(target or project.target), os.environ)
    click.echo(REDACTOR(probe.render(results, as_json)))
    sys.exit(0 if all(r.up for r in results) else 1)
