"""The adapter to a running Uptime Kuma: `client` (the only importer of uptime_kuma_api), what a
login's answer means (`login`) and TOTP.

May import: the root modules only."""
