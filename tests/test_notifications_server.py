"""Notifications as code on the real server: created before the monitors that name them,
secrets masked, settings updated and removed, monitors re-pointed, pruned last."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.workspace import Workspace

HOOK = "https://hooks.example.test/services/T000/B000/canary-Wq7"

FILES = """\
    notifications:
      - id: ops-webhook
        name: Ops webhook {tag}
        type: webhook
        settings:
          webhookURL: "${{OPS_HOOK}}"
          webhookContentType: json
    monitors:
      - id: api
        name: API {tag}
        type: http
        url: http://127.0.0.1:9/
        interval: 300
        notifications: [ops-webhook]
      - id: quiet
        name: Quiet {tag}
        type: http
        url: http://127.0.0.1:9/quiet
        interval: 300
"""


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Workspace:
    return Workspace(tmp_path, {**kuma_env, "OPS_HOOK": HOOK}, monkeypatch)


def notifications_named(ws: Workspace, name: str) -> list[dict]:
    with ws.client() as client:
        return [{**row, "config": json.loads(row["config"])} for row in client.notifications() if row["name"] == name]


def test_a_notification_and_the_monitor_naming_it(ws: Workspace) -> None:
    ws.write(FILES.format(tag=ws.owner_tag))
    diff = ws.run("diff")
    assert diff.exit_code == 0, diff.output
    assert diff.stdout.index("+ create notification ops-webhook") < diff.stdout.index("+ create api")
    assert HOOK not in diff.output and "webhookURL: (sensitive)" in diff.stdout

    sync = ws.run("sync")
    assert sync.exit_code == 0, sync.output
    (saved,) = notifications_named(ws, f"Ops webhook {ws.owner_tag}")
    assert saved["config"]["webhookURL"] == HOOK and saved["config"]["kumaprovId"] == "ops-webhook" and saved["config"]["kumaprovOwner"] == ws.owner_tag
    live = ws.managed()
    assert live["api"]["notificationIDList"] == {str(saved["id"]): True}
    assert live["quiet"]["notificationIDList"] == {}
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0

    # A changed setting is an update of the notification alone; a removed one is gone.
    ws.write(FILES.format(tag=ws.owner_tag).replace("webhookContentType: json", "webhookContentType: form-data"))
    changed = ws.run("sync")
    assert "~ update notification ops-webhook" in changed.stdout
    assert '    settings.webhookContentType: "json" -> "form-data"' in changed.stdout  # as the file nests it
    assert notifications_named(ws, f"Ops webhook {ws.owner_tag}")[0]["config"]["webhookContentType"] == "form-data"
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0


def test_monitors_can_name_a_notification_made_by_hand(ws: Workspace) -> None:
    name = f"Hand-made mail {ws.owner_tag}"
    with ws.client() as client:
        hand_made = int(client.call("addNotification", ({"name": name, "type": "webhook", "isDefault": False,
                                                         "webhookURL": "http://127.0.0.1:9/",
                                                         "webhookContentType": "json"}, None))["id"])
    ws.write(FILES.format(tag=ws.owner_tag).replace("notifications: [ops-webhook]", f"notifications: [{name}]"))
    assert ws.run("sync").exit_code == 0
    assert ws.managed()["api"]["notificationIDList"] == {str(hand_made): True}
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0
    # kumaprov does not own it, so removing every reference does not delete it.
    ws.write(FILES.format(tag=ws.owner_tag).replace("notifications: [ops-webhook]", "notifications: []"))
    assert ws.run("sync").exit_code == 0
    assert ws.managed()["api"]["notificationIDList"] == {}
    assert notifications_named(ws, name)


def test_an_unknown_notification_reference_writes_nothing(ws: Workspace) -> None:
    ws.write(FILES.format(tag=ws.owner_tag).replace("notifications: [ops-webhook]", "notifications: [ops-webhok]"))
    result = ws.run("sync")
    assert result.exit_code == 1
    assert "KP405 no notification 'ops-webhok' in the files or on the server" in result.stderr
    assert ws.managed() == {}


def test_a_removed_notification_is_deleted_after_the_monitors_let_go(ws: Workspace) -> None:
    ws.write(FILES.format(tag=ws.owner_tag))
    assert ws.run("sync").exit_code == 0
    text = FILES.format(tag=ws.owner_tag)
    ws.write("monitors:" + text.split("    monitors:")[1].replace("notifications: [ops-webhook]",
                                                                    "notifications: []"))
    sync = ws.run("sync")
    assert sync.exit_code == 0, sync.output
    assert sync.stderr.index("update api") < sync.stderr.index("delete notification ops-webhook")
    assert notifications_named(ws, f"Ops webhook {ws.owner_tag}") == []
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0
