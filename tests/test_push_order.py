"""A call's answer is handled only after every push the server sent before it (real servers).

engine.io hands each message to a thread of its own; a small answer then overtook a large
`monitorList` pushed just before it, and `fresh_monitors` / `caught_up` read the list as it was
before. On 1.23 that let two syncs started at once both miss each other's copies.
"""

from __future__ import annotations

import time
from typing import Any

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
