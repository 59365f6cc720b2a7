"""Live and desired state of every kind, as pure functions of what was read and the files,
and the plan made from them (`plan_from`: everything between the snapshot and apply).

Live: each kind's rows from the snapshot, with ownership read and server ids named as
definitions name them. Desired: definitions mapped to Uptime Kuma fields for the server's
line, environment references resolved and references checked, every problem reported at
the place that causes it, before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from kumaprov import secrets
from kumaprov.kinds.base import Resolving, ServerRefs, Wanted
from kumaprov.kinds.changes import Live, Plan
from kumaprov.kinds.ownership import Owner
from kumaprov.kinds.registry import KINDS
from kumaprov.plaintext import strings
from kumaprov.problems import Problem, has_errors
from kumaprov.sync.collisions import collisions
from kumaprov.sync.plan import combine, plan_kind, server_refs
from kumaprov.sync.words import notes
from kumaprov.versions import ServerLine

MISSING_VARIABLE = "KP403"


def plan_from(sources: Any, rows: Mapping[str, Any], environ: Mapping[str, str], line: ServerLine, owner: Owner,
              *, adopt: bool = False, prune: bool = True) -> tuple[Plan, list[Live], list[Problem]]:
    """The plan for these definitions against a snapshot: live, then desired (every reference
    checked, every variable resolved), then each kind's plan in registry order (`combine`
    reverses it for deletes), with the notes a reviewer needs (sync/words). With an error
    among the problems (a collision with another project's object is one) nothing is planned."""
    live = interpret(rows, owner)
    everything = [item for kind in KINDS for item in live[kind.name]]
    wanted, problems = resolve(sources, live, environ, line, owner)
    problems += collisions(KINDS, wanted, live, sources)
    if has_errors(problems):
        return Plan(), everything, problems
    refs = server_refs(everything, owner.tag)
    plan = combine(*(plan_kind(kind, wanted[kind.name], live[kind.name], refs, adopt=adopt, prune=prune)
                     for kind in KINDS))
    plan = replace(plan, notes=notes(plan, everything, sources.definitions, sources.template_uses))
    return plan, everything, problems


def interpret(snapshot: Mapping[str, Any], owner: Owner) -> dict[str, list[Live]]:
    """Every kind's live objects, in registry order (a kind whose values name monitors
    sees the references of the kinds before it)."""
    live: dict[str, list[Live]] = {}
    refs = ServerRefs(owner_tag=owner.tag)
    for kind in KINDS:
        if kind.reads_refs:
            refs = server_refs([item for items in live.values() for item in items], owner.tag)
        live[kind.name] = kind.live(snapshot[kind.name], refs, owner)
    return live


def resolve(sources: Any, live: Mapping[str, Sequence[Live]], environ: Mapping[str, str], line: ServerLine,
            owner: Owner) -> tuple[dict[str, Wanted], list[Problem]]:
    """What the files want of each kind, and every problem found on the way."""
    missing = {kind.name: missing_variables(kind.env_entries(sources), environ) for kind in KINDS}
    resolving = Resolving(sources, line, environ, owner, live, missing, KINDS)
    problems: list[Problem] = []
    for kind in KINDS:
        resolving.wanted[kind.name] = kind.desired(resolving)
        problems += [*missing[kind.name], *resolving.wanted[kind.name].problems]
    return resolving.wanted, problems


def missing_variables(entries: Sequence[Any], environ: Mapping[str, str]) -> list[Problem]:
    problems = []
    for entry in entries:
        for path, text in strings(entry.raw, ()):
            for ref in secrets.references(text):
                if ref.name not in environ:
                    problems.append(Problem(entry.position_of(*path), MISSING_VARIABLE,
                                            f"environment variable {ref.name} is not set "
                                            f"(referenced by {'.'.join(map(str, path))})", via=entry.via))
    return list(dict.fromkeys(problems))
