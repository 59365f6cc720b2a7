"""The optional project file, `kumaprov.yaml`: target server, paths and shared defaults."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

from kumaprov import secrets, versions
from kumaprov.definitions import yamlpos
from kumaprov.problems import Position, Problem, display_path
from kumaprov.suggest import did_you_mean

PROJECT_FILE = "kumaprov.yaml"
KEYS = ("target", "monitors", "templates", "owner_tag", "defaults", "variables")
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
    defaults: dict[str, object] = field(default_factory=dict)
    # The environment variables definitions may reference (names or glob patterns);
    # None: any but the reserved ones (secrets.RESERVED_VARIABLES).
    variables: tuple[str, ...] | None = None


def load_project(config: Path | None, root: Path) -> tuple[Project, list[Problem]]:
    """Read the project file (explicit, or `kumaprov.yaml` in root if present)."""
    path = config if config is not None else root / PROJECT_FILE
    base = Project(root=root, monitor_paths=(root / "monitors",), templates_dir=root / "templates")
    if config is None and not path.is_file():
        return base, []
    name = display_path(path)
    try:
        data = yamlpos.load(path.read_text(encoding="utf-8"), name)
    except OSError as exc:
        return base, [Problem(Position(name), "KP001", f"cannot read project file: {exc.strerror}")]
    except UnicodeDecodeError:
        return base, [Problem(Position(name), "KP001", "project file is not UTF-8 text")]
    except yamlpos.YamlError as exc:
        return base, [Problem(exc.position, "KP002", f"YAML syntax error: {exc.message}")]
    if data is None:
        data = yamlpos.LocatedMap()
        data.pos, data.key_pos, data.value_pos = Position(name), {}, {}
    if not isinstance(data, yamlpos.LocatedMap):
        return base, [Problem(Position(name), "KP003", "the project file must be a mapping")]
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
            versions.server_line(target)
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
        owner_tag=str(data.get("owner_tag", "kumaprov")),
        defaults=defaults,
        variables=variables,
    )
    return project, problems


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
