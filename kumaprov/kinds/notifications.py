"""Notifications: the providers monitors alert through. Ownership is a marker kumaprov saves
inside the notification's configuration (the server keeps any key it is sent); monitors name
a notification by its definition id, or by the name of one kumaprov does not own."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from kumaprov.kinds.base import (
    Action, Applying, Change, Delete, Desired, Kind, Live, Resolving, ServerRefs, Update, Wanted, desired_from,
)
from kumaprov.model.fields import NOTIFICATION_ID_KEY, NOTIFICATION_OWNER_KEY, notification_fields

# Keys the server keeps in a notification's configuration that are not settings.
BOOKKEEPING = frozenset({"id", "userId", "active", "applyExisting", "config"})


class Notifications(Kind):
    name = "notification"
    label = "notification(s)"
    identity = "owner"
    saved_whole = True  # the server replaces the whole configuration on every save

    def read(self, client: Any, need: Any) -> list[dict[str, Any]]:
        return client.notifications()

    def live(self, rows: Any, refs: ServerRefs, owner_tag: str) -> list[Live]:
        """Notifications as listed; ours carry our owner tag and their id in the configuration
        (one whose configuration does not parse is simply not ours)."""
        live = []
        for row in rows:
            config = configuration(row)
            owner = owned_id(config, owner_tag)
            live.append(Live(int(row["id"]), str(row.get("name", "")), owner, config, self.name))
        return live

    def env_entries(self, sources: Any) -> list[Any]:
        return list(sources.notifications)

    def desired(self, resolving: Resolving) -> Wanted:
        wanted = Wanted()
        if resolving.missing.get(self.name):
            return wanted
        for notification in resolving.sources.notifications:
            written = notification.notification
            wanted.desired.append(desired_from(
                notification.id, lambda resolve: notification_fields(written, resolving.owner_tag, resolve),
                resolving.environ, self.name))
        return wanted

    def removed(self, want: Desired, current: Live) -> tuple[Change, ...]:
        """The server replaces a notification's whole configuration: a setting removed from
        the file is a change too."""
        stale = set(current.fields) - set(want.fields) - BOOKKEEPING
        return tuple(Change(key, current.fields[key], None, True) for key in sorted(stale)
                     if current.fields[key] not in (None, ""))

    def write(self, action: Action, applying: Applying) -> None:
        if isinstance(action, Delete):
            applying.writer.delete_notification(action.live.kuma_id)
            return
        kuma_id = action.live.kuma_id if isinstance(action, Update) else None
        saved = applying.writer.save_notification(dict(action.desired.fields), kuma_id)
        applying.kuma_ids[(self.name, action.desired.id)] = saved


def configuration(row: Mapping[str, Any]) -> dict[str, Any]:
    """A listed notification's saved configuration ({} when it does not parse)."""
    try:
        config = json.loads(row.get("config") or "{}")
    except ValueError:
        return {}
    return config if isinstance(config, dict) else {}


def owned_id(config: Mapping[str, Any], owner_tag: str) -> str | None:
    """The definition id of a notification this project owns, else None."""
    owner = config.get(NOTIFICATION_ID_KEY) if config.get(NOTIFICATION_OWNER_KEY) == owner_tag else None
    return str(owner) if owner else None


NOTIFICATIONS = Notifications()
