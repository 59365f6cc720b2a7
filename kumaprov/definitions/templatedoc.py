"""What `kumaprov templates` says about a template: its variables, their defaults, their meaning.

Read from the template itself, so it cannot drift from it: the variables are the names the
Jinja source reads, a default is the argument of a `| default(...)` filter on the name, a
variable tested with `is defined` is optional, and the meaning is the text after the name in
the `# vars:` block of the header comment (the convention of templates/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import jinja2
import jinja2.meta
from jinja2 import nodes

# Globals the templates call (templating.env_reference), not variables a user passes.
_GLOBALS = frozenset({"env"})
_VAR_LINE = re.compile(r"^#\s{2,}([A-Za-z_][A-Za-z0-9_]*)\s+(\S.*)$")
# "default 60", "optional:" in the header's text: the table shows it in a column of its own.
_SAID_IN_COLUMN = re.compile(r"^(?:default\s+\S+?|optional)[:;.]?(?:\s+|$)|,\s*default\s+\S+")


@dataclass(frozen=True)
class Variable:
    name: str
    required: bool
    default: str | None  # as written in the template (a Jinja constant, shown as YAML would)
    meaning: str


@dataclass(frozen=True)
class TemplateDoc:
    name: str
    summary: str
    variables: tuple[Variable, ...]
    # What `env(...)` reads: template variables that name an environment variable
    # (`env(api_key_env)`), and names the template writes itself (`env("API_KEY")`).
    env_vars: tuple[str, ...] = ()
    env_names: tuple[str, ...] = ()

    @property
    def required(self) -> list[str]:
        return [v.name for v in self.variables if v.required]


def describe(name: str, source: str) -> TemplateDoc:
    try:
        tree = jinja2.Environment().parse(source)
    except jinja2.TemplateSyntaxError as exc:  # lint reports it where the template is used
        return TemplateDoc(name, f"(does not parse: line {exc.lineno}: {exc.message})", ())
    names = jinja2.meta.find_undeclared_variables(tree) - _GLOBALS
    defaults: dict[str, str] = {}
    for node in tree.find_all(nodes.Filter):
        if node.name == "default" and isinstance(node.node, nodes.Name) and node.args \
                and isinstance(node.args[0], nodes.Const):
            defaults.setdefault(node.node.name, _shown(node.args[0].value))
    tested = {node.node.name for node in tree.find_all(nodes.Test)
              if node.name == "defined" and isinstance(node.node, nodes.Name)}
    meanings = _meanings(source)
    ordered = [n for n in meanings if n in names] + sorted(names - meanings.keys())
    variables = tuple(
        Variable(n, required=n not in defaults and n not in tested,
                 default=None if n in tested else defaults.get(n), meaning=meanings.get(n, ""))
        for n in ordered)
    calls = [node.args[0] for node in tree.find_all(nodes.Call)
             if isinstance(node.node, nodes.Name) and node.node.name == "env" and len(node.args) == 1]
    env_vars = tuple(dict.fromkeys(arg.name for arg in calls if isinstance(arg, nodes.Name)))
    env_names = tuple(dict.fromkeys(str(arg.value) for arg in calls if isinstance(arg, nodes.Const)))
    return TemplateDoc(name, _summary(name, source), variables, env_vars, env_names)


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value if value else '""'
    return str(value)


def _summary(name: str, source: str) -> str:
    """The first header line, `# NAME: what it is for.`, without the name."""
    first = source.lstrip().splitlines()[0] if source.strip() else ""
    text = first.lstrip("#").strip()
    return text.removeprefix(f"{name}:").strip() if text.startswith(f"{name}:") else ""


def _meanings(source: str) -> dict[str, str]:
    """`#   var   meaning` lines of the header's `# vars:` block, in their order."""
    meanings: dict[str, str] = {}
    inside, indent, last = False, 0, ""
    for line in source.splitlines():
        if not line.startswith("#"):
            break  # the header ends at the first line that is not a comment
        depth = len(line) - len(line[1:].lstrip()) - 1
        if line.strip() == "# vars:":
            inside = True
        elif inside and line.strip() == "#":
            break
        elif inside and last and depth > indent:  # a meaning continued on the next line
            meanings[last] = f"{meanings[last]} {line[1:].strip()}".strip()
        elif inside and (match := _VAR_LINE.match(line)):
            indent, last = depth, match.group(1)
            meanings[last] = _SAID_IN_COLUMN.sub("", match.group(2)).strip()
    return meanings


def text(doc: TemplateDoc, where: str) -> str:
    """One template for the terminal: name, origin, summary, then a table of variables."""
    lines = [f"{doc.name}  ({where})" + (f"\n  {doc.summary}" if doc.summary else "")]
    values = [_value(v) for v in doc.variables]
    width = max((len(v.name) for v in doc.variables), default=0)
    value_width = max(map(len, values), default=0)
    for variable, value in zip(doc.variables, values):
        lines.append(f"    {variable.name:<{width}}  {value:<{value_width}}  {variable.meaning}".rstrip())
    return "\n".join(lines)


def _value(variable: Variable) -> str:
    if variable.required:
        return "required"
    return "optional" if variable.default is None else f"default {variable.default}"
