"""Several projects on one real Uptime Kuma: each creates, updates and deletes only its own
objects, collisions are refused rather than resolved by force, an instance synced before
projects existed is taken over without recreating anything, and two projects syncing at the
same moment end with every object exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from kumaprov.kinds.monitor_refs import marker_value
from tests.workspace import Workspace

HOOK = "http://127.0.0.1:9/hook"


def files(prefix: str, *monitors: tuple[str, str, int], notification: str | None = None) -> str:
    """A monitor file: (id, name, interval) each, and optionally one webhook every monitor uses."""
    text = ""
    if notification is not None:
        text += (f"notifications:\n  - {{id: {notification}, name: '{prefix} {notification}', type: webhook,"
                 f" settings: {{webhookURL: '${{HOOK_URL}}', webhookContentType: json}}}}\n")
    text += "monitors:\n"
    for definition_id, name, interval in monitors:
        uses = f", notifications: [{notification}]" if notification else ""
        text += (f"  - {{id: {definition_id}, name: '{prefix} {name}', type: http,"
                 f" url: 'http://127.0.0.1:9/{definition_id}', interval: {interval}{uses}}}\n")
    return text


def two_projects(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
                 ) -> tuple[Workspace, Workspace]:
    """Two repositories with default settings but for the shared tag (per test, so that tests
    on the same server stay apart): neither sets `project:`, so each is named by its directory."""
    tag = f"kp-{uuid.uuid4().hex[:8]}"
    pair = []
    for name in ("payments", "shop"):
        ws = Workspace(tmp_path / name, {**kuma_env, "HOOK_URL": HOOK}, monkeypatch, owner_tag=tag, name=name)
        (ws.root / "kumaprov.yaml").write_text(f"owner_tag: {tag}\n")  # no project: the default
        pair.append(ws)
    return pair[0], pair[1]


def everything(ws: Workspace) -> dict[str, Any]:
    """Every monitor and notification on the server carrying the shared tag, by server id."""
    with ws.client() as client:
        monitors = {m["id"]: m for m in client.monitors() if marker_value(m, ws.owner_tag)}
        notifications = {n["id"]: n for n in client.notifications()
                         if json.loads(n["config"]).get("kumaprovOwner") == ws.owner_tag}
    return {"monitors": monitors, "notifications": notifications}


def of_project(snapshot: dict[str, Any], project: str) -> dict[str, Any]:
    return {"monitors": {i: m for i, m in snapshot["monitors"].items()
                         if str(marker_value(m, m["tags"][0]["name"]) or "").startswith(f"{project}/")},
            "notifications": {i: n for i, n in snapshot["notifications"].items()
                              if json.loads(n["config"]).get("kumaprovProject") == project}}


def test_two_projects_create_update_and_delete_only_their_own(tmp_path: Path, kuma_env: dict[str, str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    payments, shop = two_projects(tmp_path, kuma_env, monkeypatch)
    payments.write(files("P", ("api", "API", 300), ("ledger", "Ledger", 300), notification="ops"))
    shop.write(files("S", ("web", "Web", 300), ("cart", "Cart", 300), notification="alerts"))
    for ws in (payments, shop):
        result = ws.run("sync")
        assert result.exit_code == 0, result.output
        assert "Plan: 3 to create" in result.stdout  # the other's objects are neither adopted nor deleted
    before = everything(payments)
    assert sorted(m["tags"][0]["value"] for m in before["monitors"].values()) == [
        "payments/api", "payments/ledger", "shop/cart", "shop/web"]

    # The shop updates one monitor, deletes one and creates one: the payments objects stay as they were.
    shop.write(files("S", ("web", "Web", 600), ("basket", "Basket", 300), notification="alerts"))
    result = shop.run("sync")
    assert result.exit_code == 0, result.output
    assert "Plan: 1 to create, 1 to update, 1 to delete" in result.stdout
    after = everything(payments)
    assert of_project(after, "payments") == of_project(before, "payments")
    assert sorted(payments.managed()) == ["api", "ledger"]
    shop_monitors = {m["tags"][0]["value"]: m for m in of_project(after, "shop")["monitors"].values()}
    assert sorted(shop_monitors) == ["shop/basket", "shop/web"] and shop_monitors["shop/web"]["interval"] == 600

    # And the other way round; the shop's notification and monitors are untouched.
    payments.write(files("P", ("api", "API", 900), ("refunds", "Refunds", 300), notification="ops"))
    result = payments.run("sync")
    assert result.exit_code == 0, result.output
    assert "Plan: 1 to create, 1 to update, 1 to delete" in result.stdout
    last = everything(payments)
    assert of_project(last, "shop") == of_project(after, "shop")
    for ws in (payments, shop):
        assert ws.run("diff", "--detailed-exitcode").exit_code == 0


def test_an_id_or_name_of_another_project_is_reported_and_refused(tmp_path: Path, kuma_env: dict[str, str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    payments, shop = two_projects(tmp_path, kuma_env, monkeypatch)
    payments.write(files("P", ("api", "API", 300), ("ledger", "Ledger", 300)))
    assert payments.run("sync").exit_code == 0
    shop.write(files("S", ("web", "Web", 300)))
    assert shop.run("sync").exit_code == 0
    before = everything(payments)

    # The same definition id: the measured bug (the second repository took the monitor over).
    shop.write(files("S", ("web", "Web", 300), ("api", "API", 60)))
    diff = shop.run("diff")
    assert diff.exit_code == 1
    assert "KP407 monitor 'api' belongs to project 'payments'" in diff.output
    sync = shop.run("sync")
    assert sync.exit_code == 1 and "KP407" in sync.output
    assert everything(payments) == before

    # The same display name under another id: also refused, naming the owner and its id.
    shop.write(files("S", ("web", "Web", 300)) + "  - {id: shop-ledger, name: 'P Ledger', type: http,"
               " url: 'http://127.0.0.1:9/x', interval: 300}\n")
    diff = shop.run("diff", "--output", "json")
    assert diff.exit_code == 1
    assert "monitor name 'P Ledger' belongs to project 'payments' (monitor 'ledger'" in diff.output
    assert shop.run("sync", "--adopt").exit_code == 1  # --adopt never takes another project's monitor
    assert everything(payments) == before

    # Asked by name, a project takes another's monitor over (a move between repositories): the
    # same server id, the new owner's marker; the old owner is then refused it, not handed it back.
    (shop.root / "kumaprov.yaml").write_text(f"owner_tag: {shop.owner_tag}\nadopt_from: [payments]\n")
    shop.write(files("S", ("web", "Web", 300), ("api", "API", 300)))
    result = shop.run("sync")
    assert result.exit_code == 0, result.output
    assert "(its marker 'payments/api' becomes this project's)" in result.stdout
    api_id = next(i for i, m in before["monitors"].items() if m["tags"][0]["value"] == "payments/api")
    assert shop.managed()["api"]["id"] == api_id and sorted(payments.managed()) == ["ledger"]
    result = payments.run("diff")
    assert result.exit_code == 1 and "monitor 'api' belongs to project 'shop'" in result.output


def old_style(ws: Workspace, project: str) -> None:
    """Turn this project's markers into the ones kumaprov wrote before projects: the tag's value
    is the definition id alone, and a notification's configuration has no kumaprovProject."""
    with ws.client() as client:
        for monitor in client.monitors():
            value = marker_value(monitor, ws.owner_tag)
            if value and value.startswith(f"{project}/"):
                tag_id = next(t["tag_id"] for t in monitor["tags"] if t["name"] == ws.owner_tag)
                client.add_monitor_tag(tag_id, monitor["id"], value.split("/", 1)[1])
                client.delete_monitor_tag(tag_id, monitor["id"], value)
        for row in client.notifications():
            config = json.loads(row["config"])
            if config.get("kumaprovProject") == project:
                del config["kumaprovProject"]
                client.call("addNotification", (config, row["id"]))


def test_an_instance_synced_before_projects_is_adopted_with_zero_recreations(
        tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    legacy, newcomer = two_projects(tmp_path, kuma_env, monkeypatch)
    legacy.write(files("L", ("api", "API", 300), ("db", "DB", 300), notification="ops"))
    assert legacy.run("sync").exit_code == 0
    old_style(legacy, "payments")
    before = everything(legacy)
    assert sorted(m["tags"][0]["value"] for m in before["monitors"].values()) == ["api", "db"]

    # Another repository leaves the old-style objects alone, and is refused the ids they have.
    newcomer.write(files("N", ("web", "Web", 300)))
    result = newcomer.run("sync")
    assert result.exit_code == 0, result.output
    assert "Plan: 1 to create, 0 to update, 0 to delete" in result.stdout
    newcomer.write(files("N", ("web", "Web", 300), ("db", "Other DB", 300)))
    result = newcomer.run("diff")
    assert result.exit_code == 1
    assert "monitor 'db' belongs to kumaprov before projects (old-style marker)" in result.output
    assert "adopt_legacy: true" in result.output

    # Its own repository, upgraded, is refused too until it says the objects are its own...
    result = legacy.run("sync")
    assert result.exit_code == 1 and "adopt_legacy: true" in result.output
    assert everything(legacy)["monitors"].keys() >= before["monitors"].keys()

    # ... and then adopts them: the same server ids, the project's markers, nothing created.
    (legacy.root / "kumaprov.yaml").write_text(f"owner_tag: {legacy.owner_tag}\nadopt_legacy: true\n")
    diff = legacy.run("diff")
    assert "~ adopt  api" in diff.stdout and "+ create" not in diff.stdout, diff.output
    result = legacy.run("sync")
    assert result.exit_code == 0, result.output
    assert "Plan: 0 to create, 3 to update, 0 to delete" in result.stdout
    managed = legacy.managed()
    assert {m["id"] for m in managed.values()} == set(before["monitors"])
    assert sorted(marker_value(m, legacy.owner_tag) for m in managed.values()) == ["payments/api", "payments/db"]
    (ops,) = [n for n in everything(legacy)["notifications"].values()
              if json.loads(n["config"]).get("kumaprovProject") == "payments"]
    assert ops["id"] in before["notifications"]
    assert legacy.run("diff", "--detailed-exitcode").exit_code == 0


def sync_process(ws: Workspace) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "kumaprov", "sync"], cwd=ws.root, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, **ws.env, "KUMAPROV_NO_CACHE": "1"})


def test_two_projects_syncing_at_once_end_with_each_object_once(tmp_path: Path, kuma_env: dict[str, str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    payments, shop = two_projects(tmp_path, kuma_env, monkeypatch)
    for interval in (300, 600):  # both create at once, then both update at once
        payments.write(files("P", *((f"p{i}", f"M{i}", interval) for i in range(6)), notification="p-ops"))
        shop.write(files("S", *((f"s{i}", f"M{i}", interval) for i in range(6)), notification="s-ops"))
        runs = [sync_process(payments), sync_process(shop)]
        outputs = [run.communicate(timeout=300)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        state = everything(payments)
        for ws, prefix in ((payments, "p"), (shop, "s")):
            mine = of_project(state, ws.name)
            assert sorted(m["tags"][0]["value"] for m in mine["monitors"].values()) == [
                f"{ws.name}/{prefix}{i}" for i in range(6)]
            assert {m["interval"] for m in mine["monitors"].values()} == {interval}
            assert len(mine["notifications"]) == 1
        assert len(state["monitors"]) == 12 and len(state["notifications"]) == 2  # nothing else, no copies
    for ws in (payments, shop):
        assert ws.run("diff", "--detailed-exitcode").exit_code == 0
