"""A monitor's writes: `add`, `editMonitor` and `deleteMonitor`, with its tags in calls of
their own (the ownership tag first, so a created monitor is ours as soon as it exists)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kumaprov.errors import KumaprovError
from kumaprov.kinds.base import Applying
from kumaprov.kinds.changes import Action, Create, Update
from kumaprov.kinds.monitor_refs import with_server_ids
from kumaprov.model.fields import tag_pair
from kumaprov.versions import ServerLine

OWNER_TAG_COLOR = "#2563EB"


def write(action: Action, applying: Applying) -> None:
    if isinstance(action, Create):
        create_monitor(action, applying)
    elif isinstance(action, Update):
        update_monitor(action, applying)
    else:
        applying.writer.delete_monitor(action.live.kuma_id)


def create_monitor(action: Create, applying: Applying) -> None:
    writer = applying.writer
    payload = add_payload(with_server_ids(action.desired.fields, applying.kuma_ids, applying.fields), applying.line)
    try:
        kuma_id = writer.add_monitor(payload)
    except KumaprovError as exc:
        # The server may have made it and died before answering.
        raise type(exc)(f"{exc}; if the server created '{action.desired.name}' before it failed, the next "
                        "sync recognises it and adopts it rather than creating a copy") from None
    applying.kuma_ids[("monitor", action.desired.id)] = kuma_id
    try:
        writer.add_monitor_tag(owner_tag_id(applying), kuma_id, applying.owner.marker(action.desired.id))
    except KumaprovError as exc:
        raise type(exc)(f"{exc}; monitor #{kuma_id} '{action.desired.name}' was created without its ownership "
                        "tag: the next sync recognises it and adopts it rather than creating a copy") from None
    for text in action.desired.fields.get("tags", ()):
        name, value = tag_pair(text)
        writer.add_monitor_tag(applying.kuma_ids[("tag", name)], kuma_id, value)


def update_monitor(action: Update, applying: Applying) -> None:
    # Tags travel in calls of their own; editMonitor ignores them (and restarts the monitor).
    if any(change.field != "tags" for change in action.changes):
        applying.writer.edit_monitor(with_server_ids(edit_payload(action), applying.kuma_ids, applying.fields))
    if action.adopt:
        mark(action, applying)
    if any(change.field == "tags" for change in action.changes):
        retag(action, applying)


def mark(action: Update, applying: Applying) -> None:
    """Adopting: the project's marker, then the one it replaces removed (old-style, or the
    project's it is taken over from). Added first: the monitor is never without a marker."""
    applying.writer.add_monitor_tag(owner_tag_id(applying), action.live.kuma_id, applying.owner.marker(action.desired.id))
    if action.live.replaces is not None:
        applying.writer.delete_monitor_tag(owner_tag_id(applying), action.live.kuma_id, action.live.replaces)


def retag(action: Update, applying: Applying) -> None:
    kuma_id = action.live.kuma_id
    current = {(t.get("name", ""), t.get("value") or ""): int(t["tag_id"])
               for t in action.live.fields.get("tags") or [] if t.get("name") != applying.owner_tag}
    wanted = {tag_pair(text) for text in action.desired.fields.get("tags", ())}
    # Adds first: on the 2.0.0-dev.0 build deleteMonitorTag also deletes every tag no
    # monitor uses any more, which would take a tag whose value is only changing.
    for name, value in sorted(wanted - current.keys()):
        applying.writer.add_monitor_tag(applying.kuma_ids[("tag", name)], kuma_id, value)
    for (name, value), tag_id in sorted(current.items()):
        if (name, value) not in wanted:
            applying.writer.delete_monitor_tag(tag_id, kuma_id, value)


def owner_tag_id(applying: Applying) -> int:
    """The ownership tag's server id, looked up (or created) once per run; under the lock, as
    creates in one window must not each create it."""
    with applying.lock:
        if applying.memo.get("owner_tag_id") is None:
            applying.memo["owner_tag_id"] = next((int(t["id"]) for t in applying.writer.tags()
                                                  if t.get("name") == applying.owner_tag), None)
        if applying.memo["owner_tag_id"] is None:
            applying.memo["owner_tag_id"] = applying.writer.add_tag(applying.owner_tag, OWNER_TAG_COLOR)
        return int(applying.memo["owner_tag_id"])


def add_payload(fields: Mapping[str, Any], line: ServerLine) -> dict[str, Any]:
    """What `add` needs beyond the managed fields; it inserts every key as a column."""
    # The web UI sends `oauth_auth_method` with every new monitor; the 2.0.0-dev.0 build's
    # editMonitor never changes it, and a null one fails every OAuth check there, so a monitor
    # given an `oauth2` block later only works if it was born with the default.
    payload: dict[str, Any] = {"notificationIDList": {}, "accepted_statuscodes": ["200-299"],
                               "oauth_auth_method": "client_secret_basic"}
    if line.conditions:
        payload["conditions"] = []  # NOT NULL on 2.x
    payload.update(fields)
    payload.pop("tags", None)  # not a column: tags are added after the monitor exists
    return payload


def edit_payload(update: Update) -> dict[str, Any]:
    """`editMonitor` copies a fixed field list from what it is sent, so send the whole monitor."""
    payload = dict(update.live.fields)
    payload.update({change.field: change.new for change in update.changes if change.field != "tags"})
    return payload
