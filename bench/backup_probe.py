"""Probe: would 1.23's `uploadBackup` event be a safe bulk create? Measures it beside the
per-call floor and kumaprov's windowed sync, from the same empty instance, and checks what
it made against the definitions.

Run by hand; prints figures and findings, asserts nothing about timings:

    .venv/bin/python bench/backup_probe.py --count 100 [--version 1.23.17] [--types http keyword json-query]

Each contender starts from the same data dir (the server stopped, the database restored):

  backup     one `uploadBackup` call, import handle "keep" (adds, never deletes), carrying
             the very payloads kumaprov's apply would send to `add` (captured as sync_bench
             does), each with the ownership tag in its `tags` and `active: 1`.
  floor      bare sequential `add` + `addMonitorTag` per monitor on one logged-in socket.
  kumaprov   engine.sync of the same definitions (its server line's write window).

After the backup import: kumaprov's plan for the same definitions (every field that differs
is a field the import dropped or changed), and the tags on each monitor.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sync_bench as sb  # noqa: E402

from kumaprov.definitions.project import load_project  # noqa: E402
from kumaprov.dev.releases import ensure_build  # noqa: E402
from kumaprov.server.client import Credentials, KumaClient  # noqa: E402
from kumaprov.sync import engine  # noqa: E402

EXTRA = {  # one definition of each further type the probe can add
    "json-query": "    query: '$count(data)'\n    expected_value: '1'\n",
}


IMPORT_DEFAULTS = {"invertKeyword": False}


def write_definitions(project: Path, count: int, types: list[str]) -> None:
    monitors = project / "monitors"
    shutil.rmtree(monitors, ignore_errors=True)
    monitors.mkdir(parents=True)
    lines = ["monitors:\n"]
    for i in range(count):
        kind = types[i % len(types)]
        lines.append(f"  - id: {sb.def_id(i)}\n    name: {sb.def_name(i)}\n    type: {kind}\n"
                     f"    url: {sb.def_url(i)}\n    interval: {sb.BASE_INTERVAL}\n")
        if kind == "keyword":
            lines.append("    keyword: pong\n")
        lines.append(EXTRA.get(kind, ""))
    (monitors / "probe.yaml").write_text("".join(lines), encoding="utf-8")


def backup_import(server: sb.Server, payloads: list[tuple[str, dict[str, Any]]]) -> float:
    # The import copies a fixed list of fields and inserts NULL for any it is not sent; `add`
    # leaves those to the column defaults. These are the NOT NULL ones kumaprov does not send
    # for every type (found by the import failing without them).
    monitors = [{**IMPORT_DEFAULTS, **payload, "active": 1,
                 "tags": [{"name": sb.OWNER_TAG, "color": "#2563EB", "value": definition_id}]}
                for definition_id, payload in payloads]
    document = json.dumps({"version": server.version, "notificationList": [], "proxyList": [],
                           "monitorList": monitors})
    api = server.connect()
    try:
        start = time.perf_counter()
        answer = api.sio.call("uploadBackup", (document, "keep"), timeout=600)
        elapsed = time.perf_counter() - start
    finally:
        api.disconnect()
    if not (isinstance(answer, dict) and answer.get("ok")):
        raise RuntimeError(f"uploadBackup: {answer}")
    return elapsed


def findings(server: sb.Server, project: Path, count: int) -> list[str]:
    proj, problems = load_project(None, project)
    assert not problems, problems
    with KumaClient.connect(server.url, Credentials(token=server.token), 120.0) as client:
        planned = engine.plan_against(client, proj, None)
        monitors = client.monitors()
    plan = planned.plan
    owners = Counter(next((t.get("value") for t in m.get("tags") or [] if t.get("name") == sb.OWNER_TAG), None)
                     for m in monitors)
    changed = Counter(change.field for update in plan.updates for change in update.changes)
    by_type = Counter(update.desired.fields.get("type") for update in plan.updates)
    return [f"monitors on the server: {len(monitors)}; each with its ownership tag once: "
            f"{sorted(owners) == sorted(sb.def_id(i) for i in range(count))}",
            f"plan right after: {len(plan.creates)} create, {len(plan.updates)} update, "
            f"{len(plan.unchanged)} unchanged",
            f"fields the plan would change (monitors): {dict(changed) or 'none'}; by type: {dict(by_type) or '-'}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--version", default="1.23.17")
    parser.add_argument("--types", nargs="*", default=["http", "keyword"])
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="kumaprov-backup-probe-"))
    project = root / "project"
    server = sb.Server(root, installation=ensure_build(args.version))
    print(f"kumaprov at {sb.git_state()}; {os.cpu_count()} CPUs, loadavg {os.getloadavg()[0]:.2f}")
    try:
        server.start()
        server.first_login()
        write_definitions(project, args.count, args.types)
        payloads = sb.capture_payloads(server, project)
        server.stop()
        server.snapshot("empty")
        times: dict[str, float] = {}
        for who in ("floor", "backup", "kumaprov"):
            server.restore("empty")
            server.settle()
            sb.say(f"{who}: {args.count} monitors ({', '.join(args.types)}) on Uptime Kuma {server.version}")
            if who == "floor":
                times[who] = sb.floor_create(server, payloads)[0]
            elif who == "backup":
                times[who] = backup_import(server, payloads)
                report = findings(server, project, args.count)
            else:
                times[who] = sb.kumaprov_sync(project, server).total
        print(f"\nUptime Kuma {server.version}, create {args.count} ({', '.join(args.types)}); "
              f"loadavg now {os.getloadavg()[0]:.2f}")
        for who, seconds in times.items():
            print(f"  {who:9} {seconds:8.2f} s  {seconds / times['floor']:5.2f}x floor")
        print("after the backup import:")
        for line in report:
            print(f"  {line}")
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
