"""Live and desired state of every kind, as pure functions of what was read and the files.

Live: each kind's rows from the snapshot, with ownership read and server ids named as
definitions name them. Desired: definitions mapped to Uptime Kuma fields for the server's
line, environment references resolved and references checked, every problem reported at
the place that causes it, before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kumaprov import secrets
from kumaprov.kinds.base import Live, Resolving, ServerRefs, Wanted
from kumaprov.kinds.registry import KINDS
from kumaprov.lint.checks.plaintext_secrets import strings
from kumaprov.problems import Problem
from kumaprov.sync.plan import server_refs
from kumaprov.versions import ServerLine

MISSING_VARIABLE = "KP403"


def interpret(snapshot: Mapping[str, Any], owner_tag: str) -> dict[str, list[Live]]:
    """Every kind's live objects, in registry order (a kind whose values name monitors
    sees the references of the kinds before it)."""
    live: dict[str, list[Live]] = {}
    refs = ServerRefs(owner_tag=owner_tag)
    for kind in KINDS:
        if kind.reads_refs:
            refs = server_refs([item for items in live.values() for item in items], owner_tag)
        live[kind.name] = kind.live(snapshot[kind.name], refs, owner_tag)
    return live


def resolve(sources: Any, live: Mapping[str, Sequence[Live]], environ: Mapping[str, str], line: ServerLine,
            owner_tag: str) -> tuple[dict[str, Wanted], list[Problem]]:
    """What the files want of each kind, and every problem found on the way."""
    missing = {kind.name: missing_variables(kind.env_entries(sources), environ) for kind in KINDS}
    resolving = Resolving(sources, line, environ, owner_tag, live, missing)
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
