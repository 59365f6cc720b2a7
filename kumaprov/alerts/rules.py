"""Definitions to Prometheus alerting rules: a pure function of the monitors, their alerts and
how each monitor is selected.

Selection (what survives a rename): on servers that export `monitor_id` (2.0.0-beta.4 and
later) a rule selects the monitor's server id, read from the server when the rules are
written; renaming keeps the id. On 1.23 and the 2.0.0-dev.0 build the metrics carry only
the name, so a rule selects `monitor_name`, lint keeps names unique within the project
(KP604), `diff`/`sync` refuse a name another monitor on the server has, and `sync
--alerts-out` rewrites the rules in the same run that renames the monitor. Either way every
monitor with alerts also gets a rule that fires when its series disappear, so rules that
stop matching are noticed rather than silent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kumaprov.alerts import metrics
from kumaprov.alerts.syntax import PLACEHOLDER
from kumaprov.alerts.spec import Alert, AlertSpec, CertificateAlert, DownAlert, LatencyAlert, UptimeAlert, seconds
from kumaprov.model.monitors import MonitorBase


ALERT_NAMES = {"down": "UptimeKumaMonitorDown", "latency": "UptimeKumaResponseSlow",
               "certificate": "UptimeKumaCertificateExpiring", "uptime": "UptimeKumaUptimeBelowTarget"}
MISSING_ALERT = "UptimeKumaMonitorMissing"
SCRAPE_ALERT = "UptimeKumaScrapeFailing"


@dataclass(frozen=True)
class Settings:
    job: str = "uptime-kuma"  # the scrape job's name; '' selects every job
    group: str = "kumaprov"
    missing_for: str | None = "10m"  # None: no rule for series that disappear
    scrape_for: str = "5m"


@dataclass(frozen=True)
class Alerted:
    """A monitor with alerts, and the label matchers that select its series."""

    monitor: MonitorBase
    specs: Sequence[AlertSpec]
    matchers: Mapping[str, str] = field(default_factory=dict)


def values_of(monitor: MonitorBase) -> dict[str, str]:
    """What the placeholders stand for; `url` is the host (and port) for monitors without a URL."""
    url = getattr(monitor, "url", None)
    if not isinstance(url, str):
        host, port = getattr(monitor, "hostname", None), getattr(monitor, "port", None)
        url = f"{host}:{port}" if host and port else str(host or "")
    return {"name": monitor.name, "id": monitor.id, "url": url, "type": monitor.type}


def substitute(text: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), text)


def quote(value: str) -> str:
    """A PromQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def selector(metric: str, matchers: Mapping[str, str]) -> str:
    return metric + "{" + ",".join(f"{name}={quote(value)}" for name, value in matchers.items()) + "}"


def number(value: float) -> str:
    return format(value, ".12g")


def expression(alert: Alert, matchers: Mapping[str, str]) -> str:
    if isinstance(alert, DownAlert):
        return f"{selector(metrics.STATUS, matchers)} == 0"
    if isinstance(alert, LatencyAlert):
        if alert.window is not None:
            windowed = {**matchers, "window": alert.window}
            return f"{selector(metrics.RESPONSE_TIME_AVERAGE, windowed)} > {number(seconds(alert.above))}"
        return f"{selector(metrics.RESPONSE_TIME, matchers)} > {number(seconds(alert.above) * 1000)}"
    if isinstance(alert, CertificateAlert):
        return f"{selector(metrics.CERT_DAYS, matchers)} < {alert.days_below}"
    assert isinstance(alert, UptimeAlert)
    windowed = {**matchers, "window": alert.window}
    return f"{selector(metrics.UPTIME_RATIO, windowed)} < {number(alert.below / 100)}"


def default_annotations(alert: Alert, values: Mapping[str, str]) -> dict[str, str]:
    name, url = values["name"], values["url"]
    held = f" for at least {alert.for_}" if alert.for_ and seconds(alert.for_) > 0 else ""
    where = f"{name} ({url})" if url else name
    if isinstance(alert, DownAlert):
        return {"summary": f"{name} is down",
                "description": f"Uptime Kuma has reported {where} DOWN{held}."}
    if isinstance(alert, LatencyAlert):
        if alert.window is not None:
            return {"summary": f"{name} responds slowly",
                    "description": f"The average response time of {where} over {alert.window} is "
                                   f"{{{{ $value | humanizeDuration }}}}, above {alert.above}{held}."}
        return {"summary": f"{name} responds slowly",
                "description": f"{where} answered in {{{{ $value }}}} ms, above {alert.above}{held}."}
    if isinstance(alert, CertificateAlert):
        return {"summary": f"The certificate of {name} expires soon",
                "description": f"The TLS certificate of {where} expires in {{{{ $value }}}} days "
                               f"(alert below {alert.days_below})."}
    assert isinstance(alert, UptimeAlert)
    return {"summary": f"Uptime of {name} is below {number(alert.below)} %",
            "description": f"The uptime of {where} over {alert.window} is {{{{ $value | humanizePercentage }}}}, "
                           f"below the target of {number(alert.below)} %{held}."}


def alert_rule(spec: AlertSpec, monitor: MonitorBase, matchers: Mapping[str, str]) -> dict[str, Any]:
    alert = spec.alert
    values = values_of(monitor)
    rule: dict[str, Any] = {"alert": alert.alert or ALERT_NAMES[alert.kind], "expr": expression(alert, matchers)}
    if alert.for_ and seconds(alert.for_) > 0:
        rule["for"] = alert.for_
    labels = {"severity": alert.severity, "kumaprov_id": monitor.id, "kumaprov_alert": spec.name,
              **_filled(alert.labels, values)}
    rule["labels"] = {key: text for key, text in labels.items() if text}
    annotations = {**default_annotations(alert, values), **_filled(alert.annotations, values)}
    rule["annotations"] = {key: text for key, text in annotations.items() if text}
    return rule


def _filled(texts: Mapping[str, str], values: Mapping[str, str]) -> dict[str, str]:
    # Prometheus drops a label with an empty value; an empty one here (`{url}` of a group,
    # say) is dropped alike, and an empty annotation replaces a default one with none.
    return {key: substitute(text, values) for key, text in texts.items()}


def missing_rule(monitor: MonitorBase, matchers: Mapping[str, str], after: str) -> dict[str, Any]:
    values = values_of(monitor)
    return {"alert": MISSING_ALERT, "expr": f"absent({selector(metrics.STATUS, matchers)})", "for": after,
            "labels": {"severity": "warning", "kumaprov_id": monitor.id, "kumaprov_alert": "missing"},
            "annotations": {"summary": f"No metrics for {values['name']}",
                            "description": f"Uptime Kuma exports no status for {values['name']} (kumaprov id "
                                           f"{monitor.id}), so its alert rules match nothing: the monitor was "
                                           "renamed or deleted outside kumaprov, is paused, the rules are older "
                                           "than the last sync, or (2.1 and later) it carries a tag created "
                                           "after Uptime Kuma started (a restart brings its metrics back)."}}


def scrape_rule(settings: Settings) -> dict[str, Any]:
    job = {"job": settings.job} if settings.job else {}
    return {"alert": SCRAPE_ALERT, "expr": f"{selector('up', job)} == 0", "for": settings.scrape_for,
            "labels": {"severity": "warning", "kumaprov_alert": "scrape"},
            "annotations": {"summary": "Prometheus cannot scrape Uptime Kuma's /metrics",
                            "description": "The scrape of {{ $labels.instance }} fails (a wrong password or API "
                                           "key, or Uptime Kuma is down): no Uptime Kuma alert can fire."}}


def rule_groups(alerted: Sequence[Alerted], settings: Settings) -> dict[str, Any]:
    """The rule file's content: one group per project, the scrape rule first."""
    rules = [scrape_rule(settings)]
    for item in alerted:
        matchers = {**({"job": settings.job} if settings.job else {}), **item.matchers}
        rules += [alert_rule(spec, item.monitor, matchers) for spec in item.specs]
        if settings.missing_for and item.specs:
            rules.append(missing_rule(item.monitor, matchers, settings.missing_for))
    return {"groups": [{"name": settings.group, "rules": rules}]}


def matchers_for(definition_id: str, name: str, line: metrics.MetricsLine,
                 server_ids: Mapping[str, int] | None) -> dict[str, str]:
    """How a rule selects one monitor on this server line (see the module's docstring)."""
    if line.has_monitor_id:
        known = (server_ids or {}).get(definition_id)
        return {"monitor_id": str(known) if known is not None else NOT_CREATED}
    return {"monitor_name": name}


# What `diff` shows for a monitor the sync is about to create: its id does not exist yet.
NOT_CREATED = "(id assigned by the sync)"
