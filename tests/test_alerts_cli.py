"""`kumaprov alerts` offline: the rule file and the scrape config as files a user loads, what
changes between runs, the credential only ever as a reference, and bad input that writes
nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from kumaprov.cli import main
from kumaprov.dev import prometheus
from tests.alertkit import check_rules

CANARY = "canary-Pw7xQ2mZ9kL4"
MONITORS = """\
    defaults:
      alerts:
        certificate: {days_below: 21, labels: {team: web}}
    monitors:
      - id: api
        name: API
        type: http
        url: https://api.example.com/health
        alerts:
          down: {for: 2m, severity: critical, annotations: {runbook_url: "https://runbooks.example.com/{id}"}}
      - {id: beat, name: Nightly, type: push, push_token: "${BEAT_TOKEN}", interval: 300}
"""


def project(root: Path, monitors: str = MONITORS, target: str = "1.23.17") -> Path:
    (root / "monitors").mkdir(exist_ok=True)
    (root / "kumaprov.yaml").write_text(f'target: "{target}"\n')
    (root / "monitors" / "m.yaml").write_text(textwrap.dedent(monitors))
    return root


def run(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(root)
    env = {"KUMA_PASSWORD": CANARY, "KUMA_USERNAME": "ops", "KUMA_URL": "", "BEAT_TOKEN": CANARY}
    return CliRunner().invoke(main, ["alerts", *args], env=env, catch_exceptions=False)


def test_rules_and_scrape_config_are_files_prometheus_takes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path)
    result = run(tmp_path, monkeypatch, "--out", "prom/rules.yml", "--scrape-out", "prom/scrape.yml",
                 "--metrics-url", "https://kuma.example.com/status/")
    assert result.exit_code == 0, result.output
    check_rules(tmp_path / "prom" / "rules.yml")
    done = prometheus.promtool("check", "config", tmp_path / "prom" / "scrape.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    rules = yaml.safe_load((tmp_path / "prom" / "rules.yml").read_text())["groups"][0]["rules"]
    by_alert = {(r["labels"].get("kumaprov_id"), r["labels"]["kumaprov_alert"]): r for r in rules}
    # The certificate alert from the defaults goes to the https monitor only; the push monitor has none.
    assert set(by_alert) == {(None, "scrape"), ("api", "down"), ("api", "certificate"), ("api", "missing")}
    assert by_alert[("api", "down")]["annotations"]["runbook_url"] == "https://runbooks.example.com/api"
    assert by_alert[("api", "certificate")]["labels"]["team"] == "web"
    assert 'monitor_name="API"' in by_alert[("api", "down")]["expr"]
    job = yaml.safe_load((tmp_path / "prom" / "scrape.yml").read_text())["scrape_configs"][0]
    assert job["scheme"] == "https" and job["metrics_path"] == "/status/metrics"
    assert job["static_configs"] == [{"targets": ["kuma.example.com"]}]
    assert job["basic_auth"] == {"username": "ops", "password_file": "/etc/prometheus/secrets/uptime-kuma-password"}
    assert "+ add UptimeKumaMonitorDown for api" in result.stderr
    written = (tmp_path / "prom" / "rules.yml").read_text() + (tmp_path / "prom" / "scrape.yml").read_text()
    assert CANARY not in written + result.output


def test_the_credential_is_a_reference_never_its_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path)
    by_env = run(tmp_path, monkeypatch, "--scrape-out", "-", "--metrics-url", "http://127.0.0.1:3001",
                 "--password-env", "KUMA_PASSWORD", "--out", "rules.yml")
    assert by_env.exit_code == 0, by_env.output
    job = yaml.safe_load(by_env.stdout)["scrape_configs"][0]
    assert job["basic_auth"] == {"username": "${KUMA_USERNAME}", "password": "${KUMA_PASSWORD}"}
    key = run(tmp_path, monkeypatch, "--scrape-out", "-", "--metrics-url", "http://127.0.0.1:3001",
              "--metrics-auth", "api-key", "--password-file", "/run/secrets/kuma-key", "--out", "rules.yml")
    job = yaml.safe_load(key.stdout)["scrape_configs"][0]
    assert job["basic_auth"] == {"username": "prometheus", "password_file": "/run/secrets/kuma-key"}
    assert "only keys" in key.stdout
    assert CANARY not in by_env.output + key.output


def test_a_second_run_shows_what_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path)
    assert run(tmp_path, monkeypatch, "--out", "rules.yml").exit_code == 0
    again = run(tmp_path, monkeypatch, "--out", "rules.yml")
    assert "Alert rules (rules.yml): no changes." in again.stderr
    project(tmp_path, MONITORS.replace("for: 2m, severity: critical", "for: 5m, severity: critical")
            .replace("name: API", "name: API gateway"))
    changed = run(tmp_path, monkeypatch, "--out", "rules.yml")
    assert changed.exit_code == 0, changed.output
    assert "~ change UptimeKumaMonitorDown for api" in changed.stderr
    assert "    for: 2m -> 5m" in changed.stderr
    assert '    expr: monitor_status{job="uptime-kuma",monitor_name="API"} == 0 -> ' \
           'monitor_status{job="uptime-kuma",monitor_name="API gateway"} == 0' in changed.stderr
    assert "Rules: 0 to add, 3 to change, 0 to remove." in changed.stderr


def test_bad_alerts_are_file_line_errors_and_nothing_is_written(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, MONITORS.replace("down: {for: 2m", "down: {fro: 2m"))
    (tmp_path / "rules.yml").write_text("groups: []\n")
    result = run(tmp_path, monkeypatch, "--out", "rules.yml", "--scrape-out", "scrape.yml",
                 "--metrics-url", "http://127.0.0.1:3001")
    assert result.exit_code == 1
    assert "monitors/m.yaml:10:14: KP101 unknown key 'fro' for a down alert (did you mean 'for'?)" in result.stderr
    assert (tmp_path / "rules.yml").read_text() == "groups: []\n"
    assert not (tmp_path / "scrape.yml").exists()


def test_offline_rules_for_a_server_that_selects_by_id_are_refused(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path, target="2.5.3")
    result = run(tmp_path, monkeypatch, "--out", "rules.yml")
    assert result.exit_code == 2
    assert "select monitors by their server id" in result.stderr
    assert not (tmp_path / "rules.yml").exists()


def test_a_target_is_needed_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project(tmp_path)
    (tmp_path / "kumaprov.yaml").write_text("")
    result = run(tmp_path, monkeypatch)
    assert result.exit_code == 2
    assert "which Uptime Kuma?" in result.stderr
    # With --target: printed on stdout, ready for a pipe.
    printed = run(tmp_path, monkeypatch, "--target", "1.23.17")
    assert printed.exit_code == 0 and printed.stdout.startswith("# Prometheus alerting rules for Uptime Kuma 1.23.17")


def test_the_readme_shows_the_rules_kumaprov_writes_for_the_openwebui_example(monkeypatch: pytest.MonkeyPatch
                                                                              ) -> None:
    repo = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(main, ["alerts", "--target", "1.23.17"], env={"KUMA_URL": ""})
    assert result.exit_code == 0, result.output
    readme = (repo / "README.md").read_text(encoding="utf-8")
    start = readme.index("<summary>kumaprov.rules.yml")
    shown = readme[readme.index("```yaml\n", start) + len("```yaml\n"):readme.index("```\n", start + 40)]
    assert shown == result.stdout
    assert f"({len(result.stdout.splitlines())} lines)" in readme[start:start + 60]
