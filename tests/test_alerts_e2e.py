"""End to end with the real tools: the openwebui template synced to the real Uptime Kuma against
the Open WebUI stand-in, with the rule file `sync --alerts-out` writes and the scrape config
`kumaprov alerts --scrape-out` writes, loaded into a real Prometheus on 127.0.0.1. Level 2
is made to fail (an empty model list): its alert goes pending, then firing, through
Prometheus' HTTP API; the monitor is renamed in the files and synced, and the alert keeps
firing for it; the model list comes back and the alert resolves.

Short `for:` durations, a 2 s scrape and 1 s evaluation keep it to about a minute; the
monitors' 20 s interval is the minimum the npm build allows. Parametrized over the releases
later: 2.1 and later need a restart of Uptime Kuma after the first sync (they add tags as
labels, only those that existed at start-up, and drop the series of a monitor with a newer
one at its next restart: measured on 2.5.3), and select by monitor_id (the monitor_name
queries below hold there too).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from kumaprov.dev import prometheus
from kumaprov.dev.localkuma import LocalKuma
from kumaprov.dev.standin import StandIn
from tests.workspace import Workspace

pytestmark = pytest.mark.servers(
    only=("2.0.0-dev.0",),
    because=("2.1 and later export only the tags they saw at start-up, so a synced monitor loses its series "
             "until Uptime Kuma restarts (README, Alerts)"))

WAIT = 150.0  # seconds any one step may take at most; the steps themselves take 5-40 s


def instance(ws: Workspace, standin: StandIn, name: str) -> str:
    return f"""\
        monitors:
          - template: openwebui
            vars:
              id: owui
              name: {name} {ws.owner_tag}
              base_url: {standin.url}
              api_key_env: OPENWEBUI_API_KEY
              model: llama3.1:8b
              health_interval: 20
              models_interval: 20
              chat_interval: 20
              chat_timeout: 10
              alert_labels: {{team: ml-platform}}
              alerts:
                health: {{down: {{for: 10s, severity: critical}}}}
                models: {{down: {{for: 10s, severity: warning, annotations: {{runbook_url: "https://runbooks.example.com/{{id}}"}}}}}}
    """


def wait_for(what: str, check: Callable[[], Any], timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.5)


def ours(prom: prometheus.Prometheus, definition_id: str) -> list[dict[str, Any]]:
    return [alert for alert in prom.alerts() if alert["labels"].get("kumaprov_id") == definition_id]


@pytest.fixture(scope="module")
def prometheus_tools() -> prometheus.Tools:
    return prometheus.ensure_installed()


def test_level_2_alert_goes_pending_firing_survives_a_rename_and_recovers(
        tmp_path: Path, kuma_server: LocalKuma, kuma_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        standin: StandIn, prometheus_tools: prometheus.Tools) -> None:
    ws = Workspace(tmp_path, {**kuma_env, "OPENWEBUI_API_KEY": standin.api_key}, monkeypatch)
    shutil.copytree(Path(__file__).resolve().parents[1] / "templates", tmp_path / "templates")
    ws.write(instance(ws, standin, "Open WebUI"))
    rules_file = tmp_path / "prom" / "kumaprov.rules.yml"
    synced = ws.run("sync", "--alerts-out", str(rules_file), "--alerts-missing-for", "30s")
    assert synced.exit_code == 0, synced.output

    # The scrape config as kumaprov writes it, the admin password in a file beside it.
    (tmp_path / "prom" / "kuma-password").write_text(kuma_server.password)
    scrape = ws.run("alerts", "--scrape-out", str(tmp_path / "prom" / "scrape.yml"), "--scrape-interval", "2s",
                    "--metrics-username", kuma_server.username,
                    "--password-file", str(tmp_path / "prom" / "kuma-password"))
    assert scrape.exit_code == 0, scrape.output
    config = yaml.safe_load((tmp_path / "prom" / "scrape.yml").read_text())
    assert kuma_server.password not in (tmp_path / "prom" / "scrape.yml").read_text()
    config.update({"global": {"evaluation_interval": "1s"}, "rule_files": [str(rules_file)]})

    with prometheus.start(yaml.safe_dump(config), tmp_path / "prom") as prom:
        models_name = f"Open WebUI {ws.owner_tag} - models"
        wait_for("the models monitor UP in Prometheus",
                 lambda: prom.query(f'monitor_status{{monitor_name="{models_name}"}} == 1'))
        assert [target["health"] for target in prom.targets()] == ["up"]
        # Before the first scrape the series are absent and the missing rules go pending: wait it out.
        wait_for("no alert for the monitors", lambda: not ours(prom, "owui-models") + ours(prom, "owui-health"))

        standin.set_mode(models="empty")
        pending = wait_for("the level 2 alert pending", lambda: [a for a in ours(prom, "owui-models")
                                                                 if a["state"] == "pending"])
        firing = wait_for("the level 2 alert firing", lambda: [a for a in ours(prom, "owui-models")
                                                               if a["state"] == "firing"])
        assert pending[0]["labels"]["alertname"] == firing[0]["labels"]["alertname"] == "UptimeKumaMonitorDown"
        assert firing[0]["labels"]["monitor_name"] == models_name
        assert firing[0]["labels"]["team"] == "ml-platform" and firing[0]["labels"]["severity"] == "warning"
        assert firing[0]["annotations"]["runbook_url"] == "https://runbooks.example.com/owui-models"
        assert ours(prom, "owui-health") == []  # level 1 stays up

        # Renamed in the files and synced: the rules follow in the same run.
        ws.write(instance(ws, standin, "Chat"))
        renamed = ws.run("sync", "--alerts-out", str(rules_file), "--alerts-missing-for", "30s")
        assert renamed.exit_code == 0, renamed.output
        prom.reload()
        new_name = f"Chat {ws.owner_tag} - models"
        wait_for("the level 2 alert firing under the new name", lambda: [
            a for a in ours(prom, "owui-models") if a["state"] == "firing" and a["labels"]["monitor_name"] == new_name])

        standin.set_mode(models="ok")
        wait_for("the level 2 alert resolved", lambda: prom.query(
            f'monitor_status{{monitor_name="{new_name}"}} == 1') and not ours(prom, "owui-models"))
        # No rule lost its series along the way (the rename would have left them matching nothing).
        missing = [a for a in prom.alerts() if a["labels"]["alertname"] == "UptimeKumaMonitorMissing"
                   and str(a["labels"].get("kumaprov_id", "")).startswith("owui-")]
        assert missing == []
