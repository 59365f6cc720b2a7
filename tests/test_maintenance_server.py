"""Maintenance windows against the real Uptime Kuma: created with their monitors,
unchanged on the next sync, updated in place, deleted only when marked absent, and
windows the files do not name left alone."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kumaprov.kinds.maintenance import MAINTENANCE
from tests.workspace import Workspace

MONITORS = """\
    monitors:
      - {id: db, name: "Database {suffix}", type: port, hostname: 127.0.0.1, port: 9, interval: 3600}
      - {id: web, name: "Web {suffix}", type: http, url: "http://127.0.0.1:9/", interval: 3600}
"""


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    yield Workspace(tmp_path, kuma_env, monkeypatch)


def windows(ws: Workspace, title: str) -> list[dict[str, Any]]:
    """The server's windows with this title, each with the ids of the monitors it covers."""
    with ws.client() as client:
        rows, covered, _ = MAINTENANCE.read(client, {title})
        return [{**row, "covered": covered[int(row["id"])]} for row in rows if row["title"] == title]


def test_a_window_is_created_kept_updated_and_deleted_only_when_absent(ws: Workspace) -> None:
    title = f"DB upgrade {uuid.uuid4().hex[:6]}"
    other = f"Made by hand {uuid.uuid4().hex[:6]}"
    with ws.client() as client:
        client.call("addMaintenance", {"title": other, "description": "", "strategy": "manual", "active": False,
                                       "dateRange": [], "intervalDay": 1, "timezoneOption": None})
    ws.write(MONITORS.replace("{suffix}", title) + f"""\
    maintenance:
      - title: {title}
        description: Weekly minor-version upgrade
        strategy: recurring-weekday
        weekdays: [sun, wed]
        time: {{start: "02:00", end: "03:30"}}
        start: "2026-01-01 00:00"
        timezone: UTC
        monitors: [db]
""")
    diff = ws.run("diff")
    assert diff.exit_code == 0, diff.output
    assert f"+ create maintenance {title}" in diff.stdout

    sync = ws.run("sync")
    assert sync.exit_code == 0, sync.output
    [window] = windows(ws, title)
    managed = ws.managed()
    assert window["strategy"] == "recurring-weekday" and window["weekdays"] == [0, 3]
    assert [(t["hours"], t["minutes"]) for t in window["timeRange"]] == [(2, 0), (3, 30)]
    assert window["timezoneOption"] == "UTC" and window["active"] is True
    assert window["covered"] == [int(managed["db"]["id"])]

    again = ws.run("diff", "--detailed-exitcode")
    assert again.exit_code == 0, again.output

    # An edit in place: same window, new days and both monitors.
    ws.write(MONITORS.replace("{suffix}", title) + f"""\
    maintenance:
      - title: {title}
        description: Weekly minor-version upgrade
        strategy: recurring-weekday
        weekdays: [sat]
        time: {{start: "02:00", end: "03:30"}}
        start: "2026-01-01 00:00"
        timezone: UTC
        monitors: [db, web]
""")
    # Through a saved plan, as a pipeline would: reviewed, then applied exactly.
    planned = ws.run("diff", "--out", "plan.json")
    assert planned.exit_code == 0, planned.output
    assert f"~ update maintenance {title}" in planned.stdout
    update = ws.run("sync", "--plan", "plan.json")
    assert update.exit_code == 0, update.output
    [edited] = windows(ws, title)
    assert edited["id"] == window["id"] and edited["weekdays"] == [6]
    assert sorted(edited["covered"]) == sorted(int(managed[i]["id"]) for i in ("db", "web"))
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0

    # Left out of the files: kept (windows have no owner marker). Marked absent: deleted.
    ws.write(MONITORS.replace("{suffix}", title))
    assert ws.run("diff", "--detailed-exitcode").exit_code == 0
    ws.write(MONITORS.replace("{suffix}", title) + f"""\
    maintenance:
      - {{title: {title}, absent: true}}
""")
    delete = ws.run("sync")
    assert delete.exit_code == 0, delete.output
    assert f"- delete maintenance {title}" in delete.stdout
    assert windows(ws, title) == []
    assert len(windows(ws, other)) == 1  # never named, never touched


def test_a_window_naming_an_unknown_monitor_is_refused_before_any_write(ws: Workspace) -> None:
    title = f"Broken {uuid.uuid4().hex[:6]}"
    ws.write(MONITORS.replace("{suffix}", title) + f"""\
    maintenance:
      - {{title: {title}, monitors: [dbb]}}
""")
    result = ws.run("sync")
    assert result.exit_code == 1
    assert (f"monitors/monitors.yaml:5:39: KP209 maintenance window '{title}' covers 'dbb', which no monitor "
            "definition has (did you mean 'db'?)") in result.stderr
    assert ws.managed() == {} and windows(ws, title) == []


def test_a_window_without_a_timezone_is_in_sync_after_its_sync(ws: Workspace) -> None:
    # Saved with no zone, the server lists its own ("UTC"): that was an edit on every sync.
    title = f"No zone {uuid.uuid4().hex[:6]}"
    ws.write(MONITORS.replace("{suffix}", title) + f"""\
    maintenance:
      - {{title: {title}, strategy: single, start: "2026-12-05 22:00", end: "2026-12-06 04:00", monitors: [db]}}
""")
    assert ws.run("sync").exit_code == 0
    [window] = windows(ws, title)
    assert window["timezoneOption"] == "SAME_AS_SERVER"
    again = ws.run("diff", "--detailed-exitcode")
    assert again.exit_code == 0, again.output

