"""The only module that talks to Uptime Kuma (and the only importer of uptime_kuma_api)."""

from __future__ import annotations

from uptime_kuma_api import UptimeKumaApi, UptimeKumaException

from kumaprov.errors import ConnectionFailed


def create_admin(url: str, username: str, password: str, timeout: float = 10.0) -> None:
    """Create the first admin user of a fresh server (the web UI's setup page); no-op if done."""
    try:
        api = UptimeKumaApi(url, timeout=timeout, wait_events=0)
    except UptimeKumaException as exc:
        raise ConnectionFailed(f"cannot reach Uptime Kuma at {url}: {exc}") from None
    try:
        if api.need_setup():
            api.setup(username, password)
    finally:
        api.disconnect()
