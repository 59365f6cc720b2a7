"""Renderers for plans: text for terminals and logs, versioned JSON, GitHub markdown."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from kumaprov.kinds.changes import Change, Desired, Plan
from kumaprov.sync.apply import ApplyReport
from kumaprov.kinds.registry import KINDS
from kumaprov.secrets import REDACTOR, SENSITIVE
from kumaprov.sync.words import file_key

FORMAT_VERSION = 1


# Monitors first, then the other kinds kumaprov owns, then the ones shared by name.
_PLURALS = {kind.name: kind.label for kind in sorted(KINDS, key=lambda k: (k.name != "monitor", k.identity != "owner"))}


def _in_sync(plan: Plan) -> str:
    """'3 monitor(s), 1 status page(s)': monitors always named, the other kinds when present."""
    counts = Counter(plan.unchanged_kinds or ["monitor"] * len(plan.unchanged))  # a Plan built by hand
    counts.setdefault("monitor", 0)
    return ", ".join(f"{counts[kind]} {label}" for kind, label in _PLURALS.items() if kind in counts)


def summary_line(plan: Plan) -> str:
    if not plan.has_changes:
        return f"No changes. {_in_sync(plan)} in sync."
    text = (f"Plan: {len(plan.creates)} to create, {len(plan.updates)} to update, "
            f"{len(plan.deletes)} to delete, {len(plan.unchanged)} unchanged.")
    if plan.kept:
        text += f" {len(plan.kept)} kept by --no-prune."
    return text


def _show(value: Any) -> str:
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return json.dumps(value, ensure_ascii=False)
        if isinstance(parsed, (dict, list)):
            return json.dumps(parsed, ensure_ascii=False, separators=(", ", ": "))
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


def _change_text(change: Change, desired: Desired) -> str:
    key = file_key(desired, change.field)  # as the files say it; the JSON plan has both
    if change.sensitive:
        return f"    {key}: {SENSITIVE} -> {SENSITIVE}"
    return f"    {key}: {_show(change.old)} -> {_show(change.new)}"


def _notes(plan: Plan, desired: Desired) -> list[str]:
    return [f"    # {note}" for note in plan.notes.get((desired.kind, desired.id), ())]


def _kind(kind: str) -> str:
    return "" if kind == "monitor" else f"{kind} "


def _server_id(kuma_id: int) -> str:
    # A singleton (the instance settings) has no server id: nothing to show.
    return f" (#{kuma_id})" if kuma_id else ""


def plan_text(plan: Plan) -> str:
    lines: list[str] = []
    for create in plan.creates:
        lines.append(f"+ create {_kind(create.desired.kind)}{create.desired.id} {_show(create.desired.name)}")
        for key, value in create.desired.fields.items():
            if value == "" or value is None:
                continue  # empty optional fields are noise in a review
            shown = SENSITIVE if key in create.desired.sensitive else _show(value)
            lines.append(f"    {file_key(create.desired, key)}: {shown}")
        lines.extend(_notes(plan, create.desired))
    for update in plan.updates:
        verb = "adopt " if update.adopt else "update"
        lines.append(f"~ {verb} {_kind(update.desired.kind)}{update.desired.id}{_server_id(update.live.kuma_id)} "
                     f"{_show(update.desired.name)}")
        lines.extend(_change_text(change, update.desired) for change in update.changes)
        lines.extend(_notes(plan, update.desired))
        if update.adopt and update.live.replaces is not None:
            lines.append(f"    (its marker {update.live.replaces!r} becomes this project's)")
        elif update.adopt:
            lines.append("    (takes the ownership tag; kumaprov manages it from now on)")
    for delete in plan.deletes:
        live = delete.live
        lines.append(f"- delete {_kind(live.kind)}{live.owner or '?'}{_server_id(live.kuma_id)} {_show(live.name)}: "
                     f"{delete.reason}")
    lines.append(summary_line(plan))
    return REDACTOR("\n".join(lines))


def _fields_json(fields: Any, sensitive: frozenset[str]) -> dict[str, Any]:
    return {key: SENSITIVE if key in sensitive else value for key, value in fields.items()}


def _change_json(change: Change, desired: Desired) -> dict[str, Any]:
    hidden = change.sensitive
    return {"field": change.field, "key": file_key(desired, change.field),
            "old": SENSITIVE if hidden else change.old, "new": SENSITIVE if hidden else change.new,
            "sensitive": hidden}


def plan_document(plan: Plan, server: dict[str, str]) -> dict[str, Any]:
    changes: list[dict[str, Any]] = []
    for create in plan.creates:
        changes.append({"action": "create", "kind": create.desired.kind, "id": create.desired.id,
                        "name": create.desired.name,
                        "fields": _fields_json(create.desired.fields, create.desired.sensitive),
                        "keys": {key: file_key(create.desired, key) for key in create.desired.fields},
                        "notes": list(plan.notes.get((create.desired.kind, create.desired.id), ()))})
    for update in plan.updates:
        changes.append({"action": "update", "kind": update.desired.kind, "id": update.desired.id,
                        "kuma_id": update.live.kuma_id,
                        "name": update.desired.name, "adopt": update.adopt,
                        "changes": [_change_json(c, update.desired) for c in update.changes],
                        "notes": list(plan.notes.get((update.desired.kind, update.desired.id), ()))})
    for delete in plan.deletes:
        changes.append({"action": "delete", "kind": delete.live.kind, "id": delete.live.owner,
                        "kuma_id": delete.live.kuma_id,
                        "name": delete.live.name, "reason": delete.reason})
    return {
        "format_version": FORMAT_VERSION,
        "server": server,
        "summary": {"create": len(plan.creates), "update": len(plan.updates),
                    "delete": len(plan.deletes), "unchanged": len(plan.unchanged), "kept": len(plan.kept)},
        "changes": changes,
        "unchanged": list(plan.unchanged),
    }


def plan_json(plan: Plan, server: dict[str, str]) -> str:
    return REDACTOR(json.dumps(plan_document(plan, server), indent=2, ensure_ascii=False))


def plan_markdown(plan: Plan, server: dict[str, str]) -> str:
    lines = [f"### kumaprov plan for {server.get('url', '')} (Uptime Kuma {server.get('version', '?')})", ""]
    lines.append(summary_line(plan))
    if plan.has_changes:
        lines += ["", "| action | id | name | changes |", "| --- | --- | --- | --- |"]
        for create in plan.creates:
            lines.append(f"| create | {_kind(create.desired.kind)}`{create.desired.id}` | "
                         f"{_cell(create.desired.name)} | new |")
        for update in plan.updates:
            fields = ", ".join(f"`{file_key(update.desired, c.field)}`" for c in update.changes) or "ownership tag"
            action = "adopt" if update.adopt else "update"
            lines.append(f"| {action} | {_kind(update.desired.kind)}`{update.desired.id}` | "
                         f"{_cell(update.desired.name)} | {fields} |")
        for delete in plan.deletes:
            lines.append(f"| delete | {_kind(delete.live.kind)}`{delete.live.owner}` | "
                         f"{_cell(delete.live.name)} | {delete.reason} |")
        noted = [f"- `{ident}`: {note}" for (_, ident), notes in plan.notes.items() for note in notes]
        lines += ["", "Notes:", "", *noted] if noted else []
        lines += ["", "<details><summary>Full plan</summary>", "", "```diff", plan_text(plan), "```",
                  "", "</details>"]
    return REDACTOR("\n".join(lines) + "\n")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


PLAN_FORMATS: dict[str, Callable[[Plan, dict[str, str]], str]] = {
    "text": lambda plan, server: plan_text(plan),
    "json": plan_json,
    "github": plan_markdown,
}


def apply_text(report: ApplyReport) -> str:
    if report.failed is None:
        return f"Sync complete: {len(report.applied)} change(s) applied."
    # On failure, say exactly what did and did not happen: the next run starts from there.
    lines = [f"applied: {item}" for item in report.applied]
    lines.append(f"FAILED: {report.failed}")
    # Sent together with the failed one (writes in flight at once): applied or not, unknown.
    lines += [f"FAILED too (may or may not have been applied): {item}" for item in report.unconfirmed]
    lines += [f"not applied: {item}" for item in report.not_attempted]
    also = f"{len(report.unconfirmed)} more failed, " if report.unconfirmed else ""
    lines.append(f"Sync incomplete: {len(report.applied)} change(s) applied, 1 failed, {also}"
                 f"{len(report.not_attempted)} not attempted. Run sync again to converge.")
    return REDACTOR("\n".join(lines))
