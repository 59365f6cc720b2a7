"""Notifications: the providers monitors alert through. Ownership is a marker kumaprov saves
inside the notification's configuration (the server keeps any key it is sent); monitors name
a notification by its definition id, or by the name of one kumaprov does not own."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import Field

from kumaprov import secrets
from kumaprov.kinds.base import Applying, Kind, Resolving, ServerRefs, Wanted, owned_ids_by_kuma_id
from kumaprov.kinds.changes import Action, Change, Delete, Desired, Live, Update
from kumaprov.kinds.common import desired_from
from kumaprov.kinds.exporting import Exporting
from kumaprov.kinds.ownership import Owner, Whose
from kumaprov.model.fields import KumaFields
from kumaprov.model.monitors import Slug, Strict
from kumaprov.plaintext import plaintext_reason

# Saved inside the notification's configuration: the server keeps any key it is sent.
NOTIFICATION_ID_KEY = "kumaprovId"
NOTIFICATION_OWNER_KEY = "kumaprovOwner"
NOTIFICATION_PROJECT_KEY = "kumaprovProject"  # absent: the old-style marker (kinds.ownership)
# Keys the server keeps in a notification's configuration that are not settings.
BOOKKEEPING = frozenset({"id", "userId", "active", "applyExisting", "config"})
# Configuration keys that are the definition's own keys, not settings.
_OWN_KEYS = {"name": "name", "type": "type", "isDefault": "default"}
# Not exported as settings: written as the definition's own keys, or bookkeeping.
_NOT_SETTINGS = frozenset({"name", "type", "isDefault", "applyExisting", "id", "userId", "active",
                           NOTIFICATION_ID_KEY, NOTIFICATION_OWNER_KEY, NOTIFICATION_PROJECT_KEY})


SettingValue = str | bool | int | float | None


class NotificationDef(Strict):
    """A notification provider (Slack, e-mail, webhook, ...) that monitors can name."""

    id: Slug = Field(description="Stable identity, referenced by monitors' `notifications`.")
    name: str = Field(min_length=1, max_length=150)
    type: str = Field(min_length=1, description="The provider, as Uptime Kuma names it: slack, discord, webhook, ...")
    default: bool = Field(False, description="Uptime Kuma's 'default enabled' flag (pre-selected for new "
                                             "monitors in the web UI).")
    settings: dict[str, SettingValue] = Field(
        default_factory=dict, description="The provider's fields, as Uptime Kuma names them; secrets as ${NAME}.")


def notification_fields(notification: NotificationDef, owner: Owner) -> KumaFields:
    """The configuration `addNotification` saves: the provider settings plus identity."""
    values: dict[str, Any] = {"name": notification.name, "type": notification.type,
                              "isDefault": notification.default, **notification.settings,
                              NOTIFICATION_ID_KEY: notification.id, NOTIFICATION_OWNER_KEY: owner.tag,
                              NOTIFICATION_PROJECT_KEY: owner.project}
    sensitive = {key for key, value in notification.settings.items() if secrets.has_reference(value)}
    return KumaFields(values, frozenset(sensitive))


class Notifications(Kind):
    name = "notification"
    label = "notification(s)"
    what = "notification"
    identity = "owner"
    saved_whole = True  # the server replaces the whole configuration on every save
    file_key = "notifications"
    model = NotificationDef
    unique_key = "id"
    unique_what = "notification id"
    holds_secrets = True

    def read(self, client: Any, need: Any) -> list[dict[str, Any]]:
        return client.notifications()  # type: ignore[no-any-return]

    def live(self, rows: Any, refs: ServerRefs, owner: Owner) -> list[Live]:
        """Notifications as listed; ours carry our owner tag, project and their id in the
        configuration (one whose configuration does not parse is simply nobody's)."""
        live = []
        for row in rows:
            config = configuration(row)
            marker = whose(config, owner)
            live.append(Live(int(row["id"]), str(row.get("name", "")), marker.mine, config, self.name, marker.replaces,
                             marker.foreign))
        return live

    def refs(self, live: Sequence[Live]) -> dict[int, str]:
        """By definition id when owned, else by name (`name:<name>`), as monitors name them."""
        return {**{n.kuma_id: f"name:{n.name}" for n in live if n.owner is None}, **owned_ids_by_kuma_id(live)}

    def desired(self, resolving: Resolving) -> Wanted:
        wanted = Wanted()
        if resolving.missing.get(self.name):
            return wanted
        for notification in self.defined(resolving.sources):
            wanted.desired.append(desired_from(notification.value.id,
                                               notification_fields(notification.value, resolving.owner),
                                               resolving.environ, self.name))
        return wanted

    def key_in_files(self, desired: Desired, field: str) -> str | None:
        return _OWN_KEYS.get(field, f"settings.{field}")

    def removed(self, want: Desired, current: Live) -> tuple[Change, ...]:
        """The server replaces a notification's whole configuration: a setting removed from
        the file is a change too."""
        stale = set(current.fields) - set(want.fields) - BOOKKEEPING
        return tuple(Change(key, current.fields[key], None, True) for key in sorted(stale)
                     if current.fields[key] not in (None, ""))

    def write(self, action: Action, applying: Applying) -> None:
        if isinstance(action, Delete):
            applying.writer.call("deleteNotification", action.live.kuma_id)
            return
        # `addNotification` creates (no id) or replaces the whole configuration (with an id).
        kuma_id = action.live.kuma_id if isinstance(action, Update) else None
        saved = applying.writer.call("addNotification", (dict(action.desired.fields), kuma_id))
        applying.kuma_ids[(self.name, action.desired.id)] = int(saved["id"])

    def export(self, rows: Any, exporting: Exporting) -> None:
        rows = exporting.with_references(rows)
        # Owned ones keep their definition ids: they claim them before any name becomes a slug.
        ids = exporting.ids.setdefault(self.name, {})
        for row in sorted(rows, key=lambda row: marked_id(configuration(row), exporting.owner_tag) is None):
            ids[int(row["id"])] = exporting.unique(str(marked_id(configuration(row), exporting.owner_tag)
                                                       or row.get("name", "")))
        documents = [export_row(row, ids[int(row["id"])], exporting) for row in rows]
        if documents:
            exporting.document[self.file_key] = documents


def configuration(row: Mapping[str, Any]) -> dict[str, Any]:
    """A listed notification's saved configuration ({} when it does not parse)."""
    try:
        config = json.loads(row.get("config") or "{}")
    except ValueError:
        return {}
    return config if isinstance(config, dict) else {}


def whose(config: Mapping[str, Any], owner: Owner) -> Whose:
    """This project's, another project's, or nobody's: the marker in the configuration, read
    as a monitor's tag value is (kinds.ownership)."""
    definition_id = config.get(NOTIFICATION_ID_KEY)
    if config.get(NOTIFICATION_OWNER_KEY) != owner.tag or not definition_id:
        return Whose()
    project = config.get(NOTIFICATION_PROJECT_KEY)
    return owner.read(f"{project}/{definition_id}" if project else str(definition_id))


def marked_id(config: Mapping[str, Any], owner_tag: str) -> str | None:
    """The definition id any project's marker gives a notification (what export names it by)."""
    definition_id = config.get(NOTIFICATION_ID_KEY) if config.get(NOTIFICATION_OWNER_KEY) == owner_tag else None
    return str(definition_id) if definition_id else None


def export_row(row: Mapping[str, Any], definition_id: str, exporting: Exporting) -> dict[str, Any]:
    """A listed notification as written in files, secret settings as references."""
    config = configuration(row)
    settings = {}
    for key, value in config.items():
        if key in _NOT_SETTINGS or value in (None, ""):
            continue
        if isinstance(value, str) and plaintext_reason(("settings", key), value):
            value = exporting.secret(definition_id, key)
        settings[key] = value
    document: dict[str, Any] = {"id": definition_id, "name": row.get("name"), "type": config.get("type")}
    if config.get("isDefault") or row.get("isDefault"):
        document["default"] = True
    if settings:
        document["settings"] = settings
    return document


NOTIFICATIONS = Notifications()
