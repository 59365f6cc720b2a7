"""Watching a synced monitor's heartbeats and holding them against kumaprov's verdict.

For the tests against real services (Open WebUI, LiteLLM): at each step the test changes the
service, asks it what the monitor would get right now, and checks that the verdict kumaprov
gives on that answer is the status Uptime Kuma's next heartbeats report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kumaprov import versions
from kumaprov.server.client import KumaClient
from kumaprov.model.monitors import HttpMonitor
from kumaprov.semantics.verdict import predict

UP, DOWN = 1, 0
BEAT_TIMEOUT = 75.0  # a 20 s interval, a check in flight, a busy machine

Response = tuple[int, str]


def beat_where(watcher: KumaClient, kuma_id: int, skip: int, wanted: Callable[[dict[str, Any]], bool],
               what: str, timeout: float = BEAT_TIMEOUT) -> dict[str, Any]:
    """The first heartbeat after the first `skip` received that is `wanted`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for beat in watcher.heartbeats(kuma_id)[skip:]:
            if wanted(beat):
                return beat
        time.sleep(0.2)
    got = [(b["status"], b["msg"]) for b in watcher.heartbeats(kuma_id)[skip:]]
    raise AssertionError(f"monitor {kuma_id}: no heartbeat {what} within {timeout:.0f}s; got {got}")


@dataclass
class Watch:
    """Synced monitors by name, with their server ids, and how to get a monitor's answer now."""

    watcher: KumaClient
    monitors: Mapping[str, HttpMonitor]
    ids: Mapping[str, int]
    respond: Callable[[HttpMonitor], Response]

    def counts(self) -> dict[str, int]:
        """Heartbeats so far per monitor: what comes after belongs to the new situation."""
        return {name: len(self.watcher.heartbeats(kuma_id)) for name, kuma_id in self.ids.items()}

    def expect(self, name: str, up: bool, since: Mapping[str, int], msg: str = "") -> None:
        """Kumaprov's verdict on the answer right now is `up`, and a heartbeat after `since` agrees."""
        monitor = self.monitors[name]
        status, body = self.respond(monitor)
        semantics = versions.server_line(self.watcher.version).json_semantics
        verdict = predict(monitor, body, status, semantics)
        assert verdict.up is up, f"{name}: predicted {verdict} for {status} {body[:200]}"
        wanted = UP if up else DOWN
        beat_where(self.watcher, self.ids[name], since.get(name, 0),
                   lambda beat: beat["status"] == wanted and msg in beat["msg"],
                   f"{'UP' if up else 'DOWN'} with {msg!r} for {name}")
