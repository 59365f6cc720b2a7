"""`kumaprov init`: a repository that lints, diffs and syncs, from nothing.

All or nothing: every file is composed in memory and linted as a project in a scratch
directory, and every directory checked, before the first write; a write that still fails
takes back the files and directories this run made. An existing file is never
overwritten: it is skipped, and named.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from kumaprov import __version__
from kumaprov.kinds.ownership import default_project
from kumaprov.definitions import jsonschema, templatedoc
from kumaprov.definitions.fileguard import guard_for
from kumaprov.definitions.library import TemplateSearch
from kumaprov.errors import InvalidDefinitions, UsageError
from kumaprov.scaffold import files as scaffold_files
from kumaprov.problems import Position, Problem
from kumaprov.suggest import did_you_mean

DEFAULT_TEMPLATE = "openwebui"
# The example a bare `kumaprov init` writes: an Open WebUI with the key the stand-in and the docs use.
EXAMPLE_VARS: dict[str, dict[str, Any]] = {
    "openwebui": {"name": "Open WebUI", "base_url": "https://chat.example.com", "model": "llama3.1:8b"},
}
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Choices:
    target: str
    template: str = DEFAULT_TEMPLATE
    variables: Mapping[str, Any] = field(default_factory=dict)
    requirement: str | None = None  # how CI and the hook install kumaprov (None: see `requirement`)


@dataclass(frozen=True)
class Outcome:
    written: list[str]
    skipped: list[str]
    env_names: list[str]  # the variables the monitor files read: repository secrets to add
    requirement: str


def compose(root: Path, choices: Choices) -> tuple[dict[str, str], list[str], str]:
    """Every file init would write (path relative to root -> text), the variables, the requirement."""
    search = TemplateSearch(root / "templates", guard_for(root))
    if not search.exists(choices.template):
        raise UsageError(f"no template '{choices.template}'{did_you_mean(choices.template, search.names())} "
                         "(`kumaprov templates` lists them)")
    doc = templatedoc.describe(choices.template, search.source(choices.template))
    known = [v.name for v in doc.variables]
    for name in choices.variables:
        if name not in known:
            raise UsageError(f"template '{choices.template}' has no variable '{name}'{did_you_mean(name, known)}")
    variables = _with_defaults(choices, doc)
    missing = [name for name in doc.required if name not in variables]
    if missing:
        wanted = " ".join(f"--var {name}=..." for name in missing)
        raise UsageError(f"template '{choices.template}' needs {', '.join(missing)}: pass {wanted} "
                         f"(`kumaprov templates` describes them)")
    env_names = list(dict.fromkeys([*(str(variables[v]) for v in doc.env_vars if v in variables), *doc.env_names]))
    requirement = choices.requirement or default_requirement()
    files = {
        "kumaprov.yaml": scaffold_files.project_file(choices.target, env_names, default_project(root)),
        f"monitors/{_slug(str(variables['id']))}.yaml": scaffold_files.monitor_file(
            choices.template, doc.summary, variables),
        scaffold_files.SCHEMA_PATH: jsonschema.dumps() + "\n",
        ".pre-commit-config.yaml": scaffold_files.precommit_config(requirement),
        scaffold_files.WORKFLOW_PATH: scaffold_files.workflow(requirement, env_names),
        ".gitignore": scaffold_files.GITIGNORE,
    }
    return files, env_names, requirement


def _with_defaults(choices: Choices, doc: templatedoc.TemplateDoc) -> dict[str, Any]:
    """The user's --var values over the example's: the template's name as id, the id as
    display name, an API key variable named after the id."""
    given = dict(choices.variables)
    identity = str(given.get("id", choices.template))
    defaults: dict[str, Any] = {"id": identity, "name": identity, **EXAMPLE_VARS.get(choices.template, {})}
    for name in doc.env_vars:
        defaults[name] = _slug(identity).replace("-", "_").upper() + "_API_KEY"
    merged = {**defaults, **given}
    return {v.name: merged[v.name] for v in doc.variables if v.name in merged}  # in the template's order


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-") or "monitors"


def default_requirement() -> str:
    """`kumaprov==VERSION`, or the VCS URL kumaprov was installed from (PEP 610), pinned to
    its commit, so CI and the hook install exactly this kumaprov."""
    try:
        direct = metadata.distribution("kumaprov").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        direct = None
    if direct:
        info = json.loads(direct)
        vcs = info.get("vcs_info")
        if vcs and vcs.get("vcs") == "git" and vcs.get("commit_id"):
            return f"kumaprov @ git+{info['url']}@{vcs['commit_id']}"
    return f"kumaprov=={__version__}"


def check(files: Mapping[str, str], target: str, templates: Path | None = None) -> None:
    """Lint the composed project in a scratch directory: init never writes a project that fails.
    `templates`: the directory's own templates/, which the example may use (copied, links kept)."""
    from kumaprov.definitions.project import load_project
    from kumaprov.lint.run import lint

    scratch = Path(tempfile.mkdtemp(prefix="kumaprov-init-"))
    try:
        if templates is not None and templates.is_dir():
            shutil.copytree(templates, scratch / "templates", symlinks=True)
        for relative, text in files.items():
            (scratch / relative).parent.mkdir(parents=True, exist_ok=True)
            (scratch / relative).write_text(text, encoding="utf-8")
        project, problems = load_project(None, scratch)
        result = lint(project, None, target)
        errors = [_relative(p, scratch) for p in [*problems, *result.problems] if p.severity.value == "error"]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if errors:
        raise InvalidDefinitions(errors, len(files))


def _relative(problem: Problem, scratch: Path) -> Problem:
    def moved(position: Position) -> Position:
        prefix = str(scratch) + os.sep
        return position._replace(file=position.file.removeprefix(prefix))

    return Problem(moved(problem.position), problem.code, problem.message, problem.severity,
                   tuple(moved(v) for v in problem.via))


def writable(root: Path, relatives: Sequence[str]) -> None:
    """Every file's nearest existing ancestor must be a directory this process may write in."""
    for relative in relatives:
        path = root / relative
        ancestor = path.parent
        while not ancestor.exists() and ancestor != ancestor.parent:
            ancestor = ancestor.parent
        if not ancestor.is_dir():
            raise UsageError(f"cannot write {path}: {ancestor} is not a directory; nothing was written")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            raise UsageError(f"cannot write {path}: {ancestor} is not writable; nothing was written")


def write(root: Path, files: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Write the files that do not exist yet; on a failure, remove what this run made."""
    made: list[Path] = []
    written: list[str] = []
    skipped = [relative for relative in files if os.path.lexists(root / relative)]
    try:
        for relative, text in files.items():
            if relative in skipped:
                continue
            path = root / relative
            made.extend(_make_parents(path.parent))
            with open(path, "x", encoding="utf-8") as handle:  # "x": never overwrite, even in a race
                made.append(path)
                handle.write(text)
            written.append(relative)
    except OSError as exc:
        for path in reversed(made):
            (path.rmdir if path.is_dir() and not path.is_symlink() else path.unlink)()
        raise UsageError(f"cannot write {exc.filename or root}: {exc.strerror or exc}; nothing was written") \
            from None
    return written, skipped


def _make_parents(directory: Path) -> list[Path]:
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def init(root: Path, choices: Choices) -> Outcome:
    files, env_names, requirement = compose(root, choices)
    check(files, choices.target, root / "templates")
    writable(root, [relative for relative in files if not os.path.lexists(root / relative)])
    written, skipped = write(root, files)
    return Outcome(written, skipped, env_names, requirement)
