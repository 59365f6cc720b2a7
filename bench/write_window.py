"""Choosing the write window: kumaprov's apply at several windows beside the sequential floor.

Run by hand; prints figures, asserts nothing about timings:

    .venv/bin/python bench/write_window.py                       # every server this machine has
    .venv/bin/python bench/write_window.py --versions 2.5.3 --count 200 --windows 1 4 8 16 --reps 3

Per server version: one server, one password login (JWT reused). Each round, from an empty
instance, in turns (ABBA between rounds, so neither always runs first):

  floor      one logged-in UptimeKumaApi (wait_events=0), bare sequential socket calls:
             `add` then `addMonitorTag` per monitor (add-only share printed), then
             `editMonitor` per monitor (interval changed), then `deleteMonitor` per monitor.
  kumaprov   kumaprov.sync.apply.apply on one KumaClient with window W: the plan from
             engine.plan_against for the same definitions (create N), then the interval
             changed (update N), then the definitions gone (delete N, --allow-mass-delete).
             Timed: apply alone (not lint, connect, plan, nor the converge re-read: those
             are sync_bench's). Correctness per round: the plan after each step is empty.

One untimed floor round first: the first writes after a server starts are slower.

Monitors: http checks of http://127.0.0.1:9/... with 1-day intervals (each fails at once,
then stays quiet). Medians over --reps rounds; ratio = kumaprov / floor, per step.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sync_bench as sb  # noqa: E402

from kumaprov.definitions.project import load_project  # noqa: E402
from kumaprov.dev import localkuma  # noqa: E402
from kumaprov.dev.releases import available_builds, ensure_build  # noqa: E402
from kumaprov.server.client import Credentials, KumaClient  # noqa: E402
from kumaprov.sync import engine  # noqa: E402
from kumaprov.sync.apply import apply  # noqa: E402


class VersionServer(sb.Server):
    def __init__(self, root: Path, version: str) -> None:
        super().__init__(root)
        self.installation = ensure_build(version, log=lambda m: None)

    def start(self) -> None:
        self.kuma = localkuma.start(self.data_dir, port=self.port, installation=self.installation,
                                    log=lambda m: None)


def write_project(project: Path, count: int, interval: int) -> None:
    sb.write_definitions(project, count, interval)
    if count == 0:
        (project / "monitors" / "none.yaml").write_text("monitors: []\n")


def kumaprov_step(server: VersionServer, project: Path, window: int, expect: tuple[int, int, int]) -> float:
    proj, problems = load_project(None, project)
    assert not problems, problems
    with KumaClient.connect(server.url, Credentials(token=server.token), 120.0) as client:
        planned = engine.plan_against(client, proj, None)
        plan = planned.plan
        assert (len(plan.creates), len(plan.updates), len(plan.deletes)) == expect, \
            (len(plan.creates), len(plan.updates), len(plan.deletes))
        start = time.perf_counter()
        report = apply(plan, client, proj.owner, planned.line, window=window)
        elapsed = time.perf_counter() - start
    assert report.ok, report.failed
    # 1.23 and 2.0.0-dev.0 push lists computed while deletes still ran after answering them:
    # a read right after may name deleted monitors; read again until the pushes are through.
    deadline = time.monotonic() + 15
    while True:
        with KumaClient.connect(server.url, Credentials(token=server.token), 120.0) as client:
            if not engine.plan_against(client, proj, None).plan.has_changes:
                break
        assert time.monotonic() < deadline, "not converged"
        time.sleep(0.5)
    return elapsed


def floor_round(server: VersionServer, project: Path, count: int, interval: int) -> dict[str, float]:
    write_project(project, count, sb.BASE_INTERVAL)
    payloads = sb.capture_payloads(server, project)
    times = {}
    times["create"], times["add only"] = sb.floor_create(server, payloads)
    times["update"], edited = sb.floor_update(server, interval, 0)
    assert edited == count
    api = server.connect()
    try:
        ids = [int(i) for i in api._event_data[sb.Event.MONITOR_LIST]]
        start = time.perf_counter()
        for kuma_id in ids:
            sb.call(api, "deleteMonitor", kuma_id)
        times["delete"] = time.perf_counter() - start
    finally:
        api.disconnect()
    return times


def kumaprov_round(server: VersionServer, project: Path, count: int, interval: int, window: int) -> dict[str, float]:
    times = {}
    write_project(project, count, sb.BASE_INTERVAL)
    times["create"] = kumaprov_step(server, project, window, (count, 0, 0))
    write_project(project, count, interval)
    times["update"] = kumaprov_step(server, project, window, (0, count, 0))
    write_project(project, 0, interval)
    times["delete"] = kumaprov_step(server, project, window, (0, 0, count))
    return times


def bench_version(version: str, count: int, windows: list[int], reps: int) -> list[str]:
    root = Path(tempfile.mkdtemp(prefix="kumaprov-write-window-"))
    project = root / "project"
    server = VersionServer(root, version)
    lines = []
    try:
        server.start()
        server.first_login()
        sb.say(f"Uptime Kuma {server.version}: {count} monitors, windows {windows}, {reps} rounds")
        results: dict[str, list[dict[str, float]]] = {"floor": [], **{f"w{w}": [] for w in windows}}
        interval = sb.BASE_INTERVAL
        # The first writes after a start are slower (the server warming up): one untimed round.
        interval += 60
        floor_round(server, project, count, interval)
        for rep in range(reps):
            who = ["floor", *[f"w{w}" for w in windows]]
            if rep % 2:
                who.reverse()
            for name in who:
                interval += 60
                server.settle()
                times = (floor_round(server, project, count, interval) if name == "floor"
                         else kumaprov_round(server, project, count, interval, int(name[1:])))
                results[name].append(times)
                sb.say(f"  {version} {name} round {rep + 1}: " + ", ".join(f"{k} {v:.2f}s" for k, v in times.items()))
        floor = {step: statistics.median(r[step] for r in results["floor"]) for step in results["floor"][0]}
        lines.append(f"Uptime Kuma {server.version}, {count} monitors, medians of {reps} rounds "
                     f"(floor: create {floor['create']:.2f} s, of it add-only {floor['add only']:.2f} s; "
                     f"update {floor['update']:.2f} s; delete {floor['delete']:.2f} s)")
        lines.append(f"  {'window':>6} {'create':>8} {'x floor':>8} {'x add':>6} {'update':>8} {'x floor':>8} "
                     f"{'delete':>8} {'x floor':>8}")
        for w in windows:
            med = {step: statistics.median(r[step] for r in results[f"w{w}"]) for step in ("create", "update", "delete")}
            lines.append(f"  {w:>6} {med['create']:8.2f} {med['create'] / floor['create']:7.2f}x "
                         f"{med['create'] / floor['add only']:5.2f}x {med['update']:8.2f} "
                         f"{med['update'] / floor['update']:7.2f}x {med['delete']:8.2f} "
                         f"{med['delete'] / floor['delete']:7.2f}x")
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--versions", nargs="*", default=None, help="default: every server this machine has")
    parser.add_argument("--count", type=int, default=100, help="monitors created, updated, deleted per round")
    parser.add_argument("--windows", type=int, nargs="*", default=[1, 2, 4, 8, 16])
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    print(f"kumaprov at {sb.git_state()}; {os.cpu_count()} CPUs, loadavg {os.getloadavg()[0]:.2f}")
    report: list[str] = []
    for version in args.versions or available_builds():
        report += bench_version(version, args.count, args.windows, args.reps)
    print(f"\nresults (seconds, apply only; loadavg now {os.getloadavg()[0]:.2f})")
    print("\n".join(report))


if __name__ == "__main__":
    main()
