"""Print the latest heartbeat of each monitor kumaprov manages (used by the demo).

Heartbeats arrive as socket events, so this waits until every managed monitor
has reported once (or the timeout passes) and prints one line per monitor.
"""

from __future__ import annotations

import os
import sys
import time

import click

from kumaprov.server.client import Credentials, KumaClient
from kumaprov.kinds.monitor_refs import marked_id

STATUS = {0: "DOWN", 1: "UP", 2: "PENDING", 3: "MAINTENANCE"}


@click.command()
@click.option("--owner-tag", default="kumaprov", show_default=True)
@click.option("--timeout", type=float, default=60.0, show_default=True)
def main(owner_tag: str, timeout: float) -> None:
    credentials = Credentials(os.environ.get("KUMA_USERNAME"), os.environ.get("KUMA_PASSWORD"),
                              os.environ.get("KUMA_TOKEN"))
    with KumaClient.connect(os.environ["KUMA_URL"], credentials) as client:
        managed = {m["id"]: marked_id(m, owner_tag) for m in client.monitors() if marked_id(m, owner_tag)}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not all(client.heartbeats(i) for i in managed):
            time.sleep(0.5)
        for kuma_id, definition in sorted(managed.items(), key=lambda item: str(item[1])):
            beats = client.heartbeats(kuma_id)
            if beats:
                last = beats[-1]
                click.echo(f"{STATUS.get(last['status'], last['status']):8} {definition}: {last['msg']}")
            else:
                click.echo(f"{'-':8} {definition}: no heartbeat yet")
    sys.exit(0)


if __name__ == "__main__":
    main()
