"""Alerting from the same definitions: Prometheus rules and a scrape config for /metrics.

`spec` reads a monitor's `alerts:` block, `layers` merges it over the defaults, `metrics`
says what each Uptime Kuma version exports, `rules` turns definitions into rule groups
(pure), `rulefile` writes and compares rule files, `scrape` writes the scrape config,
and `command` is the `kumaprov alerts` command and the hooks `diff`/`sync` call.
"""
