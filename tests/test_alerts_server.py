"""diff/sync --alerts-out and `kumaprov alerts` against the real Uptime Kuma: the rules are
written in the run that syncs the monitors, diff shows their changes, a rename keeps them
matching, and what would make them select the wrong monitor writes nothing at all.

The test server is the npm 2.0.0-dev.0 build, whose metrics carry names only; the tests
read the server's own version, so they hold for the releases (by id) as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kumaprov.alerts.metrics import MetricsLine
from tests.alertkit import check_rules
from tests.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    yield Workspace(tmp_path, kuma_env, monkeypatch)


def monitors(ws: Workspace, name: str = "Web", down_for: str = "2m") -> str:
    # Names carry the workspace's tag: on a server whose metrics carry names only, they must be
    # unique on the whole (shared) test server.
    return f"""\
        monitors:
          - id: web
            name: {name} {ws.owner_tag}
            type: http
            url: http://127.0.0.1:9/
            interval: 300
            alerts: {{down: {{for: {down_for}, severity: critical}}}}
          - {{id: plain, name: Plain {ws.owner_tag}, type: http, url: "http://127.0.0.1:9/p", interval: 300}}
    """


def rules_of(path: Path) -> dict[tuple[Any, Any], dict[str, Any]]:
    content = yaml.safe_load(path.read_text())
    return {(r["labels"].get("kumaprov_id"), r["labels"]["kumaprov_alert"]): r for r in content["groups"][0]["rules"]}


def selects(ws: Workspace, rule: dict[str, Any], name: str) -> bool:
    """Whether the rule selects the monitor the server has under this definition id."""
    managed = ws.managed()["web"]
    with ws.client() as client:
        line = MetricsLine(client.version)
    wanted = f'monitor_id="{managed["id"]}"' if line.has_monitor_id else f'monitor_name="{name} {ws.owner_tag}"'
    return managed["name"] == f"{name} {ws.owner_tag}" and wanted in rule["expr"]


def test_sync_writes_the_rules_and_a_rename_keeps_them_matching(ws: Workspace) -> None:
    ws.write(monitors(ws))
    rule_file = ws.root / "prometheus" / "kumaprov.rules.yml"
    first = ws.run("sync", "--alerts-out", str(rule_file))
    assert first.exit_code == 0, first.output
    assert f"wrote {rule_file}" in first.stderr
    check_rules(rule_file)
    assert selects(ws, rules_of(rule_file)[("web", "down")], "Web")
    assert ("plain", "down") not in rules_of(rule_file)

    ws.write(monitors(ws, name="Web front"))
    diff = ws.run("diff", "--alerts-out", str(rule_file), "--detailed-exitcode")
    assert diff.exit_code == 2, diff.output
    assert "~ change UptimeKumaMonitorDown for web" in diff.stdout
    renamed = ws.run("sync", "--alerts-out", str(rule_file))
    assert renamed.exit_code == 0, renamed.output
    assert selects(ws, rules_of(rule_file)[("web", "down")], "Web front")
    assert selects(ws, rules_of(rule_file)[("web", "missing")], "Web front")

    quiet = ws.run("diff", "--alerts-out", str(rule_file), "--detailed-exitcode")
    assert quiet.exit_code == 0, quiet.output
    assert "Alert rules" not in quiet.output


def test_diff_shows_a_rule_change_alone(ws: Workspace) -> None:
    ws.write(monitors(ws))
    rule_file = ws.root / "rules.yml"
    assert ws.run("sync", "--alerts-out", str(rule_file)).exit_code == 0
    ws.write(monitors(ws, down_for="15m"))
    diff = ws.run("diff", "--alerts-out", str(rule_file), "--detailed-exitcode")
    assert diff.exit_code == 2, diff.output  # no monitor changes, but the rules do
    assert "No changes. 2 monitor(s) in sync." in diff.stdout
    assert "    for: 2m -> 15m" in diff.stdout
    synced = ws.run("sync", "--alerts-out", str(rule_file))
    assert synced.exit_code == 0 and rules_of(rule_file)[("web", "down")]["for"] == "15m"


def test_bad_alerts_write_neither_monitors_nor_rules(ws: Workspace) -> None:
    ws.write(monitors(ws, down_for="2 minutes"))
    rule_file = ws.root / "rules.yml"
    result = ws.run("sync", "--alerts-out", str(rule_file))
    assert result.exit_code == 1
    assert "monitors/monitors.yaml:7:26: KP104 alerts.down.for: '2 minutes' is not a duration" in result.stderr
    assert "nothing was written" in result.stderr
    assert ws.managed() == {} and not rule_file.exists()


def test_a_name_another_monitor_has_is_refused_where_metrics_carry_names(ws: Workspace) -> None:
    with ws.client() as client:
        by_name = not MetricsLine(client.version).has_monitor_id
    other = ws.add_by_hand(type="http", name=f"Web {ws.owner_tag}", url="http://127.0.0.1:9/x")
    try:
        ws.write(monitors(ws))
        rule_file = ws.root / "rules.yml"
        result = ws.run("sync", "--alerts-out", str(rule_file))
        if not by_name:  # by id, a shared name does not matter
            assert result.exit_code == 0, result.output
            return
        assert result.exit_code == 1, result.output
        assert f"KP604 monitor #{other} on the server (not managed by this project) is also named" in result.stderr
        assert ws.managed() == {} and not rule_file.exists()
        # Without rules, the same sync is fine: names need not be unique in Uptime Kuma.
        assert ws.run("sync").exit_code == 0
    finally:
        with ws.client() as client:
            client.delete_monitor(other)


def test_alerts_command_reads_the_server(ws: Workspace) -> None:
    ws.write(monitors(ws))
    assert ws.run("sync").exit_code == 0
    result = ws.run("alerts", "--out", "rules.yml", "--scrape-out", "scrape.yml")
    assert result.exit_code == 0, result.output
    check_rules(ws.root / "rules.yml")
    assert selects(ws, rules_of(ws.root / "rules.yml")[("web", "down")], "Web")
    scrape = yaml.safe_load((ws.root / "scrape.yml").read_text())["scrape_configs"][0]
    assert scrape["static_configs"] == [{"targets": [ws.env["KUMA_URL"].removeprefix("http://")]}]
