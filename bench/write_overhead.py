"""Paired per-write overhead: kumaprov's adapter vs bare socket.io calls, alternating on one server.

Run by hand (about 3-4 minutes for 200; prints figures, asserts nothing about timings):

    .venv/bin/python bench/write_overhead.py [--count 200]

Why: bench/sync_bench.py times a whole `kumaprov sync` of 200 creates against
200 bare creates run separately, one run each (each takes minutes); on this
noisy 2-core machine two such runs differ by up to +-20%, more than the effect
being measured. Here both paths write in turn on the same server, one monitor
each, so every pair sees the same monitor count and the same background load:

  kumaprov  KumaClient.add_monitor(payload) + KumaClient.add_monitor_tag (the adapter
            calls kumaprov.sync.apply makes per Create; payloads captured from
            plan_against + apply, see sync_bench.capture_payloads), then
            KumaClient.edit_monitor(the listed monitor with interval and
            retryInterval changed, as apply.edit_payload builds it); one
            logged-in KumaClient.
  bare      api.sio.call("add", same payload) + api.sio.call("addMonitorTag", ...),
            then api.sio.call("editMonitor", same kind of payload); one logged-in
            UptimeKumaApi (wait_events=0).

Both connections belong to the same user, so the server pushes every rebuilt
monitor list to both sockets after each write: each client decodes all the
pushes, whichever path made the write. That is the same for both paths, and
makes the per-write times higher than in sync_bench (one connection there).

Prints median per-write time for each path and the median of the pair ratios,
by phase, with the monitor count the phase runs at. Fixed per-sync costs
(lint, connect, plan, converge) are not in here: sync_bench prints them per run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sync_bench as sb  # noqa: E402

from kumaprov.server.client import Credentials, KumaClient  # noqa: E402


def kumaprov_turn(i: int) -> bool:
    """ABBA order: writes 0,3,4,7,8,... by kumaprov, 1,2,5,6,... bare."""
    return (i % 2 == 0) == ((i // 2) % 2 == 0)


def summary(label: str, at: str, kp: list[float], bare: list[float]) -> None:
    # pair j is writes 2j and 2j+1, one by each path
    ratios = [k / b for k, b in zip(kp, bare)]
    print(f"{label:8} {at:>10}  kumaprov {statistics.median(kp) * 1000:7.1f} ms/write   "
          f"bare {statistics.median(bare) * 1000:7.1f} ms/write   "
          f"median pair ratio {statistics.median(ratios):.3f}   "
          f"sum ratio {sum(kp) / sum(bare):.3f}   (n={len(kp)} pairs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200, help="monitors created (half by each path), then edited")
    parser.add_argument("--base", type=int, default=0,
                        help="monitors seeded with SQL first, so the writes run at scale (e.g. --base 1960 --count 40)")
    args = parser.parse_args()
    base = args.base
    count = args.count - args.count % 2
    root = Path(tempfile.mkdtemp(prefix="kumaprov-write-overhead-"))
    project = root / "project"
    server = sb.Server(root)
    print(f"kumaprov at {sb.git_state()}")
    try:
        server.start()
        server.first_login()
        if base:
            sb.write_definitions(project, 2, sb.BASE_INTERVAL)  # the rows the SQL seed clones
            sb.kumaprov_sync(project, server)
            server.stop()
            sb.seed_sql(server, 2, base)
            server.start()
        sb.write_definitions(project, base + count, sb.BASE_INTERVAL)
        payloads = sb.capture_payloads(server, project)
        assert len(payloads) == count
        client = KumaClient.connect(server.url, Credentials(token=server.token), 60.0)
        api = server.connect()
        try:
            server.settle()
            # -- creates, in pairs; the order inside a pair alternates (ABBA), so neither
            #    path always writes at the higher count or right after the other -------
            kp: list[float] = []
            bare: list[float] = []
            for i, (definition_id, payload) in enumerate(payloads):
                start = time.perf_counter()
                if kumaprov_turn(i):
                    kuma_id = client.add_monitor(dict(payload))
                    client.add_monitor_tag(server.tag_id, kuma_id, definition_id)
                    kp.append(time.perf_counter() - start)
                else:
                    kuma_id = sb.call(api, "add", dict(payload))["monitorID"]
                    sb.call(api, "addMonitorTag", (server.tag_id, kuma_id, definition_id))
                    bare.append(time.perf_counter() - start)
            summary("create", f"{base}->{base + count}", kp, bare)
            # -- edits, alternating, at `count` monitors ------------------------------------
            # The last addMonitorTag came after the last list push: read the list afresh.
            fresh = server.connect()
            listed = list(fresh._event_data[sb.Event.MONITOR_LIST].values())
            fresh.disconnect()
            owned = []
            for monitor in listed:
                owner = next((t.get("value") for t in monitor.get("tags") or []
                              if t.get("name") == sb.OWNER_TAG), None)
                if owner and owner >= sb.def_id(base):
                    owned.append((owner, monitor))
            owned.sort(key=lambda item: item[0])
            assert len(owned) == count, len(owned)
            new = sb.BASE_INTERVAL + 60
            server.settle()
            kp, bare = [], []
            for i, (_, monitor) in enumerate(owned):
                payload = dict(monitor)
                payload.update(interval=new, retryInterval=new)
                start = time.perf_counter()
                if kumaprov_turn(i):
                    client.edit_monitor(payload)
                    kp.append(time.perf_counter() - start)
                else:
                    sb.call(api, "editMonitor", payload)
                    bare.append(time.perf_counter() - start)
            summary("update", f"{base + count}", kp, bare)
        finally:
            client.close()
            api.disconnect()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
