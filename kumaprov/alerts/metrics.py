"""What Uptime Kuma's /metrics exports, per version (read in upstream's server/prometheus.js
at each tag, and scraped from 1.23.17, 2.0.0-dev.0 and 2.5.3 here).

Every line: `monitor_status` (1 up, 0 down, 2 pending, 3 maintenance), `monitor_response_time`
(ms of the last check, -1 when it had none), `monitor_cert_days_remaining` and
`monitor_cert_is_valid` (https monitors only), labelled `monitor_name`, `monitor_type`,
`monitor_url`, `monitor_hostname`, `monitor_port`. 2.0.0-beta.4 added `monitor_id`;
2.1.0-beta.0 added every tag as a label; 2.1.0-beta.2 added `monitor_uptime_ratio` and
`monitor_response_time_seconds`, per `window` (1d, 30d, 365d). The npm 2.0.0-dev.0 build
predates all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from kumaprov.versions import at_least

STATUS = "monitor_status"
RESPONSE_TIME = "monitor_response_time"
RESPONSE_TIME_AVERAGE = "monitor_response_time_seconds"
CERT_DAYS = "monitor_cert_days_remaining"
UPTIME_RATIO = "monitor_uptime_ratio"

MONITOR_ID_SINCE = "2.0.0-beta.4"
TAG_LABELS_SINCE = "2.1.0-beta.0"
WINDOWS_SINCE = "2.1.0-beta.2"
WINDOWS = ("1d", "30d", "365d")

# The first version that exports each metric.
METRIC_SINCE = {STATUS: "1.23.0", RESPONSE_TIME: "1.23.0", CERT_DAYS: "1.23.0",
                UPTIME_RATIO: WINDOWS_SINCE, RESPONSE_TIME_AVERAGE: WINDOWS_SINCE}

# Types whose checks measure nothing: a group reports its children, a push monitor waits
# for pushes, a manual one is set by hand, docker reads a container's state (1.23 exports
# -1 for these; 2.x the time its check took, which is meaningless as a latency).
NO_RESPONSE_TIME = frozenset({"group", "push", "manual", "docker"})
# Types with a TLS certificate Uptime Kuma reads (server/model/monitor.js: https URLs only).
CERTIFICATE_TYPES = frozenset({"http", "keyword", "json-query"})
# How Prometheus logs in to /metrics (the default per line: MetricsLine.default_auth).
AUTH_MODES = ("password", "api-key")


@dataclass(frozen=True)
class MetricsLine:
    """How the rules for one server version select monitors and what they may use."""

    version: str

    @property
    def has_monitor_id(self) -> bool:
        return at_least(self.version, MONITOR_ID_SINCE)

    @property
    def has_tag_labels(self) -> bool:
        return at_least(self.version, TAG_LABELS_SINCE)

    def exports(self, metric: str) -> bool:
        return at_least(self.version, METRIC_SINCE[metric])

    @property
    def default_auth(self) -> str:
        """`password` or `api-key`. Measured: 1.23.17 and 2.5.3 alike take the admin's
        password until the first API key exists, and from then on only API keys. The
        default follows the usual set-up of each line; `--metrics-auth` chooses."""
        return "api-key" if at_least(self.version, "2.0.0-beta.0") else "password"
