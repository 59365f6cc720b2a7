"""The commands about the project itself: `templates` (the library) and `init` (a new repository).

They register on the `main` group of kumaprov.cli, and talk to no server.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import click

from kumaprov import versions
from kumaprov.cli.group import TARGET, _project, fail_cleanly, main
from kumaprov.definitions.fileguard import guard_for
from kumaprov.definitions.library import TemplateSearch
from kumaprov.errors import UsageError
from kumaprov.problems import display_path
from kumaprov.suggest import did_you_mean


@main.group("templates", invoke_without_command=True)
@click.pass_context
def templates_group(ctx: click.Context) -> None:
    """List the templates a `template:` entry can name, with their variables and defaults.

    The project's own templates directory comes first: a template there wins over a
    built-in one of the same name."""
    if ctx.invoked_subcommand is None:
        _list_templates(ctx)


@fail_cleanly
def _list_templates(ctx: click.Context) -> None:
    from kumaprov.definitions import templatedoc

    search = _search(ctx)
    blocks = []
    for name in search.names():
        if refused := search.unreadable(name):
            blocks.append(f"{name}  (project, {display_path(search.path(name))}: cannot read it: {refused})")
            continue
        origin = search.origin(name)
        where = "built-in" if origin.builtin else f"project, {display_path(origin.path)}"
        if not origin.builtin and search.builtin.exists(name):
            where += ", instead of the built-in one"
        doc = templatedoc.describe(name, search.source(name))
        blocks.append(templatedoc.text(doc, f"{where}, version {origin.version}"))
    click.echo("\n\n".join(blocks) if blocks else "no templates")


def _search(ctx: click.Context) -> TemplateSearch:
    project = _project(ctx)
    return TemplateSearch(project.templates_dir, guard_for(project.root))  # as lint reads them


@templates_group.command("show")
@click.argument("name")
@click.option("--builtin", "builtin", is_flag=True, help="The built-in template, even where the project has its own.")
@click.pass_context
@fail_cleanly
def show_command(ctx: click.Context, name: str, builtin: bool) -> None:
    """Print template NAME, to read it or to copy it into templates/ and adapt it."""
    search = _search(ctx)
    if not (search.builtin.exists(name) if builtin else search.exists(name)):
        choices = search.builtin.names() if builtin else search.names()
        raise UsageError(f"no {'built-in ' if builtin else ''}template '{name}'{did_you_mean(name, choices)} "
                         "(`kumaprov templates` lists them)")
    if refused := search.unreadable(name, builtin):
        raise UsageError(f"cannot read template '{name}': {refused}")
    origin = search.origin(name, builtin)
    click.echo(f"# {origin.describe()}: {display_path(origin.path)}", err=True)
    sys.stdout.write(search.source(name, builtin))


_VAR = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
_INTEGER = re.compile(r"^-?[0-9]+$")


def _variables(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for value in values:
        match = _VAR.match(value)
        if not match:
            raise click.BadParameter(f"'{value}' is not NAME=VALUE")
        name, text = match.groups()
        # Numbers and booleans as YAML would read them in the file; everything else stays text
        # ("no", "1.0" and "llama3.1:8b" included).
        parsed[name] = int(text) if _INTEGER.match(text) else {"true": True, "false": False}.get(text, text)
    return parsed


@main.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@TARGET
@click.option("--template", "template", default="openwebui", show_default=True,
              help="The template the example monitor file instantiates.")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE", callback=_variables,
              help="A variable of the template (repeatable); the Open WebUI example has defaults for all.")
@click.option("--requirement", metavar="SPEC",
              help="How the workflow and the pre-commit hook pip-install kumaprov "
                   "(default: kumaprov==VERSION, or the git URL this kumaprov came from).")
@fail_cleanly
def init_command(directory: Path, target: str | None, template: str, variables: dict[str, Any],
                 requirement: str | None) -> None:
    """Start a GitOps repository for Uptime Kuma in DIRECTORY (default: here).

    Writes kumaprov.yaml, an example monitor file, the JSON Schema editors use, a pre-commit
    hook, a GitHub Actions workflow and a .gitignore. Never overwrites a file: one that
    exists is skipped and named. Nothing is written when anything is wrong."""
    from kumaprov.scaffold import init as scaffold

    if target is None:
        newest = versions.ALL_LINES[-1].version
        if sys.stdin.isatty():
            target = click.prompt("Uptime Kuma version of your server", default=newest,
                                  value_proc=lambda value: _valid_version(value))
        else:
            target = newest
            click.echo(f"target: {newest} (pass --target VERSION for another server version)", err=True)
    outcome = scaffold.init(directory, scaffold.Choices(target, template, variables, requirement))
    for relative in outcome.written:
        click.echo(f"  wrote   {display_path(directory / relative)}", err=True)
    for relative in outcome.skipped:
        click.echo(f"  skipped {display_path(directory / relative)}: it exists (init never overwrites a file)",
                   err=True)
    if not outcome.written:
        click.echo("nothing written: every file exists", err=True)
        return
    keys = " ".join(f"{name}=..." for name in outcome.env_names)
    click.echo(f"""
Next, in {display_path(directory) if directory != Path(".") else "this directory"}:
  kumaprov lint                      # offline; pre-commit install runs it before every commit
  export KUMA_URL=https://kuma.example.com KUMA_USERNAME=... KUMA_PASSWORD=... {keys}
  kumaprov diff                      # what sync would change
  kumaprov sync
The workflow installs {outcome.requirement!r}; add these repository secrets:
  KUMA_URL, KUMA_TOKEN (or KUMA_USERNAME and KUMA_PASSWORD){"".join(", " + n for n in outcome.env_names)}
  (kumaprov token | gh secret set KUMA_TOKEN: a password login's token, no 2FA code needed)""",
               err=True)


def _valid_version(value: str) -> str:
    try:
        versions.server_line(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value
