"""A call's answer is handled only after every push the server sent before it (real servers),
and a fresh read is the list its own call made.

engine.io hands each message to a thread of its own; a small answer then overtook a large
`monitorList` pushed just before it, and `fresh_monitors` / `caught_up` read the list as it was
before. And on 1.23 a list built earlier for another session's write can arrive after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from uptime_kuma_api.api import Event

from kumaprov.server.client import KumaClient

SLOW = 0.5  # seconds the list handler takes here: far longer than handling an answer


def test_a_fresh_read_waits_for_the_list_pushed_before_its_answer(kuma_client: KumaClient) -> None:
    handlers = kuma_client._api.sio.handlers["/"]
    store = handlers["monitorList"]
    stored: list[Any] = []

    def slow(data: Any) -> None:
        time.sleep(SLOW)
        store(data)
        stored.append(data)

    handlers["monitorList"] = slow
    kuma_client.fresh_monitors()  # getMonitorList pushes the list, then answers
    assert stored, "fresh_monitors returned before the list pushed ahead of its answer was stored"


class _Socket:
    """Plays a 1.23 server under writes from other sessions: `getMonitorList` pushes the list as it
    is now and answers, then a list built earlier, for another session's write, arrives."""

    def __init__(self, cache: dict[Event, Any]) -> None:
        self.cache = cache

    def emit(self, event: str, data: Any, callback: Callable[..., None]) -> None:
        assert event == "getMonitorList"
        self.cache[Event.MONITOR_LIST] = {"2": {"id": 2, "name": "Now"}}
        callback({"ok": True})
        self.cache[Event.MONITOR_LIST] = {"1": {"id": 1, "name": "Before"}}


def test_a_fresh_read_is_the_list_its_call_made_not_a_later_older_one() -> None:
    api = SimpleNamespace(timeout=1.0, _event_data={event: None for event in Event})
    api.sio = _Socket(api._event_data)
    assert [monitor["name"] for monitor in KumaClient(api, "http://kuma").fresh_monitors()] == ["Now"]
