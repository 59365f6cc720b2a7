"""The commands about the project itself: `templates` (the library) and `init` (a new repository).

They register on the `main` group of kumaprov.cli, and talk to no server.
"""

from __future__ import annotations

import sys

import click

from kumaprov.cli import _project, fail_cleanly, main
from kumaprov.errors import UsageError
from kumaprov.library import TemplateSearch
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
    from kumaprov import templatedoc

    search = TemplateSearch(_project(ctx).templates_dir)
    blocks = []
    for name in search.names():
        origin = search.origin(name)
        where = "built-in" if origin.builtin else f"project, {display_path(origin.path)}"
        if not origin.builtin and search.builtin.exists(name):
            where += ", instead of the built-in one"
        doc = templatedoc.describe(name, search.source(name))
        blocks.append(templatedoc.text(doc, f"{where}, version {origin.version}"))
    click.echo("\n\n".join(blocks) if blocks else "no templates")


@templates_group.command("show")
@click.argument("name")
@click.option("--builtin", "builtin", is_flag=True, help="The built-in template, even where the project has its own.")
@click.pass_context
@fail_cleanly
def show_command(ctx: click.Context, name: str, builtin: bool) -> None:
    """Print template NAME, to read it or to copy it into templates/ and adapt it."""
    search = TemplateSearch(_project(ctx).templates_dir)
    if not (search.builtin.exists(name) if builtin else search.exists(name)):
        choices = search.builtin.names() if builtin else search.names()
        raise UsageError(f"no {'built-in ' if builtin else ''}template '{name}'{did_you_mean(name, choices)} "
                         "(`kumaprov templates` lists them)")
    origin = search.origin(name, builtin)
    click.echo(f"# {origin.describe()}: {display_path(origin.path)}", err=True)
    sys.stdout.write(search.source(name, builtin))
