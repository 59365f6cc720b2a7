"""The notifications kind without a server: ownership in the configuration, references by
definition id or by name, secret settings, a setting removed from the file, writes, export."""

from __future__ import annotations

import json
from pathlib import Path

from kumaprov.kinds.base import Applying
from kumaprov.kinds.changes import Create, Update
from kumaprov.kinds.monitors import MONITORS
from kumaprov.kinds.notifications import NOTIFICATIONS
from kumaprov.kinds.registry import REFERENCE_FIELDS
from kumaprov.sync.export import export
from kumaprov.sync.plan import server_refs
from kumaprov.kinds.ownership import LEGACY, Owner
from tests.kindkit import FakeClient, LINE, OWNER, OWNER_TAG, PROJECT, RecordingWriter, linted, wanted_of, where

FILES = """\
    notifications:
      - {id: ops, name: Ops, type: webhook, settings: {webhookURL: "https://hooks.test/${HOOK_TOKEN}",
         webhookContentType: json}}
    monitors:
      - {id: api, name: API, type: http, url: "https://api.test/", notifications: [ops, Pager]}
"""
ENV = {"HOOK_TOKEN": "hook-t0ken-value"}


def row(kuma_id: int, name: str, config: dict[str, object]) -> dict[str, object]:
    """A notification as listed: its configuration is JSON text."""
    return {"id": kuma_id, "name": name, "active": 1, "userId": 1, "isDefault": 0, "config": json.dumps(config)}


OURS = row(2, "Ops", {"name": "Ops", "type": "webhook", "isDefault": False, "webhookURL": "https://hooks.test/old",
                      "webhookContentType": "json", "legacySetting": "x", "kumaprovId": "ops",
                      "kumaprovOwner": OWNER_TAG, "kumaprovProject": PROJECT, "applyExisting": False})
PAGER = row(5, "Pager", {"name": "Pager", "type": "pushover"})
BROKEN = {"id": 8, "name": "Broken", "config": "{not json"}


def live_notifications() -> list:
    rows = NOTIFICATIONS.read(FakeClient(notifications=[OURS, PAGER, BROKEN]), True)
    return NOTIFICATIONS.live(rows, server_refs([]), OWNER)


def test_ownership_is_read_from_the_configuration() -> None:
    assert [(n.kuma_id, n.name, n.owner) for n in live_notifications()] == [(2, "Ops", "ops"), (5, "Pager", None),
                                                                            (8, "Broken", None)]
    other_tag = NOTIFICATIONS.live([OURS], server_refs([]), Owner("someone-else", PROJECT))
    assert (other_tag[0].owner, other_tag[0].foreign) == (None, None)
    other_project = NOTIFICATIONS.live([OURS], server_refs([]), Owner(OWNER_TAG, "payments"))
    assert (other_project[0].owner, other_project[0].foreign) == (None, (PROJECT, "ops"))
    config = {key: value for key, value in json.loads(OURS["config"]).items() if key != "kumaprovProject"}
    old_style = {**OURS, "config": json.dumps(config)}
    assert NOTIFICATIONS.live([old_style], server_refs([]), OWNER)[0].foreign == (LEGACY, "ops")
    adopted = NOTIFICATIONS.live([old_style], server_refs([]), Owner(OWNER_TAG, PROJECT, adopt_legacy=True))[0]
    assert (adopted.owner, adopted.replaces) == ("ops", "ops")


def test_monitors_name_notifications_by_id_or_by_a_name_on_the_server() -> None:
    refs = NOTIFICATIONS.refs(live_notifications())
    assert refs == {2: "ops", 5: "name:Pager", 8: "name:Broken"}


def test_desired_configuration_carries_identity_and_resolved_secrets(tmp_path: Path) -> None:
    wanted, _ = wanted_of(NOTIFICATIONS, linted(tmp_path, FILES), {"notification": live_notifications()}, ENV)
    (ops,) = wanted.desired
    assert dict(ops.fields) == {"name": "Ops", "type": "webhook", "isDefault": False,
                                "webhookURL": "https://hooks.test/hook-t0ken-value", "webhookContentType": "json",
                                "kumaprovId": "ops", "kumaprovOwner": OWNER_TAG, "kumaprovProject": PROJECT}
    assert ops.sensitive == {"webhookURL"} and ops.unresolved == {"webhookURL": "https://hooks.test/${HOOK_TOKEN}"}


def test_a_monitor_naming_an_unknown_or_ambiguous_notification_is_a_problem(tmp_path: Path) -> None:
    live = {"notification": live_notifications()}
    wanted, problems = wanted_of(MONITORS, linted(tmp_path, FILES), live, environ=ENV)
    assert problems == [] and wanted.desired[0].fields["notificationIDList"] == ("name:Pager", "ops")
    twice = {"notification": [*live["notification"], *NOTIFICATIONS.live([{**PAGER, "id": 6}], server_refs([]), OWNER)]}
    _, problems = wanted_of(MONITORS, linted(tmp_path, FILES), twice, environ=ENV)
    assert where(problems) == ["5:79: KP405 2 notifications on the server are named 'Pager'"]
    _, problems = wanted_of(MONITORS, linted(tmp_path, FILES), {}, environ=ENV)
    assert where(problems) == ["5:79: KP405 no notification 'Pager' in the files or on the server"]


def test_the_whole_configuration_is_compared_including_settings_the_file_dropped(tmp_path: Path) -> None:
    wanted, _ = wanted_of(NOTIFICATIONS, linted(tmp_path, FILES), environ=ENV)
    changes = NOTIFICATIONS.compare(wanted.desired[0], live_notifications()[0], server_refs([]))
    assert [(c.field, c.sensitive) for c in changes] == [("webhookURL", True), ("legacySetting", True)]


def test_writes_save_the_whole_configuration(tmp_path: Path) -> None:
    wanted, _ = wanted_of(NOTIFICATIONS, linted(tmp_path, FILES), environ=ENV)
    writer = RecordingWriter()
    applying = Applying(writer, OWNER, LINE, {}, REFERENCE_FIELDS)
    NOTIFICATIONS.write(Create(wanted.desired[0]), applying)
    NOTIFICATIONS.write(Update(wanted.desired[0], live_notifications()[0], ()), applying)
    assert writer.named("addNotification") == [(dict(wanted.desired[0].fields), None),
                                               (dict(wanted.desired[0].fields), 2)]
    assert applying.kuma_ids[("notification", "ops")] == 2


def test_export_keeps_owned_ids_and_writes_secret_settings_as_references() -> None:
    discord = row(9, "Team chat", {"name": "Team chat", "type": "discord", "isDefault": True,
                                   "discordWebhookUrl": "https://discord.test/api/webhooks/1/abc", "discordUsername": ""})
    monitor = {"id": 4, "name": "API", "type": "http", "url": "https://api.test/", "interval": 60, "retryInterval": 60,
               "maxretries": 0, "resendInterval": 0, "upsideDown": False, "timeout": 48, "method": "GET",
               "httpBodyEncoding": "json", "accepted_statuscodes": ["200-299"], "maxredirects": 10, "tags": [],
               "notificationIDList": {"2": True, "9": True, "5": False}}
    result = export({"notification": [discord, OURS], "monitor": [monitor]}, OWNER_TAG)
    assert result.document["notifications"] == [
        {"id": "team-chat", "name": "Team chat", "type": "discord", "default": True,
         "settings": {"discordWebhookUrl": "${KUMA_TEAM_CHAT_DISCORDWEBHOOKURL}"}},
        # A webhook URL is its own credential, whoever's notification it is.
        {"id": "ops", "name": "Ops", "type": "webhook",
         "settings": {"webhookURL": "${KUMA_OPS_WEBHOOKURL}", "webhookContentType": "json", "legacySetting": "x"}}]
    assert result.document["monitors"][0]["notifications"] == ["ops", "team-chat"]
