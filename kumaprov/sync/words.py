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
from kumaprov.kinds.changes import Desired, Live, Plan
from kumaprov.kinds.registry import BY_NAME, KINDS
from kumaprov.problems import Position

# Monitor fields that hold another kind's server id, and the key the files name it by (`proxy`).
_NAMED_BY = {kind.named_by.field: kind.named_by.key for kind in KINDS if kind.named_by is not None}

Notes = Mapping[tuple[str, str], tuple[str, ...]]  # (kind, definition id) -> lines


def file_key(desired: Desired, field: str) -> str:
    """How the files name `field` of this object (the server's name where they have none)."""
    kind = BY_NAME.get(desired.kind)
    return (kind.key_in_files(desired, field) if kind else None) or _NAMED_BY.get(field) or field


def notes(plan: Plan, live: Sequence[Live], definitions: Sequence[Definition],
          uses: Sequence[tuple[Position, Origin]]) -> dict[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    unmanaged: dict[str, list[int]] = {}
    for item in live:
        if item.kind == "monitor" and item.owner is None and item.foreign is None:
            unmanaged.setdefault(item.name, []).append(item.kuma_id)
    for create in plan.creates:
        same = unmanaged.get(create.desired.name) if create.desired.kind == "monitor" else None
        if same:
            listed = ", ".join(f"#{kuma_id}" for kuma_id in sorted(same))
            found[("monitor", create.desired.id)] = (
                f"an unmanaged monitor is already called {create.desired.name!r} ({listed}): this makes a "
                "second one; `--adopt` takes it over instead",)
    for update in plan.updates:
        kind = BY_NAME.get(update.desired.kind)
        if kind is not None and (line := kind.update_note(update)):
            found[(update.desired.kind, update.desired.id)] = (line,)
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
