"""The planner: pure functions from desired and live state to Create / Update / Delete.

No client, no I/O. Identity is explicit: the ownership tag's value on monitors,
a marker in a notification's configuration, the name of a tag. What kumaprov
does not own is never touched unless adoption by name is asked for. Comparison
(kinds.compare) normalises the server's representations so that an unchanged
definition plans nothing: an edit restarts the monitor on the server, so a
needless one is a bug, not a cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from kumaprov.errors import PlanRefused
from kumaprov.kinds.base import Kind, ServerRefs, Wanted
from kumaprov.kinds.changes import Change, Create, Delete, Desired, Live, Plan, Update
from kumaprov.kinds.ownership import moved
from kumaprov.kinds.registry import BY_NAME, KINDS, REFERENCE_FIELDS


def make_plan(desired: Sequence[Desired], live: Sequence[Live], *, adopt: bool = False,
              prune: bool = True, refs: ServerRefs | None = None) -> Plan:
    """The plan for one kind of object (monitors or notifications); see `combine`."""
    refs = refs or server_refs(live)
    owned: dict[str, list[Live]] = defaultdict(list)
    for monitor in sorted(live, key=lambda m: m.kuma_id):
        if monitor.owner is not None:
            owned[monitor.owner].append(monitor)
    unowned_by_name: dict[str, list[Live]] = defaultdict(list)
    for monitor in live:
        if monitor.owner is None and monitor.foreign is None:  # another project's is never adopted
            unowned_by_name[monitor.name].append(monitor)

    creates: list[Create] = []
    updates: list[Update] = []
    deletes: list[Delete] = []
    unchanged: list[Desired] = []
    for want in desired:
        matches = owned.pop(want.id, [])
        current = matches[0] if matches else None
        deletes.extend(_duplicates(matches))
        if current is None and adopt:
            current = _adoption_candidate(want, unowned_by_name.get(want.name, []))
        if current is None:
            current = _interrupted_create(want, unowned_by_name.get(want.name, []), refs)
        if current is None:
            creates.append(Create(want))
            continue
        adopting = current.owner is None or current.replaces is not None  # it gets the project's marker
        if current.owner is None:
            unowned_by_name[want.name].remove(current)  # one definition per adopted object
        changes = diff_fields(want, current, refs)
        if changes or adopting:
            updates.append(Update(want, current, changes, adopting))
        else:
            unchanged.append(want)

    # Another project's objects this one takes over (adopt_from) only when it defines them.
    leftovers = [m for monitors in owned.values() for m in monitors if not moved(m.replaces)]
    if prune:
        deletes.extend(Delete(m) for m in leftovers)
    return Plan(tuple(parents_first(creates)), tuple(updates), tuple(children_first(deletes, live)),
                *_ids_and_kinds(unchanged), () if prune else tuple(leftovers), refs.kuma_ids())


def server_refs(live: Sequence[Live], owner_tag: str = "kumaprov") -> ServerRefs:
    """References for everything listed, each kind naming its own (`Kind.refs`)."""
    by_kind: dict[str, list[Live]] = defaultdict(list)
    for item in live:
        by_kind[item.kind].append(item)
    return ServerRefs({kind.name: kind.refs(by_kind[kind.name]) for kind in KINDS}, REFERENCE_FIELDS, owner_tag)


def plan_tags(desired: Sequence[Desired], live: Sequence[Live]) -> Plan:
    """Tags are matched by name and never deleted: other monitors and people use them too."""
    existing = {t.name: t for t in sorted(live, key=lambda t: t.kuma_id, reverse=True)}
    creates, updates, unchanged = [], [], []
    for want in desired:
        current = existing.get(want.id)
        if current is None:
            creates.append(Create(want))
        elif changes := tuple(c for c in diff_fields(want, current, ServerRefs())):
            updates.append(Update(want, current, changes))
        else:
            unchanged.append(want)
    return Plan(tuple(creates), tuple(updates), (), *_ids_and_kinds(unchanged))


def plan_by_name(desired: Sequence[Desired], live: Sequence[Live], absent: Sequence[str]) -> Plan:
    """Objects identified by a natural key (a window's title, a page's slug): the ones the files
    name are created or updated, one marked absent is deleted, and every other one is left alone."""
    by_name: dict[str, list[Live]] = defaultdict(list)
    for item in live:
        by_name[item.name].append(item)
    for name in [d.id for d in desired] + list(absent):
        if len(by_name[name]) > 1:
            listed = ", ".join(f"#{m.kuma_id}" for m in by_name[name])
            raise PlanRefused(f"{len(by_name[name])} {live[0].kind} entries on the server are called "
                              f"'{name}' ({listed}); rename or delete all but one")
    creates, updates, unchanged = [], [], []
    for want in desired:
        current = by_name[want.id][0] if by_name[want.id] else None
        if current is None:
            creates.append(Create(want))
        elif changes := diff_fields(want, current, ServerRefs()):
            updates.append(Update(want, current, changes))
        else:
            unchanged.append(want)
    deletes = [Delete(by_name[name][0], "marked absent") for name in absent if by_name[name]]
    return Plan(tuple(creates), tuple(updates), tuple(deletes), *_ids_and_kinds(unchanged))


def _ids_and_kinds(unchanged: Sequence[Desired]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(d.id for d in unchanged), tuple(d.kind for d in unchanged)


def combine(*plans: Plan) -> Plan:
    """One plan in a safe order: tags and notifications exist before the monitors that use
    them, and monitors let go of them before anything they use is deleted."""
    return Plan(
        tuple(c for p in plans for c in p.creates), tuple(u for p in plans for u in p.updates),
        tuple(d for p in reversed(plans) for d in p.deletes), tuple(i for p in plans for i in p.unchanged),
        tuple(k for p in plans for k in p.unchanged_kinds),
        tuple(k for p in plans for k in p.kept), {key: v for p in plans for key, v in p.kuma_ids.items()})


def parents_first(creates: list[Create]) -> list[Create]:
    """Groups are created before the monitors placed in them (the files' order otherwise)."""
    by_id = {c.desired.id: c for c in creates}
    ordered: list[Create] = []
    placed: set[str] = set()

    def place(create: Create, trail: frozenset[str]) -> None:
        if create.desired.id in placed or create.desired.id in trail:
            return  # a cycle is a lint error (KP203); never loop here
        parent = create.desired.fields.get("parent")
        if isinstance(parent, str) and parent in by_id:
            place(by_id[parent], trail | {create.desired.id})
        placed.add(create.desired.id)
        ordered.append(create)

    for create in creates:
        place(create, frozenset())
    return ordered


def children_first(deletes: list[Delete], live: Sequence[Live]) -> list[Delete]:
    """Monitors in a group are deleted before the group."""
    parents = {m.kuma_id: m.fields.get("parent") for m in live}

    def depth(monitor: Live) -> int:
        level, seen, parent = 0, set(), parents.get(monitor.kuma_id)
        while parent is not None and parent not in seen:
            seen.add(parent)
            level += 1
            parent = parents.get(parent)
        return level

    return sorted(deletes, key=lambda d: -depth(d.live))


def _duplicates(same_owner: list[Live]) -> list[Delete]:
    """Two monitors owning one id can only come from an interrupted or concurrent run;
    keeping the oldest (lowest id) and deleting the rest converges, whoever does it."""
    oldest = min(same_owner, key=lambda m: m.kuma_id, default=None)
    return [Delete(m, f"duplicate of monitor {oldest.kuma_id}") for m in same_owner if oldest and m is not oldest]


def duplicate_deletes(live: Sequence[Live], ids: set[str]) -> list[Delete]:
    by_owner: dict[str, list[Live]] = defaultdict(list)
    for monitor in live:
        if monitor.owner in ids:
            by_owner[monitor.owner].append(monitor)
    return [delete for group in by_owner.values() for delete in _duplicates(group)]


def _adoption_candidate(want: Desired, same_name: list[Live]) -> Live | None:
    if len(same_name) > 1:
        listed = ", ".join(f"#{m.kuma_id}" for m in same_name)
        raise PlanRefused(f"cannot adopt '{want.name}' for {want.id}: {len(same_name)} unmanaged monitors "
                          f"have that name ({listed}); rename or delete all but one")
    return same_name[0] if same_name else None


def _interrupted_create(want: Desired, same_name: list[Live], refs: ServerRefs) -> Live | None:
    """An unowned object with no tags at all that is the definition exactly: what a create
    leaves when the run dies between `add` and the ownership tag (the tags come after it).
    Adopting it (the oldest, if several) rather than creating another is what keeps one
    object per definition; anything that differs in a single field stays untouched."""
    twins = [live for live in same_name if live.kind == want.kind and not live.fields.get("tags")
             and all(change.field == "tags" for change in diff_fields(want, live, refs))]
    return min(twins, key=lambda live: live.kuma_id) if twins else None


def diff_fields(want: Desired, current: Live, refs: ServerRefs) -> tuple[Change, ...]:
    return BY_NAME[want.kind].compare(want, current, refs)


def plan_kind(kind: Kind, wanted: Wanted, live: Sequence[Live], refs: ServerRefs, *, adopt: bool = False,
              prune: bool = True) -> Plan:
    """The plan for one kind, by how it is identified (see `Kind.identity`)."""
    if kind.identity == "owner":
        return make_plan(wanted.desired, live, adopt=adopt, prune=prune, refs=refs)
    if kind.identity == "shared-name":
        return plan_tags(wanted.desired, live)
    return plan_by_name(wanted.desired, live, wanted.absent)


def check_deletion_guard(plan: Plan, allow_mass_delete: bool) -> None:
    """Refuse a plan that deletes much of what kumaprov manages (a wrong path, an empty file)."""
    if allow_mass_delete or not plan.deletes:
        return
    managed = plan.managed_count
    removed = len(plan.deletes)
    share = removed / managed if managed else 1.0
    if (removed == managed and managed > 1) or (managed >= 10 and share > 0.3):
        raise PlanRefused(f"the plan deletes {removed} of {managed} managed monitors ({share:.0%}); "
                          "if that is intended, pass --allow-mass-delete (or --no-prune to keep them)")
