"""Helpers for the alerting tests: series as Uptime Kuma exports them, and promtool runs.

The label sets are the ones scraped from the real servers here (1.23.17, 2.0.0-dev.0 and
2.5.3): every monitor series carries monitor_name, monitor_type, monitor_url,
monitor_hostname and monitor_port ("null" where the monitor has none); 2.0.0-beta.4 and
later add monitor_id; 2.1.0-beta.2 and later add the windowed metrics.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


from kumaprov.alerts import rulefile, rules
from kumaprov.dev import prometheus

JOB = "uptime-kuma"


def labels(name: str, *, monitor_id: int | None = None, monitor_type: str = "http",
           url: str = "https://chat.example.com/health", window: str | None = None) -> dict[str, str]:
    """A monitor series' labels as /metrics shows them, with those Prometheus adds."""
    found: dict[str, str] = {}
    if monitor_id is not None:
        found["monitor_id"] = str(monitor_id)
    found.update(monitor_name=name, monitor_type=monitor_type, monitor_url=url, monitor_hostname="null",
                 monitor_port="null")
    if window is not None:
        found["window"] = window
    found.update(job=JOB, instance="127.0.0.1:3001")
    return found


def series(metric: str, series_labels: Mapping[str, str]) -> str:
    return metric + "{" + ",".join(f"{key}={rules.quote(value)}" for key, value in series_labels.items()) + "}"


def check_rules(path: Path) -> None:
    done = prometheus.promtool("check", "rules", path)
    assert done.returncode == 0, f"promtool check rules {path}:\n{done.stdout}{done.stderr}\n{path.read_text()}"
    assert "SUCCESS" in done.stdout


def run_rule_tests(tmp_path: Path, rule_file: Path, tests: list[dict[str, Any]], interval: str = "1m") -> None:
    """`promtool test rules` with these test cases against `rule_file`."""
    spec = {"rule_files": [rule_file.name], "evaluation_interval": interval, "tests": tests}
    test_file = rule_file.with_name(rule_file.stem + ".test.yml")
    test_file.write_text(rulefile.dump(spec), encoding="utf-8")
    done = prometheus.promtool("test", "rules", test_file)
    assert done.returncode == 0, f"promtool test rules:\n{done.stdout}{done.stderr}\n{test_file.read_text()}"
    assert "SUCCESS" in done.stdout


def expected_alert(rule: Mapping[str, Any], series_labels: Mapping[str, str]) -> dict[str, Any]:
    """The alert promtool must see: the series' labels, the rule's labels and annotations."""
    return {"exp_labels": {**series_labels, **rule["labels"]}, "exp_annotations": dict(rule["annotations"])}
