"""Saved plans: `diff --out plan.json`, reviewed, then `sync --plan plan.json` applies exactly it.

The file never holds a secret: sensitive values are stored as written, with their
`${VAR}` references, and resolved again from the environment at apply time. It
records a fingerprint of the server's monitors; if anything changed since, the
plan is refused rather than applied to a state nobody reviewed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from kumaprov import secrets
from kumaprov.model import fields as mapping
from kumaprov.errors import PlanRefused, UsageError
from kumaprov.kinds.base import Change, Create, Delete, Desired, Live, Plan, Update
from kumaprov.kinds.registry import BY_NAME, KINDS
from kumaprov.sync.plan import server_refs

KIND = "kumaprov-plan"
FORMAT_VERSION = 1
# Fields the server changes on its own (the last DNS answer) would make every plan stale.
_VOLATILE = frozenset({"dns_last_result", "active", "forceInactive", "maintenance", "weight"})


# Shared by name with everyone (not owned): only those the plan edits count in the fingerprint.
_SHARED = frozenset(kind.name for kind in KINDS if kind.identity != "owner")


def fingerprint(live: Sequence[Live], touched: set[tuple[str, int]]) -> str:
    """A digest of what the plan depends on: what kumaprov manages and what it adopts.
    Other monitors on the instance may change without making the plan stale."""
    state = sorted(
        (m.kind, m.kuma_id, m.owner, {k: v for k, v in m.fields.items() if k not in _VOLATILE})
        # Tags and maintenance windows are shared by name with everyone: only those the plan
        # edits count, with what kumaprov owns or adopts.
        for m in live if (m.kind, m.kuma_id) in touched or (m.kind not in _SHARED and m.owner is not None)
    )
    canonical = json.dumps(state, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def to_document(plan: Plan, server: Mapping[str, str], live: Sequence[Live]) -> dict[str, Any]:
    return {
        "kind": KIND,
        "format_version": FORMAT_VERSION,
        "server": dict(server),
        "fingerprint": fingerprint(live, {(u.live.kind, u.live.kuma_id) for u in plan.updates}),
        "creates": [{"kind": c.desired.kind, "id": c.desired.id, "fields": _stored(c.desired, c.desired.fields)}
                    for c in plan.creates],
        "updates": [{"kind": u.desired.kind, "id": u.desired.id, "kuma_id": u.live.kuma_id, "adopt": u.adopt,
                     "fields": _stored(u.desired, _update_fields(u))} for u in plan.updates],
        "deletes": [{"kind": d.live.kind, "kuma_id": d.live.kuma_id, "id": d.live.owner, "name": d.live.name,
                     "reason": d.reason} for d in plan.deletes],
    }


def _update_fields(update: Update) -> Mapping[str, Any]:
    # A kind the server saves whole (notifications) needs every field; an edit only what changes.
    if BY_NAME[update.desired.kind].saved_whole:
        return update.desired.fields
    return {c.field: c.new for c in update.changes}


def _stored(desired: Desired, fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: desired.unresolved.get(key, value) if key in desired.sensitive else value
            for key, value in fields.items()}


def from_document(document: Any, server_url: str, live: Sequence[Live], environ: Mapping[str, str]) -> Plan:
    """Rebuild the saved plan against the current server, or refuse."""
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise UsageError("not a kumaprov plan file (make one with `kumaprov diff --out FILE`)")
    if document.get("format_version") != FORMAT_VERSION:
        raise UsageError(f"plan format {document.get('format_version')} is not supported (expected {FORMAT_VERSION})")
    if document.get("server", {}).get("url") != server_url:
        raise PlanRefused(f"the plan was made for {document.get('server', {}).get('url')}, not {server_url}")
    touched = {(item["kind"], int(item["kuma_id"])) for item in document.get("updates", [])}
    if document.get("fingerprint") != fingerprint(live, touched):
        raise PlanRefused("the server's monitors changed since the plan was made; run `kumaprov diff` again")
    by_id = {(m.kind, m.kuma_id): m for m in live}
    creates = tuple(Create(_desired(item["id"], item["fields"], environ, item["kind"]))
                    for item in document["creates"])
    updates = tuple(_update(item, by_id[(item["kind"], item["kuma_id"])], environ) for item in document["updates"])
    deletes = tuple(Delete(by_id[(item["kind"], item["kuma_id"])], item["reason"]) for item in document["deletes"])
    return Plan(creates, updates, deletes, kuma_ids=server_refs(live).kuma_ids())


def _desired(monitor_id: str, fields: Mapping[str, Any], environ: Mapping[str, str], kind: str) -> Desired:
    resolved: dict[str, Any] = {}
    sensitive = set()
    for key, value in fields.items():
        if isinstance(value, str) and secrets.has_reference(value):
            sensitive.add(key)
            try:
                value = _resolve_field(key, value, environ)
            except secrets.MissingVariables as exc:
                raise UsageError(f"{monitor_id}.{key}: environment variable(s) not set: {exc}") from None
        resolved[key] = value
    return Desired(monitor_id, resolved, frozenset(sensitive), kind=kind)


def _resolve_field(key: str, value: str, environ: Mapping[str, str]) -> Any:
    # Headers and bodies are JSON text: resolve inside the structure, so a value
    # holding quotes cannot break the JSON, then serialise as a fresh sync would.
    def resolve(text: str) -> str:
        return secrets.resolve(text, environ)

    if key in ("headers", "body"):
        try:
            structure = json.loads(value)
        except ValueError:
            return resolve(value)
        return mapping.serialised(key, mapping.resolved(structure, resolve))
    return resolve(value)


def _update(item: Mapping[str, Any], live: Live, environ: Mapping[str, str]) -> Update:
    desired = _desired(item["id"], item["fields"], environ, item["kind"])
    changes = tuple(Change(key, live.fields.get(key), value, key in desired.sensitive)
                    for key, value in desired.fields.items())
    return Update(Desired(item["id"], {"name": live.name, **desired.fields}, desired.sensitive, kind=item["kind"]),
                  live, changes, bool(item["adopt"]))
