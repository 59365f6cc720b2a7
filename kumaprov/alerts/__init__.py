"""Alerting from the same definitions: Prometheus rules and a scrape config for /metrics.

`spec` reads a monitor's `alerts:` block, `metrics` says what each Uptime Kuma version
exports, `rules` turns monitors and their alerts into rule groups (pure), `rulefile` writes
and compares rule files, `scrape` writes the scrape config. The rest lives where the
pipeline puts it: definitions/alert_layers.py (the block over the defaults),
lint/checks/alerts.py, sync/alert_rules.py (ids, names on the server, diff/sync
--alerts-out) and cli/alerts.py (`kumaprov alerts`).

May import: the root modules and model/."""
