"""The optional project file, `kumaprov.yaml`: target server, paths and shared defaults."""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from kumaprov import secrets, versions
from kumaprov.definitions import aliasbomb, environments, yamlpos
from kumaprov.definitions.environments import Environment, layered
from kumaprov.errors import UsageError
from kumaprov.definitions.fileguard import FileGuard, Refused, bounds, escape
from kumaprov.kinds.ownership import DEFAULT_PROJECT, Owner, default_project
from kumaprov.problems import Position, Problem, display_path
from kumaprov.suggest import did_you_mean

PROJECT_FILE = "kumaprov.yaml"
KEYS = ("project", "adopt_legacy", "adopt_from", "target", "monitors", "templates", "owner_tag", "defaults", "variables",
        "environments")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_VARIABLE_PATTERN = re.compile(r"^[A-Za-z_*?][A-Za-z0-9_*?]*$")


@dataclass(frozen=True)
class Project:
    root: Path
    file: Path | None = None
    # The Uptime Kuma version the files are written for; None means "every supported line".
    target: str | None = None
    monitor_paths: tuple[Path, ...] = ()
    templates_dir: Path = Path("templates")
    owner_tag: str = "kumaprov"
    # The project's name on the server (kinds.ownership); default: its directory's name.
    name: str = DEFAULT_PROJECT
    adopt_legacy: bool = False  # take over objects kumaprov marked before projects existed
    adopt_from: frozenset[str] = frozenset()  # take over these projects' objects (moved here)
    defaults: dict[str, object] = field(default_factory=dict)
    # The environment variables definitions may reference (names or glob patterns);
    # None: any but the reserved ones (secrets.RESERVED_VARIABLES).
    variables: tuple[str, ...] | None = None
    environments: tuple[Environment, ...] = ()
    environment: Environment | None = None  # the one this run is for (`select`)

    @property
    def owner(self) -> Owner:
        return Owner(self.owner_tag, self.name, self.adopt_legacy, self.adopt_from)

    def select(self, name: str | None) -> Project:
        """The project as one environment sees it: its target, its defaults over the project's,
        its template variables. None: the project as written (an error when it has environments
        and the command talks to one server)."""
        if name is None:
            return self
        chosen = next((env for env in self.environments if env.name == name), None)
        if chosen is None:
            known = [env.name for env in self.environments]
            raise UsageError(f"no environment '{name}' in {self.file or PROJECT_FILE}"
                             f"{did_you_mean(name, known)} (environments: {', '.join(known) or 'none'})")
        return replace(self, environment=chosen, target=chosen.target or self.target,
                       defaults=layered(self.defaults, chosen.defaults))


def load_project(config: Path | None, root: Path) -> tuple[Project, list[Problem]]:
    """Read the project file (explicit, or `kumaprov.yaml` in root if present)."""
    path = config if config is not None else root / PROJECT_FILE
    base = Project(root=root, monitor_paths=(root / "monitors",), templates_dir=root / "templates",
                   name=default_project(root))
    if config is None and not os.path.lexists(path):
        return _checked_paths(base, None)
    name = display_path(path)
    try:
        text = FileGuard.of([bounds(path.parent)]).read_text(path)
        data = yamlpos.load(text, name)
    except Refused as exc:
        return base, [Problem(Position(name, exc.line, exc.column), "KP001", f"cannot read project file: {exc}")]
    except yamlpos.YamlError as exc:
        return base, [Problem(exc.position, "KP002", f"YAML syntax error: {exc.message}")]
    if data is None:
        data = yamlpos.LocatedMap()
        data.pos, data.key_pos, data.value_pos = Position(name), {}, {}
    if not isinstance(data, yamlpos.LocatedMap):
        return base, [Problem(Position(name), "KP003", "the project file must be a mapping")]
    if aliasbomb.may_alias(text) and (bomb := aliasbomb.problem(data)) is not None:  # defaults: every monitor
        return base, [Problem(data.position_of_value(bomb[0]), "KP002", bomb[1])]
    return _project_from(data, path, path.parent)


def _project_from(data: yamlpos.LocatedMap, path: Path, root: Path) -> tuple[Project, list[Problem]]:
    problems: list[Problem] = []
    for key in data:
        if key not in KEYS:
            problems.append(Problem(data.position_of_key(key), "KP003",
                                    f"unknown project key '{key}'{did_you_mean(key, KEYS)}"))
    target = data.get("target")
    if target is not None:
        target = str(target)
        try:
            versions.target_line(target)
        except ValueError as exc:
            problems.append(Problem(data.position_of_value("target"), "KP003", str(exc)))
            target = None
    monitors = data.get("monitors", ["monitors"])
    if isinstance(monitors, str):
        monitors = [monitors]
    if not isinstance(monitors, list) or not all(isinstance(m, str) for m in monitors):
        problems.append(Problem(data.position_of_value("monitors"), "KP003", "monitors: expected a list of paths"))
        monitors = ["monitors"]
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        problems.append(Problem(data.position_of_value("defaults"), "KP003", "defaults: expected a mapping"))
        defaults = {}
    variables = _variables(data, problems)
    project = Project(
        root=root,
        file=path,
        target=target,
        monitor_paths=tuple(root / m for m in monitors),
        templates_dir=root / str(data.get("templates", "templates")),
        owner_tag=_owner_tag(data, problems),
        name=_name(data, root, problems),
        adopt_legacy=_flag(data, "adopt_legacy", problems),
        adopt_from=_projects(data, "adopt_from", problems),
        defaults=defaults,
        variables=variables,
        environments=environments.read(data, problems),
    )
    project, refused = _checked_paths(project, data)
    return project, problems + refused


def _owner_tag(data: yamlpos.LocatedMap, problems: list[Problem]) -> str:
    """The tag that marks kumaprov's monitors: a name, or sync would tag them `None` or `{'a': 1}`."""
    value = data.get("owner_tag", "kumaprov")
    if isinstance(value, str) and value.strip():
        return value
    shown = ("empty" if isinstance(value, str) else "null" if value is None else "a mapping" if isinstance(value, dict)
             else "a list" if isinstance(value, list) else f"{value!r}; quote it")
    problems.append(Problem(data.position_of_value("owner_tag"), "KP003",
                            f"owner_tag: expected a tag name (text), got {shown}"))
    return "kumaprov"


def _name(data: yamlpos.LocatedMap, root: Path, problems: list[Problem]) -> str:
    """`project:`, a slug: it is written into every object's marker (`<project>/<id>`)."""
    if "project" not in data:
        return default_project(root)
    value = data["project"]
    if isinstance(value, str) and _SLUG.match(value):
        return value
    problems.append(Problem(data.position_of_value("project"), "KP003",
                            f"project: expected a name of lowercase letters, digits, '.', '_' and '-' "
                            f"(at most 64), got {value!r}"))
    return default_project(root)


def _projects(data: yamlpos.LocatedMap, key: str, problems: list[Problem]) -> frozenset[str]:
    listed = data.get(key, [])
    if isinstance(listed, list) and all(isinstance(name, str) and _SLUG.match(name) for name in listed):
        return frozenset(listed)
    problems.append(Problem(data.position_of_value(key), "KP003", f"{key}: expected a list of project names"))
    return frozenset()


def _flag(data: yamlpos.LocatedMap, key: str, problems: list[Problem]) -> bool:
    value = data.get(key, False)
    if isinstance(value, bool):
        return value
    problems.append(Problem(data.position_of_value(key), "KP003", f"{key}: expected true or false, got {value!r}"))
    return False


def _checked_paths(project: Project, data: yamlpos.LocatedMap | None) -> tuple[Project, list[Problem]]:
    """Monitor and template directories must lie inside the project, symlinks resolved:
    lint walks them, and a pull request must not point it at `/` or `../../etc`."""
    problems: list[Problem] = []
    kept = []
    for index, path in enumerate(project.monitor_paths):
        if reason := escape(path, project.root):
            problems.append(Problem(_where(data, "monitors", index, path), "KP001",
                                    f"monitors '{_relative(path, project.root)}': {reason}"))
        else:
            kept.append(path)
    if reason := escape(project.templates_dir, project.root):
        problems.append(Problem(_where(data, "templates", None, project.templates_dir), "KP001",
                                f"templates '{_relative(project.templates_dir, project.root)}': {reason}"))
    return replace(project, monitor_paths=tuple(kept)), problems


def _relative(path: Path, root: Path) -> str:
    """The path as the project file wrote it (it was joined to the root)."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _where(data: yamlpos.LocatedMap | None, key: str, index: int | None, path: Path) -> Position:
    if data is None or key not in data:
        return Position(display_path(path))  # a default directory: name it
    value = data[key]
    if index is not None and isinstance(value, yamlpos.LocatedList) and index < len(value.item_pos):
        return value.item_pos[index]
    return data.position_of_value(key)


def _variables(data: yamlpos.LocatedMap, problems: list[Problem]) -> tuple[str, ...] | None:
    if "variables" not in data:
        return None
    listed = data["variables"]
    if not isinstance(listed, list) or not all(isinstance(name, str) for name in listed):
        problems.append(Problem(data.position_of_value("variables"), "KP003",
                                "variables: expected a list of environment variable names (glob patterns allowed)"))
        return None
    for index, pattern in enumerate(listed):
        where = yamlpos.locate(data, ("variables", index)) or data.position_of_value("variables")
        if not _VARIABLE_PATTERN.match(pattern):
            problems.append(Problem(where, "KP003", f"variables: '{pattern}' is not a variable name or glob pattern"))
        elif admitted := [name for name in secrets.CREDENTIAL_VARIABLES if fnmatch.fnmatchcase(name, pattern)]:
            problems.append(Problem(where, "KP003", f"variables: '{pattern}' admits {admitted[0]}, and kumaprov's own "
                                    "credentials are never readable from a definition"))
    return tuple(listed)
