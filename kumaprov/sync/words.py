"""The plan in the files' language: the keys users write, and what a reviewer should know.

The planner compares Uptime Kuma's own fields (`retryInterval`, `maxretries`, `jsonPath`);
a reviewer reads the monitor files (`retry_interval`, `retries`, `query`). `file_key` names a
changed field as the files do; the JSON plan keeps both. `notes` adds a line where the plan
alone would mislead: a create that will make a second monitor of a name an unmanaged monitor
already has (and the `--adopt` that avoids it), and an update whose every change comes from
a template's text (an upgraded built-in template changes monitors no file edit touched).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kumaprov.definitions.entries import Definition
from kumaprov.definitions.library import Origin
from kumaprov.kinds.base import Desired, Live, Plan
from kumaprov.model.mapped import MappedMonitor
from kumaprov.model.registry import MONITOR_TYPES
from kumaprov.problems import Position
from kumaprov.sync.export import _BY_TYPE, _COMMON, _HTTP  # readable key -> field: the tables export reads backwards

# Fields the tables above do not hold: one file key spread over several fields, or a reference.
_SPECIAL = {"authMethod": "basic_auth", "basic_auth_user": "basic_auth.username",
            "basic_auth_pass": "basic_auth.password", "notificationIDList": "notifications", "proxyId": "proxy",
            "headers": "headers", "body": "body", "parent": "parent", "tags": "tags", "name": "name",
            "type": "type", "docker_host": "docker_host"}
_HTTP_TYPES = ("http", "keyword", "json-query")
_NOTIFICATION = {"name": "name", "type": "type", "isDefault": "default"}

Notes = Mapping[tuple[str, str], tuple[str, ...]]  # (kind, definition id) -> lines


def file_key(desired: Desired, field: str) -> str:
    """How the files name `field` of this object (the server's name where they have none)."""
    if desired.kind == "notification":
        return _NOTIFICATION.get(field, f"settings.{field}")
    if desired.kind != "monitor":
        return field
    monitor_type = str(desired.fields.get("type", ""))
    return _monitor_keys(monitor_type).get(field, field)


def _monitor_keys(monitor_type: str) -> dict[str, str]:
    readable = {**_COMMON, **(_HTTP if monitor_type in _HTTP_TYPES else {}), **_BY_TYPE.get(monitor_type, {})}
    model = MONITOR_TYPES.get(monitor_type)
    if model is not None and issubclass(model, MappedMonitor):
        readable.update(model.kuma_names)
    return {**_SPECIAL, **{field: key for key, field in readable.items()}}


def notes(plan: Plan, live: Sequence[Live], definitions: Sequence[Definition],
          uses: Sequence[tuple[Position, Origin]]) -> dict[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    unmanaged: dict[str, list[int]] = {}
    for item in live:
        if item.kind == "monitor" and item.owner is None:
            unmanaged.setdefault(item.name, []).append(item.kuma_id)
    for create in plan.creates:
        same = unmanaged.get(create.desired.name) if create.desired.kind == "monitor" else None
        if same:
            listed = ", ".join(f"#{kuma_id}" for kuma_id in sorted(same))
            found[("monitor", create.desired.id)] = (
                f"an unmanaged monitor is already called {create.desired.name!r} ({listed}): this makes a "
                "second one; `--adopt` takes it over instead",)
    by_id = {d.id: d for d in definitions}
    origins = dict(uses)
    for update in plan.updates:
        definition = by_id.get(update.desired.id) if update.desired.kind == "monitor" else None
        if definition is None or not definition.via or update.adopt or not update.changes:
            continue
        origin = origins.get(definition.via[-1])
        if origin is not None and all(_from_template(definition, file_key(update.desired, change.field), origin)
                                      for change in update.changes):
            where = "built-in" if origin.builtin else "project"
            found[("monitor", update.desired.id)] = (
                f"every change comes from the {where} template '{origin.name}' (version {origin.version}), "
                f"instance at {definition.via[-1]}",)
    return found


def _from_template(definition: Definition, key: str, origin: Origin) -> bool:
    """Whether the value of `key` was written by the template's text, not by a file's defaults."""
    position = definition.position_of(*key.split("."))
    return position.file == definition.raw.pos.file and definition.raw.pos.file.endswith(origin.path.name)
