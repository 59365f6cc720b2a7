"""The generated rules, judged by Prometheus' own promtool: `check rules` on every file kumaprov
writes (the examples, the templates, fuzzed definitions) and `test rules` per kind of alert,
for both ways rules select a monitor (by name on 1.23 and 2.0.0-dev.0, by id on 2.x)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kumaprov.alerts import rulefile, rules
from kumaprov.alerts.metrics import MetricsLine
from kumaprov.sync import alert_rules as build
from kumaprov.lint.run import lint
from kumaprov.problems import Severity
from kumaprov.definitions.project import load_project
from tests.alertkit import check_rules, expected_alert, labels, run_rule_tests, series

REPO = Path(__file__).resolve().parents[1]
# Each way of selecting monitors, with the version whose metrics call for it; the server id
# the 2.x rules read at sync time is given here.
LINES = {"by-name": ("1.23.17", None), "by-id": ("2.5.3", 7)}


def write_project(root: Path, monitors: str, target: str) -> Path:
    (root / "monitors").mkdir(parents=True, exist_ok=True)
    (root / "kumaprov.yaml").write_text(f'target: "{target}"\n')
    (root / "monitors" / "m.yaml").write_text(textwrap.dedent(monitors))
    return root


def generate(root: Path, version: str, server_id: int | None, out: Path,
             settings: rules.Settings = rules.Settings(missing_for="10m")) -> dict[str, Any]:
    project, problems = load_project(None, root)
    assert not problems
    result = lint(project, target=version)
    assert not [p.text() for p in result.problems if p.severity is Severity.ERROR]
    ids = {d.id: server_id for d in result.definitions} if server_id is not None else {}
    content = build.rule_file(result.definitions, MetricsLine(version), settings, ids)
    out.write_text(rulefile.render(content, ["test"]), encoding="utf-8")
    check_rules(out)
    return content


def rule(content: dict[str, Any], alert: str, definition_id: str | None = None) -> dict[str, Any]:
    found = [r for r in content["groups"][0]["rules"]
             if r["alert"] == alert and r["labels"].get("kumaprov_id") == definition_id]
    assert len(found) == 1, (alert, definition_id, content)
    return found[0]


def expanded(annotations: dict[str, str], value: str) -> dict[str, str]:
    return {key: text.replace("{{ $value }}", value) for key, text in annotations.items()}


def monitor_labels(mode: str, name: str = "Chat - health", **extra: Any) -> dict[str, str]:
    _, server_id = LINES[mode]
    return labels(name, monitor_id=server_id, **extra)


@pytest.mark.parametrize("mode", LINES)
def test_down_fires_after_for_and_recovers(tmp_path: Path, mode: str) -> None:
    version, server_id = LINES[mode]
    write_project(tmp_path, """\
        monitors:
          - id: chat-health
            name: Chat - health
            type: http
            url: https://chat.example.com/health
            alerts: {down: {for: 2m, severity: critical, labels: {team: ml, service: "{name}"}}}
          - {id: other, name: Chat - health (old), type: http, url: "https://old.example.com"}
    """, version)
    content = generate(tmp_path, version, server_id, tmp_path / "rules.yml")
    down = rule(content, "UptimeKumaMonitorDown", "chat-health")
    assert down["labels"]["service"] == "Chat - health" and down["labels"]["severity"] == "critical"
    ours, other = monitor_labels(mode), labels("Chat - health (old)", monitor_id=8 if server_id else None,
                                               url="https://old.example.com")
    firing = [expected_alert(down, ours)]
    run_rule_tests(tmp_path, tmp_path / "rules.yml", [{
        "interval": "1m",
        # Down from minute 2 to 6, up again at 7; another monitor is down all along and must not match.
        "input_series": [{"series": series("monitor_status", ours), "values": "1 1 0 0 0 0 0 1 1"},
                         {"series": series("monitor_status", other), "values": "0x8"}],
        "alert_rule_test": [
            {"eval_time": "1m", "alertname": "UptimeKumaMonitorDown", "exp_alerts": []},
            {"eval_time": "3m", "alertname": "UptimeKumaMonitorDown", "exp_alerts": []},  # pending
            {"eval_time": "4m", "alertname": "UptimeKumaMonitorDown", "exp_alerts": firing},
            {"eval_time": "6m", "alertname": "UptimeKumaMonitorDown", "exp_alerts": firing},
            {"eval_time": "7m", "alertname": "UptimeKumaMonitorDown", "exp_alerts": []},
        ]}])


@pytest.mark.parametrize("mode", LINES)
def test_latency_fires_above_the_threshold_not_when_down(tmp_path: Path, mode: str) -> None:
    version, server_id = LINES[mode]
    write_project(tmp_path, """\
        monitors:
          - id: chat-health
            name: Chat - health
            type: http
            url: https://chat.example.com/health
            alerts: {latency: {above: 2s, for: 2m}}
    """, version)
    content = generate(tmp_path, version, server_id, tmp_path / "rules.yml")
    slow = rule(content, "UptimeKumaResponseSlow", "chat-health")
    ours = monitor_labels(mode)
    run_rule_tests(tmp_path, tmp_path / "rules.yml", [{
        "interval": "1m",
        # ms; -1 is what a check without a response exports (DOWN): no latency alert for it.
        "input_series": [{"series": series("monitor_response_time", ours),
                          "values": "120 2500 2600 2700 -1 -1 -1 2000 2001"}],
        "alert_rule_test": [
            {"eval_time": "2m", "alertname": "UptimeKumaResponseSlow", "exp_alerts": []},
            {"eval_time": "3m", "alertname": "UptimeKumaResponseSlow",
             "exp_alerts": [{**expected_alert(slow, ours),
                             "exp_annotations": expanded(slow["annotations"], "2700")}]},
            {"eval_time": "6m", "alertname": "UptimeKumaResponseSlow", "exp_alerts": []},
            {"eval_time": "7m", "alertname": "UptimeKumaResponseSlow", "exp_alerts": []},  # 2000 is not above 2s
        ]}])


@pytest.mark.parametrize("mode", LINES)
def test_certificate_fires_below_the_days(tmp_path: Path, mode: str) -> None:
    version, server_id = LINES[mode]
    write_project(tmp_path, """\
        monitors:
          - {id: chat-health, name: Chat - health, type: http, url: "https://chat.example.com/health",
             alerts: {certificate: {days_below: 14}}}
    """, version)
    content = generate(tmp_path, version, server_id, tmp_path / "rules.yml")
    expiring = rule(content, "UptimeKumaCertificateExpiring", "chat-health")
    ours = monitor_labels(mode)
    run_rule_tests(tmp_path, tmp_path / "rules.yml", [{
        "interval": "1h",
        "input_series": [{"series": series("monitor_cert_days_remaining", ours), "values": "15 14 13 12"}],
        "alert_rule_test": [
            {"eval_time": "1h", "alertname": "UptimeKumaCertificateExpiring", "exp_alerts": []},
            {"eval_time": "2h", "alertname": "UptimeKumaCertificateExpiring",
             "exp_alerts": [{**expected_alert(expiring, ours),
                             "exp_annotations": expanded(expiring["annotations"], "13")}]},
        ]}])


def test_uptime_and_average_latency_use_their_window(tmp_path: Path) -> None:
    version, server_id = LINES["by-id"]
    write_project(tmp_path, """\
        monitors:
          - id: chat-health
            name: Chat - health
            type: http
            url: https://chat.example.com/health
            alerts:
              uptime: {below: 99.5, window: 30d, annotations: {description: "{name}: {{ $value }}"}}
              slow-day: {kind: latency, above: 1500ms, window: 1d, for: 0s, annotations: {description: "x"}}
    """, version)
    content = generate(tmp_path, version, server_id, tmp_path / "rules.yml")
    uptime = rule(content, "UptimeKumaUptimeBelowTarget", "chat-health")
    slow = rule(content, "UptimeKumaResponseSlow", "chat-health")
    assert "for" not in slow
    month, day = monitor_labels("by-id", window="30d"), monitor_labels("by-id", window="1d")
    run_rule_tests(tmp_path, tmp_path / "rules.yml", [{
        "interval": "1m",
        "input_series": [
            {"series": series("monitor_uptime_ratio", month), "values": "0.999 0.996 0.994 0.994"},
            {"series": series("monitor_uptime_ratio", day), "values": "0.5 0.5 0.5 0.5"},  # another window
            {"series": series("monitor_response_time_seconds", day), "values": "0.2 1.6 1.6 0.3"},
            {"series": series("monitor_response_time_seconds", month), "values": "9 9 9 9"},
        ],
        "alert_rule_test": [
            {"eval_time": "1m", "alertname": "UptimeKumaUptimeBelowTarget", "exp_alerts": []},
            {"eval_time": "2m", "alertname": "UptimeKumaUptimeBelowTarget",
             "exp_alerts": [{**expected_alert(uptime, month),
                             "exp_annotations": {**uptime["annotations"], "description": "Chat - health: 0.994"}}]},
            {"eval_time": "0m", "alertname": "UptimeKumaResponseSlow", "exp_alerts": []},
            {"eval_time": "1m", "alertname": "UptimeKumaResponseSlow", "exp_alerts": [expected_alert(slow, day)]},
            {"eval_time": "3m", "alertname": "UptimeKumaResponseSlow", "exp_alerts": []},
        ]}])


@pytest.mark.parametrize("mode", LINES)
def test_missing_series_and_failing_scrapes_are_alerts_too(tmp_path: Path, mode: str) -> None:
    version, server_id = LINES[mode]
    write_project(tmp_path, """\
        monitors:
          - {id: chat-health, name: Chat - health, type: http, url: "https://chat.example.com/health",
             alerts: {down: {for: 1m}}}
    """, version)
    content = generate(tmp_path, version, server_id, tmp_path / "rules.yml",
                       rules.Settings(missing_for="5m", scrape_for="3m"))
    missing = rule(content, "UptimeKumaMonitorMissing", "chat-health")
    scrape = rule(content, "UptimeKumaScrapeFailing")
    up = {"job": "uptime-kuma", "instance": "127.0.0.1:3001"}
    absent_labels = {"job": "uptime-kuma", **({"monitor_id": str(server_id)} if server_id else
                                              {"monitor_name": "Chat - health"})}
    run_rule_tests(tmp_path, tmp_path / "rules.yml", [{
        "interval": "1m",
        # The series stops at minute 2 (renamed elsewhere, deleted, or paused); the scrape fails from 3.
        "input_series": [{"series": series("monitor_status", monitor_labels(mode)), "values": "1 1 stale"},
                         {"series": series("up", up), "values": "1 1 1 0 0 0 0 0 0 0"}],
        "alert_rule_test": [
            {"eval_time": "6m", "alertname": "UptimeKumaMonitorMissing", "exp_alerts": []},
            {"eval_time": "8m", "alertname": "UptimeKumaMonitorMissing",
             "exp_alerts": [expected_alert(missing, absent_labels)]},
            {"eval_time": "5m", "alertname": "UptimeKumaScrapeFailing", "exp_alerts": []},
            {"eval_time": "6m", "alertname": "UptimeKumaScrapeFailing", "exp_alerts": [{
                **expected_alert(scrape, up), "exp_annotations": {key: text.replace("{{ $labels.instance }}", up[
                    "instance"]) for key, text in scrape["annotations"].items()}}]},
        ]}])


@pytest.mark.parametrize("mode", LINES)
def test_a_renamed_monitor_keeps_its_alert(tmp_path: Path, mode: str) -> None:
    """The rules written after the rename match the renamed monitor's series; by id, even the
    rules from before the rename still do (the id does not change)."""
    version, server_id = LINES[mode]
    definition = """\
        monitors:
          - {id: chat-health, name: "%s", type: http, url: "https://chat.example.com/health",
             alerts: {down: {for: 1m}}}
    """
    write_project(tmp_path / "before", definition % "Chat - health", version)
    write_project(tmp_path / "after", definition % 'Chat \\"main\\" \\\\ health', version)
    before = generate(tmp_path / "before", version, server_id, tmp_path / "before.yml")
    after = generate(tmp_path / "after", version, server_id, tmp_path / "after.yml")
    renamed = monitor_labels(mode, name='Chat "main" \\ health')
    tests = [{"interval": "1m",
              "input_series": [{"series": series("monitor_status", renamed), "values": "0 0 0 0"}],
              "alert_rule_test": [{"eval_time": "2m", "alertname": "UptimeKumaMonitorDown", "exp_alerts": []}]}]
    after_down = rule(after, "UptimeKumaMonitorDown", "chat-health")
    tests[0]["alert_rule_test"][0]["exp_alerts"] = [expected_alert(after_down, renamed)]
    run_rule_tests(tmp_path, tmp_path / "after.yml", tests)
    before_down = rule(before, "UptimeKumaMonitorDown", "chat-health")
    old_rules_fire = [expected_alert(before_down, renamed)] if server_id else []
    tests[0]["alert_rule_test"][0]["exp_alerts"] = old_rules_fire
    run_rule_tests(tmp_path, tmp_path / "before.yml", tests)


def test_every_shipped_example_and_template_gives_valid_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.chdir(REPO)
    for config in (None, REPO / "examples" / "kumaprov.yaml"):
        project, problems = load_project(config, REPO)
        assert not problems
        for version in ("1.23.17", "2.0.0-dev.0", "2.5.3"):
            result = lint(project, target=version)
            ids = {d.id: index for index, d in enumerate(result.definitions, 1)}
            content = build.rule_file(result.definitions, MetricsLine(version), rules.Settings(), ids)
            out = tmp_path / f"{'examples' if config else 'monitors'}-{version}.yml"
            out.write_text(rulefile.render(content, ["test"]), encoding="utf-8")
            check_rules(out)
    # The openwebui template's defaults, as its header promises.
    monitors = yaml.safe_load((tmp_path / "monitors-1.23.17.yml").read_text())["groups"][0]["rules"]
    by_alert = {(r["labels"].get("kumaprov_id"), r["labels"]["kumaprov_alert"]): r for r in monitors}
    assert by_alert[("openwebui-prod-health", "down")]["for"] == "2m"
    assert by_alert[("openwebui-prod-health", "down")]["labels"]["severity"] == "critical"
    assert by_alert[("openwebui-prod-health", "certificate")]["expr"].endswith("< 14")
    assert by_alert[("openwebui-prod-models", "down")]["for"] == "10m"
    assert by_alert[("openwebui-prod-chat", "down")]["for"] == "30m"
    assert {r["labels"]["severity"] for k, r in by_alert.items() if k[1] == "down" and "health" not in k[0]} \
        == {"warning"}


# Fuzzed definitions: any monitor name (quotes, backslashes, newlines, any script), every kind
# with random thresholds, labels and annotations with placeholders and Prometheus templates.
NAMES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40).filter(lambda s: s.strip())
# At most 90m: the match below evaluates at minute 100.
DURATIONS = st.builds(lambda n, unit: f"{n}{unit}", st.integers(1, 90), st.sampled_from(["s", "m"]))
TEXTS = st.lists(st.sampled_from(["{name}", "{url}", "{id}", "{type}", "{{ $value }}", "{{ $labels.job }}",
                                  " at ", "é", '"', "\\", ":", "'", "#", "\n"]), max_size=6).map("".join)
ALERTS = st.fixed_dictionaries({
    "down": st.fixed_dictionaries({"for": DURATIONS, "severity": st.sampled_from(["critical", "warning", "page"]),
                                   "labels": st.dictionaries(st.sampled_from(["team", "service"]), TEXTS),
                                   "annotations": st.dictionaries(st.sampled_from(["summary", "runbook_url"]),
                                                                  TEXTS)}),
    "slow": st.fixed_dictionaries({"kind": st.just("latency"),
                                   "above": st.builds(lambda n: f"{n}ms", st.integers(1, 40_000))}),
    "certificate": st.fixed_dictionaries({"days_below": st.integers(1, 3650)}),
    "uptime": st.fixed_dictionaries({"below": st.floats(1.01, 100, allow_nan=False),
                                     "window": st.sampled_from(["1d", "30d", "365d"])}),
})


# No shrinking: each example runs promtool, and a failure prints its example anyway.
@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES, alerts=ALERTS, server_id=st.integers(1, 10**9))
def test_fuzzed_definitions_give_rules_promtool_accepts_and_that_match(
        tmp_path_factory: pytest.TempPathFactory, name: str, alerts: dict[str, Any], server_id: int) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    monitor = {"id": "fuzzed", "name": name, "type": "http", "url": "https://x.example.com/a?b=c", "alerts": alerts}
    (root / "monitors").mkdir()
    (root / "kumaprov.yaml").write_text('target: "2.5.3"\n')
    (root / "monitors" / "m.yaml").write_text(rulefile.dump({"monitors": [monitor]}))  # a name as YAML reads it back
    for mode in LINES:
        version, known_id = LINES[mode]
        out = root / f"{mode}.yml"
        content = generate(root, version if mode == "by-id" else "2.5.3", server_id if known_id else None, out)
        if mode == "by-name":  # by name, as 1.23 selects (the 2.x-only kinds are checked above)
            result = lint(load_project(None, root)[0], target="2.5.3")
            content = build.rule_file(result.definitions, MetricsLine("1.23.17"), rules.Settings(), {})
            out.write_text(rulefile.render(content, ["test"]), encoding="utf-8")
            check_rules(out)
        down = rule(content, "UptimeKumaMonitorDown", "fuzzed")
        ours = labels(name, monitor_id=server_id if mode == "by-id" else None, url="https://x.example.com/a?b=c")
        # Prometheus expands its own templates in labels and annotations alike.
        expected = {part: {key: text.replace("{{ $value }}", "0").replace("{{ $labels.job }}", "uptime-kuma")
                           for key, text in values.items()}
                    for part, values in expected_alert(down, ours).items()}
        run_rule_tests(root, out, [{
            "interval": "1m",
            "input_series": [{"series": series("monitor_status", ours), "values": "0x100"}],
            "alert_rule_test": [{"eval_time": "100m", "alertname": "UptimeKumaMonitorDown",
                                 "exp_alerts": [expected]}]}])


def test_what_the_server_says_decides_the_selectors(tmp_path: Path) -> None:
    """The server-side inputs, offline: ids per definition (the oldest copy, as sync keeps it),
    monitors not created yet, and names other monitors on the server have."""
    from kumaprov.kinds.base import Live

    write_project(tmp_path, """\
        monitors:
          - {id: api, name: API, type: http, url: "https://api.example.com", alerts: {down: {for: 2m}}}
          - {id: web, name: Web, type: http, url: "https://web.example.com", alerts: {down: {for: 2m}}}
    """, "1.23.17")
    definitions = lint(load_project(None, tmp_path)[0], target="1.23.17").definitions
    live = [Live(12, "API", "api", {}), Live(9, "API", "api", {}), Live(30, "Web", None, {}),
            Live(31, "Old web", "web", {}), Live(40, "Web", "gone", {})]
    assert build.server_ids(live) == {"api": 9, "web": 31, "gone": 40}
    by_id, by_name = MetricsLine("2.5.3"), MetricsLine("2.0.0-dev.0")
    assert [p.code for p in build.not_on_server(definitions, {"api": 9}, by_id)] == ["KP608"]
    assert build.not_on_server(definitions, {"api": 9}, by_name) == []
    # #30 is nobody's and named Web: a clash; #40 is owned by a definition no longer in the files
    # and is being deleted by this sync: no clash. By id, names never clash.
    clashes = build.name_clashes(definitions, live, by_name, deleted={40})
    assert [p.message.split(" on the server")[0] for p in clashes] == ["monitor #30"]
    assert build.name_clashes(definitions, live, by_id) == []
    content = build.rule_file(definitions, by_id, rules.Settings(), {"api": 9})
    exprs = {r["labels"].get("kumaprov_id"): r["expr"] for r in content["groups"][0]["rules"]
             if r["labels"]["kumaprov_alert"] == "down"}
    assert exprs == {"api": 'monitor_status{job="uptime-kuma",monitor_id="9"} == 0',
                     "web": f'monitor_status{{job="uptime-kuma",monitor_id="{rules.NOT_CREATED}"}} == 0'}
