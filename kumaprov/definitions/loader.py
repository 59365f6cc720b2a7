"""Files to definitions: read YAML, expand templates, apply defaults, validate the model.

Every problem is collected (nothing stops at the first), and every definition
keeps its located raw mapping so later checks can still point at a key.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kumaprov.definitions import validation as schema
from kumaprov.definitions import aliasbomb, alert_layers, yamlpos
from kumaprov.definitions.entries import Defined, Definition, Entry, Loaded
from kumaprov.definitions.fileguard import FileGuard, Refused, guard_for
from kumaprov.definitions.library import TemplateSearch
from kumaprov.definitions.project import PROJECT_FILE, Project
from kumaprov.definitions.templatenesting import Nesting
from kumaprov.definitions.yamlpos import LocatedList, LocatedMap
from kumaprov.kinds.base import Kind
from kumaprov.kinds.registry import ENTRY_KINDS, KINDS
from kumaprov.model.registry import MONITOR_TYPES, Monitor, defaultable_keys, fields_of
from kumaprov.problems import Position, Problem, Severity, display_path
from kumaprov.suggest import did_you_mean

FILE_KEYS = ("defaults", *(str(kind.file_key) for kind in KINDS if kind.file_key))
IDENTITY_KEYS = ("id", "name", "type", "samples")
INSTANCE_KEYS = ("template", "vars", "environments")
UNKNOWN_ENVIRONMENT = "KP008"
YAML_SUFFIXES = (".yaml", ".yml")

# What users call a type, where Uptime Kuma's name is not a near spelling of it.
_TYPE_ALIASES = {"tcp": "port", "icmp": "ping", "json": "json-query", "grpc": "grpc-keyword", "mssql": "sqlserver",
                 "postgresql": "postgres", "mariadb": "mysql", "mongo": "mongodb", "websocket": "websocket-upgrade",
                 "browser": "real-browser", "kafka": "kafka-producer", "heartbeat": "push"}


def discover(paths: Iterable[Path], guard: FileGuard | None = None) -> tuple[list[Path], list[Problem]]:
    """Expand directories into their YAML files (sorted, so output is stable)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if guard is not None and path.is_dir() and not guard.contains(path):
            # A link out of the project: walking it could mean walking `/`.
            problems.append(Problem(Position(display_path(path)), "KP001", "cannot read directory: outside the "
                                    f"project directory (a link to {os.path.realpath(path)})"))
        elif path.is_dir():
            # A dangling link is kept, so that it is reported rather than silently skipped.
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES
                                and p.name != PROJECT_FILE and (p.is_file() or p.is_symlink())
                                and ".git" not in p.relative_to(path).parts))
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(Position(display_path(path)), "KP001", "no such file or directory"))
    return files, problems


def load(project: Project, paths: Sequence[Path] | None = None, guard: FileGuard | None = None) -> Loaded:
    """Read the monitor files (`paths`, else the project's); `guard` bounds every file read."""
    guard = guard or guard_for(project.root, paths or ())
    files, problems = discover(paths or project.monitor_paths, guard)
    return merge(problems, files, [read(project, files, guard)])


def read(project: Project, files: Sequence[Path], guard: FileGuard) -> Loaded:
    """Read `files` in order into a Loaded of their own: the files are independent of each
    other, so a long list can be read in parts (lint/parallel.py) and the parts merged."""
    return reader(project, guard).read_all(files, None)


def reader(project: Project, guard: FileGuard) -> _Reader:
    """What reads the files one by one (`read_file`, `read_all`), into its `loaded`."""
    return _Reader(project, TemplateSearch(project.templates_dir, guard), Loaded(), guard)


def merge(problems: list[Problem], files: list[Path], parts: Sequence[Loaded]) -> Loaded:
    """The parts read from consecutive runs of `files`, in order, as one read of them all would be."""
    loaded = Loaded(problems=list(problems), files=files)
    for part in parts:
        loaded.problems.extend(part.problems)
        loaded.definitions.extend(part.definitions)
        loaded.entries.extend(part.entries)
        loaded.template_uses.extend(part.template_uses)
        for kind, defined in part.defined.items():
            loaded.defined.setdefault(kind, []).extend(defined)
        for kind, written in part.written.items():
            loaded.written.setdefault(kind, []).extend(written)
    # Each part checked the project's defaults again: the same problems, reported once here.
    loaded.problems = _unique(loaded.problems)
    return loaded


def _unique(problems: list[Problem]) -> list[Problem]:
    # Defaults shared by many monitors would otherwise report one bad value once per monitor.
    return list(dict.fromkeys(problems))


class _Reader:
    def __init__(self, project: Project, templates: TemplateSearch, loaded: Loaded, guard: FileGuard) -> None:
        self.project = project
        self.guard = guard
        self.nesting = Nesting()
        self.templates = templates
        self.loaded = loaded
        self.project_defaults = self.checked_defaults(project.defaults)
        self.template_files: dict[str, str] = {}  # template name -> its path as problems show it

    def read_all(self, files: Sequence[Path], into: Loaded | None) -> Loaded:
        """Read `files` into `into` (None: what this reader has read so far) and return it."""
        if into is not None:
            self.loaded = into
        for path in files:
            self.read_file(path)
        return self.loaded

    def problem(self, position: Position, code: str, message: str, via: tuple[Position, ...] = (),
                severity: Severity = Severity.ERROR) -> None:
        self.loaded.problems.append(Problem(position, code, message, severity, via))

    def read_file(self, path: Path) -> None:
        name = display_path(path)
        try:
            text = self.guard.read_text(path)
        except Refused as exc:
            message = exc.reason if exc.reason == "not UTF-8 text" else f"cannot read file: {exc}"
            return self.problem(Position(name, exc.line, exc.column), "KP001", message)
        data = self.parse(text, name)
        if data is None:
            return None
        if not isinstance(data, LocatedMap):
            return self.problem(getattr(data, "pos", Position(name)), "KP003",
                                "a monitor file is a mapping with a `monitors:` list")
        for key in data:
            if key not in FILE_KEYS:
                self.problem(data.position_of_key(key), "KP003",
                             f"unknown top-level key '{key}'{did_you_mean(str(key), FILE_KEYS)}")
        defaults = self.checked_defaults(data.get("defaults"), data.position_of_value("defaults"))
        layers = [self.project_defaults, defaults]
        for item, position in self.items(data, "monitors"):
            self.read_item(item, position, path.parent, layers)
        for kind in ENTRY_KINDS:
            for item, position in (self.keyed(data, str(kind.file_key)) if kind.per_key
                                   else self.items(data, str(kind.file_key))):
                self.read_entry(kind, item, position, path.parent)
        return None

    def read_entry(self, kind: Kind, item: Any, position: Position, base_dir: Path) -> None:
        """An entry of a kind other than monitors, kept as written (lint checks its secrets
        even when it fails its model) and, when it passes, with its model's value."""
        if not isinstance(item, LocatedMap):
            return self.problem(position, "KP003", f"each {kind.what} must be a mapping")
        self.loaded.written.setdefault(kind.name, []).append(Entry(item, base_dir, ()))
        try:
            value = kind.model.model_validate(item)
        except ValidationError as exc:
            article = "an" if kind.what[0].lower() in "aeiou" else "a"
            self.loaded.problems.extend(schema.model_problems(exc, item, kind.model, f"{article} {kind.what}", ()))
            return None
        self.loaded.defined.setdefault(kind.name, []).append(Defined(item, base_dir, (), value))
        return None

    def parse(self, text: str, name: str, via: tuple[Position, ...] = ()) -> Any:
        try:
            data = yamlpos.load(text, name)
            if aliasbomb.may_alias(text) and (bomb := aliasbomb.problem(data)) is not None:
                key, message = bomb
                where = data.position_of_value(key) if key is not None else Position(name)
                self.problem(where, "KP002", message, via)
                return None
            return data
        except yamlpos.YamlError as exc:
            self.problem(exc.position, "KP002", f"YAML syntax error: {exc.message}", via)
        except RecursionError:
            self.problem(Position(name), "KP002", "YAML is nested too deeply", via)
        return None

    def items(self, data: LocatedMap, key: str) -> Iterator[tuple[Any, Position]]:
        value = data.get(key)
        if value is None:
            return
        if not isinstance(value, LocatedList):
            self.problem(data.position_of_value(key), "KP003", f"`{key}` must be a list")
            return
        yield from zip(value, value.item_pos)

    def keyed(self, data: LocatedMap, key: str) -> Iterator[tuple[Any, Position]]:
        """A mapping whose every key is one entry (`settings:`): each as a one-key mapping
        located where its key is, so a problem with it (or a second one) names that line."""
        value = data.get(key)
        if value is None:
            return
        if not isinstance(value, LocatedMap):
            self.problem(data.position_of_value(key), "KP003", f"`{key}` must be a mapping")
            return
        for name in value:
            entry = _empty_map(value.position_of_key(name))
            entry[name] = value[name]
            entry.key_pos[name] = value.position_of_key(name)
            entry.value_pos[name] = value.position_of_value(name)
            yield entry, entry.pos

    def checked_defaults(self, defaults: Any, position: Position | None = None) -> LocatedMap:
        if defaults is None or (isinstance(defaults, dict) and not defaults):
            return _empty_map(position)
        if not isinstance(defaults, LocatedMap):
            self.problem(position or Position("?"), "KP003", "`defaults` must be a mapping")
            return _empty_map(position)
        for key in defaults:
            if key in IDENTITY_KEYS:
                self.problem(defaults.position_of_key(key), schema.UNKNOWN_KEY,
                             f"'{key}' cannot be a default: id, name, type and samples belong to each monitor")
            elif key not in defaultable_keys():
                self.problem(defaults.position_of_key(key), schema.UNKNOWN_KEY,
                             f"unknown key '{key}' in defaults{did_you_mean(str(key), defaultable_keys())}")
        return defaults

    def read_item(self, item: Any, position: Position, base_dir: Path, layers: list[LocatedMap],
                  via: tuple[Position, ...] = (), builtin: bool = False) -> None:
        if not isinstance(item, LocatedMap):
            return self.problem(position, "KP003", "each entry of `monitors` must be a mapping", via)
        if not self.in_environment(item, layers):
            return None
        if "template" in item:
            return self.expand(item, layers, via)
        monitor_type = item.get("type")
        known = isinstance(monitor_type, str) and monitor_type in MONITOR_TYPES
        if not known:
            self.loaded.entries.append(Entry(item, base_dir, via, builtin=builtin))
        if monitor_type is None:
            return self.problem(item.pos, schema.MISSING_KEY, "missing required key 'type'", via)
        if not known:
            alias = _TYPE_ALIASES.get(str(monitor_type).lower())
            hint = (f" (did you mean '{alias}'?)" if alias else did_you_mean(str(monitor_type), MONITOR_TYPES)
                    or f" (one of: {', '.join(MONITOR_TYPES)})")
            return self.problem(item.position_of_value("type"), schema.UNKNOWN_TYPE,
                                f"unknown monitor type '{monitor_type}'{hint}", via)
        raw = _with_defaults(item, layers, fields_of(monitor_type))
        self.loaded.entries.append(Entry(raw, base_dir, via, builtin=builtin))
        try:
            monitor: Monitor = MONITOR_TYPES[monitor_type].model_validate(raw)  # type: ignore[assignment]
        except ValidationError as exc:
            self.loaded.problems.extend(schema.problems(exc, raw, monitor_type, via))
            return None
        self.loaded.definitions.append(Definition(raw, base_dir, via, monitor, builtin=builtin))
        return None

    def in_environment(self, item: LocatedMap, layers: list[LocatedMap]) -> bool:
        """Whether an entry (a monitor or a template instance) exists in this run's environment:
        its own `environments:`, else its file's or the project's `defaults`, else every one. Names
        no environment declares are reported (once per run, whichever environment it is for)."""
        where = next((layer for layer in [item, *reversed(layers)] if "environments" in layer), None)
        if where is None:
            return True
        listed = where["environments"]
        if not isinstance(listed, list):
            return True  # the model reports the type
        declared = [env.name for env in self.project.environments]
        for index, name in enumerate(listed):
            if name not in declared:
                position = yamlpos.locate(item, ("environments", index)) or item.position_of_value("environments")
                known = f" (declared: {', '.join(declared)})" if declared else "; kumaprov.yaml declares none"
                self.problem(position, UNKNOWN_ENVIRONMENT,
                             f"no environment '{name}'{did_you_mean(str(name), declared)}{known}")
        chosen = self.project.environment
        return chosen is None or chosen.name in listed

    def expand(self, instance: LocatedMap, layers: list[LocatedMap], via: tuple[Position, ...]) -> None:
        if (refused := self.nesting.enter(str(instance.get("template")))) is not None:
            return self.problem(instance.position_of_value("template"), "KP004", refused, via) if refused else None
        try:
            return self.expand_instance(instance, layers, via)
        finally:
            self.nesting.leave()

    def expand_instance(self, instance: LocatedMap, layers: list[LocatedMap], via: tuple[Position, ...]) -> None:
        here = via + (instance.pos,)
        for key in instance:
            if key not in INSTANCE_KEYS:
                self.problem(instance.position_of_key(key), "KP003",
                             f"unknown key '{key}' in a template entry{did_you_mean(str(key), INSTANCE_KEYS)}")
        name = str(instance["template"])
        if not self.templates.exists(name):
            bare = name.removesuffix(".j2").removesuffix(".yaml")
            hint = f" (write the name without the suffix: '{bare}')" if self.templates.exists(bare) \
                else did_you_mean(name, self.templates.names()) or " (`kumaprov templates` lists them)"
            return self.problem(instance.position_of_value("template"), "KP005",
                                f"no template '{name}' in {display_path(self.templates.directory)} or the built-in "
                                f"library{hint}", via)
        if refused := self.templates.unreadable(name):
            return self.problem(instance.position_of_value("template"), "KP005",
                                f"cannot read template '{name}': {refused}", via)
        variables = instance.get("vars") or {}
        if not isinstance(variables, dict):
            return self.problem(instance.position_of_value("vars"), "KP003", "`vars` must be a mapping", via)
        known = self.templates.variables(name)
        for key in variables:
            if known and key not in known:
                self.problem(variables.position_of_key(key) if isinstance(variables, LocatedMap) else instance.pos,
                             "KP007", f"template '{name}' has no variable '{key}'{did_you_mean(str(key), known)}",
                             via, Severity.WARNING)
        from kumaprov.definitions.templating import TemplateError  # Jinja loads with the first template used

        try:
            shared = self.project.environment.vars if self.project.environment is not None else {}
            text = self.templates.render(name, {**shared, **variables})
        except TemplateError as exc:
            return self.problem(Position(display_path(Path(exc.file)), exc.line or 1), "KP004", exc.message, here)
        origin = self.templates.origin(name)
        self.loaded.template_uses.append((instance.pos, origin))
        if name not in self.template_files:  # display_path asks for the working directory each time
            self.template_files[name] = display_path(self.templates.path(name))
        template_file = self.template_files[name]
        data = self.parse(text, template_file, here)
        if data is None:
            return None
        if not isinstance(data, LocatedMap) or "monitors" not in data:
            return self.problem(Position(template_file), "KP003",
                                "a template must render a mapping with a `monitors:` list", here)
        items = list(self.items(data, "monitors"))
        if not items:
            self.problem(instance.pos, "KP006", f"template '{name}' produced no monitors with these vars",
                         via, Severity.WARNING)
        for item, position in items:
            self.read_item(item, position, self.templates.directory_of(name), layers, here, origin.builtin)
        return None


def _with_defaults(item: LocatedMap, layers: list[LocatedMap], allowed: frozenset[str]) -> LocatedMap:
    """The monitor's own keys over file defaults over project defaults, positions kept."""
    merged = _empty_map(item.pos)
    for layer in [*layers, item]:
        own = layer is item
        for key, value in layer.items():
            if own or key in allowed:
                merged[key] = value
                merged.key_pos[key] = layer.position_of_key(key)
                merged.value_pos[key] = layer.position_of_value(key)
    alert_layers.merge(merged, item, layers)  # alerts merge per alert, not as one key
    return merged


def _empty_map(position: Position | None) -> LocatedMap:
    result = LocatedMap()
    result.pos = position or Position("<defaults>")
    result.key_pos = {}
    result.value_pos = {}
    return result
